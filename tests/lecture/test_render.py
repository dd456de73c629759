"""Real renders at -q l, checked as a user would check them.

One module-wide render of the lecture (every built section, ``-j 2``) into a temporary
media folder; then the cache, a parameter variant, an interrupted render and the plain
Manim CLI. The slowest tests of the suite: about two minutes on two cores.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from PIL import Image

from compute.results import keyframes
from lecture.catalog import SCENES, entry

ROOT = Path(__file__).resolve().parents[2]
SPEC_KEYFRAMES = {
    "mc_mean_convergence": {"n", "mean", "ci_half_width", "true_mean"},
    "mc_nonlinear_expectation": {"n", "estimate", "abs_error", "true_value"},
    "mc_concentration": {"n", "empirical_prob", "chebyshev_bound", "hoeffding_bound"},
    "cov_linear_1d": {"sample_mean", "sample_std", "jacobian_factor", "y_grid",
                      "density_analytic", "density_change_of_variables"},
    "cov_tanh": {"y_grid", "density", "jacobian_factor", "hist_density"},
    "cov_grid_2d": {"A", "det", "density_scale", "unit_square_image"},
    "cov_jacobian_field": {"x1", "x2", "det_jacobian"},
}


def render(media: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "render.sh"), "-q", "l", *args], capture_output=True,
                          text=True, timeout=timeout,
                          env={**os.environ, "LECTURE_MEDIA_DIR": str(media)})


def outputs(media: Path, scene_id: str, stem: str | None = None) -> dict[str, Path]:
    scene = entry(scene_id)
    folder = media / "lecture" / "480p15" / scene.section
    return {ext: folder / f"{stem or scene.stem}.{ext}" for ext in
            ("mp4", "json", "srt", "vtt", "png")}


def digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module")
def lecture(tmp_path_factory) -> Path:
    media = tmp_path_factory.mktemp("media")
    run = render(media, "-j", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("rendered") == len(SCENES)
    return media


@pytest.mark.parametrize("scene_id", [s.id for s in SCENES])
def test_clip_decodes_at_480p15_and_matches_its_sidecar(lecture, scene_id):
    files = outputs(lecture, scene_id)
    sidecar = json.loads(files["json"].read_text())
    with av.open(str(files["mp4"])) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        assert (stream.width, stream.height) == (854, 480)
        assert stream.guessed_rate == 15
    assert (sidecar["width"], sidecar["height"], sidecar["fps"]) == (854, 480, 15)
    assert abs(frames / 15 - sidecar["duration_s"]) <= 2 / 15
    assert 20 <= sidecar["duration_s"] <= 60


@pytest.mark.parametrize("scene_id", [s.id for s in SCENES])
def test_sidecar_keyframes_equal_the_compute_result(lecture, scene_id):
    scene = entry(scene_id)
    sidecar = json.loads(outputs(lecture, scene_id)["json"].read_text())
    defaults = scene.params()
    assert (sidecar["scene"], sidecar["section"], sidecar["title"]) == \
           (scene.id, scene.section, scene.title)
    assert sidecar["params"] == defaults.as_dict()
    assert SPEC_KEYFRAMES[scene_id] <= set(sidecar["keyframes"])
    assert sidecar["keyframes"] == json.loads(json.dumps(keyframes(defaults.compute())))
    assert sidecar["versions"]["manim"] == "0.22.0" and len(sidecar["cache_key"]) == 64


@pytest.mark.parametrize("scene_id", [s.id for s in SCENES])
def test_poster_is_a_real_frame(lecture, scene_id):
    poster = np.asarray(Image.open(outputs(lecture, scene_id)["png"]).convert("L"), float)
    assert poster.shape == (480, 854)
    assert poster.std() > 10 and (poster > 60).mean() > 0.01


@pytest.mark.parametrize("scene_id", [s.id for s in SCENES])
def test_captions_parse_and_are_readable(lecture, scene_id):
    files = outputs(lecture, scene_id)
    duration = json.loads(files["json"].read_text())["duration_s"]
    cues = list(srt.parse(files["srt"].read_text()))
    assert len(cues) >= 3
    for cue in cues:
        lines = cue.content.splitlines()
        assert 1 <= len(lines) <= 2 and max(len(line) for line in lines) <= 42, cue.content
        assert (cue.end - cue.start).total_seconds() >= 1.5
        assert cue.end.total_seconds() <= duration + 0.1
    starts = [cue.start for cue in cues]
    assert starts == sorted(starts)
    vtt = files["vtt"].read_text()
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == len(cues)
    assert cues[0].content.splitlines()[0] in vtt


def test_unchanged_rerun_renders_nothing(lecture):
    before = {s.id: digest(outputs(lecture, s.id).values()) for s in SCENES}
    start = time.perf_counter()
    run = render(lecture)
    assert run.returncode == 0 and run.stdout.count("cached") == len(SCENES), run.stdout
    assert time.perf_counter() - start < 10
    assert {s.id: digest(outputs(lecture, s.id).values()) for s in SCENES} == before


def test_changed_params_render_a_variant_beside_the_defaults(lecture):
    default = outputs(lecture, "mc_mean_convergence")
    before = digest(default.values())
    run = render(lecture, "mc_mean_convergence", "--set", "mc_mean_convergence.n_max=2000")
    assert run.returncode == 0, run.stderr
    variants = sorted(default["mp4"].parent.glob("01_mc_mean_convergence--*.json"))
    assert len(variants) == 1
    sidecar = json.loads(variants[0].read_text())
    assert sidecar["params"]["n_max"] == 2000 and sidecar["keyframes"]["n"][-1] == 2000
    assert all(p.exists() for p in outputs(lecture, "mc_mean_convergence",
                                           variants[0].stem).values())
    assert digest(default.values()) == before


def test_killed_render_leaves_earlier_outputs_whole(lecture):
    files = outputs(lecture, "mc_concentration")
    before = digest(files["mp4"].parent.iterdir())
    process = subprocess.Popen(
        [str(ROOT / "render.sh"), "-q", "l", "mc_concentration", "--force"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "LECTURE_MEDIA_DIR": str(lecture)})
    work = lecture / ".work"
    deadline = time.time() + 60
    while time.time() < deadline and not list(work.glob("03_mc_concentration-*")):
        time.sleep(0.2)
    folders = list(work.glob("03_mc_concentration-*"))
    assert folders, "the worker never started"
    time.sleep(4)  # well into the render: Manim is writing frames
    worker_pid = int(folders[0].name.split("-")[1])
    os.kill(worker_pid, signal.SIGKILL)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 1 and "FAILED" in out
    assert digest(files["mp4"].parent.iterdir()) == before


@pytest.mark.parametrize("scene_id", [s.id for s in SCENES])
def test_plain_manim_cli_renders_each_scene_with_defaults(scene_id, tmp_path):
    scene = entry(scene_id)
    run = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "manim"), "-ql", "-s", "--media_dir", str(tmp_path),
         f"scenes/{scene.section}.py", scene.class_name],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    image, = tmp_path.rglob(f"{scene.class_name}*.png")
    assert np.asarray(Image.open(image).convert("L"), float).std() > 10
