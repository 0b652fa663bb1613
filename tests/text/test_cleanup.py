"""clean_news: read-also lists cut, embedded posts marked as "> " quotes, everything else byte-identical."""

import unicodedata
from pathlib import Path

import pytest

from annotator.text.cleanup import DEFAULT_READ_ALSO, CleanResult, clean_news, parse_read_also

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
SEED = CORPORA / "seed-article" / "hindi-news-us-pakistan-meeting.txt"

TWEET_BODY = (
    "Met with Pakistani Deputy Prime Minister and Foreign Minister @MIshaqDar50 today to discuss expanding "
    "bilateral trade and enhancing collaboration in the critical minerals sector. I also thanked him for "
    "Pakistan’s partnership in countering terrorism and preserving regional… pic.twitter.com/QZB9RZwIA8"
)
TWEET_SIGNATURE = "— Secretary Marco Rubio (@SecRubio) July 25, 2025"
SEED_READ_ALSO = [
    "यह भी पढ़ें:",
    "कारगिल विजय दिवस: राष्ट्रपति, रक्षा मंत्री और गृह मंत्री ने किया वीर शहीदों को नमन !",
    "CPI(M) को मुंबई हाईकोर्ट की दो टूक, कहा-गाज़ा और फिलिस्तीन पर बोलना देशभक्ति नहीं है!",
    "रिश्वतखोरी मामले में पूर्व ईडी अधिकारीको तीन साल की सजा, 5.5 लाख का जुर्माना!",
    "उदयपुर: मेडिकल कॉलेज में छात्रा की आत्महत्या से हड़कंप, स्टाफ पर ‘मानसिक उत्पीड़न’ का आरोप",
]
LAST_PARAGRAPH_END = (
    "TRF ने 22 अप्रैल को जम्मू-कश्मीर के पहलगाम में हुए आतंकवादी हमले की जिम्मेदारी ली थी, जिसमें 26 लोगों की मौत हुई थी।"
)

P1 = (
    "राष्ट्रीय जाँच एजेंसी ने शनिवार को पहलगाम हमले की जाँच तेज़ कर दी। "
    "अधिकारियों ने बताया कि कई संदिग्धों से पूछताछ की जा रही है।"
)
P2 = "गृह मंत्रालय ने कहा कि दोषियों को बख़्शा नहीं जाएगा। सुरक्षा बलों को हाई अलर्ट पर रखा गया है।"
EN1 = (
    "Two militants were killed on Friday when the Army foiled an infiltration bid in Kupwara, officials said."
)
EN2 = "Two AK-47 rifles and a satellite phone were recovered from the site, a spokesperson added."


def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"shared corpus file {SEED} not present (see shared/corpora/SOURCES.md)")
    return SEED.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------------
# The real article
# --------------------------------------------------------------------------------------------------


def test_seed_article_exact():
    original = seed_text()
    lines = original.split("\n")
    assert lines[2] == TWEET_BODY and lines[3] == TWEET_SIGNATURE  # the corpus is what the test expects
    assert lines[6].endswith(LAST_PARAGRAPH_END) and lines[7:12] == SEED_READ_ALSO

    result = clean_news(original)

    assert result.quotes == 1
    assert result.removed == SEED_READ_ALSO
    assert result.removed_lines == 5
    expected = "\n".join([lines[0], lines[1], "> " + TWEET_BODY, "> " + TWEET_SIGNATURE, *lines[4:7]]) + "\n"
    assert result.text == expected
    out = result.text.split("\n")
    assert out[2] == (
        "> Met with Pakistani Deputy Prime Minister and Foreign Minister @MIshaqDar50 today to discuss "
        "expanding bilateral trade and enhancing collaboration in the critical minerals sector. I also "
        "thanked him for Pakistan’s partnership in countering terrorism and preserving regional… "
        "pic.twitter.com/QZB9RZwIA8"
    )
    assert out[3] == "> — Secretary Marco Rubio (@SecRubio) July 25, 2025"
    assert result.text.endswith(LAST_PARAGRAPH_END + "\n")
    assert "यह भी पढ़ें" not in result.text and "कारगिल" not in result.text
    assert result.meta() == {"removed_lines": 5, "quotes": 1, "removed": SEED_READ_ALSO}


def test_seed_article_clean_is_idempotent():
    once = clean_news(seed_text())
    twice = clean_news(once.text)
    assert twice.text == once.text
    assert twice.removed == [] and twice.quotes == 0


def test_seed_article_with_decomposed_and_precomposed_nukta():
    """Stored text is NFC (ढ़ = U+0922 U+093C); a page may write U+095D. Both match the marker."""
    original = seed_text()
    for variant in (unicodedata.normalize("NFC", original), original.replace("\u0922\u093c", "\u095d")):
        result = clean_news(variant)
        assert result.removed_lines == 5 and result.quotes == 1


# --------------------------------------------------------------------------------------------------
# Unchanged text
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        P1,
        f"{P1}\n{P2}\n",
        f"{P1}\r\n\r\n{P2}  \r\n\n\n",
        f"  {EN1}\t\n\n\n{EN2}",
        # "पढ़ें" and "read more" inside sentences, and a marker followed by a whole sentence
        "छात्र ज़्यादा पढ़ें, यही सरकार चाहती है। और पढ़ें तो आगे बढ़ें।\nHe urged people to read more books.",
        "Read more: the full statement of the Ministry of Home Affairs was released on Saturday evening.",
        "यह भी पढ़ें कि सरकार ने क्या कहा।",
        # a dash line and an @ in prose are not posts
        f"{EN1}\n— the spokesperson, on Friday\nContact us at desk@example.com",
        "> already a quote\n> — Someone (@someone) July 1, 2025",
    ],
)
def test_text_without_markers_or_posts_is_byte_identical(text):
    result = clean_news(text)
    assert result.text == text
    assert result.text.encode("utf-8") == text.encode("utf-8")
    assert result.removed == [] and result.quotes == 0


# --------------------------------------------------------------------------------------------------
# Read-also lists
# --------------------------------------------------------------------------------------------------


def test_marker_in_the_middle_cut_stops_at_article_text():
    text = f"{P1}\nये भी पढ़ें: पहलगाम हमले के बाद घाटी में बढ़ी सुरक्षा\nसीमा पर घुसपैठ की कोशिश नाकाम\n{P2}"
    result = clean_news(text)
    assert result.text == f"{P1}\n{P2}"
    assert result.removed == [
        "ये भी पढ़ें: पहलगाम हमले के बाद घाटी में बढ़ी सुरक्षा",
        "सीमा पर घुसपैठ की कोशिश नाकाम",
    ]


def test_short_sentence_after_the_list_is_article_text():
    """A line ending in । (or a single .) is a sentence, not a headline: the cut stops before it."""
    text = f"{P1}\nयह भी पढ़ें:\nकश्मीर में मुठभेड़, दो आतंकी ढेर\nपुलिस ने जाँच शुरू की।\nThe Army said."
    assert clean_news(text).text == f"{P1}\nपुलिस ने जाँच शुरू की।\nThe Army said."


def test_blank_line_paragraphs_collapse_around_a_cut():
    text = (
        f"{EN1}\n\nALSO READ | Pakistan closes airspace for Indian airlines\n\n"
        f"{EN2}\n\nRead More:\n\nHeadline one\nhttps://example.com/news/2\n\n\n"
    )
    result = clean_news(text)
    assert result.text == f"{EN1}\n\n{EN2}\n"
    assert result.removed == [
        "ALSO READ | Pakistan closes airspace for Indian airlines",
        "Read More:",
        "Headline one",
        "https://example.com/news/2",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "यह भी पढ़ें",
        "यह भी पढ़ें:",
        "ये भी पढ़ें-",
        "इसे भी पढ़ें :",
        "**यह भी पढ़ें:**",
        "» Also Read:",
        "ALSO READ",
        "also read —",
        "Read also:",
        "(और पढ़ें: सेना प्रमुख का जम्मू दौरा)",
        "👉 यह भी पढ़ें - सेना प्रमुख का जम्मू दौरा",
    ],
)
def test_marker_forms(line):
    result = clean_news(f"{P1}\n{line}\nसेना प्रमुख का जम्मू दौरा, सुरक्षा की समीक्षा")
    assert result.text == P1
    assert result.removed_lines == 2


def test_marker_at_the_very_start_and_nothing_else():
    assert clean_news("यह भी पढ़ें:\nहेडलाइन एक\nहेडलाइन दो").text == ""
    assert clean_news("Also read:\n\nHeadline\n\n" + EN1).text == EN1


def test_configurable_markers():
    text = f"{EN1}\nMust See:\nVideo: the encounter site\nDon't miss:\nPhotos from Kupwara\n"
    assert (
        clean_news(text).text
        == f"{EN1}\nMust See:\nVideo: the encounter site\nDon't miss:\nPhotos from Kupwara\n"
    )
    assert clean_news(text, ("must see", "Don't miss:")).text == f"{EN1}\n"
    assert clean_news(text, "Must see,Don't miss").removed_lines == 4
    # the configured list replaces the defaults
    assert clean_news(f"{P1}\nयह भी पढ़ें:\nहेडलाइन", ("Must see",)).removed == []
    # no markers: nothing cut, posts still marked
    assert clean_news(f"{P1}\nयह भी पढ़ें:\nहेडलाइन\n{TWEET_BODY}\n{TWEET_SIGNATURE}", ()).removed == []


def test_parse_read_also():
    assert parse_read_also(None) == DEFAULT_READ_ALSO
    assert parse_read_also("Must see, Don't miss ,,") == ("Must see", "Don't miss")
    assert parse_read_also("यह भी पढ़ें:, Also read -") == ("यह भी पढ़ें", "Also read")
    assert parse_read_also("+Must see") == (*DEFAULT_READ_ALSO, "Must see")
    assert parse_read_also("") == ()
    assert parse_read_also(["  Read next: "]) == ("Read next",)
    assert "यह भी पढ़ें" in DEFAULT_READ_ALSO and "Also read" in DEFAULT_READ_ALSO


# --------------------------------------------------------------------------------------------------
# Embedded posts
# --------------------------------------------------------------------------------------------------


def test_tweet_in_single_line_paragraphs_quotes_the_line_above_only():
    text = f"{P1}\n{P2}\nLine two of a tweet https://t.co/abc123\n— ANI (@ANI) July 25, 2025\n{EN2}"
    result = clean_news(text)
    assert result.text == (
        f"{P1}\n{P2}\n> Line two of a tweet https://t.co/abc123\n> — ANI (@ANI) July 25, 2025\n{EN2}"
    )
    assert result.quotes == 1 and result.removed == []


def test_post_in_blank_line_paragraphs_quotes_the_whole_block():
    text = (
        f"{P1}\n\nपाकिस्तान को जवाब मिलेगा।\nहमारी सेना तैयार है। #JaiHind\n\n"
        f"— Rajnath Singh (@rajnathsingh) 25 जुलाई 2025\n\n{P2}"
    )
    result = clean_news(text)
    assert result.text == (
        f"{P1}\n\n> पाकिस्तान को जवाब मिलेगा।\n> हमारी सेना तैयार है। #JaiHind\n>\n"
        f"> — Rajnath Singh (@rajnathsingh) 25 जुलाई 2025\n\n{P2}"
    )
    assert result.quotes == 1
    assert clean_news(result.text).text == result.text


def test_long_paragraph_above_a_bare_signature_stays_article_text():
    long_paragraph = P1 * 6
    text = f"{long_paragraph}\n— ANI (@ANI) July 25, 2025"
    assert clean_news(text).text == f"{long_paragraph}\n> — ANI (@ANI) July 25, 2025"


def test_other_platforms_and_link_only_posts():
    text = "\n".join(
        [
            P1,
            "View this post on Instagram",
            "Flag hoisting at the border post",
            "A post shared by BSF (@bsf_india)",
            EN1,
            "Statement on the encounter in Kupwara.",
            "Posted by Kashmir Zone Police on Friday, July 25, 2025",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "पुलिस ने वीडियो जारी किया pic.twitter.com/AbC123",
            P2,
        ]
    )
    result = clean_news(text)
    assert result.text == "\n".join(
        [
            P1,
            "> View this post on Instagram",
            "> Flag hoisting at the border post",
            "> A post shared by BSF (@bsf_india)",
            EN1,
            "> Statement on the encounter in Kupwara.",
            "> Posted by Kashmir Zone Police on Friday, July 25, 2025",
            "> https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "> पुलिस ने वीडियो जारी किया pic.twitter.com/AbC123",
            P2,
        ]
    )
    assert result.quotes == 4


def test_a_post_stops_a_read_also_cut():
    text = f"{P1}\nयह भी पढ़ें:\nहेडलाइन एक\n{TWEET_BODY}\n{TWEET_SIGNATURE}\n{P2}"
    result = clean_news(text)
    assert result.text == f"{P1}\n> {TWEET_BODY}\n> {TWEET_SIGNATURE}\n{P2}"
    assert result.removed == ["यह भी पढ़ें:", "हेडलाइन एक"] and result.quotes == 1


def test_result_type():
    result = clean_news(P1)
    assert isinstance(result, CleanResult) and result.meta() == {
        "removed_lines": 0,
        "quotes": 0,
        "removed": [],
    }
