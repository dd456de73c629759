"""Every speed figure of issue 21 in one run (not a test), each beside its target.

    .venv/bin/python -m bench.speed [--only latex,lecture,card,qh,suite] [--quick]

Runs the benchmarks below one after another on this machine, so their figures share one
load and one state of the code, and prints each one's report under its target:

- ``latex``: the lecture's cold LaTeX cost, one by one against batched (bench/latex.py);
- ``lecture``: the whole lecture at ``-q l -j 2`` from an empty media folder, then the
  unchanged re-run (bench/whole_lecture.py);
- ``card``: every title card rendered with warm caches, each card's time (bench/card.py);
- ``qh``: ``-q h`` clips against their encode floor (bench/qh.py; ``--quick``: three
  scenes, else every one) and the lecture at ``-q h`` (bench/whole_lecture.py);
- ``suite``: ``./test.sh -q`` as CI runs it (bench/suite.py).

The whole run takes about an hour on 2 cores; ``--only`` picks some.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from lecture.catalog import CARDS, SCENES
from lecture.jobs import ROOT

QUICK_QH = ("mc_mean_convergence", "cov_jacobian_field", "marg_joint_marginals")
STAGES = {
    "latex": ("cold LaTeX of the lecture: one by one / batched >= 4", ["bench.latex"]),
    "lecture": ("the lecture at -q l -j 2: cold <= 0.12 of its running time; "
                "unchanged re-run < 0.5 s", ["bench.whole_lecture", "--qualities", "l"]),
    "card": ("a title card: well under 1 s", ["bench.card", *(card.id for card in CARDS)]),
    "qh": ("-q h: every clip <= 2.2 times its encode floor, the lecture <= 2.0",
           ["bench.qh"]),
    "suite": ("./test.sh: <= 300 s on 2 cores", ["bench.suite"]),
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(STAGES),
                        help="stages to run, comma-separated: " + ", ".join(STAGES))
    parser.add_argument("--quick", action="store_true",
                        help="-q h: three scenes and no whole lecture")
    args = parser.parse_args(argv)
    chosen = [name for name in args.only.split(",") if name]
    unknown = [name for name in chosen if name not in STAGES]
    if unknown:
        parser.error(f"--only: unknown stage {unknown[0]!r}; choose from {', '.join(STAGES)}")
    failed = 0
    for name in chosen:
        target, command = STAGES[name]
        if name == "qh":
            command = [*command, *(QUICK_QH if args.quick else (s.id for s in SCENES))]
        print(f"\n=== {name}: target {target}  (load {os.getloadavg()[0]:.1f})", flush=True)
        start = time.perf_counter()
        failed |= subprocess.run([sys.executable, "-m", *command], cwd=ROOT).returncode != 0
        if name == "qh" and not args.quick:
            failed |= subprocess.run([sys.executable, "-m", "bench.whole_lecture",
                                      "--qualities", "h"], cwd=ROOT).returncode != 0
        print(f"=== {name} took {time.perf_counter() - start:.0f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
