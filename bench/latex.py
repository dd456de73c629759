"""Benchmark LaTeX in batches (not a test): the lecture's cold LaTeX cost, one by one
against batched, side by side in one run.

    .venv/bin/python -m bench.latex [SCENE_ID ...]

The run: every scene (default: all, title cards too) played with its default parameters
and Manim skipping animations, so that what differs between the runs below is LaTeX
(a render draws frames on top, the same with or without batching). Three runs, each in a
forked child (scenes keep class-level caches of typeset glyphs):

- cold, one by one: an empty Tex folder; Manim compiles each string by itself;
- warm: the same, with the Tex folder the cold run filled;
- cold, batched: an empty Tex folder, ``lecture.texbatch.warm`` first (as
  ``pipeline.execute`` does before the workers start), then the run.

The cold LaTeX cost is cold minus warm, in CPU seconds (the process and its latex and
dvisvgm children: on a shared machine the wall clock mostly measures the other users;
wall seconds are printed too). Target: one by one / batched >= 4.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from lecture.catalog import CARDS, SCENES


def cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run(ids: list[str], tex_dir: Path, batched: bool) -> tuple[float, float, int, float]:
    """(CPU seconds, wall seconds, strings Manim compiled alone, CPU seconds of the batch)
    of one run, in a child."""
    from lecture.texbatch import in_child

    start, wall = cpu(), time.perf_counter()
    alone, batch = in_child(_run_here, ids, tex_dir, batched)
    return cpu() - start, time.perf_counter() - wall, alone, batch


def _run_here(ids: list[str], tex_dir: Path, batched: bool) -> tuple[int, float]:
    from manim import tempconfig
    from manim.utils import tex_file_writing

    from lecture.texbatch import quiet, warm

    alone = []
    original = tex_file_writing.compile_tex
    tex_file_writing.compile_tex = lambda *args: alone.append(args) or original(*args)
    start = cpu()
    if batched:
        warm(ids, tex_dir)
    batch = cpu() - start
    for entry in (e for e in (*CARDS, *SCENES) if e.id in ids):
        scene = getattr(importlib.import_module(entry.module), entry.class_name)
        configured = type(scene.__name__, (scene,), {"catalog_entry": entry})
        with quiet(), tempconfig({"quality": "low_quality", "tex_dir": str(tex_dir),
                                  "media_dir": str(tex_dir.parent), "dry_run": True,
                                  "disable_caching": True, "progress_bar": "none"}):
            configured(skip_animations=True).render()
    return len(alone), batch


def main(ids: list[str]) -> None:
    import manim  # noqa: F401  (imported once, before the runs fork)

    logging.getLogger("manim").setLevel(logging.ERROR)
    ids = ids or [e.id for e in (*CARDS, *SCENES)]
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        single, batch = Path(tmp) / "single" / "Tex", Path(tmp) / "batch" / "Tex"
        cold = run(ids, single, batched=False)
        warm = run(ids, single, batched=False)
        batched = run(ids, batch, batched=True)
    for name, (seconds, wall, alone, _) in (("cold, one by one", cold), ("warm", warm),
                                            ("cold, batched", batched)):
        print(f"{name:17s} {seconds:6.1f} s CPU ({wall:6.1f} s wall), "
              f"{alone:3d} strings compiled alone")
    # Batched, the difference to the warm run is within the runs' noise: the batch's own
    # CPU (latex, dvisvgm, writing the SVGs) is the floor of what it costs.
    one_by_one, in_batch = cold[0] - warm[0], max(batched[0] - warm[0], batched[3])
    print(f"cold LaTeX cost of {len(ids)} scenes: one by one {one_by_one:.1f} s, batched "
          f"{in_batch:.1f} s CPU (cold minus warm {batched[0] - warm[0]:.1f} s, the batch "
          f"itself {batched[3]:.1f} s): cut {one_by_one / in_batch:.0f}x (target >= 4)")

if __name__ == "__main__":
    main(sys.argv[1:])
