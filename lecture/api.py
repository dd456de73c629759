"""The lecture from Python (a notebook, a script): ``from lecture import render, scenes``.

    >>> from lecture import render, scenes
    >>> [s.id for s in scenes()][:2]
    ['mc_mean_convergence', 'mc_nonlinear_expectation']
    >>> clip, = render("cov_tanh", quality="l", transform="sigmoid(2*x)")  # doctest: +SKIP
    >>> clip.keyframes["density"].max()                                    # doctest: +SKIP

Same planning, validation, cache and atomic outputs as ``./render.sh`` (both go through
:mod:`lecture.pipeline`). Bad input raises :class:`BadInput`, whose message is the one line
the command line prints before exiting with status 2.
"""

from __future__ import annotations

import base64
import html
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lecture.catalog import SCENES, resolve_targets
from lecture.jobs import Job, UsageError, check_sweeps
from lecture.params import ParamError, from_numpy, show
from lecture.pipeline import Request, Result, default_media, execute, plan
from lecture.previews import preview as run_preview
from lecture.previews import preview_file
from lecture.runner import log_file

__all__ = ["BadInput", "Clip", "Parameter", "RenderFailed", "SceneInfo", "preview", "render",
           "scenes"]

INLINE_LIMIT = 25_000_000  # bytes of video shown inline in a notebook; larger ones are linked


class BadInput(ValueError):
    """A parameter, target or option that is not allowed; ``str()`` is the one-line message."""


class RenderFailed(RuntimeError):
    """A render failed or was stopped (not bad input): the message names the logs."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    allowed: str
    help: str


@dataclass(frozen=True)
class SceneInfo:
    id: str
    number: int
    section: str
    title: str
    summary: str
    parameters: tuple[Parameter, ...]


def scenes() -> list[SceneInfo]:
    """Every scene of the lecture with its typed parameters, defaults and constraints."""
    return [SceneInfo(s.id, s.number, s.section, s.title, s.summary, tuple(
        Parameter(f.name, f.default, f.metadata["kind"].describe(), f.metadata["help"])
        for f in s.params.fields())) for s in SCENES]


@dataclass(frozen=True)
class Clip:
    """A rendered clip: its files, its parameters and the numbers it shows."""

    scene: str
    title: str
    video: Path
    sidecar: Path
    captions: Path  # WebVTT
    subtitles: Path  # SubRip
    poster: Path
    storyboard: Path
    params: dict[str, Any]
    keyframes: dict[str, Any]  # numbers as NumPy arrays (nested lists as arrays too)
    duration_s: float

    @classmethod
    def from_job(cls, job: Job) -> Clip:
        data = json.loads(job.sidecar.read_text(encoding="utf-8"))
        base = job.sidecar.with_suffix("")
        return cls(job.scene.id, data["title"], job.clip, job.sidecar,
                   base.with_suffix(".vtt"), base.with_suffix(".srt"),
                   base.with_suffix(".png"), base.with_suffix(".storyboard.png"),
                   data["params"], {k: _array(v) for k, v in data["keyframes"].items()},
                   data["duration_s"])

    def _source(self, path: Path, mime: str) -> str:
        """A data URI (the notebook keeps working when media/ is elsewhere), or a path."""
        if path.stat().st_size <= INLINE_LIMIT:
            return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"
        return os.path.relpath(path)

    def _repr_html_(self) -> str:
        video_type = {".mp4": "video/mp4", ".webm": "video/webm"}.get(self.video.suffix)
        if video_type is None:  # a GIF is an image
            return f'<img src="{self._source(self.video, "image/gif")}" alt="">'
        track = (f'<track kind="captions" srclang="en" label="English" default '
                 f'src="{self._source(self.captions, "text/vtt")}">'
                 if self.captions.exists() else "")
        return (f"<figure><video controls preload=\"metadata\" style=\"max-width:100%\" "
                f'poster="{self._source(self.poster, "image/png")}">'
                f'<source src="{self._source(self.video, video_type)}" type="{video_type}">'
                f"{track}</video><figcaption>{html.escape(self.title)} "
                f"({self.duration_s:.1f} s)</figcaption></figure>")


def _array(value: Any) -> Any:
    """A keyframe as NumPy: numbers and nested lists of numbers become float arrays (JSON
    null, an infinite condition number, becomes inf); names stay as they are."""
    def infinite(v: Any) -> Any:
        return [infinite(x) for x in v] if isinstance(v, list) else (np.inf if v is None else v)

    if isinstance(value, list):
        try:
            return np.array(infinite(value), dtype=float)
        except (TypeError, ValueError):
            return value
    return value


def _checked(targets: Any, params: Any, sweep: Any, jobs: Any, media: Any, scheduler: Any,
             force: Any) -> tuple[list[str], dict[str, dict[str, Any]], dict[str, Any]]:
    """Every argument of :func:`render` whose type is wrong, refused before anything is
    planned (a UsageError, which render turns into BadInput): the targets, the parameter
    and sweep tables, jobs (an integer from 1 to 64, as ``-j``), media, scheduler, force.
    Returns the targets as a list and the tables as plain dicts, NumPy values as lists."""
    if targets is None or isinstance(targets, str):
        names = [] if targets is None else [targets]
    elif isinstance(targets, (list, tuple)) and all(isinstance(t, str) for t in targets):
        names = list(targets)
    else:
        raise UsageError(f"targets = {show(from_numpy(targets))}: must be a scene or section "
                         "id, a list of them, or None (the whole lecture)")
    if params is not None and not (isinstance(params, Mapping) and all(
            isinstance(v, Mapping) for v in params.values())):
        raise UsageError(f"params = {show(from_numpy(params))}: must be a table of scenes, each "
                         'a table of parameters, e.g. {"cov_tanh": {"transform": "tanh(x)"}}')
    table = {scene: dict(values) for scene, values in (params or {}).items()}
    sweeps = _plain(sweep) if sweep is not None else {}
    check_sweeps(sweeps, "sweep")
    jobs = from_numpy(jobs)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int)
                             or not 1 <= jobs <= 64):
        raise UsageError(f"jobs = {show(jobs)}: must be an integer from 1 to 64, or None "
                         "(the number of cores)")
    if media is not None and not isinstance(media, (str, os.PathLike)):
        raise UsageError(f"media = {show(from_numpy(media))}: must be a folder path, or None")
    if scheduler is not None and not isinstance(scheduler, str):
        raise UsageError(f"scheduler = {show(from_numpy(scheduler))}: must be a string, "
                         "local:N or tcp://HOST:PORT, or None")
    if not isinstance(force, (bool, np.bool_)):
        raise UsageError(f"force = {show(from_numpy(force))}: must be True or False")
    return names, table, sweeps


def _plain(value: Any) -> Any:
    """Mappings as dicts, all the way down, and NumPy values as plain ones."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return from_numpy(value)


def _request(targets: str | list[str] | None, quality: str,
             params: Mapping[str, Mapping[str, Any]] | None,
             sweep: Mapping[str, Mapping[str, list[Any]]] | None, fmt: str, theme: str,
             voice: str, force: bool, jobs: int | None, media: str | Path | None,
             scheduler: str | None, slides: bool, overrides: dict[str, Any]
             ) -> tuple[Request, list[Job]]:
    """The request of a :func:`render` or :func:`preview` call, planned; raises BadInput."""
    try:
        names, table, sweeps = _checked(targets, params, sweep, jobs, media, scheduler, force)
        if overrides:
            chosen = resolve_targets(names) if names else []
            if len(chosen) != 1:
                raise UsageError(f"{', '.join(overrides)}: parameters given by keyword need "
                                 f"exactly one target scene (got {len(chosen)}); use params="
                                 "{scene: {...}} for several")
            table.setdefault(chosen[0].id, {}).update(overrides)
        request = Request(tuple(names), table, sweeps, quality, fmt, theme, bool(force),
                          int(jobs) if jobs is not None else os.cpu_count() or 1,
                          Path(media).resolve() if media else default_media(),
                          scheduler if scheduler is not None
                          else os.environ.get("LECTURE_SCHEDULER", ""),
                          slides=slides, voice=voice)
        return request, plan(request)
    except (UsageError, ParamError) as exc:
        raise BadInput(str(exc)) from None


def _check(result: Result, preview: bool = False) -> None:
    """Raise RenderFailed naming the log of every job that did not finish."""
    if not result.ok:
        failed = [o for o in result.outcomes if o.status != "rendered"]
        raise RenderFailed("; ".join(f"{o.job.scene.id} {o.status} "
                                     f"(log: {log_file(o.job, preview)})" for o in failed))


def render(targets: str | list[str] | None = None, *, quality: str = "m",
           params: Mapping[str, Mapping[str, Any]] | None = None,
           sweep: Mapping[str, Mapping[str, list[Any]]] | None = None, fmt: str = "mp4",
           theme: str = "dark", voice: str = "joe", force: bool = False, jobs: int | None = None,
           media: str | Path | None = None, scheduler: str | None = None, slides: bool = False,
           **overrides: Any) -> list[Clip]:
    """Render scenes (ids, a section, or the whole lecture for None) and return their clips.

    ``render("cov_tanh", quality="l", transform="sigmoid(2*x)")`` sets parameters of a single
    scene by keyword; ``params={"cov_tanh": {...}, "mc_concentration": {...}}`` sets them for
    several; ``sweep={"cov_tanh": {"transform": ["tanh(x)", "sigmoid(2*x)"]}}`` renders one
    variant per value. ``voice="none"`` renders silent clips (their own variant).
    ``scheduler`` ("local:N" or "tcp://HOST:PORT") renders on Dask. ``slides=True`` also
    writes the decks (``<quality>/slides/``) as ``--slides`` does.
    Cached clips are not rendered again (``force=True`` does). Raises :class:`BadInput`.
    """
    request, planned = _request(targets, quality, params, sweep, fmt, theme, voice, force, jobs,
                                media, scheduler, slides, overrides)
    _check(execute(request, planned))
    return [Clip.from_job(job) for job in planned if job.scene.section != "cards"]


def preview(targets: str | list[str] | None = None, *, quality: str = "l",
            params: Mapping[str, Mapping[str, Any]] | None = None,
            sweep: Mapping[str, Mapping[str, list[Any]]] | None = None, fmt: str = "mp4",
            theme: str = "dark", jobs: int | None = None, media: str | Path | None = None,
            **overrides: Any) -> list[Path]:
    """The preview contact sheet (the last frame of every step) of each scene ``render``
    with the same arguments would render, in seconds: its paths, in the same order.

    Quality "l" (854x480) unless asked; the same checks as :func:`render` (raises
    :class:`BadInput`); no clip is rendered and nothing is cached.
    """
    request, planned = _request(targets, quality, params, sweep, fmt, theme, "joe", False, jobs,
                                media, "", False, overrides)
    _check(run_preview(request, planned), preview=True)
    return [preview_file(job) for job in planned]
