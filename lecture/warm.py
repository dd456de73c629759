"""A warm process that forks workers, so a render or a preview does not import Manim again.

A preview's own work is a second or two, a title card's not much more; a new worker
process spends as long again importing Manim, SciPy and torch. The first job of a process
(the studio, the Python API, the command line) starts ``python -m lecture.warm``, or the
planner does (:func:`start`) before it computes the numbers of the scenes about to render.
It imports those libraries once and then forks one child per job: the child runs the
worker exactly as ``python -m lecture.worker`` would (its own process group, the job's
environment, its log), in a copy of the warm process. Only libraries are imported before
the fork; the project's own modules (lecture, scenes, compute) are imported by each child,
so an edited scene is previewed as edited.

The warm process reads one job a line on its stdin, answers with the child's pid on its
stdout, and writes each child's exit status to ``<work>/exit`` (the runner is not the
child's parent, so it cannot wait for it). It is stopped when its parent exits (atexit;
else its stdin closes), and each child dies with it (PR_SET_PDEATHSIG, as a worker dies with the runner).
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

__all__ = ["Forked", "spawn", "start", "stop"]

PRELOAD = ("manim", "scipy.stats", "PIL.Image")
"""Imported before the first fork: every preview needs them."""
IDLE_PRELOAD = ("torch",)
"""Imported while no preview runs (half the scenes need it; a one-shot command line
preview is over before it would matter)."""
IDLE_SECONDS = 1.0
"""How long no job may run and none be asked for before IDLE_PRELOAD is imported: a run
with one worker asks for its next job a moment after the last one ended, and an import
then (torch: 1-2 s) would hold that job up."""
EXIT_NAME = "exit"  # in the job's work folder: the child's exit status
_server: subprocess.Popen | None = None
_lock = threading.Lock()


class Forked:
    """The runner's handle on a forked worker: the part of ``subprocess.Popen`` it uses."""

    def __init__(self, pid: int, work: Path, server: subprocess.Popen) -> None:
        self.pid, self.work, self.server = pid, work, server
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = int((self.work / EXIT_NAME).read_text())
            except (OSError, ValueError):
                if self.server.poll() is not None:  # killed with the server, unreported
                    self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode


def spawn(payload: dict[str, Any], env: dict[str, str], cwd: Path,
          preload: tuple[str, ...] = ()) -> Forked:
    """Run ``python -m lecture.worker`` on ``payload`` as a fork of the warm process
    (started now if this process has none, or if it died), once it has imported
    ``preload`` too (what this job needs beyond PRELOAD: imported once, for every job)."""
    with _lock:  # the studio previews from several threads: one question, one answer
        server = _running(env, cwd)
        payload = {**payload, "parent": server.pid}  # the child dies with its parent
        server.stdin.write(json.dumps({"payload": payload, "env": env, "cwd": str(cwd),
                                       "preload": list(preload)}) + "\n")
        server.stdin.flush()
        answer = server.stdout.readline()
        if not answer:
            raise OSError(f"the warm preview process exited ({server.wait()})")
        return Forked(int(answer), Path(payload["work"]), server)


def start(env: dict[str, str], cwd: Path) -> None:
    """Start this process's warm process now, if it has none running, with the environment
    and folder its workers will have: it imports PRELOAD while the caller goes on (the
    planner computing the scenes' numbers), not when the first job is asked for."""
    with _lock:
        _running(env, cwd)


def _running(env: dict[str, str], cwd: Path) -> subprocess.Popen:
    """This process's warm process, started now if it has none or it died (under _lock)."""
    global _server
    if _server is None or _server.poll() is not None:
        _server = subprocess.Popen([sys.executable, "-m", "lecture.warm"], cwd=cwd, env=env,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True, process_group=0)
        atexit.register(_stop, _server)
    return _server


def stop() -> None:
    """Stop this process's warm process now; the next :func:`spawn` starts another. Once
    stopped and waited for, the CPU time of the workers it forked counts among this
    process's children (``RUSAGE_CHILDREN``: bench/qh.py)."""
    global _server
    with _lock:
        if _server is not None:
            _stop(_server)
            _server = None


def _stop(server: subprocess.Popen) -> None:
    """At this process's exit: stop the warm process now, not when it next reads its
    stdin (it may be importing torch, holding the terminal's output open meanwhile)."""
    if server.poll() is None:
        server.terminate()
        server.wait()


def _child(request: dict[str, Any]) -> int:
    """In the forked child: become ``python -m lecture.worker PAYLOAD``."""
    os.setpgid(0, 0)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = ["lecture.worker", json.dumps(request["payload"])]
    from lecture import worker

    return worker.main()


def _import(name: str) -> None:
    try:
        importlib.import_module(name)
    except ImportError:  # the child meets it, and says so in its log
        pass


def _serve() -> None:
    """Fork a worker per job line until stdin closes (the parent exited, however it did:
    not PR_SET_PDEATHSIG, which follows the thread that started us, and the studio starts
    previews from threads that come and go)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides, as for a worker
    for name in PRELOAD:
        importlib.import_module(name)
    children: dict[int, Path] = {}
    preload = list(IDLE_PRELOAD)
    served = False  # started ahead of its first job (start()): that job comes first
    while True:
        idle = bool(preload) and served and not children
        ready, _, _ = select.select([sys.stdin], [], [], IDLE_SECONDS if idle else 0.05)
        if ready:
            line = sys.stdin.readline()
            if not line:
                return
            request, served = json.loads(line), True
            for name in request.get("preload", ()):
                _import(name)
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    code = _child(request)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(code)
            try:
                os.setpgid(pid, pid)  # also here: the runner may signal the group at once
            except OSError:  # the child did it first, or has already exited
                pass
            children[pid] = Path(request["payload"]["work"])
            print(pid, flush=True)
        elif idle:  # nothing ran or was asked for in IDLE_SECONDS
            _import(preload.pop(0))
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            from lecture.staging import write_whole

            try:
                write_whole(children.pop(pid) / EXIT_NAME, str(os.waitstatus_to_exitcode(status)))
            except OSError:  # the folder is gone: the runner stopped waiting
                pass


if __name__ == "__main__":
    _serve()
