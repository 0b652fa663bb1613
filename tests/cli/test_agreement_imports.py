"""What ``annotator agreement`` imports: on a project file at this program's revision it reads on a plain
sqlite3 connection, so a tone-only question starts without SQLAlchemy, Alembic, tqdm, the tokenizer's
regex module or Qt, and prints what the usual open prints. Each check runs in a fresh interpreter."""

import json
import subprocess
import sys

import pytest

from annotator.services.agreement import compute_agreement
from annotator.services.importing import import_paths
from annotator.services.project import init_project, open_project

TEXT = "पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने 26 लोगों को मार डाला।"


def record(i, tones):
    return {
        "id": f"d{i}",
        "title": "",
        "text": f"{TEXT} ({i})",
        "annotations": [
            {
                "annotator": name,
                "status": "done",
                "document": {"tone": tone},
                "entities": [{"id": "T1", "start": 0, "end": 6, "label": "GPE"}],
            }
            for name, tone in tones.items()
        ],
    }


@pytest.fixture
def target(tmp_path):
    source = tmp_path / "d.jsonl"
    rows = [record(i, {"asha": -1, "ravi": -1 if i % 3 else -2, "meera": 0}) for i in range(6)]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    path = tmp_path / "p.annotator"
    with init_project(path) as project:
        assert import_paths(project, [source]).ok
    return path


def run_cli(*argv):
    """The command's output and the top-level packages its (fresh) interpreter imported."""
    probe = (
        "import json, sys\n"
        "from annotator.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "assert code == 0, code\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
        "print('regex' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 0, done.stderr
    *_, loaded, regex = done.stderr.strip().splitlines()
    return done.stdout, set(json.loads(loaded)) | ({"regex"} if regex == "True" else set())


def test_tone_agreement_imports_no_sqlalchemy(target):
    out, loaded = run_cli("agreement", str(target), "--layer", "tone", "--json")
    assert not loaded & {"sqlalchemy", "alembic", "mako", "tqdm", "regex", "PySide6"}
    with open_project(target) as project:
        expected = compute_agreement(project, layers=["tone"]).as_dict()
    assert json.loads(out) == expected
    assert expected["tone"]["krippendorff_alpha"]["interval"]["units"] == 6


def test_every_layer_on_a_plain_connection_prints_what_the_usual_open_prints(target):
    out, loaded = run_cli("agreement", str(target), "--json", "--include-unfinished")
    assert "sqlalchemy" not in loaded
    with open_project(target) as project:
        expected = compute_agreement(project, include_unfinished=True).as_dict()
    assert json.loads(out) == expected


def test_a_project_to_upgrade_is_opened_as_usual(target):
    import sqlite3

    from alembic import command

    from annotator.store.database import _alembic_config, make_engine

    engine = make_engine(f"sqlite:///{target}")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0007")
    engine.dispose()
    out, loaded = run_cli("agreement", str(target), "--layer", "tone", "--json")
    assert "sqlalchemy" in loaded  # opened (and upgraded) the usual way
    assert json.loads(out)["tone"]["krippendorff_alpha"]["interval"]["units"] == 6
    con = sqlite3.connect(target)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] != "0007"
    con.close()
