"""Pieces shared by the linear-algebra scenes: figures of plane segments carried by a 2x2
map (grids, circles, lines dashed on screen by the theme), and arrows drawn as one path
each.

Everything that moves is one VMobject whose points are re-set by an updater, so a frame
costs a few paths however fine the grid or the circle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from manim import Mobject, VMobject

from scenes.theme.dashes import Dash, stroke_points
from scenes.theme.shapes import PlaneView, Segments, Window, clip_segments

__all__ = [
    "arrow_points", "closed_polyline", "parked", "mapped_points", "polyline_segments",
    "set_arrow", "set_mapped",
]

Matrix2 = np.ndarray  # shape: (2, 2)


def polyline_segments(points: np.ndarray, closed: bool = True) -> Segments:
    """Consecutive points as segments (the last back to the first if ``closed``)."""
    points = np.asarray(points, float)
    ends = np.roll(points, -1, axis=0) if closed else points[1:]
    return (points if closed else points[:-1]), ends


def closed_polyline(points: np.ndarray) -> np.ndarray:
    """The points with the first repeated at the end: a closed outline for corners."""
    return np.vstack([points, points[:1]])


def mapped_points(segments: Segments, matrix: Matrix2, view: PlaneView,
                  window: Window | None = None, dash: Dash | None = None) -> np.ndarray:
    """Bezier points of the segments carried by ``matrix``, clipped to ``window``, and
    dashed on screen by ``dash`` (the theme's length for the figure's meaning).

    Consecutive segments that meet form one subpath, so a closed outline can be filled.
    """
    starts, ends = segments
    a, b = view.to_screen(starts @ matrix.T), view.to_screen(ends @ matrix.T)
    if window is not None:
        a, b = clip_segments(a, b, window.low, window.high)
    return stroke_points(a, b, dash)


def set_mapped(mobject: VMobject, segments: Segments, matrix: Matrix2, view: PlaneView,
               window: Window | None = None, dash: Dash | None = None) -> VMobject:
    """Set ``mobject``'s points to :func:`mapped_points` once (a figure that stays still;
    one that moves is ``follow(mobject, lambda: mapped_points(...), bezier=True)``)."""
    mobject.set_points(mapped_points(segments, matrix, view, window, dash))
    return mobject


@contextmanager
def parked(*mobjects: Mobject) -> Iterator[None]:
    """Take the updaters off ``mobjects`` (and their families) for the block, and put them
    back after it.

    A mobject with an updater is redrawn on every frame even when nothing it follows
    changes; parked, it is drawn once into the static frame. Use it around steps in which
    the parked figures stand still (a label fading in beside them).
    """
    saved = [(member, list(member.updaters)) for mobject in mobjects
             for member in mobject.get_family() if member.updaters]
    for member, _ in saved:
        member.clear_updaters()
    try:
        yield
    finally:
        for member, updaters in saved:
            for updater in updaters:
                member.add_updater(updater)


# --------------------------------------------------------------------------------------
# Arrows as one filled path
# --------------------------------------------------------------------------------------


def arrow_points(start: np.ndarray, end: np.ndarray, width: float = 0.05,
                 tip_length: float = 0.24, tip_width: float = 0.22) -> np.ndarray:
    """Corners of an arrow from ``start`` to ``end`` (screen points) as one closed outline.

    Shorter arrows get proportionally smaller tips; a zero-length arrow is a point.
    """
    start, end = np.asarray(start, float)[:2], np.asarray(end, float)[:2]
    length = float(np.linalg.norm(end - start))
    if length < 1e-9:
        return np.tile(np.append(start, 0.0), (8, 1))
    along = (end - start) / length
    across = np.array([-along[1], along[0]])
    tip = min(tip_length, 0.45 * length)
    head = tip_width * tip / tip_length
    shaft = min(width, head * 0.5) / 2
    base = end - tip * along
    corners = [start + shaft * across, base + shaft * across, base + head / 2 * across, end,
               base - head / 2 * across, base - shaft * across, start - shaft * across,
               start + shaft * across]
    return np.column_stack([np.array(corners), np.zeros(8)])


def set_arrow(mobject: VMobject, start: np.ndarray, end: np.ndarray, **kwargs: Any) -> VMobject:
    """Re-set a filled VMobject to the arrow from ``start`` to ``end``."""
    mobject.set_points_as_corners(arrow_points(start, end, **kwargs))
    return mobject
