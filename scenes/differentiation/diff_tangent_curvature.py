"""12 diff_tangent_curvature: a tangent line rides along f; f'' below says how it bends.

``manim -ql scenes/differentiation/diff_tangent_curvature.py DiffTangentCurvature`` renders
the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from compute.expr import parse, to_latex
from scenes.theme.base import LectureScene, Sweep
from scenes.theme.dashes import GUIDE_DASH, REFERENCE_DASH, SECOND_ROUTE_DASH, dashed_points
from scenes.theme.numbers import caption_number
from scenes.theme.palette import (
    CONCAVE, CONVEX, FOREGROUND, LABEL_SIZE, REFERENCE, SAFE_X, SAFE_Y, SECOND_ROUTE, TRUTH,
)
from scenes.theme.panel import label_tex, make_panel, merge_outlines, scaled_row
from scenes.theme.plots import (
    fit_right_of, line_swatch, make_legend, make_plot, window_curve_points,
)
from scenes.theme.shapes import (
    clip_segments, dot_cloud_points, get_dot_cloud, get_segments, segment_points,
)

__all__ = ["DiffTangentCurvature"]

PLOT_LEFT_EDGE = -5.75  # axes start here, right of the y tick labels (moved if they are wide)
PLOT_RIGHT_EDGE = 2.3  # the column right of the plots holds the panel, legend and verdict
LOWEST_AXIS = -2.85  # bottom of the f'' axes: its ticks and the name x fit below
TANGENT_LENGTH = 2.6  # screen length of the drawn tangent line
SWEEP_SECONDS = 8.0  # travel time of the whole sweep, shared among the legs
STOP_HOLD = 1.5
MIN_LEG = 1.5  # a move this long gets its own caption; a shorter one shares the stop's


def _regions_points(window: Window, intervals: np.ndarray) -> np.ndarray:
    """Full-height rectangles of the window over x intervals, as one compound path."""
    y_low, y_high = window.y_range
    corners = []
    for x_low, x_high in intervals:
        corners.append(window.to_screen([x_low, x_high, x_high, x_low, x_low],
                                        [y_low, y_low, y_high, y_high, y_low]))
    if not corners:
        return np.zeros((0, 3))
    outline = np.stack(corners)
    return segment_points(outline[:, :-1].reshape(-1, 3), outline[:, 1:].reshape(-1, 3))


def _shading(window: Window, xs: np.ndarray, part: np.ndarray, color) -> VMobject:
    """The area between 0 and ``part`` (one sign of f''), clipped to the window."""
    ys = window.clip_y(part)
    zero = window.clip_y(np.zeros(1))[0]
    outline = window.to_screen(np.concatenate([xs, xs[::-1]]),
                               np.concatenate([ys, np.full(len(xs), zero)]))
    area = VMobject(fill_color=color, fill_opacity=0.45, stroke_width=0)
    area.set_points_as_corners(np.vstack([outline, outline[:1]]))
    return area


class DiffTangentCurvature(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p
        f_tex = to_latex(parse(p.f, ("x",)))

        self.step("What f' and f'' say near a point")
        equation = (r"f(x) \approx f(x_0) + f'(x_0)\,(x-x_0)"
                    r" + \tfrac12\, f''(x_0)\,(x-x_0)^2")
        header = self.open_with(equation, "Near any point, f' is the slope of f and f'' says how "
                                "that slope bends.", run_time=2.5)
        header_bottom = header.get_bottom()[1]

        self.step("f on top")
        f_label = rf"f(x) = {f_tex}"
        label_height = MathTex(f_label, font_size=LABEL_SIZE).height  # measured, not drawn
        top = min(2.05, header_bottom - 0.35 - label_height)
        room = top - LOWEST_AXIS - 0.6
        heights = (0.55 * room, 0.45 * room)
        lower_top = top - heights[0] - 0.6

        def build(left: float):
            width = PLOT_RIGHT_EDGE - left
            upper = make_plot(p.x_range, r.value_limits, "x", f_label, left, top, width,
                              heights[0], x_ticks=False)
            lower = make_plot(p.x_range, r.hessian_limits, "x", "f''(x)", left, lower_top,
                              width, heights[1])
            return upper, lower

        (f_axes, f_drawn, f_window), (h_axes, h_drawn, h_window) = fit_right_of(
            -SAFE_X, PLOT_LEFT_EDGE, build)
        f_curve = get_segments(TRUTH, 3.5, 1.0, window_curve_points(f_window, r.sweep_x,
                                                                    r.sweep_value))
        legend = make_legend([
            (line_swatch(TRUTH), label_tex(r"f,\ f''", font_size=LABEL_SIZE)),
            (line_swatch(SECOND_ROUTE, SECOND_ROUTE_DASH),
             label_tex(r"\text{tangent at } x", font_size=LABEL_SIZE)),
            (Square(0.3, stroke_width=0, fill_color=CONVEX, fill_opacity=0.6),
             label_tex(r"f'' > 0:\ \text{convex}", font_size=LABEL_SIZE)),
            (Square(0.3, stroke_width=0, fill_color=CONCAVE, fill_opacity=0.6),
             label_tex(r"f'' < 0:\ \text{concave}", font_size=LABEL_SIZE)),
            (Circle(0.09, color=FOREGROUND, stroke_width=3),
             label_tex(r"\text{inflection}", font_size=LABEL_SIZE)),
        ], buff=0.16)
        legend.move_to([PLOT_RIGHT_EDGE + 0.6, SAFE_Y - 2.25, 0], aligned_edge=UL)
        with self.narrate("On top, f itself. Autograd gives f' and f'' at every point "
                          "in one pass."):
            self.play(Create(f_drawn[0]), FadeIn(f_drawn[1]), run_time=1)
            self.play(Create(f_curve), FadeIn(legend[0]), run_time=1.5)
            self.wait(1)

        # The inflection points where it changes sign.
        self.step("f'' below, shaded by its sign")
        xs, convex_part, concave_part = r.curvature_parts()
        zero_line = get_segments(REFERENCE, 2, 1.0, window_curve_points(
            h_window, np.array(p.x_range), np.zeros(2), REFERENCE_DASH))
        h_curve = get_segments(TRUTH, 3, 1.0, window_curve_points(h_window, r.sweep_x,
                                                                  r.sweep_hessian))
        convex, concave = r.convexity_intervals()
        shading = VGroup(_shading(h_window, xs, convex_part, CONVEX),
                         _shading(h_window, xs, concave_part, CONCAVE))
        tints = VGroup(
            VMobject(fill_color=CONVEX, fill_opacity=0.13, stroke_width=0)
            .set_points(_regions_points(f_window, convex)),
            VMobject(fill_color=CONCAVE, fill_opacity=0.13, stroke_width=0)
            .set_points(_regions_points(f_window, concave)))
        with self.narrate("Below, f'': blue where it is positive, f convex; red where "
                          "negative, f concave."):
            self.play(Create(h_drawn[0]), FadeIn(h_drawn[1]), Create(zero_line), run_time=1)
            self.play(Create(h_curve), run_time=1.2)
            self.play(FadeIn(shading), FadeIn(tints), FadeIn(legend[2:4]), run_time=1)
            self.wait(1)

        points = r.inflection_points
        on_f = (r.inflection_values >= f_window.y_range[0]) & (
            r.inflection_values <= f_window.y_range[1])
        rings = VMobject(stroke_color=FOREGROUND, stroke_width=3, fill_opacity=0)
        rings.set_points(dot_cloud_points(np.vstack([
            f_window.to_screen(points[on_f], r.inflection_values[on_f]),
            h_window.to_screen(points, np.zeros(len(points)))]), 0.09))
        guides = VMobject()
        if 0 < len(points) <= 8:
            tops = f_window.to_screen(points, np.full(len(points), f_window.y_range[1]))
            bottoms = h_window.to_screen(points, np.full(len(points), h_window.y_range[0]))
            guides = get_segments(REFERENCE, 1.5, 0.8, np.concatenate([
                dashed_points(np.array(ends), GUIDE_DASH) for ends in zip(tops, bottoms)]))
        if len(points) == 0:
            line = "f'' keeps one sign here, so f has no inflection point on this range."
        elif len(points) == 1:
            line = (f"f'' changes sign at x = {caption_number(points[0])}: "
                    "an inflection point of f.")
        else:
            line = (f"f'' changes sign at {len(points)} places: the inflection points "
                    "of f.")
        with self.narrate(line):
            self.play(FadeIn(rings), FadeIn(guides), FadeIn(legend[4]), run_time=1)
            self.wait(1)

        # The panel reads x, f, f', f''.
        self.step("A point sweeps along f with its tangent")
        sweep = Sweep(len(r.sweep_x))
        units = f_window.units()

        def state() -> np.ndarray:
            return r.at(sweep.position)

        def tangent_points() -> np.ndarray:
            x0, value, slope, _ = state()
            step = np.array([1.0, slope * units[1] / units[0]])  # screen direction
            step *= TANGENT_LENGTH / 2 / np.linalg.norm(step) / units[0]  # as a change in x
            xs_end = np.array([x0 - step[0], x0 + step[0]])
            ends = f_window.to_screen(xs_end, r.tangent(sweep.position, xs_end))
            starts, stops = clip_segments(ends[:1], ends[1:], f_window.low, f_window.high)
            return (dashed_points(np.array([starts[0], stops[0]]), SECOND_ROUTE_DASH)
                    if len(starts) else np.zeros((0, 3)))

        def cursor_points() -> np.ndarray:
            x0, value, _, curvature = state()
            centers = np.vstack([f_window.to_screen([x0], f_window.clip_y([value])),
                                 h_window.to_screen([x0], h_window.clip_y([curvature]))])
            return dot_cloud_points(centers, 0.09)

        def guide_points() -> np.ndarray:
            x0 = state()[0]
            return segment_points(f_window.to_screen([x0], [f_window.y_range[1]]),
                                  h_window.to_screen([x0], [h_window.y_range[0]]))

        tangent = get_segments(SECOND_ROUTE, 4, 1.0, tangent_points())
        tangent.add_updater(lambda m: m.set_points(tangent_points()))
        cursor = get_dot_cloud(cursor_points(), 0.09, FOREGROUND, 1.0)
        cursor.add_updater(lambda m: m.set_points(cursor_points()))
        guide = get_segments(FOREGROUND, 1.5, 0.35, guide_points())
        guide.add_updater(lambda m: m.set_points(guide_points()))
        panel = make_panel([
            ("x", lambda: state()[0], 2),
            scaled_row("f(x)", r.value_limits, lambda: state()[1], 2),
            scaled_row("f'(x)", r.gradient_limits, lambda: state()[2], 2),
            scaled_row("f''(x)", r.hessian_limits, lambda: state()[3], 2),
        ])
        with self.narrate("A point on f and its tangent line: "
                          "the line's slope is f' at that point."):
            self.play(FadeIn(guide), FadeIn(cursor), Create(tangent), FadeIn(legend[1]),
                      FadeIn(panel), run_time=1.5)
            self.wait(0.5)

        total = len(r.sweep_x) - 1
        verdict_place = [PLOT_RIGHT_EDGE + 0.6, legend.get_bottom()[1] - 0.45, 0]
        verdict = VMobject()
        visited = get_dot_cloud(np.zeros((0, 3)), 0.06, FOREGROUND, 0.6)
        self.add(visited)
        marks = []

        def leg_seconds(to: int) -> float:
            return SWEEP_SECONDS * abs(to - sweep.position) / total

        def travel(to: int, at_least: float = 0.0) -> None:
            """Move the point to grid index ``to`` (taking ``at_least`` seconds: a narrated
            leg lasts as long as its line is spoken); the last verdict fades as it leaves."""
            if leg_seconds(to) > 0:
                self.play(sweep.tracker.animate(rate_func=linear).set_value(to),
                          FadeOut(verdict, rate_func=lambda t: min(1.0, 4 * t)),
                          run_time=max(0.6, leg_seconds(to), at_least))

        for k in (int(k) for k in r.stop_indices):
            narrated_leg = leg_seconds(k) >= MIN_LEG
            if narrated_leg:
                line = self._leg_line(sweep.position, k)
                with self.narrate(line):
                    travel(k, self.speech_seconds(line))
            x0, value, slope, curvature = r.at(k)
            word, color = self._bending(k)
            shown = [caption_number(v) for v in r.shown(k)]
            with self.narrate(f"At x = {shown[0]}: f' = {shown[2]}, f'' = {shown[3]}, "
                              f"{word}."):
                if not narrated_leg:
                    travel(k)
                marks.append(np.vstack([f_window.to_screen([x0], f_window.clip_y([value])),
                                        h_window.to_screen([x0], h_window.clip_y([curvature]))]))
                visited.set_points(dot_cloud_points(np.vstack(marks), 0.06))
                verdict = merge_outlines(Text(word, font_size=LABEL_SIZE, color=color))
                verdict.move_to(verdict_place, aligned_edge=UL)
                self.play(FadeIn(verdict), run_time=0.4)
                self.wait(STOP_HOLD)

        self.step("To the end of the range, and the rule the picture shows")
        bends = len(convex) + len(concave) > 0
        with self.narrate("Where f is concave the tangent lies above it; where convex, "
                          "below it." if bends else
                          "f'' is 0 all along: f is a straight line, its own tangent."):
            travel(total)
            self.play(FadeOut(verdict), run_time=0.4)
            self.wait(1.5)
        self.freeze_movers()
        with self.narrate("f' gives the tangent; the sign of f'' says which side of it "
                          "f bends to."):
            self.wait(3)

    def _leg_line(self, start: float, end: float) -> str:
        """What happens to the slope between two grid positions, for the caption."""
        r = self.result
        x_start, x_end = r.at(start)[0], r.at(end)[0]
        crossed = int(np.sum((r.inflection_points > x_start) & (r.inflection_points < x_end)))
        if crossed == 1:
            return "On the way f'' crosses zero: the bend flips at the inflection point."
        if crossed > 1:
            return f"On the way f'' changes sign {crossed} times: the bend keeps flipping."
        bending = r.bending_at(0.5 * (start + end))
        if bending > 0:
            return "On a convex stretch f' rises: the tangent turns counter-clockwise."
        if bending < 0:
            return "On a concave stretch f' falls: the tangent turns clockwise."
        return "Where f'' is 0 the slope stays put: the tangent does not turn."

    def _bending(self, k: int) -> tuple[str, object]:
        """How f bends at grid index k (compute's verdict), for the caption and its colour."""
        r = self.result
        bending = r.bending_at(k)
        if bending:
            return ("convex", CONVEX) if bending > 0 else ("concave", CONCAVE)
        if r.is_inflection(r.sweep_x[k]):
            return "an inflection point", FOREGROUND
        return "no curvature here", FOREGROUND
