"""Real renders at -q l, checked as a user would check them.

One render of the whole lecture (``-j 2``, the ``lecture`` fixture of conftest.py) into a
temporary media folder; then the cache, a parameter variant, interrupted renders, other
formats and the plain Manim CLI. The slowest tests of the suite.
"""

from __future__ import annotations

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
from lecture.catalog import CARDS, SCENES, entry
from tests.lecture.rendering import ROOT, alive, digest, outputs, render, share_caches, wait_for

SPEC_KEYFRAMES = {
    "mc_mean_convergence": {"n", "mean", "ci_half_width", "true_mean"},
    "mc_nonlinear_expectation": {"n", "estimate", "abs_error", "true_value"},
    "mc_concentration": {"n", "empirical_prob", "chebyshev_bound", "hoeffding_bound"},
    "cov_linear_1d": {"sample_mean", "sample_std", "jacobian_factor", "y_grid",
                      "density_analytic", "density_change_of_variables"},
    "cov_tanh": {"y_grid", "density", "jacobian_factor", "hist_density"},
    "cov_grid_2d": {"A", "det", "density_scale", "unit_square_image"},
    "cov_jacobian_field": {"x1", "x2", "det_jacobian"},
    "la_svd_ellipse": {"singular_values", "spectral_norm", "condition_number", "U", "Vt"},
    "la_condition_gallery": {"name", "spectral_norm", "condition_number", "determinant",
                             "singular_values"},
    "la_nn_jacobian": {"points", "jacobians", "singular_values", "spectral_norms",
                       "condition_numbers"},
    "la_spectral_normalization": {"W", "spectral_norm", "W_normalized",
                                  "power_iteration_estimates"},
    "diff_tangent_curvature": {"test_points", "value", "gradient", "hessian"},
    "diff_jvp_hvp": {"gradient", "directional_derivative", "hvp", "directional_curvature",
                     "alphas", "f_true", "f_linear", "f_quadratic"},
    "diff_nn_linearization": {"alphas", "output", "linearized", "jvp", "param_jvp_norms",
                              "param_hvp_norms"},
    "marg_joint_marginals": {"x", "z", "marginal_x_analytic", "marginal_x_numerical",
                             "marginal_z_analytic", "marginal_z_numerical"},
    "marg_conditionals": {"z_values", "conditional_means", "conditional_variance", "samples"},
}


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
    assert 20 <= sidecar["duration_s"] <= 90  # spoken: each line lasts as long as it is said


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
    assert run.returncode == 0 and run.stdout.count("cached") == len(SCENES) + len(CARDS), \
        run.stdout
    assert "(unchanged)" in run.stdout  # the joined lecture is not rebuilt either
    assert time.perf_counter() - start < 10
    assert {s.id: digest(outputs(lecture, s.id).values()) for s in SCENES} == before


def test_changed_params_render_a_variant_beside_the_defaults(lecture):
    default = outputs(lecture, "mc_mean_convergence")
    before = digest(default.values())
    others = set(default["mp4"].parent.glob("01_mc_mean_convergence--*.json"))
    run = render(lecture, "mc_mean_convergence", "--set", "mc_mean_convergence.n_max=2000")
    assert run.returncode == 0, run.stderr
    variants = sorted(set(default["mp4"].parent.glob("01_mc_mean_convergence--*.json")) - others)
    assert len(variants) == 1
    sidecar = json.loads(variants[0].read_text())
    assert sidecar["params"]["n_max"] == 2000 and sidecar["keyframes"]["n"][-1] == 2000
    assert all(p.exists() for p in outputs(lecture, "mc_mean_convergence",
                                           variants[0].stem).values())
    assert digest(default.values()) == before


def paused(media: Path, point: str) -> tuple[Path, int]:
    """The marker of a process paused at ``point`` (lecture.faults) and that process's pid."""
    marker = wait_for(lambda: next(iter((media / ".work").glob(f"*/at-{point}")), None),
                      f"a render to reach '{point}'")
    return marker, int(marker.read_text())


def start(media: Path, *args: str, fault: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / "render.sh"), "-q", "l", *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        env={**os.environ, "LECTURE_MEDIA_DIR": str(media), "LECTURE_TEST_FAULT": fault})


def work_folders(media: Path) -> list[Path]:
    return sorted((media / ".work").iterdir())


def test_a_worker_killed_while_writing_frames_changes_nothing(lecture):
    folder = outputs(lecture, "mc_concentration")["mp4"].parent
    before = digest(folder.iterdir())
    process = start(lecture, "mc_concentration", "--force", fault="pause:frames")
    _, worker = paused(lecture, "frames")
    assert list((lecture / ".work").glob("*/manim/videos/**/partial_movie_files/**/*.mp4"))
    os.kill(worker, signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, out + err
    assert "FAILED    mc_concentration (exit -9): see " in out
    assert digest(folder.iterdir()) == before
    assert work_folders(lecture) == []


def test_a_commit_cut_short_is_rolled_back_by_the_next_run(lecture):
    files = outputs(lecture, "mc_concentration")
    folder = files["mp4"].parent
    for path in files.values():  # earlier outputs that differ from what this render writes
        path.write_bytes(path.read_bytes() + b"earlier")
    before = digest(folder.iterdir())
    process = start(lecture, "mc_concentration", fault="pause:commit")
    _, parent = paused(lecture, "commit")
    assert parent == process.pid  # the parent moves the files in, the worker has finished
    moved = [p.name for p in files.values() if not p.read_bytes().endswith(b"earlier")]
    assert len(moved) == 1  # the first file has moved in, the others not yet
    assert files["json"].read_bytes().endswith(b"earlier")  # the sidecar comes last
    os.kill(parent, signal.SIGKILL)
    process.communicate(timeout=60)
    assert digest(folder.iterdir()) != before and work_folders(lecture)
    run = render(lecture, "mc_mean_convergence")  # any run repairs first, even a cached one
    assert run.returncode == 0 and run.stdout.startswith("cached"), run.stdout + run.stderr
    assert digest(folder.iterdir()) == before
    assert work_folders(lecture) == []
    assert render(lecture, "mc_concentration").returncode == 0  # real outputs again


def test_a_bug_in_a_worker_is_one_line_with_its_log(lecture):
    folder = outputs(lecture, "mc_concentration")["mp4"].parent
    before = digest(folder.iterdir())
    process = start(lecture, "mc_concentration", "--force", fault="crash:frames")
    out, err = process.communicate(timeout=180)
    assert process.returncode == 1
    line = next(line for line in out.splitlines() if "FAILED" in line)
    log = Path(line.rsplit("see ", 1)[1])
    assert line.startswith("FAILED    mc_concentration (exit 1): see ") and log.is_file()
    assert "Traceback" not in out + err
    assert "RuntimeError: fault injected at 'frames'" in log.read_text()
    assert digest(folder.iterdir()) == before and work_folders(lecture) == []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_and_every_worker(lecture, signum, code):
    folders = {s.section: outputs(lecture, s.id)["mp4"].parent for s in SCENES}
    before = {name: digest(f.iterdir()) for name, f in folders.items()}
    process = start(lecture, "mc_mean_convergence", "cov_linear_1d", "--force", "-j", "1",
                    fault="pause:frames")
    _, worker = paused(lecture, "frames")
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    assert process.returncode == code, out + err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"interrupted by {signal.Signals(signum).name}: 0 of 2 clips rendered")
    assert "stopped: mc_mean_convergence; not started: cov_linear_1d" in err
    assert not alive(worker)
    assert work_folders(lecture) == []
    assert {name: digest(f.iterdir()) for name, f in folders.items()} == before


def test_workers_die_with_their_parent(lecture):
    process = start(lecture, "mc_mean_convergence", "--force", fault="pause:frames")
    _, worker = paused(lecture, "frames")
    process.kill()
    process.communicate(timeout=60)
    wait_for(lambda: not alive(worker), "the orphaned worker to exit")
    assert render(lecture, "mc_mean_convergence").returncode == 0  # and its folder is cleaned
    assert work_folders(lecture) == []


@pytest.mark.parametrize("fmt", ["webm", "gif"])
def test_other_formats_get_their_own_files_and_leave_the_mp4_alone(lecture, fmt):
    mp4 = outputs(lecture, "mc_mean_convergence")
    before = digest(mp4.values())
    run = render(lecture, "mc_mean_convergence", "--format", fmt)
    assert run.returncode == 0, run.stderr
    stem = "01_mc_mean_convergence--" + fmt
    files = outputs(lecture, "mc_mean_convergence", stem)
    sidecar = json.loads(files["json"].read_text())
    assert sidecar["format"] == fmt and sidecar["cache_key"] != json.loads(
        mp4["json"].read_text())["cache_key"]
    clip = files["mp4"].with_suffix("." + fmt)
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        rate = float(stream.guessed_rate or stream.average_rate)
        assert (stream.width, stream.height) == (854, 480)
    assert abs(rate - 15) < 0.5
    mp4_duration = json.loads(mp4["json"].read_text())["duration_s"]
    assert abs(frames / 15 - mp4_duration) <= 2 / 15
    assert abs(sidecar["duration_s"] - mp4_duration) <= 2 / 15
    assert files["png"].exists() and files["vtt"].exists()
    assert digest(mp4.values()) == before
    again = render(lecture, "mc_mean_convergence", "--format", fmt)
    assert "cached" in again.stdout and render(lecture, "mc_mean_convergence").stdout.startswith(
        "cached")


def test_an_image_mobject_renders_with_the_pinned_pillow(tmp_path):
    """Pillow 13 breaks Manim 0.22's ImageMobject (ValueError in Camera); the pin keeps 12."""
    script = tmp_path / "image_scene.py"
    script.write_text(
        "import numpy as np\n"
        "from manim import ImageMobject, Scene\n"
        "class Image(Scene):\n"
        "    def construct(self):\n"
        "        pixels = np.zeros((8, 8, 3), dtype=np.uint8)\n"
        "        pixels[:, :4] = [255, 200, 0]\n"
        "        self.add(ImageMobject(pixels).scale_to_fit_height(4))\n")
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "manim"), "-ql", "-s", "--media_dir",
                          str(tmp_path / "m"), str(script), "Image"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    image, = (tmp_path / "m").rglob("Image*.png")
    frame = np.asarray(Image.open(image).convert("RGB"), float)
    middle = frame[frame.shape[0] // 2]
    assert (np.abs(middle - [255, 200, 0]).sum(axis=1) < 30).sum() > 50  # the yellow half


@pytest.mark.parametrize("scene_id", [s.id for s in SCENES])
def test_plain_manim_cli_renders_each_scene_with_defaults(scene_id, tmp_path, shared_caches):
    scene = entry(scene_id)
    share_caches(shared_caches, tmp_path)  # the formulas typeset already: Manim finds them
    run = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "manim"), "-ql", "-s", "--media_dir", str(tmp_path),
         f"scenes/{scene.section}/{scene.id}.py", scene.class_name],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr[-2000:]
    image, = tmp_path.rglob(f"{scene.class_name}*.png")
    assert np.asarray(Image.open(image).convert("L"), float).std() > 10


def test_every_mp4_is_web_ready_h264_high_with_its_index_first(lecture):
    from lecture.mp4 import top_level_boxes

    videos = sorted((lecture / "lecture" / "480p15").rglob("*.mp4"))
    assert len(videos) >= len(SCENES) + len(CARDS) + 1  # the clips, the cards, the lecture
    for video in videos:
        boxes = top_level_boxes(video)
        assert boxes.index("moov") < boxes.index("mdat"), (video.name, boxes)
        with av.open(str(video)) as container:
            context = container.streams.video[0].codec_context
            assert (context.name, context.profile, context.pix_fmt) == ("h264", "High", "yuv420p")


@pytest.mark.parametrize("scene_id", [s.id for s in SCENES])
def test_the_transcript_is_the_caption_text(lecture, scene_id):
    files = outputs(lecture, scene_id)
    cues = [" ".join(cue.content.split()) for cue in srt.parse(files["srt"].read_text())]
    assert files["mp4"].with_suffix(".txt").read_text().splitlines() == cues


@pytest.mark.parametrize("scene_id", [s.id for s in SCENES])
def test_step_chapters_lie_in_the_clip_and_hold_their_captions(lecture, scene_id):
    files = outputs(lecture, scene_id)
    sidecar = json.loads(files["json"].read_text())
    steps, duration = sidecar["steps"], sidecar["duration_s"]
    assert steps and steps[0]["start"] == 0
    for step, following in zip(steps, steps[1:] + [None]):
        assert 0 <= step["start"] < step["end"] <= duration + 1e-6 and step["title"]
        if following:
            assert step["end"] == following["start"]
    cues = list(srt.parse(files["srt"].read_text()))
    for cue in cues:  # each caption belongs to exactly one step
        start, end = cue.start.total_seconds(), cue.end.total_seconds()
        holding = [s for s in steps if s["start"] - 0.07 <= start and end <= s["end"] + 0.07]
        assert len(holding) == 1, (cue.content, steps)
    firsts = {min((c for c in cues if s["start"] - 0.07 <= c.start.total_seconds() < s["end"]),
                  key=lambda c: c.start).start.total_seconds() for s in steps}
    starts = sorted(s["start"] for s in steps)
    assert sorted(firsts) == pytest.approx(starts, abs=0.07)  # a step opens with its line
    chapters = files["mp4"].with_suffix(".chapters.vtt").read_text()
    assert chapters.startswith("WEBVTT") and chapters.count(" --> ") == len(steps)
    assert all(s["title"] in chapters for s in steps)


def test_a_light_theme_section_is_a_variant_of_its_own(lecture):
    defaults = {s.id: digest(outputs(lecture, s.id).values()) for s in SCENES
                if s.section == "monte_carlo"}
    run = render(lecture, "monte_carlo", "--theme", "light")
    assert run.returncode == 0, run.stdout + run.stderr
    for scene_id, before in defaults.items():
        files = outputs(lecture, scene_id, f"{entry(scene_id).stem}--light")
        sidecar = json.loads(files["json"].read_text())
        assert sidecar["theme"] == "light" and sidecar["params"] == entry(scene_id).params().as_dict()
        poster = np.asarray(Image.open(files["png"]).convert("RGB"), float)
        corners = np.concatenate([poster[:8, :8], poster[:8, -8:], poster[-8:, :8], poster[-8:, -8:]])
        assert corners.min() > 245  # a white page
        dark = np.asarray(Image.open(outputs(lecture, scene_id)["png"]).convert("L"), float)
        assert dark[:8, :8].max() < 10
        assert digest(outputs(lecture, scene_id).values()) == before  # the defaults untouched
