"""02 mc_nonlinear_expectation: a running estimate of E[f(X)] and its error.

``manim -ql scenes/monte_carlo/mc_nonlinear_expectation.py McNonlinearExpectation``
renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from compute.expr import parse, to_latex
from scenes.theme.base import LectureScene, Sweep
from scenes.theme.layout import distinct_labels, log_range, log_ticks, nice_ceiling
from scenes.theme.numbers import format_number
from scenes.theme.palette import PLOT_LEFT, PLOT_RIGHT, REFERENCE, TICK_SIZE, TRUTH
from scenes.theme.panel import make_panel
from scenes.theme.plots import (
    checkpoint_axes, follow, get_dashed_line, get_polyline, polyline_corners,
)

__all__ = ["McNonlinearExpectation"]

ROUNDING = 1e-12
"""Errors below this (relative to the value) are rounding: drawn at it on the log axis."""


class McNonlinearExpectation(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p
        log_n = np.log10(r.n)
        sweep = Sweep(len(r.n))
        f_tex = to_latex(parse(p.f, ("x",)))

        self.step("The estimator")
        self.open_with(
            rf"\mathbb{{E}}[f(X)] \approx \frac{{1}}{{N}}\sum_{{i=1}}^{{N}} f(x_i),\quad f(x) = {f_tex}",
            "The same averaging works for any function of a random draw.")

        self.step("The estimate against quadrature, the error on log axes")
        lo_n, hi_n = log_range(r.n)
        # A constant f (0*x) has no error at all: errors below rounding are drawn at it.
        floor = ROUNDING * max(1.0, abs(r.true_value))
        reference_line = np.maximum(r.reference_line, floor)
        spread = nice_ceiling(max(np.max(r.abs_error), floor))
        top, bottom = r.true_value + spread, r.true_value - spread
        left, left_labels = checkpoint_axes(
            r.n, [bottom, top], r"\text{estimate}",
            distinct_labels([bottom, r.true_value, top], 3), PLOT_LEFT)
        lo_e = int(np.floor(np.log10(reference_line.min()))) - 1
        hi_e = int(np.ceil(np.log10(max(r.abs_error.max(), reference_line.max()))))
        shown_error = np.log10(np.clip(r.abs_error, 10.0**lo_e, None))
        right, right_labels = checkpoint_axes(
            r.n, [lo_e, hi_e], r"|\text{estimate} - \text{truth}|", log_ticks(lo_e, hi_e),
            PLOT_RIGHT)
        truth = get_dashed_line(left, log_n[[0, -1]], [r.true_value] * 2, color=TRUTH)
        truth_label = MathTex(
            rf"\text{{quadrature}}: {format_number(r.true_value, decimals=4)}", color=TRUTH,
            font_size=TICK_SIZE)
        truth_label.next_to(left.c2p(hi_n, top), DOWN, buff=0.1).align_to(left, RIGHT)
        panel = make_panel([
            ("N", lambda: sweep.at(r.n), 0),
            (r"\text{estimate}", lambda: sweep.at(r.estimate), 4),
            (r"\text{truth}", lambda: r.true_value, 4),
            (r"|\text{error}|", lambda: sweep.at(r.abs_error), 5),
        ])
        with self.narrate("The yellow line is the exact value, found by numerical quadrature."):
            self.play(Create(left), Create(right), FadeIn(left_labels), FadeIn(right_labels),
                      run_time=1.5)
            self.play(Create(truth), FadeIn(truth_label), FadeIn(panel), run_time=1)
            self.wait(0.5)

        self.step("One stream of draws, estimate and error side by side")
        estimate = follow(get_polyline(left, log_n, r.estimate, 0),
                          lambda: polyline_corners(left, log_n, r.estimate, sweep.position))
        error = follow(get_polyline(right, log_n, shown_error, 0, stroke_width=2),
                       lambda: polyline_corners(right, log_n, shown_error, sweep.position))
        self.add(estimate, error)
        constant = np.max(r.abs_error) <= floor
        trend = ("Here f is constant: every draw gives its mean, so no error at all."
                 if constant else "The error jitters from draw to draw, but its trend is steady.")
        sweep.play_to_end(self, [f"We add draws up to N = {r.n[-1]:,} and keep a running average.",
                                 trend], 12)
        self.wait(1)

        self.step("The trend line")
        if constant:  # no error, no trend: the rate matters only when f varies
            with self.narrate("With a varying f, the error would fall like one over root N."):
                self.wait(2.5)
            return
        reference = get_dashed_line(right, log_n, np.log10(reference_line))
        slope = MathTex(r"\propto 1/\sqrt{N}", color=REFERENCE, font_size=TICK_SIZE + 4)
        slope.move_to(right.c2p(hi_n, hi_e), aligned_edge=UR).shift(0.3 * DOWN)
        with self.narrate("Again one over root N, whatever f is: "
                          "the rate does not depend on the dimension."):
            self.play(Create(reference), FadeIn(slope), run_time=2)
            self.wait(2.5)
