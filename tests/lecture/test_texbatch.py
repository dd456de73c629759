"""LaTeX in batches (lecture/texbatch.py): the lecture's declared strings compiled in one
batch draw what Manim compiles alone, and a scene finds every string it asks for there.

The batch is compiled once for the module. Manim's own one-by-one compile (the reference)
is run for a sample: each card's equation and every seventh declared string; set
``LECTURE_TEX_ALL=1`` to compare every string and to check every scene, not a sample.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from manim import config, tempconfig
from manim.utils import tex_file_writing
from manim.utils.tex_file_writing import compile_tex, convert_to_svg, tex_hash

from lecture.catalog import CARDS, SCENES, SECTIONS
from lecture.texbatch import (MANIFEST, in_child, compile_batch, declared, quiet, scene_strings,
                              tex_name, warm)

ALL = os.environ.get("LECTURE_TEX_ALL") == "1"
EVERY = (*CARDS, *SCENES)
CHECKED_SCENES = {e.id for e in EVERY} if ALL else {
    *(e.id for e in CARDS), "mc_mean_convergence", "diff_nn_linearization"}
DEF = re.compile(r"<path id='([^']+)' d='([^']*)'/>")


def drawing(svg: Path) -> tuple[dict[str, str], str]:
    """An SVG as (glyph id -> path data, everything else): ``dvisvgm`` lists the glyph
    definitions of a page of the batch font by font in the batch's order of fonts, which
    can differ from a single file's (in about one file of ten); the glyphs, their paths
    and every use of them are the same."""
    text = svg.read_text(encoding="utf-8")
    return dict(DEF.findall(text)), DEF.sub("", text)


def configured(entry):
    """The scene class of ``entry`` with its numbers computed here, before any fork: a
    child forked after this process ran torch must not run torch (its thread pool is not
    in the child, and the child would wait for it forever)."""
    scene = getattr(importlib.import_module(entry.module), entry.class_name)
    return type(scene.__name__, (scene,), {"catalog_entry": entry,
                                           "planned_result": entry.computed(entry.params())})


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """The Tex folder a run of the whole lecture fills before its workers start."""
    tex_dir = tmp_path_factory.mktemp("batch")
    assert warm([e.id for e in EVERY], tex_dir) == len(declared(e.id for e in EVERY))
    return tex_dir


def alone(texcode: str, folder: Path) -> Path:
    """``texcode`` compiled by itself, by the functions Manim's ``tex_to_svg_file`` calls."""
    tex = folder / (tex_hash(texcode) + ".tex")
    tex.write_text(texcode, encoding="utf-8")
    return convert_to_svg(compile_tex(tex, "latex", ".dvi"), ".dvi")


def test_the_lecture_declares_its_strings():
    texcodes = declared(e.id for e in EVERY)
    assert len(texcodes) >= 200  # the lecture typesets about 256 strings
    for section in SECTIONS:  # each card's key equation, inside Manim's group wrapper
        assert any(section.equation in t for t in declared([f"card_{section.id}"]))
    assert all(tex_name(t) == tex_hash(t) + ".svg" for t in texcodes)  # Manim's names


def test_batched_strings_draw_what_manim_compiles_alone(batch, tmp_path):
    texcodes = declared(e.id for e in EVERY)
    cards = declared(e.id for e in CARDS)
    sample = texcodes if ALL else list(dict.fromkeys([*cards, *texcodes[::7]]))
    with tempconfig({"tex_dir": str(tmp_path), "verbosity": "ERROR"}):
        singles = {texcode: alone(texcode, tmp_path) for texcode in sample}
    for texcode, single in singles.items():  # the same bytes but for the definitions' order
        assert drawing(batch / tex_name(texcode)) == drawing(single), texcode
    assert len(singles) >= (len(texcodes) if ALL else 35)


def compiled_alone(scene_class, tex_dir: Path) -> list[str]:
    """The ``.tex`` texts Manim compiles by itself while ``scene_class`` plays with animations
    skipped, ``tex_dir`` its Tex folder (run in a forked child, so class-level glyph
    tables filled here do not hide strings from the other tests)."""
    compiled = []
    original = tex_file_writing.compile_tex

    def compile_alone(tex_file, *args):
        compiled.append(tex_file.read_text(encoding="utf-8"))
        return original(tex_file, *args)

    tex_file_writing.compile_tex = compile_alone
    with quiet(), tempconfig({"tex_dir": str(tex_dir), "dry_run": True, "quality": "low_quality",
                              "progress_bar": "none", "disable_caching": True}):
        scene_class(skip_animations=True).render()
    return compiled


@pytest.mark.parametrize("scene_id", sorted(CHECKED_SCENES))
def test_a_scene_finds_every_string_it_asks_for_in_the_batch(batch, scene_id):
    """Manim compiles nothing for a scene played after the batch: the list is current."""
    entry = next(e for e in EVERY if e.id == scene_id)
    assert in_child(compiled_alone, configured(entry), batch) == [], \
        f"{scene_id}: not in {MANIFEST.name}; run python -m lecture.texbatch"


def test_the_dry_pass_records_what_the_list_declares(tmp_path):
    entry = next(e for e in SCENES if e.id == "mc_mean_convergence")
    with tempconfig({"tex_dir": str(tmp_path / "Tex"), "media_dir": str(tmp_path),
                     "quality": "low_quality", "verbosity": "ERROR"}):
        recorded = scene_strings(configured(entry))
    assert recorded == declared([entry.id])
    from scenes.theme.panel import Readout

    # Placeholders stay in the forked dry pass: a glyph table built from one here would
    # break a later render (KeyError at -q h on an empty Tex cache).
    assert not Readout._glyphs


def test_a_latex_error_leaves_the_strings_to_manim(tmp_path):
    template = config["tex_template"]
    requests = [("x^2", "align*", template), (r"\frac{1}{", "align*", template)]
    assert compile_batch(requests, tmp_path) == 0
    assert not list(tmp_path.glob("*.svg"))


def test_without_a_list_nothing_is_batched(tmp_path):
    assert declared(["mc_mean_convergence"], tmp_path / "missing.json") == []
    assert declared(["no_such_scene"]) == []
    assert warm(["no_such_scene"], tmp_path / "Tex") == 0


def test_a_warm_cache_is_checked_without_manim(batch):
    code = ("import sys; from pathlib import Path; from lecture.texbatch import warm; "
            f"n = warm({[e.id for e in EVERY]!r}, Path({str(batch)!r})); "
            "print(n, 'manim' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[2]).stdout
    assert out.split() == ["0", "False"]
