"""The annotator command: exit codes, one-line errors without tracebacks, --help, and the demo."""

import json
import subprocess
import sys

import pytest

from annotator.cli import main


def run(*args):
    """Run the real console entry point in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("command", ["init", "import", "export", "stats", "search", "gui", "demo"])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert f"usage: annotator {command}" in capsys.readouterr().out


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_init_import_export_stats(tmp_path, capsys, backend, request):
    proj = tmp_path / "p.annotator" if backend == "sqlite" else request.getfixturevalue("pg_url")
    assert main(["init", str(proj)]) == 0
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps(
            {
                "id": "a",
                "text": "पाकिस्तान ने बयान जारी किया।",
                "annotations": [
                    {
                        "annotator": "asha",
                        "status": "in_progress",
                        "entities": [{"id": "T1", "start": 0, "end": 9, "label": "GPE"}],
                    }
                ],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["import", str(proj), str(src), "--quiet"]) == 0
    assert "1 document(s) added" in capsys.readouterr().out
    out = tmp_path / "out.jsonl"
    assert main(["export", str(proj), "--format", "jsonl", "--out", str(out), "--quiet"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["annotations"][0]["entities"][0]["text"] == "पाकिस्तान"
    capsys.readouterr()
    assert main(["stats", str(proj), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 1 and stats["annotators"] == ["asha"]
    assert stats["entities"]["GPE"] == 1 and stats["entities"]["PER"] == 0
    assert stats["statuses"] == {"asha": {"todo": 0, "in_progress": 1, "done": 0, "skipped": 0}}
    assert main(["stats", str(proj)]) == 0
    text = capsys.readouterr().out
    assert "documents: 1" in text and "GPE" in text and "asha" in text


def test_import_with_bad_records_exits_3_and_names_line(tmp_path, capsys):
    proj = tmp_path / "p.annotator"
    main(["init", str(proj)])
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "ok"}\n{"text": 5}\n', encoding="utf-8")
    assert main(["import", str(proj), str(src), "--quiet"]) == 3
    captured = capsys.readouterr()
    assert f"error: {src}:2: field 'text' must be a string, not int" in captured.err
    assert "1 document(s) added" in captured.out


@pytest.mark.parametrize(
    "args,message",
    [
        (["stats", "{tmp}/missing.annotator"], "missing.annotator: no such project"),
        (["import", "{tmp}/p.annotator", "{tmp}/nothing.jsonl"], "nothing.jsonl: no such file or folder"),
        (["init", "{tmp}/q.annotator", "--schema", "{tmp}/bad.toml"], "bad.toml"),
        (["init", "{tmp}/p.annotator"], "already exists"),
        (["export", "{tmp}/p.annotator", "--out", "{tmp}/no/such/dir/x.jsonl"], "does not exist"),
        (["stats", "{tmp}/garbage.annotator"], "not an annotator project"),
    ],
)
def test_user_errors_are_one_line_without_traceback(tmp_path, args, message):
    (tmp_path / "bad.toml").write_text("[schema\nname = 1\n")
    (tmp_path / "garbage.annotator").write_text("hello")
    assert run("init", tmp_path / "p.annotator").returncode == 0
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: error: ") and message in lines[0], (
        result.stderr
    )


def test_bad_usage_exits_2():
    result = run("import")
    assert result.returncode == 2 and "usage:" in result.stderr and "Traceback" not in result.stderr


def test_demo_project_is_built_and_shown(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "demo project:" in out
    docs = int(out.split("documents: ")[1].split()[0])
    assert docs >= 15
    assert (tmp_path / "home" / "demo.annotator").exists()
    # a second start reuses it
    assert main(["demo"]) == 0
    assert f"documents: {docs} " in capsys.readouterr().out


def test_import_options_of_other_formats(tmp_path, capsys):
    """--clean reaches the html/text readers and is reported; an option no file takes is an error."""
    from annotator.services.project import init_project

    project = tmp_path / "p.annotator"
    init_project(project).close()
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(
        '<html lang="hi"><head><title>हमला</title></head><body><article><p>पहलगाम में आतंकियों ने 26 लोगों को '
        "मार डाला। सुरक्षा बलों ने इलाके को घेर लिया है।</p><p>यह भी पढ़ें:</p><p>दिल्ली में बारिश</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    assert main(["import", str(project), str(folder), "--clean", "--quiet"]) == 0
    assert "clean-up: 2 'read also' line(s) cut" in capsys.readouterr().err
    out = tmp_path / "o.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    stored = json.loads(out.read_text(encoding="utf-8"))
    assert stored["text"].endswith("घेर लिया है।") and stored["meta"]["cleanup"]["removed_lines"] == 2
    src = tmp_path / "d.jsonl"
    src.write_text('{"text": "x"}\n', encoding="utf-8")
    assert main(["import", str(project), str(src), "--scheme", "iob2", "--quiet"]) == 1
    assert "option 'scheme' applies to conll files" in capsys.readouterr().err
    assert main(["import", str(project), str(src), "--annotator", "x", "--quiet"]) == 1
    assert "--annotator and --label-map apply to labels from other tools" in capsys.readouterr().err


def _commands() -> list[list[str]]:
    """Every command and every ACTION of the commands that take one, from the whole parser."""
    import argparse

    from annotator.cli import build_parser

    def subparsers(parser):
        return [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]

    found = []
    for name, parser in subparsers(build_parser())[0].choices.items():
        found.append([name])
        for action in subparsers(parser):
            found += [[name, a] for a in action.choices]
    return found


def _outcome(parser, argv, capsys):
    try:
        args = parser.parse_args(argv)
        result = sorted((k, getattr(v, "__name__", v)) for k, v in vars(args).items())
    except SystemExit as exc:
        result = [("exit", exc.code)]
    out = capsys.readouterr()
    return result, out.out, out.err


@pytest.mark.parametrize("argv", [["--version"], ["-h"], ["nope"], ["--help", "search"], ["--", "stats"]])
def test_the_top_level_parser_is_the_whole_one(argv, capsys):
    """`annotator --help`, a wrong command and the version come from the parser with every command."""
    from annotator.cli import build_parser

    whole = _outcome(build_parser(), argv, capsys)
    assert whole[0] == [("exit", 0 if argv[0] != "nope" and argv[0] != "--" else 2)]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    assert (exc.value.code, out.out, out.err) == (whole[0][0][1], whole[1], whole[2])


def test_each_commands_own_parser_parses_as_the_whole_one(capsys):
    """main builds only the parser of the command it runs: its help, its errors and what it parses are
    the whole parser's (every command and action, with --help, with nothing, with a wrong option)."""
    from annotator.cli import build_parser

    whole = build_parser()
    assert build_parser("nope").format_help() == whole.format_help()  # not a command: the whole parser
    for command in _commands():
        one = build_parser(command[0])
        for argv in ([*command, "--help"], command, [*command, "--nope"], [*command, "p", "q", "r"]):
            assert _outcome(one, argv, capsys) == _outcome(whole, argv, capsys), argv
    assert _outcome(build_parser(""), ["--version"], capsys) == _outcome(whole, ["--version"], capsys)
