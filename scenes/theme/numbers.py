"""The one number formatter: panels, tick labels and captions all write numbers with it.

A number is written in fixed form (``0.25``, ``1,234.5000``) or, when it is too large, too
small or too long for that, as ``m \\times 10^{k}`` (TeX) or ``m×10^k`` (caption text); never
with a raw ``e``. ``-0`` (a negative number that rounds to zero) is written ``0``; +-inf is
``\\infty`` or ``infinity``. Pure strings, no mobjects: tested as a table in
tests/scenes/test_numbers.py.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "LARGE", "MAX_CHARS", "SMALL", "caption_number", "decimals_for", "fixed_number",
    "format_number", "number_tex", "number_text",
]

LARGE = 1e5
"""From this size on a number is written with a power of ten (fixed form reads badly)."""

SMALL = 1e-4
"""Below this size (and above 0) a number given to significant digits gets a power of ten."""

MAX_CHARS = 11
"""A fixed form longer than this (sign, digits, separators) switches to a power of ten."""

def fixed_number(value: float, decimals: int, grouping: bool = False) -> str:
    """``value`` to ``decimals`` places (commas between thousands if ``grouping``), with a
    ``-0`` shown as ``0``: the digits-only form the panel's readouts draw glyph by glyph."""
    text = f"{value:{',' if grouping else ''}.{decimals}f}"
    return text.lstrip("-") if set(text) <= set("-0.,") else text


def decimals_for(scale: float, significant: int, low: int = 0, high: int = 9) -> int:
    """Decimals that show ``significant`` digits of numbers of size ``scale``, within
    ``[low, high]`` (``low`` when the scale is 0): a panel keeps the lecture's rounding at
    the lecture's scale and still reads at a scale a thousand times smaller."""
    if not scale > 0:
        return low
    return int(np.clip(significant - 1 - np.floor(np.log10(scale)), low, high))


def _trimmed(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_number(value: float, digits: int = 3, *, decimals: int | None = None,
                  tex: bool = True, grouping: bool = False, max_chars: int = MAX_CHARS) -> str:
    """``value`` as TeX (``tex=True``) or caption text.

    With ``decimals`` the fixed form has that many places (a panel's rounding, trailing
    zeros kept); without, ``digits`` significant digits (trailing zeros dropped: ``0.5``,
    ``2``). The form switches to ``m \\times 10^{k}`` with ``digits`` significant digits
    when ``|value| >= LARGE``, when the fixed form is longer than ``max_chars``, or (only
    without ``decimals``) when ``0 < |value| < SMALL``. A mantissa of exactly 1 is left out
    (``10^{6}``).
    """
    value = float(value)
    if math.isinf(value):
        word = r"\infty" if tex else "infinity"
        return word if value > 0 else "-" + word
    size = abs(value)
    if decimals is None:
        rounded = float(f"{value:.{digits - 1}e}")  # may carry into the next power: 9.996
        exponent = math.floor(math.log10(abs(rounded))) if rounded else 0
        fixed = _trimmed(fixed_number(rounded, max(0, digits - 1 - exponent), grouping))
        size, small = abs(rounded), 0 < size < SMALL
    else:
        fixed, small = fixed_number(value, decimals, grouping), False
    if size < LARGE and not small and len(fixed) <= max_chars:
        return fixed.replace(",", "{,}") if tex else fixed
    mantissa, exponent_text = f"{value:.{digits - 1}e}".split("e")
    if decimals is None:
        mantissa = _trimmed(mantissa)
    exponent = int(exponent_text)
    if tex:
        power = f"10^{{{exponent}}}"
        return power if mantissa == "1" else ("-" + power if mantissa == "-1"
                                              else rf"{mantissa} \times {power}")
    power = f"10^{exponent}"  # plain ASCII, as the captions wrote powers before
    return power if mantissa == "1" else ("-" + power if mantissa == "-1"
                                          else f"{mantissa}×{power}")


def caption_number(value: float, digits: int = 3, *, decimals: int | None = None) -> str:
    """A number for a caption, as text: :func:`format_number` with ``tex=False`` (three
    significant digits unless told)."""
    return format_number(value, digits, decimals=decimals, tex=False)


def number_tex(value: float, decimals: int, max_chars: int = MAX_CHARS,
               grouping: bool = True) -> str:
    """A panel's value as TeX: ``decimals`` places, thousands grouped, a power of ten (four
    significant digits) when the fixed form would not fit."""
    return format_number(value, 4, decimals=decimals, grouping=grouping, max_chars=max_chars)


def number_text(value: float, decimals: int, max_chars: int = MAX_CHARS) -> str:
    """:func:`number_tex` as caption text: what the screen shows, in words a caption can hold."""
    return format_number(value, 4, decimals=decimals, tex=False, grouping=True,
                         max_chars=max_chars)
