"""User settings (annotator name, last project, view preferences) in a small JSON file.

Kept in :func:`data_home` (``$ANNOTATOR_HOME``, else ``$XDG_DATA_HOME/annotator``) rather
than QSettings, so the CLI, the GUI and the tests share one place and tests can isolate it. Written
atomically (temporary file + rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


def data_home() -> Path:
    """$ANNOTATOR_HOME, else $XDG_DATA_HOME/annotator (~/.local/share/annotator)."""
    if os.environ.get("ANNOTATOR_HOME"):
        return Path(os.environ["ANNOTATOR_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "annotator"


@dataclass
class Settings:
    annotator: str = ""
    last_project: str = ""
    snap_to_tokens: bool = True
    zoom: float = 0.0  # point-size offset applied to the document font
    romanization: str = "iast"
    recent_projects: list[str] = field(default_factory=list)
    window_size: list[int] = field(default_factory=list)  # the workbench's last width and height
    window_state: str = ""  # the workbench's docks (sizes, places, tabs) as Qt saved them, base64

    @classmethod
    def path(cls) -> Path:
        return data_home() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            raw = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
        try:
            return cls(**values)
        except TypeError:
            return cls()

    def save(self) -> None:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, ensure_ascii=False, indent=2)
        os.replace(tmp, path)

    def remember_project(self, location: str) -> None:
        self.last_project = location
        self.recent_projects = [location, *[p for p in self.recent_projects if p != location]][:10]
