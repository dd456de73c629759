"""scenes/theme/gate.py: the layout and contrast gate catches what a viewer would."""

from __future__ import annotations

import pytest
from manim import DOWN, LEFT, RIGHT, UP, MathTex, Text, Write, tempconfig

from lecture.catalog import CARDS
from scenes.theme.base import LectureScene
from scenes.theme.gate import LayoutError, contrast_ratio, problems


def run(construct, tmp_path, monkeypatch, background="#000000"):
    """Dry-run a scene whose one step is ``construct(scene)``, with the gate strict."""
    monkeypatch.setenv("LECTURE_LAYOUT_GATE", "strict")

    class Probe(LectureScene):
        catalog_entry = CARDS[0]

        def construct(self):
            with self.narrate("One step, long enough to be a caption."):
                construct(self)
                self.wait(2)

    with tempconfig({"dry_run": True, "quality": "low_quality", "media_dir": str(tmp_path),
                     "verbosity": "ERROR", "progress_bar": "none",
                     "background_color": background}):
        Probe().render()


def test_a_label_pushed_off_screen_is_named_with_its_step(tmp_path, monkeypatch):
    def construct(scene):
        scene.play(Write(Text("far to the right", font_size=30).move_to(6.9 * RIGHT)))

    with pytest.raises(LayoutError) as caught:
        run(construct, tmp_path, monkeypatch)
    message = str(caught.value)
    assert message.startswith("card_lecture, step 'One step, long enough to be a caption.'")
    assert "Text('far to the right') leaves the safe area" in message


def test_two_labels_on_top_of_each_other(tmp_path, monkeypatch):
    def construct(scene):
        scene.add(MathTex(r"\mu = 0", font_size=30), Text("overlap", font_size=30).shift(0.1 * UP))

    with pytest.raises(LayoutError, match=r"MathTex\('\\\\mu = 0'\) overlaps Text\('overlap'\)"):
        run(construct, tmp_path, monkeypatch)


def test_dark_grey_text_on_black_is_too_faint(tmp_path, monkeypatch):
    def construct(scene):
        scene.add(Text("hard to read", font_size=30, color="#333333"))

    with pytest.raises(LayoutError, match=r"Text\('hard to read'\) has contrast 1.6\d:1"):
        run(construct, tmp_path, monkeypatch)


def test_a_half_transparent_label_counts_at_its_opacity(tmp_path, monkeypatch):
    def construct(scene):
        scene.add(Text("faded", font_size=30, fill_opacity=0.3))

    with pytest.raises(LayoutError, match="Text\\('faded'\\) has contrast"):
        run(construct, tmp_path, monkeypatch)


def test_a_clean_step_passes_and_labels_side_by_side_do_not_overlap(tmp_path, monkeypatch):
    def construct(scene):
        left = Text("left", font_size=30).shift(2 * LEFT)
        right = MathTex(r"x^2", font_size=30).next_to(left, RIGHT, buff=0.1)
        below = Text("below", font_size=24).next_to(left, DOWN, buff=0.05)
        scene.add(left, right, below)

    run(construct, tmp_path, monkeypatch)


def test_white_text_on_white_fails_and_black_on_white_passes(tmp_path, monkeypatch):
    def construct(scene):
        scene.add(Text("white", font_size=30, color="#FFFFFF"))

    with pytest.raises(LayoutError, match="contrast 1.00:1"):
        run(construct, tmp_path, monkeypatch, background="#FFFFFF")
    run(lambda scene: scene.add(Text("black", font_size=30, color="#1A1A1A")),
        tmp_path, monkeypatch, background="#FFFFFF")


def test_contrast_ratio_matches_the_wcag_examples():
    assert contrast_ratio([1, 1, 1], [0, 0, 0]) == pytest.approx(21.0)
    assert contrast_ratio([0, 0, 0], [0, 0, 0]) == pytest.approx(1.0)
    grey = [0x76 / 255] * 3  # #767676, the lightest grey with 4.5:1 on white
    assert contrast_ratio(grey, [1, 1, 1]) == pytest.approx(4.54, abs=0.01)


def test_invisible_and_non_text_mobjects_are_ignored():
    hidden = Text("not yet shown", font_size=30).set_opacity(0)
    assert problems([hidden, hidden.copy()]) == []
