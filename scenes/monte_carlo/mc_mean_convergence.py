"""01 mc_mean_convergence: the running mean of normal draws and its shrinking band.

``manim -ql scenes/monte_carlo/mc_mean_convergence.py McMeanConvergence`` renders the
defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.theme.base import LectureScene, Sweep
from scenes.theme.labels import box_of, crowding, place_label
from scenes.theme.layout import distinct_labels, log_range, log_ticks, nice_ceiling
from scenes.theme.numbers import format_number
from scenes.theme.palette import PLOT_LEFT, PLOT_RIGHT, REFERENCE, TICK_SIZE, TRUTH
from scenes.theme.panel import make_panel
from scenes.theme.plots import (
    band_corners, checkpoint_axes, follow, get_band, get_dashed_line, get_polyline,
    polyline_corners,
)

__all__ = ["McMeanConvergence"]


class McMeanConvergence(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p
        log_n = np.log10(r.n)
        sweep = Sweep(len(r.n))

        self.step("The question")
        self.open_with(
            r"\bar X_N = \frac{1}{N}\sum_{i=1}^{N} X_i \;\longrightarrow\; \mu",
            "Average a stream of random draws and the result homes in on the mean.")

        self.step("The estimate and the width of its band")
        lo_n, hi_n = log_range(r.n)
        spread = nice_ceiling(np.max(np.abs(r.mean - p.mu) + r.ci_half_width))
        left, left_labels = checkpoint_axes(
            r.n, [p.mu - spread, p.mu + spread], r"\bar X_N",
            distinct_labels([p.mu - spread, p.mu, p.mu + spread]), PLOT_LEFT)
        lo_w, hi_w = log_range(np.concatenate([r.ci_half_width, r.reference_line]))
        right, right_labels = checkpoint_axes(
            r.n, [lo_w, hi_w], rf"\text{{{format_number(100 * p.confidence, 6)}\% half-width}}",
            log_ticks(lo_w, hi_w), PLOT_RIGHT)
        truth = get_dashed_line(left, log_n[[0, -1]], [p.mu, p.mu], color=TRUTH)
        truth_label = MathTex(rf"\mu = {format_number(p.mu, 6)}", color=TRUTH,
                              font_size=TICK_SIZE + 2)
        end = left.c2p(hi_n, p.mu)  # right of the line's end; above it, inside, if too long
        place_label(truth_label, [(end, RIGHT), (end + 0.1 * UP, UP + 2 * LEFT)],
                    lambda box: crowding(box, [box_of(m) for m in right_labels], margin=0.05),
                    buffs=(0.1,), fallback="first")
        panel = make_panel([
            ("N", lambda: sweep.at(r.n), 0),
            (r"\bar X_N", lambda: sweep.at(r.mean), 4),
            (r"\pm\, z\,s/\sqrt{N}", lambda: sweep.at(r.ci_half_width), 4),
        ])
        with self.narrate("Left: the running mean with its band. "
                          "Right: the band's half-width, log scales."):
            self.play(Create(left), Create(right), FadeIn(left_labels), FadeIn(right_labels),
                      run_time=1.5)
            self.play(Create(truth), FadeIn(truth_label), FadeIn(panel), run_time=1)
            self.wait(0.5)

        self.step("The sweep over checkpoints")
        low, high = r.mean - r.ci_half_width, r.mean + r.ci_half_width
        band = follow(get_band(left, log_n, low, high, 0),
                      lambda: band_corners(left, log_n, low, high, sweep.position))
        mean_line = follow(get_polyline(left, log_n, r.mean, 0),
                           lambda: polyline_corners(left, log_n, r.mean, sweep.position))
        width_line = follow(get_polyline(right, log_n, np.log10(r.ci_half_width), 0),
                            lambda: polyline_corners(right, log_n, np.log10(r.ci_half_width),
                                                     sweep.position))
        self.add(band, mean_line, width_line)
        sweep.play_to_end(self, ["With a handful of draws the mean swings and the band is wide.",
                                 "Each new draw moves it less, and the band closes in on mu."],
                          12)
        self.wait(1)

        self.step("The rate")
        reference = get_dashed_line(right, log_n, np.log10(r.reference_line))
        slope = MathTex(r"\propto 1/\sqrt{N}", color=REFERENCE, font_size=TICK_SIZE + 4)
        rule = MathTex(r"4\times N \;\Rightarrow\; \tfrac12 \times \text{error}", font_size=30)
        rule.move_to(right.c2p(hi_n, hi_w), aligned_edge=UR).shift(0.25 * DOWN)
        on_line = [right.c2p(log_n[k], np.log10(r.reference_line[k]))
                   for k in (len(log_n) // 3, len(log_n) // 2)]
        taken = [box_of(m) for m in [rule, *right_labels]]
        place_label(slope, [(point, side) for point in on_line for side in (UR, DL)],
                    lambda box: crowding(box, taken, margin=0.05), buffs=(0.2,),
                    fallback="fewest")
        with self.narrate("The width falls like one over root N: "
                          "a straight line of slope minus one half."):
            self.play(Create(reference), FadeIn(slope), run_time=2)
            self.wait(1.5)
        with self.narrate("So halving the error costs four times as many samples."):
            self.play(Write(rule), run_time=1.5)
            self.wait(2)
