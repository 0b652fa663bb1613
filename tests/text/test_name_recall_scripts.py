"""Recall across scripts on the name lists of tests/data/names (issue 20): a plain recall floor, not timed.

``benchmarks/search_recall.py`` reports every direction; this holds the line on each: a Latin or Hindi
name finds the same name in Urdu, Bengali, Gurmukhi, Tamil, Sinhala and Nepali, and the reverse. The floors
sit a little under the recall measured when they were set (README: "Search across scripts"); exonyms
(Colombo / කොළඹ) are not transliterations and are left out.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from annotator.text.romanization import find

NAMES = Path(__file__).resolve().parents[1] / "data" / "names"
# script → floor for Latin → script, script → Latin, Hindi → script, script → Hindi
FLOORS = {
    "ur": (0.9, 0.88, 0.88, 0.88),
    "bn": (0.88, 0.87, 0.9, 0.88),
    "pa": (0.93, 0.93, 0.95, 0.95),
    "ta": (0.85, 0.83, 0.83, 0.82),
    "si": (0.88, 0.88, 0.9, 0.88),
    "ne": (0.9, 0.83, 0.92, 0.85),
}


def rows(code: str) -> list[tuple[str, str, str, str]]:
    out = []
    for line in (NAMES / f"{code}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, latin, hindi, native = (unicodedata.normalize("NFC", c) for c in line.split("\t"))
            out.append((kind, latin, hindi, native))
    return out


def recall(pairs: list[tuple[str, str]]) -> float:
    return sum(bool(find(q, t)) for q, t in pairs) / len(pairs)


@pytest.mark.parametrize("code", sorted(FLOORS))
def test_the_lists_have_100_names(code):
    names = [r for r in rows(code) if r[0] != "exonym"]
    assert len(names) >= 100
    assert {r[0] for r in rows(code)} <= {"place", "person", "exonym"}


@pytest.mark.parametrize("code", sorted(FLOORS))
def test_recall_floor_per_direction(code):
    names = [r for r in rows(code) if r[0] != "exonym"]
    measured = (
        recall([(latin, native) for _, latin, _, native in names]),
        recall([(native, latin) for _, latin, _, native in names]),
        recall([(hindi, native) for _, _, hindi, native in names]),
        recall([(native, hindi) for _, _, hindi, native in names]),
    )
    assert all(m >= f for m, f in zip(measured, FLOORS[code], strict=True)), (code, measured)
