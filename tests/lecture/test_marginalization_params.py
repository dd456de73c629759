"""Parameters of section 5 (marginalization): what the command line refuses and accepts.

Refusals go through ``lecture.cli.main`` exactly as a user's ``--set`` would, and must end
with exit status 2 and one line naming SCENE.PARAM, the value and what is allowed, before
anything renders and with nothing written. Accepted values are resolved with ``plan_jobs``
(which renders nothing) and computed; their numbers are checked against the closed forms.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from compute.results import keyframes, non_finite_fields
from lecture.catalog import entry, section
from lecture.params import ParamError
from lecture.sections.marginalization import ConditionalsParams, JointMarginalsParams
from tests.lecture.rendering import case_ids, plan_low, refusal

SOURCE_CONDITIONAL_MEANS = [-0.4, 0.0667, 0.5333, 1.0, 1.4667, 1.9333, 2.4]
ROOT = Path(__file__).resolve().parents[2]






J, C = "marg_joint_marginals", "marg_conditionals"
REFUSED = [
    # (target, --set values, SCENE.PARAM = VALUE, words the reason must contain)
    (J, [f"{J}.cov=[[1, 0.7], [0.5, 1.5]]"], f"{J}.cov = [[1, 0.7], [0.5, 1.5]]",
     "not symmetric"),
    (J, [f"{J}.cov=[[1, 2], [2, 1]]"], f"{J}.cov = [[1, 2], [2, 1]]", "not positive definite"),
    (J, [f"{J}.cov=[[1, 0], [0, -1]]"], f"{J}.cov = [[1, 0], [0, -1]]", "variances"),
    (J, [f"{J}.cov=[[1, 0.7, 0], [0.7, 1.5, 0]]"], f"{J}.cov = [[1, 0.7, 0], [0.7, 1.5, 0]]",
     "symmetric positive definite 2x2 matrix"),
    (J, [f"{J}.cov=[[1, 0], [0]]"], f"{J}.cov = [[1, 0], [0]]", "2x2 matrix"),
    (J, [f"{J}.cov=[1, 0, 0, 1]"], f"{J}.cov = [1, 0, 0, 1]", "2x2 matrix"),
    (J, [f"{J}.cov=[[nan, 0], [0, 1]]"], f"{J}.cov = [[nan, 0], [0, 1]]", "2x2 matrix"),
    (J, [f"{J}.cov=[[1, 0.9999], [0.9999, 1]]"], f"{J}.cov", "nearly singular"),
    (J, [f"{J}.cov=[[1e-300, 0], [0, 1]]"], f"{J}.cov", "variances are 1e-300 and 1"),
    (J, [f"{J}.cov=[[1e300, 0], [0, 1]]"], f"{J}.cov", "variances from 1e-06 to 1,000,000"),
    (J, [f"{J}.mean=[1e300, 0]"], f"{J}.mean = [1e+300, 0]", "size at most 1,000"),
    (J, [f"{J}.mean=[inf, 0]"], f"{J}.mean = [inf, 0]", "finite"),
    (J, [f"{J}.mean=[1, 2, 3]"], f"{J}.mean = [1, 2, 3]", "a list of 2"),
    (J, [f"{J}.x_range=[4, -2]"], f"{J}.x_range = [4, -2]", "high - low at least 0.001"),
    (J, [f"{J}.z_range=[3, 3]"], f"{J}.z_range = [3, 3]", "high - low at least 0.001"),
    (J, [f"{J}.x_range=[-2e4, 0]"], f"{J}.x_range", "within +-10,000"),
    (J, [f"{J}.x_range=[100, 200]"], f"{J}.x_range = [100.0, 200.0]",
     "at least 50% of the marginal's mass"),
    (J, [f"{J}.grid=10"], f"{J}.grid = 10", "must be at least 16"),
    (J, [f"{J}.grid=0"], f"{J}.grid = 0", "integer from 10 to 500"),
    (J, [f"{J}.grid=501"], f"{J}.grid = 501", "integer from 10 to 500"),
    (J, [f"{J}.grid=2.5"], f"{J}.grid = 2.5", "integer"),
    (J, [f"{J}.x_range=[-900, 900]"], f"{J}.x_range = [-900.0, 900.0]", "at most 204"),
    # Each range holds over half of its marginal, but the rectangle only a corner of the
    # correlated joint: only the joint on the grid shows it, so the computation refuses.
    (J, [f"{J}.x_range=[0.9, 4]", f"{J}.z_range=[-2, 2.1]"], f"{J}.x_range = [0.9, 4.0]",
     "together with z_range = [-2.0, 2.1], the rectangle x_range x z_range holds 0.1"),
    (J, [f"{J}.wiggle=1"], f"{J}.wiggle = 1", "unknown parameter"),
    (C, [f"{C}.z_values=[20]"], f"{C}.z_values = [20.0]",
     "each must lie within mu_z +- 6 sd of z = [-5.34847, 9.34847]"),
    (C, [f"{C}.mean=[1, 40]"], f"{C}.z_values = [-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0]",
     "-1.0 is 33.5 sd away"),
    (C, [f"{C}.z_values=[]"], f"{C}.z_values = []", "a list of 1 to 12 numbers"),
    (C, [f"{C}.z_values=[{', '.join(['1'] * 13)}]"], f"{C}.z_values", "1 to 12"),
    (C, [f"{C}.z_values=[1, nan]"], f"{C}.z_values = [1, nan]", "entry 2: must be a finite"),
    (C, [f"{C}.z_values=3"], f"{C}.z_values = 3", "a list of 1 to 12 numbers"),
    (C, [f"{C}.n_samples=0"], f"{C}.n_samples = 0", "integer from 1 to 10,000"),
    (C, [f"{C}.n_samples=10001"], f"{C}.n_samples = 10001", "10,000"),
    (C, [f"{C}.seed=-1"], f"{C}.seed = -1", "integer"),
    (C, [f"{C}.cov=[[1, 0.7], [0.7, -1.5]]"], f"{C}.cov", "variances are 1 and -1.5"),
    (C, [f"{C}.cov=[[1, 1], [1, 1]]"], f"{C}.cov", "not positive definite"),
    # the grid and the ranges are derived for this scene: not parameters of it
    (C, [f"{C}.x_range=[-2, 4]"], f"{C}.x_range", "unknown parameter; known: mean, cov, "
                                                  "z_values, n_samples, seed"),
    (C, [f"{C}.grid=100"], f"{C}.grid", "unknown parameter"),
]


@pytest.mark.parametrize(("target", "sets", "where", "reason"), REFUSED, ids=case_ids(REFUSED))
def test_bad_values_are_refused_in_one_line(no_render, capsys, target, sets, where, reason):
    line = refusal(capsys, target, *sets)
    assert line.startswith(where) and reason in line.split(": ", 1)[-1], line
    assert not (no_render / "lecture").exists()


def test_refusal_happens_before_any_scene_of_the_section(no_render, capsys):
    """A bad value in one scene stops the section, the good scene included."""
    assert f"{C}.z_values" in refusal(capsys, "marginalization", f"{C}.z_values=[100]")
    assert not (no_render / "lecture").exists()


def test_section_lists_two_scenes_in_lecture_order(tmp_path):
    assert section("marginalization").heading == "D.5 Marginalization of probability distributions"
    jobs = plan_low("marginalization", {}, tmp_path)
    assert [job.stem for job in jobs] == ["15_marg_joint_marginals", "16_marg_conditionals"]
    assert [job.scene.class_name for job in jobs] == ["MargJointMarginals", "MargConditionals"]


def test_defaults_are_the_spec_defaults(tmp_path):
    resolved = {job.scene.id: job.params.as_dict() for job in plan_low("marginalization", {},
                                                                    tmp_path)}
    gaussian = {"mean": [1.0, 2.0], "cov": [[1.0, 0.7], [0.7, 1.5]]}
    assert resolved == {
        J: {**gaussian, "x_range": [-2.0, 4.0], "z_range": [-2.0, 6.0], "grid": 100},
        C: {**gaussian, "z_values": [-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "n_samples": 500,
            "seed": 42},
    }


def test_defaults_compute_the_source_numbers_fast():
    joint_params, slice_params = JointMarginalsParams(), ConditionalsParams()
    joint_params.compute(), slice_params.compute()  # warm the imports
    start = time.perf_counter()
    joint, sliced = joint_params.computed(), slice_params.computed()
    assert time.perf_counter() - start < 0.5
    np.testing.assert_allclose(sliced.conditional_means, SOURCE_CONDITIONAL_MEANS, atol=5e-5)
    assert round(sliced.conditional_variance, 5) == 0.67333
    np.testing.assert_array_equal(joint.x, np.linspace(-2, 4, 100))
    np.testing.assert_array_equal(sliced.x, np.linspace(-2, 4, 100))
    np.testing.assert_array_equal(sliced.z, np.linspace(-2, 6, 100))
    assert {"x", "z", "marginal_x_analytic", "marginal_x_numerical", "marginal_z_analytic",
            "marginal_z_numerical"} <= set(keyframes(joint))
    assert {"z_values", "conditional_means", "conditional_variance", "samples"} <= set(
        keyframes(sliced))


def test_checks_are_cheap_and_need_neither_scipy_nor_torch():
    """Resolving (--list, a warm re-run) imports NumPy only and takes well under a
    millisecond per scene: no check runs the computation."""
    code = (
        "import sys, time\n"
        "import lecture.sections.marginalization as m\n"
        "m.JointMarginalsParams.resolve({'grid': 500}); m.ConditionalsParams.resolve({})\n"
        "start = time.perf_counter()\n"
        "for _ in range(100):\n"
        "    m.JointMarginalsParams.resolve({'grid': 500, 'x_range': [-5, 5]})\n"
        "    m.ConditionalsParams.resolve({'z_values': list(range(-4, 8)), 'n_samples': 10000})\n"
        "assert time.perf_counter() - start < 0.5, time.perf_counter() - start\n"
        "bad = [name for name in ('scipy', 'torch', 'manim') if name in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def conditional_reference(mean, cov, z_values):
    """E[x | z] and Var[x | z] by conditioning scipy's joint: the precision-matrix route."""
    precision = np.linalg.inv(np.asarray(cov, float))
    variance = 1.0 / precision[0, 0]
    means = mean[0] - variance * precision[0, 1] * (np.asarray(z_values) - mean[1])
    return means, variance


VARIANTS = [
    # (scene, overrides): the variants the section is rendered with, and some extremes
    (C, {"cov": [[1, -0.7], [-0.7, 1.5]]}),  # negative correlation
    (C, {"cov": [[1, 0], [0, 1.5]]}),  # uncorrelated: the slices do not move
    (C, {"cov": [[1, 0.95], [0.95, 1]]}),  # strong correlation
    (C, {"mean": [-3, 10], "z_values": [8, 10, 12]}),  # another mean
    (C, {"z_values": [-4, 8]}),  # outside the lecture's z range
    (C, {"z_values": [3]}),  # a single slice
    (C, {"n_samples": 1}),
    (C, {"n_samples": 10_000, "seed": 7}),
    (C, {"mean": [1000, -1000], "cov": [[1e6, 0], [0, 1e6]], "z_values": [-7000, 5000]}),
    (C, {"mean": [0, 0], "cov": [[1e-6, 9.9e-7], [9.9e-7, 1e-6]], "z_values": [-0.006, 0.006]}),
    (J, {"cov": [[1, -0.7], [-0.7, 1.5]]}),
    (J, {"cov": [[1, 0], [0, 1.5]]}),  # uncorrelated: paired with correlation 0.7
    (J, {"mean": [0, 0], "cov": [[1, 0.95], [0.95, 1]], "x_range": [-3, 3],
         "z_range": [-3, 3], "grid": 200}),
    (J, {"mean": [-5, 30], "cov": [[4, 0.5], [0.5, 9]], "x_range": [-11, 2],
         "z_range": [20, 40], "grid": 120}),
    (J, {"mean": [1000, -1000], "cov": [[1e6, 0], [0, 1e6]], "x_range": [-1e4, 1e4],
         "z_range": [-1e4, 1e4], "grid": 500}),
]


@pytest.mark.parametrize(("scene_id", "overrides"), VARIANTS)
def test_variants_resolve_and_compute_the_closed_forms(tmp_path, scene_id, overrides):
    (job,) = plan_low(scene_id, {scene_id: overrides}, tmp_path)
    assert not job.params.is_default()
    assert job.stem.startswith(f"{entry(scene_id).stem}--")
    result = job.scene.computed(job.params)
    assert non_finite_fields(result) == []
    p = job.params
    if scene_id == C:
        means, variance = conditional_reference(p.mean, p.cov, p.z_values)
        np.testing.assert_allclose(result.conditional_means, means, rtol=1e-9,
                                   atol=1e-9 * np.sqrt(p.cov[0][0]))
        np.testing.assert_allclose(result.conditional_variance, variance, rtol=1e-9)
        assert len(result.samples) == p.n_samples
        assert result.z_range[0] <= min(p.z_values) and max(p.z_values) < result.z_range[1]
        np.testing.assert_allclose(np.trapezoid(result.conditional_pdf_numerical, result.x,
                                                axis=1), 1.0, rtol=1e-12)
    else:
        for numerical, analytic in [(result.marginal_x_numerical, result.marginal_x_analytic),
                                    (result.marginal_z_numerical, result.marginal_z_analytic)]:
            assert np.abs(numerical - analytic).max() < 0.05 * analytic.max()
        law = stats.multivariate_normal(p.mean, p.cov)
        X, Z = np.meshgrid(result.x, result.z)
        np.testing.assert_allclose(result.joint_density, law.pdf(np.dstack((X, Z))),
                                   rtol=1e-9)


def test_random_gaussians_at_every_scale_are_refused_or_finite():
    """Gaussians of every allowed size and shape, ranges and slices around them: each is
    refused in one line naming a parameter, or computes finite numbers; most compute."""
    rng = np.random.default_rng(1)
    computed = 0
    for _ in range(150):
        sd = np.clip(10 ** rng.uniform(-3, 3) * np.array([1.0, 10 ** rng.uniform(-2, 2)]),
                     1e-3, 1e3)
        rho = rng.choice([0.0, rng.uniform(-1, 1), 0.999, -0.99])
        mean = rng.uniform(-1000, 1000, size=2)
        half = sd * 10 ** rng.uniform(-0.5, 2.5, size=2)
        centre = mean + sd * rng.normal(size=2)
        cov = [[sd[0] ** 2, rho * sd[0] * sd[1]], [rho * sd[0] * sd[1], sd[1] ** 2]]
        for scene_id, overrides in [
            (J, {"mean": mean.tolist(), "cov": cov, "grid": int(rng.integers(10, 501)),
                 "x_range": [centre[0] - half[0], centre[0] + half[0]],
                 "z_range": [centre[1] - half[1], centre[1] + half[1]]}),
            (C, {"mean": mean.tolist(), "cov": cov, "n_samples": 20,
                 "z_values": (mean[1] + sd[1] * rng.uniform(-6.5, 6.5,
                                                            size=int(rng.integers(1, 13)))
                              ).tolist()}),
        ]:
            scene = entry(scene_id)
            try:
                result = scene.computed(scene.resolve(overrides))
            except ParamError as refused:
                assert str(refused).startswith(f"{scene_id}.") and "\n" not in str(refused)
                continue
            assert non_finite_fields(result) == [], overrides
            computed += 1
    assert computed > 50  # most draws of sd ratio up to 100 are too thin (condition > 1000)
