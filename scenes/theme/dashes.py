"""Dashed curves: one dash style per meaning, measured on screen, drawn by one function.

A dash pattern says what a curve is (the second route to the same answer, a reference
level, a guide for the eye, the second-order term), so each meaning has one
:class:`Dash` and every scene draws it with :func:`dashed_points` or :func:`get_dashed`.
Lengths are screen units along the curve, wherever it lies and however it is sampled:
a dash bends with the curve, and a curve cut by a plot window keeps counting across the
cut. The result is one compound path (one VMobject), cheap to re-set every frame, where
Manim's DashedVMobject makes a mobject per dash and spaces a fixed number of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import VMobject

from scenes.theme.shapes import segment_points

__all__ = [
    "GUIDE_DASH", "REFERENCE_DASH", "SECOND_ORDER_DASH", "SECOND_ROUTE_DASH", "Dash",
    "dash_segments", "dashed_points", "get_dashed", "stroke_points",
]


@dataclass(frozen=True)
class Dash:
    """A dash pattern: ``length`` on, ``gap`` off, screen units along the curve."""

    length: float
    gap: float

    @property
    def period(self) -> float:
        return self.length + self.gap


SECOND_ROUTE_DASH = Dash(0.15, 0.09)
"""The second route to the same curve (a grid sum, a linearisation, the change of variables)."""

REFERENCE_DASH = Dash(0.1, 0.08)
"""A line to compare with: a true value, a rate, the curve before a change, zero."""

GUIDE_DASH = Dash(0.06, 0.08)
"""A faint guide for the eye: where a slice is cut, a level carried across."""

SECOND_ORDER_DASH = Dash(0.05, 0.09)
"""The second-order Taylor curve, nearly dotted beside the first order's longer dashes."""


def dash_segments(starts: np.ndarray, ends: np.ndarray, dash: Dash) -> np.ndarray:
    """Dashes along consecutive screen segments (shapes (N, 3)) as Bezier points.

    The pattern is measured along the segments in order, from the first start, and runs on
    across a jump between one segment's end and the next one's start (a curve clipped by a
    window), so dashes keep their place as a curve grows at its head. A dash that spans
    several segments is several pieces of one subpath.
    """
    starts, ends = np.asarray(starts, float).reshape(-1, 3), np.asarray(ends, float).reshape(-1, 3)
    lengths = np.linalg.norm(ends - starts, axis=1)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    total = along[-1]
    if not total > 0:
        return np.zeros((0, 3))
    marks = np.arange(np.ceil(total / dash.period) + 1) * dash.period
    cuts = np.unique(np.concatenate([along, marks, marks + dash.length]))
    cuts = cuts[cuts <= total]
    low, high = cuts[:-1], cuts[1:]
    middle = 0.5 * (low + high)
    keep = (np.mod(middle, dash.period) < dash.length) & (high > low)
    low, high, middle = low[keep], high[keep], middle[keep]
    owner = np.clip(np.searchsorted(along, middle, side="right") - 1, 0, len(lengths) - 1)
    size = np.maximum(lengths[owner], 1e-300)[:, None]
    direction = ends[owner] - starts[owner]
    return segment_points(starts[owner] + (low - along[owner])[:, None] / size * direction,
                          starts[owner] + (high - along[owner])[:, None] / size * direction)


def stroke_points(starts: np.ndarray, ends: np.ndarray, dash: Dash | None = None) -> np.ndarray:
    """Screen segments (shapes (N, 3)) as one compound path: solid, or dashed by ``dash``
    (:func:`dash_segments`). A figure carried by a map is dashed after it is carried, so
    its dashes keep their screen length however the map stretches it."""
    if len(starts) == 0:
        return np.zeros((0, 3))
    return segment_points(starts, ends) if dash is None else dash_segments(starts, ends, dash)


def dashed_points(points: np.ndarray, dash: Dash) -> np.ndarray:
    """A screen polyline (shape (N, 3)) as dashes: :func:`dash_segments` of its pieces."""
    points = np.asarray(points, float).reshape(-1, 3)
    if len(points) < 2:
        return np.zeros((0, 3))
    return dash_segments(points[:-1], points[1:], dash)


def get_dashed(points: np.ndarray, color: Any, dash: Dash, stroke_width: float = 3.0,
               opacity: float = 1.0) -> VMobject:
    """A dashed polyline through screen ``points`` as one VMobject (``set_points`` with
    :func:`dashed_points` to move it)."""
    curve = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity,
                     fill_opacity=0)
    curve.set_points(dashed_points(points, dash))
    return curve
