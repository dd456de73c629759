"""The lecture generator. From Python: ``from lecture import render, preview, scenes`` (lecture.api)."""

from __future__ import annotations

__all__ = ["BadInput", "Clip", "preview", "render", "scenes"]


def __getattr__(name: str):
    """Load the Python API on first use, so ``python -m lecture.worker`` stays light."""
    if name in __all__:
        from lecture import api

        return getattr(api, name)
    raise AttributeError(f"module 'lecture' has no attribute {name!r}")
