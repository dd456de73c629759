"""Fixtures of the lecture tests: one real render of the whole lecture at -q l, shared by
the tests that need clips, and a media folder in which nothing may render."""

from __future__ import annotations

from pathlib import Path

import pytest

from lecture import pipeline
from lecture.catalog import CARDS, SCENES
from tests.lecture.rendering import render


@pytest.fixture(scope="session")
def lecture(tmp_path_factory) -> Path:
    """A media folder holding every clip and card at 480p15, the joined lecture and the
    gallery: what `./render.sh -q l` leaves on a fresh machine."""
    media = tmp_path_factory.mktemp("shared") / "media"
    media.mkdir()
    run = render(media, "-j", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("rendered") == len(SCENES) + len(CARDS)
    assert "(joined)" in run.stdout and "gallery" in run.stdout
    return media


@pytest.fixture
def no_render(monkeypatch, tmp_path) -> Path:
    """Media in tmp_path; fail the test if any scene would render (bad input is refused
    before anything renders)."""
    monkeypatch.setenv("LECTURE_MEDIA_DIR", str(tmp_path))

    def refuse(jobs, *args, **kwargs):
        raise AssertionError(f"{jobs[0].scene.id} was rendered, but its parameters should be "
                             "refused")

    monkeypatch.setattr(pipeline, "render_locally", refuse)
    return tmp_path
