"""A preview of a render: the last frame of every step of a scene, as one contact sheet.

``./render.sh SCENE --set ... --preview`` and ``lecture.preview(...)`` plan exactly as a
render does (the same checks and one-line errors, :func:`lecture.pipeline.plan`), then run
each scene in a worker process with Manim skipping its animations (each play jumps to its
end state and nothing is encoded), so a preview takes seconds where the clip takes a
minute. The sheet, ``NN_<scene>[--hash][--variant].preview.png`` beside where the clip
goes, is moved in whole like every other output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from lecture.jobs import Job
from lecture.pipeline import Request, Result, plan
from lecture.progress import ProgressCallback, fps
from lecture.runner import Outcome, render_locally
from lecture.staging import clean_stale

__all__ = ["preview", "preview_file", "step_end_differences"]

LABEL_FRACTION = 8  # the bottom 1/8 of a panel holds its label: not compared


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


def step_end_differences(job: Job) -> list[float]:
    """How far the job's preview is from its rendered clip: for each step, the mean
    absolute difference (0-255, over RGB) between the step's panel and the clip's last
    frame of that step (shown half a frame before the step's end), the label strip at the
    bottom of each panel left out. Both files must exist (render, then preview)."""
    import numpy as np
    from PIL import Image

    from lecture.storyboard import COLUMNS, scan

    steps = json.loads(job.sidecar.read_text(encoding="utf-8"))["steps"]
    clip = scan(job.clip, [max(0.0, s["end"] - 0.5 / fps(job.quality)) for s in steps])
    sheet = np.asarray(Image.open(preview_file(job)).convert("RGB"), dtype=float)
    height, width = clip.height, clip.width
    kept = height - height // LABEL_FRACTION
    differences = []
    for i, (_, frame) in enumerate(clip.picked):
        x, y = (i % COLUMNS) * width, (i // COLUMNS) * height
        panel = sheet[y:y + kept, x:x + width]
        shown = np.asarray(frame.convert("RGB"), dtype=float)[:kept]
        differences.append(float(np.abs(panel - shown).mean()))
    return differences
