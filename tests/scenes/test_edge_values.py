"""Values at the edge that the hostile pass of issue 17 found failing: each must draw.

A constant f has variance 0 and error 0 (a log axis of the error must still draw), and a
bounded f with an essential singularity has an expectation. Dry runs, as in
test_extreme_values.py, with the layout gate strict.
"""

from __future__ import annotations

import pytest

from lecture.catalog import entry
from tests.lecture.rendering import share_caches
from tests.scenes.dry_run import dry_run

CASES = [
    ("mc_nonlinear_expectation", {"f": "0*x", "n_max": 1000, "n_points": 20}),
    ("mc_nonlinear_expectation", {"f": "x - x", "n_max": 1000, "n_points": 20}),
    ("mc_nonlinear_expectation", {"f": "sin(1/(x - 0.0001))", "n_max": 1000}),
]


@pytest.fixture(scope="module")
def manim_media(tmp_path_factory, shared_caches):
    media = tmp_path_factory.mktemp("dry_run")  # one LaTeX cache for every case
    share_caches(shared_caches, media)  # starting with the session's
    yield media
    share_caches(media, shared_caches)  # the drawn values' formulas, for the next run


@pytest.mark.parametrize("scene_id, overrides", CASES, ids=[c[1]["f"] for c in CASES])
def test_edge_values_draw(scene_id, overrides, manim_media, monkeypatch):
    monkeypatch.setenv("LECTURE_LAYOUT_GATE", "strict")
    scene = entry(scene_id)
    params = scene.resolve(overrides)
    result = scene.computed(params)
    dry_run(scene, str(manim_media), params, frames="computed")  # every frame, undrawn
    if overrides["f"] != "sin(1/(x - 0.0001))":
        assert result.abs_error.max() <= 1e-12 * max(1, abs(result.true_value))
