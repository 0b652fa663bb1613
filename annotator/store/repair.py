"""Checking a SQLite project file in full, and copying every readable row of a damaged one to a new file.

Both only read the damaged file (``mode=ro``). The copy takes the same schema (the original ``CREATE``
statements, so the new file has the same revision), then each table's rows: the whole table at once when
it reads, else in rowid ranges, narrowing a failing range down to single rows, so one damaged page costs
only the rows on it. Rows that refer to a lost row (a label of a lost document) are left out too, and
counted. The search index is not copied: it is rebuilt by the next search.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.store.database import connect_read_only

#: The search index (FTS5) and its bookkeeping: a cache rebuilt from the documents, never copied.
_DERIVED = "search_index"
_CHUNK = 1000


@dataclass
class TableCopy:
    name: str
    copied: int = 0
    unreadable: int = 0  # rowid ranges or rows that could not be read
    orphaned: int = 0  # rows left out because they refer to a row that was lost


@dataclass
class RepairReport:
    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return sum(t.unreadable + t.orphaned for t in self.tables)

    def lines(self) -> list[str]:
        out = []
        for t in self.tables:
            line = f"{t.name}: {t.copied} row(s) copied"
            if t.unreadable:
                line += f", {t.unreadable} unreadable"
            if t.orphaned:
                line += f", {t.orphaned} left out (they refer to lost rows)"
            out.append(line)
        return out


def _read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise AnnotatorError(f"{path}: no such project file")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise AnnotatorError(f"{path}: not an annotator project (not a SQLite database)")
    return connect_read_only(path)


def integrity_problems(path: str | Path, limit: int = 100) -> list[str]:
    """SQLite's full ``integrity_check`` of a project file (and its foreign keys); [] when sound."""
    con = _read_only(Path(path))
    try:
        problems = [row[0] for row in con.execute(f"PRAGMA integrity_check({int(limit)})")]
        if problems == ["ok"]:
            problems = [
                f"row {rowid} of {table} refers to a missing row of {parent}"
                for table, rowid, parent, _fk in con.execute("PRAGMA foreign_key_check")
            ][:limit]
        return problems
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        con.close()


def repair(
    source: str | Path, target: str | Path, progress: Callable[[str], None] | None = None
) -> RepairReport:
    """Copy every readable row of ``source`` into a new project file ``target`` (which must not exist)."""
    source, target = Path(source), Path(target)
    if target.exists() or target.is_symlink():
        raise AnnotatorError(f"{target}: already exists; choose a new file for the repaired copy")
    if not target.parent.is_dir():
        raise AnnotatorError(f"{target}: folder {target.parent} does not exist")
    if source.resolve() == target.resolve():
        raise AnnotatorError(f"{target}: the copy must be a new file, not the damaged one")
    src = _read_only(source)
    report = RepairReport(str(source), str(target))
    try:
        try:
            schema = src.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise AnnotatorError(
                f"{source}: its table of contents (schema) cannot be read ({exc}): nothing can be copied"
            ) from None
        names = {name for kind, name, _t, _s in schema if kind == "table"}
        if "alembic_version" not in names or "documents" not in names:
            raise AnnotatorError(f"{source}: not an annotator project: nothing to repair")
        dst = sqlite3.connect(target)
        try:
            dst.execute("PRAGMA foreign_keys = OFF")
            fts_shadow = {f"{_DERIVED}_{s}" for s in ("data", "idx", "docsize", "config", "content")}
            for kind, name, _table, sql in schema:
                if kind == "table" and name not in fts_shadow:
                    dst.execute(sql)
            tables = [
                name
                for kind, name, _t, _s in schema
                if kind == "table" and not name.startswith(_DERIVED) and not name.startswith("sqlite_")
            ]
            for name in tables:
                if progress:
                    progress(name)
                report.tables.append(_copy_table(src, dst, name))
            dst.commit()
            _drop_orphans(dst, report)
            for kind, _name, _table, sql in schema:
                if kind in ("index", "trigger", "view"):
                    dst.execute(sql)
            dst.commit()
        except BaseException:
            dst.close()
            target.unlink(missing_ok=True)
            raise
        dst.close()
    finally:
        src.close()
    return report


def _copy_table(src: sqlite3.Connection, dst: sqlite3.Connection, name: str) -> TableCopy:
    out = TableCopy(name)
    quoted = '"' + name.replace('"', '""') + '"'
    columns = [row[1] for row in src.execute(f"PRAGMA table_info({quoted})")]
    marks = ", ".join("?" * len(columns))
    insert = f"INSERT OR IGNORE INTO {quoted} VALUES ({marks})"
    try:
        rows = src.execute(f"SELECT * FROM {quoted}").fetchall()
        dst.executemany(insert, rows)
        out.copied = len(rows)
        return out
    except sqlite3.DatabaseError:
        pass
    try:
        top = src.execute(f"SELECT max(rowid) FROM {quoted}").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = None
    bound = top if top is not None else 1 << 22  # without a readable maximum, probe a generous range
    start = 1
    empty_chunks = 0
    while start <= bound:
        end = start + _CHUNK - 1
        got = _read_range(src, quoted, start, end, out)
        dst.executemany(insert, got)
        out.copied += len(got)
        empty_chunks = 0 if got else empty_chunks + 1
        if top is None and empty_chunks > 50:
            break
        start = end + 1
    return out


def _read_range(src: sqlite3.Connection, quoted: str, start: int, end: int, out: TableCopy) -> list:
    if (
        start == end
    ):  # a look-up, not a range: a range's scan steps onto the next page, which may be the bad one
        try:
            return src.execute(f"SELECT * FROM {quoted} WHERE rowid = ?", (start,)).fetchall()
        except sqlite3.DatabaseError:
            out.unreadable += 1
            return []
    try:
        return src.execute(f"SELECT * FROM {quoted} WHERE rowid BETWEEN ? AND ?", (start, end)).fetchall()
    except sqlite3.DatabaseError:
        pass
    middle = (start + end) // 2
    return _read_range(src, quoted, start, middle, out) + _read_range(src, quoted, middle + 1, end, out)


def _drop_orphans(dst: sqlite3.Connection, report: RepairReport) -> None:
    by_name = {t.name: t for t in report.tables}
    for _round in range(10):  # a lost document takes its labels, whose arguments go next round
        problems = dst.execute("PRAGMA foreign_key_check").fetchall()
        if not problems:
            return
        for table, rowid, _parent, _fk in problems:
            quoted = '"' + table.replace('"', '""') + '"'
            if dst.execute(f"DELETE FROM {quoted} WHERE rowid = ?", (rowid,)).rowcount:
                by_name[table].orphaned += 1
                by_name[table].copied -= 1
        dst.commit()


__all__ = ["RepairReport", "TableCopy", "integrity_problems", "repair"]
