"""Scenes draw with the theme's one vocabulary: outside scenes/theme no scene builds its
own axes, dashes, label backing or number format (each has one way, in the theme; a
number on screen or in a caption goes through scenes.theme.numbers)."""

from __future__ import annotations

import re

import pytest

from tests.lecture.rendering import ROOT

FORBIDDEN = {
    "PlotAxes(": (re.compile(r"\bPlotAxes\("), "scenes.theme.plots.plot_box or make_axes"),
    "axis_config=": (re.compile(r"\baxis_config\s*="), "scenes.theme.plots.AXIS_STYLE"),
    "DashedLine": (re.compile(r"\bDashedLine\b"), "scenes.theme.dashes.get_dashed"),
    "DashedVMobject": (re.compile(r"\bDashedVMobject\b"), "scenes.theme.dashes.get_dashed"),
    "add_background_rectangle": (re.compile(r"\badd_background_rectangle\b"),
                                 "scenes.theme.panel.backed"),
    # A number split into mantissa and exponent by hand: an e-format, a split at "e",
    # a patched "e+0", or a power of ten typeset around a computed exponent.
    "hand-split mantissa": (re.compile(r"""\{[^{}'"]*:[^{}'"]*[eE]\}|split\(\s*["']e["']\s*\)"""
                                       r"""|["']e[+-]0|\\cdot\s*10\^|\\mathrm\{e\}|10\^\{\{"""
                                       r"""|10\^\{(?!\{)[a-z_]"""),
                            "scenes.theme.numbers.format_number"),
    # A float written with a format spec: fixed places or %g digits, with no power of ten
    # for huge values and a raw "e" for tiny ones.
    "number format spec": (re.compile(r"""\{[^{}'"]*:[^{}'"]*[fgG%]\}"""),
                           "scenes.theme.numbers.format_number or caption_number"),
}


def vocabulary_breaches(source: str) -> list[str]:
    """``line N: <what> (use <theme helper>)`` for each forbidden idiom in ``source``."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for what, (pattern, instead) in FORBIDDEN.items():
            if pattern.search(code):
                found.append(f"line {number}: {what} (use {instead})")
    return found


def test_the_vocabulary_check_finds_each_idiom():
    source = "\n".join([
        "axes = PlotAxes([0, 1], [0, 1], axis_config={'color': AXIS})",
        "line = DashedLine(a, b)  # DashedVMobject in a comment is fine",
        "label.add_background_rectangle(opacity=0.8)",
        'tex = rf"{mantissa}\\cdot 10^{{{exponent}}}"',
        'text = f"{value:.3e}"',
        'mantissa, exponent = text.split("e")',
        'text = f"10^{exponent}"',
        'text = f"{value:.3g} and {p.a:g}"',
        'ok = f"y_{i}, seed {p.torch_seed}, {format_number(v, decimals=2)}"',
    ])
    assert vocabulary_breaches(source) == [
        "line 1: PlotAxes( (use scenes.theme.plots.plot_box or make_axes)",
        "line 1: axis_config= (use scenes.theme.plots.AXIS_STYLE)",
        "line 2: DashedLine (use scenes.theme.dashes.get_dashed)",
        "line 3: add_background_rectangle (use scenes.theme.panel.backed)",
        "line 4: hand-split mantissa (use scenes.theme.numbers.format_number)",
        "line 5: hand-split mantissa (use scenes.theme.numbers.format_number)",
        "line 6: hand-split mantissa (use scenes.theme.numbers.format_number)",
        "line 7: hand-split mantissa (use scenes.theme.numbers.format_number)",
        "line 8: number format spec (use scenes.theme.numbers.format_number or caption_number)",
    ]


@pytest.mark.parametrize("path", sorted(p for p in (ROOT / "scenes").rglob("*.py")
                                        if "theme" not in p.relative_to(ROOT).parts),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_scenes_use_the_theme_vocabulary(path):
    assert not vocabulary_breaches(path.read_text()), path.relative_to(ROOT)


THEME_WORDS = re.compile(r"axis|axes|plot|panel|dash|format|number|box|rect|place|label|"
                         r"overlap|window|tick|legend")
"""What a section helper may not define: each has one way, in scenes/theme."""


def section_theme_definitions(source: str) -> list[str]:
    """Top-level names in a section's helpers.py that belong in the theme."""
    found = re.findall(r"^(?:def|class)\s+(\w+)", source, flags=re.MULTILINE)
    return [name for name in found if THEME_WORDS.search(name.lower())]


def test_the_section_check_finds_theme_definitions():
    source = "def make_plot(x):\n    pass\nclass Window:\n    pass\ndef spread(n):\n" \
             "    def place_inner():\n        pass\ndef dashed_line(a, b):\n    pass\n"
    assert section_theme_definitions(source) == ["make_plot", "Window", "dashed_line"]


@pytest.mark.parametrize("path", sorted((ROOT / "scenes").glob("*/helpers.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_section_helpers_keep_only_their_sections_picture(path):
    assert not section_theme_definitions(path.read_text()), path.relative_to(ROOT)
