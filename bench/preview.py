"""Benchmark the preview against the clip (not a test): every scene, side by side.

    .venv/bin/python bench/preview.py [SCENE ...] [--quality l] [--media DIR]

For each scene (default: all 16), in a temporary media folder (or ``--media``, whose LaTeX
and parsed formulas earlier runs left: the warm-up is then short): one preview to compile its
LaTeX (not timed), then the clip rendered at the quality (one worker, timed), then the
preview again (warm, timed: ``lecture.preview.preview``, planning included). Prints per
scene the steps, both times, their ratio, and the largest mean absolute difference (0-255)
between a panel and the clip's last frame of its step (lecture.preview.step_end_differences).
Ratios in one run, because these shared machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from lecture.catalog import SCENES
from lecture.pipeline import Request, plan
from lecture.previews import preview, step_end_differences
from lecture.runner import render_locally


def measure(scene_id: str, quality: str, media: Path) -> dict[str, float]:
    request = Request((scene_id,), quality=quality, workers=1, media=media)
    assert preview(request).ok, f"{scene_id}: preview failed (LaTeX warm-up)"
    job, = plan(request)
    start = time.perf_counter()
    outcomes, _ = render_locally([job], 1)
    rendered = time.perf_counter() - start
    assert outcomes[0].status == "rendered", f"{scene_id}: render failed, see {job.log}"
    start = time.perf_counter()
    assert preview(request).ok, f"{scene_id}: preview failed"
    previewed = time.perf_counter() - start
    differences = step_end_differences(job)
    return {"steps": len(differences), "render": rendered, "preview": previewed,
            "ratio": rendered / previewed, "diff": max(differences)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenes", nargs="*", default=[s.id for s in SCENES])
    parser.add_argument("--quality", default="l")
    parser.add_argument("--media", type=Path, help="a media folder to use and keep")
    args = parser.parse_args()
    rows = {}
    print(f"load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
        media = args.media or Path(tmp) / "media"
        media.mkdir(parents=True, exist_ok=True)
        print(f"{'scene':<28}{'steps':>6}{'render s':>10}{'preview s':>11}{'ratio':>7}"
              f"{'max diff':>10}", flush=True)
        for scene_id in args.scenes:
            row = rows[scene_id] = measure(scene_id, args.quality, media)
            print(f"{scene_id:<28}{row['steps']:>6}{row['render']:>10.1f}{row['preview']:>11.2f}"
                  f"{row['ratio']:>7.1f}{row['diff']:>10.2f}", flush=True)
    previews = [r["preview"] for r in rows.values()]
    print(f"preview median {statistics.median(previews):.2f} s, max {max(previews):.2f} s; "
          f"ratio median {statistics.median(r['ratio'] for r in rows.values()):.1f}, "
          f"min {min(r['ratio'] for r in rows.values()):.1f}; "
          f"largest panel difference {max(r['diff'] for r in rows.values()):.2f}; "
          f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
