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
