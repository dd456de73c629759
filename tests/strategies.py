"""Hypothesis strategies for every parameter kind: the values a scene's parameters accept.

Shared by the property-based tests of compute (tests/lecture/test_accepted_values.py) and
of the scenes themselves (tests/scenes/test_extreme_values.py). A new parameter kind needs
a strategy in ``values()``, or those tests fail and say so.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from compute.expr import ALLOWED_FUNCTIONS
from lecture.params import (
    Choice, Count, Covariance, ExprKind, ExprList, Interval, ListOf, Matrix, Optional, Real,
    Vector,
)

__all__ = ["overrides_for", "values"]

TINY = 1e-300


def bounded_floats(low: float, high: float, exclude_low=False, exclude_high=False):
    """Floats in [low, high], with the ends, zero and tiny or huge magnitudes favoured."""
    special = [v for v in (low, high, 0.0, TINY, -TINY, 1e-6, 1.0, -1.0, 1e6, -1e6, 1e300,
                           -1e300, math.nextafter(low, math.inf), math.nextafter(high, -math.inf))
               if low <= v <= high and not (exclude_low and v == low)
               and not (exclude_high and v == high)]
    return st.one_of(st.sampled_from(special),
                     st.floats(low, high, exclude_min=exclude_low, exclude_max=exclude_high,
                               allow_nan=False, allow_infinity=False))


def expressions(variables: tuple[str, ...]):
    """Whitelisted expression texts: variables, numbers, + - * / **, unary minus, calls."""
    leaves = st.one_of(st.sampled_from(variables),
                       st.sampled_from(["0", "1", "2", "0.5", "40", "1e-300", "1e15", "3"]))

    def extend(inner):
        return st.one_of(
            st.builds(lambda a: f"-({a})", inner),
            st.builds(lambda a, op, b: f"({a}){op}({b})", inner,
                      st.sampled_from(["+", "-", "*", "/", "**"]), inner),
            st.builds(lambda fn, a: f"{fn}({a})", st.sampled_from(ALLOWED_FUNCTIONS), inner),
        )

    return st.recursive(leaves, extend, max_leaves=6)


def covariances(kind: Covariance):
    """Symmetric matrices L L^T + d I across the allowed scales, near-singular ones and the
    bounds included, and now and then one that is not positive definite."""
    entry = bounded_floats(-1e3, 1e3)
    lower = st.tuples(entry, entry, entry).map(
        lambda t: np.array([[t[0], 0.0], [t[1], t[2]]]))
    made = st.tuples(lower, bounded_floats(0.0, 1e3)).map(
        lambda pair: (pair[0] @ pair[0].T + pair[1] * np.eye(2)).tolist())
    corners = st.sampled_from([
        [[kind.min_variance, 0.0], [0.0, kind.min_variance]],
        [[kind.max_variance, 0.0], [0.0, kind.max_variance]],
        [[1.0, 0.99999], [0.99999, 1.0]], [[1.0, 2.0], [2.0, 1.0]], [[1.0, 0.0], [0.0, 1e4]],
    ])
    return st.one_of(made, corners)


def values(kind):
    """A strategy for every value a kind accepts (and a few it refuses, at its edges)."""
    if isinstance(kind, Real):
        low = next((v for v in (kind.ge, kind.gt) if v is not None), -1e308)
        high = next((v for v in (kind.le, kind.lt) if v is not None), 1e308)
        return bounded_floats(low, high, kind.gt is not None, kind.lt is not None)
    if isinstance(kind, Count):
        return st.one_of(st.sampled_from([kind.low, kind.high]),
                         st.integers(kind.low, min(kind.high, kind.low + 100)),
                         st.integers(kind.low, kind.high))
    if isinstance(kind, Choice):
        return st.sampled_from(kind.options)
    if isinstance(kind, Vector):
        low = TINY if kind.positive else -kind.bound
        return st.lists(bounded_floats(low, kind.bound), min_size=kind.length,
                        max_size=kind.length)
    if isinstance(kind, Matrix):
        return st.lists(values(Vector(kind.cols, bound=kind.bound)), min_size=kind.rows,
                        max_size=kind.rows)
    if isinstance(kind, ExprKind):
        return expressions(kind.variables)
    if isinstance(kind, ExprList):
        return st.lists(expressions(kind.variables), min_size=kind.length,
                        max_size=kind.length)
    if isinstance(kind, Optional):
        return st.one_of(st.just("none"), values(kind.inner))
    if isinstance(kind, Interval):
        ends = bounded_floats(-kind.bound, kind.bound)
        return st.one_of(st.lists(ends, min_size=2, max_size=2).map(sorted),
                         st.tuples(ends, bounded_floats(kind.min_width, 2 * kind.bound))
                         .map(lambda pair: [pair[0], pair[0] + pair[1]]))
    if isinstance(kind, ListOf):
        return st.lists(values(kind.item), min_size=kind.low, max_size=kind.high)
    if isinstance(kind, Covariance):
        return covariances(kind)
    raise AssertionError(f"no strategy for parameter kind {type(kind).__name__}: add one here")


def overrides_for(scene):
    """Any subset of the scene's parameters, each drawn from its kind."""
    fields = {f.name: values(f.metadata["kind"]) for f in scene.params.fields()}
    return st.fixed_dictionaries({}, optional=fields)
