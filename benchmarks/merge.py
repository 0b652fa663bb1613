"""Merge benchmark: 20 work packages of 1,000 documents and 20,000 labels each into a 20,000-document project.

    .venv/bin/python benchmarks/merge.py [--packages 20] [--docs 1000] [--labels 20000]

Builds the project and the packages (labels written into each package as its annotator would have made
them), then merges all packages in a separate process and reports the time and that process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def build(work: Path, packages: int, docs: int, labels: int) -> list[Path]:
    from sqlalchemy import insert, select
    from synth import write_jsonl

    from annotator.services.importing import import_paths
    from annotator.services.packages import export_package
    from annotator.services.project import init_project, open_project
    from annotator.store.models import Annotator, Assignment, Document, Entity, utcnow

    n_docs = packages * docs
    src = write_jsonl(work / f"articles-{n_docs}.jsonl", n_docs)
    project = init_project(work / "merge.annotator")
    import_paths(project, [src])
    now = utcnow()
    with project.engine.begin() as conn:
        doc_ids = list(conn.execute(select(Document.id).order_by(Document.id)).scalars())
        for k in range(packages):
            aid = conn.execute(
                insert(Annotator)
                .values(name=f"a{k:02d}", role="annotator", created_at=now)
                .returning(Annotator.id)
            ).scalar_one()
            conn.execute(
                insert(Assignment),
                [
                    {"id": str(uuid.uuid4()), "document_id": d, "annotator_id": aid, "created_at": now}
                    for d in doc_ids[k * docs : (k + 1) * docs]
                ],
            )
    paths = []
    per_doc = max(1, labels // docs)
    for k in range(packages):
        path = work / f"a{k:02d}.package"
        export_package(project, f"a{k:02d}", path)
        with open_project(path) as package:
            with package.engine.begin() as conn:
                aid = conn.scalar(select(Annotator.id))
                ids = list(conn.execute(select(Document.id)).scalars())
                rows = [
                    {
                        "id": str(uuid.uuid4()),
                        "document_id": d,
                        "annotator_id": aid,
                        "start": 10 * i,
                        "end": 10 * i + 5,
                        "label": "GPE",
                        "attributes": {},
                        "created_at": now,
                        "updated_at": now,
                    }
                    for d in ids
                    for i in range(per_doc)
                ]
                conn.execute(insert(Entity), rows)
        paths.append(path)
    project.close()
    return paths


def merge(project_path: str, package_paths: list[str]) -> dict:
    from annotator.services.packages import import_packages
    from annotator.services.project import open_project

    with open_project(project_path) as project:
        t = time.perf_counter()
        report = import_packages(project, package_paths)
        seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "added": report.added,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--packages", type=int, default=20)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--labels", type=int, default=20000)
    parser.add_argument("--work")
    parser.add_argument("--merge", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.merge:
        print(json.dumps(merge(args.merge[0], args.merge[1:])))
        return
    if args.build:
        print(json.dumps([str(p) for p in build(Path(args.work), args.packages, args.docs, args.labels)]))
        return
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        # built in a process of its own: on Linux a child's peak RSS starts from its parent's at fork, so a
        # parent grown by building would inflate the merge's measured peak
        built = subprocess.run(
            [
                sys.executable,
                __file__,
                "--build",
                "--work",
                str(work),
                "--packages",
                str(args.packages),
                "--docs",
                str(args.docs),
                "--labels",
                str(args.labels),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        paths = json.loads(built.stdout.strip().splitlines()[-1])
        print(
            f"built a {args.packages * args.docs:,}-document project and {len(paths)} packages "
            f"in {time.perf_counter() - t:.1f} s"
        )
        out = subprocess.run(
            [sys.executable, __file__, "--merge", str(work / "merge.annotator"), *map(str, paths)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"merged {len(paths)} packages ({r['added']:,} rows added) in {r['seconds']:.2f} s, "
            f"peak memory {r['peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
