"""lecture.api, the Python API: the same files and numbers as ./render.sh; the notebook;
rendering on a Dask LocalCluster; sweeps."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest

from lecture import BadInput, render, scenes
from lecture.catalog import SCENES, entry
from tests.lecture.rendering import ROOT, alive, digest, outputs, wait_for
from tests.lecture.rendering import render as render_sh


def test_scenes_lists_every_scene_with_its_typed_parameters():
    listed = scenes()
    assert [s.id for s in listed] == [s.id for s in SCENES]
    tanh = next(s for s in listed if s.id == "cov_tanh")
    assert tanh.title == entry("cov_tanh").title
    transform = next(p for p in tanh.parameters if p.name == "transform")
    assert (transform.default, transform.allowed) == ("tanh(x)", "an expression in x")


def test_the_api_finds_the_clips_the_command_line_rendered(lecture):
    before = digest(outputs(lecture, "cov_grid_2d").values())
    clip, = render("cov_grid_2d", quality="l", media=lecture)
    files = outputs(lecture, "cov_grid_2d")
    assert (clip.video, clip.sidecar, clip.poster, clip.captions) == (
        files["mp4"], files["json"], files["png"], files["vtt"])
    assert digest(files.values()) == before  # cached: nothing rendered again
    sidecar = json.loads(files["json"].read_text())
    np.testing.assert_array_equal(clip.keyframes["A"], sidecar["keyframes"]["A"])
    assert clip.keyframes["det"] == sidecar["keyframes"]["det"]
    html = clip._repr_html_()
    assert html.count("<video") == 1 and 'kind="captions"' in html and "data:video/mp4" in html


def test_a_variant_rendered_from_python_is_the_one_the_command_line_would_render(lecture):
    clip, = render("mc_mean_convergence", quality="l", media=lecture, n_max=3000, sigma=2.0)
    assert clip.video.name.startswith("01_mc_mean_convergence--")
    assert clip.params["n_max"] == 3000 and clip.keyframes["n"][-1] == 3000
    run = render_sh(lecture, "mc_mean_convergence", "--set", "mc_mean_convergence.n_max=3000",
                    "--set", "mc_mean_convergence.sigma=2")
    assert run.returncode == 0 and f"cached    {clip.video}" in run.stdout, run.stdout


@pytest.mark.parametrize(("call", "message"), [
    (lambda m: render("cov_tanh", quality="l", media=m, transform="x**2"),
     'cov_tanh.transform = "x**2": must be finite and strictly monotone'),
    (lambda m: render("monte_carlo", quality="l", media=m, sigma=2.0),
     "need exactly one target scene"),
    (lambda m: render("no_such_scene", quality="l", media=m),
     "no_such_scene: not a scene or section id"),
    (lambda m: render("mc_concentration", quality="l", media=m, params={
        "mc_concentration": {"trials": 1_000_000, "n_max": 1_000_000}}),
     "mc_concentration.trials = 1000000: trials * (n_max + n_points) must be at most"),
    (lambda m: render("cov_tanh", quality="z", media=m), "quality = 'z': must be one of l, m"),
    (lambda m: render("cov_tanh", quality="l", fmt="avi", media=m),
     "format = 'avi': must be one of mp4, webm, gif"),
    (lambda m: render("cov_tanh", quality="l", theme="sepia", media=m),
     "theme = 'sepia': must be one of dark, light"),
])
def test_bad_input_raises_one_exception_with_the_command_lines_line(call, message, lecture):
    with pytest.raises(BadInput) as refused:
        call(lecture)
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_the_example_notebook_runs_top_to_bottom(lecture, monkeypatch):
    monkeypatch.setenv("LECTURE_MEDIA_DIR", str(lecture))
    notebook = json.loads((ROOT / "examples" / "regenerate.ipynb").read_text())
    namespace, printed = {}, io.StringIO()
    with contextlib.redirect_stdout(printed):
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                exec(compile("".join(cell["source"]), "regenerate.ipynb", "exec"), namespace)
    out = printed.getvalue()
    assert "05 cov_tanh" in out and "transform = 'tanh(x)'" in out
    mass = float(out.split("mass on the plotted range:")[1].split()[0])
    assert 0.98 < mass <= 1.0 + 1e-6  # the change of variables conserves probability
    assert "refused: cov_tanh.transform" in out
    assert namespace["clip"].params["transform"] == "sigmoid(2*x)"
    assert [c.params["eps"] for c in namespace["clips"]] == [0.05, 0.1]


def test_a_sweep_renders_one_variant_per_value_and_summarises_them(lecture):
    run = render_sh(lecture, "cov_linear_1d", "-j", "2",
                    "--sweep", "cov_linear_1d.a=0.5,-1,3")
    assert run.returncode == 0, run.stdout + run.stderr
    summary = lecture / "lecture" / "480p15" / "sweeps" / "cov_linear_1d.a.json"
    sweep = json.loads(summary.read_text())
    assert [v["value"] for v in sweep["variants"]] == [0.5, -1.0, 3.0]
    for variant in sweep["variants"]:
        sidecar = json.loads((summary.parent.parent / variant["clip"]).with_suffix(".json")
                             .read_text())
        assert sidecar["params"]["a"] == variant["value"] == variant["params"]["a"]
        assert variant["key_numbers"]["jacobian_factor"] == pytest.approx(1 / abs(variant["value"]))
        assert (summary.parent.parent / variant["clip"]).exists()
    page = (lecture / "lecture" / "480p15" / "index.html").read_text()
    assert "Sweep of a:" in page and sweep["variants"][2]["clip"][:-4] + ".png" in page


def sidecars(media: Path, section: str) -> dict[str, dict]:
    folder = media / "lecture" / "480p15" / section
    return {p.name: json.loads(p.read_text()) for p in folder.glob("0*_*.json") if "--" not in p.name}


def test_a_local_dask_cluster_renders_what_local_processes_render(lecture):
    before = sidecars(lecture, "monte_carlo")
    run = render_sh(lecture, "monte_carlo", "--force", "--scheduler", "local:2")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("rendered") == 3 and "Traceback" not in run.stderr
    after = sidecars(lecture, "monte_carlo")
    assert {k: v["keyframes"] for k, v in after.items()} == \
           {k: v["keyframes"] for k, v in before.items()}


def test_a_dask_worker_killed_mid_job_is_replaced_and_nothing_is_half_written(lecture, tmp_path):
    marker = tmp_path / "paused"
    files = outputs(lecture, "mc_nonlinear_expectation")
    env = {**os.environ, "LECTURE_MEDIA_DIR": lecture.name, "LECTURE_TEST_FAULT": "pause:frames",
           "LECTURE_TEST_FAULT_ONCE": str(marker)}
    process = subprocess.Popen(
        [str(ROOT / "render.sh"), "-q", "l", "mc_nonlinear_expectation", "--force",
         "--scheduler", "local:2"], cwd=lecture.parent, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(marker.exists, "the render on a Dask worker to pause")
    render_pid = int(marker.read_text())
    worker_pid = int(Path(f"/proc/{render_pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    before = digest(files.values())
    os.kill(worker_pid, signal.SIGKILL)  # the Dask worker process running the job
    wait_for(lambda: not alive(render_pid), "the orphaned render to die with its worker")
    assert digest(files.values()) == before  # nothing half-written meanwhile
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, out + err
    assert "rendered  mc_nonlinear_expectation" in out
    sidecar = json.loads(files["json"].read_text())
    assert sidecar["duration_s"] > 20 and not list((lecture / ".work").iterdir())
    assert not any(p.name.endswith(".partial") for p in files["mp4"].parent.iterdir())
    shutil.rmtree(tmp_path, ignore_errors=True)
