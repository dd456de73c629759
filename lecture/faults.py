"""Test-only pause and crash points, opened by the environment variable LECTURE_TEST_FAULT.

Tests must not guess with ``sleep`` when a render has reached a given moment. Instead they
set ``LECTURE_TEST_FAULT=pause:<point>`` (or ``crash:<point>``); when a process reaches
``checkpoint(<point>)`` it writes its pid into ``<folder>/at-<point>`` and then waits until
it is signalled (or raises, for ``crash``; or raises the OSError of a full disk, for
``enospc``). The test waits for that file to appear and then
acts: kills the process, sends Ctrl-C, and so on. Without the variable a checkpoint costs
one dictionary look-up.

Points: ``frames`` (a scene has played some animations: partial movie files exist),
``render`` (a worker is about to render), ``commit`` (the first output file has been moved
into place, the others not yet), ``plan`` (the parent is computing a scene's numbers
before anything renders) and ``compute`` (any process is about to compute a scene's
numbers: ``crash:compute`` in a worker's environment shows that it computes nothing).
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

__all__ = ["WORK_DIR_VARIABLE", "checkpoint"]

VARIABLE = "LECTURE_TEST_FAULT"
ONCE_VARIABLE = "LECTURE_TEST_FAULT_ONCE"
WORK_DIR_VARIABLE = "LECTURE_WORK_DIR"
"""Set by the worker to its private folder, where a scene's checkpoint writes its marker."""


def checkpoint(point: str, folder: Path | None = None) -> None:
    """Pause or crash here if LECTURE_TEST_FAULT asks for this point; else do nothing.

    With LECTURE_TEST_FAULT_ONCE set to a file's path, the fault fires only while that file
    does not exist, and the pause writes its marker there (a render on a Dask worker has no
    folder the test can see, and its retry must not pause again).
    """
    action, _, wanted = os.environ.get(VARIABLE, "").partition(":")
    if wanted != point:
        return
    once = os.environ.get(ONCE_VARIABLE)
    if once and Path(once).exists():
        return
    if action == "crash":
        raise RuntimeError(f"fault injected at '{point}' (LECTURE_TEST_FAULT)")
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder or Path.cwd()))
    if action == "pause":
        marker = Path(once) if once else Path(folder or os.environ[WORK_DIR_VARIABLE]) / f"at-{point}"
        partial = marker.with_name(marker.name + ".partial")
        partial.write_text(str(os.getpid()))
        os.replace(partial, marker)  # whole, so a reader never sees an empty pid
        while True:
            signal.pause()  # until a signal ends this process (or its handler raises)
