"""Benchmark a title card's render (not a test): the whole ``./render.sh CARD -q l --force``
command, its CPU seconds (the command and its workers) and wall seconds, warm caches.

    .venv/bin/python -m bench.card [CARD_ID] [-q l]

The first run fills the caches (speech, LaTeX, Pango); the figures are the second's.
Target (issue 21): a card in well under a second.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds of the command's processes, wall seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime), wall


def main(args: list[str]) -> None:
    card = next((a for a in args if a.startswith("card_")), "card_monte_carlo")
    quality = args[args.index("-q") + 1] if "-q" in args else "l"
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as media:
        env = {**os.environ, "LECTURE_MEDIA_DIR": media}
        command = [str(ROOT / "render.sh"), card, "-q", quality, "--force", "-j", "1"]
        timed(command, env)
        seconds, wall = timed(command, env)
    print(f"{card} -q {quality}: {seconds:.2f} s CPU, {wall:.2f} s wall, warm caches "
          f"(the whole command: Python, Manim import, render, audio); target: well under 1 s")


if __name__ == "__main__":
    main(sys.argv[1:])
