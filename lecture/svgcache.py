"""Parsed LaTeX (and other SVG) mobjects kept between worker processes.

Manim turns each compiled formula's SVG into mobjects by parsing it with svgelements,
then copies the result (``Mobject.copy`` is a Python deepcopy) to keep it for later
uses in the same process, and copies it again at each use. Every worker is a new
process, so every render and every preview paid the parsing and both copies for every
formula: most of a preview's time in the formula-heavy scenes (diff_jvp_hvp: 9 of 14 s).

:func:`install` keeps the parsed submobjects pickled instead, in memory and in
``<media>/mobjects/``: a use is one ``pickle.loads``, the same numbers Manim would
have produced (pickle is exact), so clips are unchanged. A file is named by the digest
of what the parse depends on (the SVG's bytes, the mobject's class, its default style
and path settings, the renderer, Manim's and Python's versions) and written whole
(``os.replace``), so workers running side by side share the folder safely.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

__all__ = ["FOLDER", "install"]

FOLDER = "mobjects"  # under the media folder
_memory: dict[str, bytes] = {}


@lru_cache(maxsize=1)
def _versions() -> tuple[str, str]:
    return version("manim"), platform.python_version()


def _key(svg: Any) -> str:
    """The digest of everything ``SVGMobject.generate_mobject`` reads."""
    from manim import config

    parts = (type(svg).__module__, type(svg).__qualname__, repr(svg.svg_default),
             repr(sorted(svg.path_string_config.items())), str(config.renderer), *_versions())
    digest = hashlib.sha256(Path(svg.get_file_path()).read_bytes())
    digest.update(repr(parts).encode())
    return digest.hexdigest()


def _stored(folder: Path, key: str) -> bytes | None:
    if key not in _memory:
        try:
            _memory[key] = (folder / f"{key}.pickle").read_bytes()
        except OSError:
            return None
    return _memory[key]


def _store(folder: Path, key: str, data: bytes) -> None:
    """Keep ``data`` in memory and, whole or not at all, on disk (a full or read-only
    disk only costs the next process the parse)."""
    _memory[key] = data
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=folder, suffix=".partial")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(partial, folder / f"{key}.pickle")
    except OSError:
        pass


def install(media: Path) -> None:
    """Make every SVGMobject of this process (Tex, MathTex, Text, SVG files) use the cache
    in ``<media>/mobjects/``, in place of Manim's own in-process one. Text too, which skips
    Manim's cache by default: ours is keyed by the file's bytes, not its name, so a file
    written again with other contents is parsed again."""
    from manim import SVGMobject

    folder = media / FOLDER

    def init_svg_mobject(self: Any, use_svg_cache: bool) -> Any:
        key = _key(self)
        data = _stored(folder, key)
        if data is None:
            self.generate_mobject()
            _store(folder, key, pickle.dumps((self.submobjects, self.id_to_vgroup_dict),
                                             protocol=pickle.HIGHEST_PROTOCOL))
            return self
        submobjects, self.id_to_vgroup_dict = pickle.loads(data)
        self.add(*submobjects)
        return self

    SVGMobject.init_svg_mobject = init_svg_mobject
