"""Inter-annotator agreement of a project: document tone, entities, events, targeted sentiment.

Reads only the layers asked for through the store's readers (:mod:`annotator.store.reading`), keeps
documents whose sets count (:func:`annotator.annotations.counted`: work status ``done``, or any label when
``include_unfinished``) for two or more annotators, builds the units and hands them to the pure code in
:mod:`annotator.agreement`.

Every figure is a :class:`~annotator.agreement.coefficients.Figure`: a value and the number of units it
rests on, or ``None`` and the reason it cannot be computed. Units: documents for tone and span F1, tokens
for token kappa, labelled spans for Krippendorff's unitizing alpha (per annotator pair, the shared documents
laid end to end; averaged over pairs), matched events for argument F1 and attribute agreement, shared
targets for sentiment.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.agreement.coefficients import (
    Figure,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alphas,
    mean_figure,
    observed_agreement,
    undefined,
)
from annotator.annotations import AnnotationSet, Document, Layer
from annotator.errors import AnnotatorError
from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.store.reading import count_documents, read_batches

if TYPE_CHECKING:
    from annotator.agreement.spans import EntityComparison, EventComparison, EventUnit
    from annotator.agreement.unitizing import UnitizingResult
    from annotator.schema import Schema
    from annotator.services.project import Project

# SQLAlchemy, the models and the project are imported by the functions that need them: agreement on a
# project file (:func:`agreement_file`, the ``annotator agreement`` command) reads on a plain sqlite3
# connection. The tokenizer (and the regex module) and the span and unitizing code too: only the entity,
# event and sentiment figures need them, not tone's.

LAYERS = ("tone", "entities", "events", "sentiment")
NOT_ENOUGH = "no document has two or more annotators"


@dataclass
class _Doc:
    """One document's annotation sets of the annotators compared on it (two or more)."""

    text: str
    by_annotator: dict[str, AnnotationSet]
    document_id: int = 0


#: The layers each agreement layer reads (sentiment and events need the spans of their targets, fillers).
_READS = {
    "tone": (Layer.TONE,),
    "entities": (Layer.ENTITIES,),
    "events": (Layer.EVENTS, Layer.ENTITIES),
    "sentiment": (Layer.SENTIMENT, Layer.ENTITIES, Layer.EVENTS),
}


@dataclass
class AgreementReport:
    documents: int = 0  # documents with two or more annotators compared
    annotators: list[str] = field(default_factory=list)
    include_unfinished: bool = False
    layers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: "a|b" -> ids of the documents both annotators' work was compared on (what a pair's figures rest on)
    pair_documents: dict[str, list[int]] = field(default_factory=dict)
    #: the schema version compared under, the versions the layers' annotations were made under, and
    #: whether older ones were compared as mapped (see :func:`schema_versions_compared`)
    schema: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {
            "documents": self.documents,
            "annotators": self.annotators,
            "include_unfinished": self.include_unfinished,
            **{name: _plain(value) for name, value in self.layers.items()},
        }
        if self.schema is not None:
            out["schema"] = self.schema
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Figure):
        return value.as_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _pair_key(a: str, b: str) -> str:
    return f"{a}|{b}"


@dataclass
class _Pair:
    """What the figures of one annotator pair need, added up document by document."""

    documents: list[int] = field(default_factory=list)
    entities: EntityComparison | None = None  # made when the entities layer is compared
    units: tuple[list, list] = field(default_factory=lambda: ([], []))  # αu: spans on one continuum
    length: int = 0  # of that continuum so far
    events: EventComparison | None = None  # made when the events layer is compared
    polarities: list[tuple[str, str]] = field(default_factory=list)


class _Accumulator:
    """Every layer's units, gathered in one pass over the documents, so that no document needs to be kept
    once it has been compared."""

    def __init__(self, layers: list[str], tone_name: str | None):
        self.layers, self.tone_name = layers, tone_name
        self.documents = 0
        self.names: set[str] = set()
        self.ratings: list[dict[str, Any]] = []  # tone value per annotator, per document
        self.pairs: dict[tuple[str, str], _Pair] = {}
        if "entities" in layers:
            from annotator.agreement.spans import EntityComparison
            from annotator.text.segment import token_bounds

            self.token_bounds = token_bounds
            self.entity_comparison = EntityComparison
        if "events" in layers:
            from annotator.agreement.spans import EventComparison

            self.event_comparison = EventComparison

    def add(self, doc: _Doc, tokens: list[tuple[int, int]] | None = None) -> None:
        self.documents += 1
        self.names.update(doc.by_annotator)
        if "tone" in self.layers and self.tone_name is not None:
            self.ratings.append({a: ann.tone.get(self.tone_name) for a, ann in doc.by_annotator.items()})
        entities = "entities" in self.layers
        if entities:
            # the tokens (as their starts and their ends) and each annotator's spans, once per document
            if tokens is None:
                bounds = self.token_bounds(doc.text)
            else:
                bounds = ([t[0] for t in tokens], [t[1] for t in tokens])
            spans = {name: _spans(ann) for name, ann in doc.by_annotator.items()}
        for a, b in combinations(sorted(doc.by_annotator), 2):
            pair = self.pairs.get((a, b))
            if pair is None:
                pair = self.pairs[a, b] = _Pair()
            pair.documents.append(doc.document_id)
            ann_a, ann_b = doc.by_annotator[a], doc.by_annotator[b]
            if entities:
                spans_a, spans_b = spans[a], spans[b]
                if pair.entities is None:
                    pair.entities = self.entity_comparison()
                pair.entities.add_spans(spans_a, spans_b, bounds)
                offset = pair.length
                for coder, found in zip(pair.units, (spans_a, spans_b), strict=True):
                    coder.extend([(offset + s, offset + e, label) for s, e, label in found])
                pair.length += len(doc.text)
            if "events" in self.layers:
                if pair.events is None:
                    pair.events = self.event_comparison()
                pair.events.add(_event_units(ann_a), _event_units(ann_b))
            if "sentiment" in self.layers:
                ta, tb = _targets(ann_a), _targets(ann_b)
                pair.polarities.extend((ta[t], tb[t]) for t in sorted(ta.keys() & tb.keys()))


# --------------------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------------------


def _tone(schema: Schema, acc: _Accumulator, names: list[str]) -> dict[str, Any]:
    scale = schema.document_sentiment
    if scale is None or not acc.documents:
        missing = undefined("the schema has no document sentiment" if scale is None else NOT_ENOUGH)
        return {
            "name": scale.name if scale is not None else None,
            "krippendorff_alpha": dict.fromkeys(("nominal", "ordinal", "interval"), missing),
            "fleiss_kappa": missing,
            "cohen_kappa_pairwise": {},
            "cohen_kappa_mean": missing,
            "observed_agreement": missing,
        }
    ratings = acc.ratings
    units = [[r.get(a) for a in names] for r in ratings]
    pairwise = {}
    for a, b in combinations(names, 2):
        pairs = [(r.get(a), r.get(b)) for r in ratings]
        pairs = [p for p in pairs if None not in p]
        if pairs:
            pairwise[_pair_key(a, b)] = cohen_kappa(pairs)
    return {
        "name": scale.name,
        "krippendorff_alpha": krippendorff_alphas(units, ("nominal", "ordinal", "interval")),
        "fleiss_kappa": fleiss_kappa(units),
        "cohen_kappa_pairwise": pairwise,
        "cohen_kappa_mean": mean_figure(pairwise.values(), "no document has two tone values"),
        "observed_agreement": observed_agreement(units),
    }


def _spans(ann: AnnotationSet) -> list[tuple[int, int, str]]:
    return [(e[1], e[2], e[3]) for e in ann.entities]  # (start, end, label), by index: the fastest way


def _entities(acc: _Accumulator) -> dict[str, Any]:
    """Entity figures per pair; Krippendorff's αu of a pair over the documents it shares, laid end to end
    as one continuum of code points."""
    pairwise: dict[str, dict[str, Figure]] = {}
    from annotator.agreement.spans import MODES, EntityComparison
    from annotator.agreement.unitizing import unitizing_alpha

    comparisons: list[EntityComparison] = []
    unitizing: list[UnitizingResult] = []
    for (a, b), pair in sorted(acc.pairs.items()):
        cmp = pair.entities or EntityComparison()
        comparisons.append(cmp)
        unitized = unitizing_alpha(list(pair.units), 0, max(pair.length, 1))
        unitizing.append(unitized)
        pairwise[_pair_key(a, b)] = {
            "exact": cmp.f1("exact"),
            "overlap": cmp.f1("overlap"),
            "token_kappa": cmp.token_kappa(),
            "unitizing_alpha": unitized.overall(),
        }
    labels = sorted({label for cmp in comparisons for label in cmp.per_label})
    per_label = {
        label: {
            **{
                mode: mean_figure(
                    (cmp.per_label[label][mode].figure() for cmp in comparisons if label in cmp.per_label),
                    NOT_ENOUGH,
                )
                for mode in MODES
            },
            "unitizing_alpha": mean_figure(
                (u.alpha(label) for u in unitizing if label in u.per_category), NOT_ENOUGH
            ),
        }
        for label in labels
    }
    confusion: Counter = Counter()
    for cmp in comparisons:
        confusion.update(cmp.confusion)
    matrix: dict[str, dict[str, int]] = {}
    for (la, lb), n in sorted(confusion.items(), key=lambda item: tuple(map(_label_order, item[0]))):
        matrix.setdefault(la, {})[lb] = n
    return {
        "mean_pairwise_f1": {
            mode: mean_figure((p[mode] for p in pairwise.values()), NOT_ENOUGH) for mode in MODES
        },
        "token_kappa": mean_figure((p["token_kappa"] for p in pairwise.values()), NOT_ENOUGH),
        "unitizing_alpha": mean_figure((p["unitizing_alpha"] for p in pairwise.values()), NOT_ENOUGH),
        "per_label": per_label,
        "pairwise": pairwise,
        "confusion": matrix,
    }


def _label_order(label: str) -> tuple[bool, str]:
    """Labels in name order, the :data:`~annotator.agreement.spans.MISSING` row and column last."""
    from annotator.agreement.spans import MISSING

    return (label == MISSING, label)


def confusion_labels(matrix: dict[str, dict[str, int]]) -> list[str]:
    """The labels of a confusion matrix (``entities.confusion``) for its rows and columns: every label that
    occurs in it, then :data:`~annotator.agreement.spans.MISSING` (shown even when no span is missing, so
    that it is clear nothing is)."""
    from annotator.agreement.spans import MISSING

    labels = set(matrix) | {lb for row in matrix.values() for lb in row}
    if not labels:
        return []
    return sorted(labels | {MISSING}, key=_label_order)


def _event_units(ann: AnnotationSet) -> list[EventUnit]:
    if not ann.events:
        return []
    from annotator.agreement.spans import EventUnit

    # ann.spans(), by index: every entity's and then every trigger's (start, end), by id
    spans = {e[0]: (e[1], e[2]) for e in ann.entities}
    spans.update({ev[0]: (ev[2], ev[3]) for ev in ann.events})
    out = []
    for ev in ann.events:
        args = tuple(sorted((arg.role, spans[arg.filler]) for arg in ev.arguments if arg.filler in spans))
        attrs = tuple(sorted((k, repr(v)) for k, v in ev.attributes.items()))
        out.append(EventUnit(ev.start, ev.end, ev.type, args, attrs))
    return out


def _events(acc: _Accumulator) -> dict[str, Any]:
    from annotator.agreement.spans import EventComparison

    pairwise = {}
    for (a, b), pair in sorted(acc.pairs.items()):
        cmp = pair.events or EventComparison()
        pairwise[_pair_key(a, b)] = {
            "trigger_f1": cmp.trigger_f1(),
            "argument_f1": cmp.argument_f1(),
            "attribute_agreement": cmp.attribute_agreement(),
        }
    keys = ("trigger_f1", "argument_f1", "attribute_agreement")
    return {
        **{k: mean_figure((p[k] for p in pairwise.values()), NOT_ENOUGH) for k in keys},
        "pairwise": pairwise,
    }


def _targets(ann: AnnotationSet) -> dict[tuple[int, int, str], str]:
    """Polarity per target span (entity: its offsets and label; event: its trigger and type)."""
    spans = {e.id: (e.start, e.end, e.label) for e in ann.entities}
    spans.update({ev.id: (ev.start, ev.end, ev.type) for ev in ann.events})
    return {spans[s.target]: s.polarity for s in ann.sentiment if s.target in spans}


def _sentiment(acc: _Accumulator) -> dict[str, Any]:
    pairwise = {}
    all_pairs: list[tuple[str, str]] = []
    for (a, b), pair in sorted(acc.pairs.items()):
        if pair.polarities:
            all_pairs.extend(pair.polarities)
            pairwise[_pair_key(a, b)] = {
                "observed_agreement": observed_agreement(pair.polarities),
                "cohen_kappa": cohen_kappa(pair.polarities),
            }
    reason = NOT_ENOUGH if not acc.documents else "no target marked by two annotators"
    return {
        "observed_agreement": observed_agreement(all_pairs) if all_pairs else undefined(reason),
        "cohen_kappa": mean_figure((p["cohen_kappa"] for p in pairwise.values()), reason),
        "pairwise": pairwise,
    }


class AgreementPass:
    """Agreement gathered one document at a time, for a caller that reads the documents anyway (the
    dataset export computes its card's figures in its own pass, with the tokens it made): read documents
    with at least :attr:`reads` (and texts when ``entities`` is a layer), :meth:`add` each, then
    :meth:`report`. :func:`compute_agreement` is this with its own reading."""

    def __init__(
        self,
        project: Project | None = None,
        *,
        layers: list[str] | None = None,
        annotators: list[str] | None = None,
        include_unfinished: bool = False,
        schema: Schema | None = None,
    ):
        """``project``, or only its label ``schema`` (what the figures need of it)."""
        if schema is None:
            if project is None:
                raise TypeError("AgreementPass needs a project or a schema")
            schema = project.schema
        self.project, self.schema = project, schema
        self.layers = list(layers or LAYERS)
        unknown = [name for name in self.layers if name not in LAYERS]
        if unknown:
            raise AnnotatorError(f"unknown layer {', '.join(unknown)} (one of {', '.join(LAYERS)})")
        self.annotators = annotators or None
        self.include_unfinished = include_unfinished
        scale = schema.document_sentiment
        self.acc = _Accumulator(self.layers, scale.name if scale is not None else None)
        self.schema_note: dict[str, Any] | None = None
        #: what the documents given to :meth:`add` must carry
        self.reads = frozenset({Layer.STATUS, *(layer for name in self.layers for layer in _READS[name])})

    def wants(self, doc: Document) -> dict[str, AnnotationSet] | None:
        """The sets of ``doc`` that would be compared (two or more), or None: a caller can skip making
        tokens for a document that is not compared."""
        sets = doc.counted(self.annotators, include_unfinished=self.include_unfinished)
        return sets if len(sets) >= 2 else None

    def add(self, doc: Document, tokens: list[tuple[int, int]] | None = None) -> None:
        """Compare the sets of one document (nothing when fewer than two count). ``tokens``: the
        document's tokens as :func:`annotator.text.segment.tokenize` makes them, when the caller has
        them (for token kappa); made here otherwise. The document is not kept."""
        sets = self.wants(doc)
        if sets is not None:
            self.acc.add(_Doc(doc.text, sets, doc.id), tokens)

    def report(
        self, *, progress: ProgressCallback = no_progress, cancel: CancelFlag | None = None
    ) -> AgreementReport:
        acc = self.acc
        names = sorted(acc.names)
        report = AgreementReport(acc.documents, names, self.include_unfinished)
        report.schema = self.schema_note
        report.pair_documents = {
            _pair_key(a, b): pair.documents for (a, b), pair in sorted(acc.pairs.items())
        }
        for layer in self.layers:
            if cancel is not None:
                cancel.check()
            progress(0, None, f"agreement: {layer}")
            if layer == "tone":
                report.layers[layer] = _tone(self.schema, acc, names)
            elif layer == "entities":
                report.layers[layer] = _entities(acc)
            elif layer == "events":
                report.layers[layer] = _events(acc)
            else:
                report.layers[layer] = _sentiment(acc)
        progress(1, 1, "agreement")
        return report


def compute_agreement(
    project: Project,
    *,
    layers: list[str] | None = None,
    annotators: list[str] | None = None,
    include_unfinished: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> AgreementReport:
    """Agreement figures of the project for ``layers`` (default all of :data:`LAYERS`) among ``annotators``
    (default everyone): the documents are streamed in batches with only the layers the figures need, and
    each is dropped once compared (memory grows with pairs and units, not with texts)."""
    agreement = AgreementPass(
        project, layers=layers, annotators=annotators, include_unfinished=include_unfinished
    )
    with _collector_paused():
        with project.engine.connect() as conn:
            _read(conn, agreement, progress, cancel)
        return agreement.report(progress=progress, cancel=cancel)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the documents are read and compared, and back on after
    (if it was on), even on an error. Reading and comparing make millions of short-lived containers, none
    in a cycle, and the collections they set off took about a fifth of all-layer agreement's time (10,000
    documents: 4.9 → 4.0 s of CPU). The switch is the process's: meanwhile other threads' cycles wait too;
    reference counting frees everything else as usual."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


#: the tables whose rows each layer compares
_LAYER_TABLES = {
    "tone": ("document_labels",),
    "entities": ("entities",),
    "events": ("events", "event_arguments"),
    "sentiment": ("targeted_sentiments",),
}


def schema_versions_compared(conn: Any, layers: list[str]) -> dict[str, Any]:
    """Which schema versions the project's annotations of ``layers`` were made under: agreement compares
    them as they are stored, that is under the version in force, older ones mapped by the renames and
    merges recorded when each later version was applied — said in ``note``. ``conn``: a SQLAlchemy
    connection or a plain sqlite3 one."""
    from annotator.store.reading import plain_rows

    current = plain_rows(conn, "SELECT max(number) FROM schema_versions")[0][0] or 1
    made: set[int] = set()
    for table in dict.fromkeys(t for name in layers for t in _LAYER_TABLES.get(name, ())):
        made.update(
            v
            for (v,) in plain_rows(
                conn, f"SELECT DISTINCT schema_version FROM {table} WHERE schema_version IS NOT NULL"
            )
        )
    older = sorted(v for v in made if v < current)
    if older:
        versions = ", ".join(map(str, older))
        note = (
            f"annotations made under schema version(s) {versions} are compared as mapped to version "
            f"{current} (the renames and merges recorded when each later version was applied); labels a "
            "later version added could not have been given under an earlier one"
        )
    else:
        note = f"every annotation compared was made under schema version {current}"
    return {"version": current, "made_under": sorted(made | {current}), "mapped": bool(older), "note": note}


def _read(conn: Any, agreement: AgreementPass, progress: ProgressCallback, cancel: CancelFlag | None) -> None:
    """Every document of the project, with what ``agreement`` reads, added to it (``conn``: a SQLAlchemy
    connection or a plain sqlite3 one)."""
    total = count_documents(conn)
    seen = 0
    for documents in read_batches(
        conn,
        annotators=agreement.annotators,
        layers=agreement.reads,
        presence=agreement.include_unfinished,  # "any label" means any layer's, read or not
        with_text="entities" in agreement.layers,  # tokens and the unitizing continuum
        cancel=cancel,
    ):
        for doc in documents:
            agreement.add(doc)
        seen += len(documents)
        progress(seen, total, "comparing annotations")
    agreement.schema_note = schema_versions_compared(conn, agreement.layers)


def agreement_file(
    target: str | Path,
    *,
    layers: list[str] | None = None,
    annotators: list[str] | None = None,
    include_unfinished: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> AgreementReport | None:
    """:func:`compute_agreement` on a project file, on a plain sqlite3 connection: the same queries and
    the same figures, without SQLAlchemy, an engine or Alembic. None when this cannot answer and the
    project must be opened as usual: a URL, a missing file, a revision other than this program's head (the
    usual open upgrades it), no label schema stored, or the file busy or unreadable that way. The file gets
    the same look before opening as any open (:func:`annotator.store.database.check_sqlite_file`: a damaged
    file is refused with the same message); it writes nothing."""
    import sqlite3

    from annotator.store.database import ProjectOpenError, damaged_read, open_plain

    opened = open_plain(target)
    if opened is None:
        return None
    path, con = opened
    try:
        found = con.execute("SELECT value FROM settings WHERE key = 'schema'").fetchall()
        if not found:
            return None
        from annotator.schema import SchemaError, parse_schema

        try:
            schema = parse_schema(found[0][0], source=f"{path} (stored schema)", workbench_keys=False)
        except SchemaError as exc:
            raise ProjectOpenError(f"{path}: stored label schema is invalid: {exc}") from exc
        agreement = AgreementPass(
            layers=layers, annotators=annotators, include_unfinished=include_unfinished, schema=schema
        )
        with _collector_paused():
            _read(con, agreement, progress, cancel)
    except sqlite3.OperationalError:  # busy past the timeout, unreadable: the usual open says
        return None
    except sqlite3.DatabaseError as exc:
        raise damaged_read(path, exc) from None
    finally:
        con.close()
    with _collector_paused():
        return agreement.report(progress=progress, cancel=cancel)


def compared_entities(
    project: Project, report: AgreementReport
) -> dict[int, list[tuple[str, int, int, str]]]:
    """(annotator, start, end, label) of every compared annotator's entities, by compared document."""
    ids = sorted({d for docs in report.pair_documents.values() for d in docs})
    names = set(report.annotators)
    out: dict[int, list[tuple[str, int, int, str]]] = {d: [] for d in ids}
    from sqlalchemy import select

    from annotator.store.models import Annotator, Entity

    with project.engine.connect() as conn:
        for doc_id, name, start, end, label in conn.execute(
            select(Entity.document_id, Annotator.name, Entity.start, Entity.end, Entity.label)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Entity.document_id.in_(ids))
        ):
            if name in names:
                out[doc_id].append((name, start, end, label))
    return out


def confusion_documents(project: Project, report: AgreementReport, label_a: str, label_b: str) -> list[int]:
    """Ids of the documents behind the confusion-matrix cell ``(label_a, label_b)``: where the first
    annotator of a compared pair (by name) has a ``label_a`` span paired with the other's ``label_b`` span,
    as :func:`~annotator.agreement.spans.label_confusion` pairs them (``MISSING`` for no span)."""
    from annotator.agreement.spans import label_confusion

    entities = compared_entities(project, report)
    found: set[int] = set()
    for a, b in combinations(report.annotators, 2):  # sorted names: the pairs' own order
        for doc_id in report.pair_documents.get(_pair_key(a, b), []):
            ents = entities.get(doc_id, [])
            spans_a = [(s, e, label) for name, s, e, label in ents if name == a]
            spans_b = [(s, e, label) for name, s, e, label in ents if name == b]
            if label_confusion(spans_a, spans_b)[label_a, label_b]:
                found.add(doc_id)
    return sorted(found)


def _confusion_lines(matrix: dict[str, dict[str, int]], pad: str) -> list[str]:
    """The label confusion matrix as a table: rows the first annotator of each pair, columns the second."""
    from annotator.agreement.spans import MISSING

    labels = confusion_labels(matrix)
    if not labels:
        return []
    width = max(6, *(len(label) for label in labels))
    lines = [
        f"{pad}confusion (rows: the first annotator of each pair by name, columns: the other; "
        f"{MISSING}: no span)",
        pad + "  " + " " * width + "".join(f"  {label:>{width}}" for label in labels),
    ]
    for la in labels:
        row = matrix.get(la, {})
        cells = "".join(f"  {(row.get(lb) or '.')!s:>{width}}" for lb in labels)
        lines.append(f"{pad}  {la:<{width}}{cells}")
    return lines


def format_agreement(report: AgreementReport) -> str:
    """A readable table of the report's figures."""
    lines = [
        f"Agreement over {report.documents} document(s) with two or more annotators"
        + (" (unfinished included)" if report.include_unfinished else " (status done)"),
        f"  annotators: {', '.join(report.annotators) or '-'}",
    ]

    def walk(prefix: str, value: Any, depth: int) -> None:
        pad = "  " * depth
        if isinstance(value, Figure):
            lines.append(f"{pad}{prefix:<28} {value}")
        elif isinstance(value, dict):
            if not value:
                return
            if prefix == "confusion" and all(isinstance(row, dict) for row in value.values()):
                lines.extend(_confusion_lines(value, pad))
                return
            lines.append(f"{pad}{prefix}")
            for k, v in value.items():
                walk(str(k), v, depth + 1)
        else:
            lines.append(f"{pad}{prefix:<28} {value}")

    for name, figures in report.layers.items():
        if name == "incidents":
            lines.extend(_incident_lines(figures))
            continue
        walk(name, figures, 1)
    if report.schema is not None and report.schema.get("mapped"):
        lines.append(f"  schema: {report.schema['note']}")
    return "\n".join(lines)


def _incident_lines(figures: dict[str, Any]) -> list[str]:
    """Linking agreement (``services.incidents.incident_agreement``) as lines."""
    lines = ["  incidents (linking events across documents)"]
    if not figures.get("pairs"):
        return [*lines, "    no two annotators linked events in the same documents"]
    for pair in figures["pairs"]:
        lines.append(
            f"    {pair['a']} – {pair['b']} ({pair['documents']} documents): CoNLL F1 {pair['conll_f1']:.3f}"
        )
        for metric in ("muc", "b_cubed", "ceaf_e", "blanc"):
            m = pair[metric]
            lines.append(f"      {metric:<8} R {m['recall']:.3f}  P {m['precision']:.3f}  F1 {m['f1']:.3f}")
    return lines


__all__ = [
    "LAYERS",
    "AgreementPass",
    "AgreementReport",
    "agreement_file",
    "compute_agreement",
    "confusion_documents",
    "confusion_labels",
    "format_agreement",
]
