"""13 diff_jvp_hvp: f(x, y) near a point, the gradient, a direction v, and the slice along v
against its first- and second-order Taylor curves.

``manim -ql scenes/differentiation/diff_jvp_hvp.py DiffJvpHvp`` renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from compute.expr import parse, to_latex
from scenes.theme.base import LectureScene
from scenes.theme.dashes import SECOND_ORDER_DASH, SECOND_ROUTE_DASH
from scenes.theme.labels import COMPASS, box_of, crowding, place_label, trace
from scenes.theme.layout import partial_polyline
from scenes.theme.numbers import caption_number, number_tex
from scenes.theme.palette import (
    FOREGROUND, LABEL_SIZE, SAFE_X, SAFE_Y, SECOND_ORDER, SECOND_ROUTE, TRUTH,
)
from scenes.theme.panel import backed, label_tex, make_panel
from scenes.theme.plots import (
    fit_right_of, line_swatch, make_legend, make_plot, window_curve_points,
)
from scenes.theme.shapes import (
    dot_cloud_points, get_dot_cloud, get_heat_image, get_segments, segment_points,
)

__all__ = ["DiffJvpHvp"]

MAP_LEFT = -5.75  # left edge of the contour square (moved right if tick labels are wide)
MAP_BOTTOM = -2.95  # lowest edge of both plots: tick labels and names fit below
FILL_RESOLUTION = 241  # pixels per side of the filled-contour image
FILL_OPACITY = 0.6
GRADIENT_LENGTH = 0.3  # the gradient arrow's length, as a fraction of the square's side
DECIMALS = 3


def _gap_band(window, alphas: np.ndarray, upper: np.ndarray, lower: np.ndarray,
              color) -> VMobject:
    """The area between two curves of the slice plot, clipped to its window."""
    outline = window.to_screen(np.concatenate([alphas, alphas[::-1]]),
                               window.clip_y(np.concatenate([upper, lower[::-1]])))
    band = VMobject(fill_color=color, fill_opacity=0.3, stroke_width=0)
    band.set_points_as_corners(np.vstack([outline, outline[:1]]))
    return band


def _vector_tex(values: np.ndarray) -> str:
    return "(" + r",\ ".join(number_tex(v, DECIMALS, grouping=False) for v in values) + ")"



def beside(label: VMobject, anchor: np.ndarray, directions: list[np.ndarray],
           segments: list[tuple[np.ndarray, np.ndarray]], others: list[VMobject] = (),
           gap: float = 0.12) -> VMobject:
    """``label`` next to a point on the map, in the first of ``directions`` where it (0.06
    around it) crosses none of the arrows' ``segments`` and meets none of the ``others``;
    if none is clear, where it meets the fewest."""
    curves = [trace(np.array(segment)) for segment in segments]
    boxes = [box_of(other) for other in others if other.has_points() or other.submobjects]
    return place_label(label, [(anchor, d) for d in directions],
                       lambda box: crowding(box, boxes, curves, 0.06), (gap,), "fewest")

class DiffJvpHvp(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p
        f_tex = to_latex(parse(p.f, ("x", "y")))

        self.step("f along a line through the point")
        equation = (r"f(x_0+\alpha v) \approx f(x_0) + \alpha\, v^{\top}\nabla f"
                    r" + \tfrac{\alpha^2}{2}\, v^{\top} H v")
        header = self.open_with(
            equation, "Near a point, f along a direction v is almost a parabola in the step "
            "alpha.", run_time=2.5)
        header_bottom = header.get_bottom()[1]

        # Filled contours and contour lines, drawn to scale.
        self.step("f near the point")
        formula = label_tex(rf"f(x, y) = {f_tex}", font_size=LABEL_SIZE)
        top = min(1.95, header_bottom - 0.35 - formula.height)
        side = top - MAP_BOTTOM

        plane, plane_drawn, plane_window = fit_right_of(-SAFE_X, MAP_LEFT, lambda left: make_plot(
            [r.grid_x[0], r.grid_x[-1]], [r.grid_y[0], r.grid_y[-1]], "x", "y", left, top, side,
            side, pad=None))
        if formula.width > side - 0.5:
            formula.scale_to_fit_width(side - 0.5)
        formula.next_to(plane, UP, buff=0.12).align_to(plane, RIGHT)
        fill = get_heat_image(r.level_bands(FILL_RESOLUTION).T[::-1], side, side)
        fill.move_to(plane.get_center()).set_opacity(FILL_OPACITY)
        segments = r.contour_segments
        contours = get_segments(FOREGROUND, 1.2, 0.5, segment_points(
            plane_window.to_screen(*segments[:, 0].T), plane_window.to_screen(*segments[:, 1].T)))
        point = plane_window.to_screen([r.point[0]], [r.point[1]])[0]
        dot = Dot(point, radius=0.08, color=FOREGROUND)
        at = ", ".join(caption_number(c) for c in r.point)
        with self.narrate(f"f near x0 = ({at}): colour bands and contour lines "
                          "of equal height."):
            self.play(FadeIn(fill), Create(plane_drawn[0]), FadeIn(plane_drawn[1]), FadeIn(formula),
                      run_time=1.5)
            self.play(Create(contours), FadeIn(dot), run_time=1.5)
            self.wait(1)

        self.step("The gradient, uphill and across the contour lines")
        units = plane_window.units()
        panel = make_panel([
            (r"\nabla f", _vector_tex(r.gradient), 0),
            (r"v^{\top}\nabla f",
             number_tex(r.directional_derivative, DECIMALS, grouping=False), 0),
            (r"H v", _vector_tex(r.hvp), 0),
            (r"v^{\top} H v", number_tex(r.directional_curvature, DECIMALS, grouping=False), 0),
        ], by_row=True)
        v_end = plane_window.to_screen([r.point[0] + r.direction[0]],
                                       [r.point[1] + r.direction[1]])[0]
        v_screen = v_end - point
        v_hat = v_screen / np.linalg.norm(v_screen)
        path = plane_window.to_screen(*r.slice_points.T)
        slice_segment = (path[0], path[-1])
        gradient_screen = np.append(r.gradient * units, 0)
        g_norm = np.linalg.norm(gradient_screen)
        # Beside the slice line, on the side away from the gradient, unless that is crowded.
        away = np.array([-v_hat[1], v_hat[0], 0.0])
        if g_norm > 0 and away @ gradient_screen > 0:
            away = -away
        if g_norm > 0:
            g_hat = gradient_screen / g_norm
            g_end = point + GRADIENT_LENGTH * side * g_hat
            gradient_arrow = Arrow(point, g_end, buff=0, color=FOREGROUND, stroke_width=5,
                                   max_tip_length_to_length_ratio=0.22)
            g_label = beside(label_tex(r"\nabla f", font_size=LABEL_SIZE), g_end,
                             [g_hat, *COMPASS], [slice_segment])
            line = (f"The gradient ({caption_number(r.gradient[0])}, "
                    f"{caption_number(r.gradient[1])}) points uphill, across the contours.")
            arrows = [slice_segment, (point, g_end)]
        else:
            gradient_arrow, g_label = VMobject(), VMobject()
            line = "The gradient is zero here: the point is flat to first order."
            arrows = [slice_segment]
        point_label = beside(label_tex("x_0", font_size=LABEL_SIZE), point,
                             [away, away - v_hat, away + v_hat, -away, *COMPASS], arrows,
                             [g_label], gap=0.14)
        v_label = beside(label_tex("v", font_size=LABEL_SIZE, color=TRUTH), v_end,
                         [v_hat, away, -away, *COMPASS], arrows, [g_label, point_label])
        g_label, point_label, v_label = (backed(g_label, 0.7, 0.04), backed(point_label, 0.7, 0.04),
                                           backed(v_label, 0.7, 0.04))
        with self.narrate(line):
            grow = [GrowArrow(gradient_arrow)] if g_norm > 0 else []
            self.play(*grow, FadeIn(g_label), FadeIn(point_label), FadeIn(panel[0]),
                      run_time=1.5)
            self.wait(1.5)

        self.step("The direction v and the slice f(x0 + alpha v)")
        slice_line = get_segments(TRUTH, 3, 0.8, segment_points(path[:-1], path[1:]))
        v_arrow = Arrow(point, v_end, buff=0, color=TRUTH, stroke_width=6,
                        max_tip_length_to_length_ratio=0.2)

        legend = make_legend([
            (line_swatch(TRUTH), label_tex(r"f(x_0+\alpha v)", font_size=LABEL_SIZE)),
            (line_swatch(SECOND_ROUTE, SECOND_ROUTE_DASH),
             label_tex(r"\text{1st order: JVP}", font_size=LABEL_SIZE)),
            (line_swatch(SECOND_ORDER, SECOND_ORDER_DASH),
             label_tex(r"\text{2nd order: HVP}", font_size=LABEL_SIZE)),
        ], buff=0.14)
        legend.move_to([SAFE_X - 3.5, SAFE_Y - 2.2, 0], aligned_edge=UL)
        slice_top = legend.get_bottom()[1] - 0.5
        slice_left = plane.get_right()[0] + 0.9

        axes, axes_drawn, window = fit_right_of(
            plane.get_right()[0] + 0.3, slice_left, lambda left: make_plot(
                p.alpha_range, r.slice_limits, r"\alpha", r"f(x_0+\alpha v)", left, slice_top,
                SAFE_X - 0.15 - left, slice_top - MAP_BOTTOM))
        alphas = r.alphas
        alpha = ValueTracker(alphas[0])

        def grown_points() -> np.ndarray:
            upto = np.interp(alpha.get_value(), alphas, np.arange(len(alphas)))
            xs, ys = partial_polyline(alphas, r.f_true, upto)
            return window_curve_points(window, xs, ys) if len(xs) > 1 else np.zeros((0, 3))

        def walker_points() -> np.ndarray:
            a = alpha.get_value()
            on_plane = path[0] + (path[-1] - path[0]) * (a - alphas[0]) / (alphas[-1] - alphas[0])
            on_plot = window.to_screen([a], window.clip_y([np.interp(a, alphas, r.f_true)]))
            return dot_cloud_points(np.vstack([on_plane, on_plot]), 0.08)

        true_curve = get_segments(TRUTH, 4, 1.0, grown_points())
        true_curve.add_updater(lambda m: m.set_points(grown_points()))
        walker = get_dot_cloud(walker_points(), 0.08, TRUTH, 1.0)
        walker.add_updater(lambda m: m.set_points(walker_points()))
        with self.narrate("A direction v, used as given. Walk along it: f(x0 + alpha v) "
                          "is a curve in alpha."):
            self.play(GrowArrow(v_arrow), FadeIn(v_label), Create(slice_line),
                      Create(axes_drawn[0]), FadeIn(axes_drawn[1]), FadeIn(legend[0]), run_time=1.5)
            self.add(true_curve, walker)
            self.play(alpha.animate.set_value(alphas[-1]), run_time=3, rate_func=linear)
            self.play(FadeOut(walker), run_time=0.5)
        self.freeze_movers()
        self.remove(walker)

        # The tangent line of the slice, and its gap.
        self.step("First order, one JVP")
        first_order = get_segments(SECOND_ROUTE, 4, 1.0, window_curve_points(
            window, alphas, r.f_linear, SECOND_ROUTE_DASH))
        linear_gap = _gap_band(window, alphas, r.f_true, r.f_linear, SECOND_ROUTE)
        center_dot = VMobject()  # alpha = 0, the point itself, when the range holds it
        if p.alpha_range[0] <= 0 <= p.alpha_range[1]:
            center_dot = Dot(window.to_screen([0.0], window.clip_y([r.value]))[0], radius=0.07,
                             color=FOREGROUND)
        with self.narrate(f"First order, one JVP: slope v.grad f = "
                          f"{caption_number(r.directional_derivative)}. The gap is shaded."):
            self.play(Create(first_order), FadeIn(legend[1]), FadeIn(center_dot),
                      FadeIn(panel[1]), run_time=1.5)
            self.play(FadeIn(linear_gap), run_time=1)
            self.wait(1.5)

        # The gap shrinks to what is left beyond alpha^2.
        self.step("Second order, one HVP")
        second_order = get_segments(SECOND_ORDER, 4.5, 1.0, window_curve_points(
            window, alphas, r.f_quadratic, SECOND_ORDER_DASH))
        quadratic_gap = _gap_band(window, alphas, r.f_true, r.f_quadratic, SECOND_ORDER)
        with self.narrate(f"Second order adds v.Hv = {caption_number(r.directional_curvature)}; "
                          "Hv is a double backward pass."):
            self.play(Create(second_order), FadeIn(legend[2]), FadeIn(panel[2:]), run_time=1.5)
            self.play(ReplacementTransform(linear_gap, quadratic_gap), run_time=1.5)
            self.wait(1.5)

        with self.narrate("f is quadratic along v: the second-order curve is exact."
                          if r.quadratic_exact else
                          "The gap left grows like alpha cubed: tiny near alpha = 0."):
            self.wait(3)
        with self.narrate("H v takes two gradient passes. The Hessian itself is never "
                          "built."):
            self.wait(2.5)
