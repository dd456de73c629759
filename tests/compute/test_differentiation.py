"""Tests for compute.differentiation against independent references.

References: closed-form derivatives, roots of closed-form f'' found by scipy's brentq,
explicit Hessians from ``torch.autograd.functional.hessian``, central finite differences of
values and gradients, exact polynomial fits of a slice, closed-form contour lines, the
lecture's own procedure (global RNG, ``nn.Sequential``, double backward) and the numbers
the lecture source prints. The parameters of the section are tested in
tests/lecture/test_differentiation_params.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import optimize

from compute.differentiation import (
    CONTOUR_LEVELS,
    LARGE_NETWORK_PARAMETERS,
    SOURCE_DRAWS_BEFORE_NETWORK,
    SWEEP_POINTS,
    contour_segments,
    jvp_hvp,
    nn_linearization,
    tangent_curvature,
)
from compute.results import NotComputable, keyframes

SOURCE_TEST_POINTS = (-1.5, -1.0, 0.0, 1.0, 1.5)
SOURCE_SURFACE = "(x**2 + y**2) + 0.5*x*y**3"


def central_difference(function, x, h):
    return (function(x + h) - function(x - h)) / (2 * h)


# --------------------------------------------------------------------------------------
# tangent_curvature
# --------------------------------------------------------------------------------------

CLOSED_FORMS_1D = {
    # f: (f, f', f'')
    "x**3 - 3*x": (lambda x: x**3 - 3 * x, lambda x: 3 * x**2 - 3, lambda x: 6 * x),
    "sin(x)": (np.sin, np.cos, lambda x: -np.sin(x)),
    "cos(2*x) + x**2": (lambda x: np.cos(2 * x) + x**2, lambda x: -2 * np.sin(2 * x) + 2 * x,
                        lambda x: -4 * np.cos(2 * x) + 2),
    "sin(x)*exp(-x**2/4)": (
        lambda x: np.sin(x) * np.exp(-(x**2) / 4),
        lambda x: np.exp(-(x**2) / 4) * (np.cos(x) - x / 2 * np.sin(x)),
        lambda x: np.exp(-(x**2) / 4) * (-1.5 * np.sin(x) - x * np.cos(x) + x**2 / 4 * np.sin(x)),
    ),
}


def test_tangent_curvature_reproduces_source_numbers():
    result = tangent_curvature("x**3 - 3*x", (-2.0, 2.0), SOURCE_TEST_POINTS)
    np.testing.assert_array_equal(result.test_points, SOURCE_TEST_POINTS)
    np.testing.assert_allclose(result.gradient, [3.75, 0.0, -3.0, 0.0, 3.75], atol=1e-14)
    np.testing.assert_allclose(result.hessian, [-9.0, -6.0, 0.0, 6.0, 9.0], atol=1e-14)
    np.testing.assert_allclose(result.value, [1.125, 2.0, 0.0, -2.0, -1.125], atol=1e-14)
    assert set(keyframes(result)) == {"test_points", "value", "gradient", "hessian", "bending",
                                      "at_inflection"}
    # f'' = 6x: concave left of 0, an inflection at 0, convex right of it.
    np.testing.assert_array_equal(result.bending, np.sign(6 * np.asarray(SOURCE_TEST_POINTS)))
    np.testing.assert_array_equal(result.at_inflection,
                                  np.asarray(SOURCE_TEST_POINTS) == 0.0)


@pytest.mark.parametrize(("f", "points", "bending", "inflection"), [
    ("sin(x)", (0.5, 3.141592653589793, 4.0), (-1, 0, 1), (False, True, False)),
    ("x**4", (-1.0, 0.0, 1.0), (1, 0, 1), (False, False, False)),  # f'' = 0 at 0, no sign change
    ("2*x + 1", (-1.0, 0.0), (0, 0), (False, False)),  # a line bends nowhere
])
def test_bending_verdicts_follow_the_sign_of_the_closed_form_curvature(f, points, bending,
                                                                        inflection):
    result = tangent_curvature(f, (-1.5, 4.5), points)
    np.testing.assert_array_equal(result.bending, bending)
    np.testing.assert_array_equal(result.at_inflection, inflection)
    # sin(pi) is 1.2e-16 by rounding: shown as 0, as x = 0 is.
    shown = result.shown(int(np.searchsorted(result.sweep_x, points[1])))
    assert shown[0] == points[1] and (f != "sin(x)" or shown[1] == 0.0 == shown[3])


@pytest.mark.parametrize("f", list(CLOSED_FORMS_1D))
def test_tangent_curvature_matches_closed_forms(f):
    value, slope, curvature = CLOSED_FORMS_1D[f]
    points = (-2.9, -0.3, 0.0, 1.7, 3.0)
    result = tangent_curvature(f, (-3.0, 3.0), points)
    x = result.sweep_x
    np.testing.assert_array_equal(x, np.union1d(np.linspace(-3.0, 3.0, SWEEP_POINTS), points))
    for computed, exact in [(result.sweep_value, value), (result.sweep_gradient, slope),
                            (result.sweep_hessian, curvature)]:
        np.testing.assert_allclose(computed, exact(x), rtol=1e-12, atol=1e-12)
    p = np.array(points)
    np.testing.assert_allclose(result.value, value(p), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result.gradient, slope(p), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result.hessian, curvature(p), rtol=1e-12, atol=1e-12)


def test_the_sweep_stops_exactly_at_the_test_points():
    points = (1.7, -0.3, 0.0, 1.7, -2.9)  # unordered, with a repeat, 0 on the linspace
    result = tangent_curvature("sin(x)*exp(-x**2/4)", (-3.0, 3.0), points)
    np.testing.assert_array_equal(result.test_points, points)
    stops = result.stop_indices
    np.testing.assert_array_equal(result.sweep_x[stops], [-2.9, -0.3, 0.0, 1.7])
    assert len(result.sweep_x) == SWEEP_POINTS + 3  # 0.0 was on the grid already
    for k, x0 in enumerate(points):
        (index,) = np.flatnonzero(result.sweep_x == x0)
        # The numbers shown at a stop are the keyframes themselves, not an interpolation.
        np.testing.assert_array_equal(result.at(index),
                                      [x0, result.value[k], result.gradient[k], result.hessian[k]])


def test_cursor_interpolates_between_grid_points_and_draws_the_tangent():
    value, slope, curvature = CLOSED_FORMS_1D["x**3 - 3*x"]
    result = tangent_curvature("x**3 - 3*x", (-2.0, 2.0), (0.5,))
    k = 123
    x_left, x_right = result.sweep_x[k], result.sweep_x[k + 1]
    expected = 0.25 * np.array([x_left, value(x_left), slope(x_left), curvature(x_left)]) \
        + 0.75 * np.array([x_right, value(x_right), slope(x_right), curvature(x_right)])
    np.testing.assert_allclose(result.at(k + 0.75), expected, rtol=1e-12)
    np.testing.assert_allclose(result.at(-5), result.at(0))  # clamped at the ends
    np.testing.assert_allclose(result.at(1e9), result.at(len(result.sweep_x) - 1))
    (stop,) = result.stop_indices
    xs = np.array([-1.0, 0.5, 2.0])
    np.testing.assert_allclose(result.tangent(stop, xs), value(0.5) + slope(0.5) * (xs - 0.5),
                               rtol=1e-14)


def test_curvature_parts_split_at_the_inflection_points():
    _, _, curvature = CLOSED_FORMS_1D["sin(x)"]
    result = tangent_curvature("sin(x)", (-4.0, 4.0), (0.0,))
    x, convex, concave = result.curvature_parts()
    assert np.all(np.diff(x) >= 0)
    assert set(np.round(result.inflection_points, 12)) <= set(np.round(x, 12))
    exact = curvature(x)
    np.testing.assert_allclose(convex, np.maximum(exact, 0), atol=1e-12)
    np.testing.assert_allclose(concave, np.minimum(exact, 0), atol=1e-12)
    np.testing.assert_allclose(convex + concave, exact, atol=1e-12)


@pytest.mark.parametrize(("f", "x_range", "convex", "concave"), [
    ("x**3 - 3*x", (-2.0, 2.0), [[0.0, 2.0]], [[-2.0, 0.0]]),
    ("sin(x)", (-4.0, 4.0), [[-np.pi, 0.0], [np.pi, 4.0]], [[-4.0, -np.pi], [0.0, np.pi]]),
    ("x**2", (-1.0, 1.0), [[-1.0, 1.0]], []),
    ("3*x + 1", (-1.0, 1.0), [], []),  # a line bends neither way
])
def test_convexity_intervals_run_between_the_inflection_points(f, x_range, convex, concave):
    result = tangent_curvature(f, x_range, (x_range[0],))
    found_convex, found_concave = result.convexity_intervals()
    np.testing.assert_allclose(found_convex, np.reshape(convex, (-1, 2)), atol=1e-12)
    np.testing.assert_allclose(found_concave, np.reshape(concave, (-1, 2)), atol=1e-12)


def brentq_roots(function, low, high, samples=20_001):
    """Every sign change of ``function`` on a fine grid, polished by brentq."""
    x = np.linspace(low, high, samples)
    y = function(x)
    roots = list(x[y == 0])
    for i in np.flatnonzero(y[:-1] * y[1:] < 0):
        roots.append(optimize.brentq(function, x[i], x[i + 1], xtol=1e-15, rtol=1e-15))
    return np.sort(roots)


@pytest.mark.parametrize(
    ("f", "x_range"),
    [("sin(x)*exp(-x**2/4)", (-5.0, 5.0)), ("sin(x)", (-7.0, 7.3)), ("x**3 - 3*x", (-2.0, 2.0)),
     ("cos(2*x) + x**2", (-3.0, 2.5))],
)
def test_inflection_points_are_the_roots_of_the_closed_form_second_derivative(f, x_range):
    value, _, curvature = CLOSED_FORMS_1D[f]
    result = tangent_curvature(f, x_range, (x_range[0],))
    expected = brentq_roots(curvature, *x_range)
    assert len(expected) > 0
    np.testing.assert_allclose(result.inflection_points, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.inflection_values, value(expected), rtol=0, atol=1e-12)


def test_sin_inflections_are_multiples_of_pi():
    result = tangent_curvature("sin(x)", (-7.0, 7.3), (0.0,))
    np.testing.assert_allclose(result.inflection_points, np.pi * np.arange(-2, 3), atol=1e-13)


@pytest.mark.parametrize(("f", "x_range", "expected"), [
    ("tan(x)", (-2.0, 2.0), [0.0]),  # f'' also changes sign at the poles +-pi/2
    ("1/x", (-1.0, 1.005), []),  # the grid misses 0, where f'' = 2/x^3 flips sign
    ("x**2", (-1.0, 1.0), []),
    ("2", (-1.0, 1.0), []),
])
def test_sign_changes_at_poles_or_none_are_not_inflections(f, x_range, expected):
    result = tangent_curvature(f, x_range, (x_range[0],))
    np.testing.assert_allclose(result.inflection_points, expected, atol=1e-12)


def test_plot_limits():
    result = tangent_curvature("x**3 - 3*x", (-2.0, 2.0), SOURCE_TEST_POINTS)
    np.testing.assert_allclose(result.value_limits, [-2.0, 2.0], atol=1e-12)
    np.testing.assert_allclose(result.gradient_limits, [-3.0, 9.0], atol=1e-12)
    np.testing.assert_allclose(result.hessian_limits, [-12.0, 12.0], atol=1e-12)
    # f'' = 2 everywhere: the curvature axis still holds 0, the concave/convex boundary.
    np.testing.assert_allclose(tangent_curvature("x**2", (-1.0, 1.0), (0.5,)).hessian_limits,
                               [0.0, 2.0])
    np.testing.assert_allclose(tangent_curvature("3 + 0*x", (-1.0, 1.0), (0.5,)).value_limits,
                               [2.0, 4.0])
    # Near the poles of tan the largest values are left out, but every test point is shown.
    spiky = tangent_curvature("tan(x)", (-2.0, 2.0), (0.0, 1.5))
    low, high = spiky.value_limits
    assert high < np.abs(spiky.sweep_value).max() / 2
    assert low <= np.quantile(spiky.sweep_value, 0.01) and high >= np.tan(1.5)


@pytest.mark.parametrize(
    ("f", "x_range", "points", "message"),
    [
        ("log(x)", (-1.0, 1.0), (0.5,), "f is not finite at x = -1"),
        ("sqrt(x)", (0.0, 1.0), (0.5,), "f' is not finite at x = 0"),
        ("x**1.5", (0.0, 1.0), (0.5,), "f'' is not finite at x = 0"),
        ("sqrt(x**2)", (-1.0, 1.0), (0.5,), "f' is not finite at x = 0"),  # 0/0 mid-grid
        ("1/x", (-1.0, 1.005), (0.0,), "f is not finite at x = 0"),  # a test point on the pole
        ("exp(exp(x))", (0.0, 4.0), (1.0,),
         "f is beyond +-1e+12 at x = 3.32, too large to draw"),
    ],
)
def test_tangent_curvature_says_where_it_is_not_computable(f, x_range, points, message):
    with pytest.raises(NotComputable) as refused:
        tangent_curvature(f, x_range, points)
    assert str(refused.value) == message


@pytest.mark.parametrize(("x_range", "points", "match"), [
    ((-1.0, 1.0), (1.5,), "outside x_range"), ((1.0, -1.0), (0.0,), "low < high")])
def test_tangent_curvature_rejects_arguments_outside_its_contract(x_range, points, match):
    with pytest.raises(ValueError, match=match) as refused:
        tangent_curvature("x**2", x_range, points)
    assert not isinstance(refused.value, NotComputable)


# --------------------------------------------------------------------------------------
# jvp_hvp
# --------------------------------------------------------------------------------------


def surface_gradient(x, y):
    return np.array([2 * x + 0.5 * y**3, 2 * y + 1.5 * x * y**2])


def surface_hessian(x, y):
    return np.array([[2.0, 1.5 * y**2], [1.5 * y**2, 2.0 + 3.0 * x * y]])


def test_jvp_hvp_reproduces_source_numbers():
    result = jvp_hvp(SOURCE_SURFACE, (1.0, 2.0), (1.0, -0.5), (-1.0, 1.0))
    np.testing.assert_allclose(result.gradient, [6.0, 10.0], rtol=1e-15)
    np.testing.assert_allclose(result.directional_derivative, 1.0, rtol=1e-15)
    np.testing.assert_allclose(result.hvp, [-1.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(result.directional_curvature, -2.0, rtol=1e-15)
    np.testing.assert_allclose(result.value, 9.0, rtol=1e-15)
    np.testing.assert_allclose(result.alphas, np.linspace(-1.0, 1.0, len(result.alphas)))
    assert set(keyframes(result)) == {
        "gradient", "directional_derivative", "hvp", "directional_curvature", "alphas",
        "f_true", "f_linear", "f_quadratic", "quadratic_exact"}
    assert not result.quadratic_exact  # x y^3 is cubic along v


@pytest.mark.parametrize(("point", "direction"), [
    ((1.0, 2.0), (1.0, -0.5)), ((-0.7, 0.4), (0.0, 3.0)), ((2.5, -1.5), (-2.0, 1.0))])
def test_jvp_hvp_matches_closed_form_for_the_source_surface(point, direction):
    result = jvp_hvp(SOURCE_SURFACE, point, direction, (-1.0, 1.0))
    v = np.array(direction)
    gradient, hessian = surface_gradient(*point), surface_hessian(*point)
    np.testing.assert_allclose(result.gradient, gradient, rtol=1e-14)
    np.testing.assert_allclose(result.hvp, hessian @ v, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(result.directional_derivative, gradient @ v, rtol=1e-14)
    np.testing.assert_allclose(result.directional_curvature, v @ hessian @ v, rtol=1e-14,
                               atol=1e-14)


OTHER_SURFACES = {
    "sin(x)*exp(-y**2/4) + x*y":
        lambda p: torch.sin(p[0]) * torch.exp(-p[1] ** 2 / 4) + p[0] * p[1],
    "log(1 + x**2 + y**4) - tanh(x - 2*y)":
        lambda p: torch.log(1 + p[0] ** 2 + p[1] ** 4) - torch.tanh(p[0] - 2 * p[1]),
    "sqrt(1 + x**2)*cos(y) + sigmoid(3*x*y)":
        lambda p: torch.sqrt(1 + p[0] ** 2) * torch.cos(p[1]) + torch.sigmoid(3 * p[0] * p[1]),
}


@pytest.mark.parametrize("f", list(OTHER_SURFACES))
def test_hvp_matches_the_explicit_hessian(f):
    point, v = np.array([0.3, -0.8]), np.array([1.2, 0.7])
    result = jvp_hvp(f, point, v, (-0.5, 0.5))
    p = torch.tensor(point, dtype=torch.float64)
    hessian = torch.autograd.functional.hessian(OTHER_SURFACES[f], p).numpy()
    gradient = torch.autograd.functional.jacobian(OTHER_SURFACES[f], p).numpy()
    np.testing.assert_allclose(result.hvp, hessian @ v, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.gradient, gradient, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.directional_curvature, v @ hessian @ v, rtol=1e-12)


@pytest.mark.parametrize("f", list(OTHER_SURFACES))
def test_jvp_and_hvp_match_finite_differences(f):
    point, v = np.array([0.3, -0.8]), np.array([1.2, 0.7])
    result = jvp_hvp(f, point, v, (-0.5, 0.5))
    function = OTHER_SURFACES[f]

    def value(alpha):
        return function(torch.tensor(point + alpha * v, dtype=torch.float64)).item()

    def gradient(alpha):
        p = torch.tensor(point + alpha * v, dtype=torch.float64, requires_grad=True)
        return torch.autograd.grad(function(p), p)[0].numpy()

    np.testing.assert_allclose(result.directional_derivative, central_difference(value, 0.0, 1e-6),
                               rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(result.hvp, central_difference(gradient, 0.0, 1e-6), rtol=1e-7,
                               atol=1e-8)


def test_taylor_curves_are_the_taylor_polynomials_of_the_slice():
    point, v = np.array([1.0, 2.0]), np.array([1.0, -0.5])
    result = jvp_hvp(SOURCE_SURFACE, point, v, (-1.0, 1.0))
    alphas = result.alphas
    x, y = point[0] + alphas * v[0], point[1] + alphas * v[1]
    np.testing.assert_allclose(result.f_true, x**2 + y**2 + 0.5 * x * y**3, rtol=1e-14)
    # Along the line f is a quartic in alpha: fit it exactly and read off its derivatives at 0.
    quartic = np.polynomial.Polynomial.fit(alphas, result.f_true, 4).convert()
    f0, d1, d2 = quartic(0.0), quartic.deriv(1)(0.0), quartic.deriv(2)(0.0)
    np.testing.assert_allclose([f0, d1, d2], [9.0, 1.0, -2.0], atol=1e-10)
    np.testing.assert_allclose(result.f_linear, f0 + d1 * alphas, atol=1e-10)
    np.testing.assert_allclose(result.f_quadratic, f0 + d1 * alphas + 0.5 * d2 * alphas**2,
                               atol=1e-10)


def test_taylor_curves_are_exact_for_linear_and_quadratic_functions():
    quadratic = jvp_hvp("x**2 + 3*x*y - y**2 + x", (0.5, -1.0), (2.0, 1.0), (-2.0, 1.5))
    np.testing.assert_allclose(quadratic.f_quadratic, quadratic.f_true, rtol=1e-13, atol=1e-12)
    assert np.abs(quadratic.f_linear - quadratic.f_true).max() > 1.0
    linear = jvp_hvp("2*x - 3*y + 1", (0.5, -1.0), (2.0, 1.0), (-2.0, 1.5))
    np.testing.assert_allclose(linear.f_linear, linear.f_true, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(linear.hvp, [0.0, 0.0], atol=0)
    assert quadratic.quadratic_exact and linear.quadratic_exact
    assert not jvp_hvp("x**3", (0.5, -1.0), (2.0, 1.0), (-2.0, 1.5)).quadratic_exact


def test_contour_grid_holds_the_slice_and_its_values():
    point, v = np.array([1.0, 2.0]), np.array([1.0, -0.5])
    result = jvp_hvp(SOURCE_SURFACE, point, v, (-1.0, 1.0))
    np.testing.assert_allclose(result.grid_x[[0, -1]], [1.0 - 1.25, 1.0 + 1.25])
    np.testing.assert_allclose(result.grid_y[[0, -1]], [2.0 - 1.25, 2.0 + 1.25])
    np.testing.assert_allclose(result.slice_points, point + result.alphas[:, None] * v)
    assert result.grid_x[0] <= result.slice_points[:, 0].min()
    assert result.slice_points[:, 0].max() <= result.grid_x[-1]
    assert result.grid_y[0] <= result.slice_points[:, 1].min()
    assert result.slice_points[:, 1].max() <= result.grid_y[-1]
    # grid_values[i, j] belongs to (grid_x[i], grid_y[j]).
    x, y = np.meshgrid(result.grid_x, result.grid_y, indexing="ij")
    np.testing.assert_allclose(result.grid_values, x**2 + y**2 + 0.5 * x * y**3, rtol=1e-14)
    np.testing.assert_allclose(result.grid_gradient, np.moveaxis(surface_gradient(x, y), 0, -1),
                               rtol=1e-14, atol=1e-14)
    levels = result.contour_levels
    assert np.all(np.diff(levels) > 0)
    assert result.grid_values.min() < levels[0] and levels[-1] < result.grid_values.max()
    curves = np.concatenate([result.f_true, result.f_linear, result.f_quadratic])
    np.testing.assert_allclose(result.slice_limits, [curves.min(), curves.max()])


def test_contour_levels_stay_clear_of_a_flat_tail():
    """A bump that is flat over most of the square gets rings around the bump, not lines
    tracing the square's corners, where the function is within 1e-6 of its minimum."""
    result = jvp_hvp("exp(-x**2 - y**2)", [0.5, -0.2], [-2, 3], [-1, 1])
    x, y = np.meshgrid(result.grid_x, result.grid_y, indexing="ij")
    np.testing.assert_allclose(result.grid_values, np.exp(-x**2 - y**2), rtol=1e-12, atol=1e-300)
    flat = np.exp(-x**2 - y**2) < result.grid_values.min() + 1e-6
    assert flat.mean() > 0.1  # the tail is a real part of the square
    assert result.contour_levels[0] > 1e-6
    radii = np.linalg.norm(result.contour_segments.reshape(-1, 2), axis=1)
    assert radii.max() < np.sqrt(-np.log(1e-6))  # every ring lies where f > 1e-6


def test_contour_grid_also_holds_the_arrow_v():
    # The slice reaches 0.1 |v|, the arrow from the point to point + v reaches |v|.
    result = jvp_hvp(SOURCE_SURFACE, (0.0, 0.0), (2.0, 1.0), (-0.1, 0.1))
    np.testing.assert_allclose(result.grid_x[[0, -1]], [-2.5, 2.5])
    np.testing.assert_allclose(result.grid_y[[0, -1]], [-2.5, 2.5])
    tiny = jvp_hvp(SOURCE_SURFACE, (0.0, 0.0), (0.01, 0.0), (-1.0, 1.0))
    np.testing.assert_allclose(tiny.grid_x[[0, -1]], [-0.5, 0.5])


def segment_lengths(segments):
    return np.linalg.norm(segments[:, 1] - segments[:, 0], axis=1)


def test_contour_lines_of_a_plane_are_exact():
    x, y = np.linspace(-1, 1, 21), np.linspace(-2, 2, 31)
    mesh_x, mesh_y = np.meshgrid(x, y, indexing="ij")
    levels = np.array([-1.3, 0.05, 0.77])
    segments = contour_segments(x, y, 2 * mesh_x + mesh_y, levels)
    ends = segments.reshape(-1, 2)
    values = 2 * ends[:, 0] + ends[:, 1]
    # Every end lies on one of the levels, inside the grid.
    assert np.all(np.min(np.abs(values[:, None] - levels[None, :]), axis=1) < 1e-12)
    assert np.all((ends[:, 0] >= -1) & (ends[:, 0] <= 1) & (ends[:, 1] >= -2) & (ends[:, 1] <= 2))
    # Pieces join into the whole line 2x + y = c across the rectangle: its length is the
    # span of x on which y = c - 2x stays in [-2, 2], times sqrt(5).
    for level in levels:
        on = np.abs(2 * segments[:, 0, 0] + segments[:, 0, 1] - level) < 1e-9
        low, high = max(-1, (level - 2) / 2), min(1, (level + 2) / 2)
        np.testing.assert_allclose(segment_lengths(segments[on]).sum(),
                                   (high - low) * np.sqrt(5), rtol=1e-12)


def test_contour_lines_of_circles_and_of_a_saddle():
    x = y = np.linspace(-2, 2, 81)
    mesh_x, mesh_y = np.meshgrid(x, y, indexing="ij")
    segments = contour_segments(x, y, mesh_x**2 + mesh_y**2, np.array([1.0]))
    radius = np.linalg.norm(segments.reshape(-1, 2), axis=1)
    np.testing.assert_allclose(radius, 1.0, atol=2e-3)  # linear interpolation of x^2 + y^2
    np.testing.assert_allclose(segment_lengths(segments).sum(), 2 * np.pi, rtol=1e-3)
    # x y = 0.01 near the saddle: two branches, none crossing from one quadrant to the other.
    saddle = contour_segments(x, y, mesh_x * mesh_y, np.array([0.01]))
    ends = saddle.reshape(-1, 2, 2)
    assert np.all(np.sign(ends[:, 0, 0]) == np.sign(ends[:, 1, 0]))
    products = ends[..., 0] * ends[..., 1]
    np.testing.assert_allclose(products, 0.01, atol=1e-3)  # the grid step is 0.05
    # At the saddle's own level the lines run along the axes.
    axes_lines = contour_segments(np.array([-1.0, 1.0]), np.array([-1.0, 1.0]),
                                  np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([0.5]))
    assert len(axes_lines) == 2


def test_level_bands_count_the_levels_below_the_interpolated_value():
    result = jvp_hvp("x*y + 2*x - y", (0.5, -1.0), (1.0, 1.0), (-1.0, 1.0))
    bands = result.level_bands(97)
    x = np.linspace(result.grid_x[0], result.grid_x[-1], 97)
    y = np.linspace(result.grid_y[0], result.grid_y[-1], 97)
    mesh_x, mesh_y = np.meshgrid(x, y, indexing="ij")
    exact = mesh_x * mesh_y + 2 * mesh_x - mesh_y  # bilinear, so interpolation is exact
    below = (exact[..., None] >= result.contour_levels).sum(axis=-1) / CONTOUR_LEVELS
    # Off by one level only where rounding puts a value on a level.
    assert np.mean(bands == below) > 0.999
    np.testing.assert_allclose(bands, below, atol=1 / CONTOUR_LEVELS + 1e-12)
    assert bands.min() == 0 and bands.max() == 1


@pytest.mark.parametrize(
    ("f", "point", "direction", "alpha_range", "message"),
    [
        ("1/(x - 1)", (1.0, 2.0), (1.0, 0.0), (-1.0, 1.0), "f is not finite at (x, y) = (1, 2)"),
        ("log(x)", (0.2, 0.0), (1.0, 0.0), (-1.0, 1.0), "f is not finite at (x, y) = (-1.05, "),
        ("sqrt(x**2 + y**2)", (0.0, 0.0), (1.0, 1.0), (-1.0, 1.0),
         "the gradient of f is not finite at (x, y) = (0, 0)"),
        ("exp(x**2)", (0.0, 0.0), (3.0, 0.0), (-2.0, 2.0),
         "f is beyond +-1e+12 at (x, y) = (-7.5, "),
    ],
)
def test_jvp_hvp_says_where_it_is_not_computable(f, point, direction, alpha_range, message):
    with pytest.raises(NotComputable) as refused:
        jvp_hvp(f, point, direction, alpha_range)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(("direction", "alpha_range", "match"), [
    ((0.0, 0.0), (-1.0, 1.0), "nonzero"), ((1.0, 0.0), (1.0, -1.0), "low < high")])
def test_jvp_hvp_rejects_arguments_outside_its_contract(direction, alpha_range, match):
    with pytest.raises(ValueError, match=match) as refused:
        jvp_hvp(SOURCE_SURFACE, (1.0, 2.0), direction, alpha_range)
    assert not isinstance(refused.value, NotComputable)


# --------------------------------------------------------------------------------------
# nn_linearization
# --------------------------------------------------------------------------------------

SOURCE_JVP_NORMS = [0.246, 0.176, 1.220, 0.027]
SOURCE_HVP_NORMS = [2.030, 1.066, 0.983]  # the source prints nan for the output bias


def source_procedure(seed: int):
    """The lecture's own steps on the global RNG (saved and restored around them)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.rand(SOURCE_DRAWS_BEFORE_NETWORK)
        net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
        x = torch.randn(1, 2)
        output = net(x).sum()
        params = list(net.parameters())
        grads = torch.autograd.grad(output, params, create_graph=True)
        u = [torch.randn_like(p) for p in params]
        contributions = [g * ui for g, ui in zip(grads, u)]
        directional = sum(c.sum() for c in contributions)
        hvp = torch.autograd.grad(directional, params, allow_unused=True)
        x0 = torch.randn(1, 2)
    return {
        "net": net, "x": x, "u": u, "x0": x0,
        "jvp_norms": np.array([c.norm().item() for c in contributions]),
        "hvp_norms": np.array([np.nan if h is None else h.norm().item() for h in hvp]),
        "directional": directional.item(),
    }


def test_nn_linearization_reproduces_source_numbers():
    result = nn_linearization(42, (1.0, 0.0), (-1.0, 1.0))
    np.testing.assert_allclose(result.param_jvp_norms, SOURCE_JVP_NORMS, atol=5e-4)
    np.testing.assert_allclose(result.param_hvp_norms[:3], SOURCE_HVP_NORMS, atol=5e-4)
    assert result.param_hvp_norms[3] == 0.0
    assert set(keyframes(result)) == {"alphas", "output", "linearized", "jvp",
                                      "param_jvp_norms", "param_hvp_norms"}


@pytest.mark.parametrize("seed", [42, 0, 7])
def test_nn_linearization_follows_the_source_procedure(seed):
    before = torch.random.get_rng_state()
    result = nn_linearization(seed, (1.0, 0.0), (-1.0, 1.0))
    assert torch.equal(torch.random.get_rng_state(), before)
    source = source_procedure(seed)
    net = source["net"]
    for name, parameter in zip(result.param_names, net.parameters()):
        np.testing.assert_array_equal(getattr(result, name), parameter.detach().double().numpy())
    assert result.param_shapes == tuple(tuple(p.shape) for p in net.parameters())
    np.testing.assert_array_equal(result.param_input, source["x"].double().numpy()[0])
    np.testing.assert_array_equal(result.x0, source["x0"].double().numpy()[0])
    np.testing.assert_allclose(result.param_jvp_norms, source["jvp_norms"], rtol=1e-5)
    np.testing.assert_allclose(result.param_hvp_norms[:3], source["hvp_norms"][:3], rtol=1e-5)
    assert np.isnan(source["hvp_norms"][3]) and result.param_hvp_norms[3] == 0.0
    np.testing.assert_allclose(result.param_directional_derivative, source["directional"],
                               rtol=1e-5)


def network_in_float64(result):
    net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    net = net.double()
    with torch.no_grad():
        for name, parameter in zip(result.param_names, net.parameters()):
            parameter.copy_(torch.from_numpy(getattr(result, name)))
    return net


@pytest.mark.parametrize(("direction", "alpha_range"), [((1.0, 0.0), (-1.0, 1.0)),
                                                         ((0.3, -2.0), (-0.5, 2.0))])
def test_output_line_and_jvp_match_the_network_and_finite_differences(direction, alpha_range):
    result = nn_linearization(42, direction, alpha_range)
    net = network_in_float64(result)
    d = np.array(direction)

    def output(alpha):
        inputs = torch.from_numpy(result.x0 + np.multiply.outer(alpha, d))
        with torch.no_grad():
            return net(inputs).squeeze(-1).numpy()

    np.testing.assert_allclose(result.alphas, np.linspace(*alpha_range, len(result.alphas)))
    np.testing.assert_allclose(result.output, output(result.alphas), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(result.output_at_x0, output(np.array([0.0]))[0], rtol=1e-14)
    np.testing.assert_allclose(result.jvp, central_difference(output, np.array([0.0]), 1e-6)[0],
                               rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(result.linearized,
                               result.output_at_x0 + result.alphas * result.jvp, rtol=1e-14)


def test_parameter_jvp_and_hvp_match_the_explicit_hessian():
    result = nn_linearization(42, (1.0, 0.0), (-1.0, 1.0))
    source = source_procedure(42)
    shapes = result.param_shapes
    sizes = [int(np.prod(s)) for s in shapes]
    x = torch.from_numpy(result.param_input)[None, :]

    def output_of_flat(theta):
        parts = torch.split(theta, sizes)
        w1, b1, w2, b2 = (p.reshape(s) for p, s in zip(parts, shapes))
        return (torch.tanh(x @ w1.T + b1) @ w2.T + b2).sum()

    theta = torch.cat([torch.from_numpy(getattr(result, name)).reshape(-1)
                       for name in result.param_names])
    u = torch.cat([ui.double().reshape(-1) for ui in source["u"]])
    hessian = torch.autograd.functional.hessian(output_of_flat, theta)
    gradient = torch.autograd.functional.jacobian(output_of_flat, theta)
    assert hessian.shape == (result.n_parameters, result.n_parameters)
    blocks_hvp = torch.split(hessian @ u, sizes)
    blocks_jvp = torch.split(gradient * u, sizes)
    np.testing.assert_allclose(result.param_hvp_norms, [b.norm().item() for b in blocks_hvp],
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.param_jvp_norms, [b.norm().item() for b in blocks_jvp],
                               rtol=1e-12)
    np.testing.assert_allclose(result.param_directional_derivative, (gradient @ u).item(),
                               rtol=1e-12)


def test_hessian_size_bookkeeping():
    result = nn_linearization(42, (1.0, 0.0), (-1.0, 1.0))
    assert result.n_parameters == 2 * 4 + 4 + 4 * 1 + 1 == 17
    assert result.hessian_entries == 289 and result.hvp_entries == 17
    assert result.hvp_cost_in_gradients == 2
    assert result.large_network_parameters == LARGE_NETWORK_PARAMETERS == 10**9
    assert result.large_hessian_entries == 1e18 and result.large_hessian_bytes == 4e18


def test_nn_linearization_is_reproducible_and_seeded():
    first = nn_linearization(42, (1.0, 0.0), (-1.0, 1.0))
    again = nn_linearization(42, (1.0, 0.0), (-1.0, 1.0))
    other = nn_linearization(43, (1.0, 0.0), (-1.0, 1.0))
    assert keyframes(first) == keyframes(again)
    assert not np.allclose(first.W1, other.W1)


def test_nn_linearization_refuses():
    with pytest.raises(ValueError, match="nonzero"):
        nn_linearization(42, (0.0, 0.0), (-1.0, 1.0))
    with pytest.raises(ValueError, match="low < high"):
        nn_linearization(42, (1.0, 0.0), (1.0, 1.0))
