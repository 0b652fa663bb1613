"""Suggestion engines: spans an annotator may accept or reject, from gazetteers and rules (pure Python).

* :mod:`annotator.suggest.gazetteer` — names of places, forces, armed groups, titles… matched in Hindi
  (Devanagari), English and mixed text, across scripts (``Pahalgam`` finds ``पहलगाम``) and Hindi spelling
  variants; a default South Asian security gazetteer ships in ``resources/gazetteers/``.
* :mod:`annotator.suggest.rules` — dates, numbers (casualty counts) and event triggers.
* :mod:`annotator.suggest.model` — a CRF trained on the project's own labels.

Every engine returns :class:`Suggestion` objects whose offsets are code points of the document text (the
stored, NFC-normalized text), half-open; :func:`merge` combines the lists of several engines. The
matching core shared by the gazetteer and the trigger rules is :mod:`annotator.suggest.keys` (how words
are keyed across scripts and spelling variants) and :mod:`annotator.suggest.lexicon` (longest match).

No Qt, no database, no services: a pure layer beside :mod:`annotator.agreement`. The gazetteer and the
rules import only :mod:`annotator.text` (and :mod:`annotator.resources` for the shipped gazetteer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["KINDS", "SOURCES", "Suggestion", "merge"]

KINDS = ("entity", "event")
SOURCES = ("gazetteer", "rules", "model", "propagation")


@dataclass(frozen=True, slots=True)
class Suggestion:
    start: int  # code points of the (NFC) document text, half-open
    end: int
    label: str  # entity type, or event type when kind == "event"
    kind: str = "entity"  # "entity" or "event" (an event suggestion marks a trigger)
    source: str = ""  # "gazetteer", "rules", "model", "propagation"
    score: float = 1.0  # confidence 0..1
    detail: str = ""  # e.g. the gazetteer entry's canonical name, or the rule's name
    link_id: str = ""  # the knowledge-base entry that explains it (its canonical id): accepting links to it


def merge(*suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """All suggestions sorted by (start, end), exact duplicates removed.

    Duplicates share start, end, label and kind; the one with the highest score is kept, the first given
    on a tie (so list the preferred source first). Overlapping suggestions that differ are all kept.
    Accepts one iterable or several: ``merge(gazetteer_hits, rule_hits)``.
    """
    best: dict[tuple[int, int, str, str], tuple[int, Suggestion]] = {}
    order = 0
    for group in suggestions:
        for s in group:
            key = (s.start, s.end, s.label, s.kind)
            old = best.get(key)
            if old is None:
                best[key] = (order, s)
            elif s.score > old[1].score:
                best[key] = (old[0], s)
            order += 1
    ranked = sorted(best.values(), key=lambda item: (item[1].start, item[1].end, item[0]))
    return [s for _, s in ranked]
