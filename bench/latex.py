"""Benchmark LaTeX in batches (not a test): the lecture's cold LaTeX cost, one by one
against batched, side by side in one run.

    .venv/bin/python -m bench.latex [SCENE_ID ...]

For every scene (default: all, title cards too), with its default parameters:

- batched: ``lecture.texbatch.prepare`` into an empty Tex folder (the dry pass that records
  the strings, one ``latex`` and one ``dvisvgm`` run), as the worker does before a render;
- warm: the same with every SVG already cached (the dry pass alone: what batching adds to
  a render whose strings are cached);
- one by one: the recorded strings compiled by Manim's ``tex_to_svg_file`` into another
  empty Tex folder, as a render without batching does.

Prints CPU seconds (this process and its children) per scene and the totals, the cut (one by one / batched, target >= 4) and
whether every batched SVG has the bytes of the one compiled alone.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import tempfile
from pathlib import Path

from lecture.catalog import CARDS, SCENES


def cpu() -> float:
    """CPU seconds of this process and its finished children (latex, dvisvgm): on a shared,
    loaded machine the wall clock mostly measures the other users."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main(ids: list[str]) -> None:
    from manim import tempconfig
    from manim.utils.tex_file_writing import tex_to_svg_file

    from lecture.texbatch import prepare

    logging.getLogger("manim").setLevel(logging.ERROR)
    totals = [0.0, 0.0, 0.0]
    strings = same = 0
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        for entry in (e for e in (*CARDS, *SCENES) if not ids or e.id in ids):
            scene = getattr(importlib.import_module(entry.module), entry.class_name)
            configured = type(scene.__name__, (scene,), {"catalog_entry": entry})
            batch, single = Path(tmp) / entry.id / "batch", Path(tmp) / entry.id / "single"
            common = {"quality": "low_quality", "media_dir": f"{tmp}/{entry.id}",
                      "disable_caching": True, "progress_bar": "none"}
            with tempconfig({**common, "tex_dir": str(batch)}):
                start = cpu()
                requests = prepare(configured)
                batched = cpu() - start
                start = cpu()
                prepare(configured)
                warm = cpu() - start
            with tempconfig({**common, "tex_dir": str(single)}):
                start = cpu()
                svgs = {tex_to_svg_file(*request) for request in requests}
                alone = cpu() - start
            differ = [svg.name for svg in svgs
                      if not (batch / svg.name).exists()
                      or (batch / svg.name).read_bytes() != svg.read_bytes()]
            equal = len(svgs) - len(differ)
            strings, same = strings + len(svgs), same + equal
            for i, seconds in enumerate((alone, batched, warm)):
                totals[i] += seconds
            print(f"{entry.id:28s} {len(svgs):3d} strings: one by one {alone:6.1f} s, "
                  f"batched {batched:5.1f} s (dry pass alone {warm:4.1f} s), "
                  f"{equal}/{len(svgs)} byte-identical {' '.join(differ)}", flush=True)
    alone, batched, warm = totals
    print(f"lecture: {strings} strings, one by one {alone:.1f} s, batched {batched:.1f} s "
          f"(of which dry passes {warm:.1f} s): cut {alone / batched:.2f}x (target >= 4); "
          f"{same}/{strings} byte-identical", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
