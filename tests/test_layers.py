"""The import graph points down only: compute/ <- lecture/ <- scenes/.

Read statically from every project file (imports inside functions count too):
- compute/ imports nothing of lecture/ or scenes/, and never Manim;
- lecture/ never imports scenes/ or Manim at module level; the worker, the one process
  that renders, loads a scene by name (importlib), and the catalog's names say which;
- scenes/ import the catalog, parameters and test points of lecture/, never its machinery
  (command line, jobs, runner, staging, worker);
- the assembly of the lecture and other tools read sidecars, never scenes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# lecture.voice: narrate() speaks each line and waits for its speech (issue 18)
SCENE_MAY_USE = {"lecture.catalog", "lecture.params", "lecture.faults", "lecture.voice"}


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", files("compute"), ids=lambda p: p.name)
def test_compute_is_the_bottom_layer(path):
    bad = {m for m in imports(path) if m.split(".")[0] in ("lecture", "scenes", "manim")}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", files("lecture"), ids=lambda p: p.name)
def test_lecture_never_imports_scenes(path):
    bad = {m for m in imports(path) if m.split(".")[0] == "scenes"}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    manim = {m for m in imports(path, top_level_only=True) if m.split(".")[0] == "manim"}
    assert not manim, f"{path.relative_to(ROOT)} imports Manim when it is imported"


@pytest.mark.parametrize("path", files("scenes"), ids=lambda p: str(p.relative_to(ROOT)))
def test_scenes_use_only_the_lecture_facts_not_its_machinery(path):
    used = {m for m in imports(path) if m.split(".")[0] == "lecture"}
    assert used <= SCENE_MAY_USE, f"{path.relative_to(ROOT)} imports {used - SCENE_MAY_USE}"


def test_scenes_of_one_section_do_not_import_another_section():
    for path in files("scenes"):
        parts = path.relative_to(ROOT).parts
        if len(parts) != 3 or parts[1] == "theme":
            continue
        section = parts[1]
        others = {m for m in imports(path) if m.startswith("scenes.")
                  and m.split(".")[1] not in (section, "theme")}
        assert not others, f"{path.relative_to(ROOT)} imports {others}"
