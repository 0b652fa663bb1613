"""WebAnno / INCEpTION TSV 3.3 (``#FORMAT=WebAnno TSV 3.3``, also 3.2) → one document with entity spans and
relations. Pure: no database, no Qt.

Text: rebuilt from the ``#Text=`` lines as INCEpTION's own reader does: the lines of a sentence are
unescaped and each ends with a line break; before a sentence's first token the text so far is padded with
spaces up to the token's begin offset, or loses its last line break when the sentence begins right after
the previous one. The result keeps INCEpTION's final line break. Column 2 offsets count **UTF-16 code
units** of that whole text and are converted to code points; every token's form must be the text at its
offsets (otherwise the file's offsets do not fit its text and the document is not imported).

Layers (the ``#T_SP=``, ``#T_RL=``, ``#T_CH=`` declarations give one column per feature):

- **Span layers** ``webanno.custom.*`` and ``de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity`` give
  entities. The label is the value of the layer's feature named ``value`` (wherever it is declared), else
  of its first plain feature, unescaped; when that is ``*`` (no value) or the layer has no such
  feature, the label is the layer's short name (``webanno.custom.Span`` → ``Span``). ``LABEL[n]`` values
  are one annotation over all the tokens and sub-tokens (``1-2.3``) carrying ``[n]``; stacked values
  (``A[1]|B[2]``) are separate annotations; a value without ``[n]`` is an annotation of its own row.
- **Relation layers** whose ends (``BT_<type>``) are annotations of an imported span layer give relations
  (``from`` the annotation the reference names, ``to`` the one on the relation's own row; type as for
  span labels). One that cannot be resolved, or whose end was left out, is reported and left out; the
  document is imported anyway.
- Chains (``#T_CH=``), other span layers (POS, lemma …) and relation layers over them (dependencies) are
  not imported; their names are listed in ``meta["webanno_ignored_layers"]``. Slot (link) features are
  not imported either: their span is (a span with an unset slot feature too). What the project has no
  place for is a :class:`RecordWarning`: each layer not imported (with how many annotations it holds), each
  feature other than the label that carries values, each set of slot links.

Entities get ids ``T1``, ``T2`` … in the order the file first mentions them, relations ``R1`` …; one
native block (annotator ``webanno``, status ``done``) is written when at least one entity was read. The
external id is the file's name; ``meta`` holds ``file`` and ``webanno_layers`` (the imported layers).

Problems are :class:`RecordError` naming ``file:line``. A file that is not TSV 3.2/3.3, a malformed row,
undecodable text or offsets that do not fit the text cost the document. A **zero-length span** (INCEpTION
allows them; the project stores no empty spans), a span whose offsets fall inside a character, and a
relation that cannot be imported are left out and reported on their own. Ids and offsets of more than 12
digits, and a sentence more than :data:`MAX_GAP` units past the text before it, cost the document with one
line (they would otherwise exhaust memory).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import RecordError, RecordWarning
from annotator.formats.doccano import block, entity, relation
from annotator.formats.labelstudio import utf16_to_code_point
from annotator.formats.records import ReadItem, SourceRecord
from annotator.formats.textfile import iter_lines

ANNOTATOR = "webanno"
NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
CUSTOM_PREFIX = "webanno.custom."
_LAYER_KINDS = {"#T_SP=": "span", "#T_RL=": "relation", "#T_CH=": "chain"}
_FORMAT_RE = re.compile(r"#FORMAT=WebAnno TSV (\S+)")
_VERSION_RE = re.compile(r"(\d{1,9})\.(\d{1,9})")
_UNIT_RE = re.compile(r"(\d+)-(\d+)(?:\.(\d+))?")
_OFFSETS_RE = re.compile(r"(\d+)-(\d+)")
_NUMBER_DIGITS = 12  # more digits in an id or offset: not a number this reader takes
_ID_RE = re.compile(r"\d{1,9}")
#: the most UTF-16 units of blank text the reader pads before a sentence (INCEpTION pads the whitespace
#: between sentences it does not write); more means the offsets do not belong to this text
MAX_GAP = 1_000_000
_TEXT_ESCAPE_RE = re.compile(r"\\([\\tnfrb\x00-\x07\x0e-\x1f])")
_TEXT_ESCAPES = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b", "\\": "\\"}
_VALUE_ESCAPE_RE = re.compile(r"\\(\\|\[|\]|\||_|->|;|t|n|\*)")
_VALUE_ESCAPES = {"t": "\t", "n": "\n"}
NULL_COLUMN, NULL_VALUE = "_", "*"


def unescape_text(text: str) -> str:
    """A ``#Text=`` line as INCEpTION unescapes it (TSV 3.2+)."""
    return _TEXT_ESCAPE_RE.sub(lambda m: _TEXT_ESCAPES.get(m.group(1), m.group(1)), text)


def unescape_value(value: str) -> str:
    """A feature value as INCEpTION unescapes it."""
    return _VALUE_ESCAPE_RE.sub(lambda m: _VALUE_ESCAPES.get(m.group(1), m.group(1)), value)


def split_unescaped(raw: str, separator: str) -> list[str]:
    """``raw`` split at each ``separator`` that is not escaped (``a\\|b`` is one value, ``a\\\\|b`` two:
    the backslash before the bar is itself escaped)."""
    out, start, i = [], 0, 0
    while i < len(raw):
        if raw[i] == "\\":
            i += 2
            continue
        if raw[i] == separator:
            out.append(raw[start:i])
            start = i + 1
        i += 1
    out.append(raw[start:])
    return out


def _show(text: str, limit: int = 80) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text):,} characters)"


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(eq=False)
class _Layer:
    kind: str  # "span" | "relation" | "chain"
    type: str
    line: int
    label_column: _Column | None = None  # the column whose value is the label
    attach: str | None = None  # relation layers: the type of the annotations they connect
    imported: bool = False
    left_out: set = field(default_factory=set)  # not imported layers: the annotations seen (keys)
    first_line: int = 0  # … and the first line holding one

    @property
    def short_name(self) -> str:
        return self.type.rsplit(".", 1)[-1]


@dataclass(eq=False)
class _Column:
    layer: _Layer
    kind: str  # "primitive" | "placeholder" | "slot_role" | "slot_target" | "ref" | "chain"
    feature: str = ""
    values: set = field(default_factory=set)  # annotations with a value of a feature that is not imported
    first_line: int = 0


@dataclass(eq=False)
class _Unit:
    id: str
    begin: int
    end: int
    line: int


@dataclass(eq=False)
class _Span:
    layer: _Layer
    begin: int
    end: int
    line: int
    label: str | None = None
    native: str | None = None  # entity id, once kept
    bad: str | None = None  # why it cannot be imported (a NUL in its label)


@dataclass(eq=False)
class _Rel:
    layer: _Layer
    target: _Unit
    label: str | None = None
    source: tuple[str, int, int] | None = None  # (source unit id, source and target disambiguation ids)


@dataclass
class _Problems:
    path: str
    items: list[RecordError] = field(default_factory=list)

    def fatal(self, line: int, reason: str) -> RecordError:
        return RecordError(f"{self.path}:{line}", reason)

    def add(self, line: int, reason: str) -> None:
        self.items.append(RecordError(f"{self.path}:{line}", reason))

    def warn(self, line: int, reason: str) -> None:
        self.items.append(RecordWarning(f"{self.path}:{line}", reason))


def read(path: Path, name: str | None = None, **options: Any) -> Iterator[ReadItem]:
    """The document of a WebAnno TSV file (after the problems of its spans and relations), or the error
    that keeps it from being imported, with the bytes read."""
    parser = _Parser(str(path))
    size = path.stat().st_size
    try:
        if size == 0:
            raise parser.fatal(1, "an empty file")
        for lineno, line, error, _pos in iter_lines(path):
            if error is not None:
                raise RecordError(f"{path}:{lineno}", error)
            parser.feed(lineno, line.rstrip("\r\n"))
        record = parser.finish(name or path.name)
    except RecordError as exc:
        yield exc, size
        return
    for problem in parser.problems.items:
        yield problem, size
    yield record, size


class _Parser:
    def __init__(self, path: str):
        self.problems = _Problems(path)
        self.layers: list[_Layer] = []
        self.columns: list[_Column] = []
        self.in_header = True
        self.prev = "blank"  # what the previous body line was: "blank" | "sentence" | "token"
        self.sentence: list[str] = []  # unescaped #Text= lines of the sentence being read
        self.sentence_line = 0  # where its header begins
        self.parts: list[str] = []  # the document text so far
        self.length = 0  # its length in UTF-16 units
        self.tokens: list[tuple[_Unit, str]] = []
        self.units: dict[str, _Unit] = {}
        self.unit_spans: dict[tuple[str, str], list[_Span]] = {}
        self.unit_rels: dict[tuple[str, str], list[_Rel]] = {}
        self.by_id: dict[int, _Span] = {}
        self.spans: list[_Span] = []
        self.relations: list[_Rel] = []

    def fatal(self, line: int, reason: str) -> RecordError:
        return self.problems.fatal(line, reason)

    # -- header -------------------------------------------------------------------------------------------

    def feed(self, lineno: int, line: str) -> None:
        if lineno == 1:
            self.check_format(line)
        elif self.in_header:
            self.header_line(lineno, line)
        else:
            self.body_line(lineno, line)

    def check_format(self, line: str) -> None:
        m = _FORMAT_RE.fullmatch(line.strip())
        if m is None:
            raise self.fatal(
                1,
                f"not a WebAnno TSV file (first line {_show(line, 60)}, expected '#FORMAT=WebAnno TSV 3.3')",
            )
        version = _VERSION_RE.fullmatch(m.group(1))
        if version is None or (int(version.group(1)), int(version.group(2))) not in ((3, 2), (3, 3)):
            raise self.fatal(1, f"WebAnno TSV {m.group(1)[:20]} is not supported (3.2 and 3.3 are)")

    def header_line(self, lineno: int, line: str) -> None:
        if not line.strip():
            self.in_header = False
            self.finish_header()
            return
        prefix = line[:6]
        if prefix not in _LAYER_KINDS:
            raise self.fatal(
                lineno, f"expected a layer declaration (#T_SP=, #T_RL=, #T_CH=), found {line[:60]!r}"
            )
        fields = [f for f in line[6:].split("|") if f]
        if not fields:
            raise self.fatal(lineno, "layer declaration without a type name")
        layer = _Layer(_LAYER_KINDS[prefix], fields[0], lineno)
        self.layers.append(layer)
        if len(fields) == 1:
            self.columns.append(_Column(layer, "placeholder"))
        for feature in fields[1:]:
            column = _Column(layer, _column_kind(layer, feature), feature)
            if column.kind == "ref":
                layer.attach = feature[len("BT_") :]
            self.columns.append(column)

    def finish_header(self) -> None:
        for layer in self.layers:
            plain = [c for c in self.columns if c.layer is layer and c.kind == "primitive"]
            named_value = [c for c in plain if c.feature == "value"]
            if layer.type == NAMED_ENTITY or named_value:  # a feature called value is the label
                plain = named_value
            layer.label_column = plain[0] if plain else None
            if layer.kind == "span":
                layer.imported = layer.type == NAMED_ENTITY or layer.type.startswith(CUSTOM_PREFIX)
        imported = {layer.type for layer in self.layers if layer.kind == "span" and layer.imported}
        for layer in self.layers:
            if layer.kind == "relation":
                layer.imported = layer.attach in imported

    # -- body ---------------------------------------------------------------------------------------------

    def body_line(self, lineno: int, line: str) -> None:
        if line.startswith("#"):  # sentence header: #Text= (kept), #Sentence.id= (not needed)
            if self.prev != "sentence":
                self.sentence_line = lineno
            if line.startswith("#Text="):
                if "\x00" in line:
                    raise self.fatal(lineno, "a NUL character in the text, which the project cannot store")
                self.sentence.append(unescape_text(line[len("#Text=") :]))
            self.prev = "sentence"
            return
        if not line:
            if self.prev == "sentence":
                raise self.fatal(
                    self.sentence_line, "a sentence without tokens (a blank line after its header)"
                )
            self.prev = "blank"
            return
        self.token_row(lineno, line)

    def token_row(self, lineno: int, line: str) -> None:
        fields = line.split("\t")
        expected = len(self.columns) + 3
        if len(fields) < expected:
            raise self.fatal(
                lineno, f"expected {expected} tab-separated fields, found {len(fields)}: {_show(line)}"
            )
        if any(f.strip() for f in fields[expected:]):  # INCEpTION ends rows with a tab: one empty field
            raise self.fatal(
                lineno,
                f"{len(fields)} tab-separated fields where the layer declarations give {expected}: "
                f"{_show(line)}",
            )
        m_id, m_offsets = _UNIT_RE.fullmatch(fields[0]), _OFFSETS_RE.fullmatch(fields[1])
        if m_id is None or m_offsets is None:
            raise self.fatal(
                lineno, f"expected a token row 'sentence-token<TAB>begin-end<TAB>…', found {_show(line)}"
            )
        if max(len(n or "") for n in (*m_id.groups(), *m_offsets.groups())) > _NUMBER_DIGITS:
            raise self.fatal(
                lineno, f"token {_show(fields[0], 30)}: offsets {_show(fields[1], 30)} or id too large"
            )
        unit = _Unit(fields[0], int(m_offsets.group(1)), int(m_offsets.group(2)), lineno)
        if unit.begin > unit.end:
            raise self.fatal(lineno, f"token {unit.id}: offsets {fields[1]} reversed (begin after end)")
        if unit.id in self.units:
            raise self.fatal(
                lineno, f"token {unit.id}: the id is used twice (first on line {self.units[unit.id].line})"
            )
        subtoken = m_id.group(3) is not None
        if self.prev == "sentence":
            if subtoken:
                raise self.fatal(lineno, f"sub-token {unit.id} before the first token of its sentence")
            self.start_sentence(unit.begin, lineno)
        elif self.prev != "token":
            raise self.fatal(lineno, f"token {unit.id} outside a sentence (no #Text= line before it)")
        self.units[unit.id] = unit
        if not subtoken:
            self.tokens.append((unit, fields[2]))
        for column, raw in zip(self.columns, fields[3:], strict=False):
            if raw == NULL_COLUMN:
                continue
            if not column.layer.imported or column.kind == "chain":
                self.left_out(column, unit, raw)
                continue
            if column.kind == "primitive" and column is not column.layer.label_column:
                for stack, value in enumerate(split_unescaped(raw, "|")):
                    value, suffix = _split_suffix(value)
                    if value != NULL_VALUE:
                        column.values.add(suffix if suffix is not None else (unit.id, stack))
                        column.first_line = column.first_line or lineno
            for stack, value in enumerate(split_unescaped(raw, "|")):
                if column.layer.kind == "span":
                    # a slot column's value also says the span is there (a span whose slot feature is
                    # unset shows only as '*' in its target column): the span is imported, its links are
                    # not, and each is reported
                    if column.kind == "slot_target":  # its [n] names the filler, not this span
                        self.span_present(column, unit, stack)
                    else:
                        self.span_value(column, unit, stack, value)
                    if column.kind == "slot_role":
                        self.slot_links(column, unit, value)
                else:
                    self.relation_value(column, unit, stack, value)
        self.prev = "token"

    def left_out(self, column: _Column, unit: _Unit, raw: str) -> None:
        """Counts the annotations of a layer that is not imported (by the layer's first column)."""
        layer = column.layer
        if column is not next(c for c in self.columns if c.layer is layer):
            return
        for stack, value in enumerate(split_unescaped(raw, "|")):
            _value, suffix = _split_suffix(value)
            key: str | tuple[str, int]
            if layer.kind == "chain":
                key = value  # a chain element: *->2-1 (chain 2, link 1)
            elif layer.kind == "span" and suffix is not None:
                key = suffix
            else:
                key = (unit.id, stack)
            layer.left_out.add(key)
            layer.first_line = layer.first_line or unit.line

    def start_sentence(self, begin: int, lineno: int) -> None:
        if not self.sentence:
            raise self.fatal(self.sentence_line, "a sentence header without a #Text= line")
        if begin - self.length > MAX_GAP:
            raise self.fatal(
                lineno,
                f"the sentence begins at {begin:,}, {begin - self.length:,} UTF-16 units after the text "
                f"before it ends (at most {MAX_GAP:,} are padded); the offsets do not fit the text",
            )
        if self.length > begin:
            if self.length != begin + 1 or not self.parts or not self.parts[-1].endswith("\n"):
                raise self.fatal(lineno, f"the sentence begins at {begin}, inside the text before it")
            self.parts[-1] = self.parts[-1][:-1]
            self.length -= 1
        elif self.length < begin:
            self.parts.append(" " * (begin - self.length))
            self.length = begin
        text = "".join(f"{line}\n" for line in self.sentence)
        self.parts.append(text)
        self.length += _utf16_length(text)
        self.sentence = []

    def span_value(self, column: _Column, unit: _Unit, stack: int, raw: str) -> None:
        value, suffix = _split_suffix(raw)
        ident = None
        if suffix is not None:
            if not _ID_RE.fullmatch(suffix):
                raise self.fatal(unit.line, f"malformed annotation id [{suffix[:20]}] in {_show(raw)}")
            ident = int(suffix)
        here = self.unit_spans.setdefault((unit.id, column.layer.type), [])
        if stack < len(here):
            span = here[stack]
        elif ident is not None and ident in self.by_id:
            span = self.by_id[ident]
            if span.layer is not column.layer:
                raise self.fatal(unit.line, f"annotation id [{ident}] is used by two layers")
            span.end = unit.end
            here.append(span)
        else:
            span = _Span(column.layer, unit.begin, unit.end, unit.line)
            here.append(span)
            self.spans.append(span)
        if ident is not None:
            self.by_id[ident] = span
        if column is column.layer.label_column and value != NULL_VALUE:
            span.label = unescape_value(value)
            if "\x00" in span.label:
                span.bad = "its label holds a NUL character, which the project cannot store"

    def span_present(self, column: _Column, unit: _Unit, stack: int) -> None:
        """A span of the column's layer is on this unit (stacked ``stack``-th): made if not yet there."""
        here = self.unit_spans.setdefault((unit.id, column.layer.type), [])
        if stack >= len(here):
            span = _Span(column.layer, unit.begin, unit.end, unit.line)
            here.append(span)
            self.spans.append(span)

    def slot_links(self, column: _Column, unit: _Unit, raw: str) -> None:
        roles, _suffix = _split_suffix(raw)
        if roles in (NULL_COLUMN, ""):
            return
        names = [unescape_value(r) for r in split_unescaped(roles, ";")]
        shown = _show(", ".join("(no role)" if r in (NULL_VALUE, "") else r for r in names))[1:-1]
        self.problems.warn(
            unit.line,
            f"{column.layer.short_name} annotation at {unit.begin}-{unit.end}: {len(names)} slot link(s) "
            f"({shown}) not imported (the project has no slot features)",
        )

    def relation_value(self, column: _Column, unit: _Unit, stack: int, raw: str) -> None:
        value, suffix = _split_suffix(raw)
        here = self.unit_rels.setdefault((unit.id, column.layer.type), [])
        if stack < len(here):
            rel = here[stack]
        else:
            rel = _Rel(column.layer, unit)
            here.append(rel)
            self.relations.append(rel)
        if column.kind == "ref":
            ids = (suffix or "0_0").split("_")
            if len(ids) != 2 or not all(_ID_RE.fullmatch(x) for x in ids):
                raise self.fatal(unit.line, f"malformed relation reference {_show(raw)}")
            rel.source = (value, int(ids[0]), int(ids[1]))
        elif column is column.layer.label_column and value != NULL_VALUE:
            rel.label = unescape_value(value)
            if "\x00" in rel.label:
                raise self.fatal(unit.line, "a relation label holds a NUL character")

    # -- result -------------------------------------------------------------------------------------------

    def finish(self, name: str) -> SourceRecord:
        if self.in_header:
            raise self.fatal(1, "no blank line after the layer declarations, and no text")
        if self.prev == "sentence" and not self.tokens:
            raise self.fatal(self.sentence_line, "a sentence without tokens at the end of the file")
        if self.prev == "sentence":
            raise self.fatal(self.sentence_line, "a sentence without tokens at the end of the file")
        text = "".join(self.parts)
        if not text.strip():
            raise self.problems.fatal(1, "no text (no #Text= lines with tokens)")
        to_cp = utf16_to_code_point(text)
        for unit, form in self.tokens:
            begin, end = to_cp(unit.begin), to_cp(unit.end)
            if unit.end > self.length:
                raise self.fatal(
                    unit.line,
                    f"token {unit.id} {unit.begin}-{unit.end} ends after the text ({self.length:,} UTF-16 "
                    "units); the offsets do not fit the text",
                )
            if begin is None or end is None or text[begin:end] != form:
                found = (
                    _show(text[begin:end])
                    if begin is not None and end is not None
                    else "(not a character boundary)"
                )
                raise self.fatal(
                    unit.line,
                    f"token {unit.id} {unit.begin}-{unit.end} is {_show(form)} but the text there is {found} "
                    "(counting UTF-16 units); the offsets do not fit the text",
                )
        entities = self.entities(text, to_cp)
        relations = self.relation_list()
        self.report_left_out()
        meta: dict[str, Any] = {
            "file": name,
            "webanno_layers": [layer.type for layer in self.layers if layer.imported],
        }
        ignored = [layer.type for layer in self.layers if not layer.imported]
        if ignored:
            meta["webanno_ignored_layers"] = ignored
        blocks = [block(ANNOTATOR, entities, relations)] if entities else []
        return SourceRecord(self.problems.path, name, "", text, meta, blocks)

    def entities(self, text: str, to_cp) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for span in self.spans:
            begin, end = to_cp(span.begin), to_cp(span.end)
            what = f"{_named(span.layer, span.label)} annotation at {span.begin}-{span.end}"
            if span.bad:
                self.problems.add(
                    span.line,
                    f"{span.layer.short_name} annotation at {span.begin}-{span.end}: {span.bad}; left out",
                )
            elif begin is None or end is None:
                self.problems.add(span.line, f"{what} begins or ends inside a character; left out")
            elif begin == end:
                self.problems.add(
                    span.line, f"{what} is zero-length, which the project cannot store; left out"
                )
            else:
                span.native = f"T{len(out) + 1}"
                out.append(entity(span.native, begin, end, span.label or span.layer.short_name))
        return out

    def relation_list(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for rel in self.relations:
            what = f"{_named(rel.layer, rel.label)} relation on {rel.target.id}"
            if rel.source is None:
                self.problems.add(rel.target.line, f"{what} has no source reference; left out")
                continue
            source_unit, source_id, target_id = rel.source
            from_span = self.resolve(source_unit, source_id, rel.layer)
            to_span = self.resolve(rel.target.id, target_id, rel.layer)
            if from_span is None or to_span is None:
                self.problems.add(
                    rel.target.line,
                    f"{what}: no {rel.layer.attach} annotation found at one of its ends; left out",
                )
            elif from_span.native is None or to_span.native is None:
                self.problems.add(
                    rel.target.line, f"{what} connects an annotation that was left out; left out"
                )
            else:
                rtype = rel.label or rel.layer.short_name
                out.append(relation(f"R{len(out) + 1}", rtype, from_span.native, to_span.native))
        return out

    def report_left_out(self) -> None:
        """One warning per layer the project has no place for and per feature that is not the label, with
        how many annotations or values of it the file holds (none: nothing is said)."""
        for layer in self.layers:
            if not layer.imported and layer.left_out:
                why = {
                    "chain": "chains are not imported",
                    "relation": f"its ends ({layer.attach}) are not an imported span layer",
                    "span": "only named entities and custom span layers (webanno.custom.*) are imported",
                }[layer.kind]
                self.problems.warn(
                    layer.first_line,
                    f"layer {layer.type} ({layer.kind}, declared on line {layer.line}): "
                    f"{len(layer.left_out)} annotation(s) not imported: {why}",
                )
        for column in self.columns:
            if column.values:
                label = column.layer.label_column  # None: a named-entity layer without a value feature
                label_is = "the layer has no label" if label is None else f"the label is {label.feature!r}"
                self.problems.warn(
                    column.first_line,
                    f"feature {column.feature!r} of {column.layer.short_name}: the values of "
                    f"{len(column.values)} annotation(s) not imported ({label_is})",
                )

    def resolve(self, unit_id: str, ident: int, layer: _Layer) -> _Span | None:
        """The annotation a relation end names: by its id, else the first on the unit (as INCEpTION)."""
        if ident > 0:
            span = self.by_id.get(ident)
        else:
            here = self.unit_spans.get((unit_id, layer.attach or ""))
            span = here[0] if here else None
        return span if span is not None and span.layer.type == layer.attach else None


def _named(layer: _Layer, label: str | None) -> str:
    return f"{layer.short_name} {label!r}" if label is not None else layer.short_name


def _column_kind(layer: _Layer, feature: str) -> str:
    if layer.kind == "chain":
        return "chain"
    if layer.kind == "span" and feature.startswith("ROLE_"):
        return "slot_role"
    if layer.kind == "relation" and feature.startswith("BT_"):
        return "ref"
    if layer.kind == "span" and "." in feature:
        return "slot_target"
    return "primitive"


def _split_suffix(raw: str) -> tuple[str, str | None]:
    """A value and the annotation id in brackets after it (``PER[3]`` → ``PER``, ``3``)."""
    if raw.endswith("]") and not raw.endswith("\\]"):
        open_at = raw.rfind("[")
        if open_at >= 0:
            return raw[:open_at], raw[open_at + 1 : -1]
    return raw, None
