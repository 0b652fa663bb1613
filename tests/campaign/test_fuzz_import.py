"""A mutation campaign over every importer: damaged, hostile and odd files never crash the import, never
damage the project, never store what the project cannot hold, and never cost the good records of a file.

Seeds are the small files in ``seeds/`` (written by this project, several labelled records each). Every
case imports one mutated copy into a fresh project (a copy of an empty one) through ``annotator import``
and checks:

- the command returns 0, 1 or 3 (never an unexpected error, an escaping exception or a traceback);
- ``PRAGMA integrity_check`` is ok and every stored span lies inside its text, stored text being UTF-8
  without NUL;
- for "one bad record among good ones" (a JSONL-like line, a CoNLL sentence, a CSV row, one file of a
  folder of text/HTML/WebAnno files, one brat document) and for truncations and byte flips that leave
  records untouched: each untouched record gives the documents and entities it gives undamaged;
- a record that is plainly invalid (offsets 1e400, ``true``, ``"12"``, reversed, out of range, JSON cut
  short, a lone surrogate, NUL, bytes that are not UTF-8 …) is reported: the command returns 3.

Reproducible: ``ANNOTATOR_FUZZ_SEED`` (default below) seeds every random choice, ``ANNOTATOR_FUZZ_N`` (random
truncations/flips/splices per format and kind, default 6) makes a longer run, e.g.
``ANNOTATOR_FUZZ_N=60 ANNOTATOR_FUZZ_SEED=7 pytest tests/campaign/test_fuzz_import.py``. A failure lists
every failing case as ``format / mutation: what happened`` (the exception and its last frame, or the good
records lost); each case's input is kept under pytest's tmp_path for replay.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator import crashlog
from annotator.cli import main

SEED = int(os.environ.get("ANNOTATOR_FUZZ_SEED", "20261205"))
N = int(os.environ.get("ANNOTATOR_FUZZ_N", "6"))
SEEDS = Path(__file__).parent / "seeds"
MARKERS = [f"GOOD{i}" for i in range(4)]


# --------------------------------------------------------------------------------------------- cases


@dataclass
class Case:
    name: str
    files: dict[str, bytes]  # relative path -> content, written under the case's folder
    keep: tuple[str, ...]  # markers whose records must import exactly as undamaged
    must_report: bool = False  # plainly invalid input: the command must say so (exit 3)


RAW = "@@RAW@@"
DEEP = 3000


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _raw(obj, raw: str) -> str:
    """``obj`` as one JSON line with the string ``RAW`` replaced by ``raw`` (JSON Python cannot write)."""
    return _dump(obj).replace(json.dumps(RAW), raw, 1)


def _first_span(fmt: str, obj: dict) -> tuple[dict | list, object, object]:
    """(container, start key, end key) of the record's first span."""
    if fmt == "jsonl":
        return obj["annotations"][0]["entities"][0], "start", "end"
    if fmt == "doccano":
        return obj["label"][0], 0, 1
    if fmt == "prodigy":
        return obj["spans"][0], "start", "end"
    return obj["annotations"][0]["result"][0]["value"], "start", "end"


def _text_of(fmt: str, obj: dict) -> str:
    return obj["data"]["text"] if fmt == "labelstudio" else obj["text"]


def _set_text(fmt: str, obj: dict, value) -> None:
    if fmt == "labelstudio":
        obj["data"]["text"] = value
    else:
        obj["text"] = value


def _label_holder(fmt: str, obj: dict) -> tuple[dict | list, object]:
    if fmt == "jsonl":
        return obj["annotations"][0]["entities"][0], "label"
    if fmt == "doccano":
        return obj["label"][0], 2
    if fmt == "prodigy":
        return obj["spans"][0], "label"
    return obj["annotations"][0]["result"][0]["value"], "labels"


def json_record_mutations(fmt: str, line: str, other: str, rng: random.Random) -> dict[str, tuple[str, bool]]:
    """Mutations of one JSON record (a line without its newline): name -> (new line, must be reported)."""
    out: dict[str, tuple[str, bool]] = {}

    def edit(name: str, change: Callable[[dict], str | None], report: bool) -> None:
        obj = json.loads(line)
        new = change(obj)
        out[name] = (new if isinstance(new, str) else _dump(obj), report)

    def offset(key: str, raw: str | None = None, value=None) -> Callable[[dict], str | None]:
        def change(obj):
            span, ks, ke = _first_span(fmt, obj)
            k = ks if key == "start" else ke
            span[k] = RAW if raw is not None else value
            return _raw(obj, raw) if raw is not None else None

        return change

    for key in ("start", "end"):
        edit(f"{key}=1e400", offset(key, "1e400"), True)
        edit(f"{key}=-1e400", offset(key, "-1e400"), True)
        edit(f"{key}=10**30", offset(key, str(10**30)), True)
        edit(f"{key}=5000-digits", offset(key, "9" * 5000), True)
        edit(f"{key}=-1", offset(key, value=-1), True)
        edit(f"{key}=2.5", offset(key, value=2.5), True)
        edit(f"{key}=true", offset(key, "true"), True)
        edit(f'{key}="12"', offset(key, value="12"), True)
        edit(f"{key}=null", offset(key, "null"), True)
        edit(f"{key}=NaN", offset(key, "NaN"), True)
        edit(f"{key}=long-string", offset(key, value="7" * 100_000), True)
        edit(f"{key}=[]", offset(key, value=[]), True)

    def whole_float(obj):
        span, ks, _ke = _first_span(fmt, obj)
        span[ks] = float(span[ks])

    edit("start=float-whole", whole_float, False)

    def reversed_span(obj):
        span, ks, ke = _first_span(fmt, obj)
        span[ks], span[ke] = span[ke], span[ks]

    def shifted(by_start: int, by_end: int):
        def change(obj):
            span, ks, ke = _first_span(fmt, obj)
            span[ks] += by_start
            span[ke] += by_end

        return change

    edit("reversed-span", reversed_span, True)
    edit("end-out-of-range", shifted(0, 10_000), True)
    edit("span-out-of-range", shifted(10_000, 10_000), True)
    edit("negative-span", shifted(-10_000, -10_000), True)

    def empty_span(obj):
        span, ks, ke = _first_span(fmt, obj)
        span[ke] = span[ks]

    edit("empty-span", empty_span, True)

    def label(value):
        def change(obj):
            holder, k = _label_holder(fmt, obj)
            holder[k] = [value] if fmt == "labelstudio" and not isinstance(value, list) else value

        return change

    edit("label=surrogate", lambda o: label(RAW)(o) or _raw(o, '"GPE\\udfff"'), True)
    edit("label=number", label(12), True)
    edit("label=object", label({"a": 1}), True)
    edit("label=100k", label("X" * 100_000), False)
    edit("label=empty", label(""), True)

    # the text: characters added at its end keep every offset valid
    def text_append(raw_tail: str):
        def change(obj):
            _set_text(fmt, obj, _text_of(fmt, obj) + RAW)
            return _dump(obj).replace(RAW, raw_tail, 1)

        return change

    edit("text-lone-surrogate", text_append("\\ud800"), True)
    edit("text-low-surrogate", text_append("\\udfff x"), True)
    edit("text-NUL-escaped", text_append("\\u0000"), True)
    edit("text=null", lambda o: _set_text(fmt, o, None), True)
    edit("text=number", lambda o: _set_text(fmt, o, 12), True)
    edit("text=empty", lambda o: _set_text(fmt, o, ""), True)
    edit("text=1MB", lambda o: _set_text(fmt, o, _text_of(fmt, o) + " x" * 500_000), False)
    edit("id=surrogate", lambda o: _raw({**o, "id": RAW}, '"\\ud800"'), True)
    edit("id=object", lambda o: o.__setitem__("id", {"a": 1}) if fmt != "labelstudio" else None, False)
    edit("meta-key-surrogate", lambda o: _raw({**o, "meta": {"k": RAW}}, '"\\udbff"'), False)
    edit("meta-deep-array", lambda o: _raw({**o, "meta": {"k": RAW}}, "[" * DEEP + "]" * DEEP), True)
    edit(
        "meta-deep-object", lambda o: _raw({**o, "meta": {"k": RAW}}, '{"a":' * DEEP + "1" + "}" * DEEP), True
    )
    edit("meta-990-deep", lambda o: _raw({**o, "meta": {"k": RAW}}, "[" * 990 + "]" * 990), False)
    edit("extra-990-deep", lambda o: _raw({**o, "extra": RAW}, '{"a":' * 990 + "1" + "}" * 990), False)
    edit("label-deep", lambda o: label(RAW)(o) or _raw(o, "[" * DEEP + "]" * DEEP), True)
    out["line-deep-array"] = ("[" * 100_000, True)
    out["line-deep-object"] = ('{"a":' * 5000, True)
    out["not-object-array"] = ("[1, 2, 3]", True)
    out["not-object-string"] = ('"just a string"', True)
    out["not-object-null"] = ("null", True)
    out["not-object-number"] = ("1e400", True)
    cut = rng.randrange(1, len(line) - 1)
    out[f"truncated@{cut}"] = (line[:cut], True)
    out["truncated-half"] = (line[: len(line) // 2], True)
    out["duplicate-of-other"] = (other, False)  # the same record twice: the copy adds nothing
    obj = json.loads(line)
    dup_id = {**obj, "id": json.loads(other).get("id")} if "id" in obj else obj
    out["duplicate-external-id"] = (_dump(dup_id), False)
    if fmt == "jsonl":
        obj = json.loads(line)
        ents = obj["annotations"][0]["entities"]
        ents.append({**ents[1], "id": ents[0]["id"]})
        out["duplicate-entity-id"] = (_dump(obj), True)
        obj = json.loads(line)
        obj["annotations"][0]["annotator"] = "\ud800"
        out["annotator=surrogate"] = (json.dumps(obj), True)
        obj["annotations"][0]["annotator"] = ""
        out["annotator=empty"] = (_dump(obj), True)
        obj["annotations"] = {"a": 1}
        out["annotations=object"] = (_dump(obj), True)
        obj["annotations"] = [{"annotator": "asha", "entities": {"a": 1}}]
        out["entities=object"] = (_dump(obj), True)
        obj["annotations"] = ["x", 1, None]
        out["annotations=scalars"] = (_dump(obj), True)
    if fmt == "labelstudio":
        obj = json.loads(line)
        res = obj["annotations"][0]["result"]
        res.append({**res[1], "id": res[0]["id"]})
        out["duplicate-result-id"] = (_dump(obj), False)
        obj["annotations"][0]["result"] = {"a": 1}
        out["result=object"] = (_dump(obj), True)
        obj["data"] = "text"
        out["data=string"] = (_dump(obj), True)
    return out


def json_lines_cases(fmt: str, seed_file: str, rng: random.Random) -> list[Case]:
    data = (SEEDS / seed_file).read_bytes()
    lines = data.decode("utf-8").splitlines()
    name = seed_file
    cases = []
    for victim in range(len(lines)):
        other = lines[(victim + 1) % len(lines)]
        keep = tuple(m for i, m in enumerate(MARKERS) if i != victim)
        for label, (bad, report) in json_record_mutations(fmt, lines[victim], other, rng).items():
            if victim != 2 and rng.random() > 0.15:  # every mutation on record 2, a sample on the others
                continue
            new = list(lines)
            new[victim] = bad
            payload = "\n".join(new).encode("utf-8", "surrogatepass") + b"\n"
            cases.append(Case(f"rec{victim}:{label}", {name: payload}, keep, report))
        for label, raw in _bad_bytes().items():
            if victim != 2 and rng.random() > 0.3:
                continue
            enc = [x.encode("utf-8") for x in lines]
            text = _text_of(fmt, json.loads(lines[victim]))
            enc[victim] = enc[victim].replace(text[-3:].encode(), text[-3:].encode() + raw, 1)
            cases.append(Case(f"rec{victim}:{label}", {name: b"\n".join(enc) + b"\n"}, keep, True))
        enc = [x.encode("utf-8") for x in lines]
        raw = bytearray(enc[victim])
        for _ in range(rng.randrange(1, 6)):
            raw[rng.randrange(len(raw))] = rng.choice([b for b in range(256) if b not in (10, 13)])
        enc[victim] = bytes(raw)
        cases.append(Case(f"rec{victim}:flip", {name: b"\n".join(enc) + b"\n"}, keep, False))
    # whole-line oddities around good records
    joined = "\n".join(lines)
    cases.append(
        Case(
            "crlf-one-line",
            {name: (lines[0] + "\r\n" + "\n".join(lines[1:]) + "\n").encode()},
            tuple(MARKERS),
        )
    )
    cases.append(
        Case(
            "blank-lines",
            {name: ("\n \n\t\n" + joined.replace("\n", "\n\n  \n") + "\n\n").encode()},
            tuple(MARKERS),
        )
    )
    cases.append(
        Case(
            "bom-mid-file",
            {name: (lines[0] + "\n\ufeff" + "\n".join(lines[1:]) + "\n").encode()},
            (MARKERS[0], *MARKERS[2:]),
        )
    )
    cases.append(
        Case(
            "NUL-line",
            {name: (lines[0] + "\n\x00\x00\x00\n" + "\n".join(lines[1:]) + "\n").encode()},
            tuple(MARKERS),
            True,
        )
    )
    cases.append(Case("no-final-newline", {name: joined.encode()}, tuple(MARKERS)))
    cases.append(Case("whole-file-twice", {name: data + data}, tuple(MARKERS)))
    cases.extend(byte_cases(name, data, rng, line_chunks(data)))
    return cases


def _bad_bytes() -> dict[str, bytes]:
    return {
        "utf8-FF": b"\xff",
        "utf8-truncated-seq": b"\xc3",
        "utf8-cesu-surrogate": b"\xed\xa0\x80",
        "utf8-overlong": b"\xc0\xaf",
        "raw-NUL": b"\x00",
    }


def line_chunks(data: bytes, sep: bytes = b"\n") -> list[tuple[int, int, str | None]]:
    """(start, end, marker) of each record, the end past its separator."""
    out, pos = [], 0
    for piece in data.split(sep):
        end = pos + len(piece) + len(sep)
        marker = next((m for m in MARKERS if m.encode() in piece), None)
        out.append((pos, min(end, len(data)), marker))
        pos = end
    return out


def byte_cases(name: str, data: bytes, rng: random.Random, chunks, *, flips_keep: bool = True) -> list[Case]:
    """Whole-file damage: empty, BOMs, CRLF, UTF-16, deep nesting, random truncations, flips and splices.
    Truncations keep the records wholly before the cut; flips those they do not touch."""
    cases = [
        Case("empty", {name: b""}, ()),
        Case("bom-only", {name: b"\xef\xbb\xbf"}, ()),
        Case("whitespace-only", {name: b" \r\n\t\n"}, ()),
        Case("NUL-only", {name: b"\x00" * 64}, (), True),
        Case("crlf", {name: data.replace(b"\n", b"\r\n")}, ()),
        Case("bom", {name: b"\xef\xbb\xbf" + data}, tuple(m for _, _, m in chunks if m)),
        Case("utf16-bom", {name: data.decode("utf-8").encode("utf-16")}, ()),
        Case("utf16-no-bom", {name: data.decode("utf-8").encode("utf-16-le")}, ()),
        Case("deep-[", {name: b"[" * 200_000}, (), True),
        Case("deep-{", {name: b'{"a":' * 20_000}, (), True),
        Case("binary", {name: bytes(rng.randrange(256) for _ in range(2048))}, ()),
    ]
    for _ in range(N):
        cut = rng.randrange(1, len(data))
        keep = tuple(m for s, e, m in chunks if m and e <= cut)
        cases.append(Case(f"truncate@{cut}", {name: data[:cut]}, keep))
        flipped = bytearray(data)
        hit = set()
        for _ in range(rng.randrange(1, 8)):
            pos = rng.randrange(len(flipped))
            flipped[pos] = rng.randrange(256)
            hit.add(pos)
        touched = set()
        for i, (s, e, _m) in enumerate(chunks):
            if any(s <= p < e for p in hit):
                touched.add(i)
                if any(e - 2 <= p < e for p in hit):  # the separator: the next record may merge into it
                    touched.add(i + 1)
        keep = tuple(m for i, (_, _, m) in enumerate(chunks) if m and i not in touched) if flips_keep else ()
        cases.append(Case(f"flip{sorted(hit)}", {name: bytes(flipped)}, keep))
        spliced = bytearray(data)
        pos = rng.randrange(len(spliced))
        junk = rng.choice([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"{", b"]", b'"', b"\t", b"\x00", b"\\"])
        spliced[pos:pos] = junk
        cases.append(Case(f"splice{junk!r}@{pos}", {name: bytes(spliced)}, ()))
    return cases


# ---------------------------------------------------------------------------------- format-specific


def conll_cases(rng: random.Random) -> list[Case]:
    name = "sentences.conll"
    data = (SEEDS / name).read_bytes()
    blocks = [b + "\n\n" for b in data.decode().strip("\n").split("\n\n")]
    bad_blocks = {
        "bad-tag": ("x\tQ-LOC\ny\t-\n\n", True),
        "I-after-other-type": ("a\tB-PER\nb\tI-LOC\n\n", True),
        "E-without-start": ("a\tO\nb\tE-LOC\n\n", True),
        "stray-S-scheme": ("पहलगाम\tS-GPE\nमें\tO\n\n", False),
        "one-column": ("lonely\n\n", True),
        "empty-token": ("\tO\nb\tO\n\n", True),
        "tabs-only": ("\t\t\t\n\n", True),
        "1000-columns": ("a" + "\tx" * 1000 + "\tO\n\n", False),
        "huge-token": ("x" * 200_000 + "\tO\n\n", False),
        "huge-label": ("x\tB-" + "L" * 100_000 + "\n\n", False),
        "unknown-label": ("x\tB-NOT_IN_SCHEMA\n\n", False),
        "docstart-only": ("-DOCSTART- -X- O O\n\n", False),
        "NUL-token": ("a\x00b\tO\n\n", True),
        "NUL-tag": ("a\tB-LOC\x00\n\n", True),
        "lone-surrogate": (None, True),
        "bidi-and-zwj": ("a\u202eb\u200d\tB-LOC\n\n", False),
        "crlf-sentence": (blocks[2].replace("\n", "\r\n"), False),
        "bom-sentence": ("\ufeff" + blocks[2], False),
        "U+2028-in-token": ("a\u2028b\tO\n\n", False),
        "control-chars": ("a\x0bb\x1c\tO\n\n", False),
    }
    cases = []
    for label, (bad, report) in bad_blocks.items():
        victim = 2
        new = [b.encode() for b in blocks]
        new[victim] = b"a\xed\xa0\x80b\tO\n\n" if bad is None else bad.encode()
        keep = tuple(m for i, m in enumerate(MARKERS) if i != victim)
        cases.append(Case(label, {name: b"".join(new)}, keep, report))
    for victim in range(4):
        keep = tuple(m for i, m in enumerate(MARKERS) if i != victim)
        for label, raw in _bad_bytes().items():
            new = [b.encode() for b in blocks]
            new[victim] = new[victim].replace(b"\t", raw + b"\t", 1)
            cases.append(Case(f"sent{victim}:{label}", {name: b"".join(new)}, keep, True))
        new = [b.encode() for b in blocks]
        cut = rng.randrange(1, len(new[victim]) - 2)
        new[victim] = new[victim][:cut] + b"\n\n"
        cases.append(Case(f"sent{victim}:truncated@{cut}", {name: b"".join(new)}, keep))
    cases.extend(byte_cases(name, data, rng, line_chunks(data, b"\n\n")))
    return cases


def csv_cases(rng: random.Random) -> list[Case]:
    name = "documents.csv"
    data = (SEEDS / name).read_bytes()
    rows = data.decode().splitlines(keepends=True)
    header, body = rows[0], rows[1:]
    bad_rows = {
        "NUL": ('c9,t,"bad\x00text",s\n', True),
        "empty-text": ("c9,t,,s\n", True),
        "extra-column": ("c9,t,text,s,extra\n", True),
        "missing-column": ("c9,t\n", True),
        "formula": ("c9,=cmd|' /C calc'!A0,\"=HYPERLINK(1)\",s\n", False),
        "huge-field": ("c9,t," + "x" * 2_000_000 + ",s\n", False),
        "quote-in-unquoted": ('c9,t,te"xt,s\n', False),
        "crlf-row": ('c9,t,"text",s\r\n', False),
        "bom-row": ('\ufeffc9,t,"text",s\n', False),
        "surrogate": (None, True),
        "only-commas": (",,,\n", False),
    }
    cases = []
    victim = 2
    keep = tuple(m for i, m in enumerate(MARKERS) if i != victim)
    for label, (bad, report) in bad_rows.items():
        new = [r.encode() for r in body]
        new[victim] = 'c9,t,"a\ud800b",s\n'.encode("utf-8", "surrogatepass") if bad is None else bad.encode()
        cases.append(Case(f"row:{label}", {name: header.encode() + b"".join(new)}, keep, report))
    for label, raw in _bad_bytes().items():
        new = [r.encode() for r in body]
        new[victim] = new[victim].replace(b"GOOD2", b"GOOD2" + raw, 1)
        cases.append(Case(f"row:{label}", {name: header.encode() + b"".join(new)}, keep, True))
    cases.append(Case("unclosed-quote-last", {name: data + b'c9,t,"never closed\n'}, tuple(MARKERS), True))
    cases.append(Case("header-only", {name: header.encode()}, ()))
    cases.append(Case("no-text-column", {name: b"id,body\n1,x\n"}, (), True))
    cases.append(Case("duplicate-columns", {name: b"id,text,text\n1,x,y\n"}, (), True))
    cases.append(
        Case(
            "duplicate-ids",
            {name: header.encode() + b"".join(r.replace("c1,", "c0,", 1).encode() for r in body)},
            tuple(MARKERS),
        )
    )
    cases.extend(byte_cases(name, data, rng, line_chunks(data), flips_keep=False))
    return cases


def folder_cases(fmt: str, pattern: str, rng: random.Random) -> list[Case]:
    """One document per file (text, HTML, WebAnno): one damaged file in a folder of good ones."""
    files = sorted(SEEDS.glob(pattern))
    good = {f.name: f.read_bytes() for f in files}
    victim = files[2].name
    keep = tuple(m for i, m in enumerate(MARKERS) if i != 2)
    data = good[victim]
    mutated = {c.name: c.files[victim] for c in byte_cases(victim, data, rng, [(0, len(data), None)])}
    text = data.decode()
    extra = {
        "NUL-in-text": text.replace("GOOD2", "GO\x00OD2").encode(),
        "lone-surrogate-bytes": data.replace(b"GOOD2", b"GOOD2\xed\xa0\x80"),
        "bad-utf8": data.replace(b"GOOD2", b"GOOD2\xff"),
        "latin1": text.encode("utf-8").replace("घाटी".encode(), b"gh\xe2ti"),
    }
    if fmt == "webanno":
        extra |= {
            "offsets-1e400": text.replace("6-11", "6-1e400").encode(),
            "offsets-10**30": text.replace("6-11", f"6-{10**30}").encode(),
            "offsets-reversed": text.replace("6-11", "11-6").encode(),
            "offsets-out-of-range": text.replace("22-30", "22-30000").encode(),
            "offsets-negative": text.replace("0-5", "-1-5").encode(),
            "offsets-float": text.replace("6-11", "6.0-11.5").encode(),
            "token-id-dup": text.replace("1-3\t", "1-2\t").encode(),
            "label-ref-unclosed": text.replace("LOC[1]", "LOC[1", 1).encode(),
            "label-ref-huge": text.replace("LOC[1]", f"LOC[{10**30}]").encode(),
            "format-3.9": text.replace("3.3", "3.9").encode(),
            "no-header": "\n".join(text.splitlines()[2:]).encode(),
            "layer-deep": text.replace("|value", "|" + "value|" * 5000).encode(),
            "text-escapes": text.replace("#Text=TRF", "#Text=\\\\\\TRF\\").encode(),
            "tab-in-form": text.replace("\tTRF\t", "\tT\tRF\t").encode(),
        }
    if fmt == "html":
        extra |= {
            "deep-divs": text.replace("<p>GOOD2", "<div>" * 5000 + "<p>GOOD2").encode(),
            "charset-bogus": text.replace('charset="utf-8"', 'charset="x-no-such"').encode(),
            "charset-latin1-lie": text.replace('charset="utf-8"', 'charset="iso-8859-1"').encode(),
            "no-main-text": b"<html><body><nav>x</nav></body></html>",
            "xml-bomb": (
                b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;'
                b'&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                b"<html><body><p>&c;</p></body></html>"
            ),
        }
    mutated |= extra
    report = {"NUL-only", "NUL-in-text", "lone-surrogate-bytes", "bad-utf8"}
    if fmt == "webanno":
        report |= {
            k for k in extra if k.startswith("offsets") or k in ("token-id-dup", "format-3.9", "no-header")
        }
    cases = []
    for label, payload in mutated.items():
        cases.append(Case(label, {**good, victim: payload}, keep, label in report))
    return cases


def brat_cases(rng: random.Random) -> list[Case]:
    folder = SEEDS / "brat"
    good = {f"brat/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())}
    keep = tuple(m for i, m in enumerate(MARKERS) if i != 2)
    ann = good["brat/doc2.ann"].decode()
    txt = good["brat/doc2.txt"].decode()
    p = txt.index("Pahalgam")
    bad_anns = {
        "reversed": (f"T1\tGPE {p + 8} {p}\tPahalgam\n", True),
        "huge-10**30": (f"T1\tGPE {p} {10**30}\tx\n", True),
        "5000-digits": (f"T1\tGPE {p} {'9' * 5000}\tx\n", True),
        "1e400": (f"T1\tGPE {p} 1e400\tx\n", True),
        "negative": (f"T1\tGPE -1 {p}\tx\n", True),
        "float": (f"T1\tGPE {p}.0 {p + 8}.5\tx\n", True),
        "out-of-range": (f"T1\tGPE {p} {p + 10_000}\tx\n", True),
        "empty-span": (f"T1\tGPE {p} {p}\t\n", True),
        "fragments": (f"T1\tGPE {p} {p + 3};{p + 4} {p + 8}\tPah lgam\n", True),
        "surface-mismatch": (f"T1\tGPE {p} {p + 8}\tNOT THIS\n", True),
        "dup-id": (ann + f"T1\tGPE {p} {p + 8}\tPahalgam\n", True),
        "unknown-ref": (ann + "R1\tFRONT_OF Arg1:T9 Arg2:T8\n", True),
        "event-unknown-trigger": (ann + "E1\tATTACK:T77 Attacker:T3\n", True),
        "attr-unknown-target": (ann + "A1\tNegation T77\n", True),
        "note-unknown-target": (ann + "#1\tAnnotatorNotes T77\tnote\n", True),
        "norm-unknown-target": (ann + "N1\tReference T77 Wikidata:Q1\tx\n", True),
        "equiv-unknown": (ann + "*\tALIAS_OF T1 T77\n", True),
        "relation-self-cycle": (ann + "R1\tALIAS_OF Arg1:T1 Arg2:T1\n", False),
        "no-tabs": ("T1 GPE 0 5 GOOD2\n", True),
        "unknown-line-kind": ("Q1\tsomething\n", True),
        "label-long": (f"T1\t{'L' * 100_000} {p} {p + 8}\tPahalgam\n", False),
        "unknown-label": (f"T1\tNOT_IN_SCHEMA {p} {p + 8}\tPahalgam\n", False),
        "NUL": (f"T1\tGPE {p} {p + 8}\tPahal\x00gam\n", True),
        "crlf": (ann.replace("\n", "\r\n"), False),
        "bom": ("\ufeff" + ann, False),
        "empty": ("", False),
        "blank-lines": ("\n\n" + ann + "\n\n", False),
        "id-lone-surrogate": (None, True),
    }
    cases = []
    for label, (bad, report) in bad_anns.items():
        payload = b"T\xed\xa0\x801\tGPE 0 5\tGOOD2\n" if bad is None else bad.encode()
        cases.append(Case(f"ann:{label}", {**good, "brat/doc2.ann": payload}, keep, report))
    for label, raw in _bad_bytes().items():
        cases.append(
            Case(
                f"ann:{label}",
                {**good, "brat/doc2.ann": ann.encode().replace(b"\tTRF", b"\tTRF" + raw)},
                keep,
                True,
            )
        )
        cases.append(
            Case(
                f"txt:{label}",
                {**good, "brat/doc2.txt": txt.encode().replace(b"GOOD2", b"GOOD2" + raw)},
                keep,
                True,
            )
        )
    cases.append(Case("txt:crlf", {**good, "brat/doc2.txt": txt.replace("\n", "\r\n").encode()}, keep))
    cases.append(Case("txt:bom", {**good, "brat/doc2.txt": b"\xef\xbb\xbf" + txt.encode()}, keep))
    cases.append(Case("txt:empty", {**good, "brat/doc2.txt": b""}, keep))
    cases.append(Case("txt:shorter", {**good, "brat/doc2.txt": txt[: p + 3].encode()}, keep, True))
    cases.append(Case("ann-without-txt", {k: v for k, v in good.items() if k != "brat/doc2.txt"}, keep))
    cases.append(Case("txt-without-ann", {k: v for k, v in good.items() if k != "brat/doc2.ann"}, keep))
    cases.append(
        Case("conf-garbage", {**good, "brat/annotation.conf": b"[entities]\n\x00\xff[[[\n"}, (), False)
    )
    for k in range(N):
        raw = bytearray(ann.encode())
        for _ in range(rng.randrange(1, 6)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        cases.append(Case(f"ann:flip-{k}", {**good, "brat/doc2.ann": bytes(raw)}, keep))
        cut = rng.randrange(1, len(ann.encode()))
        cases.append(Case(f"ann:truncate@{cut}", {**good, "brat/doc2.ann": ann.encode()[:cut]}, keep))
        raw = bytearray(txt.encode())
        raw[rng.randrange(len(raw))] = rng.randrange(256)
        cases.append(Case(f"txt:flip-{k}", {**good, "brat/doc2.txt": bytes(raw)}, keep))
    return cases


# -------------------------------------------------------------------------------------------- running

#: format -> (import --format, the path to import relative to the case folder, the cases)
PLAN: dict[str, tuple[str, str, Callable[[random.Random], list[Case]]]] = {
    "jsonl": ("jsonl", "native.jsonl", lambda r: json_lines_cases("jsonl", "native.jsonl", r)),
    "doccano": ("doccano", "doccano.jsonl", lambda r: json_lines_cases("doccano", "doccano.jsonl", r)),
    "prodigy": ("prodigy", "prodigy.jsonl", lambda r: json_lines_cases("prodigy", "prodigy.jsonl", r)),
    "labelstudio": (
        "labelstudio",
        "labelstudio.jsonl",
        lambda r: json_lines_cases("labelstudio", "labelstudio.jsonl", r),
    ),
    "labelstudio-array": (
        "labelstudio",
        "labelstudio.json",
        lambda r: byte_cases(
            "labelstudio.json", (SEEDS / "labelstudio.json").read_bytes(), r, [], flips_keep=False
        ),
    ),
    "csv": ("csv", "documents.csv", csv_cases),
    "conll": ("conll", "sentences.conll", conll_cases),
    "text": ("text", ".", lambda r: folder_cases("text", "article*.txt", r)),
    "html": ("html", ".", lambda r: folder_cases("html", "article*.html", r)),
    "webanno": ("webanno", ".", lambda r: folder_cases("webanno", "doc*.tsv", r)),
    "brat": ("brat", "brat", brat_cases),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """An empty project, copied for each case (a new project costs half a second, a copy nothing)."""
    path = tmp_path_factory.mktemp("template") / "empty.annotator"
    assert main(["init", str(path)]) == 0
    assert sorted(p.name for p in path.parent.iterdir()) == ["empty.annotator"]
    return path


def _counts(project: Path) -> dict[str, tuple[int, int]]:
    """marker -> (documents holding it, entities on those documents)."""
    con = sqlite3.connect(project)
    try:
        out = {}
        for m in MARKERS:
            docs, ents = con.execute(
                "SELECT count(DISTINCT d.id), count(e.id) FROM documents d "
                "LEFT JOIN entities e ON e.document_id = d.id WHERE instr(d.text, ?) > 0",
                (m,),
            ).fetchone()
            out[m] = (docs, ents)
        return out
    finally:
        con.close()


def _project_problems(project: Path) -> list[str]:
    con = sqlite3.connect(project)
    con.text_factory = bytes
    try:
        problems = []
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        if check != b"ok":
            problems.append(f"integrity_check: {check[:100]!r}")
        bad = con.execute(
            "SELECT count(*) FROM entities e JOIN documents d ON d.id = e.document_id WHERE typeof(e.start) "
            "!= 'integer' OR typeof(e.\"end\") != 'integer' OR e.start < 0 OR e.\"end\" <= e.start "
            'OR e."end" > length(CAST(d.text AS TEXT))'
        ).fetchone()[0]
        if bad:
            problems.append(f"{bad} stored span(s) outside their text")
        for table, column in (("documents", "text"), ("documents", "title"), ("entities", "label")):
            for (value,) in con.execute(f"SELECT {column} FROM {table}"):
                if value is None:
                    continue
                if b"\x00" in value:
                    problems.append(f"NUL stored in {table}.{column}")
                    break
                try:
                    value.decode("utf-8")
                except UnicodeDecodeError:
                    problems.append(f"invalid UTF-8 stored in {table}.{column}")
                    break
        return problems
    finally:
        con.close()


class _Crashes:
    """What ``annotator`` reported as unexpected errors: the exception and its last frame."""

    def __init__(self, monkeypatch):
        self.last: str | None = None
        original = crashlog.describe

        def describe(exc, context=""):
            if not isinstance(exc, crashlog.user_errors()):
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                where = f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
                self.last = f"{type(exc).__name__} at {where}: {' '.join(str(exc).split())[:120]}"
            return original(exc, context)

        monkeypatch.setattr(crashlog, "describe", describe)


def _run(
    project: Path, path: Path, fmt: str, capsys, crashes: _Crashes
) -> tuple[int | None, str, str | None]:
    crashes.last = None
    try:
        code = main(["import", str(project), str(path), "--format", fmt, "--quiet"])
    except BaseException as exc:  # an escaping exception is what this test looks for
        capsys.readouterr()
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
        return None, "", f"escaped {type(exc).__name__} at {where}: {' '.join(str(exc).split())[:120]}"
    err = capsys.readouterr().err
    return code, err, crashes.last


def _campaign(key: str, tmp_path: Path, template: Path, capsys, monkeypatch) -> None:
    fmt, target, make = PLAN[key]
    rng = random.Random(f"{SEED}-{key}")
    crashes = _Crashes(monkeypatch)
    # the undamaged seed: what each record gives
    base_dir = tmp_path / "seed"
    base_dir.mkdir()
    baseline_cases = _seed_case(key)
    for rel, payload in baseline_cases.items():
        (base_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (base_dir / rel).write_bytes(payload)
    project = tmp_path / "seed.annotator"
    shutil.copy(template, project)
    code, err, crash = _run(project, base_dir / target, fmt, capsys, crashes)
    assert (code, crash) == (0, None), err
    baseline = _counts(project)
    assert all(docs >= 1 for docs, _ in baseline.values()), baseline

    failures: list[str] = []
    cases = make(rng)
    started = time.monotonic()
    for n, case in enumerate(cases):
        folder = tmp_path / f"c{n}"
        for rel, payload in case.files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(payload)
        project = folder / "p.annotator"
        shutil.copy(template, project)
        code, err, crash = _run(project, folder / target, fmt, capsys, crashes)
        problems = []
        if crash:
            problems.append(crash)
        elif code not in (0, 1, 3):
            problems.append(f"exit {code}: {err.strip().splitlines()[-1][:160] if err.strip() else ''}")
        if "Traceback" in err:
            problems.append("a traceback on stderr")
        if code == 1 and len(err.strip().splitlines()) != 1:
            problems.append(f"user error not one line: {err.strip()[:160]!r}")
        problems.extend(_project_problems(project))
        if case.keep and code is not None:
            counts = _counts(project)
            for m in case.keep:
                if counts[m] != baseline[m]:
                    what = "lost" if counts[m] < baseline[m] else "stored twice"
                    problems.append(
                        f"good record {m} {what}: {counts[m][0]} document(s) with {counts[m][1]} entities, "
                        f"undamaged {baseline[m][0]} with {baseline[m][1]}"
                    )
        if case.must_report and code == 0:
            problems.append("not reported: exit 0 for invalid input")
        if problems:
            failures.append(f"{key} / {case.name}: {' | '.join(problems)}  [{folder.name}]")
    elapsed = time.monotonic() - started
    print(f"{key}: {len(cases)} cases in {elapsed:.1f} s (seed {SEED}, N {N})")
    assert not failures, f"{len(failures)} of {len(cases)} {key} cases failed (seed {SEED}):\n" + "\n".join(
        failures
    )


def _seed_case(key: str) -> dict[str, bytes]:
    _fmt, target, _make = PLAN[key]
    if target == ".":
        pattern = {"text": "article*.txt", "html": "article*.html", "webanno": "doc*.tsv"}[key]
        return {p.name: p.read_bytes() for p in sorted(SEEDS.glob(pattern))}
    if target == "brat":
        return {f"brat/{p.name}": p.read_bytes() for p in sorted((SEEDS / "brat").iterdir())}
    return {target: (SEEDS / target).read_bytes()}


@pytest.mark.parametrize("key", list(PLAN))
def test_import_mutations(key, tmp_path, template, capsys, monkeypatch):
    _campaign(key, tmp_path, template, capsys, monkeypatch)
