"""The preview (``--preview``, ``lecture.preview``): the last frame of every step as one
contact sheet, drawn with Manim skipping animations, checked against the clip itself.

A few scenes of different sections, rendered at -q l (the session's lecture), are copied
into a temporary media folder; their previews must show what the clips' steps end on
(decoded here with PyAV), and bad input must be refused exactly as a render refuses it.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

import lecture
from lecture import cli
from lecture import previews, warm
from lecture.previews import preview_file, step_end_differences
from tests.lecture.rendering import copy_clips, plan_low, render

CHECKED = ("cov_tanh", "la_svd_ellipse", "marg_conditionals")
TOLERANCE = 3.0  # mean absolute difference, 0-255: H.264 at -q l, 0.1-1.7 (dense colour lines)
COLUMNS = 3


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, lecture) -> Path:
    """Media holding the CHECKED clips at 480p15 (the session's, found cached by render.sh)
    and their previews, made by render.sh."""
    media = tmp_path_factory.mktemp("preview") / "media"
    media.mkdir()
    copy_clips(lecture, media, *CHECKED)
    run = render(media, *CHECKED, "-j", "2")
    assert run.returncode == 0 and run.stdout.count("cached ") == len(CHECKED), run.stdout
    run = render(media, *CHECKED, "--preview")
    assert run.returncode == 0 and run.stderr == "", run.stdout + run.stderr
    assert run.stdout.count("preview   ") == len(CHECKED), run.stdout
    return media


def last_frames_of_steps(clip: Path, ends: list[float]) -> list[np.ndarray]:
    """The clip's last frame before each step end (frame index round(end * fps) - 1)."""
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
        wanted = {max(0, round(end * fps) - 1): i for i, end in enumerate(ends)}
        found: dict[int, np.ndarray] = {}
        last = None
        for index, frame in enumerate(container.decode(stream)):
            last = frame.to_ndarray(format="rgb24")
            if index in wanted:
                found[wanted[index]] = last
    return [found.get(i, last) for i in range(len(ends))]  # the last step ends on the last


@pytest.mark.parametrize("scene_id", CHECKED)
def test_the_panels_are_the_clips_last_frames_of_its_steps(rendered, scene_id):
    job, = plan_low(scene_id, {}, rendered)
    steps = json.loads(job.sidecar.read_text(encoding="utf-8"))["steps"]
    frames = last_frames_of_steps(job.clip, [s["end"] for s in steps])
    height, width = frames[0].shape[:2]
    sheet = np.asarray(Image.open(preview_file(job)).convert("RGB"), dtype=float)
    rows = -(-len(steps) // COLUMNS)
    assert sheet.shape == (rows * height, COLUMNS * width, 3)
    kept = height * 7 // 8  # the label strip at the bottom of each panel is not the clip
    panels = [sheet[(i // COLUMNS) * height:(i // COLUMNS) * height + kept,
                    (i % COLUMNS) * width:(i % COLUMNS + 1) * width] for i in range(len(steps))]
    distance = np.array([[np.abs(panel - frame[:kept]).mean() for frame in frames]
                         for panel in panels])
    assert distance.diagonal().max() < TOLERANCE, distance.diagonal()
    # each panel is its own step's end, not a neighbour's (steps do change the picture)
    assert list(distance.argmin(axis=1)) == list(range(len(steps))), distance.round(2)
    assert np.allclose(step_end_differences(job), distance.diagonal(), atol=0.05)
    for slot in range(len(steps), rows * COLUMNS):  # slots after the last panel stay black
        x, y = (slot % COLUMNS) * width, (slot // COLUMNS) * height
        assert not sheet[y:y + height, x:x + width].any()


def test_the_command_line_names_each_sheet_beside_where_its_clip_goes(rendered):
    run = render(rendered, "la_svd_ellipse", "--preview")
    job, = plan_low("la_svd_ellipse", {}, rendered)
    assert run.returncode == 0 and run.stderr == ""
    line, = run.stdout.splitlines()
    assert line.startswith("preview   la_svd_ellipse in ")
    assert line.endswith(f" s -> {rendered}/lecture/480p15/linear_algebra/"
                         "08_la_svd_ellipse.preview.png")


def test_python_preview_of_a_variant_is_named_by_its_hash(rendered):
    path, = lecture.preview("la_svd_ellipse", media=rendered, A=[[2.0, 1.0], [0.0, 0.5]])
    job, = plan_low("la_svd_ellipse", {"la_svd_ellipse": {"A": [[2.0, 1.0], [0.0, 0.5]]}},
                    rendered)
    assert path == preview_file(job) and path.name.startswith("08_la_svd_ellipse--")
    assert path.name.endswith(".preview.png") and path.exists()
    assert not job.clip.exists()  # a preview renders no clip


def test_a_processs_previews_fork_from_one_warm_process(rendered):
    """Python previews share one warm process (lecture/warm.py) that forks each worker;
    what a fork draws is what the command line's own run drew, byte for byte."""
    job, = plan_low("cov_tanh", {}, rendered)
    drawn_by_command_line = preview_file(job).read_bytes()
    sheets, servers = [], []
    for _ in range(2):
        lecture.preview("cov_tanh", media=rendered)
        sheets.append(preview_file(job).read_bytes())
        assert warm._server is not None and warm._server.poll() is None  # still warm
        servers.append(warm._server.pid)
    assert servers[0] == servers[1]
    assert sheets == [drawn_by_command_line] * 2
    server = warm._server
    warm.stop()  # stopped and waited for: the next preview starts another
    assert server.returncode is not None and warm._server is None
    lecture.preview("cov_tanh", media=rendered)
    assert warm._server.pid != servers[0] and preview_file(job).read_bytes() == sheets[0]


BAD = ("cov_tanh", "cov_tanh.transform=x**2")


def test_bad_input_is_refused_as_a_render_refuses_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LECTURE_MEDIA_DIR", str(tmp_path))

    def refuse(*args, **kwargs):
        raise AssertionError("a preview started on bad input")

    monkeypatch.setattr(previews, "render_locally", refuse)
    codes = [cli.main([BAD[0], "--set", BAD[1], *extra]) for extra in ([], ["--preview"])]
    render_error, preview_error = capsys.readouterr().err.splitlines()
    assert codes == [2, 2] and preview_error == render_error
    assert render_error.startswith("error: cov_tanh.transform = ") and "monotone" in render_error
    with pytest.raises(lecture.BadInput) as refused:
        lecture.preview("cov_tanh", media=tmp_path, transform="x**2")
    assert f"error: {refused.value}" == render_error
    assert list(tmp_path.iterdir()) == []
