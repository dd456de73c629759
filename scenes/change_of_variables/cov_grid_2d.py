"""06 cov_grid_2d: a linear map of the plane scales every area by |det A|.

``manim -ql scenes/change_of_variables/cov_grid_2d.py CovGrid2d`` renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.theme.base import LectureScene
from scenes.theme.numbers import caption_number, format_number
from scenes.theme.palette import (
    FIRST_AXIS, FOREGROUND, GRID, LABEL_SIZE, REFERENCE, SAMPLE, SECOND_AXIS, TRUTH,
)
from scenes.theme.panel import backed, make_panel
from scenes.theme.shapes import (
    PlaneView, clip_segments, dot_cloud_points, get_dot_cloud, get_segments, segment_points,
)

__all__ = ["CovGrid2d"]

VIEW_LOW = np.array([-6.4, -3.6])  # the plane's window in cov_grid_2d, below the header
VIEW_HIGH = np.array([6.4, 1.2])


class CovGrid2d(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p

        self.step("The formula")
        self.open_with(
            r"y = A x,\qquad p_Y(y) = \frac{p_X(A^{-1} y)}{|\det A|}",
            "A linear map moves every point and scales every area "
            "by the same factor.")

        self.step("The grid, the unit square and the basis vectors")
        half = (VIEW_HIGH - VIEW_LOW) / 2
        origin = np.append((VIEW_LOW + VIEW_HIGH) / 2, 0)
        row_spread = np.linalg.norm(r.A, axis=1)  # std of the mapped draws along y1, y2
        reach = np.maximum.reduce([np.full(2, 2.2), 2.2 * row_spread,
                                   np.abs(r.unit_square_image).max(axis=0) + 0.5])
        unit = min(1.0, *(half / reach))
        corners = np.array([[sx, sy] for sx in (-1, 1) for sy in (-1, 1)]) * half / unit
        lines = int(min(30, np.ceil(np.abs(corners @ r.A_inverse.T).max()
                                    + half.max() / unit) + 1))
        k = np.arange(-lines, lines + 1, dtype=float)
        fixed = np.full_like(k, lines)
        starts = np.concatenate([np.stack([k, -fixed], 1), np.stack([-fixed, k], 1)])
        ends = np.concatenate([np.stack([k, fixed], 1), np.stack([fixed, k], 1)])
        axis_rows = np.flatnonzero(np.concatenate([k, k]) == 0)

        to_screen = PlaneView(origin, unit).to_screen

        def clipped(points_from: np.ndarray, points_to: np.ndarray) -> np.ndarray:
            return segment_points(*clip_segments(to_screen(points_from), to_screen(points_to),
                                                 VIEW_LOW, VIEW_HIGH))

        def closed(corners: np.ndarray) -> np.ndarray:
            return np.vstack([corners, corners[:1]])

        progress = ValueTracker(r.start())
        stages, final = r.stages(), r.stages()[-1][1]

        def matrix() -> np.ndarray:
            return r.matrix_at(progress.get_value())

        backdrop = get_segments(REFERENCE, 1, 0.35, clipped(starts, ends))
        grid = get_segments(GRID, 1.5, 0.8)
        grid.add_updater(lambda m: m.set_points(clipped(starts @ matrix().T, ends @ matrix().T)))
        axes_lines = get_segments(FOREGROUND, 2.5)
        axes_lines.add_updater(lambda m: m.set_points(
            clipped(starts[axis_rows] @ matrix().T, ends[axis_rows] @ matrix().T)))
        square = VMobject(fill_color=TRUTH, fill_opacity=0.3, stroke_color=TRUTH, stroke_width=3)
        square.add_updater(lambda m: m.set_points_as_corners(
            to_screen(closed(r.square_at(progress.get_value())))))
        for mover in (grid, axes_lines, square):
            mover.update()  # points before the first animation, which needs them to fade in

        def basis_arrow(i: int, color) -> Arrow:
            return Arrow(origin, to_screen(matrix()[:, i])[0], buff=0, color=color,
                         stroke_width=5, max_tip_length_to_length_ratio=0.25)

        basis = VGroup(basis_arrow(0, FIRST_AXIS), basis_arrow(1, SECOND_AXIS))
        for i, (arrow, color) in enumerate(zip(basis, (FIRST_AXIS, SECOND_AXIS))):
            arrow.add_updater(lambda m, i=i, color=color: m.become(basis_arrow(i, color)))
        names = VGroup(
            MathTex("x_1", font_size=LABEL_SIZE).next_to([VIEW_HIGH[0], origin[1], 0], UL, 0.1),
            MathTex("x_2", font_size=LABEL_SIZE).next_to([origin[0], VIEW_HIGH[1], 0], DR, 0.1),
        )
        # Labels sit above the moving layers (z_index), so they are redrawn on top of them.
        for name in names:
            backed(name).set_z_index(2)
        area = MathTex(r"\text{area} = 1", font_size=LABEL_SIZE)
        backed(area, buff=0.06).set_z_index(2)
        area.next_to(to_screen(np.array([1.0, 0.5]))[0], RIGHT, buff=0.2)
        with self.narrate("The grid, the unit square of area 1, and the basis "
                          "vectors e1 and e2."):
            self.play(FadeIn(backdrop), Create(grid), Create(axes_lines), FadeIn(names),
                      run_time=1.5)
            self.play(FadeIn(square), FadeIn(basis), FadeIn(area), run_time=1)
            self.wait(1)

        # Those inside the unit square are lit.
        self.step("Samples of N(0, I)")
        n_dots = min(1500, len(r.samples))
        samples = r.samples[:n_dots]
        inside = np.all((samples >= 0) & (samples <= 1), axis=1)

        def cloud_points(chosen: np.ndarray) -> np.ndarray:
            s = progress.get_value()
            moved = r.transformed_samples[:n_dots][chosen] if s >= final \
                else samples[chosen] @ matrix().T
            centers = to_screen(moved)
            visible = np.all((centers[:, :2] > VIEW_LOW + 0.04)
                             & (centers[:, :2] < VIEW_HIGH - 0.04), axis=1)
            return dot_cloud_points(centers[visible], 0.03)

        outside_dots = get_dot_cloud(np.zeros((0, 3)), 0.03, SAMPLE, 0.75)
        outside_dots.add_updater(lambda m: m.set_points(cloud_points(~inside)))
        inside_dots = get_dot_cloud(np.zeros((0, 3)), 0.03, SAMPLE, 0.75)
        inside_dots.add_updater(lambda m: m.set_points(cloud_points(inside)))
        outside_dots.update()
        inside_dots.update()
        basis.set_z_index(1)
        with self.narrate(f"{p.n_samples:,} draws of N(0, I). "
                          "The ones inside the square light up."):
            self.play(FadeIn(outside_dots), FadeIn(inside_dots), run_time=1.5)
            self.play(inside_dots.animate.set_fill(FOREGROUND, 1), run_time=1)
            self.wait(1)

        self.step("The map, in the pieces it is built from")
        lines_for = {
            "stretch": f"Stretch by {caption_number(p.scale[0], 6)} along x1 and "
                       f"{caption_number(p.scale[1], 6)} along x2: the square's area changes.",
            "rotate": f"Then rotate by {caption_number(p.theta_deg, 6)} degrees: "
                      "the square turns, its area stays.",
            "apply": "Apply A: lines stay straight and parallel, "
                     "and the draws go along.",
        }
        self.play(FadeOut(area), run_time=0.5)
        for name, end in stages:
            with self.narrate(lines_for[name]):
                self.play(progress.animate.set_value(end), run_time=3 if len(stages) > 1 else 4)
                self.wait(1)

        # The density is divided by it. Nothing moves any more: without updaters the grid
        # and the draws are drawn once, not on every frame.
        self.step("The area is |det A|")
        for mover in (grid, axes_lines, square, basis, outside_dots, inside_dots):
            mover.clear_updaters()
        area_tex, area_text = (f(abs(r.det), decimals=2) for f in (format_number, caption_number))
        new_area = MathTex(rf"\text{{area}} = |\det A| = {area_tex}", font_size=LABEL_SIZE)
        backed(new_area, buff=0.06).set_z_index(2)
        shape = VGroup(square, basis)
        side = RIGHT if shape.get_right()[0] + new_area.width + 0.4 < VIEW_HIGH[0] else LEFT
        new_area.next_to(shape, side, buff=0.2)
        a = [[format_number(v, decimals=4) for v in row] for row in r.A]
        matrix_tex = MathTex(
            rf"A = \begin{{bmatrix}} {a[0][0]} & {a[0][1]} \\ {a[1][0]} & {a[1][1]} "
            r"\end{bmatrix}",
            font_size=28)
        panel = make_panel([
            (r"\det A", lambda: r.det, 4),
            (r"1/|\det A|", lambda: r.density_scale, 4),
        ])
        matrix_tex.next_to(panel, DOWN, buff=0.2).align_to(panel, RIGHT)
        image_names = VGroup(*[backed(MathTex(f"y_{i}", font_size=LABEL_SIZE).move_to(name))
                               .set_z_index(2) for i, name in enumerate(names, start=1)])
        with self.narrate(f"The square's image has area |det A| = {area_text}."):
            self.play(FadeIn(new_area), FadeIn(panel), FadeIn(matrix_tex),
                      ReplacementTransform(names, image_names), run_time=1.5)
            self.wait(1.5)
        if r.det < 0:
            with self.narrate("det A is negative: the plane is flipped over. "
                              "Area scales by |det A|."):
                self.play(Indicate(basis, color=FOREGROUND), run_time=1.5)
                self.wait(1)
        with self.narrate(f"Lit draws stay inside: same mass, area x {area_text}, "
                          f"so density x {caption_number(r.density_scale, decimals=2)}."):
            self.play(Indicate(square, scale_factor=1.05, color=TRUTH), run_time=1.5)
            self.wait(3)
