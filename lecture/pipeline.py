"""One render request, from the command line or from Python, planned and carried out the same way.

:func:`plan` checks every parameter (and computes the scenes about to render, so values
without a finite answer are refused before anything renders) and names every output;
:func:`execute` repairs unfinished moves, skips cached clips, renders the rest on local
worker processes or on a Dask cluster, writes sweep summaries, joins the lecture, writes
the slides (``slides=True``) and the gallery. ``./render.sh`` (lecture/cli.py) and
``lecture.render`` (lecture/api.py) are thin layers over these two functions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from lecture.assemble import Assembly, assemble
from lecture.catalog import SECTIONS
from lecture.faults import checkpoint
from lecture.gallery import write_gallery
from lecture.jobs import QUALITY_DIRS, ROOT, Job, Sweeps, plan_jobs
from lecture.progress import ProgressCallback
from lecture.runner import Outcome, prestart, render_locally
from lecture.slides import plan_decks, write_decks
from lecture.staging import clean_stale, write_changed
from lecture.texbatch import warm as warm_tex

__all__ = ["Request", "Result", "default_media", "execute", "plan", "sweep_summaries"]

KEY_NUMBERS = 8


def default_media() -> Path:
    """LECTURE_MEDIA_DIR (relative to the current folder) or the project's media/."""
    chosen = os.environ.get("LECTURE_MEDIA_DIR", "").strip()
    return Path(chosen).resolve() if chosen else ROOT / "media"


@dataclass(frozen=True)
class Request:
    """What to render, and how."""

    targets: tuple[str, ...] = ()
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sweeps: Sweeps = field(default_factory=dict)
    quality: str = "m"
    fmt: str = "mp4"
    theme: str = "dark"
    force: bool = False
    workers: int = os.cpu_count() or 1
    media: Path = field(default_factory=default_media)
    scheduler: str = ""  # "" local processes; "local:N" or "tcp://HOST:PORT": Dask
    slides: bool = False  # also the decks of lecture/slides.py
    voice: str = "joe"  # "none": silent clips, paced by their animations alone

    @property
    def folder(self) -> Path:
        return self.media / "lecture" / QUALITY_DIRS[self.quality]


@dataclass
class Result:
    jobs: list[Job]
    outcomes: list[Outcome] = field(default_factory=list)
    signum: int = 0
    assembly: Assembly | None = None
    gallery: Path | None = None
    sweeps: list[Path] = field(default_factory=list)
    decks: list[Path] = field(default_factory=list)  # each deck's HTML, with --slides

    @property
    def ok(self) -> bool:
        return not self.signum and all(o.status == "rendered" for o in self.outcomes)


def plan(request: Request) -> list[Job]:
    """Every job of the request, checked; raises ParamError or UsageError on bad input.

    Options first (the scheduler's address too), then every parameter, then the numbers
    of every scene about to render: nothing is computed for a request that is refused.
    Each job to render carries its result (``Job.result``) to its worker, which does not
    compute it again. A cached clip is not computed: its cache key says it was computed,
    and checked, with these very parameters before (its sidecar holds the numbers).
    """
    from lecture.cluster import check_scheduler

    check_scheduler(request.scheduler)
    targets = list(request.targets)
    if request.slides:  # a section's deck opens with its title card
        targets += [f"card_{s.id}" for s in SECTIONS if s.id in targets]
    jobs = plan_jobs(targets, {k: dict(v) for k, v in request.overrides.items()},
                     request.quality, request.fmt, request.media, request.sweeps,
                     request.theme, request.voice)
    if request.slides:
        plan_decks(request.targets, jobs)  # refuses what cannot be a deck
    todo = [index for index, job in enumerate(jobs) if request.force or not job.is_cached()]
    if todo and not request.scheduler:  # Manim is imported there while the numbers are computed
        prestart(request.workers, len(todo))
    for index in todo:  # values that pass every check yet have no finite answer
        checkpoint("plan", request.media)
        jobs[index] = replace(jobs[index], result=jobs[index].scene.computed(jobs[index].params))
    return jobs


def execute(request: Request, jobs: list[Job],
            on_cached: Callable[[Job], None] = lambda job: None,
            on_finish: Callable[[Outcome], None] = lambda outcome: None,
            on_progress: ProgressCallback | None = None) -> Result:
    """Render what is not cached, then sweep summaries, the joined lecture and the gallery.

    ``on_cached`` is called for each job that needs no render, ``on_finish`` as each render
    ends, and ``on_progress`` (if given) with every :class:`lecture.progress.Progress`
    event of every render: "started", "frames" (frames written / estimated total, a few
    times a second; on Dask only started and finished), "finished" (with the outcome).
    Called in this thread, between polls of the workers: keep it quick. Raises OSError for
    a problem of the environment (a folder that cannot be written).
    """
    clean_stale(request.media / ".work")  # first: an unfinished move is rolled back
    todo = [job for job in jobs if request.force or not job.is_cached()]
    for job in jobs:
        if job not in todo:
            on_cached(job)
    warm_tex({job.scene.id for job in todo}, request.media / "Tex")  # one latex run for all
    if request.scheduler:
        from lecture.cluster import render_on_dask

        outcomes, signum = render_on_dask(todo, request.scheduler, on_finish, on_progress)
    else:
        outcomes, signum = render_locally(todo, request.workers, on_finish, on_progress)
    result = Result(jobs, outcomes, signum)
    if not result.ok:
        return result
    result.sweeps = sweep_summaries(request, jobs)
    if request.folder.is_dir():
        result.assembly = assemble(request.folder)
        if request.slides:
            result.decks = write_decks(request.folder, plan_decks(request.targets, jobs),
                                       request.media)
        result.gallery = write_gallery(request.folder)
    return result


def sweep_summaries(request: Request, jobs: list[Job]) -> list[Path]:
    """For each swept parameter, ``sweeps/<scene>.<param>.json`` in the quality folder:
    the value, stem, parameters and key numbers (keyframes of at most KEY_NUMBERS numbers)
    of every variant, in the order given."""
    written = []
    for scene_id, swept in request.sweeps.items():
        variants = [job for job in jobs if job.scene.id == scene_id]
        for name in swept:
            rows = []
            for job in variants:
                sidecar = json.loads(job.sidecar.read_text(encoding="utf-8"))
                rows.append({"value": sidecar["params"][name], "stem": job.stem,
                             "clip": job.clip.relative_to(request.folder).as_posix(),
                             "params": sidecar["params"],
                             "key_numbers": {k: v for k, v in sidecar["keyframes"].items()
                                             if np.size(v) <= KEY_NUMBERS}})
            path = request.folder / "sweeps" / f"{scene_id}.{name}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_changed(path, json.dumps({"scene": scene_id, "param": name,
                                            "quality": request.quality, "variants": rows},
                                           indent=1))
            written.append(path)
    return written
