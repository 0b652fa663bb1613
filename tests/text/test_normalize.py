from __future__ import annotations

import codecs
import hashlib
import importlib
import pickle
import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text import (
    OffsetMap,
    SpanMismatch,
    TextDecodeError,
    content_hash,
    decode,
    normalize,
    normalize_with_map,
    remap_span,
)

norm_mod = importlib.import_module("annotator.text.normalization")

SEED_ARTICLE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpora"
    / "seed-article"
    / "hindi-news-us-pakistan-meeting.txt"
)

NUKTA = "\u093c"
ZWJ, ZWNJ = "\u200d", "\u200c"


def reference(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


# --------------------------------------------------------------------------------------------------
# decode
# --------------------------------------------------------------------------------------------------

HINDI = "पहलगाम में हमला। ड़ ज़\u200d क्\u200cष"


@pytest.mark.parametrize(
    "data",
    [
        HINDI.encode("utf-8"),
        codecs.BOM_UTF8 + HINDI.encode("utf-8"),
        codecs.BOM_UTF16_LE + HINDI.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + HINDI.encode("utf-16-be"),
        HINDI.encode("utf-16"),  # platform-order BOM written by Python's codec
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16-native"],
)
def test_decode_accepted_encodings(data: bytes) -> None:
    assert decode(data) == HINDI


def test_decode_strips_only_one_bom() -> None:
    assert decode(codecs.BOM_UTF8 * 2 + b"x") == "\ufeffx"
    assert decode(b"") == ""
    assert decode(codecs.BOM_UTF8) == ""
    assert decode(bytearray(b"abc")) == "abc"


def test_decode_invalid_utf8_reports_byte_offset() -> None:
    data = "नमस्ते ".encode() + b"caf\xe9 au lait"
    with pytest.raises(TextDecodeError) as info:
        decode(data, "news/1.txt")
    err = info.value
    offset = len("नमस्ते ".encode()) + 3
    assert err.source == "news/1.txt"
    assert err.byte_offset == offset
    assert err.reason == "invalid UTF-8 (byte 0xE9); file must be UTF-8 or UTF-16 with BOM"
    assert (
        str(err)
        == f"news/1.txt: byte {offset}: invalid UTF-8 (byte 0xE9); file must be UTF-8 or UTF-16 with BOM"
    )
    assert isinstance(err, ValueError)


def test_decode_offset_counts_stripped_bom() -> None:
    with pytest.raises(TextDecodeError) as info:
        decode(codecs.BOM_UTF8 + b"ab\xffcd")
    assert info.value.byte_offset == 5
    assert info.value.source == "<bytes>"
    assert str(info.value).startswith("<bytes>: byte 5: invalid UTF-8 (byte 0xFF)")


def test_decode_truncated_utf8_sequence() -> None:
    data = "क".encode() + "ख".encode()[:2]
    with pytest.raises(TextDecodeError) as info:
        decode(data, "x.txt")
    assert info.value.byte_offset == 3
    assert "0xE0" in info.value.reason and "truncated" in info.value.reason


def test_decode_encoded_surrogate_is_invalid_utf8() -> None:
    with pytest.raises(TextDecodeError) as info:
        decode(b"ab\xed\xa0\x80")
    assert info.value.byte_offset == 2


def test_decode_latin1_file_is_rejected() -> None:
    data = "Pahalgam: été".encode("latin-1")
    with pytest.raises(TextDecodeError, match=r"^latin1.txt: byte 10: invalid UTF-8 \(byte 0xE9\); file"):
        decode(data, "latin1.txt")


def test_decode_utf16_odd_length() -> None:
    data = codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00"
    with pytest.raises(TextDecodeError) as info:
        decode(data, "odd.txt")
    assert info.value.byte_offset == 2 + 4
    assert info.value.reason.startswith("invalid UTF-16-LE (")
    assert info.value.reason.endswith("file must be UTF-8 or UTF-16 with BOM")


def test_decode_utf16_lone_surrogate() -> None:
    data = codecs.BOM_UTF16_BE + b"\x00a\xd8\x00\x00b"
    with pytest.raises(TextDecodeError) as info:
        decode(data, "sur.txt")
    assert info.value.byte_offset == 4
    assert "UTF-16-BE" in info.value.reason


def test_decode_rejects_utf32_and_nul() -> None:
    with pytest.raises(TextDecodeError, match="UTF-32"):
        decode(codecs.BOM_UTF32_LE + "a".encode("utf-32-le"))
    # UTF-16 without BOM is valid UTF-8 when it is ASCII, but full of NULs.
    with pytest.raises(TextDecodeError) as info:
        decode("ab".encode("utf-16-le"), "nobom.txt")
    assert info.value.byte_offset == 1
    assert "UTF-16 without BOM" in info.value.reason
    with pytest.raises(TextDecodeError) as info:
        decode("é\x00".encode())
    assert info.value.byte_offset == 2


def test_text_decode_error_pickles() -> None:
    err = TextDecodeError("a.txt", 7, "invalid UTF-8 (byte 0xE9)")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.source, copy.byte_offset, copy.reason, str(copy)) == (
        "a.txt",
        7,
        "invalid UTF-8 (byte 0xE9)",
        str(err),
    )


# --------------------------------------------------------------------------------------------------
# normalize
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\rb\r\n\r\n", "a\n\nb\n\n"),
        ("\r\n\n\r", "\n\n\n"),
        ("पहला\r\nदूसरा\rतीसरा", "पहला\nदूसरा\nतीसरा"),
    ],
)
def test_normalize_line_endings(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_keeps_zwj_zwnj_danda_nukta() -> None:
    text = f"क्{ZWNJ}ष क्{ZWJ}ष श्री। ॥ बढ़ ज़ोर फ़ौज"
    assert normalize(text) == text
    assert ZWJ in normalize(text) and ZWNJ in normalize(text)


def test_precomposed_nukta_letter_is_decomposed() -> None:
    assert normalize("\u095c") == "\u0921\u093c"  # ड़
    assert normalize("\u095b\u094b\u0930") == "\u091c\u093c\u094b\u0930"  # ज़ोर
    # ऩ ऱ ऴ are primary composites: the decomposed form composes.
    assert normalize("\u0928\u093c") == "\u0929"
    assert normalize("\u0930\u093c") == "\u0931"


def test_urdu_alef_madda_composes() -> None:
    assert normalize("\u0627\u0653") == "\u0622"  # ا + ٓ -> آ
    assert normalize("\u0627\u0654") == "\u0623"
    assert normalize("\u06cc\u0654") == "\u06cc\u0654"  # no composite: stays


def test_canonical_reordering() -> None:
    # dot below (220) must come before acute (230); then e + dot below composes.
    assert normalize("e\u0301\u0323") == "\u1eb9\u0301"
    assert normalize("\u00e9\u0323") == "\u1eb9\u0301"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ASCII text, nothing to do.",
        "अमेरिका के विदेश मंत्री मार्को रुबियो ने शुक्रवार को मुलाकात की। स्त्री प्रधानमंत्री",
        "बढ़ाने पर ज़ोर दिया, उत्पीड़न का आरोप। गाज़ा",  # nukta after consonants that do not compose
        "آپ کی رائے۔ ۓ",
        "Pakistan’s “partnership” 🇮🇳 👨\u200d👩\u200d👧",
    ],
)
def test_normalize_returns_same_object_when_unchanged(text: str) -> None:
    assert normalize(text) is text
    out, offset_map = normalize_with_map(text)
    assert out is text
    assert offset_map.is_identity


def test_normalize_same_object_on_slow_path_too() -> None:
    text = "x\u0301 \u06cc\u0654"  # U+0301 is Maybe and not accelerated: the slow path
    assert unicodedata.normalize("NFC", text) is not text
    assert normalize(text) is text


def test_seed_article_is_nfc() -> None:
    if not SEED_ARTICLE.is_file():
        pytest.skip(f"seed article not found at {SEED_ARTICLE}")
    text = decode(SEED_ARTICLE.read_bytes(), str(SEED_ARTICLE))
    assert NUKTA in text
    assert normalize(text) is text


def test_scan_ranges_cover_all_normalization_data() -> None:
    """Characters outside the import-time scan must have no decomposition and combining class 0."""
    covered = set()
    for lo, hi in norm_mod._SCAN_RANGES:
        covered.update(range(lo, hi))
    for cp in range(0x110000):
        if cp in covered:
            continue
        ch = chr(cp)
        assert not unicodedata.decomposition(ch), hex(cp)
        assert unicodedata.combining(ch) == 0, hex(cp)


def test_accelerated_marks_are_active() -> None:
    marks = {mark for mark, _, _ in norm_mod._proxies()}
    assert marks == {"\u093c", "\u0653", "\u0654", "\u0655"}
    for mark, proxy, _ in norm_mod._proxies():
        assert unicodedata.combining(proxy) == unicodedata.combining(mark)
        assert unicodedata.is_normalized("NFC", proxy)


@pytest.mark.parametrize("mark", ["\u093c", "\u0653", "\u0654", "\u0655"])
def test_accelerated_mark_after_every_character(mark: str) -> None:
    """Exhaustive: p + mark and p + mark + x for every p in planes 0-1 agree with unicodedata."""
    for cp in range(0x20000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        for text in (chr(cp) + mark, chr(cp) + mark + "\u0316"):
            assert normalize(text) == reference(text), (hex(cp), text)


# --------------------------------------------------------------------------------------------------
# Offset maps and span re-mapping
# --------------------------------------------------------------------------------------------------


def test_identity_map() -> None:
    offset_map = OffsetMap.identity(5)
    assert offset_map.is_identity and offset_map.chunks == ()
    assert [offset_map.start(i) for i in range(6)] == list(range(6))
    assert [offset_map.end(i) for i in range(6)] == list(range(6))
    with pytest.raises(IndexError):
        offset_map.start(6)
    with pytest.raises(IndexError):
        offset_map.end(-1)


def test_span_after_precomposed_nukta_and_crlf_shifts() -> None:
    # Two precomposed nukta letters (+1 each) and one CRLF (-1) precede the span: net shift +1.
    original = "\u095c\u095b\u094b\u0930\r\nपहलगाम में हमला"
    normalized, offset_map = normalize_with_map(original)
    assert normalized == "\u0921\u093c\u091c\u093c\u094b\u0930\nपहलगाम में हमला"
    start = original.index("पहलगाम")
    end = start + len("पहलगाम")
    new = remap_span(original, start, end, offset_map, normalized, surface="पहलगाम")
    assert new == (start + 1, end + 1)
    assert normalized[new[0] : new[1]] == "पहलगाम"
    # The nukta letter itself maps to its decomposed form.
    assert remap_span(original, 0, 1, offset_map, normalized, surface="\u095c") == (0, 2)
    assert remap_span(original, 1, 4, offset_map, normalized) == (2, 6)
    # Every offset outside changed chunks maps exactly.
    assert offset_map.exact(4) == 6 and offset_map.exact(6) == 7
    assert offset_map.exact(5) is None  # between CR and LF


def test_crlf_cluster_mapping() -> None:
    original = "ab\r\ncd\r\n"
    normalized, offset_map = normalize_with_map(original)
    assert normalized == "ab\ncd\n"
    assert remap_span(original, 4, 6, offset_map, normalized) == (3, 5)
    # A span ending between CR and LF covers the (normalized) line break.
    assert offset_map.start(3) == 2 and offset_map.end(3) == 3
    assert remap_span(original, 0, 3, offset_map, normalized) == (0, 3)
    assert remap_span(original, 0, 8, offset_map, normalized) == (0, 6)


def test_span_end_inside_changed_cluster_is_reported() -> None:
    original = "मनोहर न\u093c"  # decomposed ऩ composes: a 2 -> 1 cluster at the end
    normalized, offset_map = normalize_with_map(original)
    assert normalized == "मनोहर \u0929"
    start = original.index("न\u093c")
    assert offset_map.start(start + 1) == start and offset_map.end(start + 1) == start + 1
    assert remap_span(original, start, start + 2, offset_map, normalized) == (start, start + 1)
    with pytest.raises(SpanMismatch) as info:
        remap_span(original, start, start + 1, offset_map, normalized)  # only न of न + nukta
    message = str(info.value)
    assert repr("न") in message and repr("\u0929") in message


def test_urdu_span_remap() -> None:
    original = "\u0627\u0653\u067e \u06a9\u06cc"  # آپ کی (decomposed alef madda)
    normalized, offset_map = normalize_with_map(original)
    assert normalized == "\u0622\u067e \u06a9\u06cc"
    assert remap_span(original, 4, 6, offset_map, normalized, surface="\u06a9\u06cc") == (3, 5)
    assert remap_span(original, 0, 3, offset_map, normalized, surface="\u0622\u067e") == (0, 2)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5, 900, "span [5, 900) does not fit in text of length 12"),
        (-1, 3, "span [-1, 3) does not fit in text of length 12"),
        (7, 3, "span [7, 3) does not fit in text of length 12"),
    ],
)
def test_span_out_of_range(start: int, end: int, message: str) -> None:
    original = "ab\r\ncd efgh "
    assert len(original) == 12
    normalized, offset_map = normalize_with_map(original)
    with pytest.raises(SpanMismatch) as info:
        remap_span(original, start, end, offset_map, normalized)
    assert str(info.value) == message


def test_span_surface_mismatch_quotes_both() -> None:
    original = "लश्कर-ए-तैयबा ने हमला किया"
    normalized, offset_map = normalize_with_map(original)
    with pytest.raises(SpanMismatch) as info:
        remap_span(original, 0, 13, offset_map, normalized, surface="जैश-ए-मोहम्मद")
    assert repr("लश्कर-ए-तैयबा") in str(info.value)
    assert repr("जैश-ए-मोहम्मद") in str(info.value)
    # A surface in another normalization form of the same text is accepted.
    original = "बढ़ाने"
    normalized, offset_map = normalize_with_map(original)
    assert remap_span(original, 0, 6, offset_map, normalized, surface="ब\u095d\u093e\u0928\u0947") == (0, 6)


def test_span_non_integer_offsets() -> None:
    with pytest.raises(SpanMismatch, match="non-integer"):
        remap_span("abc", "1", 2, OffsetMap.identity(3), "abc")  # type: ignore[arg-type]


def test_remap_span_rejects_foreign_map() -> None:
    with pytest.raises(ValueError, match="offset map"):
        remap_span("abc", 0, 1, OffsetMap.identity(4), "abc")


def test_content_hash() -> None:
    assert content_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    assert content_hash("पहलगाम") == hashlib.sha256("पहलगाम".encode()).hexdigest()
    assert content_hash("\u0929") != content_hash("\u0928\u093c")


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

ALPHABET = (
    list("कखगजडढनरळयहस")  # consonants, incl. न र ळ which compose with nukta
    + list("\u093e\u093f\u0940\u0941\u0947\u094b\u094d\u093c\u0902\u0901\u0903")  # matras, virama, nukta, ...
    + ["\u0951", "\u0952"]  # udatta (230), anudatta (220)
    + [chr(c) for c in range(0x0958, 0x0960)]  # precomposed nukta letters (composition exclusions)
    + ["\u0929", "\u0931", "\u0934", ZWJ, ZWNJ, "।", "॥", "२", "6"]
    + list("ae\u00e9\u00e8\u0301\u0300\u0323\u0316\u0308")  # Latin and combining diacritics
    + ["\u0627", "\u0648", "\u06cc", "\u06c1", "\u0653", "\u0654", "\u0655", "\u0622"]  # Urdu
    + ["\u1100", "\u1161", "\u11a8", "\uac00"]  # Hangul L V T, LV syllable
    + ["\u09c7", "\u09be", "\u09cb"]  # Bengali e + aa -> o
    + ["\u0344", "\uf900", "\u212b"]  # NFC_QC=No: non-starter decomposition, singletons
    + ["\r", "\n", "\r\n", " ", "-", ".", "🇮", "🇳", "👩"]
)
texts = st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join)


@settings(max_examples=600, deadline=None)
@given(texts)
def test_property_normalize_matches_unicodedata(text: str) -> None:
    expected = reference(text)
    assert normalize(text) == expected
    normalized, offset_map = normalize_with_map(text)
    assert normalized == expected
    assert offset_map.original_length == len(text) and offset_map.normalized_length == len(expected)
    assert offset_map.start(0) == 0 and offset_map.end(len(text)) == len(expected)
    if normalize(text) is text:
        assert offset_map.is_identity


@settings(max_examples=600, deadline=None)
@given(texts)
def test_property_trigger_class_is_sound(text: str) -> None:
    """Text without a trigger match is already normalized (the spec's quick-check class)."""
    if norm_mod._trigger().search(text) is None:
        assert reference(text) == text


@settings(max_examples=400, deadline=None)
@given(texts, st.data())
def test_property_remap_span(text: str, data: st.DataObject) -> None:
    normalized, offset_map = normalize_with_map(text)
    boundaries = [0, *(m.end() for m in regex.finditer(r"\X", text))]
    a = data.draw(st.sampled_from(boundaries))
    b = data.draw(st.sampled_from([x for x in boundaries if x >= a]))
    try:
        s, e = remap_span(text, a, b, offset_map, normalized)
    except SpanMismatch:
        return
    assert normalized[s:e] == normalize(text[a:b])
    # Mapped offsets are monotonic.
    assert 0 <= s <= e <= len(normalized)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_property_exact_offsets_rebuild_normalized_text(text: str) -> None:
    normalized, offset_map = normalize_with_map(text)
    exact = [i for i in range(len(text) + 1) if offset_map.is_exact(i)]
    assert exact[0] == 0 and exact[-1] == len(text)
    images = [offset_map.exact(i) for i in exact]
    assert images == sorted(images)
    assert images[0] == 0 and images[-1] == len(normalized)
    for i in range(len(text) + 1):
        assert offset_map.start(i) <= offset_map.end(i)
