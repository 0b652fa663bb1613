"""Locate files shipped with annotator: resources (schemas, demo articles, fonts) and Alembic migrations.

In a source checkout they live at the repository's top level (``resources/``, ``db/migrations/``); an
installed wheel carries copies under ``annotator/_data/`` (see ``pyproject.toml``). The installed copy wins
when present, so a wheel never reads files from whatever directory it happens to be run in.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_DATA_DIR = _PACKAGE_DIR / "_data"
_REPO_DIR = _PACKAGE_DIR.parent


def _locate(installed: Path, checkout: Path) -> Path:
    if installed.exists():
        return installed
    if checkout.exists():
        return checkout
    raise FileNotFoundError(f"annotator data not found: looked in {installed} and {checkout}")


def resources_dir() -> Path:
    """The directory holding schemas/, demo/ and fonts/."""
    return _locate(_DATA_DIR / "resources", _REPO_DIR / "resources")


def resource_path(*parts: str) -> Path:
    """A file below resources/, e.g. ``resource_path("schemas", "default.toml")``."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"annotator resource not found: {path}")
    return path


def migrations_dir() -> Path:
    """The Alembic script directory (env.py, versions/)."""
    return _locate(_DATA_DIR / "migrations", _REPO_DIR / "db" / "migrations")
