"""Change of variables (section D.2): how densities move under a transformation.

A density pushed through an invertible map ``y = g(x)`` is rescaled by how much the map
stretches space: ``p_Y(y) = p_X(g^-1(y)) |d g^-1 / dy|`` in 1D and
``p_Y(y) = p_X(g^-1(y)) / |det J_g(g^-1(y))|`` in the plane. Four results feed the four
scenes of the section:

- :func:`linear_1d`: ``Y = aX + b`` with ``X ~ N(0, 1)``; the factor is ``|1/a|``.
- :func:`tanh_like`: a strictly monotone transform of ``Z ~ N(0, 1)`` (tanh by default),
  inverted by bisection and differentiated by torch autograd.
- :func:`grid_2d`: a linear map ``A = R(theta) diag(scale)`` of the plane; areas scale by
  ``|det A|``.
- :func:`jacobian_field`: the signed ``det J`` of a nonlinear map of the plane on a grid,
  computed for all points at once with :func:`torch.func.vmap`.

torch is imported inside the functions that need it, so parameter checks
(:func:`check_strictly_monotone`, :func:`sampled_z_range`) run with NumPy alone.

>>> result = linear_1d(a=2.0, b=1.0, n_samples=10_000, bins=50, seed=42)
>>> round(result.sample_mean, 4), round(result.sample_std, 4), result.jacobian_factor
(0.9957, 2.0068, 0.5)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from compute.densities import normal_pdf
from compute.results import NotComputable, internal
from compute.expr import Expression, parse

__all__ = [
    "Grid2D",
    "JacobianField",
    "Linear1D",
    "MonotoneTransform",
    "check_strictly_monotone",
    "grid_2d",
    "jacobian_field",
    "jacobians_at",
    "linear_1d",
    "linear_map",
    "map_extent",
    "map_points",
    "pick_squares",
    "rotation",
    "sampled_z_range",
    "tanh_like",
    "transformed_density",
]

GRID_POINTS = 200
"""Points on the density curves (``y_grid``) of the 1D scenes."""

MONOTONE_CHECK_POINTS = 4001
"""Points on which :func:`check_strictly_monotone` samples the transform."""

EDGE_MARGIN = 0.005
"""Fraction of the image range left out at each end of the tanh scene's ``y_grid``."""

UNIT_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])


def rotation(theta_deg: float) -> np.ndarray:
    """The 2x2 counter-clockwise rotation by ``theta_deg`` degrees."""
    theta = np.deg2rad(theta_deg)
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def linear_map(theta_deg: float, scale: Sequence[float],
               A: Sequence[Sequence[float]] | np.ndarray | None) -> np.ndarray:
    """``A`` if given, else ``R(theta) diag(scale)``: stretch first, then rotate."""
    if A is not None:
        return np.array(A, dtype=float)
    return rotation(theta_deg) @ np.diag(np.asarray(scale, dtype=float))


def _standard_normal(n_samples: int, seed: int) -> np.ndarray:
    """The draws of ``np.random.seed(seed); np.random.normal(0, 1, n_samples)``, locally."""
    return np.random.RandomState(seed).normal(0.0, 1.0, n_samples)


# --------------------------------------------------------------------------------------
# Y = aX + b
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Linear1D:
    """Samples and densities of ``Y = aX + b`` with ``X ~ N(0, 1)``."""

    sample_mean: float
    sample_std: float  # np.std with ddof=0, as the source prints it
    jacobian_factor: float  # |dx/dy| = |1/a|
    y_grid: np.ndarray  # shape: (GRID_POINTS,), b - 4|a| .. b + 4|a|
    density_analytic: np.ndarray  # N(b, a^2) pdf on y_grid
    density_change_of_variables: np.ndarray  # p_X((y - b)/a) |1/a| on y_grid
    x_samples: np.ndarray = internal()  # shape: (n_samples,)
    y_samples: np.ndarray = internal()  # shape: (n_samples,)
    x_grid: np.ndarray = internal()  # shape: (GRID_POINTS,), -4 .. 4
    density_x: np.ndarray = internal()  # N(0, 1) pdf on x_grid
    x_hist_edges: np.ndarray = internal()  # shape: (bins + 1,)
    x_hist_density: np.ndarray = internal()  # shape: (bins,)
    y_hist_edges: np.ndarray = internal()  # shape: (bins + 1,)
    y_hist_density: np.ndarray = internal()  # shape: (bins,)


def linear_1d(a: float, b: float, n_samples: int, bins: int, seed: int) -> Linear1D:
    """Push ``X ~ N(0, 1)`` through ``y = a x + b`` and compare the densities.

    Parameters
    ----------
    a, b
        Slope (nonzero) and offset of the map.
    n_samples
        Number of draws of ``X``.
    bins
        Number of histogram bins, for ``X`` and for ``Y``.
    seed
        Seed of a local ``RandomState``; the draws equal ``np.random.seed(seed)`` followed by
        ``np.random.normal(0, 1, n_samples)``.

    Returns
    -------
    Linear1D
        ``density_analytic`` is the closed form ``N(b, a^2)``; ``density_change_of_variables``
        is ``p_X((y - b) / a) |1/a|``. The two agree to rounding.

    Raises
    ------
    ValueError
        If ``a`` is zero (the map is not invertible).
    """
    if a == 0:
        raise ValueError(f"a = {a}: the slope must be nonzero for y = a x + b to be invertible")
    x_samples = _standard_normal(n_samples, seed)
    y_samples = a * x_samples + b
    jacobian_factor = abs(1.0 / a)
    x_grid = np.linspace(-4.0, 4.0, GRID_POINTS)
    y_grid = np.linspace(b - 4.0 * abs(a), b + 4.0 * abs(a), GRID_POINTS)
    x_hist_density, x_hist_edges = np.histogram(x_samples, bins=bins, density=True)
    y_hist_density, y_hist_edges = np.histogram(y_samples, bins=bins, density=True)
    return Linear1D(
        sample_mean=float(np.mean(y_samples)),
        sample_std=float(np.std(y_samples)),
        jacobian_factor=jacobian_factor,
        y_grid=y_grid,
        density_analytic=normal_pdf(y_grid, b, abs(a)),
        density_change_of_variables=normal_pdf((y_grid - b) / a) * jacobian_factor,
        x_samples=x_samples,
        y_samples=y_samples,
        x_grid=x_grid,
        density_x=normal_pdf(x_grid),
        x_hist_edges=x_hist_edges,
        x_hist_density=x_hist_density,
        y_hist_edges=y_hist_edges,
        y_hist_density=y_hist_density,
    )


# --------------------------------------------------------------------------------------
# Y = g(Z) for a strictly monotone g
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonotoneTransform:
    """Density of ``Y = g(Z)``, ``Z ~ N(0, 1)``, for a strictly monotone ``g``."""

    y_grid: np.ndarray  # shape: (GRID_POINTS,), increasing, inside g([z_min, z_max])
    density: np.ndarray  # p_Y on y_grid
    jacobian_factor: np.ndarray  # |dz/dy| = 1 / |g'(g^-1(y))| on y_grid
    hist_density: np.ndarray  # shape: (bins,), histogram density of g(z_samples)
    hist_edges: np.ndarray = internal()  # shape: (bins + 1,)
    z_grid: np.ndarray = internal()  # g^-1(y_grid)
    z_samples: np.ndarray = internal()  # shape: (n_samples,)
    y_samples: np.ndarray = internal()  # g(z_samples)

    @property
    def steepest(self) -> int:
        """Index into y_grid where g is steepest: |dz/dy| smallest, draws spread thinnest."""
        return int(np.argmin(self.jacobian_factor))

    @property
    def flattest(self) -> int:
        """Index into y_grid where g is flattest: |dz/dy| largest, draws pile up."""
        return int(np.argmax(self.jacobian_factor))


def sampled_z_range(n_samples: int, seed: int) -> tuple[float, float]:
    """Smallest and largest of the ``n_samples`` standard normal draws for ``seed``.

    These are the draws :func:`tanh_like` makes, so a parameter check can call
    :func:`check_strictly_monotone` on exactly the range the scene will use.
    """
    z = _standard_normal(n_samples, seed)
    return float(z.min()), float(z.max())


def check_strictly_monotone(transform: str, z_low: float, z_high: float) -> None:
    """Raise ValueError unless ``transform`` (in ``x``) is finite and strictly monotone.

    The transform is evaluated with NumPy on a dense grid of ``MONOTONE_CHECK_POINTS``
    points of ``[z_low, z_high]``; consecutive values must all rise or all fall. A transform
    that is flat in float64 (``tanh(10*x)`` far from 0) is refused as well, since it cannot
    be inverted there.

    Raises
    ------
    ValueError
        With a short reason; :class:`compute.expr.ExpressionError` (a ValueError) if the
        text is not an allowed expression.
    """
    expression = parse(transform, ("x",))
    z = np.linspace(z_low, z_high, MONOTONE_CHECK_POINTS)
    values = expression.numpy(z)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"not finite at x = {z[bad][0]:.4g} (checked on [{z_low:.4g}, {z_high:.4g}])"
        )
    steps = np.sign(np.diff(values))
    if not (np.all(steps > 0) or np.all(steps < 0)):
        raise ValueError(
            f"not strictly increasing or decreasing on [{z_low:.4g}, {z_high:.4g}], "
            "so it has no inverse there"
        )


def _inverse_and_slope(
    expression: Expression, y: np.ndarray, z_low: float, z_high: float
) -> tuple[np.ndarray, np.ndarray]:
    """``z = g^-1(y)`` by vectorised bisection on ``[z_low, z_high]`` and ``g'(z)`` by autograd."""
    import torch

    increasing = expression.numpy(z_high) > expression.numpy(z_low)
    low = np.full(y.shape, float(z_low))
    high = np.full(y.shape, float(z_high))
    # 80 halvings take any float64 bracket below one ulp; later steps change nothing.
    for _ in range(80):
        mid = 0.5 * (low + high)
        below = (expression.numpy(mid) < y) == increasing
        low = np.where(below, mid, low)
        high = np.where(below, high, mid)
    z = 0.5 * (low + high)
    z_tensor = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    # g acts elementwise, so the gradient of the sum is g' at every point.
    (slope,) = torch.autograd.grad(expression.torch(z_tensor).sum(), z_tensor)
    return z, slope.numpy()


def transformed_density(transform: str, y: np.ndarray, z_low: float, z_high: float) -> np.ndarray:
    """``p_Y(y) = p_Z(g^-1(y)) / |g'(g^-1(y))|`` for ``Z ~ N(0, 1)`` and ``Y = g(Z)``.

    Parameters
    ----------
    transform
        Strictly monotone expression in ``x`` on ``[z_low, z_high]``.
    y
        Points inside ``g([z_low, z_high])``.
    z_low, z_high
        Bracket for the inverse; values of ``y`` outside the image land on its ends.
    """
    expression = parse(transform, ("x",))
    z, slope = _inverse_and_slope(expression, np.asarray(y, dtype=float), z_low, z_high)
    return normal_pdf(z) / np.abs(slope)


def tanh_like(transform: str, n_samples: int, bins: int, seed: int) -> MonotoneTransform:
    """Push ``Z ~ N(0, 1)`` through a strictly monotone ``g`` and find ``p_Y``.

    Parameters
    ----------
    transform
        Expression in ``x``, strictly monotone on the range of the draws (``"tanh(x)"``).
    n_samples
        Number of draws of ``Z`` (local ``RandomState(seed)``, as ``np.random.seed``).
    bins
        Number of histogram bins for the transformed draws.
    seed
        Seed of the draws.

    Returns
    -------
    MonotoneTransform
        ``y_grid`` spans the image of ``[min z, max z]`` less ``EDGE_MARGIN`` of it at each
        end; ``density`` and ``jacobian_factor`` are evaluated there.

    Raises
    ------
    ValueError
        If the transform is not an allowed expression, or not finite and strictly monotone
        on the range of the draws.
    """
    expression = parse(transform, ("x",))
    z_samples = _standard_normal(n_samples, seed)
    z_low, z_high = float(z_samples.min()), float(z_samples.max())
    check_strictly_monotone(transform, z_low, z_high)
    y_samples = expression.numpy(z_samples)
    y_min, y_max = sorted(expression.numpy(np.array([z_low, z_high])))
    margin = EDGE_MARGIN * (y_max - y_min)
    y_grid = np.linspace(y_min + margin, y_max - margin, GRID_POINTS)
    z_grid, slope = _inverse_and_slope(expression, y_grid, z_low, z_high)
    jacobian_factor = 1.0 / np.abs(slope)
    hist_density, hist_edges = np.histogram(y_samples, bins=bins, density=True)
    return MonotoneTransform(
        y_grid=y_grid,
        density=normal_pdf(z_grid) * jacobian_factor,
        jacobian_factor=jacobian_factor,
        hist_density=hist_density,
        hist_edges=hist_edges,
        z_grid=z_grid,
        z_samples=z_samples,
        y_samples=y_samples,
    )


# --------------------------------------------------------------------------------------
# A linear map of the plane
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid2D:
    """A linear map ``y = A x`` of the plane and what it does to area and samples."""

    A: np.ndarray  # shape: (2, 2)
    det: float  # signed area factor
    density_scale: float  # 1 / |det A|
    A_inverse: np.ndarray  # shape: (2, 2), the map back: p_Y(y) = p_X(A^-1 y) / |det A|
    unit_square_image: np.ndarray  # shape: (4, 2), A applied to (0,0), (1,0), (1,1), (0,1)
    samples: np.ndarray = internal()  # shape: (n_samples, 2), N(0, I)
    transformed_samples: np.ndarray = internal()  # shape: (n_samples, 2), samples @ A.T
    theta_deg: float = internal()
    scale: tuple[float, float] = internal()
    given: bool = internal()  # A was given directly, not built from theta and scale

    def stages(self) -> list[tuple[str, float]]:
        """The moves that build the map, each with the progress at which it ends.

        ``("stretch", 1)`` then ``("rotate", 2)`` for R(theta) diag(scale), leaving out a
        move that is the identity; ``("apply", 1)`` for a given A (or the identity).
        """
        if self.given:
            return [("apply", 1.0)]
        moves = ([("stretch", 1.0)] if tuple(self.scale) != (1.0, 1.0) else []) \
            + ([("rotate", 2.0)] if self.theta_deg % 360 != 0 else [])
        return moves or [("apply", 1.0)]

    def start(self) -> float:
        """Progress at which the first move begins (past a stretch that is the identity)."""
        return 1.0 if self.stages()[0][0] == "rotate" else 0.0

    def matrix_at(self, progress: float) -> np.ndarray:
        """The map part way: I to A along the stages (a closed form of progress)."""
        final = self.stages()[-1][1]
        if progress >= final:
            return self.A
        if self.given:
            return (1 - progress) * np.eye(2) + progress * self.A
        if progress <= 1:
            return np.diag(1 + progress * (np.array(self.scale) - 1))
        return rotation(self.theta_deg * (progress - 1)) @ np.diag(self.scale)

    def square_at(self, progress: float) -> np.ndarray:
        """The unit square's corners under :meth:`matrix_at`, shape (4, 2)."""
        return UNIT_SQUARE @ self.matrix_at(progress).T


def grid_2d(
    theta_deg: float,
    scale: tuple[float, float],
    A: Sequence[Sequence[float]] | np.ndarray | None,
    n_samples: int,
    seed: int,
) -> Grid2D:
    """The map ``A = R(theta) diag(scale)`` (or ``A`` itself) applied to the plane.

    Parameters
    ----------
    theta_deg
        Rotation angle in degrees, counter-clockwise; ignored when ``A`` is given.
    scale
        Stretch along the first and second axis, applied before the rotation; ignored when
        ``A`` is given.
    A
        A 2x2 matrix that replaces ``R(theta) diag(scale)``, or None.
    n_samples, seed
        Draws of ``N(0, I)`` from a local ``RandomState(seed).multivariate_normal``, the same
        as ``np.random.seed(seed)`` followed by ``np.random.multivariate_normal``.

    Raises
    ------
    ValueError
        If the matrix is not 2x2 or is singular (``det A = 0`` has no density).
    """
    matrix = linear_map(theta_deg, scale, A)
    if matrix.shape != (2, 2):
        raise ValueError(f"A must be a 2x2 matrix, got shape {matrix.shape}")
    det = float(np.linalg.det(matrix))
    if det == 0:
        raise ValueError(f"A = {matrix.tolist()} is singular (det 0): it flattens the plane")
    samples = np.random.RandomState(seed).multivariate_normal([0.0, 0.0], np.eye(2), n_samples)
    return Grid2D(
        A=matrix,
        det=det,
        density_scale=1.0 / abs(det),
        A_inverse=np.array([[matrix[1, 1], -matrix[0, 1]], [-matrix[1, 0], matrix[0, 0]]]) / det,
        unit_square_image=UNIT_SQUARE @ matrix.T,
        samples=samples,
        transformed_samples=samples @ matrix.T,
        theta_deg=float(theta_deg),
        scale=(float(scale[0]), float(scale[1])),
        given=A is not None,
    )


# --------------------------------------------------------------------------------------
# A nonlinear map of the plane and its Jacobian
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JacobianField:
    """The signed Jacobian determinant of a map of the plane on a grid.

    ``det_jacobian[i, j]`` and ``jacobians[i, j]`` belong to the point ``(x1[i], x2[j])``:
    the first index runs along ``x1`` (``meshgrid(..., indexing="ij")``).
    """

    x1: np.ndarray  # shape: (resolution,)
    x2: np.ndarray  # shape: (resolution,)
    det_jacobian: np.ndarray  # shape: (resolution, resolution), signed
    jacobians: np.ndarray = internal()  # shape: (resolution, resolution, 2, 2), J[r, c] = dy_r/dx_c
    map_exprs: tuple[str, str] = internal()
    image_low: np.ndarray = internal()  # shape: (2,), corner of the map's image of the domain
    image_high: np.ndarray = internal()  # shape: (2,), on an EXTENT_POINTS mesh
    picked: tuple[tuple[int, int], ...] = internal()  # grid indices of the three small squares

    def image_of(self, points: np.ndarray) -> np.ndarray:
        """The map applied to points of shape (N, 2)."""
        return map_points(self.map_exprs, points)

    def predicted_square(self, ij: tuple[int, int], side: float) -> np.ndarray:
        """Corners (4, 2) of what J predicts for the square of ``side`` centred on grid point
        ``ij``: ``f(c) + J (corner - c)``, a parallelogram."""
        i, j = ij
        centre = self.image_of(np.array([[self.x1[i], self.x2[j]]]))[0]
        return centre + side * ((UNIT_SQUARE - 0.5) @ self.jacobians[i, j].T)


EXTENT_POINTS = 41
"""Points per axis of the mesh on which the image's extent (the plot window) is measured."""


def map_extent(map_exprs: Sequence[str], x_range: Sequence[float], y_range: Sequence[float],
               points: int = EXTENT_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest (y1, y2) the map reaches on a ``points`` x ``points`` mesh of the
    domain (NaN where it is not finite there)."""
    mesh = np.meshgrid(np.linspace(x_range[0], x_range[1], points),
                       np.linspace(y_range[0], y_range[1], points))
    image = map_points(map_exprs, np.stack([m.ravel() for m in mesh], axis=1))
    if not np.all(np.isfinite(image)):
        return np.full(2, np.nan), np.full(2, np.nan)
    return image.min(axis=0), image.max(axis=0)


def pick_squares(x1: np.ndarray, x2: np.ndarray, det_jacobian: np.ndarray,
                 map_exprs: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Grid indices of three points for small squares: large, small and middling |det J|.

    Candidates sit at 20%, 50% and 80% of each axis. After the largest |det J|, each pick
    is the candidate (of the smallest, then of the middle band of |det J|) whose image lies
    farthest from the images already picked, so the bent squares do not pile up.
    """
    n1, n2 = len(x1), len(x2)
    candidates = [(i, j) for i in sorted({round(f * (n1 - 1)) for f in (0.2, 0.5, 0.8)})
                  for j in sorted({round(f * (n2 - 1)) for f in (0.2, 0.5, 0.8)})]
    size = {ij: abs(det_jacobian[ij]) for ij in candidates}
    image = dict(zip(candidates, map_points(
        map_exprs, np.array([[x1[i], x2[j]] for i, j in candidates]))))
    low, high = min(size.values()), max(size.values())
    picks = [max(candidates, key=size.get)]

    def farthest(pool: list[tuple[int, int]]) -> tuple[int, int]:
        return max(pool, key=lambda ij: min(np.linalg.norm(image[ij] - image[q]) for q in picks))

    rest = [ij for ij in candidates if ij not in picks]
    picks.append(farthest([ij for ij in rest if size[ij] <= low + 0.05 * (high - low)] or rest))
    rest = [ij for ij in rest if ij not in picks]
    band = [ij for ij in rest if low + 0.25 * (high - low) <= size[ij] <= low + 0.75 * (high - low)]
    picks.append(farthest(band or rest))
    return tuple((int(i), int(j)) for i, j in picks)


def _parse_map(map_exprs: Sequence[str]) -> tuple[Expression, Expression]:
    if len(map_exprs) != 2:
        raise ValueError(f"a map of the plane needs 2 expressions in x1, x2, got {len(map_exprs)}")
    first, second = (parse(text, ("x1", "x2")) for text in map_exprs)
    return first, second


def map_points(map_exprs: Sequence[str], points: np.ndarray) -> np.ndarray:
    """Apply the map ``(y1, y2) = (f1(x1, x2), f2(x1, x2))`` to points of shape (N, 2)."""
    first, second = _parse_map(map_exprs)
    points = np.asarray(points, dtype=float)
    return np.stack([first.numpy(points[:, 0], points[:, 1]),
                     second.numpy(points[:, 0], points[:, 1])], axis=1)


def jacobians_at(map_exprs: Sequence[str], points: np.ndarray) -> np.ndarray:
    """Jacobian matrices ``J[n, r, c] = dy_r/dx_c`` at points of shape (N, 2), shape (N, 2, 2).

    All points are differentiated at once: ``torch.func.vmap`` of ``torch.func.jacrev`` on
    the map, in float64.
    """
    import torch
    from torch.func import jacrev, vmap

    first, second = _parse_map(map_exprs)

    def plane_map(point: torch.Tensor) -> torch.Tensor:
        return torch.stack([first.torch(point[0], point[1]), second.torch(point[0], point[1])])

    tensor = torch.as_tensor(np.asarray(points, dtype=float), dtype=torch.float64)
    return vmap(jacrev(plane_map))(tensor).numpy()


FLAT_DET = 1e-12
"""|det J| at most this times the largest squared entry of J is zero to rounding."""


def jacobian_field(
    map_exprs: Sequence[str],
    x_range: Sequence[float],
    y_range: Sequence[float],
    resolution: int,
) -> JacobianField:
    """``det J`` of a map of the plane on a ``resolution x resolution`` grid.

    Parameters
    ----------
    map_exprs
        Two expressions in ``x1``, ``x2`` (``("x1**2 + 0.5*x2", "x1 + sin(x2)")``).
    x_range, y_range
        ``(low, high)`` of the grid along ``x1`` and along ``x2``.
    resolution
        Grid points per axis (``linspace``, ends included).

    Returns
    -------
    JacobianField
        ``det_jacobian[i, j]`` is the signed determinant at ``(x1[i], x2[j])``.

    Raises
    ------
    ValueError
        If an expression is not allowed; :class:`compute.results.NotComputable` (a
        ValueError) if the Jacobian is not finite somewhere on the grid, or if det J is
        zero (to within FLAT_DET of the entries squared) at every grid point: such a map
        (``["0*x1", "0*x2"]``, ``["x1 + x2", "x1 + x2"]``) sends the plane to a curve or a
        point, where p_Y = p_X / |det J| has no value to draw.
    """
    x1 = np.linspace(x_range[0], x_range[1], resolution)
    x2 = np.linspace(y_range[0], y_range[1], resolution)
    mesh1, mesh2 = np.meshgrid(x1, x2, indexing="ij")
    points = np.stack([mesh1.ravel(), mesh2.ravel()], axis=1)
    jacobians = jacobians_at(map_exprs, points)
    bad = ~np.isfinite(jacobians).all(axis=(1, 2))
    if bad.any():
        x1_bad, x2_bad = points[bad][0]
        raise NotComputable(f"the Jacobian is not finite at (x1, x2) = "
                            f"({x1_bad:.4g}, {x2_bad:.4g})")
    det = (jacobians[:, 0, 0] * jacobians[:, 1, 1]
           - jacobians[:, 0, 1] * jacobians[:, 1, 0]).reshape(resolution, resolution)
    if np.max(np.abs(det)) <= FLAT_DET * np.max(jacobians**2):  # 0 <= 0 for J = 0 too
        raise NotComputable("gives a map that is singular: it flattens the plane (det J = 0 "
                            "at every point of the x_range x y_range grid); det J must be "
                            "nonzero somewhere there")
    image_low, image_high = map_extent(map_exprs, x_range, y_range)
    return JacobianField(
        x1=x1,
        x2=x2,
        det_jacobian=det,
        jacobians=jacobians.reshape(resolution, resolution, 2, 2),
        map_exprs=(map_exprs[0], map_exprs[1]),
        image_low=image_low,
        image_high=image_high,
        picked=pick_squares(x1, x2, det, map_exprs),
    )
