"""Dashes measured on screen: every whole dash of a meaning has its length along the curve,
every gap its gap, on a bent curve sampled unevenly and on a curve cut by a window."""

from __future__ import annotations

import numpy as np
import pytest

from scenes.theme.dashes import (
    GUIDE_DASH, REFERENCE_DASH, SECOND_ORDER_DASH, SECOND_ROUTE_DASH, Dash, dash_segments,
    dashed_points, stroke_points,
)
from scenes.linear_algebra.helpers import mapped_points, polyline_segments
from scenes.theme.shapes import PlaneView, segment_points


def subpaths(bezier: np.ndarray) -> list[np.ndarray]:
    """The drawn strokes: runs of straight cubic pieces whose ends meet, as corner lists."""
    curves = bezier.reshape(-1, 4, 3)
    runs, run = [], [curves[0, 0], curves[0, 3]]
    for previous, curve in zip(curves[:-1], curves[1:]):
        if np.allclose(previous[3], curve[0], atol=1e-12):
            run.append(curve[3])
        else:
            runs.append(np.array(run))
            run = [curve[0], curve[3]]
    runs.append(np.array(run))
    return runs


def arc_length(points: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


@pytest.mark.parametrize("dash", [SECOND_ROUTE_DASH, REFERENCE_DASH, GUIDE_DASH,
                                  SECOND_ORDER_DASH, Dash(0.5, 0.25)])
def test_dashes_on_a_bent_unevenly_sampled_curve_have_their_length(dash):
    t = np.sort(np.random.default_rng(0).uniform(0, 2 * np.pi, 300))
    curve = np.stack([t, np.sin(2 * t), np.zeros_like(t)], axis=1)
    strokes = subpaths(dashed_points(curve, dash))
    lengths = np.array([arc_length(s) for s in strokes])
    np.testing.assert_allclose(lengths[:-1], dash.length, rtol=1e-9)
    assert lengths[-1] <= dash.length + 1e-12
    # Each stroke starts a whole period along the curve from the last: the gaps are equal.
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(curve, axis=0), axis=1))])
    assert len(strokes) == int(np.ceil(along[-1] / dash.period - 1e-9))
    at = np.arange(len(strokes)) * dash.period
    expected = np.stack([np.interp(at, along, curve[:, k]) for k in range(3)], axis=1)
    np.testing.assert_allclose([stroke[0] for stroke in strokes], expected, atol=1e-12)


def test_a_clipped_curve_keeps_its_pattern_across_the_cut():
    dash = Dash(0.3, 0.2)
    starts = np.array([[0.0, 0.0, 0.0], [5.0, 1.0, 0.0]])
    ends = np.array([[0.4, 0.0, 0.0], [5.6, 1.0, 0.0]])  # 0.4 long, then 0.6 long
    strokes = subpaths(dash_segments(starts, ends, dash))
    # On [0, 0.3], off to 0.5 (0.1 into the second piece), on [0.5, 0.8], off, on [1.0, 1.0].
    np.testing.assert_allclose([s[0][:2] for s in strokes], [[0.0, 0.0], [5.1, 1.0]])
    np.testing.assert_allclose([arc_length(s) for s in strokes], [0.3, 0.3])


def test_nothing_to_dash_gives_no_points():
    assert dashed_points(np.zeros((1, 3)), GUIDE_DASH).shape == (0, 3)
    assert dashed_points(np.zeros((3, 3)), GUIDE_DASH).shape == (0, 3)


def test_a_figure_carried_by_a_map_is_dashed_on_screen():
    """A circle stretched 3 times along x, shown at 1.5 screen units per plane unit: its
    dashes keep the meaning's screen length, and a solid stroke is the plain segments."""
    angles = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    stretch = np.diag([3.0, 1.0])
    view = PlaneView(np.array([0.5, -0.25, 0.0]), 1.5)
    strokes = subpaths(mapped_points(polyline_segments(circle), stretch, view,
                                     dash=REFERENCE_DASH))
    lengths = np.array([arc_length(s) for s in strokes])
    np.testing.assert_allclose(lengths[:-1], REFERENCE_DASH.length, rtol=1e-9)
    ellipse = view.to_screen(np.vstack([circle, circle[:1]]) @ stretch.T)
    assert len(strokes) == int(np.ceil(arc_length(ellipse) / REFERENCE_DASH.period - 1e-9))
    starts, ends = ellipse[:-1], ellipse[1:]
    np.testing.assert_array_equal(stroke_points(starts, ends), segment_points(starts, ends))
    assert stroke_points(starts[:0], ends[:0], REFERENCE_DASH).shape == (0, 3)
