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
from manim import VMobject, config

__all__ = [
    "ACTIVE", "AXIS", "BACKGROUND", "BAND_OPACITY", "CONCAVE", "CONVEX", "DOT_COLOR",
    "EQUATION_SIZE", "FIRST_AXIS", "FOREGROUND", "GRID", "LABEL_SIZE", "PALETTES", "PLOT_HEIGHT",
    "PLOT_LEFT", "PLOT_RIGHT", "PLOT_WIDTH", "Palette", "REFERENCE", "SAFE_X", "SAFE_Y", "SAMPLE",
    "SECOND_AXIS", "SECOND_ROUTE", "THEME_VARIABLE", "TICK_SIZE", "TITLE_SIZE", "TRUTH",
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
    grid: str  # grid lines of a plane
    axis: str  # the lines of plot axes
    band_opacity: float  # uncertainty bands, in the sample colour


PALETTES = {
    "dark": Palette("dark", background="#000000", foreground="#FFFFFF", sample="#58C4DD",
                    dot="#9CDCEB", truth="#F7D96F", second_route="#5CD0B3",
                    reference="#888888", convex="#58C4DD", concave="#FC6255",
                    first_axis="#FF862F", second_axis="#9A72AC", grid="#BBBBBB",
                    axis="#888888", band_opacity=0.25),
    "light": Palette("light", background="#FFFFFF", foreground="#1A1A1A", sample="#1565C0",
                     dot="#4A7FC0", truth="#8A6100", second_route="#00796B",
                     reference="#5F6368", convex="#1565C0", concave="#C62828",
                     first_axis="#B45309", second_axis="#6A1B9A", grid="#8C8C8C",
                     axis="#5F6368", band_opacity=0.2),
}
ACTIVE = PALETTES[os.environ.get(THEME_VARIABLE, "") or "dark"]
# The frame and Manim's default colour for lines and text follow the palette: set once, at
# import, before any scene or mobject of this process exists.
config.background_color = ACTIVE.background
if ACTIVE.foreground != "#FFFFFF":
    VMobject.set_default(color=ACTIVE.foreground)

BACKGROUND, FOREGROUND = ACTIVE.background, ACTIVE.foreground
SAMPLE, DOT_COLOR, TRUTH = ACTIVE.sample, ACTIVE.dot, ACTIVE.truth
SECOND_ROUTE, REFERENCE = ACTIVE.second_route, ACTIVE.reference
BAND_OPACITY = ACTIVE.band_opacity
CONVEX, CONCAVE = ACTIVE.convex, ACTIVE.concave
FIRST_AXIS, SECOND_AXIS = ACTIVE.first_axis, ACTIVE.second_axis
GRID, AXIS = ACTIVE.grid, ACTIVE.axis

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
