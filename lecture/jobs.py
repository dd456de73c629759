"""Render jobs: which scenes, with which parameters, under which names and cache keys.

Planning validates every parameter and names every output before anything renders; it
is shared by the command line and anything else that renders (a job is plain data).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from lecture.catalog import SCENES, SECTIONS, SceneEntry, resolve_targets
from lecture.params import SceneParams

__all__ = ["FORMATS", "Job", "QUALITY_DIRS", "ROOT", "UsageError", "plan_jobs"]

ROOT = Path(__file__).resolve().parents[1]
QUALITY_DIRS = {"l": "480p15", "m": "720p30", "h": "1080p60", "p": "1440p60", "k": "2160p60"}
FORMATS = ("mp4", "webm", "gif")
# Files whose content decides what a scene's clip looks like, besides its section's own.
SHARED_CODE = ("compute/results.py", "scenes/theme.py", "compute/expr.py", "lecture/params.py",
               "lecture/worker.py", "lecture/captions.py", "manim.cfg")


class UsageError(Exception):
    """Bad input that is not a parameter value (an unknown target, a bad flag): exit 2."""


def code_digest(scene: SceneEntry) -> str:
    files = [f"compute/{scene.section}.py", f"scenes/{scene.section}.py",
             f"lecture/sections/{scene.section}.py", *SHARED_CODE]
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes())
    return digest.hexdigest()


def params_hash(params: SceneParams) -> str:
    return hashlib.sha256(json.dumps(params.as_dict(), sort_keys=True).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Job:
    """One clip to render: the scene, its resolved parameters and where its files go."""

    scene: SceneEntry
    params: SceneParams
    quality: str
    fmt: str
    media: Path
    stem: str
    cache_key: str

    @property
    def out_dir(self) -> Path:
        return self.media / "lecture" / QUALITY_DIRS[self.quality] / self.scene.section

    @property
    def sidecar(self) -> Path:
        return self.out_dir / f"{self.stem}.json"

    @property
    def clip(self) -> Path:
        return self.out_dir / f"{self.stem}.{self.fmt}"

    @property
    def log(self) -> Path:
        return self.media / "logs" / QUALITY_DIRS[self.quality] / f"{self.stem}.log"

    def is_cached(self) -> bool:
        try:
            recorded = json.loads(self.sidecar.read_text(encoding="utf-8"))["cache_key"]
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return recorded == self.cache_key and self.clip.exists()


def plan_jobs(targets: list[str], overrides: dict[str, dict[str, Any]], quality: str, fmt: str,
              media: Path) -> list[Job]:
    """Validate every parameter and name every output; raises ParamError or UsageError.

    Overrides may name scenes outside the targets (a params file covering the whole
    lecture); they are validated all the same.
    """
    try:
        scenes = resolve_targets(targets)
    except KeyError as exc:
        raise UsageError(
            f"{exc.args[0]}: not a scene or section id "
            f"(sections: {', '.join(SECTIONS)}; scenes: {', '.join(s.id for s in SCENES)})"
        ) from None
    resolved = {scene.id: scene.params.resolve(overrides.get(scene.id, {})) for scene in SCENES
                if scene.id in overrides or scene in scenes}
    manim_version = version("manim")
    jobs = []
    for scene in scenes:
        params = resolved[scene.id]
        stem = scene.stem if params.is_default() else f"{scene.stem}--{params_hash(params)}"
        if fmt != "mp4":  # each format its own sidecar, poster and cache entry
            stem = f"{stem}--{fmt}"
        key = hashlib.sha256(json.dumps(
            [scene.id, params.as_dict(), quality, fmt, code_digest(scene), manim_version],
            sort_keys=True).encode()).hexdigest()
        jobs.append(Job(scene, params, quality, fmt, media, stem, key))
    return jobs
