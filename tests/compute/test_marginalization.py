"""Tests for compute.marginalization against independent references.

References: the numbers the lecture source prints, scipy.stats (the joint pdf, normal pdfs
and cdfs, the bivariate cdf of a rectangle, chi-square), the closed form of a marginal cut
off by the grid, and the source's own global-RNG draws. Sample moments are compared with
the formulas within a few standard errors. The parameters of the section (what the command
line refuses) are tested in tests/lecture/test_marginalization_params.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from compute.marginalization import (
    CONTOUR_RADII,
    MAX_SLICE_SPREADS,
    check_gaussian,
    conditional_mass_in_range,
    conditional_plot_grid,
    conditional_spreads,
    conditionals,
    contrasting_correlation,
    gaussian_density,
    grid_mass,
    joint_marginals,
    nice_step,
    sample_joint,
    with_correlation,
)
from compute.results import NotComputable, keyframes, non_finite_fields
from tests.compute.sources import global_rng_draws

MEAN = np.array([1.0, 2.0])
COV = np.array([[1.0, 0.7], [0.7, 1.5]])
X_RANGE, Z_RANGE, GRID = (-2.0, 4.0), (-2.0, 6.0), 100
Z_VALUES = np.linspace(-1, 5, 7)
SOURCE_CONDITIONAL_MEANS = [-0.4, 0.0667, 0.5333, 1.0, 1.4667, 1.9333, 2.4]
SOURCE_CONDITIONAL_VARIANCE = 0.67333

OTHER_GAUSSIANS = [
    # (mean, cov, x_range, z_range, grid)
    ([0.0, 0.0], [[1.0, -0.9], [-0.9, 1.0]], (-3.0, 3.5), (-4.0, 2.5), 150),
    ([-5.0, 30.0], [[4.0, 0.5], [0.5, 9.0]], (-11.0, 2.0), (20.0, 40.0), 120),
    ([0.3, -0.2], [[0.01, 0.0], [0.0, 0.04]], (0.0, 0.6), (-0.8, 0.5), 80),
]


def cut_off_marginal(t, mean, cov, axis, other_range):
    """Closed form of the trapezoid's target: ``p(t) P(other in other_range | t)``.

    ``axis`` 0 is the marginal of x (z integrated over z_range), 1 that of z.
    """
    other = 1 - axis
    mu, var = mean[axis], cov[axis][axis]
    given_mean = mean[other] + cov[0][1] / var * (np.asarray(t) - mu)
    given_std = np.sqrt(cov[other][other] - cov[0][1] ** 2 / var)
    inside = (stats.norm.cdf(other_range[1], given_mean, given_std)
              - stats.norm.cdf(other_range[0], given_mean, given_std))
    return stats.norm.pdf(t, mu, np.sqrt(var)) * inside


def default_marginals():
    return joint_marginals(MEAN, COV, X_RANGE, Z_RANGE, GRID)


def default_conditionals(**changes):
    args = dict(mean=MEAN, cov=COV, z_values=Z_VALUES, n_samples=500, seed=42)
    args.update(changes)
    return conditionals(**args)


# --------------------------------------------------------------------------------------
# The source's numbers and draws
# --------------------------------------------------------------------------------------


def test_conditionals_reproduce_source_numbers():
    result = default_conditionals()
    np.testing.assert_array_equal(result.z_values, [-1, 0, 1, 2, 3, 4, 5])
    np.testing.assert_allclose(result.conditional_means, SOURCE_CONDITIONAL_MEANS, atol=5e-5)
    assert round(result.conditional_variance, 5) == SOURCE_CONDITIONAL_VARIANCE
    np.testing.assert_allclose(result.conditional_variance, 1.0 - 0.49 / 1.5, rtol=1e-15)
    np.testing.assert_allclose(result.regression_slope, 0.7 / 1.5, rtol=1e-15)
    frames = keyframes(result)
    np.testing.assert_allclose(frames["conditional_means"], SOURCE_CONDITIONAL_MEANS, atol=5e-5)
    assert round(frames["conditional_variance"], 5) == SOURCE_CONDITIONAL_VARIANCE


def test_samples_are_the_source_draws():
    expected = global_rng_draws(42, lambda: stats.multivariate_normal(MEAN, COV).rvs(500))
    np.testing.assert_array_equal(default_conditionals().samples, expected)
    np.testing.assert_array_equal(sample_joint(MEAN, COV, 500, 42), expected)
    assert keyframes(default_conditionals())["samples"] == expected.tolist()


def test_grid_is_the_source_grid():
    result = default_marginals()
    np.testing.assert_array_equal(result.x, np.linspace(-2, 4, 100))
    np.testing.assert_array_equal(result.z, np.linspace(-2, 6, 100))
    np.testing.assert_allclose(result.correlation, 0.7 / np.sqrt(1.5), rtol=1e-15)
    # The conditionals derive the same grid from the Gaussian alone.
    sliced = default_conditionals()
    np.testing.assert_array_equal(sliced.x, np.linspace(-2, 4, 100))
    np.testing.assert_array_equal(sliced.z, np.linspace(-2, 6, 100))
    assert sliced.x_range.tolist() == [-2.0, 4.0] and sliced.z_range.tolist() == [-2.0, 6.0]
    assert keyframes(sliced)["z_range"] == [-2.0, 6.0]


# --------------------------------------------------------------------------------------
# The joint and its marginals
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mean", "cov", "x_range", "z_range", "grid"),
                         [(MEAN, COV, X_RANGE, Z_RANGE, GRID), *OTHER_GAUSSIANS])
def test_joint_density_matches_scipy(mean, cov, x_range, z_range, grid):
    result = joint_marginals(mean, cov, x_range, z_range, grid)
    X, Z = np.meshgrid(result.x, result.z)
    expected = stats.multivariate_normal(mean, cov).pdf(np.dstack((X, Z)))
    np.testing.assert_allclose(result.joint_density, expected, rtol=1e-11, atol=0)
    np.testing.assert_allclose(gaussian_density(mean, cov, result.x, result.z), expected,
                               rtol=1e-11, atol=0)
    other = stats.multivariate_normal(mean, result.other_cov).pdf(np.dstack((X, Z)))
    np.testing.assert_allclose(result.other_joint_density, other, rtol=1e-11, atol=0)


@pytest.mark.parametrize(("mean", "cov", "x_range", "z_range", "grid"),
                         [(MEAN, COV, X_RANGE, Z_RANGE, GRID), *OTHER_GAUSSIANS])
def test_marginals_by_formula_and_by_integration(mean, cov, x_range, z_range, grid):
    result = joint_marginals(mean, cov, x_range, z_range, grid)
    x_law = stats.norm(mean[0], np.sqrt(cov[0][0]))
    z_law = stats.norm(mean[1], np.sqrt(cov[1][1]))
    np.testing.assert_allclose(result.marginal_x_analytic, x_law.pdf(result.x), rtol=1e-12)
    np.testing.assert_allclose(result.marginal_z_analytic, z_law.pdf(result.z), rtol=1e-12)
    # The trapezoid integral equals the closed form of the marginal cut off by the grid, to
    # the trapezoid's error (relative to the curve's height).
    for numerical, t, axis, other_range, peak in [
        (result.marginal_x_numerical, result.x, 0, z_range, result.marginal_x_analytic.max()),
        (result.marginal_z_numerical, result.z, 1, x_range, result.marginal_z_analytic.max()),
    ]:
        target = cut_off_marginal(t, mean, cov, axis, other_range)
        np.testing.assert_allclose(numerical, target, rtol=0, atol=2e-5 * peak)


def test_gap_to_the_closed_form_is_the_grid_cut_off():
    """On the lecture's grid, over 99% of the (small) gap is the mass outside the range."""
    result = default_marginals()
    for analytic, numerical, t, axis, other_range in [
        (result.marginal_x_analytic, result.marginal_x_numerical, result.x, 0, Z_RANGE),
        (result.marginal_z_analytic, result.marginal_z_numerical, result.z, 1, X_RANGE),
    ]:
        gap = analytic - numerical
        cut_off = analytic - cut_off_marginal(t, MEAN, COV, axis, other_range)
        assert 1e-4 < np.abs(gap).max() < 1e-3  # visible in the digits, not on screen
        assert np.all(cut_off >= 0)
        trapezoid_part = np.abs(gap - cut_off).max()
        assert trapezoid_part < 0.01 * np.abs(cut_off).max()
    assert result.max_marginal_error == pytest.approx(max(
        np.abs(result.marginal_x_analytic - result.marginal_x_numerical).max(),
        np.abs(result.marginal_z_analytic - result.marginal_z_numerical).max()), rel=1e-15)
    # The mass on the grid is the bivariate probability of the rectangle (scipy's cdf is
    # accurate to about 1e-5); the mass cut off per axis follows from the normal cdf.
    rectangle = stats.multivariate_normal(MEAN, COV).cdf([4, 6], lower_limit=[-2, -2])
    np.testing.assert_allclose(result.grid_mass, rectangle, atol=5e-5)
    x_outside = 1 - (stats.norm.cdf(4, 1, 1) - stats.norm.cdf(-2, 1, 1))
    z_outside = 1 - (stats.norm.cdf(6, 2, np.sqrt(1.5)) - stats.norm.cdf(-2, 2, np.sqrt(1.5)))
    assert 1 - x_outside - z_outside - 1e-5 < result.grid_mass < 1 - max(x_outside, z_outside)


def test_a_grid_holding_all_the_mass_gives_the_closed_form():
    """Without a cut-off the trapezoid marginals equal the closed form to rounding."""
    sx, sz = np.sqrt(np.diag(COV))
    result = joint_marginals(MEAN, COV, (1 - 9 * sx, 1 + 9 * sx), (2 - 9 * sz, 2 + 9 * sz), 200)
    np.testing.assert_allclose(result.marginal_x_numerical, result.marginal_x_analytic,
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.marginal_z_numerical, result.marginal_z_analytic,
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.grid_mass, 1.0, atol=1e-12)
    np.testing.assert_allclose(result.other_grid_mass, 1.0, atol=1e-12)


def test_second_joint_has_the_same_marginals_and_another_correlation():
    result = default_marginals()
    rho = 0.7 / np.sqrt(1.5)
    np.testing.assert_allclose(result.other_correlation, -rho, rtol=1e-15)
    np.testing.assert_allclose(result.other_cov, [[1.0, -0.7], [-0.7, 1.5]], rtol=1e-15)
    for numerical, t, axis, other_range in [
        (result.other_marginal_x_numerical, result.x, 0, Z_RANGE),
        (result.other_marginal_z_numerical, result.z, 1, X_RANGE),
    ]:
        target = cut_off_marginal(t, MEAN, result.other_cov, axis, other_range)
        np.testing.assert_allclose(numerical, target, rtol=0, atol=1e-5)
    # The same shadows to the width of a line, from clearly different joints.
    np.testing.assert_allclose(result.other_marginal_x_numerical, result.marginal_x_numerical,
                               atol=1e-3)
    np.testing.assert_allclose(result.other_marginal_z_numerical, result.marginal_z_numerical,
                               atol=1e-3)
    # The grid is symmetric about mu_x = 1, so the mirror joint is the joint flipped in x.
    np.testing.assert_allclose(result.other_joint_density, result.joint_density[:, ::-1],
                               rtol=1e-12)
    # Their correlations, measured from the densities on the grid, are rho and -rho (the
    # cut-off shifts them a little).
    X, Z = np.meshgrid(result.x, result.z)
    for density, expected in [(result.joint_density, rho), (result.other_joint_density, -rho)]:
        def moment(f):
            return np.trapezoid(np.trapezoid(f * density, result.x, axis=1), result.z)
        mx, mz = moment(X) / moment(1), moment(Z) / moment(1)
        cxz, cxx, czz = (moment(a * b) / moment(1) for a, b in
                         [(X - mx, Z - mz), (X - mx, X - mx), (Z - mz, Z - mz)])
        np.testing.assert_allclose(cxz / np.sqrt(cxx * czz), expected, atol=0.01)
    assert result.other_max_marginal_error < 1e-3


@pytest.mark.parametrize(("rho", "expected"),
                         [(0.57, -0.57), (-0.9, 0.9), (0.3, -0.3), (0.29, 0.7), (0.0, 0.7),
                          (-0.1, 0.7)])
def test_contrasting_correlation(rho, expected):
    assert contrasting_correlation(rho) == expected
    cov = with_correlation([[4.0, 0.0], [0.0, 0.25]], expected)
    np.testing.assert_allclose(np.diag(cov), [4.0, 0.25])
    np.testing.assert_allclose(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]), expected, rtol=1e-15)


def test_weakly_correlated_joint_is_paired_with_a_correlated_one():
    cov = [[1.0, 0.1], [0.1, 2.0]]
    result = joint_marginals([0, 0], cov, (-4, 4), (-5, 5), 120)
    np.testing.assert_allclose(result.other_correlation, 0.7)
    np.testing.assert_allclose(np.diag(result.other_cov), [1.0, 2.0])
    for levels, c in [(result.contour_levels, cov),
                      (result.other_contour_levels, result.other_cov)]:
        peak = stats.multivariate_normal([0, 0], c).pdf([0, 0])
        np.testing.assert_allclose(levels, peak * np.exp(-0.5 * CONTOUR_RADII**2), rtol=1e-12)


def test_contours_lie_on_their_level_and_hold_the_chi_square_mass():
    result = default_marginals()
    for ellipses, cov, levels in [(result.contour_ellipses, COV, result.contour_levels),
                                  (result.other_contour_ellipses, result.other_cov,
                                   result.other_contour_levels)]:
        law = stats.multivariate_normal(MEAN, cov)
        for points, level in zip(ellipses, levels):
            np.testing.assert_allclose(law.pdf(points), level, rtol=1e-12)
            np.testing.assert_allclose(points[0], points[-1], atol=1e-12)
    np.testing.assert_allclose(result.contour_levels, result.other_contour_levels, rtol=1e-14)
    np.testing.assert_allclose(result.contour_mass, stats.chi2(2).cdf(CONTOUR_RADII**2),
                               rtol=1e-12)
    np.testing.assert_allclose(result.contour_mass, [0.3935, 0.8647, 0.9889], atol=1e-4)


def test_grid_mass_and_spreads():
    np.testing.assert_allclose(grid_mass(MEAN, COV, X_RANGE, Z_RANGE, GRID),
                               default_marginals().grid_mass, rtol=1e-15)
    sx_given_z, sz_given_x = conditional_spreads(COV)
    np.testing.assert_allclose(sx_given_z**2, 1.0 - 0.49 / 1.5, rtol=1e-14)
    np.testing.assert_allclose(sz_given_x**2, 1.5 - 0.49, rtol=1e-14)


# --------------------------------------------------------------------------------------
# Conditionals
# --------------------------------------------------------------------------------------


def test_slices_normalised_numerically_match_the_closed_conditional():
    result = default_conditionals()
    std = np.sqrt(1.0 - 0.49 / 1.5)
    closed = stats.norm.pdf(result.x[None, :], result.conditional_means[:, None], std)
    np.testing.assert_allclose(result.conditional_pdf_analytic, closed, rtol=1e-12)
    np.testing.assert_allclose(result.conditional_std, std, rtol=1e-15)
    np.testing.assert_allclose(result.conditional_peak, stats.norm.pdf(0.0, 0.0, std),
                               rtol=1e-14)
    np.testing.assert_allclose(result.conditional_peak, closed.max(axis=1).max(), rtol=1e-3)
    np.testing.assert_allclose(result.marginal_std, [1.0, np.sqrt(1.5)], rtol=1e-15)
    # The numerical slice integrates to 1 over x_range; the closed form holds the part of
    # p(x | z) inside it. Rescaled by that part, they agree to the trapezoid's error ...
    inside = conditional_mass_in_range(MEAN, COV, Z_VALUES, X_RANGE)
    np.testing.assert_allclose(
        inside, stats.norm.cdf(4, result.conditional_means, std)
        - stats.norm.cdf(-2, result.conditional_means, std), rtol=1e-12)
    # The trapezoid rule integrates the closed form to inside + h^2/12 (f'(b) - f'(a)) +
    # O(h^4) (Euler-Maclaurin), and the numerical slice is divided by that integral.
    h = result.x[1] - result.x[0]
    means = result.conditional_means

    def slope(t):
        return -(t - means) / std**2 * stats.norm.pdf(t, means, std)

    trapezoid_integral = inside + h**2 / 12 * (slope(4.0) - slope(-2.0))
    ratio = result.conditional_pdf_numerical * inside[:, None] / closed
    np.testing.assert_allclose(ratio, np.broadcast_to((inside / trapezoid_integral)[:, None],
                                                      ratio.shape), rtol=1e-6)
    assert np.abs(ratio - 1).max() < 1e-4
    # ... and without rescaling, the gap is that cut-off (3% at z = -1, where E[x | z] = -0.4).
    gap = np.abs(result.conditional_pdf_numerical - closed).max(axis=1)
    np.testing.assert_allclose(gap, (1 / inside - 1) * closed.max(axis=1), rtol=0.02, atol=1e-5)
    assert gap.max() < 0.02


def test_numerical_slices_are_the_joint_divided_by_its_integral():
    result = default_conditionals()
    joint = stats.multivariate_normal(MEAN, COV).pdf(
        np.stack([np.broadcast_to(result.x, (7, 100)),
                  np.broadcast_to(Z_VALUES[:, None], (7, 100))], axis=-1))
    by_hand = joint / np.trapezoid(joint, result.x, axis=1)[:, None]
    np.testing.assert_allclose(result.conditional_pdf_numerical, by_hand, rtol=1e-11)


def test_slice_at_the_farthest_allowed_z_matches_the_closed_form():
    """Six standard deviations out, p(z) is e^-18 of its peak; the slice is still exact, and
    the unnormalised slices keep their relative heights (from the log density)."""
    mean, cov = [0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]]
    z = [0.0, MAX_SLICE_SPREADS]
    result = conditionals(mean, cov, z, n_samples=10, seed=0)
    assert not non_finite_fields(result)
    np.testing.assert_allclose(result.conditional_means, [0.0, 3.0])
    closed = stats.norm.pdf(result.x, 3.0, np.sqrt(0.75))
    inside = conditional_mass_in_range(mean, cov, z, result.x_range)[1]  # the range cuts a tail
    assert 0.93 < inside < 1
    np.testing.assert_allclose(result.conditional_pdf_numerical[1] * inside, closed, rtol=0,
                               atol=1e-4 * closed.max())
    law = stats.multivariate_normal(mean, cov)
    log_joint = np.array([law.logpdf(np.column_stack([result.x, np.full_like(result.x, zk)]))
                          for zk in z])
    np.testing.assert_allclose(np.log(result.joint_slices), log_joint - log_joint.max(),
                               rtol=0, atol=1e-9)
    assert result.joint_slices.max() == 1.0
    np.testing.assert_allclose(result.marginal_z_at_values, stats.norm.pdf(z), rtol=1e-12)


def test_ridge_is_the_conditional_mean_line():
    result = default_conditionals()
    np.testing.assert_allclose(result.ridge_x, 1 + 0.7 / 1.5 * (result.z - 2), rtol=1e-14,
                               atol=1e-15)
    np.testing.assert_allclose(np.interp(Z_VALUES, result.z, result.ridge_x),
                               result.conditional_means, atol=1e-14)
    # The ridge of the joint: at each z of the grid, the joint peaks at E[x | z] (to a grid step).
    peaks = result.x[np.argmax(result.joint_density, axis=1)]
    inside = (result.ridge_x > -2) & (result.ridge_x < 4)
    np.testing.assert_allclose(peaks[inside], result.ridge_x[inside],
                               atol=result.x[1] - result.x[0])


@pytest.mark.parametrize(("n_samples", "seed"), [(500, 42), (200_000, 7)])
def test_sample_moments_follow_the_conditional_formulas(n_samples, seed):
    samples = default_conditionals(n_samples=n_samples, seed=seed).samples
    x, z = samples[:, 0], samples[:, 1]
    slope_hat = np.cov(x, z)[0, 1] / np.var(z, ddof=1)
    residuals = x - x.mean() - slope_hat * (z - z.mean())
    residual_variance = residuals @ residuals / (n_samples - 2)
    slope = 0.7 / 1.5
    variance = 1.0 - 0.49 / 1.5
    slope_se = np.sqrt(variance / (n_samples * 1.5))
    variance_se = variance * np.sqrt(2.0 / n_samples)
    assert abs(slope_hat - slope) < 4 * slope_se
    assert abs(residual_variance - variance) < 4 * variance_se
    # The mean of x among draws with z near each slice is E[x | z] at those draws' z.
    if n_samples >= 100_000:
        for z0 in Z_VALUES:
            near = np.abs(z - z0) < 0.1
            expected = 1 + slope * (z[near].mean() - 2)
            assert abs(x[near].mean() - expected) < 4 * np.sqrt(variance / near.sum())


def test_samples_are_reproducible_and_seeded():
    first = default_conditionals(n_samples=100, seed=3).samples
    np.testing.assert_array_equal(first, default_conditionals(n_samples=100, seed=3).samples)
    assert not np.array_equal(first, default_conditionals(n_samples=100, seed=4).samples)
    np.testing.assert_array_equal(
        first, np.random.RandomState(3).multivariate_normal(MEAN, COV, 100))


# --------------------------------------------------------------------------------------
# Refusals in compute
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mean", "cov", "reason"),
    [
        ([1, 2], [[1.0, 0.7], [0.5, 1.5]], "not symmetric"),
        ([1, 2], [[1.0, 2.0], [2.0, 1.0]], "not positive definite"),
        ([1, 2], [[1.0, 1.0], [1.0, 1.0]], "not positive definite"),
        ([1, 2], [[-1.0, 0.0], [0.0, 1.0]], "not positive definite"),
        ([1, 2], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "2x2"),
        ([1, 2], [[np.nan, 0.0], [0.0, 1.0]], "finite"),
        ([1, 2, 3], [[1.0, 0.0], [0.0, 1.0]], "2 finite numbers"),
        ([np.inf, 2], [[1.0, 0.0], [0.0, 1.0]], "2 finite numbers"),
    ],
)
def test_check_gaussian_refuses(mean, cov, reason):
    with pytest.raises(ValueError, match=reason):
        check_gaussian(mean, cov)
    with pytest.raises(ValueError, match=reason):
        joint_marginals(mean, cov, X_RANGE, Z_RANGE, 10)


def test_check_gaussian_symmetrises_rounding():
    _, cov = check_gaussian([0, 0], [[1.0, 0.7], [0.7 + 1e-13, 1.5]])
    assert cov[0, 1] == cov[1, 0]
    np.testing.assert_allclose(cov, COV, rtol=1e-12)


# --------------------------------------------------------------------------------------
# The conditionals' grid, derived from the Gaussian and the slices
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("spread", "step"), [(1.0, 1.0), (np.sqrt(1.5), 1.0), (0.3, 0.2),
                                              (7.0, 5.0), (1e-3, 1e-3), (2.5, 2.0),
                                              (999.0, 500.0), (0.05, 0.05)])
def test_nice_step(spread, step):
    assert nice_step(spread) == pytest.approx(step, rel=1e-12)


PLOT_CASES = [
    # (mean, cov, z_values)
    (MEAN, COV, Z_VALUES),
    (MEAN, COV, [-4.0, 8.0]),  # outside the lecture's z range on both sides
    (MEAN, COV, [3.0]),  # a single slice
    (MEAN, [[1.0, -0.7], [-0.7, 1.5]], Z_VALUES),
    (MEAN, [[1.0, 0.0], [0.0, 1.5]], Z_VALUES),
    ([0.0, 0.0], [[1.0, 0.95], [0.95, 1.0]], [-2.0, 0.0, 2.0]),
    ([-500.0, 900.0], [[4e4, -1e4], [-1e4, 9e4]], [100.0, 900.0, 1500.0, 1500.0]),
    ([0.3, -0.2], [[1e-6, 5e-7], [5e-7, 4e-6]], [-0.2, -0.2 + 1e-3]),
]


@pytest.mark.parametrize(("mean", "cov", "z_values"), PLOT_CASES)
def test_plot_grid_shows_every_slice(mean, cov, z_values):
    grid = conditional_plot_grid(mean, cov, z_values)
    mean, cov, z_values = np.asarray(mean), np.asarray(cov), np.asarray(z_values)
    sx, sz = np.sqrt(np.diag(cov))
    given = stats.multivariate_normal(mean, cov)  # the conditional by the textbook formula
    slope = cov[0, 1] / cov[1, 1]
    means = mean[0] + slope * (z_values - mean[1])
    std = np.sqrt(cov[0, 0] - cov[0, 1] ** 2 / cov[1, 1])
    np.testing.assert_allclose(given.cov[0, 0] - given.cov[0, 1] ** 2 / given.cov[1, 1],
                               std**2, rtol=1e-12)
    (x0, x1), (z0, z1) = grid.x_range, grid.z_range
    tol = 1e-9 * max(abs(x0), abs(x1), abs(z0), abs(z1), 1e-3)
    # never narrower than mean +- 3 sd; the ends on whole steps of about a standard deviation
    assert x0 <= mean[0] - 3 * sx + tol and x1 >= mean[0] + 3 * sx - tol
    assert z0 <= mean[1] - 3 * sz + tol and z1 >= mean[1] + 3 * sz - tol
    for ends, sd in [((x0, x1), sx), ((z0, z1), sz)]:
        step = nice_step(sd)
        assert sd / 2.5 - 1e-12 <= step <= sd * (1 + 1e-12)
        np.testing.assert_allclose(np.round(np.array(ends) / step), np.array(ends) / step,
                                   atol=1e-6)
    # every slice shows: its line and its peak in z, its mean +- 1.5 sd in x
    assert z0 <= z_values.min() + tol and z_values.max() + grid.slice_height <= z1 + tol
    assert x0 <= (means - 1.5 * std).min() + tol and (means + 1.5 * std).max() <= x1 + tol
    # slices 0.8 of the smallest gap tall, within 10% to 25% of the base z range
    gaps = np.diff(np.unique(z_values))
    span = (np.ceil((mean[1] + 3 * sz) / nice_step(sz) - 1e-9)
            - np.floor((mean[1] - 3 * sz) / nice_step(sz) + 1e-9)) * nice_step(sz)
    expected = np.clip(0.8 * (gaps.min() if len(gaps) else np.inf), 0.1 * span, 0.25 * span)
    np.testing.assert_allclose(grid.slice_height, expected, rtol=1e-12)
    # enough points to resolve the joint's narrowest widths, within 100 .. 1000
    narrow = conditional_spreads(cov)
    for points, width, spread in [(grid.x_points, x1 - x0, narrow[0]),
                                  (grid.z_points, z1 - z0, narrow[1])]:
        assert 100 <= points <= 1000
        assert points == 1000 or (points - 1) * spread / width >= 4 or points == 100


def test_default_slices_are_the_source_heights():
    grid = conditional_plot_grid(MEAN, COV, Z_VALUES)
    assert grid.slice_height == pytest.approx(0.8)  # 0.8 of the gap of 1 between slices
    assert (grid.x_points, grid.z_points) == (100, 100)


def test_plot_grid_widens_for_slices_outside_the_lecture_range():
    grid = conditional_plot_grid(MEAN, COV, [-4.0, 8.0])
    # one gap of 12 gives 0.8 * 12, held to a quarter of the base range [-2, 6]: 2
    assert grid.slice_height == pytest.approx(2.0)
    assert grid.z_range.tolist() == [-4.0, 10.0]
    # E[x | z] at z = 8 is 1 + 0.7/1.5 * 6 = 3.8, + 1.5 * 0.8206 = 5.03: up to 6; at z = -4
    # it is -1.8, - 1.23 = -3.03: down to -4
    assert grid.x_range.tolist() == [-4.0, 6.0]


@pytest.mark.parametrize("z", [2 + 6.001 * np.sqrt(1.5), 2 - 6.001 * np.sqrt(1.5)])
def test_slices_farther_than_six_sd_are_not_computable(z):
    with pytest.raises(NotComputable, match="more than 6 standard deviations"):
        conditionals(MEAN, COV, [0.0, z], n_samples=5, seed=0)
    conditional_plot_grid(MEAN, COV, [2 + 6 * np.sqrt(1.5) * np.sign(z - 2)])  # 6 sd is drawn


def test_slice_areas_are_p_of_z_held_by_the_range():
    """The area of p(x, z_k) over the grid is p(z_k) P(x in range | z_k), to the trapezoid's
    error, and the closed p(z_k) comes from scipy."""
    result = default_conditionals()
    np.testing.assert_allclose(result.marginal_z_at_values,
                               stats.norm.pdf(Z_VALUES, 2, np.sqrt(1.5)), rtol=1e-12)
    inside = conditional_mass_in_range(MEAN, COV, Z_VALUES, X_RANGE)
    np.testing.assert_allclose(result.slice_areas, result.marginal_z_at_values * inside,
                               rtol=1e-4)
    # what the scene divides by: each numerical slice is the joint's row over its area
    law = stats.multivariate_normal(MEAN, COV)
    row = law.pdf(np.column_stack([result.x, np.full_like(result.x, 3.0)]))
    np.testing.assert_allclose(result.conditional_pdf_numerical[4], row / result.slice_areas[4],
                               rtol=1e-11)


def test_a_rectangle_holding_little_of_the_joint_is_not_computable():
    """Each range holds over half its marginal, but the strongly correlated joint lies
    mostly outside the rectangle (scipy: it holds 0.237)."""
    mean, cov = [0.0, 0.0], [[1.0, 0.95], [0.95, 1.0]]
    held = stats.multivariate_normal(mean, cov).cdf([3, 0.3], lower_limit=[-0.3, -3])
    assert held < 0.5
    with pytest.raises(NotComputable, match=f"holds {held:.3g} of the joint's mass"):
        joint_marginals(mean, cov, (-0.3, 3.0), (-3.0, 0.3), 100)
