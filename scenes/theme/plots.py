"""Plots: axes with their labels, curves growing along a sweep, bands, histograms, legends.

Two ways in to one plot vocabulary (the box, its axis style, its tick rows): :func:`make_axes`
for a plot centred at a point with hand-chosen ticks, drawn as Manim axes, and
:func:`make_plot` for a plot hung from its top-left corner with ticks for any range and a
:class:`~scenes.theme.shapes.Window` that maps its data to screen and clips curves to it.
Both keep their labels in the safe area by building again (:func:`fit_right_of` for plots
side by side)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UP, Axes, Line, MathTex, Mobject, VGroup, VMobject,
)

from scenes.theme.dashes import REFERENCE_DASH, Dash, dash_segments, get_dashed
from scenes.theme.labels import box_of, place_label
from scenes.theme.layout import (
    clear_of, distinct_labels, log_range, log_ticks, nice_ticks, partial_polyline,
)
from scenes.theme.palette import (
    AXIS, BAND_OPACITY, LABEL_SIZE, PLOT_HEIGHT, PLOT_WIDTH, REFERENCE, SAFE_X, SAFE_Y, SAMPLE,
    TICK_SIZE,
)
from scenes.theme.panel import merge_outlines
from scenes.theme.shapes import (
    Window, clip_segments, get_segments, rect_points, segment_points,
)

__all__ = [
    "AXIS_STYLE", "PlotAxes", "band_corners", "bar_points", "checkpoint_axes", "fit_right_of",
    "follow",
    "get_band", "get_dashed_line", "get_histogram", "get_polyline", "histogram_points",
    "line_swatch", "make_axes", "make_legend", "make_plot", "place_clear", "plot_box",
    "polyline_corners", "tick_column", "tick_row", "window_curve_points",
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
        labels = VGroup(*tick_row(axes, x_ticks, y_range[0], 0.15),
                        *tick_column(axes, y_ticks, x_range[0], 0.15))
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



def checkpoint_axes(n: np.ndarray, y_range: Sequence[float], y_label: str,
                    y_ticks: dict[float, str], center: np.ndarray) -> tuple[PlotAxes, VGroup]:
    """:func:`make_axes` with the checkpoints ``n`` along a log x axis (log10 units, ticks
    10^k)."""
    lo_n, hi_n = log_range(n)
    return make_axes([lo_n, hi_n], y_range, "N", y_label, log_ticks(lo_n, hi_n), y_ticks,
                     center)

def tick_row(axes: Axes, ticks: dict[float, str], y: float, buff: float = 0.12) -> VGroup:
    """Tick labels (TeX) under the points ``(value, y)`` of ``axes``."""
    return VGroup(*[MathTex(tex, font_size=TICK_SIZE).next_to(axes.c2p(value, y), DOWN, buff)
                    for value, tex in ticks.items()])


def tick_column(axes: Axes, ticks: dict[float, str], x: float, buff: float = 0.12) -> VGroup:
    """Tick labels (TeX) left of the points ``(x, value)`` of ``axes``."""
    return VGroup(*[MathTex(tex, font_size=TICK_SIZE).next_to(axes.c2p(x, value), LEFT, buff)
                    for value, tex in ticks.items()])


def make_plot(x_limits: Sequence[float], y_limits: Sequence[float], x_label: str,
              y_label: str, left: float, top: float, width: float, height: float,
              x_ticks: bool = True, pad: float | None = 0.06) -> tuple[PlotAxes, VGroup, Window]:
    """Axes whose top-left corner is at (left, top), with readable ticks for any range:
    ``(axes, VGroup(lines, labels), window)``; ``window`` maps data to screen and clips.

    ``axes`` only converts coordinates and is not drawn: the two axis lines are one
    VMobject and every tick label and name one merged outline, so a fade or a frame
    copies and fills two paths instead of a tree of number lines and glyphs.

    The y range is ``y_limits`` padded by ``pad`` and rounded out to nice ticks
    (``pad=None``: exactly ``y_limits``, for a map of the plane drawn to scale). Tick
    labels use as many digits as it takes to tell them apart, and powers of ten for huge
    values; ``x_ticks=False`` leaves the x ticks and name to a plot below that shares x.
    The y name sits above the axis, the x name at the right end under the ticks.
    """
    x_low, x_high = (float(v) for v in x_limits)
    y_low, y_high = (float(v) for v in y_limits)
    if pad is None:
        y_ticks = [t for t in nice_ticks(y_low, y_high, 4)[2] if y_low <= t <= y_high]
    else:
        spread = y_high - y_low
        y_low, y_high, y_ticks = nice_ticks(y_low - pad * spread, y_high + pad * spread, 4)
    _, _, x_ticks_at = nice_ticks(x_low, x_high, 5)
    x_ticks_at = [t for t in x_ticks_at if x_low <= t <= x_high]
    axes = plot_box([x_low, x_high], [y_low, y_high], width, height, [left, top - height, 0])
    labels = VGroup(*tick_column(axes, distinct_labels(y_ticks, 3), x_low))
    if x_ticks:
        labels.add(*tick_row(axes, distinct_labels(x_ticks_at, 3), y_low))
        x_name = MathTex(x_label, font_size=LABEL_SIZE)
        x_name.next_to(axes.c2p(x_high, y_low), DOWN, buff=0.45).align_to(axes, RIGHT)
        labels.add(x_name)
    y_name = MathTex(y_label, font_size=LABEL_SIZE)
    if y_name.width > width:
        y_name.scale_to_fit_width(width)
    y_name.next_to(axes.c2p(x_low, y_high), UP, buff=0.12).align_to(axes, LEFT)
    labels.add(y_name)
    corner = axes.c2p(x_low, y_low)
    lines = get_segments(AXIS, 2, 1.0, segment_points(
        np.array([corner, corner]), np.array([axes.c2p(x_high, y_low), axes.c2p(x_low, y_high)])))
    drawn = VGroup(lines, merge_outlines(labels))
    return axes, drawn, Window.of_plot(axes, (x_low, x_high), (y_low, y_high))


def fit_right_of(limit: float, left: float, build: Callable[[float], Any]) -> Any:
    """``build(left)``: one :func:`make_plot` result or a tuple of them (plots sharing a
    left edge); if their tick labels reach left of the screen x ``limit``, build again
    moved right by the overflow (the plots' right edges are ``build``'s to keep)."""
    built = build(left)
    plots = built if isinstance(built[0], tuple) else (built,)
    overflow = limit - min(drawn[1].get_left()[0] for _, drawn, _ in plots)
    return build(left + overflow) if overflow > 0 else built


def window_curve_points(window: Window, xs: np.ndarray, ys: np.ndarray,
                        dash: Dash | None = None) -> np.ndarray:
    """A polyline through (xs, ys) cut to a plot's window: Bezier points of its visible
    pieces, dashed with ``dash`` (measured along the curve across the cuts) if given."""
    screen = window.to_screen(xs, ys)
    starts, ends = clip_segments(screen[:-1], screen[1:], window.low - 1e-9, window.high + 1e-9)
    if not len(starts):
        return np.zeros((0, 3))
    return segment_points(starts, ends) if dash is None else dash_segments(starts, ends, dash)


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


def follow(mobject: VMobject, corners: Callable[[], np.ndarray],
           bezier: bool = False) -> VMobject:
    """Keep ``mobject``'s outline on ``corners()`` (a closed form of a tracker) every frame;
    with ``bezier``, ``corners()`` gives Bezier points (segments, a clipped figure) instead.

    The one idiom for values that move: a persistent VMobject whose points an updater
    re-sets from the compute result at the tracker's position (a :class:`Sweep`), rather
    than ``always_redraw``, which builds and styles a new mobject every frame. Style set
    once stays, the mobject keeps its place in the scene, and ``freeze_movers`` stops it.
    """
    def update(m: VMobject) -> None:
        points = corners()
        if not len(points):
            m.set_points(np.zeros((0, 3)))
        elif bezier:
            m.set_points(points)
        else:
            m.set_points_as_corners(points)

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
    """:func:`~scenes.theme.shapes.rect_points` of bars from ``lows`` to ``highs`` (0 to
    ``heights`` tall) in axes coordinates, one closed subpath per bar.

    ``sideways`` lays the bars along the vertical axis (bins on y, heights to the right),
    for a density drawn beside a plot that shares its y axis.
    """
    lows, highs = np.asarray(lows, float), np.asarray(highs, float)
    heights = np.asarray(heights, float)
    zero = np.zeros_like(heights)
    if sideways:
        return rect_points(axes.c2p(zero, lows).T, axes.c2p(heights, highs).T)
    return rect_points(axes.c2p(lows, zero).T, axes.c2p(highs, heights).T)


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
    """Put ``label`` beside ``anchor`` where it crosses no curve and misses ``avoid``
    (:func:`scenes.theme.labels.place_label`).

    Each curve is (xs, ys, filled) in axes coordinates (see :func:`layout.clear_of`).
    Candidates run outward to the right, then to the left, inside the axes; if none is
    clear the label goes just right of the anchor.
    """
    screen = []
    for xs, ys, filled in curves:
        points = axes.c2p(np.asarray(xs, float), np.asarray(ys, float))
        screen.append((points[0], points[1], filled))
    avoid_box, left, right = box_of(avoid), axes.get_left()[0], axes.get_right()[0]

    def conflicts(box: tuple[float, float, float, float]) -> int:
        outside = box[0] < left + 0.2 or box[2] > right + 0.3
        return int(outside or not clear_of(box, screen, avoid_box))

    place_label(label, [(anchor.get_right(), RIGHT), (anchor.get_left(), LEFT)], conflicts,
                0.2 + np.arange(0, 8, 0.15), "first")
