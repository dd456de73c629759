"""The lecture as a whole: one chaptered video with its captions, and a gallery page.

Reads sidecars and clips only (it never imports a scene). In ``media/lecture/<quality>/``:

- ``lecture.mp4``: the title cards and every default clip in lecture order, joined by
  copying their packets (no re-encoding: every part shares codec, size and frame rate),
  with a chapter per section card and per clip, index before data (faststart);
- ``lecture.srt`` and ``lecture.vtt``: every part's captions, shifted to its place;
- ``chapters.vtt``: the chapters as a WebVTT track for ``<track kind="chapters">``;
- ``lecture.txt``: the transcript, each part's title followed by its narration;
- ``lecture.json``: the parts, their offsets and the key that says when to rebuild.

They are rebuilt only when a part changed (the key is the parts' cache keys and this
module's code); a variant render never changes a part, so never the lecture. The gallery
page is written by :mod:`lecture.gallery`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import srt

from lecture.captions import chapters_vtt, srt_to_vtt, transcript
from lecture.catalog import SceneEntry, lecture_order
from lecture.staging import write_whole

__all__ = ["Part", "assemble", "chapter_title", "parts_of", "shifted_captions"]

LECTURE = "lecture"


@dataclass(frozen=True)
class Part:
    """One rendered piece of the lecture: a title card or a clip with default parameters."""

    entry: SceneEntry
    sidecar: dict[str, Any]
    clip: Path

    @property
    def captions(self) -> Path:
        return self.clip.with_suffix(".srt")


def parts_of(folder: Path) -> tuple[list[Part], list[str]]:
    """The parts found in a quality folder, in lecture order, and the ids of missing ones."""
    found, missing = [], []
    for entry in lecture_order():
        sidecar = folder / entry.section / f"{entry.stem}.json"
        clip = sidecar.with_suffix(".mp4")
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            missing.append(entry.id)
            continue
        if clip.exists():
            found.append(Part(entry, data, clip))
        else:
            missing.append(entry.id)
    return found, missing


def chapter_title(entry: SceneEntry) -> str:
    """A chapter's title: a section card names its section, a clip its number and title."""
    return entry.title if entry.section == "cards" else f"{entry.number:02d} {entry.title}"


def _key(parts: list[Part]) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(json.dumps([p.sidecar["cache_key"] for p in parts]).encode())
    return digest.hexdigest()


def _join(parts: list[Part], out: Path) -> list[tuple[Fraction, Fraction]]:
    """Copy every part's video packets into ``out`` one after the other; returns each
    part's (start, end) in seconds. Chapters are written into the file."""
    spans, chapters = [], []
    with av.open(str(parts[0].clip)) as first, \
            av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"}) as sink:
        stream = sink.add_stream_from_template(first.streams.video[0])
        offset = 0
        for number, part in enumerate(parts, start=1):
            with av.open(str(part.clip)) as source:
                video = source.streams.video[0]
                if video.time_base != first.streams.video[0].time_base:
                    raise ValueError(f"{part.clip.name}: another time base than the first part")
                end = 0
                for packet in source.demux(video):
                    if packet.dts is None:  # the demuxer's final empty packet
                        continue
                    end = max(end, packet.pts + packet.duration)
                    packet.pts += offset
                    packet.dts += offset
                    packet.stream = stream
                    sink.mux(packet)
                base = video.time_base
            chapters.append({"id": number, "start": offset, "end": offset + end,
                             "time_base": base, "metadata": {"title": chapter_title(part.entry)}})
            spans.append((offset * base, (offset + end) * base))
            offset += end
        sink.set_chapters(chapters)
    return spans


def lecture_transcript(parts: list[Part]) -> str:
    """The whole lecture's narration as text: each part's title, then its captions."""
    blocks = []
    for part in parts:
        own = transcript(part.captions.read_text(encoding="utf-8")) if part.captions.exists() else ""
        blocks.append(f"{chapter_title(part.entry)}\n\n{own}")
    return "\n".join(blocks)


def shifted_captions(parts: list[Part], starts: list[float]) -> str:
    """Every part's captions as one SubRip text, each cue moved to its part's start."""
    cues = []
    for part, start in zip(parts, starts):
        if not part.captions.exists():
            continue
        shift = timedelta(seconds=float(start))
        for cue in srt.parse(part.captions.read_text(encoding="utf-8")):
            cues.append(srt.Subtitle(len(cues) + 1, cue.start + shift, cue.end + shift,
                                     cue.content))
    return srt.compose(cues, reindex=False)


@dataclass(frozen=True)
class Assembly:
    status: str  # "joined", "unchanged" or "incomplete"
    folder: Path
    missing: tuple[str, ...] = ()


def assemble(folder: Path) -> Assembly:
    """Join the lecture in ``folder`` (``media/lecture/<quality>``) if every part is there
    and something changed since the last join."""
    parts, missing = parts_of(folder)
    if missing:
        return Assembly("incomplete", folder, tuple(missing))
    key = _key(parts)
    manifest = folder / f"{LECTURE}.json"
    try:
        if json.loads(manifest.read_text(encoding="utf-8"))["key"] == key \
                and (folder / f"{LECTURE}.mp4").exists():
            return Assembly("unchanged", folder)
    except (OSError, ValueError, KeyError):
        pass
    partial = folder / f"{LECTURE}.mp4.partial"
    spans = [(float(a), float(b)) for a, b in _join(parts, partial)]
    os.replace(partial, folder / f"{LECTURE}.mp4")
    captions = shifted_captions(parts, [start for start, _ in spans])
    write_whole(folder / f"{LECTURE}.srt", captions)
    write_whole(folder / f"{LECTURE}.vtt", srt_to_vtt(captions))
    write_whole(folder / "chapters.vtt", chapters_vtt(
        [(start, end, chapter_title(p.entry)) for p, (start, end) in zip(parts, spans)]))
    write_whole(folder / f"{LECTURE}.txt", lecture_transcript(parts))
    record = {"key": key, "duration_s": round(spans[-1][1], 3), "parts": [
        {"id": p.entry.id, "clip": str(p.clip.relative_to(folder)), "title": chapter_title(p.entry),
         "start_s": round(start, 3), "end_s": round(end, 3)}
        for p, (start, end) in zip(parts, spans)]}
    write_whole(manifest, json.dumps(record, indent=1))  # last: it marks the join as whole
    return Assembly("joined", folder)
