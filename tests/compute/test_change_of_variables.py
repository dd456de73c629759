"""Tests for compute.change_of_variables against independent references.

References: the numbers the lecture source prints, closed forms (normal pdfs, arctanh,
2 x1 cos(x2) - 0.5), scipy.stats and scipy.integrate, finite differences, torch's own
per-point Jacobian, and the global-RNG draws the source makes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from compute.change_of_variables import (
    check_strictly_monotone,
    grid_2d,
    jacobian_field,
    jacobians_at,
    linear_1d,
    map_points,
    sampled_z_range,
    tanh_like,
    transformed_density,
)
from compute.results import keyframes
from tests.compute.sources import global_rng_draws

DEFAULT_MAP = ("x1**2 + 0.5*x2", "x1 + sin(x2)")
SOURCE_A = [[1.7321, -0.5], [1.0, 0.8660]]  # printed by the lecture source


def binned_probability_bound(counts_prob: np.ndarray, n: int, widths: np.ndarray) -> np.ndarray:
    """Five binomial standard deviations of a histogram density, per bin."""
    return 5.0 * np.sqrt(counts_prob * (1.0 - counts_prob) / n) / widths + 1e-12


# --------------------------------------------------------------------------------------
# linear_1d
# --------------------------------------------------------------------------------------


def test_linear_1d_reproduces_source_numbers():
    result = linear_1d(a=2.0, b=1.0, n_samples=10_000, bins=50, seed=42)
    assert round(result.sample_mean, 4) == 0.9957
    assert round(result.sample_std, 4) == 2.0068
    assert result.jacobian_factor == 0.5


def test_linear_1d_uses_the_source_draws():
    result = linear_1d(a=2.0, b=1.0, n_samples=10_000, bins=50, seed=42)
    expected = global_rng_draws(42, lambda: np.random.normal(0, 1, 10_000))
    np.testing.assert_array_equal(result.x_samples, expected)
    np.testing.assert_allclose(result.y_samples, 2.0 * expected + 1.0, rtol=1e-15)


@pytest.mark.parametrize(("a", "b"), [(2.0, 1.0), (-0.5, 3.0), (3.7, -2.0)])
def test_linear_1d_densities_match_normal(a, b):
    result = linear_1d(a=a, b=b, n_samples=1000, bins=20, seed=0)
    expected = stats.norm.pdf(result.y_grid, loc=b, scale=abs(a))
    np.testing.assert_allclose(result.density_analytic, expected, rtol=1e-12)
    np.testing.assert_allclose(result.density_change_of_variables, expected, rtol=1e-12)
    np.testing.assert_allclose(result.jacobian_factor, 1.0 / abs(a), rtol=1e-15)
    np.testing.assert_allclose(result.y_grid[[0, -1]], [b - 4 * abs(a), b + 4 * abs(a)])
    np.testing.assert_allclose(result.density_x, stats.norm.pdf(result.x_grid), rtol=1e-12)
    shown_mass = integrate.simpson(result.density_change_of_variables, x=result.y_grid)
    np.testing.assert_allclose(shown_mass, stats.norm.cdf(4) - stats.norm.cdf(-4), rtol=1e-5)


def test_linear_1d_histograms_follow_their_densities():
    a, b, n = -1.5, 2.0, 200_000
    result = linear_1d(a=a, b=b, n_samples=n, bins=40, seed=7)
    for edges, density, law in [
        (result.x_hist_edges, result.x_hist_density, stats.norm(0, 1)),
        (result.y_hist_edges, result.y_hist_density, stats.norm(b, abs(a))),
    ]:
        assert len(edges) == 41
        widths = np.diff(edges)
        prob = np.diff(law.cdf(edges))
        np.testing.assert_allclose(density, prob / widths, rtol=0,
                                   atol=binned_probability_bound(prob, n, widths).max())


def test_linear_1d_refuses_zero_slope():
    with pytest.raises(ValueError, match="nonzero"):
        linear_1d(a=0.0, b=1.0, n_samples=10, bins=5, seed=0)


def test_linear_1d_is_reproducible():
    first = linear_1d(a=2.0, b=1.0, n_samples=500, bins=10, seed=3)
    again = linear_1d(a=2.0, b=1.0, n_samples=500, bins=10, seed=3)
    other = linear_1d(a=2.0, b=1.0, n_samples=500, bins=10, seed=4)
    np.testing.assert_array_equal(first.y_samples, again.y_samples)
    assert keyframes(first) == keyframes(again)
    assert first.sample_mean != other.sample_mean


# --------------------------------------------------------------------------------------
# tanh_like
# --------------------------------------------------------------------------------------


def test_tanh_matches_closed_form():
    result = tanh_like("tanh(x)", n_samples=10_000, bins=50, seed=42)
    y = result.y_grid
    expected_factor = 1.0 / (1.0 - y**2)
    np.testing.assert_allclose(result.jacobian_factor, expected_factor, rtol=1e-10)
    np.testing.assert_allclose(result.density, stats.norm.pdf(np.arctanh(y)) * expected_factor,
                               rtol=1e-10)
    np.testing.assert_allclose(result.z_grid, np.arctanh(y), rtol=1e-12, atol=1e-14)


def test_tanh_grid_lies_just_inside_the_image_of_the_draws():
    result = tanh_like("tanh(x)", n_samples=10_000, bins=50, seed=42)
    draws = global_rng_draws(42, lambda: np.random.normal(0, 1, 10_000))
    low, high = np.tanh(draws.min()), np.tanh(draws.max())
    assert low < result.y_grid[0] < result.y_grid[-1] < high
    np.testing.assert_allclose(result.y_grid[[0, -1]], [low, high], atol=0.02 * (high - low))
    assert np.all(np.diff(result.y_grid) > 0)
    np.testing.assert_array_equal(result.z_samples, draws)
    np.testing.assert_allclose(result.hist_edges[[0, -1]], [low, high], rtol=1e-15)


@pytest.mark.parametrize(
    ("transform", "inverse", "inverse_slope"),
    [
        ("x**3", np.cbrt, lambda y: 1.0 / (3.0 * np.cbrt(y) ** 2)),
        ("-exp(x)", lambda y: np.log(-y), lambda y: 1.0 / np.abs(y)),
        ("2*x - 1", lambda y: (y + 1.0) / 2.0, lambda y: np.full_like(y, 0.5)),
    ],
)
def test_other_monotone_transforms_match_closed_form(transform, inverse, inverse_slope):
    result = tanh_like(transform, n_samples=5000, bins=30, seed=1)
    y = result.y_grid
    np.testing.assert_allclose(result.jacobian_factor, inverse_slope(y), rtol=1e-8)
    np.testing.assert_allclose(result.density, stats.norm.pdf(inverse(y)) * inverse_slope(y),
                               rtol=1e-8)


@pytest.mark.parametrize(
    ("transform", "cdf_of_y"),
    [
        ("tanh(x)", lambda y: stats.norm.cdf(np.arctanh(y))),
        ("-exp(x)", lambda y: stats.norm.sf(np.log(-y))),
    ],
)
def test_density_integrates_to_probability_of_the_shown_range(transform, cdf_of_y):
    z_low, z_high = sampled_z_range(10_000, 42)
    result = tanh_like(transform, n_samples=10_000, bins=50, seed=42)
    y_low, y_high = result.y_grid[0], result.y_grid[-1]
    expected = cdf_of_y(y_high) - cdf_of_y(y_low)
    mass, _ = integrate.quad(
        lambda y: transformed_density(transform, np.array([y]), z_low, z_high)[0],
        y_low, y_high, epsabs=1e-12, epsrel=1e-10, limit=200,
    )
    np.testing.assert_allclose(mass, expected, rtol=1e-8)
    # The 200-point curve the scene draws carries the same mass to plotting accuracy
    # (the even grid is coarse where -exp(x)'s density is steep, near y = 0).
    np.testing.assert_allclose(integrate.simpson(result.density, x=result.y_grid), expected,
                               rtol=1e-2)


def test_tanh_histogram_follows_bin_probabilities():
    n = 100_000
    result = tanh_like("tanh(x)", n_samples=n, bins=50, seed=5)
    edges = result.hist_edges
    widths = np.diff(edges)
    prob = np.diff(stats.norm.cdf(np.arctanh(edges)))
    np.testing.assert_allclose(result.hist_density, prob / widths, rtol=0,
                               atol=binned_probability_bound(prob, n, widths).max())
    np.testing.assert_allclose(result.hist_density @ widths, 1.0, rtol=1e-12)


def test_tanh_is_reproducible():
    first = tanh_like("tanh(x)", n_samples=2000, bins=20, seed=11)
    again = tanh_like("tanh(x)", n_samples=2000, bins=20, seed=11)
    other = tanh_like("tanh(x)", n_samples=2000, bins=20, seed=12)
    assert keyframes(first) == keyframes(again)
    assert not np.array_equal(first.hist_density, other.hist_density)


@pytest.mark.parametrize(
    "transform", ["tanh(x)", "x**3", "-exp(x)", "sigmoid(x)", "x + 0.5*sin(x)"]
)
def test_monotone_check_accepts_strictly_monotone(transform):
    check_strictly_monotone(transform, -3.9, 3.9)


@pytest.mark.parametrize(
    ("transform", "low", "high", "reason"),
    [
        ("x**2", -3.0, 3.0, "not strictly"),
        ("sin(3*x)", -3.0, 3.0, "not strictly"),
        ("x + 2*sin(x)", -3.0, 3.0, "not strictly"),
        ("0*x + 1", -1.0, 1.0, "not strictly"),
        ("1/x", -1.0, 1.0, "not finite"),
        ("log(x)", -1.0, 1.0, "not finite"),
        ("tanh(40*x)", -3.0, 3.0, "not strictly"),
    ],
)
def test_monotone_check_refuses(transform, low, high, reason):
    with pytest.raises(ValueError, match=reason):
        check_strictly_monotone(transform, low, high)


def test_tanh_like_refuses_bad_transforms():
    with pytest.raises(ValueError, match="not strictly"):
        tanh_like("x**2", n_samples=1000, bins=10, seed=0)
    with pytest.raises(ValueError, match="unknown name"):
        tanh_like("tanh(y)", n_samples=1000, bins=10, seed=0)


def test_sampled_z_range_matches_source_draws():
    draws = global_rng_draws(42, lambda: np.random.normal(0, 1, 10_000))
    assert sampled_z_range(10_000, 42) == (draws.min(), draws.max())


def test_parameter_checks_do_not_import_torch():
    code = (
        "import sys\n"
        "from compute.change_of_variables import check_strictly_monotone, sampled_z_range\n"
        "check_strictly_monotone('tanh(x)', *sampled_z_range(10000, 42))\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


# --------------------------------------------------------------------------------------
# grid_2d
# --------------------------------------------------------------------------------------


def test_grid_2d_reproduces_source_numbers():
    result = grid_2d(theta_deg=30.0, scale=(2.0, 1.0), A=None, n_samples=1000, seed=42)
    np.testing.assert_allclose(result.A, [[1.73205081, -0.5], [1.0, 0.8660254]], atol=5e-9)
    np.testing.assert_allclose(result.det, 2.0, rtol=1e-12)
    np.testing.assert_allclose(result.density_scale, 0.5, rtol=1e-12)
    s3 = np.sqrt(3.0)
    # R(30 deg) diag(2, 1) is undone by diag(1/2, 1) R(-30 deg).
    np.testing.assert_allclose(result.A_inverse, [[s3 / 4, 0.25], [-0.5, s3 / 2]], atol=1e-12)
    np.testing.assert_allclose(
        result.unit_square_image,
        [[0.0, 0.0], [s3, 1.0], [s3 - 0.5, 1.0 + s3 / 2], [-0.5, s3 / 2]],
        atol=1e-12,
    )


def test_grid_2d_uses_the_source_draws():
    result = grid_2d(theta_deg=30.0, scale=(2.0, 1.0), A=None, n_samples=1000, seed=42)
    expected = global_rng_draws(42, lambda: np.random.multivariate_normal([0, 0], np.eye(2), 1000))
    np.testing.assert_array_equal(result.samples, expected)
    s3 = np.sqrt(3.0)
    by_hand = np.stack([s3 * expected[:, 0] - 0.5 * expected[:, 1],
                        expected[:, 0] + s3 / 2 * expected[:, 1]], axis=1)
    np.testing.assert_allclose(result.transformed_samples, by_hand, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("A", "det"),
    [([[3.0, 1.0], [0.0, 2.0]], 6.0), ([[0.0, 1.0], [1.0, 0.0]], -1.0), ([[1, 2], [3, 4]], -2.0)],
)
def test_grid_2d_given_matrix_overrides_rotation(A, det):
    result = grid_2d(theta_deg=30.0, scale=(2.0, 1.0), A=A, n_samples=10, seed=0)
    np.testing.assert_allclose(result.A, A)
    np.testing.assert_allclose(result.det, det, rtol=1e-12)
    np.testing.assert_allclose(result.density_scale, 1.0 / abs(det), rtol=1e-12)
    corners = result.unit_square_image
    shoelace = 0.5 * np.sum(corners[:, 0] * np.roll(corners[:, 1], -1)
                            - np.roll(corners[:, 0], -1) * corners[:, 1])
    np.testing.assert_allclose(shoelace, det, rtol=1e-12)
    np.testing.assert_allclose(result.A_inverse, np.linalg.inv(np.asarray(A, dtype=float)),
                               rtol=1e-12, atol=1e-15)


def test_grid_2d_refuses_singular_or_misshapen_matrix():
    with pytest.raises(ValueError, match="singular"):
        grid_2d(theta_deg=0.0, scale=(1.0, 1.0), A=[[1.0, 2.0], [2.0, 4.0]], n_samples=10, seed=0)
    with pytest.raises(ValueError, match="singular"):
        grid_2d(theta_deg=45.0, scale=(1.0, 0.0), A=None, n_samples=10, seed=0)
    with pytest.raises(ValueError, match="2x2"):
        grid_2d(theta_deg=0.0, scale=(1.0, 1.0), A=[[1.0, 2.0, 3.0]], n_samples=10, seed=0)


# --------------------------------------------------------------------------------------
# jacobian_field, map_points, jacobians_at
# --------------------------------------------------------------------------------------


def test_default_map_determinant_matches_closed_form():
    result = jacobian_field(DEFAULT_MAP, x_range=(-2.0, 1.0), y_range=(-1.0, 3.0), resolution=30)
    np.testing.assert_allclose(result.x1, np.linspace(-2.0, 1.0, 30))
    np.testing.assert_allclose(result.x2, np.linspace(-1.0, 3.0, 30))
    # det_jacobian[i, j] belongs to (x1[i], x2[j]).
    expected = 2.0 * result.x1[:, None] * np.cos(result.x2[None, :]) - 0.5
    np.testing.assert_allclose(result.det_jacobian, expected, rtol=1e-12, atol=1e-12)
    by_hand = np.empty((30, 30, 2, 2))
    by_hand[..., 0, 0] = 2.0 * result.x1[:, None]
    by_hand[..., 0, 1] = 0.5
    by_hand[..., 1, 0] = 1.0
    by_hand[..., 1, 1] = np.cos(result.x2[None, :])
    np.testing.assert_allclose(result.jacobians, by_hand, rtol=1e-12, atol=1e-12)


OTHER_MAP = ("exp(0.3*x1)*cos(x2) + x2**3/5", "x1*x2**2 + tanh(x1 - x2) + sigmoid(x1)")


def test_jacobians_match_finite_differences():
    points = np.random.default_rng(0).uniform(-2.0, 2.0, size=(50, 2))
    h = 1e-6
    finite = np.empty((50, 2, 2))
    for column in range(2):
        step = np.zeros(2)
        step[column] = h
        finite[:, :, column] = (map_points(OTHER_MAP, points + step)
                                - map_points(OTHER_MAP, points - step)) / (2 * h)
    np.testing.assert_allclose(jacobians_at(OTHER_MAP, points), finite, rtol=1e-6, atol=1e-7)


def test_jacobians_match_torch_per_point():
    import torch

    def plane_map(p):
        return torch.stack([torch.exp(0.3 * p[0]) * torch.cos(p[1]) + p[1] ** 3 / 5,
                            p[0] * p[1] ** 2 + torch.tanh(p[0] - p[1]) + torch.sigmoid(p[0])])

    points = np.random.default_rng(1).normal(size=(20, 2))
    per_point = np.stack([
        torch.autograd.functional.jacobian(plane_map, torch.tensor(p, dtype=torch.float64)).numpy()
        for p in points
    ])
    np.testing.assert_allclose(jacobians_at(OTHER_MAP, points), per_point, rtol=1e-13, atol=1e-13)


def test_field_determinant_matches_finite_differences_of_the_map():
    result = jacobian_field(OTHER_MAP, x_range=(-1.5, 2.0), y_range=(-2.0, 1.0), resolution=12)
    mesh1, mesh2 = np.meshgrid(result.x1, result.x2, indexing="ij")
    points = np.stack([mesh1.ravel(), mesh2.ravel()], axis=1)
    h = 1e-6
    d1 = (map_points(OTHER_MAP, points + [h, 0]) - map_points(OTHER_MAP, points - [h, 0])) / (2 * h)
    d2 = (map_points(OTHER_MAP, points + [0, h]) - map_points(OTHER_MAP, points - [0, h])) / (2 * h)
    det = (d1[:, 0] * d2[:, 1] - d2[:, 0] * d1[:, 1]).reshape(12, 12)
    np.testing.assert_allclose(result.det_jacobian, det, rtol=1e-6, atol=1e-6)


def test_map_points_evaluates_the_map():
    points = np.array([[0.0, 0.0], [1.0, -2.0], [-1.5, 0.5]])
    expected = np.stack([points[:, 0] ** 2 + 0.5 * points[:, 1],
                         points[:, 0] + np.sin(points[:, 1])], axis=1)
    np.testing.assert_allclose(map_points(DEFAULT_MAP, points), expected, rtol=1e-15)


def test_jacobian_field_refuses_bad_maps():
    with pytest.raises(ValueError, match="not finite"):
        jacobian_field(("log(x1)", "x2"), x_range=(-1.0, 1.0), y_range=(-1.0, 1.0), resolution=5)
    with pytest.raises(ValueError, match="unknown name"):
        jacobian_field(("x + 1", "x2"), x_range=(-1.0, 1.0), y_range=(-1.0, 1.0), resolution=5)
    with pytest.raises(ValueError, match="2 expressions"):
        jacobian_field(("x1",), x_range=(-1.0, 1.0), y_range=(-1.0, 1.0), resolution=5)


# --------------------------------------------------------------------------------------
# What the scenes draw besides the keyframes: staged maps, picked squares, extents
# --------------------------------------------------------------------------------------


def shoelace(corners: np.ndarray) -> float:
    x, y = corners[:, 0], corners[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def test_staged_map_stretches_then_rotates():
    result = grid_2d(30.0, (2.0, 1.0), None, 10, 42)
    assert result.stages() == [("stretch", 1.0), ("rotate", 2.0)] and result.start() == 0.0
    np.testing.assert_allclose(result.matrix_at(0.0), np.eye(2))
    np.testing.assert_allclose(result.matrix_at(0.5), np.diag([1.5, 1.0]))
    np.testing.assert_allclose(result.matrix_at(1.0), np.diag([2.0, 1.0]))
    c, s = np.cos(np.pi / 12), np.sin(np.pi / 12)  # half of 30 degrees
    np.testing.assert_allclose(result.matrix_at(1.5), [[2 * c, -s], [2 * s, c]], atol=1e-15)
    np.testing.assert_allclose(result.matrix_at(2.0), SOURCE_A, atol=5e-5)
    # Areas: 1, then the stretch's product, kept by the rotation; signed.
    assert [shoelace(result.square_at(t)) for t in (0, 1, 1.5, 2)] == pytest.approx(
        [1.0, 2.0, 2.0, 2.0])


def test_staged_map_skips_identity_moves_and_interpolates_a_given_matrix():
    rotate_only = grid_2d(90.0, (1.0, 1.0), None, 10, 42)
    assert rotate_only.stages() == [("rotate", 2.0)] and rotate_only.start() == 1.0
    np.testing.assert_allclose(rotate_only.matrix_at(2.0), [[0, -1], [1, 0]], atol=1e-15)
    assert grid_2d(0.0, (1.0, 1.0), None, 10, 42).stages() == [("apply", 1.0)]
    given = grid_2d(30.0, (2.0, 1.0), [[0.0, 1.0], [1.0, 0.0]], 10, 42)
    assert given.stages() == [("apply", 1.0)]
    np.testing.assert_allclose(given.matrix_at(0.25), [[0.75, 0.25], [0.25, 0.75]])
    assert shoelace(given.square_at(1.0)) == pytest.approx(-1.0)  # a flip: det -1


def closed_form_map(points: np.ndarray) -> np.ndarray:
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([x1**2 + 0.5 * x2, x1 + np.sin(x2)], axis=1)


def test_field_maps_points_and_measures_its_extent_like_the_closed_form():
    field = jacobian_field(DEFAULT_MAP, (-2.0, 2.0), (-2.0, 2.0), 30)
    points = np.random.RandomState(0).uniform(-2, 2, (50, 2))
    np.testing.assert_allclose(field.image_of(points), closed_form_map(points), rtol=1e-14)
    mesh = np.stack([m.ravel() for m in np.meshgrid(np.linspace(-2, 2, 41),
                                                    np.linspace(-2, 2, 41))], axis=1)
    image = closed_form_map(mesh)
    np.testing.assert_allclose(field.image_low, image.min(axis=0))
    np.testing.assert_allclose(field.image_high, image.max(axis=0))


def test_predicted_squares_are_the_linear_part_of_the_true_image():
    field = jacobian_field(DEFAULT_MAP, (-2.0, 2.0), (-2.0, 2.0), 30)
    for ij in field.picked:
        centre = np.array([field.x1[ij[0]], field.x2[ij[1]]])
        errors = []
        for side in (0.1, 0.05):
            corners = centre + side * (np.array([[0, 0], [1, 0], [1, 1], [0, 1]]) - 0.5)
            predicted = field.predicted_square(ij, side)
            errors.append(np.abs(predicted - closed_form_map(corners)).max())
            area = abs(shoelace(predicted))
            assert area == pytest.approx(side**2 * abs(field.det_jacobian[ij]), rel=1e-12)
        assert errors[1] < 0.3 * errors[0]  # the gap shrinks like side^2


def test_picked_squares_start_at_the_largest_stretch_and_differ():
    field = jacobian_field(DEFAULT_MAP, (-2.0, 2.0), (-2.0, 2.0), 30)
    candidates = [(i, j) for i in (6, 14, 23) for j in (6, 14, 23)]  # 20/50/80% of 0..29
    magnitude = {ij: 2 * abs(field.x1[ij[0]] * np.cos(field.x2[ij[1]]) - 0.25)
                 for ij in candidates}
    assert len(set(field.picked)) == 3 and set(field.picked) <= set(candidates)
    assert magnitude[field.picked[0]] == pytest.approx(max(magnitude.values()))
    assert magnitude[field.picked[1]] <= min(magnitude.values()) + 0.05 * (
        max(magnitude.values()) - min(magnitude.values()))


def test_steepest_and_flattest_points_of_tanh_are_its_middle_and_its_edge():
    result = tanh_like("tanh(x)", 10_000, 50, 42)
    factor = 1 / (1 - result.y_grid**2)  # |dz/dy| in closed form
    assert result.steepest == int(np.argmin(factor))
    assert abs(result.y_grid[result.steepest]) == pytest.approx(np.abs(result.y_grid).min())
    assert result.flattest in (0, len(result.y_grid) - 1)
    assert factor[result.flattest] == pytest.approx(factor.max())
