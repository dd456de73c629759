"""Render one scene in this process and move its outputs into place.

Run by the command line as ``python -m lecture.worker JOB_JSON``, one process per scene,
so that Manim's global configuration never leaks between scenes rendered in parallel.
Everything is written into a private temporary folder first; the finished files are
moved in with ``os.replace`` (atomic on one file system), the sidecar last, so an
interrupted render leaves the earlier outputs whole and the cache pointing at them.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import av

from compute.results import keyframes
from lecture.captions import srt_to_vtt
from lecture.catalog import entry

__all__ = ["render_job"]

QUALITY_NAMES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality",
                 "p": "production_quality", "k": "fourk_quality"}
VERSIONED = ("manim", "numpy", "scipy", "torch", "av")


def probe(video: Path, poster: Path) -> dict[str, Any]:
    """Size, frame rate and duration of a clip, and its last frame saved as the poster."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        frames, last = 0, None
        for last in container.decode(stream):
            frames += 1
        fps = float(stream.guessed_rate or stream.base_rate)
        last.to_image().save(poster)
        return {"duration_s": round(frames / fps, 3), "width": stream.width,
                "height": stream.height, "fps": round(fps, 3)}


CACHES = ("Tex", "texts")  # LaTeX and Pango outputs, shared between runs


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


def render_job(job: dict[str, Any]) -> None:
    """Render ``job['scene']`` with ``job['params']`` into ``job['out_dir']``/``job['stem']``.*"""
    from manim import tempconfig

    scene_entry = entry(job["scene"])
    params = scene_entry.params.resolve(job["params"])
    scene_class = getattr(importlib.import_module(scene_entry.module), scene_entry.class_name)
    configured = type(scene_class.__name__, (scene_class,), {"params": params})
    media, out_dir, stem = Path(job["media_dir"]), Path(job["out_dir"]), job["stem"]
    work = Path(tempfile.mkdtemp(prefix=f"{stem}-{os.getpid()}-", dir=media / ".work"))
    try:
        seed_caches(media, work)
        with tempconfig({
            "quality": QUALITY_NAMES[job["quality"]], "format": job["format"],
            "media_dir": str(work), "tex_dir": str(work / "Tex"),
            "text_dir": str(work / "texts"), "output_file": stem,
            "disable_caching": True, "progress_bar": job["progress_bar"],
            "verbosity": "WARNING",
        }):
            scene = configured()
            scene.render()
            video = Path(scene.renderer.file_writer.movie_file_path)
        harvest_caches(media, work)
        staged = {video.suffix: video, ".png": work / f"{stem}.png"}
        facts = probe(video, staged[".png"])
        captions = video.with_suffix(".srt")
        if captions.exists():
            staged[".srt"] = captions
            staged[".vtt"] = work / f"{stem}.vtt"
            staged[".vtt"].write_text(srt_to_vtt(captions.read_text(encoding="utf-8")),
                                      encoding="utf-8")
        sidecar = {
            "scene": scene_entry.id, "section": scene_entry.section, "title": scene_entry.title,
            "params": params.as_dict(), "keyframes": keyframes(scene.result), **facts,
            "quality": job["quality"], "format": job["format"], "cache_key": job["cache_key"],
            "versions": {"python": platform.python_version(),
                         **{name: version(name) for name in VERSIONED}},
        }
        staged[".json"] = work / f"{stem}.json"
        staged[".json"].write_text(json.dumps(sidecar, indent=1), encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        for suffix, path in staged.items():  # the sidecar (inserted last) lands last
            os.replace(path, out_dir / f"{stem}{suffix}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    render_job(json.loads(sys.argv[1]))
