"""Whether an offset is a grapheme cluster boundary, decided from a stretch of the text around it.

Segmenting all of a 20 MB text takes seconds; whether one offset is a boundary depends only on what
surrounds it. A boundary at ``i`` (UAX #29) depends on the character at ``i`` and on a left context that
is either the character before ``i`` or a chain of characters: an Indic conjunct (consonant, then
extending marks and viramas, GB9c), an emoji ZWJ sequence (pictograph, extenders, ZWJ, GB11), a run of
regional indicators (flags, GB12/13). No chain goes through a space or a line feed. So the stretch is
taken from just after a space or a line feed before the offset to a space or a line feed after it
(:meth:`annotator.text.segment.Segmenter.around`): inside it, every offset but the stretch's first is a
boundary exactly when it is one in the whole text, and the offset asked about is never that first one
(the stretch starts ``margin`` ≥ 1 code points before it, or at the text's start). A text without spaces
or line feeds near the offset is segmented further out, up to all of it: slower, never wrong.
``tests/text/test_local_clusters.py`` checks with generated texts (Devanagari conjuncts, ZWJ emoji
sequences, flags, combining marks after spaces, prepended marks, Hangul, CR LF) that the answer is the
whole text's at every offset, for small and large margins.
"""

from __future__ import annotations

from annotator.text.segment import Segmenter

__all__ = ["MARGIN", "is_cluster_boundary", "splits_cluster"]

MARGIN = 64
"""How far, at least, the stretch reaches on each side of the offset (any margin ≥ 1 is correct)."""


def is_cluster_boundary(text: str, offset: int, *, margin: int = MARGIN) -> bool:
    """Whether ``offset`` is a grapheme cluster boundary of ``text`` (0 and ``len(text)`` are; an offset
    outside the text is not), segmenting only a stretch around it."""
    if margin < 1:
        raise ValueError("margin must be at least 1")
    if not 0 <= offset <= len(text):
        return False
    if offset in (0, len(text)):
        return True
    stretch, at = Segmenter(text).around(offset, offset, margin)
    return stretch.is_boundary(offset - at)


def splits_cluster(text: str, start: int, end: int, *, margin: int = MARGIN) -> int | None:
    """The first of ``start``, ``end`` that is not a cluster boundary of ``text``, or None: the span's
    edges checked without segmenting what lies between or around them."""
    for offset in (start, end):
        if not is_cluster_boundary(text, offset, margin=margin):
            return offset
    return None
