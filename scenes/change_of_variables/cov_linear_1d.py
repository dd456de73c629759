"""04 cov_linear_1d: normal draws under y = a x + b, and p_Y two ways.

``manim -ql scenes/change_of_variables/cov_linear_1d.py CovLinear1d`` renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.change_of_variables.helpers import MAX_DOTS, bin_heights, spread
from scenes.theme.base import LectureScene
from scenes.theme.dashes import GUIDE_DASH, REFERENCE_DASH, SECOND_ROUTE_DASH, get_dashed
from scenes.theme.layout import nice_ceiling, nice_ticks, tick_labels, tick_tex
from scenes.theme.numbers import caption_number, format_number
from scenes.theme.palette import DOT_COLOR, FOREGROUND, LABEL_SIZE, REFERENCE, SECOND_ROUTE, TRUTH
from scenes.theme.panel import make_panel
from scenes.theme.plots import (
    get_dashed_line, get_histogram, get_polyline, histogram_points, line_swatch, make_axes,
    make_legend, place_clear,
)
from scenes.theme.shapes import dot_cloud_points, get_dot_cloud

__all__ = ["CovLinear1d"]


class CovLinear1d(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p

        self.step("The formula")
        self.open_with(
            r"p_Y(y) = p_X\!\left(\frac{y-b}{a}\right)\left|\frac{dx}{dy}\right|,\qquad"
            r"\left|\frac{dx}{dy}\right| = \frac{1}{|a|}",
            "Stretch a random variable and its density must drop, "
            "so the total stays one.")

        self.step("X, its histogram, some of its draws as dots, and p_X")
        low = min(r.x_grid[0], r.y_grid[0], r.x_hist_edges[0], r.y_hist_edges.min())
        high = max(r.x_grid[-1], r.y_grid[-1], r.x_hist_edges[-1], r.y_hist_edges.max())
        lo, hi, x_ticks = nice_ticks(low, high, 8)
        top = nice_ceiling(1.08 * max(r.x_hist_density.max(), r.y_hist_density.max(),
                                      r.density_x.max(), r.density_analytic.max()))
        axes, axis_labels = make_axes(
            [lo, hi], [0, top], r"x \text{ and } y", r"\text{density}", tick_labels(x_ticks),
            {0.0: "0", top / 2: tick_tex(top / 2), top: tick_tex(top)},
            np.array([0.25, -0.75, 0]), width=11.4, height=3.9)

        stretch, shift, squash = ValueTracker(1.0), ValueTracker(0.0), ValueTracker(1.0)
        n_dots = min(MAX_DOTS, len(r.x_samples))
        x_dots = r.x_samples[:n_dots]
        dot_heights = spread(n_dots) * bin_heights(r.x_hist_edges, r.x_hist_density, x_dots)

        def moved(xs: np.ndarray) -> np.ndarray:
            return stretch.get_value() * xs + shift.get_value()

        bars = get_histogram(axes, r.x_hist_edges, r.x_hist_density)
        bars.add_updater(lambda m: m.set_points(histogram_points(
            axes, moved(r.x_hist_edges), r.x_hist_density / squash.get_value())))
        dots = get_dot_cloud(axes.c2p(x_dots, dot_heights).T, 0.03, DOT_COLOR)
        dots.add_updater(lambda m: m.set_points(dot_cloud_points(
            axes.c2p(moved(x_dots), dot_heights / squash.get_value()).T, 0.03)))
        p_x = get_polyline(axes, r.x_grid, r.density_x, color=TRUTH)
        p_x_label = MathTex(r"p_X = \mathcal{N}(0, 1)", color=TRUTH, font_size=LABEL_SIZE)
        p_x_label.next_to(axes.c2p(0, r.density_x.max()), UR, buff=0.15)
        with self.narrate(f"{p.n_samples:,} draws of X ~ N(0, 1): their histogram, "
                          "some of them as dots, and p_X."):
            self.play(Create(axes), FadeIn(axis_labels), run_time=1)
            self.play(FadeIn(bars), FadeIn(dots), Create(p_x), FadeIn(p_x_label), run_time=1.5)
            self.wait(1)

        # Every piece moves the draws and the bars.
        self.step("The map, one piece at a time")
        before = get_dashed_line(axes, r.x_grid, r.density_x)
        grows = abs(p.a) > 1
        with self.narrate(f"Multiply by |a| = {caption_number(abs(p.a), 6)}: the draws spread "
                          f"{'out' if grows else 'in'}, and the bars "
                          f"{'widen and sink' if grows else 'narrow and rise'}."):
            self.play(ReplacementTransform(p_x, before), FadeOut(p_x_label), run_time=1)
            self.play(stretch.animate.set_value(abs(p.a)), squash.animate.set_value(abs(p.a)),
                      run_time=3)
            self.wait(1)
        if p.a < 0:
            with self.narrate("The minus sign mirrors every draw; "
                              "a mirror changes no heights."):
                self.play(stretch.animate.set_value(p.a), run_time=2.5)
                self.wait(1)
        if p.b != 0:
            with self.narrate(f"Adding b = {caption_number(p.b, 6)} slides everything over "
                              "and changes no heights either."):
                self.play(shift.animate.set_value(p.b), run_time=2)
                self.wait(1)

        # The draws stop moving: no more updaters.
        self.step("The draws of Y and their summary")
        bars.clear_updaters()
        dots.clear_updaters()
        y_bars = get_histogram(axes, r.y_hist_edges, r.y_hist_density)
        self.remove(bars)
        self.add(y_bars, dots)
        panel = make_panel([
            (r"\text{mean of } y", lambda: r.sample_mean, 4),
            (r"\text{std of } y", lambda: r.sample_std, 4),
            (r"|dx/dy|", lambda: r.jacobian_factor, 4),
        ])
        mean, std = (caption_number(v, decimals=4) for v in (r.sample_mean, r.sample_std))
        with self.narrate(f"The draws of Y: mean {mean}, std {std}, close to b and |a|."):
            self.play(FadeIn(panel), run_time=1.5)
            self.wait(1)

        # The two curves coincide: a wide yellow band with the teal dashes on top of it.
        self.step("Two routes to p_Y agree")
        analytic = get_polyline(axes, r.y_grid, r.density_analytic, color=TRUTH, stroke_width=7)
        by_change = get_dashed_line(axes, r.y_grid, r.density_change_of_variables,
                                    SECOND_ROUTE, SECOND_ROUTE_DASH, 3.5)
        legend = make_legend([
            (line_swatch(REFERENCE, REFERENCE_DASH), MathTex(r"p_X \text{ before}",
                                                          font_size=LABEL_SIZE)),
            (line_swatch(TRUTH), MathTex(r"\mathcal{N}(b,\, a^2)", font_size=LABEL_SIZE)),
            (line_swatch(SECOND_ROUTE, SECOND_ROUTE_DASH),
             MathTex(r"p_X\big((y-b)/a\big)\,|dx/dy|", font_size=LABEL_SIZE)),
        ])
        corner = UL if p.b >= (lo + hi) / 2 else UR
        legend.move_to(axes.c2p(lo if corner is UL else hi, top), aligned_edge=corner)
        legend.shift(0.3 * (RIGHT if corner is UL else LEFT) + 0.05 * DOWN)
        with self.narrate("Yellow: N(b, a^2) by formula. Dashed: p_X moved back "
                          "and scaled by |dx/dy|."):
            self.play(FadeIn(legend[:2]), Create(analytic), run_time=2)
            self.play(FadeIn(legend[2]), Create(by_change), run_time=2)
            self.wait(1.5)

        self.step("The factor is why the peak moved")
        peak_x, peak_y = r.density_x.max(), r.density_analytic.max()
        arrow = Arrow(axes.c2p(p.b, peak_x), axes.c2p(p.b, peak_y), buff=0, color=FOREGROUND,
                      stroke_width=4, max_tip_length_to_length_ratio=0.3)
        level_x = np.array([min(0, p.b) - 0.3, max(0, p.b) + 0.3])  # from p_X's peak to the arrow
        level = get_dashed(np.array([axes.c2p(level_x[0], peak_x), axes.c2p(level_x[1], peak_x)]),
                           REFERENCE, GUIDE_DASH, 4)
        factor = MathTex(
            rf"\times\left|\frac{{dx}}{{dy}}\right| = {format_number(r.jacobian_factor, 4)}",
            font_size=30)
        bar_tops = np.repeat(r.y_hist_density, 2)
        place_clear(factor, arrow, axes, [
            (r.y_grid, r.density_analytic, False), (r.x_grid, r.density_x, False),
            (np.stack([r.y_hist_edges[:-1], r.y_hist_edges[1:]], 1).ravel(), bar_tops, True),
            (level_x, np.array([peak_x, peak_x]), False),
        ], legend)
        with self.narrate("The peak is multiplied by |dx/dy| = "
                          f"{caption_number(r.jacobian_factor, 4)}: the same mass on a "
                          f"{'wider' if grows else 'narrower'} range."):
            self.play(Create(level), GrowArrow(arrow), Write(factor), run_time=2)
            self.wait(2.5)
