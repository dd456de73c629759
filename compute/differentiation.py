"""Differentiation and curvature (section D.4): slopes, curvature, JVPs and HVPs by autograd.

Three results feed the three scenes of the section:

- :func:`tangent_curvature`: ``f``, ``f'`` and ``f''`` of a function of one variable on a
  sweep grid (which holds the test points) from one batched autograd pass, with the
  inflection points (sign changes of ``f''``) refined by bisection.
- :func:`jvp_hvp`: a function of the plane at a point: its gradient, the directional
  derivative ``grad f . v``, the Hessian-vector product ``H v`` (double backward: the
  Hessian is never built), ``f`` along ``x + alpha v`` against its Taylor curves, and the
  contour lines of ``f`` around the point.
- :func:`nn_linearization`: a seeded 2-4-1 tanh network: its output along an input line
  against the JVP line, and per-parameter-tensor JVP and HVP norms for a random direction
  in parameter space, as the lecture computes them.

Every derivative is taken in float64 with ``torch.autograd`` (``torch.func`` gives the
same numbers, but its first call in a process costs about a second of set-up). Inputs
that have no drawable answer, a function whose values or derivatives are not finite or
beyond ``+-MAX_MAGNITUDE`` where the scene needs them, raise
:class:`compute.results.NotComputable` with a message that names the quantity and the
place (``f' is not finite at x = 0``); the command line turns it into a one-line refusal
before anything renders. Arguments that break the functions' own contracts (an empty
range, a zero direction; the parameter checks refuse them first) raise ValueError.

The lecture's network numbers. The source seeds torch with ``manual_seed(42)`` once, at
the top of the notebook, and builds its 2-4-1 network much later. Its printed norms
(0.246, 0.176, 1.220, 0.027 and 2.030, 1.066, 0.983) are reproduced exactly when the
generator is first advanced by ``SOURCE_DRAWS_BEFORE_NETWORK`` = 486 uniform draws. That
number was found by searching over the count of draws, not read from the source: 42 of
them initialise D.3's 2-8-2 network, the other 444 come from code the text does not show.
A different ``torch_seed`` gives a different network drawn the same way.

torch is imported inside the functions, so importing this module stays cheap.

>>> result = jvp_hvp("(x**2 + y**2) + 0.5*x*y**3", (1.0, 2.0), (1.0, -0.5), (-1.0, 1.0))
>>> result.gradient.tolist(), result.directional_derivative, result.hvp.tolist()
([6.0, 10.0], 1.0, [-1.0, 2.0])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from compute.expr import Expression, parse
from compute.networks import linear_layer, tanh_network
from compute.results import NotComputable, internal

if TYPE_CHECKING:
    import torch

__all__ = [
    "HVP_COST_IN_GRADIENTS",
    "LARGE_NETWORK_PARAMETERS",
    "MAX_MAGNITUDE",
    "QUADRATIC_TOLERANCE",
    "SOURCE_DRAWS_BEFORE_NETWORK",
    "ZERO_TOLERANCE",
    "JvpHvp",
    "NnLinearization",
    "TangentCurvature",
    "contour_segments",
    "jvp_hvp",
    "nn_linearization",
    "tangent_curvature",
]

SWEEP_POINTS = 401
"""Points of the sweep grid over ``x_range`` (odd, so a symmetric range contains its middle)."""

SLICE_POINTS = 101
"""Values of alpha on the slices ``x0 + alpha v`` (odd, so a symmetric range contains 0)."""

CONTOUR_GRID_POINTS = 61
"""Grid points per axis of the contour plot around the point."""

CONTOUR_LEVELS = 12
"""Contour levels of the contour plot."""

MAX_MAGNITUDE = 1e12
"""Largest |f|, |f'| or |f''| (and gradient and HVP entry) a scene is asked to draw."""

ZERO_TOLERANCE = 1e-12
"""A sweep value within this fraction of the largest size of its kind on the sweep is 0:
rounding noise (sin(pi) is 1.2e-16), not a sign. The inflection search, the bending verdicts
(convex, concave, inflection) and the numbers shown all use this one tolerance."""

QUADRATIC_TOLERANCE = 1e-9
"""The second-order curve is exact when it misses ``f`` by at most this fraction of the
first-order gap (or of ``|f(x0)|``, if larger): then ``f`` is quadratic along ``v``."""

BISECTION_STEPS = 60
"""Halvings of a sweep-grid cell: 2^-60 of any cell is below float64 resolution."""

SOURCE_DRAWS_BEFORE_NETWORK = 486
"""Uniform draws the lecture's torch generator had made since ``torch.manual_seed(42)`` when
it built its 2-4-1 network (see the module docstring). Found by search, matching the
printed norms: 42 draws initialise D.3's 2-8-2 network, the other 444 come from code the
text does not show. With it every weight, input and direction of the source is reproduced
exactly."""

LARGE_NETWORK_PARAMETERS = 10**9
"""A realistic large network (a billion parameters), for the Hessian-size comparison."""

HVP_COST_IN_GRADIENTS = 2
"""One HVP costs about two gradient evaluations (a gradient, then its directional derivative)."""

FLOAT32_BYTES = 4


# --------------------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------------------


def _torch_float64(values) -> torch.Tensor:
    import torch

    return torch.as_tensor(np.asarray(values, dtype=float), dtype=torch.float64)


def _gradients(output, inputs: tuple, create_graph: bool = False) -> tuple:
    """``d output / d inputs`` (output a scalar), with zeros for inputs it does not depend on.

    With ``create_graph`` the gradients can be differentiated again; a gradient that is
    constant (``f`` linear) carries no graph, and differentiating it gives zeros.
    """
    import torch

    if not output.requires_grad:
        return tuple(torch.zeros_like(t) for t in inputs)
    return torch.autograd.grad(output, inputs, create_graph=create_graph, materialize_grads=True)


def _first_bad(values: np.ndarray) -> np.ndarray:
    """Mask of entries that are NaN, infinite or beyond MAX_MAGNITUDE (any trailing axes)."""
    values = np.asarray(values, dtype=float)
    bad = ~(np.abs(values) <= MAX_MAGNITUDE)
    return bad.any(axis=tuple(range(1, bad.ndim)))


def _require_bounded(what: str, values: np.ndarray, where: np.ndarray, name: str) -> None:
    """Raise NotComputable naming the first point where ``values`` is not finite and bounded.

    ``values`` has one row per point of ``where`` (shape (N,) or (N, k)).
    """
    values = np.asarray(values, dtype=float)
    bad = _first_bad(values)
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    place = np.atleast_1d(np.asarray(where, dtype=float)[first])
    at = ", ".join(f"{c:.4g}" for c in place)
    at = f"({at})" if len(place) > 1 else at
    if np.all(np.isfinite(values[first])):
        raise NotComputable(f"{what} is beyond +-{MAX_MAGNITUDE:g} at {name} = {at}, "
                            "too large to draw")
    raise NotComputable(f"{what} is not finite at {name} = {at}")


def _plot_limits(values: np.ndarray, include: Sequence[float] = ()) -> np.ndarray:
    """``[low, high]`` of a curve, robust to a few huge values near a pole.

    The range runs from the 1st to the 99th percentile, extended by that spread on each
    side but never past the extremes, and always covers ``include``. A flat curve gets a
    range of +-max(1, 10 % of its value) around it.
    """
    values = np.asarray(values, dtype=float)
    q_low, q_high = np.quantile(values, [0.01, 0.99])
    spread = q_high - q_low
    low = max(values.min(), q_low - spread)
    high = min(values.max(), q_high + spread)
    if len(include):
        low, high = min(low, min(include)), max(high, max(include))
    if high - low <= 1e-12 * max(1.0, abs(low), abs(high)):
        middle = 0.5 * (low + high)
        pad = max(1.0, 0.1 * abs(middle))
        low, high = middle - pad, middle + pad
    return np.array([low, high])


# --------------------------------------------------------------------------------------
# f, f', f'' along a line
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TangentCurvature:
    """Value, slope and curvature of ``f`` at the test points and along the sweep.

    The sweep grid is ``SWEEP_POINTS`` evenly spaced points over ``x_range`` with the test
    points merged in, so a sweep that stops at a test point shows exactly its keyframes.
    A scene drives a cursor over fractional grid positions (index ``k`` is ``sweep_x[k]``).
    """

    test_points: np.ndarray  # shape: (K,), as given
    value: np.ndarray  # shape: (K,), f(test_points)
    gradient: np.ndarray  # shape: (K,), f'(test_points)
    hessian: np.ndarray  # shape: (K,), f''(test_points)
    bending: np.ndarray  # shape: (K,), 1 convex, -1 concave, 0 where f'' is 0 (ZERO_TOLERANCE)
    at_inflection: np.ndarray  # shape: (K,), bool: an inflection point is at the test point
    sweep_x: np.ndarray = internal()  # shape: (N,), linspace over x_range and the test points
    sweep_value: np.ndarray = internal()  # shape: (N,), f
    sweep_gradient: np.ndarray = internal()  # shape: (N,), f'
    sweep_hessian: np.ndarray = internal()  # shape: (N,), f''
    stop_indices: np.ndarray = internal()  # shape: (S,), grid indices of the distinct test
    #                                        points, increasing: where the sweep pauses
    inflection_points: np.ndarray = internal()  # shape: (M,), sorted; f'' changes sign there
    inflection_values: np.ndarray = internal()  # shape: (M,), f(inflection_points)
    value_limits: np.ndarray = internal()  # shape: (2,), robust [low, high] of f
    gradient_limits: np.ndarray = internal()  # shape: (2,), robust [low, high] of f'
    hessian_limits: np.ndarray = internal()  # shape: (2,), robust [low, high] of f'', holds 0

    def at(self, position: float) -> np.ndarray:
        """``[x, f, f', f'']`` at a fractional grid position, linear between grid points
        (exact at whole positions, so at every stop)."""
        position = float(np.clip(position, 0, len(self.sweep_x) - 1))
        k = min(int(position), len(self.sweep_x) - 2)  # the grid has SWEEP_POINTS or more
        weight = position - k
        rows = np.stack([self.sweep_x, self.sweep_value, self.sweep_gradient,
                         self.sweep_hessian])
        return rows[:, k] if weight == 0 else (1 - weight) * rows[:, k] + weight * rows[:, k + 1]

    def shown(self, position: float) -> np.ndarray:
        """:meth:`at` with rounding noise shown as 0: each of ``x, f, f', f''`` within
        ``ZERO_TOLERANCE`` of its largest size on the sweep is 0."""
        rows = (self.sweep_x, self.sweep_value, self.sweep_gradient, self.sweep_hessian)
        scales = np.array([np.abs(row).max() for row in rows])
        values = self.at(position)
        return np.where(np.abs(values) <= ZERO_TOLERANCE * scales, 0.0, values)

    def bending_at(self, position: float) -> int:
        """1 where ``f`` is convex at a grid position, -1 where concave, 0 where ``f'' = 0``."""
        return int(np.sign(self.shown(position)[3]))

    def is_inflection(self, x: float) -> bool:
        """Whether an inflection point lies at ``x`` (within ``ZERO_TOLERANCE`` of the width)."""
        width = self.sweep_x[-1] - self.sweep_x[0]
        return bool(np.any(np.abs(self.inflection_points - x) <= ZERO_TOLERANCE * width))

    def tangent(self, position: float, xs: np.ndarray) -> np.ndarray:
        """The tangent line ``f(x0) + f'(x0) (x - x0)`` at grid position ``position``, at ``xs``."""
        x0, value, slope, _ = self.at(position)
        return value + slope * (np.asarray(xs, dtype=float) - x0)

    def curvature_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x, max(f'', 0), min(f'', 0))`` on the grid with the inflection points added
        (where both parts are 0): the outlines of the convex and concave shading."""
        x = np.concatenate([self.sweep_x, self.inflection_points])
        curvature = np.concatenate([self.sweep_hessian, np.zeros(len(self.inflection_points))])
        order = np.argsort(x, kind="stable")
        x, curvature = x[order], curvature[order]
        return x, np.maximum(curvature, 0.0), np.minimum(curvature, 0.0)

    def convexity_intervals(self) -> tuple[np.ndarray, np.ndarray]:
        """``(convex, concave)``: the stretches of the sweep, shape (K, 2) each, where
        ``f'' > 0`` and where ``f'' < 0``, split at the inflection points (and at the grid
        cells where ``f''`` jumps sign at a pole). Where ``f'' = 0`` on a whole stretch
        (a line) neither holds."""
        x, convex, concave = self.curvature_parts()
        sign = np.sign(convex[:-1] + convex[1:] + concave[:-1] + concave[1:])  # per cell
        found = []
        for wanted in (1.0, -1.0):
            inside = np.concatenate([[False], sign == wanted, [False]])
            edges = np.flatnonzero(np.diff(inside.astype(int)))
            starts, stops = edges[0::2], edges[1::2]  # cells starts..stops-1
            found.append(np.stack([x[starts], x[stops]], axis=1) if len(starts)
                         else np.zeros((0, 2)))
        return found[0], found[1]


def _derivatives_1d(expression: Expression) -> Callable[[np.ndarray], np.ndarray]:
    """A batched evaluator ``x -> [f, f', f'']`` of shape (N, 3).

    ``f`` acts elementwise, so the gradient of ``sum(f(x))`` is ``f'`` at every point at
    once, and the gradient of ``sum(f'(x))`` is ``f''``: two backward passes for all points.
    """
    import torch

    def evaluate(x: np.ndarray) -> np.ndarray:
        points = _torch_float64(x).requires_grad_(True)
        value = expression.torch(points)
        (slope,) = _gradients(value.sum(), (points,), create_graph=True)
        (curvature,) = _gradients(slope.sum(), (points,))
        return torch.stack([value.detach(), slope.detach(), curvature], dim=1).numpy()

    return evaluate


def _sign_changes(x: np.ndarray, curvature: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brackets ``(left, right)`` of the sign changes of ``curvature`` on the grid ``x``.

    Values within rounding of zero count as zero. A change across a run of zeros is an
    exact root (the middle of the run), returned as a bracket of width 0.
    """
    tolerance = ZERO_TOLERANCE * max(1.0, float(np.abs(curvature).max()))
    sign = np.where(np.abs(curvature) <= tolerance, 0.0, np.sign(curvature))
    nonzero = np.flatnonzero(sign)
    before, after = nonzero[:-1], nonzero[1:]
    change = sign[before] != sign[after]
    before, after = before[change], after[change]
    adjacent = after == before + 1
    left = np.where(adjacent, x[before], 0.5 * (x[before + 1] + x[after - 1]))
    right = np.where(adjacent, x[after], left)
    return left, right


def _refine_roots(evaluate, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Roots of ``f''`` in sign-changing brackets, all brackets bisected together."""
    left_sign = np.sign(evaluate(left)[:, 2])
    for _ in range(BISECTION_STEPS):
        middle = 0.5 * (left + right)
        same = np.sign(evaluate(middle)[:, 2]) == left_sign
        left, right = np.where(same, middle, left), np.where(same, right, middle)
    return 0.5 * (left + right)


def tangent_curvature(
    f: str, x_range: Sequence[float], test_points: Sequence[float]
) -> TangentCurvature:
    """``f``, ``f'`` and ``f''`` by autograd on a sweep of ``x_range`` and at the test points.

    Parameters
    ----------
    f
        Expression in ``x`` (``"x**3 - 3*x"``).
    x_range
        ``(low, high)`` of the sweep, ``low < high``.
    test_points
        Points inside ``x_range`` where the sweep pauses, in any order.

    Returns
    -------
    TangentCurvature
        The grid (test points merged in) is differentiated in one batched autograd pass;
        the keyframes at the test points are the grid's own numbers. Inflection points are
        the sign changes of ``f''`` on the grid, bisected to float64 resolution, in
        increasing order; a sign change at a pole (where ``f`` or a derivative is not
        finite or beyond ``MAX_MAGNITUDE``) is not an inflection and is left out.

    Raises
    ------
    NotComputable
        If ``f``, ``f'`` or ``f''`` is not finite (or beyond ``+-MAX_MAGNITUDE``) on the
        grid or at a test point; the message names the first such x.
    ValueError
        If the range is empty or a test point lies outside it.
    """
    low, high = (float(v) for v in x_range)
    if not low < high:
        raise ValueError(f"x_range = [{low:g}, {high:g}] must have low < high")
    points = np.asarray(test_points, dtype=float).reshape(-1)
    outside = (points < low) | (points > high)
    if outside.any():
        raise ValueError(f"test point {points[outside][0]:g} lies outside x_range "
                         f"[{low:g}, {high:g}]")
    evaluate = _derivatives_1d(parse(f, ("x",)))
    sweep_x = np.union1d(np.linspace(low, high, SWEEP_POINTS), points)
    sweep = evaluate(sweep_x)  # one batched pass: f, f', f'' at every grid point
    for column, what in enumerate(("f", "f'", "f''")):
        _require_bounded(what, sweep[:, column], sweep_x, "x")
    at_tests = np.searchsorted(sweep_x, points)
    tests = sweep[at_tests]

    roots = _refine_roots(evaluate, *_sign_changes(sweep_x, sweep[:, 2]))
    at_roots = evaluate(roots)
    keep = ~_first_bad(at_roots)
    result = TangentCurvature(
        test_points=points,
        value=tests[:, 0],
        gradient=tests[:, 1],
        hessian=tests[:, 2],
        bending=np.zeros(len(points), dtype=int),
        at_inflection=np.zeros(len(points), dtype=bool),
        sweep_x=sweep_x,
        sweep_value=sweep[:, 0],
        sweep_gradient=sweep[:, 1],
        sweep_hessian=sweep[:, 2],
        stop_indices=np.unique(at_tests),
        inflection_points=roots[keep],
        inflection_values=at_roots[keep, 0],
        value_limits=_plot_limits(sweep[:, 0], tests[:, 0]),
        gradient_limits=_plot_limits(sweep[:, 1], tests[:, 1]),
        hessian_limits=_plot_limits(sweep[:, 2], [0.0, *tests[:, 2]]),
    )
    # The verdicts at the test points, by the same rules the sweep shows between them.
    return dataclasses.replace(
        result,
        bending=np.array([result.bending_at(k) for k in at_tests], dtype=int),
        at_inflection=np.array([result.is_inflection(x) for x in points], dtype=bool))


# --------------------------------------------------------------------------------------
# Gradient, JVP and HVP of a function of the plane
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JvpHvp:
    """First- and second-order information of ``f(x, y)`` at a point along a direction ``v``.

    ``grid_values[i, j]`` belongs to ``(grid_x[i], grid_y[j])`` (``indexing="ij"``).
    """

    gradient: np.ndarray  # shape: (2,), grad f at the point
    directional_derivative: float  # grad f . v, the JVP of f along v
    hvp: np.ndarray  # shape: (2,), H v
    directional_curvature: float  # v . H v
    alphas: np.ndarray  # shape: (SLICE_POINTS,), linspace over alpha_range
    f_true: np.ndarray  # shape: (SLICE_POINTS,), f(point + alpha v)
    f_linear: np.ndarray  # f(point) + alpha grad f . v
    f_quadratic: np.ndarray  # f_linear + alpha^2 / 2 v . H v
    quadratic_exact: bool  # f_quadratic equals f_true within QUADRATIC_TOLERANCE
    point: np.ndarray = internal()  # shape: (2,)
    direction: np.ndarray = internal()  # shape: (2,), v as given (not normalised)
    value: float = internal()  # f(point)
    slice_points: np.ndarray = internal()  # shape: (SLICE_POINTS, 2), point + alpha v
    slice_limits: np.ndarray = internal()  # shape: (2,), robust [low, high] of the three curves
    grid_x: np.ndarray = internal()  # shape: (CONTOUR_GRID_POINTS,)
    grid_y: np.ndarray = internal()  # shape: (CONTOUR_GRID_POINTS,)
    grid_values: np.ndarray = internal()  # shape: (CONTOUR_GRID_POINTS, CONTOUR_GRID_POINTS)
    grid_gradient: np.ndarray = internal()  # shape: (CONTOUR_GRID_POINTS, CONTOUR_GRID_POINTS, 2)
    contour_levels: np.ndarray = internal()  # shape: (CONTOUR_LEVELS,), strictly increasing
    contour_segments: np.ndarray = internal()  # shape: (M, 2, 2), [start, end] of each piece
    #                                            of every contour line, plane coordinates

    def level_bands(self, resolution: int) -> np.ndarray:
        """The filled contours: on a ``resolution`` x ``resolution`` grid over the contour
        square (``[i, j]`` at x index i, y index j), how many levels ``f`` is above, divided
        by ``CONTOUR_LEVELS``: 0 below the lowest level, 1 above the highest.

        ``f`` is interpolated bilinearly between grid points, as the contour lines are
        along cell edges, so the bands' edges follow the lines.
        """
        x = np.linspace(self.grid_x[0], self.grid_x[-1], resolution)
        y = np.linspace(self.grid_y[0], self.grid_y[-1], resolution)
        values = _bilinear(self.grid_x, self.grid_y, self.grid_values, x, y)
        return np.searchsorted(self.contour_levels, values, side="right") / len(self.contour_levels)


def _bilinear(grid_x: np.ndarray, grid_y: np.ndarray, values: np.ndarray, x: np.ndarray,
              y: np.ndarray) -> np.ndarray:
    """``values`` (on the grid, ``[i, j]`` at ``(grid_x[i], grid_y[j])``) interpolated
    bilinearly on the grid ``x`` by ``y`` (inside it), shape (len(x), len(y))."""
    i = np.clip(np.searchsorted(grid_x, x, side="right") - 1, 0, len(grid_x) - 2)
    j = np.clip(np.searchsorted(grid_y, y, side="right") - 1, 0, len(grid_y) - 2)
    s = ((x - grid_x[i]) / (grid_x[i + 1] - grid_x[i]))[:, None]
    t = ((y - grid_y[j]) / (grid_y[j + 1] - grid_y[j]))[None, :]
    ii, jj = i[:, None], j[None, :]
    return ((1 - s) * (1 - t) * values[ii, jj] + s * (1 - t) * values[ii + 1, jj]
            + (1 - s) * t * values[ii, jj + 1] + s * t * values[ii + 1, jj + 1])


def contour_segments(grid_x: np.ndarray, grid_y: np.ndarray, values: np.ndarray,
                     levels: np.ndarray) -> np.ndarray:
    """Marching squares: the contour lines of ``values`` (``[i, j]`` at
    ``(grid_x[i], grid_y[j])``) at ``levels``, as straight pieces of shape (M, 2, 2).

    A corner counts as above a level when its value is at least the level. Each cell edge
    whose corners differ is crossed where the linear interpolation meets the level; a cell
    has 0, 2 or 4 crossings. With 4 (a saddle) the mean of the corners decides which pair
    of corners the lines separate.
    """
    x0, x1 = grid_x[:-1, None], grid_x[1:, None]
    y0, y1 = grid_y[None, :-1], grid_y[None, 1:]
    # Corners counter-clockwise from the lower left, and the edges between them:
    # edge k runs from corner k to corner k + 1 (mod 4).
    corners = [values[:-1, :-1], values[1:, :-1], values[1:, 1:], values[:-1, 1:]]
    corner_x = [x0, x1, x1, x0]
    corner_y = [y0, y0, y1, y1]
    shape = corners[0].shape
    pieces = []
    for level in levels:
        above = [c >= level for c in corners]
        crossed, points = [], []
        for k in range(4):
            a, b = corners[k], corners[(k + 1) % 4]
            with np.errstate(divide="ignore", invalid="ignore"):
                t = np.clip((level - a) / (b - a), 0.0, 1.0)
            px = corner_x[k] + t * (corner_x[(k + 1) % 4] - corner_x[k])
            py = corner_y[k] + t * (corner_y[(k + 1) % 4] - corner_y[k])
            crossed.append(above[k] != above[(k + 1) % 4])
            points.append(np.stack(np.broadcast_arrays(px, py), axis=-1).reshape(*shape, 2))
        crossed, points = np.stack(crossed), np.stack(points)  # (4, nx, ny), (4, nx, ny, 2)
        count = crossed.sum(axis=0)
        # Two crossings: join them.
        two = count == 2
        order = np.argsort(~crossed, axis=0, kind="stable")[:2]  # the crossed edges first
        first = np.take_along_axis(points, order[..., None], axis=0)
        pieces.append(np.stack([first[0][two], first[1][two]], axis=1))
        # Four crossings: cut off the two corners on the other side of the centre.
        four = count == 4
        if four.any():
            centre_above = (sum(corners) / 4 >= level)[four]
            # Corner k sits between edges k - 1 and k.
            for k in range(4):
                cut = above[k][four] != centre_above
                ends = np.stack([points[(k - 1) % 4][four], points[k][four]], axis=1)
                pieces.append(ends[cut])
    return np.concatenate(pieces) if pieces else np.zeros((0, 2, 2))


def _direction_and_step_range(direction: Sequence[float], alpha_range: Sequence[float],
                              name: str) -> tuple[np.ndarray, tuple[float, float]]:
    """The direction as an array and the step range as floats, refused if the direction is
    zero or the range empty."""
    vector = np.asarray(direction, dtype=float)
    low, high = (float(a) for a in alpha_range)
    if not np.any(vector != 0):
        raise ValueError(f"the direction {name} must be nonzero")
    if not low < high:
        raise ValueError(f"alpha_range = [{low:g}, {high:g}] must have low < high")
    return vector, (low, high)


def _contour_levels(values: np.ndarray) -> np.ndarray:
    """Evenly spaced levels strictly between the 2nd and the 98th percentile of the grid
    values (a level at a percentile itself would trace the corners of a function that is
    flat over most of the square, such as exp(-x**2 - y**2))."""
    low, high = np.quantile(values, [0.02, 0.98])
    if high - low <= 1e-12 * max(1.0, abs(low), abs(high)):
        low, high = _plot_limits(values)
    return np.linspace(low, high, CONTOUR_LEVELS + 2)[1:-1]


def _value_gradient_hvp(expression: Expression, points: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``[f, df/dx, df/dy, (H v)_x, (H v)_y]`` at points of shape (N, 2), shape (N, 5).

    Points do not interact, so one backward pass of ``sum f`` gives every gradient and one
    of ``sum (grad f . v)`` every ``H v``.
    """
    import torch

    tensor = _torch_float64(points).requires_grad_(True)
    value = expression.torch(tensor[:, 0], tensor[:, 1])
    (gradient,) = _gradients(value.sum(), (tensor,), create_graph=True)
    (hessian_v,) = _gradients((gradient @ _torch_float64(v)).sum(), (tensor,))
    return torch.cat([value.detach()[:, None], gradient.detach(), hessian_v], dim=1).numpy()


def _grid_half_width(direction: Sequence[float], alpha_range: Sequence[float]) -> float:
    """Half the side of the square contour grid around the point: the reach of the slice
    and of the arrow ``v`` along an axis, plus 25 %, and at least 0.5."""
    reach = max(1.0, *(abs(a) for a in alpha_range)) * max(abs(c) for c in direction)
    return max(1.25 * reach, 0.5)


def jvp_hvp(
    f: str,
    point: Sequence[float],
    direction: Sequence[float],
    alpha_range: Sequence[float],
) -> JvpHvp:
    """Gradient, JVP and HVP of ``f(x, y)`` at ``point`` along ``direction``.

    Parameters
    ----------
    f
        Expression in ``x`` and ``y`` (``"(x**2 + y**2) + 0.5*x*y**3"``).
    point
        ``(x0, y0)``.
    direction
        ``v``, nonzero, used as given (not normalised), as the lecture does.
    alpha_range
        ``(low, high)`` of the step ``alpha`` along ``v``.

    Returns
    -------
    JvpHvp
        ``hvp = H v`` is the gradient of ``grad f . v`` (double backward, Pearlmutter's
        trick): two gradient-sized passes, the Hessian is never formed.
        The Taylor curves are ``f + alpha g.v`` and ``f + alpha g.v + alpha^2/2 v.Hv``.
        The contour grid is a square around the point that holds the whole slice and the
        arrow from the point to ``point + v``; the contour lines come from marching squares
        on it.

    Raises
    ------
    NotComputable
        If ``f``, its gradient or ``H v`` is not finite (or beyond ``+-MAX_MAGNITUDE``) at
        the point, on the grid or on the slice, or a Taylor curve is beyond it.
    ValueError
        If ``v`` is zero or the alpha range is empty.
    """
    point_array = np.asarray(point, dtype=float)
    v, (low, high) = _direction_and_step_range(direction, alpha_range, "v")
    expression = parse(f, ("x", "y"))

    half = _grid_half_width(v, (low, high))
    grid_x = np.linspace(point_array[0] - half, point_array[0] + half, CONTOUR_GRID_POINTS)
    grid_y = np.linspace(point_array[1] - half, point_array[1] + half, CONTOUR_GRID_POINTS)
    mesh_x, mesh_y = np.meshgrid(grid_x, grid_y, indexing="ij")
    alphas = np.linspace(low, high, SLICE_POINTS)
    slice_points = point_array + alphas[:, None] * v
    at = np.concatenate([point_array[None, :], np.stack([mesh_x.ravel(), mesh_y.ravel()], 1),
                         slice_points])
    # One batched pass: the point, the contour grid and the slice.
    results = _value_gradient_hvp(expression, at, v)
    _require_bounded("f", results[:, 0], at, "(x, y)")
    _require_bounded("the gradient of f", results[:, 1:3], at, "(x, y)")
    _require_bounded("H v", results[:, 3:5], at, "(x, y)")

    value, gradient, hessian_v = results[0, 0], results[0, 1:3], results[0, 3:5]
    directional_derivative = float(gradient @ v)
    directional_curvature = float(v @ hessian_v)
    f_true = results[-SLICE_POINTS:, 0]
    f_linear = value + alphas * directional_derivative
    f_quadratic = f_linear + 0.5 * alphas**2 * directional_curvature
    curves = np.concatenate([f_true, f_linear, f_quadratic])
    _require_bounded("a Taylor curve", curves, np.tile(alphas, 3), "alpha")
    scale = max(np.abs(f_true - f_linear).max(), abs(value), 1e-300)
    quadratic_exact = bool(np.abs(f_true - f_quadratic).max() <= QUADRATIC_TOLERANCE * scale)
    grid = results[1:-SLICE_POINTS]
    shape = (CONTOUR_GRID_POINTS, CONTOUR_GRID_POINTS)
    grid_values = grid[:, 0].reshape(shape)
    levels = _contour_levels(grid[:, 0])
    return JvpHvp(
        gradient=gradient,
        directional_derivative=directional_derivative,
        hvp=hessian_v,
        directional_curvature=directional_curvature,
        alphas=alphas,
        f_true=f_true,
        f_linear=f_linear,
        f_quadratic=f_quadratic,
        quadratic_exact=quadratic_exact,
        point=point_array,
        direction=v,
        value=float(value),
        slice_points=slice_points,
        slice_limits=_plot_limits(curves),
        grid_x=grid_x,
        grid_y=grid_y,
        grid_values=grid_values,
        grid_gradient=grid[:, 1:3].reshape(*shape, 2),
        contour_levels=levels,
        contour_segments=contour_segments(grid_x, grid_y, grid_values, levels),
    )


# --------------------------------------------------------------------------------------
# A small tanh network: input JVP, parameter JVP and HVP
# --------------------------------------------------------------------------------------

PARAM_NAMES = ("W1", "b1", "W2", "b2")
"""The network's parameter tensors in ``nn.Sequential(Linear(2, 4), Tanh(), Linear(4, 1))``
order: ``0.weight``, ``0.bias``, ``2.weight``, ``2.bias``."""


@dataclass(frozen=True)
class NnLinearization:
    """A seeded 2-4-1 tanh network: its linearization in the input and its parameter JVP/HVP."""

    alphas: np.ndarray  # shape: (SLICE_POINTS,), linspace over alpha_range
    output: np.ndarray  # shape: (SLICE_POINTS,), net(x0 + alpha d)
    linearized: np.ndarray  # shape: (SLICE_POINTS,), net(x0) + alpha J d
    jvp: float  # J d, the input JVP at x0
    param_jvp_norms: np.ndarray  # shape: (4,), ||dy/dtheta_i * u_i|| per parameter tensor
    param_hvp_norms: np.ndarray  # shape: (4,), ||(H u)_i|| per parameter tensor
    x0: np.ndarray = internal()  # shape: (2,), the input the line runs through
    direction: np.ndarray = internal()  # shape: (2,), d as given
    output_at_x0: float = internal()  # net(x0)
    output_limits: np.ndarray = internal()  # shape: (2,), [low, high] of output and linearized
    param_names: tuple[str, ...] = internal()  # ("W1", "b1", "W2", "b2")
    param_shapes: tuple[tuple[int, ...], ...] = internal()  # ((4, 2), (4,), (1, 4), (1,))
    param_input: np.ndarray = internal()  # shape: (2,), the input of the parameter JVP/HVP
    param_directional_derivative: float = internal()  # dy/dtheta . u, all tensors together
    W1: np.ndarray = internal()  # shape: (4, 2)
    b1: np.ndarray = internal()  # shape: (4,)
    W2: np.ndarray = internal()  # shape: (1, 4)
    b2: np.ndarray = internal()  # shape: (1,)
    n_parameters: int = internal()  # P = 17
    hessian_entries: int = internal()  # P^2, numbers in the full Hessian over the parameters
    hvp_entries: int = internal()  # P, numbers in one HVP
    hvp_cost_in_gradients: int = internal()  # about 2 gradient evaluations per HVP
    large_network_parameters: int = internal()  # LARGE_NETWORK_PARAMETERS
    large_hessian_entries: float = internal()  # its P^2 (1e18)
    large_hessian_bytes: float = internal()  # its Hessian in float32 (4e18 bytes)


def _network_output(params: tuple, x):
    """The 2-4-1 network for inputs of shape (..., 2), squeezed to (...)."""
    return tanh_network(params, x).squeeze(-1)


def nn_linearization(
    torch_seed: int,
    direction: Sequence[float],
    alpha_range: Sequence[float],
    source_draws: int = SOURCE_DRAWS_BEFORE_NETWORK,
) -> NnLinearization:
    """Linearize a seeded 2-4-1 tanh network along an input line; JVP/HVP in its parameters.

    The draws follow the lecture, from a local ``torch.Generator`` (the global torch RNG is
    neither read nor changed): after ``manual_seed(torch_seed)`` and ``source_draws`` uniform
    draws, the network's layers as ``nn.Linear`` initialises them; an input ``x`` (randn);
    a parameter direction ``u`` (randn, tensor by tensor); the input ``x0`` of the
    linearization (randn).

    Parameters
    ----------
    torch_seed
        Seed of the generator (42 in the lecture).
    direction
        Input direction ``d`` (nonzero, used as given).
    alpha_range
        ``(low, high)`` of the step along ``d``.
    source_draws
        Uniform draws discarded after seeding (``SOURCE_DRAWS_BEFORE_NETWORK`` reproduces the
        lecture's printed numbers).

    Returns
    -------
    NnLinearization
        ``output`` and ``linearized`` along ``x0 + alpha d`` and the JVP ``J d`` at ``x0``
        (for a scalar output, the input gradient dotted with ``d``). For the output at
        ``x`` and each parameter tensor ``i``: the norm of its JVP contribution
        ``dy/dtheta_i * u_i`` (elementwise, as the lecture prints it; the contributions sum
        to ``dy/dtheta . u``) and the norm of its block of ``H u`` (double backward, as the
        lecture does). The output bias enters linearly, so its HVP block is exactly 0 (the
        lecture prints nan there: autograd returns None for it).

    Raises
    ------
    ValueError
        If ``d`` is zero or the alpha range is empty.
    """
    import torch

    d, (low, high) = _direction_and_step_range(direction, alpha_range, "d")

    generator = torch.Generator().manual_seed(int(torch_seed))
    torch.rand(source_draws, generator=generator)
    layers = (*linear_layer(2, 4, generator), *linear_layer(4, 1, generator))
    x = torch.randn(1, 2, generator=generator)
    u = tuple(torch.randn(p.shape, generator=generator) for p in layers)
    x0 = torch.randn(1, 2, generator=generator)
    # The draws are float32, as in the lecture; everything after them is float64.
    params = tuple(p.double().requires_grad_(True) for p in layers)
    u = tuple(t.double() for t in u)

    output_at_x = _network_output(params, x.double()).sum()
    param_gradient = _gradients(output_at_x, params, create_graph=True)
    contributions = [(g * ui).detach() for g, ui in zip(param_gradient, u)]
    directional = sum((g * ui).sum() for g, ui in zip(param_gradient, u))
    param_hvp = _gradients(directional, params)
    params = tuple(p.detach() for p in params)

    x0_vector = x0.double().reshape(2).requires_grad_(True)
    d_tensor = _torch_float64(d)
    output_at_x0 = _network_output(params, x0_vector)
    (input_gradient,) = _gradients(output_at_x0, (x0_vector,))
    slope = float(input_gradient @ d_tensor)
    output_at_x0, x0_vector = float(output_at_x0.detach()), x0_vector.detach()
    alphas = np.linspace(low, high, SLICE_POINTS)
    line = x0_vector + _torch_float64(alphas)[:, None] * d_tensor
    output = _network_output(params, line).numpy()
    linearized = output_at_x0 + alphas * slope

    n_parameters = sum(p.numel() for p in params)
    weights = {name: p.numpy() for name, p in zip(PARAM_NAMES, params)}
    return NnLinearization(
        alphas=alphas,
        output=output,
        linearized=linearized,
        jvp=slope,
        param_jvp_norms=np.array([float(c.norm()) for c in contributions]),
        param_hvp_norms=np.array([float(h.norm()) for h in param_hvp]),
        x0=x0_vector.numpy(),
        direction=d,
        output_at_x0=output_at_x0,
        output_limits=_plot_limits(np.concatenate([output, linearized])),
        param_names=PARAM_NAMES,
        param_shapes=tuple(tuple(p.shape) for p in params),
        param_input=x.double().reshape(2).numpy(),
        param_directional_derivative=float(directional.detach()),
        **weights,
        n_parameters=n_parameters,
        hessian_entries=n_parameters**2,
        hvp_entries=n_parameters,
        hvp_cost_in_gradients=HVP_COST_IN_GRADIENTS,
        large_network_parameters=LARGE_NETWORK_PARAMETERS,
        large_hessian_entries=float(LARGE_NETWORK_PARAMETERS) ** 2,
        large_hessian_bytes=float(LARGE_NETWORK_PARAMETERS) ** 2 * FLOAT32_BYTES,
    )
