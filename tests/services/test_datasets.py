"""Training exports: exact output per format, the declared rules, sets, deterministic and stable splits, the
dataset card, and CoNLL round trips of the real Hindi NER corpora."""

import csv
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.formats import conll
from annotator.progress import CancelFlag, Cancelled
from annotator.services.adjudication import auto_adjudicate
from annotator.services.datasets import export_dataset, parse_split
from annotator.services.importing import import_paths
from annotator.store.models import DatasetSplit
from tests.conftest import corpus

# an emoji, a nukta letter (फ़ = फ + U+093C after NFC) and a hyphenated name
TEXT = "लश्कर-ए-तैयबा ने फ\u093cौज पर हमला किया 😊। Delhi police said: 26 killed."


def at(surface, text=TEXT):
    start = text.index(surface)
    return start, start + len(surface)


def ent(n, surface, label, text=TEXT):
    s, e = at(surface, text)
    return {"id": f"T{n}", "start": s, "end": e, "label": label}


def block(name, entities, status="done", tone=None):
    return {
        "annotator": name,
        "status": status,
        "entities": entities,
        "document": {} if tone is None else {"tone": tone},
    }


ASHA = [
    ent(1, "लश्कर-ए-तैयबा", "ARMED_GROUP"),
    ent(2, "फ\u093cौज", "ORG"),
    ent(3, "पर हम", "LOC"),  # ends inside हमला: widened to the whole token
    ent(4, "Delhi police", "ORG"),
    ent(5, "Delhi", "GPE"),  # inside a longer span: left out in token formats
    ent(6, "26", "NUM"),
]


def load(project, tmp_path, records, name="in.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok, report.errors


@pytest.fixture
def small(project, tmp_path):
    doc = {
        "id": "d1",
        "title": '=HYPERLINK("http://x")',
        "text": TEXT,
        "meta": {"source": "+bbc", "url": "https://example.org/1"},
        "annotations": [block("asha", ASHA, tone=-2)],
    }
    load(project, tmp_path, [doc])
    return project


EXPECTED_CONLL = """-DOCSTART-\tO

लश्कर-ए-तैयबा\tB-ARMED_GROUP
ने\tO
फ\u093cौज\tB-ORG
पर\tB-LOC
हमला\tI-LOC
किया\tO
😊\tO
।\tO

Delhi\tB-ORG
police\tI-ORG
said\tO
:\tO
26\tB-NUM
killed\tO
.\tO

"""


def test_conll_exact_output_and_rules(small, tmp_path):
    report = export_dataset(small, "conll", tmp_path / "out", annotation_set="asha")
    assert (tmp_path / "out" / "full.conll").read_text(encoding="utf-8") == EXPECTED_CONLL
    assert report.checks.counts == {
        "crosses a token boundary (widened)": 1,
        "overlaps a longer span (left out)": 1,
    }
    assert report.checks.examples["overlaps a longer span (left out)"] == [
        f"d1 [{at('Delhi')[0]}, {at('Delhi')[1]}) GPE “Delhi”"
    ]
    assert (report.documents["full"], report.sentences["full"], report.tokens["full"]) == (1, 2, 15)
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "- crosses a token boundary (widened): 1" in card and "“पर हम” → [" in card
    assert "| documents | 1 | 1 |" in card and "| `ORG` | 2 | 2 |" in card
    assert "- set: `asha`" in card and "## Agreement" in card and "documents with gold decisions: 0" in card

    export_dataset(small, "conll", tmp_path / "drop", annotation_set="asha", crossing="drop")
    dropped = (tmp_path / "drop" / "full.conll").read_text(encoding="utf-8")
    assert "पर\tO\nहमला\tO" in dropped


def test_hf_spacy_and_csv_exact_output(small, tmp_path):
    export_dataset(small, "hf", tmp_path / "hf", annotation_set="asha")
    labels = json.loads((tmp_path / "hf" / "labels.json").read_text(encoding="utf-8"))
    assert labels["0"] == "O" and labels["1"] == "B-PER" and labels["2"] == "I-PER"
    ids = {v: int(k) for k, v in labels.items()}
    rows = [
        json.loads(line) for line in (tmp_path / "hf" / "full.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [r["id"] for r in rows] == ["d1#0", "d1#1"]
    assert rows[1] == {
        "id": "d1#1",
        "document": "d1",
        "lang": "hi",  # the detected language, on every row
        "tokens": ["Delhi", "police", "said", ":", "26", "killed", "."],
        "ner_tags": [ids["B-ORG"], ids["I-ORG"], 0, 0, ids["B-NUM"], 0, 0],
    }
    assert [labels[str(t)] for t in rows[0]["ner_tags"]][:5] == [
        "B-ARMED_GROUP",
        "O",
        "B-ORG",
        "B-LOC",
        "I-LOC",
    ]

    export_dataset(small, "spacy", tmp_path / "sp", annotation_set="asha")
    [record] = [
        json.loads(line) for line in (tmp_path / "sp" / "full.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert record["text"] == TEXT
    assert record["meta"]["lang"] == "hi"
    assert record["entities"] == [
        [*at("लश्कर-ए-तैयबा"), "ARMED_GROUP"],
        [*at("फ\u093cौज"), "ORG"],
        [*at("पर हमला"), "LOC"],
        [*at("Delhi police"), "ORG"],
        [*at("26"), "NUM"],
    ]
    assert all(TEXT[s:e] for s, e, _l in record["entities"])

    export_dataset(small, "csv", tmp_path / "csv", annotation_set="asha")
    raw = (tmp_path / "csv" / "full.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(raw.splitlines()))
    assert rows[0] == [
        "id",
        "title",
        "split",
        "url",
        "source",
        "published",
        "lang",
        "entities",
        "tone",
        "active_seconds",
        "meta",
    ]
    # the formula-like title and source are escaped; the tone stays a number; no time was recorded
    assert rows[1] == [
        "d1",
        '\'=HYPERLINK("http://x")',
        "full",
        "https://example.org/1",
        "'+bbc",
        "",
        "hi",  # detected at import (issue 20), with the script, which goes to meta
        "6",
        "-2",
        "",
        '{"script":"Deva"}',
    ]


def test_docbin_when_spacy_is_installed(small, tmp_path):
    spacy = pytest.importorskip("spacy", reason="spaCy is optional: the .spacy DocBin needs it")
    from spacy.tokens import DocBin

    export_dataset(small, "spacy", tmp_path / "sp", annotation_set="asha")
    [doc] = list(DocBin().from_disk(tmp_path / "sp" / "full.spacy").get_docs(spacy.blank("xx").vocab))
    assert next((e.text, e.label_) for e in doc.ents) == ("लश्कर-ए-तैयबा", "ARMED_GROUP")


def test_note_when_spacy_is_missing(small, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_spacy(name, *args, **kwargs):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError("no spacy")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_spacy)
    report = export_dataset(small, "spacy", tmp_path / "sp", annotation_set="asha")
    assert report.files == ["full.jsonl"] and "spaCy is not installed" in report.notes[0]
    assert "spaCy is not installed" in (tmp_path / "sp" / "README.md").read_text(encoding="utf-8")


def many(n, start=0, source=lambda i: "bbc"):
    return [
        {
            "id": f"doc-{i:03d}",
            "text": f"{TEXT} ({i})",
            "meta": {"source": source(i)},
            "annotations": [block("asha", [ent(1, "Delhi", "GPE", f"{TEXT} ({i})")])],
        }
        for i in range(start, start + n)
    ]


def splits_of(project, scheme):
    with project.engine.connect() as conn:
        return dict(
            conn.execute(
                select(DatasetSplit.document_id, DatasetSplit.split).where(DatasetSplit.scheme == scheme)
            ).all()
        )


def test_splits_are_deterministic_stable_and_stratified(project, tmp_path):
    load(project, tmp_path, many(40))
    first = export_dataset(
        project, "conll", tmp_path / "a", annotation_set="asha", split=(80, 10, 10), seed=3
    )
    assert dict(first.documents) == {"train": 32, "dev": 4, "test": 4} and first.new_assignments == 40
    before = splits_of(project, "80/10/10 seed=3")
    again = export_dataset(
        project, "conll", tmp_path / "b", annotation_set="asha", split=(80, 10, 10), seed=3
    )
    assert again.new_assignments == 0
    for name in ("train", "dev", "test"):
        assert (tmp_path / "a" / f"{name}.conll").read_bytes() == (
            tmp_path / "b" / f"{name}.conll"
        ).read_bytes()
    # ten more documents: nobody moves, and the shares stay as close as whole documents allow
    load(project, tmp_path, many(10, start=40), name="more.jsonl")
    more = export_dataset(project, "conll", tmp_path / "c", annotation_set="asha", split=(80, 10, 10), seed=3)
    after = splits_of(project, "80/10/10 seed=3")
    assert all(after[d] == s for d, s in before.items()) and more.new_assignments == 10
    assert dict(more.documents) == {"train": 40, "dev": 5, "test": 5}
    # the same seed on another project with the same ids gives the same splits
    other = export_dataset(
        project, "conll", tmp_path / "d", annotation_set="asha", split=(80, 10, 10), seed=4
    )
    assert other.new_assignments == 50 and splits_of(project, "80/10/10 seed=4") != after
    # stratified by source: each source split 50/50 on its own
    load(project, tmp_path, many(20, start=100, source=lambda i: "bbc" if i % 4 else "pti"), name="s.jsonl")
    strat = export_dataset(
        project, "csv", tmp_path / "e", annotation_set="asha", split=(50, 50), seed=1, stratify="source"
    )
    rows = [r for name in ("train", "test") for r in csv.DictReader((tmp_path / "e" / f"{name}.csv").open())]
    by_source = {(r["source"], r["split"]) for r in rows}
    counts = {key: sum(1 for r in rows if (r["source"], r["split"]) == key) for key in by_source}
    # 65 bbc and 5 pti documents, each source halved on its own (an odd one goes to train)
    assert counts == {("bbc", "train"): 33, ("bbc", "test"): 32, ("pti", "train"): 3, ("pti", "test"): 2}
    assert strat.documents["train"] + strat.documents["test"] == 70


def test_sets_gold_majority_and_status(project, tmp_path):
    t = TEXT
    doc = {
        "id": "d",
        "text": t,
        "annotations": [
            block("asha", [ent(1, "Delhi", "GPE"), ent(2, "26", "NUM")], tone=-2),
            block("ravi", [ent(1, "Delhi", "GPE")], tone=-2),
            block("meera", [ent(1, "Delhi", "LOC")], status="in_progress", tone=-1),
        ],
    }
    load(project, tmp_path, [doc])

    def spans(folder):
        return [
            json.loads(line)["entities"]
            for line in (tmp_path / folder / "full.jsonl").read_text(encoding="utf-8").splitlines()
        ]

    export_dataset(project, "spacy", tmp_path / "maj", annotation_set="majority")
    assert spans("maj") == [[[*at("Delhi"), "GPE"]]]  # asha and ravi agree; meera is not finished
    export_dataset(project, "spacy", tmp_path / "maj-any", annotation_set="majority", status=None)
    assert spans("maj-any") == [[[*at("Delhi"), "GPE"]]]  # meera counted too: GPE 2 of 3, LOC 1, NUM 1
    export_dataset(project, "spacy", tmp_path / "meera", annotation_set="meera")
    assert spans("meera") == []  # not finished
    export_dataset(project, "spacy", tmp_path / "meera-any", annotation_set="meera", status=None)
    assert spans("meera-any") == [[[*at("Delhi"), "LOC"]]]
    export_dataset(project, "spacy", tmp_path / "gold0", annotation_set="gold")
    assert spans("gold0") == []  # nothing adjudicated yet
    auto_adjudicate(project, "majority")
    report = export_dataset(project, "csv", tmp_path / "gold", annotation_set="gold")
    [row] = csv.DictReader((tmp_path / "gold" / "full.csv").open(encoding="utf-8"))
    assert row["entities"] == "1" and row["tone"] == "-2" and report.documents["full"] == 1
    card = (tmp_path / "gold" / "README.md").read_text(encoding="utf-8")
    assert "documents with gold decisions: 1 of 1" in card and "majority 2" in card
    with pytest.raises(AnnotatorError, match="not an annotator"):
        export_dataset(project, "conll", tmp_path / "x", annotation_set="nobody")


def test_refusals_and_cancel_leave_nothing(small, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "f").write_text("x")
    with pytest.raises(AnnotatorError, match="not an empty folder"):
        export_dataset(small, "conll", tmp_path / "full", annotation_set="asha")
    with pytest.raises(AnnotatorError, match="unknown dataset format"):
        export_dataset(small, "xml", tmp_path / "o", annotation_set="asha")
    with pytest.raises(AnnotatorError, match="two or three"):
        parse_split("100")
    cancel = CancelFlag()
    cancel.cancel()
    with pytest.raises(Cancelled):
        export_dataset(small, "conll", tmp_path / "c", annotation_set="asha", cancel=cancel)
    assert not (tmp_path / "c").exists() and not list(tmp_path.glob(".c.*"))


def _tokens_and_tags(path, label_map=None):
    """Sentences of a CoNLL file as (NFC token, tag) lists, with labels mapped."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            continue
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, tag = line.split("\t")[0], line.split("\t")[-1]
        if tag != "O" and label_map:
            tag = tag[:2] + label_map.get(tag[2:], tag[2:])
        current.append((unicodedata.normalize("NFC", token), tag))
    if current:
        sentences.append(current)
    return sentences


@pytest.mark.parametrize(
    ("parts", "label_map"),
    [
        (
            ("hiner", "validation.collapsed.first500.conll"),
            {"PERSON": "PER", "LOCATION": "LOC", "ORGANIZATION": "ORG"},
        ),
        (
            ("hiner", "validation.original.first2000.conll"),
            {
                "PERSON": "PER",
                "LOCATION": "LOC",
                "ORGANIZATION": "ORG",
                "NUMEX": "NUM",
                "TIMEX": "DATE",
                "MISC": "TITLE",
                "LANGUAGE": "FAC",
                "GAME": "WEAPON",
                "LITERATURE": "ARMED_GROUP",
                "RELIGION": "GPE",
                "FESTIVAL": "DATE",
            },
        ),
        (
            ("il-ner", "Hindi-dev.txt"),
            {
                "NEP": "PER",
                "NEL": "LOC",
                "NEO": "ORG",
                "NETI": "DATE",
                "NEN": "NUM",
                "NEAR": "FAC",
                "NED": "TITLE",
                "NEU": "WEAPON",
            },
        ),
    ],
)
def test_conll_round_trip_of_real_corpora(sqlite_project, tmp_path, parts, label_map):
    """Import → export to CoNLL gives the same tokens and tags (after NFC, labels mapped one to one) for
    every sentence imported; IL-NER's sentences with malformed tags are reported, not imported."""
    source = corpus(*parts)
    import_paths(sqlite_project, [source], fmt="conll", annotator="ner", label_map=label_map)
    export_dataset(sqlite_project, "conll", tmp_path / "out", annotation_set="ner")
    exported = [tuple(s) for s in _tokens_and_tags(tmp_path / "out" / "full.conll")]
    original = [tuple(s) for s in _tokens_and_tags(source, label_map)]
    well_formed = [s for s in original if all(conll._parse(tag) is not None for _t, tag in s)]
    assert len(original) - len(well_formed) == (11 if "il-ner" in parts else 0)
    # a sentence that occurs twice is one document, with the labels of both (IL-NER has one sentence
    # tagged two ways: its document holds the union); every other sentence comes back as it was
    texts = {}
    for sentence in well_formed:
        texts.setdefault(tuple(t for t, _tag in sentence), set()).add(sentence)
    conflicting = {text for text, versions in texts.items() if len(versions) > 1}
    assert len(conflicting) == (1 if "il-ner" in parts else 0)
    by_text = {tuple(t for t, _tag in s): s for s in exported}
    assert len(exported) == len(by_text) == len(texts)
    for text, versions in texts.items():
        if text not in conflicting:
            assert {by_text[text]} == versions
        else:
            merged = by_text[text]
            assert all(
                tag == "O" or merged[i][1] == tag
                for version in versions
                for i, (_t, tag) in enumerate(version)
            )


def test_cli_import_and_export(tmp_path, capsys):
    from annotator.services.project import init_project

    project_path = tmp_path / "p.annotator"
    init_project(project_path).close()
    src = tmp_path / "x.conll"
    src.write_text("अमित\tB-PERSON\nशाह\tI-PERSON\nदिल्ली\tB-LOCATION\nमें\tO\n", encoding="utf-8")
    assert main(["import", str(project_path), str(src), "--annotator", "hiner", "--quiet"]) == 0
    assert "PERSON → PER (1)" in capsys.readouterr().err
    out = tmp_path / "ds"
    assert (
        main(
            ["export", str(project_path), "--format", "conll", "--out", str(out), "--set", "hiner", "--quiet"]
        )
        == 0
    )
    assert (out / "full.conll").read_text(encoding="utf-8") == (
        "-DOCSTART-\tO\n\nअमित\tB-PER\nशाह\tI-PER\nदिल्ली\tB-LOC\nमें\tO\n\n"
    )
    assert "exported 1 document(s)" in capsys.readouterr().out
    assert (
        main(
            [
                "export",
                str(project_path),
                "--format",
                "jsonl",
                "--out",
                str(tmp_path / "j"),
                "--split",
                "80/20",
            ]
        )
        == 1
    )
    assert "--split apply to" in capsys.readouterr().err
    assert conll.DOCSTART == "-DOCSTART-"


def test_large_splits_write_docbin_shards(project, tmp_path, monkeypatch):
    spacy = pytest.importorskip("spacy", reason="spaCy is optional: the .spacy DocBin needs it")
    from spacy.tokens import DocBin

    from annotator.services import datasets

    monkeypatch.setattr(datasets, "DOCBIN_SHARD", 2)
    load(project, tmp_path, many(5))
    report = export_dataset(project, "spacy", tmp_path / "sp", annotation_set="asha")
    assert report.files == [
        "full.jsonl",
        "full-spacy/0000.spacy",
        "full-spacy/0001.spacy",
        "full-spacy/0002.spacy",
    ]
    vocab = spacy.blank("xx").vocab
    docs = [d for f in report.files[1:] for d in DocBin().from_disk(tmp_path / "sp" / f).get_docs(vocab)]
    assert [len(d.ents) for d in docs] == [1] * 5 and docs[0].ents[0].text == "Delhi"


@pytest.mark.parametrize("fmt", ["conll", "csv", "spacy"])
def test_card_agreement_is_the_projects_though_gathered_in_the_export_pass(
    project, tmp_path, fmt, monkeypatch
):
    """The card's figures come from the export's own pass (no second pass over the project), yet equal
    what `annotator agreement` computes over the whole project: documents the export leaves out count,
    and a document's own tokens (imported from CoNLL) do not replace the tokenizer's for token kappa."""
    from annotator.services.agreement import compute_agreement
    from annotator.services.datasets import _fig

    other = "पहलगाम में हमला हुआ। Police said 26 killed."
    ravi = [ent(1, "लश्कर-ए-तैयबा", "ARMED_GROUP"), ent(2, "फ\u093cौज पर", "ORG"), ent(3, "Delhi", "GPE")]
    records = [
        {
            "id": "a",
            "text": TEXT,
            "annotations": [block("asha", ASHA, tone=-2), block("ravi", ravi, tone=-1)],
        },
        {
            "id": "b",  # asha only: not in a "ravi" export, still compared? no: one annotator
            "text": other,
            "annotations": [block("asha", [ent(1, "पहलगाम", "GPE", other)], tone=-1)],
        },
        {
            "id": "c",  # ravi unfinished: left out of the "ravi" export, but asha and meera compare on it
            "text": other,
            "annotations": [
                block("asha", [ent(1, "पहलगाम", "GPE", other), ent(2, "26", "NUM", other)], tone=-2),
                block("meera", [ent(1, "पहलगाम", "LOC", other)], tone=-2),
                block("ravi", [ent(1, "पहलगाम", "GPE", other)], status="in_progress"),
            ],
        },
    ]
    load(project, tmp_path, records)
    expected = compute_agreement(project, layers=["entities", "tone"]).as_dict()

    def second_pass(*args, **kwargs):
        raise AssertionError("the card computed agreement in a second pass over the project")

    monkeypatch.setattr("annotator.services.agreement.compute_agreement", second_pass)
    export_dataset(project, fmt, tmp_path / "out", annotation_set="ravi")
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    ents, tone = expected["entities"], expected["tone"]
    assert expected["documents"] == 2
    assert "Over 2 document(s) finished by two or more annotators (asha, meera, ravi):" in card
    assert f"- entity F1, exact: {_fig(ents['mean_pairwise_f1']['exact'])}; overlap: " in card
    assert f"- entity token kappa: {_fig(ents['token_kappa'])}; unitizing alpha: " in card
    assert f"{_fig(ents['unitizing_alpha'])}" in card
    assert f"- tone Krippendorff's alpha (interval): {_fig(tone['krippendorff_alpha']['interval'])}" in card


def _resolve_overlaps_reference(spans, label_order):
    """resolve_overlaps as it was before its fast path: longest first, then earlier, then schema order."""
    import bisect

    unique = sorted(set(spans), key=lambda s: (-(s[1] - s[0]), s[0], label_order.get(s[2], 1 << 30), s[2]))
    kept, taken, left_out = [], [], []
    for span in unique:
        start, end, _label = span
        i = bisect.bisect_right(taken, (start, 1 << 62))
        if (i > 0 and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end):
            left_out.append(span)
            continue
        taken.insert(i, (start, end))
        kept.append(span)
    return sorted(kept), left_out


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(-1, 6), st.sampled_from(["PER", "ORG", "LOC", "X"])),
        max_size=8,
    ).map(lambda rows: [(s, s + n, label) for s, n, label in rows])
)
def test_resolve_overlaps_keeps_and_reports_what_it_did_before(spans):
    """The fast path (no span overlaps another) gives the spans and the reports of the full rule, also with
    duplicates, touching spans and empty or reversed ones."""
    from annotator.formats.dataset import Checks, Example, resolve_overlaps

    order = {"PER": 0, "ORG": 1, "LOC": 2}
    checks = Checks()
    kept = resolve_overlaps(Example("d", "", "x" * 40, {}, spans), spans, order, checks)
    expected, left_out = _resolve_overlaps_reference(spans, order)
    assert kept == expected
    assert checks.counts["overlaps a longer span (left out)"] == len(left_out)


SENTENCE_PIECES = ["हमला", "हुआ", "।", "॥", ".", "?", "!", '"', "”", ")", "»", "'", "’", "Delhi", "26"]
SENTENCE_PIECES += [" ", "\n", "\n\n", "..", "।”", "India's", "@x", "#y", "a.b/c", "\u0301", "😊"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), max_size=50).map("".join))
def test_sentences_from_the_token_texts_equal_those_from_slices(text):
    """The export hands sentences_of the tokenizer's token texts (and their starts): same sentences as
    slicing the text token by token; and token_columns gives what tokens_of gives."""
    from annotator.formats.dataset import sentences_of, token_columns, tokens_of

    tokens, starts, ends, words, own = token_columns(text, {})
    assert (tokens, own) == tokens_of(text, {})
    assert (starts, ends) == ([s for s, _e in tokens], [e for _s, e in tokens])
    assert words == [text[s:e] for s, e in tokens]
    expected = sentences_of(text, tokens, False)
    assert sentences_of(text, tokens, False, starts, words) == expected
    assert sentences_of(text, tokens, False, starts) == expected
    if tokens:  # a document's own tokens: no texts (sliced where needed), own
        assert token_columns(text, {"tokens": [[s, e] for s, e in tokens]})[3:] == (None, True)
