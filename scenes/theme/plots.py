"""Plots: axes with their labels, curves growing along a sweep, bands, histograms, legends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UP, Axes, Line, MathTex, Mobject, VGroup, VMobject,
)

from scenes.theme.dashes import REFERENCE_DASH, Dash, get_dashed
from scenes.theme.layout import clear_of, partial_polyline
from scenes.theme.palette import (
    AXIS, BAND_OPACITY, LABEL_SIZE, PLOT_HEIGHT, PLOT_WIDTH, REFERENCE, SAFE_X, SAFE_Y, SAMPLE,
    TICK_SIZE,
)

__all__ = [
    "AXIS_STYLE", "PlotAxes", "band_corners", "bar_points", "follow", "get_band",
    "get_dashed_line", "get_histogram", "get_polyline", "histogram_points", "line_swatch",
    "make_axes", "make_legend", "place_clear", "plot_box", "polyline_corners",
]


class PlotAxes(Axes):
    """Axes whose lines meet at the lower-left corner of the range, not at the origin.

    Manim draws each axis through zero; a plot of log10 error or of a mean near 1 needs
    its axes at the edges. Internally the range is shifted to start at 0;
    ``coords_to_point`` takes the plot's own coordinates (scalars or arrays).
    """

    def __init__(self, x_range: Sequence[float], y_range: Sequence[float], **kwargs: Any) -> None:
        self.x0, self.y0 = float(x_range[0]), float(y_range[0])
        super().__init__(x_range=[0, x_range[1] - self.x0], y_range=[0, y_range[1] - self.y0],
                         **kwargs)

    def coords_to_point(self, *coords: Any) -> np.ndarray:
        x, y = coords[0], coords[1]
        return super().coords_to_point(np.asarray(x, float) - self.x0, np.asarray(y, float) - self.y0)


AXIS_STYLE = {"color": AXIS, "stroke_width": 2, "include_ticks": False}
"""How every plot's axis lines look: tick labels are placed by hand, so no tick marks."""


def plot_box(x_range: Sequence[float], y_range: Sequence[float], width: float, height: float,
             corner: np.ndarray = ORIGIN) -> PlotAxes:
    """Axes filling a ``width`` x ``height`` box whose lower-left corner, the point
    ``(x_range[0], y_range[0])``, is at the screen point ``corner``; the one axis style."""
    axes = PlotAxes(x_range, y_range, x_length=width, y_length=height, tips=False,
                    axis_config=AXIS_STYLE)
    return axes.shift(np.asarray(corner, float) - axes.c2p(x_range[0], y_range[0]))


def make_axes(
    x_range: Sequence[float], y_range: Sequence[float], x_label: str, y_label: str,
    x_ticks: dict[float, str], y_ticks: dict[float, str], center: np.ndarray,
    width: float = PLOT_WIDTH, height: float = PLOT_HEIGHT,
) -> tuple[PlotAxes, VGroup]:
    """Axes with hand-placed tick labels (MathTex) and axis labels; returns (axes, labels).

    Log axes are drawn in log10 coordinates: pass log10 values and ``log_ticks`` labels.
    Labels that would stick out of the safe area (a long tick label at the left edge, say)
    make the plot narrower or shorter instead, its far side kept in place.
    """
    def build(width: float, height: float, center: np.ndarray) -> tuple[PlotAxes, VGroup]:
        axes = plot_box(x_range, y_range, width, height).move_to(center)
        labels = VGroup()
        for value, tex in x_ticks.items():
            labels.add(MathTex(tex, font_size=TICK_SIZE)
                       .next_to(axes.c2p(value, y_range[0]), DOWN, 0.15))
        for value, tex in y_ticks.items():
            labels.add(MathTex(tex, font_size=TICK_SIZE)
                       .next_to(axes.c2p(x_range[0], value), LEFT, 0.15))
        x_name = MathTex(x_label, font_size=LABEL_SIZE)
        x_name.next_to(axes.c2p(np.mean(x_range), y_range[0]), DOWN, buff=0.5)
        y_name = MathTex(y_label, font_size=LABEL_SIZE)
        y_name.next_to(axes.c2p(x_range[0], y_range[1]), UP, buff=0.15).align_to(axes, LEFT)
        labels.add(x_name, y_name)
        return axes, labels

    center = np.asarray(center, dtype=float)
    axes, labels = build(width, height, center)
    left = max(0.0, -SAFE_X - labels.get_left()[0])
    right = max(0.0, labels.get_right()[0] - SAFE_X)
    below = max(0.0, -SAFE_Y - labels.get_bottom()[1])
    if left or right or below:
        shift = np.array([(left - right) / 2, below / 2, 0.0])
        axes, labels = build(width - left - right, height - below, center + shift)
    return axes, labels


def polyline_corners(axes: Axes, xs: np.ndarray, ys: np.ndarray,
                     upto: float | None = None) -> np.ndarray:
    """Screen corners (shape (N, 3), N >= 2) of the polyline through (xs, ys) in axes
    coordinates, up to fractional index ``upto``."""
    if upto is not None:
        xs, ys = partial_polyline(xs, ys, upto)
    points = axes.c2p(np.asarray(xs, float), np.asarray(ys, float)).T
    return np.vstack([points, points]) if len(points) == 1 else points


def get_polyline(axes: Axes, xs: np.ndarray, ys: np.ndarray, upto: float | None = None,
                 color: Any = SAMPLE, stroke_width: float = 3) -> VMobject:
    """A polyline through (xs, ys) in axes coordinates, up to fractional index ``upto``."""
    line = VMobject(color=color, stroke_width=stroke_width)
    return line.set_points_as_corners(polyline_corners(axes, xs, ys, upto))


def follow(mobject: VMobject, corners: Callable[[], np.ndarray]) -> VMobject:
    """Keep ``mobject``'s outline on ``corners()`` (a closed form of a tracker) every frame.

    The one idiom for values that move: a persistent VMobject whose points an updater
    re-sets from the compute result at the tracker's position (a :class:`Sweep`), rather
    than ``always_redraw``, which builds and styles a new mobject every frame. Style set
    once stays, the mobject keeps its place in the scene, and ``freeze_movers`` stops it.
    """
    def update(m: VMobject) -> None:
        points = corners()
        if len(points):
            m.set_points_as_corners(points)
        else:
            m.set_points(np.zeros((0, 3)))

    mobject.add_updater(update)
    update(mobject)
    return mobject


def get_dashed_line(axes: Axes, xs: np.ndarray, ys: np.ndarray, color: Any = REFERENCE,
                    dash: Dash = REFERENCE_DASH, stroke_width: float = 2.5) -> VMobject:
    """A dashed polyline through (xs, ys) in axes coordinates (:func:`get_dashed`)."""
    return get_dashed(axes.c2p(np.asarray(xs, float), np.asarray(ys, float)).T, color, dash,
                      stroke_width)


def band_corners(axes: Axes, xs: np.ndarray, low: np.ndarray, high: np.ndarray,
                 upto: float | None = None) -> np.ndarray:
    """Closed outline (screen corners) of the band between two curves, up to fractional
    index ``upto``; empty before two points are in."""
    bx, bl = partial_polyline(xs, low, upto) if upto is not None else (xs, low)
    _, bh = partial_polyline(xs, high, upto) if upto is not None else (xs, high)
    if len(bx) < 2:
        return np.zeros((0, 3))
    corners = axes.c2p(np.concatenate([bx, bx[::-1]]), np.concatenate([bh, bl[::-1]])).T
    return np.vstack([corners, corners[:1]])


def get_band(axes: Axes, xs: np.ndarray, low: np.ndarray, high: np.ndarray,
             upto: float | None = None) -> VMobject:
    """A filled band between two curves (uncertainty), up to fractional index ``upto``."""
    band = VMobject(stroke_width=0, fill_color=SAMPLE, fill_opacity=BAND_OPACITY)
    corners = band_corners(axes, xs, low, high, upto)
    return band.set_points_as_corners(corners) if len(corners) else band


def bar_points(axes: Axes, lows: np.ndarray, highs: np.ndarray, heights: np.ndarray,
               sideways: bool = False) -> np.ndarray:
    """Corner points of bars from ``lows`` to ``highs`` (0 to ``heights`` tall), one closed
    subpath per bar.

    ``sideways`` lays the bars along the vertical axis (bins on y, heights to the right),
    for a density drawn beside a plot that shares its y axis.
    """
    lows, highs = np.asarray(lows, float), np.asarray(highs, float)
    heights = np.asarray(heights, float)
    zero = np.zeros_like(heights)
    along = np.stack([lows, lows, highs, highs, lows], axis=1).ravel()
    up = np.stack([zero, heights, heights, zero, zero], axis=1).ravel()
    xs, ys = (up, along) if sideways else (along, up)
    corners = axes.c2p(xs, ys).T.reshape(len(heights), 5, 3)
    # Each straight edge as a cubic Bezier with handles on the line: (anchor, 1/3, 2/3, anchor).
    starts, ends = corners[:, :-1], corners[:, 1:]
    curves = np.stack([starts, (2 * starts + ends) / 3, (starts + 2 * ends) / 3, ends], axis=2)
    return curves.reshape(-1, 3)


def histogram_points(axes: Axes, edges: np.ndarray, heights: np.ndarray,
                     sideways: bool = False) -> np.ndarray:
    """:func:`bar_points` of a histogram: bars between consecutive ``edges``."""
    edges = np.asarray(edges, float)
    return bar_points(axes, edges[:-1], edges[1:], heights, sideways)


def get_histogram(axes: Axes, edges: np.ndarray, heights: np.ndarray, sideways: bool = False,
                  color: Any = SAMPLE, opacity: float = 0.5) -> VMobject:
    """Histogram bars (fill ``color`` at ``opacity``) as one VMobject."""
    bars = VMobject(fill_color=color, fill_opacity=opacity, stroke_color=color,
                    stroke_width=1, stroke_opacity=0.9)
    bars.set_points(histogram_points(axes, edges, heights, sideways))
    return bars


def line_swatch(color: Any, dash: Dash | None = None) -> VMobject:
    """A short line in a curve's colour and dash, for a legend row."""
    if dash is not None:
        return get_dashed(np.array([ORIGIN, 0.6 * RIGHT]), color, dash)
    return Line(ORIGIN, 0.6 * RIGHT, color=color, stroke_width=3)


def make_legend(rows: Sequence[Mobject | tuple[Mobject, Mobject]], buff: float = 0.15
                ) -> VGroup:
    """Legend rows, left-aligned: a label, or a (swatch, label) pair side by side."""
    legend = VGroup()
    for row in rows:
        legend.add(VGroup(*row).arrange(RIGHT, buff=0.2) if isinstance(row, tuple) else row)
    return legend.arrange(DOWN, aligned_edge=LEFT, buff=buff)


def place_clear(label: Mobject, anchor: Mobject, axes: Axes,
                curves: list[tuple[np.ndarray, np.ndarray, bool]], avoid: Mobject) -> None:
    """Put ``label`` beside ``anchor`` where it crosses no curve and misses ``avoid``.

    Each curve is (xs, ys, filled) in axes coordinates (see :func:`layout.clear_of`).
    Candidates run outward to the right, then to the left, inside the axes; if none is
    clear the label goes just right of the anchor.
    """
    screen = []
    for xs, ys, filled in curves:
        points = axes.c2p(np.asarray(xs, float), np.asarray(ys, float))
        screen.append((points[0], points[1], filled))
    avoid_box = (*avoid.get_corner(DOWN + LEFT)[:2], *avoid.get_corner(UP + RIGHT)[:2])
    for direction in (RIGHT, LEFT):
        for extra in np.arange(0, 8, 0.15):
            label.next_to(anchor, direction, buff=0.2 + extra)
            box = (*label.get_corner(DOWN + LEFT)[:2], *label.get_corner(UP + RIGHT)[:2])
            if box[0] < axes.get_left()[0] + 0.2 or box[2] > axes.get_right()[0] + 0.3:
                break
            if clear_of(box, screen, avoid_box):
                return
    label.next_to(anchor, RIGHT, buff=0.2)
