"""The ``annotator`` command: headless project work (init, import, export, stats, team) and the demo.

Uses the same services as the GUI. User errors print one line (``annotator: error: …``) and exit non-zero,
never a traceback.

Start-up: this module imports the standard library and annotator.errors only, so ``--version`` and
``--help`` need nothing more; each command imports its services when it runs (SQLAlchemy, Alembic, the
transliteration tables, tqdm, Qt only where used), and :func:`main` builds the parser of that command
only. tests/cli/test_startup_imports.py guards that.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from annotator import __version__
from annotator.errors import AnnotatorError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~1.5 ms) at every start
if TYPE_CHECKING:
    from typing import Any

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_RECORDS = 3  # finished, but some records were bad (reported above)
#: The roles ``annotators add --role`` takes: annotator.annotations.ROLES (a test keeps them equal), not
#: imported from there, which would add its dataclasses and enums (about 10 ms) to every start.
ROLES = ("annotator", "adjudicator", "lead")


@contextmanager
def progress_bar(desc: str, unit: str = "B", enabled: bool = True) -> Iterator[Callable]:
    """A progress callback drawing a bar on stderr (only on a terminal); the bar (and tqdm) comes with the
    first report, so a command that reports no progress does not import it."""
    bar = None

    def update(done: int, total: int | None, _message: str) -> None:
        nonlocal bar
        if not enabled:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(
                desc=desc,
                total=None,
                unit=unit,
                unit_scale=unit == "B",
                unit_divisor=1024 if unit == "B" else 1000,
                disable=None,  # only on a terminal
                file=sys.stderr,
                leave=False,
            )
        if total is not None and bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def _print_report(report) -> None:
    def line(text: object) -> str:  # whatever a file put in a message prints on any stream
        return str(text).encode("utf-8", "backslashreplace").decode("utf-8")

    for error in report.errors:
        print(line(f"error: {error}"), file=sys.stderr)
    for warning in report.warnings:
        print(line(f"warning: {warning}"), file=sys.stderr)
    print(report.summary())


def cmd_init(args: argparse.Namespace) -> int:
    from annotator.services.project import init_project

    notes: list[str] = []
    with init_project(args.project, args.schema, notes) as project:
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        print(f"created {project.location} with schema '{project.schema.name}'")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.services.importing import import_paths, parse_label_map
    from annotator.services.project import open_project

    with open_project(args.project) as project, progress_bar("import", enabled=not args.quiet) as bar:
        report = import_paths(
            project,
            args.paths,
            fmt=args.format,
            strict=args.strict,
            progress=bar,
            annotator=args.annotator,
            label_map=parse_label_map(args.label_map),
            scheme=args.scheme,
            group=args.group,
            tag_column=None if args.tag_column is None else args.tag_column - 1,
            clean=args.clean,
            read_also=args.read_also,
        )
    _print_report(report)
    return EXIT_OK if report.ok else EXIT_RECORDS


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.fileio import refuse_the_project
    from annotator.services.exporting import export_brat, export_jsonl
    from annotator.services.project import open_project

    out = Path(args.out)
    refuse_the_project(out, args.project)
    if not out.parent.exists():
        raise AnnotatorError(f"{out}: folder {out.parent} does not exist")
    if args.format in DATASET_FORMATS:
        return _export_dataset(args, out)
    dataset_only = [
        flag
        for flag, value in (
            ("--set", args.set),
            ("--split", args.split),
            ("--seed", args.seed),
            ("--stratify", args.stratify),
            ("--status", args.status),
            ("--crossing", args.crossing),
        )
        if value is not None
    ]
    if dataset_only:
        raise AnnotatorError(f"{', '.join(dataset_only)} apply to {', '.join(DATASET_FORMATS)} exports")
    if args.annotator and args.format != "brat":
        raise AnnotatorError("--annotator applies to --format brat (JSONL keeps every annotator)")
    with (
        open_project(args.project) as project,
        progress_bar("export", unit="doc", enabled=not args.quiet) as bar,
    ):
        from annotator.services.schema_change import versions

        if args.format == "brat":
            report = export_brat(project, out, annotator=args.annotator, progress=bar, viewer=args.viewer)
        else:
            report = export_jsonl(project, out, progress=bar, viewer=args.viewer)
        version = versions(project)[-1].number
    print(
        f"exported {report.documents} document(s) ({report.annotated} annotated) to {out} "
        f"(labels of schema version {version})"
    )
    return EXIT_OK


DATASET_FORMATS = ("conll", "hf", "spacy", "csv")


def _export_dataset(args: argparse.Namespace, out: Path) -> int:
    from annotator.services.datasets import export_dataset, parse_split
    from annotator.services.project import open_project

    if args.annotator or args.viewer:
        raise AnnotatorError("--annotator/--as apply to jsonl and brat; datasets take --set NAME")
    with (
        open_project(args.project) as project,
        progress_bar("export", unit="doc", enabled=not args.quiet) as bar,
    ):
        report = export_dataset(
            project,
            args.format,
            out,
            annotation_set=args.set or "gold",
            split=parse_split(args.split),
            seed=args.seed or 0,
            status=None if args.status == "any" else (args.status or "done"),
            stratify=args.stratify,
            crossing=args.crossing or "expand",
            progress=bar,
        )
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report.summary())
    return EXIT_OK


def cmd_package_export(args: argparse.Namespace) -> int:
    from annotator.fileio import refuse_the_project
    from annotator.services.packages import export_package
    from annotator.services.project import open_project

    refuse_the_project(args.out, args.project)
    with open_project(args.project) as project:
        n = export_package(project, args.annotator, args.out)
    print(f"work package for {args.annotator}: {n} document(s) in {args.out}")
    return EXIT_OK


def cmd_package_import(args: argparse.Namespace) -> int:
    from annotator.services.packages import import_packages
    from annotator.services.project import open_project

    with (
        open_project(args.project) as project,
        progress_bar("merge", unit="package", enabled=not args.quiet) as bar,
    ):
        report = import_packages(project, args.files, progress=bar)
    for conflict in report.conflicts:
        print(f"conflict: {conflict}", file=sys.stderr)
    print(report.summary())
    return EXIT_OK


def cmd_annotators_add(args: argparse.Namespace) -> int:
    from annotator.services.project import open_project
    from annotator.services.team import add_annotator

    with open_project(args.project) as project:
        print(add_annotator(project, args.name, args.role).summary())
    return EXIT_OK


def cmd_annotators_list(args: argparse.Namespace) -> int:
    from annotator.services.project import open_project
    from annotator.services.team import list_annotators

    with open_project(args.project) as project:
        people = list_annotators(project)
    if args.json:
        print(json.dumps([vars(p) for p in people], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not people:
        print("no annotators yet (add one with `annotator annotators add PROJECT NAME`)")
        return EXIT_OK
    rows = [("name", "role", "assigned", "done")] + [(p.name, p.role, p.assigned, p.done) for p in people]
    width = max(len(r[0]) for r in rows)
    for name, role, assigned, done in rows:
        print(f"{name:<{width}}  {role:<11}  {assigned:>8}  {done:>6}")
    return EXIT_OK


def _names(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a comma-separated list of names")
    return names


def _fraction(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value}")
    return x


def cmd_assign(args: argparse.Namespace) -> int:
    from annotator.services.project import open_project
    from annotator.services.team import assign

    with open_project(args.project) as project:
        report = assign(
            project,
            args.annotators,
            per_doc=args.per_doc,
            overlap=args.overlap,
            seed=args.seed,
            checks=args.checks,
        )
    print(report.summary())
    return EXIT_OK


def cmd_checks(args: argparse.Namespace) -> int:
    from annotator.services.checks import (
        check_scores,
        format_check_scores,
        list_checks,
        mark_checks,
        unmark_checks,
    )
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        if args.action == "add":
            done = mark_checks(project, args.documents, marked_by=args.by)
            print(f"{len(done)} document(s) marked as checks" + (f": {', '.join(done)}" if done else ""))
        elif args.action == "remove":
            done = unmark_checks(project, args.documents)
            print(f"{len(done)} document(s) no longer checks" + (f": {', '.join(done)}" if done else ""))
        elif args.action == "scores":
            scores = check_scores(project)
            if args.json:
                print(json.dumps(scores, ensure_ascii=False, indent=2))
            else:
                print(format_check_scores(scores) if scores else "no finished work on checks yet")
        else:
            rows = list_checks(project)
            if args.json:
                print(
                    json.dumps(
                        [
                            {
                                "id": r.external_id,
                                "title": r.title,
                                "marked_by": r.marked_by,
                                "marked_at": r.marked_at.isoformat(),
                                "assigned": r.assigned,
                            }
                            for r in rows
                        ],
                        ensure_ascii=False,
                        indent=2,
                    )
                )
            else:
                for r in rows:
                    print(f"{r.external_id}\t{r.assigned} annotator(s)\t{r.title}")
                print(f"{len(rows)} check document(s)")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from annotator.services.project import check_project

    problems = check_project(args.project)
    if not problems:
        print(f"{args.project}: ok")
        return EXIT_OK
    print(f"{args.project}: damaged ({len(problems)} problem(s) found):")
    for problem in problems:
        print(f"  {problem}")
    print(f"`annotator repair {args.project} NEW.annotator` copies every readable row to a new project")
    return EXIT_ERROR


def cmd_repair(args: argparse.Namespace) -> int:
    from annotator.services.project import repair_project

    report = repair_project(args.project, args.out)
    for line in report.lines():
        print(line)
    lost = f"{report.lost} row(s) could not be kept" if report.lost else "every row was kept"
    print(f"repaired copy written to {args.out}: {lost}; {args.project} was not changed")
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    from annotator.services.project import open_project
    from annotator.services.team import blind_mode, set_blind_mode
    from annotator.services.timing import idle_cutoff, parse_idle_cutoff, set_idle_cutoff

    if args.key == "idle" and args.value is not None:  # checked before the project opens
        parse_idle_cutoff(args.value)
    with open_project(args.project) as project:
        if args.key == "blind" and args.value is not None:
            set_blind_mode(project, args.value == "on")
        elif args.key == "idle" and args.value is not None:
            set_idle_cutoff(project, args.value)
        if args.key in (None, "blind"):
            print(f"blind: {'on' if blind_mode(project) else 'off'}")
        if args.key in (None, "idle"):
            print(f"idle: {idle_cutoff(project):g} s")
    return EXIT_OK


class _SettingValue(argparse.Action):
    """A setting's new value, checked against the setting named before it (blind: on or off)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        if values is not None and namespace.key == "blind" and values not in ("on", "off"):
            parser.error(f"argument value: invalid choice: {values!r} (choose from 'on', 'off')")
        setattr(namespace, self.dest, values)


def cmd_suggest(args: argparse.Namespace) -> int:
    from annotator.services.project import open_project
    from annotator.services.suggestions import (
        blind_model_for,
        get_settings,
        model_info,
        set_settings,
        suggest_documents,
        train_model,
    )

    sources = [s.strip() for s in args.source.split(",") if s.strip()] if args.source else None
    with open_project(args.project) as project:
        if args.configure:
            settings = set_settings(
                project, sources=sources, min_score=args.min_score, retrain_after=args.retrain_after
            )
            print(
                f"sources: {', '.join(settings.sources) or 'none'}; model confidence from "
                f"{settings.min_score:g}; retrain after {settings.retrain_after} new labels"
            )
            return EXIT_OK
        if args.train:
            with progress_bar("train", unit="step", enabled=not args.quiet) as bar:
                info = train_model(project, annotator=args.annotator, progress=bar)
            m = info.metrics
            whose = "" if blind_model_for(project, args.annotator) is None else f"{args.annotator}'s "
            print(
                f"{whose}model trained on {info.documents} document(s), {info.spans} span(s); on "
                f"{m['held_out_documents']} held-out document(s): precision {m['precision']:.3f}, recall "
                f"{m['recall']:.3f}, F1 {m['f1']:.3f} "
                f"(most-frequent-label baseline F1 {m['baseline']['f1']:.3f})"
            )
            if not args.annotator:
                return EXIT_OK
        if not args.annotator:
            stored = model_info(project)
            settings = get_settings(project)
            print(
                f"sources: {', '.join(settings.sources) or 'none'}; model: {'trained' if stored else 'none'}"
            )
            raise AnnotatorError("name the annotator to suggest for: --annotator NAME")
        with progress_bar("suggest", unit="doc", enabled=not args.quiet) as bar:
            report = suggest_documents(
                project, args.annotator, sources=sources, only_assigned=args.assigned, progress=bar
            )
    print(report.summary())
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from annotator.services.project import open_project
    from annotator.services.stats import format_stats, project_stats

    with open_project(args.project) as project:
        stats = project_stats(project)
        if args.json:
            print(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
        else:
            print(format_stats(stats, project.location))
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.services.agreement import agreement_file, format_agreement

    layers, annotators, unfinished = args.layer, args.annotators, args.include_unfinished
    # incidents (linking across documents) are figured apart from the per-document layers: asked for, or
    # with every layer when the project has incidents
    incidents = layers is None or "incidents" in layers
    if layers is not None:
        layers = [name for name in layers if name != "incidents"] or None
        if layers is None:
            return _incident_agreement_only(args)
    # the bar is drawn only on a terminal: elsewhere, not even tqdm is imported
    with progress_bar("agreement", unit="doc", enabled=not args.quiet and sys.stderr.isatty()) as bar:
        # a project file at this program's revision is read on a plain sqlite3 connection (no SQLAlchemy,
        # engine or Alembic); anything else (a server, a file to upgrade) opens the project as usual
        report = agreement_file(
            args.project, layers=layers, annotators=annotators, include_unfinished=unfinished, progress=bar
        )
        if report is None:
            from annotator.services.agreement import compute_agreement
            from annotator.services.project import open_project

            with open_project(args.project) as project:
                report = compute_agreement(
                    project, layers=layers, annotators=annotators, include_unfinished=unfinished, progress=bar
                )
    if incidents:
        linking = _linking(args)
        if linking is not None and (linking["pairs"] or args.layer):
            report.layers["incidents"] = linking
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_agreement(report))
    return EXIT_OK


def _linking(args: argparse.Namespace) -> dict | None:
    """Agreement on linking events into incidents (None when no one linked any)."""
    import sqlite3

    path = Path(args.project).expanduser()
    if "://" not in str(args.project) and path.is_file():  # a file without incidents: no engine opened
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                if not con.execute("SELECT 1 FROM incident_mentions LIMIT 1").fetchall():
                    return None
            finally:
                con.close()
        except sqlite3.Error:
            pass  # an older project (no such table yet), busy…: the usual open says
    from annotator.services.incidents import has_incidents, incident_agreement
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        if not has_incidents(project):
            return None
        return incident_agreement(project, args.annotators)


def _incident_agreement_only(args: argparse.Namespace) -> int:
    from annotator.services.agreement import AgreementReport, format_agreement

    linking = _linking(args) or {"pairs": [], "conll_f1": None}
    documents = max((pair["documents"] for pair in linking["pairs"]), default=0)
    names = sorted({name for pair in linking["pairs"] for name in (pair["a"], pair["b"])})
    report = AgreementReport(documents, names, args.include_unfinished, {"incidents": linking})
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_agreement(report))
    return EXIT_OK


def _policy(value: str) -> str:
    from annotator.services.adjudication import check_policy

    try:
        return check_policy(value)
    except AnnotatorError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from annotator.services.adjudication import auto_adjudicate, format_scores, scores_against_gold
    from annotator.services.incidents import adjudicate_incidents
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        report = auto_adjudicate(project, args.policy, include_unfinished=args.include_unfinished)
        # after the gold events: links into gold incidents, by the same policy
        linked = adjudicate_incidents(project, args.policy, include_unfinished=args.include_unfinished)
        scores = scores_against_gold(project, include_unfinished=args.include_unfinished)
    print(report.summary())
    print(linked.summary())
    print(format_scores(scores))
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    import gc

    # a search makes no reference cycles worth collecting: the collector's passes over the modules being
    # imported cost about 4% of a later search (switched back on after, for a caller in the same process)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _search(args)
    finally:
        if enabled:
            gc.enable()


def _search(args: argparse.Namespace) -> int:
    from annotator.services.search import search_file

    # a project file at this program's revision is indexed (when behind) and searched on a plain sqlite3
    # connection (no engine, schema, SQLAlchemy or Alembic); anything else (a project to upgrade, a file
    # busy or read-only, a server) opens the project as usual
    with progress_bar("search", unit="doc", enabled=not args.quiet) as bar:
        hits = search_file(args.project, args.query, limit=args.limit, build=True, progress=bar)
    if hits is None:
        from annotator.services.project import open_project
        from annotator.services.search import search_documents

        with (
            open_project(args.project) as project,
            progress_bar("search", unit="doc", enabled=not args.quiet) as bar,
        ):
            hits = search_documents(project, args.query, limit=args.limit, progress=bar)
    if not hits:
        print(f"no document matches {args.query!r}")
        return EXIT_OK
    for hit in hits:
        print(f"{hit.score:.2f}  {hit.external_id}  {hit.title}")
        if hit.snippet:
            print(f"      {hit.snippet}")
            if args.romanize:
                from annotator.text import romanize

                print(f"      {romanize(hit.snippet, 'readable')}")
    return EXIT_OK


def _mapping_from(args: argparse.Namespace):
    from annotator.schema.evolution import parse_mapping

    return parse_mapping(
        renames=args.rename or (), merges=args.merge or (), drops=args.drop or (), splits=args.split or ()
    )


def cmd_schema_show(args: argparse.Namespace) -> int:
    from annotator.services import schema_change
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        if args.at is not None:
            print(schema_change.version_text(project, args.at), end="")
            return EXIT_OK
        shown = schema_change.show(project)
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{shown['name']}: schema version {shown['version']} ({shown['fingerprint'][:12]})")
    for entity in shown["entities"]:
        parent = f" (a {entity['parent']})" if entity["parent"] else ""
        print(f"  entity {entity['name']}{parent}: {entity['count']:,}")
    for event in shown["events"]:
        print(f"  event {event['name']}: {event['count']:,}")
        for role in event["roles"]:
            print(f"    role {role['name']}: {role['count']:,}")
    for relation in shown["relations"]:
        print(f"  relation {relation['name']}: {relation['count']:,}")
    if shown["awaiting_review"]:
        print(
            f"  {shown['awaiting_review']:,} annotation(s) of split types await review "
            "(annotator schema review)"
        )
    for version in shown["versions"]:
        by = f" by {version['applied_by']}" if version["applied_by"] else ""
        when = f" on {version['applied_at'][:16]}" if version["applied_at"] else ""
        print(f"  version {version['number']}{by}{when}: {version['summary']}")
    return EXIT_OK


def cmd_schema_diff(args: argparse.Namespace) -> int:
    from annotator.services import schema_change
    from annotator.services.project import open_project

    mapping = _mapping_from(args)
    new = schema_change.load_new_schema(args.schema)
    with open_project(args.project) as project:
        found = schema_change.diff(project, new, mapping)
    if args.json:
        print(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
    else:
        print(found.text())
    return EXIT_ERROR if found.problems else EXIT_OK


def cmd_schema_apply(args: argparse.Namespace) -> int:
    from annotator.services import schema_change
    from annotator.services.project import open_project
    from annotator.settings import Settings

    mapping = _mapping_from(args)
    new = schema_change.load_new_schema(args.schema)
    by = args.by or Settings.load().annotator or None
    with (
        open_project(args.project) as project,
        progress_bar("schema", unit="step", enabled=not args.quiet) as bar,
    ):
        report = schema_change.apply(project, new, mapping, applied_by=by, progress=bar)
    print(report.text())
    return EXIT_OK


def cmd_schema_review(args: argparse.Namespace) -> int:
    from annotator.services import schema_change
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        if args.accept_proposals:
            n = schema_change.accept_proposals(project)
            print(f"{n:,} provisional type(s) confirmed")
            return EXIT_OK
        if args.set:
            for item in args.set:
                item_id, sep, label = item.partition("=")
                if not sep:
                    raise AnnotatorError(f"--set {item}: write ID=LABEL")
                schema_change.resolve(project, item_id.strip(), label.strip())
            print(f"{len(args.set)} annotation(s) given their type")
            return EXIT_OK
        queue = schema_change.review_queue(project, annotator=args.annotator)
    if args.json:
        print(
            json.dumps(
                [item.__dict__ | {"choices": list(item.choices)} for item in queue],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if not queue:
        print("no annotation awaits review")
    for item in queue:
        print(
            f"{item.id}  {item.external_id}  {item.annotator}  {item.start}-{item.end} {item.surface!r}: "
            f"{item.source_label} → {item.label} (choices: {' | '.join(item.choices)}; {item.reason})"
        )
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from annotator.services.history import history, write_csv
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        entries = history(project, document=args.document)
    if args.csv:
        n = write_csv(entries, args.csv)
        print(f"{n:,} entries written to {args.csv}")
    elif args.json:
        print(json.dumps({"entries": [e.to_json() for e in entries]}, ensure_ascii=False, indent=2))
    else:
        for e in entries:
            where = f"{e.document}  " if e.document else ""
            print(f"{e.at}  {e.action:<8} {where}{e.annotator}: {e.what}")
    return EXIT_OK


def cmd_incidents_list(args: argparse.Namespace) -> int:
    from annotator.services.incidents import FIGURES, list_incidents
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        found = list_incidents(project, annotator=args.annotator)
    if args.json:
        print(json.dumps({"incidents": [i.to_json() for i in found]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        print("no incidents")
    for i in found:
        when = i.date_start or "?"
        if i.date_end and i.date_end != i.date_start:
            when += f"…{i.date_end}"
        figures = ", ".join(f"{k} {i.figure(k)}" for k in FIGURES if i.figure(k) is not None)
        place = f" in {i.place_name}" if i.place_name else ""
        print(f"{i.id}  {when}  {i.type or '?'}{place}  ({i.annotator}; {len(i.mentions)} source(s))")
        if figures:
            print(f"    {figures} (rule: {i.rule})")
        for m in i.mentions:
            print(f"    {m.external_id}  {m.trigger!r} {m.start}-{m.end}")
    return EXIT_OK


def cmd_incidents_export(args: argparse.Namespace) -> int:
    from annotator.fileio import refuse_the_project
    from annotator.services.incidents import export_incidents
    from annotator.services.project import open_project

    refuse_the_project(args.out, args.project)
    with open_project(args.project) as project:
        n = export_incidents(project, args.out, format=args.format, annotator=args.annotator)
    print(f"{n:,} {'mentions' if args.format == 'coref' else 'incidents'} written to {args.out}")
    return EXIT_OK


def cmd_incidents_suggest(args: argparse.Namespace) -> int:
    from annotator.services.incidents import propose_links
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        found = propose_links(project, args.annotator)
        stored = None
        if getattr(args, "store", False):
            from annotator.services.incidents import store_proposals

            stored = store_proposals(project, args.annotator)
            if not args.json:
                print(f"{stored} link proposal(s) kept for {args.annotator} (one rejected is not made again)")
    if args.json:
        rows = [
            {
                "document": p.document,
                "event": p.event_id,
                "trigger": p.trigger,
                "incident": p.candidate.incident_id,
                "score": p.candidate.score,
                "reason": p.candidate.reason,
            }
            for p in found
        ]
        print(
            json.dumps(
                {"proposals": rows, **({"stored": stored} if stored is not None else {})},
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if not found:
        print("no link to propose")
    for p in found:
        score, reason = p.candidate.score, p.candidate.reason
        print(f"{p.document}  {p.trigger!r} → {p.candidate.incident_id}  ({score:.2f}: {reason})")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.ui.app import run  # the one place the CLI reaches into the UI: to launch it

    return run(getattr(args, "project", None), getattr(args, "as_name", None))


def cmd_smoke_test(args: argparse.Namespace) -> int:
    from annotator.ui.smoke import main as smoke  # the window, driven as a person drives it

    return smoke(args.dir, startup=args.startup)


class _VersionAction(argparse.Action):
    """``--version``: the version, then the schema revision and where things live (services.report)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from annotator.services.report import version_lines

        print("\n".join([f"annotator {__version__}", *version_lines()]))
        parser.exit()


def cmd_demo(args: argparse.Namespace) -> int:
    from annotator.services.demo import ensure_demo_project

    path = ensure_demo_project(reset=getattr(args, "reset", False))
    print(f"demo project: {path}")
    return cmd_stats(argparse.Namespace(project=str(path), json=False))


class _Unbuilt:
    """A command's parser that is not built (see :class:`_OneCommand`): takes every call and forgets it."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return self._ignore

    def __setattr__(self, name: str, value: object) -> None:
        pass

    def _ignore(self, *args: object, **kwargs: object) -> _Unbuilt:
        return self


class _OneCommand:
    """The subparsers action while :func:`build_parser` builds one command's parser: that command's
    ``add_parser`` goes to the real action, every other command's to an :class:`_Unbuilt`."""

    def __init__(self, sub: argparse._SubParsersAction[argparse.ArgumentParser], command: str) -> None:
        self.sub = sub
        self.command = command
        self.found = False

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser | _Unbuilt:
        if name != self.command:
            return _Unbuilt()
        self.found = True
        return self.sub.add_parser(name, **kwargs)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``annotator`` command's parser; with ``command`` (a command's name), one that holds only that
    command's parser, which parses ``annotator COMMAND ...`` exactly as the whole one does (the same
    top-level options, the same subparser) without building the others (about 10 ms for all of them).
    A ``command`` that is no command's name gets the whole parser (whose error names every command);
    ``""`` gets no command's parser (for ``--version``)."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate South Asian security news (Hindi, English, mixed): entities, events, "
        "sentiment. Without a command, opens the annotation window on the last project (the demo project "
        "on first run).",
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        nargs=0,
        help="show the version, the schema revision and where settings and the last project live, and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    one = None if command is None else _OneCommand(sub, command)
    if one is not None:
        sub = one  # type: ignore[assignment]  # it takes add_parser

    p = sub.add_parser(
        "init", help="create a new project", description="Create a new project file (or database URL)."
    )
    p.add_argument("project", help="project file (e.g. news.annotator) or SQLAlchemy URL")
    p.add_argument(
        "--schema", metavar="FILE", help="label schema (TOML); default: the built-in security-news schema"
    )
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "import",
        help="import documents (and their annotations)",
        description="Import plain text (files or folders, recursively; first line = title), JSONL or CSV "
        "(fields id, title, text, url, source, published, lang; others kept as metadata), including "
        "annotations in native JSONL. Text already in the project is not stored twice. Bad records are "
        "reported with file:line while good ones are imported (exit status 3 when any was bad).",
    )
    p.add_argument("project")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--format",
        choices=[
            "jsonl",
            "csv",
            "text",
            "html",
            "brat",
            "conll",
            "doccano",
            "labelstudio",
            "prodigy",
            "webanno",
        ],
        help="input format (default: from the file extension: .jsonl .csv .txt .html .conll/.bio/.iob; a "
        "folder with .ann files is brat); doccano, labelstudio, prodigy and webanno must be named",
    )
    p.add_argument(
        "--annotator",
        metavar="NAME",
        help="whose labels those of another tool's file become (default: the format's name, e.g. conll)",
    )
    p.add_argument(
        "--label-map",
        metavar="MAP",
        help="labels of another tool's file to the project's: FROM=TO,… or a file of FROM=TO lines (or "
        "FROM<TAB>TO); a label holding = or , goes in double quotes (\"B=C\"=ORG); TO '-' "
        "leaves the label out (PERSON, LOCATION, ORGANIZATION, NUMEX, TIMEX, NEP, NEL, NEO, NETI, NEN … map "
        "to PER, LOC, ORG, NUM, DATE by default)",
    )
    p.add_argument(
        "--scheme",
        choices=["iob1", "iob2", "bioes", "bilou"],
        help="conll: the tagging scheme (default: detected from the file)",
    )
    p.add_argument(
        "--group",
        type=int,
        metavar="N",
        help="conll without -DOCSTART-: N sentences per document (default 1)",
    )
    p.add_argument(
        "--tag-column", type=int, metavar="N", help="conll: the column holding the tag (default: the last)"
    )
    p.add_argument(
        "--clean",
        action="store_const",
        const=True,
        help="text/html: cut trailing 'read also' link lists and mark embedded social-media posts as quotes",
    )
    p.add_argument(
        "--read-also",
        metavar="MARKERS",
        help="with --clean: comma-separated markers that start a 'read also' list, replacing the defaults "
        "(यह भी पढ़ें, ये भी पढ़ें, Also read, …); '+a,b' adds to them; '' cuts nothing",
    )
    p.add_argument("--strict", action="store_true", help="import nothing if any record is bad")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export documents and annotations", description="Export the project.")
    p.add_argument("project")
    p.add_argument(
        "--format",
        choices=["jsonl", "brat", *DATASET_FORMATS],
        default="jsonl",
        help="native JSONL (one file, every annotator); brat standoff (a new folder of .txt + .ann); or a "
        "training dataset in a new folder with a dataset card: conll (token<TAB>BIO tag), hf (Hugging Face "
        "JSONL tokens + ner_tags, labels.json), spacy (JSONL text + entities; .spacy with spaCy installed), "
        "csv (one row per document: tone and metadata)",
    )
    p.add_argument(
        "--out", required=True, metavar="PATH", help="output file (jsonl) or new folder (brat, datasets)"
    )
    p.add_argument(
        "--set",
        metavar="SET",
        help="datasets: gold (default; adjudicated documents), majority (computed from finished work), or "
        "an annotator's name",
    )
    p.add_argument("--split", metavar="RATIOS", help="datasets: e.g. 80/10/10 (train/dev/test) or 90/10")
    p.add_argument("--seed", type=int, help="datasets: seed of the split (default 0); splits are kept")
    p.add_argument(
        "--stratify", metavar="FIELD", help="datasets: split each value of this metadata field (e.g. source)"
    )
    p.add_argument(
        "--status",
        choices=["done", "any"],
        help="datasets: documents an annotator finished (default) or any labelled document",
    )
    p.add_argument(
        "--crossing",
        choices=["expand", "drop"],
        help="datasets: a span that cuts a token is widened to whole tokens (default) or left out",
    )
    p.add_argument("--annotator", help="brat: whose annotations to write (needed when several annotated)")
    p.add_argument(
        "--as",
        dest="viewer",
        metavar="NAME",
        help="export what annotator NAME may see: with blind annotation on, an annotator (role "
        "'annotator') gets only their own annotations; leads and adjudicators get everyone's",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "annotators",
        help="add annotators, set their roles, list them",
        description="The people of a project, each with a role: annotator, adjudicator or lead.",
    )
    team = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = team.add_parser(
        "add",
        help="add an annotator, or change the role of one",
        description="Add an annotator with a role; for a name already in the project, change its role.",
    )
    q.add_argument("project")
    q.add_argument("name")
    q.add_argument("--role", choices=ROLES, default="annotator", help="default: annotator")
    q.set_defaults(func=cmd_annotators_add)
    q = team.add_parser(
        "list",
        help="list annotators with role, assigned and done counts",
        description="Every annotator by name: role, documents assigned, documents marked done.",
    )
    q.add_argument("project")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.set_defaults(func=cmd_annotators_list)

    p = sub.add_parser(
        "package",
        help="offline work packages: export one annotator's work, merge returned packages",
        description="A work package is a file holding one annotator's assigned documents and labels; they "
        "open it in the app (annotator gui FILE), work offline, and return it to be merged.",
    )
    packages = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = packages.add_parser(
        "export",
        help="write one annotator's package",
        description="Write the annotator's assigned documents, their labels so far and the schema "
        "to a new file.",
    )
    q.add_argument("project")
    q.add_argument("--annotator", required=True)
    q.add_argument("--out", required=True, metavar="FILE")
    q.set_defaults(func=cmd_package_export)
    q = packages.add_parser(
        "import",
        help="merge returned packages",
        description="Merge packages: idempotent, lossless (UUIDs, times and deletions travel), later change "
        "wins and is reported; a package of another project or schema, altered, truncated, or holding "
        "someone else's labels is refused and nothing is written.",
    )
    q.add_argument("project")
    q.add_argument("files", nargs="+", metavar="FILE")
    q.add_argument("--quiet", action="store_true", help="no progress bar")
    q.set_defaults(func=cmd_package_import)

    p = sub.add_parser(
        "schema",
        help="show, diff and apply label schema changes (rename, merge, drop, split labels)",
        description="The project's label schema changes without losing an annotation: `diff` shows what "
        "a new schema would do to the stored annotations, `apply` makes it the next version (after a "
        "backup, in one transaction), `review` lists the annotations of split types.",
    )
    schema_actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = schema_actions.add_parser("show", help="the schema in force, its versions and label counts")
    q.add_argument("project")
    q.add_argument(
        "--at", type=int, metavar="N", help="print version N's schema (TOML, guidelines included) as applied"
    )
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.set_defaults(func=cmd_schema_show)
    for action, helptext, func in (
        ("diff", "what a new schema would do to the stored annotations (changes nothing)", cmd_schema_diff),
        ("apply", "make a new schema the project's next version", cmd_schema_apply),
    ):
        q = schema_actions.add_parser(
            action, help=helptext, description=helptext[0].upper() + helptext[1:] + "."
        )
        q.add_argument("project")
        q.add_argument("schema", metavar="NEW", help="the new schema: TOML or brat annotation.conf")
        q.add_argument(
            "--rename", action="append", metavar="OLD=NEW", help="rename a type, EVENT.role or @attribute"
        )
        q.add_argument("--merge", action="append", metavar="A+B=C", help="merge names into one")
        q.add_argument("--drop", action="append", metavar="NAME", help="delete what carries NAME")
        q.add_argument(
            "--split", action="append", metavar="A=B|C", help="split a type; each annotation is reviewed"
        )
        if action == "diff":
            q.add_argument("--json", action="store_true", help="machine-readable output")
        else:
            q.add_argument("--by", metavar="NAME", help="who applies it (default: the name you work as)")
            q.add_argument("--quiet", action="store_true", help="no progress bar")
        q.set_defaults(func=func)
    q = schema_actions.add_parser("review", help="annotations of split types waiting for a choice")
    q.add_argument("project")
    q.add_argument("--annotator", metavar="NAME", help="only NAME's")
    q.add_argument("--set", action="append", metavar="ID=LABEL", help="give one its type")
    q.add_argument("--accept-proposals", action="store_true", help="confirm every provisional type")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.set_defaults(func=cmd_schema_review)

    p = sub.add_parser(
        "incidents",
        help="incidents across articles: list, export, propose links",
        description="An incident is one real-world event reported by several articles: events of "
        "different documents linked together, with a date, place, actors and the figures each source gives.",
    )
    incident_actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = incident_actions.add_parser("list", help="incidents with their fields and mentions")
    q.add_argument("project")
    q.add_argument("--annotator", metavar="NAME", help="only NAME's incidents")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.set_defaults(func=cmd_incidents_list)
    q = incident_actions.add_parser(
        "export", help="the incident table (csv, jsonl) or a cross-document coreference file (coref)"
    )
    q.add_argument("project")
    q.add_argument("--format", choices=("csv", "jsonl", "coref"), default="csv")
    q.add_argument("--out", required=True, metavar="PATH", help="a new file")
    q.add_argument("--annotator", metavar="NAME", help="only NAME's incidents (e.g. gold)")
    q.set_defaults(func=cmd_incidents_export)
    q = incident_actions.add_parser("suggest", help="propose incidents for events not linked yet")
    q.add_argument("project")
    q.add_argument("--annotator", required=True, metavar="NAME")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.add_argument(
        "--store",
        action="store_true",
        help="keep them as the annotator's link proposals (the Incident panel: a accepts, r rejects)",
    )
    q.set_defaults(func=cmd_incidents_suggest)

    p = sub.add_parser(
        "history",
        help="who made, changed and deleted each annotation, and when",
        description="The audit trail of the project's annotations (or one document's): each annotation's "
        "creation, every change (with the row before and after), deletion and undo, and the schema "
        "versions applied.",
    )
    p.add_argument("project")
    p.add_argument("--document", metavar="ID", help="only this document (its external id)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--csv", metavar="FILE", help="write the entries to a new CSV file")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser(
        "assign",
        help="assign documents to annotators, with overlap",
        description="Give every document one of the named annotators (who must exist: `annotator "
        "annotators add`), and a random fraction of them (--overlap) --per-doc different annotators, "
        "balancing workloads. The same --seed on the same project gives the same assignment. Running it "
        "again (e.g. with another annotator) keeps every assignment whose annotator has started the "
        "document (a status other than 'to do', or any label); only unstarted ones may move.",
    )
    p.add_argument("project")
    p.add_argument(
        "--annotators", required=True, type=_names, metavar="A,B,C", help="comma-separated annotator names"
    )
    p.add_argument(
        "--per-doc",
        type=int,
        metavar="N",
        help="annotators for each overlapping document (default 2 with --overlap, else 1)",
    )
    p.add_argument(
        "--overlap",
        type=_fraction,
        default=0.0,
        metavar="FRACTION",
        help="fraction of documents (0–1) that get --per-doc annotators (default 0)",
    )
    p.add_argument("--seed", type=int, help="random seed (default: a new one, printed)")
    p.add_argument(
        "--checks",
        type=_fraction,
        metavar="SHARE",
        help="mix check documents (`annotator checks add`) into every named annotator's assignments, about "
        "this share of them (e.g. 0.05); annotators cannot tell them from other work",
    )
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser(
        "checks",
        help="mark documents with gold as checks, list them, score annotators on them",
        description="Check documents are documents with adjudicated gold that `assign --checks SHARE` mixes "
        "into annotators' assignments, blind. `checks add PROJECT ID…` marks them (a document without gold "
        "is refused, nothing marked), `remove` unmarks (check assignments not started go), `list` lists "
        "them, `scores` gives each annotator's score on the checks they were given, per layer, against "
        "gold.",
    )
    p.add_argument("action", choices=["add", "remove", "list", "scores"])
    p.add_argument("project")
    p.add_argument("documents", nargs="*", metavar="ID", help="document ids (as imported), for add/remove")
    p.add_argument("--by", metavar="NAME", help="the lead marking them (add; recorded)")
    p.add_argument("--json", action="store_true", help="machine-readable output (list, scores)")
    p.set_defaults(func=cmd_checks)

    p = sub.add_parser(
        "check",
        help="check a project file for damage",
        description="SQLite's full integrity check of a project file (read only): prints ok and exits 0, "
        "or lists the problems and exits 1. Every command already refuses a damaged project when it opens "
        "it (a quicker check); this one looks at every page.",
    )
    p.add_argument("project")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "repair",
        help="copy every readable row of a damaged project to a new file",
        description="Copy a damaged project into a new project file OUT: the same schema, then every row "
        "that can still be read, table by table (around damaged pages row by row); rows that refer to lost "
        "rows are left out. Prints per table how many rows were copied and lost. PROJECT is only read; "
        "the search index is rebuilt by the next search.",
    )
    p.add_argument("project")
    p.add_argument("out", help="the new project file (must not exist)")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser(
        "settings",
        help="show or change project settings (blind annotation, idle cut-off)",
        description="Show the project's settings, or change one. blind (default on): annotators never "
        "see each other's labels; `export --as NAME` of an annotator exports only NAME's. idle (default "
        "60): seconds without a key or mouse input after which the workbench stops counting active time.",
    )
    p.add_argument("project")
    p.add_argument("key", nargs="?", choices=["blind", "idle"], help="the setting")
    p.add_argument(
        "value", nargs="?", action=_SettingValue, help="its new value (blind: on or off; idle: seconds)"
    )
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser(
        "suggest",
        help="pre-compute suggestions, train the suggestion model, or set which sources suggest",
        description="Suggestions from gazetteers, rules, an annotator's earlier labels (propagation) and a "
        "model trained on the project's finished labels. They are shown in the window as dashed outlines "
        "(Tab, Enter accepts, Backspace rejects) and never exported until accepted. `suggest PROJECT "
        "--annotator NAME` pre-computes them for every document NAME has not finished; `--train` trains "
        "the model (20 %% held out to measure it); with blind annotation on, `--train --annotator NAME` "
        "trains NAME's own model, on gold and NAME's own labels only, the only one that suggests to NAME; "
        "`--configure` stores --source, --min-score and --retrain-after as the project's settings.",
    )
    p.add_argument("project")
    p.add_argument("--annotator", metavar="NAME", help="whose suggestions to pre-compute")
    p.add_argument(
        "--source",
        metavar="SOURCES",
        help="comma-separated: gazetteer,rules,propagation,model (default: settings)",
    )
    p.add_argument("--assigned", action="store_true", help="only the documents assigned to the annotator")
    p.add_argument("--train", action="store_true", help="train the suggestion model now")
    p.add_argument("--configure", action="store_true", help="store --source/--min-score/--retrain-after")
    p.add_argument("--min-score", type=float, metavar="X", help="the model's minimum confidence (0-1)")
    p.add_argument("--retrain-after", type=int, metavar="N", help="retrain after N new labels")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser(
        "stats", help="summarize a project", description="Documents, annotators, counts per label, statuses."
    )
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "agreement",
        help="inter-annotator agreement",
        description="Agreement between annotators on documents labelled by two or more of them (status "
        "done unless --include-unfinished): document tone (Krippendorff's alpha, Fleiss' and Cohen's "
        "kappa), entities (F1 exact and overlap, per label, token kappa, label confusion), events "
        "(trigger and argument F1, attributes) and targeted sentiment.",
    )
    p.add_argument("project")
    p.add_argument(
        "--layer",
        action="append",
        choices=["tone", "entities", "events", "sentiment", "incidents"],
        help="only this layer (repeatable; default all; incidents: linking events across documents)",
    )
    p.add_argument("--annotators", type=_names, metavar="A,B,C", help="only these annotators")
    p.add_argument(
        "--include-unfinished", action="store_true", help="count every document with labels, not only done"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser(
        "adjudicate",
        help="gold labels from several annotators",
        description="Write the items a policy accepts (majority: more than half of the annotators whose "
        "work is done; unanimous; min:N: at least N) as the gold set; a person's decisions are kept.",
    )
    p.add_argument("project")
    p.add_argument("--auto", action="store_true", required=True, help="decide by the policy")
    p.add_argument("--policy", type=_policy, default="majority", help="majority, unanimous or min:N")
    p.add_argument("--include-unfinished", action="store_true", help="count unfinished work too")
    p.set_defaults(func=cmd_adjudicate)

    p = sub.add_parser(
        "search",
        help="find documents by words in any script",
        description="Find documents whose title or text contains the query, in Devanagari or Latin "
        "script: 'pakistan' finds पाकिस्तान and Pakistan; close spellings match too, best first.",
    )
    p.add_argument("project")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20, help="at most this many documents (default 20)")
    p.add_argument("--romanize", action="store_true", help="also show each snippet romanized")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser(
        "gui",
        help="open the annotation window",
        description="Open the annotation window on a project (default: the last one, or the demo project).",
    )
    p.add_argument("project", nargs="?")
    p.add_argument(
        "--as", dest="as_name", metavar="NAME", help="work as NAME (kept for later starts; File → Work as…)"
    )
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser(
        "demo",
        help="summarize the demo project",
        description="Build the demo project if needed and print its statistics.",
    )
    p.add_argument("--reset", action="store_true", help="rebuild the demo project from scratch")
    p.set_defaults(func=cmd_demo)

    # not listed in the help: the check an installed or built app runs on itself (packaging/build.py, CI)
    p = sub.add_parser("smoke-test", description="Create a project, label a span through the real window.")
    p.add_argument("--dir", metavar="FOLDER", help="work in FOLDER (default: a temporary folder, removed)")
    p.add_argument("--startup", action="store_true", help="only start, show the window and quit when idle")
    p.set_defaults(func=cmd_smoke_test)
    from annotator import cli_progress  # `annotator progress` (argparse only until it runs)

    cli_progress.add_commands(sub)
    from annotator import cli_kb  # `annotator kb` (argparse only until it runs)

    cli_kb.add_commands(sub)
    if one is not None and not one.found and command:
        return build_parser()
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command: 0 done, 1 a user error (one line), 3 done with bad records reported, 70 an unexpected
    error (one line naming the log file that holds its traceback), 130 interrupted."""
    from annotator import crashlog

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] and argv[0].lower().endswith((".annotator", ".package")) and not argv[0].startswith("-"):
        argv = ["gui", *argv]  # a project or work package opened from the desktop (file associations)
    # only the parser of the command named first (no option before it): the top-level parser's options
    # (-h, --version) act only before the command, and the rest goes to the command's own parser; a first
    # --version prints the version before any command is looked at
    parser = build_parser("" if argv[:1] == ["--version"] else argv[0] if argv else "gui")
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except crashlog.user_errors() as exc:
        print(f"annotator: error: {crashlog.user_message(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        from annotator.store.database import is_connection_error, unreachable_message

        if is_connection_error(exc):  # a server that is down is the user's to fix, not a bug
            print(f"annotator: error: {unreachable_message(exc)}", file=sys.stderr)
            return EXIT_ERROR
        context = "command line: annotator " + " ".join(argv)
        print(f"annotator: {crashlog.describe(exc, context)}", file=sys.stderr)
        return crashlog.EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
