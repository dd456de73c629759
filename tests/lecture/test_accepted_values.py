"""Every value a scene accepts must compute: property-based tests over every declared kind.

For every scene of the catalog, hypothesis draws parameter values from each field's
declared kind and bounds (extremes included: the bounds themselves, tiny and huge
magnitudes, nasty whitelisted expressions) and asks the same questions the command line
does before rendering. Each draw must be either refused with a ParamError (one line naming
a parameter of this scene) or compute a result whose every number is finite (+inf only in
fields declared ``may_be_infinite``). A scene added to the catalog is covered with no new
code; a new parameter kind needs a strategy in ``tests/strategies.py``, or this test fails.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from lecture.catalog import SCENES
from lecture.params import ParamError
from tests.strategies import overrides_for

EXAMPLES_PER_SCENE = 30


def finite_everywhere(result) -> list[str]:
    """Fields holding NaN, or an infinity where the field does not allow one."""
    bad = []
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if isinstance(value, str) or value is None:
            continue
        items = value if isinstance(value, (list, tuple)) else [value]
        numbers = np.concatenate([np.ravel(np.asarray(item, dtype=object)) for item in items]
                                 or [np.zeros(0)])
        numbers = np.array([float(v) for v in numbers if not isinstance(v, (str, type(None)))])
        allowed = field.metadata.get("infinite", False)
        if np.isnan(numbers).any() or (np.isinf(numbers) & ~(allowed & (numbers > 0))).any():
            bad.append(field.name)
    return bad


@pytest.mark.parametrize("scene", SCENES, ids=[s.id for s in SCENES])
def test_every_accepted_value_computes_finite_numbers(scene):
    @settings(max_examples=EXAMPLES_PER_SCENE, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(overrides_for(scene))
    def check(overrides):
        try:
            params = scene.resolve(overrides)
            result = scene.computed(params)
        except ParamError as refused:
            message = str(refused)
            assert refused.scene == scene.id and "\n" not in message and len(message) < 400
            assert message.startswith(f"{scene.id}.{refused.name} = ")
            return
        assert finite_everywhere(result) == [], (overrides, finite_everywhere(result))

    check()
