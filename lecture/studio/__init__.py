"""``./render.sh --studio``: a local web page to pick a scene, set its parameters on a form,
preview it, render it and copy the command line that does the same.

The server binds 127.0.0.1 on a free port, prints its address on one line, opens a browser
when there is a display, and runs until Ctrl-C. It is a thin layer over the planning of
``./render.sh`` (lecture.pipeline); see :mod:`lecture.studio.app`.
"""

from __future__ import annotations

import os
import socket
import sys
import webbrowser
from pathlib import Path

__all__ = ["serve"]


def has_display() -> bool:
    """A browser window can open: a desktop session (X11, Wayland) or macOS / Windows."""
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def serve(media: Path, open_browser: bool = True) -> int:
    """Serve the studio for ``media`` until interrupted; exit status 0."""
    import uvicorn

    from lecture.studio.app import Studio

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # a free port, chosen by the system, on loopback only
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"

    class Announced(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            print(f"studio    {url}  (Ctrl-C stops it)", flush=True)  # now it answers
            if open_browser and has_display():
                webbrowser.open(url)

    server = Announced(uvicorn.Config(Studio(media, port), lifespan="off", log_level="warning"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stops cleanly, then raises the Ctrl-C it caught
        pass
    print("studio    stopped", flush=True)
    return 0
