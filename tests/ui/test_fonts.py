"""The bundled Noto Sans Devanagari: it registers, covers the demo corpus, and shapes Hindi correctly."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGlyphRun,
    QImage,
    QPainter,
    QRawFont,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
)

from annotator.resources import resource_path
from annotator.ui import fonts
from annotator.ui.fonts import (
    DOCUMENT_FAMILY,
    DOCUMENT_LINE_HEIGHT_PERCENT,
    SCRIPT_FAMILIES,
    document_font,
    font_files,
    register_fonts,
)

MIXED_LINE = "पहलगाम में हमला, 26 लोग मारे गए। Lashkar-e-Taiba"


def shape(text: str, font: QFont) -> list[QGlyphRun]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return layout.glyphRuns()


def glyph_ids(runs: list[QGlyphRun]) -> list[int]:
    return [g for run in runs for g in run.glyphIndexes()]


def demo_characters() -> set[str]:
    chars: set[str] = set()
    with resource_path("demo", "articles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                chars.update(record.get("title") or "", record.get("text") or "")
    return chars


def describe(chars) -> str:
    return ", ".join(f"{c!r} U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in sorted(chars))


def test_fonts_register(qapp):
    files = font_files()
    stems = ["NotoSansDevanagari", "NotoNastaliqUrdu", "NotoNaskhArabic", "NotoSansBengali"]
    stems += ["NotoSansGurmukhi", "NotoSansTamil", "NotoSansSinhala"]
    assert {p.name for p in files} == {
        f"{stem}-{style}.ttf" for stem in stems for style in ("Regular", "Bold")
    }
    assert (files[0].parent / "OFL.txt").is_file()
    assert sorted(register_fonts()) == sorted([DOCUMENT_FAMILY, *SCRIPT_FAMILIES])
    for family in (DOCUMENT_FAMILY, *SCRIPT_FAMILIES):
        styles = {s: QFontDatabase.weight(family, s) for s in QFontDatabase.styles(family)}
        assert styles.get("Regular") == 400, family
        assert styles.get("Bold") == 700, family


def test_register_fonts_is_idempotent(qapp):
    register_fonts()
    ids = {path: font_id for path, (font_id, _) in fonts._registered.items()}
    assert sorted(register_fonts()) == sorted([DOCUMENT_FAMILY, *SCRIPT_FAMILIES])
    assert {path: font_id for path, (font_id, _) in fonts._registered.items()} == ids


def test_register_fonts_names_a_bad_file(qapp, tmp_path, monkeypatch):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Broken-Regular.ttf").write_bytes(b"not a font at all")
    monkeypatch.setattr(fonts, "resources_dir", lambda: tmp_path)
    with pytest.raises(RuntimeError, match=r"Broken-Regular\.ttf"):
        register_fonts()


def test_register_fonts_needs_an_application():
    code = (
        "from annotator.ui.fonts import register_fonts\n"
        "try:\n"
        "    register_fonts()\n"
        "except RuntimeError as e:\n"
        "    print('refused:', e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "refused:" in proc.stdout and "QGuiApplication" in proc.stdout


def test_document_font(qapp):
    font = document_font(15.5)
    assert font.families()[0] == DOCUMENT_FAMILY
    assert len(font.families()) > 1
    assert font.pointSizeF() == 15.5
    assert document_font().pointSizeF() == 13.0
    # Qt resolves the family to the bundled font, not a system look-alike or a default.
    assert QRawFont.fromFont(font).familyName() == DOCUMENT_FAMILY
    assert 130 <= DOCUMENT_LINE_HEIGHT_PERCENT <= 200


@pytest.mark.parametrize("name", ["NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"])
def test_font_covers_demo_corpus_and_latin(qapp, name):
    raw = QRawFont(str(resource_path("fonts", name)), 16)
    assert raw.isValid(), name
    wanted = {c for c in demo_characters() if not c.isspace() and not unicodedata.category(c).startswith("C")}
    assert len(wanted) > 100
    missing = {c for c in wanted if not raw.supportsCharacter(ord(c))}
    assert not missing, f"{name} lacks glyphs for demo-corpus characters: {describe(missing)}"
    # The document view uses this one font for English too.
    latin = {chr(i) for i in range(0x21, 0x7F)} | set("‘’“”–—…•₹°×·©®«»€£")
    missing = {c for c in latin if not raw.supportsCharacter(ord(c))}
    assert not missing, f"{name} lacks Latin/punctuation glyphs: {describe(missing)}"


@pytest.mark.parametrize(
    ("text", "max_glyphs"),
    [
        ("क्ष", 1),  # conjunct ligature
        ("त्र", 1),
        ("श्र", 1),
        ("द्ध", 1),
        ("स्त्री", 3),  # half sa + tra ligature + ii-matra
        ("क\u093c", 1),  # base + nukta (the NFC form of क़) composes to one glyph
        ("फ\u093c्रांस", 5),
        ("र्क", 2),  # reph
        ("कृ", 2),
        ("क्\u200cष", 4),  # ZWNJ: explicit virama, no conjunct
        ("क्\u200dष", 3),  # ZWJ: half form, no conjunct
    ],
)
def test_shaping_has_no_notdef(qapp, text, max_glyphs):
    runs = shape(text, document_font())
    ids = glyph_ids(runs)
    assert ids, text
    assert 0 not in ids, f"{text!r} shaped to .notdef: {ids}"
    assert {run.rawFont().familyName() for run in runs} == {DOCUMENT_FAMILY}
    assert len(ids) <= max_glyphs, f"{text!r} was not shaped (no conjunct/ligature): {ids}"


def test_zwnj_and_zwj_change_the_shaping(qapp):
    font = document_font()
    conjunct = glyph_ids(shape("क्ष", font))
    with_zwnj = glyph_ids(shape("क्\u200cष", font))
    with_zwj = glyph_ids(shape("क्\u200dष", font))
    assert len({tuple(conjunct), tuple(with_zwnj), tuple(with_zwj)}) == 3


def test_bold_is_the_bundled_bold(qapp):
    font = document_font()
    font.setBold(True)
    raw = QRawFont.fromFont(font)
    assert (raw.familyName(), raw.styleName()) == (DOCUMENT_FAMILY, "Bold")
    regular = QFontMetricsF(document_font()).horizontalAdvance(MIXED_LINE)
    assert QFontMetricsF(font).horizontalAdvance(MIXED_LINE) > regular * 1.03  # real bold is wider


def test_render_mixed_line_offscreen(qapp):
    font = document_font(16)
    layout = QTextLayout(MIXED_LINE, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(2000)
    layout.endLayout()
    runs = layout.glyphRuns()
    ids = glyph_ids(runs)
    assert len(ids) > 20
    assert 0 not in ids, f".notdef glyph in {ids}"
    assert {run.rawFont().familyName() for run in runs} == {DOCUMENT_FAMILY}

    width, height = int(line.naturalTextWidth()) + 20, int(line.height()) + 20
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    layout.draw(painter, QPointF(10, 10))
    painter.end()

    def ink(x0: int, x1: int) -> int:
        return sum(
            1 for y in range(height) for x in range(x0, x1) if QColor(image.pixel(x, y)).lightness() < 128
        )

    assert ink(0, width) > 500, "rendered image is blank"
    # Both the Hindi start and the English end of the line carry ink.
    latin_start = 10 + int(line.cursorToX(MIXED_LINE.index("Lashkar"))[0])
    assert ink(0, latin_start) > 200
    assert ink(latin_start, width) > 100


def test_line_height_leaves_room_below_matras(qapp):
    """The natural line holds the matras; the proportional line height adds room below for underlines."""
    font = document_font()
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setPlainText("र्किं कृ क्षु ग्रुप हृदय पहलगाम Lashkar\nदूसरी पंक्ति")
    cursor = QTextCursor(doc)
    cursor.select(QTextCursor.SelectionType.Document)
    block_format = QTextBlockFormat()
    block_format.setLineHeight(
        DOCUMENT_LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
    )
    cursor.mergeBlockFormat(block_format)
    layout = doc.documentLayout()

    first = doc.begin()
    line = first.layout().lineAt(0)
    for run in line.glyphRuns():
        raw = run.rawFont()
        for glyph, pos in zip(run.glyphIndexes(), run.positions(), strict=True):
            box = raw.boundingRect(glyph).translated(pos)
            assert box.top() >= line.y() - 1.5
            assert box.bottom() <= line.y() + line.ascent() + line.descent() + 1.5

    pitch = layout.blockBoundingRect(first.next()).top() - layout.blockBoundingRect(first).top()
    natural = line.ascent() + line.descent()
    assert pitch >= natural * DOCUMENT_LINE_HEIGHT_PERCENT / 100 - 1
