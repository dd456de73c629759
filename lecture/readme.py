"""The README's scene catalog, generated from lecture/catalog.py (never typed by hand).

    .venv/bin/python -m lecture.readme           # rewrite the block in README.md
    .venv/bin/python -m lecture.readme --check   # exit 1 if README.md is out of date

The block between ``<!-- catalog:start -->`` and ``<!-- catalog:end -->`` holds a table
of the clips (number, id, title, what it shows, the scene file) and ``./render.sh --list``.
"""

from __future__ import annotations

import argparse
import sys

from lecture.catalog import SCENES, SECTIONS
from lecture.cli import list_catalog
from lecture.jobs import ROOT

__all__ = ["catalog_block", "cell", "updated"]

START, END = "<!-- catalog:start -->\n", "<!-- catalog:end -->"


def cell(text: str) -> str:
    """Text for a Markdown table cell (a bare | would end the cell)."""
    return text.replace("|", "\\|")


def catalog_block() -> str:
    lines = ["| # | scene | title | what it shows | scene file |", "| --- | --- | --- | --- | --- |"]
    for section in SECTIONS:
        lines.append(f"| | **{section.id}** | **{section.heading}** | | |")
        for s in (s for s in SCENES if s.section == section.id):
            lines.append(f"| {s.number:02d} | `{s.id}` | {cell(s.title)} | {cell(s.summary)} | "
                         f"`scenes/{s.section}/{s.id}.py` `{s.class_name}` |")
    return ("\n".join(lines) + "\n\nEvery parameter, its default and what it accepts "
            "(`./render.sh --list`):\n\n```\n" + list_catalog() + "\n```\n")


def updated(readme: str) -> str:
    """The README with its catalog block regenerated."""
    head, rest = readme.split(START)
    _, tail = rest.split(END)
    return head + START + catalog_block() + END + tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    args = parser.parse_args()
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    if args.check:
        return 0 if updated(text) == text else 1
    path.write_text(updated(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
