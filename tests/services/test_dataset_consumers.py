"""Dataset exports read by their real consumers: spaCy, Hugging Face `datasets`, seqeval, the csv module."""

import csv
import json
from collections import Counter

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


SPACED_ENTITIES = (
    ("पुलिस", "ORG"),
    ("लश्कर-ए-तैयबा", "ARMED_GROUP"),
    ("Police", "ORG"),
    ("LeT", "ARMED_GROUP"),
    ("Srinagar", "GPE"),
    ("police", "ORG"),
    ("पहलगाम", "LOC"),
    ("Delhi", "GPE"),
)


def _spaced_records():
    records = []
    for n, text in enumerate(WHITESPACE_TEXTS):
        ents = [
            {"id": f"T{k}", **_ent(text, w, label)}
            for w, label in SPACED_ENTITIES
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
    return records


@pytest.fixture
def spaced(sqlite_project, tmp_path):
    _import(sqlite_project, tmp_path, _spaced_records())
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


# whitespace of every shape between, before and after tokens; (surface, label, nth occurrence) per entity
SHAPES = [
    ("हमला हुआ।\n\nपुलिस ने कहा।\n\n\nलश्कर-ए-तैयबा", [("पुलिस", "ORG", 0), ("लश्कर-ए-तैयबा", "ARMED_GROUP", 0)]),
    ("\n\t Srinagar:  army\t\tand  \n", [("Srinagar", "GPE", 0), ("army", "ORG", 0)]),
    ("Delhi\n \n\nPolice \n said\u00a0LeT\u2028Delhi \t", [("Police", "ORG", 0), ("Delhi", "GPE", 1)]),
    ("।\n\n।\n\nDelhi", [("Delhi", "GPE", 0)]),
]


def test_docbin_holds_every_whitespace_shape(sqlite_project, tmp_path):
    spacy = pytest.importorskip("spacy", reason="spaCy is optional: the .spacy DocBin needs it")
    from spacy.tokens import DocBin

    records = [
        {
            "id": f"w{n}",
            "text": text,
            "annotations": [
                {
                    "annotator": "asha",
                    "status": "done",
                    "entities": [{"id": f"T{k}", **_ent(text, *e)} for k, e in enumerate(ents)],
                }
            ],
        }
        for n, (text, ents) in enumerate(SHAPES)
    ]
    _import(sqlite_project, tmp_path, records)
    out = tmp_path / "sp"
    report = export_dataset(sqlite_project, "spacy", out, annotation_set="asha", status=None)
    assert not report.notes and not report.checks.counts
    rows = _jsonl(out / "full.jsonl")
    assert [r["text"] for r in rows] == [text for text, _e in SHAPES]
    for lang in ("hi", "xx"):
        docs = list(DocBin().from_disk(out / "full.spacy").get_docs(spacy.blank(lang).vocab))
        assert [d.text for d in docs] == [r["text"] for r in rows]
        got = [[[e.start_char, e.end_char, e.label_] for e in d.ents] for d in docs]
        assert got == [r["entities"] for r in rows]
    assert sum(len(r["entities"]) for r in rows) == 7


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


@pytest.fixture
def offline_datasets(tmp_path, monkeypatch):
    """Hugging Face `datasets` with no network: offline by its settings (read when it is imported, so set
    on its config too) and any internet connection refused."""
    import socket

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
    connect = socket.socket.connect

    def local_only(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError(f"the test needs no network (connect to {address!r})")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)
    return datasets


def _typed(datasets, labels):
    names = [labels[str(i)] for i in range(len(labels))]
    return datasets.Features(
        {
            "id": datasets.Value("string"),
            "document": datasets.Value("string"),
            "lang": datasets.Value("string"),  # the document's language, null when unknown
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
        }
    )


def test_hugging_face_datasets_loads_every_file(spaced, tmp_path, offline_datasets):
    datasets = offline_datasets
    out = tmp_path / "hf"
    report = export_dataset(spaced, "hf", out, annotation_set="asha", status=None)
    files = {p.stem: str(p) for p in out.glob("*.jsonl")}
    assert list(files) == ["full"] and report.files == ["full.jsonl", "labels.json"]
    assert "- `full.jsonl`" in (out / "README.md").read_text(encoding="utf-8")
    loaded = datasets.load_dataset("json", data_files=files, cache_dir=str(tmp_path / "cache"))
    rows = _jsonl(out / "full.jsonl")
    assert loaded["full"].num_rows == len(rows) == 6  # one row per sentence
    assert loaded["full"][0]["tokens"] == rows[0]["tokens"]
    assert loaded["full"][0]["ner_tags"] == rows[0]["ner_tags"]
    labels = json.loads((out / "labels.json").read_text(encoding="utf-8"))
    typed = datasets.load_dataset(
        "json", data_files=files, features=_typed(datasets, labels), cache_dir=str(tmp_path / "cache-typed")
    )
    tag_names = typed["full"].features["ner_tags"].feature.names
    first = typed["full"][0]
    assert [tag_names[t] for t in first["ner_tags"]] == ["B-LOC", "O", "O", "O", "O"]
    assert first["tokens"][0] == "पहलगाम"

    split_out = tmp_path / "hf-split"
    export_dataset(spaced, "hf", split_out, annotation_set="asha", status=None, split=(1, 1, 1), seed=3)
    split_files = {p.stem: str(p) for p in split_out.glob("*.jsonl")}
    assert sorted(split_files) == ["dev", "test", "train"]
    split_labels = json.loads((split_out / "labels.json").read_text(encoding="utf-8"))
    assert split_labels == labels
    loaded = datasets.load_dataset(
        "json",
        data_files=split_files,
        features=_typed(datasets, split_labels),
        cache_dir=str(tmp_path / "cache2"),
    )
    assert sorted(loaded) == ["dev", "test", "train"]
    entities = []
    for name in split_files:
        rows = _jsonl(split_out / f"{name}.jsonl")
        assert rows, name  # three documents, one per split
        got = loaded[name]
        names = got.features["ner_tags"].feature.names
        assert got.num_rows == len(rows)
        assert got["id"] == [r["id"] for r in rows] and got["tokens"] == [r["tokens"] for r in rows]
        assert got["ner_tags"] == [r["ner_tags"] for r in rows]
        for row in got:
            tags = [names[t] for t in row["ner_tags"]]
            assert tags == [split_labels[str(t)] for t in row["ner_tags"]]
            entities += [(row["tokens"][i], tag[2:]) for i, tag in enumerate(tags) if tag.startswith("B-")]
    assert sorted(entities) == sorted(
        [
            ("Delhi", "GPE"),
            ("LeT", "ARMED_GROUP"),
            ("Police", "ORG"),
            ("Srinagar", "GPE"),
            ("police", "ORG"),
            ("पहलगाम", "LOC"),
            ("पुलिस", "ORG"),
            ("लश्कर-ए-तैयबा", "ARMED_GROUP"),
        ]
    )


def test_seqeval_reads_the_conll_export(spaced, tmp_path):
    pytest.importorskip("seqeval")
    from seqeval.metrics import classification_report
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2

    out = tmp_path / "conll"
    export_dataset(spaced, "conll", out, annotation_set="asha", status=None)
    sentences, tags, words, tokens = [], [], [], []
    for line in (out / "full.conll").read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            continue
        if not line.strip():
            if tags:
                sentences.append(tags)
                words.append(tokens)
                tags, tokens = [], []
            continue
        token, tag = line.split("\t")
        tokens.append(token)
        tags.append(tag)
    if tags:
        sentences.append(tags)
        words.append(tokens)
    # what the project stored, in the JSONL it imported: every entity lies on whole tokens
    expected = sorted(
        (r["text"][e["start"] : e["end"]], e["label"])
        for r in _spaced_records()
        for e in r["annotations"][0]["entities"]
    )
    assert len(expected) == 8
    found = get_entities(sentences)  # over the sentences joined, each followed by one "O"
    flat = [w for sentence in words for w in [*sentence, ""]]
    assert sorted((" ".join(flat[s : e + 1]), label) for label, s, e in found) == expected
    counts = Counter(label for _s, label in expected)
    for options in ({}, {"mode": "strict", "scheme": IOB2}):
        report = classification_report(sentences, sentences, output_dict=True, **options)
        assert {k: v["support"] for k, v in report.items() if "avg" not in k} == counts, options
        assert all(report[label]["f1-score"] == 1.0 for label in counts)


HOSTILE = [
    'ok\r=HYPERLINK("http://x")',
    "a\r\n+cmd|' /C calc'!A0",
    "line\n-2+3",
    "@SUM(1)",
    "\t=1",
    "x\n\t=1",
    "\r\n=1\r\r@2",
    "\n-2",
    "-inf",
    "fine\rstill fine\n",
    "x\u2028=1",
    "-2",
]
#: The escaping rule of the CSV export (annotator.formats.dataset.spreadsheet_safe), undone: one apostrophe
#: at the start of a cell before = + - @ tab CR LF, and at the start of a line inside it before = + - @ tab.
_BREAK = "[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]"


def _unescape(cell):
    import re

    cell = re.sub(r"\A'(?=[=+\-@\t\r\n])", "", cell)
    return re.sub(f"(?<={_BREAK})'(?=[=+\\-@\\t])", "", cell)


def test_csv_cells_with_line_breaks_never_start_a_line_with_a_formula(sqlite_project, tmp_path):
    records = [
        {
            "id": f"d{n}",
            "title": value,
            "text": f"Document {n} about Delhi.",
            "meta": {"source": value, "url": value},
            "annotations": [{"annotator": "asha", "status": "done", "entities": [], "document": {"tone": 1}}],
        }
        for n, value in enumerate(HOSTILE)
    ]
    _import(sqlite_project, tmp_path, records)
    out = tmp_path / "csv"
    report = export_dataset(sqlite_project, "csv", out, annotation_set="asha", status=None)
    assert report.documents["full"] == len(HOSTILE)
    raw = (out / "full.csv").read_bytes().decode("utf-8")
    with (out / "full.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, rows = rows[0], rows[1:]
    assert len(rows) == len(HOSTILE) and all(len(r) == len(header) for r in rows)
    rows = [dict(zip(header, r, strict=True)) for r in rows]
    assert [r["id"] for r in rows] == [f"d{n}" for n in range(len(HOSTILE))]
    for row, value in zip(rows, HOSTILE, strict=True):
        for column in ("source", "url"):
            assert _unescape(row[column]) == value, (column, row[column])  # CR and LF kept, apostrophes gone
        assert row["tone"] == "1"
    # a title is stored on one line, its whitespace collapsed (and trimmed): the rule applies to what is left
    assert [r["title"] for r in rows] == [
        'ok =HYPERLINK("http://x")',
        "a +cmd|' /C calc'!A0",
        "line -2+3",
        "'@SUM(1)",
        "'=1",
        "x =1",
        "'=1 @2",
        "-2",
        "'-inf",
        "fine still fine",
        "x =1",
        "-2",
    ]
    # no line of the file, split at every CR and LF, starts with a formula character
    pieces = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert len(pieces) > len(HOSTILE) + 2  # the line breaks inside cells are there, quoted
    for piece in pieces:
        assert not piece.startswith(("=", "+", "-", "@", "\t")), piece
    for piece in raw.splitlines():  # every break str.splitlines knows
        assert not piece.startswith(("=", "+", "-", "@", "\t")), piece


def test_a_killed_exports_leftover_is_swept_and_nothing_else(spaced, tmp_path):
    import os

    from annotator.fileio import SUFFIX

    dead = tmp_path / f".ds.999999999{SUFFIX}-dir"
    dead.mkdir()
    (dead / "full.jsonl").write_text("half")
    keep = {
        ".ds.notes": "a dot-file of the user's",
        f".other.999999999{SUFFIX}-dir": "another target's leftover: swept when that target is written",
        f".ds.{os.getppid()}{SUFFIX}-dir": "a live process's export under way",
        ".ds.999999999.tmp": "not a name of ours",
    }
    for name, note in keep.items():
        (tmp_path / name).write_text(note)
    export_dataset(spaced, "hf", tmp_path / "ds", annotation_set="asha", status=None)
    assert not dead.exists()
    assert {name: (tmp_path / name).read_text() for name in keep} == keep
    assert sorted(p.name for p in (tmp_path / "ds").iterdir()) == ["README.md", "full.jsonl", "labels.json"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".ds.")) == sorted(
        name for name in keep if name.startswith(".ds.")
    )
