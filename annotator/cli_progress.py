"""``annotator progress``: the lead's figures of a team's work (issue 18), as a table or JSON.

Built into the parser by :func:`add_commands` (called from :func:`annotator.cli.build_parser`); only
argparse is imported here at start-up, the services when the command runs.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

EXIT_OK = 0


def cmd_progress(args: argparse.Namespace) -> int:
    from annotator.services.progress import format_progress, parse_day, progress_file, project_progress

    since = None if args.since is None else parse_day(args.since)
    today = None if args.today is None else parse_day(args.today)
    options: dict[str, Any] = {"since": since, "today": today, "margin": args.margin}
    # a project file at this program's revision is read on a plain sqlite3 connection (no SQLAlchemy,
    # engine or Alembic); anything else (a server, a file to upgrade) opens the project as usual
    report = progress_file(args.project, **options)
    if report is None:
        from annotator.services.project import open_project

        with open_project(args.project) as project:
            report = project_progress(project, **options)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_progress(report))
    return EXIT_OK


def _margin(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (e.g. 0.1)") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{value} is outside 0-1")
    return value


def add_commands(sub: Any) -> None:
    """Add ``progress`` to the subparsers action ``sub`` (or the stand-in that builds one command)."""
    p = sub.add_parser(
        "progress",
        help="the team's progress: work done, time, speed, quality, finish dates",
        description="Per annotator: documents assigned, done, skipped and left, active hours, median minutes "
        "per document, labels per hour, documents per active day and the estimated finish date of their "
        "remaining assignments, mean pairwise entity F1 with the others, precision/recall against gold, "
        "the score on check documents; for the project: the same totals and the documents waiting for "
        "adjudication. Time figures (hours, minutes, labels, throughput) come from the workbench's "
        "recorded sessions.",
    )
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="print JSON: {annotators: [...], project: {...}}")
    p.add_argument(
        "--since",
        metavar="DATE",
        help="time figures from this day on (YYYY-MM-DD): sessions started and documents done since",
    )
    p.add_argument("--today", metavar="DATE", help=argparse.SUPPRESS)  # for reproducible estimates
    p.add_argument(
        "--margin",
        type=_margin,
        default=None,
        metavar="FRACTION",
        help="a week's quality is flagged when it falls by more than this (default: the project setting "
        "progress_quality_margin, else 0.1)",
    )
    p.set_defaults(func=cmd_progress)
