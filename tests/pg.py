"""A throwaway PostgreSQL server for tests, started from the machine's own binaries (initdb, pg_ctl).

Listens only on a Unix socket in a temporary folder; stopped and deleted afterwards. When the binaries or
the psycopg driver are missing, tests that need it are skipped with the reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: While a server started here runs: "stop" and "start" it (a restart or an outage, for the reconnect tests).
CONTROL: dict[str, object] = {}


def _find(binary: str) -> str | None:
    found = shutil.which(binary)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{binary}"))
    return candidates[-1] if candidates else None


def unavailable_reason() -> str | None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    if not (_find("initdb") and _find("pg_ctl")):
        return "PostgreSQL server binaries (initdb, pg_ctl) not found"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: PostgreSQL refuses to run as root"
    return None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yield a SQLAlchemy URL prefix ``postgresql+psycopg://…/`` (add a database name)."""
    import pwd

    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix: list[str] = []
    if as_root:
        user = pwd.getpwnam("postgres")
        for p in (base, sock):
            os.chown(p, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run(
            [
                *prefix,
                _find("initdb"),
                "-D",
                str(data),
                "-U",
                "annotator",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [
                *prefix,
                _find("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "log"),
                "-w",
                "-t",
                "60",
                "start",
                "-o",
                f"-c listen_addresses='' -k {sock} -c fsync=off",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

        def ctl(*args: str) -> None:
            subprocess.run(
                [*prefix, _find("pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-t", "60", *args],
                check=True,
                capture_output=True,
                timeout=120,
            )

        CONTROL["stop"] = lambda: ctl("-m", "fast", "stop")
        CONTROL["start"] = lambda: ctl("start", "-o", f"-c listen_addresses='' -k {sock} -c fsync=off")
        try:
            yield f"postgresql+psycopg://annotator@/{{db}}?host={sock}"
        finally:
            CONTROL.clear()
            subprocess.run(
                [*prefix, _find("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)


def create_database(url_template: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(url_template.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url_template.format(db=name)
