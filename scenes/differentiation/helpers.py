"""Pieces shared by the differentiation scenes: merged labels, panels of vectors and cell
outlines.

A user's ``f`` may reach +-1e12 and its plot limits are robust ones, so curves, tangent
lines and Taylor curves are clipped to the plot window
(:func:`scenes.theme.plots.window_curve_points`) rather than drawn past it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import LEFT, RIGHT, MathTex, ParsableManimColor, VGroup, VMobject

from scenes.theme.palette import FOREGROUND, LABEL_SIZE, SAFE_X
from scenes.theme.panel import merge_outlines, panel_label_place
from scenes.theme.shapes import segment_points

__all__ = [
    "box_points", "label_tex", "make_vector_panel", "square_cells_points",
]


def label_tex(tex: str, font_size: float = LABEL_SIZE, color: ParsableManimColor = FOREGROUND
              ) -> VMobject:
    """A static MathTex label as one merged outline: a fade, a copy or a frame handles one
    path instead of a glyph tree."""
    return merge_outlines(MathTex(tex, font_size=font_size, color=color))


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
