"""The command line behind ./render.sh: pick scenes, set parameters, render, cache.

Every parameter is checked before anything renders; a bad one ends the run with exit
status 2 and one line naming SCENE.PARAM, the value and what is allowed. A problem of
the environment (a folder that cannot be written, a full disk) is one line and exit 1, as
is a render that fails (the line names its log). Ctrl-C or SIGTERM stops the run: exit
130 or 143, with one line saying what finished.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tomllib
from pathlib import Path
from typing import Any

from lecture.assemble import Assembly
from lecture.catalog import CARDS, SCENES, SECTIONS, nearest_ids
from lecture.jobs import FORMATS, QUALITY_DIRS, THEMES, VOICES, UsageError, check_sweeps
from lecture.params import ParamError, escape, show
from lecture.pipeline import Request, Result, default_media, execute, plan
from lecture.previews import preview, preview_file
from lecture.progress import LiveDisplay
from lecture.runner import (
    Interrupted, describe_planning_stop, describe_stop, log_file, raising_on_signals,
)

__all__ = ["collect_overrides", "list_catalog", "main", "parse_value", "split_values"]

EPILOG = """\
examples:
  ./render.sh                                  the whole lecture, 720p30
  ./render.sh monte_carlo -q l                 one section, quick 480p15 preview
  ./render.sh mc_mean_convergence --set mc_mean_convergence.n_max=50000
  ./render.sh --params my_params.toml          one [scene_id] table per scene
  ./render.sh --list                           every scene, parameter and default
  ./render.sh cov_tanh --sweep 'cov_tanh.transform=tanh(x),sigmoid(2*x)'
  ./render.sh monte_carlo --scheduler local:2  on a Dask cluster (here a local one)
  ./render.sh linear_algebra --slides          its deck: slides/linear_algebra.{html,pptx,pdf}

Outputs go to media/lecture/<quality>/<section>/NN_<scene>.{mp4,json,srt,vtt,png};
a run with non-default parameters writes NN_<scene>--<hash>.* beside the defaults, and
another format NN_<scene>--webm.* (or --gif). Unchanged scenes are not rendered again
(their sidecar's cache_key matches): --force. Logs: media/logs/<quality>/.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="./render.sh", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Render the lecture 'Reviewing Mathematical and Computational Foundations "
                    "for Machine Learning' as captioned Manim clips.")
    parser.add_argument("targets", nargs="*", metavar="TARGET",
                        help="scene or section ids (default: the whole lecture)")
    parser.add_argument("-q", dest="quality", choices=QUALITY_DIRS, default=None,
                        help="l=854x480 15fps, m=1280x720 30fps (default; l with --preview), "
                             "h=1920x1080 60fps, p=2560x1440 60fps, k=3840x2160 60fps")
    parser.add_argument("--set", dest="sets", action="append", default=[],
                        metavar="SCENE.PARAM=VALUE",
                        help="override one parameter; VALUE is TOML: 3, 0.5, '[2, 1]', "
                             "'\"sin(x)\"' (a bare word is taken as a string)")
    parser.add_argument("--params", type=Path, metavar="FILE.toml",
                        help="TOML file with a [scene_id] table of parameters per scene")
    parser.add_argument("-j", dest="jobs", type=int, default=os.cpu_count() or 1,
                        help="scenes rendered at once (default: number of cores)")
    parser.add_argument("--force", action="store_true", help="render even if cached")
    parser.add_argument("--list", action="store_true",
                        help="print sections, scenes, parameters, defaults and constraints")
    parser.add_argument("--format", choices=FORMATS, default="mp4", help="clip format")
    parser.add_argument("--theme", choices=THEMES, default=None,
                        help="dark (default) or light, a variant of its own (NN_<scene>--light.*);"
                             " a params file may set theme = \"light\" at its top")
    parser.add_argument("--voice", choices=VOICES, default=None,
                        help="joe (default: a neural voice reads every line) or none (silent,"
                             " paced as before; NN_<scene>--silent.*); a params file may set"
                             " voice = \"none\" at its top")
    parser.add_argument("--sweep", dest="sweeps", action="append", default=[],
                        metavar="SCENE.PARAM=V1,V2,...",
                        help="render one variant per value (TOML values, comma-separated)")
    parser.add_argument("--slides", action="store_true",
                        help="also slides, a slide per step: reveal.js HTML, PowerPoint, a PDF "
                             "handout and manim-slides' presentation file, one deck per section "
                             "or scene named (none: per section and the whole lecture) in "
                             "media/lecture/<quality>/slides/")
    parser.add_argument("--preview", action="store_true",
                        help="no clip: the last frame of every step as one contact sheet, "
                             "NN_<scene>[--hash].preview.png, in seconds")
    parser.add_argument("--scheduler", default=os.environ.get("LECTURE_SCHEDULER", ""),
                        metavar="ADDRESS",
                        help="render on a Dask cluster: tcp://HOST:8786, or local:N for a "
                             "local cluster of N workers (default: $LECTURE_SCHEDULER, else "
                             "local processes)")
    parser.add_argument("--studio", action="store_true",
                        help="a local web page (127.0.0.1 only) to set a scene's parameters on "
                             "a form, preview and render it; Ctrl-C stops it")
    return parser


def parse_value(text: str) -> Any:
    """A --set value as TOML; anything else (a bare word such as sin(x)) is a string."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except ValueError:  # TOMLDecodeError, or an integer too long to convert
        return text


def read_params_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"--params {show(str(path))}: not a UTF-8 text file") from None
    except (OSError, ValueError) as exc:  # missing file, bad TOML, a 5000-digit integer
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise UsageError(f"--params {show(str(path))}: {reason}") from None


def split_values(text: str) -> list[Any]:
    """``1000,2000`` or ``"tanh(x)","sigmoid(2*x)"`` or ``tanh(x),sigmoid(2*x)``: a TOML
    array without its brackets, or bare words split at top-level commas."""
    try:
        values = tomllib.loads(f"value = [{text}]")["value"]
    except ValueError:
        values, depth, start = [], 0, 0
        for i, char in enumerate(text + ","):
            depth += (char in "([{") - (char in ")]}")
            if depth < 0:
                break
            if char == "," and depth == 0:
                values.append(parse_value(text[start:i].strip()))
                start = i + 1
        if depth != 0:
            raise UsageError("unbalanced brackets") from None
    return values


def file_setting(params_file: Path | None, name: str, allowed: tuple[str, ...]) -> str:
    """A setting of the whole file at the top of a params file (``theme = "light"``,
    ``voice = "none"``); the first allowed value without one."""
    chosen = read_params_file(params_file).get(name, allowed[0]) if params_file else allowed[0]
    if chosen not in allowed:
        raise UsageError(f"--params {show(str(params_file))}: {name} = {show(chosen)}: must be one of "
                         + ", ".join(f'"{value}"' for value in allowed))
    return chosen


def file_theme(params_file: Path | None) -> str:
    """The ``theme = "light"`` at the top of a params file ("dark" without one)."""
    return file_setting(params_file, "theme", THEMES)


def _scene_param(option: str, item: str) -> tuple[str, str, str]:
    key, eq, text = item.partition("=")
    scene_id, dot, name = key.strip().partition(".")
    if not (eq and dot and name):
        raise UsageError(f"{option} {show(item)}: expected SCENE.PARAM=VALUE")
    return scene_id, name, text.strip()


def collect_overrides(sets: list[str], params_file: Path | None,
                      targets: list[str] | None = None, sweeps: list[str] | None = None,
                      ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, list[Any]]]]:
    """Per-scene overrides from --params (first) and --set (last word wins), and sweeps
    from the file's [sweep] table and --sweep.

    A --set or --sweep for a scene that is not rendered is refused (a typo would go
    unnoticed); a params file may hold tables for any scene. ``targets`` None or empty
    means the whole lecture.
    """
    known = {scene.id for scene in (*CARDS, *SCENES)}
    overrides: dict[str, dict[str, Any]] = {}
    swept: dict[str, dict[str, list[Any]]] = {}
    if params_file is not None:
        for scene_id, values in read_params_file(params_file).items():
            if scene_id in ("theme", "voice"):  # settings of the whole file (file_setting)
                continue
            if not isinstance(values, dict):
                raise UsageError(f"--params {show(str(params_file))}: {scene_id!r} must be a "
                                 "[table]")
            if scene_id == "sweep":
                check_sweeps(values, f"--params {show(str(params_file))}: [sweep]")
                for sweep_scene, table in values.items():
                    swept.setdefault(sweep_scene, {}).update(table)
                continue
            overrides.setdefault(scene_id, {}).update(values)
    rendered = {s.id for s in SCENES if not targets or s.id in targets or s.section in targets}
    cards = {card.id for card in CARDS}
    for option, items in (("--set", sets), ("--sweep", sweeps or [])):
        for item in items:
            scene_id, name, text = _scene_param(option, item)
            if scene_id in cards:
                raise UsageError(f"{option} {show(item)}: {scene_id} is a title card; cards "
                                 "take no parameters")
            if scene_id in known and scene_id not in rendered:
                raise UsageError(f"{option} {show(item)}: {scene_id} is not among the scenes "
                                 f"being rendered ({', '.join(targets or [])})")
            if option == "--set":
                overrides.setdefault(scene_id, {})[name] = parse_value(text)
            else:
                try:
                    values = split_values(text)
                except UsageError as exc:
                    raise UsageError(f"{option} {show(item)}: {exc}") from None
                if not values:
                    raise UsageError(f"{option} {show(item)}: no values; give V1,V2,...")
                swept.setdefault(scene_id, {})[name] = values
    for scene_id in (*overrides, *swept):
        if scene_id not in known:
            raise UsageError(f"{show(scene_id)}: unknown scene "
                             f"({nearest_ids(scene_id, known)})")
    return overrides, swept


def list_catalog() -> str:
    lines = []
    for section in SECTIONS:
        lines.append(f"{section.id}: {section.heading}")
        for scene in (s for s in SCENES if s.section == section.id):
            lines.append(f"  {scene.number:02d} {scene.id}: {scene.title}")
            for field in scene.params.fields():
                kind = field.metadata["kind"]
                lines.append(f"      {field.name} = {show(field.default)}  "
                             f"({kind.describe()}) {field.metadata['help']}")
    lines.append(f"cards: {', '.join(c.id for c in CARDS)}")
    lines.append("  title cards of the lecture and of each section, rendered with the whole "
                 "lecture (or alone: target cards)")
    return "\n".join(lines)


def _report(outcome) -> None:
    job = outcome.job
    if outcome.status == "rendered":
        print(f"rendered  {job.scene.id} in {outcome.seconds:.1f} s -> {job.clip}", flush=True)
    else:
        print(f"FAILED    {job.scene.id} (exit {outcome.exit_code}): see {job.log}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_intermixed_args(argv)
        if args.list:
            print(list_catalog())
            return 0
        if args.studio:
            from lecture.studio import serve

            return serve(default_media())
        if not 1 <= args.jobs <= 64:
            raise UsageError(f"-j {args.jobs}: must be an integer from 1 to 64")
        overrides, sweeps = collect_overrides(args.sets, args.params, args.targets, args.sweeps)
        quality = args.quality or ("l" if args.preview else "m")
        request = Request(tuple(args.targets), overrides, sweeps, quality, args.format,
                          args.theme or file_theme(args.params), args.force, args.jobs,
                          default_media(), args.scheduler, slides=args.slides,
                          voice=args.voice or file_setting(args.params, "voice", tuple(VOICES)))
        with raising_on_signals():
            jobs = plan(request)
    except (UsageError, ParamError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Interrupted as stop:
        print(describe_planning_stop(stop.signum), file=sys.stderr)
        return 128 + stop.signum
    try:
        if args.preview:
            return _preview(request, jobs)
        result = _execute(request, jobs)
    except OSError as exc:  # the environment: a folder that cannot be written, a full disk
        where = f": {exc.filename}" if exc.filename else ""
        reason = str(exc.strerror or exc)
        print(f"error: {escape(reason[:1].lower() + reason[1:] + where)}", file=sys.stderr)
        return 1
    if result.signum:
        print(describe_stop(result.outcomes, result.signum), file=sys.stderr)
        return 128 + result.signum
    if not result.ok:
        return 1
    for path in result.sweeps:
        print(f"sweep     {path}")
    for path in result.decks:
        print(f"slides    {path} (.pptx, .pdf, .json beside it)")
    if result.assembly is not None:
        _report_assembly(result.assembly)
        print(f"gallery   {result.gallery}")
    return 0


def _execute(request: Request, jobs: list) -> Result:
    """Render, with a live display of every running scene when stderr is a terminal, and
    the plain lines (one per clip) otherwise."""
    if not sys.stderr.isatty():
        return execute(request, jobs, lambda job: print(f"cached    {job.clip}"), _report)
    with LiveDisplay(len(jobs)) as live:  # the lines printed scroll above the live ones
        def cached(job) -> None:
            print(f"cached    {job.clip}")
            live.done()

        return execute(request, jobs, cached, _report, live.update)


def _preview(request: Request, jobs: list) -> int:
    """Write the previews: a line per sheet; exit status as a render's."""
    def report(outcome) -> None:
        job = outcome.job
        if outcome.status == "rendered":
            print(f"preview   {job.scene.id} in {outcome.seconds:.1f} s -> {preview_file(job)}",
                  flush=True)
        else:
            print(f"FAILED    {job.scene.id} (exit {outcome.exit_code}): see "
                  f"{log_file(job, preview=True)}", flush=True)

    result = preview(request, jobs, report)
    if result.signum:
        print(describe_stop(result.outcomes, result.signum), file=sys.stderr)
        return 128 + result.signum
    return 0 if result.ok else 1


def _report_assembly(assembly: Assembly) -> None:
    if assembly.status == "incomplete":
        missing = ", ".join(assembly.missing[:3]) + (", ..." if len(assembly.missing) > 3 else "")
        print(f"lecture   not joined: {len(assembly.missing)} part(s) not rendered at this "
              f"quality ({missing}); ./render.sh with no target renders them all")
    else:
        print(f"lecture   {assembly.folder / 'lecture.mp4'} ({assembly.status})")


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `./render.sh --list | head` ends quietly
    sys.exit(main())
