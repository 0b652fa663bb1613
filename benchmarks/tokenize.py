"""Tokenizer benchmark (issue 15): our tokenizer against spaCy's and a plain regex scan, same texts.

    .venv/bin/python benchmarks/tokenize.py [--docs 5000] [--rounds 5]

Texts: ``--docs`` synthetic ~1,500-character Hindi/English articles (benchmarks/synth.py), and, when the
shared corpora are there (../shared/corpora), the real Hindi news article and the sentences of HiNER,
il-ner (Hindi) and UD Hindi PUD put together into ~1,500-character texts; and Urdu and Bengali texts
(the demo's articles in those scripts and il-ner's Urdu sentences, issue 20). For each set, in interleaved
rounds (every contender once per round, in turn; medians of ``--rounds``), in chars per second of the
process's CPU time (less disturbed than wall-clock time by other work on the machine):

* ``tokenize``: ``annotator.text.segment.tokenize`` (Token objects with text and kind);
* ``token_spans``: the same tokens' ``(start, end)`` only;
* ``token_bounds``: the same tokens' starts and ends as two lists (what the dataset export uses);
* ``reference``: the old single-pattern tokenizer (``_tokenize_reference``), the tokens both must equal;
* ``spacy``: ``spacy.blank("hi").tokenizer(text)`` (a Doc; spaCy caches each whitespace-separated chunk's
  split, so after the first round it looks up mostly known chunks);
* ``plain spans``: ``[\\p{L}\\p{M}\\p{Nd}ZWNJ ZWJ]+|\\S`` with ``regex``, the ``(start, end)`` of every
  match (``map(Match.span, finditer)``): the floor the issue names;
* ``plain findall``: the same pattern's ``findall`` (match strings only, no offsets).

Ratios are against spaCy and against the plain scan's spans (above 1 is faster): of the medians, and of
the fastest rounds (min).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

CORPORA = HERE.parent.parent / "shared" / "corpora"
CONLL = [("hiner", "validation.original.first2000.conll"), ("il-ner", "Hindi-dev.txt")]


def synthetic_texts(n: int) -> list[str]:
    from synth import article

    return [article(i)["text"] for i in range(n)]


def real_texts(size: int = 1500) -> list[str]:
    """The real Hindi article, and the sentences of HiNER, il-ner (tokens joined by spaces) and UD Hindi
    PUD, put together into texts of about ``size`` characters like the synthetic articles."""
    from annotator.text import decode, normalize

    def read(*parts: str) -> str | None:
        path = CORPORA.joinpath(*parts)
        return normalize(decode(path.read_bytes(), str(path))) if path.is_file() else None

    texts: list[str] = []
    article = read("seed-article", "hindi-news-us-pakistan-meeting.txt")
    if article:
        texts.append(article)
    sentences: list[str] = []
    for parts in CONLL:
        raw = read(*parts)
        for block in (raw or "").split("\n\n"):
            words = [line.split("\t")[0] for line in block.splitlines() if line.strip()]
            if words:
                sentences.append(" ".join(words))
    pud = read("ud-hindi-pud", "hi_pud.news_sentences.tsv")
    for line in (pud or "").splitlines()[1:]:
        columns = line.split("\t")
        if len(columns) > 2:
            sentences.append(columns[2])
    current: list[str] = []
    for sentence in sentences:
        current.append(sentence)
        if sum(map(len, current)) >= size:
            texts.append(" ".join(current))
            current = []
    if current:
        texts.append(" ".join(current))
    return texts


def script_texts(size: int = 1500) -> list[str]:
    """Issue 20: Urdu and Bengali — the demo's articles in those scripts, and, when the shared corpora are
    there, il-ner's Urdu sentences (tokens joined by spaces) — put together into ~``size``-character texts."""
    import json

    from annotator.resources import resource_path

    sentences = []
    with resource_path("demo", "articles_scripts.jsonl").open(encoding="utf-8") as f:
        sentences += [json.loads(line)["text"] for line in f if line.strip()]
    urdu = CORPORA / "il-ner" / "Urdu-dev.first300.txt"
    if urdu.is_file():
        for block in urdu.read_text(encoding="utf-8").split("\n\n"):
            words = [line.split("\t")[0] for line in block.splitlines() if line.strip()]
            if words:
                sentences.append(" ".join(words))
    texts, current = [], []
    for sentence in sentences:
        current.append(sentence)
        if sum(map(len, current)) >= size:
            texts.append(" ".join(current))
            current = []
    return texts + ([" ".join(current)] if current else [])


def contenders() -> dict[str, Callable[[str], object]]:
    import regex
    import spacy

    from annotator.text.segment import _tokenize_reference, token_bounds, token_spans, tokenize

    plain = regex.compile(r"[\p{L}\p{M}\p{Nd}\u200c\u200d]+|\S")
    span = type(plain.match("a")).span
    finditer = plain.finditer
    spacy_tokenizer = spacy.blank("hi").tokenizer
    return {
        "tokenize": tokenize,
        "token_spans": token_spans,
        "token_bounds": token_bounds,
        "reference": _tokenize_reference,
        "spacy": spacy_tokenizer,
        "plain spans": lambda text: list(map(span, finditer(text))),
        "plain findall": plain.findall,
    }


def measure(texts: list[str], rounds: int) -> dict[str, tuple[float, float]]:
    """(median, best) chars/s of each contender over ``texts``, in interleaved rounds."""
    funcs = contenders()
    chars = sum(map(len, texts))
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(rounds):
        for name, func in funcs.items():
            start = time.process_time()
            for text in texts:
                func(text)
            times[name].append(time.process_time() - start)
    return {name: (chars / statistics.median(ts), chars / min(ts)) for name, ts in times.items()}


def check(texts: list[str]) -> None:
    from annotator.text.segment import _tokenize_reference, token_bounds, token_spans, tokenize

    for text in texts:
        reference = _tokenize_reference(text)
        assert tokenize(text) == reference
        assert token_spans(text) == [(t.start, t.end) for t in reference]
        assert token_bounds(text) == ([t.start for t in reference], [t.end for t in reference])


def report(label: str, texts: list[str], rounds: int) -> None:
    check(texts)
    speed = measure(texts, rounds)
    chars = sum(map(len, texts))
    print(f"\n{label}: {len(texts):,} texts, {chars:,} characters (tokens checked equal to the reference)")
    print(f"{'':15} {'M chars/s':>10} {'vs spaCy':>9} {'(min)':>6} {'vs plain spans':>15} {'(min)':>6}")
    spacy, plain = speed["spacy"], speed["plain spans"]
    for name, (median, best) in speed.items():
        print(
            f"{name:15} {median / 1e6:10.2f} {median / spacy[0]:8.2f}× {best / spacy[1]:5.2f}× "
            f"{median / plain[0]:14.2f}× {best / plain[1]:5.2f}×"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    report("synthetic articles", synthetic_texts(args.docs), args.rounds)
    real = real_texts()
    if real:
        report("real Hindi texts", real, args.rounds)
    else:
        print(f"\n(real texts skipped: {CORPORA} not found)")
    report("Urdu and Bengali texts", script_texts(), args.rounds)


if __name__ == "__main__":
    main()
