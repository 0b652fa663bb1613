"""Training datasets: CoNLL, Hugging Face, spaCy and CSV exports of one annotation set, with deterministic,
stable splits, checks before anything is written, and a dataset card.

* **Annotation set**: ``gold`` (the adjudicated set; documents with a gold decision), an annotator's name
  (their documents with status ``done``, or any labelled one with ``status=None``), or ``majority``
  (computed on the fly from the finished work of two or more annotators, as the majority policy would).
* **Splits** (``80/10/10`` → train/dev/test; ``90/10`` → train/test): each document's split is kept in the
  project (:class:`~annotator.store.models.DatasetSplit`) under its scheme (ratios, seed, stratification),
  so a document never moves between splits when documents are added. New documents are placed in order of
  a hash of (seed, document id), each into the split furthest below its share, within its stratum (the
  metadata field ``stratify``, e.g. ``source``, when given): the same seed gives the same splits on any
  machine, and the shares stay as close to the ratios as whole documents allow.
* **Checks and rules** (:mod:`annotator.formats.dataset`): spans off the text or inside a character are left
  out; spans that cut a token are widened to whole tokens (or left out with ``crossing="drop"``);
  overlapping spans keep the longest. All counted, with examples, in the report and the card.
* Written into a staging folder beside the target (:func:`annotator.fileio.staging_dir`) renamed into place
  when complete: a failed or cancelled export leaves nothing behind, and a killed one's folder is swept by
  the next export to the same target. Streaming: documents are read in batches and written as they come.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, func, insert, select

from annotator.annotations import Document as Labelled
from annotator.annotations import Layer
from annotator.errors import AnnotatorError
from annotator.fileio import staging_dir
from annotator.formats import conll
from annotator.formats.dataset import (
    CROSSING_RULES,
    Checks,
    Example,
    align,
    check_spans,
    csv_line,
    label_list,
    resolve_overlaps,
    sentences_of,
    token_columns,
    token_sentences,
)
from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.services.adjudication import GOLD, majority_labels
from annotator.services.agreement import AgreementPass, AgreementReport
from annotator.services.project import Project
from annotator.store.database import json_value
from annotator.store.models import Annotator, DatasetSplit, Document, GoldProvenance, WorkItem, utcnow
from annotator.store.reading import count_documents, read_batches

FORMATS = ("conll", "hf", "spacy", "csv")
#: Without --split every document goes to ``full``: not ``all``, which Hugging Face ``datasets`` reserves
#: (``load_dataset("json", data_files={"all": …})`` is refused), so every file loads under its own name.
UNSPLIT = "full"
SPLIT_NAMES = {1: (UNSPLIT,), 2: ("train", "test"), 3: ("train", "dev", "test")}
CSV_FIELDS = ("id", "title", "split", "url", "source", "published", "lang", "entities", "meta")
#: the CSV dataset's column of time spent (issue 18), after the tone and before ``meta``: the set's
#: annotator's active seconds on the document, for gold and majority every annotator's; empty when none
#: was recorded
CSV_TIME = "active_seconds"


@dataclass
class DatasetReport:
    fmt: str
    annotation_set: str
    documents: Counter = field(default_factory=Counter)  # per split
    sentences: Counter = field(default_factory=Counter)
    tokens: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)  # (split, label)
    linked: Counter = field(default_factory=Counter)  # per split: entities with a canonical link
    unlinked: Counter = field(default_factory=Counter)
    checks: Checks = field(default_factory=Checks)
    files: list[str] = field(default_factory=list)
    path: str = ""
    new_assignments: int = 0
    notes: list[str] = field(default_factory=list)

    def split_names(self) -> list[str]:
        order = (UNSPLIT, "train", "dev", "test")
        return sorted(self.documents, key=order.index) or [UNSPLIT]

    def summary(self) -> str:
        per_split = ", ".join(f"{self.documents[name]} {name}" for name in self.split_names())
        rules = "; ".join(f"{kind}: {n}" for kind, n in sorted(self.checks.counts.items()))
        return (
            f"exported {sum(self.documents.values())} document(s) ({per_split}) of set "
            f"'{self.annotation_set}' as {self.fmt} to {self.path}" + (f"; {rules}" if rules else "")
        )


def parse_split(text: str | None) -> tuple[int, ...] | None:
    """``80/10/10`` → (80, 10, 10); two or three positive parts."""
    if not text:
        return None
    try:
        parts = tuple(int(p) for p in text.split("/"))
    except ValueError:
        raise AnnotatorError(f"--split {text!r}: expected whole numbers such as 80/10/10") from None
    if len(parts) not in (2, 3) or any(p <= 0 for p in parts):
        raise AnnotatorError(f"--split {text!r}: expected two or three positive parts (train/dev/test)")
    return parts


def split_scheme(ratios: tuple[int, ...], seed: int, stratify: str | None) -> str:
    return "/".join(map(str, ratios)) + f" seed={seed}" + (f" by={stratify}" if stratify else "")


def _hash(seed: int, external_id: str) -> int:
    """A document's place in the order new documents are given splits: 64 bits of SHA-256."""
    return int.from_bytes(hashlib.sha256(f"{seed}\x00{external_id}".encode()).digest()[:8], "big")


def assign_splits(
    conn: Connection,
    candidates: list[tuple[int, str, str]],
    ratios: tuple[int, ...],
    seed: int,
    stratify: str | None,
) -> tuple[dict[int, str], int]:
    """Splits of ``candidates`` ((document id, external id, stratum)); new ones are stored. Returns
    (split by document id, how many were new)."""
    scheme = split_scheme(ratios, seed, stratify)
    names = SPLIT_NAMES[len(ratios)]
    known = dict(
        conn.execute(
            select(DatasetSplit.document_id, DatasetSplit.split).where(DatasetSplit.scheme == scheme)
        ).all()
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    stratum_of = {doc_id: stratum for doc_id, _ext, stratum in candidates}
    for doc_id, split in known.items():
        if doc_id in stratum_of:
            counts[stratum_of[doc_id]][split] += 1
    fresh = sorted(
        (_hash(seed, ext), ext, doc_id, stratum) for doc_id, ext, stratum in candidates if doc_id not in known
    )
    total = sum(ratios)
    rows = []
    now = utcnow()
    for _h, _ext, doc_id, stratum in fresh:
        have = counts[stratum]
        n = sum(have.values()) + 1
        # the split furthest below its share once this document is in (ties: the earlier split)
        split = max(names, key=lambda s: (ratios[names.index(s)] * n / total - have[s], -names.index(s)))
        have[split] += 1
        known[doc_id] = split
        rows.append({"scheme": scheme, "document_id": doc_id, "split": split, "assigned_at": now})
        if len(rows) == 5000:
            conn.execute(insert(DatasetSplit), rows)
            rows.clear()
    if rows:
        conn.execute(insert(DatasetSplit), rows)
    return {doc_id: known[doc_id] for doc_id, _e, _s in candidates}, len(fresh)


# ---------------------------------------------------------------------------------------------- selection


def _candidates(
    project: Project, conn: Connection, annotation_set: str, status: str | None
) -> set[int] | None:
    """Ids of the documents the set can cover (None: decide per document, for ``majority``)."""
    if annotation_set == GOLD:
        decided = set(conn.scalars(select(GoldProvenance.document_id).distinct()))
        return decided
    if annotation_set == "majority":
        return None
    query = (
        select(WorkItem.document_id)
        .join(Annotator, Annotator.id == WorkItem.annotator_id)
        .where(Annotator.name == annotation_set)
    )
    if status is not None:
        query = query.where(WorkItem.status == status)
    return set(conn.scalars(query))


def _choose(
    doc: Labelled, annotation_set: str, status: str | None
) -> tuple[list[tuple[int, int, str]], dict[str, Any]] | None:
    """(spans, document labels) of the set on one document, or None when it does not cover it."""
    if annotation_set == "majority":
        return majority_labels(
            s
            for s in doc.sets.values()
            if not s.is_gold and (s.status == status if status is not None else s.has_labels)
        )
    chosen = doc.sets.get(annotation_set)
    if chosen is None:
        return ([], {}) if annotation_set == GOLD else None
    if annotation_set != GOLD and status is not None and chosen.status != status:
        return None
    return list(map(_span_of, chosen.entities)), dict(chosen.tone)


_span_of = attrgetter("start", "end", "label")


def _count_links(report: DatasetReport, split: str, doc: Labelled, spans: list, annotation_set: str) -> None:
    """The card's linked and unlinked entities: an exported span is linked when the set's entity there
    (for a majority, an entity of any annotator's there) carries a canonical link."""
    if annotation_set == "majority":
        sets = [s for s in doc.sets.values() if not s.is_gold]
    else:
        sets = [s for s in (doc.sets.get(annotation_set),) if s is not None]
    linked = {(e.start, e.end, e.label) for s in sets for e in s.entities if e.link is not None}
    for span in spans:
        (report.linked if tuple(span[:3]) in linked else report.unlinked)[split] += 1


def _check_set(project: Project, annotation_set: str) -> None:
    if annotation_set in (GOLD, "majority"):
        return
    from annotator.services.team import annotator_role

    if annotator_role(project, annotation_set) is None:
        raise AnnotatorError(
            f"--set {annotation_set!r}: not an annotator of this project (use gold, majority or a name from "
            "`annotator annotators list`)"
        )


# ---------------------------------------------------------------------------------------------- writers


class _Writers:
    """One open file per split, and the spaCy DocBins when they are written."""

    def __init__(self, folder: Path, report: DatasetReport, tone_names: list[str]):
        self.folder, self.report, self.tone_names = folder, report, tone_names
        self.files: dict[str, IO[str]] = {}
        self.docbins: _DocBins | None = None

    def get(self, split: str, suffix: str, header: str = "") -> IO[str]:
        name = f"{split}.{suffix}"
        fh = self.files.get(name)
        if fh is None:
            fh = self.files[name] = open(self.folder / name, "w", encoding="utf-8", newline="\n")
            fh.write(header)
            self.report.files.append(name)
        return fh

    def close(self) -> None:
        for fh in self.files.values():
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()


#: Line breaks for ``str.splitlines`` that JSON leaves raw (it escapes CR, LF and the other C0 controls):
#: escaped, so a JSONL line is one line for every reader (they occur only inside JSON strings).
_RAW_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).translate(_RAW_BREAKS)


def _write_example(
    writers: _Writers,
    example: Example,
    fmt: str,
    crossing: str,
    label_order: dict[str, int],
    tag_ids: dict[str, int],
    report: DatasetReport,
    seconds: float | None = None,
) -> list[tuple[int, int]] | None:
    """Write one example; returns the tokens it made with the tokenizer (None when it made none, or used
    the document's own), for the dataset card's agreement to reuse."""
    checks = report.checks
    split = example.split
    if fmt == "csv":
        spans = check_spans(example, checks)
        meta = {k: v for k, v in example.meta.items() if k not in ("tokens",)}
        row = [
            example.external_id,
            example.title,
            split,
            meta.pop("url", None),
            meta.pop("source", None),
            meta.pop("published", None),
            meta.pop("lang", None),
            len(spans),
        ]
        tone = example.tone or {}
        extra = [tone.get(name) for name in writers.tone_names]
        spent = "" if seconds is None else round(seconds, 1)
        writers.get(split, "csv").write(csv_line([*row, *extra, spent, _dumps(meta) if meta else ""]))
        for s in spans:
            report.labels[(split, s[2])] += 1
        return None
    tokens, starts, ends, words, own = token_columns(example.text, example.meta)
    bounds = (starts, ends)
    token_sets = (set(starts), set(ends))
    made = None if own else tokens
    spans = check_spans(example, checks, tokens, bounds, token_sets)
    spans = align(example, spans, tokens, crossing, checks, bounds, token_sets)
    spans = resolve_overlaps(example, spans, label_order, checks)
    for s in spans:
        report.labels[(split, s[2])] += 1
    report.tokens[split] += len(tokens)
    if fmt == "spacy":
        assert writers.docbins is not None  # made with the writers for a spaCy dataset
        spacy_meta: dict[str, Any] = {"id": example.external_id, "split": split}
        if example.meta.get("lang"):
            spacy_meta["lang"] = example.meta["lang"]
        if own:
            spacy_meta["tokens"] = [list(t) for t in tokens]
        record = {"text": example.text, "entities": [list(s) for s in spans], "meta": spacy_meta}
        writers.get(split, "jsonl").write(_dumps(record) + "\n")
        writers.docbins.add(split, example.text, tokens, spans)
        report.sentences[split] += len(sentences_of(example.text, tokens, own, starts, words))
        return made
    sentences = sentences_of(example.text, tokens, own, starts, words)
    report.sentences[split] += len(sentences)
    tags = conll.bio_tags(tokens, spans, starts)
    if fmt == "conll":
        conll.write_document(writers.get(split, "conll"), example.text, starts, ends, tags, sentences, words)
    else:  # hf
        rows = token_sentences(example, tokens, sentences, tags)
        out = writers.get(split, "jsonl")
        lang = example.meta.get("lang") or None  # every row has the key (one schema for `datasets`)
        for n, sentence in enumerate(rows):
            hf_record = {
                "id": f"{example.external_id}#{n}",
                "document": example.external_id,
                "lang": lang,
                "tokens": [t for t, _tag in sentence],
                "ner_tags": [tag_ids[tag] for _t, tag in sentence],
            }
            out.write(_dumps(hf_record) + "\n")
    return made


#: Documents per .spacy file: a DocBin is built (and serialized) in memory, so large splits are written in
#: shards; with only the attributes exported (words, spaces, entities) a shard takes some tens of MB.
DOCBIN_SHARD = 1000


def docbin_words(text: str, tokens: list[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy's words and trailing-space flags for ``text`` tokenized as ``tokens``, so that the Doc's text is
    exactly ``text``: one space after a token is its flag; any other text between tokens (a blank line,
    tabs, a second space, leading whitespace) becomes a token of its own, as spaCy's tokenizer makes it."""
    words: list[str] = []
    spaces: list[bool] = []

    def gap(piece: str) -> None:
        if not piece:
            return
        if words and not spaces[-1] and piece[0] == " ":
            spaces[-1] = True
            piece = piece[1:]
        if piece:
            words.append(piece)
            spaces.append(False)

    pos = 0
    for start, end in tokens:
        gap(text[pos:start])
        words.append(text[start:end])
        spaces.append(False)
        pos = end
    gap(text[pos:])
    return words, spaces


class _DocBins:
    """spaCy DocBin files built while the JSONL is written, from the same tokens and spans (when spaCy is
    installed): ``SPLIT.spacy``, or for a split of more than :data:`DOCBIN_SHARD` documents a folder
    ``SPLIT-spacy/`` of numbered ``.spacy`` shards (spaCy's corpus reader takes either). A shard is
    written as soon as it is full, so memory stays flat."""

    def __init__(self, folder: Path, splits: tuple[str, ...], report: DatasetReport):
        self.folder, self.splits, self.report = folder, splits, report
        self.shards: dict[str, int] = dict.fromkeys(splits, 0)
        self.open: dict[str, Any] = {}
        try:
            import spacy
            from spacy.tokens import Doc, DocBin
        except ImportError:
            report.notes.append("spaCy is not installed: no .spacy DocBin files (pip install spacy)")
            self.vocab = None
            return
        self.Doc, self.DocBin = Doc, DocBin
        self.vocab = spacy.blank("xx").vocab

    def add(self, split: str, text: str, tokens: list[tuple[int, int]], spans: list[tuple[int, int, str]]):
        if self.vocab is None:
            return
        words, spaces = docbin_words(text, tokens)
        doc = self.Doc(self.vocab, words=words, spaces=spaces)
        ents = [doc.char_span(s, e, label=label) for s, e, label in spans]
        kept = [e for e in ents if e is not None]
        if len(kept) != len(ents):  # cannot happen for spans the export checked: say so if it does
            lost = len(ents) - len(kept)
            self.report.notes.append(f"{lost} span(s) off token boundaries left out of .spacy")
        doc.ents = kept
        docbin = self._docbin(split)
        docbin.add(doc)
        if len(docbin) == DOCBIN_SHARD:
            self._flush(split)

    def _docbin(self, split: str):
        """The split's shard being filled (a new one after a flush); only the exported attributes."""
        if split not in self.open:
            self.open[split] = self.DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
        return self.open[split]

    def _flush(self, split: str) -> None:
        (self.folder / f"{split}-spacy").mkdir(exist_ok=True)
        self.open.pop(split).to_disk(self.folder / f"{split}-spacy" / f"{self.shards[split]:04d}.spacy")
        self.shards[split] += 1

    def close(self) -> None:
        if self.vocab is None:
            return
        for split in self.splits:
            if split in self.open or not self.shards[split]:  # the last shard, or an empty split's file
                self._docbin(split)
                self._flush(split)
            shards = self.folder / f"{split}-spacy"
            if self.shards[split] == 1:  # one file: no folder
                (shards / "0000.spacy").replace(self.folder / f"{split}.spacy")
                shards.rmdir()
                self.report.files.append(f"{split}.spacy")
            else:
                self.report.files += [f"{split}-spacy/{n:04d}.spacy" for n in range(self.shards[split])]


# ---------------------------------------------------------------------------------------------- export


def export_dataset(
    project: Project,
    fmt: str,
    out: str | Path,
    *,
    annotation_set: str = GOLD,
    split: tuple[int, ...] | None = None,
    seed: int = 0,
    status: str | None = "done",
    stratify: str | None = None,
    crossing: str = "expand",
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> DatasetReport:
    """Export ``annotation_set`` as ``fmt`` (one of :data:`FORMATS`) into the new folder ``out`` with a
    dataset card (``README.md``); see the module doc for sets, splits and rules."""
    if fmt not in FORMATS:
        raise AnnotatorError(f"unknown dataset format {fmt!r} (one of: {', '.join(FORMATS)})")
    if crossing not in CROSSING_RULES:
        raise AnnotatorError(
            f"unknown rule {crossing!r} for spans crossing tokens ({', '.join(CROSSING_RULES)})"
        )
    _check_set(project, annotation_set)
    folder = Path(out)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise AnnotatorError(f"{folder}: exists and is not an empty folder")
    if not folder.parent.exists():
        raise AnnotatorError(f"{folder}: folder {folder.parent} does not exist")
    schema = project.schema
    labels = list(schema.assignable_entity_type_names)
    label_order = {name: i for i, name in enumerate(labels)}
    tags = label_list(labels)
    tag_ids = {tag: i for i, tag in enumerate(tags)}
    tone_names = [schema.document_sentiment.name] if schema.document_sentiment is not None else []
    report = DatasetReport(fmt, annotation_set)

    with project.engine.begin() as conn:
        candidates = _candidates(project, conn, annotation_set, status)
        # check documents (services.checks) are in a dataset once, as gold: the labels annotators gave them
        # as checks are an exam, never a second copy beside gold (nor in the card's agreement)
        from annotator.services.checks import check_document_ids

        checks = check_document_ids(conn)
        if candidates is not None and annotation_set != GOLD:
            candidates -= checks
        splits: dict[int, str] | None = None
        if split is not None:
            # two finished annotators (labelled ones with status=None) for a majority
            majority = _majority_documents(conn, status) if annotation_set == "majority" else None
            columns = [Document.id, Document.external_id, *([Document.meta] if stratify else [])]
            pool: list[tuple[int, str, str]] = []
            for row in conn.execute(select(*columns)):
                if (candidates is not None and row[0] not in candidates) or (
                    majority is not None and row[0] not in majority
                ):
                    continue
                if annotation_set != GOLD and row[0] in checks:
                    continue
                stratum = str((json_value(row[2]) or {}).get(stratify, "")) if stratify else ""
                doc_id, ext_id = row[0], row[1]
                assert isinstance(doc_id, int) and isinstance(ext_id, str)
                pool.append((doc_id, ext_id, stratum))
            splits, report.new_assignments = assign_splits(conn, pool, split, seed, stratify)

    # written in a staging folder beside the target that becomes it when complete (annotator.fileio): a
    # failed, cancelled or killed export leaves no half dataset; a killed one's folder goes next time
    with staging_dir(folder) as tmp:
        writers = _Writers(tmp, report, tone_names)
        suffix = {"conll": "conll", "csv": "csv"}.get(fmt, "jsonl")
        header = csv_line([*CSV_FIELDS[:-1], *tone_names, CSV_TIME, "meta"]) if fmt == "csv" else ""
        spent: dict[int, float] = {}  # the CSV's active seconds by document
        if fmt == "csv":
            from annotator.services.timing import active_seconds

            for (doc_id, name), seconds in active_seconds(project).items():
                if annotation_set in (GOLD, "majority") or name == annotation_set:
                    spent[doc_id] = spent.get(doc_id, 0.0) + seconds
        names = SPLIT_NAMES[len(split) if split else 1]
        for name in names:  # every split has its file, even an empty one
            writers.get(name, suffix, header)
        if fmt == "spacy":
            writers.docbins = _DocBins(tmp, names, report)
        # the card's agreement figures (entities, tone) are gathered in this same pass, on the tokens the
        # export makes, instead of a second pass over the project
        card = AgreementPass(project, layers=["entities", "tone"])

        def export(doc: Labelled) -> list[tuple[int, int]] | None:
            """Write the document's example when the set covers it; the tokenizer's tokens it made."""
            if candidates is not None and doc.id not in candidates:
                return None
            if annotation_set != GOLD and doc.id in checks:
                return None
            if splits is not None and doc.id not in splits:
                return None
            chosen = _choose(doc, annotation_set, status)
            if chosen is None:
                return None
            spans, doc_labels = chosen
            name = splits[doc.id] if splits is not None else UNSPLIT
            example = Example(
                doc.external_id, doc.title, doc.text, dict(doc.meta), spans, doc_labels, split=name
            )
            report.documents[name] += 1
            _count_links(report, name, doc, spans, annotation_set)
            return _write_example(
                writers, example, fmt, crossing, label_order, tag_ids, report, spent.get(doc.id)
            )

        try:
            with project.engine.connect() as conn:
                total = count_documents(conn)
                seen = 0
                for documents in read_batches(
                    conn,
                    # every annotator's sets, for the card's agreement
                    layers=card.reads | {Layer.ENTITIES, Layer.TONE, Layer.STATUS},
                    # a majority over any labelled work needs to know who labelled what, in every layer
                    presence=annotation_set == "majority" and status is None,
                    with_meta=True,
                    cancel=cancel,
                ):
                    for doc in documents:
                        tokens = export(doc)
                        if doc.id not in checks:
                            card.add(doc, tokens)
                    seen += len(documents)
                    progress(seen, total, "exporting")
            writers.close()
            if fmt == "hf":
                (tmp / "labels.json").write_text(
                    json.dumps({str(i): tag for i, tag in enumerate(tags)}, ensure_ascii=False, indent=1)
                    + "\n",
                    encoding="utf-8",
                )
                report.files.append("labels.json")
            if writers.docbins is not None:
                writers.docbins.close()
            report.path = str(folder)
            options = {
                "format": fmt,
                "set": annotation_set,
                "split": "/".join(map(str, split)) if split else None,
                "seed": seed if split else None,
                "stratify": stratify,
                "status": status or "any",
                "crossing": crossing,
            }
            (tmp / "README.md").write_text(
                dataset_card(project, report, options, tags, card.report()), encoding="utf-8"
            )
        except BaseException:
            writers.close()
            raise
    return report


def _majority_documents(conn: Connection, status: str | None) -> set[int]:
    query = (
        select(WorkItem.document_id)
        .join(Annotator, Annotator.id == WorkItem.annotator_id)
        .where(Annotator.name != GOLD)
        .group_by(WorkItem.document_id)
        .having(func.count() >= 2)
    )
    if status is not None:
        query = query.where(WorkItem.status == status)
    return set(conn.scalars(query))


# ---------------------------------------------------------------------------------------------- card


def _schema_version_lines(project: Project) -> list[str]:
    """The schema version the dataset was exported under, the versions before it, the project's entities
    by the version they were made under, and how many split ones still await review."""
    from sqlalchemy import func, select

    from annotator.services.schema_change import versions
    from annotator.store.models import Entity, SchemaReview

    known = versions(project)
    current = known[-1]
    lines = [f"Schema version {current.number} (fingerprint `{current.fingerprint[:12]}`)."]
    for v in known[1:]:
        by = f" by {v.applied_by}" if v.applied_by else ""
        lines.append(
            f"- version {v.number}{by}, {v.applied_at[:10]}: {v.summary or 'no change to stored rows'}"
        )
    with project.engine.connect() as conn:
        made: dict[int, int] = {}
        for version, n in conn.execute(
            select(Entity.schema_version, func.count()).group_by(Entity.schema_version)
        ):  # NULL: made under the version in force
            key = current.number if version is None else version
            made[key] = made.get(key, 0) + n
        pending = conn.scalar(select(func.count()).where(SchemaReview.reviewed.is_(False))) or 0
    if len(made) > 1:
        counts = ", ".join(f"version {n}: {made[n]}" for n in sorted(made))
        lines.append(
            f"Entities of the project by the schema version they were made under: {counts} (the renames and "
            "merges of each later version were applied to them)."
        )
    if pending:
        lines.append(f"{pending} annotations of split types still await review (their type is provisional).")
    return lines


def dataset_card(
    project: Project,
    report: DatasetReport,
    options: dict[str, Any],
    tags: list[str],
    agreement_report: AgreementReport,
) -> str:
    """The dataset card: what was exported, how, counts, agreement (figures gathered during the export)
    and adjudication coverage."""

    splits = report.split_names()
    lines = [
        f"# Dataset: {project.schema.name}",
        "",
        f"Exported {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by annotator "
        f"from the project `{Path(str(project.location)).name}`.",
        "",
        "## Export options",
        "",
        *(f"- {k}: `{v}`" for k, v in options.items() if v is not None),
        "",
        "## Files",
        "",
        *(f"- `{name}`" for name in report.files),
        "",
        "## Counts",
        "",
        "| | " + " | ".join(splits) + " | total |",
        "|---" * (len(splits) + 2) + "|",
    ]

    def row(name: str, values: list[int]) -> str:
        return f"| {name} | " + " | ".join(str(v) for v in values) + f" | {sum(values)} |"

    lines.append(row("documents", [report.documents[s] for s in splits]))
    if report.fmt != "csv":
        lines.append(row("sentences", [report.sentences[s] for s in splits]))
        lines.append(row("tokens", [report.tokens[s] for s in splits]))
    for label in sorted({label for _s, label in report.labels}):
        lines.append(row(f"`{label}`", [report.labels[(s, label)] for s in splits]))
    lines.append(row("entities linked to the knowledge base", [report.linked[s] for s in splits]))
    lines.append(row("entities not linked", [report.unlinked[s] for s in splits]))
    lines += ["", "## Schema", "", *_schema_version_lines(project), ""]
    lines += [f"Entity labels ({len(project.schema.assignable_entity_type_names)}):"]
    lines += [f"- `{t.name}`: {t.description}" for t in project.schema.entities if not t.abstract]
    if report.fmt == "hf":
        lines += ["", f"`ner_tags` ids: {', '.join(f'{i} {t}' for i, t in enumerate(tags))} (`labels.json`)."]
    lines += ["", "## Checks and rules", ""]
    if report.checks.counts:
        for kind, n in sorted(report.checks.counts.items()):
            lines.append(f"- {kind}: {n}")
            lines += [f"  - {example}" for example in report.checks.examples.get(kind, [])]
    else:
        lines.append("- every span lies on whole tokens; no overlaps: nothing changed")
    lines += [f"- {note}" for note in report.notes]
    lines += ["", "## Agreement", ""]
    agreement = agreement_report.as_dict()
    ents, tone = agreement["entities"], agreement["tone"]
    lines += [
        f"Over {agreement['documents']} document(s) finished by two or more annotators "
        f"({', '.join(agreement['annotators']) or 'none'}):",
        "",
        f"- entity F1, exact: {_fig(ents['mean_pairwise_f1']['exact'])}; overlap: "
        f"{_fig(ents['mean_pairwise_f1']['overlap'])}",
        f"- entity token kappa: {_fig(ents['token_kappa'])}; "
        f"unitizing alpha: {_fig(ents['unitizing_alpha'])}",
        f"- tone Krippendorff's alpha (interval): {_fig(tone['krippendorff_alpha']['interval'])}",
        "",
        "## Adjudication",
        "",
    ]
    with project.engine.connect() as conn:
        adjudicated = conn.scalar(select(func.count(func.distinct(GoldProvenance.document_id)))) or 0
        rules = dict(
            conn.execute(select(GoldProvenance.rule, func.count()).group_by(GoldProvenance.rule)).all()
        )
        documents = conn.scalar(select(func.count()).select_from(Document)) or 0
    exported = sum(report.documents.values())
    lines += [
        f"- documents with gold decisions: {adjudicated} of {documents} in the project",
        f"- gold decisions by rule: {', '.join(f'{k} {v}' for k, v in sorted(rules.items())) or 'none'}",
        f"- this export: {exported} document(s) from the set `{report.annotation_set}`",
        "",
    ]
    return "\n".join(lines)


def _fig(figure: dict[str, Any]) -> str:
    if figure.get("value") is None:
        return f"n/a ({figure.get('reason', 'not computed')})"
    return f"{figure['value']:.3f} ({figure['units']} units)"


__all__ = ["FORMATS", "DatasetReport", "export_dataset", "parse_split"]
