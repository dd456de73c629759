"""Captions: Manim writes SubRip (.srt); browsers' <track> element needs WebVTT (.vtt)."""

from __future__ import annotations

import re

__all__ = ["srt_to_vtt"]

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
