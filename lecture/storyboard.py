"""Frames of a rendered clip for a person to look at: one PNG per time, or a contact sheet.

    python -m lecture.storyboard media/lecture/480p15/monte_carlo/01_mc_mean_convergence.mp4

writes ``<clip>.storyboard.png`` beside a temporary copy (or ``--out``): a grid of frames
taken at evenly spaced times, each stamped with its time, so a whole clip can be checked
at a glance; ``--times 3.5,12`` picks the moments instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import av
from PIL import Image, ImageDraw

__all__ = ["frames_at", "storyboard"]


def frames_at(video: Path, times: list[float]) -> list[Image.Image]:
    """The last frame shown at or before each time (seconds), decoded with PyAV."""
    wanted = sorted(times)
    found: dict[float, Image.Image] = {}
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        previous = None
        for frame in container.decode(stream):
            t = float(frame.pts * stream.time_base)
            while wanted and t > wanted[0] + 1e-6:
                found[wanted.pop(0)] = previous or frame.to_image()
            previous = frame.to_image() if wanted else previous
            if not wanted:
                break
        for t in wanted:
            found[t] = previous
    return [found[t] for t in times]


def storyboard(video: Path, times: list[float], columns: int = 3) -> Image.Image:
    """A grid of frames at the given times, each labelled with its time."""
    frames = frames_at(video, times)
    width, height = frames[0].size
    rows = -(-len(frames) // columns)
    sheet = Image.new("RGB", (columns * width, rows * height), "black")
    for i, (t, frame) in enumerate(zip(times, frames)):
        x, y = (i % columns) * width, (i // columns) * height
        sheet.paste(frame, (x, y))
        ImageDraw.Draw(sheet).text((x + 6, y + height - 16), f"t={t:.1f}s", fill="red")
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("--times", help="comma-separated seconds (default: 9 evenly spaced)")
    parser.add_argument("--out", type=Path, help="PNG to write (default: beside the clip)")
    args = parser.parse_args()
    with av.open(str(args.video)) as container:
        duration = float(container.duration) / av.time_base
    times = ([float(t) for t in args.times.split(",")] if args.times
             else [duration * (i + 0.5) / 9 for i in range(9)])
    out = args.out or args.video.with_suffix(".storyboard.png")
    storyboard(args.video, times).save(out)
    print(out)


if __name__ == "__main__":
    main()
