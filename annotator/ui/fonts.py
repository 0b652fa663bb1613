"""The bundled fonts: registration with Qt and the font of the document view.

``resources/fonts/`` ships Noto Sans Devanagari Regular and Bold (see its README.md). That build covers
Devanagari *and* Latin (Basic Latin, Latin-1 letters, Latin Extended, general punctuation, ₹), so the
document view renders Hindi, English and mixed lines in one design with one set of metrics, whatever
fonts the machine has. The other scripts of South Asian news have their own bundled Noto font, tried
after it in ``SCRIPT_FAMILIES`` (Urdu in Nastaliq, other Arabic-script letters in Naskh, Bengali,
Gurmukhi, Tamil, Sinhala): a character the Devanagari font lacks takes the first of them that has it,
so the view's metrics (line height, label gap, margins) stay the Devanagari font's. Characters none of
them has (emoji, CJK, a few symbols such as ± ½) fall back to the families in ``FALLBACK_FAMILIES``,
then to Qt's own per-script fallback.

Call ``register_fonts()`` once a ``QGuiApplication`` exists (``document_font()`` calls it for you).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QTextLayout

from annotator.resources import resource_path, resources_dir

DOCUMENT_FAMILY = "Noto Sans Devanagari"

#: The bundled fonts of the other scripts, in the order Qt tries them after :data:`DOCUMENT_FAMILY` for a
#: character that font lacks. Urdu is set in Nastaliq, its usual style (Qt lays out 50,000 characters of
#: Urdu in about 3.2 times the time of as much Hindi, 75 ms on the reference machine, against 0.75 times
#: in Naskh: fast enough, see resources/fonts/README.md); Naskh draws the Arabic-script letters Nastaliq
#: lacks (Arabic, Pashto, Sindhi letters, some marks).
SCRIPT_FAMILIES = (
    "Noto Nastaliq Urdu",
    "Noto Naskh Arabic",
    "Noto Sans Bengali",
    "Noto Sans Gurmukhi",
    "Noto Sans Tamil",
    "Noto Sans Sinhala",
)

#: The bundled family that draws each script (ISO 15924 names, as :func:`annotator.text.scripts.detect_script`
#: gives them).
SCRIPT_FONT = {
    "Deva": DOCUMENT_FAMILY,
    "Latn": DOCUMENT_FAMILY,
    "Arab": "Noto Nastaliq Urdu",
    "Beng": "Noto Sans Bengali",
    "Guru": "Noto Sans Gurmukhi",
    "Taml": "Noto Sans Tamil",
    "Sinh": "Noto Sans Sinhala",
}

# Tried in order for characters the bundled font lacks; absent families are skipped by Qt.
FALLBACK_FAMILIES = (
    "Noto Sans",
    "Noto Color Emoji",
    "Segoe UI Emoji",
    "Apple Color Emoji",
    "Segoe UI Symbol",
    "Noto Sans CJK SC",
    "DejaVu Sans",
)

# Line height of document paragraphs, in percent of the font's natural line height, for
# ``QTextBlockFormat.setLineHeight(DOCUMENT_LINE_HEIGHT_PERCENT, LineHeightTypes.ProportionalHeight)``.
# Noto Sans Devanagari's natural line (ascent 0.896 em + descent 0.408 em = 1.304 em) already holds
# reph, candrabindu and i/ii-matras above and u/uu/r-matras and nukta below; Qt adds the extra 60 %
# (≈ 0.78 em) below each line, where entity underlines (stacked for nested spans) then clear the
# descending matras of their own line and the top matras of the next.
DOCUMENT_LINE_HEIGHT_PERCENT = 160

_FONT_SUFFIXES = (".ttf", ".otf")

# font file path -> (QFontDatabase id, family names)
_registered: dict[Path, tuple[int, list[str]]] = {}


def font_files() -> list[Path]:
    """The bundled font files, sorted by name."""
    folder = resources_dir() / "fonts"
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in _FONT_SUFFIXES and p.is_file())
    if not files:
        raise RuntimeError(f"no font files (.ttf/.otf) in {folder}")
    return files


def register_fonts() -> list[str]:
    """Load every bundled font into Qt's font database; return the family names, in file order.

    Idempotent: a file already registered (in this application's font database) is not loaded again.
    Needs a ``QGuiApplication``; raises ``RuntimeError`` naming the file when Qt cannot load a font.
    """
    if QGuiApplication.instance() is None:
        raise RuntimeError("register_fonts() needs a QGuiApplication: create the application first")
    families: list[str] = []
    for path in font_files():
        known = _registered.get(path)
        # A new QGuiApplication starts with a new font database: re-register what it forgot.
        if known is None or not QFontDatabase.applicationFontFamilies(known[0]):
            font_id = QFontDatabase.addApplicationFont(str(path))
            names = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if not names:
                raise RuntimeError(f"Qt could not load the font file {path}")
            known = _registered[path] = (font_id, list(names))
        families.extend(name for name in known[1] if name not in families)
    missing = [name for name in (DOCUMENT_FAMILY, *SCRIPT_FAMILIES) if name not in families]
    if missing:
        raise RuntimeError(
            f"the bundled fonts in {resource_path('fonts')} provide {families}, not {', '.join(missing)}"
        )
    return families


def document_font(point_size: float = 13.0) -> QFont:
    """The font of the document view: Noto Sans Devanagari, then the bundled fonts of the other scripts,
    then fallbacks for what none of them has."""
    register_fonts()
    font = QFont()
    font.setFamilies([DOCUMENT_FAMILY, *SCRIPT_FAMILIES, *FALLBACK_FAMILIES])
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(point_size)
    return font


# ---------------------------------------------------------------------------------------------- flags

#: Regional indicator symbols 🇦 … 🇿 (U+1F1E6 … U+1F1FF): a flag is a pair of them (🇮🇳 = I N).
REGIONAL_INDICATOR_A = 0x1F1E6
REGIONAL_INDICATOR_Z = 0x1F1FF


def _is_regional_indicator(char: str) -> bool:
    return REGIONAL_INDICATOR_A <= ord(char) <= REGIONAL_INDICATOR_Z


def flag_letters(pair: str) -> str:
    """The letters a flag stands for: 🇮🇳 → "IN"."""
    return "".join(chr(ord(c) - REGIONAL_INDICATOR_A + ord("A")) for c in pair)


def flag_sequences(text: str) -> list[tuple[int, int, str]]:
    """Every flag in ``text`` as (start, end, letters) in code points; the regional indicators of a run pair
    up from its start, as Unicode says (a lone one left over is not a flag)."""
    found: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    while i < n:
        if _is_regional_indicator(text[i]) and i + 1 < n and _is_regional_indicator(text[i + 1]):
            found.append((i, i + 2, flag_letters(text[i : i + 2])))
            i += 2
        else:
            i += 1
    return found


_flag_rendering: dict[tuple[str, str], bool] = {}


def renders_flag(font: QFont, pair: str) -> bool:
    """True when Qt draws ``pair`` (a flag's two regional indicators) with real glyphs in ``font`` or one
    of its fallbacks: a flag, or two lettered symbols. False when it would draw the missing-glyph box
    (Linux without an emoji font), checked on the glyphs Qt itself shapes."""
    key = (font.key(), pair)
    known = _flag_rendering.get(key)
    if known is None:
        layout = QTextLayout(pair, font)
        layout.beginLayout()
        layout.createLine()
        layout.endLayout()
        runs = layout.glyphRuns()
        known = bool(runs) and all(
            0 not in run.glyphIndexes() and any(run.rawFont().supportsCharacter(ord(c)) for c in pair)
            for run in runs
        )
        _flag_rendering[key] = known
    return known


def with_flag_letters(text: str, font: QFont | None = None) -> str:
    """For one-line display strings (titles, table cells): each flag that ``font`` (default: the document
    font) cannot draw becomes its letters in brackets, 🇮🇳 → "[IN]". Never for stored text."""
    flags = flag_sequences(text)
    if not flags:
        return text
    font = document_font() if font is None else font
    parts, last = [], 0
    for start, end, letters in flags:
        if not renders_flag(font, text[start:end]):
            parts.append(text[last:start] + f"[{letters}]")
            last = end
    return "".join(parts) + text[last:]


#: a run of regional indicators (flags are pairs of them)
_REGIONAL_RUN = re.compile("[\U0001f1e6-\U0001f1ff]+")


def flags_in(text: str, no_astral: bool) -> list[tuple[int, int, str]]:
    """:func:`flag_sequences` of ``text``, looking only at its runs of regional
    indicators (the scan of every character took most of a second on a 20 MB article)."""
    if no_astral:
        return []
    found = []
    for run in _REGIONAL_RUN.finditer(text):
        at = run.start()
        found += [(at + s, at + e, letters) for s, e, letters in flag_sequences(run.group())]
    return found
