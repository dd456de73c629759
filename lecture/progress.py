"""How far each render has got: the events :func:`lecture.pipeline.execute` passes on, and
the live terminal display of ``./render.sh``.

A worker rewrites ``<work>/progress.json`` (``{"frames": N}``, whole, a few times a
second); the parent reads it while it polls its workers, never waiting on it, and passes
each change on as a :class:`Progress` event. The total is an estimate: the frames of the
scene's last clip at this quality (its sidecar's duration times the frame rate), else
ESTIMATED_SECONDS of clip; it grows as a render runs past it.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lecture.jobs import QUALITY_DIRS, Job

if TYPE_CHECKING:
    from lecture.runner import Outcome

__all__ = ["ESTIMATED_SECONDS", "LiveDisplay", "Progress", "ProgressCallback", "estimated_frames",
           "read_frames"]

ESTIMATED_SECONDS = 45.0  # a typical clip, for a scene never rendered at this quality


@dataclass(frozen=True)
class Progress:
    """One event of one job's render, as passed to ``execute(..., on_progress=...)``.

    ``event`` is "started" (the worker process began; frames 0), "frames" (more frames
    were written since the last event), or "finished" (``outcome`` says how it ended).
    ``frames`` counts the clip's frames written so far; ``total`` is the estimated frame
    count of the whole clip (never below ``frames``; exact once "finished" with status
    "rendered"); ``elapsed`` is seconds since the job started, ``warmup`` the part of them
    before the first frames were reported (imports, numbers, LaTeX: not a frame rate).
    """

    job: Job
    event: str
    frames: int = 0
    total: int = 0
    elapsed: float = 0.0
    outcome: Outcome | None = None
    warmup: float = 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far, or None before the first frames."""
        if self.event == "finished":
            return 0.0
        if self.frames <= 0:
            return None
        return (self.elapsed - self.warmup) * max(self.total - self.frames, 0) / self.frames


ProgressCallback = Callable[[Progress], None]


def fps(quality: str) -> int:
    return int(QUALITY_DIRS[quality].split("p")[1])


def estimated_frames(job: Job) -> int:
    """The frames of the scene's last clip at this quality (this variant's, else any of
    the scene's), else ESTIMATED_SECONDS worth."""
    candidates = [job.sidecar, *sorted(job.out_dir.glob(f"{job.scene.stem}*.json"))]
    for sidecar in candidates:
        try:
            return max(1, round(json.loads(sidecar.read_text(encoding="utf-8"))["duration_s"]
                                * fps(job.quality)))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return round(ESTIMATED_SECONDS * fps(job.quality))


def read_frames(progress_file: Path) -> int:
    """The frame count a worker last reported (0 before its first report)."""
    try:
        return int(json.loads(progress_file.read_text(encoding="utf-8"))["frames"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


class LiveDisplay:
    """The terminal display of a run, with ``rich``: one line per running scene (id, frames
    done of its estimated total, elapsed, time left) under an overall bar of clips done of
    all (time left: at the rate so far, counting each running clip's share of its frames).

    Use as a context manager around ``execute`` and pass :meth:`update` as ``on_progress``
    (and :meth:`done` for each clip that needs no render). While it runs, lines printed to
    a terminal's stdout scroll above the live lines (rich redirects them); printed to a
    pipe they go there untouched.
    """

    def __init__(self, clips: int, stream: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bars

        self.console = Console(file=stream, stderr=stream is None)
        self.bars = Bars(TextColumn("{task.description:<30}"), BarColumn(bar_width=24),
                         MofNCompleteColumn(), TextColumn("{task.fields[unit]}"),
                         TimeElapsedColumn(), TextColumn("elapsed, {task.fields[left]} left"),
                         console=self.console, refresh_per_second=8,
                         redirect_stdout=sys.stdout.isatty(), redirect_stderr=False)
        self.overall = self.bars.add_task("all clips", total=clips, unit="clips",
                                          left="-:--:--")
        self.running: dict[Job, tuple[Any, Progress]] = {}  # task and last event
        self.started = time.perf_counter()
        self.finished = 0  # clips done, rendered or cached

    def __enter__(self) -> LiveDisplay:
        self.bars.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.bars.stop()

    def done(self) -> None:
        """A clip that needed no render (cached) counts as done."""
        self.finished += 1
        self._overall()

    def update(self, event: Progress) -> None:
        if event.event == "started":
            task = self.bars.add_task(event.job.stem.split("_", 1)[1],  # without its number
                                      total=event.total, unit="frames", left="-:--:--")
            self.running[event.job] = (task, event)
        if event.job not in self.running:
            return
        task = self.running[event.job][0]
        if event.event == "finished":
            self.bars.remove_task(task)
            del self.running[event.job]
            self.finished += 1
        else:
            self.running[event.job] = (task, event)
            self.bars.update(task, completed=event.frames, total=event.total,
                             left=clock(event.eta))
        self._overall()

    def _overall(self) -> None:
        shares = self.finished + sum(e.frames / e.total for _, e in self.running.values()
                                     if e.total)
        total = self.bars.tasks[self.overall].total or 1
        left = ((time.perf_counter() - self.started) * (total - shares) / shares
                if shares > 0 else None)
        self.bars.update(self.overall, completed=self.finished, left=clock(left))


def clock(seconds: float | None) -> str:
    """0:01:05, as rich writes times; -:--:-- when not known yet."""
    if seconds is None:
        return "-:--:--"
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
