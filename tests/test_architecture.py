"""Dependency rules: only annotator.ui may import Qt; the core packages never import the UI."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "annotator"
# The CLI starts the GUI (`annotator gui`), importing its entry point lazily inside the command; the GUI
# never imports the CLI.
LAUNCHERS = {("cli", "annotator.ui.app")}
#: Every room of the package on its floor: a room imports rooms on lower floors (and, below floor 2, on its
#: own); from floor 2 up, rooms on one floor never import each other. A new room must be placed here.
ORDER = {
    # the ground floor: user errors, bundled resources, settings, atomic files, the workbench's keys, the
    # progress/cancel protocol of long jobs
    "errors": 0,
    "progress": 0,
    "resources": 0,
    "fileio": 0,
    "settings": 0,
    "keymap": 0,
    "annotations": 0,  # the typed annotation model (values only)
    "text": 0,
    "schema": 0,
    "agreement": 1,
    "formats": 1,
    "suggest": 1,
    "store": 1,
    "services": 2,
    "crashlog": 2,  # the unexpected-error log: reads versions from the store and the schema
    "cli_progress": 3,  # `annotator progress`, built into the parser by cli
    "cli_kb": 3,  # `annotator kb`, built into the parser by cli
    "cli": 4,
    "ui": 3,
    "__main__": 5,  # `python -m annotator`: the CLI
}
#: The package's own __init__ (a version string) is nobody's room.
NOT_ROOMS = {"__init__"}
#: Pure packages: statistics and suggestion engines see no database (services feed them).
PURE = ("text", "schema", "agreement", "suggest", "formats", "keymap", "progress", "annotations")


def room_files(room: str) -> list[Path]:
    module = PACKAGE / f"{room}.py"
    return [module] if module.exists() else sorted((PACKAGE / room).rglob("*.py"))


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


def test_every_room_has_a_floor():
    rooms = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()
    }
    assert sorted(rooms - NOT_ROOMS - set(ORDER)) == [], "place the new room in ORDER"
    assert sorted(set(ORDER) - rooms) == [], "ORDER names a room that is gone"


def test_layers_point_one_way():
    """ground floor ← formats/agreement/suggest/store ← services ← cli, ui: a room never imports a higher
    floor, nor (from floor 2 up) another room of its own floor; the one exception is the CLI's lazy start of
    the GUI."""
    offenders = []
    for p in PACKAGE.rglob("*.py"):
        parts = p.relative_to(PACKAGE).with_suffix("").parts
        layer = parts[0]
        if layer in NOT_ROOMS:
            continue
        for m in imports(p):
            bits = m.split(".")
            if bits[0] != "annotator" or len(bits) < 2 or bits[1] == layer or (layer, m) in LAUNCHERS:
                continue
            target = bits[1]
            if target not in ORDER:
                offenders.append(f"{'/'.join(parts)} imports {m}, a room with no floor")
            elif ORDER[target] > ORDER[layer] or (ORDER[target] == ORDER[layer] >= 2):
                offenders.append(f"{'/'.join(parts)} imports {m}")
    assert offenders == []


def test_the_gui_never_imports_the_cli():
    offenders = [
        f"{p.relative_to(PACKAGE.parent)} imports {m}"
        for p in (PACKAGE / "ui").rglob("*.py")
        for m in imports(p)
        if m == "annotator.cli" or m.startswith("annotator.cli.")
    ]
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
        for p in room_files(package)
        for m in imports(p)
        if m.split(".")[0] == "sqlalchemy" or m.startswith(("annotator.store", "annotator.services"))
    ]
    assert offenders == []


def definitions(path: Path) -> set[str]:
    """The names a module defines at its top level (classes, functions, assigned names)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_one_progress_and_cancel_protocol():
    """Long jobs everywhere (services, the suggestion engine, the GUI's worker thread, the CLI) speak the
    ground floor's protocol; nobody defines a progress callback type or a cancel flag or exception of its
    own."""
    home = PACKAGE / "progress.py"
    assert {"ProgressCallback", "CancelFlag", "Cancelled", "no_progress"} <= definitions(home)
    offenders = [
        f"{p.relative_to(PACKAGE.parent)} defines {name}"
        for p in PACKAGE.rglob("*.py")
        if p != home
        for name in definitions(p)
        if name in {"ProgressCallback", "CancelFlag", "no_progress"} or name.endswith("Cancelled")
    ]
    assert offenders == []


def test_the_annotation_validator_is_pure():
    """Native annotation blocks (what every annotation format is read into) are checked against the schema
    without a database: the validator lives in a pure room and imports no store and no service."""
    homes = [p for p in PACKAGE.rglob("*.py") if "validate_annotations" in definitions(p)]
    assert [p.relative_to(PACKAGE).parts[0] for p in homes] == ["formats"]
    assert "formats" in PURE
    touching = [
        m
        for m in imports(homes[0])
        if m.split(".")[0] == "sqlalchemy" or m.startswith(("annotator.store", "annotator.services"))
    ]
    assert touching == []


def test_no_module_is_imported_by_a_computed_name():
    """Every import is one a static checker sees: no ``importlib.import_module`` or ``__import__`` (the
    format readers are an explicit table, annotator.formats.records.READERS). Reading a distribution's
    version (importlib.metadata) is fine."""
    offenders = []
    for p in PACKAGE.rglob("*.py"):
        where = p.relative_to(PACKAGE.parent)
        offenders += [f"{where} imports {m}" for m in imports(p) if m in ("importlib", "importlib.util")]
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "importlib":
                offenders += [
                    f"{where} imports importlib.{a.name}" for a in node.names if a.name != "metadata"
                ]
            elif isinstance(node, ast.Attribute) and node.attr == "import_module":
                offenders.append(f"{where} calls import_module")
            elif isinstance(node, ast.Name) and node.id == "__import__":
                offenders.append(f"{where} calls __import__")
    assert offenders == []


#: Words only a reader of brat's annotation.conf needs (its options and directives).
BRAT_CONF_WORDS = ("<REL-TYPE>", "<OVERLAP>", "<DEFAULT>", "symmetric-transitive")


def test_one_annotation_conf_parser():
    """brat's annotation.conf is parsed in one place, the schema room's converter; the brat format takes
    what it needs from the converted schema (annotator.formats.brat.BratConf.of)."""
    home = PACKAGE / "schema" / "brat_conf.py"
    offenders = []
    for p in PACKAGE.rglob("*.py"):
        if p == home:
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        offenders += [
            f"{p.relative_to(PACKAGE.parent)}:{node.lineno} reads {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and any(word in node.value for word in BRAT_CONF_WORDS)
        ]
    assert offenders == []
