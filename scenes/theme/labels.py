"""The one label placer: try spots beside a point, keep the first where the label runs into
nothing, with one overlap test (boxes, traced curves, the window's edge).

A spot is a screen point and a direction (any angle, not only the eight of ``next_to``);
the label's box touches the point's ``buff`` circle on that side (:func:`place_beyond`).
Each caller says what the label must miss by the ``conflicts`` it passes, usually
:func:`crowding`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Mobject

from scenes.theme.layout import boxes_overlap, trace

__all__ = [
    "COMPASS", "Box", "box_of", "boxes_overlap", "crowding", "place_beyond", "place_label",
    "trace",
]

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 on screen

COMPASS = [np.array([np.cos(a), np.sin(a), 0.0])
           for a in np.linspace(0, 2 * np.pi, 8, endpoint=False)]
"""The eight compass directions, east first: spots to try when no side is preferred."""


def box_of(mobject: Mobject, pad: float = 0.0) -> Box:
    """(x0, y0, x1, y1) of a mobject's bounding box, grown by ``pad``."""
    low, high = mobject.get_corner(DOWN + LEFT), mobject.get_corner(UP + RIGHT)
    return low[0] - pad, low[1] - pad, high[0] + pad, high[1] + pad


def crowding(box: Box, boxes: Sequence[Box] = (), curves: Sequence[np.ndarray] = (),
             margin: float = 0.0, window: object | None = None, inset: float = 0.0) -> int:
    """How many things a label's ``box``, grown by ``margin``, runs into: each box it
    overlaps, each traced curve (:func:`trace`) with a point inside it, and the edge of
    ``window`` (a :class:`~scenes.theme.shapes.Window`) if it is not ``inset`` inside."""
    x0, y0, x1, y1 = grown = (box[0] - margin, box[1] - margin, box[2] + margin,
                              box[3] + margin)
    count = 0 if window is None or window.inside(grown, inset) else 1
    count += sum(boxes_overlap(grown, other) for other in boxes)
    return count + sum(bool(np.any((c[:, 0] > x0) & (c[:, 0] < x1) & (c[:, 1] > y0)
                                   & (c[:, 1] < y1))) for c in curves)


def place_beyond(label: Mobject, point: np.ndarray, direction: np.ndarray,
                 buff: float = 0.12) -> Mobject:
    """Put ``label`` just past ``point`` along ``direction``: its box touches the point's
    ``buff`` circle on that side."""
    d = np.asarray(direction, float)[:2]
    norm = float(np.linalg.norm(d))
    d = d / norm if norm > 1e-12 else np.array([1.0, 0.0])
    reach = buff + abs(d[0]) * label.width / 2 + abs(d[1]) * label.height / 2
    label.move_to(np.append(np.asarray(point, float)[:2] + reach * d, 0.0))
    return label


def place_label(label: Mobject, spots: Sequence[tuple[np.ndarray, np.ndarray]],
                conflicts: Callable[[Box], int], buffs: Sequence[float] = (0.12,),
                fallback: str | None = None) -> Mobject | None:
    """Place ``label`` at the first spot (point, direction), each tried at ``buffs`` in
    order, where ``conflicts(box_of(label))`` is zero, and return it. With no clear spot:
    ``fallback=None`` returns None, ``"first"`` puts the label at the first spot (a label
    that must be shown), ``"fewest"`` at the spot with the fewest conflicts."""
    best, fewest = None, None
    for point, direction in spots:
        for buff in buffs:
            found = conflicts(box_of(place_beyond(label, point, direction, buff)))
            if found == 0:
                return label
            if fewest is None or found < fewest:
                best, fewest = (point, direction, buff), found
    if fallback is None:
        return None
    return place_beyond(label, *(best if fallback == "fewest" else (*spots[0], buffs[0])))
