"""Benchmark the warm re-run (not a test): ``./render.sh -q l`` with nothing changed.

    LECTURE_MEDIA_DIR=media .venv/bin/python -m bench.warm [--runs 5] [-q l]
        [--baseline OLD_CHECKOUT [--baseline-media OLD_MEDIA]] [TARGET ...]

The media folder must hold a finished render at that quality (every clip cached). Prints
the median wall time and CPU time of the re-runs (target: under 0.5 s wall on an idle
machine; on a shared one the CPU time is the steadier figure), and which heavy packages
the run imported (it should import none of them: the cache key says the clips are done).
With ``--baseline``, the same re-run of another checkout (``git archive REV | tar -x``, with
a ``.venv`` link) alternates with this one, for a before/after in one run: pick targets
whose cache keys both checkouts share, or give the baseline a media folder of its own,
rendered by it (``--baseline-media``; a change to the code every key covers, such as
lecture/worker.py, changes every key).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

from lecture.jobs import ROOT

HEAVY = ("manim", "torch", "scipy", "av", "cairo")


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-q", default="l")
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--baseline-media", type=Path, help="default: LECTURE_MEDIA_DIR")
    parser.add_argument("targets", nargs="*")
    args = parser.parse_args()
    media = os.environ.get("LECTURE_MEDIA_DIR", str(ROOT / "media"))
    trees = {"this checkout": (ROOT, media)}
    if args.baseline:
        trees["baseline"] = (args.baseline, str(args.baseline_media or media))
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in trees}
    for _ in range(args.runs):
        for name, (tree, folder) in trees.items():
            cpu, start = cpu_of_children(), time.perf_counter()
            run = subprocess.run([str(tree / "render.sh"), *args.targets, "-q", args.q],
                                 check=True, capture_output=True, text=True,
                                 env={**os.environ, "LECTURE_MEDIA_DIR": folder})
            times[name][0].append(time.perf_counter() - start)
            times[name][1].append(cpu_of_children() - cpu)
            if "rendered  " in run.stdout:
                raise SystemExit(f"{name}: not a warm re-run, it rendered:\n{run.stdout}")
    for name, (walls, cpus) in times.items():
        print(f"{name}: warm re-run -q {args.q} {' '.join(args.targets)}, nothing changed: "
              f"median {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s "
              f"CPU over {args.runs} runs (target < 0.5 s)")
    traced = subprocess.run([str(ROOT / ".venv/bin/python"), "-X", "importtime", "-P", "-m",
                             "lecture.cli", *args.targets, "-q", args.q], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in traced.stderr.splitlines() if line.startswith("import time:")}
    print("heavy packages imported:", ", ".join(p for p in HEAVY if p in imported) or "none")
    print(f"load average while measured: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
