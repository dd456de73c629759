"""Marginalization (section D.5): a correlated 2D Gaussian, its shadows and its slices.

For ``(x, z) ~ N(mean, cov)`` with ``cov = [[S_xx, S_xz], [S_xz, S_zz]]`` everything has a
closed form, so every number computed on a grid here has an exact counterpart:

- the marginals ``p(x) = N(mu_x, S_xx)`` and ``p(z) = N(mu_z, S_zz)``, against the
  trapezoid integral of the joint over the other axis of the grid (:func:`joint_marginals`);
- the conditionals ``p(x | z) = N(mu_x + S_xz / S_zz (z - mu_z), S_xx - S_xz^2 / S_zz)``,
  against the joint's slice at ``z`` divided by its own trapezoid integral
  (:func:`conditionals`).

Grids follow the lecture: ``x`` and ``z`` are ``linspace`` axes and a density on the grid
has shape ``(len(z), len(x))``, ``density[i, j] = p(x[j], z[i])`` (``np.meshgrid(x, z)``).

The numerical marginals are the joint integrated over the drawn range only and are not
rescaled (the lecture divides them by their own integral). The gap to the closed form is
then exactly the probability the grid cuts off, ``p(x) P(z outside z_range | x)``, plus a
trapezoid error that is negligible once the grid resolves the joint.

The conditionals scene has no ranges of its own: :func:`conditional_plot_grid` derives them
from the Gaussian and the slices (for the lecture's Gaussian, its grid: x in [-2, 4] and z
in [-2, 6], 100 points each).

>>> result = conditionals([1.0, 2.0], [[1.0, 0.7], [0.7, 1.5]], np.linspace(-1, 5, 7),
...                       n_samples=500, seed=42)
>>> np.round(result.conditional_means, 4).tolist()
[-0.4, 0.0667, 0.5333, 1.0, 1.4667, 1.9333, 2.4]
>>> round(result.conditional_variance, 5)
0.67333
>>> result.x_range.tolist(), result.z_range.tolist(), len(result.x), len(result.z)
([-2.0, 4.0], [-2.0, 6.0], 100, 100)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from compute.densities import normal_pdf
from compute.results import NotComputable, internal

__all__ = [
    "CONTOUR_RADII",
    "Conditionals",
    "JointMarginals",
    "MAX_SLICE_SPREADS",
    "MIN_MASS",
    "PlotGrid",
    "check_gaussian",
    "conditional_mass_in_range",
    "conditional_plot_grid",
    "conditional_spreads",
    "conditionals",
    "contrasting_correlation",
    "far_slices",
    "gaussian_density",
    "grid_mass",
    "joint_marginals",
    "nice_step",
    "sample_joint",
    "second_joint",
    "with_correlation",
]

CONTOUR_RADII = np.array([1.0, 2.0, 3.0])
"""Mahalanobis radii of the contour lines: the ellipses holding 39%, 86% and 99% of the mass."""

ELLIPSE_POINTS = 121
"""Points on each contour ellipse; the first and the last coincide, closing the curve."""

MIRROR_MIN_CORRELATION = 0.3
"""Smallest ``|rho|`` whose mirror image ``-rho`` is told apart at a glance."""

FALLBACK_CORRELATION = 0.7
"""Correlation of the second joint when the given one is too weak to mirror."""

SYMMETRY_TOLERANCE = 1e-9
"""Largest ``|S_xz - S_zx|`` accepted as symmetric, relative to the largest entry."""

MIN_MASS = 0.5
"""Smallest share of the joint a drawn rectangle must hold (else the picture is a tail)."""

PLOT_SPREADS = 3.0
"""The conditionals' grid spans each mean +- this many standard deviations of its marginal."""

SLICE_REACH = 1.5
"""The x range also holds each slice's E[x | z] +- this many conditional deviations."""

MAX_SLICE_SPREADS = 6.0
"""A slice is drawn at most this many standard deviations of z from mu_z: p(z) is then
e^-18 of its peak, and a wider plot would be mostly empty."""

GRID_POINTS = 100
"""Fewest points per axis of the conditionals' grid (the lecture's 100)."""

MAX_GRID_POINTS = 1000
"""Most points per axis: the joint on the grid stays a few megabytes."""

POINTS_PER_SPREAD = 4
"""Grid points per conditional standard deviation, so that a thin joint is resolved."""

SLICE_GAP_SHARE = 0.8
"""A drawn slice is at most this share of the gap to its neighbouring z value tall ..."""

SLICE_SPAN_SHARE = (0.1, 0.25)
"""... and between these shares of the base z range (one slice, or slices crowded)."""

Vector2 = Sequence[float] | np.ndarray
Matrix2 = Sequence[Sequence[float]] | np.ndarray


# --------------------------------------------------------------------------------------
# The Gaussian and its pieces
# --------------------------------------------------------------------------------------


def check_gaussian(mean: Vector2, cov: Matrix2) -> tuple[np.ndarray, np.ndarray]:
    """``mean`` and ``cov`` as float arrays, refused unless they define a 2D Gaussian.

    A covariance that is symmetric up to ``SYMMETRY_TOLERANCE`` is made exactly symmetric.

    Raises
    ------
    ValueError
        If ``mean`` is not 2 finite numbers or ``cov`` is not a finite, symmetric, positive
        definite 2x2 matrix; the message gives the reason.
    """
    mean = np.asarray(mean, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if mean.shape != (2,) or not np.all(np.isfinite(mean)):
        raise ValueError(f"the mean must be 2 finite numbers, got {mean.tolist()}")
    if cov.shape != (2, 2) or not np.all(np.isfinite(cov)):
        raise ValueError(f"the covariance must be a 2x2 matrix of finite numbers, "
                         f"got {cov.tolist()}")
    if abs(cov[0, 1] - cov[1, 0]) > SYMMETRY_TOLERANCE * np.abs(cov).max():
        raise ValueError(f"not symmetric: cov[0][1] = {cov[0, 1]:.6g} but cov[1][0] = "
                         f"{cov[1, 0]:.6g}")
    cov = cov.copy()
    cov[0, 1] = cov[1, 0] = 0.5 * (cov[0, 1] + cov[1, 0])
    det = cov[0, 0] * cov[1, 1] - cov[0, 1] ** 2
    if cov[0, 0] <= 0 or cov[1, 1] <= 0 or not det > 0:
        raise ValueError(f"not positive definite: variances {cov[0, 0]:.6g} and {cov[1, 1]:.6g}, "
                         f"determinant {det:.6g}; all three must be > 0")
    return mean, cov


def _cholesky(cov: np.ndarray) -> tuple[float, float, float]:
    """``(a, b, c)`` with ``cov = L L^T`` and ``L = [[a, 0], [b, c]]``."""
    a = np.sqrt(cov[0, 0])
    b = cov[0, 1] / a
    c = np.sqrt((cov[0, 0] * cov[1, 1] - cov[0, 1] ** 2) / cov[0, 0])
    return float(a), float(b), float(c)


def _log_density(mean: np.ndarray, cov: np.ndarray, x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``log p(x, z)`` on the grid, shape ``(len(z), len(x))``, through whitened coordinates."""
    a, b, c = _cholesky(cov)
    w_x = (x[None, :] - mean[0]) / a
    w_z = ((z[:, None] - mean[1]) - b * w_x) / c
    return -0.5 * (w_x**2 + w_z**2) - np.log(2.0 * np.pi * a * c)


def gaussian_density(mean: Vector2, cov: Matrix2, x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The joint density ``p(x, z)`` on the grid ``x`` by ``z``, shape ``(len(z), len(x))``.

    ``density[i, j] = p(x[j], z[i])``, the layout of ``np.meshgrid(x, z)``.
    """
    mean, cov = check_gaussian(mean, cov)
    return np.exp(_log_density(mean, cov, np.asarray(x, dtype=float), np.asarray(z, dtype=float)))


def conditional_spreads(cov: Matrix2) -> tuple[float, float]:
    """Standard deviations of ``x`` given ``z`` and of ``z`` given ``x``.

    They are the narrowest widths of the joint along each axis, so a grid must be finer than
    them to resolve it.
    """
    cov = np.asarray(cov, dtype=float)
    det = cov[0, 0] * cov[1, 1] - cov[0, 1] ** 2
    return float(np.sqrt(det / cov[1, 1])), float(np.sqrt(det / cov[0, 0]))


def with_correlation(cov: Matrix2, correlation: float) -> np.ndarray:
    """The covariance with the same variances as ``cov`` and the given correlation."""
    cov = np.asarray(cov, dtype=float)
    off = correlation * np.sqrt(cov[0, 0] * cov[1, 1])
    return np.array([[cov[0, 0], off], [off, cov[1, 1]]])


def contrasting_correlation(correlation: float) -> float:
    """Correlation of the second joint, which shares the marginals of the first.

    The mirror image ``-rho`` when ``|rho| >= MIRROR_MIN_CORRELATION``, else
    ``FALLBACK_CORRELATION``, so the two joints always look clearly different.
    """
    if abs(correlation) >= MIRROR_MIN_CORRELATION:
        return -correlation
    return FALLBACK_CORRELATION


def second_joint(cov: Matrix2) -> tuple[float, float, np.ndarray]:
    """The correlation of ``cov``, the contrasting correlation of the second joint, and
    that joint's covariance (same variances, hence the same marginals)."""
    cov = np.asarray(cov, dtype=float)
    correlation = float(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]))
    other_correlation = contrasting_correlation(correlation)
    return correlation, other_correlation, with_correlation(cov, other_correlation)


def far_slices(z_values: np.ndarray, mean_z: float, sd_z: float) -> np.ndarray:
    """Which ``z_values`` lie more than ``MAX_SLICE_SPREADS`` deviations from ``mean_z``
    (where the joint no longer shows; a relative 1e-12 spares values on the edge)."""
    return np.abs(np.asarray(z_values, dtype=float) - mean_z) > (
        MAX_SLICE_SPREADS * sd_z * (1 + 1e-12))


def _axes(x_range: Vector2, z_range: Vector2, grid: int) -> tuple[np.ndarray, np.ndarray]:
    return np.linspace(x_range[0], x_range[1], grid), np.linspace(z_range[0], z_range[1], grid)


def grid_mass(mean: Vector2, cov: Matrix2, x_range: Vector2, z_range: Vector2,
              grid: int) -> float:
    """Probability mass of the joint on the grid: its trapezoid integral over both axes."""
    mean, cov = check_gaussian(mean, cov)
    x, z = _axes(x_range, z_range, grid)
    density = np.exp(_log_density(mean, cov, x, z))
    return float(np.trapezoid(np.trapezoid(density, z, axis=0), x))


def conditional_mass_in_range(mean: Vector2, cov: Matrix2, z_values: Vector2,
                              x_range: Vector2) -> np.ndarray:
    """``P(x_range[0] <= x <= x_range[1] | z)`` for each ``z`` in ``z_values``, closed form."""
    from scipy.special import ndtr  # here, so that importing this module needs NumPy only

    mean, cov = check_gaussian(mean, cov)
    means = mean[0] + cov[0, 1] / cov[1, 1] * (np.asarray(z_values, dtype=float) - mean[1])
    std = conditional_spreads(cov)[0]
    return ndtr((x_range[1] - means) / std) - ndtr((x_range[0] - means) / std)


def _ellipses(mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Contour ellipses at ``CONTOUR_RADII``: ``mean + r L (cos t, sin t)``, shape (3, P, 2)."""
    a, b, c = _cholesky(cov)
    t = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
    circle = np.stack([a * np.cos(t), b * np.cos(t) + c * np.sin(t)], axis=1)
    return mean + CONTOUR_RADII[:, None, None] * circle


def _contour_levels(cov: np.ndarray) -> np.ndarray:
    """The density on the ellipses at ``CONTOUR_RADII``: ``peak * exp(-r^2 / 2)``."""
    a, _, c = _cholesky(cov)
    return np.exp(-0.5 * CONTOUR_RADII**2) / (2.0 * np.pi * a * c)


def sample_joint(mean: Vector2, cov: Matrix2, n_samples: int, seed: int) -> np.ndarray:
    """``n_samples`` draws of ``(x, z)``, shape ``(n_samples, 2)``.

    A local ``RandomState(seed).multivariate_normal``: the same draws as the lecture's
    ``np.random.seed(seed)`` followed by ``multivariate_normal(mean, cov).rvs(n_samples)``.
    """
    mean, cov = check_gaussian(mean, cov)
    return np.random.RandomState(seed).multivariate_normal(mean, cov, n_samples)


# --------------------------------------------------------------------------------------
# The joint and its marginals
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JointMarginals:
    """A 2D Gaussian on a grid, its marginals both ways, and a second joint sharing them.

    Densities on the grid have shape ``(grid, grid)`` with ``density[i, j] = p(x[j], z[i])``.
    The second joint ("other") has the same variances and the correlation
    :func:`contrasting_correlation` gives, hence the same marginals.
    """

    x: np.ndarray  # shape: (grid,)
    z: np.ndarray  # shape: (grid,)
    marginal_x_analytic: np.ndarray  # shape: (grid,), N(mu_x, S_xx) pdf on x
    marginal_x_numerical: np.ndarray  # shape: (grid,), trapezoid of the joint over z
    marginal_z_analytic: np.ndarray  # shape: (grid,), N(mu_z, S_zz) pdf on z
    marginal_z_numerical: np.ndarray  # shape: (grid,), trapezoid of the joint over x
    correlation: float  # S_xz / sqrt(S_xx S_zz)
    grid_mass: float  # trapezoid of the joint over the whole grid
    max_marginal_error: float  # largest |numerical - analytic| over both marginals
    contour_radii: np.ndarray  # shape: (3,), Mahalanobis radii 1, 2, 3
    contour_levels: np.ndarray  # shape: (3,), the density on those ellipses
    contour_mass: np.ndarray  # shape: (3,), 1 - exp(-r^2 / 2), the mass inside each ellipse
    other_correlation: float
    other_cov: np.ndarray  # shape: (2, 2)
    other_marginal_x_numerical: np.ndarray  # shape: (grid,)
    other_marginal_z_numerical: np.ndarray  # shape: (grid,)
    other_grid_mass: float
    other_max_marginal_error: float
    other_contour_levels: np.ndarray  # shape: (3,); equal to contour_levels for the mirror
    mean: np.ndarray = internal()  # shape: (2,)
    cov: np.ndarray = internal()  # shape: (2, 2)
    joint_density: np.ndarray = internal()  # shape: (grid, grid), [i, j] = p(x[j], z[i])
    other_joint_density: np.ndarray = internal()  # shape: (grid, grid)
    contour_ellipses: np.ndarray = internal()  # shape: (3, ELLIPSE_POINTS, 2), (x, z) points
    other_contour_ellipses: np.ndarray = internal()  # shape: (3, ELLIPSE_POINTS, 2)


def _shadows(density: np.ndarray, x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Trapezoid integrals of a grid density over z (a function of x) and over x."""
    return np.trapezoid(density, z, axis=0), np.trapezoid(density, x, axis=1)


def joint_marginals(mean: Vector2, cov: Matrix2, x_range: Vector2, z_range: Vector2,
                    grid: int) -> JointMarginals:
    """The joint density on a grid and its marginals by formula and by integration.

    Parameters
    ----------
    mean
        ``(mu_x, mu_z)``.
    cov
        Symmetric positive definite ``[[S_xx, S_xz], [S_xz, S_zz]]``.
    x_range, z_range
        ``(low, high)`` of the grid along ``x`` and along ``z``.
    grid
        Points per axis (``linspace``, ends included), as the lecture's 100.

    Returns
    -------
    JointMarginals
        ``marginal_x_numerical[j]`` is the trapezoid integral of ``p(x[j], z)`` over ``z``,
        not rescaled; it falls short of ``marginal_x_analytic[j]`` by the mass of ``z`` given
        ``x[j]`` outside ``z_range`` (and the same way round for ``z``).

    Raises
    ------
    ValueError
        If ``mean`` and ``cov`` do not define a 2D Gaussian (:func:`check_gaussian`).
    NotComputable
        If the rectangle holds less than ``MIN_MASS`` of either joint (the picture would be
        an empty tail of it).
    """
    mean, cov = check_gaussian(mean, cov)
    x, z = _axes(x_range, z_range, grid)
    correlation, other_correlation, other_cov = second_joint(cov)
    marginal_x_analytic = normal_pdf(x, mean[0], np.sqrt(cov[0, 0]))
    marginal_z_analytic = normal_pdf(z, mean[1], np.sqrt(cov[1, 1]))

    def on_grid(joint_cov: np.ndarray):
        density = np.exp(_log_density(mean, joint_cov, x, z))
        shadow_x, shadow_z = _shadows(density, x, z)
        error = max(np.abs(shadow_x - marginal_x_analytic).max(),
                    np.abs(shadow_z - marginal_z_analytic).max())
        return density, shadow_x, shadow_z, float(np.trapezoid(shadow_x, x)), float(error)

    density, shadow_x, shadow_z, mass, error = on_grid(cov)
    other_density, other_x, other_z, other_mass, other_error = on_grid(other_cov)
    for which, held, rho in (("joint", mass, correlation),
                             ("second joint", other_mass, other_correlation)):
        if not held >= MIN_MASS:
            raise NotComputable(
                f"the rectangle x_range x z_range holds {held:.3g} of the {which}'s mass "
                f"(correlation {rho:.3g}); it must hold at least {MIN_MASS:.0%}, or the "
                "picture is an empty tail: move the ranges over the ellipse around the mean")
    return JointMarginals(
        x=x,
        z=z,
        marginal_x_analytic=marginal_x_analytic,
        marginal_x_numerical=shadow_x,
        marginal_z_analytic=marginal_z_analytic,
        marginal_z_numerical=shadow_z,
        correlation=correlation,
        grid_mass=mass,
        max_marginal_error=error,
        contour_radii=CONTOUR_RADII.copy(),
        contour_levels=_contour_levels(cov),
        contour_mass=1.0 - np.exp(-0.5 * CONTOUR_RADII**2),
        other_correlation=other_correlation,
        other_cov=other_cov,
        other_marginal_x_numerical=other_x,
        other_marginal_z_numerical=other_z,
        other_grid_mass=other_mass,
        other_max_marginal_error=other_error,
        other_contour_levels=_contour_levels(other_cov),
        mean=mean,
        cov=cov,
        joint_density=density,
        other_joint_density=other_density,
        contour_ellipses=_ellipses(mean, cov),
        other_contour_ellipses=_ellipses(mean, other_cov),
    )


# --------------------------------------------------------------------------------------
# Conditionals p(x | z) and samples
# --------------------------------------------------------------------------------------


def nice_step(spread: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is at most ``spread`` (> 0)."""
    power = 10.0 ** np.floor(np.log10(spread))
    return float(max(m * power for m in (1, 2, 5) if m * power <= spread * (1 + 1e-12)))


def _outward(low: float, high: float, step: float) -> np.ndarray:
    """``[low, high]`` rounded outward to whole multiples of ``step``."""
    return np.array([np.floor(low / step + 1e-9) * step, np.ceil(high / step - 1e-9) * step])


def _points(width: float, spread: float) -> int:
    needed = int(np.ceil(POINTS_PER_SPREAD * width / spread)) + 1
    return int(np.clip(needed, GRID_POINTS, MAX_GRID_POINTS))


@dataclass(frozen=True)
class PlotGrid:
    """Where the conditionals are drawn: ranges, points per axis, the height of a slice."""

    x_range: np.ndarray  # shape: (2,)
    z_range: np.ndarray  # shape: (2,)
    x_points: int
    z_points: int
    slice_height: float  # z units from a slice's line to its peak, once normalised


def conditional_plot_grid(mean: Vector2, cov: Matrix2, z_values: Vector2) -> PlotGrid:
    """The grid of the conditionals scene, derived from the Gaussian and the slices.

    Each range is the mean +- ``PLOT_SPREADS`` marginal standard deviations, rounded outward
    to whole steps of :func:`nice_step` of that deviation (the lecture's Gaussian: x in
    [-2, 4], z in [-2, 6]). It is then widened, never narrowed, so that every slice shows:
    z up to the highest slice's peak (``z + slice_height``) and down to the lowest slice, x
    over each slice's ``E[x | z] +- SLICE_REACH`` conditional deviations. The slices are
    ``SLICE_GAP_SHARE`` of the smallest gap between distinct z values tall, kept between the
    ``SLICE_SPAN_SHARE`` of the base z range. Each axis has enough points to resolve the
    joint's narrowest width along it (``POINTS_PER_SPREAD`` per conditional deviation),
    from ``GRID_POINTS`` up to ``MAX_GRID_POINTS``.

    Raises
    ------
    NotComputable
        If a z value lies more than ``MAX_SLICE_SPREADS`` deviations from ``mu_z``.
    """
    mean, cov = check_gaussian(mean, cov)
    z_values = np.array(z_values, dtype=float).reshape(-1)
    sx, sz = np.sqrt(np.diag(cov))
    far = far_slices(z_values, mean[1], sz)
    if far.any():
        raise NotComputable(f"z = {z_values[far][0]:.6g} lies more than {MAX_SLICE_SPREADS:g} "
                            f"standard deviations of z from its mean {mean[1]:.6g}")
    x_given_z, z_given_x = conditional_spreads(cov)
    means = mean[0] + cov[0, 1] / cov[1, 1] * (z_values - mean[1])
    x_step, z_step = nice_step(sx), nice_step(sz)
    z_base = _outward(mean[1] - PLOT_SPREADS * sz, mean[1] + PLOT_SPREADS * sz, z_step)
    span = z_base[1] - z_base[0]
    gaps = np.diff(np.unique(z_values))
    gap = gaps.min() if len(gaps) else np.inf
    height = float(np.clip(SLICE_GAP_SHARE * gap, SLICE_SPAN_SHARE[0] * span,
                           SLICE_SPAN_SHARE[1] * span))
    z_range = _outward(min(z_base[0], z_values.min()),
                       max(z_base[1], z_values.max() + height), z_step)
    reach = SLICE_REACH * x_given_z
    x_range = _outward(min(mean[0] - PLOT_SPREADS * sx, means.min() - reach),
                       max(mean[0] + PLOT_SPREADS * sx, means.max() + reach), x_step)
    return PlotGrid(x_range=x_range, z_range=z_range,
                    x_points=_points(x_range[1] - x_range[0], x_given_z),
                    z_points=_points(z_range[1] - z_range[0], z_given_x),
                    slice_height=height)


@dataclass(frozen=True)
class Conditionals:
    """Slices ``p(x | z)`` of a 2D Gaussian at chosen ``z``, its ridge and its samples.

    Slices are in the order of ``z_values`` as given; the grid is :func:`conditional_plot_grid`.
    """

    z_values: np.ndarray  # shape: (k,)
    conditional_means: np.ndarray  # shape: (k,), E[x | z] = mu_x + S_xz / S_zz (z - mu_z)
    conditional_variance: float  # S_xx - S_xz^2 / S_zz, the same for every z
    conditional_std: float
    conditional_peak: float  # 1 / (sqrt(2 pi) conditional_std): the top of every p(x | z)
    marginal_std: np.ndarray  # shape: (2,), sqrt(S_xx) and sqrt(S_zz)
    regression_slope: float  # S_xz / S_zz, the slope of the ridge E[x | z] against z
    marginal_z_at_values: np.ndarray  # shape: (k,), p(z_k) = N(mu_z, S_zz) pdf
    slice_areas: np.ndarray  # shape: (k,), trapezoid of p(x, z_k) over the grid's x
    samples: np.ndarray  # shape: (n_samples, 2), columns x and z
    x_range: np.ndarray  # shape: (2,), the plotted range of x
    z_range: np.ndarray  # shape: (2,), the plotted range of z
    x: np.ndarray  # shape: (nx,)
    conditional_pdf_analytic: np.ndarray  # shape: (k, nx), N(E[x|z], var) on x
    conditional_pdf_numerical: np.ndarray  # shape: (k, nx), slice / its trapezoid integral
    mean: np.ndarray = internal()  # shape: (2,)
    cov: np.ndarray = internal()  # shape: (2, 2)
    z: np.ndarray = internal()  # shape: (nz,)
    joint_density: np.ndarray = internal()  # shape: (nz, nx), [i, j] = p(x[j], z[i])
    ridge_x: np.ndarray = internal()  # shape: (nz,), E[x | z] at each z of the grid
    joint_slices: np.ndarray = internal()  # shape: (k, nx), p(x, z_k) / its largest value
    slice_height: float = internal()  # z units from a slice's line to its normalised peak


def conditionals(mean: Vector2, cov: Matrix2, z_values: Vector2, n_samples: int,
                 seed: int) -> Conditionals:
    """Conditionals ``p(x | z)`` at ``z_values``, numerically and in closed form, and samples.

    Parameters
    ----------
    mean, cov
        The 2D Gaussian, as in :func:`joint_marginals`.
    z_values
        Where to slice (the lecture: 7 points from -1 to 5), each within
        ``MAX_SLICE_SPREADS`` standard deviations of ``mu_z``.
    n_samples, seed
        Draws of ``(x, z)`` by :func:`sample_joint` (the lecture's draws for seed 42).

    Returns
    -------
    Conditionals
        On the grid of :func:`conditional_plot_grid`. ``conditional_pdf_numerical[k]`` is
        ``p(x, z_k)`` on ``x`` divided by its trapezoid integral over ``x`` (``~ p(z_k)``),
        computed from ``log p`` so that slices far in the tail do not underflow; it
        integrates to 1 over ``x_range``, while the closed form loses the mass of
        ``p(x | z_k)`` outside it (at most 7%: the range holds ``E[x | z] +- 1.5`` sd).
        ``joint_slices[k]`` is the unnormalised slice, divided by the largest value of all
        slices, so the slices keep their relative heights.

    Raises
    ------
    ValueError
        If ``mean`` and ``cov`` do not define a 2D Gaussian (:func:`check_gaussian`).
    NotComputable
        If a z value is too far from ``mu_z`` to draw (:func:`conditional_plot_grid`).
    """
    mean, cov = check_gaussian(mean, cov)
    z_values = np.array(z_values, dtype=float).reshape(-1)
    grid = conditional_plot_grid(mean, cov, z_values)
    x = np.linspace(grid.x_range[0], grid.x_range[1], grid.x_points)
    z = np.linspace(grid.z_range[0], grid.z_range[1], grid.z_points)
    slope = float(cov[0, 1] / cov[1, 1])
    variance = float(cov[0, 0] - cov[0, 1] ** 2 / cov[1, 1])
    std = conditional_spreads(cov)[0]
    means = mean[0] + slope * (z_values - mean[1])
    log_slices = _log_density(mean, cov, x, z_values)
    tops = log_slices.max(axis=1, keepdims=True)
    slices = np.exp(log_slices - tops)
    integrals = np.trapezoid(slices, x, axis=1)
    return Conditionals(
        z_values=z_values,
        conditional_means=means,
        conditional_variance=variance,
        conditional_std=std,
        conditional_peak=float(normal_pdf(0.0, 0.0, std)),
        marginal_std=np.sqrt(np.diag(cov)),
        regression_slope=slope,
        marginal_z_at_values=normal_pdf(z_values, mean[1], np.sqrt(cov[1, 1])),
        slice_areas=np.exp(tops[:, 0]) * integrals,
        samples=sample_joint(mean, cov, n_samples, seed),
        x_range=grid.x_range,
        z_range=grid.z_range,
        x=x,
        conditional_pdf_analytic=normal_pdf(x[None, :], means[:, None], std),
        conditional_pdf_numerical=slices / integrals[:, None],
        mean=mean,
        cov=cov,
        z=z,
        joint_density=np.exp(_log_density(mean, cov, x, z)),
        ridge_x=mean[0] + slope * (z - mean[1]),
        joint_slices=np.exp(log_slices - log_slices.max()),
        slice_height=grid.slice_height,
    )
