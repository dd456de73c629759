"""Dry-run scenes with their defaults in this process's theme, the layout gate strict.

    LECTURE_THEME=light python -m tests.scenes.dry_run [SCENE_ID ...] [--tex DIR]
                                                     [--narration FILE]

Prints one line per scene, ``<id> ok`` or ``<id> FAILED <message>``; exit 1 if any failed.
``--tex`` keeps the typeset formulas in DIR (default: a scratch folder); ``--narration``
writes every (scene id, line, spoken override) the scenes narrate to FILE as JSON, so the
tests of the spoken form read the lines of this same run instead of playing every scene
again. A theme is chosen when the palette is first imported, so each theme needs its own
process.

Scenes play with Manim skipping animations: each play jumps to its animations' end state
and no frame is drawn. The gate looks at positions, colours and opacities at the end of
each narration block, which are the same as when every frame is drawn (the scenes' updaters
follow trackers, not elapsed time; tests/scenes/test_themes.py checks this on a scene with
a sweep), and drawing the frames was most of a dry run's time. Every frame of the defaults
is still played and drawn by the tests that render the lecture.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lecture.catalog import CARDS, SCENES


FRAMES = ("skipped", "computed", "drawn")


def dry_run(entry, media: str, params=None, tex_dir: str | None = None,
            frames: str = "skipped") -> Any:
    """Play ``entry``'s scene with its defaults (or ``params``), writing no frame. Its
    frames are ``skipped`` (each play jumps to its end state), ``computed`` (every
    animation and updater steps through every frame, and only Cairo's drawing is left
    out) or ``drawn``. Returns the played scene."""
    from manim import tempconfig

    assert frames in FRAMES, frames
    scene_class = getattr(importlib.import_module(entry.module), entry.class_name)
    extra = {"params": params} if params is not None else {}
    configured = type(scene_class.__name__, (scene_class,), {"catalog_entry": entry, **extra})
    with tempconfig({"dry_run": True, "quality": "low_quality", "disable_caching": True,
                     "media_dir": media, "tex_dir": tex_dir or f"{media}/Tex",
                     "verbosity": "ERROR", "progress_bar": "none"}):
        scene = configured(skip_animations=frames == "skipped")
        if frames == "computed":
            scene.renderer.update_frame = lambda *args, **kwargs: None
        scene.render()
    return scene


@contextmanager
def recording_narration() -> Iterator[list[tuple[str, str | None]]]:
    """Record (line, spoken override) of every ``narrate`` call: ``open_with`` and
    ``Sweep.play_to_end`` narrate through it too."""
    from scenes.theme.base import LectureScene

    original = LectureScene.narrate
    heard: list[tuple[str, str | None]] = []

    def narrate(self, line, spoken=None):
        heard.append((line, spoken))
        return original(self, line, spoken)

    LectureScene.narrate = narrate
    try:
        yield heard
    finally:
        LectureScene.narrate = original


def dry_run_all(ids: list[str], tex_dir: str | None = None
                ) -> tuple[list[tuple[str, str | None]], list[tuple[str, str, str | None]]]:
    """Dry-run the title cards and scenes named (all when ``ids`` is empty): a list of
    (id, failure message or None), and every (id, line, spoken override) narrated."""
    results, lines = [], []
    with tempfile.TemporaryDirectory() as media, recording_narration() as heard:
        for entry in (e for e in (*CARDS, *SCENES) if not ids or e.id in ids):
            try:
                dry_run(entry, media, tex_dir=tex_dir)
                results.append((entry.id, None))
            except Exception as exc:  # the gate's LayoutError, or any other failure
                results.append((entry.id, f"{type(exc).__name__}: {exc}".replace("\n", " ")))
            lines += [(entry.id, line, said) for line, said in heard]
            heard.clear()
    return results, lines


def main(argv: list[str]) -> int:
    os.environ["LECTURE_LAYOUT_GATE"] = "strict"
    options = {"--tex": None, "--narration": None}
    ids = []
    args = iter(argv)
    for arg in args:
        if arg in options:
            options[arg] = next(args)
        else:
            ids.append(arg)
    results, lines = dry_run_all(ids, options["--tex"])
    for scene_id, failure in results:
        print(f"{scene_id} ok" if failure is None else f"{scene_id} FAILED {failure}", flush=True)
    if options["--narration"]:
        Path(options["--narration"]).write_text(json.dumps(lines), encoding="utf-8")
    return 1 if any(failure for _, failure in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
