"""lecture/staging.py: a clip's files move in all together, or not at all."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lecture.staging import WorkFolder, clean_stale, commit, recover, write_changed

STEM = "03_mc_concentration"


def write(folder, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)


def contents(folder) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


@pytest.fixture
def earlier(tmp_path):
    """An output folder holding an earlier render, with captions the new one lacks."""
    out = tmp_path / "lecture" / "480p15" / "monte_carlo"
    write(out, {f"{STEM}{s}": f"old {s}" for s in (".mp4", ".png", ".srt", ".vtt", ".json")})
    write(out, {"01_mc_mean_convergence.mp4": "a neighbour"})
    return out


def staged(work) -> None:
    write(work / "out", {f"{STEM}{s}": f"new {s}" for s in (".mp4", ".png", ".json")})


def test_commit_moves_every_file_and_removes_what_the_new_render_lacks(tmp_path, earlier):
    work = WorkFolder.create(tmp_path / ".work", STEM)
    staged(work.path)
    written = commit(work.path / "out", earlier, work.path)
    work.release()
    assert [p.name for p in written] == [f"{STEM}.mp4", f"{STEM}.png", f"{STEM}.json"]
    assert contents(earlier) == {"01_mc_mean_convergence.mp4": "a neighbour",
                                 f"{STEM}.json": "new .json", f"{STEM}.mp4": "new .mp4",
                                 f"{STEM}.png": "new .png"}
    assert not work.path.exists()


def test_a_commit_cut_short_is_rolled_back_to_the_earlier_files(tmp_path, earlier, monkeypatch):
    before = contents(earlier)
    work = WorkFolder.create(tmp_path / ".work", STEM)
    staged(work.path)
    monkeypatch.setenv("LECTURE_TEST_FAULT", "crash:commit")
    with pytest.raises(RuntimeError, match="fault injected at 'commit'"):
        commit(work.path / "out", earlier, work.path)
    assert (earlier / f"{STEM}.mp4").read_text() == "new .mp4"  # half done...
    work.release()
    assert contents(earlier) == before  # ...and undone
    assert not work.path.exists()


def test_a_first_render_cut_short_leaves_no_files(tmp_path, monkeypatch):
    out = tmp_path / "lecture"
    work = WorkFolder.create(tmp_path / ".work", STEM)
    staged(work.path)
    monkeypatch.setenv("LECTURE_TEST_FAULT", "crash:commit")
    with pytest.raises(RuntimeError):
        commit(work.path / "out", out, work.path)
    recover(work.path)
    assert list(out.iterdir()) == []


def test_clean_stale_recovers_abandoned_folders_and_leaves_live_ones(tmp_path, earlier,
                                                                    monkeypatch):
    before = contents(earlier)
    root = tmp_path / ".work"
    abandoned = WorkFolder.create(root, STEM)
    staged(abandoned.path)
    monkeypatch.setenv("LECTURE_TEST_FAULT", "crash:commit")
    with pytest.raises(RuntimeError):
        commit(abandoned.path / "out", earlier, abandoned.path)
    os.close(abandoned.lock_fd)  # its owner died without cleaning up
    live = WorkFolder.create(root, "01_mc_mean_convergence")
    clean_stale(root)
    assert contents(earlier) == before
    assert not abandoned.path.exists()
    assert live.path.exists()  # locked by a running render
    with pytest.raises(BlockingIOError):  # and still locked
        fcntl.flock(os.open(live.path / "lock", os.O_RDONLY), fcntl.LOCK_EX | fcntl.LOCK_NB)
    live.release()
    assert list(root.iterdir()) == []


def test_a_folder_whose_worker_lives_on_is_not_stale(tmp_path):
    """A worker forked from the warm process holds its own lock: when its runner is gone
    but it still runs, its folder stays; when it ends too, the folder is cleaned."""
    root = tmp_path / ".work"
    work = WorkFolder.create(root, STEM)
    worker = subprocess.Popen([sys.executable, "-c", "import sys; from pathlib import Path; "
                               "from lecture.staging import WORKER_LOCK, hold; "
                               f"hold(Path({str(work.path)!r}) / WORKER_LOCK); print('held', "
                               "flush=True); sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    assert worker.stdout.readline() == "held\n"
    os.close(work.lock_fd)  # the runner died
    clean_stale(root)
    assert work.path.exists()
    worker.communicate("")  # the worker ends
    clean_stale(root)
    assert list(root.iterdir()) == []


def test_write_changed_leaves_a_file_that_would_not_change_alone(tmp_path):
    page = tmp_path / "index.html"
    assert write_changed(page, "<p>é</p>") and page.read_bytes() == "<p>é</p>".encode()
    os.utime(page, ns=(1, 1))  # so a rewrite, however quick, shows in the time
    assert not write_changed(page, "<p>é</p>".encode()) and page.stat().st_mtime_ns == 1
    assert write_changed(page, "<p>e</p>") and page.read_text(encoding="utf-8") == "<p>e</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]  # no partial left
