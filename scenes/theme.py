"""The lecture's one look: colours with fixed meanings, layout, and shared scene pieces.

Every scene derives from :class:`LectureScene`, which resolves its parameters (defaults
when run through the plain Manim CLI), keeps the compute result it shows (the sidecar's
keyframes come from the same object) and turns narration lines into subcaptions.
The ``get_*``/``make_*`` helpers return mobjects; scenes only arrange and animate them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
from manim import (
    BLUE, BOLD, DOWN, DR, GREY, LEFT, ORANGE, PURPLE, RED, RIGHT, TEAL, UL, UP, WHITE, YELLOW,
    Axes, DashedVMobject, ManimColor, MathTex, Polygon, Scene, Text, VGroup, VMobject, Write, config,
)

from lecture.catalog import entry
from lecture.faults import checkpoint
from lecture.params import SceneParams

__all__ = [
    "BAND_OPACITY", "CONCAVE", "CONVEX", "FIRST_AXIS", "LectureScene", "PLOT_LEFT", "PLOT_RIGHT",
    "PlotAxes", "REFERENCE", "Readout", "SAMPLE", "SECOND_AXIS", "SECOND_ROUTE", "TRUTH",
    "clip_segments", "distinct_labels", "dot_cloud_points", "get_band", "get_dashed_line", "get_dot_cloud",
    "get_heat_map", "get_histogram", "get_polyline", "get_segments", "heat_colors",
    "histogram_points", "log_ticks", "make_axes", "make_color_bar", "make_header", "make_panel",
    "merge_outlines", "nice_ceiling", "nice_ticks", "segment_points", "tick_tex",
]

# Colour meaning, the same in every scene (VISUAL.md).
SAMPLE = BLUE  # samples, histograms, empirical estimates
TRUTH = YELLOW  # analytic densities, true values
SECOND_ROUTE = TEAL  # another route to the same answer; drawn dashed
REFERENCE = GREY  # 1/sqrt(N), y = x, identity; drawn dashed
BAND_OPACITY = 0.25  # uncertainty bands, in SAMPLE colour
CONVEX, CONCAVE = BLUE, RED
FIRST_AXIS, SECOND_AXIS = ORANGE, PURPLE

TITLE_SIZE = 36
EQUATION_SIZE = 34
LABEL_SIZE = 26
TICK_SIZE = 24  # the smallest text anywhere: legible at 480p
CAPTION_WIDTH = 42  # characters per caption line, at most two lines a cue
MIN_CUE_SECONDS = 1.5

# The safe area is 5% in from every edge; the header band holds title, equation and panel.
SAFE_X = 0.9 * config.frame_width / 2
SAFE_Y = 0.9 * config.frame_height / 2
PLOT_WIDTH, PLOT_HEIGHT = 5.0, 3.3
PLOT_LEFT = np.array([-3.35, -1.05, 0.0])  # centres of the two plot slots
PLOT_RIGHT = np.array([3.35, -1.05, 0.0])


class LectureScene(Scene):
    """Base of every lecture scene: parameters, compute result and narration."""

    scene_id: ClassVar[str] = ""
    params: ClassVar[SceneParams | None] = None  # the pipeline sets this on a subclass

    def setup(self) -> None:
        self.p = self.params if self.params is not None else entry(self.scene_id).params()
        self.result = self.p.compute()

    def bring_movers_to_front(self) -> None:
        """Put every mobject with updaters last in the draw order.

        Manim's Cairo renderer redraws, on every frame, each mobject from the first
        moving one onwards; static axes and labels behind the movers are drawn once.
        """
        movers = [m for m in self.mobjects if m.get_family_updaters()]
        self.bring_to_front(*movers)

    def open_with(self, title: str, equation: str, line: str, run_time: float = 2.0) -> None:
        """Step 1 of every scene: write the title and key equation, narrated, then hold."""
        with self.narrate(line):
            self.play(Write(make_header(title, equation)), run_time=run_time)
            self.wait(0.5)

    def freeze_movers(self) -> None:
        """Stop every updater: what they drew last stays, and later steps draw it once."""
        for mobject in self.mobjects:
            for member in mobject.get_family():
                member.clear_updaters()

    def wait(self, duration: float = 1.0, stop_condition: Any = None,
             frozen_frame: bool | None = True) -> None:
        """A hold: nothing moves, so Manim writes one frame again instead of redrawing
        every updater (pass ``frozen_frame=None`` for a wait in which things move)."""
        super().wait(duration, stop_condition=stop_condition, frozen_frame=frozen_frame)

    def play(self, *args: Any, **kwargs: Any) -> None:
        self.bring_movers_to_front()
        super().play(*args, **kwargs)
        self.plays = getattr(self, "plays", 0) + 1
        if self.plays == 3:  # frames of three animations are written by now
            checkpoint("frames")

    @contextmanager
    def narrate(self, line: str) -> Iterator[None]:
        """Caption the animations played inside the block with one narration line."""
        start = self.time
        yield
        duration = self.time - start
        lines = textwrap.wrap(line, CAPTION_WIDTH)
        if len(lines) > 2 or duration < MIN_CUE_SECONDS:
            raise ValueError(f"caption {line!r}: {len(lines)} lines over {duration:.2f} s; "
                             f"allowed 2 lines over at least {MIN_CUE_SECONDS} s")
        self.add_subcaption("\n".join(lines), duration=duration, offset=-duration)


def _fit(mobject: VMobject, max_width: float) -> VMobject:
    if mobject.width > max_width:
        mobject.scale_to_fit_width(max_width)
    return mobject


def make_header(title: str, equation: str) -> VGroup:
    """Title and the scene's key equation, left-aligned in the top band."""
    heading = _fit(Text(title, font_size=TITLE_SIZE, weight=BOLD), 8.4)
    formula = _fit(MathTex(equation, font_size=EQUATION_SIZE), 8.4)
    formula.next_to(heading, DOWN, buff=0.25, aligned_edge=LEFT)
    header = VGroup(heading, formula)
    header.move_to([-SAFE_X, SAFE_Y, 0], aligned_edge=UL)
    return header


class Readout(VMobject):
    """A number shown in the panel, re-set every frame at little cost.

    Manim's DecimalNumber deep-copies a TeX glyph per character on every change, which
    made the number panel most of a frame's render time. Here each glyph of
    ``0123456789.,-`` is typeset once per font size, and a new value concatenates glyph
    outlines into this one VMobject's points (one path to fill, a family that never
    changes). Digits share one advance width, so numbers do not jitter.
    """

    _glyphs: ClassVar[dict[float, dict[str, VMobject]]] = {}
    CHARSET = "0123456789.,-"

    def __init__(self, value: float, decimals: int, font_size: float, **kwargs: Any) -> None:
        super().__init__(fill_color=WHITE, fill_opacity=1, stroke_width=0, **kwargs)
        self.decimals, self.font_size, self.text = decimals, font_size, ""
        self.set_value(value)

    def _glyph_table(self) -> dict[str, VMobject]:
        if self.font_size not in self._glyphs:
            typeset = MathTex(self.CHARSET, font_size=self.font_size)[0]
            self._glyphs[self.font_size] = dict(zip(self.CHARSET, typeset))
        return self._glyphs[self.font_size]

    def set_value(self, value: float) -> Readout:
        text = f"{value:,.{self.decimals}f}"
        if set(text) <= set("-0.,"):  # no "-0.0000"
            text = text.lstrip("-")
        if text == self.text:
            return self
        anchor = self.get_left() if self.text else None
        self.text, self.value = text, value
        glyphs = self._glyph_table()
        advance = max(glyphs[d].width for d in "0123456789") * 1.12
        x, outlines = 0.0, []
        for char in text:
            template = glyphs[char]
            width = advance if char.isdigit() else template.width + 0.35 * advance
            outlines.append(template.points + [x + (width - template.width) / 2
                                               - template.get_left()[0], 0, 0])
            x += width
        self.set_points(np.concatenate(outlines))
        if anchor is not None:
            self.shift(anchor - self.get_left())
        return self

    def get_value(self) -> float:
        return self.value


def make_panel(rows: Sequence[tuple[str, Callable[[], float], int]]) -> VGroup:
    """The number panel, top right: one row per (LaTeX label, value getter, decimals).

    Values are re-read every frame from the getter, which indexes the compute result.
    """
    labels = [MathTex(label + " =", font_size=LABEL_SIZE + 2) for label, _, _ in rows]
    label_width = max(label.width for label in labels)
    numbers = VGroup()
    for i, (label, (_, getter, decimals)) in enumerate(zip(labels, rows)):
        label.move_to([SAFE_X - 3.6 + label_width, SAFE_Y - 0.2 - 0.48 * i, 0], aligned_edge=RIGHT)
        number = Readout(getter(), decimals, LABEL_SIZE + 2).next_to(label, RIGHT, buff=0.15)
        number.add_updater(lambda mob, get=getter: mob.set_value(get()))  # keeps its left edge
        numbers.add(number)
    # The labels never change: one merged outline is one path for Cairo to fill per frame.
    return VGroup(merge_outlines(VGroup(*labels)), numbers)


def merge_outlines(group: VMobject) -> VMobject:
    """One VMobject with every outline of a (single-coloured) group, e.g. a text label."""
    members = [m for m in group.family_members_with_points()]
    merged = VMobject(fill_color=members[0].get_fill_color(), fill_opacity=1, stroke_width=0)
    merged.set_points(np.concatenate([m.points for m in members]))
    return merged


def log_ticks(low_exponent: int, high_exponent: int) -> dict[float, str]:
    """Tick labels 10^k for an axis drawn in log10 coordinates."""
    return {float(k): f"10^{{{k}}}" for k in range(low_exponent, high_exponent + 1)}


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


def make_axes(
    x_range: Sequence[float], y_range: Sequence[float], x_label: str, y_label: str,
    x_ticks: dict[float, str], y_ticks: dict[float, str], center: np.ndarray,
    width: float = PLOT_WIDTH, height: float = PLOT_HEIGHT,
) -> tuple[PlotAxes, VGroup]:
    """Axes with hand-placed tick labels (MathTex) and axis labels; returns (axes, labels).

    Log axes are drawn in log10 coordinates: pass log10 values and ``log_ticks`` labels.
    """
    axes = PlotAxes(x_range, y_range, x_length=width, y_length=height, tips=False,
                    axis_config={"color": GREY, "stroke_width": 2, "include_ticks": False})
    axes.move_to(center)
    labels = VGroup()
    for value, tex in x_ticks.items():
        labels.add(MathTex(tex, font_size=TICK_SIZE).next_to(axes.c2p(value, y_range[0]), DOWN, 0.15))
    for value, tex in y_ticks.items():
        labels.add(MathTex(tex, font_size=TICK_SIZE).next_to(axes.c2p(x_range[0], value), LEFT, 0.15))
    x_name = MathTex(x_label, font_size=LABEL_SIZE)
    x_name.next_to(axes.c2p(np.mean(x_range), y_range[0]), DOWN, buff=0.5)
    y_name = MathTex(y_label, font_size=LABEL_SIZE)
    y_name.next_to(axes.c2p(x_range[0], y_range[1]), UP, buff=0.15).align_to(axes, LEFT)
    labels.add(x_name, y_name)
    return axes, labels


def _partial(xs: np.ndarray, ys: np.ndarray, upto: float) -> tuple[np.ndarray, np.ndarray]:
    """Points 0..floor(upto), plus the fraction of the next segment (a sweep's head)."""
    k = int(np.clip(np.floor(upto), 0, len(xs) - 1))
    frac = upto - k
    head_x, head_y = list(xs[: k + 1]), list(ys[: k + 1])
    if frac > 1e-9 and k + 1 < len(xs):
        head_x.append(xs[k] + frac * (xs[k + 1] - xs[k]))
        head_y.append(ys[k] + frac * (ys[k + 1] - ys[k]))
    return np.array(head_x), np.array(head_y)


def get_polyline(axes: Axes, xs: np.ndarray, ys: np.ndarray, upto: float | None = None,
                 color: Any = SAMPLE, stroke_width: float = 3) -> VMobject:
    """A polyline through (xs, ys) in axes coordinates, up to fractional index ``upto``."""
    if upto is not None:
        xs, ys = _partial(xs, ys, upto)
    points = axes.c2p(np.asarray(xs, float), np.asarray(ys, float)).T
    if len(points) == 1:
        points = np.vstack([points, points])
    line = VMobject(color=color, stroke_width=stroke_width)
    line.set_points_as_corners(points)
    return line


def get_dashed_line(axes: Axes, xs: np.ndarray, ys: np.ndarray, color: Any = REFERENCE,
                    num_dashes: int = 40) -> DashedVMobject:
    return DashedVMobject(get_polyline(axes, xs, ys, color=color, stroke_width=2.5),
                          num_dashes=num_dashes)


def get_band(axes: Axes, xs: np.ndarray, low: np.ndarray, high: np.ndarray,
             upto: float | None = None) -> VMobject:
    """A filled band between two curves (uncertainty), up to fractional index ``upto``."""
    bx, bl = _partial(xs, low, upto) if upto is not None else (xs, low)
    _, bh = _partial(xs, high, upto) if upto is not None else (xs, high)
    if len(bx) < 2:
        return VMobject()
    corners = axes.c2p(np.concatenate([bx, bx[::-1]]), np.concatenate([bh, bl[::-1]])).T
    return Polygon(*corners, stroke_width=0, fill_color=SAMPLE, fill_opacity=BAND_OPACITY)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least ``value`` (> 0)."""
    power = 10.0 ** np.floor(np.log10(value))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value * (1 - 1e-12)))


# Sample clouds, histograms, clipped segments, heat maps. Each returns one mobject, however
# many dots, bars or lines it holds: Cairo fills one compound path far faster than many
# small mobjects.

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


def histogram_points(axes: Axes, edges: np.ndarray, heights: np.ndarray,
                     sideways: bool = False) -> np.ndarray:
    """Corner points of histogram bars, one closed subpath per bar.

    ``sideways`` lays the bars along the vertical axis (bins on y, heights to the right),
    for a density drawn beside a plot that shares its y axis.
    """
    edges, heights = np.asarray(edges, float), np.asarray(heights, float)
    lows, highs, zero = edges[:-1], edges[1:], np.zeros_like(heights)
    along = np.stack([lows, lows, highs, highs, lows], axis=1).ravel()
    up = np.stack([zero, heights, heights, zero, zero], axis=1).ravel()
    xs, ys = (up, along) if sideways else (along, up)
    corners = axes.c2p(xs, ys).T.reshape(len(heights), 5, 3)
    # Each straight edge as a cubic Bezier with handles on the line: (anchor, 1/3, 2/3, anchor).
    starts, ends = corners[:, :-1], corners[:, 1:]
    curves = np.stack([starts, (2 * starts + ends) / 3, (starts + 2 * ends) / 3, ends], axis=2)
    return curves.reshape(-1, 3)


def get_histogram(axes: Axes, edges: np.ndarray, heights: np.ndarray, sideways: bool = False,
                  color: Any = SAMPLE, opacity: float = 0.5) -> VMobject:
    """Histogram bars (fill ``color`` at ``opacity``) as one VMobject."""
    bars = VMobject(fill_color=color, fill_opacity=opacity, stroke_color=color,
                    stroke_width=1, stroke_opacity=0.9)
    bars.set_points(histogram_points(axes, edges, heights, sideways))
    return bars


def segment_points(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Straight segments (shapes (N, 3)) as Bezier points of one compound path."""
    starts, ends = np.asarray(starts, float), np.asarray(ends, float)
    curves = np.stack([starts, (2 * starts + ends) / 3, (starts + 2 * ends) / 3, ends], axis=1)
    return curves.reshape(-1, 3)


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


def get_segments(starts: np.ndarray, ends: np.ndarray, color: Any = GREY,
                 stroke_width: float = 1.5, opacity: float = 1.0) -> VMobject:
    """Many straight segments (grid lines) as one VMobject."""
    lines = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity,
                     fill_opacity=0)
    lines.set_points(segment_points(starts, ends))
    return lines


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


HEAT_LEVELS = 48  # colours in a heat map; cells are grouped by level into one path each


def get_heat_map(fraction: np.ndarray, width: float, height: float) -> VGroup:
    """Cells coloured by ``fraction[row, col]`` in [0, 1] (row 0 on top), ``width`` x ``height``.

    Vector shapes, not an image: each colour level is one compound path, and runs of equal
    level along a row are one rectangle, so a 200 x 200 field stays a few thousand shapes.
    """
    fraction = np.clip(np.asarray(fraction, float), 0, 1)
    rows, cols = fraction.shape
    level = np.minimum((fraction * HEAT_LEVELS).astype(int), HEAT_LEVELS - 1)
    cell_w, cell_h = width / cols, height / rows
    rects: dict[int, list[np.ndarray]] = {}
    for row in range(rows):
        breaks = np.flatnonzero(np.diff(level[row])) + 1
        for start, stop in zip(np.r_[0, breaks], np.r_[breaks, cols]):
            x0, x1 = start * cell_w - width / 2, stop * cell_w - width / 2
            y1 = height / 2 - row * cell_h
            y0 = y1 - cell_h
            rects.setdefault(int(level[row, start]), []).append(
                np.array([[x0, y0, 0], [x1, y0, 0], [x1, y1, 0], [x0, y1, 0], [x0, y0, 0]]))
    cells = VGroup()
    for index, shapes in sorted(rects.items()):
        corners = np.array(shapes)
        color = ManimColor.from_rgb(heat_colors((index + 0.5) / HEAT_LEVELS))
        patch = VMobject(fill_color=color, fill_opacity=1, stroke_color=color, stroke_width=0.6)
        patch.set_points(segment_points(corners[:, :-1].reshape(-1, 3),
                                        corners[:, 1:].reshape(-1, 3)))
        cells.add(patch)
    return cells


def make_color_bar(top: float, label: str, height: float, ticks: Sequence[float]) -> VGroup:
    """A vertical viridis bar from 0 to ``top``: the bar, its tick labels, a MathTex title."""
    bar = get_heat_map(np.linspace(1, 0, HEAT_LEVELS)[:, None], 0.3, height)
    labels = VGroup()
    for value in ticks:
        tick = MathTex(tick_tex(value), font_size=TICK_SIZE)
        tick.next_to(bar.get_corner(DR) + (value / top) * height * UP, RIGHT, buff=0.12)
        labels.add(tick)
    title = MathTex(label, font_size=LABEL_SIZE).next_to(bar, UP, buff=0.2)
    return VGroup(bar, labels, title)


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, list[float]]:
    """Axis limits and about ``count`` ticks at a step of 1, 2 or 5 times a power of ten.

    The limits are rounded out to whole steps when that pads the range by at most 15%,
    so a plot of tanh runs from -1 to 1; otherwise they stay at ``low`` and ``high``.
    """
    raw = (high - low) / max(count - 1, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = min((m * power for m in (1, 2, 5, 10)), key=lambda c: abs(np.log(c / raw)))
    start, stop = np.floor(low / step + 1e-9) * step, np.ceil(high / step - 1e-9) * step
    if stop - start <= 1.15 * (high - low):
        low, high = float(start), float(stop)
    first = np.ceil(low / step - 1e-9) * step
    ticks = [float(round(t, 10)) + 0.0 for t in np.arange(first, high + step * 1e-6, step)]
    return float(low), float(high), ticks


def distinct_labels(values: Sequence[float], significant: int = 6) -> dict[float, str]:
    """Tick labels for ``values`` to ``significant`` digits, with more where two would read
    the same (999.999 and 1000 at six digits)."""
    for digits in range(significant, 16):
        labels = [f"{v:.{digits}g}" for v in values]
        if len(set(labels)) == len(labels):
            break
    return dict(zip(values, labels))


def tick_tex(value: float) -> str:
    """A tick label: integers without a decimal point, others to three significant digits."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"
