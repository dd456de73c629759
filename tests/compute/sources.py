"""The lecture source's own way of drawing numbers, for tests that compare against it."""

from __future__ import annotations

import numpy as np

__all__ = ["global_rng_draws"]


def global_rng_draws(seed: int, draw):
    """What the source does (``np.random.seed`` then a draw), leaving the global state as it was."""
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        return draw()
    finally:
        np.random.set_state(state)
