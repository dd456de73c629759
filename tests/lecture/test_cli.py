"""The command line: bad input (spec section 3), parameter sources, naming and --list.

Everything here runs in-process and renders nothing; real renders are in test_render.py.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from lecture import cli, jobs
from lecture.pipeline import default_media
from lecture.catalog import SCENES
from lecture.readme import cell, updated

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def media(tmp_path, monkeypatch):
    """A media folder holding an earlier output, to prove bad input changes nothing."""
    folder = tmp_path / "media"
    earlier = folder / "lecture" / "480p15" / "monte_carlo"
    earlier.mkdir(parents=True)
    (earlier / "01_mc_mean_convergence.mp4").write_bytes(b"earlier clip")
    (earlier / "01_mc_mean_convergence.json").write_text('{"cache_key": "x"}')
    monkeypatch.setenv("LECTURE_MEDIA_DIR", str(folder))
    return folder


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


BAD_INPUT = [
    # (arguments, text the one line must contain)
    (["--set", "mc_mean_convergence.n_max=5"],
     ["mc_mean_convergence.n_max = 5", "> n_min (10)"]),
    (["--set", "mc_mean_convergence.n_points=0"],
     ["mc_mean_convergence.n_points = 0", "integer from 2"]),
    (["--set", "mc_concentration.trials=-5"], ["mc_concentration.trials = -5", "integer from 1"]),
    (["--set", "mc_mean_convergence.n_max=2.5"], ["mc_mean_convergence.n_max = 2.5", "integer"]),
    (["--set", "mc_nonlinear_expectation.n_max=1000000000"],
     ["mc_nonlinear_expectation.n_max = 1000000000", "10,000,000"]),
    (["--set", "mc_concentration.trials=1000000", "--set", "mc_concentration.n_max=1000000"],
     ["mc_concentration.trials = 1000000", "trials * (n_max + n_points) must be at most"]),
    (["--set", "mc_concentration.trials=1000000", "--set", "mc_concentration.n_min=1",
      "--set", "mc_concentration.n_max=2", "--set", "mc_concentration.n_points=2000"],
     ["mc_concentration.trials = 1000000", "100,000,000"]),
    (["--set", "mc_mean_convergence.mu=1e300"], ["mc_mean_convergence.mu = 1e+300",
                                                 "from -1,000 to 1,000"]),
    (["--set", "mc_mean_convergence.sigma=1e300"], ["mc_mean_convergence.sigma = 1e+300",
                                                    "from 0.001 to 1,000"]),
    (["--set", "mc_mean_convergence.mu=" + "9" * 400],
     ["mc_mean_convergence.mu = 9999", "characters): must be a finite number"]),
    (["--set", "mc_mean_convergence.mu=" + "9" * 5000],
     ["mc_mean_convergence.mu = \"9999", "(5,002 characters): must be a finite number"]),
    (["--set", "mc_nonlinear_expectation.f=exp(40*x)"],
     ['mc_nonlinear_expectation.f = "exp(40*x)"', "no reliable value by quadrature"]),
    (["--set", "mc_nonlinear_expectation.f=1/(x-0.001)"],
     ['mc_nonlinear_expectation.f = "1/(x - 0.001)"', "finite expectation"]),
    (["--set", "mc_nonlinear_expectation.f=" + "x+" * 50_000 + "x"],
     ['mc_nonlinear_expectation.f = "x+x+', "(100,003 characters)", "longer than 300"]),
    (["--set", "cov_tanh.transform=x"], ["cov_tanh.transform=x", "not among the scenes"]),
    (["--set", "mc_mean_convergence.mu=nan"], ["mc_mean_convergence.mu = nan", "finite"]),
    (["--set", "mc_mean_convergence.sigma=inf"], ["mc_mean_convergence.sigma = inf", "finite"]),
    (["--set", "mc_mean_convergence.sigma=0"], ["mc_mean_convergence.sigma = 0", "from 0.001"]),
    (["--set", "mc_mean_convergence.confidence=1.5"], ["confidence = 1.5", "to 0.999"]),
    (["--set", "mc_nonlinear_expectation.f=\"__import__('os')\""],
     ["mc_nonlinear_expectation.f = ", "'__import__' is not allowed"]),
    (["--set", "mc_nonlinear_expectation.f=\"y**2\""], ["f = \"y**2\"", "unknown name 'y'"]),
    (["--set", "mc_nonlinear_expectation.f=x.real"], ["f = \"x.real\"", "not allowed"]),
    (["--set", "mc_nonlinear_expectation.f=\"log(x)\""],
     ["f = \"log(x)\"", "must be finite for every x"]),
    (["--set", "mc_concentration.distribution=\"cauchy\""],
     ["mc_concentration.distribution = \"cauchy\"", "one of \"uniform\", \"bernoulli\""]),
    (["--set", "mc_concentration.eps=[1, 2]"], ["mc_concentration.eps = [1, 2]", "number"]),
    (["--set", "mc_mean_convergence.bogus=1"], ["mc_mean_convergence.bogus = 1",
                                                "unknown parameter; known: mu, sigma"]),
    (["--set", "no_such_scene.n=1"], ["no_such_scene", "unknown scene"]),
    (["no_such_target"], ["no_such_target", "not a scene or section id"]),
    (["-q", "z"], ["argument -q", "invalid choice"]),
    (["-j", "0"], ["-j 0", "1 to 64"]),
    (["--set", "mc_mean_convergence.n_max"], ["expected SCENE.PARAM=VALUE"]),
]


@pytest.mark.parametrize(("argv", "fragments"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(argv, fragments, media, capsys):
    before = tree_digest(media)
    assert cli.main(["monte_carlo", "-q", "l", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and len(err) < 400, err
    for fragment in fragments:
        assert fragment in err
    assert tree_digest(media) == before


def test_bad_input_through_render_sh_has_no_traceback(media):
    before = tree_digest(media)
    run = subprocess.run([str(ROOT / "render.sh"), "--set", "mc_mean_convergence.n_min=-1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip() == ("error: mc_mean_convergence.n_min = -1: "
                                  "must be an integer from 2 to 10,000,000")
    assert tree_digest(media) == before


def test_params_file_and_set_combine_with_set_winning(tmp_path, media):
    table = tmp_path / "p.toml"
    table.write_text('[mc_mean_convergence]\nn_max = 4000\nsigma = 2.5\n'
                     '[mc_nonlinear_expectation]\nf = "exp(x)"\n')
    overrides, sweeps = cli.collect_overrides(["mc_mean_convergence.n_max=3000"], table)
    assert sweeps == {}
    assert overrides == {"mc_mean_convergence": {"n_max": 3000, "sigma": 2.5},
                         "mc_nonlinear_expectation": {"f": "exp(x)"}}
    planned = jobs.plan_jobs(["monte_carlo"], overrides, "l", "mp4", media)
    assert (planned[0].params.n_max, planned[0].params.sigma) == (3000, 2.5)
    assert planned[1].params.f == "exp(x)"
    assert planned[2].params.is_default()


def test_set_values_are_toml_and_a_bare_word_is_a_string():
    assert cli.parse_value("[[3, 1], [0, 2]]") == [[3, 1], [0, 2]]
    assert cli.parse_value('"sin(x)"') == "sin(x)"
    assert cli.parse_value("sin(x)") == "sin(x)"
    assert cli.parse_value("2.5") == 2.5 and cli.parse_value("7") == 7


def test_list_names_every_scene_parameter_default_and_constraint(capsys):
    assert cli.main(["--list"]) == 0
    out = capsys.readouterr().out
    for scene in SCENES:
        assert f"{scene.number:02d} {scene.id}" in out
        for field in scene.params.fields():
            assert f"{field.name} = " in out
    assert 'f = "x**2"  (an expression in x)' in out
    assert "n_max = 10000  (an integer from 3 to 10,000,000)" in out


def test_readme_catalog_is_generated_from_the_catalog():
    readme = (ROOT / "README.md").read_text()
    assert readme == updated(readme), "run: .venv/bin/python -m lecture.readme"
    assert cli.list_catalog() in readme
    for scene in SCENES:
        assert (f"| {scene.number:02d} | `{scene.id}` | {cell(scene.title)} | "
                f"{cell(scene.summary)} |") in readme


def test_media_dir_is_relative_to_the_caller_and_empty_means_unset(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LECTURE_MEDIA_DIR", "my_media")
    assert default_media() == tmp_path / "my_media"
    for empty in ("", "  "):
        monkeypatch.setenv("LECTURE_MEDIA_DIR", empty)
        assert default_media() == ROOT / "media"


@pytest.mark.parametrize(("content", "fragment"), [
    (b"[mc_mean_convergence]\nmu = 0.5\n\xff\xfe bad bytes\n", "not a UTF-8 text file"),
    (b"[mc_mean_convergence]\nmu = " + b"9" * 5000 + b"\n", "--params"),
    (b"[mc_mean_convergence\nmu = 1\n", "--params"),
    (b"mu = 1\n", "'mu' must be a [table]"),
])
def test_a_bad_params_file_is_one_line_and_exit_2(content, fragment, media, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(content)
    before = tree_digest(media)
    assert cli.main(["monte_carlo", "--params", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --params") and err.count("\n") == 1 and len(err) < 300, err
    assert fragment in err
    assert tree_digest(media) == before


def test_a_params_file_may_hold_tables_for_scenes_not_rendered(media, tmp_path):
    table = tmp_path / "all.toml"
    table.write_text('[cov_tanh]\ntransform = "x**3"\n[mc_mean_convergence]\nsigma = 2\n')
    overrides, _ = cli.collect_overrides([], table, ["mc_mean_convergence"])
    assert overrides["cov_tanh"] == {"transform": "x**3"}
    with pytest.raises(cli.UsageError, match="not among the scenes being rendered"):
        cli.collect_overrides(["cov_tanh.transform=x**3"], None, ["mc_mean_convergence"])


def test_a_media_folder_that_cannot_be_written_is_one_line_and_exit_1(tmp_path, monkeypatch,
                                                                        capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LECTURE_MEDIA_DIR", str(blocker / "media"))
    assert cli.main(["mc_mean_convergence", "-q", "l"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: not a directory: "), err
    assert str(blocker) in err
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize(("text", "values"), [
    ("1000,2000,5000", [1000, 2000, 5000]),
    ('"tanh(x)", "sigmoid(2*x)"', ["tanh(x)", "sigmoid(2*x)"]),
    ("tanh(x),sigmoid(2*x)", ["tanh(x)", "sigmoid(2*x)"]),
    ("[[1, 0], [0, 1]], [[0, 1], [1, 0]]", [[[1, 0], [0, 1]], [[0, 1], [1, 0]]]),
    ("x**2 + sin(x, 1),x", ["x**2 + sin(x, 1)", "x"]),
])
def test_sweep_values_are_a_toml_array_or_bare_words(text, values):
    assert cli.split_values(text) == values


def test_sweeps_from_the_command_line_and_the_params_file(tmp_path):
    table = tmp_path / "sweep.toml"
    table.write_text('[sweep.cov_tanh]\ntransform = ["tanh(x)", "x**3"]\n')
    overrides, sweeps = cli.collect_overrides(["cov_tanh.bins=20"], table, ["cov_tanh"],
                                              ["cov_tanh.seed=1,2"])
    assert overrides == {"cov_tanh": {"bins": 20}}
    assert sweeps == {"cov_tanh": {"transform": ["tanh(x)", "x**3"], "seed": [1, 2]}}
    planned = jobs.plan_jobs(["cov_tanh"], overrides, "l", "mp4", tmp_path, sweeps)
    assert [(j.params.transform, j.params.seed, j.params.bins) for j in planned] == [
        ("tanh(x)", 1, 20), ("tanh(x)", 2, 20), ("x**3", 1, 20), ("x**3", 2, 20)]
    assert len({j.stem for j in planned}) == 4
    with pytest.raises(cli.UsageError, match="not among the scenes being rendered"):
        cli.collect_overrides([], None, ["cov_tanh"], ["mc_concentration.eps=0.1,0.2"])
