"""Pure-Python text core: decoding, normalization, offset maps, grapheme clusters, tokens, snapping,
romanization and cross-script search.

No Qt and no database imports. Offsets everywhere are code points of the stored, NFC-normalized text,
half-open ``[start, end)``.

Every name below is imported from its module on first use (``from annotator.text import X`` works as
before; type checkers see the imports below): a command imports only the modules it uses (a search:
romanization, and segment for grapheme clusters, not normalization; segment compiles its tokenizer's
patterns on first use), and nothing loads indic-transliteration's scheme tables (~80 ms) before it
romanizes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from annotator.text.romanization import SCHEMES, Match, find, rank, romanize, search_key
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

#: Each exported name's module (a test checks that it matches the imports for type checkers above).
_MODULE_OF = {
    **dict.fromkeys(
        (
            "OffsetMap",
            "SpanMismatch",
            "TextDecodeError",
            "content_hash",
            "decode",
            "normalize",
            "normalize_with_map",
            "remap_span",
        ),
        "normalization",
    ),
    **dict.fromkeys(("SCHEMES", "Match", "find", "rank", "romanize", "search_key"), "romanization"),
    **dict.fromkeys(
        (
            "TOKEN_KINDS",
            "Segmenter",
            "Token",
            "grapheme_boundaries",
            "snap",
            "strip_span",
            "token_spans",
            "tokenize",
        ),
        "segment",
    ),
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module == "normalization":
        from annotator.text import normalization

        value = getattr(normalization, name)
    elif module == "romanization":
        from annotator.text import romanization

        value = getattr(romanization, name)
    elif module == "segment":
        from annotator.text import segment

        value = getattr(segment, name)
    else:
        raise AttributeError(f"module 'annotator.text' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
