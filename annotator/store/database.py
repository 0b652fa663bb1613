"""Opening a project database: engine set-up, pragmas, and in-process Alembic migration.

A project is one SQLite file or any SQLAlchemy URL (PostgreSQL for teams). Opening follows JupyterHub's
habit:

* empty database → create the schema by running every migration up to head;
* older revision → back the file up (SQLite) and upgrade in-process;
* newer revision (unknown to this program) → refuse with a clear message;
* a file that is not SQLite, is corrupt, or holds foreign tables → refuse with a clear message.

Nothing here imports Qt.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from annotator.errors import AnnotatorError
from annotator.resources import migrations_dir

if TYPE_CHECKING:
    from sqlalchemy import Engine

# SQLAlchemy is imported by the functions that use it, and Alembic only to migrate: what reads a SQLite
# file with sqlite3 alone (the look before opening, a search on an up-to-date index) starts without either,
# and opening an up-to-date project does not import Alembic.

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


#: Tables the search service keeps on SQLite (``search_index``, an FTS5 table, with its shadow tables
#: ``search_index_data``, ``_idx``, ``_docsize``, ``_config``, and its bookkeeping tables). They are made
#: by migration 0003 but have no model: a derived cache, not project data.
SEARCH_INDEX_PREFIX = "search_index"


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic ``include_name`` hook: leave the search index tables out of autogenerate comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_INDEX_PREFIX))


class ProjectOpenError(AnnotatorError):
    """A project database cannot be opened; the message says which and why."""


class OpenResult(NamedTuple):  # a named tuple: a search imports no dataclasses (start-up)
    engine: Engine
    created: bool
    upgraded_from: str | None
    backup: Path | None


#: JSON columns hold canonical text: compact, sorted keys, UTF-8 (not \u escapes). One encoder object,
#: because json.dumps with options builds a new encoder on every call.
json_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def raw_json(column):
    """Select a JSON column as its stored text (decoded with :func:`json_value`, which skips the common
    empty object): reading 1,000 spans' attributes through the JSON type costs more than the rest."""
    from sqlalchemy import Text, type_coerce

    return type_coerce(column, Text)


def json_value(raw: Any) -> dict:  # raw: the stored text, or what a JSON-decoding driver gave
    if raw is None or raw == "{}":
        return {}
    if isinstance(raw, str):
        return json.loads(raw)
    return raw  # drivers that decode JSON themselves


def is_url(target: str) -> bool:
    return "://" in str(target)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    # The sqlite3 driver opens a transaction implicitly; pragmas must run outside one.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit reaches the disk before the UI says "saved"; imports batch their commits.
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _damaged_file_error(context) -> None:
    """A statement met a damaged page (a file damaged while open, or beyond what the look before opening
    read): say so in the one line every damaged file gets, instead of a driver error."""
    if _is_corruption(context.original_exception):
        where = context.engine.url.database if context.engine is not None else "the project"
        problem = str(context.original_exception)
        if context.engine is not None and where:
            forget_check(where)
        raise ProjectDamagedError(
            damaged_message(where, problem).replace("nothing was changed", "this was not done")
        )


def make_engine(url: str) -> Engine:
    """An engine with this project's settings (pragmas on every SQLite connection, JSON as UTF-8)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, json_serializer=json_dumps, future=True)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "handle_error", _damaged_file_error)
        return engine
    # a server: every pooled connection is checked before use, so after a server restart the next action
    # reconnects instead of failing on a dead connection
    return create_engine(url, json_serializer=json_dumps, future=True, pool_pre_ping=True)


def is_connection_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the database server could not be reached (down, restarting, network), as
    opposed to a problem with the data or the statement."""
    if "sqlalchemy" not in sys.modules:  # nothing has used SQLAlchemy: not one of its errors
        return False
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    driver = type(exc.orig).__module__ if exc.orig is not None else ""
    return isinstance(exc, OperationalError | InterfaceError) and not driver.startswith("sqlite3")


def unreachable_message(
    exc: BaseException,
    consequence: str = "this change was not made, and nothing that was saved before is lost",
) -> str:
    """One line for a person when the server cannot be reached."""
    orig = getattr(exc, "orig", None) or exc
    reason = " ".join(str(orig).split()) or type(orig).__name__
    if len(reason) > 160:
        reason = reason[:159] + "…"
    return f"the database server is unreachable ({reason}); {consequence} — try again when the server is back"


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A sqlite3 connection that cannot change the file: with no ``-wal`` beside the file (it was closed
    cleanly) it is opened immutable, which creates nothing beside it; with one, read-only through it
    (SQLite needs the WAL to see the committed state; it makes the ``-shm`` index of a WAL left by a
    crash, the one file it may add)."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)


class ProjectDamagedError(ProjectOpenError):
    """The project file is damaged (found when opening it, or by a read that met a damaged page)."""


def damaged_message(path: Path | str, problem: str) -> str:
    return (
        f"{path}: the project file is damaged ({problem}); nothing was changed. `annotator check {path}` "
        f"tells more; `annotator repair {path} NEW.annotator` copies every readable row to a new project"
    )


#: How long the look before opening may spend in SQLite's ``quick_check`` (seconds). It reads every page
#: (about 0.65 ms per MB of a project with a warm cache, so about 450 MB fit): a project up to that size is
#: checked whole; of a larger one, what the budget reaches (and always its header, table of contents and
#: revision). A damaged page beyond it is met by the read that needs it, which then fails with the same
#: one line (:func:`make_engine`); ``annotator check`` always reads everything. See
#: benchmarks/bench_open_check.py.
OPEN_CHECK_BUDGET_S = 0.3


def _header_problem(path: Path, header: bytes, size: int) -> str | None:
    """What the 100-byte header of a SQLite file says is wrong with the file's length, if anything."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if len(header) < 100 or page_size < 512 or page_size & (page_size - 1):
        return "its header is damaged"
    if size % page_size:
        return "truncated: not a whole number of pages"
    pages = int.from_bytes(header[28:32], "big")
    valid = pages > 0 and header[92:96] == header[24:28]  # the in-header size is current
    wal = path.with_name(path.name + "-wal")
    wal_in_use = wal.exists() and wal.stat().st_size > 0  # the file may lag behind its WAL
    if valid and not wal_in_use and size // page_size < pages:
        return f"truncated: {size // page_size} of its {pages} pages are there"
    return None


def _quick_check(con: sqlite3.Connection, budget_s: float) -> list[str] | None:
    """SQLite's ``quick_check`` for at most ``budget_s`` seconds: its problems ([] when sound), or None when
    the budget ran out first (nothing found in what was read)."""
    deadline = time.perf_counter() + budget_s
    con.set_progress_handler(lambda: time.perf_counter() > deadline, 2000)
    try:
        problems = [row[0] for row in con.execute("PRAGMA quick_check(3)")]
    except sqlite3.OperationalError as exc:
        if time.perf_counter() > deadline and "interrupt" in str(exc):
            return None
        raise
    finally:
        con.set_progress_handler(None, 0)
    return [] if problems == ["ok"] else problems


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Look at an existing file before anything may write to it (the engine's first connection switches a
    database to WAL mode, and migrations write): refuse a folder, a FIFO or device, an unreadable file, an
    empty file (unless creating), a file that is not SQLite, another application's database, a project of
    a newer annotator and a damaged one (its header, then SQLite's ``quick_check`` within
    :data:`OPEN_CHECK_BUDGET_S`, skipped when a whole check found the file sound in the state it is in:
    :func:`_file_state`), each with one line naming it. Raises :class:`ProjectOpenError`; reads the file
    only (a sound check is remembered in the user's data folder), never blocks on a FIFO."""
    import stat

    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ProjectOpenError(f"{path}: is a directory, not a project file")
        if not stat.S_ISREG(info.st_mode):
            raise ProjectOpenError(f"{path}: not a regular file (a FIFO, device or socket), not a project")
        if info.st_size == 0:
            if create:
                return
            raise ProjectOpenError(
                f"{path}: is an empty file, not a project (create one with `annotator init {path}`)"
            )
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise ProjectOpenError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if not header.startswith(SQLITE_MAGIC):
        raise ProjectOpenError(f"{path}: not an annotator project (not a SQLite database)")
    problem = _header_problem(path, header, info.st_size)
    if problem:
        raise ProjectDamagedError(damaged_message(path, problem))
    for attempt in (1, 2):
        try:
            _look_inside(path, create)
            return
        except ProjectDamagedError:
            # immutable reads see a file that another process started writing as damaged: look again
            changed = (path.stat().st_size, path.stat().st_mtime_ns) != (info.st_size, info.st_mtime_ns)
            if attempt == 2 or not changed:
                raise
            info = path.stat()


def _look_inside(path: Path, create: bool) -> None:
    try:
        con = connect_read_only(path)
    except sqlite3.Error as exc:
        raise ProjectOpenError(f"{path}: cannot be read: {exc}") from None
    try:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            others = sorted(t for t in tables if not t.startswith("sqlite_"))
            if others:
                raise ProjectOpenError(
                    f"{path}: not an annotator project (it holds tables {', '.join(others[:5])} "
                    "but no annotator schema revision); nothing was changed"
                )
            if not create:
                raise ProjectOpenError(
                    f"{path}: an empty database, not a project (create one with `annotator init {path}`)"
                )
            return
        revisions = [row[0] for row in con.execute("SELECT version_num FROM alembic_version")]
        if len(revisions) == 1 and revisions[0] not in known_revisions():
            written_by = None
            if "settings" in tables:
                row = con.execute("SELECT value FROM settings WHERE key = ?", (WRITTEN_BY_KEY,)).fetchone()
                written_by = row[0] if row else None
            raise ProjectOpenError(newer_message(path, revisions[0], written_by))
        state = _file_state(path)
        if state is not None and _remembered(path) == state:
            return  # found sound before, and not written since (see _file_state)
        problems = _quick_check(con, OPEN_CHECK_BUDGET_S)
        if problems:
            raise ProjectDamagedError(damaged_message(path, "; ".join(problems)))
        if problems == [] and state is not None and _file_state(path) == state:
            _remember(path, state)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and not _is_corruption(exc):
            raise ProjectOpenError(f"{path}: cannot be read: {exc}") from None
        raise ProjectDamagedError(damaged_message(path, str(exc))) from None
    finally:
        con.close()


#: A sound ``quick_check`` is remembered only for a file (and ``-wal``) last changed at least this long
#: before the check: a write after the check then always moves its change time, even on a file system that
#: keeps times to the second or two (FAT keeps 2 s).
SETTLED_S = 3.0
#: How many projects' sound checks are remembered (the oldest is forgotten first).
REMEMBERED_CHECKS = 64


def _checks_file() -> Path:
    """Where sound checks are remembered: in the user's data folder (:func:`annotator.settings.data_home`,
    the same rule, kept here because importing the settings module costs a search's start-up ~4 ms), never
    beside a project."""
    import os

    if os.environ.get("ANNOTATOR_HOME"):
        home = Path(os.environ["ANNOTATOR_HOME"]).expanduser()
    else:
        home = Path(os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")) / "annotator"
    return home / "open-checks.json"


def _file_state(path: Path) -> list | None:
    """What any change to a project file changes: device and inode (a copy or a replacement is another
    file), size, modification and status-change times in ns, SQLite's file change counter (header bytes
    24..27), and the same of its ``-wal`` (absent: None). The status-change time (ctime) is set by the
    kernel on every write and every ``utime``, and cannot be set back by a program: a file written after a
    check, even with its modification time restored, has another state. None while the file or its
    ``-wal`` changed less than :data:`SETTLED_S` ago (such a state is not remembered: a write in the same
    clock tick could keep it), when it cannot be read, and on Windows (there every look checks).

    What no state catches is damage that bypasses the file system: a failing disk or bit rot, a write to
    the raw device, a clock set back. Such a page is met by the read that needs it, which fails with the
    same one line (:func:`make_engine`, and search's plain connection) and forgets the remembered check."""
    import os

    if os.name == "nt":  # Windows' st_ctime is the creation time: a write need not change any part
        return None
    try:
        with open(path, "rb") as fh:  # opened first: a network file system revalidates on open
            info = os.fstat(fh.fileno())
            fh.seek(24)
            counter = fh.read(4).hex()
        wal_path = path.with_name(path.name + "-wal")
        try:
            w = os.stat(wal_path)
            wal: list | None = [w.st_dev, w.st_ino, w.st_size, w.st_mtime_ns, w.st_ctime_ns]
        except FileNotFoundError:
            wal = None
    except OSError:
        return None
    newest = max(info.st_ctime_ns, info.st_mtime_ns, *(wal[3:] if wal else ()))
    if time.time_ns() - newest < SETTLED_S * 1e9:
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, counter, wal]


def _load_checks() -> dict:
    try:
        with open(_checks_file(), encoding="utf-8") as fh:
            checks = json.load(fh)
    except (OSError, ValueError):
        return {}
    return checks if isinstance(checks, dict) else {}


def _remembered(path: Path) -> list | None:
    """The state of ``path`` when its last ``quick_check`` found it sound, if remembered."""
    state = _load_checks().get(str(path.resolve()))
    return state if isinstance(state, list) else None


def _save_checks(checks: dict) -> None:
    """Write the remembered checks atomically (a temporary file renamed over the old one); a data folder
    that cannot be written only means the next look checks again."""
    import os

    target = _checks_file()
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(checks, fh)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)


def _remember(path: Path, state: list) -> None:
    checks = _load_checks()
    key = str(path.resolve())
    checks.pop(key, None)
    checks[key] = state
    _save_checks(dict(list(checks.items())[-REMEMBERED_CHECKS:]))


def open_plain(target: str | Path) -> tuple[Path, sqlite3.Connection] | None:
    """A project file at this program's head revision on a plain :mod:`sqlite3` connection (no SQLAlchemy,
    engine or Alembic), inside one read snapshot (``BEGIN``), after the look before opening every open
    gets (:func:`check_sqlite_file`: a damaged file is refused with the same one line). None when the
    usual open must answer instead: a URL, a missing file, another revision (the usual open upgrades it),
    or a file busy or unreadable this way. The caller closes the connection and reports a damaged page
    met later with :func:`damaged_read`."""
    if is_url(str(target)):
        return None
    path = Path(target).expanduser()
    if not path.is_file():
        return None
    check_sqlite_file(path, create=False)
    try:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        con.execute("BEGIN")  # one snapshot for the caller's queries
        if con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]:
            return path, con
    except sqlite3.OperationalError:  # busy past the timeout, no such table: the usual open says
        pass
    con.close()
    return None


def damaged_read(path: Path, exc: sqlite3.DatabaseError) -> Exception:
    """What to raise for a driver error met while reading on :func:`open_plain`'s connection: a damaged
    page the look before opening did not read (beyond its budget, or damage that bypassed the file system
    after a remembered sound check) is the one line every damaged file gets, and the file is looked at
    again next time; any other error is itself."""
    if not _is_corruption(exc):
        return exc
    forget_check(path)
    return ProjectDamagedError(
        damaged_message(path, str(exc)).replace("nothing was changed", "this was not done")
    )


def forget_check(path: Path | str) -> None:
    """Forget a remembered sound check of ``path`` (a read met a damaged page: the next open looks again)."""
    checks = _load_checks()
    if checks.pop(str(Path(path).resolve()), None) is not None:
        _save_checks(checks)


def _is_corruption(exc: BaseException) -> bool:
    """Whether a sqlite3 error says the file is damaged (SQLITE_CORRUPT or SQLITE_NOTADB, any extension)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.DatabaseError) and code is not None and code & 0xFF in (11, 26)


#: The project setting that names the annotator version that created the project or last upgraded its
#: schema (written in the same transaction as the migrations): an older program that cannot open the
#: project names the version to install.
WRITTEN_BY_KEY = "annotator_version"


def newer_message(
    where: Path | str,
    revision: str,
    written_by: str | None = None,
    *,
    what: str = "project",
    outcome: str = "nothing was changed",
) -> str:
    from annotator import __version__

    if not written_by:
        needed = f"an annotator that knows revision {revision}"
    elif written_by == __version__:  # a later development build of this version (or a damaged stamp)
        needed = f"a build of annotator {written_by} that knows revision {revision} (a later one than this)"
    else:
        needed = f"annotator {written_by} or later"
    by = f" by annotator {written_by}" if written_by else ""
    return (
        f"{where}: this {what} was written by a newer annotator (schema revision {revision}{by}; this is "
        f"annotator {__version__}, which knows up to {head_revision()}); install {needed} to open it; "
        f"{outcome}"
    )


def _stamp_written_by(conn) -> None:
    """Record this program's version as the project's ``WRITTEN_BY_KEY`` (after creating or upgrading)."""
    from sqlalchemy import text

    from annotator import __version__

    conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": WRITTEN_BY_KEY})
    conn.execute(
        text("INSERT INTO settings (key, value) VALUES (:k, :v)"), {"k": WRITTEN_BY_KEY, "v": __version__}
    )


def written_by(engine: Engine) -> str | None:
    """The annotator version that created the project or last upgraded its schema (None: made before
    versions were recorded)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("settings"):
            return None
        return conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": WRITTEN_BY_KEY}).scalar()


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


# A revision file's own identifiers, as Alembic's template writes them: ``revision: str = "0008"`` and
# ``down_revision: str | None = "0007"`` (or None).
_REVISION_RE = re.compile(r"""^revision(?:\s*:[^=\n]*)?\s*=\s*(['"])([^'"\n]+)\1\s*(?:#.*)?$""", re.MULTILINE)
_DOWN_REVISION_RE = re.compile(
    r"""^down_revision(?:\s*:[^=\n]*)?\s*=\s*(?:None|(['"])([^'"\n]+)\1)\s*(?:#.*)?$""", re.MULTILINE
)

# a branch label or a dependency (anything but None): Alembic's to read
_LABELLED_RE = re.compile(r"^(?:branch_labels|depends_on)(?:\s*:[^=\n]*)?\s*=\s*(?!\s|None\b)", re.MULTILINE)


def _read_revisions(script_location: str) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The heads and revisions of the migrations in ``script_location`` read from the revision files' text
    (no Alembic import: an up-to-date project opens without it), or None when a file is not of the plain
    form (one ``revision`` and one ``down_revision``, a string or None: a merge, a branch label…), which
    Alembic then reads. tests/store guards that both give the same."""
    versions = Path(script_location) / "versions"
    revisions: dict[str, str | None] = {}
    try:
        names = sorted(f for f in versions.iterdir() if f.suffix == ".py")
    except OSError:
        return None
    for path in names:
        if path.name.startswith(("__init__", ".#")):
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        rev, down = _REVISION_RE.findall(source), _DOWN_REVISION_RE.findall(source)
        if len(rev) != 1 or len(down) != 1 or rev[0][1] in revisions or _LABELLED_RE.search(source):
            return None
        revisions[rev[0][1]] = down[0][1] or None
    if not revisions:
        return None
    downs = set(revisions.values())
    return tuple(r for r in revisions if r not in downs), frozenset(revisions)


@lru_cache(maxsize=4)
def _revisions(script_location: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The heads and every revision of the migrations in ``script_location`` (read once a process: every
    open asks, the look before opening too): from the files' text, or by Alembic when they are not plain."""
    plain = _read_revisions(script_location)
    if plain is not None:
        return plain
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    script = ScriptDirectory.from_config(cfg)
    return tuple(script.get_heads()), frozenset(rev.revision for rev in script.walk_revisions())


def head_revision() -> str:
    heads = _revisions(str(migrations_dir()))[0]
    if len(heads) != 1:  # pragma: no cover - guarded by tests/store/test_migrations.py
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def known_revisions() -> set[str]:
    return set(_revisions(str(migrations_dir()))[1])


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database (a plain query: no Alembic), None when it has no stamp."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise ProjectOpenError(f"{engine.url}: several schema revisions stamped ({', '.join(rows)})")
    return rows[0] if rows else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run migrations in one transaction. On SQLite, foreign keys are off while they run (a batch
    migration copies a table and drops the old one, and with them on, the drop would cascade into every
    row that refers to it) and checked afterwards: a violation rolls everything back."""
    from alembic import command

    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")  # outside any transaction, or ignored
            conn.commit()
        try:
            with conn.begin():
                command.upgrade(_alembic_config(conn), revision)
                _stamp_written_by(conn)
                if sqlite:
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if problems:
                        raise ProjectOpenError(
                            f"migration left {len(problems)} broken references: {problems[:3]}"
                        )
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
                conn.commit()


def backup_sqlite(path: Path, revision: str) -> Path:
    """Copy a SQLite project file consistently (the backup API includes the WAL) next to it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.bak-{revision}-{stamp}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    shutil.copymode(path, target)
    return target


def open_database(target: str | Path, *, create: bool = True) -> OpenResult:
    """Open (and create or upgrade) a project database at a path or SQLAlchemy URL. Alembic is imported
    only to create or upgrade the schema: a project at the head revision opens without it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DatabaseError, OperationalError

    path: Path | None = None
    if is_url(str(target)):
        url = str(target)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
    else:
        path = Path(target).expanduser()
        url = sqlite_url(path.resolve())
    if path is not None:
        if path.exists() or path.is_symlink():
            check_sqlite_file(path, create=create)
        elif not create:
            raise ProjectOpenError(f"{path}: no such project (create one with `annotator init {path}`)")
        elif not path.parent.exists():
            raise ProjectOpenError(f"{path}: folder {path.parent} does not exist")

    engine = make_engine(url)
    where = str(path) if path is not None else engine.url.render_as_string(hide_password=True)
    try:
        return _open_engine(engine, path, where)
    except ProjectOpenError:
        engine.dispose()
        raise
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        if is_connection_error(exc):
            raise ProjectOpenError(f"{where}: {unreachable_message(exc, 'nothing was changed')}") from exc
        reason = str(getattr(exc, "orig", exc)) or exc.__class__.__name__
        if path is not None and "readonly" in reason:
            raise ProjectOpenError(
                f"{where}: cannot be opened: the file or its folder is read-only (SQLite writes "
                f"{path.name}-wal beside it even to read); nothing was changed — copy it somewhere writable"
            ) from exc
        raise ProjectOpenError(f"{where}: cannot open project database: {reason}") from exc


def _open_engine(engine: Engine, path: Path | None, where: str) -> OpenResult:
    from sqlalchemy import inspect

    head = head_revision()
    current = current_revision(engine)
    if current is None:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if not t.startswith("sqlite_")]
        if tables:
            raise ProjectOpenError(
                f"{where}: not an annotator project (it holds tables {', '.join(sorted(tables)[:5])} "
                "but no annotator schema revision)"
            )
        upgrade(engine)
        return OpenResult(engine, created=True, upgraded_from=None, backup=None)
    if current == head:
        return OpenResult(engine, created=False, upgraded_from=None, backup=None)
    if current not in known_revisions():
        raise ProjectOpenError(newer_message(where, current, written_by(engine)))
    backup = backup_sqlite(path, current) if path is not None else None
    upgrade(engine)
    return OpenResult(engine, created=False, upgraded_from=current, backup=backup)
