"""Progress: the events execute() passes on, the live display on a terminal, and the plain
lines everywhere else.

One scene (la_svd_ellipse, short) is rendered at -q l into a temporary media folder: once
through a pipe (today's lines, nothing else), then again with --force under a
pseudo-terminal (pexpect), whose screen must show the scene with a frame count that moves,
and in Python with a callback that records every event. Nothing here sleeps: the tests
wait for text on the screen.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pexpect
import pytest

from lecture.pipeline import Request, execute, plan
from lecture.progress import ESTIMATED_SECONDS, Progress, estimated_frames, fps
from tests.lecture.rendering import ROOT, plan_low, render

SCENE = "la_svd_ellipse"
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"  # colour and cursor codes rich may put between words
FRAMES = re.compile(rf"svd_ellipse[^\r\n]*?(\d+)/(\d+){ANSI}\s+frames")


@pytest.fixture(scope="module")
def piped(tmp_path_factory) -> tuple[Path, object]:
    """A media folder with SCENE rendered once through a pipe, and that run."""
    media = tmp_path_factory.mktemp("progress") / "media"
    media.mkdir()
    return media, render(media, SCENE)


def clip_frames(media: Path) -> int:
    job, = plan_low(SCENE, {}, media)
    sidecar = json.loads(job.sidecar.read_text(encoding="utf-8"))
    return round(sidecar["duration_s"] * fps("l"))


def spawn(media: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "LECTURE_MEDIA_DIR": str(media), "TERM": "xterm-256color"}
    return pexpect.spawn(str(ROOT / "render.sh"), [SCENE, "-q", "l", *args], env=env,
                         cwd=str(media.parent), dimensions=(24, 120), encoding="utf-8",
                         timeout=240)


def test_a_piped_run_prints_todays_lines_and_nothing_else(piped):
    media, run = piped
    assert run.returncode == 0 and run.stderr == "", run.stderr
    job, = plan_low(SCENE, {}, media)
    rendered, lecture, gallery = run.stdout.splitlines()
    assert re.fullmatch(rf"rendered  {SCENE} in \d+\.\d s -> {re.escape(str(job.clip))}",
                        rendered)
    assert lecture.startswith("lecture   not joined: ")
    assert gallery == f"gallery   {media / 'lecture' / '480p15' / 'index.html'}"
    again = render(media, SCENE)
    assert again.stdout.splitlines()[0] == f"cached    {job.clip}" and again.stderr == ""


def test_a_terminal_shows_a_live_line_per_scene_then_the_finished_line(piped):
    media, _ = piped
    total = clip_frames(media)  # the estimate: the frames of the clip rendered before
    child = spawn(media, "--force")
    child.expect("all clips")
    counts = []
    while not counts or counts[-1] == 0:  # until the worker has reported frames
        child.expect(FRAMES)
        counts.append(int(child.match.group(1)))
        assert int(child.match.group(2)) == total
    assert 0 < counts[-1] <= total
    child.expect(rf"rendered  {SCENE} in \d+\.\d s")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_under_the_live_display_stops_at_once(piped):
    media, _ = piped
    child = spawn(media, "--force")
    child.expect(FRAMES)
    while int(child.match.group(1)) == 0:
        child.expect(FRAMES)
    child.sendintr()
    child.expect(rf"interrupted by SIGINT: 0 of 1 clips rendered \(none\); stopped: {SCENE}",
                 timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_execute_passes_every_event_of_a_render(piped):
    media, _ = piped
    total = clip_frames(media)
    request = Request((SCENE,), quality="l", force=True, media=media)
    events: list[Progress] = []
    result = execute(request, plan(request), on_progress=events.append)
    assert result.ok
    kinds = [e.event for e in events]
    assert kinds[0] == "started" and kinds[-1] == "finished"
    assert set(kinds[1:-1]) == {"frames"}  # the worker reported while it rendered
    assert events[0].frames == 0 and events[0].total == total
    frames = [e.frames for e in events]
    assert frames == sorted(frames) and all(e.frames <= e.total for e in events)
    assert events[-1].outcome.status == "rendered"
    assert events[-1].frames == events[-1].total == clip_frames(media)
    elapsed = [e.elapsed for e in events]
    assert elapsed == sorted(elapsed) and events[-1].eta == 0.0


def test_time_left_is_the_rate_after_warmup_and_the_first_estimate_a_typical_clip(tmp_path):
    job, = plan_low(SCENE, {}, tmp_path)
    assert estimated_frames(job) == ESTIMATED_SECONDS * 15  # nothing rendered at -q l yet
    # 50 of 200 frames in the 10 s after a 2 s warm-up: 150 more at 5 frames a second
    assert Progress(job, "frames", 50, 200, 12.0, None, 2.0).eta == pytest.approx(30.0)
    assert Progress(job, "started", 0, 200, 1.0).eta is None


def test_the_dask_path_reports_started_and_finished(piped):
    media, _ = piped
    request = Request((SCENE,), quality="l", force=True, media=media, scheduler="local:1")
    events: list[Progress] = []
    assert execute(request, plan(request), on_progress=events.append).ok
    assert [e.event for e in events] == ["started", "finished"]
    assert events[0].total == events[-1].frames == events[-1].total == clip_frames(media)
    assert events[-1].outcome.status == "rendered"
