"""Work packages carry the knowledge base: read-only for annotators unless the lead allows; the allowed
edits merge back by UUID and time (tombstones included), the others are refused and listed while the
labels still merge."""

import json

import pytest
from sqlalchemy import insert, select

from annotator.services import kb
from annotator.services.annotate import AddSpans, Editor
from annotator.services.frames import SetLink
from annotator.services.importing import import_paths
from annotator.services.packages import export_package, import_packages
from annotator.services.project import open_project
from annotator.services.team import add_annotator
from annotator.store.models import Annotator, Assignment, Entity, KbEntry, utcnow

TEXT = "Kokernag में मुठभेड़ हुई। Lashkar-e-Taiba पर शक।"


@pytest.fixture
def lead(project, tmp_path):
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    add_annotator(project, "lead", "lead")
    add_annotator(project, "asha", "annotator")
    with project.engine.begin() as conn:
        asha = conn.scalar(select(Annotator.id).where(Annotator.name == "asha"))
        conn.execute(
            insert(Assignment).values(id="a1", document_id=1, annotator_id=asha, created_at=utcnow())
        )
    kb.add_entry(project, name="Kokernag", label="GPE", by="lead", canonical_id="Q5", aliases=["कोकरनाग"])
    return project


def test_a_package_carries_the_base_read_only_for_its_annotator(lead, tmp_path):
    out = tmp_path / "asha.package"
    export_package(lead, "asha", out)
    with open_project(out) as package:
        assert [h.id for h in kb.search(package, "कोकरनाग")] == ["Q5"]
        assert kb.get_entry(package, "kb:lashkar-e-taiba") is not None  # the built-in entries too
        assert not kb.can_edit(package, "asha")
        with pytest.raises(kb.KbPermissionError):
            kb.add_entry(package, name="Hafiz Saeed", label="PER", by="asha")
        with pytest.raises(kb.KbPermissionError):
            kb.add_alias(package, "Q5", "Kokarnag", by="asha")
        # linking in the package still works, and the grown alias does not come back as an edit
        editor = Editor(package, "asha")
        add = AddSpans(1, [(0, 8, "GPE")])
        add.apply(editor)
        SetLink(1, add.spans[0].id, (None, None), ("Q5", "Kokernag")).apply(editor)
        assert kb.grow_aliases(package) >= 1
    report = import_packages(lead, [out])
    assert report.kb_refused == []
    with lead.engine.connect() as conn:
        assert conn.execute(select(Entity.link_id)).scalars().all() == ["Q5"]


def test_allowed_edits_merge_back_and_later_changes_win(lead, tmp_path):
    kb.set_annotators_may_edit(lead, True)
    out = tmp_path / "asha.package"
    export_package(lead, "asha", out)
    with open_project(out) as package:
        assert kb.can_edit(package, "asha")
        kb.add_entry(package, name="Hafiz Saeed", label="PER", by="asha", canonical_id="Q380468")
        kb.add_alias(package, "Q5", "Kokarnag", by="asha")
        kb.delete_entry(package, "kb:lashkar-e-taiba", by="asha")
        kb.update_entry(package, "kb:pahalgam", by="asha", description="from the package")
    kb.update_entry(lead, "kb:pahalgam", by="lead", description="the lead's, later")
    report = import_packages(lead, [out])
    assert report.kb_refused == []
    assert kb.get_entry(lead, "Q380468").created_by == "asha"
    assert "Kokarnag" in kb.get_entry(lead, "Q5").alias_texts
    assert kb.get_entry(lead, "kb:lashkar-e-taiba") is None  # the package's tombstone
    assert kb.get_entry(lead, "kb:pahalgam").description == "the lead's, later"
    assert kb.search(lead, "kokarnag")[0].id == "Q5"  # the matcher and index follow the merge
    assert (report.kb_added, report.kb_updated) == (3, 2)  # Hafiz Saeed and its alias, Kokarnag; two changes
    again = import_packages(lead, [out])  # idempotent
    assert (again.kb_added, again.kb_updated, again.added, again.updated) == (0, 0, 0, 0)


def test_edits_are_refused_when_the_lead_does_not_allow_them_and_labels_still_merge(lead, tmp_path):
    kb.set_annotators_may_edit(lead, True)
    out = tmp_path / "asha.package"
    export_package(lead, "asha", out)
    with open_project(out) as package:
        kb.add_entry(package, name="Hafiz Saeed", label="PER", by="asha", canonical_id="Q380468")
        kb.delete_entry(package, "Q5", by="asha")
        AddSpans(1, [(0, 8, "GPE")]).apply(Editor(package, "asha"))
    kb.set_annotators_may_edit(lead, False)
    report = import_packages(lead, [out])
    assert len(report.kb_refused) == 2
    assert all("asha, who may not edit the knowledge base; not merged" in r for r in report.kb_refused)
    assert kb.get_entry(lead, "Q380468") is None and kb.get_entry(lead, "Q5") is not None
    with lead.engine.connect() as conn:
        assert conn.scalar(select(KbEntry.deleted_at).where(KbEntry.canonical_id == "Q5")) is None
        assert conn.execute(select(Entity.start, Entity.end)).all() == [(0, 8)]  # the labels merged
