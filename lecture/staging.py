"""Private work folders and the all-or-nothing move of a clip's files into media/lecture/.

A render writes into its own folder under ``media/.work``; nothing in ``media/lecture/``
changes until every file of the clip is finished. Then :func:`commit` moves them in as one
transaction:

1. hard links of the files it will replace (or delete) go into ``<work>/backup``;
2. a journal naming every target is written (atomically);
3. each file is moved in with ``os.replace``, the sidecar last, and stale files of the
   same stem that this render does not produce (an old ``.srt``) are removed;
4. the journal is deleted: the transaction is done.

A process killed during step 3 leaves the journal behind. :func:`recover` (run by the
next render on every abandoned folder, and at once by the parent when a commit of its own
fails) puts the backups back, so an interrupted render leaves the earlier files exactly
as they were. A folder is abandoned when nobody holds the lock on its ``lock`` file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lecture import faults

__all__ = ["OUTPUT_SUFFIXES", "WORKER_LOCK", "WorkFolder", "clean_stale", "commit", "hold",
           "recover", "write_changed", "write_whole"]

OUTPUT_SUFFIXES = (".mp4", ".webm", ".gif", ".png", ".storyboard.png", ".srt", ".vtt",
                   ".chapters.vtt", ".txt", ".json")
"""Every file a render may write for a stem; a new render replaces or removes each one."""
ORPHAN_SECONDS = 3600  # a folder with no lock file yet is being created, unless this old


@dataclass
class WorkFolder:
    """A private folder under ``root`` whose lock is held while ``lock_fd`` is open."""

    path: Path
    lock_fd: int

    @classmethod
    def create(cls, root: Path, stem: str) -> WorkFolder:
        root.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=f"{stem}-", dir=root))
        lock_fd = os.open(path / "lock", os.O_CREAT | os.O_WRONLY, 0o644)
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        return cls(path, lock_fd)

    def release(self) -> None:
        """Remove the folder (rolling back a commit cut short) and drop the lock."""
        if self.lock_fd >= 0:
            recover(self.path)
            os.close(self.lock_fd)
            self.lock_fd = -1


def commit(staged: Path, out_dir: Path, work: Path) -> list[Path]:
    """Move every file in ``staged`` into ``out_dir`` as one transaction (sidecar last).

    Files of the same stem with another suffix in OUTPUT_SUFFIXES are removed. Returns the
    paths written.
    """
    files = sorted(staged.iterdir(), key=lambda p: (p.suffix == ".json", p.name))
    stem = files[-1].stem
    names = [f.name for f in files]
    stale = [stem + s for s in OUTPUT_SUFFIXES if stem + s not in names]
    targets = [n for n in names + stale if (out_dir / n).exists()]
    out_dir.mkdir(parents=True, exist_ok=True)
    backup = work / "backup"
    backup.mkdir()
    for name in targets:
        try:
            os.link(out_dir / name, backup / name)
        except OSError:  # a file system without hard links
            shutil.copy2(out_dir / name, backup / name)
    journal = {"out_dir": str(out_dir), "files": names + stale}
    write_whole(work / "journal.json", json.dumps(journal))
    for index, path in enumerate(files):
        os.replace(path, out_dir / path.name)
        if index == 0:
            faults.checkpoint("commit", work)
    for name in stale:
        (out_dir / name).unlink(missing_ok=True)
    (work / "journal.json").unlink()
    return [out_dir / n for n in names]


def recover(work: Path) -> None:
    """Undo a commit that did not finish (put the backups back), then remove ``work``."""
    journal = work / "journal.json"
    if journal.exists():
        record = json.loads(journal.read_text(encoding="utf-8"))
        out_dir = Path(record["out_dir"])
        for name in record["files"]:
            saved = work / "backup" / name
            if saved.exists():
                os.replace(saved, out_dir / name)
            else:  # the file did not exist before this render
                (out_dir / name).unlink(missing_ok=True)
        journal.unlink()
    shutil.rmtree(work, ignore_errors=True)


WORKER_LOCK = "worker.lock"
"""In a work folder, held by its worker for as long as it lives: a worker forked from the
warm process (lecture/warm.py) does not inherit the runner's ``lock``."""


def hold(path: Path) -> int:
    """Lock ``path`` (created) until the returned descriptor closes: at the latest, when
    this process ends, however it ends."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


@contextlib.contextmanager
def _taken(lock: Path) -> Iterator[bool]:
    """Whether this process could take ``lock`` at once (a missing file counts as free);
    if so, it holds it inside the ``with``."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        yield True
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        held = True
    else:
        held = False
    try:
        yield not held
    finally:
        os.close(fd)


def clean_stale(root: Path) -> None:
    """Recover and remove every folder under ``root`` whose owner is gone (neither its
    runner nor its worker holds its lock)."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        lock = folder / "lock"
        if not lock.exists():
            if time.time() - folder.stat().st_mtime > ORPHAN_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
            continue
        with _taken(folder / WORKER_LOCK) as free:
            if not free:
                continue  # its worker still runs, though its runner is gone
        with _taken(lock) as ours:
            if ours:  # else a live render owns it
                recover(folder)


def write_whole(path: Path, data: bytes | str) -> None:
    """Write ``path`` whole or not at all: into ``<name>.partial`` beside it, then renamed
    over it, so a reader never sees half a file (text is written as UTF-8). If writing
    fails (a full disk), the partial file is removed and the error raised."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_changed(path: Path, data: bytes | str) -> bool:
    """:func:`write_whole`, unless ``path`` already holds exactly ``data``: a re-run that
    changed nothing leaves the file (and its modification time) alone. True if written."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == content:
            return False
    except OSError:
        pass
    write_whole(path, content)
    return True
