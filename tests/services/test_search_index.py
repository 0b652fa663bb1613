"""The SQLite FTS5 search index: tokenizer, romanized keys, lazy incremental indexing, hostile queries, the
scanning fallback (PostgreSQL, no index), and migration 0003."""

import json
import threading
import time

import pytest
from sqlalchemy import inspect, text

from annotator.progress import CancelFlag, Cancelled
from annotator.services import search
from annotator.services.importing import import_paths
from annotator.services.search import search_documents, update_search_index
from annotator.text import search_key


@pytest.fixture
def project(sqlite_project):
    """The FTS5 index is SQLite's; PostgreSQL's scan path has its own test below."""
    return sqlite_project


def load(project, path, docs):
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok, report.errors


def fts(project, expression):
    """Document ids the FTS5 table itself matches."""
    with project.engine.connect() as conn:
        return [
            r[0]
            for r in conn.execute(
                text("SELECT rowid FROM search_index WHERE search_index MATCH :q ORDER BY rowid"),
                {"q": expression},
            )
        ]


def state(project):
    with project.engine.connect() as conn:
        return tuple(conn.execute(text("SELECT indexed_to, keys_version FROM search_index_state")).one())


def ids(hits):
    return [h.external_id for h in hits]


def scan(project, query, limit=20, min_score=0.75):
    """What the full-scan ranker (the fallback, and the search before the index) returns."""
    with project.engine.connect() as conn:
        return search._search_scan(conn, query, limit, min_score, search.no_progress, None)


WORDS = [
    {"id": "words", "title": "पाकिस्तानी प्रधानमंत्री", "text": "क़ासिम ने बयान दिया।"},
    {"id": "latin", "title": "Border", "text": "Firing from Pakistan was reported near the border."},
    {"id": "pahalgam", "title": "हमला", "text": "पहलगाम में हमला हुआ।"},
]


def test_tokenizer_keeps_devanagari_words_whole(project, tmp_path):
    load(project, tmp_path / "w.jsonl", WORDS)
    update_search_index(project)
    whole = ("पाकिस्तानी", "प्रधानमंत्री", "\u0915\u093c\u093e\u0938\u093f\u092e")  # क़ासिम: क + nukta
    for word in whole:
        assert fts(project, f'{{title text}} : "{word}"') == [1], word
    with project.engine.connect() as conn:
        # the default unicode61 tokenizer cuts these words at every matra, virama and nukta
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.plain USING fts5(t)")
        conn.exec_driver_sql("INSERT INTO temp.plain (t) VALUES (?)", (" ".join(whole),))
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.plain_vocab USING fts5vocab(temp, plain, 'row')")
        fragments = [r[0] for r in conn.exec_driver_sql("SELECT term FROM temp.plain_vocab")]
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.ours USING fts5vocab(main, search_index, 'col')")
        ours = {(r[0], r[1]) for r in conn.exec_driver_sql("SELECT term, col FROM temp.ours")}
    assert "क" in fragments and "प" in fragments and "पाकिस्तानी" not in fragments
    assert {(w, c) for w, c in ours if c != "keys" and w in whole} == {
        ("पाकिस्तानी", "title"),
        ("प्रधानमंत्री", "title"),
        ("क़ासिम", "text"),
    }
    for fragment in fragments:  # a piece split at a matra is not a word of the index
        assert fts(project, f'{{title text}} : "{fragment}"') == [], fragment


def test_romanized_query_finds_devanagari_through_keys(project, tmp_path):
    load(project, tmp_path / "w.jsonl", WORDS)
    assert ids(search_documents(project, "pahalgam")) == ["pahalgam"]
    # the Latin word is not in the text; its key is in the keys column
    assert fts(project, '{title text} : "pahalgam"') == []
    assert fts(project, f'keys : "{search_key("pahalgam")}"') == [3]
    assert search_key("pahalgam") == search_key("पहलगाम")
    assert ids(search_documents(project, "qasim")) == ["words"]  # क़ासिम
    # a precomposed nukta letter (U+0958) in the query: NFC decomposes it as the stored text has it
    assert ids(search_documents(project, "\u0958\u093e\u0938\u093f\u092e")) == ["words"]
    assert fts(project, '{title text} : "\u0958\u093e\u0938\u093f\u092e"') == []


def test_devanagari_query_finds_latin_text(project, tmp_path):
    load(project, tmp_path / "w.jsonl", WORDS)
    hits = search_documents(project, "पाकिस्तान")
    assert ids(hits) == ["latin", "words"]  # Pakistan (exact), then पाकिस्तानी (a word plus an ending)
    assert hits[0].score == 1.0 > hits[1].score
    assert hits[0].snippet == "Firing from [Pakistan] was reported near the border."


def test_word_plus_ending_and_near_misses_come_from_the_broad_tier(project, tmp_path):
    docs = [
        {"id": "exact", "title": "", "text": "पाकिस्तान ने कहा।"},
        {"id": "ending", "title": "", "text": "पाकिस्तानी सेना।"},
        {"id": "delhi", "title": "", "text": "दिल्ली में बैठक।"},
    ]
    load(project, tmp_path / "d.jsonl", docs)
    assert ids(search_documents(project, "pakistan")) == ["exact", "ending"]
    # keys differ (dilhi / dili): found by edit distance over the stored keys, as the scan finds it
    assert search_key("delhi") != search_key("दिल्ली")
    assert ids(search_documents(project, "delhi")) == ["delhi"] == ids(scan(project, "delhi"))


def test_broad_tier_only_when_the_narrow_one_falls_short(project, tmp_path, monkeypatch):
    docs = [{"id": f"d{i}", "title": "", "text": f"पाकिस्तान समाचार {i}"} for i in range(3)]
    load(project, tmp_path / "d.jsonl", [*docs, {"id": "adj", "title": "", "text": "पाकिस्तानी सेना"}])
    expansions = []
    real = search._similar_terms
    monkeypatch.setattr(
        search, "_similar_terms", lambda conn, word: expansions.append(word) or real(conn, word)
    )
    # 2 hits scoring 1.0, more than any document found only by prefix or edit distance can: done
    assert ids(search_documents(project, "pakistan", limit=2)) == ["d0", "d1"] and expansions == []
    assert ids(search_documents(project, "pakistan", limit=5)) == ["d0", "d1", "d2", "adj"]
    assert expansions == ["pakistan"]


def test_many_matches_score_the_best_by_bm25(project, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SCORE_ALL", 2)
    monkeypatch.setattr(search, "CANDIDATES", 1)
    docs = [{"id": f"d{i}", "title": "", "text": f"पहलगाम में आज {i} बजे बैठक हुई।"} for i in range(5)]
    docs.append({"id": "most", "title": "", "text": "पहलगाम पहलगाम पहलगाम"})
    load(project, tmp_path / "d.jsonl", docs)
    hits = search_documents(project, "पहलगाम", limit=1)
    assert ids(hits) == ["most"] == ids(scan(project, "पहलगाम", limit=1))
    assert len(hits[0].matches) == 3


def test_same_hits_as_the_full_scan_on_the_demo_articles(project):
    from annotator.resources import resource_path

    assert import_paths(project, [resource_path("demo")]).ok
    queries = [
        "pahalgam", "pakistan", "पाकिस्तान", "delhi", "दिल्ली", "nai dilli", "नई दिल्ली", "kashmir",
        "lashkar-e-taiba", "jaish", "shrinagar", "naksali", "jawan", "surakshabal", "IED", "army",
        "police", "modi", "hamla", "के", "ke", "rubio", "Shehbaz Sharif", "mumbai", "xyzzy",
    ]  # fmt: skip
    for query in queries:
        for min_score in (0.75, 0.9):
            assert search_documents(project, query, min_score=min_score) == scan(
                project, query, min_score=min_score
            ), query


def test_index_is_built_lazily_and_incrementally(project, tmp_path):
    load(project, tmp_path / "a.jsonl", WORDS)
    assert state(project) == (0, 0)  # importing indexes nothing
    calls = []
    assert ids(search_documents(project, "pahalgam", progress=lambda *a: calls.append(a))) == ["pahalgam"]
    assert calls == [(3, 3, "indexing")] and state(project) == (3, search.KEYS_VERSION)

    more = [
        {"id": "new-hi", "title": "", "text": "पहलगाम में पर्यटक लौटे।"},
        {"id": "new-en", "title": "Pahalgam", "text": "Tourists returned."},
    ]
    load(project, tmp_path / "b.jsonl", more)
    assert state(project) == (3, search.KEYS_VERSION)
    calls.clear()
    hits = search_documents(project, "pahalgam", progress=lambda *a: calls.append(a))
    assert set(ids(hits)) == {"pahalgam", "new-hi", "new-en"}
    assert calls == [(2, 2, "indexing")]  # only the new documents
    assert state(project) == (5, search.KEYS_VERSION)
    calls.clear()
    assert update_search_index(project, progress=lambda *a: calls.append(a)) == 0 and calls == []
    search_documents(project, "pahalgam", progress=lambda *a: calls.append(a))
    assert calls == []  # up to date: nothing indexed, no write


def test_indexing_in_batches_can_be_cancelled_and_resumed(project, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "BATCH_SIZE", 2)
    docs = [{"id": f"d{i}", "title": "", "text": f"पहलगाम समाचार {i}"} for i in range(5)]
    load(project, tmp_path / "d.jsonl", docs)
    flag = CancelFlag()
    calls = []

    def progress(done, total, message):
        calls.append((done, total))
        flag.cancel()

    with pytest.raises(Cancelled):
        search_documents(project, "pahalgam", progress=progress, cancel=flag)
    assert calls == [(2, 5)] and state(project)[0] == 2  # the first batch is committed
    calls.clear()
    assert len(search_documents(project, "pahalgam", progress=progress)) == 5
    assert calls == [(2, 3), (3, 3)]


def test_other_keys_version_rebuilds_the_index(project, tmp_path):
    load(project, tmp_path / "w.jsonl", WORDS)
    update_search_index(project)
    with project.engine.begin() as conn:
        conn.execute(text("UPDATE search_index_state SET keys_version = 0"))
    assert update_search_index(project) == 3
    assert state(project) == (3, search.KEYS_VERSION)
    assert fts(project, f'keys : "{search_key("pahalgam")}"') == [3]  # once: the old rows were cleared
    assert ids(search_documents(project, "pahalgam")) == ["pahalgam"]
    # an index a newer annotator built with its own keys is left alone: this one scans
    with project.engine.begin() as conn:
        conn.execute(text("UPDATE search_index_state SET keys_version = :v"), {"v": search.KEYS_VERSION + 1})
    calls = []
    assert ids(search_documents(project, "pahalgam", progress=lambda *a: calls.append(a))) == ["pahalgam"]
    assert calls == [(3, 3, "searching")] and state(project) == (3, search.KEYS_VERSION + 1)


def test_two_processes_never_index_a_document_twice(project, tmp_path, monkeypatch):
    from annotator.services.project import open_project

    monkeypatch.setattr(search, "BATCH_SIZE", 1)
    docs = [{"id": f"d{i}", "title": "", "text": f"पहलगाम समाचार {i}"} for i in range(20)]
    load(project, tmp_path / "d.jsonl", docs)
    counts = []
    barrier = threading.Barrier(2)

    def work():
        with open_project(project.location) as other:
            barrier.wait()
            # a pause between batches (outside the write lock) lets the two take turns
            counts.append(update_search_index(other, progress=lambda *_: time.sleep(0.005)))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 20 and min(counts) > 0 and state(project)[0] == 20
    assert len(search_documents(project, "pahalgam", limit=50)) == 20


@pytest.mark.parametrize(
    "query",
    [
        '"NOT" (x',
        "NOT",
        "AND OR NOT",
        '"',
        '""',
        "*",
        "pak*",
        "^pakistan",
        "title : pakistan",
        "{title text} : x",
        "keys:pkistn",
        "NEAR(pakistan border, 2)",
        "-pakistan",
        "pakistan -border",
        "+",
        "( ) ( )",
        "a\"b'c",
        "\\",
        "\x00",
        "pakistan\x00border",
        "😀",
        "پاکستان",
        "\u093f",  # a lone matra
        " ".join(["pakistan"] * 200),
        "",
        "   ",
    ],
)
def test_hostile_queries_do_not_raise(project, tmp_path, query):
    load(project, tmp_path / "w.jsonl", WORDS)
    hits = search_documents(project, query)
    assert isinstance(hits, list)
    assert hits == scan(project, query)


def test_query_syntax_is_text(project, tmp_path):
    load(project, tmp_path / "w.jsonl", WORDS)
    assert ids(search_documents(project, '"pahalgam"*')) == ["pahalgam"]
    assert ids(search_documents(project, "NOT pahalgam")) == []  # "not" is a word the texts lack
    assert ids(search_documents(project, "(pahalgam)")) == ["pahalgam"]


def test_a_document_gone_from_the_table_is_skipped(project, tmp_path):
    load(project, tmp_path / "w.jsonl", WORDS)
    update_search_index(project)
    with project.engine.begin() as conn:
        conn.execute(text("DELETE FROM documents WHERE external_id = 'pahalgam'"))
    assert search_documents(project, "pahalgam") == []
    assert ids(search_documents(project, "pakistan")) == ["latin", "words"]


def test_without_the_index_sqlite_scans(project, tmp_path):
    load(project, tmp_path / "w.jsonl", WORDS)
    with project.engine.begin() as conn:
        conn.execute(text("DROP TABLE search_index"))
    calls = []
    hits = search_documents(project, "pahalgam", progress=lambda *a: calls.append(a))
    assert ids(hits) == ["pahalgam"] and calls == [(3, 3, "searching")]
    assert update_search_index(project) == 0


def test_postgres_scans(pg_url, tmp_path):
    from annotator.services.project import init_project

    with init_project(pg_url) as project:
        load(project, tmp_path / "w.jsonl", WORDS)
        with project.engine.connect() as conn:
            assert not [t for t in inspect(conn).get_table_names() if t.startswith("search_index")]
        calls = []
        assert ids(search_documents(project, "pahalgam", progress=lambda *a: calls.append(a))) == ["pahalgam"]
        assert calls == [(3, 3, "searching")]
        assert ids(search_documents(project, "पाकिस्तान")) == ["latin", "words"]
        assert search_documents(project, '"NOT" (x') == []
        assert update_search_index(project) == 0


def test_migration_0003_up_and_down(tmp_path):
    from alembic import command

    from annotator.store.database import _alembic_config, make_engine, upgrade

    def search_tables(conn):
        return {
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE 'search%'")
        }

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (external_id, title, text, content_hash, meta, created_at) "
                "VALUES ('d1', 'पहलगाम', 'पाठ', :h, '{}', '2025-01-01 00:00:00')"
            ),
            {"h": "0" * 64},
        )
        assert search_tables(conn) == set()
    upgrade(engine, "0003")
    with engine.connect() as conn:
        assert {"search_index", "search_index_terms", "search_index_state", "search_index_data"} <= (
            search_tables(conn)
        )
        assert conn.exec_driver_sql("SELECT indexed_to, keys_version FROM search_index_state").all() == [
            (0, 0)
        ]
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0002")
    with engine.connect() as conn:
        assert search_tables(conn) == set()
        assert conn.exec_driver_sql("SELECT title FROM documents").all() == [("पहलगाम",)]
    upgrade(engine)
    engine.dispose()


def test_include_name_hides_only_the_search_tables():
    from annotator.store.database import include_name

    for name in ("search_index", "search_index_data", "search_index_idx", "search_index_state"):
        assert not include_name(name, "table", {})
    assert include_name("documents", "table", {}) and include_name("settings", "table", {})
    assert include_name("search_index", "column", {})
