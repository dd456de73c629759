"""Render jobs: which scenes, with which parameters, under which names and cache keys.

Planning validates every parameter and names every output before anything renders; it
is shared by the command line and anything else that renders (a job is plain data).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from lecture.catalog import CARDS, SCENES, SECTIONS, SceneEntry, nearest_ids, resolve_targets
from lecture.params import SceneParams, escape, show
from lecture.voice import VOICES, voice
from lecture.worker import QUALITIES

__all__ = [
    "FORMATS", "Job", "QUALITY_DIRS", "ROOT", "THEMES", "VOICES", "UsageError", "check_sweeps",
    "code_digest", "code_files", "imported_modules", "plan_jobs",
]

ROOT = Path(__file__).resolve().parents[1]
QUALITY_DIRS = {letter: folder for letter, (folder, _) in QUALITIES.items()}
FORMATS = ("mp4", "webm", "gif")
THEMES = ("dark", "light")
PACKAGES = ("compute", "lecture", "scenes")
# Besides what the scene and its parameters import: the process that renders, its
# captions, and Manim's settings. The catalog itself is read as the entry's facts.
RENDER_FILES = ("lecture/worker.py", "lecture/captions.py", "manim.cfg")
NOT_FOLLOWED = ("lecture.catalog",)
CONTENTS_KEPT = 1024  # file contents whose imports and digest are kept (the project: < 100)


class UsageError(Exception):
    """Bad input that is not a parameter value (an unknown target, a bad flag): exit 2.

    ``str()`` is the one line a user sees, escaped (lecture.params.escape) whatever it echoes.
    """

    def __str__(self) -> str:
        return escape(super().__str__())


@functools.lru_cache(maxsize=None)
def module_file(module: str) -> Path | None:
    """The project file of a dotted module name, or None if it is not the project's
    (looked up once per process: planning asks it of each name every scene imports)."""
    if module.split(".")[0] not in PACKAGES:
        return None
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


IMPORT = re.compile(rb"(?:^|;)[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n;#]*)"
                    rb"|import[ \t]+([^\n;#]*))", re.MULTILINE)
"""An import statement at the start of a line (at any indentation) or after a ``;``:
``import a.b as c, d`` or ``from a import (b, c)`` (parenthesised names may span lines)."""


@functools.lru_cache(maxsize=CONTENTS_KEPT)
def imported_modules(source: bytes) -> frozenset[str]:
    """Every module a Python source imports (at any depth of its code), as dotted names:
    each ``import a.b`` as ``a.b``, each ``from a import b`` as ``a`` and ``a.b`` (relative
    imports are not followed; the project has none). Scanned once per content.

    Read with :data:`IMPORT`, not parsed: planning asks this of every file of every
    scene's code on every run, and parsing them cost most of a warm re-run (about a second
    for the lecture). A string whose line starts like an import would count as one (a
    file too many in a key, never one too few); tests/lecture/test_jobs.py checks that the
    scan finds what Python's parser finds, in every file of the project.
    """
    names: set[str] = set()
    for match in IMPORT.finditer(source):
        module, imported, plain = (None if g is None else g.decode() for g in match.groups())
        if plain is not None:
            names.update(part.split()[0] for part in plain.split(",") if part.strip())
        elif not module.startswith("."):
            names.add(module)
            imported = re.sub(r"#[^\n]*", "", imported).strip("() \t")
            names.update(f"{module}.{part.split()[0]}" for part in imported.split(",")
                         if part.strip())
    return frozenset(names)


def code_files(scene: SceneEntry, read: Callable[[Path], bytes] = Path.read_bytes) -> list[Path]:
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
        todo.extend(imported_modules(read(file)))
        parts = module.split(".")  # a package's __init__ runs first
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
    return sorted(files)


def code_digest(scene: SceneEntry, read: Callable[[Path], bytes] = Path.read_bytes) -> str:
    """A digest of the scene's catalog facts and of every file in :func:`code_files`.

    Planning many scenes passes a ``read`` that reads each file once
    (``functools.cache(Path.read_bytes)``): scenes share most of their code.
    """
    digest = hashlib.sha256(json.dumps(scene.facts(), sort_keys=True).encode())
    for file in code_files(scene, read):
        digest.update(_relative(file) + content_digest(read(file)))
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def _relative(file: Path) -> bytes:
    return str(file.relative_to(ROOT)).encode() + b"\0"


@functools.lru_cache(maxsize=CONTENTS_KEPT)
def content_digest(content: bytes) -> bytes:
    """The SHA-256 of a file's content, taken once per content (scenes share files)."""
    return hashlib.sha256(content).digest()


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
    result: Any = field(default=None, compare=False, repr=False)
    """The scene's numbers, when the planner computed them (lecture.pipeline.plan): checked
    there, and handed to the worker, which then does not compute them again."""

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
    read = functools.cache(Path.read_bytes)  # each file once, however many scenes share it
    speaker = voice(voice_name)  # its name and version: what the lines sound like
    speaker_version = speaker.version  # looked up in the installed packages: once
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
                [scene.id, params.as_dict(), quality, fmt, theme, code_digest(scene, read),
                 manim_version, speaker.name, speaker_version], sort_keys=True).encode()
            ).hexdigest()
            jobs.append(Job(scene, params, quality, fmt, media, stem, key, theme,
                            speaker.name))
    return list(dict.fromkeys(jobs))  # a sweep value equal to another: rendered once
