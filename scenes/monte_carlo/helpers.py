"""Pieces shared by the Monte Carlo scenes: plots over checkpoints on a log scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import VGroup

from scenes.theme.layout import log_range, log_ticks
from scenes.theme.plots import PlotAxes, make_axes

__all__ = ["checkpoint_axes"]


def checkpoint_axes(n: np.ndarray, y_range: Sequence[float], y_label: str,
                    y_ticks: dict[float, str], center: np.ndarray) -> tuple[PlotAxes, VGroup]:
    """Axes with the checkpoints ``n`` along x in log10 units (ticks 10^k)."""
    lo_n, hi_n = log_range(n)
    return make_axes([lo_n, hi_n], y_range, "N", y_label, log_ticks(lo_n, hi_n), y_ticks,
                     center)
