"""Title cards: the lecture's opening card, and a card per section with its key equation.

One scene class draws every card; the catalog entry it is rendered for (``CARDS`` in
lecture/catalog.py) says which. ``manim -ql scenes/cards/title_card.py TitleCard`` renders
the lecture's card.
"""

from __future__ import annotations

from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from lecture.catalog import CARDS, SCENES, SECTIONS
from scenes.theme.base import LectureScene
from scenes.theme.palette import EQUATION_SIZE, LABEL_SIZE, SAFE_X, TITLE_SIZE, TRUTH
from scenes.theme.shapes import get_still

__all__ = ["TitleCard"]

WIDTH = 2 * SAFE_X - 1.0


def _stack(lines: VGroup, buff: float = 0.18) -> VGroup:
    """Lines one under another, left-aligned, at an even pitch: each line is placed by the
    top of its first glyph (a capital in every heading), so descenders do not shift it."""
    pitch = max(line.height for line in lines) + buff
    for i, line in enumerate(lines):
        line.align_to(lines[0], LEFT)
        line.shift((lines[0][0].get_top()[1] - i * pitch - line[0].get_top()[1]) * UP)
    return lines


def _fit(mobject: Mobject, width: float = WIDTH) -> Mobject:
    return mobject.scale_to_fit_width(width) if mobject.width > width else mobject


class TitleCard(LectureScene):
    """A card is text that fades in: each part fades in as a still drawn once (get_still),
    and the text itself takes the stills' place for the hold, where the layout gate reads
    it and Manim writes its one frame again."""

    catalog_entry = CARDS[0]

    def fade_in(self, parts: list[Mobject], run_time: float, lag_ratio: float = 0.0) -> None:
        stills = [get_still(part) for part in parts]
        self.play(LaggedStart(*[FadeIn(still) for still in stills], lag_ratio=lag_ratio),
                  run_time=run_time)
        self.remove(*stills)
        self.add(*parts)

    def construct(self) -> None:
        if self.entry is CARDS[0]:
            self.lecture_card()
        else:
            self.section_card(next(s for s in SECTIONS if f"card_{s.id}" == self.entry.id))

    def lecture_card(self) -> None:
        # Step 1: the lecture's title, and its sections one per line.
        title = _fit(Text(self.entry.title, font_size=TITLE_SIZE + 4, weight=BOLD,
                          line_spacing=0.9))
        if title.width >= WIDTH:  # long: break it after "Foundations"
            head, _, tail = self.entry.title.partition(" for ")
            title = _fit(VGroup(Text(head, font_size=TITLE_SIZE + 4, weight=BOLD),
                                Text("for " + tail, font_size=TITLE_SIZE + 4, weight=BOLD))
                         .arrange(DOWN, buff=0.25))
        sections = _stack(VGroup(*[Text(s.heading, font_size=LABEL_SIZE) for s in SECTIONS]))
        VGroup(title, sections).arrange(DOWN, buff=0.7)
        with self.narrate(f"Foundations for machine learning: {len(SECTIONS)} sections, "
                          f"{len(SCENES)} short animated clips."):
            self.fade_in([title], 1.5)
            self.fade_in(list(sections), 1.5, lag_ratio=0.2)
            self.wait(2)

    def section_card(self, section) -> None:
        # Step 1: the section's code and title, its key equation, what comes.
        code = Text(section.code, font_size=TITLE_SIZE + 12, weight=BOLD, color=TRUTH)
        title = _fit(Text(section.title, font_size=TITLE_SIZE + 2, weight=BOLD))
        equation = _fit(MathTex(section.equation, font_size=EQUATION_SIZE + 6))
        line = _fit(Text(section.preview, font_size=LABEL_SIZE))
        VGroup(code, title, equation, line).arrange(DOWN, buff=0.45)
        with self.narrate(section.preview):
            self.fade_in([code, title], 1.5)
            self.fade_in([equation], 1.5)
            self.fade_in([line], 0.8)
            self.wait(2)
