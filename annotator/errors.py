"""Errors a user can cause and fix. The CLI prints them as one line, without a traceback."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base for user-facing errors (bad input, missing files, wrong project)."""


class RecordError(AnnotatorError):
    """One bad input record: ``where`` names the file and line (or record), ``reason`` says what is wrong."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class RecordWarning(RecordError):
    """Part of a record left out that the project has no place for (a layer, a feature); the record itself is
    imported. The import lists it as a warning, not as a bad record."""
