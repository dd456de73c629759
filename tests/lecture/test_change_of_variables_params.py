"""Parameters of section 2 (change of variables): what the command line refuses and accepts.

Refusals go through ``lecture.cli.main`` exactly as a user's ``--set`` would, and must end
with exit status 2 and one line naming SCENE.PARAM, the value and what is allowed, before
anything renders. Accepted values are resolved with ``plan_low`` (``plan_jobs`` at -q l),
which renders nothing.
"""

from __future__ import annotations


import numpy as np
import pytest

from lecture import cli
from compute.change_of_variables import linear_map
from lecture.catalog import entry, resolve_targets, section
from lecture.params import Matrix, Optional, show
from lecture.sections.change_of_variables import (
    Grid2DParams, JacobianFieldParams, Linear1DParams, MonotoneTransformParams,
)
from tests.lecture.rendering import case_ids, plan_low, refusal

SOURCE_A = [[1.7321, -0.5], [1.0, 0.8660]]  # printed by the lecture source for theta 30, scale [2, 1]






REFUSED = [
    # (target, --set values, SCENE.PARAM, words the reason must contain)
    ("cov_linear_1d", ["cov_linear_1d.a=0"], "cov_linear_1d.a = 0", "|a|"),
    ("cov_linear_1d", ["cov_linear_1d.a=-0.001"], "cov_linear_1d.a = -0.001", "|a|"),
    ("cov_linear_1d", ["cov_linear_1d.b=nan"], "cov_linear_1d.b = nan", "finite"),
    ("cov_linear_1d", ["cov_linear_1d.n_samples=2000000"], "cov_linear_1d.n_samples", "1,000,000"),
    ("cov_linear_1d", ["cov_linear_1d.bins=0"], "cov_linear_1d.bins = 0", "integer"),
    ("cov_linear_1d", ["cov_linear_1d.bins=2.5"], "cov_linear_1d.bins = 2.5", "integer"),
    ("cov_tanh", ['cov_tanh.transform="x**2"'], 'cov_tanh.transform = "x**2"', "monotone"),
    ("cov_tanh", ['cov_tanh.transform="sin(3*x)"'], 'cov_tanh.transform = "sin(3*x)"',
     "monotone"),
    ("cov_tanh", ['cov_tanh.transform="log(x)"'], 'cov_tanh.transform = "log(x)"', "finite"),
    ("cov_tanh", ['cov_tanh.transform="tanh(40*x)"'], 'cov_tanh.transform = "tanh(40*x)"',
     "monotone"),
    ("cov_tanh", ['cov_tanh.transform="__import__(1)"'], "cov_tanh.transform", "not allowed"),
    ("cov_tanh", ["cov_tanh.n_samples=-5"], "cov_tanh.n_samples = -5", "integer"),
    ("cov_tanh", ["cov_tanh.wiggle=1"], "cov_tanh.wiggle = 1", "unknown parameter"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[1, 2], [2, 4]]"], "cov_grid_2d.A = [[1.0, 2.0], [2.0, 4.0]]",
     "singular"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[1, 1], [1, 1.0000000000001]]"], "cov_grid_2d.A",
     "singular"),
    ("cov_grid_2d", ["cov_grid_2d.scale=[0, 1]"], "cov_grid_2d.scale = [0.0, 1.0]", "singular"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[100, 0], [0, 0.001]]"], "cov_grid_2d.A = [[100.0, 0.0], ",
     "too close to singular (det A = 0.1); its singular values must be at least 0.01 and "
     "within a factor 100 of each other (here 100 and 0.001)"),
    ("cov_grid_2d", ["cov_grid_2d.scale=[0.001, 0.001]"], "cov_grid_2d.scale = [0.001, 0.001]",
     "at least 0.01"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[1, 2, 3], [4, 5, 6]]"], "cov_grid_2d.A", "2x2 matrix"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[1, 0]]"], "cov_grid_2d.A", "2x2 matrix"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[nan, 0], [0, 1]]"], "cov_grid_2d.A = [[nan, 0], [0, 1]]",
     "finite"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[inf, 0], [0, 1]]"], "cov_grid_2d.A", "finite"),
    ("cov_grid_2d", ["cov_grid_2d.n_samples=0"], "cov_grid_2d.n_samples = 0", "integer"),
    ("cov_jacobian_field", ['cov_jacobian_field.map=["log(x1)", "x2"]'],
     'cov_jacobian_field.map = ["log(x1)", "x2"]', "finite"),
    # Finite everywhere, but its Jacobian is 0/0 at the origin, a point of the 31 x 31 grid.
    ("cov_jacobian_field", ['cov_jacobian_field.map=["sqrt(x1**2 + x2**2)", "x2"]',
                            "cov_jacobian_field.resolution=31"],
     "cov_jacobian_field.map", "Jacobian"),
    ("cov_jacobian_field", ['cov_jacobian_field.map=["x1"]'], "cov_jacobian_field.map",
     "2 expressions"),
    ("cov_jacobian_field", ['cov_jacobian_field.map=["x1", "y"]'], "cov_jacobian_field.map",
     "unknown name 'y'"),
    ("cov_jacobian_field", ["cov_jacobian_field.x_range=[2, -2]"],
     "cov_jacobian_field.x_range = [2, -2]", "high - low at least 0.01"),
    ("cov_jacobian_field", ["cov_jacobian_field.y_range=[1, 1]"],
     "cov_jacobian_field.y_range = [1, 1]", "high - low at least 0.01"),
    # accepted by the old checks, then a traceback in the worker (issue: hardening)
    ("cov_jacobian_field", ["cov_jacobian_field.x_range=[0, 1e-300]"],
     "cov_jacobian_field.x_range = [0, 1e-300]", "high - low at least 0.01"),
    ("cov_jacobian_field", ["cov_jacobian_field.x_range=[0, 1" + "0" * 400 + "]"],
     "cov_jacobian_field.x_range = [0, 1000", "within +-100"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[1e155, 0], [0, 1e155]]"],
     "cov_grid_2d.A = [[1e+155, 0], [0, 1e+155]]", "size at most 100"),
    ("cov_grid_2d", ["cov_grid_2d.A=[[1" + "0" * 400 + ", 0], [0, 1]]"],
     "cov_grid_2d.A = [[1000", "size at most 100"),
    ("cov_tanh", ['cov_tanh.transform="1e-300*x"'], 'cov_tanh.transform = "1e-300*x"',
     "onto an interval of width 1e-06 to 1e+06"),
    ("cov_jacobian_field", ["cov_jacobian_field.resolution=201"],
     "cov_jacobian_field.resolution = 201", "200"),
    ("cov_jacobian_field", ["cov_jacobian_field.resolution=1"],
     "cov_jacobian_field.resolution = 1", "integer"),
]


@pytest.mark.parametrize(("target", "sets", "where", "reason"), REFUSED, ids=case_ids(REFUSED))
def test_bad_values_are_refused_in_one_line(no_render, capsys, target, sets, where, reason):
    line = refusal(capsys, target, *sets)
    assert line.startswith(where) and reason in line.split(": ", 1)[-1], line
    assert not (no_render / "lecture").exists()


def test_refusal_happens_before_any_scene_of_the_run(no_render, capsys):
    """A bad value in one scene stops the whole section, the good scenes included."""
    assert "cov_tanh.transform" in refusal(capsys, "change_of_variables", "cov_tanh.transform=x**2")
    assert not (no_render / "lecture").exists()


def test_section_lists_four_scenes_in_lecture_order(tmp_path):
    assert section("change_of_variables").heading == "D.2 Change of variables and Jacobians"
    jobs = plan_low("change_of_variables", {}, tmp_path)
    assert [job.stem for job in jobs] == [
        "04_cov_linear_1d", "05_cov_tanh", "06_cov_grid_2d", "07_cov_jacobian_field"]
    assert [job.scene.class_name for job in jobs] == [
        "CovLinear1d", "CovTanh", "CovGrid2d", "CovJacobianField"]
    assert all(job.out_dir == tmp_path / "lecture" / "480p15" / "change_of_variables"
               for job in jobs)
    assert [s.id for s in resolve_targets(["cov_grid_2d"])] == ["cov_grid_2d"]


def test_defaults_are_the_spec_defaults(tmp_path):
    resolved = {job.scene.id: job.params.as_dict() for job in plan_low("change_of_variables", {},
                                                                    tmp_path)}
    assert resolved == {
        "cov_linear_1d": {"a": 2.0, "b": 1.0, "n_samples": 10_000, "bins": 50, "seed": 42},
        "cov_tanh": {"transform": "tanh(x)", "n_samples": 10_000, "bins": 50, "seed": 42},
        "cov_grid_2d": {"theta_deg": 30.0, "scale": [2.0, 1.0], "A": None, "n_samples": 1000,
                        "seed": 42},
        "cov_jacobian_field": {"map": ["x1**2 + 0.5*x2", "x1 + sin(x2)"],
                               "x_range": [-2.0, 2.0], "y_range": [-2.0, 2.0],
                               "resolution": 30},
    }


def test_default_grid_matrix_is_the_sources_rotation_times_scale():
    defaults = Grid2DParams()
    np.testing.assert_allclose(linear_map(defaults.theta_deg, defaults.scale, defaults.A),
                               SOURCE_A, atol=5e-5)


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"cov_linear_1d": {"a": -0.5, "b": 0}}, {"a": -0.5, "b": 0.0}),
    ({"cov_tanh": {"transform": "x**3"}}, {"transform": "x**3"}),
    ({"cov_tanh": {"transform": " sigmoid(2*x) "}}, {"transform": "sigmoid(2*x)"}),
    ({"cov_tanh": {"transform": "-exp(-x)"}}, {"transform": "-exp(-x)"}),  # decreasing is fine
    ({"cov_grid_2d": {"A": [[1, 2], [0, 1]]}}, {"A": [[1.0, 2.0], [0.0, 1.0]]}),
    ({"cov_grid_2d": {"A": [[0, 1], [1, 0]]}}, {"A": [[0.0, 1.0], [1.0, 0.0]]}),  # det -1
    ({"cov_grid_2d": {"theta_deg": -45, "scale": [0.5, 3]}},
     {"theta_deg": -45.0, "scale": [0.5, 3.0]}),
    ({"cov_jacobian_field": {"map": ["x1*cos(x2)", "x1*sin(x2)"], "x_range": [0.5, 2],
                             "y_range": [0, 3], "resolution": 200}},
     {"map": ["x1*cos(x2)", "x1*sin(x2)"], "x_range": [0.5, 2.0], "y_range": [0.0, 3.0],
      "resolution": 200}),
])
def test_valid_overrides_resolve_to_a_variant(tmp_path, overrides, expected):
    (scene_id,) = overrides
    (job,) = plan_low(scene_id, overrides, tmp_path)
    resolved = job.params.as_dict()
    assert {name: resolved[name] for name in expected} == expected
    assert not job.params.is_default()
    assert job.stem.startswith(f"{entry(scene_id).stem}--")


def test_a_none_means_theta_and_scale(tmp_path):
    for value in ("none", "None", " NONE "):
        (job,) = plan_low("cov_grid_2d", {"cov_grid_2d": {"A": value}}, tmp_path)
        assert job.params.A is None
        assert job.params.is_default()
        assert job.stem == "06_cov_grid_2d"


def test_a_given_overrides_theta_and_scale():
    given = Grid2DParams.resolve({"A": [[3, 1], [0, 2]], "theta_deg": 80, "scale": [5, 5]})
    result = given.compute()
    np.testing.assert_array_equal(result.A, [[3.0, 1.0], [0.0, 2.0]])
    assert result.det == pytest.approx(6.0)
    assert result.density_scale == pytest.approx(1 / 6)


def test_params_feed_compute_with_the_source_draws():
    linear = Linear1DParams().compute()
    assert (round(linear.sample_mean, 4), round(linear.sample_std, 4)) == (0.9957, 2.0068)
    tanh = MonotoneTransformParams().compute()
    np.testing.assert_allclose(tanh.jacobian_factor, 1 / (1 - tanh.y_grid**2), rtol=1e-8)
    grid = Grid2DParams().compute()
    np.testing.assert_allclose(grid.A, SOURCE_A, atol=5e-5)
    assert grid.det == pytest.approx(2.0)
    field = JacobianFieldParams().compute()
    mesh1, mesh2 = np.meshgrid(field.x1, field.x2, indexing="ij")
    np.testing.assert_allclose(field.det_jacobian, 2 * mesh1 * np.cos(mesh2) - 0.5, atol=1e-12)


def test_optional_kind_reads_none_and_checks_the_inner_kind():
    kind = Optional(Matrix(2, 2))
    assert kind.coerce(None) is None
    assert kind.coerce("none") is None
    assert kind.coerce([[1, 2], [3, 4]]) == ((1.0, 2.0), (3.0, 4.0))
    assert kind.describe().startswith('"none", or a 2x2 matrix')
    with pytest.raises(ValueError, match='must be "none", or a 2x2 matrix'):
        kind.coerce("identity")
    assert show(None) == "none"


def test_list_shows_the_section_and_the_optional_matrix(capsys):
    assert cli.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "change_of_variables: D.2 Change of variables and Jacobians" in out
    assert "  07 cov_jacobian_field:" in out
    assert 'A = none  ("none", or a 2x2 matrix' in out
