"""Colours with a fixed meaning (VISUAL.md), in two palettes; text sizes and the safe area.

The look is defined once, here, as a dark and a light palette with the same meanings (a
sample is the sample colour in both, darkened for white paper so that text and thin lines
keep a contrast of at least 4.5:1). The active palette is chosen by the environment
variable LECTURE_THEME (``dark``, the default, or ``light``) when this module is first
imported: each clip renders in a process of its own, which the worker starts with the
clip's theme. Scenes import the names below and never name a raw colour.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from manim import ManimColor, VMobject, config

__all__ = [
    "ACTIVE", "AXIS", "BACKGROUND", "BAND_OPACITY", "CONCAVE", "CONVEX", "DOT_COLOR",
    "EQUATION_SIZE", "FIRST_AXIS", "FOREGROUND", "GRID", "LABEL_SIZE", "PALETTES", "PLOT_HEIGHT",
    "PLOT_LEFT", "PLOT_RIGHT", "PLOT_WIDTH", "Palette", "REFERENCE", "SAFE_X", "SAFE_Y", "SAMPLE",
    "SAMPLE_HIGH", "SAMPLE_LOW", "SECOND_AXIS", "SECOND_ORDER", "SECOND_ROUTE", "THEME_VARIABLE",
    "TICK_SIZE", "TITLE_SIZE", "TRUTH",
]

THEME_VARIABLE = "LECTURE_THEME"


@dataclass(frozen=True)
class Palette:
    name: str
    background: str
    foreground: str  # text, neutral marks and curves
    sample: str  # samples, histograms, empirical estimates
    dot: str  # single draws drawn over their histogram
    truth: str  # analytic densities, true values
    second_route: str  # another route to the same answer; drawn dashed
    reference: str  # 1/sqrt(N), y = x, identity; drawn dashed
    convex: str  # positive curvature
    concave: str  # negative curvature
    first_axis: str  # first singular direction, first principal axis
    second_axis: str  # second one
    second_order: str  # a second-order (curvature) approximation, beside the first-order one
    sample_low: str  # samples coloured by a value: the ramp from the lowest value...
    sample_high: str  # ...to the highest, both shades of the sample colour
    grid: str  # grid lines of a plane
    axis: str  # the lines of plot axes
    band_opacity: float  # uncertainty bands, in the sample colour


PALETTES = {
    "dark": Palette("dark", background="#000000", foreground="#FFFFFF", sample="#58C4DD",
                    dot="#9CDCEB", truth="#F7D96F", second_route="#5CD0B3",
                    reference="#888888", convex="#58C4DD", concave="#FC6255",
                    first_axis="#FF862F", second_axis="#9A72AC", second_order="#D147BD",
                    sample_low="#236B8E", sample_high="#C7E9F1", grid="#BBBBBB",
                    axis="#888888", band_opacity=0.25),
    "light": Palette("light", background="#FFFFFF", foreground="#1A1A1A", sample="#1565C0",
                     dot="#3D71B5", truth="#8A6100", second_route="#00796B",
                     reference="#5F6368", convex="#1565C0", concave="#C62828",
                     first_axis="#B45309", second_axis="#6A1B9A", second_order="#AD1457",
                     sample_low="#0D3C78", sample_high="#7FA9DC", grid="#8C8C8C",
                     axis="#5F6368", band_opacity=0.2),
}
ACTIVE = PALETTES[os.environ.get(THEME_VARIABLE, "") or "dark"]
# The frame and Manim's default colour for lines and text follow the palette: set once, at
# import, before any scene or mobject of this process exists.
config.background_color = ACTIVE.background
if ACTIVE.foreground != "#FFFFFF":
    VMobject.set_default(color=ACTIVE.foreground)

_COLOUR = {name: ManimColor(value) for name, value in vars(ACTIVE).items()
           if isinstance(value, str) and value.startswith("#")}
BACKGROUND, FOREGROUND = _COLOUR["background"], _COLOUR["foreground"]
SAMPLE, DOT_COLOR, TRUTH = _COLOUR["sample"], _COLOUR["dot"], _COLOUR["truth"]
SECOND_ROUTE, REFERENCE = _COLOUR["second_route"], _COLOUR["reference"]
BAND_OPACITY = ACTIVE.band_opacity
CONVEX, CONCAVE = _COLOUR["convex"], _COLOUR["concave"]
FIRST_AXIS, SECOND_AXIS = _COLOUR["first_axis"], _COLOUR["second_axis"]
SECOND_ORDER = _COLOUR["second_order"]
SAMPLE_LOW, SAMPLE_HIGH = _COLOUR["sample_low"], _COLOUR["sample_high"]
GRID, AXIS = _COLOUR["grid"], _COLOUR["axis"]

TITLE_SIZE = 36
EQUATION_SIZE = 34
LABEL_SIZE = 26
TICK_SIZE = 24  # the smallest text anywhere: legible at 480p

# The safe area is 5% in from every edge; the header band holds title, equation and panel.
SAFE_X = 0.9 * config.frame_width / 2
SAFE_Y = 0.9 * config.frame_height / 2
PLOT_WIDTH, PLOT_HEIGHT = 5.0, 3.3
PLOT_LEFT = np.array([-3.35, -1.05, 0.0])  # centres of the two plot slots
PLOT_RIGHT = np.array([3.35, -1.05, 0.0])
