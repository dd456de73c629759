"""Colours with a fixed meaning (VISUAL.md), text sizes and the frame's safe area."""

from __future__ import annotations

import numpy as np
from manim import BLUE, BLUE_B, GREY, ORANGE, PURPLE, RED, TEAL, YELLOW, config

__all__ = [
    "BAND_OPACITY", "CONCAVE", "CONVEX", "DOT_COLOR", "EQUATION_SIZE", "FIRST_AXIS",
    "LABEL_SIZE", "PLOT_HEIGHT", "PLOT_LEFT", "PLOT_RIGHT", "PLOT_WIDTH", "REFERENCE",
    "SAFE_X", "SAFE_Y", "SAMPLE", "SECOND_AXIS", "SECOND_ROUTE", "TICK_SIZE", "TITLE_SIZE",
    "TRUTH",
]

# Colour meaning, the same in every scene.
SAMPLE = BLUE  # samples, histograms, empirical estimates
DOT_COLOR = BLUE_B  # single draws drawn over their histogram: a lighter blue that reads on it
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

# The safe area is 5% in from every edge; the header band holds title, equation and panel.
SAFE_X = 0.9 * config.frame_width / 2
SAFE_Y = 0.9 * config.frame_height / 2
PLOT_WIDTH, PLOT_HEIGHT = 5.0, 3.3
PLOT_LEFT = np.array([-3.35, -1.05, 0.0])  # centres of the two plot slots
PLOT_RIGHT = np.array([3.35, -1.05, 0.0])
