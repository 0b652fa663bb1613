"""The shared Suggestion type, merge(), the match keys, and what the engines may import."""

import ast
from pathlib import Path

import pytest

from annotator.suggest import Suggestion, merge
from annotator.suggest.keys import (
    acronym_of_devanagari,
    acronym_of_latin,
    fold_devanagari,
    phonetic_key,
    text_units,
)

SUGGEST = Path(__file__).resolve().parents[2] / "annotator" / "suggest"
ENGINES = ("__init__.py", "keys.py", "lexicon.py", "gazetteer.py", "rules.py")


def test_suggestion_defaults_and_immutability():
    s = Suggestion(0, 4, "GPE")
    assert (s.kind, s.source, s.score, s.detail) == ("entity", "", 1.0, "")
    with pytest.raises(AttributeError):
        s.start = 1  # type: ignore[misc]


def test_merge_sorts_and_keeps_the_best_duplicate():
    a = Suggestion(10, 14, "GPE", source="gazetteer", score=0.9, detail="Pahalgam")
    b = Suggestion(10, 14, "GPE", source="propagation", score=0.9)  # tie: the first given stays
    c = Suggestion(10, 14, "GPE", source="model", score=0.95)  # higher score wins
    d = Suggestion(10, 14, "LOC", source="model", score=0.5)  # another label: kept
    e = Suggestion(10, 14, "ATTACK", kind="event", source="rules", score=0.6)
    f = Suggestion(0, 3, "NUM", source="rules", score=0.8)
    g = Suggestion(10, 12, "GPE", source="rules", score=0.8)
    assert merge([a, b, d, e, f, g]) == [f, g, a, d, e]
    assert merge([a, b], [c, f]) == [f, c]
    assert merge([b, a]) == [b]
    assert merge([]) == []


def test_devanagari_folding():
    assert fold_devanagari("हिन्दी") == fold_devanagari("हिंदी")
    assert fold_devanagari("चाँद") == fold_devanagari("चांद")
    assert fold_devanagari("ज़\u200dोर") == fold_devanagari("जोर")
    assert fold_devanagari("\u095b") == "ज"  # precomposed ज़
    assert fold_devanagari("हिन्दी") != fold_devanagari("हिंदू")


def test_acronyms():
    words = ("NIA", "LeT", "JeM", "IEDs", "PoK", "Let", "let", "McDonald", "G20")
    assert [acronym_of_latin(w) for w in words] == [
        "NIA", "LET", "JEM", "IED", "POK", None, None, None, None,
    ]  # fmt: skip
    assert acronym_of_devanagari("एनआईए") == "NIA"
    assert acronym_of_devanagari("सीआरपीएफ") == "CRPF"
    assert acronym_of_devanagari("इसी") is None  # "this very", not ISI (आईएसआई)
    assert acronym_of_devanagari("के") is None  # one letter is no acronym


def test_phonetic_keys_meet_across_scripts():
    assert phonetic_key("Pahalgam") == phonetic_key("पहलगाम")
    assert phonetic_key("Taiba") == phonetic_key("तैयबा")
    assert phonetic_key("Pakistan") == phonetic_key("पाकिस्तान")
    assert phonetic_key("!") == ""


def test_text_units():
    text = "Pakistan's लश्कर-ए-तैयबा (LeT)\nhttp://x.in/a #tag"
    units = text_units(text)
    assert [(text[u.start : u.end], bool(u.keys)) for u in units] == [
        ("Pakistan", True),
        ("लश्कर", True),
        ("ए", True),
        ("तैयबा", True),
        ("(", True),
        ("LeT", True),
        (")", True),
        ("", False),  # the line break
        ("http://x.in/a", False),
        ("#tag", False),
    ]
    assert "^LET" in units[5].keys and "=let" not in units[5].keys


def test_engines_import_no_qt_database_or_upper_layers():
    allowed = ("annotator.suggest", "annotator.text", "annotator.resources")
    offenders = []
    for name in ENGINES:
        tree = ast.parse((SUGGEST / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            for m in modules:
                if m.split(".")[0] in ("PySide6", "shiboken6", "sqlalchemy", "alembic") or (
                    m.startswith("annotator") and not m.startswith(allowed)
                ):
                    offenders.append(f"{name}: {m}")
    assert offenders == []
