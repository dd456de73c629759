"""The studio's web app: a thin Starlette layer over lecture.pipeline.

Every value is checked by :func:`lecture.pipeline.plan`, the planning of ``./render.sh``
and ``lecture.render``; the page shows its one-line message beside the field it names.
Previews go through :func:`lecture.previews.preview`, renders through
:func:`lecture.pipeline.execute` on one background thread, so renders run one after
another (they share the machine's cores and rewrite one gallery): a second render of a
scene that is queued or rendering is refused with a message (409), another scene's waits
in the queue.

Safety: a request whose Host is not the address the server bound is refused (400: a web
page cannot reach the studio by DNS rebinding), as is a POST from another origin (403);
files are served from inside the media folder only, and bodies and values are capped.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lecture.catalog import SCENES, SECTIONS, nearest_ids
from lecture.jobs import Job, UsageError
from lecture.params import ParamError, show
from lecture.pipeline import Request, Result, execute, plan
from lecture.previews import preview, preview_file
from lecture.progress import Progress
from lecture.studio.forms import command, overrides, scene_form, toml_table

__all__ = ["MAX_BODY", "QUALITIES", "Studio"]

STATIC = Path(__file__).with_name("static")
MAX_BODY = 64 * 1024  # bytes of one request: a form is a few hundred
QUALITIES = ("l", "m", "h")


class Refused(Exception):
    """Bad input: an HTTP status and the one-line message, naming a field when it can."""

    def __init__(self, status: int, message: str, field: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field, self.extra = status, message, field, extra or {}

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"field": self.field, "message": self.message},
                             **self.extra}, self.status)


@dataclass
class Checked:
    """A form that passed the checks: what to run, and how to say it on the command line."""

    request: Request
    jobs: list[Job]
    command: str
    toml: str


@dataclass
class Render:
    """One render's state as the page polls it."""

    scene: str
    stem: str
    quality: str
    state: str = "queued"  # queued, rendering, done, cached, failed
    frames: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0
    message: str = ""
    clip: str = ""
    captions: str = ""
    poster: str = ""

    @property
    def busy(self) -> bool:
        return self.state in ("queued", "rendering")


class Studio:
    """The app for one media folder, answering only to ``127.0.0.1:<port>``."""

    def __init__(self, media: Path, port: int) -> None:
        self.media = media.resolve()
        self.origin = f"http://127.0.0.1:{port}"
        self.renders: dict[str, Render] = {}
        self.lock = threading.Lock()
        self.preview_lock = threading.Lock()
        self.todo: queue.Queue[tuple[Render, Checked]] = queue.Queue()
        threading.Thread(target=self._render_loop, name="studio-render", daemon=True).start()
        self.app = Starlette(routes=[
            Route("/", lambda request: FileResponse(STATIC / "index.html")),
            Route("/api/catalog", self.catalog),
            Route("/api/check", self.check, methods=["POST"]),
            Route("/api/preview", self.preview, methods=["POST"]),
            Route("/api/render", self.render, methods=["POST"]),
            Route("/api/render/{scene}", self.render_state),
            Route("/media/{path:path}", self.media_file),
            Mount("/static", StaticFiles(directory=STATIC)),
        ])

    async def __call__(self, scope, receive, send) -> None:
        """Refuse a foreign Host (or Origin) before any route sees the request."""
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            host = headers.get(b"host", b"").decode("latin-1")
            origin = headers.get(b"origin", b"").decode("latin-1")
            if f"http://{host}" != self.origin:
                reply = Response(f"refused: Host {host[:60]!r} is not {self.origin[7:]}\n", 400)
                return await reply(scope, receive, send)
            if origin and origin != self.origin:
                reply = Response(f"refused: Origin {origin[:60]!r} is not {self.origin}\n", 403)
                return await reply(scope, receive, send)
        await self.app(scope, receive, send)

    # -- the catalog and the checks --------------------------------------------------------

    async def catalog(self, request: HttpRequest) -> JSONResponse:
        return JSONResponse({"qualities": list(QUALITIES), "sections": [
            {"id": s.id, "heading": s.heading, "scenes": [
                {"id": e.id, "number": e.number, "title": e.title, "summary": e.summary,
                 "fields": scene_form(e)} for e in SCENES if e.section == s.id]}
            for s in SECTIONS]})

    def _check(self, body: dict[str, Any]) -> Checked:
        """Plan the form's values as ``./render.sh`` would; Refused(400) with its message."""
        scene_id, quality = body.get("scene"), body.get("quality", "l")
        scene = next((s for s in SCENES if s.id == scene_id), None)
        if scene is None:
            raise Refused(400, f"{show(scene_id)}: unknown scene "
                               f"({nearest_ids(str(scene_id), [s.id for s in SCENES])})")
        if quality not in QUALITIES:
            raise Refused(400, f"quality = {show(quality)}: must be one of "
                               + ", ".join(QUALITIES))
        if not isinstance(body.get("values", {}), dict):
            raise Refused(400, "values: expected an object of parameter: inputs")
        try:
            values = overrides(scene, body.get("values", {}))
        except ParamError as exc:
            raise Refused(400, str(exc), exc.name) from None
        said = {"command": command(scene, values, quality), "toml": toml_table(scene, values)}
        request = Request((scene.id,), {scene.id: values}, quality=quality, workers=1,
                          media=self.media)
        try:
            jobs = plan(request)
        except ParamError as exc:
            raise Refused(400, str(exc), exc.name, said) from None
        except UsageError as exc:
            raise Refused(400, str(exc), None, said) from None
        return Checked(request, jobs, said["command"], said["toml"])

    async def _checked(self, request: HttpRequest) -> Checked:
        return await run_in_threadpool(self._check, await _read_json(request))

    async def check(self, request: HttpRequest) -> JSONResponse:
        try:
            checked = await self._checked(request)
        except Refused as exc:
            return exc.response()
        return JSONResponse({"error": None, "command": checked.command, "toml": checked.toml,
                             "stem": checked.jobs[0].stem})

    # -- preview and render ----------------------------------------------------------------

    async def preview(self, request: HttpRequest) -> JSONResponse:
        try:
            checked = await self._checked(request)
        except Refused as exc:
            return exc.response()
        result = await run_in_threadpool(self._preview, checked)
        if not result.ok:
            failed = [o.job.log for o in result.outcomes if o.status != "rendered"]
            return Refused(500, f"the preview failed; its log: {failed[0]}").response()
        return JSONResponse({"error": None,
                             "sheets": [self._url(preview_file(job)) for job in result.jobs]})

    def _preview(self, checked: Checked) -> Result:
        with self.preview_lock:  # one at a time: each takes the machine's cores
            return preview(checked.request, checked.jobs)

    async def render(self, request: HttpRequest) -> JSONResponse:
        try:
            checked = await self._checked(request)
        except Refused as exc:
            return exc.response()
        job = checked.jobs[0]
        with self.lock:
            current = self.renders.get(job.scene.id)
            if current is not None and current.busy:
                return Refused(409, f"{job.scene.id} is already {current.state} "
                                    f"({current.stem}, -q {current.quality}); render it again "
                                    "when that one has finished").response()
            state = self.renders[job.scene.id] = Render(job.scene.id, job.stem,
                                                         checked.request.quality)
        self.todo.put((state, checked))
        return JSONResponse({"error": None, "render": asdict(state)})

    async def render_state(self, request: HttpRequest) -> JSONResponse:
        state = self.renders.get(request.path_params["scene"])
        if state is None:
            return JSONResponse({"render": None}, 404)
        if state.busy:
            state.elapsed = time.monotonic() - state.started
        return JSONResponse({"render": asdict(state)})

    def _render_loop(self) -> None:
        while True:
            state, checked = self.todo.get()
            try:
                self._render(state, checked)
            except Exception as exc:  # an OSError (a full disk), or a bug: say so, go on
                state.state, state.message = "failed", f"{type(exc).__name__}: {exc}"

    def _render(self, state: Render, checked: Checked) -> None:
        job = checked.jobs[0]
        state.state, state.started = "rendering", time.monotonic()

        def progress(event: Progress) -> None:
            state.frames, state.total = event.frames, event.total

        result = execute(checked.request, checked.jobs, on_progress=progress)
        state.elapsed = time.monotonic() - state.started
        if not result.ok:
            state.state = "failed"
            state.message = f"the render failed; its log: {job.log}"
            return
        state.state = "cached" if not result.outcomes else "done"
        state.frames = state.total = max(state.frames, state.total)
        base = job.sidecar.with_suffix("")
        state.clip, state.poster = self._url(job.clip), self._url(base.with_suffix(".png"))
        state.captions = self._url(base.with_suffix(".vtt"))

    # -- files -----------------------------------------------------------------------------

    def _url(self, path: Path) -> str:
        return "/media/" + path.resolve().relative_to(self.media).as_posix()

    async def media_file(self, request: HttpRequest) -> Response:
        """A file inside the media folder, and nothing else: no ``..``, no absolute path,
        no symlink that leads out."""
        wanted = request.path_params["path"]
        parts = Path(wanted).parts
        if not wanted or Path(wanted).is_absolute() or ".." in parts or "\\" in wanted:
            return Response("refused: a path inside the media folder only\n", 403)
        target = (self.media / wanted).resolve()
        if not target.is_relative_to(self.media) or not target.is_file():
            return Response("not found in the media folder\n", 404)
        return FileResponse(target)


async def _read_json(request: HttpRequest) -> dict[str, Any]:
    """The JSON object of a request body of at most MAX_BODY bytes, else Refused."""
    if "application/json" not in request.headers.get("content-type", ""):
        raise Refused(415, "send the form as application/json")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Refused(413, f"request larger than {MAX_BODY:,} bytes; values are short")
    try:
        data = json.loads(body)
    except ValueError:
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "the body must be a JSON object")
    return data
