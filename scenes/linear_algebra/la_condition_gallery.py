"""09 la_condition_gallery: matrices side by side, from round to nearly flat.

``manim -ql scenes/linear_algebra/la_condition_gallery.py LaConditionGallery`` renders the
defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.linear_algebra.helpers import (
    mapped_points, polyline_segments, set_arrow,
)
from scenes.theme.base import LectureScene, Sweep
from scenes.theme.dashes import REFERENCE_DASH
from scenes.theme.layout import nice_ceiling, tick_labels
from scenes.theme.numbers import number_tex
from scenes.theme.palette import (
    FIRST_AXIS, LABEL_SIZE, REFERENCE, SAFE_X, SAFE_Y, SECOND_AXIS, TICK_SIZE, TRUTH,
)
from scenes.theme.panel import merge_outlines
from scenes.theme.plots import (
    bar_points, follow, line_swatch, make_legend, plot_box, tick_column,
)
from scenes.theme.shapes import PlaneView, get_segments

__all__ = ["LaConditionGallery"]

LEFT_EDGE = -SAFE_X + 1.2  # columns start right of the row labels
MAX_WIDTH = 3.0  # of a column; fewer matrices sit in the middle
NAME_Y, ELLIPSE_Y, BARS = 1.72, 0.47, (-1.85, -0.6)  # rows of every column
TABLE_Y = (-2.33, -2.82, -3.3)  # norm, condition number, determinant
DECIMALS = (4, 2, 6)  # as the source's table prints them
AXIS_COLORS = (FIRST_AXIS, SECOND_AXIS)


class LaConditionGallery(LectureScene):
    def construct(self) -> None:
        r = self.result
        count = len(r.name)
        width = min(MAX_WIDTH, (SAFE_X - LEFT_EDGE) / count)
        start = (LEFT_EDGE + SAFE_X) / 2 - count * width / 2
        centers = start + width * (np.arange(count) + 0.5)

        self.step("What is compared")
        self.open_with(
            r"\|A\|_2 = \sigma_1,\qquad \kappa(A) = \frac{\sigma_1}{\sigma_2},\qquad "
            r"|\det A| = \sigma_1 \sigma_2",
            "How far, and how unevenly, does each matrix stretch?", run_time=1.5)

        # Its name and the unit circle, all alike.
        self.step("One column per matrix")
        radius = min(0.9, 0.42 * width)
        origins = [np.array([x, ELLIPSE_Y, 0.0]) for x in centers]
        names = VGroup(*[Text(name, font_size=TICK_SIZE) for name in r.name])
        for name, x in zip(names, centers):
            name.scale_to_fit_width(min(name.width, 0.88 * width)).move_to([x, NAME_Y, 0])
        names = VGroup(*[merge_outlines(name) for name in names])
        progress = Sweep(2)  # 0: the unit circles, 1: their images

        def view(k: int) -> PlaneView:
            """Column k zooms out while its map plays, until its ellipse just fits."""
            t = progress.position
            return PlaneView(origins[k], radius / (1.0 + t * (max(1.0, r.singular_values[k, 0])
                                                              - 1.0)))

        def matrix(k: int) -> np.ndarray:
            t = progress.position
            return (1.0 - t) * np.eye(2) + t * r.matrices[k]

        circles, shapes = VGroup(), VGroup()
        for k in range(count):
            circle = get_segments(REFERENCE, 2)
            circles.add(follow(circle, lambda k=k: mapped_points(
                polyline_segments(r.circle), np.eye(2), view(k), dash=REFERENCE_DASH), bezier=True))
            shape = VMobject(fill_color=TRUTH, fill_opacity=0.25, stroke_color=TRUTH,
                             stroke_width=3)
            shapes.add(follow(shape, lambda k=k: mapped_points(
                polyline_segments(r.circle), matrix(k), view(k)), bezier=True))
        with self.narrate(f"{count} matrices, each applied to the same unit circle."
                          if count > 1 else "One matrix, applied to the unit circle."):
            self.play(FadeIn(names), FadeIn(circles), FadeIn(shapes), run_time=1)
            self.wait(1.5)

        # Their semi-axes are sigma_i u_i.
        self.step("Circles become ellipses")
        with self.narrate("Each circle becomes an ellipse; the dashed circle keeps "
                          "the scale."):
            self.play(progress.to(1.0), run_time=2.5)
            self.wait(1)
        self.freeze_movers()
        arrows = VGroup()
        for k, axes in enumerate(r.principal_axes):
            for axis, color in zip(axes, AXIS_COLORS):
                arrows.add(set_arrow(VMobject(fill_color=color, fill_opacity=1, stroke_width=0),
                                     origins[k], view(k).to_screen(axis)[0], width=0.035,
                                     tip_length=0.16, tip_width=0.15))
        with self.narrate("The semi-axes are sigma1 u1 and sigma2 u2."):
            self.play(FadeIn(arrows), run_time=1)
            self.wait(1)

        self.step("The singular values as bars, on one shared scale")
        top = nice_ceiling(r.bar_scale)
        pad = 0.25 / width  # the vertical axis stands just left of the first column
        bars_axes = plot_box([-pad, count], [0, top], (count + pad) * width, BARS[1] - BARS[0])
        bars_axes.shift(np.array([start, BARS[0], 0]) - bars_axes.c2p(0, 0))
        ticks = tick_column(bars_axes, tick_labels((0, top)), -pad, 0.15)
        slots = np.arange(count, dtype=float)
        bars = VGroup(*[VMobject(fill_color=color, fill_opacity=0.85, stroke_width=0)
                        .set_points(bar_points(bars_axes, slots + low, slots + low + 0.25,
                                               r.singular_values[:, k]))
                        for k, (color, low) in enumerate(zip(AXIS_COLORS, (0.22, 0.53)))])
        legend = make_legend([(line_swatch(color), MathTex(rf"\sigma_{k + 1}",
                                                           font_size=LABEL_SIZE))
                              for k, color in enumerate(AXIS_COLORS)], buff=0.12)
        legend.move_to([SAFE_X, SAFE_Y, 0], aligned_edge=UR)
        with self.narrate("The singular values as bars, all on one scale."):
            self.play(Create(bars_axes), FadeIn(ticks), FadeIn(legend), run_time=1)
            self.play(*[GrowFromEdge(bar, DOWN) for bar in bars], run_time=1.2)
            self.wait(1.3)

        self.step("The table, to the source's digits")
        labels = merge_outlines(VGroup(*[
            MathTex(tex, font_size=LABEL_SIZE).move_to([start - 0.25, y, 0],
                                                       aligned_edge=RIGHT)
            for tex, y in zip((r"\|A\|_2", r"\kappa(A)", r"\det A"), TABLE_Y)]))
        columns = (r.spectral_norm, r.condition_number, r.determinant)
        cells = VGroup(*[VGroup(*[
            MathTex(number_tex(float(values[i]), decimals, max_chars=10, grouping=False),
                    font_size=LABEL_SIZE)
            .move_to([x, y, 0]) for values, decimals, y in zip(columns, DECIMALS, TABLE_Y)])
            for i, x in enumerate(centers)])
        for column in cells:
            for cell in column:
                cell.scale_to_fit_width(min(cell.width, 0.92 * width))
        cells = VGroup(*[merge_outlines(column) for column in cells])  # a path per column
        with self.narrate("Norm sigma1, kappa = sigma1/sigma2, and det = sigma1 sigma2 "
                          "up to its sign."):
            self.play(FadeIn(labels), LaggedStart(*[FadeIn(c) for c in cells], lag_ratio=0.3),
                      run_time=1.5)
            self.wait(2)

        self.step("The worst-conditioned matrix")
        worst = int(np.argmax(r.condition_number))
        top_y, bottom_y = NAME_Y + 0.25, TABLE_Y[-1] - 0.25
        frame = Rectangle(width=width - 0.1, height=top_y - bottom_y, color=TRUTH,
                          stroke_width=3).move_to([centers[worst], (top_y + bottom_y) / 2, 0])
        if np.isinf(r.condition_number[worst]):
            line = (f"{r.name[worst]} is singular: its circle collapses to a segment, "
                    "kappa is infinite.")
        elif count > 1 and r.spectral_norm[worst] < r.spectral_norm.max():
            line = (f"{r.name[worst]}: modest norm, largest kappa. "
                    "Flatness, not size, sets kappa.")
        else:
            line = "The flatter the ellipse, the larger kappa: errors along v2 get amplified."
        with self.narrate(line):
            self.play(Create(frame), run_time=0.8)
            self.wait(2.4)
        with self.narrate("A large kappa makes A hard to invert: a small error can grow "
                          "kappa-fold."):
            self.wait(2.5)

