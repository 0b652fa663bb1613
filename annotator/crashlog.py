"""Errors we did not expect: one line for the person, the traceback in a log file for the report.

A user error (bad input, a missing file, a damaged project) is shown as its own one-line message. Anything
else is a bug: the person sees one line naming the error and the log file; the traceback goes to
``<data home>/logs/`` (see :func:`annotator.settings.data_home`), one file per error, the oldest removed
beyond :data:`KEEP`. The CLI exits with :data:`EXIT_INTERNAL` for these, not 1 (which means a user error).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from annotator import __version__

#: Exit status of the CLI after an unexpected error (BSD sysexits' EX_SOFTWARE: an internal error).
EXIT_INTERNAL = 70
#: How many error logs are kept.
KEEP = 50


def user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that describe something the user can fix; shown as their message alone."""
    from annotator.errors import AnnotatorError
    from annotator.schema import SchemaError
    from annotator.text.normalization import TextDecodeError

    return (AnnotatorError, SchemaError, TextDecodeError, OSError)


def user_message(exc: BaseException) -> str:
    """A user error as one line (an OSError names its file)."""
    message = "; ".join(line.strip() for line in str(exc).strip().splitlines()) or exc.__class__.__name__
    filename = getattr(exc, "filename", None)
    if isinstance(exc, OSError) and filename and str(filename) not in message:
        message = f"{filename}: {message}"
    return message


def log_dir() -> Path:
    from annotator.settings import data_home

    return data_home() / "logs"


def write_log(exc: BaseException, context: str = "") -> Path | None:
    """Write ``exc``'s traceback (with version, platform and ``context``) to a new log file; returns its
    path, or None when no log could be written (the traceback then goes to stderr)."""
    import datetime as _dt
    import platform
    import traceback

    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"annotator {__version__}, Python {sys.version.split()[0]}, {platform.platform()}\n"
        f"{context}\n\n" + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"error-{stamp}-{os.getpid()}.log"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"error-{stamp}-{os.getpid()}-{n}.log"
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
        logs = sorted(folder.glob("error-*.log"), key=lambda p: p.stat().st_mtime)
        for old in logs[:-KEEP]:
            old.unlink(missing_ok=True)
        return path
    except OSError:
        sys.stderr.write(text)
        return None


def describe(exc: BaseException, context: str = "") -> str:
    """One line for the person: a user error's message, or an unexpected error with its log file."""
    if isinstance(exc, user_errors()):
        return user_message(exc)
    from annotator.store.database import is_connection_error, unreachable_message

    if is_connection_error(exc):  # not a bug: the server is down or restarting
        return unreachable_message(exc)
    path = write_log(exc, context)
    summary = " ".join(f"{exc.__class__.__name__}: {exc}".split())
    if len(summary) > 200:
        summary = summary[:199] + "…"
    where = f"the details are in {path}" if path else "the details are above"
    return f"unexpected error ({summary}); {where} — please send that file with a report"


__all__ = ["EXIT_INTERNAL", "describe", "log_dir", "user_errors", "user_message", "write_log"]
