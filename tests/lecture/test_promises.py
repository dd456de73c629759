"""Every parameter's help text and every scene's summary is a promise: tested over drawn values.

``--list`` says n_min is the "first checkpoint" and n_max the "last checkpoint; the stream
has n_max draws", that a seed is "the seed of the local random stream", that Chebyshev and
Hoeffding bound the probability of a miss, that resolution is "grid points per axis", and
so on. Hypothesis draws accepted values (as tests/lecture/test_accepted_values.py does,
derandomized) and checks each promise against an independent reference: the number as
written in the help, scipy's binomial distribution, scipy's normal quantile, NumPy's own
histogram and logspace.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from compute.monte_carlo import checkpoints
from compute.results import keyframes
from lecture.catalog import SCENES, entry
from lecture.params import SEED, ParamError

PROMISES = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def accepted(scene_id: str, overrides: dict):
    """The scene's result for these values, or nothing if they are refused."""
    scene = entry(scene_id)
    try:
        return scene.computed(scene.resolve(overrides))
    except ParamError:
        assume(False)


@PROMISES
@given(st.integers(1, 10**7 - 1), st.integers(2, 10**7), st.integers(2, 2000))
def test_checkpoints_run_from_exactly_n_min_to_exactly_n_max(n_min, n_max, n_points):
    assume(n_min < n_max)
    n = checkpoints(n_min, n_max, n_points)
    assert (n[0], n[-1], len(n)) == (n_min, n_max, n_points)
    assert np.all(np.diff(n) >= 0) and n.dtype.kind == "i"
    grid = np.logspace(np.log10(n_min), np.log10(n_max), n_points)  # log-spaced, as promised
    assert np.all(np.abs(n[1:-1] - grid[1:-1]) < 1 + 1e-9 * grid[1:-1])


def test_the_failing_cases_of_the_issue_end_where_they_were_asked_to():
    assert checkpoints(10, 50, 50)[-1] == 50  # was 49
    assert checkpoints(13, 10_000, 50)[0] == 13  # was 12
    ends = [checkpoints(2, n, 50)[-1] for n in range(3, 200_000, 997)]
    assert ends == list(range(3, 200_000, 997))


MC_SCENES = {"mc_mean_convergence": 3, "mc_nonlinear_expectation": 2, "mc_concentration": 2}


@pytest.mark.parametrize("scene_id", MC_SCENES)
def test_each_monte_carlo_scene_keeps_its_checkpoint_promises(scene_id):
    low = MC_SCENES[scene_id]

    @PROMISES
    @given(st.integers(1, 3000), st.integers(low, 5000), st.integers(2, 300))
    def check(n_min, n_max, n_points):
        result = accepted(scene_id, {"n_min": n_min, "n_max": n_max, "n_points": n_points,
                                     "trials": 50} if scene_id == "mc_concentration" else
                          {"n_min": n_min, "n_max": n_max, "n_points": n_points})
        n = keyframes(result)["n"]
        assert (n[0], n[-1], len(n)) == (n_min, n_max, n_points)  # first, last, how many

    check()


@PROMISES
@given(st.integers(2, 500), st.integers(3, 4000), st.floats(0.5, 0.999), st.integers(0, 2**32 - 1))
def test_the_running_mean_uses_n_max_draws_and_its_band_has_the_coverage_asked(
        n_min, n_max, confidence, seed):
    result = accepted("mc_mean_convergence", {"n_min": n_min, "n_max": n_max,
                                              "confidence": confidence, "seed": seed})
    assert len(result.samples) == n_max  # "the stream has n_max draws"
    assert result.mean[-1] == pytest.approx(result.samples.mean(), rel=1e-9, abs=1e-12)
    z = stats.norm.interval(confidence)[1]  # a band covering `confidence` of a normal
    np.testing.assert_allclose(result.ci_half_width,
                               z * np.array([result.samples[:k].std(ddof=1) / np.sqrt(k)
                                             for k in result.n]), rtol=1e-6, atol=1e-12)


@PROMISES
@given(st.floats(0.01, 0.99), st.floats(0.001, 0.5), st.integers(1, 200), st.integers(2, 400),
       st.integers(1, 300))
def test_chebyshev_and_hoeffding_bound_the_exact_probability_of_a_miss(p, eps, n_min, n_max,
                                                                        trials):
    result = accepted("mc_concentration", {"distribution": "bernoulli", "p": p, "eps": eps,
                                           "n_min": n_min, "n_max": n_max, "n_points": 10,
                                           "trials": trials})
    for n, chebyshev, hoeffding in zip(result.n, result.chebyshev_bound, result.hoeffding_bound):
        k = np.arange(n + 1)  # the mean of n Bernoulli(p) draws is k / n, k ~ Binomial(n, p)
        exact = stats.binom.pmf(k, n, p)[np.abs(k / n - p) >= eps].sum()
        assert exact <= chebyshev + 1e-9 and exact <= hoeffding + 1e-9
    # "independent repetitions per checkpoint": each fraction counts whole trials
    counts = result.empirical_prob * trials
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-6)


@PROMISES
@given(st.integers(10, 5000), st.integers(2, 200))
def test_linear_1d_histograms_have_the_bins_and_draws_asked(n_samples, bins):
    result = accepted("cov_linear_1d", {"n_samples": n_samples, "bins": bins})
    for edges, density, samples in ((result.x_hist_edges, result.x_hist_density,
                                     result.x_samples),
                                    (result.y_hist_edges, result.y_hist_density,
                                     result.y_samples)):
        assert len(density) == bins and len(samples) == n_samples
        counts = density * np.diff(edges) * n_samples  # each draw counted once
        assert counts.sum() == pytest.approx(n_samples, rel=1e-9)


@PROMISES
@given(st.integers(2, 60), st.floats(-100, 99.9), st.floats(0.01, 50))
def test_the_jacobian_grid_has_resolution_points_per_axis_covering_the_ranges(
        resolution, low, width):
    high = min(low + width, 100.0)
    result = accepted("cov_jacobian_field", {"resolution": resolution, "x_range": [low, high],
                                             "map": ["x1 + 0.1*x2", "x2"]})
    assert result.det_jacobian.shape == (resolution, resolution)
    assert (result.x1[0], result.x1[-1], len(result.x1)) == (low, high, resolution)
    assert result.det_jacobian == pytest.approx(np.ones((resolution, resolution)))


@PROMISES
@given(st.lists(st.floats(-4, 8), min_size=1, max_size=12), st.integers(1, 2000))
def test_conditionals_slice_at_every_z_asked_with_the_draws_asked(z_values, n_samples):
    result = accepted("marg_conditionals", {"z_values": z_values, "n_samples": n_samples})
    np.testing.assert_array_equal(result.z_values, z_values)
    assert result.samples.shape == (n_samples, 2)


SEEDED = [(s, f.name) for s in SCENES for f in s.params.fields() if f.metadata["kind"] == SEED]


@pytest.mark.parametrize("scene, name", SEEDED, ids=[f"{s.id}.{n}" for s, n in SEEDED])
def test_a_seed_reproduces_its_numbers_and_another_seed_changes_them(scene, name):
    @settings(max_examples=3, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.integers(0, 2**32 - 1))
    def check(seed):
        first, again, other = (_numbers(scene.computed(scene.resolve({name: s})))
                               for s in (seed, seed, (seed + 1) % 2**32))
        assert _same(first, again)
        assert not _same(first, other)

    check()


def _numbers(result) -> dict:
    """Every field of a result, the drawn samples (internal fields) included."""
    return {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}


def _same(a: dict, b: dict) -> bool:
    return all(np.array_equal(np.asarray(a[k], dtype=object), np.asarray(b[k], dtype=object))
               for k in a)
