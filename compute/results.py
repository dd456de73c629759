"""Helpers shared by the compute modules: result fields and their JSON keyframes.

A result is a frozen dataclass. Its fields are keyframes (written to the sidecar) unless
marked :func:`internal`. Keyframes are finite numbers; a field marked :func:`may_be_infinite`
(a condition number of a singular matrix) may also hold +inf, written as JSON ``null``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "NoNumbers", "NotComputable", "infinite_allowed", "internal", "keyframes", "may_be_infinite",
    "non_finite_fields",
]


@dataclass(frozen=True)
class NoNumbers:
    """The result of a scene that shows no computed numbers (a title card)."""


class NotComputable(ValueError):
    """These inputs have no finite answer: an integral that does not converge, a Jacobian
    that is infinite somewhere. Raised by compute functions; the message says why."""


def internal() -> Any:
    """A result field the scene uses but the sidecar leaves out (raw samples, meshes)."""
    return dataclasses.field(metadata={"keyframe": False}, repr=False)


def may_be_infinite() -> Any:
    """A keyframe field whose values may be +inf (shown as infinity, ``null`` in JSON)."""
    return dataclasses.field(metadata={"infinite": True})


def infinite_allowed(field: dataclasses.Field) -> bool:
    return bool(field.metadata.get("infinite", False))


def _json(value: Any) -> Any:
    if isinstance(value, (np.ndarray, np.generic)):
        return _json(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, float) and math.isinf(value):
        return None
    return value


def keyframes(result: Any) -> dict[str, Any]:
    """The keyframe fields of a compute result as JSON numbers and nested lists."""
    return {
        f.name: _json(getattr(result, f.name))
        for f in dataclasses.fields(result)
        if f.metadata.get("keyframe", True)
    }


def _numbers(value: Any) -> np.ndarray:
    """Every number in a (nested) value as one float array; strings and None are skipped."""
    if isinstance(value, (str, bytes)) or value is None:
        return np.zeros(0)
    if isinstance(value, (list, tuple)):
        parts = [_numbers(v) for v in value]
        return np.concatenate(parts) if parts else np.zeros(0)
    array = np.asarray(value)
    if array.dtype.kind in "biuf":
        return array.astype(float).ravel()
    if array.dtype == object:
        return _numbers(array.tolist())
    return np.zeros(0)


def non_finite_fields(result: Any) -> list[str]:
    """Names of the fields (keyframes and internal ones) holding NaN, or an infinity where
    the field does not allow one. A scene draws every field, so all must be finite."""
    bad = []
    for field in dataclasses.fields(result):
        numbers = _numbers(getattr(result, field.name))
        ok = np.isfinite(numbers) | (infinite_allowed(field) & (numbers == np.inf))
        if not ok.all():
            bad.append(field.name)
    return bad
