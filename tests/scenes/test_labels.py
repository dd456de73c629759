"""The one label placer: the first clear spot wins, else the fallback the caller chose;
the one overlap test counts what a label's box runs into."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Square

from scenes.theme.labels import box_of, crowding, place_beyond, place_label
from scenes.theme.layout import boxes_overlap, clear_of, trace
from scenes.theme.shapes import Window


def test_boxes_overlap_only_when_closer_than_the_margin():
    a = (0.0, 0.0, 1.0, 1.0)
    assert boxes_overlap(a, (0.5, 0.5, 2.0, 2.0))
    assert not boxes_overlap(a, (1.0, 0.0, 2.0, 1.0))  # touching edges do not overlap
    assert not boxes_overlap(a, (1.1, 0.0, 2.0, 1.0), 0.05)
    assert boxes_overlap(a, (1.1, 0.0, 2.0, 1.0), 0.15)
    # the same test decides clear_of's box to avoid
    assert not clear_of(a, [], (1.1, 0.0, 2.0, 1.0), margin=0.15)


def test_place_beyond_touches_the_buff_circle_on_any_side():
    square = Square(1.0)
    place_beyond(square, np.array([1.0, 2.0, 0.0]), RIGHT, 0.2)
    np.testing.assert_allclose(square.get_center(), [1.7, 2.0, 0.0])
    place_beyond(square, np.zeros(3), UP + RIGHT, 0.0)  # a diagonal: reach (w + h) / 2 / sqrt 2
    np.testing.assert_allclose(square.get_center()[:2], [0.5, 0.5])


def test_crowding_counts_boxes_curves_and_the_window_edge():
    box = (0.0, 0.0, 1.0, 1.0)
    curve = trace(np.array([[-1.0, 0.5], [2.0, 0.5]]))  # crosses the box
    far = trace(np.array([[-1.0, 3.0], [2.0, 3.0]]))
    window = Window(np.array([-2.0, -2.0]), np.array([1.05, 2.0]))
    assert crowding(box) == 0
    assert crowding(box, [(0.9, 0.9, 2.0, 2.0), (5.0, 5.0, 6.0, 6.0)], [curve, far]) == 2
    assert crowding(box, window=window) == 0
    assert crowding(box, window=window, inset=0.1) == 1  # 0.05 from the right edge
    assert crowding(box, [(1.05, 0.0, 2.0, 1.0)], margin=0.1) == 1


def test_place_label_takes_the_first_clear_spot_else_its_fallback():
    wall = (0.3, -1.0, 3.0, 1.0)  # everything right of the point is taken

    def conflicts(box):
        return crowding(box, [wall])

    spots = [(np.zeros(3), RIGHT), (np.zeros(3), UP), (np.zeros(3), LEFT)]
    label = Square(0.5)
    assert place_label(label, spots, conflicts) is label
    np.testing.assert_allclose(label.get_center(), [0.0, 0.37, 0.0])  # UP: buff 0.12 + 0.25
    blocked = [(np.zeros(3), RIGHT), (np.array([1.0, 0.0, 0.0]), DOWN)]
    assert place_label(label, blocked, conflicts) is None
    place_label(label, blocked, conflicts, fallback="first")
    np.testing.assert_allclose(label.get_center(), [0.37, 0.0, 0.0])
    # Further out, below the wall, DOWN is clear: the buffs are tried before the next spot.
    assert place_label(label, blocked, conflicts, (0.12, 1.5)) is label
    np.testing.assert_allclose(label.get_center(), [1.0, -1.75, 0.0])
    # None clear: RIGHT meets the wall and the box below-left, DOWN only the wall.
    corner = (-1.0, -1.0, 0.5, 0.0)
    place_label(label, blocked, lambda box: crowding(box, [wall, corner]), fallback="fewest")
    np.testing.assert_allclose(label.get_center(), [1.0, -0.37, 0.0])
    np.testing.assert_allclose(box_of(label, 0.1), (0.65, -0.72, 1.35, -0.02))
