"""Pure-Python text core: decoding, normalization, offset maps, grapheme clusters, tokens, snapping,
romanization and cross-script search.

No Qt and no database imports. Offsets everywhere are code points of the stored, NFC-normalized text,
half-open ``[start, end)``.
"""

from annotator.text.normalization import (
    OffsetMap,
    SpanMismatch,
    TextDecodeError,
    content_hash,
    decode,
    normalize,
    normalize_with_map,
    remap_span,
)
from annotator.text.segment import (
    TOKEN_KINDS,
    Segmenter,
    Token,
    grapheme_boundaries,
    snap,
    strip_span,
    token_spans,
    tokenize,
)

__all__ = [
    "SCHEMES",
    "TOKEN_KINDS",
    "Match",
    "OffsetMap",
    "Segmenter",
    "SpanMismatch",
    "TextDecodeError",
    "Token",
    "content_hash",
    "decode",
    "find",
    "grapheme_boundaries",
    "normalize",
    "normalize_with_map",
    "rank",
    "remap_span",
    "romanize",
    "search_key",
    "snap",
    "strip_span",
    "token_spans",
    "tokenize",
]

# Romanization loads indic-transliteration's scheme tables (~80 ms): imported on first use only, so
# commands that never romanize (import, export) start faster.
_LAZY = {"SCHEMES", "Match", "find", "rank", "romanize", "search_key"}


def __getattr__(name: str):
    if name in _LAZY:
        from annotator.text import romanization

        return getattr(romanization, name)
    raise AttributeError(f"module 'annotator.text' has no attribute {name!r}")
