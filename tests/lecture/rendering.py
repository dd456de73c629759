"""Helpers of the tests that render for real: run render.sh, find a clip's files."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from lecture.catalog import entry

__all__ = ["ROOT", "digest", "outputs", "render"]

ROOT = Path(__file__).resolve().parents[2]
QUALITY = "480p15"


def render(media: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """./render.sh -q l run from the media folder's parent, which it names relatively."""
    return subprocess.run([str(ROOT / "render.sh"), "-q", "l", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=media.parent,
                          env={**os.environ, "LECTURE_MEDIA_DIR": media.name})


def outputs(media: Path, scene_id: str, stem: str | None = None) -> dict[str, Path]:
    scene = entry(scene_id)
    folder = media / "lecture" / QUALITY / scene.section
    return {ext: folder / f"{stem or scene.stem}.{ext}" for ext in
            ("mp4", "json", "srt", "vtt", "png", "storyboard.png")}


def digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
