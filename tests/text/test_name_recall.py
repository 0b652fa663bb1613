"""Romanized search finds the spellings newspapers print: measured on 500+ name pairs, held-out half apart."""

from pathlib import Path

import pytest

from annotator.services.importing import import_paths
from annotator.services.search import search_documents
from annotator.text.romanization import find


def _benchmark():
    """benchmarks/search_recall.py, loaded by path (putting benchmarks/ on sys.path would let its
    datasets.py shadow Hugging Face's package for the rest of the session)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "search_recall.py"
    spec = importlib.util.spec_from_file_location("annotator_bench_search_recall", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_bench = _benchmark()
collisions, held_out, load_pairs = _bench.collisions, _bench.held_out, _bench.load_pairs

#: Measured when the English-spelling rules were written (benchmarks/search_recall.py): design half 0.700,
#: held-out half 0.710; before them 0.633 and 0.643. A small margin below.
HELD_OUT_RECALL = 0.69
MAX_COLLISIONS = 0.05


@pytest.mark.parametrize(
    ("latin", "devanagari"),
    [
        ("jaishankar", "जयशंकर"),
        ("udaipur", "उदयपुर"),
        ("tammy bruce", "टैमी ब्रूस"),
        ("jaipur", "जयपुर"),
        ("raipur", "रायपुर"),
        ("lahore", "लाहौर"),
        ("police", "पुलिस"),
        ("sheikh hasina", "शेख़ हसीना"),
        ("droupadi murmu", "द्रौपदी मुर्मू"),
        ("mohammed", "मोहम्मद"),
    ],
)
def test_newspaper_spellings_find_the_devanagari_and_back(latin, devanagari):
    assert find(latin, devanagari), latin
    assert find(devanagari, latin), devanagari


@pytest.mark.parametrize(("latin", "devanagari"), [("mean", "में"), ("modi", "मुद्दे"), ("jaish", "जिस")])
def test_no_new_false_friends(latin, devanagari):
    assert not find(latin, devanagari)


def test_recall_on_the_held_out_half_and_collisions():
    pairs = load_pairs()
    assert len(pairs) >= 200
    held = [p for p in pairs if held_out(p[0], p[1])]
    found = sum(bool(find(latin, deva)) and bool(find(deva, latin)) for deva, latin, _src in held)
    assert found / len(held) >= HELD_OUT_RECALL
    assert collisions(pairs) <= MAX_COLLISIONS


def test_the_search_service_finds_english_spellings(sqlite_project, tmp_path):
    docs = [
        ("d1", "विदेश मंत्री जयशंकर ने कहा कि उदयपुर में बैठक होगी।"),
        ("d2", "अमेरिकी विदेश विभाग की प्रवक्ता टैमी ब्रूस ने बयान जारी किया।"),
        ("d3", "The minister spoke in Delhi."),
    ]
    src = tmp_path / "d.jsonl"
    src.write_text(
        "".join(f'{{"id": "{i}", "text": "{t}"}}\n' for i, t in docs),
        encoding="utf-8",
    )
    assert import_paths(sqlite_project, [src]).ok
    assert [h.external_id for h in search_documents(sqlite_project, "jaishankar")] == ["d1"]
    assert [h.external_id for h in search_documents(sqlite_project, "udaipur")] == ["d1"]
    assert [h.external_id for h in search_documents(sqlite_project, "tammy bruce")] == ["d2"]
