"""The project's knowledge base as the window and the CLI use it: seeded from the built-in gazetteer,
type-ahead in both scripts and by acronym, entries and aliases edited with the lead's permission, merges
that move links, aliases grown from links, mentions across the project, and the incident helpers. Runs on
SQLite and PostgreSQL."""

import json

import pytest
from sqlalchemy import func, select

from annotator.errors import AnnotatorError
from annotator.services import kb
from annotator.services.annotate import Editor
from annotator.services.frames import SetLink
from annotator.services.importing import import_paths
from annotator.services.team import add_annotator
from annotator.store.models import AnnotationHistory, Entity, KbAlias, KbEntry

HI = "पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने हमला किया। LeT ने ज़िम्मेदारी ली।"
EN = "Lashkar-e-Taiba militants attacked tourists in Pahalgam."


def _import(project, tmp_path, records):
    src = tmp_path / "docs.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok


def _entity(text, surface, label, n=0, link=None, eid=None):
    start = text.index(surface) if n == 0 else text.index(surface, text.index(surface) + 1)
    out = {"id": eid or f"T{start}", "start": start, "end": start + len(surface), "label": label}
    if link:
        out["link"] = {"id": link, "name": surface}
    return out


@pytest.fixture
def team(project):
    add_annotator(project, "lead", "lead")
    add_annotator(project, "asha", "annotator")
    return project


def test_a_project_base_starts_with_the_builtin_gazetteer_once(team):
    project = team
    assert kb.ensure_seeded(project) == 521
    assert kb.ensure_seeded(project) == 0
    entry = kb.get_entry(project, "kb:lashkar-e-taiba")
    assert entry is not None and entry.label == "ARMED_GROUP"
    assert {"LeT", "लश्कर-ए-तैयबा"} <= set(entry.alias_texts)
    # the team may delete a built-in entry; it does not come back
    kb.delete_entry(project, "kb:lashkar-e-taiba", by="lead")
    assert kb.ensure_seeded(project) == 0
    assert kb.get_entry(project, "kb:lashkar-e-taiba") is None
    assert not [h for h in kb.search(project, "LeT") if h.id == "kb:lashkar-e-taiba"]


def test_seeded_entries_have_the_same_ids_in_every_project(tmp_path):
    from annotator.services.project import init_project

    ids = []
    for name in ("a", "b"):
        with init_project(tmp_path / f"{name}.annotator") as p:
            kb.ensure_seeded(p)
            with p.engine.connect() as conn:
                ids.append(sorted(conn.execute(select(KbEntry.id, KbEntry.updated_at)).all()))
                ids.append(sorted(conn.scalars(select(KbAlias.id))))
    assert ids[0] == ids[2] and ids[1] == ids[3]


@pytest.mark.parametrize(
    ("query", "expected", "matched"),
    [
        ("pahalgam", "kb:pahalgam", "Pahalgam"),
        ("पहलगाम", "kb:pahalgam", "पहलगाम"),
        ("पहल", "kb:pahalgam", "पहलगाम"),
        ("LeT", "kb:lashkar-e-taiba", "LeT"),
        ("let", "kb:lashkar-e-taiba", "LeT"),
        ("lashkar e taiba", "kb:lashkar-e-taiba", "Lashkar-e-Taiba"),
        ("लश्कर-ए-तैयबा", "kb:lashkar-e-taiba", "लश्कर-ए-तैयबा"),
        ("taiba", "kb:lashkar-e-taiba", "Lashkar-e-Taiba"),
        ("JeM", "kb:jaish-e-mohammed", "JeM"),
    ],
)
def test_type_ahead_finds_entries_in_both_scripts_and_by_acronym(team, query, expected, matched):
    hits = kb.search(team, query, limit=5)
    assert hits, query
    assert hits[0].id == expected
    assert hits[0].matched == matched
    assert hits[0].name in {"Pahalgam", "Lashkar-e-Taiba", "Jaish-e-Mohammed"}


def test_type_ahead_romanizes_a_devanagari_only_entry_and_filters_by_label(team):
    project = team
    kb.add_entry(project, name="कोकरनाग", label="GPE", by="lead", canonical_id="Q1", parent="kb:anantnag")
    for query in ("kokar", "kokarnag", "Kokernag", "कोकर"):  # romanized prefix; a whole word spelled apart
        hits = kb.search(project, query)
        assert [h.id for h in hits][:1] == ["Q1"], query
    assert hits[0].parent_name == "Anantnag" and hits[0].matched == "कोकरनाग"
    assert kb.search(project, "pahalgam", label="LOC") == []
    assert kb.search(project, "") == []


def test_lead_edits_annotators_only_when_allowed(team):
    project = team
    with pytest.raises(kb.KbPermissionError, match="asha may not edit"):
        kb.add_entry(project, name="Hafiz Saeed", label="PER", by="asha")
    assert not kb.can_edit(project, "asha") and kb.can_edit(project, "lead")
    kb.set_annotators_may_edit(project, True)
    entry = kb.add_entry(project, name="Hafiz Saeed", label="PER", by="asha", aliases=["हाफ़िज़ सईद"])
    assert entry.id == "kb:hafiz-saeed" and entry.created_by == "asha"  # persons allowed
    with pytest.raises(AnnotatorError, match="not an entity type"):
        kb.add_entry(project, name="X", label="NOPE", by="lead")
    with pytest.raises(AnnotatorError, match="already"):
        kb.add_entry(project, name="Y", label="PER", by="lead", canonical_id="kb:hafiz-saeed")


def test_update_entry_keeps_the_old_name_as_an_alias_and_add_alias_in_any_script(team):
    project = team
    e = kb.add_entry(project, name="TRF", label="ARMED_GROUP", by="lead", canonical_id="Q2")
    e = kb.update_entry(project, "Q2", by="lead", name="The Resistance Front Kashmir", description="a front")
    assert e.name == "The Resistance Front Kashmir" and "TRF" in e.alias_texts and e.description == "a front"
    e = kb.add_alias(project, "Q2", "دی ریزسٹنس فرنٹ", by="lead")
    urdu = next(a for a in e.aliases if a.text == "دی ریزسٹنس فرنٹ")
    assert urdu.script == "Arab" and urdu.added_by == "lead"
    assert kb.search(project, "دی ریز")[0].id == "Q2"
    e = kb.remove_alias(project, "Q2", "TRF", by="lead")
    assert "TRF" not in e.alias_texts
    with project.engine.connect() as conn:  # a tombstone, not a deleted row
        assert (
            conn.scalar(select(KbAlias.deleted_at).where(KbAlias.text == "TRF", KbAlias.entry_id == e.uuid))
            is not None
        )


def test_merge_moves_links_aliases_and_children(team, tmp_path):
    project = team
    record = {
        "id": "d1",
        "text": HI,
        "annotations": [
            {
                "annotator": "asha",
                "entities": [
                    _entity(HI, "लश्कर-ए-तैयबा", "ARMED_GROUP", link="Q485436"),
                    _entity(HI, "LeT", "ARMED_GROUP", link="kb:lashkar-e-taiba"),
                ],
            }
        ],
    }
    _import(project, tmp_path, [record])
    kb.add_entry(project, name="Lashkar-i-Tayyaba", label="ARMED_GROUP", by="lead", canonical_id="Q485436")
    kb.add_entry(project, name="PAFF", label="ARMED_GROUP", by="lead", canonical_id="Q3", parent="Q485436")
    result = kb.merge_entries(project, "kb:lashkar-e-taiba", "Q485436", "lead")
    assert result.links_moved == 1
    assert "Lashkar-i-Tayyaba" in result.keep.alias_texts
    with project.engine.connect() as conn:
        links = sorted(conn.execute(select(Entity.link_id, Entity.link_name)).all())
        history = conn.scalars(select(AnnotationHistory.action)).all()
    assert links == [("kb:lashkar-e-taiba", "Lashkar-e-Taiba"), ("kb:lashkar-e-taiba", "LeT")]
    assert history == ["changed"]  # through the write path: the old link is in the row's history
    assert kb.get_entry(project, "Q3").parent_name == "Lashkar-e-Taiba"
    assert kb.get_entry(project, "Q485436").id == "kb:lashkar-e-taiba"  # the old id resolves
    assert len(kb.linked_mentions(project, "kb:lashkar-e-taiba")) == 2
    with pytest.raises(AnnotatorError):
        kb.merge_entries(project, "kb:lashkar-e-taiba", "kb:lashkar-e-taiba", "lead")


def test_linked_surface_forms_become_aliases_with_counts_and_who(team, tmp_path):
    project = team
    text = "Lashkar-e-Tyeba ने हमला किया। Lashkar-e-Tyeba का दावा।"
    record = {"id": "d1", "text": text, "annotations": [{"annotator": "asha", "entities": []}]}
    _import(project, tmp_path, [record])
    editor = Editor(project, "asha")
    from annotator.services.annotate import AddSpans

    first, second = text.index("Lashkar"), text.index("Lashkar", 5)
    add = AddSpans(1, [(first, first + 15, "ARMED_GROUP"), (second, second + 15, "ARMED_GROUP")])
    add.apply(editor)
    assert not [h for h in kb.search(project, "tyeba") if h.id == "kb:lashkar-e-taiba"]
    for span in add.spans:
        SetLink(1, span.id, (None, None), ("kb:lashkar-e-taiba", "Lashkar-e-Taiba")).apply(editor)
    assert kb.grow_aliases(project) == 1
    entry = kb.get_entry(project, "kb:lashkar-e-taiba")
    grown = next(a for a in entry.aliases if a.text == "Lashkar-e-Tyeba")
    assert (grown.links, grown.source, grown.added_by) == (2, "link", "asha")
    assert kb.search(project, "tyeba")[0].id == "kb:lashkar-e-taiba"
    # the next document's suggestions find the new spelling (and its generated Devanagari variant)
    found = kb.matcher(project).find("Lashkar-e-Tyeba के लोग")
    assert [(s.detail, s.link_id) for s in found] == [("Lashkar-e-Taiba", "kb:lashkar-e-taiba")]
    # unlinking both: the grown alias goes
    for span in add.spans:
        SetLink(1, span.id, ("kb:lashkar-e-taiba", None), (None, None)).apply(editor)
    kb.grow_aliases(project)
    assert "Lashkar-e-Tyeba" not in kb.get_entry(project, "kb:lashkar-e-taiba").alias_texts


def test_linked_mentions_give_document_and_snippet(team, tmp_path):
    project = team
    record = {
        "id": "d1",
        "title": "हमला",
        "text": EN,
        "annotations": [
            {"annotator": "asha", "entities": [_entity(EN, "Pahalgam", "GPE", link="kb:pahalgam")]}
        ],
    }
    _import(project, tmp_path, [record])
    (mention,) = kb.linked_mentions(project, "kb:pahalgam")
    assert (mention.text, mention.annotator, mention.label) == ("Pahalgam", "asha", "GPE")
    assert "tourists in Pahalgam" in mention.snippet


def test_incident_helpers_give_admin_areas_and_actor_names(team):
    project = team
    kb.add_entry(
        project, name="Anantnag", label="GPE", by="lead", canonical_id="Q4", parent="kb:jammu-and-kashmir"
    )
    kb.update_entry(project, "kb:pahalgam", by="lead", parent="Q4")
    kb.update_entry(project, "kb:pahalgam", by="lead", admin_areas=[])
    assert kb.place_admin_areas(project, "kb:pahalgam") == ["Jammu and Kashmir", "Anantnag"]  # its parents
    kb.update_entry(project, "kb:pahalgam", by="lead", admin_areas=["India", "J&K", "Anantnag district"])
    assert kb.place_admin_areas(project, "kb:pahalgam") == ["India", "J&K", "Anantnag district"]
    assert kb.place_admin_areas(project, "kb:srinagar") == [
        "India",
        "Jammu and Kashmir",
        "Srinagar",
    ]  # seeded
    assert kb.place_admin_areas(project, "nowhere") == []
    assert kb.actor_name(project, "kb:lashkar-e-taiba") == "Lashkar-e-Taiba"
    assert kb.actor_name(project, None) is None


def test_the_demo_project_is_built_with_its_base():
    from annotator.services.demo import ensure_demo_project
    from annotator.services.project import open_project
    from annotator.store.models import Setting

    with open_project(ensure_demo_project()) as demo:
        with demo.engine.connect() as conn:
            assert conn.scalar(select(Setting.value).where(Setting.key == kb.SEEDED_KEY)) == "builtin"
            assert conn.scalar(select(func.count()).select_from(KbEntry)) >= 521
