"""What starting the ``annotator`` command imports: each command imports what it needs when it runs, so
``--version`` and ``--help`` start without SQLAlchemy, Alembic, the transliteration tables, tqdm or Qt;
opening an up-to-date project does not import Alembic; a search on an up-to-date index does not import
Alembic, the transliteration tables or tqdm either. Each check runs in a fresh interpreter."""

import json
import sqlite3
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "alembic", "mako", "indic_transliteration", "PySide6", "tqdm")


def modules_after(code: str, *args: str) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running ``code`` (which may print)."""
    probe = (
        "import json, sys\n"
        f"{code}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def run_cli(argv: list[str]) -> str:
    return (
        "from annotator.cli import main\n"
        "try:\n"
        f"    code = main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "assert code in (0, None), code\n"
    )


def test_the_entry_point_module_imports_nothing_heavy():
    loaded = modules_after("import annotator.cli")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["search", "--help"], ["annotators", "add", "-h"]]
)
def test_version_and_help_import_nothing_heavy(argv):
    loaded = modules_after(run_cli(argv))
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_python_dash_m_annotator_version_imports_nothing_heavy():
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "annotator", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.startswith("annotator ")
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines()}
    assert not imported & set(HEAVY), imported & set(HEAVY)


def test_opening_an_up_to_date_project_does_not_import_alembic(tmp_path):
    from annotator.services.project import init_project

    path = tmp_path / "p.annotator"
    init_project(path).close()
    loaded = modules_after(
        "import sys\n"
        "from annotator.services.project import open_project\n"
        "with open_project(sys.argv[1]) as p:\n"
        "    assert p.upgraded_from is None and p.backup is None\n",
        str(path),
    )
    assert "sqlalchemy" in loaded  # the probe did open it
    assert not loaded & {"alembic", "mako", "indic_transliteration", "PySide6"}


def test_opening_an_older_project_still_migrates_with_alembic(tmp_path):
    """The other side of the test above: a revision other than the head goes through Alembic (the backup
    and upgrade themselves are tested in tests/store/test_migrations.py)."""
    from alembic import command

    from annotator.services.project import init_project
    from annotator.store.database import _alembic_config, head_revision, make_engine

    path = tmp_path / "p.annotator"
    init_project(path).close()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0007")
    engine.dispose()
    loaded = modules_after(
        "import sys\n"
        "from annotator.services.project import open_project\n"
        "with open_project(sys.argv[1]) as p:\n"
        "    assert p.upgraded_from == '0007' and p.backup is not None\n",
        str(path),
    )
    assert "alembic" in loaded
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
    con.close()


def test_a_later_search_imports_no_alembic_transliteration_or_progress_bar(tmp_path):
    from annotator.services.importing import import_paths
    from annotator.services.project import init_project
    from annotator.services.search import search_documents

    path = tmp_path / "p.annotator"
    src = tmp_path / "d.jsonl"
    docs = [
        {"id": "a", "title": "हमला", "text": "पहलगाम में हमला हुआ।"},
        {"id": "b", "title": "Border", "text": "Firing from Pakistan near Pahalgam."},
    ]
    src.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    with init_project(path) as project:
        assert import_paths(project, [src]).ok
        expected = search_documents(project, "pahalgam")  # builds the index
    assert {h.external_id for h in expected} == {"a", "b"}
    loaded = modules_after(run_cli(["search", str(path), "pahalgam", "--quiet"]))
    assert not loaded & {"alembic", "mako", "indic_transliteration", "PySide6", "tqdm"}


def test_the_first_search_indexes_without_sqlalchemy_or_alembic(tmp_path):
    """The first search of a project at this program's revision builds the index on a plain sqlite3
    connection: neither SQLAlchemy nor Alembic is imported (nor tqdm with --quiet)."""
    from annotator.services.importing import import_paths
    from annotator.services.project import init_project

    path = tmp_path / "p.annotator"
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "पहलगाम में हमला हुआ।"}, ensure_ascii=False) + "\n")
    with init_project(path) as project:
        assert import_paths(project, [src]).ok
    loaded = modules_after(run_cli(["search", str(path), "pahalgam", "--quiet"]))
    assert not loaded & {"sqlalchemy", "alembic", "mako", "indic_transliteration", "PySide6", "tqdm"}
    con = sqlite3.connect(path)
    assert con.execute("SELECT indexed_to FROM search_index_state").fetchall() == [(1,)]
    con.close()


def test_cli_roles_are_the_stores():
    from annotator.annotations import ROLES as MODEL_ROLES
    from annotator.cli import ROLES
    from annotator.store.models import ROLES as STORE_ROLES

    assert ROLES == STORE_ROLES == MODEL_ROLES


def test_romanization_scheme_names_are_sanscripts():
    from indic_transliteration import sanscript

    from annotator.text import romanization, romanize

    assert romanization._SANSCRIPT == {"iast": sanscript.IAST, "itrans": sanscript.ITRANS, "hk": sanscript.HK}
    assert romanize("पहलगाम", "iast") == "pahalagāma"  # imports sanscript on first use


def test_a_later_search_compiles_no_tokenizer_pattern_and_imports_no_sqlalchemy(tmp_path):
    """A search on an up-to-date index needs the phonetic keys and grapheme clusters (snippets), not the
    tokenizer, the normalization tables, the display romanization, SQLAlchemy or the other commands'
    parsers: none of them is imported, compiled or built."""
    from annotator.services.importing import import_paths
    from annotator.services.project import init_project
    from annotator.services.search import search_documents

    path = tmp_path / "p.annotator"
    src = tmp_path / "d.jsonl"
    docs = [{"id": "a", "title": "हमला", "text": "पहलगाम में हमला हुआ। Firing near Pahalgam, 26 killed."}]
    src.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    with init_project(path) as project:
        assert import_paths(project, [src]).ok
        assert search_documents(project, "pahalgam")  # builds the index
    probe = (
        "import argparse, json, sys\n"
        "built = []\n"
        "add_parser = argparse._SubParsersAction.add_parser\n"
        "def spy(self, name, **kwargs):\n"
        "    built.append(name)\n"
        "    return add_parser(self, name, **kwargs)\n"
        "argparse._SubParsersAction.add_parser = spy\n"
        + run_cli(["search", str(path), "पहलगाम", "--quiet"])
        + "from annotator.text import romanization, segment\n"
        "print(json.dumps({\n"
        "    'modules': sorted(m for m in sys.modules\n"
        "        if m.startswith(('annotator', 'sqlalchemy', 'dataclasses'))),\n"
        "    'compiled': [f.__name__ for f in (segment._token_re, segment._fast_re, segment._hard_checks,\n"
        "        segment._cut, segment._scheme, segment._char_classes, segment._punctuation_only,\n"
        "        romanization._deva_token_re, romanization._leftover_re) if f.cache_info().currsize],\n"
        "    'built': built,\n"
        "}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "[पहलगाम]" in done.stdout  # the snippet: it did find the document
    found = json.loads(done.stderr.strip().splitlines()[-1])
    assert found["compiled"] == []
    assert found["built"] == ["search"]
    modules = set(found["modules"])
    assert {"annotator.services.search", "annotator.text.romanization", "annotator.text.segment"} <= modules
    assert not {m for m in modules if m.startswith("sqlalchemy")}
    assert "annotator.text.normalization" not in modules
    assert not {m for m in modules if m.startswith(("annotator.store.models", "annotator.schema"))}
    assert "dataclasses" not in modules  # (with inspect, about 4 ms of every search's start)


def test_the_text_packages_lazy_names_are_its_modules_names():
    """annotator.text imports each name from its module on first use: every name of __all__ has a module
    (the one the imports for type checkers name), resolves, and is that module's object."""
    import ast
    import importlib
    from pathlib import Path

    import annotator.text as text

    source = Path(text.__file__).read_text(encoding="utf-8")
    static = {
        alias.name: node.module.rsplit(".", 1)[-1]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("annotator.text.")
        for alias in node.names
    }
    assert static == text._MODULE_OF
    assert sorted(static) == sorted(text.__all__)
    for name, module in static.items():
        assert getattr(text, name) is getattr(importlib.import_module(f"annotator.text.{module}"), name)
    with pytest.raises(AttributeError):
        text.no_such_name  # noqa: B018


def test_a_search_in_process_leaves_the_collector_as_it_found_it(tmp_path):
    import gc

    from annotator.cli import main
    from annotator.services.project import init_project

    with init_project(tmp_path / "p.annotator"):
        pass
    assert gc.isenabled()
    assert main(["search", str(tmp_path / "p.annotator"), "pahalgam", "--quiet"]) == 0
    assert gc.isenabled()
