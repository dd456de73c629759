"""Every accepted value must also draw: each scene runs through Manim on drawn extremes.

Computing finite numbers (tests/lecture/test_accepted_values.py) is not enough: the
scene's layout code (ticks, ranges, labels) meets the same values. For a few parameter
sets per scene drawn from the declared kinds, the scene's ``construct`` runs through
Manim's dry run (every animation and updater stepped through every frame; no frame
written, and none drawn: the camera drops non-finite points without a word), which is
where a tick step of 1e-300 or an axis range of zero width would raise, and where the
layout gate checks every step (texts inside the safe area, not overlapping, readable).
Each run also shows that the header carries the catalog's title.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from lecture.catalog import SCENES
from lecture.params import ParamError
from tests.lecture.rendering import share_caches
from tests.scenes.dry_run import dry_run
from tests.strategies import overrides_for

EXAMPLES_PER_SCENE = 3


@pytest.fixture(scope="module")
def manim_media(tmp_path_factory, shared_caches):
    media = tmp_path_factory.mktemp("dry_run")
    share_caches(shared_caches, media)  # the formulas the session typeset already
    yield media
    share_caches(media, shared_caches)  # the drawn values' formulas, for the next run


@pytest.mark.parametrize("scene", SCENES, ids=[s.id for s in SCENES])
def test_every_accepted_value_draws(scene, manim_media, monkeypatch):
    monkeypatch.setenv("LECTURE_LAYOUT_GATE", "strict")  # and every step passes the gate
    from manim import Text

    @settings(max_examples=EXAMPLES_PER_SCENE, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(overrides_for(scene))
    def check(overrides):
        try:
            params = scene.resolve(overrides)
            scene.computed(params)
        except ParamError:
            return
        played = dry_run(scene, str(manim_media), params, frames="computed")
        texts = [m.original_text for top in played.mobjects for m in top.get_family()
                 if isinstance(m, Text)]
        assert texts[0] == scene.title  # the header shows the catalog's title

    check()
