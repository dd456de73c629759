"""Compare two renders of the lecture (not a test): did a change alter what a viewer sees?

    .venv/bin/python bench/compare_renders.py BEFORE_MEDIA AFTER_MEDIA [-q 480p15]

For every clip in BEFORE: captions (.srt, .vtt) byte for byte, the sidecar's keyframes,
params and duration, the poster pixel for pixel, and every decoded frame (the largest
pixel difference and how many frames differ). Prints one row per clip; exit 1 if any
caption, keyframe or poster differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import av
import numpy as np
from PIL import Image


def frames(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as container:
        return [f.to_ndarray(format="rgb24").astype(int) for f in container.decode(video=0)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("-q", dest="quality", default="480p15")
    args = parser.parse_args()
    failed = False
    root = args.before / "lecture" / args.quality
    for sidecar in sorted(root.glob("*/*.json")):
        other = args.after / sidecar.relative_to(args.before)
        a, b = json.loads(sidecar.read_text()), json.loads(other.read_text())
        same = {
            "captions": all(sidecar.with_suffix(s).read_bytes() == other.with_suffix(s).read_bytes()
                            for s in (".srt", ".vtt")),
            "keyframes": a["keyframes"] == b["keyframes"],
            "params": a["params"] == b["params"],
            "duration": a["duration_s"] == b["duration_s"],
            "poster": np.array_equal(np.asarray(Image.open(sidecar.with_suffix(".png"))),
                                     np.asarray(Image.open(other.with_suffix(".png")))),
        }
        fa, fb = frames(sidecar.with_suffix(".mp4")), frames(other.with_suffix(".mp4"))
        diffs = [np.abs(x - y).max() for x, y in zip(fa, fb)]
        changed = sum(d > 0 for d in diffs)
        title = "" if a["title"] == b["title"] else f"  title: {a['title']!r} -> {b['title']!r}"
        print(f"{sidecar.stem:<28} " + " ".join(f"{k}={'same' if v else 'DIFF'}"
                                                for k, v in same.items())
              + f"  frames {len(fa)}/{len(fb)}: {changed} differ, max |diff| {max(diffs)}"
              + title)
        failed |= not all(same[k] for k in ("captions", "keyframes", "poster", "duration"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
