"""The format registry is an explicit table: every format the CLI offers for import is in it and loads."""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path

import pytest

from annotator.cli import build_parser
from annotator.formats import brat, records
from annotator.formats.records import FORMATS, READERS

#: Formats the import reads from folders rather than through a file reader.
FOLDER_FORMATS = {"brat": brat.read_folder}


def cli_import_formats() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    fmt = next(a for a in sub.choices["import"]._actions if "--format" in a.option_strings)
    return list(fmt.choices)


def test_every_format_the_cli_offers_has_a_reader():
    offered = cli_import_formats()
    assert sorted(offered) == sorted([*READERS, *FOLDER_FORMATS])
    assert FORMATS == tuple(READERS)


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_each_reader_loads(fmt):
    read = READERS[fmt]()
    assert callable(read) and read.__name__ == "read"
    assert read.__module__.startswith("annotator.formats.")
    assert "name" in inspect.signature(read).parameters


def test_every_detected_extension_names_a_format_in_the_table():
    for ext in records.known_extensions():
        assert records.detect_format(Path(f"x{ext}")) in READERS


def test_an_unknown_format_is_refused(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(Exception, match="unknown format 'nope'"):
        records.read_path(f, "nope")
