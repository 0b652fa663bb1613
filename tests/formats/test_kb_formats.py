"""Knowledge-base files, pure: TSV/CSV (the gazetteer format), JSONL and a Wikidata dump slice, each with
bad lines reported as FILE:LINE: reason and the good ones kept; writing and reading back gives the same
records."""

import bz2
import json

import pytest

from annotator.formats.kb import KbRecord, detect_format, read, write


def good(records):
    return [r for r in records if not r.problem]


def problems(records):
    return [r.problem for r in records if r.problem]


def test_tsv_in_the_gazetteer_format_with_bad_lines(tmp_path):
    path = tmp_path / "districts.tsv"
    path.write_text(
        "# districts of the valley\n"
        "id\tname\tlabel\tcanonical\taliases\tparent\tlatitude\tlongitude\n"
        "Q1\tAnantnag\tGPE\t\tअनंतनाग|Islamabad\tkb:jammu-and-kashmir\t33.73\t75.15\n"
        "\tPahalgam\tGPE\t\tपहलगाम\n"
        "Q3\t\tGPE\n"
        "Q4\tKulgam\t\t\n"
        "Q5\tShopian\tGPE\t\tशोपियां||x\n"
        "Q6\tSopore\tGPE\t\t\t\t99\t74\n"
        "Q7\ta\tb\tc\td\te\tf\tg\th\n"
        "\tCPI (Maoist)\tARMED_GROUP\tCommunist Party of India (Maoist)\tभाकपा (माओवादी)\n",
        encoding="utf-8",
    )
    records = list(read(path))
    assert [(r.id, r.name, r.label, r.aliases) for r in good(records)] == [
        ("Q1", "Anantnag", "GPE", ("अनंतनाग", "Islamabad")),
        ("", "Pahalgam", "GPE", ("पहलगाम",)),
        ("", "Communist Party of India (Maoist)", "ARMED_GROUP", ("CPI (Maoist)", "भाकपा (माओवादी)")),
    ]
    first = good(records)[0]
    assert (first.parent, first.latitude, first.longitude, first.origin) == (
        "kb:jammu-and-kashmir",
        33.73,
        75.15,
        f"{path}:3",
    )
    assert problems(records) == [
        f"{path}:5: no name",
        f"{path}:6: no label",
        f"{path}:7: empty item in aliases (two '|' in a row, or one at an end)",
        f"{path}:8: latitude '99' is not between -90 and 90",
        f"{path}:9: 9 fields but the header has 8 (tabs in a field?)",
    ]


def test_csv_quoted_and_a_label_map(tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text(
        'name,label,aliases,description\n"Lashkar-e-Taiba, Pakistan",TERROR,"LeT|लश्कर",a group\nX,,,\n',
        encoding="utf-8",
    )
    records = list(read(path, label_map={"TERROR": "ARMED_GROUP"}))
    assert [(r.name, r.label, r.aliases, r.description) for r in good(records)] == [
        ("Lashkar-e-Taiba, Pakistan", "ARMED_GROUP", ("LeT", "लश्कर"), "a group")
    ]
    assert problems(records) == [f"{path}:3: no label"]


def test_a_bad_header_is_one_problem(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("nom\tlabel\nA\tGPE\n", encoding="utf-8")
    assert problems(read(path)) == [
        f"{path}:1: bad header (no 'name' column; unknown column(s) 'nom'); columns: admin_areas, aliases, "
        "canonical, description, id, label, latitude, longitude, name, note, notes, parent, source"
    ]


def test_jsonl_with_bad_lines(tmp_path):
    path = tmp_path / "people.jsonl"
    lines = [
        json.dumps({"id": "Q380468", "name": "Hafiz Saeed", "label": "PER", "aliases": ["हाफ़िज़ सईद"]}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"name": "X", "label": "PER", "colour": "red"}),
        json.dumps({"name": "Y", "label": "PER", "aliases": "A|B", "admin_areas": ["Lahore", "Punjab"]}),
        json.dumps({"name": "Z", "label": "PER", "aliases": [1, 2]}),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    records = list(read(path))
    assert [(r.id, r.name, r.aliases, r.admin_areas) for r in good(records)] == [
        ("Q380468", "Hafiz Saeed", ("हाफ़िज़ सईद",), ()),
        ("", "Y", ("A", "B"), ("Lahore", "Punjab")),
    ]
    assert problems(records) == [
        f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{path}:3: expected a JSON object",
        f"{path}:4: unknown field(s) colour",
        f"{path}:6: aliases should be a list of texts",
    ]


def _item(qid, labels, aliases=None, p31=("Q4830453",), **claims):
    out = {
        "type": "item",
        "id": qid,
        "labels": {lang: {"language": lang, "value": v} for lang, v in labels.items()},
        "aliases": {
            lang: [{"language": lang, "value": v} for v in vs] for lang, vs in (aliases or {}).items()
        },
        "claims": {
            "P31": [
                {
                    "mainsnak": {
                        "datavalue": {"value": {"entity-type": "item", "id": q}, "type": "wikibase-entityid"}
                    }
                }
                for q in p31
            ],
            **claims,
        },
    }
    return out


def test_a_wikidata_dump_slice_offline_with_instance_of_mapped(tmp_path):
    items = [
        _item(
            "Q485436",
            {"en": "Lashkar-e-Taiba", "hi": "लश्कर-ए-तैयबा", "ur": "لشکر طیبہ"},
            {"en": ["LeT", "Lashkar-e-Tayyiba"]},
            p31=("Q17127659",),
        ),
        _item(
            "Q1172464",
            {"hi": "पहलगाम", "en": "Pahalgam"},
            p31=("Q515",),
            P625=[{"mainsnak": {"datavalue": {"value": {"latitude": 34.01, "longitude": 75.31}}}}],
            P131=[{"mainsnak": {"datavalue": {"value": {"id": "Q1195"}}}}],
        ),
        _item("Q5", {"en": "human"}, p31=("Q23958852",)),  # not in the map
        {"type": "item", "id": "Q9", "labels": {}},
    ]
    text = "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + ",\n{broken\n]\n"
    path = tmp_path / "slice.json.bz2"
    path.write_bytes(bz2.compress(text.encode("utf-8")))
    records = list(read(path, label_map={"Q17127659": "ARMED_GROUP", "Q515": "GPE"}))
    let, pahalgam = good(records)
    assert (let.id, let.name, let.label) == ("Q485436", "Lashkar-e-Taiba", "ARMED_GROUP")
    assert set(let.aliases) == {"लश्कर-ए-तैयबा", "لشکر طیبہ", "LeT", "Lashkar-e-Tayyiba"}
    assert (pahalgam.name, pahalgam.latitude, pahalgam.longitude, pahalgam.parent) == (
        "Pahalgam",
        34.01,
        75.31,
        "Q1195",
    )
    assert problems(records) == [
        f"{path}:4: Q5: no instance-of (P31) (Q23958852) in --label-map "
        "(e.g. --label-map Q5=PER,Q4830453=ORG)",
        f"{path}:5: Q9: no label in any language",
        f"{path}:6: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
    ]


RECORDS = [
    KbRecord("Q485436", "Lashkar-e-Taiba", "ARMED_GROUP", ("LeT", "लश्कर-ए-तैयबा", "لشکر طیبہ"), "a group"),
    KbRecord("Q1172464", "Pahalgam", "GPE", ("पहलगाम",), "", "Q1195", 34.01, 75.31, ("Anantnag", "J&K")),
    KbRecord("kb:hafiz-saeed", "Hafiz Saeed", "PER", (), "", "Q485436"),
]


@pytest.mark.parametrize("fmt", ["tsv", "csv", "jsonl", "wikidata"])
def test_write_then_read_gives_the_records_back(tmp_path, fmt):
    label_map = {"Q17127659": "ARMED_GROUP", "Q515": "GPE", "Q5": "PER"}
    path = tmp_path / f"kb.{fmt if fmt != 'wikidata' else 'json'}"
    path.write_text(write(RECORDS, fmt, label_map), encoding="utf-8")
    assert detect_format(path) == fmt
    back = list(read(path, fmt, label_map if fmt == "wikidata" else None))
    expected = RECORDS
    if fmt == "wikidata":  # a dump slice has no admin areas
        expected = [KbRecord(**{**r.__dict__, "admin_areas": ()}) for r in RECORDS]
    assert back == expected
