"""08 la_svd_ellipse: the unit circle becomes an ellipse in three moves, V^T, Sigma and U.

``manim -ql scenes/linear_algebra/la_svd_ellipse.py LaSvdEllipse`` renders the defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.linear_algebra.helpers import (
    arrow_points, mapped_points, parked, polyline_segments,
    set_arrow, set_mapped,
)
from scenes.theme.base import LectureScene, Sweep
from scenes.theme.dashes import REFERENCE_DASH, SECOND_ROUTE_DASH, Dash
from scenes.theme.labels import Box, box_of, crowding, place_beyond, place_label, trace
from scenes.theme.numbers import format_number, number_tex
from scenes.theme.palette import (
    FIRST_AXIS, FOREGROUND, GRID, LABEL_SIZE, REFERENCE, SAFE_X, SECOND_AXIS, SECOND_ROUTE,
    TRUTH,
)
from scenes.theme.panel import backed, make_panel, merge_outlines
from scenes.theme.plots import follow
from scenes.theme.shapes import Window, axis_lines, clip_segments, get_segments, grid_lines

__all__ = ["LaSvdEllipse"]

WINDOW = Window(np.array([-SAFE_X, -3.6]), np.array([2.05, 2.0]))
STAGE_CORNER = np.array([2.35, 1.15, 0.0])  # top left of the list of moves
ARC = np.deg2rad(np.linspace(15, 75, 21))  # the orientation arrow, from e1 towards e2
AXIS_COLORS = (FIRST_AXIS, SECOND_AXIS)
SPOT_BUFFS = (0.12, 0.3, 0.5)  # a label's distance from its spot, tried in order


def clear(box: Box, boxes: list[Box], curves: list[np.ndarray]) -> int:
    """What a label in the plane's window runs into (:func:`crowding`, 0.04 around it,
    0.05 inside the window's edge)."""
    return crowding(box, boxes, curves, 0.04, WINDOW, 0.05)


def _degrees(angle: float) -> str:
    degrees = format_number(np.degrees(angle), decimals=1)
    return f"{{{degrees}}}" + r"^\circ"  # braces: a sign, not a minus


def _move_row(head: str, *body: str) -> VMobject:
    """One move of the list: its name, and below it what it does (one or more lines)."""
    lines = VGroup(*[MathTex(line, font_size=LABEL_SIZE) for line in body])
    lines.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
    row = VGroup(MathTex(head, font_size=LABEL_SIZE), lines)
    row[1].next_to(row[0], DOWN, buff=0.12, aligned_edge=LEFT).shift(0.3 * RIGHT)
    return merge_outlines(row)  # one path: it fades in while the plane moves


def _fitting_row(head: str, *choices: tuple[str, ...]) -> VMobject:
    """The first wording of a row that fits the width beside the plane (the last if none)."""
    for body in choices:
        row = _move_row(head, *body)
        if row.width <= SAFE_X - STAGE_CORNER[0]:
            break
    return row


class LaSvdEllipse(LectureScene):
    def construct(self) -> None:
        r = self.result
        s1, s2 = r.singular_values
        singular = s2 == 0
        round_map = bool(np.isclose(s1, s2, rtol=1e-9))

        self.step("The factorisation")
        self.open_with(
            r"A = U\,\Sigma\,V^\top,\qquad \|A\|_2 = \sigma_1,\qquad "
            r"\kappa(A) = \sigma_1 / \sigma_2",
            "Any 2x2 matrix: a turn (or a flip), a stretch, a turn.",
            run_time=1.5)

        # Every moving figure is fixed plane geometry carried by matrix(): the three moves
        # (staged_map) first, then the whole map at once (direct_map).
        self.step("The plane, the unit circle and the basis vectors")
        view = WINDOW.view(max(1.0, s1))
        to_screen, origin = view.to_screen, view.origin
        grid = grid_lines(WINDOW, view)
        arc_points = 0.5 * np.column_stack([np.cos(ARC), np.sin(ARC)])
        # The three moves are checkpoints 1..3 of one sweep; the whole map then runs 0..1.
        moves, path = Sweep(4), {"map": r.staged_map}

        def matrix() -> np.ndarray:
            return path["map"](moves.position)

        def carried(mobject: VMobject, segments, clip: bool = False,
                    dash: Dash | None = None) -> VMobject:
            """Plane geometry carried by matrix(), every frame (dashed on screen)."""
            return follow(mobject, lambda: mapped_points(segments, matrix(), view,
                                                         WINDOW if clip else None, dash),
                          bezier=True)

        def follow_arrow(mobject: VMobject, tail_head, **style) -> VMobject:
            """An arrow between two plane points, redrawn in screen space (tips keep shape)."""
            return follow(mobject, lambda: arrow_points(*to_screen(tail_head @ matrix().T),
                                                        **style))

        backdrop = set_mapped(get_segments(REFERENCE, 1, 0.35), grid, np.eye(2), view, WINDOW)
        moving_grid = carried(get_segments(GRID, 1.5, 0.8), grid, clip=True)
        moving_axes = carried(get_segments(FOREGROUND, 2.5), axis_lines(grid), clip=True)
        reference = set_mapped(get_segments(REFERENCE, 2), polyline_segments(r.circle),
                               np.eye(2), view, dash=REFERENCE_DASH)
        disc = carried(VMobject(fill_color=TRUTH, fill_opacity=0.2, stroke_color=TRUTH,
                               stroke_width=3), polyline_segments(r.circle))
        basis = VGroup(*[follow_arrow(VMobject(fill_color=FOREGROUND, fill_opacity=1, stroke_width=0),
                                      np.array([[0.0, 0.0], e])) for e in np.eye(2)])

        def tip_corners() -> np.ndarray:
            """A tip of fixed size at the arc's end, pointing along its last step."""
            a, b = to_screen(arc_points[-2:] @ matrix().T)
            step = np.linalg.norm(b - a)
            back = (b - a) / step * 0.2 if step > 1e-9 else np.zeros(3)
            return arrow_points(b - back, b, width=0.0, tip_length=0.2, tip_width=0.2)

        tip = VMobject(fill_color=FOREGROUND, fill_opacity=1, stroke_width=0)
        turn = VGroup(carried(VMobject(stroke_color=FOREGROUND, stroke_width=4),
                              polyline_segments(arc_points, closed=False)),
                      follow(tip, tip_corners))
        names = VGroup()
        for i in range(2):
            name = MathTex(f"e_{i + 1}", font_size=LABEL_SIZE)
            backed(name)

            def keep_at_tip(m: Mobject, i: int = i) -> None:
                """Beyond the tip, turned away from the other arrow: off both axis lines.
                Tips that (nearly) meet, as when A crushes the plane, get opposite sides."""
                tips = matrix().T
                units = [v / n if (n := np.linalg.norm(v)) > 1e-9 else e
                         for v, e in zip(tips, np.eye(2))]
                direction = units[i] - 0.8 * units[1 - i]
                if np.linalg.norm(to_screen(tips[0])[0] - to_screen(tips[1])[0]) < 0.6:
                    direction = (1 - 2 * i) * np.array([-units[0][1], units[0][0]])
                place_beyond(m, to_screen(tips[i])[0], direction, buff=0.08)

            names.add(name.add_updater(keep_at_tip).update())
        with self.narrate("The plane with its grid, the unit circle, and the basis "
                          "vectors e1 and e2."):
            self.play(FadeIn(backdrop), Create(moving_grid), Create(moving_axes), run_time=1.2)
            self.play(FadeIn(reference), FadeIn(disc), FadeIn(basis), FadeIn(names),
                      FadeIn(turn), run_time=1.2)
            self.wait(1)

        self.step("The right singular vectors")
        diameters = VGroup(*[carried(get_segments(color, 5), (-r.Vt[i:i + 1], r.Vt[i:i + 1]),
                                     dash=REFERENCE_DASH)
                             for i, color in enumerate(AXIS_COLORS)])
        circle_trace = trace(to_screen(r.circle), closed=True)
        start_curves = [circle_trace, *(trace(to_screen(np.array(line))) for line in (
            *zip(*axis_lines(grid)), ([0, 0], [1, 0]), ([0, 0], [0, 1])))]
        v_names = VGroup()
        for i, color in enumerate(AXIS_COLORS):
            name = MathTex(f"v_{i + 1}", font_size=LABEL_SIZE, color=color)
            backed(name)
            spots = []
            for sign in (1, -1):
                x, y = sign * r.Vt[i]
                spots += [(to_screen(sign * r.Vt[i])[0], np.array([x - k * y, y + k * x, 0]))
                          for k in (0.0, 0.8, -0.8)]
            named = [box_of(n) for n in (*names, *v_names)]
            place_label(name, spots, lambda box: clear(box, named, start_curves), SPOT_BUFFS,
                        "first")
            v_names.add(name)
        with self.narrate(
                "sigma1 = sigma2: A stretches every direction alike; any v1, v2 will do."
                if round_map else
                "v1 and v2: the input directions that A stretches the most and the least."), \
                parked(moving_grid, moving_axes, disc, basis, turn, names, diameters):
            self.play(Create(diameters), FadeIn(v_names), run_time=1.2)
            self.wait(1.3)

        self.step("The three moves, one after the other")
        vt_move = (rf"\text{{flip across the }}{_degrees(r.Vt_angle)}\text{{ line}}"
                   if r.Vt_reflects else rf"\text{{turn by }}{_degrees(r.Vt_angle)}")
        rows = VGroup(
            _move_row(r"1.\ V^\top", vt_move),
            _fitting_row(r"2.\ \Sigma",
                         (r"\text{stretch by }" + number_tex(s1, 4) + r",\ " + number_tex(s2, 4),),
                         (r"\text{stretch by }" + number_tex(s1, 4) + ",",
                          r"\text{and }" + number_tex(s2, 4))),
            _move_row(r"3.\ U", r"\text{turn by }" + _degrees(r.U_angle)),
            _move_row(r"A = U \Sigma V^\top", r"\text{all at once}"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3).move_to(STAGE_CORNER, aligned_edge=UL)
        lines = [
            "V^T is a flip: the plane folds flat and turns over; e1 and e2 swap sides."
            if r.Vt_reflects else
            "First V^T turns the plane so that v1 and v2 lie along the axes.",
            "Sigma stretches x1 by sigma1 and crushes x2 to zero: sigma2 = 0."
            if singular else
            "Sigma stretches along the axes: by sigma1 along x1, by sigma2 along x2.",
            "Then U turns the stretched plane into place. That is A.",
        ]
        with parked(moving_grid, moving_axes, disc, basis, turn, names, diameters):
            self.play(FadeOut(v_names), run_time=0.5)
        for step, line in enumerate(lines):
            with self.narrate(line):
                self.play(FadeIn(rows[step], shift=0.1 * RIGHT),
                          moves.to(step + 1), run_time=2)
                self.wait(1.8)

        # The three-move ellipse stays as the target.
        self.step("The same A as one move")
        target = disc.copy().clear_updaters()
        one_move = carried(VMobject(stroke_color=SECOND_ROUTE, stroke_width=4),
                          polyline_segments(r.circle), dash=SECOND_ROUTE_DASH)
        again = VGroup(moving_grid, moving_axes, basis, turn, names)
        self.add(target)
        self.play(FadeOut(again), FadeOut(diameters), FadeOut(disc), run_time=0.6)
        path["map"] = r.direct_map
        moves.tracker.set_value(0.0)
        for mover in (*again, one_move):
            mover.update()
        with self.narrate("The same A in one move: the dashed circle lands on the same "
                          "ellipse."):
            self.play(FadeIn(again), FadeIn(one_move), FadeIn(rows[3], shift=0.1 * RIGHT),
                      run_time=0.6)
            self.play(moves.to(1.0), run_time=2.2)
            self.wait(1.6)
        self.freeze_movers()

        self.step("The semi-axes sigma_i u_i and the numbers")
        ends = to_screen(r.principal_axes)
        images = to_screen(r.A.T)  # A e1, A e2
        curves = [circle_trace, trace(to_screen(r.ellipse), closed=True),
                  trace(to_screen(arc_points @ r.A.T))]
        curves += [trace(np.array([origin, end])) for end in (*ends, *images)]
        axis_starts, axis_ends = axis_lines(grid)
        curves += [trace(np.array(line)) for line in zip(*clip_segments(
            to_screen(axis_starts @ r.A.T), to_screen(axis_ends @ r.A.T), WINDOW.low,
            WINDOW.high))]
        drawn = [i for i in range(2) if np.linalg.norm(ends[i] - origin) > 1e-6]
        axes_arrows, axis_names, boxes = VGroup(), VGroup(), [box_of(row) for row in rows]
        for i in drawn:
            axes_arrows.add(set_arrow(VMobject(fill_color=AXIS_COLORS[i], fill_opacity=1,
                                               stroke_width=0), origin, ends[i]))
            name = MathTex(rf"\sigma_{i + 1} u_{i + 1}", font_size=LABEL_SIZE,
                           color=AXIS_COLORS[i])
            backed(name, 0.85)
            along = ends[i] - origin
            across = np.array([-along[1], along[0], 0.0])
            middle = (origin + ends[i]) / 2
            place_label(name, [(ends[i], along), (middle, across), (middle, -across),
                               (ends[i], across), (ends[i], -across), (ends[i], -along)],
                        lambda box: clear(box, boxes, curves), SPOT_BUFFS, "first")
            boxes.append(box_of(name))
            axis_names.add(name)
        relabel = []  # e_i becomes A e_i where a clear spot is found, else fades
        for i in range(2):
            name = MathTex(f"Ae_{i + 1}", font_size=LABEL_SIZE).set_opacity(0.7)
            backed(name)
            along = images[i] - origin
            across = np.array([-along[1], along[0], 0.0])
            if np.linalg.norm(along) > 1e-6 and place_label(
                    name, [(images[i], across), (images[i], -across), (images[i], along),
                           (images[i], across + along), (images[i], along - across)],
                    lambda box: clear(box, boxes, curves), SPOT_BUFFS):
                boxes.append(box_of(name))
                relabel.append(ReplacementTransform(names[i], name))
            else:
                relabel.append(FadeOut(names[i]))
        panel = make_panel([
            (r"\|A\|_2 = \sigma_1", r.spectral_norm, 4),
            (r"\sigma_2", float(s2), 4),
            (r"\kappa(A)", r.condition_number, 4),
            (r"\det A", r.determinant, 4),
        ])
        with self.narrate("Its semi-axes are sigma1 u1 and sigma2 u2: the singular "
                          "values, drawn." if not singular else
                          "One semi-axis is left, sigma1 u1; the other, sigma2 u2, is zero."):
            self.play(FadeOut(one_move), basis.animate.set_opacity(0.5),
                      *relabel,
                      GrowFromPoint(axes_arrows, origin), FadeIn(axis_names), run_time=1.2)
            self.wait(1.5)
        with self.narrate("The longest semi-axis is the spectral norm; kappa = "
                          "sigma1/sigma2 is how uneven." if not singular else
                          "The circle is now a segment: A has no inverse, and kappa is "
                          "infinite."):
            self.play(FadeIn(panel), run_time=1)
            self.wait(2)
        if r.determinant < 0:
            with self.narrate("det A < 0: the turn arrow now runs clockwise, "
                              "so A flips the plane."):
                self.play(Indicate(turn, color=TRUTH), run_time=1)
                self.wait(1.5)
        self.wait(1.5)
