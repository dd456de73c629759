"""Captions and chapters: Manim writes SubRip (.srt); browsers' <track> needs WebVTT (.vtt).

Also the plain-text transcript of a clip's captions, and WebVTT chapter tracks (a cue per
chapter: its start, end and title) for ``<track kind="chapters">``.
"""

from __future__ import annotations

import re

import srt

__all__ = ["chapters_vtt", "srt_to_vtt", "transcript", "vtt_time"]

_TIMING = re.compile(r"(\d{2}:\d{2}:\d{2}),(\d{3}) --> (\d{2}:\d{2}:\d{2}),(\d{3})")


def srt_to_vtt(srt_text: str) -> str:
    """The same cues as WebVTT: a header, '.' for the millisecond comma, no cue numbers."""
    cues = []
    for block in re.split(r"\n\s*\n", srt_text.strip()):
        lines = block.strip().splitlines()
        timing = next(i for i, line in enumerate(lines) if _TIMING.search(line))
        cues.append("\n".join([_TIMING.sub(r"\1.\2 --> \3.\4", lines[timing]),
                               *lines[timing + 1:]]))
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def chapters_vtt(chapters: list[tuple[float, float, str]]) -> str:
    """A WebVTT chapters track: one cue per (start, end, title), times in seconds."""
    cues = [f"{vtt_time(start)} --> {vtt_time(end)}\n{title}" for start, end, title in chapters]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def transcript(srt_text: str) -> str:
    """The narration as plain text: one caption per line, in order."""
    return "".join(" ".join(cue.content.split()) + "\n" for cue in srt.parse(srt_text))
