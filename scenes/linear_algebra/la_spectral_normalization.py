"""11 la_spectral_normalization: power iteration finds sigma_max; W / sigma_max fits the
unit circle.

``manim -ql scenes/linear_algebra/la_spectral_normalization.py LaSpectralNormalization``
renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.linear_algebra.helpers import (
    arrow_points, mapped_points, parked, polyline_segments,
    set_mapped,
)
from scenes.theme.base import LectureScene, Sweep
from scenes.theme.dashes import REFERENCE_DASH, Dash, get_dashed
from scenes.theme.labels import place_beyond
from scenes.theme.layout import nice_ticks, tick_labels
from scenes.theme.numbers import number_tex, number_text
from scenes.theme.palette import (
    DOT_COLOR, FIRST_AXIS, FOREGROUND, GRID, LABEL_SIZE, REFERENCE, SAFE_X, SAMPLE, TRUTH,
)
from scenes.theme.panel import backed, make_panel, merge_outlines
from scenes.theme.plots import follow, make_axes, polyline_corners
from scenes.theme.shapes import (
    Window, axis_lines, dot_cloud_points, get_dot_cloud, get_segments, grid_lines,
)

__all__ = ["LaSpectralNormalization"]

WINDOW = Window(np.array([-SAFE_X, -3.6]), np.array([1.3, 2.0]))
MATRIX_CENTER = np.array([4.3, 1.05, 0.0])
PLOT_CENTER = np.array([4.35, -2.05, 0.0])
SLOW_STEPS = 3  # power iteration steps played one by one; the rest in one sweep


def _matrix_tex(name: str, m: np.ndarray) -> str:
    entries = [number_tex(v, 4) for v in m.ravel()]
    return (rf"{name} = \begin{{bmatrix}} {entries[0]} & {entries[1]} \\ "
            rf"{entries[2]} & {entries[3]} \end{{bmatrix}}")


def _turn(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """The unit vector a fraction ``t`` of the way along the short arc from a to b."""
    angle = np.arctan2(a[0] * b[1] - a[1] * b[0], a @ b)
    c, s = np.cos(t * angle), np.sin(t * angle)
    return np.array([c * a[0] - s * a[1], s * a[0] + c * a[1]])


class LaSpectralNormalization(LectureScene):
    def construct(self) -> None:
        r = self.result
        sigma = r.spectral_norm
        estimates, vectors = r.power_iteration_estimates, r.power_iteration_vectors
        steps = len(estimates) - 1

        self.step("The idea")
        self.open_with(
            r"\sigma_{\max}(W) = \max_{\|v\| = 1} \|W v\|,\qquad "
            r"W_{\mathrm{SN}} = \frac{W}{\sigma_{\max}(W)}",
            "Spectral normalization: divide W by its largest stretch.",
            run_time=1.5)

        self.step("W's ellipse and its long axis")
        view = WINDOW.view(max(1.0, sigma), margin=1.2)
        to_screen, origin = view.to_screen, view.origin
        grid = grid_lines(WINDOW, view)
        backdrop = set_mapped(get_segments(REFERENCE, 1, 0.35), grid, np.eye(2), view, WINDOW)
        axes_lines = set_mapped(get_segments(GRID, 1.5, 0.6), axis_lines(grid), np.eye(2), view,
                                WINDOW)
        circle = set_mapped(get_segments(REFERENCE, 2.5), polyline_segments(r.circle), np.eye(2),
                            view, dash=REFERENCE_DASH)
        shrink = Sweep(2)  # 0: W, 1: W / sigma_max

        def scale() -> float:
            return 1.0 + shrink.position * (1.0 / sigma - 1.0)

        def follow_scale(mobject: VMobject, segments, dash: Dash | None = None) -> VMobject:
            """Scaled by scale() every frame (added for step 5; until then drawn once)."""
            return follow(mobject, lambda: mapped_points(segments, scale() * np.eye(2), view,
                                                         dash=dash), bezier=True)

        outline = polyline_segments(r.ellipse)
        top = sigma * r.U[:, 0]
        long_axis_line = (-top[None], top[None])
        ellipse = set_mapped(VMobject(fill_color=TRUTH, fill_opacity=0.2, stroke_color=TRUTH,
                                      stroke_width=3), outline, np.eye(2), view)
        long_axis = set_mapped(get_segments(FIRST_AXIS, 4), long_axis_line, np.eye(2), view,
                               dash=REFERENCE_DASH)
        start_shape = set_mapped(ellipse.copy(), polyline_segments(r.circle), np.eye(2), view)
        # Text that only fades in is merged into one outline: one path to draw per frame.
        matrix = merge_outlines(MathTex(_matrix_tex("W", r.W), font_size=LABEL_SIZE + 2)
                                .move_to(MATRIX_CENTER))
        with self.narrate("W turns the unit circle (dashed) into an ellipse; its long "
                          "semi-axis is sigma_max."):
            self.play(FadeIn(backdrop), FadeIn(axes_lines), Create(circle), FadeIn(matrix),
                      run_time=1)
            self.play(ReplacementTransform(start_shape, ellipse), run_time=1.2)
            self.play(Create(long_axis), run_time=0.6)
            self.wait(1.5)

        self.step("Power iteration starts from a random unit vector")
        sweep = Sweep(steps + 1)

        def current() -> np.ndarray:
            position = sweep.position
            k = min(int(np.floor(position + 1e-9)), steps - 1) if steps > 0 else 0
            return _turn(vectors[k], vectors[k + 1], position - k) if steps > 0 else vectors[0]

        vector = follow(VMobject(fill_color=SAMPLE, fill_opacity=1, stroke_width=0),
                        lambda: arrow_points(origin, to_screen(current())[0]))
        image = follow(VMobject(fill_color=DOT_COLOR, fill_opacity=1, stroke_width=0),
                       lambda: arrow_points(origin, to_screen(current() @ r.W.T)[0]))
        names = VGroup(MathTex("v_k", font_size=LABEL_SIZE, color=SAMPLE),
                       MathTex("W v_k", font_size=LABEL_SIZE, color=DOT_COLOR))
        def beside_v(m: Mobject) -> None:
            """v_k's name beside its tip, on the side away from W v_k."""
            v = current()
            side = np.array([-v[1], v[0]])
            if side @ (v @ r.W.T) > 0:
                side = -side
            place_beyond(m, to_screen(v)[0], side, buff=0.08)

        def beyond_image(m: Mobject) -> None:
            image_tip = current() @ r.W.T
            place_beyond(m, to_screen(image_tip)[0], image_tip, buff=0.1)

        for name, placer in zip(names, (beside_v, beyond_image)):
            backed(name)
            name.add_updater(placer)
        for name in names:
            name.update()
        panel = make_panel([
            ("k", lambda: float(sweep.index()), 0),
            (r"\|W v_k\|", lambda: sweep.at(estimates), 4),
            (r"\sigma_{\max}\ (\mathrm{SVD})", sigma, 4),
        ])
        low, high = float(estimates.min()), sigma
        pad = max(0.1 * (high - low), 0.01 * sigma)
        y_lo, y_hi, y_ticks = nice_ticks(low - pad, high + pad, 4)
        ks = np.arange(steps + 1, dtype=float)
        x_ticks = list(range(steps + 1)) if steps <= 5 else nice_ticks(0, steps, 4)[2]
        plot, labels = make_axes([0, steps], [y_lo, y_hi], "k", r"\|W v_k\|",
                                      tick_labels(x_ticks), tick_labels(y_ticks), PLOT_CENTER,
                                      width=3.7, height=1.9)
        plot_labels = merge_outlines(labels)
        target = get_dashed(np.array([plot.c2p(0, sigma), plot.c2p(steps, sigma)]), TRUTH,
                            REFERENCE_DASH, 2.5)
        dots = follow(get_dot_cloud(np.zeros((0, 3)), 0.05, SAMPLE), lambda: dot_cloud_points(
            plot.c2p(ks[: sweep.index() + 1], estimates[: sweep.index() + 1]).T, 0.05),
            bezier=True)
        trail = follow(VMobject(stroke_color=SAMPLE, stroke_width=2.5),
                       lambda: polyline_corners(plot, ks, estimates, sweep.position))
        with self.narrate("Power iteration starts from a random unit vector v0. "
                          "||W v0|| is a first guess."):
            self.play(GrowFromPoint(vector, origin), GrowFromPoint(image, origin),
                      FadeIn(names), FadeIn(panel), run_time=1.2)
            with parked(vector, image, names, panel):
                self.play(Create(plot), FadeIn(plot_labels), Create(target), FadeIn(dots),
                          FadeIn(trail), run_time=1.2)
            self.wait(1)

        self.step("The first steps one by one, then the rest at once")
        slow = min(SLOW_STEPS, steps)
        with self.narrate("Each step: v becomes W^T W v, made unit length. W v swings "
                          "toward the long axis."):
            for k in range(1, slow + 1):
                self.play(sweep.to(k), run_time=1)
                self.wait(0.7)
        if steps > slow:
            with self.narrate(f"{steps - slow} more steps: the guess climbs to sigma_max "
                              "and never passes it."):
                self.play(sweep.to(steps),
                          run_time=min(4.0, 1.5 + 0.05 * (steps - slow)), rate_func=linear)
                self.wait(1)
        self.freeze_movers()
        with self.narrate(f"After {steps} step{'s' if steps > 1 else ''}: "
                          f"||W v|| = {number_text(estimates[-1], 4)}, against "
                          f"sigma_max = {number_text(sigma, 4)}."):
            self.wait(2)

        # The ellipse just touches the unit circle.
        self.step("Divide by sigma_max")
        touch = Dot(to_screen(r.U[:, 0])[0], radius=0.07, color=FOREGROUND)
        touch_name = backed(MathTex("u_1", font_size=LABEL_SIZE))
        place_beyond(touch_name, touch.get_center(), r.U[:, 0], buff=0.15)
        normalized = MathTex(_matrix_tex(r"W / \sigma_{\max}", r.W_normalized),
                             font_size=LABEL_SIZE + 2).move_to(MATRIX_CENTER)
        normalized = merge_outlines(normalized.scale_to_fit_width(
            min(normalized.width, SAFE_X - 1.9)))
        follow_scale(ellipse, outline)
        follow_scale(long_axis, long_axis_line, REFERENCE_DASH)
        with self.narrate("Divide W by sigma_max: the ellipse shrinks until it just "
                          "touches the unit circle." if sigma > 1 else
                          "Divide W by sigma_max: the ellipse grows until it just "
                          "touches the unit circle."):
            self.play(FadeOut(VGroup(vector, image, names)), run_time=0.6)
            self.play(shrink.to(1.0), FadeTransform(matrix, normalized),
                      run_time=2)
            self.play(FadeIn(touch), FadeIn(touch_name), run_time=0.5)
            self.wait(1.5)
        self.freeze_movers()
        with self.narrate("Now no input is stretched by more than 1: the norm of "
                          "W / sigma_max is 1."):
            self.play(Indicate(touch, scale_factor=1.6, color=TRUTH), run_time=1)
            self.wait(2.5)
