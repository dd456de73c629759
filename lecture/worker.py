"""Render one scene in this process into a private folder; the parent moves it in.

Run by the command line as ``python -m lecture.worker JOB_JSON``, one process per scene,
so that Manim's global configuration never leaks between scenes rendered in parallel.
The finished files (clip, poster, captions, sidecar last) are written to
``<work>/out/``; the parent process moves them into ``media/lecture/`` in one transaction
(:mod:`lecture.staging`), so a render that fails or is stopped changes nothing there.

Everything the render prints (Manim's warnings, a traceback) goes to the job's log file;
Manim's progress bar stays on the terminal when there is one. Exit status: 0 done, 1 a
failure (the log says why), 143 stopped by SIGTERM. The worker ignores Ctrl-C (the parent
decides) and receives SIGTERM when its parent dies.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import logging
import os
import platform
import shutil
import signal
import sys
import traceback
from importlib.metadata import version
from pathlib import Path
from typing import Any

from lecture import faults
from lecture.voice import RATE, SPEECH_VARIABLE, VOICE_VARIABLE

__all__ = ["render_job"]

QUALITY_NAMES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality",
                 "p": "production_quality", "k": "fourk_quality"}
VERSIONED = ("manim", "numpy", "scipy", "torch", "av")
CACHES = ("Tex", "texts")  # LaTeX and Pango outputs, shared between runs
EXIT_TERMINATED = 128 + signal.SIGTERM


def seed_caches(media: Path, work: Path) -> None:
    """Give the worker private copies of the shared TeX/text caches.

    Manim writes and deletes a scratch file beside each cached SVG whenever it parses one,
    so two processes sharing one cache folder race each other. Each worker gets its own
    folders, filled with the finished SVGs of earlier runs (cheap: a few hundred KB).
    """
    for name in CACHES:
        (work / name).mkdir()
        for svg in (media / name).glob("*.svg"):
            if not svg.stem.endswith("_"):
                shutil.copyfile(svg, work / name / svg.name)


def harvest_caches(media: Path, work: Path) -> None:
    """Move SVGs this worker compiled into the shared caches, each file atomically."""
    for name in CACHES:
        (media / name).mkdir(exist_ok=True)
        for svg in (work / name).glob("*.svg"):
            if not svg.stem.endswith("_") and not (media / name / svg.name).exists():
                os.replace(svg, media / name / svg.name)


def spoken_track(scene: Any, duration: float, voice_name: str, suffix: str) -> dict[str, Any]:
    """The clip's audio (None: silent voice, or a GIF) and what the sidecar says of it:
    the voice and its version, each line's spoken text, audio span and whether it was
    synthesised in this render (else it came from the cache), and the loudness measured."""
    from lecture.audio import master, track
    from lecture.voice import voice

    speaker = voice(voice_name)
    lines = [{key: u[key] for key in ("line", "spoken", "start", "end", "synthesized")}
             for u in scene.utterances]
    facts = {"voice": {"name": speaker.name, "version": speaker.version}, "lines": lines,
             "samples": None, "loudness": None}
    if speaker.name == "none" or suffix == ".gif":
        return facts
    raw = track([(u["start"], Path(u["audio"])) for u in scene.utterances], duration)
    facts["samples"], facts["loudness"] = master(raw)
    return facts


def render_job(job: dict[str, Any]) -> None:
    """Render ``job['scene']`` with ``job['params']`` into ``<job['work']>/out/<stem>.*``."""
    from manim import tempconfig

    from compute.results import keyframes
    from lecture.captions import chapters_vtt, srt_to_vtt, transcript
    from lecture.catalog import entry
    from lecture.audio import encode_under_peak
    from lecture.mp4 import with_audio
    from lecture.storyboard import contact_sheet, scan

    scene_entry = entry(job["scene"])
    params = scene_entry.resolve(job["params"])
    scene_class = getattr(importlib.import_module(scene_entry.module), scene_entry.class_name)
    configured = type(scene_class.__name__, (scene_class,),
                      {"params": params, "catalog_entry": scene_entry})
    media, work, stem = Path(job["media_dir"]), Path(job["work"]), job["stem"]
    out = work / "out"
    out.mkdir()
    seed_caches(media, work)
    with tempconfig({
        "quality": QUALITY_NAMES[job["quality"]], "format": job["format"],
        "media_dir": str(work / "manim"), "tex_dir": str(work / "Tex"),
        "text_dir": str(work / "texts"), "output_file": stem,
        "disable_caching": True, "progress_bar": job["progress_bar"], "verbosity": "WARNING",
    }):
        scene = configured()
        scene.render()
        writer = scene.renderer.file_writer
        video, captions = Path(writer.movie_file_path), writer.output_plan.subcaption_file
    harvest_caches(media, work)
    clip = scan(video)
    speech = spoken_track(scene, clip.duration, job.get("voice", "joe"), video.suffix)
    if speech["samples"] is not None:  # MP4: index first, so a browser plays it while
        speech["loudness"] = encode_under_peak(  # it downloads; the loudness as decoded
            speech["samples"], lambda samples: with_audio(video, samples, RATE) or video)
    elif video.suffix == ".mp4":
        with_audio(video, None, RATE)
    clip.last.save(out / f"{stem}.png")
    contact_sheet(clip.picked).save(out / f"{stem}.storyboard.png")
    facts = {"duration_s": round(clip.duration, 3), "width": clip.width,
             "height": clip.height, "fps": round(clip.fps, 3)}
    os.replace(video, out / f"{stem}{video.suffix}")
    if captions is not None and Path(captions).exists():
        text = Path(captions).read_text(encoding="utf-8")
        (out / f"{stem}.srt").write_text(text, encoding="utf-8")
        (out / f"{stem}.vtt").write_text(srt_to_vtt(text), encoding="utf-8")
        (out / f"{stem}.txt").write_text(transcript(text), encoding="utf-8")
    steps = scene.steps(facts["duration_s"])
    (out / f"{stem}.chapters.vtt").write_text(
        chapters_vtt([(s["start"], s["end"], s["title"]) for s in steps]), encoding="utf-8")
    sidecar = {
        "scene": scene_entry.id, "section": scene_entry.section, "title": scene_entry.title,
        "params": params.as_dict(), "keyframes": keyframes(scene.result), **facts,
        "steps": steps, "quality": job["quality"], "format": job["format"],
        "theme": job.get("theme", "dark"), "voice": speech["voice"],
        "speech": speech["lines"], "loudness": speech["loudness"], "cache_key": job["cache_key"],
        "versions": {"python": platform.python_version(),
                     **{name: version(name) for name in VERSIONED}},
    }
    partial = work / f"{stem}.json.partial"
    partial.write_text(json.dumps(sidecar, indent=1), encoding="utf-8")
    os.replace(partial, out / f"{stem}.json")  # last: its presence means the render is whole


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM when the parent dies (no orphans still writing)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's own cleanup must do
        pass
    if os.getppid() != parent:  # it died before we asked
        sys.exit(EXIT_TERMINATED)


def main() -> int:
    job = json.loads(sys.argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_TERMINATED))
    _die_with_parent(job["parent"])
    os.environ[faults.WORK_DIR_VARIABLE] = job["work"]
    os.environ["LECTURE_THEME"] = job.get("theme", "dark")  # read when the palette loads
    os.environ[VOICE_VARIABLE] = job.get("voice", "joe")  # read when a scene is set up
    os.environ[SPEECH_VARIABLE] = str(Path(job["media_dir"]) / "speech")  # shared cache
    with open(job["log"], "w", encoding="utf-8") as log:
        if job["progress_bar"] == "none":  # no terminal: everything, C libraries too
            os.dup2(log.fileno(), 2)
        try:
            import manim  # noqa: F401  (configures its logger, which we then redirect)

            logging.getLogger("manim").handlers = [logging.StreamHandler(log)]
            render_job(job)
        except Exception:  # a bug, not bad input: the parent points at this log
            traceback.print_exc(file=log)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
