"""Files written atomically, with temporaries that a killed process leaves in a place we clean.

Every temporary lives beside its target (so the final ``os.replace`` is a rename on one file system) under a
recognisable name, ``.<target name>.<pid>.annotator-tmp`` (a file) or the same with ``-dir`` (a folder).
A process killed with ``kill -9`` cannot remove its own; the next write to the same target removes every
leftover whose process is gone (:func:`sweep`). Nothing else is ever removed: only names of this shape.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

SUFFIX = ".annotator-tmp"

#: The files SQLite keeps beside a project file while it is open.
SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal")


def refuse_the_project(out: str | Path, project: str | Path) -> None:
    """Refuse an output path that is the project file itself (or a file SQLite keeps beside it): an export
    written there would replace the project. ``project`` may be a database URL (never a file: nothing to
    refuse)."""
    from annotator.errors import AnnotatorError

    if "://" in str(project):
        return
    target = Path(out).resolve()
    base = Path(project).resolve()
    if any(target == base.with_name(base.name + suffix) for suffix in SQLITE_SIDECARS):
        raise AnnotatorError(f"{out}: is the project itself; export to another file")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except OSError:
        return False
    return True


def temp_name(target: Path, kind: str = "") -> Path:
    """The temporary beside ``target`` that this process uses (``kind``: ``-dir`` for a folder)."""
    return target.parent / f".{target.name}.{os.getpid()}{SUFFIX}{kind}"


#: A leftover's name: a temporary file or folder, or a temporary SQLite file's -wal, -shm or -journal.
_LEFTOVER = re.compile(
    r"\.(?P<target>.+)\.(?P<pid>[0-9]+)" + re.escape(SUFFIX) + r"(?:-dir|-wal|-shm|-journal)?"
)


def sweep(target: Path) -> list[Path]:
    """Remove leftovers of earlier writes to ``target`` whose process has ended; returns what went."""
    return _sweep(target.parent, target.name)


def sweep_folder(folder: Path) -> list[Path]:
    """Remove every leftover in ``folder`` (a folder of this program's own, such as its scratch folder)
    whose process has ended, whatever its target's name."""
    return _sweep(folder, None)


def _sweep(folder: Path, target: str | None) -> list[Path]:
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _LEFTOVER.fullmatch(entry.name)
        if match is None or (target is not None and match["target"] != target):
            continue
        if _pid_alive(int(match["pid"])):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


@contextmanager
def atomic_file(target: str | Path, mode: str = "w", *, encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write ``target`` through a temporary beside it, renamed into place when the block ends without an
    error (fsynced first); on an error the temporary is removed and ``target`` is left as it was."""
    target = Path(target)
    sweep(target)
    tmp = temp_name(target)
    binary = "b" in mode
    try:
        with open(tmp, mode, encoding=None if binary else encoding, newline=None if binary else "\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def staging_dir(folder: str | Path) -> Iterator[Path]:
    """A temporary folder beside ``folder`` to write into; it becomes ``folder`` when the block ends
    without an error (``folder`` itself must be absent or an empty folder). On an error it is removed."""
    folder = Path(folder)
    sweep(folder)
    tmp = temp_name(folder, "-dir")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        if folder.exists():
            folder.rmdir()
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def scratch_folder() -> Path:
    """This program's folder for working copies (``<data home>/tmp``), its dead leftovers swept."""
    from annotator.settings import data_home

    folder = data_home() / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    sweep_folder(folder)
    return folder


__all__ = [
    "SUFFIX",
    "atomic_file",
    "scratch_folder",
    "staging_dir",
    "sweep",
    "sweep_folder",
    "temp_name",
]
