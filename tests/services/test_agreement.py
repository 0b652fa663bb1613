"""Agreement of a project: three annotators on a few documents, imported as native JSONL."""

import json

import pytest

from annotator.agreement.coefficients import krippendorff_alpha
from annotator.agreement.unitizing import unitizing_alpha
from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.progress import CancelFlag, Cancelled
from annotator.services.agreement import agreement_file, compute_agreement, format_agreement
from annotator.services.importing import import_paths
from annotator.services.project import init_project

BASE = "पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने 26 लोगों को मार डाला।"


def at(text, surface):
    start = text.index(surface)
    return start, start + len(surface)


def ent(text, eid, surface, label):
    s, e = at(text, surface)
    return {"id": eid, "start": s, "end": e, "label": label, "text": surface, "attributes": {}}


def block(name, text, *, status="done", tone=None, entities=(), events=(), sentiment=()):
    return {
        "annotator": name,
        "status": status,
        "entities": list(entities),
        "events": list(events),
        "document": {} if tone is None else {"tone": tone},
        "sentiment": list(sentiment),
    }


def die(text, agent, place="T1"):
    s, e = at(text, "मार डाला")
    return {
        "id": "E1",
        "type": "DIE",
        "trigger": {"start": s, "end": e, "text": "मार डाला"},
        "arguments": [{"role": "Agent", "entity": agent}, {"role": "Place", "entity": place}],
        "attributes": {"modality": "actual"},
    }


def records():
    t1, t2, t3, t4 = (f"{BASE} ({n})" for n in range(1, 5))
    doc1 = [
        block(
            "asha",
            t1,
            tone=-2,
            entities=[
                ent(t1, "T1", "पहलगाम", "GPE"),
                ent(t1, "T2", "लश्कर-ए-तैयबा", "ARMED_GROUP"),
                ent(t1, "T3", "26", "NUM"),
            ],
            events=[die(t1, "T2")],
            sentiment=[{"target": "T2", "polarity": "NEG"}],
        ),
        block(
            "ravi",
            t1,
            tone=-2,
            entities=[
                ent(t1, "T1", "पहलगाम", "GPE"),
                ent(t1, "T2", "लश्कर-ए-तैयबा के आतंकियों", "ARMED_GROUP"),
                ent(t1, "T3", "26", "NUM"),
            ],
            events=[die(t1, "T2")],
            sentiment=[{"target": "T2", "polarity": "NEG"}],
        ),
        block(
            "meera",
            t1,
            tone=-1,
            entities=[ent(t1, "T1", "पहलगाम", "LOC"), ent(t1, "T2", "लश्कर-ए-तैयबा", "ARMED_GROUP")],
            sentiment=[{"target": "T2", "polarity": "NEG"}],
        ),
    ]
    doc2 = [
        block(
            name,
            t2,
            tone=1,
            entities=[ent(t2, "T1", "पहलगाम", "GPE")],
            sentiment=[{"target": "T1", "polarity": pol}],
        )
        for name, pol in (("asha", "NEU"), ("ravi", "NEG"))
    ]
    doc3 = [block("asha", t3, tone=0), block("ravi", t3, status="in_progress", tone=2)]
    doc4 = [block("asha", t4, tone=2)]
    return [
        {"id": f"d{i}", "title": "", "text": text, "meta": {}, "annotations": anns}
        for i, (text, anns) in enumerate(((t1, doc1), (t2, doc2), (t3, doc3), (t4, doc4)), 1)
    ]


@pytest.fixture
def team_project(project, tmp_path):
    path = tmp_path / "team.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records()) + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok, report.errors
    return project


def value(figure):
    return None if figure["value"] is None else pytest.approx(figure["value"], abs=1e-4)


def test_agreement_figures(team_project):
    seen = []
    out = compute_agreement(team_project, progress=lambda d, t, m: seen.append(m)).as_dict()
    assert seen
    assert out["documents"] == 2  # doc3: ravi not done; doc4: one annotator
    assert out["annotators"] == ["asha", "meera", "ravi"]

    tone = out["tone"]
    units = [[-2, -1, -2], [1, None, 1]]
    for metric in ("nominal", "ordinal", "interval"):
        expected = krippendorff_alpha(units, metric)
        assert tone["krippendorff_alpha"][metric] == {"value": expected.value, "units": 2}  # unrounded
    # hand check, nominal: o = {-2,-2: 1, -2,-1: 1, -1,-2: 1, 1,1: 2}, n = 5, n_-2 = 2, n_-1 = 1, n_1 = 2;
    # D_o = 2/5, D_e = (25 - 4 - 1 - 4) / 20 = 16/20 -> alpha = 1 - 1/2
    assert tone["krippendorff_alpha"]["nominal"]["value"] == pytest.approx(0.5, abs=1e-4)
    assert tone["fleiss_kappa"] == {
        "value": None,
        "units": 2,
        "reason": "units have different numbers of ratings",
    }
    assert tone["cohen_kappa_pairwise"]["asha|ravi"] == {"value": 1.0, "units": 2}
    assert tone["cohen_kappa_pairwise"]["asha|meera"] == {"value": 0.0, "units": 1}
    assert tone["observed_agreement"]["value"] == pytest.approx((1 / 3 + 1) / 2, abs=1e-4)

    ents = out["entities"]
    assert ents["pairwise"]["asha|ravi"]["exact"] == {"value": 0.75, "units": 2}
    assert ents["pairwise"]["asha|ravi"]["overlap"] == {"value": 1.0, "units": 2}
    assert ents["pairwise"]["asha|meera"]["exact"]["value"] == pytest.approx(0.4)
    assert ents["pairwise"]["meera|ravi"]["exact"]["value"] == 0.0
    assert ents["pairwise"]["meera|ravi"]["overlap"]["value"] == pytest.approx(0.4)
    assert ents["mean_pairwise_f1"]["exact"] == {"value": pytest.approx(1.15 / 3, abs=1e-4), "units": 4}
    assert ents["mean_pairwise_f1"]["overlap"] == {"value": pytest.approx(0.6), "units": 4}
    # GPE: asha|ravi agree (1.0); meera has none, so 0.0 with each of them
    assert ents["per_label"]["GPE"]["exact"] == {"value": pytest.approx(1 / 3, abs=1e-4), "units": 4}
    assert ents["per_label"]["ARMED_GROUP"]["overlap"]["value"] == 1.0
    assert ents["per_label"]["LOC"]["exact"]["value"] == 0.0
    assert ents["confusion"]["GPE"] == {"GPE": 2, "LOC": 1}  # asha|ravi twice; asha|meera once
    assert ents["confusion"]["LOC"] == {"GPE": 1}  # meera|ravi
    # the NUM only asha and ravi labelled: missing in meera's work, whichever side of the pair she is on
    assert ents["confusion"]["NUM"] == {"NUM": 1, "(none)": 1}  # asha|ravi; asha|meera
    assert ents["confusion"]["(none)"] == {"NUM": 1}  # meera|ravi
    assert list(ents["confusion"]) == ["ARMED_GROUP", "GPE", "LOC", "NUM", "(none)"]  # "(none)" last
    # every compared span is in one cell: a pair of spans, or one span and "(none)"
    # (asha|ravi: 4 pairs; asha|meera: 2 pairs and asha's NUM; meera|ravi: 2 pairs and ravi's NUM)
    assert sum(n for row in ents["confusion"].values() for n in row.values()) == 4 + 3 + 3
    assert 0 < ents["token_kappa"]["value"] < 1
    # Krippendorff's unitizing alpha, per pair on the shared documents laid end to end (d1 then d2)
    t1, t2 = (f"{BASE} ({n})" for n in (1, 2))
    shift = len(t1)

    def laid(spans1, spans2):
        return [(s, e, label) for s, e, label in spans1] + [
            (s + shift, e + shift, label) for s, e, label in spans2
        ]

    gpe1, arm, arm_long, num = (
        at(t1, "पहलगाम"),
        at(t1, "लश्कर-ए-तैयबा"),
        at(t1, "लश्कर-ए-तैयबा के आतंकियों"),
        at(t1, "26"),
    )
    asha = laid([(*gpe1, "GPE"), (*arm, "ARMED_GROUP"), (*num, "NUM")], [(*at(t2, "पहलगाम"), "GPE")])
    ravi = laid([(*gpe1, "GPE"), (*arm_long, "ARMED_GROUP"), (*num, "NUM")], [(*at(t2, "पहलगाम"), "GPE")])
    expected = unitizing_alpha([asha, ravi], 0, shift + len(t2))
    pair = ents["pairwise"]["asha|ravi"]["unitizing_alpha"]
    assert pair == {"value": expected.overall().value, "units": 8}  # spans of both
    assert 0 < pair["value"] < 1  # only the ARMED_GROUP boundary differs
    assert expected.alpha("GPE").value == 1.0 and expected.alpha("NUM").value == 1.0
    assert ents["per_label"]["NUM"]["unitizing_alpha"]["value"] == pytest.approx(
        (1.0 + unitizing_alpha([[(*num, "NUM")], []], 0, shift).alpha("NUM").value * 2) / 3, abs=1e-4
    )  # asha|ravi agree; meera marked no NUM on d1 (her only shared document with each)
    assert ents["unitizing_alpha"]["units"] == sum(
        ents["pairwise"][p]["unitizing_alpha"]["units"] for p in ents["pairwise"]
    )

    events = out["events"]
    assert events["pairwise"]["asha|ravi"]["trigger_f1"] == {"value": 1.0, "units": 2}
    assert events["pairwise"]["asha|ravi"]["argument_f1"] == {"value": 0.5, "units": 1}
    assert events["pairwise"]["asha|ravi"]["attribute_agreement"] == {"value": 1.0, "units": 1}
    assert events["pairwise"]["asha|meera"]["trigger_f1"]["value"] == 0.0
    assert events["pairwise"]["asha|meera"]["argument_f1"]["reason"] == "no matched events"
    assert events["trigger_f1"]["value"] == pytest.approx(1 / 3, abs=1e-4)
    assert events["argument_f1"]["value"] == 0.5

    sentiment = out["sentiment"]
    assert sentiment["observed_agreement"] == {"value": 0.5, "units": 2}
    assert sentiment["pairwise"]["asha|meera"]["cohen_kappa"]["reason"] == "no variation"
    assert sentiment["pairwise"]["asha|ravi"]["cohen_kappa"] == {"value": 0.0, "units": 1}
    assert "meera|ravi" not in sentiment["pairwise"]  # ravi's ARMED_GROUP span is longer: not the same target

    text = format_agreement(compute_agreement(team_project))
    assert "krippendorff_alpha" in text and "asha|ravi" in text


def test_unfinished_annotators_and_layers(team_project):
    out = compute_agreement(team_project, include_unfinished=True, annotators=["asha", "ravi"]).as_dict()
    assert out["documents"] == 3
    assert out["annotators"] == ["asha", "ravi"]
    assert out["tone"]["cohen_kappa_pairwise"]["asha|ravi"]["units"] == 3
    assert out["tone"]["fleiss_kappa"]["units"] == 3 and out["tone"]["fleiss_kappa"]["value"] is not None

    only = compute_agreement(team_project, layers=["tone"]).as_dict()
    assert "entities" not in only and "tone" in only
    with pytest.raises(AnnotatorError):
        compute_agreement(team_project, layers=["colour"])
    cancel = CancelFlag()
    cancel.cancel()
    with pytest.raises(Cancelled):
        compute_agreement(team_project, cancel=cancel)


def test_no_document_with_two_annotators(team_project):
    out = compute_agreement(team_project, annotators=["asha"]).as_dict()
    assert out["documents"] == 0
    missing = {"value": None, "units": 0, "reason": "no document has two or more annotators"}
    assert out["tone"]["krippendorff_alpha"]["interval"] == missing
    assert out["tone"]["fleiss_kappa"] == missing
    assert out["entities"]["mean_pairwise_f1"]["exact"] == missing
    assert out["events"]["trigger_f1"] == missing
    assert out["sentiment"]["cohen_kappa"] == missing


def test_cli_agreement(tmp_path, capsys):
    path = tmp_path / "team.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records()) + "\n", encoding="utf-8")
    with init_project(tmp_path / "p.annotator") as project:
        import_paths(project, [path])
    target = str(tmp_path / "p.annotator")
    assert main(["agreement", target, "--json", "--quiet"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tone"]["krippendorff_alpha"]["nominal"]["units"] == 2
    assert out["entities"]["mean_pairwise_f1"]["overlap"]["value"] == pytest.approx(0.6)
    assert set(out) >= {"tone", "entities", "events", "sentiment"}

    args = ["agreement", target, "--layer", "tone", "--layer", "events", "--annotators", "asha,ravi"]
    assert main([*args, "--include-unfinished", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "3 document(s)" in text and "tone" in text and "entities" not in text


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"layers": ["tone"]},
        {"layers": ["events", "sentiment"], "annotators": ["asha", "ravi"]},
        {"include_unfinished": True},
        {"include_unfinished": True, "annotators": ["meera", "ravi"]},
    ],
)
def test_a_project_file_read_on_a_plain_sqlite3_connection_gives_the_same_figures(tmp_path, options):
    """agreement_file (the CLI's path on a project file: plain sqlite3, no SQLAlchemy) and
    compute_agreement on the opened project: the same report, figure for figure."""
    path = tmp_path / "team.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records()) + "\n", encoding="utf-8")
    target = tmp_path / "p.annotator"
    with init_project(target) as project:
        assert import_paths(project, [path]).ok
        expected = compute_agreement(project, **options)
    seen = []
    found = agreement_file(target, progress=lambda done, total, _m: seen.append((done, total)), **options)
    assert found is not None
    assert found.as_dict() == expected.as_dict()
    assert found.pair_documents == expected.pair_documents
    assert seen[0] == (4, 4)  # the documents read, then the layers


def test_agreement_file_leaves_what_it_cannot_read_to_the_usual_open(tmp_path):
    assert agreement_file(tmp_path / "missing.annotator") is None
    assert agreement_file("postgresql://localhost/nothing") is None
    target = tmp_path / "p.annotator"
    init_project(target).close()
    import sqlite3

    con = sqlite3.connect(target)
    con.execute("UPDATE alembic_version SET version_num = '0007'")  # an older revision: open upgrades it
    con.commit()
    con.close()
    assert agreement_file(target) is None


def test_the_garbage_collector_is_back_on_after_agreement_even_on_cancel(team_project):
    import gc

    assert gc.isenabled()
    compute_agreement(team_project)
    assert gc.isenabled()
    cancel = CancelFlag()
    cancel.cancel()
    with pytest.raises(Cancelled):
        compute_agreement(team_project, cancel=cancel)
    assert gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        compute_agreement(team_project, layers=["tone"])
        assert not gc.isenabled()
    finally:
        gc.enable()
