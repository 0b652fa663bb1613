"""Start of the built app (packaging/build.py) to a usable window, against the source install, in the same
run, in turn (built, source, built, source …): each starts, opens the window on a project, shows it and
quits as soon as the event loop is idle (``annotator smoke-test --startup``), offscreen. Each figure is the
median of the runs; the ratio is the median of the pairs' ratios.

    python packaging/build.py && python benchmarks/packaged_start.py --runs 5 [--cold]

Target (issue 21): the built app ≤ 3 s to a usable window on this machine. The same with farm-bench:

    QT_QPA_PLATFORM=offscreen farm-bench -n 5 --vs '.venv/bin/annotator smoke-test --startup --dir /tmp/s' \\
        -- 'dist/annotator/annotator smoke-test --startup --dir /tmp/b'

Also prints the Linux archive's size against its 150 MB target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load_build_script():
    """packaging/build.py as a module (by its path: the build/ folder beside it must not shadow it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "annotator_build_script", HERE.parent / "packaging" / "build.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _load_build_script()
archive_path, executable = _build.archive_path, _build.executable

SOURCE = [str(Path(sys.executable).with_name("annotator"))]
TARGET_S = 3.0
TARGET_MB = 150


def evict(*folders: Path) -> None:
    """Drop the files of ``folders`` from the page cache (posix_fadvise DONTNEED: clean pages only, no
    root needed, nothing else's cache touched), so the next start reads them from disk: a cold start."""
    for folder in folders:
        for path in folder.rglob("*"):
            try:
                if path.is_file() and not path.is_symlink():
                    fd = os.open(path, os.O_RDONLY)
                    try:
                        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    finally:
                        os.close(fd)
            except OSError:
                pass


def wall(cmd: list[str], env: dict[str, str], cold: tuple[Path, ...] = ()) -> float:
    evict(*cold)  # not timed
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the page cache of each side's files before each run (the built folder; the "
        "virtual environment, the checkout and Python's standard library)",
    )
    args = parser.parse_args(argv)
    built = executable()
    if not built.exists():
        print(f"no built app at {built}: run python packaging/build.py first", file=sys.stderr)
        return 2
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory(prefix="annotator-start-") as tmp:
        a = [str(built), "smoke-test", "--startup", "--dir", str(Path(tmp) / "built")]
        b = [*SOURCE, "smoke-test", "--startup", "--dir", str(Path(tmp) / "source")]
        wall(a, env), wall(b, env)  # warm-up (and the projects made), not counted
        cold_a = (built.parent,) if args.cold else ()
        venv = Path(sys.prefix)
        cold_b = (venv, HERE.parent / "annotator", Path(sys.base_prefix) / "lib") if args.cold else ()
        pairs = [(wall(a, env, cold_a), wall(b, env, cold_b)) for _ in range(args.runs)]
    built_s = statistics.median(p[0] for p in pairs)
    source_s = statistics.median(p[1] for p in pairs)
    ratio = statistics.median(p[0] / p[1] for p in pairs)
    verdict = "met" if built_s <= TARGET_S else "NOT met"
    print(f"built app to a usable window: {built_s:.2f} s (target ≤ {TARGET_S:.0f} s: {verdict})")
    print(f"source install:               {source_s:.2f} s")
    start = "cold (page cache emptied before each run)" if args.cold else "warm"
    print(f"built / source:               {ratio:.2f}x (median of {args.runs} pairs, {start})")
    archive = archive_path()
    if archive.exists():
        mb = archive.stat().st_size / 1e6
        print(f"archive {archive.name}: {mb:.1f} MB ({mb / TARGET_MB:.2f} of the {TARGET_MB} MB target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
