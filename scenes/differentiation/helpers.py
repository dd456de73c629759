"""Pieces shared by the differentiation scenes: plots whose curves may leave their window,
dashed lines that move, panels of vectors, and numbers of any size written compactly.

A user's ``f`` may reach +-1e12 and its plot limits are robust ones, so curves, tangent
lines and Taylor curves are clipped to the plot window here rather than drawn past it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DL, DOWN, LEFT, RIGHT, UP, UR, MathTex, Mobject, ParsableManimColor, VGroup, VMobject,
)

from scenes.theme.dashes import Dash, dash_segments
from scenes.theme.layout import distinct_labels, nice_ticks
from scenes.theme.palette import AXIS, FOREGROUND, LABEL_SIZE, SAFE_X, TICK_SIZE
from scenes.theme.panel import merge_outlines, panel_label_place
from scenes.theme.plots import PlotAxes, plot_box
from scenes.theme.shapes import clip_segments, get_segments, segment_points

__all__ = [
    "COMPASS", "Window", "box_points",
    "label_tex", "make_plot", "make_vector_panel",
    "place_beside", "square_cells_points", "window_curve_points",
]


def label_tex(tex: str, font_size: float = LABEL_SIZE, color: ParsableManimColor = FOREGROUND
              ) -> VMobject:
    """A static MathTex label as one merged outline: a fade, a copy or a frame handles one
    path instead of a glyph tree."""
    return merge_outlines(MathTex(tex, font_size=font_size, color=color))


COMPASS = [np.array([np.cos(a), np.sin(a), 0.0])
           for a in np.linspace(0, 2 * np.pi, 8, endpoint=False)]
"""The eight compass directions, east first, for :func:`place_beside` to try."""


def place_beside(label: Mobject, anchor: np.ndarray, directions: Sequence[np.ndarray],
                 segments: Sequence[tuple[np.ndarray, np.ndarray]] = (),
                 others: Sequence[Mobject] = (), gap: float = 0.12, margin: float = 0.06
                 ) -> Mobject:
    """Move ``label`` next to the screen point ``anchor``, ``gap`` away in the first of
    ``directions`` where its box (plus ``margin``) is crossed by none of the screen
    ``segments`` (arrows, lines) and meets none of the ``others``; if none is clear, in the
    direction with the fewest conflicts."""
    half = np.array([label.width / 2, label.height / 2, 0.0])
    samples = [np.linspace(0, 1, 24)[:, None] * (np.asarray(end) - start) + start
               for start, end in segments]
    boxes = [(m.get_corner(DL)[:2], m.get_corner(UR)[:2]) for m in others if m.has_points()
             or m.submobjects]
    best, best_conflicts = None, None
    for direction in directions:
        direction = np.asarray(direction, float) / np.linalg.norm(direction)
        reach = np.abs(direction[:2]) @ half[:2]  # the box's extent along the direction
        center = np.asarray(anchor, float) + (gap + reach) * direction
        low, high = (center - half - margin)[:2], (center + half + margin)[:2]
        conflicts = sum(bool(np.any(np.all((points[:, :2] >= low) & (points[:, :2] <= high),
                                           axis=1))) for points in samples)
        conflicts += sum(bool(np.all(low <= b_high) and np.all(b_low <= high))
                         for b_low, b_high in boxes)
        if best_conflicts is None or conflicts < best_conflicts:
            best, best_conflicts = center, conflicts
        if conflicts == 0:
            break
    return label.move_to(best)


class Window:
    """A plot's data window ``[x_low, x_high] x [y_low, y_high]`` on a PlotAxes."""

    def __init__(self, axes: PlotAxes, x_range: Sequence[float], y_range: Sequence[float]):
        self.axes = axes
        self.x_range, self.y_range = tuple(x_range), tuple(y_range)
        self.low = axes.c2p(x_range[0], y_range[0])[:2]
        self.high = axes.c2p(x_range[1], y_range[1])[:2]

    def to_screen(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Data points as screen points, shape (N, 3) (N may be 0)."""
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


def window_curve_points(window: Window, xs: np.ndarray, ys: np.ndarray,
                        dash: Dash | None = None) -> np.ndarray:
    """A polyline through (xs, ys) cut to the window: Bezier points of its visible pieces,
    dashed with ``dash`` (measured along the curve across the cuts) if given."""
    screen = window.to_screen(xs, ys)
    starts, ends = clip_segments(screen[:-1], screen[1:], window.low - 1e-9, window.high + 1e-9)
    if not len(starts):
        return np.zeros((0, 3))
    return segment_points(starts, ends) if dash is None else dash_segments(starts, ends, dash)


def make_plot(x_limits: Sequence[float], y_limits: Sequence[float], x_label: str,
              y_label: str, left: float, top: float, width: float, height: float,
              x_ticks: bool = True, pad: float | None = 0.06) -> tuple[PlotAxes, VGroup, Window]:
    """Axes whose top-left corner is at (left, top), with readable ticks for any range:
    ``(axes, VGroup(lines, labels), window)``.

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
    labels = VGroup()
    y_texts = distinct_labels(y_ticks, 3)
    for value in y_ticks:
        labels.add(MathTex(y_texts[value], font_size=TICK_SIZE)
                   .next_to(axes.c2p(x_low, value), LEFT, 0.12))
    if x_ticks:
        x_texts = distinct_labels(x_ticks_at, 3)
        for value in x_ticks_at:
            labels.add(MathTex(x_texts[value], font_size=TICK_SIZE)
                       .next_to(axes.c2p(value, y_low), DOWN, 0.12))
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
    return axes, drawn, Window(axes, (x_low, x_high), (y_low, y_high))


def make_vector_panel(rows: Sequence[tuple[str, str]], first_row: int = 0) -> VGroup:
    """Panel rows ``label = value`` (both LaTeX) in the number panel's place, top right,
    with its row spacing and alignment (labels end at one x); for values that do not
    change, such as vectors, which a Readout cannot show. Row ``i`` sits at panel row
    ``first_row + i``. A row too wide for the panel's column is scaled to fit it."""
    labels = [MathTex(label + " =", font_size=LABEL_SIZE + 2) for label, _ in rows]
    label_width = max(label.width for label in labels)
    panel = VGroup()
    for i, (label, (_, value)) in enumerate(zip(labels, rows)):
        panel_label_place(label, label_width, first_row + i)
        number = MathTex(value, font_size=LABEL_SIZE + 2).next_to(label, RIGHT, buff=0.15)
        row = merge_outlines(VGroup(label, number))
        if row.get_right()[0] > SAFE_X:
            row.scale((SAFE_X - row.get_left()[0]) / row.width, about_edge=LEFT)
        panel.add(row)
    return panel


def box_points(lower_left: np.ndarray, upper_right: np.ndarray) -> np.ndarray:
    """Axis-aligned rectangles (corners as screen points, shapes (N, 3)) as one compound
    path, for bars drawn outside any axes."""
    low, high = np.asarray(lower_left, float), np.asarray(upper_right, float)
    corners = np.stack([low, np.column_stack([high[:, 0], low[:, 1], low[:, 2]]), high,
                        np.column_stack([low[:, 0], high[:, 1], low[:, 2]]), low], axis=1)
    return segment_points(corners[:, :-1].reshape(-1, 3), corners[:, 1:].reshape(-1, 3))


def square_cells_points(centers: np.ndarray, side: float) -> np.ndarray:
    """Outlines of squares of ``side`` at screen ``centers`` (N, 3) as one compound path."""
    centers = np.asarray(centers, float).reshape(-1, 3)
    half = side / 2
    corners = np.array([[-half, -half, 0], [half, -half, 0], [half, half, 0], [-half, half, 0],
                        [-half, -half, 0]])
    outline = centers[:, None, :] + corners[None, :, :]  # (N, 5, 3)
    starts, ends = outline[:, :-1].reshape(-1, 3), outline[:, 1:].reshape(-1, 3)
    return segment_points(starts, ends)
