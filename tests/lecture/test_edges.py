"""Bad input at every edge (issue 17): each class of defect a hostile pass found, in-process.

1. messages are one line with every control character escaped, in the CLI and the API;
2. values that are accepted render, values without an answer are refused;
4. options (sweeps, the scheduler, cards) are checked with the others, before planning;
5. every argument of the Python API is checked up front; NumPy values are accepted;
6. a full disk is one line naming the path, and leaves no ``*.partial``.
Signals during planning (7) need a real process: test_render.py.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest

from lecture import BadInput, render
from tests.lecture.rendering import refusal

CONTROL = [chr(c) for c in (*range(32), 127)]


@pytest.fixture
def media(tmp_path, monkeypatch):
    """An empty media folder: bad input must leave it empty."""
    folder = tmp_path / "media"
    folder.mkdir()
    monkeypatch.setenv("LECTURE_MEDIA_DIR", str(folder))
    yield folder
    assert not any(folder.iterdir()), list(folder.rglob("*"))


def assert_one_clean_line(message: str) -> None:
    assert message and "\n" not in message and len(message) < 700, message
    assert not any(c in message for c in CONTROL), repr(message)


# 1. Messages ---------------------------------------------------------------------------

ECHOED = [
    # (target, --set, what the escaped line shows)
    ("mc_nonlinear_expectation", "mc_nonlinear_expectation.f=x\n+1", r'"x\n+1"'),
    ("mc_mean_convergence", "mc_mean_convergence.mu=1\n2", r'"1\n2"'),
    ("mc_mean_convergence", 'mc_mean_convergence.mu="a\\u0000b"', r'"a\x00b"'),
    ("mc_mean_convergence", 'mc_mean_convergence.mu="\\u001b[31mred"', r'"\x1b[31mred"'),
    ("mc_mean_convergence", "mc_mean_convergence.m\x1bu=1", r"mc_mean_convergence.m\x1bu"),
    ("la_svd_ellipse", "la_svd_ellipse.A=" + "\x07" * 5000, r"\x07\x07"),
    ("no_such\x1b[2J", "mc_mean_convergence.mu=1", r"no_such\x1b[2J"),
]


@pytest.mark.parametrize("target, item, shown", ECHOED, ids=[c[2][:24] for c in ECHOED])
def test_the_cli_echoes_values_escaped_on_one_line(capsys, media, target, item, shown):
    line = refusal(capsys, target, item)
    assert_one_clean_line(line)
    assert shown in line


def test_unknown_arguments_from_argparse_are_escaped_too(capsys, media):
    from lecture import cli

    assert cli.main(["mc_mean_convergence", "--bogus\x1b[31m", "\n"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and r"--bogus\x1b[31m" in err
    assert_one_clean_line(err.rstrip("\n"))


@pytest.mark.parametrize("call, shown", [
    (lambda m: render("la_svd_ellipse", quality="l", media=m, A=np.eye(3)),
     "[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]"),
    (lambda m: render("mc_mean_convergence", quality="l", media=m, mu="a\x00b\nc"),
     r'"a\x00b\nc"'),
    (lambda m: render("mc_nonlinear_expectation", quality="l", media=m, f="x\n+1"), r"\n"),
    (lambda m: render("no\nsuch", quality="l", media=m), r"no\nsuch"),
])
def test_the_api_raises_one_escaped_line(media, call, shown):
    with pytest.raises(BadInput) as refused:
        call(media)
    assert_one_clean_line(str(refused.value))
    assert shown in str(refused.value)


# 2. Accepted values that fail ----------------------------------------------------------

@pytest.mark.parametrize("target, item, says", [
    ("mc_nonlinear_expectation", "mc_nonlinear_expectation.f=tan(x)",
     "near x = 1.570796327, so E[f(X)] does not exist"),
    ("mc_nonlinear_expectation", "mc_nonlinear_expectation.f=1/(x-0.001)",
     "near x = 0.001, so E[f(X)] does not exist"),
    ("cov_jacobian_field", 'cov_jacobian_field.map=["0*x1", "0*x2"]',
     "singular: it flattens the plane (det J = 0 at every point"),
    ("cov_jacobian_field", 'cov_jacobian_field.map=["x1 + x2", "2*x1 + 2*x2"]',
     "singular: it flattens the plane"),
])
def test_values_without_an_answer_are_refused(capsys, media, target, item, says):
    line = refusal(capsys, target, item)
    assert says in line and line.startswith(item.split("=")[0] + " = "), line


@pytest.mark.parametrize("overrides", [
    {"f": "0*x", "n_max": 1000, "n_points": 20}, {"f": "x - x"}, {"f": "sin(1/(x-0.0001))"},
])
def test_values_with_an_answer_are_planned(tmp_path, overrides):
    from lecture.pipeline import Request, plan

    job, = plan(Request(("mc_nonlinear_expectation",), {"mc_nonlinear_expectation": overrides},
                        quality="l", media=tmp_path))
    result = job.scene.computed(job.params)
    if overrides["f"] != "sin(1/(x-0.0001))":
        assert result.true_value == 0 and not result.abs_error.any()
    else:
        assert abs(result.true_value) < 1e-3  # nearly odd about the mean


# 4. Options checked before planning ----------------------------------------------------

def cli_refusal(capsys, argv: list[str]) -> str:
    from lecture import cli

    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, (code, err)
    return err.removeprefix("error: ").rstrip("\n")


@pytest.mark.parametrize("argv, says", [
    (["la_svd_ellipse", "--sweep", "la_svd_ellipse.A="], "no values"),
    (["cov_tanh", "--sweep", "cov_tanh.transform=tanh(x"], "unbalanced brackets"),
    (["cov_tanh", "--sweep", "cov_tanh.transform=tanh(x)),x"], "unbalanced brackets"),
    (["la_svd_ellipse", "--sweep", "la_svd_ellipse.A=[[1, 0], [0, 1]"], "unbalanced brackets"),
    (["card_lecture", "--set", "card_lecture.x=1"], "cards take no parameters"),
    (["--set", "card_monte_carlo.title=1"], "cards take no parameters"),
    *[(["mc_mean_convergence", "--scheduler", bad], f'"{bad}": must be local:N')
      for bad in ("garbage", "tcp://", "tcp://host", "tcp://:8786", "local:0", "local:-1",
                  "local:abc", "local:65", "ftp://x:21", "tcp://host:99999")],
])
def test_options_are_refused_before_planning(capsys, media, monkeypatch, argv, says):
    from lecture import pipeline

    monkeypatch.setattr(pipeline, "plan_jobs", _never)  # refused before any planning
    line = cli_refusal(capsys, ["-q", "l", *argv])
    assert says in line, line


def test_the_scheduler_variable_is_checked_like_the_option(capsys, media, monkeypatch):
    from lecture import pipeline

    monkeypatch.setenv("LECTURE_SCHEDULER", "ftp://x")
    monkeypatch.setattr(pipeline, "plan_jobs", _never)
    assert '"ftp://x": must be local:N' in cli_refusal(capsys, ["mc_mean_convergence"])
    with pytest.raises(BadInput, match='"ftp://x": must be local:N'):
        render("mc_mean_convergence", quality="l", media=media)


def _never(*args, **kwargs):
    raise AssertionError("planned although an option was bad")


def test_a_params_file_card_table_says_cards_take_no_parameters(capsys, media, tmp_path):
    params = tmp_path / "p.toml"
    params.write_text("[card_lecture]\nx = 1\n")
    line = cli_refusal(capsys, ["-q", "l", "--params", str(params)])
    assert line.startswith("card_lecture.x = 1: ") and "takes no parameters" in line


@pytest.mark.parametrize("sweep, says", [
    ({"la_svd_ellipse": {"A": []}}, "la_svd_ellipse.A = []: must be a non-empty list"),
    ({"la_svd_ellipse": {}}, "must be a table giving parameters a non-empty list"),
    ({"la_svd_ellipse": {"A": 5}}, "la_svd_ellipse.A = 5: must be a non-empty list"),
    ({"la_svd_ellipse": 5}, "must be a table giving parameters"),
    ([1, 2], "must be a table of scenes"),
])
def test_the_api_refuses_empty_or_malformed_sweeps(media, sweep, says):
    with pytest.raises(BadInput) as refused:
        render("la_svd_ellipse", quality="l", media=media, sweep=sweep)
    assert says in str(refused.value)
    assert_one_clean_line(str(refused.value))


# 5. The Python API checks every argument ------------------------------------------------

@pytest.mark.parametrize("kwargs, says", [
    ({"targets": 5}, "targets = 5: must be a scene or section id"),
    ({"targets": ["la_svd_ellipse", 3]}, "targets = [\"la_svd_ellipse\", 3]: must be"),
    ({"params": [1, 2]}, "params = [1, 2]: must be a table of scenes"),
    ({"params": {"la_svd_ellipse": 5}}, "must be a table of scenes, each a table"),
    ({"media": 5}, "media = 5: must be a folder path"),
    ({"jobs": "2"}, 'jobs = "2": must be an integer from 1 to 64'),
    ({"jobs": -3}, "jobs = -3: must be an integer from 1 to 64"),
    ({"jobs": 0}, "jobs = 0: must be an integer from 1 to 64"),  # as -j 0
    ({"jobs": 65}, "jobs = 65: must be an integer from 1 to 64"),
    ({"jobs": True}, "jobs = true: must be an integer"),
    ({"jobs": 2.5}, "jobs = 2.5: must be an integer"),
    ({"scheduler": 5}, "scheduler = 5: must be a string"),
    ({"force": "yes"}, 'force = "yes": must be True or False'),
    ({"quality": ["l"]}, "quality = ['l']: must be one of l, m"),
    ({"fmt": None}, "format = None: must be one of mp4"),
])
def test_every_argument_of_render_is_checked_up_front(media, monkeypatch, kwargs, says):
    from lecture import pipeline

    monkeypatch.setattr(pipeline, "plan_jobs", _never if "quality" not in kwargs
                        and "fmt" not in kwargs else pipeline.plan_jobs)
    arguments = {"targets": "la_svd_ellipse", "quality": "l", "media": media, **kwargs}
    with pytest.raises(BadInput) as refused:
        render(arguments.pop("targets"), **arguments)
    assert says in str(refused.value), str(refused.value)
    assert_one_clean_line(str(refused.value))


@pytest.mark.parametrize("kwargs, params", [
    ({"A": np.eye(2)}, {"A": [[1.0, 0.0], [0.0, 1.0]]}),
    ({"A": np.array([[2, 0], [0.5, 1]], dtype=np.float32)}, {"A": [[2.0, 0.0], [0.5, 1.0]]}),
    ({"A": [np.array([1.0, 2.0]), (np.int64(0), np.float64(3))]}, {"A": [[1.0, 2.0], [0.0, 3.0]]}),
])
def test_numpy_values_are_accepted_where_numbers_and_lists_are(media, monkeypatch, kwargs,
                                                                params):
    planned = _planned(monkeypatch)
    with pytest.raises(_Stop):
        render("la_svd_ellipse", quality="l", media=media, jobs=np.int64(2), **kwargs)
    job, = planned
    assert job.params.as_dict() == params


def test_a_numpy_seed_and_a_numpy_sweep_are_plain_values(media, monkeypatch):
    planned = _planned(monkeypatch)
    with pytest.raises(_Stop):
        render("mc_mean_convergence", quality="l", media=media, seed=np.int64(42),
               sweep={"mc_mean_convergence": {"sigma": np.array([1.0, 2.0])}})
    assert [(j.params.seed, j.params.sigma) for j in planned] == [(42, 1.0), (42, 2.0)]
    assert type(planned[0].params.seed) is int


def _planned(monkeypatch) -> list:
    """render() plans for real, then raises _Stop before anything renders; the planned
    jobs land in the list returned."""
    from lecture import api

    planned = []

    def stop(request, jobs):
        planned.extend(jobs)
        raise _Stop

    monkeypatch.setattr(api, "execute", stop)
    return planned


class _Stop(Exception):
    pass


# 6. A full disk ------------------------------------------------------------------------

def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/full")


@pytest.mark.parametrize("fails", ["replace", "write"])
def test_write_whole_leaves_no_partial_file_on_a_full_disk(tmp_path, monkeypatch, fails):
    from lecture import staging

    target = tmp_path / "index.html"
    target.write_text("earlier page")
    if fails == "replace":
        monkeypatch.setattr(staging.os, "replace", _full_disk)
    else:  # the file is created, then the disk fills while writing it: a 0-byte partial
        def write_bytes(path, data):
            path.touch()
            _full_disk()

        monkeypatch.setattr(Path, "write_bytes", write_bytes)
    with pytest.raises(OSError) as failed:
        staging.write_whole(target, "new page")
    assert failed.value.errno == errno.ENOSPC
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]
    assert target.read_text() == "earlier page"


def test_a_gallery_that_cannot_be_written_leaves_no_partial(tmp_path, monkeypatch):
    from lecture import staging
    from lecture.gallery import write_gallery

    folder = tmp_path / "lecture" / "480p15"
    folder.mkdir(parents=True)
    monkeypatch.setattr(staging.os, "replace", _full_disk)
    with pytest.raises(OSError):
        write_gallery(folder)
    assert list(folder.rglob("*.partial")) == []


@pytest.mark.parametrize("scheduler", [[], ["--scheduler", "local:1"]], ids=["local", "dask"])
def test_a_full_disk_in_a_worker_is_one_line_and_exit_1(tmp_path, scheduler):
    """A worker that meets a full disk (a fault point raises ENOSPC, as a 2 MB tmpfs would)
    makes the run end with the README's line, not a FAILED pointing at an empty log. On
    Dask the path is the worker machine's folder, after every retry met the same."""
    from tests.lecture.rendering import ROOT

    media = tmp_path / "media"
    run = subprocess.run([str(ROOT / "render.sh"), "la_svd_ellipse", "-q", "l", *scheduler],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "LECTURE_MEDIA_DIR": str(media),
                              "LECTURE_TEST_FAULT": "enospc:render"})
    assert run.returncode == 1, run.stdout + run.stderr
    where = "/" if scheduler else f"{media}\n"
    assert run.stderr.startswith(f"error: no space left on device: {where}"), run.stderr
    assert run.stderr.count("\n") == 1
    assert "FAILED" not in run.stdout and "Traceback" not in run.stderr
    assert list(media.rglob("*.partial")) == []
    assert not (media / ".work").exists() or list((media / ".work").iterdir()) == []
    assert not (media / "lecture").exists() or list((media / "lecture").rglob("*.mp4")) == []


# 7. Signals while planning -------------------------------------------------------------

@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_planning_is_one_line_and_its_exit_status(tmp_path, signum):
    """A long plan (the numbers of every scene are computed before any render) paused at
    its checkpoint, then signalled as job control would: one line, 130 or 143."""
    from tests.lecture.rendering import ROOT, wait_for

    media, marker = tmp_path / "media", tmp_path / "at-plan"
    process = subprocess.Popen(
        [str(ROOT / "render.sh"), "mc_nonlinear_expectation", "-q", "l"], text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "LECTURE_MEDIA_DIR": str(media), "LECTURE_TEST_FAULT": "pause:plan",
             "LECTURE_TEST_FAULT_ONCE": str(marker)})
    pid = int(wait_for(lambda: marker.exists() and marker.read_text(), "planning to pause"))
    assert pid == process.pid
    os.kill(pid, signum)
    out, err = process.communicate(timeout=60)
    name = signal.Signals(signum).name
    assert process.returncode == 128 + signum, (out, err)
    assert err == (f"interrupted by {name} while computing the scenes' numbers, before any "
                   "render: nothing rendered, nothing changed\n"), err
    assert out == "" and not (media / "lecture").exists()
