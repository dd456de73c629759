"""The plot box maps data to screen as its corners say; backed labels keep their glyphs in
front; a followed outline is re-set from its tracker; a huge live panel value is scaled."""

from __future__ import annotations

import numpy as np
from manim import MathTex, ValueTracker, VMobject

from scenes.theme.panel import backed, merge_outlines, scaled_row
from scenes.theme.plots import AXIS_STYLE, follow, plot_box


def test_plot_box_puts_the_data_corners_on_the_box_corners():
    axes = plot_box([-2.0, 6.0], [10.0, 12.0], 4.0, 1.0, np.array([1.0, -3.0, 0.0]))
    np.testing.assert_allclose(axes.c2p(-2.0, 10.0), [1.0, -3.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(axes.c2p(6.0, 12.0), [5.0, -2.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(axes.c2p(2.0, 11.5), [3.0, -2.25, 0.0], atol=1e-12)
    assert axes.x_axis.get_stroke_width() == AXIS_STYLE["stroke_width"]


def test_backed_puts_the_rectangle_behind_the_glyphs():
    tex = MathTex("x_1")
    assert backed(tex) is tex and tex.submobjects[0].get_fill_opacity() == 0.8
    merged = merge_outlines(MathTex("x_1"))
    group = backed(merged, 0.7, 0.04)
    assert group[1] is merged and group[0].get_fill_opacity() == 0.7  # drawn first: behind
    np.testing.assert_allclose(group[0].width, merged.width + 0.08, atol=1e-9)


def test_follow_re_sets_the_outline_from_the_tracker():
    tracker = ValueTracker(1.0)
    square = follow(VMobject(), lambda: tracker.get_value() * np.array(
        [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 0, 0]], dtype=float))
    np.testing.assert_allclose(square.width, 1.0)
    tracker.set_value(3.0)
    square.update()
    np.testing.assert_allclose((square.width, square.height), (3.0, 3.0))


def test_scaled_row_divides_a_huge_value_by_its_power_of_ten():
    label, getter, decimals = scaled_row("f(x)", np.array([-2.0e12, 5.0e11]), lambda: 3.0e12, 2)
    assert label == r"f(x)\,/\,10^{12}" and decimals == 2
    np.testing.assert_allclose(getter(), 3.0)
    assert scaled_row("f(x)", np.array([1.0, 99.0]), lambda: 7.0, 2)[0] == "f(x)"


def test_panel_labels_end_at_one_x_a_row_step_apart():
    from manim import RIGHT

    from scenes.theme.palette import SAFE_X, SAFE_Y
    from scenes.theme.panel import PANEL_ROW_STEP, PANEL_TOP_GAP, PANEL_WIDTH, panel_label_place

    short, wide = MathTex("x ="), MathTex(r"\textstyle\int p(x,z)\,dx =")
    width = max(short.width, wide.width)
    panel_label_place(short, width, 0)
    panel_label_place(wide, width, 3)
    np.testing.assert_allclose([short.get_edge_center(RIGHT)[0], wide.get_edge_center(RIGHT)[0]],
                               SAFE_X - PANEL_WIDTH + width, atol=1e-9)
    np.testing.assert_allclose([short.get_y(), wide.get_y()],
                               [SAFE_Y - PANEL_TOP_GAP, SAFE_Y - PANEL_TOP_GAP - 3 * PANEL_ROW_STEP],
                               atol=1e-9)


def test_make_plot_hangs_from_its_corner_and_its_window_maps_and_clips():
    from scenes.theme.plots import make_plot, window_curve_points

    axes, drawn, window = make_plot([0.0, 4.0], [0.0, 2.0], "x", "y", -3.0, 2.0, 4.0, 2.0,
                                    pad=None)
    np.testing.assert_allclose(window.to_screen([0.0, 4.0, 1.0], [0.0, 2.0, 0.5]),
                               [[-3.0, 0.0, 0.0], [1.0, 2.0, 0.0], [-2.0, 0.5, 0.0]], atol=1e-9)
    np.testing.assert_allclose(window.units(), [1.0, 1.0])
    np.testing.assert_allclose(window.clip_y([-5.0, 1.0, 9.0]), [0.0, 1.0, 2.0])
    # The two axis lines meet at the lower-left corner; tick labels sit left of and below it.
    np.testing.assert_allclose(drawn[0].get_corner(np.array([-1, -1, 0]))[:2], [-3.0, 0.0],
                               atol=1e-9)
    assert drawn[1].get_left()[0] < -3.0 and drawn[1].get_bottom()[1] < 0.0
    # A line from (-1, 1) to (5, 1) is cut where it leaves x in [0, 4]: screen x -3 .. 1.
    points = window_curve_points(window, [-1.0, 5.0], [1.0, 1.0])
    np.testing.assert_allclose([points[0], points[-1]], [[-3.0, 1.0, 0.0], [1.0, 1.0, 0.0]],
                               atol=1e-8)


def test_fit_right_of_moves_the_plots_right_by_the_overflow_of_their_labels():
    from scenes.theme.plots import fit_right_of, make_plot

    def build(left):
        return make_plot([0.0, 1.0], [-123456.0, 654321.0], "x", "f(x)", left, 2.0, 5.0 - left,
                         2.0)

    first = build(-6.0)
    assert first[1][1].get_left()[0] < -6.0  # wide tick labels stick out
    axes, drawn, _ = fit_right_of(-6.0, -6.0, build)
    np.testing.assert_allclose(drawn[1].get_left()[0], -6.0, atol=1e-6)
    np.testing.assert_allclose(axes.c2p(1.0, 0.0)[0], 5.0, atol=1e-9)  # right edge kept
    pair = fit_right_of(-6.0, -6.0, lambda left: (build(left), build(left)))
    np.testing.assert_allclose(pair[1][1][1].get_left()[0], -6.0, atol=1e-6)
    np.testing.assert_allclose(fit_right_of(-9.0, -6.0, build)[0].c2p(0.0, 0.0)[0], -6.0)  # kept


def test_tick_rows_and_columns_sit_under_and_left_of_their_values():
    from manim import LEFT

    from scenes.theme.plots import tick_column, tick_row

    axes = plot_box([0.0, 10.0], [0.0, 1.0], 5.0, 2.0, np.array([-2.0, -1.0, 0.0]))
    row = tick_row(axes, {0.0: "0", 10.0: "10"}, 0.0, 0.15)
    np.testing.assert_allclose([t.get_x() for t in row], [-2.0, 3.0], atol=1e-9)
    np.testing.assert_allclose([t.get_edge_center(np.array([0, 1, 0]))[1] for t in row], -1.15)
    column = tick_column(axes, {0.5: "0.5"}, 0.0)
    np.testing.assert_allclose(column[0].get_edge_center(-LEFT)[:2], [-2.12, 0.0], atol=1e-9)


def test_a_window_holds_boxes_and_its_grid_covers_it_at_any_turn():
    from scenes.theme.shapes import Window, axis_lines, grid_lines

    window = Window(np.array([-4.0, -2.0]), np.array([2.0, 2.0]))
    np.testing.assert_allclose(window.center, [-1.0, 0.0, 0.0])
    assert window.inside((-3.9, -1.9, 1.9, 1.9)) and not window.inside((-3.9, -1.9, 1.9, 1.9), 0.2)
    view = window.view(2.0)  # a disc of radius 2.5 plane units just fits the half-height 2
    np.testing.assert_allclose(view.unit, 2.0 / 2.5)
    starts, ends = grid_lines(window, view)
    half = window.plane_half(view)
    corner_reach = np.linalg.norm(half)  # any turn of the window's corners stays inside
    assert np.all(np.abs(np.concatenate([starts, ends])).max(axis=0) >= corner_reach)
    steps = np.diff(np.unique(starts[:, 0]))
    np.testing.assert_allclose(steps, steps[0])  # one round step
    axis_starts, axis_ends = axis_lines((starts, ends))
    on_zero = (axis_starts == 0) & (axis_ends == 0)  # x = 0 (vertical) and y = 0 (horizontal)
    assert sorted(map(tuple, on_zero.tolist())) == [(False, True), (True, False)]


def test_one_panel_holds_live_fixed_huge_infinite_and_tex_rows():
    from manim import LEFT as L

    from scenes.theme.numbers import format_number
    from scenes.theme.palette import SAFE_X
    from scenes.theme.panel import PANEL_WIDTH, Readout, make_panel

    tracker = ValueTracker(1.25)
    rows = [("a", tracker.get_value, 2), ("b", 1.5, 2), ("c", float("inf"), 2),
            ("d", 1.0e20, 2), ("v", r"\begin{pmatrix}1\\2\end{pmatrix}", 0)]
    labels, values = make_panel(rows)
    assert [v.text for v in values[:2]] == ["1.25", "1.50"]
    assert values[0].updaters and not values[1].updaters  # live re-read, fixed drawn once
    tracker.set_value(-3.0)
    values[0].update()
    assert values[0].text == "-3.00"
    assert not isinstance(values[2], Readout) and values[2].tex_string == format_number(
        float("inf"), 4, decimals=2)
    assert r"\times" in values[3].tex_string and values[4].tex_string == rows[4][1]
    label_width = max(MathTex(label + " =", font_size=values[4].font_size).width
                      for label, _, _ in rows)
    np.testing.assert_allclose([v.get_edge_center(L)[0] for v in values[1:]],
                               SAFE_X - PANEL_WIDTH + label_width + 0.15, atol=1e-6)
    by_row = make_panel(rows[1:], first_row=2, by_row=True)
    assert len(by_row) == 4 and all(row.has_points() and not row.submobjects for row in by_row)
    from scenes.theme.palette import SAFE_Y
    from scenes.theme.panel import PANEL_ROW_STEP, PANEL_TOP_GAP

    np.testing.assert_allclose(by_row[0].get_y(), SAFE_Y - PANEL_TOP_GAP - 2 * PANEL_ROW_STEP,
                               atol=0.05)
    assert labels.has_points() and labels.text_parts[0][0] == "a ="


def test_follow_with_bezier_points_and_a_sweep_moved_by_to():
    from scenes.theme.base import Sweep
    from scenes.theme.shapes import segment_points

    sweep = Sweep(2)  # a morph from 0 to 1

    def points():
        top = 1.0 + sweep.position
        return segment_points(np.array([[0.0, 0.0, 0.0]]), np.array([[top, top, 0.0]]))

    segment = follow(VMobject(), points, bezier=True)
    np.testing.assert_allclose(segment.points, points())  # set as given, not as corners
    animation = sweep.to(1.0).build()  # what Scene.play builds
    animation.begin()
    animation.interpolate(1.0)
    assert sweep.position == 1.0 and sweep.index() == 1
    segment.update()
    np.testing.assert_allclose(segment.get_corner(np.array([1, 1, 0]))[:2], [2.0, 2.0])
    empty = follow(VMobject(), lambda: np.zeros((0, 3)), bezier=True)
    assert not empty.has_points()
