"""Suggestions come from the project's knowledge base: its entries (persons too) are suggested with their
link pre-filled, accepting one links the entity, propagation and model suggestions carry the link of the
one entry that explains them, and the matcher is rebuilt only when the base changes."""

import json

from sqlalchemy import select

from annotator.services import kb
from annotator.services.annotate import AddSpans, Editor
from annotator.services.frames import SetLink
from annotator.services.importing import import_paths
from annotator.services.suggestions import AcceptSuggestions, compute_suggestions, set_settings
from annotator.services.team import add_annotator
from annotator.store.models import Entity
from annotator.store.models import Suggestion as SuggestionRow

TEXT = "पहलगाम में हमले के बाद हाफ़िज़ सईद के संगठन पर शक है।"
NEXT = "Hafiz Saeed was seen in Lahore; पहलगाम में जाँच जारी है।"


def load(project, tmp_path, *texts):
    path = tmp_path / "docs.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts, 1)
        ),
        encoding="utf-8",
    )
    assert import_paths(project, [path]).ok
    return list(range(1, len(texts) + 1))


def test_suggestions_from_the_base_pre_fill_the_link_and_accepting_links(project, tmp_path):
    add_annotator(project, "lead", "lead")
    doc, nxt = load(project, tmp_path, TEXT, NEXT)
    kb.add_entry(
        project, name="Hafiz Saeed", label="PER", by="lead", canonical_id="Q380468", aliases=["हाफ़िज़ सईद"]
    )
    made = compute_suggestions(project, doc, "asha")
    found = {TEXT[s.start : s.end]: s for s in made if s.kind == "entity"}
    assert (found["पहलगाम"].link_id, found["पहलगाम"].detail) == ("kb:pahalgam", "Pahalgam")
    assert (found["हाफ़िज़ सईद"].label, found["हाफ़िज़ सईद"].link_id) == ("PER", "Q380468")  # a person
    with project.engine.connect() as conn:  # stored with the suggestion
        assert (
            conn.scalar(select(SuggestionRow.link_id).where(SuggestionRow.id == found["पहलगाम"].id))
            == "kb:pahalgam"
        )
    editor = Editor(project, "asha")
    accept = AcceptSuggestions(doc, [found["पहलगाम"], found["हाफ़िज़ सईद"]])
    accept.apply(editor)
    with project.engine.connect() as conn:
        links = sorted(conn.execute(select(Entity.label, Entity.link_id, Entity.link_name)).all())
    assert links == [("GPE", "kb:pahalgam", "Pahalgam"), ("PER", "Q380468", "Hafiz Saeed")]
    # the other script in the next document: the generated and phonetic spellings find it
    later = {NEXT[s.start : s.end]: s.link_id for s in compute_suggestions(project, nxt, "asha")}
    assert later["Hafiz Saeed"] == "Q380468" and later["Lahore"] == "kb:lahore"


def test_propagated_suggestions_carry_the_link_of_the_one_entry_that_explains_them(project, tmp_path):
    add_annotator(project, "lead", "lead")
    text = "Kokernag में मुठभेड़। बाद में Kokernag में फिर गोलीबारी।"
    [doc] = load(project, tmp_path, text)
    kb.add_entry(project, name="Kokernag", label="GPE", by="lead", canonical_id="Q5")
    set_settings(project, sources=["propagation"])
    editor = Editor(project, "asha")
    first = text.index("Kokernag")
    AddSpans(doc, [(first, first + 8, "GPE")]).apply(editor)
    made = compute_suggestions(project, doc, "asha")
    assert [(s.source, s.start, s.link_id, s.detail) for s in made] == [
        ("propagation", text.index("Kokernag", first + 1), "Q5", "Kokernag")
    ]
    # two entries with that spelling: no link is guessed
    kb.add_entry(
        project, name="Kokernag town", label="GPE", by="lead", canonical_id="Q6", aliases=["Kokernag"]
    )
    assert [s.link_id for s in compute_suggestions(project, doc, "asha")] == [None]


def test_the_matcher_is_kept_until_the_base_changes(project, tmp_path):
    add_annotator(project, "lead", "lead")
    labels = frozenset(project.schema.entity_type_names)
    first = kb.matcher(project, labels)
    assert kb.matcher(project, labels) is first
    kb.add_alias(project, "kb:pahalgam", "Pahalgaam", by="lead")
    second = kb.matcher(project, labels)
    assert second is not first
    assert [s.link_id for s in second.find("Pahalgaam में")] == ["kb:pahalgam"]


def test_a_grown_alias_is_suggested_in_the_next_document(project, tmp_path):
    text = "Lashkar-e-Tyeba ने हमला किया।"
    doc, nxt = load(project, tmp_path, text, "फिर Lashkar-e-Tyeba का बयान आया।")
    editor = Editor(project, "asha")
    add = AddSpans(doc, [(0, 15, "ARMED_GROUP")])
    add.apply(editor)
    SetLink(doc, add.spans[0].id, (None, None), ("kb:lashkar-e-taiba", "Lashkar-e-Taiba")).apply(editor)
    made = compute_suggestions(project, nxt, "ravi")
    assert [(s.source, s.link_id) for s in made if s.kind == "entity"] == [
        ("gazetteer", "kb:lashkar-e-taiba")
    ]
