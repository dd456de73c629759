"""The one number formatter, as a table: what each number is written as on screen and in
captions (the expected strings are written out by hand, not computed)."""

from __future__ import annotations

import math

import pytest

from scenes.theme.numbers import (
    caption_number, decimals_for, fixed_number, format_number, number_tex, number_text,
)

SIGNIFICANT = [  # value, TeX, caption text (three significant digits)
    (0.0, "0", "0"),
    (-0.0, "0", "0"),
    (2.0, "2", "2"),
    (0.25, "0.25", "0.25"),
    (1 / 3, "0.333", "0.333"),
    (-2 / 3, "-0.667", "-0.667"),
    (12345.6, "12300", "12300"),
    (9.996, "10", "10"),
    (99999.0, "10^{5}", "10^5"),  # rounds up to the next power, and to LARGE
    (123456.0, "1.23 \\times 10^{5}", "1.23×10^5"),
    (1e6, "10^{6}", "10^6"),
    (-1e6, "-10^{6}", "-10^6"),
    (2.5e-5, "2.5 \\times 10^{-5}", "2.5×10^-5"),
    (1e-4, "0.0001", "0.0001"),
    (math.inf, "\\infty", "infinity"),
    (-math.inf, "-\\infty", "-infinity"),
]


@pytest.mark.parametrize(("value", "tex", "text"), SIGNIFICANT)
def test_numbers_to_significant_digits(value, tex, text):
    assert format_number(value) == tex
    assert caption_number(value) == text


PANEL = [  # value, decimals, TeX, caption text (panel rounding, thousands grouped)
    (1.5, 4, "1.5000", "1.5000"),
    (-0.00001, 4, "0.0000", "0.0000"),  # -0 hidden
    (-0.00006, 4, "-0.0001", "-0.0001"),
    (1234.5, 2, "1{,}234.50", "1,234.50"),
    (99999.5, 2, "99{,}999.50", "99,999.50"),
    (123456.0, 2, "1.235 \\times 10^{5}", "1.235×10^5"),
    (math.inf, 4, "\\infty", "infinity"),
]


@pytest.mark.parametrize(("value", "decimals", "tex", "text"), PANEL)
def test_panel_numbers_to_fixed_places(value, decimals, tex, text):
    assert number_tex(value, decimals) == tex
    assert number_text(value, decimals) == text


def test_too_long_fixed_forms_switch_to_a_power_of_ten():
    assert number_tex(-12345.678, 4) == "-1.235 \\times 10^{4}"  # "-12,345.6780" is 12 chars
    assert number_tex(12345.678, 4, grouping=False) == "12345.6780"
    assert format_number(0.000123456, 3, decimals=9) == "0.000123456"


def test_fixed_number_and_decimals_for_significant_digits():
    assert fixed_number(-0.004, 2) == "0.00" and fixed_number(-1234.5, 1, True) == "-1,234.5"
    assert [decimals_for(s, 2, 2) for s in (1.0, 0.05, 120.0, 0.0)] == [2, 3, 2, 2]
    assert decimals_for(1e-12, 3, 0, 9) == 9


CAPTION = [  # value, digits, decimals, caption text: what a caption says, never a raw "e"
    (3e-9, 1, None, "3×10^-9"),  # "3e-09" with the format spec the captions used before
    (1e-7, 6, None, "10^-7"),
    (1.2345, 6, None, "1.2345"),  # a typed parameter, as typed
    (-0.004, 3, 2, "0.00"),
    (0.81234, 3, 2, "0.81"),
    (2.5e6, 3, 2, "2.50×10^6"),
]


@pytest.mark.parametrize(("value", "digits", "decimals", "text"), CAPTION)
def test_caption_numbers_take_digits_or_decimals(value, digits, decimals, text):
    assert caption_number(value, digits, decimals=decimals) == text
