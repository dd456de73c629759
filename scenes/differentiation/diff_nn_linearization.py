"""14 diff_nn_linearization: a small network against its JVP line, its per-tensor JVP and
HVP norms, and what a full Hessian would cost.

``manim -ql scenes/differentiation/diff_nn_linearization.py DiffNnLinearization`` renders
the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.theme.base import LectureScene
from scenes.theme.dashes import SECOND_ROUTE_DASH
from scenes.theme.numbers import caption_number, format_number
from scenes.theme.palette import (
    FOREGROUND, LABEL_SIZE, REFERENCE, SAFE_X, SECOND_ORDER, SECOND_ROUTE, TICK_SIZE, TRUTH,
)
from scenes.theme.panel import label_tex, make_panel
from scenes.theme.plots import (
    fit_right_of, line_swatch, make_legend, make_plot, window_curve_points,
)
from scenes.theme.shapes import get_segments, rect_points, square_points

__all__ = ["DiffNnLinearization"]

LEFT_SLOT = (-SAFE_X, -0.6)  # x extent of the diagram, then of the bars
RIGHT_SLOT = (0.5, SAFE_X)  # x extent of the output plot, then of the Hessian picture
BOTTOM = -2.95  # lowest edge of the plots; tick labels and names fit below
NODE_RADIUS = 0.22
BAR_HEIGHT = 0.24
TENSOR_TEX = {"W1": "W_1", "b1": "b_1", "W2": "W_2", "b2": "b_2"}


def _byte_size(count: float) -> str:
    """A byte count with its SI prefix, as LaTeX text: 4e18 -> 4\\,EB."""
    for power, unit in ((18, "EB"), (15, "PB"), (12, "TB"), (9, "GB"), (6, "MB"), (3, "kB")):
        if count >= 10.0**power:
            return rf"{format_number(count / 10.0**power, 3)}\,\text{{{unit}}}"
    return rf"{format_number(count, decimals=0)}\,\text{{B}}"


def _power_of_ten(count: float) -> str:
    """A large count as TeX, always with its power of ten: 4.2e18 -> 4.2 \\times 10^{18}."""
    return format_number(count, 3, max_chars=0)


class DiffNnLinearization(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p

        self.step("The two products this scene computes")
        equation = (r"y(x_0+\alpha d) \approx y(x_0) + \alpha\, J d,\qquad "
                    r"H u = \nabla_\theta\big(\nabla_\theta y \cdot u\big)")
        header = self.open_with(equation, "Derivatives one direction at a time: J d for "
                                "the input, H u for the weights.", run_time=2.5)
        header_bottom = header.get_bottom()[1]
        top = min(1.6, header_bottom - 0.6)

        self.step("The seeded 2-4-1 tanh network")
        diagram = self._network_diagram(top)
        with self.narrate(f"A 2-4-1 tanh network drawn with seed {p.torch_seed}: "
                          f"{r.n_parameters} weights and biases."):
            self.play(FadeIn(diagram), run_time=1.5)
            self.wait(1.5)

        self.step("The output along x0 + alpha d against the JVP line")
        panel = make_panel([("y(x_0)", lambda: r.output_at_x0, 4), ("J d", lambda: r.jvp, 4)])
        legend = make_legend([
            (line_swatch(TRUTH), label_tex(r"y(x_0+\alpha d)", font_size=LABEL_SIZE)),
            (line_swatch(SECOND_ROUTE, SECOND_ROUTE_DASH),
             label_tex(r"y(x_0) + \alpha\, J d", font_size=LABEL_SIZE)),
        ], buff=0.14)
        legend.move_to([SAFE_X - 3.5, panel.get_bottom()[1] - 0.25, 0], aligned_edge=UL)
        plot_top = min(top, legend.get_bottom()[1] - 0.5)

        axes, axes_drawn, window = fit_right_of(
            RIGHT_SLOT[0], RIGHT_SLOT[0] + 0.5, lambda left: make_plot(
                p.alpha_range, r.output_limits, r"\alpha", r"y(x_0+\alpha d)", left, plot_top,
                SAFE_X - 0.15 - left, plot_top - BOTTOM))
        output = get_segments(TRUTH, 4, 1.0, window_curve_points(window, r.alphas, r.output))
        jvp_line = get_segments(SECOND_ROUTE, 4, 1.0, window_curve_points(
            window, r.alphas, r.linearized, SECOND_ROUTE_DASH))
        center = VMobject()  # alpha = 0, the input x0 itself, when the range holds it
        if p.alpha_range[0] <= 0 <= p.alpha_range[1]:
            center = Dot(window.to_screen([0.0], window.clip_y([r.output_at_x0]))[0],
                         radius=0.07, color=FOREGROUND)
        with self.narrate("Along x0 + alpha d the output bends; the JVP line J d is its "
                          "tangent at alpha = 0."):
            self.play(Create(axes_drawn[0]), FadeIn(axes_drawn[1]), FadeIn(panel), run_time=1)
            self.play(Create(output), FadeIn(legend[0]), run_time=1.5)
            self.play(Create(jvp_line), FadeIn(center), FadeIn(legend[1]), run_time=1.5)
            self.wait(1.5)
        with self.narrate("One JVP gives the slope at x0, "
                          f"J d = {caption_number(r.jvp)}, with no Jacobian built."):
            self.play(Indicate(VGroup(center, panel[1][1]), color=FOREGROUND), run_time=1)
            self.wait(1)

        # Per-tensor JVP and HVP norms.
        self.step("In weight space, a random direction u")
        bars, bar_notes = self._norm_bars(top)
        with self.narrate("A random direction u in weight space: each "
                          "tensor's part of the JVP and of H u."):
            self.play(FadeOut(diagram), run_time=0.7)
            self.play(FadeIn(bar_notes[0]), GrowFromEdge(bars[0], LEFT),
                      GrowFromEdge(bars[1], LEFT), run_time=1.5)
            self.play(FadeIn(bar_notes[1]), run_time=0.8)
            self.wait(1.5)
        with self.narrate("y is linear in b2, so its block of H u is exactly 0 "
                          "(the lecture's code prints nan)."):
            self.play(FadeIn(bar_notes[2]), run_time=1)
            self.wait(2)

        self.step("The full Hessian against one HVP, here and for a large network")
        hessian, cost = self._hessian_picture(top)
        with self.narrate(f"The full Hessian holds P^2 = {r.hessian_entries} numbers; "
                          f"one H u holds P = {r.hvp_entries}."):
            self.play(FadeOut(VGroup(axes_drawn, output, jvp_line, center, legend)),
                      run_time=0.7)
            self.play(FadeIn(hessian[0]), run_time=1.2)
            self.play(FadeIn(hessian[1]), run_time=1.2)
            self.wait(1.5)
        with self.narrate(f"At {_words(r.large_network_parameters)} parameters H needs "
                          f"{_words(r.large_hessian_entries)} numbers; H u costs about "
                          f"{r.hvp_cost_in_gradients} gradients."):
            self.play(FadeIn(cost), run_time=1.5)
            self.wait(3)

    def _network_diagram(self, top: float) -> VGroup:
        """Nodes in three columns and an edge per weight, its width and opacity by |w|."""
        r = self.result
        middle = 0.5 * (top + BOTTOM) - 0.1
        columns = np.linspace(LEFT_SLOT[0] + 0.9, LEFT_SLOT[1] - 0.7, 3)
        layers = [np.array([[columns[0], middle + y, 0] for y in (0.8, -0.8)]),
                  np.array([[columns[1], middle + y, 0] for y in (1.5, 0.5, -0.5, -1.5)]),
                  np.array([[columns[2], middle, 0]])]
        weights = [r.W1, r.W2]  # weights[k][j, i]: node i of layer k to node j of layer k + 1
        largest = max(np.abs(w).max() for w in weights)
        edges = VGroup()
        for k, w in enumerate(weights):
            for j, end in enumerate(layers[k + 1]):
                for i, start in enumerate(layers[k]):
                    share = abs(w[j, i]) / largest
                    direction = (end - start) / np.linalg.norm(end - start)
                    edges.add(Line(start + NODE_RADIUS * direction, end - NODE_RADIUS * direction,
                                   stroke_width=1 + 5 * share, color=FOREGROUND,
                                   stroke_opacity=0.3 + 0.7 * share))
        nodes = VGroup(*[Circle(NODE_RADIUS, color=FOREGROUND, stroke_width=3).move_to(c)
                         for layer in layers for c in layer])
        labels = VGroup(
            *[label_tex(f"x_{i + 1}", font_size=LABEL_SIZE).next_to(c, LEFT,
                                                                   buff=NODE_RADIUS + 0.12)
              for i, c in enumerate(layers[0])],
            label_tex("y", font_size=LABEL_SIZE).next_to(layers[2][0], RIGHT,
                                                       buff=NODE_RADIUS + 0.12),
            label_tex(r"\tanh", font_size=LABEL_SIZE).next_to(
                Point(layers[1][-1]), DOWN, buff=NODE_RADIUS + 0.15),
        )
        tensors = VGroup(
            label_tex(r"W_1,\ b_1", font_size=LABEL_SIZE).move_to(
                [columns[0:2].mean(), layers[1][0][1] + 0.45, 0]),
            label_tex(r"W_2,\ b_2", font_size=LABEL_SIZE).move_to(
                [columns[1:3].mean(), layers[1][0][1] + 0.45, 0]),
        )
        x0 = [format_number(v, decimals=3) for v in r.x0]
        d = [format_number(v, 6) for v in r.direction]
        line = label_tex(rf"x_0 = ({x0[0]},\ {x0[1]}),\quad d = ({d[0]},\ {d[1]})",
                         font_size=LABEL_SIZE)
        line.next_to(labels[-1], DOWN, buff=0.3).set_x(columns[1])
        if line.width > LEFT_SLOT[1] - LEFT_SLOT[0]:
            line.scale_to_fit_width(LEFT_SLOT[1] - LEFT_SLOT[0])
        line.set_x(max(line.get_x(), LEFT_SLOT[0] + line.width / 2))
        return VGroup(edges, nodes, labels, tensors, line)

    def _norm_bars(self, top: float) -> tuple[VGroup, VGroup]:
        """Horizontal bars per parameter tensor: the norm of its JVP contribution (teal)
        and of its block of H u (pink), with values to the source's three decimals."""
        r = self.result
        names = VGroup()
        for name, shape in zip(r.param_names, r.param_shapes):
            size = r"{\times}".join(str(n) for n in shape)
            names.add(label_tex(rf"{TENSOR_TEX[name]}\ ({size})", font_size=LABEL_SIZE))
        name_width = max(n.width for n in names)
        start_x = LEFT_SLOT[0] + name_width + 0.25
        length = LEFT_SLOT[1] - 0.9 - start_x
        largest = max(r.param_jvp_norms.max(), r.param_hvp_norms.max(), 1e-300)
        legend = make_legend([
            (Square(0.28, stroke_width=0, fill_color=SECOND_ROUTE, fill_opacity=0.8),
             label_tex(r"\|\partial_{\theta_i} y \odot u_i\|\ \text{(JVP)}",
                     font_size=LABEL_SIZE)),
            (Square(0.28, stroke_width=0, fill_color=SECOND_ORDER, fill_opacity=0.8),
             label_tex(r"\|(H u)_i\|\ \text{(HVP)}", font_size=LABEL_SIZE)),
        ], buff=0.12)
        legend.move_to([LEFT_SLOT[0], top + 0.1, 0], aligned_edge=UL)
        row_top = legend.get_bottom()[1] - 0.35
        row_step = (row_top - (BOTTOM - 0.3)) / len(names)
        jvp_boxes, hvp_boxes, values, zero_note = [], [], VGroup(), VGroup()
        for k, (jvp_norm, hvp_norm) in enumerate(zip(r.param_jvp_norms, r.param_hvp_norms)):
            y = row_top - (k + 0.5) * row_step
            names[k].move_to([LEFT_SLOT[0], y, 0], aligned_edge=LEFT)
            for offset, norm, boxes in ((0.15, jvp_norm, jvp_boxes), (-0.15, hvp_norm, hvp_boxes)):
                bar_y = y + offset
                end = start_x + length * norm / largest
                boxes.append(([start_x, bar_y - BAR_HEIGHT / 2, 0],
                              [end, bar_y + BAR_HEIGHT / 2, 0]))
                if norm == 0:  # the output bias: y = ... + b2 is linear in it
                    why = (rf"\ \ (y \text{{ is linear in }} {TENSOR_TEX[r.param_names[k]]})"
                           if r.param_names[k] == "b2" else "")
                    zero_note.add(label_tex("0" + why, font_size=TICK_SIZE, color=SECOND_ORDER)
                                  .move_to([start_x + 0.1, bar_y, 0], aligned_edge=LEFT))
                else:
                    values.add(label_tex(format_number(norm, decimals=3), font_size=TICK_SIZE)
                               .move_to([end + 0.1, bar_y, 0], aligned_edge=LEFT))
        bars = VGroup()
        for color, boxes in ((SECOND_ROUTE, jvp_boxes), (SECOND_ORDER, hvp_boxes)):
            shape = VMobject(fill_color=color, fill_opacity=0.8, stroke_width=0)
            shape.set_points(rect_points(np.array([b[0] for b in boxes]),
                                        np.array([b[1] for b in boxes])))
            bars.add(shape)
        baseline = Line([start_x, row_top, 0], [start_x, BOTTOM - 0.3, 0], color=REFERENCE,
                        stroke_width=2)
        return bars, VGroup(VGroup(legend, names, baseline), values, zero_note)

    def _hessian_picture(self, top: float) -> tuple[VGroup, VGroup]:
        """H (P x P, never built) times u = H u (P numbers), then the same for a large net."""
        r = self.result
        size = r.n_parameters
        grid_side = min(2.7, top - BOTTOM - 1.3)
        cell = grid_side / size
        left = RIGHT_SLOT[0] + 0.3
        grid_top = top - 0.5
        rows = grid_top - cell * (np.arange(size) + 0.5)
        columns = left + cell * (np.arange(size) + 0.5)
        centers = np.array([[x, y, 0] for y in rows for x in columns])
        full = VMobject(stroke_color=REFERENCE, stroke_width=1, stroke_opacity=0.8,
                        fill_opacity=0)
        full.set_points(square_points(centers, cell))
        h_name = label_tex("H", font_size=LABEL_SIZE + 4).next_to(full, UP, buff=0.12)
        h_note = label_tex(rf"{size}\times{size} = {r.hessian_entries}",
                         font_size=LABEL_SIZE).next_to(full, DOWN, buff=0.15)
        u_x = left + grid_side + 0.45
        u_cells = VMobject(stroke_color=FOREGROUND, stroke_width=1.5, fill_opacity=0)
        u_cells.set_points(square_points(
            np.array([[u_x, y, 0] for y in rows]), cell))
        equals = label_tex("=", font_size=LABEL_SIZE + 4).move_to(
            [u_x + 0.55, grid_top - grid_side / 2, 0])
        hu_x = u_x + 1.1
        hu_cells = VMobject(fill_color=SECOND_ORDER, fill_opacity=0.8, stroke_color=FOREGROUND,
                            stroke_width=1)
        hu_cells.set_points(square_points(np.array([[hu_x, y, 0] for y in rows]), cell))
        u_name = label_tex("u", font_size=LABEL_SIZE + 4).next_to(u_cells, UP, buff=0.12)
        hu_name = label_tex("H u", font_size=LABEL_SIZE + 4).next_to(hu_cells, UP, buff=0.12)
        hu_note = label_tex(str(r.hvp_entries), font_size=LABEL_SIZE).next_to(
            hu_cells, DOWN, buff=0.15)
        never = label_tex(r"\text{never built}", font_size=LABEL_SIZE, color=REFERENCE).next_to(
            h_note, DOWN, buff=0.1)
        hessian = VGroup(VGroup(full, h_name, h_note, never),
                         VGroup(u_cells, equals, hu_cells, u_name, hu_name, hu_note))
        big = r.large_network_parameters
        cost = VGroup(
            label_tex(rf"P = {_power_of_ten(big)}:\ H \text{{ has }} "
                    rf"{_power_of_ten(r.large_hessian_entries)}"
                    rf"\text{{ numbers}} = {_byte_size(r.large_hessian_bytes)}"
                    r"\text{ in float32}",
                    font_size=LABEL_SIZE),
            label_tex(rf"H u \text{{ has }} {_power_of_ten(big)},\ \text{{about }}"
                    rf"{r.hvp_cost_in_gradients}\text{{ gradients of work}}",
                    font_size=LABEL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        cost.next_to(hessian, DOWN, buff=0.35).align_to(full, LEFT)
        room = SAFE_X - cost.get_left()[0]
        if cost.width > room:  # a long byte count: shrink a little rather than leave the frame
            cost.scale(room / cost.width, about_edge=LEFT)
        return hessian, cost


def _words(count: float) -> str:
    """A large count in words for a caption: 1e9 -> 'a billion', 1e18 -> '10^18'."""
    names = {9: "a billion", 12: "a trillion", 6: "a million"}
    exponent = int(np.floor(np.log10(count)))
    if np.isclose(count, 10.0**exponent) and exponent in names:
        return names[exponent]
    return caption_number(count)
