"""07 cov_jacobian_field: a curved map of the plane, J up close, and |det J| everywhere.

``manim -ql scenes/change_of_variables/cov_jacobian_field.py CovJacobianField`` renders the
defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from compute.expr import parse, to_latex
from scenes.theme.base import LectureScene
from scenes.theme.dashes import SECOND_ROUTE_DASH, get_dashed
from scenes.theme.layout import (
    MIN_TICK_GAP_STACKED, nice_ceiling, nice_ticks, spaced_ticks, tick_labels,
)
from scenes.theme.palette import FOREGROUND, GRID, REFERENCE, SECOND_ROUTE, TICK_SIZE, TRUTH
from scenes.theme.panel import backed, make_panel
from scenes.theme.plots import make_axes
from scenes.theme.shapes import (
    PlaneView, get_heat_image, get_segments, make_color_bar, segment_points,
)

__all__ = ["CovJacobianField"]

def _away(box: Mobject, group: VGroup) -> np.ndarray:
    """The compass direction (of eight) pointing from the nearest other member to ``box``."""
    others = [m.get_center() for m in group if m is not box]
    nearest = min(others, key=lambda c: np.linalg.norm(c - box.get_center()))
    angle = np.arctan2(*(box.get_center() - nearest)[1::-1])
    step = np.round(angle / (np.pi / 4)) * np.pi / 4
    return np.round(np.array([np.cos(step), np.sin(step), 0.0]))


class CovJacobianField(LectureScene):
    def construct(self) -> None:
        r, p = self.result, self.p
        first, second = (parse(text, ("x1", "x2")) for text in p.map)

        self.step("The map and the formula")
        self.open_with(
            rf"y = \big({to_latex(first)},\; {to_latex(second)}\big),\qquad "
            r"p_Y(y) = \frac{p_X(x)}{|\det J(x)|}",
            "A curved map stretches some places and squeezes others; "
            "J says by how much.", run_time=2.5)

        # Grid and three small squares.
        self.step("Axes holding both the domain and its image")
        (x_lo, x_hi), (y_lo, y_hi) = p.x_range, p.y_range
        low = np.minimum(r.image_low, [x_lo, y_lo])
        high = np.maximum(r.image_high, [x_hi, y_hi])
        low, high = low - 0.04 * (high - low), high + 0.04 * (high - low)
        bx_lo, bx_hi, _ = nice_ticks(low[0], high[0], 5)
        by_lo, by_hi, _ = nice_ticks(low[1], high[1], 5)
        unit = min(6.6 / (bx_hi - bx_lo), 4.35 / (by_hi - by_lo))
        width, height = unit * (bx_hi - bx_lo), unit * (by_hi - by_lo)
        plane, plane_labels = make_axes(
            [bx_lo, bx_hi], [by_lo, by_hi], r"x_1 \mapsto y_1", r"x_2 \mapsto y_2",
            tick_labels(spaced_ticks(bx_lo, bx_hi, width)),
            tick_labels(spaced_ticks(by_lo, by_hi, height, gap=MIN_TICK_GAP_STACKED)),
            np.array([-2.5, -2.85 + height / 2, 0]), width=width, height=height)
        view = PlaneView(plane.c2p(0, 0), unit)
        to_screen = view.to_screen

        def bend(point: np.ndarray) -> np.ndarray:
            return to_screen(r.image_of(view.to_plane(point)[None]))[0]

        def polyline_points(paths: list[np.ndarray]) -> np.ndarray:
            return np.concatenate([segment_points(to_screen(path[:-1]), to_screen(path[1:]))
                                   for path in paths])

        t = np.linspace(0, 1, 48)
        ticks_1, ticks_2 = np.linspace(x_lo, x_hi, 9), np.linspace(y_lo, y_hi, 9)
        paths = ([np.column_stack([np.full_like(t, v), y_lo + t * (y_hi - y_lo)]) for v in ticks_1]
                 + [np.column_stack([x_lo + t * (x_hi - x_lo), np.full_like(t, v)])
                    for v in ticks_2])
        backdrop = get_segments(REFERENCE, 1, 0.35, polyline_points(paths))
        grid = get_segments(GRID, 1.5, 0.9, polyline_points(paths))

        picks = r.picked
        side = 0.13 * min(x_hi - x_lo, y_hi - y_lo)
        s = np.linspace(-0.5, 0.5, 12)
        squares, tags = VGroup(), VGroup()
        for n, (i, j) in enumerate(picks, start=1):
            c = np.array([r.x1[i], r.x2[j]])
            half = np.full_like(s, 0.5)
            edge = np.concatenate([np.column_stack([s, -half]), np.column_stack([half, s]),
                                   np.column_stack([-s, half]), np.column_stack([-half, -s])])
            box = VMobject(fill_color=TRUTH, fill_opacity=0.25, stroke_color=TRUTH,
                           stroke_width=2.5)
            box.set_points_as_corners(to_screen(c + side * np.vstack([edge, edge[:1]])))
            squares.add(box)
            tag = MathTex(str(n), font_size=TICK_SIZE)
            backed(tag, buff=0.04)
            tags.add(tag)
        for tag, box in zip(tags, squares):
            tag.add_updater(lambda m, box=box: m.next_to(box, _away(box, squares), buff=0.06))
        with self.narrate("A grid on the domain, and three small squares "
                          "of the same size."):
            self.play(Create(plane), FadeIn(plane_labels), FadeIn(backdrop), Create(grid),
                      run_time=1.5)
            self.play(FadeIn(squares), FadeIn(tags), run_time=1)
            self.wait(1)

        self.step("The map bends the grid and the squares with it")
        with self.narrate("Apply the map: grid lines bend, "
                          "and the squares bend with them."):
            self.play(ApplyPointwiseFunction(bend, VGroup(grid, squares)), run_time=4)
            self.wait(1.5)

        # Squares become parallelograms.
        self.step("Up close the map is J, a linear map")
        parallelograms = VGroup()
        for ij in picks:
            corners = r.predicted_square(ij, side)
            parallelograms.add(get_dashed(to_screen(np.vstack([corners, corners[:1]])),
                                          SECOND_ROUTE, SECOND_ROUTE_DASH, 4))
        panel = make_panel([(rf"|\det J|\ \text{{at}}\ {n}",
                             lambda ij=ij: abs(r.det_jacobian[ij]), 4)
                            for n, ij in enumerate(picks, start=1)])
        with self.narrate("Up close the map is linear: J turns each square "
                          "into a parallelogram (dashed)."):
            self.play(Create(parallelograms), run_time=2)
            self.wait(1)
        with self.narrate("Its area is |det J| times the square's, "
                          "as the panel shows for each."):
            self.play(FadeIn(panel), run_time=1.5)
            self.wait(1.5)

        self.step("|det J| everywhere, as a heat map with a colour bar")
        size = 2.7
        # To scale, unless one side would be too thin to carry its tick labels.
        aspect = float(np.clip((x_hi - x_lo) / (y_hi - y_lo), 0.5, 2.0))
        map_w, map_h = (size, size / aspect) if aspect >= 1 else (size * aspect, size)
        heat_axes, heat_labels = make_axes(
            [x_lo, x_hi], [y_lo, y_hi], "x_1", "x_2",
            tick_labels(nice_ticks(x_lo, x_hi, 3)[2]), tick_labels(nice_ticks(y_lo, y_hi, 3)[2]),
            np.array([3.35, -2.8 + map_h / 2 + 0.05, 0]), width=map_w, height=map_h)
        magnitude = np.abs(r.det_jacobian)
        top = nice_ceiling(magnitude.max()) if magnitude.max() > 0 else 1.0
        heat = get_heat_image((magnitude / top).T[::-1], map_w, map_h).move_to(heat_axes)
        bar = make_color_bar(top, r"|\det J|", map_h, nice_ticks(0, top, 3)[2])
        bar.next_to(heat, RIGHT, buff=0.3).align_to(heat, DOWN)
        bar[2].next_to(bar[0], UP, buff=0.2)
        markers = VGroup()
        for n, (i, j) in enumerate(picks, start=1):
            ring = Circle(radius=0.08, color=FOREGROUND, stroke_width=3)
            ring.move_to(heat_axes.c2p(r.x1[i], r.x2[j]))
            tag = MathTex(str(n), font_size=TICK_SIZE).next_to(ring, UR, buff=0.02)
            backed(tag, buff=0.04)
            markers.add(ring, tag)
        with self.narrate("The same factor over the whole domain: "
                          "|det J| as a heat map."):
            self.play(FadeIn(heat), Create(heat_axes), FadeIn(heat_labels), FadeIn(bar),
                      run_time=2)
            self.play(FadeIn(markers), run_time=1)
            self.wait(1.5)

        folds = r.det_jacobian.min() <= 0 <= r.det_jacobian.max()
        with self.narrate("Where det J reaches zero the map folds or flattens, "
                          "and has no inverse there." if folds else
                          "det J never reaches zero here, so the map "
                          "is invertible near every point."):
            self.wait(3)
