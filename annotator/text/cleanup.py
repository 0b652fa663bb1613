"""Clean-up of news article text: cut "read also" link lists, mark embedded social-media posts as quotes.

Pure Python (no Qt, no I/O). :func:`clean_news` works line by line on LF-separated text; the result is the
text annotators see (offsets count in it), so the rules are conservative and predictable:

**Read-also lists.** A *marker line* starts with one of the markers (:data:`DEFAULT_READ_ALSO`, or the
caller's list; compared after NFC normalization and case folding, so ``ALSO READ`` = ``Also read`` and a
nukta written as one code point or two is the same). Decoration before the marker (``*``, ``•``, ``»``,
``(``, an emoji…) is ignored; after it comes the end of the line or a separator (``:`` ``-`` ``–`` ``—``
``|`` ``»`` ``…``), optionally followed by one headline (``ये भी पढ़ें: headline``). The marker line and the
*link-like* lines after it are removed. A line is link-like when it is a bare URL, or a headline: at most
:data:`MAX_HEADLINE` characters, not ending in a sentence end (``।``, ``॥`` or a single ``.``; closing
quotes and brackets are looked through), and without a ``।`` followed by more text. The cut stops before
the first non-blank line that is not link-like (article text again: a long paragraph or a sentence), and
before an embedded post; otherwise it runs to the end of the text. Blank lines left doubled by a cut are
collapsed, and a cut at the end leaves no trailing blank lines (the text keeps a final LF if it had one).

**Embedded posts.** A post is found by its signature line: an X/Twitter embed's
``— Name (@handle) July 25, 2025``, Instagram's ``A post shared by Name (@handle)``, Facebook's ``Posted by
Name on Friday, July 25, 2025``. Its body is the line just above the signature (blank lines skipped); when
the text separates paragraphs with blank lines, the whole block of lines above (at most
:data:`MAX_POST_LINES`); for Instagram, from a ``View this post on Instagram`` line when there is one. A
body line over :data:`MAX_POST_BODY` characters without a link, @handle or #hashtag is article text and
stays out. A line with a ``pic.twitter.com/…`` or ``https://t.co/…`` link but no signature below it, and a
line that is only a link to a post (x.com, twitter.com, instagram.com, facebook.com, youtube.com, youtu.be),
are posts on their own. Every line of a post gets the prefix ``> `` (a blank line inside one: ``>``), the
mail/Markdown quote mark: readable, one visible block, and undoable (drop the prefix).

Cleaning is idempotent: lines that already start with ``>`` are taken as marked and left alone, so cleaning
cleaned text changes nothing. Text with neither markers nor posts comes back unchanged, byte for byte.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_READ_ALSO",
    "MAX_HEADLINE",
    "MAX_POST_BODY",
    "MAX_POST_LINES",
    "QUOTE_PREFIX",
    "CleanResult",
    "clean_news",
    "parse_read_also",
]

#: Markers of "read also" link lists (Hindi and English). Matching ignores case, nukta composition and a
#: separator after the marker, so ``यह भी पढ़ें:`` and ``ALSO READ`` are covered by the entries below.
DEFAULT_READ_ALSO: tuple[str, ...] = (
    "यह भी पढ़ें",
    "ये भी पढ़ें",
    "इसे भी पढ़ें",
    "इन्हें भी पढ़ें",
    "यह भी पढ़े",
    "ये भी पढ़े",
    "और पढ़ें",
    "ज़रूर पढ़ें",
    "जरूर पढ़ें",
    "यह भी देखें",
    "ये भी देखें",
    "संबंधित ख़बरें",
    "संबंधित खबरें",
    "Also read",
    "Read also",
    "Read more",
    "Also see",
    "Also watch",
    "Must read",
    "Related",
)

#: A headline in a read-also list is at most this many characters.
MAX_HEADLINE = 160
#: A post body line longer than this, with no link, @handle or #hashtag, is article text.
MAX_POST_BODY = 600
#: A post body taken from a blank-line-separated block has at most this many lines.
MAX_POST_LINES = 20
#: What each line of an embedded post starts with after clean-up.
QUOTE_PREFIX = "> "

_SEPARATORS = ":：-–—|»›>…"
_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
    r"|जनवरी|फरवरी|फ़रवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|सितम्बर|अक्टूबर|अक्तूबर|नवंबर|नवम्बर|दिसंबर|दिसम्बर"
)
#: ``— Name (@handle) July 25, 2025`` (the date may be missing or in another language's format).
_TWEET_SIGNATURE = re.compile(r"^[—–―-]{1,2}\s*\S.{0,120}?\(@[A-Za-z0-9_]{1,15}\)(?:\s+.{0,40}?\d{4})?\s*$")
_INSTAGRAM_SIGNATURE = re.compile(r"^A post shared by\s+.{0,120}?\(@[\w.]{1,30}\)", re.IGNORECASE)
_INSTAGRAM_START = re.compile(r"^View this post on Instagram\s*$", re.IGNORECASE)
_FACEBOOK_SIGNATURE = re.compile(
    rf"^Posted by\s+\S.{{0,120}}?\s+on\s+(?:\w+,\s+)?(?:{_MONTH})\s+\d{{1,2}},?\s+\d{{4}}\s*$"
)
_POST_LINK = re.compile(r"\bpic\.(?:twitter|x)\.com/\w+|\bhttps?://t\.co/\w+")
_POST_URL_LINE = re.compile(
    r"^<?https?://(?:www\.|m\.|mobile\.)?"
    r"(?:twitter\.com|x\.com|instagram\.com|facebook\.com|fb\.watch|youtube\.com|youtu\.be)/\S+?>?$",
    re.IGNORECASE,
)
_URL_LINE = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.IGNORECASE)
_POST_HINT = re.compile(r"https?://|pic\.(?:twitter|x)\.com/|(?:^|\s)[@#]\w")
_BLANK_SEPARATED = re.compile(r"\S[^\S\n]*\n[^\S\n]*\n\s*\S")
_CLOSERS = "\"'”’»)]}›"


@dataclass(slots=True)
class CleanResult:
    """The cleaned text and what was done to it (for the import report and ``meta["cleanup"]``)."""

    text: str
    #: The lines cut (read-also markers and their link lines), in text order, without surrounding spaces.
    removed: list[str] = field(default_factory=list)
    #: How many embedded posts were marked as quotes.
    quotes: int = 0

    @property
    def removed_lines(self) -> int:
        return len(self.removed)

    def meta(self) -> dict[str, Any]:
        """What a cleaned document records in ``meta["cleanup"]``."""
        return {"removed_lines": self.removed_lines, "quotes": self.quotes, "removed": list(self.removed)}


def parse_read_also(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """Markers from the user: ``None`` gives :data:`DEFAULT_READ_ALSO`; a string is a comma-separated list
    that replaces the defaults, or adds to them when it starts with ``+`` (``"+Must see,पढ़ें यह"``); an
    empty string gives no markers (nothing is cut). A separator a marker ends with (``यह भी पढ़ें:``) is
    dropped: separators are matched anyway."""
    if spec is None:
        return DEFAULT_READ_ALSO
    extend = False
    if isinstance(spec, str):
        spec = spec.strip()
        if spec.startswith("+"):
            extend, spec = True, spec[1:]
        items: Iterable[str] = spec.split(",")
    else:
        items = spec
    out: list[str] = list(DEFAULT_READ_ALSO) if extend else []
    for item in items:
        marker = item.strip().rstrip(_SEPARATORS + " \t").strip()
        if marker and marker not in out:
            out.append(marker)
    return tuple(out)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _is_decoration(ch: str) -> bool:
    return ch != ">" and unicodedata.category(ch)[0] in "PSZ"


def _is_link_like(line: str) -> bool:
    """A read-also entry: a bare URL or a headline (short, not a sentence)."""
    s = line.strip()
    if not s:
        return False
    if _URL_LINE.match(s):
        return True
    if len(s) > MAX_HEADLINE:
        return False
    end = s.rstrip(_CLOSERS + " ")
    if end.endswith(("।", "॥")) or (end.endswith(".") and not end.endswith("..")):
        return False
    danda = end.find("।")
    return danda < 0 or danda == len(end) - 1


class _Markers:
    def __init__(self, markers: Iterable[str]):
        folded = {_fold(m.strip()) for m in markers if m.strip()}
        self.folded = sorted(folded, key=len, reverse=True)

    def match(self, line: str) -> bool:
        """Whether ``line`` opens a read-also list (a marker, then nothing or a separator and a headline)."""
        if not self.folded:
            return False
        s = _fold(line.strip())
        i = 0
        while i < len(s) and _is_decoration(s[i]):
            i += 1
        s = s[i:]
        for marker in self.folded:
            if not s.startswith(marker):
                continue
            rest = s[len(marker) :].lstrip()
            if not rest:
                return True
            if rest[0] not in _SEPARATORS and not rest.startswith(".."):
                continue
            rest = rest.lstrip(_SEPARATORS + ". ").rstrip(_CLOSERS + " ")
            return not rest or _is_link_like(rest)
        return False


def _is_quoted(line: str) -> bool:
    return line.startswith(">")


def _signature(line: str) -> str | None:
    s = line.strip()
    if _TWEET_SIGNATURE.match(s):
        return "x"
    if _INSTAGRAM_SIGNATURE.match(s):
        return "instagram"
    if _FACEBOOK_SIGNATURE.match(s):
        return "facebook"
    return None


def _find_posts(lines: list[str], blank_separated: bool) -> list[tuple[int, int]]:
    """Embedded posts as ``[start, end)`` line ranges, in text order."""
    taken = [_is_quoted(line) for line in lines]
    posts: list[tuple[int, int]] = []

    def free(i: int) -> bool:
        return 0 <= i < len(lines) and not taken[i] and bool(lines[i].strip())

    for i, line in enumerate(lines):
        kind = None if taken[i] else _signature(line)
        if kind is None:
            continue
        j = i - 1
        while j >= 0 and not lines[j].strip() and not taken[j]:
            j -= 1
        start = i
        if kind == "instagram":
            k = j
            while k >= 0 and i - k <= MAX_POST_LINES and not taken[k]:
                if _INSTAGRAM_START.match(lines[k].strip()):
                    start = k
                    break
                k -= 1
        if start == i and free(j) and _signature(lines[j]) is None:
            body = lines[j].strip()
            if len(body) <= MAX_POST_BODY or _POST_HINT.search(body):
                start = j
                if blank_separated:
                    while (
                        free(start - 1)
                        and i - start < MAX_POST_LINES
                        and _signature(lines[start - 1]) is None
                    ):
                        start -= 1
        for k in range(start, i + 1):
            taken[k] = True
        posts.append((start, i + 1))
    for i, line in enumerate(lines):
        s = line.strip()
        if not taken[i] and s and (_POST_LINK.search(s) or _POST_URL_LINE.match(s)):
            taken[i] = True
            posts.append((i, i + 1))
    return sorted(posts)


def _find_cuts(lines: list[str], markers: _Markers, protected: list[bool]) -> list[tuple[int, int]]:
    """Read-also lists as ``[start, end)`` line ranges: a marker line and the link-like lines after it."""
    cuts: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if protected[i] or not markers.match(lines[i]):
            i += 1
            continue
        end = i + 1
        j = i + 1
        while j < len(lines):
            line = lines[j]
            if protected[j]:
                break
            if not line.strip():
                j += 1
                continue
            if not (markers.match(line) or _is_link_like(line)):
                break
            j += 1
            end = j
        if j >= len(lines):  # nothing but link lines and blank lines to the end: cut to the end
            end = len(lines)
        cuts.append((i, end))
        i = end
    return cuts


def clean_news(text: str, read_also: tuple[str, ...] | str = DEFAULT_READ_ALSO) -> CleanResult:
    """Cut read-also link lists and mark embedded posts as quotes (rules: see the module docstring).

    ``read_also`` is the list of markers (a string is read by :func:`parse_read_also`; ``()`` cuts
    nothing). Returns the text, the removed lines and the number of posts marked."""
    markers = _Markers(parse_read_also(read_also) if isinstance(read_also, str) else read_also)
    lines = text.split("\n")
    posts = _find_posts(lines, bool(_BLANK_SEPARATED.search(text)))
    protected = [_is_quoted(line) for line in lines]
    for start, end in posts:
        for k in range(start, end):
            protected[k] = True
    cuts = _find_cuts(lines, markers, protected)
    if not posts and not cuts:
        return CleanResult(text)

    in_post = [False] * len(lines)
    for start, end in posts:
        for k in range(start, end):
            in_post[k] = True
    removed: list[str] = []
    out: list[str] = []
    cut_starts = {start: end for start, end in cuts}
    i = 0
    while i < len(lines):
        if i in cut_starts:
            end = cut_starts[i]
            removed.extend(line.strip() for line in lines[i:end] if line.strip())
            i = end
            if end >= len(lines):
                while out and not out[-1].strip():
                    out.pop()
                if text.endswith("\n") and out:
                    out.append("")
                break
            if not out or not out[-1].strip():  # don't leave two blank-line runs (or a leading one)
                while i < len(lines) and not lines[i].strip() and not in_post[i]:
                    i += 1
            continue
        line = lines[i]
        if in_post[i]:
            ending = "\r" if line.endswith("\r") else ""
            line = (QUOTE_PREFIX + line.strip() if line.strip() else QUOTE_PREFIX.rstrip()) + ending
        out.append(line)
        i += 1
    return CleanResult("\n".join(out), removed, len(posts))
