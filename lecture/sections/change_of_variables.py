"""Section 2 (D.2): change of variables and Jacobians. Parameters of its scenes.

Every refusal names the field, the value and what is allowed (spec section 3). The checks
that need the transform itself (monotone on the sampled range, a finite Jacobian) use the
same functions, draws and grid as the compute step, so a value that passes here renders.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from compute.expr import parse
from lecture.params import (
    SEED, Count, ExprKind, ExprList, Interval, Matrix, Optional, ParamError, Real, SceneParams,
    Vector, param,
)

__all__ = ["Grid2DParams", "JacobianFieldParams", "Linear1DParams", "MonotoneTransformParams"]

SAMPLES = Count(10, 10**6)
BINS = Count(2, 200)
MAX_CONDITION = 100.0
MIN_STRETCH = 0.01
"""A map of the plane is drawn when its singular values lie within a factor MAX_CONDITION of
each other and are at least MIN_STRETCH: flatter maps collapse the picture to a line."""
MAX_IMAGE = 1e4
"""Largest coordinate a map of the plane may reach on its drawn grid."""
MAP_CHECK_POINTS = 201
"""Points per axis on which a map's values are checked (its grid lines are drawn there)."""
RANGE = Interval(bound=100, min_width=0.01)
"""x_range or y_range of a map: narrower, tick labels and grid lines run together."""
IMAGE_SPAN = (1e-6, 1e6)
"""Allowed width of a transform's image of the draws: a plot needs a readable y axis."""


@dataclass(frozen=True)
class Linear1DParams(SceneParams):
    a: float = param(2.0, Real(ge=-10, le=10), "slope of y = a x + b; 0.1 <= |a| <= 10")
    b: float = param(1.0, Real(ge=-10, le=10), "offset of y = a x + b")
    n_samples: int = param(10_000, SAMPLES, "draws of X ~ N(0, 1)")
    bins: int = param(50, BINS, "histogram bins, for X and for Y")
    seed: int = param(42, SEED, "seed of the local random stream")

    def check(self) -> None:
        if not 0.1 <= abs(self.a) <= 10:
            raise ParamError("a", self.a, "must satisfy 0.1 <= |a| <= 10: y = a x + b has no "
                                          "inverse for a = 0, and both densities share one plot")

    def compute(self):
        from compute.change_of_variables import linear_1d

        return linear_1d(self.a, self.b, self.n_samples, self.bins, self.seed)


@dataclass(frozen=True)
class MonotoneTransformParams(SceneParams):
    transform: str = param("tanh(x)", ExprKind(("x",)),
                           "y = g(x), strictly monotone on the range of the draws")
    n_samples: int = param(10_000, SAMPLES, "draws of Z ~ N(0, 1)")
    bins: int = param(50, BINS, "histogram bins of the transformed draws")
    seed: int = param(42, SEED, "seed of the local random stream")

    def check(self) -> None:
        from compute.change_of_variables import check_strictly_monotone, sampled_z_range

        z_low, z_high = sampled_z_range(self.n_samples, self.seed)
        try:
            check_strictly_monotone(self.transform, z_low, z_high)
        except ValueError as exc:
            raise ParamError("transform", self.transform,
                             f"must be finite and strictly monotone on the draws' range: {exc}"
                             ) from None
        ends = parse(self.transform, ("x",)).numpy(np.array([z_low, z_high]))
        span, low, high = abs(ends[1] - ends[0]), *IMAGE_SPAN
        if not (low <= span <= high and np.all(np.abs(ends) <= high)):
            raise ParamError("transform", self.transform,
                             f"must map the draws' range [{z_low:.3g}, {z_high:.3g}] onto an "
                             f"interval of width {low:g} to {high:g} within +-{high:g} "
                             f"(here [{ends.min():.3g}, {ends.max():.3g}])")

    def compute(self):
        from compute.change_of_variables import tanh_like

        return tanh_like(self.transform, self.n_samples, self.bins, self.seed)


@dataclass(frozen=True)
class Grid2DParams(SceneParams):
    theta_deg: float = param(30.0, Real(ge=-360, le=360), "rotation R(theta), degrees")
    scale: tuple[float, float] = param((2.0, 1.0), Vector(2, bound=100),
                                       "stretch S = diag(scale), before R")
    A: tuple[tuple[float, float], tuple[float, float]] | None = param(
        None, Optional(Matrix(2, 2, bound=100)), "the map itself; given, it replaces R(theta) S")
    n_samples: int = param(1000, Count(1, 10**5), "draws of N(0, I) carried by the map")
    seed: int = param(42, SEED, "seed of the local random stream")

    def check(self) -> None:
        from compute.change_of_variables import linear_map

        matrix = linear_map(self.theta_deg, self.scale, self.A)
        high, low = np.linalg.svd(matrix, compute_uv=False)
        if not low >= max(MIN_STRETCH, high / MAX_CONDITION):
            name, value = ("A", self.A) if self.A is not None else ("scale", self.scale)
            what = "singular: it flattens the plane" if low == 0 else "too close to singular"
            raise ParamError(name, value, f"gives a map that is {what} (det A = "
                                          f"{np.linalg.det(matrix):.3g}); its singular values "
                                          f"must be at least {MIN_STRETCH:g} and within a "
                                          f"factor {MAX_CONDITION:g} of each other (here "
                                          f"{high:.3g} and {low:.3g})")

    def compute(self):
        from compute.change_of_variables import grid_2d

        return grid_2d(self.theta_deg, self.scale, self.A, self.n_samples, self.seed)


@dataclass(frozen=True)
class JacobianFieldParams(SceneParams):
    map: tuple[str, str] = param(("x1**2 + 0.5*x2", "x1 + sin(x2)"), ExprList(2, ("x1", "x2")),
                                 "(y1, y2) as two expressions in x1, x2")
    x_range: tuple[float, float] = param((-2.0, 2.0), RANGE, "[low, high] of x1")
    y_range: tuple[float, float] = param((-2.0, 2.0), RANGE, "[low, high] of x2")
    resolution: int = param(30, Count(2, 200), "grid points per axis for det J")

    def check(self) -> None:
        from compute.change_of_variables import map_extent

        low, high = map_extent(self.map, self.x_range, self.y_range, MAP_CHECK_POINTS)
        if not np.all(np.abs(np.concatenate([low, high])) <= MAX_IMAGE):  # also catches NaN
            raise ParamError("map", self.map, f"must be finite and within +-{MAX_IMAGE:g} on "
                                              "the whole x_range x y_range")

    def compute(self):
        from compute.change_of_variables import jacobian_field

        return jacobian_field(self.map, self.x_range, self.y_range, self.resolution)
