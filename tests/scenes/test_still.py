"""A still (scenes.theme.shapes.get_still) shows what its mobject shows, in its place: a
title card fades stills in and then puts the text itself in their place."""

from __future__ import annotations

import numpy as np
import pytest
from manim import BOLD, DOWN, LEFT, UP, MathTex, Text, VGroup, tempconfig
from manim.camera.camera import Camera

from scenes.theme.shapes import get_still


def drawn(*mobjects) -> np.ndarray:
    camera = Camera()
    camera.capture_mobjects(mobjects)
    return np.asarray(camera.get_image(), dtype=int)


@pytest.mark.parametrize(("quality", "offset"), [("low_quality", 2.5 * LEFT + UP),
                                                 ("medium_quality", 1.3 * DOWN)])
def test_a_still_draws_the_pixels_of_its_mobject_where_it_stands(quality, offset):
    with tempconfig({"quality": quality}):
        card = VGroup(Text("D.4", font_size=60, weight=BOLD, color="#f3c969"),
                      MathTex(r"f(x + h) \approx f(x) + h\, f'(x)", font_size=40),
                      Text("Differentiation and curvature", font_size=28)).arrange(DOWN)
        card.shift(offset)
        vector, still = drawn(card), drawn(get_still(card))
    ink = np.argwhere(vector[..., :3].sum(axis=2) > 0)
    assert len(ink) > 1000
    assert np.array_equal(ink.min(axis=0), np.argwhere(still[..., :3].sum(axis=2) > 0).min(axis=0))
    difference = np.abs(vector - still)[..., :3]
    assert difference.mean() < 0.5 and np.percentile(difference, 99.9) <= 64  # edges only
