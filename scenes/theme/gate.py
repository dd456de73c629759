"""The layout and contrast gate: after each step of a scene, every text must be readable.

Checked for every text-like mobject on screen (Text, MathTex and Tex, the panel's numbers
and labels): it lies inside the safe area (5% in from every edge), it overlaps no other
text, and its colour at its opacity has a contrast ratio of at least 4.5:1 (WCAG AA)
against the background. A failure names the scene, the step and the mobjects, so a new
scene, or a long expression that pushes a label off-screen, is caught without anyone
watching. The tests run it for every scene, in both themes (LECTURE_LAYOUT_GATE=strict).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from manim import DL, UR, ManimColor, Mobject, SingleStringMathTex, Text, config

from scenes.theme.palette import SAFE_X, SAFE_Y

__all__ = ["LayoutError", "MIN_CONTRAST", "contrast_ratio", "enabled", "problems", "text_mobjects"]

GATE_VARIABLE = "LECTURE_LAYOUT_GATE"
MIN_CONTRAST = 4.5
OVERLAP = 0.01  # screen units two boxes may share (antialiased edges touching)
VISIBLE = 0.05  # texts more transparent than this are not on screen yet


class LayoutError(AssertionError):
    """A step left a text off the safe area, on top of another text, or too faint."""


def enabled() -> bool:
    return os.environ.get(GATE_VARIABLE, "") == "strict"


def _luminance(rgb: np.ndarray) -> float:
    linear = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast_ratio(color: np.ndarray, background: np.ndarray) -> float:
    """WCAG contrast ratio of two sRGB colours (components in [0, 1])."""
    high, low = sorted((_luminance(np.asarray(color)), _luminance(np.asarray(background))),
                       reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_mobjects(mobjects: list[Mobject]) -> Iterator[Mobject]:
    """The outermost text-like mobjects in these families (a text's glyphs are not texts)."""
    for mobject in mobjects:
        if isinstance(mobject, (Text, SingleStringMathTex)) or getattr(mobject, "is_text", False):
            yield mobject
        else:
            yield from text_mobjects(mobject.submobjects)


def describe(mobject: Mobject) -> str:
    text = (getattr(mobject, "original_text", None) or getattr(mobject, "tex_string", None)
            or getattr(mobject, "text", None) or "")
    text = text if len(text) <= 40 else text[:39] + "…"
    return f"{type(mobject).__name__}({text!r})"


@dataclass(frozen=True)
class _Seen:
    mobject: Mobject
    name: str
    low: np.ndarray  # lower-left corner (x, y)
    high: np.ndarray  # upper-right corner


def _opacity(mobject: Mobject) -> float:
    family = [m for m in mobject.get_family() if m.has_points()] or [mobject]
    return max(float(np.max(m.get_fill_opacities())) if len(m.get_fill_opacities()) else 0.0
               for m in family)


def problems(mobjects: list[Mobject]) -> list[str]:
    """What is wrong with the texts among these mobjects, one line each."""
    background = ManimColor(config.background_color).to_rgb()
    seen, found = [], []
    for mobject in text_mobjects(mobjects):
        opacity = _opacity(mobject)
        if opacity < VISIBLE:
            continue
        for name, low, high in _parts(mobject):
            seen.append(_Seen(mobject, name, low, high))
            if low[0] < -SAFE_X - 1e-6 or low[1] < -SAFE_Y - 1e-6 or \
                    high[0] > SAFE_X + 1e-6 or high[1] > SAFE_Y + 1e-6:
                found.append(f"{name} leaves the safe area: it spans x {low[0]:.2f}.."
                             f"{high[0]:.2f}, y {low[1]:.2f}..{high[1]:.2f}; allowed x "
                             f"+-{SAFE_X:.2f}, y +-{SAFE_Y:.2f}")
        color = ManimColor(mobject.get_fill_color()).to_rgb()
        shown = opacity * color + (1 - opacity) * background
        ratio = contrast_ratio(shown, background)
        if ratio < MIN_CONTRAST:
            found.append(f"{describe(mobject)} has contrast {ratio:.2f}:1 against the "
                         f"background; at least {MIN_CONTRAST}:1 is needed")
    for a, b in itertools.combinations(seen, 2):
        shared = np.minimum(a.high, b.high) - np.maximum(a.low, b.low)
        if shared[0] > OVERLAP and shared[1] > OVERLAP:
            found.append(f"{a.name} overlaps {b.name}")
    return found


def _parts(mobject: Mobject) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(description, lower-left, upper-right) of each text a viewer reads in ``mobject``:
    itself, or each text a merged outline was made of (``text_parts``)."""
    low, high = mobject.get_corner(DL)[:2], mobject.get_corner(UR)[:2]
    parts = getattr(mobject, "text_parts", None)
    if not parts:
        return [(describe(mobject), low, high)]
    size = high - low
    return [(f"label {text!r}", low + a * size, low + b * size) for text, a, b in parts]
