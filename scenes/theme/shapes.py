"""Shapes made of many parts, each drawn as one mobject: dot clouds, segments, heat maps;
and a view of the plane for scenes that map it.

Cairo fills one compound path far faster than many small mobjects, so a cloud of a
thousand draws or a grid of sixty lines is a single VMobject whose points are set at once,
and a heat map is one image.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import (
    DR, RESAMPLING_ALGORITHMS, RIGHT, UP, Group, ImageMobject, MathTex, Mobject, VGroup,
    VMobject, config,
)
from manim.camera.camera import Camera

from scenes.theme.layout import nice_ceiling, tick_tex
from scenes.theme.palette import GRID, LABEL_SIZE, SAMPLE, TICK_SIZE

__all__ = [
    "PlaneView", "Window", "axis_lines", "clip_segments", "dot_cloud_points", "get_dot_cloud",
    "get_heat_image", "get_segments", "get_still", "grid_lines", "heat_colors", "make_color_bar",
    "rect_points", "segment_points", "square_points",
]

Segments = tuple[np.ndarray, np.ndarray]  # starts, ends in plane units; shapes (N, 2)


_KAPPA = 0.5523  # cubic Bezier handle length that approximates a quarter circle


def _dot_template(radius: float) -> np.ndarray:
    """Four cubic curves around the origin, shape (16, 3): one filled round dot."""
    anchors = np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=float)
    tangents = np.array([[0, 1], [-1, 0], [0, -1], [1, 0], [0, 1]], dtype=float)
    curves = [np.array([anchors[i], anchors[i] + _KAPPA * tangents[i],
                        anchors[i + 1] - _KAPPA * tangents[i + 1], anchors[i + 1]])
              for i in range(4)]
    template = np.zeros((16, 3))
    template[:, :2] = radius * np.concatenate(curves)
    return template


def dot_cloud_points(centers: np.ndarray, radius: float) -> np.ndarray:
    """Bezier points of round dots at ``centers`` (shape (N, 3)), as one compound path."""
    centers = np.asarray(centers, dtype=float).reshape(-1, 3)
    return (centers[:, None, :] + _dot_template(radius)[None, :, :]).reshape(-1, 3)


def get_dot_cloud(centers: np.ndarray, radius: float = 0.035, color: Any = SAMPLE,
                  opacity: float = 0.9) -> VMobject:
    """Many samples as one VMobject; move them with ``set_points(dot_cloud_points(...))``."""
    cloud = VMobject(fill_color=color, fill_opacity=opacity, stroke_width=0)
    cloud.set_points(dot_cloud_points(centers, radius))
    return cloud


def segment_points(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Straight segments (shapes (N, 3)) as Bezier points of one compound path."""
    starts, ends = np.asarray(starts, float), np.asarray(ends, float)
    curves = np.stack([starts, (2 * starts + ends) / 3, (starts + 2 * ends) / 3, ends], axis=1)
    return curves.reshape(-1, 3)


def rect_points(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The one rectangle path: axis-aligned rectangles from lower-left corners ``low`` to
    upper-right corners ``high`` (screen points, shapes (N, 3)) as one compound path, each
    closed and run anticlockwise from its lower-left corner (bars, boxes, cells)."""
    low, high = np.asarray(low, float).reshape(-1, 3), np.asarray(high, float).reshape(-1, 3)
    corners = np.stack([low, np.column_stack([high[:, 0], low[:, 1], low[:, 2]]), high,
                        np.column_stack([low[:, 0], high[:, 1], low[:, 2]]), low], axis=1)
    return segment_points(corners[:, :-1].reshape(-1, 3), corners[:, 1:].reshape(-1, 3))


def square_points(centers: np.ndarray, side: float) -> np.ndarray:
    """:func:`rect_points` of squares of ``side`` at screen ``centers`` (N, 3)."""
    centers = np.asarray(centers, float).reshape(-1, 3)
    half = np.array([side / 2, side / 2, 0.0])
    return rect_points(centers - half, centers + half)


def clip_segments(starts: np.ndarray, ends: np.ndarray, low: np.ndarray,
                  high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The parts of segments inside the box ``low <= (x, y) <= high`` (Liang-Barsky).

    Segments wholly outside are dropped, so lines stop at a plot window's edge.
    """
    starts, ends = np.asarray(starts, float), np.asarray(ends, float)
    delta = ends - starts
    t_in, t_out = np.zeros(len(starts)), np.ones(len(starts))
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis in (0, 1):
            d = delta[:, axis]
            t_low = (low[axis] - starts[:, axis]) / d
            t_high = (high[axis] - starts[:, axis]) / d
            flat = d == 0
            outside = flat & ((starts[:, axis] < low[axis]) | (starts[:, axis] > high[axis]))
            t_in = np.where(flat, t_in, np.maximum(t_in, np.minimum(t_low, t_high)))
            t_out = np.where(flat, t_out, np.minimum(t_out, np.maximum(t_low, t_high)))
            t_out = np.where(outside, -1.0, t_out)
    keep = t_in < t_out
    return (starts[keep] + t_in[keep, None] * delta[keep],
            starts[keep] + t_out[keep, None] * delta[keep])


def get_segments(color: Any = GRID, stroke_width: float = 1.5, opacity: float = 1.0,
                 points: np.ndarray | None = None) -> VMobject:
    """Many straight segments (grid lines) as one VMobject, given as :func:`segment_points`
    (none yet: a mover fills them in with ``set_points``)."""
    lines = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity,
                     fill_opacity=0)
    lines.set_points(np.zeros((0, 3)) if points is None else points)
    return lines


@dataclass(frozen=True)
class PlaneView:
    """A window on the plane: ``unit`` screen units per plane unit, plane (0, 0) at ``origin``."""

    origin: np.ndarray  # shape (3,), screen point of the plane's origin
    unit: float

    def to_screen(self, points: np.ndarray) -> np.ndarray:
        """Plane points (N, 2), or one point (2,), as screen points (N, 3)."""
        points = np.atleast_2d(points)
        return self.origin + self.unit * np.column_stack([points, np.zeros(len(points))])

    def to_plane(self, point: np.ndarray) -> np.ndarray:
        """A screen point as a plane point (2,)."""
        return (np.asarray(point)[:2] - self.origin[:2]) / self.unit


@dataclass(frozen=True, eq=False)
class Window:
    """A rectangle of the screen (``low``, ``high`` corners, shape (2,)) that a picture is
    drawn in and clipped to: the plane (:meth:`view`, :func:`grid_lines`) or a plot's data
    range (:meth:`of_plot`, then :meth:`to_screen` maps data to screen)."""

    low: np.ndarray
    high: np.ndarray
    axes: Any = None  # a plot's axes (coords_to_point), for to_screen
    x_range: tuple[float, float] = (0.0, 1.0)
    y_range: tuple[float, float] = (0.0, 1.0)

    @classmethod
    def of_plot(cls, axes: Any, x_range: Sequence[float], y_range: Sequence[float]) -> Window:
        """The window of the data rectangle ``x_range x y_range`` on ``axes``."""
        return cls(axes.c2p(x_range[0], y_range[0])[:2], axes.c2p(x_range[1], y_range[1])[:2],
                   axes, tuple(x_range), tuple(y_range))

    @property
    def center(self) -> np.ndarray:
        return np.append((self.low + self.high) / 2, 0.0)

    @property
    def half(self) -> np.ndarray:
        return (self.high - self.low) / 2

    def view(self, reach: float, margin: float = 1.25) -> PlaneView:
        """Plane origin at the centre; a disc of radius ``margin * reach`` just fits."""
        return PlaneView(self.center, float(self.half.min() / (margin * reach)))

    def plane_half(self, view: PlaneView) -> np.ndarray:
        """Half-width and half-height of the window in plane units."""
        return self.half / view.unit

    def inside(self, box: Sequence[float], margin: float = 0.0) -> bool:
        """Whether a box (x0, y0, x1, y1) lies in the window, ``margin`` in from its edges."""
        x0, y0, x1, y1 = box
        return (x0 >= self.low[0] + margin and y0 >= self.low[1] + margin
                and x1 <= self.high[0] - margin and y1 <= self.high[1] - margin)

    def to_screen(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """A plot's data points as screen points, shape (N, 3) (N may be 0)."""
        xs, ys = np.asarray(xs, float).ravel(), np.asarray(ys, float).ravel()
        if not len(xs):
            return np.zeros((0, 3))
        return self.axes.c2p(xs, ys).T.reshape(-1, 3)

    def clip_y(self, ys: np.ndarray) -> np.ndarray:
        return np.clip(ys, *self.y_range)

    def units(self) -> np.ndarray:
        """Screen units per data unit along x and y."""
        return (self.high - self.low) / (self.x_range[1] - self.x_range[0],
                                         self.y_range[1] - self.y_range[0])


def grid_lines(window: Window, view: PlaneView, lines_per_half: float = 5) -> Segments:
    """Grid lines at a round step that cover the window even after any rotation."""
    half = window.plane_half(view)
    step = nice_ceiling(float(half.max()) / lines_per_half)
    reach = math.ceil(float(np.linalg.norm(half)) / step) * step
    k = np.arange(-reach, reach + step / 2, step)
    fixed = np.full_like(k, reach)
    starts = np.concatenate([np.stack([k, -fixed], 1), np.stack([-fixed, k], 1)])
    ends = np.concatenate([np.stack([k, fixed], 1), np.stack([fixed, k], 1)])
    return starts, ends


def axis_lines(grid: Segments) -> Segments:
    """The two lines of a :func:`grid_lines` grid that are the coordinate axes."""
    starts, ends = grid
    on_axis = np.any((starts == 0) & (ends == 0), axis=1)
    return starts[on_axis], ends[on_axis]


# Viridis (the lecture source's colour map) at nine evenly spaced stops.
_VIRIDIS = np.array([
    [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
    [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
]) / 255.0


def heat_colors(fraction: np.ndarray) -> np.ndarray:
    """Viridis RGB in [0, 1] for values in [0, 1] (clipped), shape (..., 3)."""
    position = np.clip(np.asarray(fraction, float), 0, 1) * (len(_VIRIDIS) - 1)
    low = np.minimum(np.floor(position).astype(int), len(_VIRIDIS) - 2)
    weight = (position - low)[..., None]
    return (1 - weight) * _VIRIDIS[low] + weight * _VIRIDIS[low + 1]


def get_heat_image(fraction: np.ndarray, width: float, height: float,
                   smooth: bool = False) -> ImageMobject:
    """A heat map, ``fraction[row, col]`` in [0, 1] coloured by viridis (row 0 on top), as
    one image of ``width`` x ``height``: cheap to draw however fine the grid. ``smooth``
    blends between cells (a density); otherwise each cell is a flat block (a field on a grid).
    """
    pixels = np.round(255 * heat_colors(np.clip(np.asarray(fraction, float), 0, 1)))
    image = ImageMobject(pixels.astype(np.uint8))
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear" if smooth else "nearest"])
    image.stretch_to_fit_width(width)
    image.stretch_to_fit_height(height)
    return image


def get_still(mobject: Mobject) -> ImageMobject:
    """``mobject`` drawn once, at the output's pixels, as an image in its place: what does
    not change while it fades in costs one Cairo drawing instead of one a frame, and a copy
    of a few pixels instead of a deep copy of its glyphs. The image covers the box of the
    drawn pixels, placed pixel for pixel (nearest resampling), so the fade ends on what the
    vector form shows (its antialiased edges within a few levels)."""
    camera = Camera(background_opacity=0)
    camera.capture_mobject(mobject)
    drawn = camera.get_image()
    box = drawn.getbbox(alpha_only=True) or (0, 0, 1, 1)
    left, top, right, bottom = box
    image = ImageMobject(np.asarray(drawn.crop(box)), scale_to_resolution=config.pixel_height)
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    across, down = (left + right) / 2 / config.pixel_width, (top + bottom) / 2 / config.pixel_height
    return image.move_to([(across - 0.5) * config.frame_width,
                          (0.5 - down) * config.frame_height, 0])


def make_color_bar(top: float, label: str, height: float, ticks: Sequence[float]) -> Group:
    """A vertical viridis bar from 0 to ``top``: the bar, its tick labels, a MathTex title."""
    bar = get_heat_image(np.linspace(1, 0, 256)[:, None], 0.3, height, smooth=True)
    labels = VGroup()
    for value in ticks:
        tick = MathTex(tick_tex(value), font_size=TICK_SIZE)
        tick.next_to(bar.get_corner(DR) + (value / top) * height * UP, RIGHT, buff=0.12)
        labels.add(tick)
    title = MathTex(label, font_size=LABEL_SIZE).next_to(bar, UP, buff=0.2)
    return Group(bar, labels, title)
