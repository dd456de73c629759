"""10 la_nn_jacobian: near each input, a tanh network acts like its Jacobian, and only there.

``manim -ql scenes/linear_algebra/la_nn_jacobian.py LaNnJacobian`` renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.linear_algebra.helpers import (
    parked, polyline_segments, set_arrow,
)
from scenes.theme.base import LectureScene, Sweep
from scenes.theme.dashes import SECOND_ROUTE_DASH, Dash, stroke_points
from scenes.theme.labels import box_of, crowding, place_label, trace
from scenes.theme.layout import nice_ticks, tick_labels
from scenes.theme.numbers import caption_number, format_number, number_tex, number_text
from scenes.theme.palette import (
    FIRST_AXIS, FOREGROUND, LABEL_SIZE, REFERENCE, SAFE_X, SAFE_Y, SECOND_AXIS, SECOND_ROUTE,
    TICK_SIZE, TRUTH,
)
from scenes.theme.panel import backed, make_panel, merge_outlines
from scenes.theme.plots import follow, line_swatch, make_axes, make_legend
from scenes.theme.shapes import PlaneView, Window, clip_segments, segment_points

__all__ = ["LaNnJacobian"]

INPUT_SIDE = 3.8  # the input plane, a square at the left
INPUT_CENTER = np.array([-4.05, -0.95, 0.0])
INSETS_LEFT, INSETS_TOP, INSETS_BOTTOM = -1.75, 1.85, -SAFE_Y  # the zoomed outputs
AXIS_COLORS = (FIRST_AXIS, SECOND_AXIS)


class LaNnJacobian(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p
        count = len(r.points)
        radii = r.sweep_radii
        sweep = Sweep(len(radii))  # fractional index into radii

        def blend(values: np.ndarray) -> np.ndarray:
            """values[k] between the sweep's steps (radii grow geometrically)."""
            position = sweep.position
            k = min(int(np.floor(position)), len(radii) - 2)
            if k < 0:
                return values[0]
            frac = position - k
            return (1 - frac) * values[k] + frac * values[k + 1]

        def radius() -> float:
            return float(np.exp(blend(np.log(radii))))

        self.step("The linear picture")
        self.open_with(
            r"f(x) \approx f(x_0) + J(x_0)\,(x - x_0),\qquad "
            r"J = \frac{\partial f}{\partial x}",
            "Near a point, a network acts like its Jacobian J.", run_time=1.5)

        self.step("The points and a small circle around each")
        reach = radii[-1]
        low = np.minimum(r.points.min(axis=0), 0.0) - reach
        high = np.maximum(r.points.max(axis=0), 0.0) + reach
        span = float((high - low).max())
        middle = (low + high) / 2
        (x_lo, x_hi, x_ticks), (y_lo, y_hi, y_ticks) = (
            nice_ticks(c - span / 2, c + span / 2, 4) for c in middle)
        unit = INPUT_SIDE / max(x_hi - x_lo, y_hi - y_lo)
        plane, plane_labels = make_axes([x_lo, x_hi], [y_lo, y_hi], "x_1", "x_2",
                                        tick_labels(x_ticks), tick_labels(y_ticks),
                                        INPUT_CENTER, unit * (x_hi - x_lo), unit * (y_hi - y_lo))
        window = Window.of_plot(plane, (x_lo, x_hi), (y_lo, y_hi))

        input_screen = PlaneView(plane.c2p(0, 0), unit).to_screen  # the axes, as arithmetic

        dots = VGroup(*[Dot(input_screen(x)[0], radius=0.05, color=FOREGROUND) for x in r.points])
        # Circles and their images follow radius(); they get updaters only for the sweep
        # of step 6 (a mobject with an updater is redrawn on every frame).
        around = polyline_segments(r.circle)

        def ring_points(x: np.ndarray) -> np.ndarray:
            return segment_points(*(input_screen(x + radius() * c) for c in around))

        rings = VGroup(*[VMobject(stroke_color=TRUTH, stroke_width=3).set_points(ring_points(x))
                         for x in r.points])
        smallest = [trace(input_screen(x + r.radius * r.circle), closed=True)
                    for x in r.points]
        tags, boxes = VGroup(), [box_of(dot) for dot in dots]
        for k, x in enumerate(r.points):
            tag = MathTex(str(k + 1), font_size=LABEL_SIZE)
            backed(tag, buff=0.04)
            at = input_screen(x)[0]
            spots = [(at, np.array([np.cos(a), np.sin(a), 0.0]))
                     for a in np.deg2rad([135, 45, 225, 315, 90, 180, 0, 270])]
            place_label(tag, spots, lambda box: crowding(box, boxes, smallest, 0.04, window, 0.05),
                        (r.radius * unit + 0.06, r.radius * unit + 0.3), "first")
            boxes.append(box_of(tag))
            tags.add(tag)
        with self.narrate(f"A 2-{p.hidden}-2 tanh net, seed {p.torch_seed}. Around each "
                          f"input: a circle of radius {caption_number(p.radius, 6)}."):
            self.play(Create(plane), FadeIn(plane_labels), run_time=0.8)
            self.play(FadeIn(dots), FadeIn(rings), FadeIn(tags), run_time=0.8)
            self.wait(1.4)

        self.step("Each circle's true image, zoomed in")
        columns = min(count, 3)
        rows_of = -(-count // columns)
        cell_w = (SAFE_X - INSETS_LEFT) / columns
        cell_h = (INSETS_TOP - INSETS_BOTTOM) / rows_of
        side = min(cell_w - 0.2, cell_h - 1.3, 2.6)
        block = rows_of * (side + 1.3)  # title above each inset, two numbers below
        top = (INSETS_TOP + INSETS_BOTTOM) / 2 + block / 2
        centers = [np.array([INSETS_LEFT + cell_w * (k % columns + 0.5),
                             top - (side + 1.3) * (k // columns) - 0.45 - side / 2, 0.0])
                   for k in range(count)]
        frames, titles = VGroup(), VGroup()
        for k, (center, x) in enumerate(zip(centers, r.points)):
            frames.add(Square(side, color=REFERENCE, stroke_width=1.5).move_to(center))
            title = MathTex(rf"{k + 1}:\ x_0 = ({format_number(x[0], 4)},\ {format_number(x[1], 4)})",
                            font_size=TICK_SIZE)
            titles.add(merge_outlines(title.scale_to_fit_width(min(title.width, cell_w - 0.1))
                                      .next_to(frames[-1], UP, buff=0.12)))

        def zoom(k: int) -> float:
            """Screen units per output unit: the prediction fills 80% of the half-side."""
            stretch = r.singular_values[k, 0] * radius()
            if not stretch > 0:
                stretch = max(np.abs(r.sweep_true_images[0, k] - r.outputs[k]).max(), 1e-300)
            return 0.8 * (side / 2) / stretch

        def inset_points(k: int, curve_segments, dash: Dash | None = None) -> np.ndarray:
            starts, ends = curve_segments
            low, high = centers[k][:2] - side / 2, centers[k][:2] + side / 2
            to_screen = lambda pts: np.column_stack(
                [centers[k][:2] + zoom(k) * (pts - r.outputs[k]), np.zeros(len(pts))])
            a, b = clip_segments(to_screen(starts), to_screen(ends), low, high)
            return stroke_points(a, b, dash)

        def truth_points(k: int) -> np.ndarray:
            return inset_points(k, polyline_segments(blend(r.sweep_true_images[:, k])))

        truths = VGroup(*[VMobject(stroke_color=TRUTH, stroke_width=5).set_points(truth_points(k))
                          for k in range(count)])
        legend = make_legend([
            (line_swatch(TRUTH), Text("true image", font_size=TICK_SIZE)),
            (line_swatch(SECOND_ROUTE, SECOND_ROUTE_DASH), Text("J's prediction", font_size=TICK_SIZE)),
        ], buff=0.12)
        legend.move_to([SAFE_X, SAFE_Y - 0.65, 0], aligned_edge=UR)
        with self.narrate("Push each circle through the network, and zoom in on where "
                          "it lands."):
            self.play(FadeIn(frames), FadeIn(titles), run_time=0.8)
            self.play(Create(truths), FadeIn(legend[0]), run_time=1)
            self.wait(1.5)

        self.step("The ellipse J predicts, and its semi-axes")
        predictions = VGroup()
        for k in range(count):
            predictions.add(VMobject(stroke_color=SECOND_ROUTE, stroke_width=3).set_points(
                inset_points(k, polyline_segments(r.linear_images[k]), SECOND_ROUTE_DASH)))
        semi_axes = VGroup()
        for k in range(count):
            for axis, color in zip(r.principal_axes[k], AXIS_COLORS):
                end = centers[k] + np.append(zoom(k) * axis, 0.0)
                semi_axes.add(set_arrow(VMobject(fill_color=color, fill_opacity=1,
                                                 stroke_width=0), centers[k], end,
                                        width=0.03, tip_length=0.14, tip_width=0.13))
        with self.narrate("J predicts an ellipse (dashed), f(x0) + J (x - x0): it sits "
                          "on the truth."):
            self.play(Create(predictions), FadeIn(legend[1]), run_time=1.2)
            self.play(FadeIn(semi_axes), run_time=0.6)
            self.wait(1.5)

        self.step("Each Jacobian's norm and condition number")
        numbers = VGroup()
        for k in range(count):
            rows = VGroup(
                MathTex(r"\|J\|_2 = " + number_tex(r.spectral_norms[k], 4), font_size=TICK_SIZE),
                MathTex(r"\kappa = " + number_tex(r.condition_numbers[k], 4),
                        font_size=TICK_SIZE),
            ).arrange(DOWN, buff=0.1).next_to(frames[k], DOWN, buff=0.12)
            rows.scale_to_fit_width(min(rows.width, cell_w - 0.1))
            numbers.add(VGroup(*[merge_outlines(row) for row in rows]))
        with self.narrate("||J||_2 is the largest local stretch; kappa says how "
                          "uneven it is."):
            self.play(FadeIn(numbers), run_time=0.8)
            self.wait(1.7)
        worst = int(np.argmax(r.condition_numbers))
        kappa = r.condition_numbers[worst]
        if count > 1 or np.isinf(kappa):
            with self.narrate(f"At point {worst + 1}, kappa is infinite: J is singular and "
                              "crushes one direction." if np.isinf(kappa) else
                              f"At point {worst + 1}, kappa = {number_text(kappa, 4)}: "
                              "one direction is nearly crushed."):
                self.play(Indicate(numbers[worst][1], color=TRUTH), run_time=1)
                self.wait(1.5)

        # The prediction is local.
        self.step("Grow the circles")
        panel = make_panel([("r", radius, 4)])
        with self.narrate("Grow the circles. The zoom keeps the prediction's size; "
                          "the truth drifts off."):
            with parked(panel):
                self.play(FadeIn(panel), FadeOut(semi_axes), FadeOut(tags), run_time=0.6)
            for ring, x in zip(rings, r.points):
                follow(ring, lambda x=x: ring_points(x), bezier=True)
            for k, truth in enumerate(truths):
                follow(truth, lambda k=k: truth_points(k), bezier=True)
            self.play(sweep.to(len(radii) - 1), run_time=3, rate_func=linear)
            self.wait(2)
        with self.narrate("J is local and linear: it holds only for small steps "
                          "around x0."):
            self.wait(2)
        with self.narrate(f"Back at radius {caption_number(p.radius, 6)}, the prediction "
                          "and the truth agree again."):
            self.play(sweep.to(0.0), run_time=1.2)
            self.freeze_movers()
            # The growing truths were drawn last while they moved; the dashes go back on top.
            self.bring_to_front(predictions)
            self.play(FadeIn(semi_axes), FadeIn(tags), run_time=0.6)
            self.wait(2.6)
