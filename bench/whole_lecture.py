"""Benchmark the lecture as a whole (not a test): ratios measured side by side in one run.

    .venv/bin/python -m bench.whole_lecture [--qualities l,h] [--jobs 2]

1. The whole lecture from a cold start (empty media folder, so an empty LaTeX cache too) at
   each quality: wall time against the lecture's running time; at -q h also against the
   summed encode floors of its parts (PyAV re-encoding each part's own frames with the
   settings of manim.cfg, decoding subtracted).
2. Joining the lecture and writing the gallery, and a warm re-run of ./render.sh with
   nothing changed.
3. The cluster path against local processes for one section at -q l (--scheduler local:2
   against -j 2, both with warm LaTeX caches, --force).
4. A sweep of three values against three renders one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.render import encode_floor, encoder_options
from lecture.assemble import assemble
from lecture.gallery import write_gallery
from lecture.jobs import QUALITY_DIRS, ROOT

SECTION = "monte_carlo"


def run(media: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(ROOT / "render.sh"), *args], check=True, capture_output=True,
                   env={**os.environ, "LECTURE_MEDIA_DIR": str(media)})
    return time.perf_counter() - start


def lecture_seconds(folder: Path) -> float:
    return json.loads((folder / "lecture.json").read_text())["duration_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qualities", default="l,h")
    parser.add_argument("--jobs", default="2")
    args = parser.parse_args()
    options = encoder_options()
    with tempfile.TemporaryDirectory() as tmp:
        for quality in args.qualities.split(","):
            media = Path(tmp) / f"cold-{quality}"
            wall = run(media, "-q", quality, "-j", args.jobs)
            folder = media / "lecture" / QUALITY_DIRS[quality]
            video = lecture_seconds(folder)
            line = (f"whole lecture -q {quality} -j {args.jobs}, cold: {wall:.1f} s for "
                    f"{video:.1f} s of video, ratio {wall / video:.3f}")
            if quality != "l":
                parts = [p for p in folder.glob("*/*.mp4")]
                floor = sum(encode_floor(p, options) for p in parts)
                line += f"; summed encode floor {floor:.1f} s, wall / floor {wall / floor:.2f}"
            print(line, flush=True)
            (folder / "lecture.json").unlink()
            start = time.perf_counter()
            assemble(folder)
            write_gallery(folder)
            print(f"  join + gallery: {time.perf_counter() - start:.2f} s", flush=True)
            print(f"  warm re-run, nothing changed: {run(media, '-q', quality):.2f} s",
                  flush=True)
        media = Path(tmp) / "cold-l"
        local = run(media, SECTION, "-q", "l", "-j", "2", "--force")
        cluster = run(media, SECTION, "-q", "l", "--force", "--scheduler", "local:2")
        print(f"section {SECTION} -q l --force: local -j 2 {local:.1f} s, --scheduler local:2 "
              f"{cluster:.1f} s, cluster / local {cluster / local:.2f}", flush=True)
        values = ["0.5", "-1", "3"]
        sweep = run(media, "cov_linear_1d", "-q", "l", "-j", "2",
                    "--sweep", f"cov_linear_1d.a={','.join(values)}", "--force")
        one_by_one = sum(run(media, "cov_linear_1d", "-q", "l", "--force",
                             "--set", f"cov_linear_1d.a={v}") for v in values)
        print(f"sweep of 3 values -j 2: {sweep:.1f} s; three renders one after the other: "
              f"{one_by_one:.1f} s; ratio {sweep / one_by_one:.2f}", flush=True)


if __name__ == "__main__":
    main()
