"""Render jobs: which scenes, with which parameters, under which names and cache keys.

Planning validates every parameter and names every output before anything renders; it
is shared by the command line and anything else that renders (a job is plain data).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from lecture.catalog import CARDS, SCENES, SECTIONS, SceneEntry, nearest_ids, resolve_targets
from lecture.params import SceneParams, escape, show
from lecture.voice import VOICES, voice

__all__ = [
    "FORMATS", "Job", "QUALITY_DIRS", "ROOT", "THEMES", "VOICES", "UsageError", "check_sweeps",
    "code_digest", "code_files", "plan_jobs",
]

ROOT = Path(__file__).resolve().parents[1]
QUALITY_DIRS = {"l": "480p15", "m": "720p30", "h": "1080p60", "p": "1440p60", "k": "2160p60"}
FORMATS = ("mp4", "webm", "gif")
THEMES = ("dark", "light")
PACKAGES = ("compute", "lecture", "scenes")
# Besides what the scene and its parameters import: the process that renders, its
# captions, and Manim's settings. The catalog itself is read as the entry's facts.
RENDER_FILES = ("lecture/worker.py", "lecture/captions.py", "manim.cfg")
NOT_FOLLOWED = ("lecture.catalog",)


class UsageError(Exception):
    """Bad input that is not a parameter value (an unknown target, a bad flag): exit 2.

    ``str()`` is the one line a user sees, escaped (lecture.params.escape) whatever it echoes.
    """

    def __str__(self) -> str:
        return escape(super().__str__())


def module_file(module: str) -> Path | None:
    """The project file of a dotted module name, or None if it is not the project's."""
    if module.split(".")[0] not in PACKAGES:
        return None
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(file: Path) -> set[str]:
    """Every module a file imports (at any depth of its code), as dotted names."""
    stat = file.stat()
    return set(_imported_modules(file, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=None)
def _imported_modules(file: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """:func:`imported_modules`, parsed once per version of the file: planning the lecture
    asks it of each shared theme and compute file once per scene (hundreds of parses)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(file.read_bytes())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def code_files(scene: SceneEntry) -> list[Path]:
    """The project files a scene's clip depends on: the closure of what its scene module,
    its parameters and the worker import, read statically (imports inside functions too).

    The catalog is not followed (it imports every section); the entry's facts stand for it.
    So editing one scene file re-renders that scene only; editing a section's compute or
    parameter module re-renders that section; editing the theme, every scene.
    """
    todo = [scene.module, scene.params.__module__, "lecture.worker"]
    seen: set[str] = set()
    files: set[Path] = {ROOT / name for name in RENDER_FILES}
    while todo:
        module = todo.pop()
        if module in seen or module in NOT_FOLLOWED:
            continue
        seen.add(module)
        file = module_file(module)
        if file is None:
            continue
        files.add(file)
        todo.extend(imported_modules(file))
        parts = module.split(".")  # a package's __init__ runs first
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
    return sorted(files)


def code_digest(scene: SceneEntry, read: Callable[[Path], bytes] = Path.read_bytes) -> str:
    """A digest of the scene's catalog facts and of every file in :func:`code_files`."""
    digest = hashlib.sha256(json.dumps(scene.facts(), sort_keys=True).encode())
    for file in code_files(scene):
        digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + read(file))
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
    theme: str = "dark"
    voice: str = "joe"

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


Sweeps = dict[str, dict[str, list[Any]]]
"""Per scene, per parameter, the values to render one variant each (a sweep)."""


def check_sweeps(sweeps: Any, where: str) -> None:
    """A sweep is a table of scenes, each a table of parameters, each a non-empty list of
    values; anything else (``A=`` with no value, ``{"A": []}``) would render nothing."""
    if not isinstance(sweeps, dict):
        raise UsageError(f"{where} = {show(sweeps)}: must be a table of scenes, e.g. "
                         '{"cov_tanh": {"transform": ["tanh(x)", "sigmoid(2*x)"]}}')
    for scene_id, table in sweeps.items():
        if not isinstance(table, dict) or not table:
            raise UsageError(f"{where} {show(scene_id)} = {show(table)}: must be a table "
                             "giving parameters a non-empty list of values each")
        for name, values in table.items():
            if not isinstance(values, (list, tuple)) or not values:
                raise UsageError(f"{where} {scene_id}.{name} = {show(values)}: must be a "
                                 "non-empty list of values")


def plan_jobs(targets: list[str], overrides: dict[str, dict[str, Any]], quality: str, fmt: str,
              media: Path, sweeps: Sweeps | None = None, theme: str = "dark",
              voice_name: str = "joe") -> list[Job]:
    """Validate every parameter and name every output; raises ParamError or UsageError.

    Overrides may name scenes outside the targets (a params file covering the whole
    lecture); they are validated all the same. A scene with a sweep becomes one job per
    value (per combination of values, if it sweeps several parameters), each on top of
    the scene's overrides.
    """
    for option, value, allowed in (("quality", quality, QUALITY_DIRS), ("format", fmt, FORMATS),
                                   ("theme", theme, THEMES), ("voice", voice_name, VOICES)):
        if not isinstance(value, str) or value not in allowed:
            raise UsageError(f"{option} = {value!r}: must be one of {', '.join(allowed)}")
    try:
        scenes = resolve_targets(targets)
    except KeyError as exc:
        raise UsageError(
            f"{exc.args[0]}: not a scene or section id ("
            + nearest_ids(str(exc.args[0]), [s.id for s in (*SECTIONS, *SCENES)] + ["cards"])
            + ")"
        ) from None
    sweeps = sweeps or {}
    check_sweeps(sweeps, "sweep")
    for scene_id in sweeps:
        if scene_id not in {s.id for s in scenes}:
            raise UsageError(f"--sweep {show(scene_id)}: not among the scenes being rendered")
    resolved = {scene.id: scene.resolve(overrides.get(scene.id, {}))
                for scene in (*CARDS, *SCENES) if scene.id in overrides or scene in scenes}
    manim_version = version("manim")
    speaker = voice(voice_name)  # its name and version: what the lines sound like
    jobs = []
    for scene in scenes:
        variants = [resolved[scene.id]]
        if scene.id in sweeps:
            names, values = zip(*sweeps[scene.id].items())
            variants = [scene.resolve({**overrides.get(scene.id, {}), **dict(zip(names, combo))})
                        for combo in itertools.product(*values)]
        for params in variants:
            stem = scene.stem if params.is_default() else f"{scene.stem}--{params_hash(params)}"
            if fmt != "mp4":  # each format its own sidecar, poster and cache entry
                stem = f"{stem}--{fmt}"
            if theme != "dark":  # so does each theme
                stem = f"{stem}--{theme}"
            if speaker.name == "none":  # and a silent clip
                stem = f"{stem}--silent"
            key = hashlib.sha256(json.dumps(
                [scene.id, params.as_dict(), quality, fmt, theme, code_digest(scene),
                 manim_version, speaker.name, speaker.version], sort_keys=True).encode()
            ).hexdigest()
            jobs.append(Job(scene, params, quality, fmt, media, stem, key, theme,
                            speaker.name))
    return list(dict.fromkeys(jobs))  # a sweep value equal to another: rendered once
