"""The sqlite3-only search of a project file with an up-to-date index (what ``annotator search`` runs):
the same hits as :func:`search_documents`, None whenever the project must be opened as usual; and the
index's per-document keys, computed chunk by chunk, equal to the word-by-word definition."""

import json
import sqlite3
from itertools import chain

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.services import search
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.search import document_keys, search_documents, search_file
from annotator.store.database import ProjectOpenError

DOCS = [
    {"id": "words", "title": "पाकिस्तानी प्रधानमंत्री", "text": "क़ासिम ने बयान दिया।"},
    {"id": "latin", "title": "Border", "text": "Firing from Pakistan was reported near the border."},
    {"id": "pahalgam", "title": "हमला", "text": "पहलगाम में हमला हुआ। Pahalgam attack."},
    {"id": "shrinagar", "title": "श्रीनगर", "text": "श्रीनगर (Srinagar) में लश्कर-ए-तैयबा के आतंकी पकड़े गए।"},
    {"id": "mixed", "title": "Islamabad", "text": "इस्लामाबाद ने कहा — Islamabad said; ghuspaith घुसपैठ."},
]
QUERIES = [
    "pahalgam",
    "पहलगाम",
    "pakistan",
    "shrinagar",
    "lashkar",
    "islamabad",
    "नई दिल्ली",
    "ghuspaith",
    "x",
]


def load(project, path, docs):
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    assert import_paths(project, [path]).ok


@pytest.fixture
def indexed(tmp_path):
    path = tmp_path / "p.annotator"
    with init_project(path) as project:
        load(project, tmp_path / "d.jsonl", DOCS)
        search.update_search_index(project)
    return path


def test_same_hits_as_search_documents(indexed):
    from annotator.services.project import open_project

    with open_project(indexed) as project:
        for query in QUERIES:
            for limit in (1, 2, 20):
                assert search_file(indexed, query, limit=limit) == search_documents(
                    project, query, limit=limit
                )
    assert search_file(indexed, "pahalgam", limit=0) == []


def test_none_when_the_index_is_behind_or_missing(indexed, tmp_path):
    from annotator.services.project import open_project

    with open_project(indexed) as project:
        load(project, tmp_path / "more.jsonl", [{"id": "new", "title": "t", "text": "पहलगाम फिर"}])
        assert search_file(indexed, "pahalgam") is None  # a document not indexed yet
        search_documents(project, "pahalgam")  # indexes it
        assert "new" in [h.external_id for h in search_file(indexed, "pahalgam")]
        with project.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE search_index_state SET keys_version = keys_version - 1")
        assert search_file(indexed, "pahalgam") is None  # built with other keys: rebuilt by the usual path
    assert search_file(tmp_path / "none.annotator", "x") is None
    assert search_file("postgresql://u@h/db", "x") is None


def _index_contents(path):
    con = sqlite3.connect(path)
    try:
        return (
            con.execute("SELECT * FROM search_index_data ORDER BY id").fetchall(),
            con.execute("SELECT * FROM search_index_idx ORDER BY segid, term").fetchall(),
            con.execute("SELECT * FROM search_index_docsize ORDER BY id").fetchall(),
            con.execute("SELECT term FROM search_index_terms ORDER BY term").fetchall(),
            con.execute("SELECT indexed_to, keys_version FROM search_index_state").fetchall(),
        )
    finally:
        con.close()


@pytest.mark.parametrize("batch", [2, 1000])
def test_build_indexes_on_its_plain_connection_as_search_documents_does(tmp_path, monkeypatch, batch):
    """``build=True`` (what ``annotator search`` asks) indexes a project whose index is behind on the plain
    connection, by the same code, in the same batches: the index is byte for byte the one the engine's
    path builds, progress is reported, and the hits are the same."""
    from annotator.services.project import open_project

    monkeypatch.setattr(search, "BATCH_SIZE", batch)
    plain, engine = tmp_path / "plain.annotator", tmp_path / "engine.annotator"
    for path in (plain, engine):
        with init_project(path) as project:
            load(project, tmp_path / f"{path.stem}.jsonl", DOCS)
    assert search_file(plain, "pahalgam") is None  # behind, and not asked to build
    reports = []
    hits = search_file(plain, "pahalgam", build=True, progress=lambda d, t, m: reports.append((d, t, m)))
    assert reports[-1] == (len(DOCS), len(DOCS), "indexing")
    with open_project(engine) as project:
        assert hits == search_documents(project, "pahalgam")
    assert _index_contents(plain) == _index_contents(engine)
    with open_project(plain) as project:
        load(project, tmp_path / "more.jsonl", [{"id": "new", "title": "t", "text": "पहलगाम फिर"}])
        with project.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE search_index_state SET keys_version = keys_version - 1")
    with open_project(engine) as project:
        load(project, tmp_path / "more2.jsonl", [{"id": "new", "title": "t", "text": "पहलगाम फिर"}])
        with project.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE search_index_state SET keys_version = keys_version - 1")
        expected = search_documents(project, "pahalgam")  # rebuilt with this program's keys
    assert search_file(plain, "pahalgam", build=True) == expected
    assert "new" in [h.external_id for h in expected]
    assert _index_contents(plain) == _index_contents(engine)


def test_build_leaves_an_index_of_newer_keys_alone(indexed):
    con = sqlite3.connect(indexed)
    con.execute("UPDATE search_index_state SET keys_version = keys_version + 1")
    con.commit()
    con.close()
    before = _index_contents(indexed)
    assert search_file(indexed, "pahalgam", build=True) is None  # the usual path scans instead
    assert _index_contents(indexed) == before


def test_none_at_another_revision(indexed):
    con = sqlite3.connect(indexed)
    con.execute("UPDATE alembic_version SET version_num = '0007'")
    con.commit()
    con.close()
    assert search_file(indexed, "pahalgam") is None


def test_refuses_a_damaged_file_like_any_open(indexed):
    data = bytearray(indexed.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's table of contents
    indexed.write_bytes(bytes(data))
    with pytest.raises(ProjectOpenError, match="damaged"):
        search_file(indexed, "pahalgam")


def old_document_keys(*texts):
    """The definition the index was built with before: every word through the pattern, in order."""
    words = dict.fromkeys(chain.from_iterable(map(search._WORD_RE.findall, texts)))
    return list(dict.fromkeys(chain.from_iterable(map(search._word_keys, words))))


SAMPLES = [
    ("", ""),
    ("हमला", "पहलगाम में हमला हुआ। (Pahalgam) attack, पहलगाम!"),
    ("a\u00a0b", "x\u2003y\x1cz\x85w\u2028v ज़\u200dरा क्\u200cष 👍🏽ok 1२3 Ω—ω"),
    ("İstanbul ǅ", "naïve café e\u0301 ि◌ ्"),
]


@pytest.mark.parametrize("texts", SAMPLES)
def test_document_keys_as_word_by_word(texts):
    assert document_keys(*texts) == old_document_keys(*texts)


ALPHABET = st.sampled_from(list("पहलगाम क्षज़ि्ं\u200c\u200d abcXYZ,.।-()'0१ \u00a0\u2003\n\t\x1c\u0301👍🏽é"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=40), min_size=1, max_size=3))
def test_document_keys_as_word_by_word_any_text(texts):
    assert document_keys(*texts) == old_document_keys(*texts)
