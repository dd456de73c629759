"""Benchmark the test suite (not a test): ``./test.sh`` wall time against the 5-minute target.

    .venv/bin/python -m bench.suite [--baseline OLD_CHECKOUT] [--cold] [PYTEST ARGS ...]

Runs ``./test.sh -q`` as CI does, with ``--durations=15`` so the slowest entries are
printed beside the total, and prints the wall
and CPU time of the run against the target (300 s on a 2-core machine). The tests keep
typeset formulas and speech in pytest's cache folder between runs (tests/conftest.py);
``--cold`` empties it first (``--cache-clear``), the figure of a fresh clone. With
``--baseline``, the same run of another checkout (``git archive REV | tar -x``, with a
``.venv`` link) runs first, for a before/after in one run. Pytest arguments after the options
narrow the run (e.g. ``tests/scenes``) for a quick comparison of a few files. On a shared
machine note the load (printed) and prefer ratios of runs taken together.

The ``cores`` column is CPU over wall time: the cores the run kept busy on average. Near
the machine's count (2 here) the run is bound by its CPU work, and only less work, not
more parallelism, makes it faster.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import time
from pathlib import Path

from lecture.jobs import ROOT

TARGET_SECONDS = 300.0


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_suite(checkout: Path, cold: bool, pytest_args: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of every process, exit status) of ./test.sh in ``checkout``."""
    command = [str(checkout / "test.sh"), "-q", "--durations=15",
               *(["--cache-clear"] if cold else []), *pytest_args]
    cpu, start = cpu_of_children(), time.monotonic()
    run = subprocess.run(command, cwd=checkout)
    return time.monotonic() - start, cpu_of_children() - cpu, run.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--cold", action="store_true")
    options, pytest_args = parser.parse_known_args()
    checkouts = ([("before", options.baseline.resolve())] if options.baseline else []) + \
        [("this", ROOT)]
    figures = []
    for name, checkout in checkouts:
        load = os.getloadavg()[0]
        wall, cpu, code = timed_suite(checkout, options.cold, pytest_args)
        figures.append((name, wall, cpu, code, load))
    print(f"\n{'checkout':10} {'wall':>9} {'cpu':>9} {'cores':>6} {'target':>8} {'ratio':>7} "
          f"{'load':>6}  status")
    for name, wall, cpu, code, load in figures:
        print(f"{name:10} {wall:8.1f}s {cpu:8.1f}s {cpu / wall:6.2f} {TARGET_SECONDS:7.0f}s "
              f"{wall / TARGET_SECONDS:7.2f} {load:6.1f}  {'passed' if code == 0 else code}")
    if len(figures) == 2:
        print(f"this / before: {figures[1][1] / figures[0][1]:.2f} of the wall time")


if __name__ == "__main__":
    main()
