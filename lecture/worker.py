"""Render one scene in this process into a private folder; the parent moves it in.

Run by the command line as ``python -m lecture.worker JOB_JSON``, one process per scene,
so that Manim's global configuration never leaks between scenes rendered in parallel.
The finished files (clip, poster, captions, sidecar last) are written to
``<work>/out/``; the parent process moves them into ``media/lecture/`` in one transaction
(:mod:`lecture.staging`), so a render that fails or is stopped changes nothing there.
A job with ``"preview": true`` writes only the step-end contact sheet (:func:`preview_job`).
A job with ``"result"`` names the file in its work folder where the parent left the scene's
numbers as the planner computed and checked them (:func:`hand_over`): they are drawn, not
computed again.
While it renders, the worker keeps ``<work>/progress.json`` up to date with the frames
written so far, for the parent's progress display.

Everything the render prints (Manim's warnings, a traceback) goes to the job's log file;
Manim's progress bar stays on the terminal when the job asks for it (``progress_bar``
"display": a terminal and no display of the parent's own). Exit status: 0 done, 1 a
failure (the log says why), EXIT_ENVIRONMENT a full disk or a read-only one (not the
scene's fault: the parent reports it as one line, see :func:`environment_error`), 143
stopped by SIGTERM. The worker ignores Ctrl-C (the parent
decides) and receives SIGTERM when its parent dies.
"""

from __future__ import annotations

import ctypes
import errno
import importlib
import json
import logging
import os
import pickle
import platform
import shutil
import signal
import sys
import time
import traceback
from importlib.metadata import version
from pathlib import Path
from typing import Any

from lecture import faults, staging, svgcache
from lecture.voice import RATE, SPEECH_VARIABLE, VOICE_VARIABLE

__all__ = ["CACHES", "EXIT_ENVIRONMENT", "PROGRESS_NAME", "QUALITIES", "environment_error",
           "hand_over", "preview_job", "read_environment_error", "render_job"]

QUALITIES = {"l": ("480p15", "low_quality"), "m": ("720p30", "medium_quality"),
             "h": ("1080p60", "high_quality"), "p": ("1440p60", "production_quality"),
             "k": ("2160p60", "fourk_quality")}
"""Each ``-q`` letter: its folder under media/lecture/ and media/logs/ (named as Manim
names its own), and Manim's quality setting. Here, in the file every cache key covers."""
VERSIONED = ("manim", "numpy", "scipy", "torch", "av")
CACHES = {"Tex": "*.svg", "texts": "*.svg", "speech": "*/*.wav"}
"""The media folder's caches shared between runs, by folder and file pattern: LaTeX and
Pango outputs, and synthesised speech. A Dask job carries them all (lecture/cluster.py).
Speech files are written whole (lecture/voice.py), so workers share that folder in place;
Manim writes scratch files beside its SVGs, so each worker renders with private copies of
the others (:func:`seed_caches`)."""
SHARED_IN_PLACE = ("speech",)
RESULT_NAME = "result.pickle"
"""In the work folder: the scene's numbers, as the planner computed and checked them."""
EXIT_TERMINATED = 128 + signal.SIGTERM
PROGRESS_NAME = "progress.json"  # in the work folder: {"frames": written so far}
PROGRESS_SECONDS = 0.2  # how often it is rewritten, at most
EXIT_ENVIRONMENT = 3
SHEET_PNG_LEVEL = 1
"""zlib level of contact sheets (preview, storyboard): Pillow's default 6 took 0.5 s of a
2 s preview and twice level 1's time on a storyboard, for files 9% smaller."""
ENVIRONMENT_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
REASON_FILE = "environment.json"
LOW_SPACE = 64 * 1024
"""Bytes free under which a failed render is put down to a full disk: Cairo and ffmpeg
report one as an error of their own, without an errno."""


def environment_error(exc: BaseException, work: Path) -> OSError | None:
    """The full or read-only disk behind a failure, if that is what it was: an OSError
    with such an errno anywhere in the exception's chain, or a disk with almost no space
    left where the render was writing."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in ENVIRONMENT_ERRNOS:
            return seen
        seen = seen.__cause__ or seen.__context__
    try:
        if shutil.disk_usage(work).free < LOW_SPACE:
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(work))
    except OSError:
        pass
    return None


def _report_environment(error: OSError, work: Path) -> int:
    """Leave the errno for the parent (if even that much can be written) and exit so."""
    try:
        (work / REASON_FILE).write_text(json.dumps({"errno": error.errno}))
    except OSError:
        pass  # the parent takes a missing reason for a full disk
    return EXIT_ENVIRONMENT


def read_environment_error(work: Path, where: Path) -> OSError:
    """The parent's side: the OSError a worker that exited EXIT_ENVIRONMENT met, naming
    ``where`` (the media folder: the worker's own folder is about to be removed)."""
    try:
        number = int(json.loads((work / REASON_FILE).read_text())["errno"])
    except (OSError, ValueError, KeyError, TypeError):
        number = errno.ENOSPC
    return OSError(number, os.strerror(number), str(where))


def seed_caches(media: Path, work: Path) -> None:
    """Give the worker private copies of the shared TeX/text caches.

    Manim writes and deletes a scratch file beside each cached SVG whenever it parses one,
    so two processes sharing one cache folder race each other. Each worker gets its own
    folders, filled with the finished SVGs of earlier runs: hard links where the file
    system allows (Manim only reads a cached SVG, and a cache file is only ever replaced
    whole, never written in place: 6 ms for the lecture's 400 formulas, 44 ms copied).
    """
    for name, pattern in CACHES.items():
        if name in SHARED_IN_PLACE:
            continue
        (work / name).mkdir()
        for svg in (media / name).glob(pattern):
            if not svg.stem.endswith("_"):
                try:
                    os.link(svg, work / name / svg.name)
                except OSError:  # another file system, or one without links
                    shutil.copyfile(svg, work / name / svg.name)


def harvest_caches(media: Path, work: Path) -> None:
    """Move SVGs this worker compiled into the shared caches, each file atomically."""
    for name, pattern in CACHES.items():
        if name in SHARED_IN_PLACE:
            continue
        (media / name).mkdir(exist_ok=True)
        for svg in (work / name).glob(pattern):
            if not svg.stem.endswith("_") and not (media / name / svg.name).exists():
                os.replace(svg, media / name / svg.name)


def spoken_track(scene: Any, duration: float, voice_name: str, suffix: str) -> dict[str, Any]:
    """The clip's audio (None: silent voice, or a GIF) and what the sidecar says of it:
    the voice and its version, each line's spoken text, audio span and whether it was
    synthesised in this render (else it came from the cache), and the loudness measured."""
    from lecture.audio import master, track
    from lecture.voice import voice

    speaker = voice(voice_name)
    lines = [{key: u[key] for key in ("line", "spoken", "start", "end", "synthesized")}
             for u in scene.utterances]
    facts = {"voice": {"name": speaker.name, "version": speaker.version}, "lines": lines,
             "samples": None, "loudness": None}
    if speaker.name == "none" or suffix == ".gif":
        return facts
    raw = track([(u["start"], Path(u["audio"])) for u in scene.utterances], duration)
    facts["samples"], facts["loudness"] = master(raw)
    return facts


def write_progress(work: Path, frames: int) -> None:
    """``<work>/progress.json`` rewritten whole, for the parent to read without waiting."""
    from lecture.staging import write_whole

    write_whole(work / PROGRESS_NAME, json.dumps({"frames": frames}))


def count_frames(scene: Any, work: Path) -> None:
    """Count the frames the scene's file writer is given, and report the count in
    ``<work>/progress.json`` at most every PROGRESS_SECONDS (the parent draws the progress)."""
    writer = scene.renderer.file_writer
    write, state = writer.write_frame, {"frames": 0, "at": 0.0}

    def counted(pixels: Any, *, repeat: int = 1) -> None:
        write(pixels, repeat=repeat)
        state["frames"] += repeat
        if time.monotonic() - state["at"] >= PROGRESS_SECONDS:
            state["at"] = time.monotonic()
            write_progress(work, state["frames"])

    writer.write_frame = counted


def hand_over(result: Any, work: Path) -> str | None:
    """The parent's side: leave the planner's result in ``work`` for the worker; returns
    the payload's ``"result"`` (None: no result, the worker computes and checks it)."""
    if result is None:
        return None
    (work / RESULT_NAME).write_bytes(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
    return RESULT_NAME


def scene_setup(job: dict[str, Any]) -> tuple[Any, type, Any, dict[str, Any]]:
    """The catalog entry, the scene class set up with the job's parameters (and the
    planner's result, when it handed one over: the numbers are not computed twice), the
    resolved parameters, and Manim's settings for the job (the worker's private folders)."""
    from lecture.catalog import entry

    scene_entry = entry(job["scene"])
    params = scene_entry.resolve(job["params"])
    work = Path(job["work"])
    handed = job.get("result")  # left by the parent (runner, cluster): trusted
    result = pickle.loads((work / handed).read_bytes()) if handed else None
    scene_class = getattr(importlib.import_module(scene_entry.module), scene_entry.class_name)
    configured = type(scene_class.__name__, (scene_class,),
                      {"params": params, "catalog_entry": scene_entry,
                       "planned_result": result,
                       "play": _timed_play(scene_class.play)})
    (work / "out").mkdir()
    faults.checkpoint("render", work)
    seed_caches(Path(job["media_dir"]), work)
    svgcache.install(Path(job["media_dir"]))
    settings = {
        "quality": QUALITIES[job["quality"]][1], "format": job["format"],
        "media_dir": str(work / "manim"), "tex_dir": str(work / "Tex"),
        "text_dir": str(work / "texts"), "output_file": job["stem"],
        "disable_caching": True, "progress_bar": job["progress_bar"], "verbosity": "WARNING",
    }
    return scene_entry, configured, params, settings


def begin_whole(scene: Any) -> None:
    """Scene.begin_animations for a preview: an animation that brings its mobject in
    (Write, Create, FadeIn...) and ends on it unchanged is not begun at all, because
    beginning it copies the mobject (Tex is slow to copy) only to interpolate back to it;
    every other animation begins as usual. Nothing is drawn while skipping, so nothing is
    sorted into moving and still mobjects."""
    from manim import AnimationGroup

    for animation in scene.animations:
        animation._setup_scene(scene)  # an introducer's mobject joins the scene here
        if (animation.is_introducer() and not isinstance(animation, AnimationGroup)
                and animation.rate_func(1.0) == 1.0):
            for name in ("interpolate", "update_mobjects", "finish"):
                setattr(animation, name, lambda *args: None)
        else:
            animation.begin()
    scene.moving_mobjects, scene.static_mobjects = [], []


def lazy_outlines() -> None:
    """For a preview: DrawBorderThenFill (Write's base) copies its whole mobject for an
    outline when it is made and again when it begins, and only the second copy is ever
    drawn. A preview begins only the animations it must (:func:`begin_whole`), so the
    first copy, a deepcopy of every title and formula written, is left out here."""
    from manim import DrawBorderThenFill, VMobject

    if getattr(DrawBorderThenFill.begin, "lazy", False):
        return
    outline, begin = DrawBorderThenFill.get_outline, DrawBorderThenFill.begin

    def begin_with_outline(self: Any) -> None:
        self.begun = True
        begin(self)

    begin_with_outline.lazy = True  # type: ignore[attr-defined]
    DrawBorderThenFill.begin = begin_with_outline
    DrawBorderThenFill.get_outline = (
        lambda self: outline(self) if getattr(self, "begun", False) else VMobject())


def preview_job(job: dict[str, Any]) -> None:
    """Write ``<work>/out/<stem>.preview.png``: the last frame of every step, titled.

    The scene runs with Manim skipping animations (each play jumps to its end state and
    nothing is encoded); the frame is drawn only at each ``step()`` mark (the end of the
    step before it) and at the end: Manim would otherwise still draw the still parts of
    the picture at every play. A scene without step marks gets one panel, its last frame.
    """
    from manim import tempconfig
    from PIL import Image

    from lecture.storyboard import contact_sheet

    _, configured, _, settings = scene_setup(job)
    lazy_outlines()
    panels: list[Any] = []

    def snapshot(scene: Any) -> Any:
        scene.renderer.static_image = None
        type(scene.renderer).update_frame(scene.renderer, scene)  # the one real drawing
        return Image.fromarray(scene.renderer.get_frame()).convert("RGB")

    def step(scene: Any, title: str) -> None:
        if scene.step_marks:
            panels.append(snapshot(scene))
        configured.step(scene, title)

    previewed = type(configured.__name__, (configured,),
                     {"step": step, "begin_animations": begin_whole})
    with tempconfig({**settings, "format": "none", "progress_bar": "none"}):
        scene = previewed(skip_animations=True)
        scene.renderer.update_frame = lambda *args, **kwargs: None  # skipped plays draw nothing
        scene.render()
        panels.append(snapshot(scene))
        titles = ([f"{i}. {s['title']}" for i, s in enumerate(scene.steps(scene.time), 1)]
                  if scene.step_marks else [scene.entry.title])
    harvest_caches(Path(job["media_dir"]), Path(job["work"]))
    sheet = contact_sheet(list(zip(titles, panels)))
    sheet.save(Path(job["work"]) / "out" / f"{job['stem']}.preview.png",
               compress_level=SHEET_PNG_LEVEL)


def render_job(job: dict[str, Any]) -> None:
    """Render ``job['scene']`` with ``job['params']`` into ``<job['work']>/out/<stem>.*``."""
    from manim import tempconfig

    from compute.results import keyframes
    from lecture.captions import chapters_vtt, srt_to_vtt, transcript
    from lecture.audio import encode_under_peak
    from lecture.mp4 import with_audio
    from lecture.speedups import install as install_speedups
    from lecture.storyboard import contact_sheet, scan

    scene_entry, configured, params, settings = scene_setup(job)
    media, work, stem = Path(job["media_dir"]), Path(job["work"]), job["stem"]
    out = work / "out"
    install_speedups()  # the same pixels, less work per 1080p frame
    with tempconfig(settings):
        scene = configured()
        count_frames(scene, work)
        scene.render()
        writer = scene.renderer.file_writer
        video, captions = Path(writer.movie_file_path), writer.output_plan.subcaption_file
        play_frames = [frame_count(path) for path in writer.partial_movie_files]
    harvest_caches(media, work)
    clip = scan(video)
    write_progress(work, clip.frames)
    speech = spoken_track(scene, clip.duration, job.get("voice", "joe"), video.suffix)
    if speech["samples"] is not None:  # MP4: index first, so a browser plays it while
        speech["loudness"] = encode_under_peak(  # it downloads; the loudness as decoded
            speech["samples"], lambda samples: with_audio(video, samples, RATE) or video)
    elif video.suffix == ".mp4":
        with_audio(video, None, RATE)
    clip.last.save(out / f"{stem}.png")
    contact_sheet(clip.picked).save(out / f"{stem}.storyboard.png",
                                    compress_level=SHEET_PNG_LEVEL)
    facts = {"duration_s": round(clip.duration, 3), "width": clip.width,
             "height": clip.height, "fps": round(clip.fps, 3)}
    os.replace(video, out / f"{stem}{video.suffix}")
    if captions is not None and Path(captions).exists():
        text = Path(captions).read_text(encoding="utf-8")
        (out / f"{stem}.srt").write_text(text, encoding="utf-8")
        (out / f"{stem}.vtt").write_text(srt_to_vtt(text), encoding="utf-8")
        (out / f"{stem}.txt").write_text(transcript(text), encoding="utf-8")
    steps = slide_cuts(scene.steps(facts["duration_s"]), scene.play_starts, play_frames,
                       scene.cues)
    (out / f"{stem}.chapters.vtt").write_text(
        chapters_vtt([(s["start"], s["end"], s["title"]) for s in steps]), encoding="utf-8")
    sidecar = {
        "scene": scene_entry.id, "section": scene_entry.section, "title": scene_entry.title,
        "params": params.as_dict(), "keyframes": keyframes(scene.result), **facts,
        "steps": steps, "quality": job["quality"], "format": job["format"],
        "theme": job.get("theme", "dark"), "voice": speech["voice"],
        "speech": speech["lines"], "loudness": speech["loudness"], "cache_key": job["cache_key"],
        "versions": {"python": platform.python_version(),
                     **{name: version(name) for name in VERSIONED}},
    }
    partial = work / f"{stem}.json.partial"
    partial.write_text(json.dumps(sidecar, indent=1), encoding="utf-8")
    os.replace(partial, out / f"{stem}.json")  # last: its presence means the render is whole


def _timed_play(play: Any) -> Any:
    """The rendered scene's ``play`` (``wait`` calls it too), which notes when each
    animation, that is each of Manim's partial movie files, starts, then calls ``play``
    (the scene class's own: a preview subclasses the scene again)."""
    def timed(self: Any, *args: Any, **kwargs: Any) -> None:
        self.__dict__.setdefault("play_starts", []).append(self.time)
        play(self, *args, **kwargs)

    return timed


def frame_count(path: str | None) -> int:
    """Frames in one of Manim's partial movie files (None: an animation it skipped)."""
    if path is None:
        return 0
    import av

    from lecture.mp4 import packets

    with av.open(path) as movie:
        return sum(1 for _ in packets(movie, movie.streams.video[0]))


def slide_cuts(steps: list[dict[str, Any]], play_starts: list[float], play_frames: list[int],
               cues: list[tuple[float, float, str]]) -> list[dict[str, Any]]:
    """Each step with ``frames`` [first, end) and its ``narration`` lines: the slides.

    A step begins between two animations, so it is cut where a partial movie file
    begins: at the first animation that starts at the step's time. The clip is those
    files joined packet for packet, so the cuts fall on key frames and slide videos are
    copies of the clip's packets (lecture/slides.py), none re-encoded, lost or doubled.
    """
    firsts = [0]
    for frames in play_frames:
        firsts.append(firsts[-1] + frames)
    cuts = []
    for step in steps:
        at = next((i for i, start in enumerate(play_starts) if abs(start - step["start"]) < 5e-4),
                  len(play_starts))
        cuts.append(firsts[at])
    cuts[0] = 0
    cuts.append(firsts[-1])
    said: list[list[str]] = [[] for _ in steps]
    for start, _, line in cues:  # a line belongs to the last step begun by its start
        said[max(i for i, step in enumerate(steps) if step["start"] - 5e-4 <= start or i == 0)
             ].append(line)
    return [{**step, "frames": [first, end], "narration": lines}
            for step, first, end, lines in zip(steps, cuts, cuts[1:], said)]


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM when the parent dies (no orphans still writing)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's own cleanup must do
        pass
    if os.getppid() != parent:  # it died before we asked
        sys.exit(EXIT_TERMINATED)


def main() -> int:
    job = json.loads(sys.argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_TERMINATED))
    _die_with_parent(job["parent"])
    staging.hold(Path(job["work"]) / staging.WORKER_LOCK)  # kept open until the worker ends
    os.environ[faults.WORK_DIR_VARIABLE] = job["work"]
    os.environ["LECTURE_THEME"] = job.get("theme", "dark")  # read when the palette loads
    # read when a scene is set up; a preview draws step ends, which speech does not move
    os.environ[VOICE_VARIABLE] = "none" if job.get("preview") else job.get("voice", "joe")
    os.environ[SPEECH_VARIABLE] = str(Path(job["media_dir"]) / "speech")  # shared cache
    work = Path(job["work"])
    try:
        with open(job["log"], "w", encoding="utf-8") as log:
            if job["progress_bar"] == "none":  # no terminal: everything, C libraries too
                os.dup2(log.fileno(), 2)
            try:
                import manim  # noqa: F401  (configures its logger, which we then redirect)

                logging.getLogger("manim").handlers = [logging.StreamHandler(log)]
                (preview_job if job.get("preview") else render_job)(job)
            except Exception as exc:  # a bug, not bad input: the parent points at this log
                environment = environment_error(exc, work)
                if environment is not None:
                    return _report_environment(environment, work)
                traceback.print_exc(file=log)
                return 1
    except OSError as exc:  # the log itself could not be written
        environment = environment_error(exc, work)
        if environment is None:
            raise
        return _report_environment(environment, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
