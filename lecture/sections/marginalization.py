"""Section 5 (D.5): marginalization. Parameters of its scenes.

Every refusal names the field, the value and what is allowed (spec section 3). The kinds
are the shared ones of :mod:`lecture.params`; a covariance that is not symmetric, not
positive definite or not 2x2 is refused by :class:`~lecture.params.Covariance`.

The checks across fields are closed forms, cheap enough for ``--list`` and a warm re-run;
they keep the pictures meaningful, and with the kinds' bounds every computed number finite:

- ``marg_joint_marginals``: each range holds at least ``MIN_MASS`` of its marginal, and the
  grid has at least ``MIN_POINTS_PER_SPREAD`` points per conditional standard deviation along
  each axis (the joint's narrowest width), for both joints shown, so that the trapezoid
  integrals are accurate. That the rectangle holds ``MIN_MASS`` of each joint needs the
  joint on the grid: the computation refuses that (``NotComputable``).
- ``marg_conditionals`` has no ranges: they are derived from the Gaussian and widened to
  show every slice (:func:`compute.marginalization.conditional_plot_grid`). A slice farther
  than ``MAX_SLICE_SPREADS`` standard deviations of z from its mean is refused: there p(z)
  is e^-18 of its peak and the plot would be mostly empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from compute.marginalization import (
    MAX_SLICE_SPREADS, MIN_MASS, conditional_spreads, far_slices, second_joint,
)
from lecture.params import (
    SEED, Count, Covariance, Interval, ListOf, ParamError, Real, SceneParams, Vector, param,
    show,
)

__all__ = ["ConditionalsParams", "JointMarginalsParams"]

GRID = Count(10, 500)
SAMPLES = Count(1, 10_000)
MEAN = Vector(2, bound=1e3)
"""(mu_x, mu_z): far beyond any lecture picture, far from overflow."""
COV = Covariance(2, min_variance=1e-6, max_variance=1e6, max_condition=1e3)
"""At condition number 1,000 the ellipse is already 32 times longer than wide; beyond it
the joint is a line, and its slices would need thousands of grid points."""
RANGE = Interval(bound=1e4, min_width=1e-3)
"""A plotted range: ten times the largest mean, room for the widest spread."""
Z_VALUES = ListOf(Real(ge=-1e4, le=1e4), 1, 12, "numbers")
MIN_POINTS_PER_SPREAD = 2
"""Fewest grid points per conditional standard deviation along each axis."""

DEFAULT_MEAN = (1.0, 2.0)
DEFAULT_COV = ((1.0, 0.7), (0.7, 1.5))


def _axis_mass(mean: float, variance: float, low: float, high: float) -> float:
    """``P(low <= X <= high)`` for ``X ~ N(mean, variance)``."""
    scale = math.sqrt(2.0 * variance)
    return 0.5 * (math.erf((high - mean) / scale) - math.erf((low - mean) / scale))


@dataclass(frozen=True)
class JointMarginalsParams(SceneParams):
    mean: tuple[float, float] = param(DEFAULT_MEAN, MEAN, "(mu_x, mu_z)")
    cov: tuple[tuple[float, float], tuple[float, float]] = param(
        DEFAULT_COV, COV, "covariance [[S_xx, S_xz], [S_xz, S_zz]]")
    x_range: tuple[float, float] = param((-2.0, 4.0), RANGE, "[low, high] of x on the grid")
    z_range: tuple[float, float] = param((-2.0, 6.0), RANGE, "[low, high] of z on the grid")
    grid: int = param(100, GRID, "grid points per axis (trapezoid integrals)")

    def check(self) -> None:
        self._check_ranges()
        self._check_resolution()

    def _check_ranges(self) -> None:
        """Each range holds ``MIN_MASS`` of its marginal."""
        for axis, name in enumerate(("x_range", "z_range")):
            low, high = getattr(self, name)
            mean, variance = self.mean[axis], self.cov[axis][axis]
            mass = _axis_mass(mean, variance, low, high)
            if mass < MIN_MASS:
                spread = 3.0 * math.sqrt(variance)
                raise ParamError(name, [low, high],
                                 f"must hold at least {MIN_MASS:.0%} of the marginal's mass, or "
                                 f"the plot is an empty tail; it holds {mass:.3g}. Mean +- 3 sd "
                                 f"is {show([round(mean - spread, 4), round(mean + spread, 4)])}")

    def _check_resolution(self) -> None:
        """Enough grid points per conditional spread, for the narrower of the two joints."""
        *_, other = second_joint(self.cov)
        spreads = np.min([conditional_spreads(self.cov), conditional_spreads(other)], axis=0)
        for axis, (name, given) in enumerate((("x", "z"), ("z", "x"))):
            low, high = getattr(self, f"{name}_range")
            needed = math.ceil(MIN_POINTS_PER_SPREAD * (high - low) / spreads[axis]) + 1
            if needed <= self.grid:
                continue
            need = (f"needs at least {MIN_POINTS_PER_SPREAD} grid points per standard deviation "
                    f"of {name} given {given} ({spreads[axis]:.4g}, narrower of the two joints "
                    "shown)")
            if needed > GRID.high:
                widest = (GRID.high - 1) * spreads[axis] / MIN_POINTS_PER_SPREAD
                raise ParamError(f"{name}_range", [low, high],
                                 f"must be at most {widest:.4g} wide: the joint {need}, and "
                                 f"grid is at most {GRID.high}")
            raise ParamError("grid", self.grid,
                             f"must be at least {needed}: {name}_range {need}")

    def compute(self):
        from compute.marginalization import joint_marginals

        return joint_marginals(self.mean, self.cov, self.x_range, self.z_range, self.grid)


@dataclass(frozen=True)
class ConditionalsParams(SceneParams):
    mean: tuple[float, float] = param(DEFAULT_MEAN, MEAN, "(mu_x, mu_z)")
    cov: tuple[tuple[float, float], tuple[float, float]] = param(
        DEFAULT_COV, COV, "covariance [[S_xx, S_xz], [S_xz, S_zz]]")
    z_values: tuple[float, ...] = param(
        tuple(np.linspace(-1.0, 5.0, 7).tolist()), Z_VALUES,
        f"where to slice p(x | z); each within mu_z +- {MAX_SLICE_SPREADS:g} sd of z "
        "(the plot widens to show them all)")
    n_samples: int = param(500, SAMPLES, "draws of (x, z)")
    seed: int = param(42, SEED, "seed of the local random stream")

    def check(self) -> None:
        mu, sd = self.mean[1], math.sqrt(self.cov[1][1])
        reach = MAX_SLICE_SPREADS * sd
        for z, far in zip(self.z_values, far_slices(self.z_values, mu, sd)):
            if far:
                raise ParamError(
                    "z_values", list(self.z_values),
                    f"each must lie within mu_z +- {MAX_SLICE_SPREADS:g} sd of z = "
                    f"[{mu - reach:.6g}, {mu + reach:.6g}], where the joint still shows; "
                    f"{show(z)} is {abs(z - mu) / sd:.3g} sd away")

    def compute(self):
        from compute.marginalization import conditionals

        return conditionals(self.mean, self.cov, self.z_values, self.n_samples, self.seed)
