"""Documents in several languages: script and language detected at import and stored in the document's
metadata, a language filter in the document list, and exports that keep the language."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.settings import Settings
from annotator.store.models import Document
from tests.script_samples import BENGALI, ENGLISH, GURMUKHI, HINDI, NEPALI, SINHALA, TAMIL, URDU, URDU_MIXED

RECORDS = [
    {"id": "ur1", "title": "کوئٹہ", "text": URDU},
    {"id": "ur2", "title": "ٹویٹ", "text": URDU_MIXED},
    {"id": "bn1", "title": "চট্টগ্রাম", "text": BENGALI},
    {"id": "pa1", "title": "ਪੰਜਾਬ", "text": GURMUKHI},
    {"id": "ne1", "title": "काठमाडौं", "text": NEPALI},
    {"id": "ne2", "title": "given", "text": "दूसरी खबर। " + HINDI, "lang": "npi"},  # its own language first
    {"id": "hi1", "title": "पहलगाम", "text": HINDI},
    {"id": "ta1", "title": "யாழ்", "text": TAMIL},
    {"id": "si1", "title": "කොළඹ", "text": SINHALA},
    {"id": "en1", "title": "Srinagar", "text": ENGLISH},
]
for record in RECORDS:  # each with a label on its first word, done, so that datasets export it
    first = record["text"].split()[0]
    entity = {"id": "T1", "start": 0, "end": len(first), "label": "GPE"}
    record["annotations"] = [{"annotator": "asha", "status": "done", "entities": [entity]}]

EXPECTED = {
    "ur1": ("Arab", "ur"),
    "ur2": ("Arab", "ur"),
    "bn1": ("Beng", "bn"),
    "pa1": ("Guru", "pa"),
    "ne1": ("Deva", "ne"),
    "ne2": (None, "npi"),  # given: kept as it is (the script is Nepali's, Devanagari)
    "hi1": ("Deva", "hi"),
    "ta1": ("Taml", "ta"),
    "si1": ("Sinh", "si"),
    "en1": ("Latn", "en"),
}


@pytest.fixture
def project(tmp_path):
    project = init_project(tmp_path / "p.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    yield project
    project.close()


def test_script_and_language_stored_at_import(project):
    with project.session() as s:
        stored = {
            d.external_id: (d.meta.get("script"), d.meta.get("lang")) for d in s.scalars(select(Document))
        }
    assert stored == EXPECTED


def test_plain_text_and_csv_get_a_language_too(tmp_path):
    project = init_project(tmp_path / "q.annotator")
    (tmp_path / "urdu.txt").write_text("سرخی\n" + URDU, encoding="utf-8")
    with (tmp_path / "b.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "title", "text", "lang"])
        writer.writerow(["b1", "খবর", BENGALI, ""])
        writer.writerow(["b2", "खबर", NEPALI, "hi"])  # a given language is kept as given
        writer.writerow(["p1", "خبر", "لاہور وچ پولیس نے دو بندے پھڑے", "pa"])  # Punjabi in Shahmukhi
    assert import_paths(project, [tmp_path / "urdu.txt", tmp_path / "b.csv"]).ok
    with project.session() as s:
        stored = {
            d.external_id: (d.meta.get("script"), d.meta.get("lang")) for d in s.scalars(select(Document))
        }
    assert stored == {
        "urdu.txt": ("Arab", "ur"),
        "b1": ("Beng", "bn"),
        "b2": (None, "hi"),
        "p1": ("Arab", "pa"),
    }
    project.close()


def test_exports_keep_the_language(project, tmp_path):
    from annotator.services.datasets import export_dataset
    from annotator.services.exporting import export_jsonl

    export_jsonl(project, tmp_path / "out.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["id"]: (r["meta"].get("script"), r["meta"]["lang"]) for r in lines} == EXPECTED
    # the CSV dataset's lang column
    export_dataset(project, "csv", tmp_path / "csv", annotation_set="asha")
    text = (tmp_path / "csv" / "full.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["id"]: r["lang"] for r in rows} == {k: v[1] for k, v in EXPECTED.items()}


def test_language_filter_in_the_document_list(qtbot, project):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    window = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    box = window.language_box
    assert box is not None and box.isVisible()
    codes = [box.itemData(i) for i in range(box.count())]
    assert codes[0] == "" and codes[1] == "ur"  # most documents first
    assert set(codes[1:]) == {lang for _s, lang in EXPECTED.values()}
    assert box.itemText(codes.index("ur")) == "Urdu (ur) · 2"
    box.setCurrentIndex(codes.index("ur"))
    model = window.list_model
    shown = {model.document(r).external_id for r in range(model.rowCount())}
    assert shown == {"ur1", "ur2"}
    # the status filter and the language filter together
    window.filter_box.setCurrentIndex(1)  # To do: none (the imported labels are done)
    assert model.rowCount() == 0
    window.filter_box.setCurrentIndex(0)
    assert model.rowCount() == 2
    # opening a document the language filter hides shows every language again
    with project.session() as s:
        bengali = s.scalars(select(Document.id).where(Document.external_id == "bn1")).one()
    window.open_document_id(bengali)
    assert box.currentIndex() == 0 and model.rowCount() == len(RECORDS)
    assert window.document_id == bengali
    # a reload keeps the choice
    box.setCurrentIndex(codes.index("bn"))
    window.reload_list()
    assert box.itemData(box.currentIndex()) == "bn" and model.rowCount() == 1
    window.close()
