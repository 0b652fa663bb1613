"""Readers and writers of document and annotation files. Pure Python: no Qt, no database.

Readers yield :class:`SourceRecord` objects (raw, not yet normalized) or :class:`RecordError` for records
that cannot be read, so one bad record never stops the good ones.
"""

from annotator.formats.records import SourceRecord, detect_format, read_path

__all__ = ["SourceRecord", "detect_format", "read_path"]
