"""Helpers shared by the compute modules: result fields and their JSON keyframes."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

__all__ = ["internal", "keyframes"]


def internal() -> Any:
    """A result field the scene uses but the sidecar leaves out (raw samples, meshes)."""
    return dataclasses.field(metadata={"keyframe": False}, repr=False)


def _json(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def keyframes(result: Any) -> dict[str, Any]:
    """The keyframe fields of a compute result as JSON numbers and nested lists."""
    return {
        f.name: _json(getattr(result, f.name))
        for f in dataclasses.fields(result)
        if f.metadata.get("keyframe", True)
    }
