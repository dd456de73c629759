"""05 cov_tanh: Gaussian draws through a monotone curve pile up where it is flat.

``manim -ql scenes/change_of_variables/cov_tanh.py CovTanh`` renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from compute.expr import parse, to_latex
from scenes.change_of_variables.helpers import bin_heights, spread
from scenes.theme.base import LectureScene, Sweep
from scenes.theme.dashes import GUIDE_DASH, SECOND_ROUTE_DASH, get_dashed
from scenes.theme.layout import nice_ticks, tick_labels
from scenes.theme.palette import DOT_COLOR, FOREGROUND, REFERENCE, SECOND_ROUTE, TRUTH
from scenes.theme.panel import make_panel
from scenes.theme.plots import get_dashed_line, get_histogram, get_polyline, make_axes
from scenes.theme.shapes import dot_cloud_points, get_dot_cloud

__all__ = ["CovTanh"]


class CovTanh(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p

        self.step("The formula for a monotone g")
        g_tex = to_latex(parse(p.transform, ("x",)), {"x": "z"})
        self.open_with(
            rf"p_Y(y) = p_Z\big(g^{{-1}}(y)\big)\left|\frac{{dg^{{-1}}}}{{dy}}\right|,"
            rf"\qquad g(z) = {g_tex}",
            "Push Gaussian draws through a curve: where it is flat, "
            "the draws pile up.")

        # G, the density of y, and |dz/dy|.
        self.step("Three plots sharing the y axis")
        z_lo, z_hi, z_ticks = nice_ticks(r.z_samples.min(), r.z_samples.max(), 5)
        y_lo, y_hi, y_ticks = nice_ticks(r.y_samples.min(), r.y_samples.max(), 5)
        capped = r.density.max() > 2.5 * r.hist_density.max()  # a density with a spike
        d_max = 1.5 * r.hist_density.max() if capped else max(r.density.max(),
                                                               r.hist_density.max())
        _, d_hi, d_ticks = nice_ticks(0, 1.05 * d_max, 3)
        _, f_hi, f_ticks = nice_ticks(0, 1.02 * r.jacobian_factor.max(), 3)
        height, middle_y = 3.6, -0.85
        curve_axes, curve_labels = make_axes(
            [z_lo, z_hi], [y_lo, y_hi], "z", "y = g(z)", tick_labels(z_ticks), tick_labels(y_ticks),
            np.array([-3.75, middle_y, 0]), width=3.7, height=height)
        density_axes, density_labels = make_axes(
            [0, d_hi], [y_lo, y_hi], "p_Y(y)", "y", tick_labels(d_ticks), {},
            np.array([0.55, middle_y, 0]), width=3.0, height=height)
        factor_axes, factor_labels = make_axes(
            [0, f_hi], [y_lo, y_hi], r"|dz/dy|", "y", tick_labels(f_ticks), {},
            np.array([4.55, middle_y, 0]), width=2.9, height=height)

        # The graph of g through points the compute step evaluated: sorted draws (dense where
        # z is likely) and the density grid (dense where y changes fast).
        keep = np.unique(np.linspace(0, len(r.z_samples) - 1, 300).astype(int))
        order = np.argsort(r.z_samples)[keep]
        graph_z = np.concatenate([r.z_samples[order], r.z_grid])
        graph_y = np.concatenate([r.y_samples[order], r.y_grid])
        curve = get_polyline(curve_axes, np.sort(graph_z), graph_y[np.argsort(graph_z)],
                             color=FOREGROUND)
        n_dots = min(300, len(r.z_samples))
        z_dots, y_dots, mix = r.z_samples[:n_dots], r.y_samples[:n_dots], spread(n_dots)
        on_axis = curve_axes.c2p(z_dots, y_lo + (0.02 + 0.1 * mix) * (y_hi - y_lo)).T
        on_curve = curve_axes.c2p(z_dots, y_dots).T
        in_bars = density_axes.c2p(
            np.minimum(mix * bin_heights(r.hist_edges, r.hist_density, y_dots), d_hi),
            y_dots).T
        travel = ValueTracker(0.0)

        def dot_positions() -> np.ndarray:
            s = travel.get_value()
            return (on_axis + np.clip(s, 0, 1) * (on_curve - on_axis)
                    + np.clip(s - 1, 0, 1) * (in_bars - on_curve))

        dots = get_dot_cloud(on_axis, 0.03, DOT_COLOR)
        dots.add_updater(lambda m: m.set_points(dot_cloud_points(dot_positions(), 0.03)))
        with self.narrate("Left: the transform y = g(z), with draws of z "
                          "from N(0, 1) along the bottom."):
            self.play(Create(curve_axes), FadeIn(curve_labels), Create(curve), run_time=1.5)
            self.play(FadeIn(dots), run_time=1)
            self.wait(1)

        self.step("Each draw goes up to the curve, then across to its value of y")
        with self.narrate("Each draw rises to the curve, which gives its y..."):
            self.play(Create(density_axes), FadeIn(density_labels), run_time=1)
            self.play(travel.animate.set_value(1), run_time=2.5)
        with self.narrate("...and slides across: draws crowd where the curve is flat."):
            self.play(travel.animate.set_value(2), run_time=2.5)
            self.wait(1)

        self.step("The histogram of y against p_Y by change of variables")
        bars = get_histogram(density_axes, r.hist_edges, np.minimum(r.hist_density, d_hi),
                             sideways=True)
        p_y = get_dashed_line(density_axes, np.minimum(r.density, d_hi), r.y_grid,
                              SECOND_ROUTE, SECOND_ROUTE_DASH, 4.5)
        with self.narrate("Their histogram, and p_Y from the formula (dashed): "
                          "the two agree."):
            self.play(FadeIn(bars), FadeOut(dots), run_time=1.5)
            self.play(Create(p_y), run_time=2)
            self.wait(1)

        self.step("The factor |dz/dy| = 1/|g'|, and a sweep along y")
        factor_curve = get_polyline(factor_axes, r.jacobian_factor, r.y_grid, color=FOREGROUND)
        steepest, flattest = r.steepest, r.flattest
        last = len(r.y_grid) - 1
        # Then on to the end farther from the flattest point (away from the start on a tie).
        far_end = max((0, last), key=lambda end: (round(abs(end - flattest) / (0.1 * last)),
                                                  abs(end - steepest)))
        cursor = Sweep(len(r.y_grid), start=steepest)
        at = cursor.at
        panel = make_panel([
            ("y", lambda: at(r.y_grid), 4),
            (r"|dz/dy|", lambda: at(r.jacobian_factor), 4),
            (r"p_Y(y)", lambda: at(r.density), 4),
        ])
        with self.narrate("Right: |dz/dy| = 1/|g'(z)|, the factor "
                          "that rescales the density."):
            self.play(Create(factor_axes), FadeIn(factor_labels), run_time=1)
            self.play(Create(factor_curve), FadeIn(panel), run_time=1.5)
            self.wait(1)

        guide = get_dashed(np.array([curve_axes.c2p(z_lo, 0), factor_axes.c2p(f_hi, 0)]),
                           REFERENCE, GUIDE_DASH, 2)
        guide.add_updater(lambda m: m.set_y(curve_axes.c2p(z_lo, at(r.y_grid))[1]))
        rising = np.sign(r.z_grid[-1] - r.z_grid[0])
        direction = lambda: (curve_axes.c2p(1, rising / at(r.jacobian_factor))  # noqa: E731
                             - curve_axes.c2p(0, 0))
        tangent = Line(LEFT, RIGHT, color=TRUTH, stroke_width=4)
        tangent.add_updater(lambda m: m.put_start_and_end_on(
            *[curve_axes.c2p(at(r.z_grid), at(r.y_grid)) + s * 0.45 * normalize(direction())
              for s in (-1, 1)]))
        markers = VGroup(*[Dot(radius=0.06, color=FOREGROUND) for _ in range(3)])
        markers.add_updater(lambda m: [
            dot.move_to(axes.c2p(x, at(r.y_grid))) for dot, axes, x in zip(
                m, (curve_axes, density_axes, factor_axes),
                (at(r.z_grid), min(at(r.density), d_hi), at(r.jacobian_factor)))])
        self.play(FadeIn(guide), FadeIn(tangent), FadeIn(markers), run_time=0.5)
        with self.narrate("Where the curve flattens, |dz/dy| blows up, "
                          "and so does the density."):
            self.play(cursor.to(flattest), rate_func=linear,
                      run_time=1.5 + 3.5 * abs(flattest - steepest) / last)
            self.wait(1)
        with self.narrate("Steep parts spread the draws thin; "
                          "flat parts pile them up."):
            self.play(cursor.to(far_end), rate_func=linear,
                      run_time=1.5 + 3.5 * abs(far_end - flattest) / last)
            self.wait(1.5)
