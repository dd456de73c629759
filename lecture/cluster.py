"""Rendering on a Dask ``distributed`` cluster, for when one machine is not enough.

``./render.sh ... --scheduler tcp://HOST:8786`` (or ``LECTURE_SCHEDULER``) sends each scene
job to the cluster; ``--scheduler local:N`` starts a ``LocalCluster`` of N worker processes
to try it on one machine. Planning, validation and the cache check stay here on the client,
so only scenes that changed are sent. Workers need no shared file system: a job runs the
same ``python -m lecture.worker`` as a local render, in a private temporary folder on the
worker, and returns its finished files (a few MB) to the client, which moves them into
``media/lecture/`` with the same all-or-nothing commit as a local render. The LaTeX caches
travel with the job and come back with any SVGs it compiled.

A worker that dies mid-job loses only its temporary folder: Dask gives the job to another
worker, and nothing reaches ``media/`` until a whole set of files has arrived.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lecture.jobs import ROOT, Job, UsageError
from lecture.params import show
from lecture.progress import Progress, ProgressCallback, estimated_frames
from lecture.runner import Outcome, StopFlag, job_payload, worker_command, worker_env
from lecture.staging import WorkFolder, commit, write_whole
from lecture.worker import (
    CACHES, ENVIRONMENT_ERRNOS, EXIT_ENVIRONMENT, hand_over, read_environment_error,
)

__all__ = ["RemoteRenderFailed", "check_scheduler", "connect", "remote_render",
           "render_on_dask"]

RETRIES = 2
POLL_SECONDS = 0.1


class RemoteRenderFailed(RuntimeError):
    """The worker process of a remote job failed; the message holds its log."""


def remote_render(payload: dict[str, Any], caches: dict[str, bytes],
                  result: Any = None) -> dict[str, Any]:
    """Run on a Dask worker: render one job in a private temporary folder.

    ``payload`` is the job as :func:`lecture.runner.job_payload` writes it; its folders are
    replaced by fresh ones here. ``caches`` (lecture.worker.CACHES) travel with the job
    (synthesis is not bit-for-bit repeatable, so a line said once keeps its length on every
    worker), and so does the planner's ``result`` (None: the worker computes it). Returns
    ``{"files": {name: bytes}, "log": text, "caches": {name: bytes}}``.
    """
    with tempfile.TemporaryDirectory(prefix="lecture-remote-") as tmp:
        root = Path(tmp)
        work, media, log = root / "work", root / "media", root / "render.log"
        work.mkdir()
        media.mkdir()
        for name, data in caches.items():
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_bytes(data)
        payload = {**payload, "work": str(work), "media_dir": str(media), "log": str(log),
                   "parent": os.getpid(), "progress_bar": "none",
                   "result": hand_over(result, work)}
        code = subprocess.run(worker_command(payload), cwd=ROOT, env=worker_env(),
                              stdin=subprocess.DEVNULL).returncode
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if code == EXIT_ENVIRONMENT:  # the worker machine's disk: tried elsewhere, then said
            raise read_environment_error(work, root)
        if code != 0:
            raise RemoteRenderFailed(f"{payload['scene']}: worker exit {code}\n{text[-4000:]}")
        compiled = {str(p.relative_to(media)): p.read_bytes()
                    for folder, pattern in CACHES.items() for p in (media / folder).glob(pattern)
                    if str(p.relative_to(media)) not in caches}
        return {"files": {p.name: p.read_bytes() for p in (work / "out").iterdir()},
                "log": text, "caches": compiled}


SCHEDULER_FORMS = "local:N with N from 1 to 64, or tcp://HOST:PORT (tls:// too)"


def check_scheduler(address: str) -> int:
    """Check a scheduler address before anything is planned: "" (local processes),
    ``local:N`` or ``tcp://HOST:PORT``; returns N for ``local:N`` (else 0). Raises
    UsageError, so a typo is one line and exit 2, not a traceback after planning."""
    if not address:
        return 0
    where = f"--scheduler (or LECTURE_SCHEDULER) = {show(address)}"
    local = re.fullmatch(r"local:([0-9]{1,2})", address)
    if local and 1 <= int(local[1]) <= 64:
        return int(local[1])
    remote = re.fullmatch(r"(tcp|tls)://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})",
                          address)
    if remote and 1 <= int(remote[3]) <= 65535:
        return 0
    raise UsageError(f"{where}: must be {SCHEDULER_FORMS}")


def connect(address: str):
    """A Dask client for ``tcp://HOST:PORT`` or a new ``local:N`` cluster (closed with it)."""
    from distributed import Client, LocalCluster

    workers = check_scheduler(address)
    if workers:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.CRITICAL)
        client = Client(cluster)
        client._lecture_cluster = cluster  # closed with the client
        return client
    try:
        return Client(address, timeout="20s")
    except OSError as exc:
        raise OSError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def _read_caches(media: Path) -> dict[str, bytes]:
    return {str(p.relative_to(media)): p.read_bytes()
            for folder, pattern in CACHES.items() for p in (media / folder).glob(pattern)}


def _receive(job: Job, reply: dict[str, Any], started: float) -> Outcome:
    """Move a remote job's files in, all or nothing, and keep its log and LaTeX output."""
    work = WorkFolder.create(job.media / ".work", job.stem)
    try:
        out = work.path / "out"
        out.mkdir()
        for name, data in reply["files"].items():
            (out / name).write_bytes(data)
        commit(out, job.out_dir, work.path)
    finally:
        work.release()
    job.log.parent.mkdir(parents=True, exist_ok=True)
    job.log.write_text(reply["log"], encoding="utf-8")
    for name, data in reply["caches"].items():
        target = job.media / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_whole(target, data)
    return Outcome(job, "rendered", time.perf_counter() - started, 0)


def render_on_dask(jobs: list[Job], address: str,
                   on_finish: Callable[[Outcome], None] = lambda outcome: None,
                   on_progress: ProgressCallback | None = None
                   ) -> tuple[list[Outcome], int]:
    """Render ``jobs`` on the cluster at ``address``; the same contract as
    :func:`lecture.runner.render_locally` (outcomes, and the signal that stopped the run).
    Progress events are "started" when a job is sent and "finished" when its files are in
    (a remote worker's frame count does not travel back while it runs)."""
    if not jobs:
        return [], 0
    client = connect(address)
    outcomes: list[Outcome] = []
    try:
        caches = _read_caches(jobs[0].media)
        started = time.perf_counter()
        report = on_progress or (lambda event: None)
        pending = {client.submit(remote_render, job_payload(job, Path(), Path(), Path()), caches,
                                 job.result, retries=RETRIES, pure=False): job for job in jobs}
        totals = {job: estimated_frames(job) for job in jobs}
        for job in jobs:
            report(Progress(job, "started", 0, totals[job]))
        with StopFlag() as stop:
            while pending and not stop.signum:
                for future in [f for f in pending if f.done()]:
                    job = pending.pop(future)
                    try:
                        outcome = _receive(job, future.result(), started)
                    except Exception as exc:  # the render failed on every try
                        if isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS:
                            raise  # a full disk, as in a local render: one line, exit 1
                        job.log.parent.mkdir(parents=True, exist_ok=True)
                        job.log.write_text(str(exc), encoding="utf-8")
                        outcome = Outcome(job, "failed", time.perf_counter() - started, 1)
                    outcomes.append(outcome)
                    on_finish(outcome)
                    done = estimated_frames(job) if outcome.status == "rendered" else 0
                    report(Progress(job, "finished", done, max(done, totals[job]),
                                    outcome.seconds, outcome))  # the new sidecar's count
                time.sleep(POLL_SECONDS)
            if stop.signum:
                for future, job in pending.items():
                    future.cancel()
                    outcomes.append(Outcome(job, "stopped"))
        return outcomes, stop.signum
    finally:
        cluster = getattr(client, "_lecture_cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()
