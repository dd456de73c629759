"""lecture/catalog.py: each scene's facts live once, and every other place agrees with them."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from lecture.catalog import CARDS, SCENES, SECTIONS, entry, resolve_targets
from lecture.params import ParamError

ROOT = Path(__file__).resolve().parents[2]


def test_ids_numbers_and_sections_are_those_of_the_spec():
    assert [s.number for s in SCENES] == list(range(1, len(SCENES) + 1))
    assert len({s.id for s in SCENES}) == len(SCENES)
    order = [s.id for s in SECTIONS]
    assert [order.index(s.section) for s in SCENES] == sorted(order.index(s.section)
                                                              for s in SCENES)
    assert [s.code for s in SECTIONS] == [f"D.{i}" for i in range(1, len(SECTIONS) + 1)]


def test_scene_files_and_catalog_entries_match_one_to_one():
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "scenes").glob("*/*.py")
             if p.parent.name not in ("theme", "cards")
             and p.name not in ("__init__.py", "helpers.py")}
    assert files == {f"scenes/{s.section}/{s.id}.py" for s in SCENES}
    for scene in SCENES:
        tree = ast.parse((ROOT / f"scenes/{scene.section}/{scene.id}.py").read_text())
        classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        assert classes == [scene.class_name], scene.id
        strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
        assert scene.title not in strings and scene.id not in strings  # read, not retyped


@pytest.mark.parametrize("scene", SCENES, ids=[s.id for s in SCENES])
def test_each_scene_class_finds_its_own_entry(scene):
    from scenes.theme.base import scene_entry

    module = importlib.import_module(scene.module)
    scene_class = getattr(module, scene.class_name)
    assert scene_entry(scene_class) is scene
    rendered = type(scene_class.__name__, (scene_class,), {"params": scene.params()})
    assert scene_entry(rendered) is scene  # the subclass the pipeline makes


def test_every_scene_resolves_its_defaults_and_names_itself_in_refusals():
    for scene in SCENES:
        params = scene.resolve({})
        assert params == scene.params() and params.is_default()
    with pytest.raises(ParamError) as refused:
        entry("mc_mean_convergence").resolve({"n_min": 500, "n_max": 100})
    assert str(refused.value) == "mc_mean_convergence.n_max = 100: must be an integer > n_min (500)"


def test_targets_are_scenes_or_sections_in_lecture_order():
    assert [s.id for s in resolve_targets(["cov_tanh", "monte_carlo"])] == [
        "mc_mean_convergence", "mc_nonlinear_expectation", "mc_concentration", "cov_tanh"]
    with pytest.raises(KeyError):
        resolve_targets(["no_such_scene"])


def test_every_card_is_drawn_by_the_title_card_scene():
    from scenes.cards.title_card import TitleCard

    assert [c.id for c in CARDS] == ["card_lecture", *(f"card_{s.id}" for s in SECTIONS)]
    assert {(c.module, c.class_name) for c in CARDS} == {(TitleCard.__module__, "TitleCard")}
    assert [c.title for c in CARDS[1:]] == [s.heading for s in SECTIONS]
    assert [e.id for e in resolve_targets(["cards"])] == [c.id for c in CARDS]
    assert resolve_targets([])[:len(CARDS)] == list(CARDS)
