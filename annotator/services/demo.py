"""The demo project: built from resources/demo/ the first time it is asked for.

``articles.jsonl`` holds the Hindi, English and mixed articles; ``articles_scripts.jsonl`` the Urdu and
Bengali ones (issue 20), imported after them so that the first articles keep their document ids.
"""

from __future__ import annotations

from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.settings import data_home

#: the demo's article files, imported in this order
DEMO_FILES = ("articles.jsonl", "articles_scripts.jsonl")


def ensure_demo_project(reset: bool = False) -> Path:
    """The demo project, built from resources/demo/ the first time (or again with ``reset``)."""
    from annotator.resources import resource_path
    from annotator.services.importing import import_paths
    from annotator.services.project import init_project

    home = data_home()
    home.mkdir(parents=True, exist_ok=True)
    path = home / "demo.annotator"
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.exists():
        tmp = home / "demo.annotator.building"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        with init_project(tmp) as project:
            files = [resource_path("demo", name) for name in DEMO_FILES]
            report = import_paths(project, files, strict=True)
            if report.ok:  # its knowledge base: the built-in gazetteer, ready for the first suggestions
                from annotator.services.kb import ensure_seeded

                ensure_seeded(project)
        if not report.ok:
            raise AnnotatorError(f"demo articles failed to import: {report.errors[0]}")
        tmp.replace(path)
    return path
