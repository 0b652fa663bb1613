"""Dataset exports read by their real consumers: spaCy, Hugging Face `datasets`, seqeval, the csv module."""

import csv
import json

import pytest

from annotator.services.datasets import export_dataset
from annotator.services.importing import import_paths


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _import(project, tmp_path, records):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok, report.errors


def _ent(text, surface, label, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return {"start": start, "end": start + len(surface), "label": label}


WHITESPACE_TEXTS = [
    "पहलगाम में हमला हुआ।\n\nपुलिस ने कहा कि लश्कर-ए-तैयबा जिम्मेदार है।",
    "Delhi\n\n\nPolice  said\tLeT attacked.\n",
    "  Srinagar: army  and\n \npolice.",
]


@pytest.fixture
def spaced(sqlite_project, tmp_path):
    records = []
    for n, text in enumerate(WHITESPACE_TEXTS):
        ents = [
            {"id": f"T{k}", **_ent(text, w, label)}
            for w, label in (
                ("पुलिस", "ORG"),
                ("लश्कर-ए-तैयबा", "ARMED_GROUP"),
                ("Police", "ORG"),
                ("LeT", "ARMED_GROUP"),
                ("Srinagar", "GPE"),
                ("police", "ORG"),
                ("पहलगाम", "LOC"),
                ("Delhi", "GPE"),
            )
            if w in text
            for k in [len(w) * 100 + sum(map(ord, w))]
        ]
        records.append(
            {
                "id": f"d{n}",
                "text": text,
                "annotations": [{"annotator": "asha", "status": "done", "entities": ents}],
            }
        )
    _import(sqlite_project, tmp_path, records)
    return sqlite_project


def _docbin_docs(path):
    spacy = pytest.importorskip("spacy", reason="spaCy is optional: the .spacy DocBin needs it")
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))


def _assert_docbin_equals_jsonl(folder, split):
    rows = _jsonl(folder / f"{split}.jsonl")
    docs = _docbin_docs(folder / f"{split}.spacy")
    assert len(docs) == len(rows)
    for doc, row in zip(docs, rows, strict=True):
        assert doc.text == row["text"]
        assert [[e.start_char, e.end_char, e.label_] for e in doc.ents] == row["entities"]
    return sum(len(r["entities"]) for r in rows)


def test_docbin_keeps_blank_lines_and_every_entity(spaced, tmp_path):
    export_dataset(spaced, "spacy", tmp_path / "sp", annotation_set="asha", status=None)
    assert _assert_docbin_equals_jsonl(tmp_path / "sp", "full") == 8


def test_docbin_of_the_demo_project_holds_every_entity(tmp_path):
    from annotator.services.demo import ensure_demo_project
    from annotator.services.project import open_project

    with open_project(ensure_demo_project()) as demo:
        names = [r[0] for r in demo.engine.connect().exec_driver_sql("select name from annotators")]
        total = 0
        for name in names:
            out = tmp_path / f"sp-{name}"
            report = export_dataset(demo, "spacy", out, annotation_set=name, status=None, split=(80, 10, 10))
            for split in report.split_names():
                total += _assert_docbin_equals_jsonl(out, split)
    assert total > 100


def test_hugging_face_datasets_loads_every_file(spaced, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    out = tmp_path / "hf"
    export_dataset(spaced, "hf", out, annotation_set="asha", status=None)
    files = {p.stem: str(p) for p in out.glob("*.jsonl")}
    assert list(files) == ["full"]
    loaded = datasets.load_dataset("json", data_files=files, cache_dir=str(tmp_path / "cache"))
    rows = _jsonl(out / "full.jsonl")
    assert loaded["full"].num_rows == len(rows) == 6  # one row per sentence
    assert loaded["full"][0]["tokens"] == rows[0]["tokens"]
    assert loaded["full"][0]["ner_tags"] == rows[0]["ner_tags"]
    labels = json.loads((out / "labels.json").read_text(encoding="utf-8"))
    names = [labels[str(i)] for i in range(len(labels))]
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "document": datasets.Value("string"),
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
        }
    )
    typed = datasets.load_dataset(
        "json", data_files=files, features=features, cache_dir=str(tmp_path / "cache-typed")
    )
    tag_names = typed["full"].features["ner_tags"].feature.names
    first = typed["full"][0]
    assert [tag_names[t] for t in first["ner_tags"]] == ["B-LOC", "O", "O", "O", "O"]
    assert first["tokens"][0] == "पहलगाम"

    split_out = tmp_path / "hf-split"
    export_dataset(spaced, "hf", split_out, annotation_set="asha", status=None, split=(1, 1, 1), seed=3)
    split_files = {p.stem: str(p) for p in split_out.glob("*.jsonl")}
    assert sorted(split_files) == ["dev", "test", "train"]
    loaded = datasets.load_dataset("json", data_files=split_files, cache_dir=str(tmp_path / "cache2"))
    assert sum(loaded[name].num_rows for name in split_files) == 6


def test_seqeval_reads_the_conll_export(spaced, tmp_path):
    seqeval = pytest.importorskip("seqeval.metrics.sequence_labeling")
    out = tmp_path / "conll"
    export_dataset(spaced, "conll", out, annotation_set="asha", status=None)
    sentences, tags = [], []
    for line in (out / "full.conll").read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            continue
        if not line.strip():
            if tags:
                sentences.append(tags)
                tags = []
            continue
        tags.append(line.split("\t")[-1])
    if tags:
        sentences.append(tags)
    found = seqeval.get_entities(sentences)
    assert len(found) == 8
    assert {label for label, _s, _e in found} == {"ORG", "ARMED_GROUP", "GPE", "LOC"}


HOSTILE = [
    'ok\r=HYPERLINK("http://x")',
    "a\r\n+cmd|' /C calc'!A0",
    "line\n-2+3",
    "@SUM(1)",
    "\t=1",
    "x\n\t=1",
]


def test_csv_cells_with_line_breaks_never_start_a_line_with_a_formula(sqlite_project, tmp_path):
    records = [
        {
            "id": f"d{n}",
            "title": "t",
            "text": f"Document {n} about Delhi.",
            "meta": {"source": value, "url": value},
            "annotations": [{"annotator": "asha", "status": "done", "entities": [], "document": {"tone": 1}}],
        }
        for n, value in enumerate(HOSTILE)
    ]
    _import(sqlite_project, tmp_path, records)
    out = tmp_path / "csv"
    export_dataset(sqlite_project, "csv", out, annotation_set="asha", status=None)
    raw = (out / "full.csv").read_bytes().decode("utf-8")
    with (out / "full.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [f"d{n}" for n in range(len(HOSTILE))]
    for row, value in zip(rows, HOSTILE, strict=True):
        # the value survives apart from the apostrophes and CR → LF
        expected = value.replace("\r\n", "\n").replace("\r", "\n").replace("'", "")
        assert row["source"].replace("'", "") == expected
    pieces = raw.replace("\r", "\n").split("\n")
    for piece in pieces:
        assert not piece.startswith(("=", "+", "-", "@", "\t")), piece
    assert "\r" not in raw


def test_a_killed_exports_leftover_is_swept_and_nothing_else(spaced, tmp_path):
    from annotator.fileio import SUFFIX

    dead = tmp_path / f".ds.999999999{SUFFIX}-dir"
    dead.mkdir()
    (dead / "full.jsonl").write_text("half")
    mine = tmp_path / ".ds.notes"
    mine.write_text("keep")
    export_dataset(spaced, "hf", tmp_path / "ds", annotation_set="asha", status=None)
    assert not dead.exists() and mine.read_text() == "keep"
    assert sorted(p.name for p in (tmp_path / "ds").iterdir()) == ["README.md", "full.jsonl", "labels.json"]
    assert [p.name for p in tmp_path.iterdir() if SUFFIX in p.name] == []
