"""Pieces shared by the marginalization scenes: a joint density as a heat map on labelled
axes, its contour ellipses, curves (and the area under them) growing along a sweep with
their dashes as one path, and a colour ramp for draws coloured by z.

Everything here turns numbers of a compute result into points or mobjects; no statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, UR, ImageMobject, MathTex, Rectangle, VGroup, VMobject, config,
    interpolate_color,
)

from scenes.theme.layout import nice_ticks, partial_polyline, range_ticks, tick_tex
from scenes.theme.palette import FOREGROUND, LABEL_SIZE, SAMPLE_HIGH, SAMPLE_LOW
from scenes.theme.panel import merge_outlines
from scenes.theme.plots import PlotAxes, plot_box, tick_column, tick_row
from scenes.theme.shapes import clip_segments, get_heat_image, segment_points

__all__ = [
    "CONTOUR_COLOR", "JointView", "MAX_IMAGE_CELLS", "Z_RAMP_LEVELS",
    "area_corners", "contour_points", "curve_points", "density_top",
    "get_cover", "get_joint_image", "make_joint_view",
    "z_levels", "z_ramp_colors",
]

MAX_IMAGE_CELLS = 400
"""Largest grid drawn as an image per axis; finer grids are thinned (every k-th point)."""

Z_RAMP_LEVELS = 8
"""Colours of the ramp for draws coloured by z: each level is one dot cloud."""

VIEW_HEAT = (3.4, 2.8)  # a joint beside its marginals: the heat map's width, height
VIEW_BELOW_H, VIEW_SIDE_W, VIEW_GAP = 1.45, 1.45, 0.3  # p(x) under it, p(z) beside it
CONTOUR_COLOR = FOREGROUND


def get_joint_image(density: np.ndarray, axes: PlotAxes, x_range: Sequence[float],
                    z_range: Sequence[float]) -> ImageMobject:
    """The joint ``density[i, j] = p(x[j], z[i])`` as one viridis image filling the axes'
    rectangle ``x_range x z_range``, brightest at the density's peak."""
    rows = max(1, int(np.ceil(density.shape[0] / MAX_IMAGE_CELLS)))
    cols = max(1, int(np.ceil(density.shape[1] / MAX_IMAGE_CELLS)))
    thinned = density[::rows, ::cols]
    low = axes.c2p(x_range[0], z_range[0])
    high = axes.c2p(x_range[1], z_range[1])
    image = get_heat_image(thinned[::-1] / thinned.max(), high[0] - low[0], high[1] - low[1],
                           smooth=True)
    return image.move_to((low + high) / 2)


def get_cover(image: ImageMobject, opacity: float) -> Rectangle:
    """A rectangle of the background colour over ``image``, at ``opacity``.

    Fading the cover in or out dims or reveals the image while the image itself stays
    still: Cairo redraws an image that moves (or whose opacity changes) on every frame at
    the cost of a full-frame resample, and everything drawn after it along with it.
    """
    cover = Rectangle(width=image.width, height=image.height, stroke_width=0,
                      fill_color=config.background_color, fill_opacity=opacity)
    return cover.move_to(image)


def contour_points(ellipses: np.ndarray, axes: PlotAxes, x_range: Sequence[float],
                   z_range: Sequence[float]) -> np.ndarray:
    """Closed curves (shape (K, P, 2), plane points) as one compound path, cut at the
    rectangle ``x_range x z_range``."""
    screen = [axes.c2p(curve[:, 0], curve[:, 1]).T for curve in ellipses]
    starts = np.concatenate([points[:-1] for points in screen])
    ends = np.concatenate([points[1:] for points in screen])
    low = axes.c2p(x_range[0], z_range[0])[:2]
    high = axes.c2p(x_range[1], z_range[1])[:2]
    return segment_points(*clip_segments(starts, ends, low, high))


def _head(along: np.ndarray, values: np.ndarray, upto: float | None
          ) -> tuple[np.ndarray, np.ndarray]:
    along, values = np.asarray(along, float), np.asarray(values, float)
    return (along, values) if upto is None else partial_polyline(along, values, upto)


def _screen(axes: PlotAxes, along: np.ndarray, values: np.ndarray,
            sideways: bool) -> np.ndarray:
    xs, ys = (values, along) if sideways else (along, values)
    return axes.c2p(np.asarray(xs, float), np.asarray(ys, float)).T.reshape(-1, 3)


def curve_points(axes: PlotAxes, along: np.ndarray, values: np.ndarray,
                 upto: float | None = None, sideways: bool = False) -> np.ndarray:
    """Screen points (N, 3) of a density curve, up to fractional index ``upto``.

    ``sideways`` draws it against a vertical variable: ``along`` on the axes' y, ``values``
    on its x (a marginal beside a plot that shares its y axis).
    """
    return _screen(axes, *_head(along, values, upto), sideways)


def area_corners(axes: PlotAxes, along: np.ndarray, values: np.ndarray,
                 upto: float | None = None, sideways: bool = False) -> np.ndarray:
    """Corners of the region between a density curve and its zero line, closed; none
    while the curve has fewer than two points."""
    along, values = _head(along, values, upto)
    if len(along) < 2:
        return np.zeros((0, 3))
    rim = np.concatenate([along, along[::-1], along[:1]])
    heights = np.concatenate([values, np.zeros(len(along)), values[:1]])
    return _screen(axes, rim, heights, sideways)


def z_levels(z: np.ndarray, low: float, high: float, levels: int = Z_RAMP_LEVELS) -> np.ndarray:
    """The ramp level (0 .. levels-1) of each ``z`` over ``[low, high]`` (clipped)."""
    fraction = (np.asarray(z, float) - low) / (high - low)
    return np.clip((fraction * levels).astype(int), 0, levels - 1)


def z_ramp_colors(levels: int = Z_RAMP_LEVELS) -> list:
    """Draws coloured by z stay in the samples' blue: dark (low z) to light (high z)."""
    return [interpolate_color(SAMPLE_LOW, SAMPLE_HIGH, i / max(levels - 1, 1))
            for i in range(levels)]


# --------------------------------------------------------------------------------------
# A joint beside its marginals (marg_joint_marginals)
# --------------------------------------------------------------------------------------


@dataclass
class JointView:
    """A joint as a heat map with contours, p(x) under it and p(z) beside it."""

    heat: PlotAxes
    below: PlotAxes  # p(x): x along, density up
    side: PlotAxes  # p(z): density along, z up
    image: ImageMobject
    contours: VMobject
    frame: VGroup  # axes lines, tick labels and names
    x_range: tuple[float, float]
    z_range: tuple[float, float]


def density_top(*curves: np.ndarray) -> tuple[float, float]:
    """The top of a density axis over ``curves`` and the round tick below it."""
    top = 1.15 * max(curve.max() for curve in curves)
    return top, max(t for t in nice_ticks(0, top, 3)[2] if t <= top)


def make_joint_view(r, density: np.ndarray, ellipses: np.ndarray, corner: np.ndarray,
                    tops: tuple[tuple[float, float], tuple[float, float]]) -> JointView:
    """The view of one joint; ``tops`` are (top, tick) of the p(x) and p(z) axes."""
    x_range, z_range = (r.x[0], r.x[-1]), (r.z[0], r.z[-1])
    (top_x, tick_x), (top_z, tick_z) = tops
    width, height = VIEW_HEAT
    heat = plot_box(x_range, z_range, width, height, corner)
    below = plot_box(x_range, (0, top_x), width, VIEW_BELOW_H,
                     corner + (VIEW_GAP + VIEW_BELOW_H) * DOWN)
    side = plot_box((0, top_z), z_range, VIEW_SIDE_W, height,
                    corner + (width + VIEW_GAP) * RIGHT)
    image = get_joint_image(density, heat, x_range, z_range)
    contours = VMobject(stroke_color=CONTOUR_COLOR, stroke_width=1.6, stroke_opacity=0.75)
    contours.set_points(contour_points(ellipses, heat, x_range, z_range))
    # z ticks near the bottom edge would crowd the p(x) tick just under them
    bottom = heat.c2p(x_range[0], z_range[0])[1]
    z_ticks = {value: tex for value, tex in range_ticks(*z_range).items()
               if heat.c2p(x_range[0], value)[1] - bottom > 0.3}
    labels = VGroup(
        tick_column(heat, z_ticks, x_range[0]),
        tick_row(below, range_ticks(*x_range), 0),
        tick_column(below, {tick_x: tick_tex(tick_x)}, x_range[0]),
        tick_row(side, {tick_z: tick_tex(tick_z)}, z_range[0]),
    )
    z_name = MathTex("z", font_size=LABEL_SIZE).next_to(heat.c2p(x_range[0], z_range[1]), UP,
                                                        buff=0.12).align_to(heat, LEFT)
    x_name = MathTex("x", font_size=LABEL_SIZE).next_to(below.c2p(x_range[1], 0), RIGHT, 0.2)
    p_x = MathTex("p(x)", font_size=LABEL_SIZE).next_to(below.c2p(x_range[1], top_x / 2),
                                                        RIGHT, 0.2)
    p_z = MathTex("p(z)", font_size=LABEL_SIZE).next_to(side.c2p(0, z_range[1]), UR, 0.12)
    # The labels never change: one merged outline is one path to copy, fade and fill.
    frame = VGroup(heat, below, side, merge_outlines(VGroup(labels, z_name, x_name, p_x, p_z)))
    return JointView(heat, below, side, image, contours, frame, x_range, z_range)
