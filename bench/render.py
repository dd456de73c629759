"""Benchmark a section's renders (not a test): real-time factor, encode floor, warm re-run.

    .venv/bin/python bench/render.py [SECTION] [--qualities l,h] [-j 2]

For each quality, renders every scene of the section (into a temporary media folder, with
``-j`` workers like render.sh) and prints per scene: render seconds, video seconds, their
ratio (the real-time factor), compute seconds, and, measured in the same run, the encode
floor: the time PyAV takes to re-encode the clip's own decoded frames with the encoder
settings of manim.cfg (decode time subtracted), and render / floor. Then the wall time of
the section and of a warm re-run of ``./render.sh`` with nothing changed. Ratios side by
side in one run, because these shared machines are noisy.
"""

from __future__ import annotations

import argparse
import configparser
import importlib
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import av

from lecture.catalog import SECTIONS
from lecture.jobs import ROOT, Job, plan_jobs
from lecture.runner import render_locally


def encoder_options() -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "manim.cfg")
    return dict(parser["video_encoder.options"]) if parser.has_section("video_encoder.options") else {}


def encode_floor(video: Path, options: dict[str, str], clock=time.perf_counter) -> float:
    """Seconds to re-encode the clip's frames with libx264, minus the time to decode them
    (wall seconds, or CPU seconds with ``clock=time.process_time``)."""
    def decode_only() -> float:
        start = clock()
        with av.open(str(video)) as source:
            for _ in source.decode(video=0):
                pass
        return clock() - start

    with tempfile.TemporaryDirectory() as tmp, av.open(str(video)) as source:
        start = clock()
        stream_in = source.streams.video[0]
        with av.open(str(Path(tmp) / "floor.mp4"), "w") as sink:
            rate = stream_in.guessed_rate
            stream = sink.add_stream("libx264", rate=rate, options=options)
            stream.width, stream.height, stream.pix_fmt = stream_in.width, stream_in.height, "yuv420p"
            for index, frame in enumerate(source.decode(stream_in)):
                frame.pts, frame.time_base = index, 1 / rate
                sink.mux(stream.encode(frame))
            sink.mux(stream.encode())
        both = clock() - start
    return both - decode_only()


def compute_seconds(job: Job) -> float:
    start = time.perf_counter()
    job.params.compute()
    return time.perf_counter() - start


def bench_quality(section: str, quality: str, workers: int, media: Path) -> list[str]:
    jobs = plan_jobs([section], {}, quality, "mp4", media)
    start = time.perf_counter()
    outcomes, _ = render_locally(jobs, workers)
    wall = time.perf_counter() - start
    options = encoder_options()
    rows, video_total, render_total, floor_total = [], 0.0, 0.0, 0.0
    for outcome in sorted(outcomes, key=lambda o: o.job.scene.number):
        job, seconds = outcome.job, outcome.seconds
        if outcome.status != "rendered":
            raise SystemExit(f"{job.scene.id} failed to render at -q {quality}: see {job.log}")
        video = json.loads(job.sidecar.read_text())["duration_s"]
        video_total += video
        floor = encode_floor(job.out_dir / f"{job.stem}.mp4", options)
        render_total, floor_total = render_total + seconds, floor_total + floor
        rows.append(f"{quality:>2} {job.scene.id:<28} {seconds:8.1f} {video:7.1f} "
                    f"{seconds / video:6.2f} {compute_seconds(job):8.3f} {floor:7.1f} "
                    f"{seconds / floor:7.2f}")
    rows.append(f"{quality:>2} {'section, -j ' + str(workers):<28} {wall:8.1f} {video_total:7.1f} "
                f"{wall / video_total:6.2f} {'':>8} {floor_total:7.1f} "
                f"{render_total / floor_total:7.2f}  (r/floor: summed scene renders / summed floors)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("section", nargs="?", default="monte_carlo",
                        choices=[s.id for s in SECTIONS])
    parser.add_argument("--qualities", default="l,h")
    parser.add_argument("--jobs", default="l=2,h=1",
                        help="workers per quality: -q l is timed as a section with -j 2; "
                             "-q h one scene at a time, as the encode floor is measured")
    args = parser.parse_args()
    # Compute times below exclude imports (torch, scipy.stats): import them first.
    import torch  # noqa: F401

    importlib.import_module(f"compute.{args.section}")

    print(f"encoder options (manim.cfg): {encoder_options()}")
    print(f"{'q':>2} {'scene':<28} {'render_s':>8} {'video_s':>7} {'rtf':>6} {'compute_s':>8} "
          f"{'floor_s':>7} {'r/floor':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        media = Path(tmp)
        env = {**os.environ, "LECTURE_MEDIA_DIR": str(media)}
        start = time.perf_counter()  # a first render fills the LaTeX cache, as on day one
        subprocess.run([str(ROOT / "render.sh"), args.section, "-q", "l"],
                       env=env, check=True, capture_output=True)
        print(f"cold first render of {args.section} at -q l (LaTeX cache empty): "
              f"{time.perf_counter() - start:.1f} s; the rows below reuse the cache")
        workers = {q: int(n) for q, n in (item.split("=") for item in args.jobs.split(","))}
        for quality in args.qualities.split(","):
            for row in bench_quality(args.section, quality, workers.get(quality, 1), media):
                print(row, flush=True)
        start = time.perf_counter()
        subprocess.run([str(ROOT / "render.sh"), args.section, "-q", "l"], env=env, check=True,
                       capture_output=True)
        print(f"warm re-run of ./render.sh {args.section} -q l, nothing changed: "
              f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
