"""The top band: the scene's title and key equation, and the panel of numbers."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
from manim import (
    BOLD, DL, DOWN, LEFT, RIGHT, UL, UR, BackgroundRectangle, MathTex, ParsableManimColor, Text,
    VGroup, VMobject,
)

from scenes.theme.numbers import LARGE, fixed_number, format_number, number_tex
from scenes.theme.palette import (
    EQUATION_SIZE, FOREGROUND, LABEL_SIZE, SAFE_X, SAFE_Y, TITLE_SIZE,
)

__all__ = [
    "PANEL_ROW_STEP", "PANEL_TOP_GAP", "PANEL_WIDTH", "PanelValue", "Readout", "backed",
    "label_tex", "make_header",
    "make_panel", "merge_outlines", "panel_label_place", "scaled_row",
]


PANEL_WIDTH, PANEL_ROW_STEP, PANEL_TOP_GAP = 3.6, 0.48, 0.2
"""The number panel's column (screen units from the safe area's right edge), its row
spacing, and its first row's distance below the safe area's top: every panel uses them."""


def panel_label_place(label: VMobject, label_width: float, row: int) -> VMobject:
    """Put a panel row's label (``... =``) so that labels ``label_width`` wide end at one x."""
    return label.move_to([SAFE_X - PANEL_WIDTH + label_width,
                          SAFE_Y - PANEL_TOP_GAP - PANEL_ROW_STEP * row, 0], aligned_edge=RIGHT)


def _fit(mobject: VMobject, max_width: float) -> VMobject:
    if mobject.width > max_width:
        mobject.scale_to_fit_width(max_width)
    return mobject


def make_header(title: str, equation: str) -> VGroup:
    """Title and the scene's key equation, left-aligned in the top band."""
    heading = _fit(Text(title, font_size=TITLE_SIZE, weight=BOLD), 8.4)
    formula = _fit(MathTex(equation, font_size=EQUATION_SIZE), 8.4)
    formula.next_to(heading, DOWN, buff=0.25, aligned_edge=LEFT)
    header = VGroup(heading, formula)
    header.move_to([-SAFE_X, SAFE_Y, 0], aligned_edge=UL)
    return header


class Readout(VMobject):
    """A number shown in the panel, re-set every frame at little cost.

    Manim's DecimalNumber deep-copies a TeX glyph per character on every change, which
    made the number panel most of a frame's render time. Here each glyph of
    ``0123456789.,-`` is typeset once per font size, and a new value concatenates glyph
    outlines into this one VMobject's points (one path to fill, a family that never
    changes). Digits share one advance width, so numbers do not jitter.
    """

    _glyphs: ClassVar[dict[float, dict[str, VMobject]]] = {}
    CHARSET = "0123456789.,-"
    is_text = True  # for the layout gate: a number shown as text

    def __init__(self, value: float, decimals: int, font_size: float, **kwargs: Any) -> None:
        super().__init__(fill_color=FOREGROUND, fill_opacity=1, stroke_width=0, **kwargs)
        self.decimals, self.font_size, self.text = decimals, font_size, ""
        self.set_value(value)

    def _glyph_table(self) -> dict[str, VMobject]:
        if self.font_size not in self._glyphs:
            typeset = MathTex(self.CHARSET, font_size=self.font_size)[0]
            self._glyphs[self.font_size] = dict(zip(self.CHARSET, typeset))
        return self._glyphs[self.font_size]

    def set_value(self, value: float) -> Readout:
        text = fixed_number(value, self.decimals, grouping=True)
        if text == self.text:
            return self
        anchor = self.get_left() if self.text else None
        self.text, self.value = text, value
        glyphs = self._glyph_table()
        advance = max(glyphs[d].width for d in "0123456789") * 1.12
        x, outlines = 0.0, []
        for char in text:
            template = glyphs[char]
            width = advance if char.isdigit() else template.width + 0.35 * advance
            outlines.append(template.points + [x + (width - template.width) / 2
                                               - template.get_left()[0], 0, 0])
            x += width
        self.set_points(np.concatenate(outlines))
        if anchor is not None:
            self.shift(anchor - self.get_left())
        return self

    def get_value(self) -> float:
        return self.value


PanelValue = Callable[[], float] | float | str


def make_panel(rows: Sequence[tuple[str, PanelValue, int]], first_row: int = 0,
               by_row: bool = False) -> VGroup:
    """The number panel, top right: one row per (LaTeX label, value, decimals), the labels
    ending at one x; ``VGroup(labels, values)``, or with ``by_row`` one outline per row
    (fixed rows revealed one at a time). Row ``i`` sits at panel row ``first_row + i``.

    A value is a getter (live: re-read every frame from the compute result), a number
    (fixed: drawn once; an infinite one, or one too long for a readout, is typeset whole
    with :func:`~scenes.theme.numbers.number_tex`), or TeX (a vector, or any fixed value a
    readout cannot show; a TeX row too wide for the panel's column is scaled to fit it).
    """
    labels = [MathTex(label + " =", font_size=LABEL_SIZE + 2) for label, _, _ in rows]
    label_width = max(label.width for label in labels)
    values = VGroup()
    for i, (label, (_, value, decimals)) in enumerate(zip(labels, rows)):
        panel_label_place(label, label_width, first_row + i)
        number = _panel_value(value, decimals).next_to(label, RIGHT, buff=0.15)
        values.add(number)
        row = VGroup(label, number)
        if isinstance(value, str) and row.get_right()[0] > SAFE_X:
            row.scale((SAFE_X - row.get_left()[0]) / row.width, about_edge=LEFT)
    if by_row:
        return VGroup(*[merge_outlines(VGroup(label, number))
                        for label, number in zip(labels, values)])
    # The labels never change: one merged outline is one path for Cairo to fill per frame.
    return VGroup(merge_outlines(VGroup(*labels)), values)


def _panel_value(value: PanelValue, decimals: int) -> VMobject:
    if isinstance(value, str):
        return MathTex(value, font_size=LABEL_SIZE + 2)
    if callable(value):
        number = Readout(value(), decimals, LABEL_SIZE + 2)
        return number.add_updater(lambda mob: mob.set_value(value()))  # keeps its left edge
    tex = number_tex(float(value), decimals)
    if math.isinf(value) or r"\times" in tex:
        return MathTex(tex, font_size=LABEL_SIZE + 2)
    return Readout(value, decimals, LABEL_SIZE + 2)


def scaled_row(label: str, values: np.ndarray, getter: Callable[[], float],
               decimals: int) -> tuple[str, Callable[[], float], int]:
    """A :func:`make_panel` row for a live value that may be huge: when ``values`` (its plot
    limits, say) reach ``LARGE``, the label gets the power of ten (``f(x) / 10^{12}``) and
    the value is divided by it, so the moving digits fit the panel's column. (A fixed huge
    value is typeset whole instead, with :func:`scenes.theme.numbers.number_tex`.)"""
    largest = float(np.max(np.abs(values))) if len(values) else 0.0
    if largest < LARGE:
        return label, getter, decimals
    power = int(np.floor(np.log10(largest)))
    return (rf"{label}\,/\,{format_number(10.0**power)}", lambda: getter() / 10.0**power,
            decimals)


def backed(label: VMobject, opacity: float = 0.8, buff: float = 0.05) -> VMobject:
    """``label`` over a dark rectangle, so it reads on a heat map or across lines.

    A label whose glyphs are submobjects (a MathTex) gets the rectangle behind them and is
    returned itself, so its updaters and moves carry the rectangle. A label with points of
    its own (a :func:`merge_outlines` outline) would draw them under a rectangle it held
    (Manim draws a mobject before its submobjects): it is returned as
    ``VGroup(rectangle, label)`` instead.
    """
    if label.has_points():
        return VGroup(BackgroundRectangle(label, fill_opacity=opacity, buff=buff), label)
    if not label.submobjects:
        return label
    return label.add_background_rectangle(opacity=opacity, buff=buff)


def label_tex(tex: str, font_size: float = LABEL_SIZE, color: ParsableManimColor = FOREGROUND
              ) -> VMobject:
    """A static MathTex label as one merged outline: a fade, a copy or a frame handles one
    path instead of a glyph tree."""
    return merge_outlines(MathTex(tex, font_size=font_size, color=color))


def merge_outlines(group: VMobject) -> VMobject:
    """One VMobject with every outline of a (single-coloured) group, e.g. a text label.

    The texts it was made of are remembered as ``text_parts`` (what each said and where it
    lay, as fractions of the merged box, so they follow the merged mobject when it moves):
    the layout gate checks each of them as the text a viewer reads.
    """
    members = [m for m in group.family_members_with_points()]
    merged = VMobject(fill_color=members[0].get_fill_color(), fill_opacity=1, stroke_width=0)
    merged.set_points(np.concatenate([m.points for m in members]))
    low, size = merged.get_corner(DL)[:2], np.maximum(merged.get_corner(UR)[:2]
                                                       - merged.get_corner(DL)[:2], 1e-9)
    merged.text_parts = [
        (getattr(t, "original_text", None) or getattr(t, "tex_string", ""),
         (t.get_corner(DL)[:2] - low) / size, (t.get_corner(UR)[:2] - low) / size)
        for t in _texts(group)]
    merged.is_text = bool(merged.text_parts)
    return merged


def _texts(mobject: VMobject) -> list[VMobject]:
    if isinstance(mobject, (Text, MathTex)):
        return [mobject]
    return [t for sub in mobject.submobjects for t in _texts(sub)]
