"""The problem report (services/report.py): a zip with the logs, versions, settings without secrets and
the project's counts; no document text unless asked for."""

import json
import zipfile

import pytest

from annotator import __version__, crashlog
from annotator.services.annotate import AddSpans, Editor
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.report import REMOVED, app_facts, redact_log, settings_without_secrets, write_report
from annotator.services.report import log_dir as report_log_dir
from annotator.settings import Settings
from annotator.store.database import head_revision

HINDI = "पहलगाम में आतंकियों ने हमला किया।"
ENGLISH_TITLE = "Kupwara encounter"
ENGLISH = "Militants attacked an army post in Kupwara on Tuesday."


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def project(tmp_path, home):
    project = init_project(tmp_path / "p.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text(
        json.dumps({"id": "hi", "title": "हमला", "text": HINDI}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "en", "title": ENGLISH_TITLE, "text": ENGLISH})
        + "\n",
        encoding="utf-8",
    )
    assert import_paths(project, [src]).ok
    AddSpans(1, [(0, 6, "GPE")]).apply(Editor(project, "asha"))
    yield project
    project.close()


def crash_with_document_text() -> None:
    """An unexpected error whose message quotes document text, logged as the window logs one."""
    try:
        raise ValueError(f"could not place span {HINDI[:6]!r} in {ENGLISH!r}")
    except ValueError as exc:
        assert crashlog.write_log(exc, "GUI") is not None


def everything_in(path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(name).decode("utf-8") for name in zf.namelist())


def test_the_report_holds_logs_versions_settings_and_counts_but_no_document_text(project, tmp_path, home):
    crash_with_document_text()
    settings = Settings(
        annotator="asha",
        last_project="postgresql://lead:s3cret-pw@db.example/news",
        recent_projects=["postgresql://lead:s3cret-pw@db.example/news", str(tmp_path / "p.annotator")],
        window_state="AAAA/binary==",
    )
    settings.save()
    out = write_report(tmp_path / "report", project=project, document_id=1, ui_versions={"qt": "6.x"})
    assert out.name == "report.zip"
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        summary = json.loads(zf.read("report.json"))
    assert "report.json" in names and any(n.startswith("logs/error-") for n in names)
    assert "document.txt" not in names
    assert summary["app"]["annotator"] == __version__ and summary["app"]["schema_revision"] == head_revision()
    assert summary["app"]["qt"] == "6.x"
    assert summary["project"]["revision"] == head_revision()
    assert summary["project"]["rows"]["documents"] == 2 and summary["project"]["entities_by_label"] == {
        "GPE": 1
    }
    assert summary["settings"]["annotator"] == "asha" and "window_state" not in summary["settings"]
    assert summary["document_text_included"] is False
    assert any(f["file"].endswith(".ttf") and "OFL" in f["licence"] for f in summary["fonts"])
    text = everything_in(out)
    for secret in ("s3cret-pw", HINDI, HINDI[:6], ENGLISH, ENGLISH_TITLE, "हमला", "Kupwara"):
        assert secret not in text, secret
    assert "postgresql://lead:***@db.example/news" in text
    assert "ValueError" in text and REMOVED in text  # the log is there, its quoted text removed


def test_ticking_the_box_adds_the_open_documents_text_and_the_whole_logs(project, tmp_path, home):
    crash_with_document_text()
    out = write_report(tmp_path / "with-text.zip", project=project, document_id=1, include_text=True)
    with zipfile.ZipFile(out) as zf:
        assert zf.read("document.txt").decode("utf-8") == HINDI
        assert json.loads(zf.read("report.json"))["document_text_included"] is True
    assert ENGLISH in everything_in(out)  # the log as written


def test_a_report_without_a_project_or_logs(tmp_path, home):
    out = write_report(tmp_path / "bare.zip", note="the window froze")
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == ["report.json"]
        summary = json.loads(zf.read("report.json"))
    assert summary["note"] == "the window froze" and "project" not in summary and summary["logs"] == []


def test_redact_keeps_the_code_lines_and_removes_quoted_and_non_latin_text():
    log = (
        "annotator 0.1.0, Python 3.11\nGUI\n\nTraceback (most recent call last):\n"
        '  File "/x/annotator/ui/main_window.py", line 10, in run\n'
        '    self.label("GPE", span)\n'
        "ValueError: no span 'Militants attacked' at पहलगाम\n"
    )
    out = redact_log(log)
    assert '    self.label("GPE", span)' in out  # the program's own source line, as written
    assert "Militants" not in out and "पहलगाम" not in out
    assert f"ValueError: no span '{REMOVED}' at {REMOVED}" in out


def test_settings_without_secrets_hides_a_server_password():
    values = settings_without_secrets(Settings(last_project="postgresql+psycopg://u:p%40ss@h:5432/db"))
    assert values["last_project"] == "postgresql+psycopg://u:***@h:5432/db"


def test_app_facts_name_the_paths(home):
    facts = app_facts()
    assert facts["settings"] == str(home / "settings.json") and facts["logs"] == str(home / "logs")
    assert facts["schema_revision"] == head_revision()


def test_the_report_reads_the_logs_where_crashlog_writes_them(home):
    assert report_log_dir() == crashlog.log_dir()
