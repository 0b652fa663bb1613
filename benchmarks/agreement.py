"""Agreement and auto-adjudication benchmark: 10,000 documents, each finished by two annotators with 20
entity spans, two events with arguments, a tone and a targeted sentiment.

    .venv/bin/python benchmarks/agreement.py [--docs 10000] [--spans 20] [--json-out FILE]

About 90 % of the spans agree exactly (the 16 that are no event arguments: 85 %); the rest differ in
label or by a word at the end. One event in ten differs in type and about one in seven in an argument, and
the tone and the sentiment differ on one document in five, so the figures and the adjudication have
work to do. Reports
the import of the labelled documents (for scale), ``compute_agreement`` over all layers, and
``auto_adjudicate`` with the majority policy (first run, then a re-run that must change nothing), with
the process's peak memory. ``--json-out`` writes the full agreement report (``--json``'s dict and the
documents behind each pair) so that two versions of the code can be compared figure for figure.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

LABELS = ("PER", "ORG", "GPE", "LOC", "ARMED_GROUP", "NUM")


def record(i: int, spans: int) -> dict:
    from synth import article

    doc = article(i)
    text = doc["text"]
    rng = random.Random(i)
    words = [m.span() for m in re.finditer(r"\S+", text)]
    picked = sorted(rng.sample(range(len(words) - 1), min(spans + 2, len(words) - 1)))
    ent_words, triggers = picked[:spans], picked[spans : spans + 2]
    blocks = []
    for name in ("asha", "ravi"):
        other = name == "ravi"
        entities = []
        for k, w in enumerate(ent_words):
            start, end = words[w]
            label = ("ARMED_GROUP", "GPE")[k % 2] if k < 4 else LABELS[(i + k) % len(LABELS)]
            if other and k >= 4 and rng.random() < 0.15:
                if rng.random() < 0.5:
                    label = LABELS[(i + k + 1) % len(LABELS)]
                else:
                    end = words[w + 1][1]  # one word longer
            entities.append({"id": f"T{k}", "start": start, "end": end, "label": label})
        events = []
        for k, w in enumerate(triggers):
            start, end = words[w]
            kind = "ATTACK" if not (other and rng.random() < 0.1) else "DIE"
            role_a = "Attacker" if kind == "ATTACK" else "Agent"
            args = [{"role": role_a, "entity": f"T{2 * k}"}, {"role": "Place", "entity": f"T{2 * k + 1}"}]
            if other and rng.random() < 0.15:
                args = args[:1]
            events.append(
                {
                    "id": f"E{k}",
                    "type": kind,
                    "trigger": {"start": start, "end": end},
                    "arguments": args,
                    "attributes": {"modality": "actual"},
                }
            )
        blocks.append(
            {
                "annotator": name,
                "status": "done",
                "entities": entities,
                "events": events,
                "document": {"tone": -1 if not (other and rng.random() < 0.2) else -2},
                "sentiment": [
                    {"target": "T0", "polarity": "NEG" if not (other and rng.random() < 0.2) else "NEU"}
                ],
            }
        )
    return {**doc, "annotations": blocks}


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--json-out", help="write the full agreement report here (to compare versions)")
    args = parser.parse_args()

    from annotator.services.adjudication import auto_adjudicate
    from annotator.services.agreement import compute_agreement
    from annotator.services.importing import import_paths
    from annotator.services.project import init_project

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "labelled.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i in range(args.docs):
                fh.write(json.dumps(record(i, args.spans), ensure_ascii=False) + "\n")
        project = init_project(work / "agreement.annotator")
        t = time.perf_counter()
        report = import_paths(project, [src])
        t_import = time.perf_counter() - t
        peaks = {"import": _peak()}
        assert report.ok, report.errors[:3]

        t = time.perf_counter()
        computed = compute_agreement(project)
        t_agreement = time.perf_counter() - t
        agreement = computed.as_dict()
        if args.json_out:
            Path(args.json_out).write_text(
                json.dumps({"report": agreement, "pair_documents": computed.pair_documents}, indent=2),
                encoding="utf-8",
            )
        peaks["agreement"] = _peak()

        t = time.perf_counter()
        first = auto_adjudicate(project, "majority")
        t_adjudicate = time.perf_counter() - t
        peaks["adjudication"] = _peak()
        t = time.perf_counter()
        again = auto_adjudicate(project, "majority")
        t_again = time.perf_counter() - t
        assert (again.added, again.removed) == (0, 0), "a re-run changed gold"
        project.close()
    ents = agreement["entities"]
    print(f"{args.docs:,} documents × 2 annotators × {args.spans} spans, 2 events, tone, sentiment")
    print(f"  import of the labelled documents   {t_import:7.1f} s")
    print(f"  agreement, all layers              {t_agreement:7.1f} s")
    print(
        f"    entity F1 exact {ents['mean_pairwise_f1']['exact']['value']}, overlap "
        f"{ents['mean_pairwise_f1']['overlap']['value']}, "
        f"unitizing alpha {ents['unitizing_alpha']['value']}, "
        f"trigger F1 {agreement['events']['trigger_f1']['value']}, tone alpha (interval) "
        f"{agreement['tone']['krippendorff_alpha']['interval']['value']}"
    )
    print(f"  auto-adjudication (majority)       {t_adjudicate:7.1f} s  ({first.summary()})")
    print(f"  re-run, nothing to change          {t_again:7.1f} s")
    print("  peak memory after " + ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items()))


if __name__ == "__main__":
    main()
