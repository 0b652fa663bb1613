"""The default entity colours can be told apart at a glance: from each other, from the page, and the place
labels (GPE, LOC, FAC) by hue. Distances are CIEDE2000 (ΔE00) in CIELAB (D65); 1 is a just noticeable
difference, and two light fills need well over 10 to read as different labels in running text."""

from __future__ import annotations

import math
from itertools import combinations

import pytest

from annotator.schema import default_schema
from annotator.schema.brat_conf import PALETTE

#: The smallest ΔE00 between two entity fills (the old LOC #BBCC33 and FAC #AAAA00 were 9.3 apart).
MIN_PAIR = 12
#: The smallest ΔE00 between a fill and the white page, and its smallest chroma (the old DATE #DDDDDD: 7.2, a
#: grey without chroma, nearly invisible once drawn translucent over the text).
MIN_FROM_WHITE = 20
MIN_CHROMA = 20
#: Place labels are the ones annotators most often weigh against each other: different hue families.
PLACES = ("GPE", "LOC", "FAC")
MIN_PLACE_HUE = 45  # degrees of CIELAB hue angle (the old LOC and FAC: 6.5)


def _linear(c: int) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lab(color: str) -> tuple[float, float, float]:
    """CIELAB (D65) of a ``#RRGGBB`` sRGB colour."""
    r, g, b = (_linear(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0
    if c1 * c2:
        dh = h2 - h1
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    rotation = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


def delta_e(color1: str, color2: str) -> float:
    return delta_e2000(lab(color1), lab(color2))


def hue_and_chroma(color: str) -> tuple[float, float]:
    _, a, b = lab(color)
    return math.degrees(math.atan2(b, a)) % 360, math.hypot(a, b)


def contrast_with_black(color: str) -> float:
    r, g, b = (_linear(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    return (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05) / 0.05


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # rows 1, 7, 17, 19 and 34 of the test data of Sharma, Wu and Dalal (2005)
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0),
        ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ],
)
def test_delta_e2000_matches_the_published_test_data(lab1, lab2, expected):
    assert delta_e2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_lab_of_known_colours():
    assert lab("#FFFFFF") == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
    assert lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=0.01)
    assert lab("#FF0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.02)


def _entity_colours() -> dict[str, str]:
    return {entity.name: entity.color for entity in default_schema().entities}


def test_every_pair_of_default_entity_colours_is_far_apart():
    colours = _entity_colours()
    close = [
        (a, b, round(delta_e(colours[a], colours[b]), 1))
        for a, b in combinations(colours, 2)
        if delta_e(colours[a], colours[b]) < MIN_PAIR
    ]
    assert close == []


def test_place_labels_differ_in_hue():
    colours = _entity_colours()
    for a, b in combinations(PLACES, 2):
        difference = abs(hue_and_chroma(colours[a])[0] - hue_and_chroma(colours[b])[0]) % 360
        assert min(difference, 360 - difference) >= MIN_PLACE_HUE, (a, b, colours[a], colours[b])
        assert delta_e(colours[a], colours[b]) >= 2 * MIN_PAIR, (a, b)


def test_every_default_fill_stands_out_from_the_page():
    colours = _entity_colours()
    for name, colour in colours.items():
        assert delta_e(colour, "#FFFFFF") >= MIN_FROM_WHITE, (name, colour)
        assert hue_and_chroma(colour)[1] >= MIN_CHROMA, (name, colour)  # a colour, not a grey
        assert contrast_with_black(colour) >= 7, (name, colour)  # black text stays readable (WCAG AAA)
    # DATE in particular: a clearly coloured fill, as far from the page as the other labels
    assert delta_e(colours["DATE"], "#FFFFFF") >= MIN_FROM_WHITE


def test_brat_palette_hands_out_the_same_distinct_colours_first():
    first = PALETTE[:10]
    assert sorted(c.upper() for c in first) == sorted(c.upper() for c in _entity_colours().values())
    for a, b in combinations(first, 2):
        assert delta_e(a, b) >= MIN_PAIR, (a, b)
    for colour in first:
        assert delta_e(colour, "#FFFFFF") >= MIN_FROM_WHITE and hue_and_chroma(colour)[1] >= MIN_CHROMA, (
            colour
        )
        assert contrast_with_black(colour) >= 7, colour
