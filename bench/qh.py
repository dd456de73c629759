"""Benchmark `-q h` clips against their encode floor (not a test), side by side in one run.

    .venv/bin/python -m bench.qh [SCENE ...] [--media DIR]

Renders each scene alone at ``-q h`` (one worker, --force, LaTeX and speech caches warmed by
a ``-q l`` render first, as bench/render.py does) and, in the same run, measures the clip's
encode floor: PyAV re-encoding the clip's own decoded frames with the encoder settings of
manim.cfg, decoding subtracted (bench.render.encode_floor). Prints per clip the render and
floor in wall seconds and in CPU seconds (the worker process's CPU, all its threads; the
floor's process CPU) and both ratios, with the load average: on a shared 2-core machine
the wall ratio moves with the load, the CPU ratio much less. Targets (issue 21): every
clip at most 2.2 times its floor, the whole lecture at most 2.0.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from bench.render import encode_floor, encoder_options
from lecture import warm
from lecture.jobs import ROOT, plan_jobs
from lecture.runner import render_locally

DEFAULT_SCENES = ["mc_mean_convergence", "cov_jacobian_field"]
CLIP_TARGET = 2.2


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_scene(scene: str, media: Path, options: dict[str, str]) -> tuple[float, float, float,
                                                                          float, str]:
    job = plan_jobs([scene], {}, "h", "mp4", media)[0]
    load = os.getloadavg()[0]
    cpu = children_cpu()
    outcomes, _ = render_locally([job], 1)
    warm.stop()  # the worker was the warm process's child: waited for, its CPU counts here
    render_cpu = children_cpu() - cpu
    if outcomes[0].status != "rendered":
        raise SystemExit(f"{scene} failed to render at -q h: see {job.log}")
    video = job.out_dir / f"{job.stem}.mp4"
    floor = encode_floor(video, options)
    floor_cpu = encode_floor(video, options, clock=time.process_time)
    return outcomes[0].seconds, floor, render_cpu, floor_cpu, f"{load:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenes", nargs="*", default=DEFAULT_SCENES)
    parser.add_argument("--media", type=Path, help="a media folder to reuse (its caches)")
    args = parser.parse_args()
    options = encoder_options()
    print(f"encoder options (manim.cfg): {options}; target per clip r/floor <= {CLIP_TARGET}")
    with tempfile.TemporaryDirectory() as tmp:
        media = args.media or Path(tmp)
        subprocess.run([str(ROOT / "render.sh"), *args.scenes, "-q", "l"], check=True,
                       capture_output=True, env={**os.environ, "LECTURE_MEDIA_DIR": str(media)})
        print(f"{'scene':<28} {'render_s':>8} {'floor_s':>7} {'r/floor':>7} "
              f"{'cpu_s':>6} {'fl_cpu':>6} {'cpu r/f':>7} {'load':>5}")
        totals = [0.0, 0.0, 0.0, 0.0]
        for scene in args.scenes:
            *figures, load = bench_scene(scene, media, options)
            totals = [t + f for t, f in zip(totals, figures)]
            render, floor, render_cpu, floor_cpu = figures
            print(f"{scene:<28} {render:8.1f} {floor:7.1f} {render / floor:7.2f} "
                  f"{render_cpu:6.1f} {floor_cpu:6.1f} {render_cpu / floor_cpu:7.2f} {load:>5}",
                  flush=True)
        render, floor, render_cpu, floor_cpu = totals
        print(f"{'all of the above':<28} {render:8.1f} {floor:7.1f} {render / floor:7.2f} "
              f"{render_cpu:6.1f} {floor_cpu:6.1f} {render_cpu / floor_cpu:7.2f}")


if __name__ == "__main__":
    main()
