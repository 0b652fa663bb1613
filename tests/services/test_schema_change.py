"""Schemas that evolve: diff, apply (rename, merge, drop, split), versions, refusals, packages across
versions."""

import json
import sqlite3

import pytest
from sqlalchemy import func, select

from annotator.cli import main
from annotator.schema import default_schema, parse_schema, schema_to_toml
from annotator.schema.evolution import MappingError, parse_mapping
from annotator.services import schema_change as sc
from annotator.services.adjudication import auto_adjudicate
from annotator.services.annotate import AddSpans, Editor
from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.services.packages import PackageError, export_package, import_packages, project_id
from annotator.services.project import init_project, open_project
from annotator.store.models import (
    Annotator,
    Assignment,
    Entity,
    Event,
    EventArgument,
    GoldProvenance,
    Relation,
    SchemaReview,
    SchemaVersion,
    TargetedSentiment,
    Tombstone,
    utcnow,
)

TEXT = "लश्कर-ए-तैयबा के आतंकियों ने पहलगाम में हमला किया। TRF ने पहाड़ी इलाके से ज़िम्मेदारी ली।"


def at(surface: str) -> tuple[int, int]:
    start = TEXT.index(surface)
    return start, start + len(surface)


def block(name: str, trf_label: str = "ARMED_GROUP") -> dict:
    let, trf, pahalgam, hills, attack = (
        at("लश्कर-ए-तैयबा"),
        at("TRF"),
        at("पहलगाम"),
        at("पहाड़ी इलाके"),
        at("हमला"),
    )
    return {
        "annotator": name,
        "status": "done",
        "entities": [
            {"id": "T1", "start": let[0], "end": let[1], "label": "ARMED_GROUP"},
            {"id": "T2", "start": trf[0], "end": trf[1], "label": trf_label},
            {"id": "T3", "start": pahalgam[0], "end": pahalgam[1], "label": "LOC"},
            {"id": "T4", "start": hills[0], "end": hills[1], "label": "LOC"},
        ],
        "events": [
            {
                "id": "E1",
                "type": "ATTACK",
                "trigger": {"start": attack[0], "end": attack[1]},
                "arguments": [{"role": "Attacker", "entity": "T1"}, {"role": "Place", "entity": "T3"}],
                "attributes": {"modality": "actual"},
            }
        ],
        "relations": [{"id": "R1", "type": "FRONT_OF", "from": "T2", "to": "T1"}],
        "document": {"tone": -1},
        "sentiment": [{"target": "T1", "polarity": "NEG"}],
    }


@pytest.fixture
def labelled(project, tmp_path):
    """Two annotators' labels on one document, and gold decided by majority from them."""
    src = tmp_path / "in.jsonl"
    record = {"id": "d1", "title": "हमला", "text": TEXT, "annotations": [block("asha"), block("ravi")]}
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    auto_adjudicate(project, policy="majority")
    return project


def new_schema(old_text: str | None = None, **replacements: str):
    text = old_text if old_text is not None else schema_to_toml(default_schema())
    for old, new in replacements.items():
        text = text.replace(old, new)
    return parse_schema(text)


def without(name: str):
    """The default schema without entity type ``name``, nor any mention of it (roles, relations)."""
    from dataclasses import replace

    schema = default_schema()

    def keep(types):
        return tuple(t for t in types if t != name)

    events = tuple(
        replace(e, roles=tuple(replace(r, types=keep(r.types)) for r in e.roles if keep(r.types)))
        for e in schema.events
    )
    relations = tuple(
        replace(r, from_types=keep(r.from_types), to_types=keep(r.to_types))
        for r in schema.relations
        if keep(r.from_types) and keep(r.to_types)
    )
    entities = tuple(e for e in schema.entities if e.name != name)
    smaller = replace(schema, entities=entities, events=events, relations=relations)
    return parse_schema(schema_to_toml(smaller))


def renamed_schema():
    return new_schema(**{'"ARMED_GROUP"': '"MILITANT_GROUP"'})


def exported(project, tmp_path, name="x") -> bytes:
    out = tmp_path / f"{name}.jsonl"
    export_jsonl(project, out)
    return out.read_bytes()


def counts(project) -> dict[str, int]:
    with project.engine.connect() as conn:
        return {
            model.__tablename__: conn.scalar(select(func.count()).select_from(model))
            for model in (Entity, Event, EventArgument, Relation, TargetedSentiment, GoldProvenance)
        }


def test_rename_rewrites_every_row_and_records_the_version(labelled, tmp_path):
    before = counts(labelled)
    found = sc.diff(labelled, renamed_schema(), parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"]))
    assert found.problems == []
    assert (
        "entity ARMED_GROUP → MILITANT_GROUP (rename): 6 entities" in found.lines
    )  # 2 each: asha, ravi, gold
    report = sc.apply(
        labelled, renamed_schema(), parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"]), applied_by="lead"
    )
    assert report.changed and report.version == 2
    assert report.backup is None or report.backup.exists()
    assert counts(labelled) == before  # nothing lost
    with labelled.engine.connect() as conn:
        labels = conn.execute(select(Entity.label, func.count()).group_by(Entity.label)).all()
        assert dict(labels) == {"MILITANT_GROUP": 6, "LOC": 6}
        # every row made under version 1 says so; gold provenance names the new label
        assert conn.scalar(select(func.count()).where(Entity.schema_version.is_(None))) == 0
        assert set(conn.scalars(select(Entity.schema_version))) == {1}
        keys = list(conn.scalars(select(GoldProvenance.item_key)))
        assert any("MILITANT_GROUP" in k for k in keys) and not any("ARMED_GROUP" in k for k in keys)
        versions = conn.execute(select(SchemaVersion.number, SchemaVersion.applied_by)).all()
        assert versions == [(1, None), (2, "lead")]
    text = exported(labelled, tmp_path).decode()
    assert "MILITANT_GROUP" in text and "ARMED_GROUP" not in text
    # reopened, the project has the new schema; a label made now carries no version (the current one)
    labelled.close()
    with open_project(labelled.location) as again:
        assert again.schema.kind_of("MILITANT_GROUP") == "entity"
        assert sc.show(again)["version"] == 2


def test_applying_the_same_version_twice_changes_nothing(labelled, tmp_path):
    mapping = parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"])
    sc.apply(labelled, renamed_schema(), mapping)
    first = exported(labelled, tmp_path, "a")
    report = sc.apply(labelled, renamed_schema(), mapping)
    assert not report.changed and report.version == 2
    assert exported(labelled, tmp_path, "b") == first
    assert [v.number for v in sc.versions(labelled)] == [1, 2]


def test_label_in_use_removed_without_mapping_is_refused_with_counts(labelled, tmp_path):
    before = exported(labelled, tmp_path, "a")
    with pytest.raises(sc.SchemaChangeError) as err:
        sc.apply(labelled, renamed_schema())
    assert any(
        p.startswith("6 entities labelled ARMED_GROUP, which the new schema lacks")
        for p in err.value.problems
    )
    assert exported(labelled, tmp_path, "b") == before
    assert [v.number for v in sc.versions(labelled)] == [1]


def test_unused_label_removed_applies_at_once(labelled):
    report = sc.apply(labelled, without("WEAPON"))
    assert report.changed and "entity WEAPON: removed (no annotation uses it)" in report.lines


def test_rename_onto_a_name_that_stays_is_refused_naming_merge(labelled):
    with pytest.raises(sc.SchemaChangeError) as err:
        sc.apply(labelled, default_schema(), parse_mapping(renames=["ARMED_GROUP=ORG"]))
    assert any("--merge ARMED_GROUP+ORG=ORG" in p for p in err.value.problems)


def test_mapping_to_unknown_names_lists_every_problem(labelled):
    with pytest.raises(sc.SchemaChangeError) as err:
        sc.apply(
            labelled,
            renamed_schema(),
            parse_mapping(renames=["ARMED_GROUP=NOPE", "GHOST=PER"], drops=["ATTACK.Nobody"]),
        )
    problems = err.value.problems
    assert any("NOPE is not in the new schema" in p for p in problems)
    assert any(p.startswith("GHOST: not in the current schema") for p in problems)
    assert any(p.startswith("ATTACK.Nobody: not in the current schema") for p in problems)


def test_mapping_options_that_do_not_parse():
    with pytest.raises(MappingError) as err:
        parse_mapping(renames=["A"], merges=["A=B"], splits=["X=Y"], drops=["B", "B"])
    assert len(err.value.problems) == 4


def test_merge_removes_duplicates_and_repoints_what_referred_to_them(labelled, tmp_path):
    # asha labels TRF again as ORG on the same span: after merging ORG into ARMED_GROUP it would be twice
    editor = Editor(labelled, "asha")
    trf = at("TRF")
    AddSpans(1, [(trf[0], trf[1], "ORG")]).apply(editor)
    with labelled.engine.begin() as conn:
        n_before = conn.scalar(select(func.count()).select_from(Entity))
        relations = conn.execute(select(Relation.from_entity_id, Relation.to_entity_id)).all()
        older, newer = conn.execute(
            select(Entity.id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == "asha", Entity.start == trf[0])
            .order_by(Entity.created_at)
        ).scalars()
        # a sentiment on the newer of the two: it must follow to the one that stays
        conn.execute(
            TargetedSentiment.__table__.insert().values(
                id="S-new",
                document_id=1,
                annotator_id=conn.scalar(select(Annotator.id).where(Annotator.name == "asha")),
                entity_id=newer,
                polarity="NEG",
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
    new = without("ORG")
    report = sc.apply(labelled, new, parse_mapping(merges=["ORG+ARMED_GROUP=ARMED_GROUP"]))
    assert report.merged_duplicates == 1
    with labelled.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Entity)) == n_before - 1
        assert conn.scalar(select(func.count()).select_from(Tombstone)) == 1
        # the relations from TRF keep both ends; what pointed at the removed duplicate points at the older
        assert conn.execute(select(Relation.from_entity_id, Relation.to_entity_id)).all() == relations
        assert (
            conn.scalar(select(TargetedSentiment.entity_id).where(TargetedSentiment.id == "S-new")) == older
        )
        assert conn.scalar(select(Tombstone.id)) == newer


def test_drop_deletes_the_annotations_and_what_hangs_on_them(labelled):
    text = schema_to_toml(default_schema())
    mapping = parse_mapping(drops=["ATTACK.Attacker"])
    found = sc.diff(labelled, parse_schema(text), mapping)
    # ATTACK keeps its Attacker role in this schema: dropping what stays is allowed and deletes the arguments
    assert found.problems == []
    sc.apply(labelled, parse_schema(text.replace('name = "Attacker"', 'name = "Assailant"')), mapping)
    with labelled.engine.connect() as conn:
        roles = set(conn.scalars(select(EventArgument.role)))
    assert roles == {"Place"}


def test_dropping_a_type_counts_and_cascades(labelled):
    new = renamed_schema()
    mapping = parse_mapping(drops=["ARMED_GROUP"])
    found = sc.diff(labelled, new, mapping)
    assert found.problems == [] and any("argument" in n and "relation" in n for n in found.notes)
    sc.apply(labelled, new, mapping)
    with labelled.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Entity)) == 6  # the LOC spans
        assert conn.scalar(select(func.count()).select_from(Relation)) == 0
        assert conn.scalar(select(func.count()).select_from(TargetedSentiment)) == 0
        assert set(conn.scalars(select(EventArgument.role))) == {"Place"}


def test_split_gives_a_provisional_type_by_rule_and_queues_for_review(labelled):
    new = default_schema()  # LOC and GPE both stay: LOC is split into the two
    report = sc.apply(labelled, new, parse_mapping(splits=["LOC=LOC|GPE"]))
    assert report.queued == 6
    queue = sc.review_queue(labelled)
    by_surface = {(item.annotator, item.surface): item for item in queue}
    pahalgam = by_surface[("asha", "पहलगाम")]
    assert pahalgam.label == "GPE" and pahalgam.reason.startswith("gazetteer")
    assert by_surface[("asha", "पहाड़ी इलाके")].label == "LOC"
    sc.resolve(labelled, by_surface[("asha", "पहाड़ी इलाके")].id, "GPE")
    assert len(sc.review_queue(labelled)) == 5
    with labelled.engine.connect() as conn:
        assert (
            conn.scalar(select(Entity.label).where(Entity.id == by_surface[("asha", "पहाड़ी इलाके")].id))
            == "GPE"
        )
    with pytest.raises(Exception, match="not one of the choices"):
        sc.resolve(labelled, pahalgam.id, "PER")
    assert sc.accept_proposals(labelled) == 5
    assert sc.review_queue(labelled) == []


def test_a_schema_that_does_not_parse_is_one_line_naming_the_file(sqlite_project, tmp_path, capsys):
    bad = tmp_path / "new.toml"
    bad.write_text("[[entities]\nname = ", encoding="utf-8")
    sqlite_project.close()
    assert main(["schema", "apply", str(sqlite_project.location), str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and err[0].count("new.toml") == 1


def test_cli_diff_apply_show(labelled, tmp_path, capsys):
    if labelled.engine.dialect.name != "sqlite":
        pytest.skip("the CLI test runs on a project file")
    new = tmp_path / "new.toml"
    new.write_text(schema_to_toml(renamed_schema()), encoding="utf-8")
    location = str(labelled.location)
    labelled.close()
    assert main(["schema", "diff", location, str(new)]) == 1  # refused: ARMED_GROUP in use
    out = capsys.readouterr().out
    assert "refused: 6 entities labelled ARMED_GROUP" in out
    assert (
        main(["schema", "diff", location, str(new), "--rename", "ARMED_GROUP=MILITANT_GROUP", "--json"]) == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert shown["next_version"] == 2 and shown["problems"] == []
    assert (
        main(
            ["schema", "apply", location, str(new), "--rename", "ARMED_GROUP=MILITANT_GROUP", "--by", "lead"]
        )
        == 0
    )
    assert "schema version 2 applied" in capsys.readouterr().out
    assert main(["schema", "show", location, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == 2 and shown["versions"][1]["applied_by"] == "lead"
    assert main(["schema", "show", location, "--at", "1"]) == 0  # what annotators were told under version 1
    assert '"ARMED_GROUP"' in capsys.readouterr().out
    assert main(["schema", "show", location, "--at", "7"]) == 1
    assert "no schema version 7 in this project (versions: 1, 2)" in capsys.readouterr().err
    assert shown["versions"][1]["mapping"]["rename"] == ["ARMED_GROUP=MILITANT_GROUP"]
    assert {e["name"]: e["count"] for e in shown["entities"]}["MILITANT_GROUP"] == 6
    assert main(["export", location, "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"), "--quiet"]) == 0
    assert "(labels of schema version 2)" in capsys.readouterr().out


def _assign(project, name: str) -> None:
    with project.engine.begin() as conn:
        aid = conn.scalar(select(Annotator.id).where(Annotator.name == name))
        conn.execute(
            Assignment.__table__.insert(),
            [{"id": f"{name}-1", "document_id": 1, "annotator_id": aid, "created_at": utcnow()}],
        )


def test_package_made_under_an_older_version_merges_through_the_mapping(labelled, tmp_path):
    if labelled.engine.dialect.name != "sqlite":
        pytest.skip("packages are SQLite files; the lead's backend is covered by the rename tests")
    _assign(labelled, "asha")
    package = tmp_path / "asha.package"
    export_package(labelled, "asha", package)
    # offline, asha labels another armed group under version 1
    with open_project(package) as offline:
        AddSpans(1, [(at("आतंकियों")[0], at("आतंकियों")[1], "ARMED_GROUP")]).apply(Editor(offline, "asha"))
    sc.apply(labelled, renamed_schema(), parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"]))
    report = import_packages(labelled, [package])
    assert report.added == 1
    with labelled.engine.connect() as conn:
        labels = set(conn.scalars(select(Entity.label)))
        assert "ARMED_GROUP" not in labels and "MILITANT_GROUP" in labels
        made = conn.execute(
            select(Entity.label, Entity.schema_version).where(Entity.start == at("आतंकियों")[0])
        ).all()
        assert made == [("MILITANT_GROUP", 1)]  # made under version 1, mapped


def test_package_made_under_a_newer_version_is_refused(labelled, tmp_path):
    if labelled.engine.dialect.name != "sqlite":
        pytest.skip("packages are SQLite files")
    # a copy of the project moves on to version 2 and makes a package; the original is still at 1
    project_id(labelled)
    copy = tmp_path / "copy.annotator"
    src, dst = sqlite3.connect(labelled.location), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    with open_project(copy) as moved:
        sc.apply(moved, renamed_schema(), parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"]))
        _assign(moved, "asha")
        export_package(moved, "asha", tmp_path / "new.package")
    with pytest.raises(PackageError, match="made under schema version 2, newer than this project's"):
        import_packages(labelled, [tmp_path / "new.package"])


def test_a_package_refuses_schema_changes(labelled, tmp_path):
    if labelled.engine.dialect.name != "sqlite":
        pytest.skip("packages are SQLite files")
    _assign(labelled, "asha")
    export_package(labelled, "asha", tmp_path / "p.package")
    with (
        open_project(tmp_path / "p.package") as package,
        pytest.raises(sc.SchemaChangeError, match="package"),
    ):
        sc.apply(package, renamed_schema(), parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"]))


def test_a_new_project_starts_at_version_one(tmp_path):
    with init_project(tmp_path / "n.annotator") as project:
        assert [(v.number, v.fingerprint) for v in sc.versions(project)] == [(1, project.schema.fingerprint)]
        with project.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(SchemaReview)) == 0


def test_the_dataset_card_names_the_schema_version(labelled, tmp_path):
    from annotator.services.datasets import export_dataset

    editor = Editor(labelled, "asha")
    sc.apply(
        labelled, renamed_schema(), parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"]), applied_by="lead"
    )
    made = at("आतंकियों")
    AddSpans(1, [(made[0], made[1], "MILITANT_GROUP")]).apply(editor)  # made under version 2
    export_dataset(labelled, "conll", tmp_path / "ds", annotation_set="asha")
    card = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    fingerprint = sc.versions(labelled)[-1].fingerprint[:12]
    assert f"Schema version 2 (fingerprint `{fingerprint}`)." in card
    assert "- version 2 by lead, " in card and "ARMED_GROUP → MILITANT_GROUP (rename)" in card
    assert "by the schema version they were made under: version 1: 12, version 2: 1" in card


def test_agreement_says_when_older_versions_are_compared_mapped(labelled):
    from annotator.services.agreement import compute_agreement

    sc.apply(labelled, renamed_schema(), parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"]))
    editor = Editor(labelled, "asha")
    made = at("आतंकियों")
    AddSpans(1, [(made[0], made[1], "MILITANT_GROUP")]).apply(editor)  # made under version 2
    report = compute_agreement(labelled, layers=["entities"])
    assert report.schema == {
        "version": 2,
        "made_under": [1, 2],
        "mapped": True,
        "note": report.schema["note"],
    }
    assert report.schema["note"].startswith(
        "annotations made under schema version(s) 1 are compared as mapped"
    )
    assert report.as_dict()["schema"]["version"] == 2
