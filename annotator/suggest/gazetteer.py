"""Gazetteer suggestions: known names (places, forces, armed groups, titles…) found in Hindi, English and
mixed text, in either script.

Entries
-------
An :class:`Entry` has a name, a label (an entity type of the schema), an optional canonical name (the
suggestion's ``detail``; default: the name) and aliases. Files are UTF-8 TSV or CSV (by extension; else a
tab in the header means TSV) with a header naming the columns ``name``, ``label`` and optionally
``canonical`` and ``aliases`` (``note``, ``source`` and ``id`` columns are allowed and ignored); aliases
are separated by ``|``; blank lines and lines starting with ``#`` are skipped. Every bad line is reported
as ``file:line: reason`` in one :class:`GazetteerError` (too many fields, no name, no label, a label not
among ``allowed_labels``, an empty alias, a name with nothing to match).

What an entry matches
---------------------
Its written spellings (name and aliases; the canonical name is the suggestion's ``detail``, not a
spelling) and spellings generated from them:

* a Latin name's Devanagari form, from :func:`~annotator.suggest.keys.devanagari_from_latin`
  (indic-transliteration's ITRANS after a Hindi-aware guess; acronyms by their Hindi letter names:
  NIA → एनआईए);
* a Devanagari name's readable Latin form, from :func:`annotator.text.romanization.romanize`
  (``पहलगाम`` → ``pahalgam``).

Every spelling is cut into units and keyed as :mod:`annotator.suggest.keys` describes, and stored by its
exact keys: case-insensitive Latin; Devanagari with nukta, chandrabindu/anusvara, nasal+virama and
ZWJ/ZWNJ variants folded (``हिन्दी`` = ``हिंदी``, ``गिरफ़्तार`` = ``गिरफ्तार``); Latin acronyms by their
letters, so ``LeT`` matches ``LET`` and ``एलईटी`` but never the word ``let`` (a text word of up to four
letters that looks like an acronym is read as one only: ``SWAT`` is not Swat); a Devanagari acronym as
written (``पीएम``, which Latin ``PM``, a time of day, does not match).

Across scripts an entry also matches by phonetic key (``Pahalgam`` finds ``पहलगाम``, ``Lashkar-e-Taiba``
finds ``लश्कर-ए-तैयबा``) — in the script it has no written spelling in, and when the keys have at least
:data:`MIN_PHONETIC` letters. Where the gazetteer gives a spelling in a script, only that spelling (and
its folded variants) counts in that script: the phonetic key ignores vowel length, which tells Hindi words
apart (``ढका``, covered, is not ``ढाका``, Dhaka), and English words sound like names (``read`` / Riyadh,
``policy`` / police).

Matching
--------
Matches cover whole units: never part of a word (``Delhiwala``, ``पहलगामी`` do not match Delhi, पहलगाम),
while Hindi case endings, written apart (``पहलगाम में``), are no obstacle; an English possessive is left
out (``Pakistan's`` → ``Pakistan``). A hyphenated name is one unit sequence, so ``लश्कर-ए-तैयबा`` matches
whole, and whole parts of a hyphenated compound match too (``पाकिस्तान-आधारित``, ``अमेरिका-पाकिस्तान``).
Hyphen and space are interchangeable (``जम्मू-कश्मीर`` = ``जम्मू कश्मीर``); other punctuation must be as
written. The longest match wins and gazetteer suggestions never overlap (``Jammu and Kashmir`` over
``Jammu``). Time: one dict lookup per unit and key, whatever the number of entries (see
:mod:`annotator.suggest.lexicon`; ``benchmarks/suggest.py``).

Scores: ``score`` (default :data:`EXACT_SCORE`, 0.9) for an exact match of a written spelling, 0.1 less
for a generated spelling, 0.2 less for a phonetic match.

Pure Python; no Qt, no database.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex

from annotator.suggest import Suggestion
from annotator.suggest.keys import (
    PHONETIC_TAGS,
    SEP,
    Unit,
    acronym_of_devanagari,
    devanagari_from_latin,
    fold_devanagari,
    has_devanagari,
    name_units,
    name_urdu_units,
    readable_forms,
    script_forms,
    script_tag,
    text_units,
)
from annotator.suggest.lexicon import Lexicon
from annotator.text.normalization import decode, normalize

__all__ = [
    "DEFAULT_GAZETTEER",
    "EXACT_SCORE",
    "MIN_PHONETIC",
    "Entry",
    "Gazetteer",
    "GazetteerError",
    "default_gazetteer",
    "read_entries",
]

DEFAULT_GAZETTEER = ("gazetteers", "south_asia_security.tsv")
"""The shipped gazetteer, below ``resources/``."""

EXACT_SCORE = 0.9
GENERATED_PENALTY = 0.1
PHONETIC_PENALTY = 0.2
MIN_PHONETIC = 4
"""Letters a spelling's phonetic keys need (all units together) to be matched phonetically."""

COLUMNS = ("name", "label", "canonical", "aliases")
IGNORED_COLUMNS = frozenset({"note", "notes", "source", "id"})
_LABEL_RE = regex.compile(r"\S+")
_LATIN_RE = regex.compile(r"[A-Za-z]")


class GazetteerError(ValueError):
    """Bad gazetteer input; ``problems`` lists each as ``file:line: reason`` (or ``entry N: reason``)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def __reduce__(self):
        return (type(self), (self.problems,))


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    label: str
    canonical: str = ""
    aliases: tuple[str, ...] = ()
    origin: str = field(default="", compare=False)  # file:line it came from, for messages
    link_id: str = ""  # a knowledge-base entry's canonical id: the suggestion's pre-filled link

    @property
    def canonical_name(self) -> str:
        return self.canonical or self.name

    @property
    def spellings(self) -> tuple[str, ...]:
        """The written spellings, name and aliases (without repeats). The canonical name is an identifier
        for the suggestion's detail (``Major``, ``police (unspecified)``), not a spelling to match."""
        return tuple(dict.fromkeys(s for s in (self.name, *self.aliases) if s))


def _problem(entry: Entry, allowed: frozenset[str] | None) -> str | None:
    if not entry.name.strip():
        return "no name"
    if not entry.label:
        return "no label"
    if not _LABEL_RE.fullmatch(entry.label):
        return f"label {entry.label!r} has spaces"
    if allowed is not None and entry.label not in allowed:
        close = difflib.get_close_matches(entry.label, sorted(allowed), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown label {entry.label!r} ({hint}allowed: {', '.join(sorted(allowed))})"
    for alias in entry.aliases:
        if not alias.strip():
            return "empty alias (two '|' in a row, or one at an end)"
    for spelling in entry.spellings:
        if not any(ch.isalnum() for ch in spelling):
            return f"{spelling!r} has no letters or digits"
    return None


# ---------------------------------------------------------------------------------------------- files


def _rows(text: str, path: str, fmt: str) -> Iterable[tuple[int, list[str]]]:
    """(line number, fields) of the non-comment, non-blank lines."""
    if fmt == "tsv":
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                yield number, line.split("\t")
        return
    lines = ["" if line.lstrip().startswith("#") else line for line in text.split("\n")]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row
    except csv.Error as e:
        raise GazetteerError([f"{path}:{reader.line_num}: {e}"]) from None


def read_entries(path: str | os.PathLike[str], *, allowed_labels: Iterable[str] | None = None) -> list[Entry]:
    """The entries of a TSV or CSV gazetteer file (see the module docstring); GazetteerError if any line
    is bad, listing every bad line."""
    path = Path(path)
    allowed = frozenset(allowed_labels) if allowed_labels is not None else None
    try:
        text = normalize(decode(path.read_bytes(), str(path)))
    except OSError as e:
        raise GazetteerError([f"{path}: cannot read: {e.strerror or e}"]) from None
    except ValueError as e:  # TextDecodeError: names the file and byte offset
        raise GazetteerError([str(e)]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    suffix = path.suffix.lower()
    first = next(
        (line for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")), ""
    )
    fmt = (
        "tsv"
        if suffix in (".tsv", ".tab")
        else "csv"
        if suffix == ".csv"
        else "tsv"
        if "\t" in first
        else "csv"
    )

    problems: list[str] = []
    entries: list[Entry] = []
    columns: list[str] | None = None
    for number, fields in _rows(text, str(path), fmt):
        where = f"{path}:{number}"
        if columns is None:
            columns = [f.strip().lower() for f in fields]
            unknown = [c for c in columns if c not in COLUMNS and c not in IGNORED_COLUMNS]
            missing = [c for c in ("name", "label") if c not in columns]
            if unknown or missing or len(set(columns)) != len(columns):
                why = []
                if missing:
                    why.append(f"no {' and no '.join(repr(m) for m in missing)} column")
                if unknown:
                    why.append(f"unknown column(s) {', '.join(map(repr, unknown))}")
                if len(set(columns)) != len(columns):
                    why.append("a column named twice")
                raise GazetteerError(
                    [f"{where}: bad header ({'; '.join(why)}); expected {' / '.join(COLUMNS)}"]
                )
            continue
        if len(fields) > len(columns):
            sep = "tabs" if fmt == "tsv" else "commas"
            problems.append(
                f"{where}: {len(fields)} fields but the header has {len(columns)} ({sep} inside a field?)"
            )
            continue
        row = dict(zip(columns, (f.strip() for f in fields), strict=False))
        aliases_field = row.get("aliases", "")
        aliases = tuple(a.strip() for a in aliases_field.split("|")) if aliases_field else ()
        entry = Entry(
            row.get("name", ""), row.get("label", ""), row.get("canonical", ""), aliases, origin=where
        )
        problem = _problem(entry, allowed)
        if problem:
            problems.append(f"{where}: {problem}")
        else:
            entries.append(entry)
    if columns is None:
        problems.append(f"{path}: no header line (expected {' / '.join(COLUMNS)})")
    if problems:
        raise GazetteerError(problems)
    return entries


# ---------------------------------------------------------------------------------------------- gazetteer


def _as_entry(item: Entry | Sequence[str], n: int) -> Entry:
    if isinstance(item, Entry):
        return item
    if isinstance(item, str) or not 2 <= len(item) <= 4:
        raise GazetteerError([f"entry {n}: expected an Entry or (name, label[, canonical[, aliases]])"])
    name, label, *rest = item
    canonical = rest[0] if rest else ""
    aliases: str | Iterable[str] = rest[1] if len(rest) > 1 else ()
    if isinstance(aliases, str):
        aliases = tuple(a.strip() for a in aliases.split("|")) if aliases else ()
    return Entry(
        str(name).strip(), str(label).strip(), (canonical or "").strip(), tuple(aliases), f"entry {n}"
    )


class Gazetteer:
    """Entries compiled for matching (build once, then :meth:`find` on any number of texts).

    ``entries``: :class:`Entry` objects or tuples ``(name, label[, canonical[, aliases]])`` (aliases a
    sequence or a ``|``-separated string). ``allowed_labels`` checks every label. ``source`` and ``kind``
    go into the suggestions; ``score`` is the score of an exact match of a written spelling (generated
    spellings and phonetic matches score less, see the module docstring). ``phonetic=False`` matches
    exact keys only; ``generate=False`` matches written spellings only. A bad entry (no name, a label not
    allowed, nothing to match) raises :class:`GazetteerError` listing every one, or with
    ``skip_invalid=True`` is left out and listed in :attr:`skipped` (for entries collected from
    annotations rather than written by hand).
    """

    def __init__(
        self,
        entries: Iterable[Entry | Sequence[str]] = (),
        *,
        allowed_labels: Iterable[str] | None = None,
        source: str = "gazetteer",
        score: float = EXACT_SCORE,
        kind: str = "entity",
        phonetic: bool = True,
        generate: bool = True,
        skip_invalid: bool = False,
    ) -> None:
        allowed = frozenset(allowed_labels) if allowed_labels is not None else None
        self.source = source
        self.kind = kind
        self.score = score
        self.phonetic = phonetic
        self.generate = generate
        items: list[Entry] = []
        problems: list[str] = []
        for n, item in enumerate(entries, 1):
            try:
                entry = _as_entry(item, n)
            except GazetteerError as e:
                problems += e.problems
                continue
            why = _problem(entry, allowed)
            if why:
                problems.append(f"{entry.origin or entry.name}: {why}")
            else:
                items.append(entry)
        if problems and not skip_invalid:
            raise GazetteerError(problems)
        self.skipped: list[str] = problems
        self.entries: tuple[Entry, ...] = tuple(items)
        self._lexicon = Lexicon()
        for index, entry in enumerate(self.entries):
            self._add(index, entry)

    # -- construction helpers ------------------------------------------------------------------------

    @classmethod
    def from_entries(
        cls, entries: Iterable[Entry | Sequence[str]], *, skip_invalid: bool = True, **options
    ) -> Gazetteer:
        """A gazetteer of entries collected by a program (e.g. the spans an annotator labelled): bad ones
        are left out and listed in :attr:`skipped` unless ``skip_invalid=False``."""
        return cls(entries, skip_invalid=skip_invalid, **options)

    @classmethod
    def load(
        cls,
        *paths: str | os.PathLike[str],
        allowed_labels: Iterable[str] | None = None,
        **options,
    ) -> Gazetteer:
        """A gazetteer of one or more TSV/CSV files (entries of all of them; every bad line of every file
        is reported together)."""
        allowed = frozenset(allowed_labels) if allowed_labels is not None else None
        entries: list[Entry] = []
        problems: list[str] = []
        for path in paths:
            try:
                entries += read_entries(path, allowed_labels=allowed)
            except GazetteerError as e:
                problems += e.problems
        if problems:
            raise GazetteerError(problems)
        return cls(entries, allowed_labels=allowed, **options)

    def _generated(self, written: Sequence[str]) -> list[str]:
        out: list[str] = []
        tags = {script_tag(s) for s in written}
        for s in written:
            if has_devanagari(s):
                if not any(acronym_of_devanagari(fold_devanagari(w)) for w in s.split()):
                    out += readable_forms(s)  # not for एनआईए: its Latin spelling is NIA, not "enaie"
                    out += script_forms(s, tags)  # Urdu, Bengali, Gurmukhi spellings (issue 20)
            elif _LATIN_RE.search(s):
                out.append(devanagari_from_latin(s))
            elif script_tag(s) != "~l":
                out += readable_forms(s)  # a Bengali, Gurmukhi, Tamil, Sinhala or Urdu name read in Latin
        return [g for g in dict.fromkeys(out) if g not in written]

    def _add(self, index: int, entry: Entry) -> None:
        for keys, score in self.entry_keys(entry):
            self._lexicon.add(keys, index, score)

    def entry_keys(self, entry: Entry) -> list[tuple[tuple[str, ...], float]]:
        """The key sequences an entry is matched by, with their scores: what building a gazetteer costs
        (generated spellings and phonetic keys); stored, they make :meth:`from_keys` quick."""
        out: list[tuple[tuple[str, ...], float]] = []
        written = entry.spellings
        generated = self._generated(written) if self.generate else []
        # Phonetic matching is a fallback across scripts: only in the script the entry has no written
        # spelling in. Written spellings are exact; the phonetic key ignores vowel length, which tells Hindi
        # words apart (ढका is not ढाका), and English words sound like names (read / Riyadh, policy / police).
        # (Bengali, Gurmukhi, Tamil and Sinhala share one tag, ~i; Urdu text matches by consonants, ~u)
        have = {script_tag(s) for s in written}
        targets = [tag for tag in PHONETIC_TAGS if tag not in have] if self.phonetic else []
        phonetic_score = round(max(self.score - PHONETIC_PENALTY, 0.05), 4)
        for spellings, score in ((written, self.score), (generated, self.score - GENERATED_PENALTY)):
            for s in spellings:
                tag_of_s = script_tag(s)
                phonetic = bool(targets) and (spellings is written or tag_of_s in ("~l", "~d"))
                units = name_units(s, phonetic=phonetic)
                if not units:
                    continue
                out.append((tuple(exact for exact, _ in units), round(score, 4)))
                if "~u" in targets and spellings is written and tag_of_s != "~u":
                    consonants = name_urdu_units(s)
                    if sum(len(c) for _, c in consonants if c) >= MIN_PHONETIC:
                        out.append(
                            (tuple("~u" + c if c else exact for exact, c in consonants), phonetic_score)
                        )
                if not phonetic or sum(len(phon) for _, phon in units if phon) < MIN_PHONETIC:
                    continue
                for tag in targets:
                    if tag != "~u":
                        out.append(
                            (tuple(tag + phon if phon else exact for exact, phon in units), phonetic_score)
                        )
        return out

    @classmethod
    def from_keys(
        cls,
        entries: Sequence[Entry],
        keys: Iterable[tuple[str, int, float]],
        *,
        source: str = "gazetteer",
        kind: str = "entity",
        lexicon: Lexicon | None = None,
    ) -> Gazetteer:
        """A gazetteer of entries whose keys were computed before (:meth:`entry_keys`, each sequence
        joined by :data:`~annotator.suggest.keys.SEP`; ``keys``: (joined keys, index in ``entries``,
        score)): nothing is transliterated or checked again (see :meth:`Lexicon.from_joined`); or the
        lexicon made of them already (:meth:`Lexicon.from_columns`)."""
        self = cls.__new__(cls)
        self.source, self.kind, self.score = source, kind, EXACT_SCORE
        self.phonetic = self.generate = True
        self.skipped = []
        self.entries = tuple(entries)
        self._lexicon = lexicon if lexicon is not None else Lexicon.from_joined(keys)
        return self

    # -- queries --------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Gazetteer(<{len(self.entries)} entries, {len(self._lexicon)} keys>, source={self.source!r})"

    def variants(self, entry: Entry | int) -> tuple[str, ...]:
        """The spellings an entry is matched by exactly: written ones first, then generated ones."""
        if isinstance(entry, int):
            entry = self.entries[entry]
        return (*entry.spellings, *self._generated(entry.spellings))

    def conflicts(self) -> list[tuple[str, Entry, tuple[Entry, ...]]]:
        """Keys shared by entries of different labels: (key, the entry that wins, the others)."""
        out = []
        for key, losers in self._lexicon.shadowed.items():
            winner = self.entries[self._lexicon._index[key][0]]
            others = tuple(
                self.entries[i] for i in dict.fromkeys(losers) if self.entries[i].label != winner.label
            )
            if others:
                out.append((key.replace(SEP, " "), winner, others))
        return out

    def find_units(self, units: Sequence[Unit]) -> list[Suggestion]:
        """:meth:`find` on units already cut by :func:`annotator.suggest.keys.text_units`."""
        entries, kind, source = self.entries, self.kind, self.source
        return [
            Suggestion(
                h.start,
                h.end,
                entries[h.payload].label,
                kind,
                source,
                h.score,
                entries[h.payload].canonical_name,
                entries[h.payload].link_id,
            )
            for h in self._lexicon.find(units)
        ]

    def find(self, text: str) -> list[Suggestion]:
        """Non-overlapping suggestions in ``text`` (the longest match wins), in text order; offsets are code
        points of ``text`` itself."""
        return self.find_units(cached_units(text))


@functools.lru_cache(maxsize=8)
def cached_units(text: str) -> list[Unit]:
    """:func:`annotator.suggest.keys.text_units`, remembered for the last few texts (the gazetteer and
    the rules cut the same document once). Treat the result as read-only."""
    return text_units(text)


@functools.lru_cache(maxsize=4)
def default_gazetteer(allowed_labels: frozenset[str] | None = None) -> Gazetteer:
    """The shipped South Asian security gazetteer, built once per label set: with ``allowed_labels`` (a
    project's entity types) only the entries of those labels, so a project whose schema lacks WEAPON, say,
    gets no WEAPON suggestions."""
    from annotator.resources import resource_path

    entries = read_entries(resource_path(*DEFAULT_GAZETTEER))
    if allowed_labels is not None:
        entries = [e for e in entries if e.label in allowed_labels]
    return Gazetteer(entries)


# ---------------------------------------------------------------------------------------------- admin areas

DEFAULT_ADMIN_AREAS = ("gazetteers", "south_asia_admin.tsv")
"""The administrative areas of the shipped gazetteer's places, below ``resources/``."""

ADMIN_SEPARATOR = " > "


def read_admin_areas(path: str | os.PathLike[str]) -> dict[str, tuple[str, ...]]:
    """``{name: (country, state or province, district…)}`` from a UTF-8 TSV file with the header ``name``,
    ``admin``: a place entry's name and the areas that hold it, largest first, separated by ``" > "``
    (``India > Jammu and Kashmir > Anantnag``); ``#`` lines are comments. GazetteerError lists every bad
    line (``file:line: reason``): a missing field, an empty area, a name given twice."""
    path = Path(path)
    try:
        text = normalize(decode(path.read_bytes(), str(path)))
    except OSError as e:
        raise GazetteerError([f"{path}: cannot read: {e.strerror or e}"]) from None
    except ValueError as e:
        raise GazetteerError([str(e)]) from None
    out: dict[str, tuple[str, ...]] = {}
    problems: list[str] = []
    header = False
    for number, fields in _rows(text.removeprefix("\ufeff"), str(path), "tsv"):
        where = f"{path}:{number}"
        if not header:
            if [f.strip().lower() for f in fields] != ["name", "admin"]:
                raise GazetteerError([f"{where}: bad header; expected name / admin"])
            header = True
            continue
        if len(fields) != 2 or not fields[0].strip():
            problems.append(f"{where}: expected a name and its areas, tab-separated")
            continue
        name, areas = fields[0].strip(), tuple(a.strip() for a in fields[1].split(ADMIN_SEPARATOR.strip()))
        if not all(areas):
            problems.append(f"{where}: an empty area in {fields[1]!r}")
        elif name in out:
            problems.append(f"{where}: {name!r} given twice")
        else:
            out[name] = areas
    if not header:
        problems.append(f"{path}: no header line (expected name / admin)")
    if problems:
        raise GazetteerError(problems)
    return out


@functools.lru_cache(maxsize=1)
def default_place_areas() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """For each place of the shipped gazetteer whose areas are known: (its canonical name and written
    spellings, its areas)."""
    from annotator.resources import resource_path

    areas = read_admin_areas(resource_path(*DEFAULT_ADMIN_AREAS))
    return tuple(
        ((e.canonical_name, *e.spellings), areas[e.name])
        for e in read_entries(resource_path(*DEFAULT_GAZETTEER))
        if e.name in areas
    )
