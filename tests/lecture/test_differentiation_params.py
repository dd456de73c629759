"""Parameters of section 4 (differentiation): what the command line refuses and accepts.

Refusals go through ``lecture.cli.main`` exactly as a user's ``--set`` would, and must end
with exit status 2 and one line naming SCENE.PARAM, the value and what is allowed, before
anything renders. Some come from ``check()`` (a test point outside x_range, a zero
direction), others from the computation (``f'`` not finite somewhere), which the command
line runs for every scene about to render. Accepted values are resolved with
``plan_jobs``, which renders nothing, and computed through the catalog entry.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lecture import cli
from lecture.catalog import entry, section
from lecture.params import ParamError
from lecture.sections.differentiation import (
    JvpHvpParams, NnLinearizationParams, TangentCurvatureParams,
)
from tests.lecture.rendering import case_ids, plan_low, refusal

SOURCE_JVP_NORMS = [0.246, 0.176, 1.220, 0.027]  # printed by the lecture source
SOURCE_HVP_NORMS = [2.030, 1.066, 0.983]  # the source prints nan for the output bias






TC, JH, NN = "diff_tangent_curvature", "diff_jvp_hvp", "diff_nn_linearization"

REFUSED = [
    # (target, --set values, start of the line after "error: ", words the reason must contain)
    # check(): rules across fields
    (TC, [f"{TC}.test_points=[2.5]"], f"{TC}.test_points = [2.5]",
     "must lie inside x_range [-2, 2] (2.5 does not)"),
    (TC, [f"{TC}.x_range=[-1, 1]"], f"{TC}.test_points = [-1.5, -1.0, 0.0, 1.0, 1.5]",
     "(-1.5 does not)"),
    (TC, [f"{TC}.test_points=[-2, 2.0000001]"], f"{TC}.test_points", "inside x_range"),
    # the kinds
    (TC, [f"{TC}.test_points=[]"], f"{TC}.test_points = []", "a list of 1 to 9 numbers"),
    (TC, [f"{TC}.test_points=[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]"], f"{TC}.test_points",
     "a list of 1 to 9 numbers"),
    (TC, [f'{TC}.test_points=[0, "a"]'], f"{TC}.test_points", "entry 2: must be a finite number"),
    (TC, [f"{TC}.test_points=[nan]"], f"{TC}.test_points = [nan]", "finite"),
    (TC, [f"{TC}.x_range=[2, -2]"], f"{TC}.x_range = [2, -2]", "high - low at least 0.1"),
    (TC, [f"{TC}.x_range=[0, 0.05]", f"{TC}.test_points=[0]"], f"{TC}.x_range = [0, 0.05]",
     "high - low at least 0.1"),
    (TC, [f"{TC}.x_range=[-2000, 2]"], f"{TC}.x_range = [-2000, 2]", "within +-1,000"),
    (TC, [f"{TC}.x_range=[0, nan]"], f"{TC}.x_range = [0, nan]", "within +-1,000"),
    (TC, [f'{TC}.f="y"'], f'{TC}.f = "y"', "unknown name 'y'"),
    (TC, [f'{TC}.f="__import__(1)"'], f"{TC}.f", "not allowed"),
    # the computation: f, f' or f'' not finite where the sweep goes
    (TC, [f'{TC}.f="log(x)"'], f'{TC}.f = "log(x)"', "f is not finite at x = -2"),
    (TC, [f'{TC}.f="1/x"'], f'{TC}.f = "1/x"', "f is not finite at x = 0"),
    (TC, [f'{TC}.f="sqrt(x)"', f"{TC}.x_range=[0, 1]", f"{TC}.test_points=[0.5]"],
     f'{TC}.f = "sqrt(x)"',
     "together with x_range = [0.0, 1.0], test_points = [0.5], f' is not finite at x = 0"),
    (TC, [f'{TC}.f="abs(x)**1.5"'], f'{TC}.f = "abs(x)**1.5"', "f'' is not finite at x = 0"),
    (TC, [f'{TC}.f="exp(exp(x))"', f"{TC}.x_range=[0, 4]", f"{TC}.test_points=[1]"],
     f'{TC}.f = "exp(exp(x))"', "f is beyond +-1e+12 at x = 3.32, too large to draw"),
    (JH, [f"{JH}.direction=[0, 0]"], f"{JH}.direction = [0.0, 0.0]", "nonzero direction"),
    (JH, [f"{JH}.direction=[0.0005, 0]"], f"{JH}.direction", "length at least 0.001"),
    (JH, [f"{JH}.direction=[11, 0]"], f"{JH}.direction = [11, 0]", "size at most 10"),
    (JH, [f"{JH}.alpha_range=[1, -1]"], f"{JH}.alpha_range = [1, -1]", "high - low at least 0.1"),
    (JH, [f"{JH}.alpha_range=[-20, 1]"], f"{JH}.alpha_range", "within +-10"),
    (JH, [f"{JH}.point=[1, 2, 3]"], f"{JH}.point = [1, 2, 3]", "a list of 2 finite numbers"),
    (JH, [f"{JH}.point=[inf, 0]"], f"{JH}.point = [inf, 0]", "finite"),
    (JH, [f'{JH}.f="x + z"'], f'{JH}.f = "x + z"', "unknown name 'z'"),
    (JH, [f'{JH}.f="1/(x - 1)"'], f'{JH}.f = "1/(x - 1)"', "f is not finite at (x, y) = (1, 2)"),
    (JH, [f'{JH}.f="sqrt(x**2 + y**2)"', f"{JH}.point=[0, 0]"], f'{JH}.f = "sqrt(x**2 + y**2)"',
     "the gradient of f is not finite at (x, y) = (0, 0)"),
    (JH, [f'{JH}.f="log(x)"', f"{JH}.point=[0.2, 0]", f"{JH}.direction=[1, 0]"],
     f'{JH}.f = "log(x)"', "f is not finite at (x, y) = (-1.05, -1.25)"),
    (NN, [f"{NN}.direction=[0, 0]"], f"{NN}.direction = [0.0, 0.0]", "nonzero direction"),
    (NN, [f"{NN}.alpha_range=[0, 0.01]"], f"{NN}.alpha_range = [0, 0.01]",
     "high - low at least 0.1"),
    (NN, [f"{NN}.torch_seed=-1"], f"{NN}.torch_seed = -1", "an integer from 0 to 4,294,967,295"),
    (NN, [f"{NN}.torch_seed=2.5"], f"{NN}.torch_seed = 2.5", "integer"),
    (NN, [f"{NN}.width=8"], f"{NN}.width = 8", "unknown parameter; known: torch_seed"),
]


@pytest.mark.parametrize(("target", "sets", "where", "reason"), REFUSED, ids=case_ids(REFUSED))
def test_bad_values_are_refused_in_one_line(no_render, capsys, target, sets, where, reason):
    line = refusal(capsys, target, *sets)
    assert line.startswith(where) and reason in line.split(": ", 1)[-1], line
    assert not (no_render / "lecture").exists()


def test_a_refusal_by_the_computation_stops_the_whole_section(no_render, capsys):
    """The good scenes of the run do not render either: every check comes first."""
    assert f"{JH}.f" in refusal(capsys, "differentiation", f'{JH}.f="1/(x - 1)"')
    assert not (no_render / "lecture").exists()


def test_resolving_the_parameters_never_imports_torch():
    """``check()`` is cheap: a cached re-run of the lecture resolves every scene's values."""
    script = (
        "import sys\n"
        "from lecture.catalog import entry\n"
        f"entry('{TC}').resolve({{'f': 'log(x)', 'x_range': [-1, 1], 'test_points': [0.5]}})\n"
        f"entry('{JH}').resolve({{'f': 'sin(x)*cos(y)', 'direction': [3, 0.1]}})\n"
        f"entry('{NN}').resolve({{'torch_seed': 7}})\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script], cwd=root, check=True)


def test_section_lists_three_scenes_in_lecture_order(tmp_path):
    assert section("differentiation").heading == "D.4 Differentiation and curvature"
    jobs = plan_low("differentiation", {}, tmp_path)
    assert [job.stem for job in jobs] == [
        "12_diff_tangent_curvature", "13_diff_jvp_hvp", "14_diff_nn_linearization"]
    assert [job.scene.class_name for job in jobs] == [
        "DiffTangentCurvature", "DiffJvpHvp", "DiffNnLinearization"]


def test_defaults_are_the_spec_defaults(tmp_path):
    resolved = {job.scene.id: job.params.as_dict() for job in plan_low("differentiation", {},
                                                                    tmp_path)}
    assert resolved == {
        TC: {"f": "x**3 - 3*x", "x_range": [-2.0, 2.0],
             "test_points": [-1.5, -1.0, 0.0, 1.0, 1.5]},
        # The source's "(x**2 + y**2) + 0.5*x*y**3", written without redundant brackets.
        JH: {"f": "x**2 + y**2 + 0.5*x*y**3", "point": [1.0, 2.0], "direction": [1.0, -0.5],
             "alpha_range": [-1.0, 1.0]},
        NN: {"torch_seed": 42, "direction": [1.0, 0.0], "alpha_range": [-1.0, 1.0]},
    }


def test_defaults_compute_the_spec_keyframes():
    tangent = entry(TC).computed(TangentCurvatureParams())
    np.testing.assert_allclose(tangent.gradient, [3.75, 0, -3, 0, 3.75], atol=1e-14)
    np.testing.assert_allclose(tangent.hessian, [-9, -6, 0, 6, 9], atol=1e-14)
    surface = entry(JH).computed(JvpHvpParams())
    np.testing.assert_allclose(surface.gradient, [6, 10])
    np.testing.assert_allclose([surface.directional_derivative, surface.directional_curvature],
                               [1.0, -2.0])
    np.testing.assert_allclose(surface.hvp, [-1, 2])
    network = entry(NN).computed(NnLinearizationParams())
    np.testing.assert_allclose(network.param_jvp_norms, SOURCE_JVP_NORMS, atol=5e-4)
    np.testing.assert_allclose(network.param_hvp_norms[:3], SOURCE_HVP_NORMS, atol=5e-4)
    assert network.param_hvp_norms[3] == 0.0


ACCEPTED = [
    # the variants the section is rendered with; (scene, overrides)
    (TC, {"f": "sin(x)", "x_range": [-4, 4], "test_points": [-2, 0, 3.141592653589793]}),
    (TC, {"f": "sin(x)*exp(-x**2/4)", "x_range": [-5, 5], "test_points": [-3, -1, 0.5, 2]}),
    (TC, {"test_points": [-2, 2]}),  # both edges of x_range
    (TC, {"test_points": [1.5, -1.5, 1.5]}),  # unordered, repeated
    (TC, {"f": "abs(x)**3", "x_range": [-1, 1], "test_points": [0]}),
    (JH, {"f": "sin(x)*cos(y)", "point": [0.5, -0.3], "direction": [2, 1]}),
    (JH, {"direction": [0.05, 0.02], "alpha_range": [-0.5, 2]}),
    (JH, {"direction": [-10, 10], "point": [-100, 100]}),
    (NN, {"torch_seed": 7, "direction": [0.3, -1.0]}),
    (NN, {"direction": [10, 10], "alpha_range": [-10, 10]}),
]


@pytest.mark.parametrize(("scene_id", "overrides"), ACCEPTED,
                         ids=[f"{s}-{i}" for i, (s, _) in enumerate(ACCEPTED)])
def test_valid_overrides_resolve_to_a_variant_that_computes(tmp_path, scene_id, overrides):
    (job,) = plan_low(scene_id, {scene_id: overrides}, tmp_path)
    resolved = job.params.as_dict()
    assert {name: resolved[name] for name in overrides} == {
        name: np.asarray(value, dtype=float).tolist() if not isinstance(value, (str, int))
        else value for name, value in overrides.items()}
    assert not job.params.is_default()
    assert job.stem.startswith(f"{entry(scene_id).stem}--")
    job.scene.computed(job.params)  # no ParamError: the variant renders


def test_test_points_at_the_edges_are_stops():
    result = TangentCurvatureParams.resolve({"test_points": [2, -2]}).compute()
    np.testing.assert_array_equal(result.sweep_x[result.stop_indices], [-2.0, 2.0])
    assert result.stop_indices[0] == 0 and result.stop_indices[-1] == len(result.sweep_x) - 1


NASTY_1D = ["exp(exp(x))", "1/x", "log(x)", "sqrt(x)", "tan(x)", "abs(x)", "x**x", "2",
            "sin(1/x)", "exp(x)", "x**0.5 + log(abs(x))", "sigmoid(1000*x)", "tanh(x)**3"]
NASTY_2D = ["exp(exp(x + y))", "1/x + y", "log(x*y)", "sqrt(x) + y", "tan(x*y)", "abs(x - y)",
            "x**y", "3", "exp(x)*y**9"]
RANGES = [(-1000.0, 1000.0), (-1000.0, -999.9), (0.0, 0.1), (-2.0, 2.0), (999.0, 1000.0)]
VECTORS = [(10.0, 10.0), (-10.0, 0.001), (0.001, 0.0), (1.0, -0.5)]


def finite_or_refused(scene_id, overrides):
    """Resolve and compute as the command line does: refused with a one-line ParamError
    naming a parameter of this scene, or finite throughout."""
    scene = entry(scene_id)
    try:
        scene.computed(scene.resolve(overrides))
    except ParamError as refused:
        assert refused.scene == scene_id and str(refused).startswith(f"{scene_id}.")
        assert "\n" not in str(refused)
        return "refused"
    return "finite"


def test_extreme_accepted_values_are_refused_or_compute_finite_results():
    outcomes = []
    for f in NASTY_1D:
        for low, high in RANGES:
            points = [low, 0.5 * (low + high), high]
            outcomes.append(finite_or_refused(
                TC, {"f": f, "x_range": [low, high], "test_points": points}))
    for f in NASTY_2D:
        for point in [(100.0, 100.0), (-100.0, 0.0), (0.0, 0.0), (1.0, 2.0)]:
            for direction in VECTORS:
                outcomes.append(finite_or_refused(JH, {
                    "f": f, "point": list(point), "direction": list(direction),
                    "alpha_range": [-10.0, 10.0]}))
    for seed in (0, 2**32 - 1):
        for direction in VECTORS:
            for alpha_range in [(-10.0, 10.0), (9.9, 10.0)]:
                outcomes.append(finite_or_refused(NN, {
                    "torch_seed": seed, "direction": list(direction),
                    "alpha_range": list(alpha_range)}))
    # Both outcomes occur, so the loop exercised refusals and extreme accepted values alike.
    assert outcomes.count("refused") > 20 and outcomes.count("finite") > 20


def test_list_shows_the_section_and_its_kinds(capsys):
    assert cli.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "differentiation: D.4 Differentiation and curvature" in out
    assert "  12 diff_tangent_curvature:" in out
    assert ("test_points = [-1.5, -1.0, 0.0, 1.0, 1.5]  (a list of 1 to 9 numbers, each a "
            "finite number from -1,000 to 1,000)") in out
    assert "x_range = [-2.0, 2.0]  ([low, high] within +-1,000 with high - low at least 0.1)" in out
