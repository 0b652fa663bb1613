"""The index build (issue 15's first search) holds exactly what the word-by-word definition gives: the same
FTS5 rows (every term at every position of every column of every document) and the same stored keys,
whatever the batch size, on a corpus mixing Devanagari, Latin, Urdu (place names written in two parts),
Bengali, Gurmukhi and Tamil; and searches find the same documents."""

import json
import sqlite3
from itertools import chain

import pytest

from annotator.services import search
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.text.romanization import words_of

DOCS = [
    {"id": "hi", "title": "पहलगाम हमला", "text": "पहलगाम में हमला हुआ। पहलगाम! (Pahalgam) attack, लश्कर-ए-तैयबा"},
    {"id": "en", "title": "Border", "text": "Firing from Pakistan was reported near the border; again."},
    {"id": "ur", "title": "اسلام آباد", "text": "اسلام آباد میں دھماکہ۔ لاہور، حیدر آباد، احمد نگر"},
    {"id": "bn", "title": "ঢাকা", "text": "ঢাকায় বিস্ফোরণ, বাংলাদেশ পুলিশ। Dhaka"},
    {"id": "pa", "title": "ਅੰਮ੍ਰਿਤਸਰ", "text": "ਅੰਮ੍ਰਿਤਸਰ ਵਿੱਚ ਪੁਲਿਸ ਨੇ ਕਿਹਾ"},
    {"id": "ta", "title": "சென்னை", "text": "சென்னை காவல்துறை 12 பேர் கைது"},
    {"id": "mix", "title": "", "text": "श्रीनगर (Srinagar)\u00a0क्\u200cष ज़\u200dरा naïve 1२3 — Islamabad"},
    {"id": "empty-ish", "title": "x", "text": "।, — !"},
    {"id": "hi-again", "title": "पहलगाम", "text": "हमला"},  # no key a batch before has not stored
]
QUERIES = ["pahalgam", "पहलगाम", "pakistan", "islamabad", "اسلام آباد", "dhaka", "amritsar", "chennai", "x"]


def reference_keys(title: str, text: str) -> str:
    """The keys column as defined word by word: every word of the title, then the text (the pattern's
    words, and Urdu's two-part place names as one), in order of first occurrence, each word's keys."""
    words = dict.fromkeys(chain.from_iterable(map(search._WORD_RE.findall, (title, text))))
    joined = [w for t in (title, text) for w in words_of(t) if " " in w]
    return " ".join(dict.fromkeys(chain.from_iterable(map(search._word_keys, [*words, *joined]))))


def index_contents(con: sqlite3.Connection, table: str) -> list[tuple]:
    con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{table} USING fts5vocab(main, {table}, instance)")
    return con.execute(f"SELECT term, doc, col, offset FROM temp.v_{table} ORDER BY 1, 2, 3, 4").fetchall()


@pytest.mark.parametrize("batch", [1, 3, 2000])
def test_index_holds_what_the_word_by_word_definition_gives(tmp_path, monkeypatch, batch):
    monkeypatch.setattr(search, "BATCH_SIZE", batch)
    path = tmp_path / "p.annotator"
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in DOCS) + "\n", encoding="utf-8")
    with init_project(path) as project:
        assert import_paths(project, [data]).ok
        assert search.update_search_index(project) == len(DOCS)
        hits = {q: search.search_documents(project, q) for q in QUERIES}

    con = sqlite3.connect(path)
    rows = con.execute("SELECT id, title, text FROM documents ORDER BY id").fetchall()
    expected = {i: reference_keys(ti, te) for i, ti, te in rows}
    assert any(" q" in k for k in expected.values())  # Urdu consonant keys are in the corpus
    tokenize = "unicode61 categories 'L* N* Co M*' remove_diacritics 0 tokenchars '\u200c\u200d'"
    con.execute(
        f"CREATE VIRTUAL TABLE ref USING fts5(title, text, keys, content='', tokenize=\"{tokenize}\")"
    )
    con.executemany(
        "INSERT INTO ref (rowid, title, text, keys) VALUES (?, ?, ?, ?)",
        [(i, ti, te, expected[i]) for i, ti, te in rows],
    )
    built = index_contents(con, "search_index")
    assert built == index_contents(con, "ref")
    assert {r[2] for r in built} == {"title", "text", "keys"}
    terms = {t for (t,) in con.execute("SELECT term FROM search_index_terms")}
    assert terms == set(" ".join(expected.values()).split())
    con.close()

    # the same documents found (the index is what they are found by)
    assert [h.external_id for h in hits["pahalgam"]][:1] == ["hi"]
    assert "ur" in [h.external_id for h in hits["اسلام آباد"]]
    assert "bn" in [h.external_id for h in hits["dhaka"]]


def test_document_keys_join_texts_like_separate_splits():
    """Title and text split as one (joined by a space) give the chunks of each in turn: a title ending
    in a word and a text starting with one stay two words."""
    assert search.document_keys("पहलगाम", "हमला") == search.document_keys("पहलगाम हमला")
    assert search.document_keys("पहलगाम", "हमला") != search.document_keys("पहलगामहमला")
    for d in DOCS:
        assert " ".join(search.document_keys(d["title"], d["text"])) == reference_keys(d["title"], d["text"])


def test_a_build_leaves_no_more_keys_cached_than_it_keeps(tmp_path, monkeypatch):
    """Each distinct word's keys are computed once in a build (caches of up to ``_CACHE_SIZE``); past
    ``_CACHE_KEEP`` entries they are dropped when it ends, so a GUI process does not hold them."""
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in DOCS) + "\n", encoding="utf-8")
    with init_project(tmp_path / "p.annotator") as project:
        assert import_paths(project, [data]).ok
        monkeypatch.setattr(search, "_CACHE_KEEP", 5)
        search._chunk_keys.cache_clear()
        search._word_keys.cache_clear()
        assert search.update_search_index(project) == len(DOCS)
        assert search._chunk_keys.cache_info().currsize == 0
        assert search._word_keys.cache_info().currsize == 0
        assert search._chunk_keys.cache_info().maxsize == search._CACHE_SIZE >= 1 << 19
