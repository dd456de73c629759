"""compute/monte_carlo.py against direct NumPy recomputation, closed forms, scipy and the CLT."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import gammaln

from compute import monte_carlo as mc


def test_checkpoints_match_the_source_grid():
    # The source's sample sizes: np.logspace(1, 4, 50).astype(int), all distinct.
    np.testing.assert_array_equal(mc.checkpoints(10, 10_000, 50),
                                  np.logspace(1, 4, 50).astype(int))


def test_running_mean_and_band_equal_direct_statistics_of_each_prefix():
    result = mc.mean_convergence(0.3, 2.0, 10, 5000, 30, 0.9, seed=7)
    draws = np.random.RandomState(7).normal(0.3, 2.0, 5000)
    z = stats.norm.ppf(0.95)
    direct_mean = [draws[:n].mean() for n in result.n]
    direct_half = [z * draws[:n].std(ddof=1) / np.sqrt(n) for n in result.n]
    np.testing.assert_allclose(result.mean, direct_mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result.ci_half_width, direct_half, rtol=1e-10)
    assert result.true_mean == 0.3


def test_running_std_keeps_its_digits_far_from_zero():
    result = mc.mean_convergence(1e8, 1.0, 10, 2000, 10, 0.95, seed=1)
    draws = np.random.RandomState(1).normal(1e8, 1.0, 2000)
    direct = [1.959964 * draws[:n].std(ddof=1) / np.sqrt(n) for n in result.n]
    np.testing.assert_allclose(result.ci_half_width, direct, rtol=1e-5)


def test_band_covers_the_true_mean_at_its_nominal_rate():
    # CLT: the 95% band around the running mean should contain mu in ~95% of streams.
    covered = [abs(r.mean[-1]) <= r.ci_half_width[-1]
               for r in (mc.mean_convergence(0.0, 1.0, 10, 1000, 2, 0.95, seed=s)
                         for s in range(600))]
    assert abs(np.mean(covered) - 0.95) < 4 * np.sqrt(0.95 * 0.05 / 600)


def test_half_width_shrinks_like_one_over_root_n():
    result = mc.mean_convergence(0.0, 1.0, 10, 10_000, 50, 0.95, seed=42)
    slope = np.polyfit(np.log(result.n), np.log(result.ci_half_width), 1)[0]
    assert abs(slope + 0.5) < 0.05


def test_same_seed_same_numbers_other_seed_other_numbers():
    first = mc.mean_convergence(0.0, 1.0, 10, 1000, 20, 0.95, seed=42)
    again = mc.mean_convergence(0.0, 1.0, 10, 1000, 20, 0.95, seed=42)
    other = mc.mean_convergence(0.0, 1.0, 10, 1000, 20, 0.95, seed=43)
    np.testing.assert_array_equal(first.mean, again.mean)
    assert not np.allclose(first.mean, other.mean)


@pytest.mark.parametrize(("f", "mu", "sigma", "closed_form"), [
    ("x**2", 0.0, 1.0, 1.0),  # Var + mean^2, as the lecture says
    ("x**2", 0.5, 2.0, 4.25),
    ("exp(x)", 0.2, 0.7, np.exp(0.2 + 0.7**2 / 2)),  # log-normal mean
    ("sin(x)", 1.0, 0.5, np.sin(1.0) * np.exp(-0.125)),  # characteristic function
    ("x**4", 0.0, 1.5, 3 * 1.5**4),
])
def test_quadrature_truth_matches_closed_forms(f, mu, sigma, closed_form):
    np.testing.assert_allclose(mc.gaussian_expectation(f, mu, sigma), closed_form, rtol=1e-8)


def test_nonlinear_estimate_is_the_running_mean_of_f_and_within_clt_error():
    result = mc.nonlinear_expectation("x**2", 0.0, 1.0, 10, 1_000_000, 200, seed=42)
    draws = np.random.RandomState(42).normal(0.0, 1.0, 1_000_000)
    for i in (0, 57, 199):
        n = result.n[i]
        np.testing.assert_allclose(result.estimate[i], np.mean(draws[:n] ** 2), rtol=1e-10)
    assert result.true_value == pytest.approx(1.0, abs=1e-10)
    np.testing.assert_allclose(result.abs_error, np.abs(result.estimate - 1.0), atol=1e-12)
    # Var(X^2) = 2: the final error is within 4 standard errors.
    assert result.abs_error[-1] < 4 * np.sqrt(2.0 / 1_000_000)


def _direct_concentration(distribution, p, eps, n, trials, n_max, seed):
    draws = np.random.RandomState(seed).uniform(size=(trials, n_max))
    if distribution == "bernoulli":
        draws = (draws < p).astype(float)
    mu = 0.5 if distribution == "uniform" else p
    return np.array([np.mean(np.abs(draws[:, :k].mean(axis=1) - mu) >= eps) for k in n])


@pytest.mark.parametrize("n_max", [300, 100_000])  # one block of trials, and several
def test_empirical_probability_equals_direct_count(n_max):
    result = mc.concentration("uniform", 0.5, 0.02, 10, n_max, 8, trials=200, seed=3)
    direct = _direct_concentration("uniform", 0.5, 0.02, result.n, 200, n_max, 3)
    np.testing.assert_allclose(result.empirical_prob, direct, atol=1e-12)


def test_bounds_match_their_formulas():
    uniform = mc.concentration("uniform", 0.5, 0.05, 10, 2000, 40, 50, seed=1)
    np.testing.assert_allclose(uniform.chebyshev_bound,
                               np.minimum(1, (1 / 12) / (uniform.n * 0.05**2)))
    np.testing.assert_allclose(uniform.hoeffding_bound,
                               np.minimum(1, 2 * np.exp(-2 * uniform.n * 0.05**2)))
    bern = mc.concentration("bernoulli", 0.3, 0.1, 10, 500, 10, 50, seed=1)
    np.testing.assert_allclose(bern.chebyshev_bound, np.minimum(1, 0.21 / (bern.n * 0.01)))


def test_bernoulli_miss_rate_matches_the_exact_binomial_tail():
    p, eps, trials = 0.3, 0.033, 4000
    result = mc.concentration("bernoulli", p, eps, 20, 400, 6, trials, seed=11)
    for n, observed in zip(result.n, result.empirical_prob):
        k = np.arange(n + 1)
        exact = stats.binom.pmf(k, n, p)[np.abs(k / n - p) >= eps].sum()
        assert abs(observed - exact) < 4 * np.sqrt(exact * (1 - exact) / trials) + 1e-9
        assert observed <= max(result.chebyshev_bound[result.n == n][0], 0) + 0.03


def test_histogram_tails_are_exactly_the_misses():
    result = mc.concentration("uniform", 0.5, 0.05, 10, 2000, 40, 2000, seed=42)
    centres = 0.5 * (result.hist_edges[1:] + result.hist_edges[:-1])
    tails = result.hist_fraction[:, np.abs(centres - 0.5) > 0.05].sum(axis=1)
    np.testing.assert_allclose(tails, result.empirical_prob, atol=1e-12)
    np.testing.assert_allclose(result.hist_fraction.sum(axis=1), 1.0)


def test_miss_bins_are_the_bins_beyond_eps_and_hold_the_missing_trials():
    curves = mc.concentration("uniform", 0.5, 0.05, 10, 200, 5, 400, 7)
    centres = (curves.hist_edges[1:] + curves.hist_edges[:-1]) / 2
    np.testing.assert_array_equal(curves.miss_bins, np.abs(centres - 0.5) > 0.05)
    # mu +- eps fall on bin edges, so the miss bins hold exactly the trials that missed
    np.testing.assert_allclose(curves.hist_fraction[:, curves.miss_bins].sum(axis=1),
                               curves.empirical_prob, atol=1e-12)


@pytest.mark.parametrize(("f", "mu", "sigma", "pole"), [
    ("tan(x)", 0.0, 1.0, np.pi / 2),
    ("1/(x - 0.001)", 0.0, 1.0, 0.001),
    ("1/(x - 1)**2", 0.0, 1.0, 1.0),  # a double root: no sign change to find
    ("exp(1/x)", 0.0, 1.0, 0.0),  # overflows towards 0+
    ("x**-1", 0.0, 1.0, 0.0),
    ("1/(x - 10)", 0.0, 1.0, 10.0),  # 10 sd out: the expectation still does not exist
    ("1/(x - 1000.001)", 1000.0, 0.001, 1000.001),  # 1 sd from a mean far from 0
    ("1/(x*log(abs(x)))", 0.0, 1.0, 1.0),  # log|x| vanishes at 1 (and -1)
])
def test_an_expectation_that_does_not_exist_is_refused_from_the_integrand(f, mu, sigma, pole):
    with pytest.raises(mc.NotComputable, match="does not exist") as refused:
        mc.gaussian_expectation(f, mu, sigma)
    named = float(str(refused.value).split("near x = ")[1].split(",")[0])
    assert named == pytest.approx(pole, rel=1e-9, abs=1e-12)


def test_a_pole_of_a_fast_periodic_f_is_found_on_a_wide_normal():
    with pytest.raises(mc.NotComputable, match="does not exist") as refused:
        mc.gaussian_expectation("tan(40*x)", 0.0, 1000.0)
    named = float(str(refused.value).split("near x = ")[1].split(",")[0])
    assert abs(np.cos(40 * named)) < 1e-8  # one of its poles, pi/80 + k pi/40


def test_a_narrow_normal_far_from_zero_is_integrated_where_it_is():
    # quadrature over x missed N(1000, 0.001^2) altogether and returned E[X^2] = 0
    assert mc.gaussian_expectation("x**2", 1000.0, 0.001) == pytest.approx(1e6 + 1e-6, rel=1e-12)


def _sin_inverse_reference(mu: float) -> float:
    """E[sin(1/X)], X ~ N(mu, 1), by u = 1/x and mpmath's integral of an oscillating tail."""
    import mpmath

    total = mpmath.mpf(0)
    for side in (1, -1):
        total += mpmath.quadosc(lambda u: side * mpmath.sin(u) * mpmath.npdf(side / u, mu, 1) / u**2,
                                [0, mpmath.inf], period=2 * mpmath.pi)
    return float(total)


@pytest.mark.parametrize(("f", "mu", "closed_form"), [
    ("sin(1/x)", 0.3, _sin_inverse_reference(0.3)),  # bounded, oscillating without limit
    ("sin(1/(x - 0.0001))", 0.0001, 0.0),  # odd about the mean
    ("1/sqrt(abs(x))", 0.0, 2**-0.25 * np.exp(gammaln(0.25)) / np.sqrt(np.pi)),  # E|X|^-1/2
    ("log(x**2)", 0.0, -(np.euler_gamma + np.log(2))),
    ("(x - 1)/(x - 1)", 0.0, 1.0),  # a zero of the denominator where f stays bounded
    ("tan(x)", 0.0, 0.0),  # sigma 0.001 below: its poles lie beyond 1,500 sd
])
def test_bounded_or_integrable_singularities_keep_their_expectation(f, mu, closed_form):
    sigma = 0.001 if f == "tan(x)" else 1.0
    np.testing.assert_allclose(mc.gaussian_expectation(f, mu, sigma), closed_form, atol=2e-6)
