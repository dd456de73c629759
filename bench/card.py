"""Benchmark title cards' renders (not a test): each card's own render time (its
``rendered ... in N s`` line: the worker forked, the card drawn, encoded and committed) and
the whole ``./render.sh CARD ... -q l --force -j 1`` command, its CPU seconds (the command
and its workers) and wall seconds, warm caches.

    .venv/bin/python -m bench.card [CARD_ID ...] [-q l]

The first run fills the caches (speech, LaTeX, Pango); the figures are the second's.
Target (issue 21): a card in well under a second.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(CPU seconds of the command's processes, wall seconds, what it printed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    printed = subprocess.run(command, env=env, check=True, capture_output=True, text=True,
                             cwd=ROOT).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime), wall, printed


def main(args: list[str]) -> None:
    cards = [a for a in args if a.startswith("card_")] or ["card_monte_carlo"]
    quality = args[args.index("-q") + 1] if "-q" in args else "l"
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as media:
        env = {**os.environ, "LECTURE_MEDIA_DIR": media}
        command = [str(ROOT / "render.sh"), *cards, "-q", quality, "--force", "-j", "1"]
        timed(command, env)
        seconds, wall, printed = timed(command, env)
    renders = re.findall(r"^rendered\s+(\S+) in ([\d.]+) s", printed, flags=re.MULTILINE)
    for card, took in renders:  # the job itself: forked worker to committed files
        print(f"{card} -q {quality}: rendered in {took} s (the render line)")
    print(f"{' '.join(cards)} -q {quality}: {seconds:.2f} s CPU, {wall:.2f} s wall, warm caches "
          f"(the whole command: Python, Manim import, render, audio); target: a card well "
          f"under 1 s; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
