"""Dependency rules: only annotator.ui may import Qt; the core packages never import the UI."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "annotator"
CORE = ["text", "schema", "store", "services", "formats"]
# The CLI starts the GUI (`annotator gui`), importing its entry point lazily inside the command.
LAUNCHERS = {("cli", "annotator.ui.app")}
ORDER = {
    # the package's own top-level modules: user errors, settings, atomic files; the unexpected-error log
    "errors": 0,
    "fileio": 0,
    "settings": 0,
    "crashlog": 1,
    "text": 0,
    "schema": 0,
    "agreement": 1,
    "formats": 1,
    "suggest": 1,
    "store": 1,
    "services": 2,
    "cli": 3,
    "ui": 4,
}
#: Pure packages: statistics and suggestion engines see no database (services feed them).
PURE = ("text", "schema", "agreement", "suggest", "formats")


def imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_no_qt_outside_ui():
    offenders = [
        f"{p.relative_to(PACKAGE.parent)} imports {m}"
        for p in PACKAGE.rglob("*.py")
        if "ui" not in p.relative_to(PACKAGE).parts
        for m in imports(p)
        if m.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6", "qtpy"}
    ]
    assert offenders == []


def test_layers_point_one_way():
    """text/schema ← formats/store ← services ← cli ← ui: a package never imports a higher layer."""
    offenders = []
    for p in PACKAGE.rglob("*.py"):
        parts = p.relative_to(PACKAGE).with_suffix("").parts
        layer = parts[0]
        if layer not in ORDER:
            continue
        for m in imports(p):
            bits = m.split(".")
            if (
                bits[0] == "annotator"
                and len(bits) > 1
                and bits[1] in ORDER
                and ORDER[bits[1]] > ORDER[layer]
                and (layer, m) not in LAUNCHERS
            ):
                offenders.append(f"{'/'.join(parts)} imports {m}")
    assert offenders == []


def test_core_runs_without_qt():
    """Import every non-UI module with PySide6 made unimportable."""
    code = (
        "import sys, importlib, pkgutil\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import annotator\n"
        "for m in pkgutil.walk_packages(annotator.__path__, 'annotator.'):\n"
        "    if '.ui' not in m.name and not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_ui_reaches_the_database_only_through_services():
    """ui → services → storage: no UI module queries the database itself."""
    offenders = [
        f"{p.relative_to(PACKAGE.parent)} imports {m}"
        for p in (PACKAGE / "ui").rglob("*.py")
        for m in imports(p)
        if m.split(".")[0] == "sqlalchemy" or m.startswith("annotator.store")
    ]
    assert offenders == []


def test_pure_packages_touch_no_database():
    offenders = [
        f"{p.relative_to(PACKAGE.parent)} imports {m}"
        for package in PURE
        for p in (PACKAGE / package).rglob("*.py")
        for m in imports(p)
        if m.split(".")[0] == "sqlalchemy" or m.startswith(("annotator.store", "annotator.services"))
    ]
    assert offenders == []
