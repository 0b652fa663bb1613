"""The admin areas of an incident's place where the gazetteer knows them (issue 17): the gazetteer's
``admin`` file (format, bad lines, the shipped one), the one look-up across scripts, and the incident table's
``country``/``admin1``/``admin2`` columns in CSV and JSONL, and the place filter."""

import csv
import json

import pytest

from annotator.services import incidents as inc
from annotator.suggest.gazetteer import (
    DEFAULT_ADMIN_AREAS,
    DEFAULT_GAZETTEER,
    GazetteerError,
    read_admin_areas,
    read_entries,
)
from tests.services.test_incident_adjudication import linked  # noqa: F401


def test_the_admin_file_format_and_its_bad_lines(tmp_path):
    good = tmp_path / "areas.tsv"
    good.write_text(
        "# comment\nname\tadmin\nPahalgam\tIndia > Jammu and Kashmir > Anantnag\nIndia\tIndia\n",
        encoding="utf-8",
    )
    assert read_admin_areas(good) == {
        "Pahalgam": ("India", "Jammu and Kashmir", "Anantnag"),
        "India": ("India",),
    }
    bad = tmp_path / "bad.tsv"
    bad.write_text("name\tadmin\nA\tIndia >  > X\nB\nA\tIndia\nA\tPakistan\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as found:
        read_admin_areas(bad)
    assert found.value.problems == [
        f"{bad}:2: an empty area in 'India >  > X'",
        f"{bad}:3: expected a name and its areas, tab-separated",
        f"{bad}:5: 'A' given twice",
    ]
    header = tmp_path / "header.tsv"
    header.write_text("name\tlabel\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="bad header; expected name / admin"):
        read_admin_areas(header)


def test_the_shipped_areas_name_places_of_the_shipped_gazetteer():
    from annotator.resources import resource_path

    areas = read_admin_areas(resource_path(*DEFAULT_ADMIN_AREAS))
    labels = {e.name: e.label for e in read_entries(resource_path(*DEFAULT_GAZETTEER))}
    assert len(areas) > 250
    assert all(labels.get(name) in ("GPE", "LOC", "FAC") for name in areas), [
        n for n in areas if labels.get(n) not in ("GPE", "LOC", "FAC")
    ]
    assert all(1 <= len(a) <= 3 for a in areas.values())
    assert areas["Kupwara"] == ("India", "Jammu and Kashmir", "Kupwara")
    assert "Hyderabad" not in areas and "Punjab" not in areas  # ambiguous names have none


def test_the_look_up_works_across_scripts_and_by_place_id():
    anantnag = ("India", "Jammu and Kashmir", "Anantnag")
    assert inc.admin_areas(None, "पहलगाम") == anantnag
    assert inc.admin_areas(None, "pahalgam ") == anantnag
    assert inc.admin_areas("Pahalgam", "the meadow above the town") == anantnag
    assert inc.admin_areas(None, "लाहौर") == ("Pakistan", "Punjab", "Lahore")
    assert inc.admin_areas(None, "Nowhere Town") == () and inc.admin_areas(None, None) == ()


def test_the_incident_table_has_the_admin_areas(linked, tmp_path):  # noqa: F811
    out = tmp_path / "incidents.csv"
    inc.export_incidents(linked, out, format="csv", annotator="asha")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[5:10] == ["place_id", "place", "country", "admin1", "admin2"]
    assert (rows[0]["place"], rows[0]["country"], rows[0]["admin1"], rows[0]["admin2"]) == (
        "पहलगाम",
        "India",
        "Jammu and Kashmir",
        "Anantnag",
    )
    out = tmp_path / "incidents.jsonl"
    inc.export_incidents(linked, out, format="jsonl", annotator="asha")
    place = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["place"]
    assert place == {
        "id": None,
        "name": "पहलगाम",
        "country": "India",
        "admin1": "Jammu and Kashmir",
        "admin2": "Anantnag",
    }
    # the summaries the incident view shows carry them, and the place filter finds an area
    [asha] = inc.incident_summaries(linked, annotator="asha")
    assert asha.admin == ("India", "Jammu and Kashmir", "Anantnag")
    assert inc.IncidentFilter(place="anantnag").matches(asha)
    assert not inc.IncidentFilter(place="Kupwara").matches(asha)
