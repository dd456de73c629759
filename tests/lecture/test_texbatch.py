"""LaTeX in batches (lecture/texbatch.py): every string of every scene, batched against
Manim compiling it alone."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from manim import config, tempconfig
from manim.utils.tex_file_writing import generate_tex_file, tex_to_svg_file

from lecture.catalog import CARDS, SCENES, SECTIONS
from lecture.texbatch import compile_batch, prepare

DEF = re.compile(r"<path id='([^']+)' d='([^']*)'/>")


def drawing(svg: Path) -> tuple[dict[str, str], str]:
    """An SVG as (glyph id -> path data, everything else): ``dvisvgm`` may list the glyph
    definitions of a file in another order, which changes no drawing."""
    text = svg.read_text(encoding="utf-8")
    return dict(DEF.findall(text)), DEF.sub("", text)


def configured(entry):
    scene = getattr(importlib.import_module(entry.module), entry.class_name)
    return type(scene.__name__, (scene,), {"catalog_entry": entry})


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """Per scene: the strings its dry pass recorded, the batch folder and the folder of
    the same strings compiled one by one by Manim."""
    root = tmp_path_factory.mktemp("texbatch")
    out = {}
    for entry in (*CARDS, *SCENES):
        batch, single = root / entry.id / "batch", root / entry.id / "single"
        common = {"quality": "low_quality", "media_dir": str(root / entry.id),
                  "disable_caching": True, "progress_bar": "none", "verbosity": "ERROR"}
        with tempconfig({**common, "tex_dir": str(batch)}):
            requests = prepare(configured(entry))
            missing = [r[0] for r in requests
                       if not generate_tex_file(*r).with_suffix(".svg").exists()]
        with tempconfig({**common, "tex_dir": str(single)}):
            singles = {r[0]: tex_to_svg_file(*r) for r in requests}
        out[entry.id] = (requests, missing, batch, singles)
    return out


def test_every_string_batched_draws_what_manim_compiles_alone(compiled):
    checked = 0
    for scene_id, (_, missing, batch, singles) in compiled.items():
        assert not missing, f"{scene_id}: not cached after the batch: {missing}"
        for string, single in singles.items():
            assert drawing(batch / single.name) == drawing(single), f"{scene_id}: {string!r}"
            checked += 1
    assert checked >= 200  # the lecture typesets about 256 strings


def test_most_batched_files_have_the_bytes_of_single_ones(compiled):
    pairs = [(batch / single.name, single) for _, _, batch, singles in compiled.values()
             for single in singles.values()]
    same = sum(a.read_bytes() == b.read_bytes() for a, b in pairs)
    assert same >= 0.9 * len(pairs)


def test_the_dry_pass_records_each_card_equation(compiled):
    for section in SECTIONS:
        requests = compiled[f"card_{section.id}"][0]
        assert any(section.equation in r[0] for r in requests)  # Manim wraps it in a group


def test_placeholders_stay_in_the_dry_pass(compiled):
    from scenes.theme.panel import Readout

    # The real render's glyph table would be built from a placeholder (KeyError at -q h).
    assert not Readout._glyphs


def test_a_latex_error_leaves_the_strings_to_manim(tmp_path):
    template = config["tex_template"]
    requests = [("x^2", "align*", template), (r"\frac{1}{", "align*", template)]
    assert compile_batch(requests, tmp_path) == 0
    assert not list(tmp_path.glob("*.svg"))
