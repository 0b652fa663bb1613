"""Unicode's GraphemeBreakTest.txt against annotator.text.grapheme_boundaries (the regex module's \\X).

The file in shared/corpora is GraphemeBreakTest-17.0.0. The installed ``regex`` implements Unicode 18.0,
whose rule GB9c changed (UTC decision 187-C47, L2/26-096 item 5.1): Unicode 17 has
``Consonant [Extend Linker]* Linker [Extend Linker]* × Consonant``, Unicode 18 only
``Linker Extend* × Consonant``, i.e. no preceding consonant is required. So a virama that does not follow
a consonant (text start, after "a" or "?") now joins the next consonant. The four Unicode 17 lines
that expect the old break are listed in ``UNICODE18_GB9C_CHANGES`` and marked xfail(strict=True) when
the installed ``regex`` follows the Unicode 18 rule (pyproject allows ``regex>=2024.7.24``; releases
before Unicode 18 pass those lines). If ``regex`` or the test file changes, a strict xfail turns into a
failure and the list has to be revisited. Nothing else is skipped or marked.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
import regex

from annotator.text import grapheme_boundaries

TEST_FILE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpora"
    / "unicode-graphemebreaktest"
    / "GraphemeBreakTest.txt"
)

# Code point sequences (as written in the file) whose Unicode 17 breaks differ from Unicode 18's GB9c.
UNICODE18_GB9C_CHANGES = {
    "094D 0915": "U17 breaks VIRAMA ÷ KA (no consonant before the virama); U18 GB9c joins them",
    "094D 0308 0915": "U17 breaks VIRAMA DIAERESIS ÷ KA; U18 GB9c (Linker Extend* × Consonant) joins them",
    "0061 094D 0924": "U17 breaks a VIRAMA ÷ TA (a is not a consonant); U18 GB9c joins them",
    "003F 094D 0924": "U17 breaks ? VIRAMA ÷ TA (? is not a consonant); U18 GB9c joins them",
}


# Unicode 18 GB9c joins a virama that follows no consonant with the next consonant.
REGEX_HAS_UNICODE18_GB9C = regex.findall(r"\X", "\u094d\u0915") == ["\u094d\u0915"]


class Case(NamedTuple):
    lineno: int
    code_points: str  # e.g. "0915 094D 0924"
    text: str
    breaks: list[int]
    comment: str


def _parse(path: Path) -> list[Case]:
    cases = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        data, _, comment = line.partition("#")
        fields = data.split()
        if not fields:
            continue
        text, breaks, cps = "", [], []
        for field in fields:
            if field == "÷":
                breaks.append(len(text))
            elif field == "×":
                pass
            else:
                cps.append(field)
                text += chr(int(field, 16))
        cases.append(Case(lineno, " ".join(cps), text, breaks, comment.strip()))
    return cases


CASES = _parse(TEST_FILE) if TEST_FILE.is_file() else []
_MISSING = pytest.mark.skipif(not CASES, reason=f"GraphemeBreakTest.txt not found at {TEST_FILE}")


def _params(cases: list[Case]) -> list:
    params = []
    for case in cases:
        marks = []
        if REGEX_HAS_UNICODE18_GB9C and case.code_points in UNICODE18_GB9C_CHANGES:
            marks.append(pytest.mark.xfail(reason=UNICODE18_GB9C_CHANGES[case.code_points], strict=True))
        params.append(pytest.param(case, id=f"L{case.lineno}", marks=marks))
    return params or [pytest.param(None, id="missing")]


DEVANAGARI_CASES = [c for c in CASES if "DEVANAGARI" in c.comment]


@_MISSING
@pytest.mark.parametrize("case", _params(DEVANAGARI_CASES))
def test_devanagari_lines(case: Case) -> None:
    assert grapheme_boundaries(case.text) == case.breaks, f"line {case.lineno}: {case.comment}"


@_MISSING
@pytest.mark.parametrize("case", _params(CASES))
def test_all_lines(case: Case) -> None:
    assert grapheme_boundaries(case.text) == case.breaks, f"line {case.lineno}: {case.comment}"


@_MISSING
def test_file_and_xfail_list_match() -> None:
    header = TEST_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert "GraphemeBreakTest" in header, header
    assert len(DEVANAGARI_CASES) > 100
    by_code_points = {c.code_points: c for c in CASES}
    for code_points in UNICODE18_GB9C_CHANGES:
        assert code_points in by_code_points, f"xfail entry {code_points} names no line of {header}"
        assert "DEVANAGARI" in by_code_points[code_points].comment


def test_regex_conjunct_rule() -> None:
    """GB9c itself (Unicode 15.1+), and the Unicode 18 change the xfail list relies on."""
    assert regex.findall(r"\X", "\u0915\u094d\u0924 \u0939\u093f\u0928\u094d\u0926\u0940") == [
        "\u0915\u094d\u0924",
        " ",
        "\u0939\u093f",
        "\u0928\u094d\u0926\u0940",
    ]
    if not REGEX_HAS_UNICODE18_GB9C:
        pytest.skip("installed regex predates the Unicode 18 GB9c change")
    assert regex.findall(r"\X", "a\u094d\u0924 ?\u094d\u0924") == ["a\u094d\u0924", " ", "?\u094d\u0924"]
