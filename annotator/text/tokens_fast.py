"""The tokenizer's chunk cache: the tokens of a text put together from the remembered tokens of its
space-separated chunks, the way spaCy's tokenizer caches each chunk's split.

A text is cut at every ASCII space (``str.split(" ")``, a C-level call). A chunk is *self-contained* when
its first character does not continue a grapheme cluster (it does not join the space before it) and its
last character is not a Prepend character (which would take the space after it into its cluster). Then
both its ends are cut points of the tokenizer (see segment.py's fast-path notes): no token or cluster
crosses them, and every lookaround of the token pattern sees the same thing at a space as at the start or
end of a text. So the chunk's tokens inside any text are its tokens as a text of its own, shifted by
where it starts; only self-contained chunks of at most :data:`MAX_CHUNK` characters are remembered, and
a text whose chunks are all remembered is tokenized by look-ups and C-level maps alone (a running sum
of each chunk's steps gives every token's start and end). A text with a few chunks not remembered has
those tokenized one by one; one with more is tokenized whole by the tokenizer proper, and for one such
text in :data:`SAMPLE` its new chunks are remembered from that result, while the cache has room
(:data:`MAX_ENTRIES`). Entries are never dropped: the cache is for the texts of a session's projects.

Pure Python; no Qt, no database.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from functools import cache
from itertools import accumulate, chain, compress
from operator import itemgetter

import regex

#: Pieces of a text's tokens: their starts, ends, texts and kinds, as four lists.
Pieces = tuple[list[int], list[int], list[str], list[str]]
#: One remembered chunk: its steps (from the chunk's start to its first token's start, to its end, to the
#: next token's start, ..., from the last token's end to the next chunk's start, past the space), which of
#: the running sums of the steps are tokens' starts and ends (all but the last), and its tokens' texts and
#: kinds. The running sum of all chunks' steps in a text is then each token's start and end in turn.
Entry = tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...], tuple[str, ...]]

MAX_CHUNK = 64  # longer chunks (long URLs, texts without spaces) are not remembered
MAX_ENTRIES = 1 << 14  # about 8 MB (a full cache of 65,536 short Hindi chunks took 31 MB)
#: A text with more than one in FEW chunks not remembered is tokenized whole (and they are remembered from
#: that); with fewer, those chunks are tokenized one by one (a few microseconds each).
FEW = 64
#: Of the texts with more chunks not remembered, the chunks of one in SAMPLE are remembered.
SAMPLE = 4

_flat = chain.from_iterable
_succ = (1).__add__
_first, _second, _third, _fourth = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


class ChunkCache:
    """Remembered chunk tokens for one tokenizer (``compute``: a text's :data:`Pieces`)."""

    def __init__(self, compute: Callable[[str], Pieces], not_self_contained: regex.Pattern[str]) -> None:
        """``not_self_contained`` finds, in a text, a space followed by a character that continues a
        cluster or a Prepend character followed by a space (or either at a text's start or end)."""
        self._compute = compute
        self._unsafe = not_self_contained
        self._entries: dict[str, Entry] = {}
        self._texts_missed = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def pieces(self, text: str, *, texts: bool = True) -> Pieces:
        """The starts, ends, texts and kinds of ``text``'s tokens: exactly ``compute(text)``, put together
        from the chunks' entries when all are remembered or few are not (with ``texts=False``, the texts
        and kinds lists are empty when they come from there)."""
        chunks = text.split(" ")
        try:
            entries = list(map(self._entries.__getitem__, chunks))
        except KeyError:
            got = list(map(self._entries.get, chunks))
            few = got.count(None) * FEW <= len(chunks)
            if not (few and self._fill(chunks, got)):
                pieces = self._compute(text)
                self._remember(text, chunks, got, pieces)
                return pieces
            entries = got  # type: ignore[assignment]  # _fill filled in every None
        # every token's start and end, in a running sum over the chunks' steps (see Entry)
        bounds = list(compress(accumulate(_flat(map(_first, entries))), _flat(map(_second, entries))))
        if not texts:
            return bounds[0::2], bounds[1::2], [], []
        return (
            bounds[0::2],
            bounds[1::2],
            list(_flat(map(_third, entries))),
            list(_flat(map(_fourth, entries))),
        )

    def _entry(self, chunk: str, at: int, pieces: Pieces, a: int, b: int) -> Entry:
        """The entry of ``chunk``, which starts at ``at`` in a text whose tokens are ``pieces`` and has
        the tokens ``a`` to ``b`` of them."""
        token_starts, token_ends, words, kinds = pieces
        steps: list[int] = []
        end = at
        for s, e in zip(token_starts[a:b], token_ends[a:b], strict=True):
            steps += (s - end, e - s)
            end = e
        steps.append(at + len(chunk) + 1 - end)
        return tuple(steps), _mask(b - a), tuple(words[a:b]), tuple(kinds[a:b])

    def _fill(self, chunks: list[str], got: list[Entry | None]) -> bool:
        """Fill in the missing entries (None in ``got``), each chunk tokenized as a text of its own, and
        remember them while there is room; False (and nothing filled in) when one is not self-contained
        or too long."""
        missing = [i for i, entry in enumerate(got) if entry is None]
        unsafe = self._unsafe.search
        for i in missing:
            chunk = chunks[i]
            if len(chunk) > MAX_CHUNK or unsafe(chunk) is not None:
                return False
        room = len(self._entries) + len(missing) <= MAX_ENTRIES
        for i in missing:
            chunk = chunks[i]
            pieces = self._compute(chunk)
            got[i] = entry = self._entry(chunk, 0, pieces, 0, len(pieces[0]))
            if room:
                self._entries[chunk] = entry
        return True

    def _remember(self, text: str, chunks: list[str], got: list[Entry | None], pieces: Pieces) -> None:
        """Remember the missing chunks (None in ``got``) of ``text``, whose tokens are ``pieces``, when
        all the chunks are self-contained and short and there is room; only for one text in
        :data:`SAMPLE` (a few microseconds a chunk: on a first pass over new texts, the frequent chunks
        are soon remembered from a sample of the texts, and the others cost little more than before)."""
        self._texts_missed += 1
        if self._texts_missed % SAMPLE:
            return
        missing = [i for i, entry in enumerate(got) if entry is None]
        if len(self._entries) + len(missing) > MAX_ENTRIES or max(map(len, chunks)) > MAX_CHUNK:
            return
        if self._unsafe.search(text) is not None:
            return
        starts = list(accumulate(map(_succ, map(len, chunks)), initial=0))
        token_starts = pieces[0]
        entries = self._entries
        for i in missing:
            # the chunk's tokens (no token crosses a space: none holds whitespace)
            a = bisect_left(token_starts, starts[i])
            b = bisect_left(token_starts, starts[i + 1], a)
            entries[chunks[i]] = self._entry(chunks[i], starts[i], pieces, a, b)


@cache
def _mask(tokens: int) -> tuple[int, ...]:
    """Which running sums of a chunk with ``tokens`` tokens are its tokens' starts and ends."""
    return (1,) * (2 * tokens) + (0,)
