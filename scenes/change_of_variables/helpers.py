"""Pieces shared by the change-of-variables scenes: draws shown as dots inside their bars."""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_DOTS", "bin_heights", "spread"]

MAX_DOTS = 400  # draws drawn as dots in the 1D scenes; the histograms use all of them


def spread(n: int) -> np.ndarray:
    """n fractions in [0.06, 0.94], evenly mixed (golden ratio), for placing dots in bars."""
    return 0.06 + 0.88 * ((np.arange(n) * 0.6180339887498949 + 0.31) % 1.0)


def bin_heights(edges: np.ndarray, heights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Height of the histogram bar each value falls in."""
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(heights) - 1)
    return heights[index]
