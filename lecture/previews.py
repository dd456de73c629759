"""A preview of a render: the last frame of every step of a scene, as one contact sheet.

``./render.sh SCENE --set ... --preview`` and ``lecture.preview(...)`` plan exactly as a
render does (the same checks and one-line errors, :func:`lecture.pipeline.plan`), then run
each scene in a worker process with Manim skipping its animations (each play jumps to its
end state and nothing is encoded), so a preview takes seconds where the clip takes a
minute. The sheet, ``NN_<scene>[--hash][--variant].preview.png`` beside where the clip
goes, is moved in whole like every other output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lecture.jobs import Job
from lecture.pipeline import Request, Result, plan
from lecture.progress import ProgressCallback
from lecture.runner import Outcome, render_locally
from lecture.staging import clean_stale

__all__ = ["preview", "preview_file"]


def preview_file(job: Job) -> Path:
    """Where the job's preview contact sheet goes."""
    return job.out_dir / f"{job.stem}.preview.png"


def preview(request: Request, jobs: list[Job] | None = None,
            on_finish: Callable[[Outcome], None] = lambda outcome: None,
            on_progress: ProgressCallback | None = None) -> Result:
    """Write the preview of every job of ``request`` (planned here unless ``jobs`` are
    given; raises ParamError or UsageError on bad input, as :func:`plan` does).

    Previews run on local processes (``request.workers`` at once) whatever the request's
    scheduler; cached clips are previewed too. The result's outcomes say how each ended
    (status "rendered": its sheet is at :func:`preview_file`); ``result.ok`` when all did.
    Raises OSError for a problem of the environment (a folder that cannot be written).
    """
    jobs = plan(request) if jobs is None else jobs
    clean_stale(request.media / ".work")
    outcomes, signum = render_locally(jobs, request.workers, on_finish, on_progress,
                                      preview=True)
    return Result(jobs, outcomes, signum)
