"""lecture.svgcache: a formula or text loaded from the cache is the mobject Manim's own
parse makes, point for point and style for style, whether it was just parsed and stored
or loaded by a later process from the file another one wrote."""

from __future__ import annotations

import numpy as np

from lecture import svgcache

FORMULA = r"\int_0^1 x^2\,dx = \tfrac{1}{3}"


def drawn(mobject) -> list[tuple]:
    """What Cairo draws of a mobject: each family member's class, points and colours."""
    return [(type(m).__name__, m.points, m.get_fill_rgbas(), m.get_stroke_rgbas(),
             m.get_stroke_width()) for m in mobject.get_family()]


def assert_same(made, reference) -> None:
    assert len(drawn(made)) == len(drawn(reference))
    for got, expected in zip(drawn(made), drawn(reference)):
        assert got[0] == expected[0]
        for a, b in zip(got[1:], expected[1:]):
            np.testing.assert_array_equal(a, b)


def test_a_cached_formula_and_text_are_manims_own_parse(tmp_path, monkeypatch):
    from manim import MathTex, SVGMobject, Text, tempconfig

    monkeypatch.setattr(SVGMobject, "init_svg_mobject", SVGMobject.init_svg_mobject)
    monkeypatch.setattr(svgcache, "_memory", {})
    media = tmp_path / "media"

    def build() -> list:
        return [MathTex(FORMULA, color="#ffcc00"), MathTex("x"), Text("Axes", font_size=30)]

    with tempconfig({"tex_dir": str(tmp_path / "Tex"), "text_dir": str(tmp_path / "texts"),
                     "media_dir": str(tmp_path / "manim")}):
        reference = build()  # Manim's own parse
        svgcache.install(media)
        stored = build()  # parsed, then kept
        files = sorted((media / svgcache.FOLDER).glob("*.pickle"))
        svgcache._memory.clear()  # as a new process would start
        loaded = build()  # from the files
        again = MathTex(FORMULA, color="#ffcc00")  # from memory
    assert len(files) == 3  # one per distinct SVG and style: the two formulas and the text
    assert not list((media / svgcache.FOLDER).glob("*.partial"))
    for made in (stored, loaded):
        for mobject, expected in zip(made, reference):
            assert_same(mobject, expected)
    assert_same(again, reference[0])
    again[0].shift([1, 0, 0])  # a use is a copy of its own: the next one is not moved
    assert_same(MathTex(FORMULA, color="#ffcc00"), reference[0])


def test_the_style_given_is_applied_to_each_use(tmp_path, monkeypatch):
    """Manim styles a formula after parsing it: one entry serves every stroke width."""
    from manim import MathTex, SVGMobject, tempconfig

    monkeypatch.setattr(SVGMobject, "init_svg_mobject", SVGMobject.init_svg_mobject)
    monkeypatch.setattr(svgcache, "_memory", {})
    with tempconfig({"tex_dir": str(tmp_path / "Tex"), "media_dir": str(tmp_path / "manim")}):
        reference = [MathTex("y", stroke_width=width) for width in (0, 3)]
        svgcache.install(tmp_path / "media")
        made = [MathTex("y", stroke_width=width) for width in (0, 3)]
    assert len(list((tmp_path / "media" / svgcache.FOLDER).glob("*.pickle"))) == 1
    assert [m[0][0].get_stroke_width() for m in made] == [0, 3]
    for mobject, expected in zip(made, reference):
        assert_same(mobject, expected)
