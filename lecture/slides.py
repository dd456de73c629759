"""Slides from the steps: manim-slides presentations, reveal.js HTML, PowerPoint, a handout.

Every ``step()`` of a scene is a slide: it plays its step and holds the last frame until
the next key press. The worker records where each step's frames begin in the clip (the
sidecar's ``steps[].frames``: a step begins where one of Manim's partial movie files
begins, so on a key frame) and the step's narration. From the clips and sidecars alone
(no scene is imported) this module writes, in ``media/lecture/<quality>/slides/``:

- ``media/<clip stem>-<key>-<NN>.mp4``: each step's video, the clip's packets copied from
  the step's first frame to its last (no re-encoding; the clip's audio span too, if it has
  audio), named by the clip's cache key, so decks share them and a name never changes
  meaning;
- ``<deck>.json``: manim-slides' own presentation file (``PresentationConfig``: a slide
  per step, its video, the narration as notes), so ``manim-slides present`` and
  ``manim-slides convert`` work on it; it also holds the deck's key;
- ``<deck>.html``: manim-slides' reveal.js converter, pointed at the local copy
  ``reveal.js/`` (from the npm registry, fetched by scripts/setup.sh), never a CDN;
- ``<deck>.pptx``: manim-slides' PowerPoint converter, each video starting on click;
- ``<deck>.pdf``: the handout, a page per step with its last frame and narration.

A deck is rebuilt only when one of its clips changed (its key: the clips' cache keys and
this module's code), and its files are moved in as one transaction (lecture/staging.py).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from collections.abc import Sequence
from contextlib import redirect_stderr
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from lecture import mp4
from lecture.catalog import LECTURE_TITLE, SECTIONS, entry, lecture_order
from lecture.jobs import ROOT, Job, UsageError, params_hash
from lecture.staging import WorkFolder, commit

__all__ = ["REVEAL_VERSION", "Deck", "plan_decks", "write_decks"]

REVEAL_VERSION = "6.0.1"  # what manim-slides 5.7's template is written for; scripts/setup.sh
REVEAL_SOURCE = ROOT / "vendor" / "reveal.js"
SLIDES = "slides"
MEDIA = "media"
DECK_FILES = (".html", ".pptx", ".pdf", ".json")


@dataclass(frozen=True)
class Deck:
    """One presentation: its file stem, title and clips in order."""

    stem: str
    title: str
    jobs: tuple[Job, ...]


def _variant(jobs: Sequence[Job]) -> str:
    """The deck's stem suffix: a hash of its clips when any has other parameters, then the
    variant suffixes its clips carry (``--light``, any later one), as clips are named."""
    suffix = ""
    if not all(job.params.is_default() for job in jobs):
        suffix = "--" + hashlib.sha256(" ".join(j.stem for j in jobs).encode()).hexdigest()[:8]
    job = jobs[0]
    tail = job.stem.removeprefix(job.scene.stem)
    if not job.params.is_default():
        tail = tail.removeprefix(f"--{params_hash(job.params)}")
    return suffix + tail


def plan_decks(targets: Sequence[str], jobs: Sequence[Job]) -> list[Deck]:
    """The decks of a request: one per section named (its card and clips), one per scene
    named (per variant), and for no target one per section and one of the whole lecture."""
    if any(job.fmt != "mp4" for job in jobs):
        raise UsageError(f"--slides: needs --format mp4 (got {jobs[0].fmt})")
    place = {scene.id: i for i, scene in enumerate(lecture_order())}
    ordered = sorted(jobs, key=lambda job: place[job.scene.id])
    decks = []
    for section in SECTIONS:
        if targets and section.id not in targets:
            continue
        parts = [j for j in ordered
                 if section.id == j.scene.section or j.scene.id == f"card_{section.id}"]
        if parts:
            decks.append(Deck(section.id + _variant(parts), section.heading, tuple(parts)))
    decks += [Deck(j.stem, j.scene.title, (j,)) for j in ordered if j.scene.id in targets]
    if not targets and ordered:
        decks.append(Deck("lecture" + _variant(ordered), LECTURE_TITLE, tuple(ordered)))
    return decks


def cut(clip: Path, frames: Sequence[tuple[int, int]], outs: Sequence[Path]) -> None:
    """Write the clip's frames [first, end) of each span into its file, packets copied.

    Each span must begin on a key frame (a step begins with a partial movie file). An
    audio stream, if any, goes along: the packets that start inside the span's time (the
    first and last span also take what starts before or after the video).
    """
    import av  # here, not at the top: a run without --slides needs no PyAV

    with av.open(str(clip)) as source:
        video = source.streams.video[0]
        audio = source.streams.audio[0] if source.streams.audio else None
        packets = list(mp4.packets(source, *[s for s in (video, audio) if s]))
        shown = sorted(p.pts for p in packets if p.stream is video)
        ends = shown[1:] + [mp4.video_end([p for p in packets if p.stream is video])]
        timed = [(p, p.stream, p.pts * p.stream.time_base) for p in packets]  # before muxing
        for (first, end), out in zip(frames, outs):
            start, stop = shown[first] * video.time_base, ends[end - 1] * video.time_base
            low = start if first else -math.inf  # audio before the first frame or after
            high = stop if end < len(shown) else math.inf  # the last goes with its slide
            inside = [(p, stream) for p, stream, at in timed if low <= at < high]
            opening = next(p for p, stream in inside if stream is video)
            if not opening.is_keyframe:
                raise ValueError(f"{clip.name}: a slide would begin on frame "
                                 f"{shown.index(opening.pts)}, not a key frame")
            partial = out.with_name(out.name + ".partial")
            with av.open(str(partial), "w", format="mp4",
                         options={"movflags": "+faststart"}) as sink:
                streams = {video: sink.add_stream_from_template(video)}
                if audio is not None:
                    streams[audio] = sink.add_stream_from_template(audio)
                for packet, stream in inside:
                    shift = round(start / stream.time_base)
                    packet.pts -= shift
                    packet.dts -= shift
                    packet.stream = streams[stream]
                    sink.mux(packet)
            os.replace(partial, out)


def last_frame(video: Path) -> np.ndarray:
    """The last frame of a video as RGB."""
    import av

    with av.open(str(video)) as movie:
        frame = None
        for frame in movie.decode(video=0):
            pass
        return frame.to_ndarray(format="rgb24")


def _wrapped(context: Any, text: str, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` in the current font."""
    lines: list[str] = []
    for word in text.split():
        if lines and context.text_extents(f"{lines[-1]} {word}").x_advance <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def handout(path: Path, title: str, pages: Sequence[tuple[str, np.ndarray, list[str]]]) -> None:
    """A printable PDF: per step its heading, last frame and narration, on white A4 with
    room below to write. The text is real text (searchable, copyable)."""
    import cairo

    width, height, margin, leading = 595.0, 842.0, 42.0, 17.0
    surface = cairo.PDFSurface(str(path), width, height)
    surface.set_metadata(cairo.PDFMetadata.TITLE, title)
    context = cairo.Context(surface)

    def write(text: str, y: float, weight: Any) -> float:
        context.select_font_face("sans-serif", cairo.FONT_SLANT_NORMAL, weight)
        context.set_font_size(12)
        for row in _wrapped(context, text, width - 2 * margin):
            context.move_to(margin, y)
            context.show_text(row)
            y += leading
        return y

    for heading, image, lines in pages:
        context.set_source_rgb(1, 1, 1)
        context.paint()
        context.set_source_rgb(0, 0, 0)
        top = write(heading, margin + 12, cairo.FONT_WEIGHT_BOLD)
        rows, cols = image.shape[:2]
        stride = cairo.ImageSurface.format_stride_for_width(cairo.FORMAT_RGB24, cols)
        pixels = np.zeros((rows, stride // 4, 4), np.uint8)  # Cairo's order: B, G, R, unused
        pixels[:, :cols, :3] = image[..., ::-1]
        picture = cairo.ImageSurface.create_for_data(pixels, cairo.FORMAT_RGB24, cols, rows,
                                                     stride)
        scale = (width - 2 * margin) / cols
        context.save()
        context.translate(margin, top)
        context.scale(scale, scale)
        context.set_source_surface(picture, 0, 0)
        context.paint()
        context.restore()
        y = top + rows * scale + 28
        for line in lines:
            y = write(line, y, cairo.FONT_WEIGHT_NORMAL) + 6
        context.show_page()
    surface.finish()


def _key(deck: Deck, sidecars: list[dict[str, Any]]) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(json.dumps([deck.stem, deck.title, REVEAL_VERSION, version("manim-slides"),
                              [s["cache_key"] for s in sidecars]]).encode())
    return digest.hexdigest()


def _recorded_key(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["key"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_reveal(folder: Path) -> None:
    """Copy reveal.js (its dist/ and licence) into ``folder/reveal.js`` if it is not there."""
    target = folder / "reveal.js"
    stamp = target / "VERSION"
    if stamp.exists() and stamp.read_text().strip() == REVEAL_VERSION:
        return
    if not (REVEAL_SOURCE / "dist" / "reveal.js").exists():
        raise OSError(f"reveal.js {REVEAL_VERSION} is missing: bash scripts/setup.sh fetches "
                      f"it into {REVEAL_SOURCE}")
    partial = folder / "reveal.js.partial"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(REVEAL_SOURCE / "dist", partial / "dist")
    shutil.copy2(REVEAL_SOURCE / "LICENSE", partial / "LICENSE")
    (partial / "VERSION").write_text(REVEAL_VERSION + "\n")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)


def _slide_videos(folder: Path, job: Job, sidecar: dict[str, Any]) -> list[Path]:
    """The step videos of one clip in ``slides/media``, cut unless they exist."""
    media = folder / SLIDES / MEDIA
    media.mkdir(parents=True, exist_ok=True)
    steps = sidecar["steps"]
    outs = [media / f"{job.stem}-{sidecar['cache_key'][:12]}-{i:02d}.mp4"
            for i in range(1, len(steps) + 1)]
    if not all(out.exists() for out in outs):
        cut(job.clip, [tuple(step["frames"]) for step in steps], outs)
    return outs


def write_deck(folder: Path, deck: Deck, media_root: Path) -> tuple[Path, bool]:
    """Write one deck (if its key changed); returns its HTML path and whether it was built."""
    from manim_slides.config import PresentationConfig, SlideConfig
    from manim_slides.convert import PowerPoint, RevealJS

    slides = folder / SLIDES
    sidecars = [json.loads(job.sidecar.read_text(encoding="utf-8")) for job in deck.jobs]
    key = _key(deck, sidecars)
    if _recorded_key(slides / f"{deck.stem}.json") == key and all(
            (slides / f"{deck.stem}{s}").exists() for s in DECK_FILES):
        return slides / f"{deck.stem}.html", False
    ensure_reveal(slides)
    configs, pages = [], []
    for job, sidecar in zip(deck.jobs, sidecars):
        scene = entry(job.scene.id)
        number = "" if scene.section == "cards" else f"{scene.number:02d} "
        for i, (step, video) in enumerate(zip(sidecar["steps"],
                                              _slide_videos(folder, job, sidecar)), start=1):
            configs.append(SlideConfig(file=video, rev_file=video,
                                       notes="\n".join(step["narration"])))
            pages.append((f"{number}{scene.title} - step {i}/{len(sidecar['steps'])}: "
                          f"{step['title']}", last_frame(video), step["narration"]))
    first = pages[0][1]
    background = "#{:02x}{:02x}{:02x}".format(*first[2, 2])  # the theme's background
    width, height = sidecars[0]["width"], sidecars[0]["height"]
    presentation = PresentationConfig(slides=configs, resolution=(width, height),
                                      background_color=background)
    work = WorkFolder.create(media_root / ".work", f"slides-{deck.stem}")
    try:
        staged = work.path / "out"
        staged.mkdir()
        html = slides / f".{deck.stem}.html.partial"  # beside media/: no copies are made
        RevealJS(presentation_configs=[presentation], assets_dir=MEDIA, cdn_url="reveal.js",
                 title=deck.title, reveal_theme="black" if deck.jobs[0].theme == "dark"
                 else "white", background_size="contain").convert_to(html)
        os.replace(html, staged / f"{deck.stem}.html")
        with open(os.devnull, "w") as quiet, redirect_stderr(quiet):  # its progress bar
            PowerPoint(presentation_configs=[presentation], width=width, height=height,
                       auto_play_media=False).convert_to(staged / f"{deck.stem}.pptx")
        handout(staged / f"{deck.stem}.pdf", deck.title, pages)
        record = presentation.model_dump(mode="json")
        for slide in record["slides"]:  # manim-slides reads them relative to slides/..
            for name in ("file", "rev_file"):
                slide[name] = f"{SLIDES}/{MEDIA}/{Path(slide[name]).name}"
        record["key"] = key
        (staged / f"{deck.stem}.json").write_text(json.dumps(record, indent=1),
                                                  encoding="utf-8")
        commit(staged, slides, work.path)
    finally:
        work.release()
    return slides / f"{deck.stem}.html", True


def prune(slides: Path) -> None:
    """Remove step videos that no deck names any more (their clip was rendered again)."""
    named = set()
    for record in slides.glob("*.json"):
        try:
            named.update(Path(s["file"]).name for s in json.loads(record.read_text())["slides"])
        except (OSError, ValueError, KeyError, TypeError):
            return  # a deck being written: keep everything
    for video in (slides / MEDIA).glob("*.mp4"):
        if video.name not in named:
            video.unlink(missing_ok=True)


def write_decks(folder: Path, decks: Sequence[Deck], media_root: Path) -> list[Path]:
    """Write every deck that changed; returns the HTML path of each deck."""
    written = [write_deck(folder, deck, media_root)[0] for deck in decks]
    if decks:
        prune(folder / SLIDES)
    return written
