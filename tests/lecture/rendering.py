"""Helpers of the tests that render for real: run render.sh, find a clip's files."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from lecture.catalog import entry
from lecture.cluster import CACHES
from lecture.jobs import Job, plan_jobs

__all__ = ["ROOT", "alive", "case_ids", "chromium", "copy_clips", "digest", "outputs", "plan_low",
           "refusal", "render", "share_caches", "wait_for"]

ROOT = Path(__file__).resolve().parents[2]
QUALITY = "480p15"
SHARED: Path | None = None
"""The session's caches of typeset formulas, Pango texts and speech (tests/conftest.py sets
it to a folder in pytest's cache, kept between runs): each test renders into a media folder
of its own, and without these every one of them typeset and spoke the same lines again."""


def share_caches(source: Path, target: Path) -> None:
    """Copy the cached files of ``source`` (a media folder, or SHARED) that ``target`` lacks
    into it, each whole (copied beside, then renamed). Every file is named by the hash of
    what made it (formula and template, voice and text), so a copy is what would be made."""
    for folder, pattern in CACHES.items():
        for path in (source / folder).glob(pattern):
            copy = target / path.relative_to(source)
            if path.stem.endswith("_") or copy.exists():  # Manim's scratch files
                continue
            copy.parent.mkdir(parents=True, exist_ok=True)
            part = copy.with_name(f"{copy.name}.{os.getpid()}.part")  # two test workers
            shutil.copyfile(path, part)
            os.replace(part, copy)


def render(media: Path, *args: str, timeout: float = 900,
           shared: bool = True) -> subprocess.CompletedProcess:
    """./render.sh -q l run from the media folder's parent, which it names relatively; the
    media folder starts with the session's caches and gives back what it added to them
    (``shared=False``: a folder whose own cache is under test)."""
    if shared and SHARED is not None:
        share_caches(SHARED, media)
    run = subprocess.run([str(ROOT / "render.sh"), "-q", "l", *args], capture_output=True,
                         text=True, timeout=timeout, cwd=media.parent,
                         env={**os.environ, "LECTURE_MEDIA_DIR": media.name})
    if shared and SHARED is not None:
        share_caches(media, SHARED)
    return run


def outputs(media: Path, scene_id: str, stem: str | None = None) -> dict[str, Path]:
    scene = entry(scene_id)
    folder = media / "lecture" / QUALITY / scene.section
    return {ext: folder / f"{stem or scene.stem}.{ext}" for ext in
            ("mp4", "json", "srt", "vtt", "png", "storyboard.png", "txt", "chapters.vtt")}


def copy_clips(source: Path, target: Path, *targets: str) -> list[str]:
    """Copy into media folder ``target`` every output of the default-parameter clips that
    ``./render.sh TARGETS -q l`` renders, from media folder ``source`` (the session's
    rendered lecture), so that run finds them cached as a second run of its own would.
    Returns the ids copied."""
    ids = [job.scene.id for job in plan_jobs(list(targets), {}, "l", "mp4", source)]
    for scene_id in ids:
        for path in outputs(source, scene_id).values():
            copy = target / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
    return ids


def digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def wait_for(found, what: str, timeout: float = 180.0):
    """Poll until ``found()`` returns something (a file that appeared, a process gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"  # a zombie has finished


def refusal(capsys, target: str, *sets: str) -> str:
    """Run ``./render.sh TARGET -q l --set ...`` in this process, check that it was refused
    (exit status 2, one line) and return that line without its ``error: ``."""
    from lecture import cli

    argv = [target, "-q", "l"]
    for item in sets:
        argv += ["--set", item]
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    return err.removeprefix("error: ").removesuffix("\n")


def case_ids(cases) -> list[str]:
    """Test ids of ``(target, [--set values], ...)`` cases: the first value, cut short."""
    return [f"{sets[0].split('=')[0]}={sets[0].split('=', 1)[1][:24]}" for _, sets, *_ in cases]


def plan_low(target: str, overrides: dict, media: Path) -> list[Job]:
    """The jobs of ``./render.sh TARGET -q l`` with these overrides, into ``media``."""
    return plan_jobs([target], overrides, "l", "mp4", media)


def chromium(playwright):
    """Debian's chromium, headless, with its own calls home switched off (the tests record
    every request a page makes)."""
    import shutil

    return playwright.chromium.launch(
        executable_path=shutil.which("chromium") or "/usr/bin/chromium",
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"])
