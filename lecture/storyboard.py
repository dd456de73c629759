"""Frames of a rendered clip for a person to look at: a contact sheet of evenly spaced frames.

    python -m lecture.storyboard media/lecture/480p15/monte_carlo/01_mc_mean_convergence.mp4

writes ``<clip>.storyboard.png`` beside the clip (or ``--out``): a grid of frames taken at
evenly spaced times, each stamped with its time, so a whole clip can be seen at a glance;
``--times 3.5,12`` picks the moments instead. The worker writes one beside every clip.
``--audio`` adds the clip's waveform under the frames, with its caption cues (from the
``.srt`` beside it) shaded and the tiles' times marked: the way to see that the speech
sits inside the captions without listening.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

__all__ = ["Scan", "audio_strip", "contact_sheet", "evenly_spaced", "scan"]

TILES = 9
COLUMNS = 3


@dataclass
class Scan:
    """What one decoding pass of a clip found."""

    frames: int
    fps: float
    width: int
    height: int
    last: Image.Image  # the final frame: the poster
    picked: list[tuple[float, Image.Image]]  # (time, frame) at the times asked for

    @property
    def duration(self) -> float:
        return self.frames / self.fps


def evenly_spaced(duration: float, count: int = TILES) -> list[float]:
    """``count`` times at the middles of equal slices of the clip."""
    return [duration * (i + 0.5) / count for i in range(count)]


def scan(video: Path, times: list[float] | None = None) -> Scan:
    """Decode ``video`` once: its size, rate, frame count, last frame and the frames shown
    at ``times`` (default: TILES evenly spaced; the last frame shown at or before each)."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # frame threads: the same frames, sooner (1080p clips)
        fps = float(stream.guessed_rate or stream.average_rate or stream.base_rate)
        if times is None:
            duration = (float(container.duration) / av.time_base if container.duration
                        else stream.frames / fps)
            times = evenly_spaced(duration)
        wanted, picked, count, previous = sorted(times), [], 0, None
        for frame in container.decode(stream):
            t = count / fps
            while wanted and t > wanted[0] + 1e-6:  # the frame before t is the one shown
                picked.append((wanted.pop(0), (previous or frame).to_image()))
            previous, count = frame, count + 1
        final = previous.to_image()
        picked += [(t, final) for t in wanted]
        return Scan(count, fps, stream.width, stream.height, final.convert("RGB"), picked)


def contact_sheet(picked: list[tuple[float | str, Image.Image]], columns: int = COLUMNS
                  ) -> Image.Image:
    """A grid of frames, each labelled with its time (or with the text given instead)."""
    width, height = picked[0][1].size
    rows = -(-len(picked) // columns)
    sheet = Image.new("RGB", (columns * width, rows * height), "black")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=max(14, height // 22))
    for i, (t, frame) in enumerate(picked):
        x, y = (i % columns) * width, (i // columns) * height
        sheet.paste(frame.convert("RGB"), (x, y))
        label = t if isinstance(t, str) else f"{t:.1f} s"
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        box = (x, y + height - (bottom - top) - 12, x + right - left + 12,
               y + height - 1)  # inclusive: the last row of this panel, not the next
        draw.rectangle(box, fill=(40, 40, 40))
        draw.text((box[0] + 6, box[1] + 6 - top), label, fill="white", font=font)
    return sheet


def audio_strip(video: Path, width: int, height: int, times: list[float]) -> Image.Image:
    """The clip's waveform (the loudest sample per pixel column, up and down), the caption
    cues of the ``.srt`` beside it as shaded spans, and a tick at each of ``times``."""
    import numpy as np
    import srt

    from lecture.audio import decode
    from lecture.voice import RATE

    samples = decode(video)
    strip = Image.new("RGB", (width, height), (20, 20, 20))
    draw = ImageDraw.Draw(strip)
    with av.open(str(video)) as container:
        duration = float(container.duration) / av.time_base
    captions = video.with_suffix(".srt")
    for cue in srt.parse(captions.read_text(encoding="utf-8")) if captions.exists() else []:
        left, right = (width * cue.start.total_seconds() / duration,
                       width * cue.end.total_seconds() / duration)
        draw.rectangle((left, 0, right - 2, height), fill=(30, 60, 90))
        draw.line((left, 0, left, height), fill=(90, 170, 255), width=2)
    middle = height / 2
    if samples is not None and len(samples):
        edges = np.linspace(0, len(samples), width + 1).astype(int)
        peaks = np.maximum.reduceat(np.abs(samples), edges[:-1].clip(max=len(samples) - 1))
        for x, peak in enumerate(peaks):
            draw.line((x, middle - peak * middle, x, middle + peak * middle), fill=(240, 200, 80))
    else:
        draw.text((10, 10), "no audio", fill="white")
    for t in times:
        x = width * t / duration
        draw.line((x, height - 12, x, height), fill="white", width=2)
    return strip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("--times", help="comma-separated seconds (default: 9 evenly spaced)")
    parser.add_argument("--out", type=Path, help="PNG to write (default: beside the clip)")
    parser.add_argument("--audio", action="store_true",
                        help="draw the waveform and the caption cues under the frames")
    args = parser.parse_args()
    times = [float(t) for t in args.times.split(",")] if args.times else None
    out = args.out or args.video.with_suffix(".storyboard.png")
    picked = scan(args.video, times).picked
    sheet = contact_sheet(picked)
    if args.audio:
        strip = audio_strip(args.video, sheet.width, sheet.height // 4, [t for t, _ in picked])
        both = Image.new("RGB", (sheet.width, sheet.height + strip.height))
        both.paste(sheet, (0, 0))
        both.paste(strip, (0, sheet.height))
        sheet = both
    sheet.save(out)
    print(out)


if __name__ == "__main__":
    main()
