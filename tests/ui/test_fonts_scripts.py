"""The bundled fonts of Urdu, Bengali, Gurmukhi, Tamil and Sinhala: every character of the demo and test
texts is drawn by a real glyph (never .notdef, glyph 0) in its script's bundled font, conjuncts shape, Bold
is the bundled Bold, and the document font keeps Noto Sans Devanagari's metrics."""

from __future__ import annotations

import json
import unicodedata

import pytest
from PySide6.QtGui import QFont, QFontMetricsF, QGlyphRun, QRawFont, QTextLayout

from annotator.resources import resource_path, resources_dir
from annotator.text.scripts import detect_script
from annotator.ui.fonts import DOCUMENT_FAMILY, SCRIPT_FAMILIES, SCRIPT_FONT, document_font
from tests.script_samples import SAMPLES, ZWJ, ZWNJ


def shape(text: str, font: QFont) -> list[QGlyphRun]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(100_000)
    layout.endLayout()
    return layout.glyphRuns()


def demo_texts() -> list[str]:
    """Every title and text of the bundled demo articles (all scripts)."""
    texts = []
    for path in sorted((resources_dir() / "demo").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    record = json.loads(line)
                    texts += [record.get("title") or "", record.get("text") or ""]
    try:  # the Urdu and Bengali demo articles, where the demo module has them
        from annotator.services import demo
    except ImportError:  # pragma: no cover - a tree without the demo module
        return texts
    for name in dir(demo):
        value = getattr(demo, name)
        if isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, dict):
                    texts += [str(item.get("title") or ""), str(item.get("text") or "")]
    return texts


def visible(text: str) -> set[str]:
    return {c for c in text if not c.isspace() and not unicodedata.category(c).startswith("C")}


@pytest.mark.parametrize(
    ("script", "language", "text"), SAMPLES, ids=[f"{s}-{lang}" for s, lang, _ in SAMPLES]
)
def test_sample_shapes_without_notdef_in_its_font(qapp, script, language, text):
    runs = shape(text, document_font())
    ids = [g for run in runs for g in run.glyphIndexes()]
    assert ids and 0 not in ids, f"{language}: .notdef in {ids}"
    families = {run.rawFont().familyName() for run in runs}
    assert SCRIPT_FONT[script] in families
    # nothing from outside the bundled fonts (a machine's own fonts differ)
    assert families <= {DOCUMENT_FAMILY, *SCRIPT_FAMILIES}, families


def test_every_character_of_the_demo_and_test_texts_has_a_glyph(qapp):
    """Character by character (a glyph of its own, or shaped inside its cluster without glyph 0): every
    letter, mark, digit and punctuation of every sample and demo article."""
    font = document_font()
    chars: set[str] = set()
    for _script, _lang, text in SAMPLES:
        chars |= visible(text)
    demo = demo_texts()
    for text in demo:
        chars |= visible(text)
    assert len(chars) > 300
    bundled = {DOCUMENT_FAMILY, *SCRIPT_FAMILIES}
    raws = {name: QRawFont.fromFont(_family_font(name)) for name in bundled}
    missing = sorted(c for c in chars if not any(raw.supportsCharacter(ord(c)) for raw in raws.values()))
    # emoji and pictographs in the Hindi demo fall back to the machine's fonts, as before
    missing = [c for c in missing if unicodedata.category(c) not in ("So", "Sk") and ord(c) < 0x1F000]
    assert not missing, ", ".join(f"{c!r} U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing)
    for text in [t for _s, _l, t in SAMPLES] + [t for t in demo if t]:
        script, _lang = detect_script(text)
        if script in ("Arab", "Beng", "Guru", "Taml", "Sinh"):
            ids = [g for run in shape(text, font) for g in run.glyphIndexes()]
            assert 0 not in ids, text[:40]


def _family_font(family: str) -> QFont:
    font = QFont(family)
    font.setPointSizeF(13)
    return font


@pytest.mark.parametrize(
    ("text", "family", "max_glyphs"),
    [
        ("ক্ষ", "Noto Sans Bengali", 1),  # conjunct
        ("স্ত্র", "Noto Sans Bengali", 2),
        (f"র{ZWJ}্যাব", "Noto Sans Bengali", 5),  # ya-phala after ra with ZWJ (RAB)
        ("কৌ", "Noto Sans Bengali", 3),  # two-part vowel sign around its consonant
        ("ਅੰਮ੍ਰਿਤ", "Noto Sans Gurmukhi", 6),  # subjoined ra
        ("ஸ்ரீ", "Noto Sans Tamil", 3),
        ("க்ஷ", "Noto Sans Tamil", 3),
        (f"ශ්{ZWJ}රී", "Noto Sans Sinhala", 3),  # rakaaraansaya with ZWJ
        (f"ප්{ZWJ}ර", "Noto Sans Sinhala", 2),
        ("پاکستان", "Noto Nastaliq Urdu", 12),
        ("بھارت", "Noto Nastaliq Urdu", 10),
    ],
)
def test_conjuncts_shape_in_the_scripts_font(qapp, text, family, max_glyphs):
    runs = shape(text, document_font())
    ids = [g for run in runs for g in run.glyphIndexes()]
    assert 0 not in ids
    script_runs = [run for run in runs if run.rawFont().familyName() == family]
    assert script_runs, {run.rawFont().familyName() for run in runs}
    shaped = [g for run in script_runs for g in run.glyphIndexes()]
    assert len(shaped) <= max_glyphs, f"{text!r} was not shaped: {shaped}"


def test_joiners_keep_bengali_ra_from_becoming_reph(qapp):
    """র্যাব shapes with a reph; র‍্যাব and র‌্যাব (how Bangladeshi papers write RAB) keep the ra whole with a
    ya-phala, both drawn alike."""
    font = document_font()
    reph = [g for run in shape("র্যাব", font) for g in run.glyphIndexes()]
    with_zwj = [g for run in shape(f"র{ZWJ}্যাব", font) for g in run.glyphIndexes()]
    with_zwnj = [g for run in shape(f"র{ZWNJ}্যাব", font) for g in run.glyphIndexes()]
    assert reph != with_zwj
    assert with_zwj == with_zwnj


@pytest.mark.parametrize("script", ["Arab", "Beng", "Guru", "Taml", "Sinh"])
def test_bold_is_the_bundled_bold(qapp, script):
    family = SCRIPT_FONT[script]
    font = _family_font(family)
    font.setBold(True)
    raw = QRawFont.fromFont(font)
    assert (raw.familyName(), raw.styleName()) == (family, "Bold")
    text = next(t for s, _l, t in SAMPLES if s == script)
    regular = shape(text, document_font())
    bold_font = document_font()
    bold_font.setBold(True)
    bold = shape(text, bold_font)
    assert {r.rawFont().styleName() for r in bold if r.rawFont().familyName() == family} == {"Bold"}

    def width(runs: list[QGlyphRun]) -> float:
        return sum(r.boundingRect().width() for r in runs if r.rawFont().familyName() == family)

    assert width(bold) > width(regular) * 1.02  # the real Bold design is wider


def test_document_font_keeps_devanagari_metrics(qapp):
    """The script fonts come after Noto Sans Devanagari: the view's line height, label gap and margins,
    measured on the font, are the Devanagari font's, and a Hindi line is laid out as before."""
    only = QFont()
    only.setFamilies([DOCUMENT_FAMILY])
    only.setPointSizeF(13)
    font = document_font()
    a, b = QFontMetricsF(only), QFontMetricsF(font)
    assert (a.height(), a.ascent(), a.descent(), a.averageCharWidth()) == (
        b.height(),
        b.ascent(),
        b.descent(),
        b.averageCharWidth(),
    )
    hindi = next(t for _s, lang, t in SAMPLES if lang == "hi")
    for text in (hindi, "Lashkar-e-Taiba 26/11"):
        before, after = QTextLayout(text, only), QTextLayout(text, font)
        widths = []
        for layout in (before, after):
            layout.beginLayout()
            line = layout.createLine()
            line.setLineWidth(100_000)
            layout.endLayout()
            widths.append((line.naturalTextWidth(), line.height()))
        assert widths[0] == widths[1]


def test_arabic_letters_nastaliq_lacks_fall_back_to_naskh(qapp):
    """Arabic-script letters Nastaliq has no glyph for (here Sindhi and Pashto ones) are drawn in Naskh,
    not as boxes."""
    nastaliq = QRawFont.fromFont(_family_font("Noto Nastaliq Urdu"))
    naskh = QRawFont.fromFont(_family_font("Noto Naskh Arabic"))
    lacking = [c for c in "ڄڃڦڪڻټډړښږ" if not nastaliq.supportsCharacter(ord(c))]
    assert lacking
    assert all(naskh.supportsCharacter(ord(c)) for c in lacking)
    runs = shape("".join(lacking), document_font())
    assert 0 not in [g for run in runs for g in run.glyphIndexes()]
    assert "Noto Naskh Arabic" in {run.rawFont().familyName() for run in runs}


def test_font_files_are_described(qapp):
    readme = resource_path("fonts", "README.md").read_text(encoding="utf-8")
    for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
        assert path.name in readme, path.name
        assert f"{path.stat().st_size:,}" in readme, path.name
