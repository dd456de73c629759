"""Both themes: every scene and card passes the layout and contrast gate with its defaults,
and the palettes keep their meanings (each colour readable on its own background); no scene
names a raw colour."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest
from manim import ManimColor
from manim.utils.color import manim_colors

from lecture.catalog import entry
from scenes.theme import gate
from scenes.theme.gate import MIN_CONTRAST, contrast_ratio
from scenes.theme.palette import PALETTES
from tests.lecture.rendering import ROOT, share_caches
from tests.scenes.dry_run import dry_run

TEXT_COLOURS = ("foreground", "sample", "dot", "truth", "second_route", "reference", "convex",
                "concave", "first_axis", "second_axis", "second_order")


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_every_scene_passes_the_gate_with_its_defaults(theme, dry_runs):
    run = dry_runs[theme]  # tests/conftest.py: tests.scenes.dry_run in a process per theme
    lines = run.lines
    failures = [line for line in lines if " ok" not in line]
    assert run.returncode == 0 and not failures, "\n".join(failures) or run.stderr[-3000:]
    from lecture.catalog import CARDS, SCENES

    assert len(lines) == len(SCENES) + len(CARDS)


@pytest.mark.parametrize("scene_id", ["mc_mean_convergence"])
def test_skipping_animations_shows_the_gate_what_drawing_every_frame_shows(
        scene_id, tmp_path, monkeypatch, shared_caches):
    """The gate runs above skip the frames (each play jumps to its end state): after every
    narration block, the texts it sees (kind, opacity, colour, box of each part) are the
    ones a dry run drawing every frame shows it, in a scene whose numbers follow a sweep."""
    monkeypatch.setenv(gate.GATE_VARIABLE, "strict")
    share_caches(shared_caches, tmp_path)  # the formulas typeset already
    original = gate.problems

    def views(frames: str) -> list[list[tuple]]:
        seen = []

        def recorded(mobjects):
            seen.append([(gate.describe(m), round(gate._opacity(m), 6),
                          ManimColor(m.get_fill_color()).to_hex(),
                          [(name, *np.round([*low, *high], 6)) for name, low, high in
                           gate._parts(m)]) for m in gate.text_mobjects(mobjects)])
            return original(mobjects)

        monkeypatch.setattr(gate, "problems", recorded)
        dry_run(entry(scene_id), str(tmp_path), tex_dir=str(tmp_path / "Tex"), frames=frames)
        return seen

    drawn, skipped = views("drawn"), views("skipped")
    assert len(drawn) > 3 and any(len(texts) > 3 for texts in drawn)
    assert skipped == drawn


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_every_colour_that_may_colour_text_reads_on_its_background(theme):
    palette = PALETTES[theme]
    background = ManimColor(palette.background).to_rgb()
    for name in TEXT_COLOURS:
        colour = ManimColor(getattr(palette, name)).to_rgb()
        assert contrast_ratio(colour, background) >= MIN_CONTRAST, (theme, name)


def test_the_two_palettes_give_each_meaning_its_own_colour():
    for palette in PALETTES.values():
        meanings = [getattr(palette, name) for name in
                    ("sample", "truth", "second_route", "reference", "concave", "first_axis",
                     "second_axis", "second_order")]
        assert len(set(meanings)) == len(meanings)
    dark, light = PALETTES["dark"], PALETTES["light"]
    assert np.allclose(ManimColor(dark.background).to_rgb(), 0)
    assert np.allclose(ManimColor(light.background).to_rgb(), 1)


MANIM_COLOUR_NAMES = {name for name in dir(manim_colors)
                      if name.isupper() and isinstance(getattr(manim_colors, name), ManimColor)}
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?")


def raw_colours(source: str) -> list[str]:
    """Manim's colour constants (YELLOW, BLUE_E, ...) and hex strings named in the code."""
    found = []
    for node in ast.walk(ast.parse(source)):
        name = node.id if isinstance(node, ast.Name) else (
            node.attr if isinstance(node, ast.Attribute) else None)
        if name in MANIM_COLOUR_NAMES or (isinstance(node, ast.Constant)
                                          and isinstance(node.value, str)
                                          and HEX_COLOUR.fullmatch(node.value)):
            found.append(f"line {node.lineno}: {name or node.value}")
    return found


def test_the_raw_colour_check_finds_names_and_hex_strings():
    assert raw_colours("a = YELLOW\nb = manim.BLUE_E\nc = '#1a2B3c'\nd = 'decade'") == [
        "line 1: YELLOW", "line 2: BLUE_E", "line 3: #1a2B3c"]


@pytest.mark.parametrize("path", sorted((ROOT / "scenes").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_scene_names_a_raw_colour(path):
    """Colours come from the active palette, or a scene would look the same in both themes."""
    if path != ROOT / "scenes" / "theme" / "palette.py":
        assert not raw_colours(path.read_text()), path.relative_to(ROOT)
