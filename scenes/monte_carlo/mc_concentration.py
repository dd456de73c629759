"""03 mc_concentration: how often the mean misses by eps, against two bounds.

``manim -ql scenes/monte_carlo/mc_concentration.py McConcentration`` renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.theme.base import LectureScene, Sweep
from scenes.theme.dashes import REFERENCE_DASH, SECOND_ROUTE_DASH, get_dashed
from scenes.theme.layout import log_range, nice_ceiling
from scenes.theme.numbers import caption_number, format_number
from scenes.theme.palette import PLOT_LEFT, PLOT_RIGHT, SAMPLE, SECOND_ROUTE, TICK_SIZE, TRUTH
from scenes.theme.panel import make_panel
from scenes.theme.plots import (
    bar_points, checkpoint_axes, follow, get_dashed_line, get_polyline, make_axes, make_legend,
    polyline_corners,
)

__all__ = ["McConcentration"]


class McConcentration(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p
        log_n = np.log10(r.n)
        sweep = Sweep(len(r.n))

        self.step("The two inequalities")
        source = ("uniform on [0, 1]" if p.distribution == "uniform"
                  else f"Bernoulli({caption_number(p.p, 6)})")
        self.open_with(
            r"P(|\bar X_N-\mu|\ge\varepsilon) \le \frac{\sigma^2}{N\varepsilon^2}"
            r"\quad\text{and}\quad \le 2e^{-2N\varepsilon^2/(b-a)^2}",
            f"Repeat the experiment {p.trials:,} times, each with draws "
            f"{source}.", run_time=2.5)

        self.step("Where the sample means land, and how often they miss by eps")
        edges = r.hist_edges
        peak = nice_ceiling(r.hist_fraction.max())
        left, left_labels = make_axes(
            [edges[0], edges[-1]], [0, peak], r"\bar X_N \text{ over trials}", r"\text{fraction}",
            {r.mu - r.eps: r"\mu-\varepsilon", r.mu + r.eps: r"\mu+\varepsilon"},
            {peak: format_number(peak, 6)}, PLOT_LEFT)
        misses = r.miss_bins

        def histogram_part(m: VMobject, chosen: np.ndarray) -> None:
            """Misses solid, hits faint: two compound shapes, as one path per bar is slow."""
            heights = sweep.at(r.hist_fraction)
            m.set_points(bar_points(left, edges[:-1][chosen], edges[1:][chosen], heights[chosen]))

        window = VGroup(*[get_dashed(np.array([left.c2p(x, 0), left.c2p(x, peak)]), TRUTH,
                                     REFERENCE_DASH, 4) for x in (r.mu - r.eps, r.mu + r.eps)])
        bars = VGroup(*[VMobject(stroke_width=0, fill_color=SAMPLE, fill_opacity=opacity)
                        .add_updater(lambda m, chosen=chosen: histogram_part(m, chosen))
                        for opacity, chosen in ((0.35, ~misses), (0.9, misses))])
        bars.update()
        lo_n, hi_n = log_range(r.n)
        right, right_labels = checkpoint_axes(
            r.n, [0, 1], r"P(|\bar X_N-\mu|\ge\varepsilon)", {0.0: "0", 0.5: "0.5", 1.0: "1"},
            PLOT_RIGHT)
        panel = make_panel([
            ("N", lambda: sweep.at(r.n), 0),
            (r"\text{observed}", lambda: sweep.at(r.empirical_prob), 4),
            (r"\text{Chebyshev}", lambda: sweep.at(r.chebyshev_bound), 4),
            (r"\text{Hoeffding}", lambda: sweep.at(r.hoeffding_bound), 4),
        ])
        with self.narrate("Left: where the trial means land. "
                          "Solid bars missed mu by at least epsilon."):
            self.play(Create(left), FadeIn(left_labels), Create(window), FadeIn(bars),
                      FadeIn(panel), run_time=2)
            self.wait(1)

        self.step("The bounds, known before any sampling")
        chebyshev = get_polyline(right, log_n, r.chebyshev_bound, color=TRUTH)
        hoeffding = get_dashed_line(right, log_n, r.hoeffding_bound, SECOND_ROUTE,
                                    SECOND_ROUTE_DASH, 3)
        names = make_legend([Text("Chebyshev", font_size=TICK_SIZE, color=TRUTH),
                             Text("Hoeffding", font_size=TICK_SIZE, color=SECOND_ROUTE),
                             Text("observed", font_size=TICK_SIZE, color=SAMPLE)], buff=0.12)
        names.next_to(right.c2p(hi_n, 1), DL, buff=0.15)
        with self.narrate("Two guarantees: Chebyshev shrinks like 1/N, "
                          "Hoeffding exponentially."):
            self.play(Create(right), FadeIn(right_labels), run_time=1)
            self.play(Create(chebyshev), FadeIn(names[0]), run_time=1.5)
            self.play(Create(hoeffding), FadeIn(names[1]), run_time=1.5)
            self.wait(0.5)

        self.step("The observed frequency, checkpoint by checkpoint")
        observed = follow(get_polyline(right, log_n, r.empirical_prob, 0),
                          lambda: polyline_corners(right, log_n, r.empirical_prob,
                                                   sweep.position))
        self.add(observed)
        self.play(FadeIn(names[2]), run_time=0.5)
        sweep.play_to_end(self, ["As N grows the means crowd inside the window...",
                                 "...and the observed miss rate stays under both bounds."], 12)
        with self.narrate("Bounds are loose, but they hold for every distribution on [a, b]."):
            self.play(Indicate(names[1]), run_time=1.5)
            self.wait(2)
