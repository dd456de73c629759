"""Pure pieces of the theme: tick arithmetic, label placement, clipping, bars, the plane view."""

from __future__ import annotations

import numpy as np
import pytest

from scenes.theme.layout import (
    clear_of, distinct_labels, log_range, log_ticks, nice_ceiling, nice_ticks, partial_polyline,
    spaced_ticks, tick_labels, tick_tex,
)
from scenes.theme.plots import bar_points, histogram_points
from scenes.theme.shapes import PlaneView, clip_segments, segment_points


@pytest.mark.parametrize(("value", "expected"), [
    (0.3, 0.5), (0.5, 0.5), (0.51, 1.0), (1.0, 1.0), (1.2, 2.0), (2.1, 2.5), (2.6, 5.0),
    (7.0, 10.0), (1.7e-7, 2e-7), (3e5, 5e5),
])
def test_nice_ceiling_is_the_next_1_2_2p5_5_step(value, expected):
    assert nice_ceiling(value) == pytest.approx(expected)


def test_nice_ticks_round_out_only_when_the_padding_is_small():
    assert nice_ticks(-0.99, 0.99, 5) == (-1.0, 1.0, [-1.0, -0.5, 0.0, 0.5, 1.0])
    low, high, ticks = nice_ticks(0.0, 0.93, 3)
    assert (low, high) == (0.0, 1.0) and ticks == [0.0, 0.5, 1.0]
    low, high, ticks = nice_ticks(0.9, 3.1, 5)  # rounding out would pad by more than 15%
    assert (low, high) == (0.9, 3.1) and ticks == [1.0, 1.5, 2.0, 2.5, 3.0]
    for low, high in [(-3.2, 17.9), (1e-4, 3e-4), (-1000, 1000), (0.5, 0.51)]:
        lo, hi, ticks = nice_ticks(low, high)
        steps = np.diff(ticks)
        assert lo <= low + 1e-12 and hi >= high - 1e-12 and lo <= ticks[0] and ticks[-1] <= hi
        np.testing.assert_allclose(steps, steps[0], rtol=1e-9)
        mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
        assert min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-9


def test_tick_text_and_labels_that_never_read_the_same():
    assert (tick_tex(2.0), tick_tex(0.25), tick_tex(1 / 3)) == ("2", "0.25", "0.333")
    assert tick_labels([0.0, 0.5]) == {0.0: "0", 0.5: "0.5"}
    assert list(distinct_labels([-0.5, 0.0, 0.5]).values()) == ["-0.5", "0", "0.5"]
    labels = list(distinct_labels([999.999, 1000.0, 1000.001]).values())
    assert len(set(labels)) == 3 and labels[1] == "1000"
    assert [float(v) for v in labels] == [999.999, 1000.0, 1000.001]


def test_log_axes_enclose_their_values():
    assert log_range(np.array([12.0, 9999.0])) == (1, 4)
    assert log_range(np.array([1e-3, 0.5])) == (-3, 0)
    assert log_ticks(1, 3) == {1.0: "10^{1}", 2.0: "10^{2}", 3.0: "10^{3}"}


def test_a_sweep_head_ends_part_way_along_the_next_segment():
    xs, ys = np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 10.0, 20.0, 0.0])
    hx, hy = partial_polyline(xs, ys, 1.25)
    np.testing.assert_allclose(hx, [0.0, 1.0, 1.25])
    np.testing.assert_allclose(hy, [0.0, 10.0, 12.5])
    hx, _ = partial_polyline(xs, ys, 3.0)
    np.testing.assert_allclose(hx, xs)
    hx, _ = partial_polyline(xs, ys, 0.0)
    np.testing.assert_allclose(hx, [0.0])


def test_clear_of_a_box_and_of_curves_below_or_above():
    box = (0.0, 1.0, 2.0, 1.5)  # x0, y0, x1, y1
    far = (10.0, 10.0, 11.0, 11.0)
    below = (np.array([-1.0, 3.0]), np.array([0.5, 0.5]), False)
    above = (np.array([-1.0, 3.0]), np.array([2.0, 2.0]), False)
    through = (np.array([-1.0, 3.0]), np.array([0.0, 3.0]), False)
    assert clear_of(box, [below, above], far)
    assert not clear_of(box, [through], far)
    assert not clear_of(box, [(above[0], above[1], True)], far)  # bars must pass below
    assert not clear_of(box, [], (1.9, 1.4, 3.0, 2.0))  # overlaps the box to avoid
    assert not clear_of(box, [], (2.05, 0.0, 3.0, 1.0))  # inside the margin


def test_clipping_keeps_the_part_of_each_segment_inside_the_window():
    starts = np.array([[-2.0, 0.0, 0.0], [0.5, 0.5, 0.0], [3.0, 3.0, 0.0], [-1.0, 2.0, 0.0]])
    ends = np.array([[2.0, 0.0, 0.0], [0.6, 0.6, 0.0], [4.0, 4.0, 0.0], [1.0, 2.0, 0.0]])
    low, high = np.array([-1.0, -1.0]), np.array([1.0, 1.0])
    kept_starts, kept_ends = clip_segments(starts, ends, low, high)
    np.testing.assert_allclose(kept_starts, [[-1, 0, 0], [0.5, 0.5, 0]])
    np.testing.assert_allclose(kept_ends, [[1, 0, 0], [0.6, 0.6, 0]])


def test_segments_are_straight_cubic_curves():
    points = segment_points(np.array([[0.0, 0.0, 0.0]]), np.array([[3.0, 6.0, 0.0]]))
    np.testing.assert_allclose(points, [[0, 0, 0], [1, 2, 0], [2, 4, 0], [3, 6, 0]])


class UnitAxes:
    """Stand-in for Manim axes: plot coordinates are screen coordinates."""

    def c2p(self, xs, ys):
        return np.array([xs, ys, np.zeros_like(xs)])


def test_bars_are_closed_rectangles_from_zero_to_their_height():
    points = bar_points(UnitAxes(), np.array([0.0, 1.0]), np.array([1.0, 3.0]),
                        np.array([2.0, 0.5])).reshape(2, 4, 4, 3)
    anchors = points[:, :, 0, :2]  # start of each edge: anticlockwise from the lower left
    np.testing.assert_allclose(anchors[0], [[0, 0], [1, 0], [1, 2], [0, 2]])
    np.testing.assert_allclose(anchors[1], [[1, 0], [3, 0], [3, 0.5], [1, 0.5]])
    np.testing.assert_allclose(points[:, -1, -1, :2], [[0, 0], [1, 0]])  # closed
    sideways = histogram_points(UnitAxes(), np.array([0.0, 1.0]), np.array([2.0]), True)
    np.testing.assert_allclose(sideways.reshape(4, 4, 3)[:, 0, :2],
                               [[0, 0], [2, 0], [2, 1], [0, 1]])


def test_plane_view_maps_to_the_screen_and_back():
    view = PlaneView(np.array([1.0, -2.0, 0.0]), 0.5)
    screen = view.to_screen(np.array([[2.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(screen, [[2.0, 0.0, 0.0], [1.0, -2.0, 0.0]])
    np.testing.assert_allclose(view.to_plane(screen[0]), [2.0, 4.0])


def test_squares_are_rectangles_around_their_centres():
    from scenes.theme.shapes import rect_points, square_points

    points = square_points(np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]]), 0.5).reshape(2, 4, 4, 3)
    np.testing.assert_allclose(points[0, :, 0, :2], [[0.75, 1.75], [1.25, 1.75], [1.25, 2.25],
                                                     [0.75, 2.25]])
    np.testing.assert_allclose(points[:, -1, -1, :2], [[0.75, 1.75], [-0.25, -0.25]])  # closed
    edge = rect_points(np.zeros(3), np.array([3.0, 1.0, 0.0]))[:4]  # a straight cubic
    np.testing.assert_allclose(edge[:, 0], [0.0, 1.0, 2.0, 3.0])


def test_range_ticks_stay_inside_an_unpadded_range():
    from scenes.theme.layout import range_ticks

    assert range_ticks(0.13, 0.97) == {0.2: "0.2", 0.4: "0.4", 0.6: "0.6", 0.8: "0.8"}
    assert list(range_ticks(-1.0, 1.0)) == [-1.0, -0.5, 0.0, 0.5, 1.0]  # the ends are ticks


def test_spaced_ticks_thin_out_until_their_marks_are_a_gap_apart():
    # 6.6 units for [-2, 4]: five ticks 2 apart lie 2.2 units apart, all kept
    assert spaced_ticks(-2.0, 4.0, 6.6, gap=0.8) == [-2.0, 0.0, 2.0, 4.0]
    # 2.4 units for [-60, 60]: steps of 20 lie 0.4 apart, of 50 lie 1.0 apart
    assert spaced_ticks(-60.0, 60.0, 2.4, gap=0.8) == [-50.0, 0.0, 50.0]
    # no count fits: the coarsest step's ticks are kept
    assert spaced_ticks(0.0, 1.0, 0.1, gap=0.8) == nice_ticks(0.0, 1.0, 2)[2] == [0.0, 1.0]
    for length in (0.5, 1.0, 3.0, 10.0):
        ticks = spaced_ticks(-1.0, 7.0, length, gap=0.8)
        gaps = length * np.diff(ticks) / 8.0
        assert ticks == nice_ticks(-1.0, 7.0, 2)[2] or gaps.min() >= 0.8 - 1e-9, (length, ticks)
