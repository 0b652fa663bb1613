"""Projects: create, open and describe a project database and its label schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from annotator.errors import AnnotatorError
from annotator.schema import Schema, SchemaError, default_schema, parse_schema
from annotator.store.database import ProjectOpenError, is_url, open_database
from annotator.store.database import is_connection_error as is_connection_error  # for the window
from annotator.store.database import unreachable_message as unreachable_message  # for the window
from annotator.store.models import SchemaVersion, Setting

SCHEMA_KEY = "schema"


@dataclass
class Project:
    """An open project: its engine, a session factory and its label schema."""

    location: str
    engine: Engine
    schema: Schema
    sessions: sessionmaker[Session]
    upgraded_from: str | None = None
    backup: Path | None = None
    _package: dict | None = field(default=None, init=False, repr=False)
    _package_read: bool = field(default=False, init=False, repr=False)

    def session(self) -> Session:
        return self.sessions()

    def setting(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(Setting.value).where(Setting.key == key))

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as session, session.begin():
            session.merge(Setting(key=key, value=value))

    @property
    def package(self) -> dict | None:
        """The work-package header when this file is a work package (see services.packages), else None.
        Read once: a package's header never changes while it is open (the window asks on every action)."""
        import json

        if not self._package_read:
            raw = self.setting("package")
            self._package = json.loads(raw) if raw else None
            self._package_read = True
        return self._package

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _location(target: str | Path) -> str:
    return str(target) if is_url(str(target)) else str(Path(target).expanduser())


def init_project(
    target: str | Path, schema_path: str | Path | None = None, notes: list[str] | None = None
) -> Project:
    """Create a new project at a path or URL, with the default schema or the one given (a TOML schema or a
    brat ``annotation.conf``, converted; what the conversion changed is appended to ``notes``)."""
    from annotator.schema.brat_conf import load_schema_file

    location = _location(target)
    schema = load_schema_file(Path(schema_path), notes) if schema_path else default_schema()
    if not is_url(location) and Path(location).exists() and Path(location).stat().st_size > 0:
        raise AnnotatorError(f"{location}: already exists; open it, or choose another name")
    result = open_database(location, create=True)
    try:
        with Session(result.engine) as session, session.begin():
            if session.get(Setting, SCHEMA_KEY) is not None:
                raise AnnotatorError(f"{location}: already holds a project")
            session.add(Setting(key=SCHEMA_KEY, value=schema.source_text))
            session.add(
                SchemaVersion(
                    number=1,
                    fingerprint=schema.fingerprint,
                    source_text=schema.source_text,
                    mapping="",
                    summary="the schema the project was made with",
                )
            )
    except BaseException:
        result.engine.dispose()
        raise
    return Project(location, result.engine, schema, sessionmaker(result.engine, expire_on_commit=False))


def check_project(target: str | Path) -> list[str]:
    """The problems SQLite's full integrity check finds in a project file (read only); [] when sound."""
    from annotator.store.repair import integrity_problems

    location = _location(target)
    if is_url(location):
        raise AnnotatorError("check applies to project files; a server database has its own tools")
    return integrity_problems(location)


def repair_project(target: str | Path, out: str | Path):
    """Copy every readable row of a (damaged) project file into the new project file ``out``; returns
    the per-table counts (:class:`annotator.store.repair.RepairReport`). The new file is checked."""
    from annotator.store.repair import integrity_problems, repair

    location = _location(target)
    if is_url(location) or is_url(str(out)):
        raise AnnotatorError("repair applies to project files")
    report = repair(location, _location(out))
    problems = integrity_problems(_location(out))
    if problems:  # pragma: no cover - a copy written row by row is sound
        raise AnnotatorError(f"{out}: the repaired copy is not sound either: {problems[0]}")
    open_project(out).close()  # opens as a project: schema, revision, stored label schema
    return report


def open_project(target: str | Path) -> Project:
    """Open an existing project (upgrading its database if it is older than this program)."""
    location = _location(target)
    result = open_database(location, create=False)
    try:
        with Session(result.engine) as session:
            text = session.scalar(select(Setting.value).where(Setting.key == SCHEMA_KEY))
        if text is None:
            raise ProjectOpenError(
                f"{location}: project has no label schema (was it made with `annotator init`?)"
            )
        try:
            schema = parse_schema(text, source=f"{location} (stored schema)", workbench_keys=False)
        except SchemaError as exc:
            raise ProjectOpenError(f"{location}: stored label schema is invalid: {exc}") from exc
    except BaseException:
        result.engine.dispose()
        raise
    return Project(
        location,
        result.engine,
        schema,
        sessionmaker(result.engine, expire_on_commit=False),
        upgraded_from=result.upgraded_from,
        backup=result.backup,
    )
