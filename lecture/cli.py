"""The command line behind ./render.sh: pick scenes, set parameters, render, cache.

Every parameter is checked before anything renders; a bad one ends the run with exit
status 2 and one line naming SCENE.PARAM, the value and what is allowed. Scenes render
in separate worker processes (``-j``), each into a private folder moved in whole.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from lecture.catalog import SCENES, SECTIONS, SceneEntry, resolve_targets
from lecture.params import ParamError, SceneParams, show

__all__ = ["Job", "main", "plan_jobs"]

ROOT = Path(__file__).resolve().parents[1]
QUALITY_DIRS = {"l": "480p15", "m": "720p30", "h": "1080p60", "p": "1440p60", "k": "2160p60"}
FORMATS = ("mp4", "webm", "gif")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# Files whose content decides what a scene's clip looks like, besides its section's own.
SHARED_CODE = ("compute/results.py", "scenes/theme.py", "lecture/expr.py", "lecture/params.py",
               "lecture/worker.py", "lecture/captions.py", "manim.cfg")

EPILOG = """\
examples:
  ./render.sh                                  the whole lecture, 720p30
  ./render.sh monte_carlo -q l                 one section, quick 480p15 preview
  ./render.sh mc_mean_convergence --set mc_mean_convergence.n_max=50000
  ./render.sh --params my_params.toml          one [scene_id] table per scene
  ./render.sh --list                           every scene, parameter and default

Outputs go to media/lecture/<quality>/<section>/NN_<scene>.{mp4,json,srt,vtt,png};
a run with non-default parameters writes NN_<scene>--<hash>.* beside the defaults.
Unchanged scenes are not rendered again (their sidecar's cache_key matches): --force.
"""


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


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
    parser.add_argument("-q", dest="quality", choices=QUALITY_DIRS, default="m",
                        help="l=854x480 15fps, m=1280x720 30fps (default), h=1920x1080 60fps, "
                             "p=2560x1440 60fps, k=3840x2160 60fps")
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
    return parser


def parse_value(text: str) -> Any:
    """A --set value as TOML; a bare word such as sin(x) is kept as a string."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def collect_overrides(sets: list[str], params_file: Path | None) -> dict[str, dict[str, Any]]:
    """Per-scene overrides from --params (first) and --set (last word wins)."""
    known = {scene.id for scene in SCENES}
    overrides: dict[str, dict[str, Any]] = {}
    if params_file is not None:
        try:
            table = tomllib.loads(params_file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"--params {params_file}: {exc}") from None
        for scene_id, values in table.items():
            if not isinstance(values, dict):
                raise UsageError(f"--params {params_file}: '{scene_id}' must be a [table]")
            overrides.setdefault(scene_id, {}).update(values)
    for item in sets:
        key, eq, text = item.partition("=")
        scene_id, dot, name = key.strip().partition(".")
        if not (eq and dot and name):
            raise UsageError(f"--set {item}: expected SCENE.PARAM=VALUE")
        overrides.setdefault(scene_id, {})[name] = parse_value(text.strip())
    for scene_id in overrides:
        if scene_id not in known:
            raise UsageError(f"{scene_id}: unknown scene (scenes: {', '.join(sorted(known))})")
    return overrides


def code_digest(scene: SceneEntry) -> str:
    files = [f"compute/{scene.section}.py", f"scenes/{scene.section}.py",
             f"lecture/sections/{scene.section}.py", *SHARED_CODE]
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes())
    return digest.hexdigest()


def params_hash(params: SceneParams) -> str:
    return hashlib.sha256(json.dumps(params.as_dict(), sort_keys=True).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Job:
    scene: SceneEntry
    params: SceneParams
    out_dir: Path
    stem: str
    cache_key: str

    @property
    def sidecar(self) -> Path:
        return self.out_dir / f"{self.stem}.json"

    def is_cached(self, fmt: str) -> bool:
        try:
            recorded = json.loads(self.sidecar.read_text(encoding="utf-8"))["cache_key"]
        except (OSError, ValueError, KeyError):
            return False
        return recorded == self.cache_key and (self.out_dir / f"{self.stem}.{fmt}").exists()


def plan_jobs(targets: list[str], overrides: dict[str, dict[str, Any]], quality: str, fmt: str,
              media: Path) -> list[Job]:
    """Validate every parameter and name every output; raises ParamError or UsageError."""
    try:
        scenes = resolve_targets(targets)
    except KeyError as exc:
        raise UsageError(
            f"{exc.args[0]}: not a scene or section id "
            f"(sections: {', '.join(SECTIONS)}; scenes: {', '.join(s.id for s in SCENES)})"
        ) from None
    resolved = {scene.id: scene.params.resolve(overrides.get(scene.id, {})) for scene in SCENES
                if scene.id in overrides or scene in scenes}
    manim_version = version("manim")
    jobs = []
    for scene in scenes:
        params = resolved[scene.id]
        stem = scene.stem if params.is_default() else f"{scene.stem}--{params_hash(params)}"
        key = hashlib.sha256(json.dumps(
            [scene.id, params.as_dict(), quality, fmt, code_digest(scene), manim_version],
            sort_keys=True).encode()).hexdigest()
        out_dir = media / "lecture" / QUALITY_DIRS[quality] / scene.section
        jobs.append(Job(scene, params, out_dir, stem, key))
    return jobs


def list_catalog() -> str:
    lines = []
    for section, title in SECTIONS.items():
        lines.append(f"{section}: {title}")
        for scene in (s for s in SCENES if s.section == section):
            lines.append(f"  {scene.number:02d} {scene.id}: {scene.title}")
            for field in scene.params.fields():
                kind = field.metadata["kind"]
                lines.append(f"      {field.name} = {show(field.default)}  "
                             f"({kind.describe()}) {field.metadata['help']}")
    return "\n".join(lines)


def _clean_stale_work(work: Path) -> None:
    """Remove temporary folders of workers that are no longer running (killed renders)."""
    for folder in work.glob("*-*-*"):
        pid = folder.name.rsplit("-", 2)[-2]
        try:
            os.kill(int(pid), 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass


def run_job(job: Job, quality: str, fmt: str, media: Path) -> tuple[Job, int, float]:
    payload = {"scene": job.scene.id, "params": job.params.as_dict(), "quality": quality,
               "format": fmt, "media_dir": str(media), "out_dir": str(job.out_dir),
               "stem": job.stem, "cache_key": job.cache_key,
               "progress_bar": "display" if sys.stderr.isatty() else "none"}
    # Parallelism is across scenes: one thread per worker keeps torch and BLAS from
    # oversubscribing the cores (and stalling) when -j workers run side by side.
    env = {**os.environ, **{name: "1" for name in THREAD_VARIABLES}}
    start = time.perf_counter()
    code = subprocess.run([sys.executable, "-m", "lecture.worker", json.dumps(payload)],
                          cwd=ROOT, env=env).returncode
    return job, code, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_intermixed_args(argv)
        if args.list:
            print(list_catalog())
            return 0
        if not 1 <= args.jobs <= 64:
            raise UsageError(f"-j {args.jobs}: must be an integer from 1 to 64")
        media = Path(os.environ.get("LECTURE_MEDIA_DIR", ROOT / "media")).resolve()
        jobs = plan_jobs(args.targets, collect_overrides(args.sets, args.params),
                         args.quality, args.format, media)
        todo = [job for job in jobs if args.force or not job.is_cached(args.format)]
        for job in todo:  # before any render starts
            job.params.run_check(job.params.check_costly)
    except (UsageError, ParamError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    for job in jobs:
        if job not in todo:
            print(f"cached    {job.out_dir / job.stem}.{args.format}")
    if not todo:
        return 0
    (media / ".work").mkdir(parents=True, exist_ok=True)
    _clean_stale_work(media / ".work")
    failed = 0
    with ThreadPoolExecutor(max_workers=min(args.jobs, len(todo))) as pool:
        futures = [pool.submit(run_job, job, args.quality, args.format, media) for job in todo]
        for done, future in enumerate(as_completed(futures), start=1):
            job, code, seconds = future.result()
            status = "rendered" if code == 0 else f"FAILED (exit {code})"
            failed += code != 0
            print(f"[{done}/{len(todo)}] {status} {job.scene.id} in {seconds:.1f} s "
                  f"-> {job.out_dir / job.stem}.{args.format}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
