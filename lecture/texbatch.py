"""Compile every LaTeX string a scene needs in one ``latex`` run and one ``dvisvgm`` call.

Manim compiles each ``MathTex``/``Tex`` string by itself: a ``latex`` and a ``dvisvgm``
process per string, most of their time spent starting up and loading the same fonts. Before
the real render, :func:`prepare` plays the scene once with Manim skipping animations and
with Manim's ``tex_to_svg_file`` replaced by a recorder, then typesets every recorded string
as one page of a single document and converts all pages with one ``dvisvgm`` call. Each
page is saved where Manim looks for that string (``<tex_dir>/<tex_hash of its .tex>.svg``,
the name :mod:`manim.utils.tex_file_writing` computes), so the real render finds every
string cached and compiles nothing.

Why a dry pass and not a list each scene declares: the strings depend on the parameters
(numbers, labels made from values), and a list written by hand goes stale silently. The
recorder sees exactly the strings the scene's code asks for. A string first asked for in
the middle of an animation (a counter's digits) is not seen when animations are skipped;
Manim then compiles it alone, as before, so the result is the same, only slower.

Anything unexpected (another document class, a LaTeX error, a page count that does not
match) makes :func:`compile_batch` give up quietly for that batch: Manim then compiles
those strings one by one and reports any LaTeX error as it always does.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["compile_batch", "prepare", "recorded_strings"]

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


def compile_batch(requests: Iterable[Request], tex_dir: Path) -> int:
    """Write ``<tex_dir>/<hash>.svg`` for every request whose SVG is missing, in one
    ``latex`` and one ``dvisvgm`` run per template. Returns how many SVGs were written."""
    from manim.utils.tex_file_writing import tex_hash

    groups: dict[tuple[str, str, str], dict[str, str]] = {}  # template -> {svg name: body}
    for request in requests:
        template = request[2]
        texcode = _texcode(request)
        split = _split(texcode)
        name = tex_hash(texcode) + ".svg"
        if split is None or template.tex_compiler != "latex" or (tex_dir / name).exists():
            continue
        preamble, body = split
        groups.setdefault((preamble, template.tex_compiler, template.output_format),
                          {})[name] = body
    written = 0
    for (preamble, _, _), pages in groups.items():
        written += _compile_pages(preamble, pages, tex_dir)
    return written


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
def recorded_strings() -> Iterator[list[Request]]:
    """While inside, Manim's Tex mobjects record their string instead of compiling it:
    a string already cached is used as is, any other gets a placeholder drawing."""
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
            if svg.exists():
                return svg
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


def prepare(scene_class: type, rounds: int = 3) -> list[Request]:
    """Compile, in batches, every LaTeX string ``scene_class`` asks for while it plays
    with animations skipped; returns the strings seen. Call inside the render's
    ``tempconfig``, so the strings land in that render's Tex folder.

    The dry pass runs in a forked child: placeholders must not outlive it, and scenes keep
    class-level caches (a Readout's glyph table) that a placeholder would poison for the
    real render. The child shares what this process has imported, so it starts at once.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: record, compile, report the strings, and leave no trace
        os.close(read)
        code = 1
        try:
            requests = _prepare_here(scene_class, rounds)
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(requests, pipe)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    try:
        return pickle.loads(data)
    except (pickle.UnpicklingError, EOFError):  # the child failed: Manim compiles alone
        return []


def _prepare_here(scene_class: type, rounds: int) -> list[Request]:
    """:func:`prepare` in this process.

    A placeholder can upset a scene that reads the parts of an equation: then the strings
    recorded so far are compiled and the dry pass runs again, with them real, up to
    ``rounds`` times. Whatever is still missing, Manim compiles alone."""
    from manim import config, tempconfig

    tex_dir = config.get_dir("tex_dir")
    requests: list[Request] = []
    for _ in range(rounds):
        with recorded_strings() as seen, quiet(), tempconfig({"dry_run": True,
                                                              "progress_bar": "none"}):
            try:
                scene_class(skip_animations=True).render()
                done = True
            except Exception:  # the real render will meet (and report) it too
                done = False
        requests = seen
        if not compile_batch(seen, tex_dir) or done:
            break
    return requests
