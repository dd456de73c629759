"""Tests for compute.linear_algebra against independent references (parameters: in
tests/lecture/test_linear_algebra_params.py).

References: the numbers the lecture source prints, the closed-form singular values of a 2x2
matrix, NumPy's SVD, norm, cond and det, the network rebuilt the source's way with the global
torch seed, a NumPy forward pass and its central finite differences, Taylor's remainder
(error ~ radius^2), and the closed form of power iteration in the singular basis.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import compute.linear_algebra as la
from compute.linear_algebra import (
    condition_gallery,
    network_jacobian,
    orthogonal_angle,
    orthogonal_path,
    power_iteration,
    spectral_normalization,
    svd2,
    svd_ellipse,
    svd_summary,
    tanh_network_weights,
)
from compute.results import NotComputable, keyframes, non_finite_fields
from tests.compute.sources import global_rng_draws

SOURCE_A = [[2.0, 0.5], [0.3, 1.0]]
SOURCE_GALLERY = {  # name: (matrix, printed ||A||_2 to 4, kappa to 2, det to 6 decimals)
    "Well-conditioned": ([[1.0, 0.2], [0.2, 1.0]], 1.2000, 1.50, 0.960000),
    "Stretched": ([[5.0, 0.0], [0.0, 1.0]], 5.0000, 5.00, 5.000000),
    "Ill-conditioned": ([[10.0, 9.99], [9.99, 10.0]], 19.9900, 1999.00, 0.199900),
    "Nearly singular": ([[1.0, 1.0], [1.0, 1.001]], 2.0005, 4002.00, 0.001000),
}
SOURCE_POINTS = [[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]]
SOURCE_JACOBIANS = [  # printed by the source, computed there in float32
    [[-0.12561867, -0.3354176], [0.23783804, 0.2557892]],
    [[0.04538195, -0.19429947], [0.10090272, 0.12735607]],
    [[-0.20401104, -0.28298327], [0.20504908, 0.24390957]],
]
SOURCE_JACOBIAN_SINGULAR_VALUES = [[0.4907707, 0.09707827], [0.23314807, 0.10887937],
                                   [0.47215527, 0.01750529]]
FLOAT32_NOISE = 1e-7  # the source's float32 Jacobians differ from exact ones by a few ulps


def closed_form_singular_values(matrix) -> np.ndarray:
    """sigma = (sqrt((a+d)^2 + (c-b)^2) +- sqrt((a-d)^2 + (b+c)^2)) / 2 for [[a, b], [c, d]]."""
    (a, b), (c, d) = np.asarray(matrix, dtype=float)
    p, q = math.hypot(a + d, c - b), math.hypot(a - d, b + c)
    return np.array([(p + q) / 2, abs(p - q) / 2])


def random_matrices(count: int, seed: int) -> list[np.ndarray]:
    """Matrices of many scales and both orientations."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(2, 2)) * 10 ** rng.uniform(-2, 3) for _ in range(count)]


SPECIAL_MATRICES = [
    np.eye(2), -np.eye(2), np.diag([3.0, -2.0]), np.diag([-1.0, 4.0]), [[0.0, 1.0], [1.0, 0.0]],
    [[0.0, -2.0], [2.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]], [[3.0, 0.0], [0.0, 0.0]],
    [[0.0, 0.0], [-1.0, 0.0]], [[1000.0, -1000.0], [1000.0, 1000.0]], [[1e-3, 0.0], [0.0, 1e-300]],
]


def reflects(q) -> bool:
    return np.linalg.det(q) < 0


# --------------------------------------------------------------------------------------
# svd2, orthogonal paths, svd_ellipse
# --------------------------------------------------------------------------------------


def test_module_example_runs():
    assert doctest.testmod(la).failed == 0


def test_svd_ellipse_reproduces_source_numbers():
    result = svd_ellipse(SOURCE_A)
    np.testing.assert_allclose(result.singular_values, [2.14364206, 0.86301721], atol=5e-9)
    assert round(result.spectral_norm, 4) == 2.1436
    assert round(result.condition_number, 4) == 2.4839
    np.testing.assert_allclose(result.determinant, 2.0 * 1.0 - 0.5 * 0.3, rtol=1e-14)


@pytest.mark.parametrize("matrix", random_matrices(200, 0) + SPECIAL_MATRICES,
                         ids=lambda m: str(np.round(np.asarray(m), 2).tolist()))
def test_svd2_is_an_svd_with_drawable_signs(matrix):
    a = np.asarray(matrix, dtype=float)
    u, s, vt = svd2(a)
    scale = np.abs(a).max()
    np.testing.assert_allclose(u @ np.diag(s) @ vt, a, rtol=0, atol=1e-14 * scale)
    np.testing.assert_allclose(u.T @ u, np.eye(2), atol=1e-14)
    np.testing.assert_allclose(vt @ vt.T, np.eye(2), atol=1e-14)
    np.testing.assert_allclose(s, closed_form_singular_values(a), rtol=1e-12, atol=1e-15 * scale)
    np.testing.assert_allclose(s, np.linalg.svd(a, compute_uv=False), rtol=1e-14,
                               atol=3e-16 * scale)
    assert s[0] >= s[1] >= 0
    assert not reflects(u)
    singular = s[1] == 0
    assert reflects(vt) == (not singular and np.linalg.det(a) < 0)
    # Only signs change: each singular vector is NumPy's, or its negative.
    nu, _, nvt = np.linalg.svd(a)
    np.testing.assert_allclose(np.abs(np.sum(u * nu, axis=0)), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.abs(np.sum(vt * nvt, axis=1)), 1.0, rtol=1e-12)
    # The other admissible sign choice, (-U, -Vt), turns at least as far.
    cost = sum(abs(orthogonal_angle(q)[0]) for q in (u, vt) if not reflects(q))
    other = sum(abs(orthogonal_angle(-q)[0]) for q in (u, vt) if not reflects(q))
    assert cost <= other + 1e-12


@pytest.mark.parametrize("matrix", random_matrices(50, 1) + SPECIAL_MATRICES,
                         ids=lambda m: str(np.round(np.asarray(m), 2).tolist()))
def test_condition_number_and_determinant_match_numpy(matrix):
    a = np.asarray(matrix, dtype=float)
    result = svd_ellipse(a)
    if result.singular_values[1] == 0:
        assert result.condition_number == math.inf and result.determinant == 0.0
        assert np.linalg.matrix_rank(a) < 2
        return
    np.testing.assert_allclose(result.condition_number, np.linalg.cond(a), rtol=1e-10)
    np.testing.assert_allclose(result.spectral_norm, np.linalg.norm(a, 2), rtol=1e-14)
    np.testing.assert_allclose(result.determinant, np.linalg.det(a),
                               rtol=1e-10, atol=1e-13 * result.spectral_norm**2)


def test_svd_summary_of_many_matrices_matches_numpy_one_by_one():
    matrices = np.array(random_matrices(20, 2) + SPECIAL_MATRICES, dtype=float)
    svd = svd_summary(matrices)
    regular = svd.singular_values[:, 1] > 0
    np.testing.assert_allclose(svd.spectral_norm, [np.linalg.norm(a, 2) for a in matrices],
                               rtol=1e-14)
    np.testing.assert_allclose(svd.condition_number[regular],
                               [np.linalg.cond(a) for a in matrices[regular]], rtol=1e-10)
    assert np.all(svd.condition_number[~regular] == math.inf) and (~regular).any()
    np.testing.assert_allclose(svd.determinant, np.linalg.det(matrices), rtol=1e-10,
                               atol=1e-13 * svd.spectral_norm.max() ** 2)
    # The semi-axes are A v_i: the images of the right singular vectors.
    np.testing.assert_allclose(svd.principal_axes,
                               np.einsum("mrc,mic->mir", matrices, svd.Vt), atol=1e-13)


@pytest.mark.parametrize(("angle", "q"), [
    (0.0, np.eye(2)),
    (np.pi / 2, [[0.0, -1.0], [1.0, 0.0]]),
    (np.pi, -np.eye(2)),
    (-np.pi / 6, [[np.cos(np.pi / 6), np.sin(np.pi / 6)], [-np.sin(np.pi / 6), np.cos(np.pi / 6)]]),
])
def test_rotation_path_turns_by_a_fraction_of_the_angle(angle, q):
    q = np.asarray(q)
    assert orthogonal_angle(q) == pytest.approx((angle, False))
    for t in np.linspace(0.0, 1.0, 9):
        c, s = np.cos(t * angle), np.sin(t * angle)
        np.testing.assert_allclose(orthogonal_path(q, t), [[c, -s], [s, c]], atol=1e-15)


@pytest.mark.parametrize("mirror", [0.0, np.pi / 2, np.pi / 4, -1.1, 0.3])
def test_reflection_path_is_a_flip_across_the_mirror_line(mirror):
    line = np.array([np.cos(mirror), np.sin(mirror)])
    normal = np.array([-line[1], line[0]])
    q = 2.0 * np.outer(line, line) - np.eye(2)  # the reflection across the line
    angle, is_reflection = orthogonal_angle(q)
    assert is_reflection
    np.testing.assert_allclose(abs(np.sin(angle - mirror)), 0.0, atol=1e-15)  # same line
    np.testing.assert_allclose(orthogonal_path(q, 0.0), np.eye(2), atol=1e-15)
    np.testing.assert_allclose(orthogonal_path(q, 1.0), q, atol=1e-15)
    for t in np.linspace(0.0, 1.0, 11):
        m = orthogonal_path(q, t)
        np.testing.assert_allclose(m @ line, line, atol=1e-15)  # the mirror line stays put
        np.testing.assert_allclose(m @ normal, (1.0 - 2.0 * t) * normal, atol=1e-15)
        np.testing.assert_allclose(np.linalg.det(m), 1.0 - 2.0 * t, atol=1e-15)


def max_step(path, times) -> float:
    """Largest change of a matrix path between consecutive times."""
    mats = np.array([path(t) for t in times])
    return float(np.abs(np.diff(mats, axis=0)).max())


@pytest.mark.parametrize("matrix", [SOURCE_A, [[1.0, 2.0], [3.0, -1.0]], [[0.0, 1.0], [1.0, 0.0]],
                                    [[1.0, 2.0], [2.0, 4.0]], [[-3.0, 0.5], [0.2, -0.1]]])
def test_staged_map_plays_the_three_factors_continuously(matrix):
    result = svd_ellipse(matrix)
    sigma = np.diag(result.singular_values)
    for time, expected in [(0, np.eye(2)), (1, result.Vt), (2, sigma @ result.Vt),
                           (3, np.asarray(matrix, dtype=float))]:
        np.testing.assert_allclose(result.staged_map(time), expected, atol=1e-14 * 4)
    # No jumps: a finer sampling gives proportionally smaller steps.
    coarse = max_step(result.staged_map, np.linspace(0, 3, 301))
    fine = max_step(result.staged_map, np.linspace(0, 3, 3001))
    assert fine < 0.15 * coarse
    np.testing.assert_allclose(result.direct_map(0.0), np.eye(2))
    np.testing.assert_allclose(result.direct_map(1.0), matrix)
    # A reflection in V^T turns the plane over during the first move: det goes 1 -> 0 -> -1.
    first_move_dets = [np.linalg.det(result.staged_map(t)) for t in (0.0, 0.5, 1.0)]
    expected_mid = 0.0 if result.Vt_reflects else 1.0
    np.testing.assert_allclose(first_move_dets, [1.0, expected_mid, np.linalg.det(result.Vt)],
                               atol=1e-14)
    assert result.Vt_reflects == (np.linalg.det(np.asarray(matrix, dtype=float)) < 0)


def test_svd_ellipse_points_and_axes():
    result = svd_ellipse(SOURCE_A)
    a = np.asarray(SOURCE_A)
    theta = np.linspace(0, 2 * np.pi, la.CIRCLE_POINTS, endpoint=False)
    np.testing.assert_allclose(result.circle, np.stack([np.cos(theta), np.sin(theta)], 1))
    np.testing.assert_allclose(result.ellipse, result.circle @ a.T, rtol=1e-15)
    # In the frame of U, every point satisfies (y1 / s1)^2 + (y2 / s2)^2 = 1.
    in_frame = result.ellipse @ result.U / result.singular_values
    np.testing.assert_allclose(np.linalg.norm(in_frame, axis=1), 1.0, rtol=1e-14)
    # The semi-axes are A v_i = s_i u_i, and the drawn points reach the major one.
    np.testing.assert_allclose(result.principal_axes, result.Vt @ a.T, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(result.principal_axes, axis=1),
                               result.singular_values, rtol=1e-14)
    reach = np.linalg.norm(result.ellipse, axis=1).max()
    assert result.spectral_norm * np.cos(np.pi / la.CIRCLE_POINTS) <= reach <= result.spectral_norm


def test_singular_matrix_collapses_the_circle_to_a_segment():
    result = svd_ellipse([[1.0, 2.0], [2.0, 4.0]])
    np.testing.assert_allclose(result.singular_values, [5.0, 0.0], rtol=1e-15)
    assert result.condition_number == math.inf and result.determinant == 0.0
    assert keyframes(result)["condition_number"] is None  # JSON null
    assert not result.Vt_reflects and np.linalg.det(result.U) > 0
    direction = np.array([1.0, 2.0]) / np.sqrt(5.0)
    cross = result.ellipse[:, 0] * direction[1] - result.ellipse[:, 1] * direction[0]
    np.testing.assert_allclose(cross, 0.0, atol=1e-14)
    np.testing.assert_allclose(np.abs(result.ellipse @ direction).max(), 5.0, rtol=1e-3)
    assert non_finite_fields(result) == []


def test_svd_ellipse_refuses_bad_matrices():
    with pytest.raises(ValueError, match="2x2"):
        svd_ellipse([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with pytest.raises(ValueError, match="non-finite"):
        svd_ellipse([[np.nan, 0.0], [0.0, 1.0]])


# --------------------------------------------------------------------------------------
# condition_gallery
# --------------------------------------------------------------------------------------


def test_condition_gallery_reproduces_source_table():
    names = tuple(SOURCE_GALLERY)
    result = condition_gallery([m for m, *_ in SOURCE_GALLERY.values()], names)
    assert result.name == names
    for i, (_, norm, kappa, det) in enumerate(SOURCE_GALLERY.values()):
        assert round(float(result.spectral_norm[i]), 4) == norm
        assert round(float(result.condition_number[i]), 2) == kappa
        assert round(float(result.determinant[i]), 6) == det


def test_condition_gallery_matches_numpy_and_names_a_user_list():
    matrices = random_matrices(5, 2) + [[[1.0, 2.0], [2.0, 4.0]]]
    result = condition_gallery(matrices)
    assert result.name == ("M1", "M2", "M3", "M4", "M5", "M6")
    for i, m in enumerate(matrices[:5]):
        np.testing.assert_allclose(result.singular_values[i], np.linalg.svd(m, compute_uv=False),
                                   rtol=1e-13)
        np.testing.assert_allclose(result.condition_number[i], np.linalg.cond(m), rtol=1e-10)
        np.testing.assert_allclose(result.determinant[i], np.linalg.det(m), rtol=1e-10)
        np.testing.assert_allclose(result.ellipses[i], la.unit_circle() @ np.asarray(m).T)
        np.testing.assert_allclose(result.principal_axes[i],
                                   svd_ellipse(m).principal_axes, rtol=1e-15)
    np.testing.assert_allclose(result.spectral_norm, result.singular_values[:, 0])
    np.testing.assert_allclose(result.bar_scale, max(np.linalg.norm(m, 2) for m in matrices),
                               rtol=1e-14)
    assert result.condition_number[5] == math.inf
    assert keyframes(result)["condition_number"][5] is None
    assert keyframes(result)["name"] == ["M1", "M2", "M3", "M4", "M5", "M6"]
    assert non_finite_fields(result) == []


def test_condition_gallery_refuses_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        condition_gallery([])
    with pytest.raises(ValueError, match="names"):
        condition_gallery([np.eye(2)], names=("a", "b"))


# --------------------------------------------------------------------------------------
# network_jacobian
# --------------------------------------------------------------------------------------


def numpy_network(result, x: np.ndarray) -> np.ndarray:
    """The network from its weights, in NumPy: W2 tanh(W1 x + b1) + b2 for rows x."""
    return np.tanh(x @ result.W1.T + result.b1) @ result.W2.T + result.b2


@pytest.mark.parametrize(("seed", "hidden"), [(42, 8), (0, 3), (123_456, 64), (2**32 - 1, 1)])
def test_network_weights_are_the_source_networks(seed, hidden):
    import torch

    state = torch.get_rng_state()
    try:  # The source's construction, with the global seed.
        torch.manual_seed(seed)
        fc1, fc2 = torch.nn.Linear(2, hidden), torch.nn.Linear(hidden, 2)
    finally:
        torch.set_rng_state(state)
    expected = [p.detach().double().numpy() for p in (fc1.weight, fc1.bias, fc2.weight, fc2.bias)]
    before = torch.get_rng_state()
    weights = tanh_network_weights(seed, hidden)
    assert torch.equal(torch.get_rng_state(), before), "the global torch RNG was touched"
    for ours, theirs in zip(weights, expected):
        np.testing.assert_array_equal(ours, theirs)
        assert ours.dtype == np.float64
        np.testing.assert_array_equal(ours, ours.astype(np.float32))  # float32 values


def test_network_jacobian_reproduces_source_numbers():
    result = network_jacobian(42, 8, SOURCE_POINTS, 0.1)
    np.testing.assert_allclose(result.jacobians, SOURCE_JACOBIANS, rtol=0, atol=FLOAT32_NOISE)
    np.testing.assert_allclose(result.singular_values, SOURCE_JACOBIAN_SINGULAR_VALUES, rtol=0,
                               atol=FLOAT32_NOISE)
    assert [round(float(n), 4) for n in result.spectral_norms] == [0.4908, 0.2331, 0.4722]
    assert [round(float(c), 4) for c in result.condition_numbers[:2]] == [5.0554, 2.1413]
    # The source prints 26.9721; in exact arithmetic on its float32 weights kappa = 26.97221.
    # With sigma_2 = 0.0175, the source's float32 rounding (~3e-8) moves kappa by ~5e-5,
    # as its own printed J shows: its float64 condition number is 26.97215.
    np.testing.assert_allclose(np.linalg.cond(SOURCE_JACOBIANS[2]), 26.97215, atol=1e-5)
    np.testing.assert_allclose(result.condition_numbers[2], 26.9721, atol=1.5e-4)


@pytest.mark.parametrize(("seed", "hidden"), [(42, 8), (0, 3), (7, 64), (123, 16)])
def test_jacobians_match_finite_differences_and_closed_form(seed, hidden):
    points = np.vstack([SOURCE_POINTS, np.random.default_rng(seed).uniform(-3, 3, size=(3, 2))])
    result = network_jacobian(seed, hidden, points, 0.1)
    h = 1e-6
    finite = np.stack([(numpy_network(result, points + step) - numpy_network(result, points - step))
                       / (2 * h) for step in (np.array([h, 0.0]), np.array([0.0, h]))], axis=2)
    np.testing.assert_allclose(result.jacobians, finite, rtol=1e-7, atol=1e-9)
    slopes = 1.0 - np.tanh(points @ result.W1.T + result.b1) ** 2  # (P, hidden)
    closed = np.einsum("rh,ph,hc->prc", result.W2, slopes, result.W1)
    np.testing.assert_allclose(result.jacobians, closed, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(result.outputs, numpy_network(result, points), rtol=1e-13,
                               atol=1e-15)
    for p, j in enumerate(result.jacobians):
        np.testing.assert_allclose(result.singular_values[p], closed_form_singular_values(j),
                                   rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(result.spectral_norms, np.linalg.norm(result.jacobians, 2, axis=(1, 2)),
                               rtol=1e-14)


def test_circles_their_true_images_and_jacobian_ellipses():
    radius = 0.1
    result = network_jacobian(42, 8, SOURCE_POINTS, radius)
    offsets = radius * la.unit_circle()
    for p, point in enumerate(SOURCE_POINTS):
        np.testing.assert_allclose(result.circles[p], point + offsets, rtol=1e-15)
        np.testing.assert_allclose(result.true_images[p], numpy_network(result, result.circles[p]),
                                   rtol=1e-13, atol=1e-15)
        # The predicted ellipse: f(x0) + J (x - x0), whose semi-axes are radius * s_i u_i.
        centred = result.linear_images[p] - result.outputs[p]
        np.testing.assert_allclose(centred, offsets @ result.jacobians[p].T, rtol=1e-13,
                                   atol=1e-16)
        u, s, _ = np.linalg.svd(result.jacobians[p])
        np.testing.assert_allclose(np.linalg.norm(centred @ u / s, axis=1), radius, rtol=1e-12)
        np.testing.assert_allclose(np.linalg.norm(result.principal_axes[p], axis=1), radius * s,
                                   rtol=1e-14)
        gap = np.linalg.norm(result.true_images[p] - result.linear_images[p], axis=1).max()
        np.testing.assert_allclose(result.linearization_errors[p], gap, rtol=1e-15)
    assert np.all(result.linearization_errors < 0.02 * radius)


def test_linearization_error_shrinks_like_radius_squared():
    errors = np.array([network_jacobian(42, 8, SOURCE_POINTS, r).linearization_errors
                       for r in (0.2, 0.1, 0.05, 0.025)])
    ratios = errors[:-1] / errors[1:]
    np.testing.assert_allclose(ratios[1:], 4.0, rtol=0.1)
    assert np.all(ratios > 3.0)


def test_one_hidden_unit_gives_a_singular_jacobian():
    result = network_jacobian(5, 1, SOURCE_POINTS, 0.1)
    w = np.outer(result.W2[:, 0], result.W1[0])
    for j in result.jacobians:  # a multiple of the rank-1 W2 W1
        np.testing.assert_allclose(j[0, 0] * j[1, 1] - j[0, 1] * j[1, 0], 0.0, atol=1e-16)
        np.testing.assert_allclose(np.abs(np.sum(j * w)) / (np.linalg.norm(j) * np.linalg.norm(w)),
                                   1.0, rtol=1e-12)
    np.testing.assert_array_equal(result.singular_values[:, 1], 0.0)
    assert np.all(result.condition_numbers == math.inf)
    assert non_finite_fields(result) == []


def test_network_jacobian_is_reproducible_and_leaves_global_rng_alone():
    import torch

    torch.manual_seed(1234)
    expected_next = torch.rand(3)
    torch.manual_seed(1234)
    first = network_jacobian(3, 8, SOURCE_POINTS, 0.1)
    np.testing.assert_array_equal(torch.rand(3), expected_next)
    again = network_jacobian(3, 8, SOURCE_POINTS, 0.1)
    other = network_jacobian(4, 8, SOURCE_POINTS, 0.1)
    assert keyframes(first) == keyframes(again)
    assert not np.allclose(first.jacobians, other.jacobians)


# --------------------------------------------------------------------------------------
# spectral_normalization and power_iteration
# --------------------------------------------------------------------------------------


def test_spectral_normalization_reproduces_source_numbers():
    result = spectral_normalization(None, 2.0, 42, 10)
    np.testing.assert_allclose(result.W, [[0.99342831, -0.2765286], [1.29537708, 3.04605971]],
                               atol=5e-9)
    assert round(result.spectral_norm, 4) == 3.3131
    np.testing.assert_allclose(result.W_normalized, [[0.29985151, -0.08346603],
                                                     [0.39099024, 0.91940767]], atol=5e-9)
    assert round(float(np.linalg.norm(result.W_normalized, 2)), 4) == 1.0


def test_drawn_w_and_start_vector_are_the_seeded_stream():
    w, start = global_rng_draws(42, lambda: (np.random.randn(2, 2) * 2, np.random.randn(2)))
    drawn = spectral_normalization(None, 2.0, 42, 3)
    np.testing.assert_array_equal(drawn.W, w)
    np.testing.assert_allclose(drawn.power_iteration_vectors[0], start / np.linalg.norm(start),
                               rtol=1e-15)
    given = spectral_normalization([[1.0, 2.0], [3.0, 4.0]], 2.0, 42, 3)
    np.testing.assert_array_equal(given.power_iteration_vectors[0], drawn.power_iteration_vectors[0])


def closed_form_estimates(w: np.ndarray, start: np.ndarray, steps: int) -> np.ndarray:
    """|W v_k| for v_k ~ (W^T W)^k v_0, from v_0's coordinates c_i in the right singular basis:
    |W v_k|^2 = sum c_i^2 s_i^(4k+2) / sum c_i^2 s_i^(4k), in scaled form to avoid overflow."""
    _, s, vt = np.linalg.svd(w)
    c2 = (vt @ start) ** 2
    ratio = s / s[0]
    k = np.arange(steps + 1)[:, None]
    weights = c2 * ratio ** (4 * k)
    return s[0] * np.sqrt((weights * ratio**2).sum(axis=1) / weights.sum(axis=1))


@pytest.mark.parametrize("W", [None, [[1.0, 2.0], [3.0, 4.0]], [[2.0, 0.0], [0.0, 1.9]],
                               [[3.0, 0.0], [0.0, 3.0]], [[1.0, 2.0], [2.0, 4.0]],
                               [[-1000.0, 1.0], [0.5, 999.0]], [[0.0, 1.0], [-1.0, 0.0]]])
def test_power_iteration_is_a_rising_lower_bound_converging_to_the_norm(W):
    result = spectral_normalization(W, 2.0, 42, 30)
    sigma = np.linalg.norm(result.W, 2)
    estimates = result.power_iteration_estimates
    assert len(estimates) == 31 and np.all(estimates <= result.spectral_norm)
    np.testing.assert_allclose(result.spectral_norm, sigma, rtol=1e-15)
    np.testing.assert_allclose(estimates, closed_form_estimates(result.W,
                               result.power_iteration_vectors[0], 30), rtol=1e-12)
    # Unclipped, straight from power_iteration: still below sigma up to rounding, and rising.
    _, raw = power_iteration(result.W, result.power_iteration_vectors[0], 30)
    assert np.all(raw <= sigma * (1 + 1e-14))
    assert np.all(np.diff(raw) >= -1e-14 * sigma)
    vectors = result.power_iteration_vectors
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(result.power_iteration_images, vectors @ result.W.T, rtol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(result.power_iteration_images, axis=1), raw,
                               rtol=1e-15)
    s = np.linalg.svd(result.W, compute_uv=False)
    if s[1] < 0.7 * s[0]:  # a clear gap: converged in 30 steps, along v_1
        np.testing.assert_allclose(estimates[-1], sigma, rtol=1e-12)
        np.testing.assert_allclose(abs(vectors[-1] @ result.Vt[0]), 1.0, rtol=1e-12)


def test_normalized_matrix_just_touches_the_unit_circle():
    result = spectral_normalization(None, 2.0, 42, 10)
    np.testing.assert_allclose(result.W_normalized, result.W / np.linalg.norm(result.W, 2),
                               rtol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(result.W_normalized, 2), 1.0, rtol=1e-15)
    np.testing.assert_allclose(result.ellipse, la.unit_circle() @ result.W.T, rtol=1e-15)
    reach = np.linalg.norm(result.normalized_ellipse, axis=1)
    assert np.all(reach <= 1.0 + 1e-15) and reach.max() >= np.cos(np.pi / la.CIRCLE_POINTS)
    np.testing.assert_allclose(result.W_normalized @ result.Vt[0], result.U[:, 0], atol=1e-15)


def test_spectral_normalization_refusals_are_not_computable():
    # NotComputable: SceneParams.computed() turns it into a one-line ParamError (exit 2).
    with pytest.raises(NotComputable, match="zero matrix"):
        spectral_normalization([[0.0, 0.0], [0.0, 0.0]], 2.0, 42, 10)
    with pytest.raises(NotComputable, match="null space"):
        power_iteration([[1.0, 0.0], [0.0, 0.0]], np.array([0.0, 3.0]), 5)


def test_default_power_iteration_is_what_the_panel_shows():
    # The source's spectral_normalize() says "power iteration" but divides by the SVD's
    # s[0] and prints only that norm, 3.3131; it prints no iterates. The panel shows each
    # |W v_k| to 4 decimals: from 3.1114 the estimate reaches the source's 3.3131 at k = 3
    # and stays there, below sigma_max at every step (closed form in the singular basis).
    result = spectral_normalization(None, 2.0, 42, 10)
    expected = closed_form_estimates(result.W, result.power_iteration_vectors[0], 10)
    shown = [round(float(e), 4) for e in result.power_iteration_estimates]
    assert shown == [round(float(e), 4) for e in expected]
    assert shown[:4] == [3.1114, 3.3110, 3.3130, 3.3131] and set(shown[3:]) == {3.3131}
    assert np.all(result.power_iteration_estimates <= result.spectral_norm)


def test_growing_circles_show_where_the_jacobian_stops_predicting():
    result = network_jacobian(42, 8, SOURCE_POINTS, 0.1)
    radii = result.sweep_radii
    np.testing.assert_allclose(radii, np.geomspace(0.1, la.SWEEP_RADIUS, la.SWEEP_STEPS),
                               rtol=1e-15)
    for k in (0, len(radii) // 2, len(radii) - 1):
        for p, point in enumerate(SOURCE_POINTS):
            circle = np.asarray(point) + radii[k] * la.unit_circle()
            np.testing.assert_allclose(result.sweep_true_images[k, p],
                                       numpy_network(result, circle), rtol=1e-13, atol=1e-15)
            linear = result.outputs[p] + radii[k] * la.unit_circle() @ result.jacobians[p].T
            gap = np.linalg.norm(result.sweep_true_images[k, p] - linear, axis=1).max()
            np.testing.assert_allclose(result.sweep_errors[k, p], gap / radii[k], rtol=1e-12)
    np.testing.assert_allclose(result.sweep_true_images[0], result.true_images, rtol=1e-15)
    np.testing.assert_allclose(result.sweep_errors[0], result.linearization_errors / 0.1,
                               rtol=1e-12)
    # Relative to the circle, the gap grows like the radius (Taylor: error ~ radius^2):
    # from under 1% of the radius to about a tenth of it at radius 1, at every point.
    assert np.all(result.sweep_errors[0] < 0.011) and np.all(result.sweep_errors[-1] > 0.08)
    assert np.all(np.diff(result.sweep_errors, axis=0) > 0)
    np.testing.assert_allclose(result.sweep_errors[-1] / result.sweep_errors[0], 10.0, rtol=0.2)
    # A large given radius still grows fourfold.
    wide = network_jacobian(42, 8, SOURCE_POINTS, 0.8)
    np.testing.assert_allclose(wide.sweep_radii[[0, -1]], [0.8, 3.2], rtol=1e-15)


def test_every_result_carries_the_unit_circle_it_draws():
    circle = la.unit_circle()
    theta = np.linspace(0, 2 * np.pi, la.CIRCLE_POINTS, endpoint=False)
    np.testing.assert_allclose(circle, np.stack([np.cos(theta), np.sin(theta)], 1), atol=1e-16)
    gallery = condition_gallery([np.eye(2), [[1.0, 2.0], [2.0, 4.0]]])
    network = network_jacobian(42, 8, SOURCE_POINTS, 0.1)
    for result in (svd_ellipse(SOURCE_A), gallery, network,
                   spectral_normalization(None, 2.0, 42, 3)):
        np.testing.assert_array_equal(result.circle, circle)
    np.testing.assert_allclose(network.circles, np.asarray(SOURCE_POINTS)[:, None]
                               + 0.1 * circle[None], rtol=1e-15)
