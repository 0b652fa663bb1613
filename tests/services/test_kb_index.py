"""The knowledge base's type-ahead keys live in the project database (``kb_keys``, issue 19): a change keys
only its own aliases (the rows of the others stay as they are), aliases written by anything (a merged work
package, an upgraded project) are keyed at the next search, deleted ones are dropped, and the search runs
as prefix ranges on the key index. Runs on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import delete, func, insert, select, update

from annotator.services import kb
from annotator.services.team import add_annotator
from annotator.store.models import KbAlias, KbKey, Setting


@pytest.fixture
def team(project):
    add_annotator(project, "lead", "lead")
    return project


def _rows(project):
    with project.engine.connect() as conn:
        return set(conn.execute(select(KbKey.id, KbKey.alias_id, KbKey.key, KbKey.kind)).all())


def _expected(project):
    """Every live alias's keys, computed from the alias as the search defines them."""
    with project.engine.connect() as conn:
        aliases = conn.execute(
            select(KbAlias.id, KbAlias.text, KbAlias.key, KbAlias.roman, KbAlias.phonetic).where(
                KbAlias.deleted_at.is_(None)
            )
        ).all()
    return {
        (a.id, k, kind)
        for a in aliases
        for k, kind in kb.alias_search_keys(a.text, a.key, a.roman, a.phonetic)
    }


def test_every_live_alias_is_keyed_once_at_the_first_search(team):
    project = team
    assert kb.search(project, "lashkar")
    rows = _rows(project)
    assert {(a, k, kind) for _id, a, k, kind in rows} == _expected(project)
    assert len(rows) == len(_expected(project))  # no key twice
    # the kinds the ranking tells apart: whole spellings, romanized Devanagari, word starts, phonetic keys
    assert {kind for *_, kind in rows} == {0, 1, 2, 3}


def test_a_new_entry_adds_only_its_own_keys(team):
    project = team
    kb.search(project, "ka")
    before = _rows(project)
    kb.add_entry(project, name="Zorawar Brigade", label="ARMED_GROUP", by="lead", aliases=["ज़ोरावर ब्रिगेड"])
    hits = kb.search(project, "zoraw")
    assert [h.name for h in hits] == ["Zorawar Brigade"]
    assert "Zorawar Brigade" in [h.name for h in kb.search(project, "brigade")]  # from a word on
    assert [h.name for h in kb.search(project, "ज़ोरा")] == ["Zorawar Brigade"]
    after = _rows(project)
    assert before <= after  # the other aliases' rows untouched (same ids): nothing rebuilt
    new = after - before
    assert {alias for _id, alias, _k, _kind in new} == {
        a for a, _k, _kind in _expected(project) if a not in {r[1] for r in before}
    }
    assert len({alias for _id, alias, _k, _kind in new}) == 2


def test_removed_aliases_and_deleted_entries_are_not_found_and_their_keys_go(team):
    project = team
    entry = kb.add_entry(project, name="Qilaband Front", label="ARMED_GROUP", by="lead", aliases=["QBF"])
    assert [h.name for h in kb.search(project, "qbf")] == ["Qilaband Front"]
    kb.remove_alias(project, entry.id, "QBF", by="lead")
    assert kb.search(project, "qbf") == []
    with project.engine.connect() as conn:
        gone = conn.scalar(select(KbAlias.id).where(KbAlias.key == "qbf"))
        assert conn.scalar(select(func.count()).select_from(KbKey).where(KbKey.alias_id == gone)) == 0
    assert [h.name for h in kb.search(project, "qilab")] == ["Qilaband Front"]
    kb.delete_entry(project, entry.id, by="lead")
    assert kb.search(project, "qilab") == []
    assert kb.explain(project, "Qilaband Front") is None


def test_aliases_written_elsewhere_are_keyed_at_the_next_search(team):
    """A merged work package or another program writes alias rows without keys; the version of the base
    changes, and the next search keys them (and re-keys an alias whose spelling changed in place)."""
    project = team
    entry = kb.add_entry(project, name="Tarkundi Post", label="LOC", by="lead")
    kb.search(project, "tark")
    with project.engine.begin() as conn:
        conn.execute(
            insert(KbAlias).values(
                entry_id=entry.uuid, text="Ushnar Chowk", script="Latn", key=kb.alias_key("Ushnar Chowk")
            )
        )
        conn.execute(update(Setting).where(Setting.key == kb.VERSION_KEY).values(value="elsewhere-1"))
    assert [h.name for h in kb.search(project, "ushnar")] == ["Tarkundi Post"]
    assert [h.matched for h in kb.search(project, "chowk")] == ["Ushnar Chowk"]
    with project.engine.begin() as conn:  # the spelling changed in place
        conn.execute(
            update(KbAlias)
            .where(KbAlias.key == kb.alias_key("Ushnar Chowk"))
            .values(text="Vemdar Chowk", key=kb.alias_key("Vemdar Chowk"))
        )
        conn.execute(update(Setting).where(Setting.key == kb.VERSION_KEY).values(value="elsewhere-2"))
    assert kb.search(project, "ushnar") == []
    assert [h.name for h in kb.search(project, "vemdar")] == ["Tarkundi Post"]
    assert {(a, k, kind) for _id, a, k, kind in _rows(project)} == _expected(project)


def test_an_upgraded_base_without_keys_is_keyed_whole(team):
    project = team
    kb.ensure_seeded(project)
    with project.engine.begin() as conn:  # as after the upgrade to the revision that added kb_keys
        conn.execute(delete(KbKey))
    kb._KEYED.clear()  # a new process
    assert [h.id for h in kb.search(project, "LeT")][:1] == ["kb:lashkar-e-taiba"]
    assert {(a, k, kind) for _id, a, k, kind in _rows(project)} == _expected(project)
    # the search reads the keys: without them (and with the base unchanged) nothing is found
    with project.engine.begin() as conn:
        conn.execute(delete(KbKey))
    assert kb.search(project, "LeT") == []


def test_a_search_ranks_as_defined_across_many_keys_with_the_same_prefix(team):
    """More keys start with the query than a query looks at (200): the exact spelling still comes first,
    and a label filter keeps its type."""
    project = team
    records = [
        {"name": f"Kalbor {i:03d}", "label": "GPE" if i % 2 else "ORG", "aliases": [f"कलबोर {i:03d}"]}
        for i in range(230)
    ]
    with project.engine.begin() as conn:
        kb._store_records(conn, records, by="lead", source="manual")
        kb._bump(conn)
    hits = kb.search(project, "Kalbor 007", limit=5)
    assert hits[0].name == "Kalbor 007"
    hits = kb.search(project, "kalbor", limit=30, label="GPE")
    assert hits and all(h.label == "GPE" for h in hits)
    assert [h.name for h in hits] == sorted(h.name for h in hits)  # equal rank but for the name
