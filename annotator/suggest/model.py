"""A suggestion model trained on the project's own labels: a linear-chain CRF (CRFsuite, through
``python-crfsuite``) over the project's tokens with IOB2 tags.

* **Examples** are ``(text, tokens, spans)``: ``tokens`` a list of code-point ``(start, end)`` pairs, or
  None for the project tokenizer (:func:`annotator.text.segment.tokenize`); ``spans`` ``(start, end,
  label)``. A span that cuts a token is widened to the tokens it touches, a span over no token (or outside
  the text) is left out, and of overlapping spans the longest is kept (then the earlier): the rules of the
  BIO export (:mod:`annotator.formats.dataset`). What the rules did is counted in ``Model.info``.
* **Sequences** are sentences (:func:`annotator.formats.dataset.sentences_of`: with the document's own
  tokens a break at each newline, with the project tokenizer also after ``। ॥ . ? ! ۔ ؟ ෴``); sentences that a
  span crosses are joined, so every span lies inside one sequence.
* **Features** of a token (:data:`FEATURE_VERSION` 1): bias; the lowercased token; its first and last 1–4
  code points; for Devanagari the last grapheme cluster and the trailing marks (matra, anusvara,
  chandrabindu, virama, nukta: ``ों`` of ``लोगों``); the script (Devanagari, Latin, mixed, digits, number,
  punctuation, other); whether it is all digits, and of which system (ASCII ``26``, Devanagari ``२६``);
  whether it has a digit; a folded form when it differs (no punctuation at the ends, no nukta or ZWJ/ZWNJ,
  chandrabindu as anusvara: ``"अभियान`` → ``अभियान``, ``ज़ाकिर`` → ``जाकिर``); the short shape (``Xx``,
  ``X-d``, ``d/d``; Devanagari letters are ``D``); a length bucket; hyphenated, title case, all capitals;
  the lowercased tokens at ±1 and ±2 (``<s>``/``</s>`` past the sequence's ends), the last two code points
  of the tokens at ±1 and ±2, the script, shape and case of the tokens at ±1, the bigrams with the
  previous and the next token and the pair of them around the token; optionally gazetteer membership
  (``gazetteer(token_text)`` returning a label, labels, True or None) of the token and its neighbours.
* **Scores**: a suggested span's score is the smallest marginal probability (``Tagger.marginal``) of its
  tokens' predicted tags, so a span is as certain as its least certain token.
* **Storage**: :meth:`Model.to_bytes` is a small header (magic, JSON with the label set, the feature
  version and the training info) followed by the CRFsuite model file's bytes; training writes nothing
  else (CRFsuite writes its model to a temporary directory that is removed at once).

Long work reports ``progress(done, total, message)`` and stops when ``cancel`` says so: the project's one
protocol (:mod:`annotator.progress`): ``cancel.check()`` raises :class:`~annotator.progress.Cancelled`.

Pure Python plus ``python-crfsuite``; no Qt, no database.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import json
import math
import os
import struct
import tempfile
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pycrfsuite

from annotator.formats.dataset import Checks, Example, align, resolve_overlaps, sentences_of
from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.suggest import Suggestion
from annotator.text.segment import grapheme_boundaries, token_spans

__all__ = [
    "FEATURE_VERSION",
    "Model",
    "baseline",
    "evaluate",
    "split_holdout",
    "train",
]

#: Bumped whenever the features change: a stored model with another version must be trained again.
FEATURE_VERSION = 1
#: The stored form: MAGIC, the header's length (4 bytes, big-endian), the JSON header, the CRFsuite model.
MAGIC = b"annotator-crf\n"
FORMAT = 1

LabelledSpan = tuple[int, int, str]
TokenSpans = Sequence[tuple[int, int]]
#: gazetteer(token text) -> a label, labels, True (a member of no particular label) or None/False.
Gazetteer = Callable[[str], Any]

_BOS = "<s>"
_EOS = "</s>"
_REPORT_EVERY = 50  # documents between progress reports while reading


def _check(cancel: CancelFlag | None) -> None:
    if cancel is not None:
        cancel.check()


# ---------------------------------------------------------------------------------------------- features


def _is_devanagari(ch: str) -> bool:
    o = ord(ch)
    return 0x0900 <= o <= 0x097F or 0xA8E0 <= o <= 0xA8FF or 0x1CD0 <= o <= 0x1CFF


def _is_latin(ch: str) -> bool:
    o = ord(ch)
    return (
        0x41 <= o <= 0x5A
        or 0x61 <= o <= 0x7A
        or (0xC0 <= o <= 0x24F and o not in (0xD7, 0xF7))
        or 0x1E00 <= o <= 0x1EFF
    )


class _Local:
    """What a token's own text says (cached per distinct text): its features and what its neighbours use."""

    __slots__ = ("features", "lower", "script", "shape", "suffix", "title")

    def __init__(
        self, features: tuple[str, ...], lower: str, suffix: str, script: str, shape: str, title: bool
    ):
        self.features = features
        self.lower = lower
        self.suffix = suffix
        self.script = script
        self.shape = shape
        self.title = title


def _shape(text: str) -> str:
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "M" or ch in "\u200c\u200d":
            continue  # marks belong to their letter
        if _is_devanagari(ch) and cat[0] == "L":
            c = "D"
        elif cat == "Lu" or cat == "Lt":
            c = "X"
        elif cat[0] == "L":
            c = "x"
        elif cat == "Nd":
            c = "d"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:12]


def _script(text: str) -> str:
    deva = latin = digits = letters = punct = other = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LM":
            letters += 1
            if _is_devanagari(ch):
                deva += 1
            elif _is_latin(ch):
                latin += 1
        elif cat == "Nd":
            digits += 1
        elif cat[0] == "P":
            punct += 1
        elif ch not in "\u200c\u200d":
            other += 1
    if letters:
        if deva == letters and not digits:
            return "deva"
        if latin == letters and not digits:
            return "latn"
        if deva or latin or digits:
            return "mixed"
        return "other-letters"
    if digits:
        return "digit" if not punct and not other else "number"
    if punct and not other:
        return "punct"
    return "other"


def _length_bucket(n: int) -> str:
    if n <= 4:
        return str(n)
    return "5-7" if n <= 7 else "8+"


_FOLD = str.maketrans({"\u093c": None, "\u0901": "\u0902", "\u200c": None, "\u200d": None})


def _fold(low: str) -> str:
    """The word without punctuation at its ends, nukta, ZWJ/ZWNJ, and with chandrabindu as anusvara: one
    form for spelling variants (ज़ाकिर/जाकिर, पहुँचे/पहुंचे) and for tokens with quotes attached."""
    i, j = 0, len(low)
    while i < j and unicodedata.category(low[i])[0] == "P":
        i += 1
    while j > i and unicodedata.category(low[j - 1])[0] == "P":
        j -= 1
    return (low[i:j] or low).translate(_FOLD)


@lru_cache(maxsize=1 << 17)
def _local(text: str) -> _Local:
    low = text.lower()
    n = len(low)
    feats = ["b", "w=" + low]
    for k in range(1, 5):
        if k < n:
            feats.append(f"p{k}={low[:k]}")
            feats.append(f"s{k}={low[-k:]}")
    script = _script(text)
    feats.append("sc=" + script)
    if any(_is_devanagari(ch) for ch in text):
        bounds = grapheme_boundaries(low)
        feats.append("g=" + low[bounds[-2] :] if len(bounds) > 1 else "g=")
        i = n
        while i > 0 and unicodedata.category(low[i - 1])[0] == "M":
            i -= 1
        feats.append("m=" + (low[i:] or "∅"))
    if text.isdigit():
        if text.isascii():
            system = "ascii"
        elif all(_is_devanagari(ch) for ch in text):
            system = "deva"
        else:
            system = "other"
        feats.append("dg=" + system)
    elif any(unicodedata.category(ch) == "Nd" for ch in text):
        feats.append("hasdg")
    core = _fold(low)
    if core != low:
        feats.append("wf=" + core)
    shape = _shape(text)
    feats.append("sh=" + shape)
    feats.append("len=" + _length_bucket(n))
    if any(ch in "-‐‑" for ch in text) and n > 1:
        feats.append("hy")
    title = text.istitle()
    if title:
        feats.append("ti")
    if n > 1 and text.isupper():
        feats.append("up")
    return _Local(tuple(feats), low, low[-2:] if n > 2 else low, script, shape, title)


def _gazetteer_labels(gazetteer: Gazetteer | None, text: str) -> list[str]:
    if gazetteer is None:
        return []
    found = gazetteer(text)
    if not found:
        return []
    if found is True:
        return [""]
    if isinstance(found, str):
        return [found]
    return sorted({str(x) for x in found})


def _sequence_features(texts: Sequence[str], gazetteer: Gazetteer | None) -> list[list[str]]:
    """The features of each token of one sequence (see the module doc)."""
    locals_ = [_local(t) for t in texts]
    gaz = [_gazetteer_labels(gazetteer, t) for t in texts] if gazetteer is not None else None
    n = len(texts)
    out: list[list[str]] = []
    for i, loc in enumerate(locals_):
        feats = list(loc.features)
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                feats.append(f"{d:+d}w={locals_[j].lower}")
            else:
                feats.append(f"{d:+d}w={_BOS if j < 0 else _EOS}")
        for d in (-1, 1):
            j = i + d
            if 0 <= j < n:
                other = locals_[j]
                feats.append(f"{d:+d}s2={other.suffix}")
                feats.append(f"{d:+d}sc={other.script}")
                feats.append(f"{d:+d}sh={other.shape}")
                if other.title:
                    feats.append(f"{d:+d}ti")
        prev = locals_[i - 1].lower if i > 0 else _BOS
        nxt = locals_[i + 1].lower if i + 1 < n else _EOS
        feats.append(f"-1w|w={prev}|{loc.lower}")
        feats.append(f"w|+1w={loc.lower}|{nxt}")
        feats.append(f"-1w|+1w={prev}|{nxt}")
        for d in (-2, 2):
            j = i + d
            if 0 <= j < n:
                feats.append(f"{d:+d}s2={locals_[j].suffix}")
        if gaz is not None:
            for d in (-1, 0, 1):
                j = i + d
                if 0 <= j < n:
                    feats.extend(f"gz{d:+d}={g}" for g in gaz[j])
        out.append(feats)
    return out


# ---------------------------------------------------------------------------------------------- examples


def _tokens(text: str, tokens: TokenSpans | None) -> tuple[list[tuple[int, int]], bool]:
    """(token spans, whether the caller gave them)."""
    if tokens is None:
        return token_spans(text), False
    return [(int(s), int(e)) for s, e in tokens], True


def _clean_spans(
    text: str,
    tokens: list[tuple[int, int]],
    spans: Iterable[Sequence[Any]],
    labels: set[str] | None,
    label_order: dict[str, int],
    checks: Checks,
) -> list[LabelledSpan]:
    """Spans on token boundaries, non-overlapping, of the wanted labels (see the module doc)."""
    example = Example("", "", text, {}, [])
    valid: list[LabelledSpan] = []
    for span in spans:
        start, end, label = int(span[0]), int(span[1]), str(span[2])
        if labels is not None and label not in labels:
            continue
        if not 0 <= start < end <= len(text):
            checks.add("outside the text (left out)", example, (start, end, label))
            continue
        valid.append((start, end, label))
    on_tokens = align(example, valid, tokens, "expand", checks)
    return resolve_overlaps(example, on_tokens, label_order, checks)


def _tags(tokens: list[tuple[int, int]], spans: list[LabelledSpan]) -> list[str]:
    tags = ["O"] * len(tokens)
    starts = [s for s, _e in tokens]
    for start, end, label in spans:
        i = bisect.bisect_left(starts, start)
        tags[i] = "B-" + label
        i += 1
        while i < len(tokens) and tokens[i][1] <= end:
            tags[i] = "I-" + label
            i += 1
    return tags


def _sequences(
    text: str, tokens: list[tuple[int, int]], own: bool, spans: Sequence[LabelledSpan] = ()
) -> list[range]:
    """Token index ranges of the sentences, joined where a span crosses from one into the next."""
    sentences = sentences_of(text, tokens, own)
    if not spans or len(sentences) < 2:
        return sentences
    starts = [s for s, _e in tokens]
    joined_with_next = [False] * len(sentences)
    sentence_of = [0] * len(tokens)
    for k, sentence in enumerate(sentences):
        for i in sentence:
            sentence_of[i] = k
    for start, end, _label in spans:
        first = bisect.bisect_left(starts, start)
        last = bisect.bisect_left(starts, end) - 1
        for k in range(sentence_of[first], sentence_of[last]):
            joined_with_next[k] = True
    out: list[range] = []
    begin = 0
    for k, sentence in enumerate(sentences):
        if not joined_with_next[k]:
            out.append(range(sentences[begin].start, sentence.stop))
            begin = k + 1
    return out


def _chunks(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first token, end token, label) of IOB2 tags; an I- that continues nothing starts a chunk."""
    out: list[tuple[int, int, str]] = []
    open_: tuple[int, str] | None = None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and open_ is not None and open_[1] == label:
            continue
        if open_ is not None:
            out.append((open_[0], i, open_[1]))
            open_ = None
        if prefix in ("B", "I") and label:
            open_ = (i, label)
    if open_ is not None:
        out.append((open_[0], len(tags), open_[1]))
    return out


# ---------------------------------------------------------------------------------------------- training


def _crfsuite_version() -> str:
    try:
        return "python-crfsuite " + importlib.metadata.version("python-crfsuite")
    except importlib.metadata.PackageNotFoundError:
        return "python-crfsuite"


class _Trainer(pycrfsuite.Trainer):
    """A quiet trainer that reports each iteration and stops (by raising) when cancelled."""

    def __init__(self, on_iteration: Callable[[dict], None], cancel: CancelFlag | None) -> None:
        super().__init__(verbose=False)
        self._report = on_iteration
        self._cancel = cancel
        self.iterations: list[dict] = []

    def message(self, message: str) -> None:
        _check(self._cancel)  # an exception here stops CRFsuite and comes out of train()
        event = self.logparser.feed(message)
        if event == "iteration":
            info = self.logparser.last_iteration
            self.iterations.append(info)
            self._report(info)


def train(
    examples: Iterable[tuple[str, TokenSpans | None, Iterable[Sequence[Any]]]],
    *,
    labels: Iterable[str] | None = None,
    c1: float = 0.05,
    c2: float = 0.05,
    max_iterations: int = 100,
    progress: ProgressCallback | None = no_progress,
    cancel: CancelFlag | None = None,
    gazetteer: Gazetteer | None = None,
) -> Model:
    """A CRF trained on ``examples`` ``(text, tokens or None, spans)`` (see the module doc).

    ``labels`` restricts training to those labels (others are ignored); ``c1``/``c2`` are the L1/L2
    penalties of L-BFGS training, which stops after ``max_iterations`` or when it converges. ``progress``
    counts documents read plus iterations; ``cancel`` stops the work (see the module doc). ``gazetteer``,
    when given, becomes a feature and must be given again to :meth:`Model.from_bytes`. Raises ValueError
    when the examples hold no labelled span."""
    if max_iterations < 1:
        raise ValueError("max_iterations must be at least 1")
    report = progress or no_progress
    examples = list(examples)
    total = len(examples) + max_iterations
    label_list = None if labels is None else [str(label) for label in labels]
    wanted = None if label_list is None else set(label_list)
    label_order = {label: i for i, label in enumerate(label_list or ())}
    checks = Checks()
    started = time.perf_counter()
    _check(cancel)
    report(0, total, f"reading {len(examples)} labelled documents")

    def on_iteration(info: dict) -> None:
        num = int(info.get("num", 0))
        loss = info.get("loss")
        shown = f", loss {loss:.1f}" if isinstance(loss, float) and math.isfinite(loss) else ""
        report(
            len(examples) + min(num, max_iterations),
            total,
            f"training: iteration {num}/{max_iterations}{shown}",
        )

    trainer = _Trainer(on_iteration, cancel)
    counts: Counter = Counter()
    n_sequences = n_tokens = 0
    for k, (text, tokens, spans) in enumerate(examples, 1):
        _check(cancel)
        token_spans, own = _tokens(text, tokens)
        if token_spans:
            clean = _clean_spans(text, token_spans, spans or (), wanted, label_order, checks)
            counts.update(label for _s, _e, label in clean)
            tags = _tags(token_spans, clean)
            for sentence in _sequences(text, token_spans, own, clean):
                texts = [text[token_spans[i][0] : token_spans[i][1]] for i in sentence]
                trainer.append(_sequence_features(texts, gazetteer), tags[sentence.start : sentence.stop])
                n_sequences += 1
                n_tokens += len(sentence)
        if k % _REPORT_EVERY == 0 or k == len(examples):
            report(k, total, f"features of {k}/{len(examples)} documents")
    if not counts:
        raise ValueError("the examples hold no labelled span to learn from")
    features_seconds = time.perf_counter() - started
    trainer.select("lbfgs")
    trainer.set_params(
        {
            "c1": float(c1),
            "c2": float(c2),
            "max_iterations": int(max_iterations),
            "feature.possible_transitions": True,
        }
    )
    with tempfile.TemporaryDirectory(prefix="annotator-crf-") as tmp:
        path = os.path.join(tmp, "model.crfsuite")
        trainer.train(path)
        with open(path, "rb") as fh:
            data = fh.read()
    iterations = trainer.iterations
    del trainer  # frees CRFsuite's copy of the data set
    last = iterations[-1] if iterations else {}
    seconds = time.perf_counter() - started
    info: dict[str, Any] = {
        "documents": len(examples),
        "sequences": n_sequences,
        "tokens": n_tokens,
        "spans": sum(counts.values()),
        "spans_per_label": dict(sorted(counts.items())),
        "rules": dict(sorted(checks.counts.items())),
        "c1": float(c1),
        "c2": float(c2),
        "max_iterations": int(max_iterations),
        "seconds": round(seconds, 3),
        "features_seconds": round(features_seconds, 3),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "crfsuite": _crfsuite_version(),
        "restricted_to": sorted(wanted) if wanted is not None else None,
    }
    info["iterations"] = int(last.get("num", 0))
    info["loss"] = last.get("loss")
    info["active_features"] = last.get("active_features")
    header = {
        "format": FORMAT,
        "feature_version": FEATURE_VERSION,
        "labels": sorted(counts),
        "gazetteer": gazetteer is not None,
        "info": info,
    }
    model = Model(data, header, gazetteer=gazetteer)
    report(total, total, f"trained on {len(examples)} documents in {seconds:.1f} s")
    return model


# ---------------------------------------------------------------------------------------------- the model


class Model:
    """A trained CRF: :meth:`predict` suggests entity spans; :meth:`to_bytes`/:meth:`from_bytes` store it.

    Predicting is serialized by a lock (CRFsuite's tagger keeps the current sequence), so one model may
    be shared by threads."""

    def __init__(self, data: bytes, header: dict[str, Any], *, gazetteer: Gazetteer | None = None) -> None:
        version = header.get("feature_version")
        if version != FEATURE_VERSION:
            raise ValueError(
                f"the model was trained with feature version {version!r}, this version of annotator computes "
                f"version {FEATURE_VERSION}: train it again"
            )
        self._data = bytes(data)  # the tagger reads this buffer: keep it alive with the model
        self._header = header
        self.gazetteer = gazetteer
        self._lock = threading.Lock()
        self._tagger = pycrfsuite.Tagger()
        try:
            self._tagger.open_inmemory(self._data)
        except ValueError as exc:
            raise ValueError(f"not a CRFsuite model: {exc}") from exc

    # ------------------------------------------------------------------------------------------ about

    @property
    def labels(self) -> tuple[str, ...]:
        """The entity labels the model suggests (those it saw in training), sorted."""
        return tuple(self._header["labels"])

    @property
    def info(self) -> dict[str, Any]:
        """Training info: documents, sequences, tokens, spans (per label), the rules applied to the spans,
        c1, c2, max_iterations, iterations run, final loss, active features, seconds, trained_at."""
        return json.loads(json.dumps(self._header.get("info", {})))

    @property
    def feature_version(self) -> int:
        return int(self._header["feature_version"])

    @property
    def uses_gazetteer(self) -> bool:
        """Whether it was trained with a gazetteer feature (pass the gazetteer to :meth:`from_bytes`)."""
        return bool(self._header.get("gazetteer"))

    def __repr__(self) -> str:
        info = self._header.get("info", {})
        return (
            f"<Model labels={list(self.labels)} documents={info.get('documents')} "
            f"iterations={info.get('iterations')} size={len(self._data)}>"
        )

    # ------------------------------------------------------------------------------------------ predict

    def predict(
        self, text: str, tokens: TokenSpans | None = None, min_score: float = 0.0
    ) -> list[Suggestion]:
        """Suggested entity spans of ``text`` (over ``tokens``, or the project tokenizer's), in order, each
        with ``source="model"`` and the lowest marginal probability of its tokens' tags as its score; only
        those scoring at least ``min_score``."""
        token_spans, own = _tokens(text, tokens)
        if not token_spans:
            return []
        out: list[Suggestion] = []
        for sentence in _sequences(text, token_spans, own):
            texts = [text[token_spans[i][0] : token_spans[i][1]] for i in sentence]
            features = _sequence_features(texts, self.gazetteer)
            with self._lock:
                tags = self._tagger.tag(features)
                chunks = [
                    (first, end, label, min(self._tagger.marginal(tags[i], i) for i in range(first, end)))
                    for first, end, label in _chunks(tags)
                ]
            for first, end, label, marginal in chunks:
                score = min(1.0, max(0.0, float(marginal)))
                if score < min_score or score <= 0.0:
                    continue
                start = token_spans[sentence.start + first][0]
                stop = token_spans[sentence.start + end - 1][1]
                out.append(
                    Suggestion(
                        start,
                        stop,
                        label,
                        kind="entity",
                        source="model",
                        score=score,
                        detail=f"CRF, tag probability ≥ {score:.2f}",
                    )
                )
        return out

    # ------------------------------------------------------------------------------------------ storage

    def to_bytes(self) -> bytes:
        """The stored form: :data:`MAGIC`, the JSON header's length (4 bytes, big-endian), the header
        (format, feature version, labels, whether a gazetteer was used, training info), the CRFsuite
        model file."""
        header = json.dumps(self._header, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return b"".join((MAGIC, struct.pack(">I", len(header)), header, self._data))

    @classmethod
    def from_bytes(cls, data: bytes, *, gazetteer: Gazetteer | None = None) -> Model:
        """The model :meth:`to_bytes` stored; ValueError when ``data`` is no such model or was made with
        other features. Give the same ``gazetteer`` as in training (when :attr:`uses_gazetteer`), else
        its feature is simply absent."""
        data = bytes(data)
        if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
            raise ValueError("not a stored annotator CRF model")
        (size,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
        begin = len(MAGIC) + 4
        if begin + size > len(data):
            raise ValueError("the stored model is truncated")
        try:
            header = json.loads(data[begin : begin + size].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"the stored model's header is damaged: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError(
                f"unknown stored model format {header.get('format') if isinstance(header, dict) else None!r}"
            )
        return cls(data[begin + size :], header, gazetteer=gazetteer)


# ---------------------------------------------------------------------------------------------- measuring


def _rates(gold: int, predicted: int, correct: int) -> dict[str, float | int]:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "spans": gold,
        "predicted": predicted,
        "correct": correct,
    }


def _metrics(pairs: Iterable[tuple[set[LabelledSpan], set[LabelledSpan]]]) -> dict[str, Any]:
    gold_n: Counter = Counter()
    pred_n: Counter = Counter()
    correct_n: Counter = Counter()
    documents = 0
    for gold, predicted in pairs:
        documents += 1
        gold_n.update(label for _s, _e, label in gold)
        pred_n.update(label for _s, _e, label in predicted)
        correct_n.update(label for _s, _e, label in gold & predicted)
    out: dict[str, Any] = _rates(sum(gold_n.values()), sum(pred_n.values()), sum(correct_n.values()))
    out["documents"] = documents
    out["labels"] = {
        label: _rates(gold_n[label], pred_n[label], correct_n[label]) for label in sorted(gold_n | pred_n)
    }
    return out


def _gold(
    text: str, tokens: TokenSpans | None, spans: Iterable[Sequence[Any]], wanted: set[str] | None
) -> tuple[list[tuple[int, int]], bool, list[LabelledSpan]]:
    token_spans, own = _tokens(text, tokens)
    clean = _clean_spans(text, token_spans, spans or (), wanted, {}, Checks()) if token_spans else []
    return token_spans, own, clean


def evaluate(
    model: Model,
    examples: Iterable[tuple[str, TokenSpans | None, Iterable[Sequence[Any]]]],
    *,
    labels: Iterable[str] | None = None,
    progress: ProgressCallback | None = no_progress,
    cancel: CancelFlag | None = None,
) -> dict[str, Any]:
    """Exact-match span scores of ``model`` on ``examples`` (labelled documents it was not trained on):
    ``precision``, ``recall``, ``f1`` (micro), ``spans`` (gold), ``predicted``, ``correct``,
    ``documents``, and the same per label under ``labels``. The gold spans go through the training rules
    (widened to tokens, the longest of overlapping spans), restricted to ``labels`` or to the labels
    training was restricted to."""
    examples = list(examples)
    if labels is not None:
        wanted: set[str] | None = {str(label) for label in labels}
    else:
        restricted = model._header.get("info", {}).get("restricted_to")
        wanted = set(restricted) if restricted is not None else None
    report = progress or no_progress

    def pairs():
        for k, (text, tokens, spans) in enumerate(examples, 1):
            _check(cancel)
            token_spans, _own, gold = _gold(text, tokens, spans, wanted)
            predicted = model.predict(text, token_spans if tokens is not None else None)
            if wanted is not None:
                predicted = [s for s in predicted if s.label in wanted]
            yield set(gold), {(s.start, s.end, s.label) for s in predicted}
            if k % _REPORT_EVERY == 0 or k == len(examples):
                report(k, len(examples), f"evaluated {k}/{len(examples)} documents")

    return _metrics(pairs())


def baseline(
    train_examples: Iterable[tuple[str, TokenSpans | None, Iterable[Sequence[Any]]]],
    test_examples: Iterable[tuple[str, TokenSpans | None, Iterable[Sequence[Any]]]],
    *,
    labels: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The most-frequent-label baseline, scored like :func:`evaluate`: each test token gets the IOB2 tag
    its lowercased text had most often in training (``O`` when unseen; ties go to the tag seen first),
    and the tags of each sentence are read as spans."""
    wanted = None if labels is None else {str(label) for label in labels}
    seen: dict[str, Counter] = defaultdict(Counter)
    for text, tokens, spans in train_examples:
        token_spans, _own, gold = _gold(text, tokens, spans, wanted)
        for (start, end), tag in zip(token_spans, _tags(token_spans, gold), strict=True):
            seen[text[start:end].lower()][tag] += 1
    most = {word: counts.most_common(1)[0][0] for word, counts in seen.items()}

    def pairs():
        for text, tokens, spans in test_examples:
            token_spans, own, gold = _gold(text, tokens, spans, wanted)
            predicted: set[LabelledSpan] = set()
            for sentence in _sequences(text, token_spans, own) if token_spans else []:
                tags = [most.get(text[token_spans[i][0] : token_spans[i][1]].lower(), "O") for i in sentence]
                for first, end, label in _chunks(tags):
                    predicted.add(
                        (
                            token_spans[sentence.start + first][0],
                            token_spans[sentence.start + end - 1][1],
                            label,
                        )
                    )
            yield set(gold), predicted

    out = _metrics(pairs())
    out["method"] = "most frequent IOB2 tag per lowercased token"
    return out


def split_holdout(
    examples: Iterable[Any], fraction: float = 0.2, seed: int = 0
) -> tuple[list[Any], list[Any]]:
    """(train, held out) of ``examples``, each part in the given order.

    Examples with the same text (the example's first item: one document labelled by two annotators, a
    repeated sentence) always fall on the same side, so no held-out text was seen in training. Texts are
    taken into the held-out part in the order of a hash of ``seed`` and the text until it holds at least
    ``round(fraction * n)`` examples (at least one when there are two or more examples and ``0 < fraction
    < 1``), never all of them. The same examples give the same split, and adding documents seldom moves
    one from one side to the other."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("fraction must be between 0 and 1")
    examples = list(examples)
    n = len(examples)
    want = round(fraction * n)
    if n >= 2 and 0.0 < fraction < 1.0:
        want = min(max(want, 1), n - 1)
    groups: dict[str, list[int]] = defaultdict(list)
    for position, example in enumerate(examples):
        first = example[0] if isinstance(example, tuple | list) and example else None
        key = first if isinstance(first, str) else f"\x00#{position}"
        groups[key].append(position)
    order = sorted(
        groups,
        key=lambda text: hashlib.blake2b(
            f"{seed}\x1f{text}".encode("utf-8", "surrogatepass"), digest_size=16
        ).digest(),
    )
    held: set[int] = set()
    for text in order:
        if len(held) >= want:
            break
        if len(held) + len(groups[text]) >= n and fraction < 1.0:
            continue  # never hold out everything
        held.update(groups[text])
    train_part = [e for i, e in enumerate(examples) if i not in held]
    test_part = [e for i, e in enumerate(examples) if i in held]
    return train_part, test_part
