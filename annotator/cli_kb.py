"""``annotator kb``: the project's knowledge base from the command line — import, export, list, add,
merge, the mentions linked to an entry, and whether annotators may edit it.

Built into the parser by :func:`add_commands` (called from :func:`annotator.cli.build_parser`); only
argparse is imported here at start-up, the services when a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_RECORDS = 3  # finished, but some lines were bad (reported above)


def _by(project: Any, name: str | None) -> str:
    """Who edits: ``--annotator``, else a work package's annotator, else the name in the settings."""
    if name:
        return name
    from annotator.errors import AnnotatorError
    from annotator.services.team import annotator_for
    from annotator.settings import Settings

    who = annotator_for(project, Settings.load())
    if not who:
        raise AnnotatorError("say who edits the knowledge base: --annotator NAME")
    return who


class _Bar:
    """A progress callback drawing a tqdm bar on stderr (only on a terminal), made at the first report."""

    def __init__(self, desc: str, enabled: bool) -> None:
        self.desc, self.enabled = desc, enabled
        self.bar: Any = None

    def __call__(self, done: int, total: int | None, _message: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                desc=self.desc, total=total, unit="entries", disable=None, file=sys.stderr, leave=False
            )
        if total is not None and self.bar.total != total:
            self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_kb_import(args: argparse.Namespace) -> int:
    from annotator.formats.kb import read
    from annotator.services import kb
    from annotator.services.importing import parse_label_map
    from annotator.services.project import open_project

    label_map = parse_label_map(args.label_map)
    with open_project(args.project) as project:
        by = _by(project, args.annotator)
        records = read(args.file, args.format, label_map)
        progress = _Bar("importing", enabled=not args.quiet)
        try:
            report = kb.import_records(project, records, by=by, progress=progress)
        finally:
            progress.close()
    for problem in report.errors:
        print(problem, file=sys.stderr)
    print(report.summary())
    return EXIT_OK if report.ok else EXIT_RECORDS


def cmd_kb_export(args: argparse.Namespace) -> int:

    from annotator.fileio import atomic_file, refuse_the_project
    from annotator.formats.kb import detect_format, write
    from annotator.services import kb
    from annotator.services.importing import parse_label_map
    from annotator.services.project import open_project

    refuse_the_project(args.out, args.project)
    fmt = args.format or detect_format(args.out)
    with open_project(args.project) as project:
        records = kb.export_records(project, label=args.label)
    text = write(records, fmt, parse_label_map(args.label_map))
    with atomic_file(args.out, "w", encoding="utf-8") as out:
        out.write(text)
    print(f"{len(records)} entr{'y' if len(records) == 1 else 'ies'} written to {args.out} ({fmt})")
    return EXIT_OK


def _entry_json(e: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": e.id,
        "name": e.name,
        "label": e.label,
        "aliases": list(e.alias_texts),
        "uuid": e.uuid,
    }
    if e.description:
        out["description"] = e.description
    if e.parent_id:
        out["parent"] = {"id": e.parent_id, "name": e.parent_name}
    if e.latitude is not None:
        out["coordinates"] = [e.latitude, e.longitude]
    if e.admin_areas:
        out["admin_areas"] = list(e.admin_areas)
    linked = {a.text: a.links for a in e.aliases if a.links}
    if linked:
        out["linked_aliases"] = linked
    out["source"] = e.source
    return out


def cmd_kb_list(args: argparse.Namespace) -> int:
    from annotator.services import kb
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        entries = kb.list_entries(project, label=args.label, query=args.query, limit=args.limit)
    if args.json:
        print(json.dumps({"entries": [_entry_json(e) for e in entries]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not entries:
        print("no entries")
    for e in entries:
        aliases = ", ".join(e.alias_texts[:6]) + (" …" if len(e.alias_texts) > 6 else "")
        parent = f"  (in {e.parent_name})" if e.parent_name else ""
        print(f"{e.id}\t{e.label}\t{e.name}{parent}" + (f"\t{aliases}" if aliases else ""))
    return EXIT_OK


def cmd_kb_add(args: argparse.Namespace) -> int:
    from annotator.services import kb
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        entry = kb.add_entry(
            project,
            name=args.name,
            label=args.label,
            by=_by(project, args.annotator),
            canonical_id=args.id,
            aliases=args.alias or (),
            description=args.description or "",
            parent=args.parent,
        )
    print(f"added {entry.link_value()} ({entry.label})")
    return EXIT_OK


def cmd_kb_merge(args: argparse.Namespace) -> int:
    from annotator.services import kb
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        result = kb.merge_entries(project, args.keep, args.gone, _by(project, args.annotator))
    print(
        f"merged {args.gone} into {result.keep.link_value()}: {result.aliases_moved} alias(es) and "
        f"{result.links_moved} link(s) moved"
    )
    return EXIT_OK


def cmd_kb_mentions(args: argparse.Namespace) -> int:
    from annotator.errors import AnnotatorError
    from annotator.services import kb
    from annotator.services.project import open_project

    with open_project(args.project) as project:
        entry = kb.get_entry(project, args.id)
        if entry is None:
            raise AnnotatorError(f"no knowledge-base entry {args.id}")
        mentions = kb.linked_mentions(project, args.id)
    if args.json:
        rows = [
            {
                "document": m.document_id,
                "title": m.document_title,
                "entity": m.entity_id,
                "annotator": m.annotator,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "snippet": m.snippet,
            }
            for m in mentions
        ]
        print(json.dumps({"entry": entry.id, "mentions": rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{entry.link_value()}: {len(mentions)} mention(s)")
    for m in mentions:
        print(f"  {m.document_id}\t{m.annotator}\t{m.start}-{m.end}\t{m.text}\t… {m.snippet} …")
    return EXIT_OK


def cmd_kb_allow(args: argparse.Namespace) -> int:
    from annotator.errors import AnnotatorError
    from annotator.services import kb
    from annotator.services.project import open_project
    from annotator.services.team import annotator_role

    with open_project(args.project) as project:
        if annotator_role(project, args.annotator) != "lead":
            raise AnnotatorError(
                f"only a lead may say who edits the knowledge base ({args.annotator} is not one)"
            )
        kb.set_annotators_may_edit(project, args.value == "on")
    print(f"annotators may {'now' if args.value == 'on' else 'no longer'} edit the knowledge base")
    return EXIT_OK


def _text(value: str) -> str:
    """An argument that is stored or looked up as text: bytes that are not UTF-8 (the shell's locale) are
    refused here, as argparse's one line, instead of failing in the database."""
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise argparse.ArgumentTypeError(f"{value!r} is not UTF-8 text (the terminal's encoding?)")
    return value


def add_commands(sub: Any) -> None:
    """Add ``kb`` to the subparsers action ``sub`` (or the stand-in that builds one command)."""
    p = sub.add_parser(
        "kb",
        help="the project's knowledge base: import, export, list, add, merge entries",
        description="The people, groups, forces and places the team links mentions to (canonical links): "
        "entries with an id, a name, a type, aliases in any script, a parent, coordinates. A new project "
        "starts with the built-in gazetteer; suggestions come from the base and pre-fill the link.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    q = actions.add_parser(
        "import",
        help="add entries from a TSV/CSV (gazetteer format), JSONL or Wikidata JSON dump slice",
        description="Entries whose id is stored get the file's aliases and fields; bad lines are reported "
        "as FILE:LINE: reason and the others kept (exit status 3 when some were bad).",
    )
    q.add_argument("project")
    q.add_argument("file")
    q.add_argument("--format", choices=("tsv", "csv", "jsonl", "wikidata"), help="default: by extension")
    q.add_argument(
        "--label-map",
        metavar="MAP",
        help="FROM=TO,… or a file of such lines: labels renamed (TO '-' leaves an entry out); for "
        "wikidata the instance-of (P31) ids to labels, e.g. Q5=PER,Q4830453=ORG,Q515=GPE",
    )
    q.add_argument(
        "--annotator", type=_text, metavar="NAME", help="who imports (a lead, unless the lead allows)"
    )
    q.add_argument("--quiet", action="store_true", help="no progress bar")
    q.set_defaults(func=cmd_kb_import)

    q = actions.add_parser("export", help="write the entries to a file (import reads it back)")
    q.add_argument("project")
    q.add_argument("--out", required=True, metavar="FILE")
    q.add_argument("--format", choices=("tsv", "csv", "jsonl", "wikidata"), help="default: by extension")
    q.add_argument("--label", type=_text, metavar="LABEL", help="only entries of this type")
    q.add_argument("--label-map", metavar="MAP", help="wikidata: the P31 ids of labels (as on import)")
    q.set_defaults(func=cmd_kb_export)

    q = actions.add_parser("list", help="the entries (with --query: those type-ahead finds, best first)")
    q.add_argument("project")
    q.add_argument("--label", type=_text, metavar="LABEL", help="only entries of this type")
    q.add_argument("--query", type=_text, metavar="Q", help="names or aliases starting with Q, in any script")
    q.add_argument("--limit", type=int, metavar="N", help="at most N entries")
    q.add_argument("--json", action="store_true", help='machine-readable: {"entries": [{"id", …}]}')
    q.set_defaults(func=cmd_kb_list)

    q = actions.add_parser("add", help="add one entry")
    q.add_argument("project")
    q.add_argument("--name", type=_text, required=True)
    q.add_argument(
        "--label", type=_text, required=True, help="an entity type of the schema (persons allowed)"
    )
    q.add_argument(
        "--id", type=_text, metavar="ID", help="its canonical id (e.g. Q485436); default: made from the name"
    )
    q.add_argument(
        "--alias", type=_text, action="append", metavar="TEXT", help="another spelling (repeatable)"
    )
    q.add_argument("--parent", type=_text, metavar="ID", help="the id or name of the entry it belongs to")
    q.add_argument("--description", type=_text)
    q.add_argument("--annotator", type=_text, metavar="NAME")
    q.set_defaults(func=cmd_kb_add)

    q = actions.add_parser("merge", help="merge a duplicate entry into another (links follow)")
    q.add_argument("project")
    q.add_argument("keep", type=_text, help="the id of the entry that stays")
    q.add_argument("gone", type=_text, help="the id of the duplicate")
    q.add_argument("--annotator", type=_text, metavar="NAME")
    q.set_defaults(func=cmd_kb_merge)

    q = actions.add_parser("mentions", help="the entities across the project linked to an entry")
    q.add_argument("project")
    q.add_argument("id", type=_text)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_kb_mentions)

    q = actions.add_parser("allow-edits", help="let annotators edit the knowledge base (on) or not (off)")
    q.add_argument("project")
    q.add_argument("value", choices=("on", "off"))
    q.add_argument("--annotator", type=_text, required=True, metavar="LEAD", help="the lead who decides")
    q.set_defaults(func=cmd_kb_allow)
