"""Cross-script document search over a project."""

import json

from annotator.cli import main
from annotator.services.importing import import_paths
from annotator.services.search import search_documents


def load(project, tmp_path, docs):
    f = tmp_path / "d.jsonl"
    f.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    assert import_paths(project, [f]).ok


DOCS = [
    {"id": "hi", "title": "सीमा", "text": "पाकिस्तान की ओर से गोलीबारी हुई।"},
    {"id": "en", "title": "Border", "text": "Firing from Pakistan was reported near the border."},
    {"id": "adj", "title": "व्यापार", "text": "पाकिस्तानी व्यापारियों ने बैठक की।"},
    {"id": "none", "title": "Relief", "text": "Flood relief reached Cachar district."},
    {"id": "title-only", "title": "पहलगाम", "text": "Security was tightened in the valley."},
]


def test_latin_query_finds_devanagari_and_ranks_exact_first(project, tmp_path):
    load(project, tmp_path, DOCS)
    hits = search_documents(project, "pakistan")
    ids = [h.external_id for h in hits]
    assert set(ids) == {"hi", "en", "adj"}
    assert ids[-1] == "adj" and hits[0].score == 1.0 > hits[-1].score
    hi = next(h for h in hits if h.external_id == "hi")
    assert hi.snippet.startswith("[पाकिस्तान]")


def test_devanagari_query_finds_latin(project, tmp_path):
    load(project, tmp_path, DOCS)
    assert [h.external_id for h in search_documents(project, "पाकिस्तान")][:2] in (["hi", "en"], ["en", "hi"])


def test_title_match_and_limit(project, tmp_path):
    load(project, tmp_path, DOCS)
    assert [h.external_id for h in search_documents(project, "pahalgam")] == ["title-only"]
    assert len(search_documents(project, "pakistan", limit=1)) == 1


def test_search_streams_batches(project, tmp_path, monkeypatch):
    from annotator.services import search

    monkeypatch.setattr(search, "BATCH_SIZE", 2)
    load(project, tmp_path, DOCS)
    calls = []
    hits = search_documents(project, "pakistan", progress=lambda d, t, m: calls.append((d, t)))
    assert len(hits) == 3 and calls[-1] == (5, 5) and len(calls) == 3


def test_cli_search(project, tmp_path, capsys):
    load(project, tmp_path, DOCS)
    assert main(["search", project.location, "pakistan", "--quiet", "--romanize"]) == 0
    out = capsys.readouterr().out
    assert "1.00  hi  सीमा" in out and "[पाकिस्तान]" in out and "[pakistan]" in out.lower()
    assert main(["search", project.location, "kathmandu", "--quiet"]) == 0
    assert "no document matches 'kathmandu'" in capsys.readouterr().out


def test_snippets_are_cut_on_whole_characters():
    import regex

    from annotator.services.search import snippet
    from annotator.text.romanization import find

    text = (
        "अमेरिका के विदेश मंत्री मार्को रुबियो ने शुक्रवार को पाकिस्तान के उप प्रधानमंत्री ईशाक डार से वाशिंगटन में "
        "मुलाकात की। क्षेत्रीय स्थिरता पर चर्चा हुई।"
    )
    match = find("ishaq", text)[0]
    for width in range(5, 60):
        shown = snippet(text, match, width)
        inner = shown.strip("…")
        assert not regex.match(r"\p{M}", inner), (width, shown)  # no lone matra or virama first
        assert not regex.search(r"\u094d$", inner), (width, shown)  # no dangling virama last
        assert "[ईशाक]" in shown
