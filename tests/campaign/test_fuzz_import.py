"""A mutation campaign over every importer: damaged, hostile and odd files never crash the import, never
damage the project, and never cost the good records of a file with one bad record.

Bounded for CI (about half a minute); ``ANNOTATOR_FUZZ_N=200 ANNOTATOR_FUZZ_SEED=7 pytest tests/campaign``
runs a longer one. Each case names its format, mutation and seed, so a failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3

import pytest

from annotator.cli import main

SEED = int(os.environ.get("ANNOTATOR_FUZZ_SEED", "20261205"))
RANDOM_CASES = int(os.environ.get("ANNOTATOR_FUZZ_N", "6"))  # random byte-level mutations per format

GOOD = [f"GOOD{i} पहलगाम में हमला हुआ और LeT ने ज़िम्मेदारी ली। Delhi police said {i} were hurt." for i in range(4)]


def _ents(text: str) -> list[tuple[int, int, str]]:
    start = text.index("पहलगाम")
    lets = text.index("LeT")
    return [(start, start + len("पहलगाम"), "GPE"), (lets, lets + 3, "ARMED_GROUP")]


# ------------------------------------------------------------------------------------------------ seeds


def native(text: str, n: int) -> dict:
    return {
        "id": f"g{n}",
        "title": f"title {n}",
        "text": text,
        "annotations": [
            {
                "annotator": "asha",
                "entities": [
                    {"id": f"T{k}", "start": s, "end": e, "label": lab}
                    for k, (s, e, lab) in enumerate(_ents(text))
                ],
            }
        ],
    }


def doccano(text: str, n: int) -> dict:
    return {"id": n, "text": text, "label": [[s, e, lab] for s, e, lab in _ents(text)]}


def prodigy(text: str, n: int) -> dict:
    return {"text": text, "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in _ents(text)]}


def labelstudio(text: str, n: int) -> dict:
    results = [
        {
            "id": f"r{k}",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]},
        }
        for k, (s, e, lab) in enumerate(_ents(text))
    ]
    return {"id": n, "data": {"text": text}, "annotations": [{"id": n, "result": results}]}


def jsonl_lines(make) -> list[str]:
    return [json.dumps(make(t, n), ensure_ascii=False) + "\n" for n, t in enumerate(GOOD)]


def conll_blocks() -> list[str]:
    blocks = []
    for n, _text in enumerate(GOOD):
        blocks.append(f"GOOD{n}\tO\nपहलगाम\tB-LOC\nमें\tO\nLashkar\tB-ORG\ne\tI-ORG\nTaiba\tI-ORG\n।\tO\n\n")
    return blocks


def csv_rows() -> list[str]:
    return ["id,title,text\n", *(f'c{n},t{n},"{t}"\n' for n, t in enumerate(GOOD))]


WEBANNO = (
    "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
    "#Text=LeT struck Delhi .\n1-1\t0-3\tLeT\tORG\n1-2\t4-10\tstruck\t_\n"
    "1-3\t11-16\tDelhi\tLOC\n1-4\t17-18\t.\t_\n"
)

#: format -> (file name, record chunks: joined they make the file; one chunk is one good record)
SEEDS = {
    "jsonl": ("in.jsonl", lambda: jsonl_lines(native)),
    "doccano": ("in.jsonl", lambda: jsonl_lines(doccano)),
    "prodigy": ("in.jsonl", lambda: jsonl_lines(prodigy)),
    "labelstudio": (
        "in.json",
        lambda: [
            "[\n",
            *(
                json.dumps(labelstudio(t, n), ensure_ascii=False) + (",\n" if n < len(GOOD) - 1 else "\n")
                for n, t in enumerate(GOOD)
            ),
            "]\n",
        ],
    ),
    "conll": ("in.conll", conll_blocks),
    "csv": ("in.csv", csv_rows),
    "text": ("in.txt", lambda: ["Title line\n\n", GOOD[0] + "\n"]),
    "html": (
        "in.html",
        lambda: [
            "<html><head><title>T</title></head><body><article><p>",
            GOOD[0],
            "</p></article></body></html>",
        ],
    ),
    "webanno": ("in.tsv", lambda: [WEBANNO]),
}
#: formats whose chunks are independent records: one bad one costs only itself
RECORD_FORMATS = ("jsonl", "doccano", "prodigy", "conll", "csv")


# ------------------------------------------------------------------------------------------- mutations


def _replace_one(chunks: list[str], index: int, bad: str) -> list[str]:
    out = list(chunks)
    out[index] = bad
    return out


def record_mutations(fmt: str, chunks: list[str]) -> dict[str, list[str]]:
    """Mutations that damage one record of a record-oriented file (the 2nd good one), keeping the others."""
    i = 2  # jsonl-like: the third record (GOOD2); csv: chunk 0 is the header, so GOOD1
    rec = chunks[i]
    deep = "[" * 3000 + "]" * 3000
    if fmt == "conll":
        return {
            "bad-tag": _replace_one(chunks, i, "x\tQ-LOC\ny\t-\n\n"),
            "nul": _replace_one(chunks, i, "a\x00b\tO\n\n"),
            "one-column": _replace_one(chunks, i, "lonely\n\n"),
            "huge-token": _replace_one(chunks, i, "x" * 200_000 + "\tO\n\n"),
            "stray-scheme": _replace_one(chunks, i, "पहलगाम\tS-LOC\nमें\tO\n\n"),
        }
    if fmt == "csv":
        return {
            "nul": _replace_one(chunks, i, "n,t,bad\x00text\n"),
            "empty-text": _replace_one(chunks, i, "n,t,\n"),
            "unclosed-quote": chunks[:i] + chunks[i + 1 :] + ['z,t,"never closed\n'],
            "formula": _replace_one(chunks, i, "f,=cmd|' /C calc'!A0,\"=HYPERLINK(1)\"\n"),
        }
    obj = json.loads(rec)
    mutations = {
        "surrogate": rec.replace("पहलगाम", "\\ud800पहलगाम", 1).replace('"text": "', '"text": "\\udfff', 1),
        "deep": json.dumps({"text": "deep", "meta": {"x": 1}})[:-1] + ', "junk": ' + deep + "}\n",
        "truncated": rec[: len(rec) // 2] + "\n",
        "not-object": "[1, 2, 3]\n" if fmt != "jsonl" else '"just a string"\n',
        "nul-text": rec.replace("पहलगाम", "पहल\\u0000गाम", 1),
        "bad-utf8": "\udcff",  # replaced by raw bytes below
        "null-text": json.dumps({**obj, "text": None}) + "\n",
        "huge-int-offset": rec.replace('"start": ', '"start": 1' + "0" * 30 + "+", 1)
        if '"start": ' in rec
        else rec.replace("[", "[10000000000000000000000000000, ", 1),
        "float-offset": rec.replace('"start": ', '"start": 0.5+', 1) if '"start": ' in rec else rec,
        "reversed-span": _reverse_first_span(obj, fmt),
        "out-of-range": _shift_first_span(obj, fmt, 10_000),
        "negative": _shift_first_span(obj, fmt, -10_000),
        "bool-offset": _first_span_start(obj, fmt, True),
        "string-offset": _first_span_start(obj, fmt, "12"),
        "big-float": rec.replace('"start": ', '"start": 1e400+', 1) if '"start": ' in rec else rec,
    }
    return {
        name: _replace_one(chunks, i, bad if bad.endswith("\n") else bad + "\n")
        for name, bad in mutations.items()
    }


def _spans_of(obj: dict, fmt: str) -> list:
    if fmt == "jsonl":
        return obj["annotations"][0]["entities"]
    if fmt == "doccano":
        return obj["label"]
    return obj["spans"]


def _reverse_first_span(obj: dict, fmt: str) -> str:
    obj = json.loads(json.dumps(obj))
    span = _spans_of(obj, fmt)[0]
    if isinstance(span, list):
        span[0], span[1] = span[1], span[0]
    else:
        span["start"], span["end"] = span["end"], span["start"]
    return json.dumps(obj, ensure_ascii=False)


def _shift_first_span(obj: dict, fmt: str, by: int) -> str:
    obj = json.loads(json.dumps(obj))
    span = _spans_of(obj, fmt)[0]
    if isinstance(span, list):
        span[0] += by
        span[1] += by
    else:
        span["start"] += by
        span["end"] += by
    return json.dumps(obj, ensure_ascii=False)


def _first_span_start(obj: dict, fmt: str, value) -> str:
    obj = json.loads(json.dumps(obj))
    span = _spans_of(obj, fmt)[0]
    if isinstance(span, list):
        span[0] = value
    else:
        span["start"] = value
    return json.dumps(obj, ensure_ascii=False)


def byte_mutations(data: bytes, rng: random.Random) -> dict[str, bytes]:
    """Whole-file damage: truncation, byte flips, invalid UTF-8, NUL, BOMs, CRLF, emptiness."""
    out = {
        "empty": b"",
        "bom-only": b"\xef\xbb\xbf",
        "crlf": data.replace(b"\n", b"\r\n"),
        "bom": b"\xef\xbb\xbf" + data,
        "utf16": data.decode("utf-8", "replace").encode("utf-16"),
        "latin1-bytes": data.replace("ज़".encode(), b"\xe9"),
        "nul-bytes": data[: len(data) // 3] + b"\x00\x00" + data[len(data) // 3 :],
    }
    for k in range(RANDOM_CASES):
        cut = rng.randrange(1, max(2, len(data)))
        out[f"truncate-{k}"] = data[:cut]
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            pos = rng.randrange(len(flipped))
            flipped[pos] = rng.randrange(256)
        out[f"flip-{k}"] = bytes(flipped)
        spliced = bytearray(data)
        pos = rng.randrange(len(spliced))
        spliced[pos:pos] = rng.choice(
            [b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"{", b"]", b'"', b"\t", b"\n\n"]
        )
        out[f"splice-{k}"] = bytes(spliced)
    return out


# ------------------------------------------------------------------------------------------------ run


def _import(project, path, fmt, capsys) -> tuple[int, str]:
    try:
        code = main(["import", str(project), str(path), "--format", fmt, "--quiet"])
    except SystemExit as exc:  # argparse only
        code = exc.code
    except Exception as exc:  # an uncaught exception: the case fails, the campaign goes on
        capsys.readouterr()
        return -1, f"Traceback (uncaught) {type(exc).__name__}: {exc}"
    err = capsys.readouterr().err
    return code, err


def _documents(project) -> list[str]:
    con = sqlite3.connect(project)
    try:
        return [row[0] for row in con.execute("SELECT text FROM documents")]
    finally:
        con.close()


def _integrity(project) -> str:
    con = sqlite3.connect(project)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_mutations_never_crash_or_cost_good_records(fmt, tmp_path, capsys):
    rng = random.Random(f"{SEED}-{fmt}")
    name, make = SEEDS[fmt]
    chunks = make()
    failures: list[str] = []
    tried = 0

    def case(label: str, data: bytes, good_expected: list[str] | None) -> None:
        nonlocal tried
        tried += 1
        project = tmp_path / f"{label}.annotator"
        assert main(["init", str(project)]) == 0
        capsys.readouterr()
        path = tmp_path / label / name
        path.parent.mkdir()
        path.write_bytes(data)
        code, err = _import(project, path, fmt, capsys)
        problems = []
        if code not in (0, 3):
            problems.append(f"exit {code}")
        if "Traceback" in err or "unexpected error" in err:
            problems.append(err.strip().splitlines()[-1][:200])
        if _integrity(project) != "ok":
            problems.append("integrity check failed")
        if good_expected is not None:
            texts = " ".join(_documents(project))
            lost = [g for g in good_expected if g not in texts]
            if lost:
                problems.append(f"good records lost: {', '.join(lost)}")
        if problems:
            failures.append(f"{fmt} / {label} (seed {SEED}): {'; '.join(problems)}")

    if fmt in RECORD_FORMATS:
        for label, mutated in record_mutations(fmt, chunks).items():
            if label == "bad-utf8":
                data = (
                    "".join(mutated[:2]).encode() + b'{"text": "caf\xe9"}\n' + "".join(mutated[3:]).encode()
                )
            else:
                data = "".join(mutated).encode("utf-8", "surrogatepass")
            keep = [f"GOOD{i}" for i in ((0, 2, 3) if fmt == "csv" else (0, 1, 3))]
            case(label, data, keep)
    data = "".join(chunks).encode("utf-8")
    for label, mutated in byte_mutations(data, rng).items():
        case(label, mutated, None)
    case("duplicate", data + data, None)
    assert not failures, f"{len(failures)} of {tried} cases failed:\n" + "\n".join(failures)


def test_brat_folder_mutations(tmp_path, capsys):
    """A brat folder with one damaged document among good ones: the good ones always import."""
    rng = random.Random(f"{SEED}-brat")
    text = GOOD[0][:5] + " पहलगाम में हमला हुआ और LeT ने ज़िम्मेदारी ली।\n"
    p, let = text.index("पहलगाम"), text.index("LeT")
    good_ann = f"T1\tGPE {p} {p + 6}\tपहलगाम\nT2\tARMED_GROUP {let} {let + 3}\tLeT\n"
    bad_anns = {
        "reversed": "T1\tGPE 12 6\tx\n",
        "huge": f"T1\tGPE 0 {10**30}\tx\n",
        "negative": "T1\tGPE -5 3\tx\n",
        "fragments": "T1\tGPE 0 3;5 8\tx\n",
        "dup-id": good_ann + "T1\tGPE 0 3\tx\n",
        "unknown-ref": "E1\tATTACK:T9 Attacker:T8\n",
        "nul": "T1\tGPE 0 3\tx\x00\n",
        "bad-utf8": b"T1\tGPE 0 3\t\xff\n",
        "crlf": good_ann.replace("\n", "\r\n"),
        "bom": "\ufeff" + good_ann,
        "tab-note": f"T1\tGPE {p} {p + 6}\tपहलगाम\n#1\tAnnotatorNotes T1\ta\tb\n",
        "attr-unknown-id": "A1\tNegation T77\n",
        "empty": "",
    }
    for k in range(RANDOM_CASES):
        raw = bytearray(good_ann.encode())
        for _ in range(rng.randrange(1, 6)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        bad_anns[f"flip-{k}"] = bytes(raw)
    failures = []
    for label, bad in bad_anns.items():
        folder = tmp_path / f"b-{label}"
        folder.mkdir()
        for n in range(3):
            (folder / f"good{n}.txt").write_text(text.replace(GOOD[0][:5], f"GOOD{n}"), encoding="utf-8")
            (folder / f"good{n}.ann").write_text(good_ann, encoding="utf-8")
        (folder / "bad.txt").write_text(text, encoding="utf-8")
        (folder / "bad.ann").write_bytes(bad if isinstance(bad, bytes) else bad.encode("utf-8"))
        project = tmp_path / f"{label}.annotator"
        assert main(["init", str(project)]) == 0
        capsys.readouterr()
        code, err = _import(project, folder, "brat", capsys)
        texts = " ".join(_documents(project))
        problems = []
        if code not in (0, 3) or "Traceback" in err or "unexpected error" in err:
            problems.append(f"exit {code}: {err.strip().splitlines()[-1][:200] if err.strip() else ''}")
        if _integrity(project) != "ok":
            problems.append("integrity")
        lost = [f"GOOD{n}" for n in range(3) if f"GOOD{n}" not in texts]
        if lost:
            problems.append(f"lost {lost}")
        if problems:
            failures.append(f"brat / {label}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
