"""Section 1 (D.1): Monte Carlo estimates converge, slowly, and rarely miss by much.

Render one clip with its defaults through Manim itself:
``manim -ql scenes/monte_carlo.py McMeanConvergence``.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from compute.expr import parse, to_latex
from scenes.theme import (
    PLOT_LEFT, PLOT_RIGHT, REFERENCE, SAMPLE, SECOND_ROUTE, TICK_SIZE, TRUTH, LectureScene,
    distinct_labels, get_band, get_dashed_line, get_polyline, log_ticks, make_axes, make_panel,
    nice_ceiling,
)

__all__ = ["McConcentration", "McMeanConvergence", "McNonlinearExpectation"]


def _log_range(values: np.ndarray) -> tuple[int, int]:
    logs = np.log10(values)
    return int(np.floor(logs.min())), int(np.ceil(logs.max()))


def _sweep(scene: LectureScene, tracker: ValueTracker, lines: list[str], seconds: float) -> None:
    """Advance a checkpoint tracker to its end, one caption per equal share of the sweep;
    then freeze what the updaters drew."""
    end = len(scene.result.n) - 1
    for i, line in enumerate(lines, start=1):
        with scene.narrate(line):
            scene.play(tracker.animate.set_value(end * i / len(lines)),
                       run_time=seconds / len(lines), rate_func=linear)
    scene.freeze_movers()


class McMeanConvergence(LectureScene):
    scene_id = "mc_mean_convergence"

    def construct(self) -> None:
        r, p = self.result, self.p
        log_n = np.log10(r.n)
        k = ValueTracker(0)
        at = lambda values: values[int(k.get_value())]  # noqa: E731 the panel shows checkpoints

        # Step 1: the question.
        self.open_with(
            "Monte Carlo: the running mean",
            r"\bar X_N = \frac{1}{N}\sum_{i=1}^{N} X_i \;\longrightarrow\; \mu",
            "Average a stream of random draws and the result homes in on the mean.")

        # Step 2: two plots, the estimate and the width of its error band.
        lo_n, hi_n = _log_range(r.n)
        spread = nice_ceiling(np.max(np.abs(r.mean - p.mu) + r.ci_half_width))
        left, left_labels = make_axes(
            [lo_n, hi_n], [p.mu - spread, p.mu + spread], "N", r"\bar X_N",
            log_ticks(lo_n, hi_n),
            distinct_labels([p.mu - spread, p.mu, p.mu + spread]),
            PLOT_LEFT)
        lo_w, hi_w = _log_range(np.concatenate([r.ci_half_width, r.reference_line]))
        right, right_labels = make_axes(
            [lo_n, hi_n], [lo_w, hi_w], "N", rf"\text{{{100 * p.confidence:g}\% half-width}}",
            log_ticks(lo_n, hi_n), log_ticks(lo_w, hi_w), PLOT_RIGHT)
        truth = get_dashed_line(left, log_n[[0, -1]], [p.mu, p.mu], color=TRUTH)
        truth_label = MathTex(rf"\mu = {p.mu:g}", color=TRUTH, font_size=TICK_SIZE + 2)
        truth_label.next_to(left.c2p(hi_n, p.mu), RIGHT, buff=0.1)
        panel = make_panel([
            ("N", lambda: at(r.n), 0),
            (r"\bar X_N", lambda: at(r.mean), 4),
            (r"\pm\, z\,s/\sqrt{N}", lambda: at(r.ci_half_width), 4),
        ])
        with self.narrate("Left: the running mean with its band. "
                          "Right: the band's half-width, log scales."):
            self.play(Create(left), Create(right), FadeIn(left_labels), FadeIn(right_labels),
                      run_time=1.5)
            self.play(Create(truth), FadeIn(truth_label), FadeIn(panel), run_time=1)
            self.wait(0.5)

        # Step 3: the sweep over checkpoints.
        band = always_redraw(lambda: get_band(left, log_n, r.mean - r.ci_half_width,
                                              r.mean + r.ci_half_width, k.get_value()))
        mean_line = always_redraw(lambda: get_polyline(left, log_n, r.mean, k.get_value()))
        width_line = always_redraw(lambda: get_polyline(right, log_n, np.log10(r.ci_half_width),
                                                        k.get_value()))
        self.add(band, mean_line, width_line)
        _sweep(self, k, ["With a handful of draws the mean swings and the band is wide.",
                         "Each new draw moves it less, and the band closes in on mu."], 12)
        self.wait(1)

        # Step 4: the rate.
        reference = get_dashed_line(right, log_n, np.log10(r.reference_line))
        slope = MathTex(r"\propto 1/\sqrt{N}", color=REFERENCE, font_size=TICK_SIZE + 4)
        slope.next_to(right.c2p(log_n[len(log_n) // 3], np.log10(r.reference_line[len(log_n) // 3])),
                      UR, buff=0.2)
        with self.narrate("The width falls like one over root N: "
                          "a straight line of slope minus one half."):
            self.play(Create(reference), FadeIn(slope), run_time=2)
            self.wait(1.5)
        rule = MathTex(r"4\times N \;\Rightarrow\; \tfrac12 \times \text{error}", font_size=30)
        rule.move_to(right.c2p(hi_n, hi_w), aligned_edge=UR).shift(0.25 * DOWN)
        with self.narrate("So halving the error costs four times as many samples."):
            self.play(Write(rule), run_time=1.5)
            self.wait(2)


class McNonlinearExpectation(LectureScene):
    scene_id = "mc_nonlinear_expectation"

    def construct(self) -> None:
        r, p = self.result, self.p
        log_n = np.log10(r.n)
        k = ValueTracker(0)
        at = lambda values: values[int(k.get_value())]  # noqa: E731
        f_tex = to_latex(parse(p.f, ("x",)))

        # Step 1: the estimator.
        self.open_with(
            "Monte Carlo for a nonlinear expectation",
            rf"\mathbb{{E}}[f(X)] \approx \frac{{1}}{{N}}\sum_{{i=1}}^{{N}} f(x_i),\quad f(x) = {f_tex}",
            "The same averaging works for any function of a random draw.")

        # Step 2: estimate against the quadrature value, and the error on log-log axes.
        lo_n, hi_n = _log_range(r.n)
        spread = nice_ceiling(np.max(r.abs_error))
        top, bottom = r.true_value + spread, r.true_value - spread
        left, left_labels = make_axes(
            [lo_n, hi_n], [bottom, top], "N", r"\text{estimate}", log_ticks(lo_n, hi_n),
            distinct_labels([bottom, r.true_value, top], 3),
            PLOT_LEFT)
        lo_e = int(np.floor(np.log10(r.reference_line.min()))) - 1
        hi_e = int(np.ceil(np.log10(max(r.abs_error.max(), r.reference_line.max()))))
        shown_error = np.log10(np.clip(r.abs_error, 10.0**lo_e, None))
        right, right_labels = make_axes(
            [lo_n, hi_n], [lo_e, hi_e], "N", r"|\text{estimate} - \text{truth}|",
            log_ticks(lo_n, hi_n), log_ticks(lo_e, hi_e), PLOT_RIGHT)
        truth = get_dashed_line(left, log_n[[0, -1]], [r.true_value] * 2, color=TRUTH)
        truth_label = MathTex(rf"\text{{quadrature}}: {r.true_value:.4f}", color=TRUTH,
                              font_size=TICK_SIZE)
        truth_label.next_to(left.c2p(hi_n, top), DOWN, buff=0.1).align_to(left, RIGHT)
        panel = make_panel([
            ("N", lambda: at(r.n), 0),
            (r"\text{estimate}", lambda: at(r.estimate), 4),
            (r"\text{truth}", lambda: r.true_value, 4),
            (r"|\text{error}|", lambda: at(r.abs_error), 5),
        ])
        with self.narrate("The yellow line is the exact value, found by numerical quadrature."):
            self.play(Create(left), Create(right), FadeIn(left_labels), FadeIn(right_labels),
                      run_time=1.5)
            self.play(Create(truth), FadeIn(truth_label), FadeIn(panel), run_time=1)
            self.wait(0.5)

        # Step 3: one stream of draws, estimate and error side by side.
        estimate = always_redraw(lambda: get_polyline(left, log_n, r.estimate, k.get_value()))
        error = always_redraw(lambda: get_polyline(right, log_n, shown_error, k.get_value(),
                                                   stroke_width=2))
        self.add(estimate, error)
        _sweep(self, k, [f"We add draws up to N = {r.n[-1]:,} and keep a running average.",
                         "The error jitters from draw to draw, but its trend is steady."], 12)
        self.wait(1)

        # Step 4: the trend line.
        reference = get_dashed_line(right, log_n, np.log10(r.reference_line))
        slope = MathTex(r"\propto 1/\sqrt{N}", color=REFERENCE, font_size=TICK_SIZE + 4)
        slope.move_to(right.c2p(hi_n, hi_e), aligned_edge=UR).shift(0.3 * DOWN)
        with self.narrate("Again one over root N, whatever f is: "
                          "the rate does not depend on the dimension."):
            self.play(Create(reference), FadeIn(slope), run_time=2)
            self.wait(2.5)


class McConcentration(LectureScene):
    scene_id = "mc_concentration"

    def construct(self) -> None:
        r, p = self.result, self.p
        log_n = np.log10(r.n)
        k = ValueTracker(0)
        at = lambda values: values[int(round(k.get_value()))]  # noqa: E731

        # Step 1: the two inequalities.
        source = "uniform on [0, 1]" if p.distribution == "uniform" else f"Bernoulli({p.p:g})"
        self.open_with(
            "Concentration: how often is the mean far off?",
            r"P(|\bar X_N-\mu|\ge\varepsilon) \le \frac{\sigma^2}{N\varepsilon^2}"
            r"\quad\text{and}\quad \le 2e^{-2N\varepsilon^2/(b-a)^2}",
            f"Repeat the experiment {p.trials:,} times, each with draws "
            f"{source}.", run_time=2.5)

        # Step 2: where the sample means land, and how often they miss by eps.
        edges = r.hist_edges
        peak = nice_ceiling(r.hist_fraction.max())
        left, left_labels = make_axes(
            [edges[0], edges[-1]], [0, peak], r"\bar X_N \text{ over trials}", r"\text{fraction}",
            {r.mu - r.eps: rf"\mu-\varepsilon", r.mu + r.eps: rf"\mu+\varepsilon"},
            {peak: f"{peak:g}"}, PLOT_LEFT)
        tail = np.abs(0.5 * (edges[1:] + edges[:-1]) - r.mu) > r.eps

        def histogram() -> VGroup:
            """Two compound shapes (misses solid, hits faint): one path per bar is slow."""
            heights = r.hist_fraction[int(round(k.get_value()))]
            xs = np.stack([edges[:-1], edges[:-1], edges[1:], edges[1:], edges[:-1]], axis=1)
            ys = np.stack([0 * heights, heights, heights, 0 * heights, 0 * heights], axis=1)
            corners = left.c2p(xs.ravel(), ys.ravel()).T.reshape(len(heights), 5, 3)
            shapes = VGroup(*[VMobject(stroke_width=0, fill_color=SAMPLE, fill_opacity=opacity)
                              for opacity in (0.35, 0.9)])
            for bar, miss in zip(corners, tail):
                shapes[int(miss)].start_new_path(bar[0])
                shapes[int(miss)].add_points_as_corners(bar[1:])
            return shapes

        window = VGroup(*[DashedLine(left.c2p(x, 0), left.c2p(x, peak), color=TRUTH)
                          for x in (r.mu - r.eps, r.mu + r.eps)])
        bars = always_redraw(histogram)
        lo_n, hi_n = _log_range(r.n)
        right, right_labels = make_axes(
            [lo_n, hi_n], [0, 1], "N", r"P(|\bar X_N-\mu|\ge\varepsilon)",
            log_ticks(lo_n, hi_n), {0.0: "0", 0.5: "0.5", 1.0: "1"}, PLOT_RIGHT)
        panel = make_panel([
            ("N", lambda: at(r.n), 0),
            (r"\text{observed}", lambda: at(r.empirical_prob), 4),
            (r"\text{Chebyshev}", lambda: at(r.chebyshev_bound), 4),
            (r"\text{Hoeffding}", lambda: at(r.hoeffding_bound), 4),
        ])
        with self.narrate("Left: where the trial means land. "
                          "Solid bars missed mu by at least epsilon."):
            self.play(Create(left), FadeIn(left_labels), Create(window), FadeIn(bars),
                      FadeIn(panel), run_time=2)
            self.wait(1)

        # Step 3: the bounds, known before any sampling.
        chebyshev = get_polyline(right, log_n, r.chebyshev_bound, color=TRUTH)
        hoeffding = DashedVMobject(get_polyline(right, log_n, r.hoeffding_bound, color=SECOND_ROUTE),
                                   num_dashes=50)
        names = VGroup(
            Text("Chebyshev", font_size=TICK_SIZE, color=TRUTH),
            Text("Hoeffding", font_size=TICK_SIZE, color=SECOND_ROUTE),
            Text("observed", font_size=TICK_SIZE, color=SAMPLE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        names.next_to(right.c2p(hi_n, 1), DL, buff=0.15)
        with self.narrate("Two guarantees: Chebyshev shrinks like 1/N, "
                          "Hoeffding exponentially."):
            self.play(Create(right), FadeIn(right_labels), run_time=1)
            self.play(Create(chebyshev), FadeIn(names[0]), run_time=1.5)
            self.play(Create(hoeffding), FadeIn(names[1]), run_time=1.5)
            self.wait(0.5)

        # Step 4: the observed frequency, checkpoint by checkpoint.
        observed = always_redraw(lambda: get_polyline(right, log_n, r.empirical_prob, k.get_value()))
        self.add(observed)
        self.play(FadeIn(names[2]), run_time=0.5)
        _sweep(self, k, ["As N grows the means crowd inside the window...",
                         "...and the observed miss rate stays under both bounds."], 12)
        with self.narrate("Bounds are loose, but they hold for every distribution on [a, b]."):
            self.play(Indicate(names[1]), run_time=1.5)
            self.wait(2)
