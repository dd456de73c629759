"""Work done once: a warm re-run does nothing it need not, and a scene's numbers are
computed once per render, by the planner, which hands them to the worker.

Observed, not timed (bench/warm.py times the re-run): which modules a re-run imports,
whether it starts a worker or computes a scene's numbers (the ``compute`` fault point
crashes any process that would), and which files it writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from lecture.catalog import CARDS, SCENES
from lecture.cluster import _read_caches, remote_render
from lecture.jobs import QUALITY_DIRS
from lecture.params import SceneParams
from lecture.pipeline import Request, plan
from lecture.previews import preview_file
from lecture.runner import job_payload, render_locally, thread_share, worker_env
from tests.lecture.rendering import ROOT, refusal

HEAVY = ("manim", "torch", "scipy", "av", "cairo")
SCENE = "la_condition_gallery"  # its preview compiles a few LaTeX strings only

RE_RUN = """
import json, subprocess, sys
from lecture import cli
from lecture.params import SceneParams

def refuse(*args, **kwargs):
    raise AssertionError("a warm re-run started a process or computed a scene's numbers")

subprocess.Popen = refuse  # every worker process starts here (lecture/runner.py)
SceneParams.computed = refuse  # every scene's numbers are computed here
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def files_of(media: Path) -> dict[str, tuple[int, str]]:
    """Every file under the media folder: its modification time and content digest."""
    return {str(p.relative_to(media)): (p.stat().st_mtime_ns,
                                        hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(media.rglob("*")) if p.is_file()}


def quality_of(media: Path) -> str:
    """The -q letter the shared lecture was rendered at (its one quality folder)."""
    rendered = {folder.name for folder in (media / "lecture").iterdir() if folder.is_dir()}
    letter, = (q for q, folder in QUALITY_DIRS.items() if folder in rendered)
    return letter


def test_a_warm_re_run_imports_nothing_heavy_starts_no_worker_and_writes_nothing(lecture):
    before = files_of(lecture)
    run = subprocess.run([sys.executable, "-P", "-c", RE_RUN, "-q", quality_of(lecture)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT),
                              "LECTURE_MEDIA_DIR": str(lecture)})
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    report = json.loads(lines[-1])
    assert report["code"] == 0, run.stdout + run.stderr
    assert sum(line.startswith("cached    ") for line in lines) == len(SCENES) + len(CARDS)
    assert any(line.endswith("(unchanged)") for line in lines), run.stdout
    imported = {name.split(".")[0] for name in report["modules"]}
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    assert files_of(lecture) == before  # the lecture and the gallery were not rewritten


def test_bad_input_on_a_cached_lecture_is_still_one_line_and_exit_2(lecture, capsys,
                                                                   monkeypatch):
    monkeypatch.setenv("LECTURE_MEDIA_DIR", str(lecture))
    before = files_of(lecture)
    # refused by the parameter's own check, and by computing (finite values, infinite mean)
    assert refusal(capsys, "mc_concentration", "mc_concentration.eps=2").startswith(
        "mc_concentration.eps = 2: must be")
    line = refusal(capsys, "mc_nonlinear_expectation", "mc_nonlinear_expectation.f=exp(40*x)")
    assert line.startswith('mc_nonlinear_expectation.f = "exp(40*x)": ')
    assert files_of(lecture) == before


def test_the_worker_draws_the_planners_result_and_computes_nothing(tmp_path, monkeypatch):
    media = tmp_path / "media"
    computed = []
    checked = SceneParams.computed

    def counted(params):
        computed.append(type(params).__name__)
        return checked(params)

    monkeypatch.setattr(SceneParams, "computed", counted)
    request = Request((SCENE,), quality="l", media=media, voice="none", workers=1)
    job, = plan(request)
    assert computed == ["ConditionGalleryParams"] and job.result is not None
    monkeypatch.setenv("LECTURE_TEST_FAULT", "crash:compute")  # any worker that computes fails
    outcomes, _ = render_locally([job], 1, preview=True)
    assert [o.status for o in outcomes] == ["rendered"], job.log.with_suffix(".preview.log")
    assert preview_file(job).is_file()
    # The same on a Dask worker: the result travels with the job.
    payload = {**job_payload(job, Path(), Path(), Path()), "preview": True}
    reply = remote_render(payload, _read_caches(media), job.result)
    assert f"{job.stem}.preview.png" in reply["files"], reply["log"]
    # Without a result the worker computes, and the fault shows that it would have been seen.
    outcomes, _ = render_locally([replace(job, result=None)], 1, preview=True)
    assert [o.status for o in outcomes] == ["failed"]
    assert "fault injected at 'compute'" in job.log.with_suffix(".preview.log").read_text()
    assert computed == ["ConditionGalleryParams"]  # nothing in this process computed again


@pytest.mark.parametrize("force", [False, True])
def test_the_planner_computes_exactly_the_scenes_it_will_render(tmp_path, force):
    media = tmp_path / "media"
    request = Request(("linear_algebra",), quality="l", media=media, force=force)
    jobs = plan(request)
    assert all(job.result is not None for job in jobs)
    cached = jobs[1]  # its sidecar says it was rendered with these parameters
    cached.sidecar.parent.mkdir(parents=True)
    cached.sidecar.write_text(json.dumps({"cache_key": cached.cache_key}))
    cached.clip.write_bytes(b"")
    again = plan(request)
    assert [job.result is not None for job in again] == [True, force, True, True]
    assert again == jobs  # the same jobs (a result is not part of a job's identity)


@pytest.mark.parametrize(("cores", "workers", "jobs", "share"), [
    (2, 2, 22, 1), (2, 1, 22, 2), (2, 2, 1, 2), (8, 2, 22, 4), (8, 3, 22, 2), (1, 4, 9, 1),
    (None, 2, 5, 1)])
def test_each_worker_gets_its_share_of_the_cores(monkeypatch, cores, workers, jobs, share):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert thread_share(workers, jobs) == share
    env = worker_env(share)
    assert {env[name] for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                   "MKL_NUM_THREADS")} == {str(share)}


@pytest.mark.parametrize("scheduler", ["", "local:1"], ids=["local", "dask"])
def test_planning_a_local_render_starts_the_warm_process_before_computing(
        tmp_path, monkeypatch, scheduler):
    """The warm process imports Manim while the planner computes the scenes' numbers: a
    local plan with something to render starts it first, in the environment its workers
    get (2 cores, 2 workers at once: one thread each); a plan for Dask starts none (its
    workers are elsewhere)."""
    from lecture import warm

    events, computed = [], SceneParams.computed
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(warm, "start", lambda env, cwd: events.append(
        ("start", env["OMP_NUM_THREADS"], env["MKL_NUM_THREADS"], cwd)))
    monkeypatch.setattr(SceneParams, "computed",
                        lambda self: events.append("computed") or computed(self))
    plan(Request(("monte_carlo",), quality="l", workers=2, media=tmp_path / "media",
                 scheduler=scheduler))
    assert events == ([] if scheduler else [("start", "1", "1", ROOT)]) + ["computed"] * 3


def test_a_warm_process_started_ahead_has_manim_loaded_before_its_first_job(tmp_path):
    """start() imports Manim at once (its Cairo library appears in the process's memory
    map before any job is asked for); the first spawn() forks from that same process."""
    from lecture import warm
    from tests.lecture.rendering import wait_for

    warm.stop()
    env = worker_env(1)
    warm.start(env, ROOT)
    server = warm._server
    warm.start(env, ROOT)  # already running: the same one
    assert warm._server is server and server.poll() is None
    wait_for(lambda: "cairo" in Path(f"/proc/{server.pid}/maps").read_text(),
             "the warm process to load Cairo")
    work = tmp_path / "work"
    work.mkdir()
    child = warm.spawn({"work": str(work)}, env, ROOT)
    assert child.server is server and warm._server is server
    assert child.wait(timeout=120) != 0  # a payload with no job: the worker fails, reported
    warm.stop()
    assert server.poll() is not None
