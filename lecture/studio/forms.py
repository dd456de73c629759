"""A scene's form, generated from the kinds of its parameters, and the form read back.

One mapping, :data:`WIDGETS`, turns a parameter kind (lecture.params) into a widget spec
the page draws: a number input with the kind's bounds, a grid of them, an expression text
field, a select, a list of items, or "none or ...". A kind without an entry raises
KeyError (a test walks every kind), so a new kind cannot silently become a text box.

The page sends back, for each field, the texts typed into its inputs (nested like the
widget). :func:`field_text` joins them into the TOML text a user would type after
``--set SCENE.PARAM=``, and :func:`overrides` reads that text with the command line's own
:func:`lecture.cli.parse_value`: the values the studio checks are the values the
``./render.sh`` line it shows would check, by construction.
"""

from __future__ import annotations

import json
from typing import Any

from lecture import params as kinds
from lecture.catalog import SceneEntry
from lecture.cli import parse_value
from lecture.gallery import render_command
from lecture.params import ParamError

__all__ = ["MAX_VALUE", "WIDGETS", "command", "default_cells", "field_text", "overrides",
           "scene_form", "toml_table", "widget"]

MAX_VALUE = 2000
"""Characters in one input: far above any allowed value (an expression takes 300), and a
bound on what one request makes the server parse."""


def _bounded(low: float | None, high: float | None, step: str) -> dict[str, Any]:
    return {"widget": "number", "min": low, "max": high, "step": step}


def _real(kind: kinds.Real) -> dict[str, Any]:
    low = kind.ge if kind.ge is not None else kind.gt
    high = kind.le if kind.le is not None else kind.lt
    return _bounded(low, high, "any")


def _grid(rows: int | None, cols: int, bound: float) -> dict[str, Any]:
    """``rows`` None: one row of ``cols`` cells read as a flat list (a vector)."""
    return {"widget": "grid", "rows": rows, "cols": cols, "cell": _bounded(-bound, bound, "any")}


WIDGETS = {
    kinds.Real: _real,
    kinds.Count: lambda k: _bounded(k.low, k.high, "1"),
    kinds.Choice: lambda k: {"widget": "select", "options": list(k.options)},
    kinds.ExprKind: lambda k: {"widget": "expr", "variables": list(k.variables)},
    kinds.Vector: lambda k: _grid(None, k.length, k.bound),
    kinds.Interval: lambda k: _grid(None, 2, k.bound),
    kinds.Matrix: lambda k: _grid(k.rows, k.cols, k.bound),
    kinds.Covariance: lambda k: _grid(k.size, k.size, k.max_variance),
    kinds.ListOf: lambda k: {"widget": "list", "item": widget(k.item), "min": k.low,
                             "max": k.high},
    kinds.ExprList: lambda k: {"widget": "list", "item": widget(kinds.ExprKind(k.variables)),
                               "min": k.length, "max": k.length},
    kinds.Optional: lambda k: {"widget": "optional", "inner": widget(k.inner)},
}
"""Parameter kind -> widget spec: the only place the form knows about kinds."""


def widget(kind: Any) -> dict[str, Any]:
    return WIDGETS[type(kind)](kind)


def default_cells(spec: dict[str, Any], value: Any) -> Any:
    """A value as the texts its widget shows (the inverse of :func:`field_text`)."""
    match spec["widget"]:
        case "number":
            return json.dumps(value)
        case "expr" | "select":
            return value
        case "grid":
            rows = [value] if spec["rows"] is None else value
            return [[json.dumps(v) for v in row] for row in rows]
        case "list":
            return [default_cells(spec["item"], v) for v in value]
        case "optional":
            return None if value is None else default_cells(spec["inner"], value)
    raise KeyError(spec["widget"])


def field_text(spec: dict[str, Any], cells: Any) -> str:
    """The TOML text of one field from the texts in its inputs; ValueError if they are not
    shaped like the widget or one is longer than MAX_VALUE."""
    if spec["widget"] == "optional":
        return '"none"' if cells is None else field_text(spec["inner"], cells)
    if spec["widget"] in ("number", "expr", "select"):
        if not isinstance(cells, str):
            raise ValueError("expected a text")
        if len(cells) > MAX_VALUE:
            raise ValueError(f"a value of {len(cells):,} characters; the studio takes at most "
                             f"{MAX_VALUE:,}")
        return cells.strip() if spec["widget"] == "number" else json.dumps(cells)
    if not isinstance(cells, list):
        raise ValueError("expected a list")
    if spec["widget"] == "list":
        return "[" + ", ".join(field_text(spec["item"], item) for item in cells) + "]"
    rows = ["[" + ", ".join(field_text(spec["cell"], c) for c in _list(row)) + "]"
            for row in cells]
    return rows[0] if spec["rows"] is None and len(rows) == 1 else "[" + ", ".join(rows) + "]"


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def scene_form(scene: SceneEntry) -> list[dict[str, Any]]:
    """Every parameter of the scene: name, help, what is allowed, widget, default cells."""
    form, defaults = [], scene.params().as_dict()
    for field in scene.params.fields():
        kind = field.metadata["kind"]
        spec = widget(kind)
        form.append({"name": field.name, "help": field.metadata["help"],
                     "allowed": kind.describe(), "spec": spec,
                     "default": default_cells(spec, defaults[field.name])})
    return form


def overrides(scene: SceneEntry, cells: dict[str, Any]) -> dict[str, Any]:
    """The values on the form that differ from the defaults, read as ``--set`` reads them.

    A ParamError names the field when its inputs are malformed or oversized.
    """
    fields = {f.name: f for f in scene.params.fields()}
    values = {}
    for name, typed in cells.items():
        if name not in fields:
            raise ParamError(name, typed, "unknown parameter; known: " + ", ".join(fields),
                             scene.id)
        kind = fields[name].metadata["kind"]
        try:
            value = parse_value(field_text(widget(kind), typed))
        except ValueError as exc:
            raise ParamError(name, typed, str(exc), scene.id) from None
        try:
            if kind.coerce(value) == fields[name].default:
                continue  # "none", 2 for 2.0: the default, left off the command line
        except ValueError:
            pass  # refused later by the planning, with its message
        values[name] = value
    return values


def command(scene: SceneEntry, values: dict[str, Any], quality: str) -> str:
    """The ``./render.sh`` line for these values: the gallery's own rule."""
    return render_command({"scene": scene.id, "quality": quality, "params": values})


def toml_table(scene: SceneEntry, values: dict[str, Any]) -> str:
    """The ``[scene]`` table of a ``--params`` file for these values (JSON strings, numbers
    and arrays are TOML)."""
    return "\n".join([f"[{scene.id}]", *(f"{name} = {json.dumps(value)}"
                                          for name, value in values.items())]) + "\n"
