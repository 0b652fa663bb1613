"""What the program is and where it keeps things (``annotator --version``, Help → About), and the problem
report an annotator sends to the lead (Help → Report a problem): one zip file.

The report holds the error logs (:mod:`annotator.crashlog`), the versions, the settings without anything
secret (a server URL's password, the window's saved layout) and, when a project is open, its schema
revision and row counts. It holds no document text unless the person asks for it: every title, text or
label snippet a log line may quote (an exception message repr'ing a span, a non-Latin run of letters) is
replaced by ``‹text removed›`` first; with ``include_text`` the open document's text goes in too, and the
logs are left whole. Nothing here imports Qt: the window passes its Qt and PySide6 versions in.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import __version__
from annotator.fileio import atomic_file
from annotator.resources import resources_dir
from annotator.settings import Settings, data_home

if TYPE_CHECKING:
    from annotator.services.project import Project

#: What replaces a piece of text that may come from a document.
REMOVED = "‹text removed›"
#: Licence files of the bundled fonts, shown in Help → About and named in the report.
FONT_LICENCES = ("OFL.txt",)
#: How many of the newest error logs go into a report.
REPORT_LOGS = 10


def head_revision() -> str:
    """The newest schema revision this program knows (the migrations' head)."""
    from annotator.store.database import head_revision as head

    return head()


def log_dir() -> Path:
    """Where :mod:`annotator.crashlog` writes the error logs (its ``log_dir``: the same rule, repeated
    because services and crashlog stand on one floor and do not import each other; a test keeps them
    equal)."""
    return data_home() / "logs"


def app_facts(ui_versions: dict[str, str] | None = None) -> dict[str, Any]:
    """The version, the schema revision, where settings, logs and the last project live, and the versions
    of Python (and of Qt and PySide6, given by the window) — what ``--version`` and About show."""
    import platform

    settings = Settings.load()
    facts: dict[str, Any] = {
        "annotator": __version__,
        "schema_revision": head_revision(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "program": sys.executable,
        "settings": str(Settings.path()),
        "data_home": str(data_home()),
        "logs": str(log_dir()),
        "last_project": _without_password(settings.last_project),
        "resources": str(resources_dir()),
    }
    facts.update(ui_versions or {})
    return facts


_LICENCE_NAMES = (
    (
        re.compile(r"SIL OPEN FONT LICEN[CS]E,? Version (\d+(?:\.\d+)*)", re.IGNORECASE),
        "SIL Open Font License {}",
    ),
    (re.compile(r"Apache License,? Version (\d+(?:\.\d+)*)", re.IGNORECASE), "Apache License {}"),
    (re.compile(r"UBUNTU FONT LICEN[CS]E Version (\d+(?:\.\d+)*)", re.IGNORECASE), "Ubuntu Font Licence {}"),
)


def _licence_name(path: Path) -> str:
    text = path.read_text("utf-8", "replace")
    for pattern, name in _LICENCE_NAMES:
        found = pattern.search(text)
        if found:
            return f"{name.format(found.group(1))} ({path.name})"
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"{first[:80]} ({path.name})"


def font_licences() -> list[tuple[str, str]]:
    """Every bundled font (file name in resources/fonts) and the licence it is under: the licence file
    whose name holds the font's family (``OFL-NotoSansTamil.txt``), else every licence file of the folder
    (one ``OFL.txt`` for all the Noto fonts)."""
    fonts = resources_dir() / "fonts"
    files = sorted(fonts.iterdir())
    licences = {
        p: _licence_name(p) for p in files if p.name.upper().startswith(("OFL", "LICENSE", "LICENCE", "UFL"))
    }
    found = []
    for font in (p for p in files if p.suffix.lower() in {".ttf", ".otf", ".ttc"}):
        family = font.stem.split("-")[0].lower()
        own = [name for path, name in licences.items() if family in path.name.lower()]
        found.append((font.name, "; ".join(own or licences.values()) or "no licence file found"))
    return found


_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@/\s]*@")


def _without_password(text: str) -> str:
    return _URL_PASSWORD.sub(r"\1***@", text)


def settings_without_secrets(settings: Settings | None = None) -> dict[str, Any]:
    """The settings as stored, with a server URL's password replaced by ``***`` and the window's saved
    dock layout left out (binary Qt state: nothing a lead can read)."""
    values = asdict(settings or Settings.load())
    values.pop("window_state", None)
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = _without_password(value)
        elif isinstance(value, list):
            values[key] = [_without_password(v) if isinstance(v, str) else v for v in value]
    return values


def project_facts(project: Project) -> dict[str, Any]:
    """A project's schema revision, label schema and row counts (no text): what a report says about it."""
    from sqlalchemy import func, select, text

    from annotator.store.database import WRITTEN_BY_KEY
    from annotator.store.models import Base, Entity

    facts: dict[str, Any] = {
        "location": _without_password(project.location),
        "schema": project.schema.name,
        "upgraded_from": project.upgraded_from,
        "work_package": bool(project.package),
    }
    with project.engine.connect() as conn:
        facts["revision"] = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        facts["written_by"] = conn.execute(
            text("SELECT value FROM settings WHERE key = :k"), {"k": WRITTEN_BY_KEY}
        ).scalar()
        facts["rows"] = {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in sorted(Base.metadata.tables.items())
        }
        facts["entities_by_label"] = dict(
            conn.execute(
                select(Entity.label, func.count()).group_by(Entity.label).order_by(Entity.label)
            ).all()
        )
    return facts


# What may quote a document in a log line: a quoted literal (Python's repr of a string) and any run of
# letters outside ASCII (Devanagari, Urdu, or Latin with diacritics: a document's words, never the code's).
_QUOTED = re.compile(r"""(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)""")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f](?:[^\x00-\x7f]|[ \w.,;:!?()'\"-])*[^\x00-\x7f]|[^\x00-\x7f]")


def redact_log(log: str) -> str:
    """A log without anything that may be a document's text: in every line that is not a traceback's
    ``File "…", line N`` line or the source line printed under it (the program's own code), quoted
    literals become ``'‹text removed›'``; non-ASCII runs go everywhere."""
    out = []
    code_line_next = False
    for line in log.splitlines():
        stripped = line.lstrip()
        if stripped.startswith('File "') and ", line " in stripped:
            out.append(_NON_ASCII_RUN.sub(REMOVED, line))
            code_line_next = True
            continue
        if code_line_next and line.startswith("    "):
            out.append(_NON_ASCII_RUN.sub(REMOVED, line))
            code_line_next = False
            continue
        code_line_next = False
        line = _NON_ASCII_RUN.sub(REMOVED, line)
        out.append(_QUOTED.sub(lambda m: f"{m.group('q')}{REMOVED}{m.group('q')}", line))
    return "\n".join(out) + "\n"


def error_logs(limit: int = REPORT_LOGS) -> list[Path]:
    """The newest error logs, newest first."""
    folder = log_dir()
    if not folder.is_dir():
        return []
    files = [p for p in folder.glob("error-*.log") if p.is_file()]  # a folder of that name is no log
    logs = sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)
    return logs[:limit]


def write_report(
    out: str | Path,
    *,
    project: Project | None = None,
    document_id: int | None = None,
    include_text: bool = False,
    note: str = "",
    ui_versions: dict[str, str] | None = None,
) -> Path:
    """Write the problem report zip to ``out`` (written whole or not at all) and return its path.
    ``include_text`` adds the text of document ``document_id`` (the open one) and keeps the logs whole;
    without it, no document text is in the zip. ``note`` is what the person wrote about the problem."""
    import zipfile

    out = Path(out)
    if out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")
    summary: dict[str, Any] = {
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "app": app_facts(ui_versions),
        "settings": settings_without_secrets(),
        "fonts": [{"file": name, "licence": licence} for name, licence in font_licences()],
        "document_text_included": include_text,
        "note": note,
    }
    if project is not None:
        try:
            summary["project"] = project_facts(project)
        except Exception as exc:  # a report is most wanted when the project is in trouble: say so, go on
            summary["project"] = {"location": _without_password(project.location), "error": repr(exc)}
    logs = error_logs()
    summary["logs"] = [p.name for p in logs]
    with atomic_file(out, "wb", encoding=None) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        text = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
        # a note pasted with a lone surrogate: written as its JSON escape, not a failed report
        zf.writestr("report.json", text.encode("utf-8", "backslashreplace"))
        for path in logs:
            try:
                raw = path.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:  # unreadable: the report is still wanted; say so in its place
                raw = f"(this log could not be read: {exc.strerror or exc})\n"
            zf.writestr(f"logs/{path.name}", raw if include_text else redact_log(raw))
        if include_text and project is not None and document_id is not None:
            from annotator.services.documents import load_text

            doc = load_text(project, document_id)
            zf.writestr("document.txt", doc.text)
    return out


def version_lines() -> list[str]:
    """What ``annotator --version`` prints after its first line."""
    facts = app_facts()
    return [
        f"schema revision {facts['schema_revision']}",
        f"settings: {facts['settings']}",
        f"last project: {facts['last_project'] or '(none yet)'}",
        f"error logs: {facts['logs']}",
    ]


__all__ = [
    "REMOVED",
    "app_facts",
    "error_logs",
    "font_licences",
    "head_revision",
    "project_facts",
    "redact_log",
    "settings_without_secrets",
    "version_lines",
    "write_report",
]
