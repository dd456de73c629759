"""Section 4 (D.4): differentiation and curvature. Parameters of its scenes.

Every refusal names the field, the value and what is allowed. ``check()`` holds the cheap
rules between fields (a test point inside x_range, a nonzero direction) and never runs the
computation: a function whose value or derivatives are not finite where a scene needs them
is refused by the computation itself (``compute.results.NotComputable``), which the command
line runs for every scene about to render before any render starts
(``SceneParams.computed``). So resolving parameters never imports torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lecture.params import (
    SEED, ExprKind, Interval, ListOf, ParamError, Real, SceneParams, Vector, param,
)

__all__ = ["JvpHvpParams", "NnLinearizationParams", "TangentCurvatureParams"]

MIN_RANGE_WIDTH = 0.1
"""Narrowest x_range or alpha_range: below it the plots show rounding, not shape."""
X_RANGE = Interval(bound=1000, min_width=MIN_RANGE_WIDTH)
ALPHA_RANGE = Interval(bound=10, min_width=MIN_RANGE_WIDTH)
TEST_POINTS = ListOf(Real(ge=-1000, le=1000), 1, 9, "numbers")
MIN_DIRECTION_LENGTH = 1e-3
"""Shortest direction v or d: a shorter one leaves the slice a dot on the contour plot."""
DIRECTION = Vector(2, bound=10)


def _check_direction(params: SceneParams, name: str) -> None:
    vector = getattr(params, name)
    if not math.hypot(*vector) >= MIN_DIRECTION_LENGTH:
        raise ParamError(name, vector, "must be a nonzero direction of length at least "
                                       f"{MIN_DIRECTION_LENGTH:g} (it is used as given, "
                                       "not normalised)")


@dataclass(frozen=True)
class TangentCurvatureParams(SceneParams):
    f: str = param("x**3 - 3*x", ExprKind(("x",)), "the function; f' and f'' come from autograd")
    x_range: tuple[float, float] = param((-2.0, 2.0), X_RANGE, "[low, high] of the sweep")
    test_points: tuple[float, ...] = param((-1.5, -1.0, 0.0, 1.0, 1.5), TEST_POINTS,
                                           "where the sweep pauses; inside x_range")

    def check(self) -> None:
        low, high = self.x_range
        outside = [x for x in self.test_points if not low <= x <= high]
        if outside:
            raise ParamError("test_points", self.test_points,
                             f"must lie inside x_range [{low:g}, {high:g}] ({outside[0]:g} "
                             "does not)")

    def compute(self):
        from compute.differentiation import tangent_curvature

        return tangent_curvature(self.f, self.x_range, self.test_points)


@dataclass(frozen=True)
class JvpHvpParams(SceneParams):
    f: str = param("(x**2 + y**2) + 0.5*x*y**3", ExprKind(("x", "y")),
                   "the function of the plane")
    point: tuple[float, float] = param((1.0, 2.0), Vector(2, bound=100),
                                       "where gradient, JVP and HVP are taken")
    direction: tuple[float, float] = param((1.0, -0.5), DIRECTION,
                                           "v, used as given (not normalised)")
    alpha_range: tuple[float, float] = param((-1.0, 1.0), ALPHA_RANGE,
                                             "[low, high] of the step alpha along v")

    def check(self) -> None:
        _check_direction(self, "direction")

    def compute(self):
        from compute.differentiation import jvp_hvp

        return jvp_hvp(self.f, self.point, self.direction, self.alpha_range)


@dataclass(frozen=True)
class NnLinearizationParams(SceneParams):
    torch_seed: int = param(42, SEED, "seed of the network, its inputs and the direction u")
    direction: tuple[float, float] = param((1.0, 0.0), DIRECTION,
                                           "input direction d, used as given")
    alpha_range: tuple[float, float] = param((-1.0, 1.0), ALPHA_RANGE,
                                             "[low, high] of the step alpha along d")

    def check(self) -> None:
        _check_direction(self, "direction")

    def compute(self):
        from compute.differentiation import nn_linearization

        return nn_linearization(self.torch_seed, self.direction, self.alpha_range)
