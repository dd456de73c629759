"""Compile the LaTeX strings of every scene about to render in one ``latex`` run and one
``dvisvgm`` call, before the workers start.

Manim compiles each ``MathTex``/``Tex`` string by itself: a ``latex`` and a ``dvisvgm``
process per string (256 in the lecture), most of their time spent starting up and loading
the same fonts. :func:`warm` typesets, as pages of a single document, every string the
scenes of a run declare in ``lecture/tex_strings.json`` and whose SVG the shared Tex cache
lacks, converts all pages with one ``dvisvgm`` call and saves each page where Manim looks
for that string (``<tex_dir>/<tex_hash of its .tex>.svg``, the name
:mod:`manim.utils.tex_file_writing` computes). The workers copy the cache as they start
(``worker.seed_caches``), so Manim finds every declared string cached and compiles none.

Why a declared list, and not a dry pass before each render: a dry pass has to build the
whole scene (its numbers, its Pango text, its animations' end states), and that costs
more than the one-by-one compiles it saves (measured: about 1 s a scene against 0.2 s a
string). The list is written by :func:`write_manifest` (``python -m lecture.texbatch``),
which records the strings with such a dry pass, once, for the default parameters. A string
the list does not hold (other parameters, a label changed since, a counter's digits
first asked for mid-animation) is compiled by Manim alone, as before: a stale list costs
time, never a wrong glyph. tests/lecture/test_texbatch.py fails when the list is stale.

Anything unexpected (another document class, a LaTeX error, a page count that does not
match) makes the batch give up quietly for that preamble: Manim then compiles those
strings one by one and reports any LaTeX error as it always does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["compile_batch", "compile_texcodes", "declared", "recorded_strings", "scene_strings",
           "in_child", "warm", "write_manifest"]

CLASS_LINE = r"\documentclass[preview]{standalone}"
# multi=<env>: standalone makes each such environment a page of its own, typeset as the
# document body of a single-string file would be (same preview box, same origin).
BATCH_CLASS_LINE = r"\documentclass[preview,multi=lecturepage]{standalone}"
PAGE_ENV = "lecturepage"
BEGIN, END = r"\begin{document}", r"\end{document}"
# What a recorded string stands for until the batch has compiled it: a small glyph-like
# path, so the dry pass can lay things out (its geometry is thrown away).
PLACEHOLDER_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                   '<path d="M0 0L10 0L10 10L0 10Z"/></svg>')

GLYPH = re.compile(r"(?:id='|href='#)g(\d+)-\d+'")
GLYPH_REF = re.compile(r"(id='|href='#)g(\d+)-(?=\d+')")
PAGE_ID = re.compile(r"id='page\d+'")

DRY_PASS_UNSET = ("LECTURE_TEST_FAULT", "LECTURE_LAYOUT_GATE")

Request = tuple[str, "str | None", Any]  # (expression, environment, tex_template)

MANIFEST = Path(__file__).with_name("tex_strings.json")
LATEX = ("latex", ".dvi")  # the compiler and output a batch can stand in for


def _split(texcode: str) -> tuple[str, str] | None:
    """(preamble, body) of a single-string file, or None if it is not the standard form."""
    if not texcode.startswith(CLASS_LINE) or texcode.count(BEGIN) != 1:
        return None
    preamble, rest = texcode.split(BEGIN)
    body, end = rest.rsplit(END, 1)
    return (preamble, body) if not end.strip() else None


def _texcode(request: Request) -> str:
    expression, environment, template = request
    if environment is not None:
        return template.get_texcode_for_expression_in_env(expression, environment)
    return template.get_texcode_for_expression(expression)


def tex_name(texcode: str) -> str:
    """The file name Manim gives the SVG of ``texcode`` (``tex_file_writing.tex_hash``:
    the test checks the two agree), computed here so a warm run need not import Manim."""
    return hashlib.sha256(texcode.encode()).hexdigest()[:16] + ".svg"


def texcodes_of(requests: Iterable[Request]) -> list[str]:
    """The ``.tex`` texts of Manim's requests that its ``latex`` compiler makes, once each."""
    return list(dict.fromkeys(_texcode(r) for r in requests
                              if (r[2].tex_compiler, r[2].output_format) == LATEX))


def compile_batch(requests: Iterable[Request], tex_dir: Path) -> int:
    """:func:`compile_texcodes` of Manim's requests."""
    return compile_texcodes(texcodes_of(requests), tex_dir)


def compile_texcodes(texcodes: Iterable[str], tex_dir: Path) -> int:
    """Write ``<tex_dir>/<hash>.svg`` for every ``.tex`` text whose SVG is missing, in one
    ``latex`` and one ``dvisvgm`` run per preamble. Returns how many SVGs were written."""
    groups: dict[str, dict[str, str]] = {}  # preamble -> {svg name: body}
    for texcode in texcodes:
        split, name = _split(texcode), tex_name(texcode)
        if split is not None and not (tex_dir / name).exists():
            groups.setdefault(split[0], {})[name] = split[1]
    return sum(_compile_pages(preamble, pages, tex_dir) for preamble, pages in groups.items())


def _compile_pages(preamble: str, pages: dict[str, str], tex_dir: Path) -> int:
    tex_dir.mkdir(parents=True, exist_ok=True)
    document = (preamble.replace(CLASS_LINE, BATCH_CLASS_LINE, 1) + BEGIN
                + "".join(f"\\begin{{{PAGE_ENV}}}{body}\\end{{{PAGE_ENV}}}\n"
                          for body in pages.values()) + END + "\n")
    with tempfile.TemporaryDirectory(dir=tex_dir, prefix="batch_") as scratch:
        folder = Path(scratch)
        (folder / "batch.tex").write_text(document, encoding="utf-8")
        typeset = subprocess.run(["latex", "-interaction=batchmode", "-halt-on-error",
                                  "-output-format=dvi", f"-output-directory={folder}",
                                  str(folder / "batch.tex")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if typeset.returncode != 0:
            return 0  # Manim compiles them one by one and reports the error
        subprocess.run(["dvisvgm", "--page=1-", "--no-fonts", "--verbosity=0",
                        f"--output={folder}/page-%p.svg", str(folder / "batch.dvi")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        svgs = sorted(folder.glob("page-*.svg"), key=lambda p: int(p.stem.split("-")[1]))
        if len(svgs) != len(pages):
            return 0
        for svg, name in zip(svgs, pages):
            partial = folder / f"{name}.partial"
            partial.write_text(as_single(svg.read_text(encoding="utf-8")), encoding="utf-8")
            partial.replace(tex_dir / name)  # whole or not at all: other readers may look
    return len(pages)


def as_single(page: str) -> str:
    """A page of the batch written as ``dvisvgm`` writes the same string compiled alone.

    Only names differ: ``dvisvgm`` numbers the fonts of a file in TeX's order of loading
    them (``g<font>-<char>``), so a page of the batch counts fonts that other pages use,
    and its group is ``page<N>``. Renumbering the fonts this page uses 0, 1, ... in the
    same order, and calling it page 1, gives the single file's bytes."""
    fonts = sorted({int(n) for n in GLYPH.findall(page)})
    rank = {str(font): str(i) for i, font in enumerate(fonts)}
    page = GLYPH_REF.sub(lambda m: f"{m[1]}g{rank[m[2]]}-", page)
    return PAGE_ID.sub("id='page1'", page, count=1)


@contextmanager
def recorded_strings(placeholders: bool = True) -> Iterator[list[Request]]:
    """While inside, Manim's Tex mobjects record their string: a string already cached
    is used as is, any other gets a placeholder drawing (or, with ``placeholders``
    False, is compiled by Manim alone)."""
    import manim.mobject.text.tex_mobject as tex_mobject
    from manim import config
    from manim.utils.tex_file_writing import generate_tex_file

    seen: list[Request] = []
    original = tex_mobject.tex_to_svg_file
    with tempfile.TemporaryDirectory() as scratch:
        def record(expression: str, environment: str | None = None,
                   tex_template: Any = None) -> Path:
            template = tex_template if tex_template is not None else config["tex_template"]
            seen.append((expression, environment, template))
            svg = generate_tex_file(expression, environment, template).with_suffix(".svg")
            if svg.exists() or not placeholders:
                return original(expression, environment, template)
            # Its own name: Manim caches parsed SVGs by file name, and the real render must
            # not find the placeholder under the real string's name.
            placeholder = Path(scratch) / f"{len(seen)}.svg"
            placeholder.write_text(PLACEHOLDER_SVG, encoding="utf-8")
            return placeholder

        tex_mobject.tex_to_svg_file = record
        try:
            yield seen
        finally:
            tex_mobject.tex_to_svg_file = original


@contextmanager
def quiet() -> Iterator[None]:
    """The dry pass as a bystander: Manim's log silenced (placeholders make it complain of
    equations it cannot split), and no test fault or layout gate firing (the pass draws no
    frames, and its placeholders have no real size)."""
    log = logging.getLogger("manim")
    level = log.level
    saved = {name: os.environ.pop(name) for name in DRY_PASS_UNSET if name in os.environ}
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)
        os.environ.update(saved)


def scene_strings(scene_class: type) -> list[str]:
    """The ``.tex`` texts of every LaTeX string ``scene_class`` asks for while it plays
    with animations skipped, compiled on the way into the Tex folder of the ``tempconfig``
    in force.

    Two dry passes: the first draws placeholders and compiles what it saw in one batch;
    a placeholder can upset a scene that reads the parts of an equation (the pass then
    ends early or takes another path), so the second, the one recorded, compiles what is
    still missing one by one. Each runs in a forked child: placeholders and the
    class-level caches they fill (a Readout's glyph table) die with it. A child shares
    what this process has imported, so it starts at once; give ``scene_class`` its
    ``planned_result``: a child must not run torch once this process has (torch's thread
    pool is not forked, and the child would wait on it forever)."""
    in_child(_dry_pass, scene_class, True)
    return in_child(_dry_pass, scene_class, False)


def _dry_pass(scene_class: type, placeholders: bool) -> list[str]:
    from manim import config, tempconfig

    with recorded_strings(placeholders) as seen, quiet(), tempconfig(
            {"dry_run": True, "progress_bar": "none"}):
        try:
            scene_class(skip_animations=True).render()
        except Exception:  # a render meets (and reports) it too
            pass
    texcodes = texcodes_of(seen)
    compile_texcodes(texcodes, config.get_dir("tex_dir"))
    return texcodes


def in_child(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` in a forked child (None if it failed there)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report the result, and leave no trace
        os.close(read)
        code = 1
        try:
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(function(*args), pipe)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    try:
        return pickle.loads(data)
    except (pickle.UnpicklingError, EOFError):
        return None


def declared(scene_ids: Iterable[str], manifest: Path = MANIFEST) -> list[str]:
    """The ``.tex`` texts ``manifest`` lists for these scenes (none for a scene it lacks)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    preambles, scenes = data["preambles"], data["scenes"]
    return list(dict.fromkeys(preambles[i] + rest for scene in scene_ids
                              for i, rest in scenes.get(scene, [])))


def warm(scene_ids: Iterable[str], tex_dir: Path) -> int:
    """Compile into ``tex_dir`` (the shared Tex cache) every declared string of these
    scenes that it lacks, in one batch; returns how many SVGs were written. Imports no
    Manim: when every string is cached this only hashes and looks for files."""
    scene_ids = list(scene_ids)
    if not scene_ids:  # everything cached: not even the list is read
        return 0
    try:
        return compile_texcodes(declared(scene_ids), tex_dir)
    except OSError:  # an unwritable cache: the worker meets it and says so
        return 0


def write_manifest(manifest: Path = MANIFEST) -> dict[str, int]:
    """Record every scene's strings (cards too) with its default parameters, by a dry
    pass each, and write them to ``manifest`` (each preamble once). Returns the count of
    strings per scene."""
    import importlib

    from manim import tempconfig

    from lecture.catalog import CARDS, SCENES

    preambles: list[str] = []
    scenes: dict[str, list[tuple[int, str]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for entry in (*CARDS, *SCENES):
            scene = getattr(importlib.import_module(entry.module), entry.class_name)
            configured = type(scene.__name__, (scene,), {  # numbers computed before the fork
                "catalog_entry": entry, "planned_result": entry.computed(entry.params())})
            with tempconfig({"quality": "low_quality", "media_dir": scratch,
                             "tex_dir": f"{scratch}/Tex", "disable_caching": True,
                             "progress_bar": "none", "verbosity": "ERROR"}):
                texcodes = scene_strings(configured) or []
            for texcode in texcodes:
                preamble = texcode[:texcode.index(BEGIN)]
                if preamble not in preambles:
                    preambles.append(preamble)
                scenes.setdefault(entry.id, []).append(
                    (preambles.index(preamble), texcode[len(preamble):]))
    text = json.dumps({"preambles": preambles, "scenes": scenes}, indent=0, sort_keys=True)
    partial = manifest.with_suffix(".partial")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(manifest)
    return {scene: len(strings) for scene, strings in scenes.items()}


if __name__ == "__main__":
    for scene, count in write_manifest().items():
        print(f"{scene}: {count} strings")
