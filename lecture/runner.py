"""Run render jobs in worker processes on this machine, and stop cleanly when asked.

Each job gets a private work folder and a ``python -m lecture.worker`` process in its own
process group (so a terminal's Ctrl-C reaches only this parent, which decides). When a
worker succeeds, its files are moved in by :func:`lecture.staging.commit`; when it fails
or is stopped, its folder is rolled back and removed. On SIGINT or SIGTERM no new job
starts, running workers are sent SIGTERM, and the run reports what finished.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lecture import warm
from lecture.jobs import ROOT, Job
from lecture.progress import Progress, ProgressCallback, estimated_frames, read_frames
from lecture.staging import WorkFolder, commit
from lecture.worker import EXIT_ENVIRONMENT, PROGRESS_NAME, hand_over, read_environment_error

__all__ = [
    "Interrupted", "Outcome", "StopFlag", "describe_planning_stop", "describe_stop",
    "job_payload", "log_file", "prestart", "raising_on_signals", "render_locally", "run_env",
    "thread_share", "worker_command", "worker_env",
]

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
POLL_SECONDS = 0.05
GRACE_SECONDS = 20.0  # a stopped worker that has not exited by then is killed


@dataclass(frozen=True)
class Outcome:
    job: Job
    status: str  # "rendered", "failed", "stopped" or "not started"
    seconds: float = 0.0
    exit_code: int | None = None


@dataclass
class _Running:
    job: Job
    process: subprocess.Popen
    work: WorkFolder
    start: float
    total: int = 0  # estimated frames of the clip
    frames: int = 0  # frames reported so far
    warmup: float = 0.0  # seconds until the first frames were reported

    def progress(self, event: str, outcome: Outcome | None = None) -> Progress:
        """The event, with the frames the worker last reported (the estimate raised to
        them; on a finished render, its exact count)."""
        elapsed = time.perf_counter() - self.start
        self.frames = read_frames(self.work.path / PROGRESS_NAME) or self.frames
        if self.frames and not self.warmup:
            self.warmup = elapsed
        if outcome is not None and outcome.status == "rendered":
            self.total = self.frames
        self.total = max(self.total, self.frames)
        return Progress(self.job, event, self.frames, self.total, elapsed, outcome, self.warmup)


class StopFlag:
    """SIGINT/SIGTERM handlers that only record the signal; the loop acts on it."""

    def __init__(self) -> None:
        self.signum = 0
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopFlag:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._record)
        return self

    def _record(self, signum: int, _frame: object) -> None:
        self.signum = self.signum or signum

    def __exit__(self, *_: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived while :func:`raising_on_signals` was in force (a
    BaseException, as KeyboardInterrupt is: no `except Exception` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def raising_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` inside this block, for work that
    writes nothing and so has nothing to stop cleanly (planning: computing the numbers of
    every scene, which can take long), so the command line can say so in one line
    instead of a KeyboardInterrupt traceback, or nothing at all for SIGTERM."""
    def interrupt(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, interrupt)
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def job_payload(job: Job, work: Path, media: Path, log: Path, progress_bar: str = "none"
                ) -> dict[str, Any]:
    """What ``python -m lecture.worker`` needs to render ``job`` into ``work``/out, with the
    LaTeX caches of ``media`` and its output in ``log``."""
    return {"scene": job.scene.id, "params": job.params.as_dict(), "quality": job.quality,
            "format": job.fmt, "theme": job.theme, "voice": job.voice, "media_dir": str(media),
            "work": str(work), "stem": job.stem, "cache_key": job.cache_key, "log": str(log),
            "parent": os.getpid(), "progress_bar": progress_bar}


def log_file(job: Job, preview: bool = False) -> Path:
    """Where a job's worker writes what it prints (a preview beside the render's log)."""
    return job.log.with_suffix(".preview.log") if preview else job.log


def worker_command(payload: dict[str, Any]) -> list[str]:
    return [sys.executable, "-m", "lecture.worker", json.dumps(payload)]


def worker_env(threads: int = 1) -> dict[str, str]:
    """Parallelism is across scenes: each worker gets ``threads`` threads for torch, BLAS and
    the voice (onnxruntime), its share of the cores, so workers side by side do not
    oversubscribe them."""
    return {**os.environ, **{name: str(threads) for name in THREAD_VARIABLES}}


def run_env(workers: int, jobs: int) -> dict[str, str]:
    """The environment of every worker of a local run of ``jobs`` jobs, ``workers`` at once."""
    return worker_env(thread_share(workers, jobs))


def prestart(workers: int, jobs: int) -> None:
    """Start the warm process of a local run of ``jobs`` renders now, in the environment
    its workers will get: it imports Manim (a second or more) while the planner computes."""
    warm.start(run_env(workers, jobs), ROOT)


def thread_share(workers: int, jobs: int) -> int:
    """Each of the workers that will run at once gets an equal share of the cores."""
    return max(1, (os.cpu_count() or 1) // max(1, min(workers, jobs)))


def _start(job: Job, progress_bar: str, preview: bool, env: dict[str, str]) -> _Running:
    work = WorkFolder.create(job.media / ".work", job.stem)
    job.log.parent.mkdir(parents=True, exist_ok=True)
    log = log_file(job, preview)
    payload = {**job_payload(job, work.path, job.media, log, progress_bar), "preview": preview,
               "result": hand_over(job.result, work.path)}
    start = time.perf_counter()  # a warm process started for this job counts too
    # Forked from a warm process: Manim and the rest imported once per run, not per job
    # (lecture/warm.py); a voiced render masters its audio (lecture/audio.py).
    from lecture import audio  # here: a run with nothing to render imports none of it

    needs = () if preview or job.voice == "none" else audio.MODULES
    process = warm.spawn(payload, env, ROOT, needs)
    return _Running(job, process, work, start, 0 if preview else estimated_frames(job))


def _finish(run: _Running, code: int) -> Outcome:
    """Move a finished render in (or roll back a failed one) and free its folder.

    Raises OSError when the worker met a full or read-only disk: the run stops there
    (render_locally stops the other workers) and the command line says so in one line.
    """
    staged = run.work.path / "out"
    try:
        if code == EXIT_ENVIRONMENT:  # a full disk: one line for the run, not a FAILED
            raise read_environment_error(run.work.path, run.job.media)
        if code == 0:
            commit(staged, run.job.out_dir, run.work.path)
    finally:
        run.work.release()
    status = "rendered" if code == 0 else "failed"
    return Outcome(run.job, status, time.perf_counter() - run.start, code)


def _stop(running: list[_Running]) -> list[Outcome]:
    for run in running:
        _signal_group(run.process, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    outcomes = []
    for run in running:
        try:
            run.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(run.process, signal.SIGKILL)
            run.process.wait()
        run.work.release()
        outcomes.append(Outcome(run.job, "stopped", time.perf_counter() - run.start,
                                run.process.returncode))
    return outcomes


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def render_locally(jobs: list[Job], workers: int,
                   on_finish: Callable[[Outcome], None] = lambda outcome: None,
                   on_progress: ProgressCallback | None = None, preview: bool = False
                   ) -> tuple[list[Outcome], int]:
    """Render ``jobs`` with up to ``workers`` processes at once (``preview``: write each
    job's preview contact sheet instead, see :func:`lecture.worker.preview_job`).

    Returns every job's outcome (in the order they ended, then the unstarted ones) and the
    signal that stopped the run (0 if none). ``on_finish`` is called as each job ends;
    ``on_progress`` with each :class:`lecture.progress.Progress` event (and then Manim's
    own progress bar is off: the caller draws).
    """
    pending, running, outcomes = list(jobs), [], []
    env = run_env(workers, len(jobs))
    report = on_progress or (lambda event: None)
    bar = "display" if sys.stderr.isatty() and on_progress is None else "none"
    with StopFlag() as stop:
        try:
            while (pending or running) and not stop.signum:
                while pending and len(running) < workers and not stop.signum:
                    running.append(_start(pending.pop(0), bar, preview, env))
                    report(running[-1].progress("started"))
                for run in running:
                    if run.process.poll() is None and read_frames(
                            run.work.path / PROGRESS_NAME) != run.frames:
                        report(run.progress("frames"))
                for run in [r for r in running if r.process.poll() is not None]:
                    running.remove(run)
                    run.progress("frames")  # the final count, before the folder goes
                    outcomes.append(_finish(run, run.process.returncode))
                    on_finish(outcomes[-1])
                    report(run.progress("finished", outcomes[-1]))
                if running:
                    time.sleep(POLL_SECONDS)
        finally:  # a signal, or an error such as a full disk: stop the rest cleanly
            outcomes += _stop(running)
            outcomes += [Outcome(job, "not started") for job in pending]
    return outcomes, stop.signum


def describe_planning_stop(signum: int) -> str:
    """One line for a run stopped while its scenes' numbers were computed."""
    return (f"interrupted by {signal.Signals(signum).name} while computing the scenes' "
            "numbers, before any render: nothing rendered, nothing changed")


def describe_stop(outcomes: list[Outcome], signum: int) -> str:
    """One line for the terminal: what finished and what did not."""
    def names(status: str) -> str:
        return ", ".join(o.job.scene.id for o in outcomes if o.status == status) or "none"

    done = sum(o.status == "rendered" for o in outcomes)
    return (f"interrupted by {signal.Signals(signum).name}: {done} of {len(outcomes)} clips "
            f"rendered ({names('rendered')}); stopped: {names('stopped')}; "
            f"not started: {names('not started')}")
