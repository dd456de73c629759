"""Dry-run scenes with their defaults in this process's theme, the layout gate strict.

    LECTURE_THEME=light python -m tests.scenes.dry_run [SCENE_ID ...]

Prints one line per scene, ``<id> ok`` or ``<id> FAILED <message>``; exit 1 if any failed.
A theme is chosen when the palette is first imported, so each theme needs its own process.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile

from lecture.catalog import CARDS, SCENES


def dry_run(entry, media: str, params=None) -> None:
    """Play ``entry``'s scene with its defaults (or ``params``), writing no frame."""
    from manim import tempconfig

    scene_class = getattr(importlib.import_module(entry.module), entry.class_name)
    extra = {"params": params} if params is not None else {}
    configured = type(scene_class.__name__, (scene_class,), {"catalog_entry": entry, **extra})
    with tempconfig({"dry_run": True, "quality": "low_quality", "disable_caching": True,
                     "media_dir": media, "verbosity": "ERROR", "progress_bar": "none"}):
        configured().render()


def main(ids: list[str]) -> int:
    os.environ["LECTURE_LAYOUT_GATE"] = "strict"
    failed = 0
    with tempfile.TemporaryDirectory() as media:
        for entry in (e for e in (*CARDS, *SCENES) if not ids or e.id in ids):
            try:
                dry_run(entry, media)
                print(f"{entry.id} ok", flush=True)
            except Exception as exc:  # the gate's LayoutError, or any other failure
                failed += 1
                print(f"{entry.id} FAILED {type(exc).__name__}: {exc}".replace("\n", " "),
                      flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
