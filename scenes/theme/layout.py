"""Pure arithmetic of layout: axis limits and ticks, tick labels, clear spots for labels.

No mobjects here: every function takes and returns numbers, so each is unit-tested
(tests/scenes/test_layout.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scenes.theme.numbers import format_number

__all__ = [
    "MIN_TICK_GAP", "MIN_TICK_GAP_STACKED", "boxes_overlap", "clear_of", "distinct_labels",
    "log_range", "log_ticks", "nice_ceiling", "nice_ticks", "partial_polyline", "range_ticks",
    "spaced_ticks", "tick_labels", "tick_tex", "trace",
]

# Scene units between neighbouring tick marks below which their labels ("-60", "0.25")
# start to run together at LABEL_SIZE: side by side under an x axis, stacked beside a y axis.
MIN_TICK_GAP = 0.8
MIN_TICK_GAP_STACKED = 0.4


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least ``value`` (> 0)."""
    power = 10.0 ** np.floor(np.log10(value))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value * (1 - 1e-12)))


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, list[float]]:
    """Axis limits and about ``count`` ticks at a step of 1, 2 or 5 times a power of ten.

    The limits are rounded out to whole steps when that pads the range by at most 15%,
    so a plot of tanh runs from -1 to 1; otherwise they stay at ``low`` and ``high``.
    """
    raw = (high - low) / max(count - 1, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = min((m * power for m in (1, 2, 5, 10)), key=lambda c: abs(np.log(c / raw)))
    start, stop = np.floor(low / step + 1e-9) * step, np.ceil(high / step - 1e-9) * step
    if stop - start <= 1.15 * (high - low):
        low, high = float(start), float(stop)
    first = np.ceil(low / step - 1e-9) * step
    ticks = [float(round(t, 10)) + 0.0 for t in np.arange(first, high + step * 1e-6, step)]
    return float(low), float(high), ticks


def spaced_ticks(low: float, high: float, length: float, count: int = 5,
                 gap: float = MIN_TICK_GAP) -> list[float]:
    """Ticks of the axis limits [``low``, ``high``] drawn ``length`` scene units long:
    :func:`nice_ticks`'s for the largest count up to ``count`` whose marks lie at least
    ``gap`` apart (those of count 2 when none does), so a thin plot gets fewer labels
    instead of labels that run together."""
    for wanted in range(count, 1, -1):
        ticks = nice_ticks(low, high, wanted)[2]
        if len(ticks) < 2 or length * (ticks[1] - ticks[0]) / (high - low) >= gap:
            return ticks
    return ticks


def tick_tex(value: float) -> str:
    """A tick label (TeX): three significant digits, trailing zeros dropped."""
    return format_number(value, 3)


def tick_labels(values: Sequence[float]) -> dict[float, str]:
    """``{value: tick_tex(value)}`` for each value."""
    return {v: tick_tex(v) for v in values}


def distinct_labels(values: Sequence[float], significant: int = 6) -> dict[float, str]:
    """Tick labels (TeX) for ``values`` to ``significant`` digits, with more where two
    would read the same (999.999 and 1000 at six digits)."""
    for digits in range(significant, 16):
        labels = [format_number(v, digits) for v in values]
        if len(set(labels)) == len(labels):
            break
    return dict(zip(values, labels))


def range_ticks(low: float, high: float, count: int = 4) -> dict[float, str]:
    """About ``count`` round tick values inside ``[low, high]`` (the axis is not padded out
    to them: a heat map spans its grid exactly), labelled so no two read the same."""
    _, _, ticks = nice_ticks(low, high, count)
    slack = 1e-9 * (high - low)
    inside = [t for t in ticks if low - slack <= t <= high + slack]
    return distinct_labels(inside, 3)

def log_ticks(low_exponent: int, high_exponent: int) -> dict[float, str]:
    """Tick labels 10^k for an axis drawn in log10 coordinates."""
    return {float(k): f"10^{{{k}}}" for k in range(low_exponent, high_exponent + 1)}


def log_range(values: np.ndarray) -> tuple[int, int]:
    """The whole powers of ten that enclose positive ``values``: an axis in log10 units."""
    logs = np.log10(values)
    return int(np.floor(logs.min())), int(np.ceil(logs.max()))


def partial_polyline(xs: np.ndarray, ys: np.ndarray, upto: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Points 0..floor(upto), plus the fraction of the next segment: a sweep's head."""
    k = int(np.clip(np.floor(upto), 0, len(xs) - 1))
    frac = upto - k
    head_x, head_y = list(xs[: k + 1]), list(ys[: k + 1])
    if frac > 1e-9 and k + 1 < len(xs):
        head_x.append(xs[k] + frac * (xs[k + 1] - xs[k]))
        head_y.append(ys[k] + frac * (ys[k + 1] - ys[k]))
    return np.array(head_x), np.array(head_y)


def clear_of(box: Sequence[float], curves: Sequence[tuple[np.ndarray, np.ndarray, bool]],
             avoid: Sequence[float], margin: float = 0.08) -> bool:
    """Whether a label's ``box`` (x0, y0, x1, y1) keeps ``margin`` from a box to ``avoid``
    and from every curve.

    Each curve is (xs, ys, filled) in the same units. A filled one (histogram bars) must
    pass wholly below the box; a line may pass below or above it.
    """
    x0, y0, x1, y1 = box
    if boxes_overlap(box, avoid, margin):
        return False
    for xs, ys, filled in curves:
        order = np.argsort(xs)
        xs, ys = np.asarray(xs)[order], np.asarray(ys)[order]
        ends = [x for x in (x0 - margin, x1 + margin) if xs[0] <= x <= xs[-1]]
        span = np.concatenate([ys[(xs >= x0 - margin) & (xs <= x1 + margin)],
                               np.interp(ends, xs, ys)])
        below = np.all(span < y0 - margin)
        if not (below or (not filled and np.all(span > y1 + margin))):
            return False
    return True


def boxes_overlap(a: Sequence[float], b: Sequence[float], margin: float = 0.0) -> bool:
    """The one overlap test: whether boxes ``a`` and ``b`` come closer than ``margin``."""
    return (a[0] < b[2] + margin and b[0] < a[2] + margin
            and a[1] < b[3] + margin and b[1] < a[3] + margin)


def trace(points: np.ndarray, closed: bool = False, spacing: float = 0.04) -> np.ndarray:
    """Screen points along a polyline at most ``spacing`` apart: what a label must miss."""
    points = np.asarray(points, float)[:, :2]
    if closed:
        points = np.vstack([points, points[:1]])
    pieces = [points[:1]]
    for a, b in zip(points[:-1], points[1:]):
        count = max(1, int(np.ceil(np.linalg.norm(b - a) / spacing)))
        pieces.append(a + np.linspace(0, 1, count + 1)[1:, None] * (b - a))
    return np.concatenate(pieces)
