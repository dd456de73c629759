"""Benchmark the voice (not a test): what speaking costs, side by side with silence.

    .venv/bin/python bench/voice.py [SECTION] [-j 2] [--skip-lengths]

1. Lengths: every part of the lecture run through Manim's dry run (no frames written),
   silent and voiced, in one process each: the lecture's length before and after the
   pictures wait for the voice, and the synthesis time of every line (a cold speech
   cache, against the silent dry run's time).
2. Renders of SECTION (default monte_carlo) at -q l with ``-j`` workers, each in a fresh
   media folder (cold: LaTeX and speech caches empty): silent, then voiced; the real-time
   factor (render seconds per second of video) of each and their ratio. Then a warm
   voiced ``--force`` run with the speech cached (synthesises nothing), and ``./render.sh``
   re-run with nothing changed in each folder (planning and cache checks only).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lecture.catalog import CARDS, SCENES
from lecture.jobs import ROOT, plan_jobs
from lecture.runner import render_locally
from lecture.voice import SPEECH_VARIABLE, VOICE_VARIABLE


def dry_lengths() -> dict[str, float]:
    """Run in a child process: every part's length in a dry run, in this process's voice."""
    import importlib

    from manim import tempconfig

    lengths = {}
    with tempfile.TemporaryDirectory() as media:
        for entry in (*CARDS, *SCENES):
            scene_class = getattr(importlib.import_module(entry.module), entry.class_name)
            configured = type(scene_class.__name__, (scene_class,), {"catalog_entry": entry})
            with tempconfig({"dry_run": True, "quality": "low_quality", "media_dir": media,
                             "disable_caching": True, "verbosity": "ERROR",
                             "progress_bar": "none"}):
                scene = configured()
                scene.render()
                lengths[entry.id] = scene.time
    return lengths


def lengths_in(voice_name: str, speech: Path) -> tuple[dict[str, float], float]:
    env = {**os.environ, VOICE_VARIABLE: voice_name, SPEECH_VARIABLE: str(speech)}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "bench.voice", "--dry-lengths"], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1]), time.perf_counter() - start


def render_run(section: str, voice_name: str, media: Path, workers: int,
               force: bool = False) -> tuple[float, float]:
    """Wall seconds of rendering the section (what is not cached) and its video seconds."""
    jobs = plan_jobs([section], {}, "l", "mp4", media, voice_name=voice_name)
    todo = [job for job in jobs if force or not job.is_cached()]
    start = time.perf_counter()
    outcomes, _ = render_locally(todo, workers)
    wall = time.perf_counter() - start
    failed = [o.job.scene.id for o in outcomes if o.status != "rendered"]
    if failed:
        raise SystemExit(f"failed: {failed} (logs in {media / 'logs'})")
    video = sum(json.loads(job.sidecar.read_text())["duration_s"] for job in jobs)
    return wall, video


def unchanged_rerun(section: str, voice_name: str, media: Path) -> float:
    """Wall seconds of ``./render.sh SECTION -q l`` when every clip is cached."""
    start = time.perf_counter()
    subprocess.run([str(ROOT / "render.sh"), section, "-q", "l", "--voice", voice_name],
                   cwd=ROOT, env={**os.environ, "LECTURE_MEDIA_DIR": str(media)},
                   capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("section", nargs="?", default="monte_carlo")
    parser.add_argument("-j", dest="workers", type=int, default=2)
    parser.add_argument("--skip-lengths", action="store_true")
    parser.add_argument("--dry-lengths", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dry_lengths:
        print(json.dumps(dry_lengths()))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if not args.skip_lengths:
            silent, silent_s = lengths_in("none", root / "speech")
            voiced, voiced_s = lengths_in("joe", root / "speech")
            lines = len(list((root / "speech" / "joe").glob("*.wav")))
            print(f"{'part':28} {'silent s':>9} {'voiced s':>9} {'ratio':>6}")
            for part in silent:
                print(f"{part:28} {silent[part]:9.1f} {voiced[part]:9.1f} "
                      f"{voiced[part] / silent[part]:6.2f}")
            total_silent, total_voiced = sum(silent.values()), sum(voiced.values())
            print(f"{'lecture':28} {total_silent:9.1f} {total_voiced:9.1f} "
                  f"{total_voiced / total_silent:6.2f}")
            print(f"synthesis: {lines} lines in {voiced_s - silent_s:.1f} s "
                  f"(voiced dry run {voiced_s:.1f} s - silent {silent_s:.1f} s), "
                  f"{(voiced_s - silent_s) / max(lines, 1):.2f} s a line\n")
        rows = []
        for name in ("none", "joe"):
            wall, video = render_run(args.section, name, root / f"media-{name}", args.workers)
            rows.append((f"cold, voice {name}", wall, video))
        wall, video = render_run(args.section, "joe", root / "media-joe", args.workers, True)
        rows.append(("warm --force, voice joe", wall, video))
        for name in ("none", "joe"):
            rows.append((f"unchanged re-run, voice {name}",
                         unchanged_rerun(args.section, name, root / f"media-{name}"), 0.0))
    print(f"{args.section} at -q l -j {args.workers}")
    print(f"{'run':30} {'render s':>9} {'video s':>8} {'s per video s':>14}")
    for label, wall, video in rows:
        factor = f"{wall / video:14.2f}" if video else f"{'':>14}"
        print(f"{label:30} {wall:9.1f} {video:8.1f} {factor}")
    silent_rtf, voiced_rtf = rows[0][1] / rows[0][2], rows[1][1] / rows[1][2]
    print(f"voiced / silent real-time factor (cold): {voiced_rtf / silent_rtf:.2f}")
    print(f"warm --force voiced / cold silent real-time factor: "
          f"{rows[2][1] / rows[2][2] / silent_rtf:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
