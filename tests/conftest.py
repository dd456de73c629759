"""Fixtures shared by every test folder: caches kept between runs, and one dry run of every
scene per theme.

Typesetting formulas and synthesising speech were most of the suite's time: every test that
renders does so into a media folder of its own, and each folder typeset and spoke the same
lines again. The caches are content-addressed (a file is named by the hash of the formula and
template, or the voice, its version and the text), so sharing them changes no output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.lecture import rendering


SHARED_FIXTURES = ("lecture", "dry_runs")
"""Session fixtures that render for a minute or more: every test that uses one (directly or
through another fixture) runs on the same worker, so each is made once per run."""


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group the tests for ./test.sh's two workers (``--dist loadgroup``): the tests of each
    SHARED_FIXTURES entry together, in order (several write into the rendered lecture and
    check it again, so they must not interleave with another worker's), and every other
    test with its module (its module-scoped fixtures are then made once). The groups of the
    shared fixtures come first, so the longest one starts at once; within a group the order
    is the collection's."""
    groups = {item: worker_group(item.fixturenames, item.module.__name__) for item in items}
    items.sort(key=lambda item: group_rank(groups[item]))  # stable
    for item in items:
        item.add_marker(pytest.mark.xdist_group(groups[item]))


def worker_group(fixtures: list[str], module: str) -> str:
    """The xdist group of a test that uses ``fixtures`` (all of them, through other
    fixtures too) and is defined in ``module``."""
    return next((name for name in SHARED_FIXTURES if name in fixtures), module)


def group_rank(group: str) -> int:
    """Where a group's tests go in the run: the shared fixtures' groups first, in order."""
    return SHARED_FIXTURES.index(group) if group in SHARED_FIXTURES else len(SHARED_FIXTURES)


@pytest.fixture(scope="session", autouse=True)
def shared_caches(request) -> Path:
    """The folder of formulas, Pango texts and speech every render of this session starts
    with and adds to (tests/lecture/rendering.py ``render``), in pytest's cache folder."""
    from lecture.pipeline import default_media

    rendering.SHARED = request.config.cache.mkdir("render-caches")
    rendering.share_caches(default_media(), rendering.SHARED)  # the project's, only read
    yield rendering.SHARED
    rendering.SHARED = None


@dataclass(frozen=True)
class DryRuns:
    """Every title card and scene dry-run with its defaults in one theme, gate strict."""

    returncode: int
    lines: list[str]  # "<id> ok" or "<id> FAILED <message>"
    stderr: str
    narration: list[tuple[str, str, str | None]]  # (scene id, line, spoken override)


@pytest.fixture(scope="session")
def dry_runs(tmp_path_factory, shared_caches) -> dict[str, DryRuns]:
    """tests/scenes/dry_run.py over every scene, one process per theme (a theme is chosen
    when the palette is imported), both at once. The gate of each theme
    (tests/scenes/test_themes.py) and the spoken form of every line (test_spoken.py) read
    this one run instead of playing every scene again each."""
    from scenes.theme.palette import PALETTES

    started = {}
    for theme in sorted(PALETTES):
        folder = tmp_path_factory.mktemp(f"dry-run-{theme}")
        rendering.share_caches(shared_caches, folder)  # a folder each: Manim's scratch
        out, err = (folder / "stdout").open("w"), (folder / "stderr").open("w")  # files race
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.scenes.dry_run", "--tex", str(folder / "Tex"),
             "--narration", str(folder / "narration.json")], cwd=rendering.ROOT,
            stdout=out, stderr=err, env={**os.environ, "LECTURE_THEME": theme})
        started[theme] = (folder, process, out, err)
    runs = {}
    for theme, (folder, process, out, err) in started.items():
        code = process.wait(timeout=1800)
        out.close()
        err.close()
        rendering.share_caches(folder, shared_caches)
        narration = folder / "narration.json"
        runs[theme] = DryRuns(
            code, [line for line in (folder / "stdout").read_text().splitlines() if line.strip()],
            (folder / "stderr").read_text(),
            [tuple(item) for item in json.loads(narration.read_text())] if narration.exists()
            else [])
    return runs
