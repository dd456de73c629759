"""Densities shared by the sections (a module of its own, so that editing one section's
compute does not re-render another section's clips)."""

from __future__ import annotations

import numpy as np

__all__ = ["normal_pdf"]


def normal_pdf(x: np.ndarray, mean: float | np.ndarray = 0.0, std: float = 1.0) -> np.ndarray:
    """The density of N(mean, std**2) at x (mean may be an array broadcast against x)."""
    z = (np.asarray(x, dtype=float) - mean) / std
    return np.exp(-0.5 * z**2) / (std * np.sqrt(2.0 * np.pi))
