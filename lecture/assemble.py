"""The lecture as a whole: one chaptered video with its captions, and a gallery page.

Reads sidecars and clips only (it never imports a scene). In ``media/lecture/<quality>/``:

- ``lecture.mp4``: the title cards and every default clip in lecture order, joined by
  copying their video packets (no re-encoding: every part shares codec, size and frame
  rate), with a chapter per section card and per clip, index before data (faststart),
  and one continuous audio track: each part's audio decoded, laid at the part's place in
  the video (a silent part: silence) and encoded once, so nothing drifts or clicks at a
  join;
- ``lecture.srt`` and ``lecture.vtt``: every part's captions, shifted to its place;
- ``chapters.vtt``: the chapters as a WebVTT track for ``<track kind="chapters">``;
- ``lecture.txt``: the transcript, each part's title followed by its narration;
- ``lecture.json``: the parts, their offsets and the key that says when to rebuild.

They are rebuilt only when a part changed (the key is the parts' cache keys and the code
that joins them); a variant render never changes a part, so never the lecture. The gallery
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

import numpy as np
import srt

from lecture import audio, mp4
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
    digest = hashlib.sha256()
    for module in (__file__, audio.__file__, mp4.__file__):
        digest.update(Path(module).read_bytes())
    digest.update(json.dumps([p.sidecar["cache_key"] for p in parts]).encode())
    return digest.hexdigest()


def _video_ends(parts: list[Part]) -> tuple[list[int], Fraction]:
    """Each part's video length in its time base (the same for every part): its frames
    times a frame's duration, read from its packets without decoding them."""
    import av  # here, not at the top: an unchanged lecture is not read at all

    ends, base = [], None
    for part in parts:
        with av.open(str(part.clip)) as source:
            video = source.streams.video[0]
            if base is not None and video.time_base != base:
                raise ValueError(f"{part.clip.name}: another time base than the first part")
            base = video.time_base
            ends.append(mp4.video_end(list(mp4.packets(source, video))))
    return ends, base


def _soundtrack(parts: list[Part], spans: list[tuple[Fraction, Fraction]]) -> np.ndarray | None:
    """One track as long as the lecture: each part's decoded audio at its start, cut to
    its length (a part without audio is silence); None when no part has audio."""
    out = np.zeros(round(spans[-1][1] * audio.RATE), np.float32)
    heard = False
    for part, (start, end) in zip(parts, spans):
        samples = audio.decode(part.clip)
        if samples is None:
            continue
        heard = True
        at, length = round(start * audio.RATE), round(end * audio.RATE) - round(start * audio.RATE)
        piece = samples[:min(length, len(out) - at)]
        out[at:at + len(piece)] = piece
    return out if heard else None


def _join(parts: list[Part], out: Path) -> tuple[list[tuple[Fraction, Fraction]], dict | None]:
    """Copy every part's video packets into ``out`` one after the other, with the parts'
    audio as one track; returns each part's (start, end) in seconds and the loudness of
    the track. Chapters are written into the file."""
    import av

    ends, base = _video_ends(parts)
    offsets = np.concatenate([[0], np.cumsum(ends)]).tolist()
    spans = [(offset * base, (offset + end) * base) for offset, end in zip(offsets, ends)]
    chapters = [{"id": number, "start": offset, "end": offset + end, "time_base": base,
                 "metadata": {"title": chapter_title(part.entry)}}
                for number, (part, offset, end) in enumerate(zip(parts, offsets, ends), start=1)]

    def write(samples: np.ndarray | None) -> Path:
        with av.open(str(parts[0].clip)) as first, \
                av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"}) as sink:
            stream = sink.add_stream_from_template(first.streams.video[0])
            packets = []
            if samples is not None:
                packets = mp4.encode_audio(mp4.add_audio_stream(sink, "mp4", audio.RATE),
                                           samples, audio.RATE)

            def copied():  # type: ignore[no-untyped-def]
                for part, offset in zip(parts, offsets):
                    with av.open(str(part.clip)) as source:
                        for packet in mp4.packets(source, source.streams.video[0]):
                            packet.pts += offset
                            packet.dts += offset
                            packet.stream = stream
                            yield packet

            mp4.mux_in_time(sink, copied(), packets)
            sink.set_chapters(chapters)
        return out

    track = _soundtrack(parts, spans)
    if track is None:
        write(None)
        return spans, None
    return spans, audio.encode_under_peak(track, write)


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
    exact, loudness = _join(parts, partial)
    spans = [(float(a), float(b)) for a, b in exact]
    os.replace(partial, folder / f"{LECTURE}.mp4")
    captions = shifted_captions(parts, [start for start, _ in spans])
    write_whole(folder / f"{LECTURE}.srt", captions)
    write_whole(folder / f"{LECTURE}.vtt", srt_to_vtt(captions))
    write_whole(folder / "chapters.vtt", chapters_vtt(
        [(start, end, chapter_title(p.entry)) for p, (start, end) in zip(parts, spans)]))
    write_whole(folder / f"{LECTURE}.txt", lecture_transcript(parts))
    record = {"key": key, "duration_s": round(spans[-1][1], 3), "loudness": loudness, "parts": [
        {"id": p.entry.id, "clip": str(p.clip.relative_to(folder)), "title": chapter_title(p.entry),
         "start_s": round(start, 3), "end_s": round(end, 3)}
        for p, (start, end) in zip(parts, spans)]}
    write_whole(manifest, json.dumps(record, indent=1))  # last: it marks the join as whole
    return Assembly("joined", folder)
