"""Typed scene parameters: one frozen dataclass per scene is the single definition.

Each field is declared with :func:`param`, which records its default, its kind (what values
are allowed and how to read them from TOML) and a line of help. The command line, the
``--params`` TOML file, ``--list``, the sidecar and the validation are all derived from it::

    @dataclass(frozen=True)
    class Params(SceneParams):
        sigma: float = param(1.0, Real(gt=0), "standard deviation of the draws")

Checks that involve several fields go in ``check()``, raising :class:`ParamError`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from compute.expr import ExpressionError, parse
from compute.results import NotComputable, non_finite_fields
from lecture.faults import checkpoint

__all__ = [
    "Choice", "Count", "Covariance", "ExprKind", "ExprList", "Interval", "ListOf", "Matrix",
    "Optional", "ParamError", "Real", "SEED", "SceneParams", "Vector", "escape", "from_numpy",
    "param", "show",
]


class ParamError(ValueError):
    """A parameter value that is not allowed. ``str()`` is the one line a user sees."""

    def __init__(self, name: str, value: Any, allowed: str, scene: str = "") -> None:
        super().__init__(name, value, allowed, scene)
        self.name, self.value, self.allowed, self.scene = name, value, allowed, scene

    def __str__(self) -> str:
        where = f"{self.scene}.{self.name}" if self.scene else self.name
        return escape(f"{where} = {show(self.value)}: {self.allowed}")


SHOWN_CHARACTERS = 60
"""Longer values are cut in messages: a 100,000-character expression is not echoed whole."""


MESSAGE_CHARACTERS = 600
"""A whole message is cut here: it is one line on a terminal, whatever it echoes."""


def escape(text: str, limit: int = MESSAGE_CHARACTERS) -> str:
    """``text`` with every character a terminal would act on written out instead, as
    Python writes it (``\\n``, ``\\x00``, ``\\x1b``, ``\\u202e``), then cut to ``limit``.

    Every message a user sees (``error: ...`` in the CLI, ``BadInput`` in the API) passes
    through here, so an echoed value can neither break the line nor recolour the terminal.
    Escaping is idempotent: its output holds printable characters only.
    """
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) > limit:
        return f"{text[:limit - 1]}… ({len(text):,} characters)"
    return text


def show(value: Any) -> str:
    """Render a value the way a user would type it in TOML, escaped and cut to
    SHOWN_CHARACTERS."""
    text = escape(_show(value), limit=10**9)
    if len(text) > SHOWN_CHARACTERS:
        return f"{text[:SHOWN_CHARACTERS - 1]}… ({len(text):,} characters)"
    return text


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return _show(value.tolist())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    try:
        return str(value)
    except ValueError:  # an integer beyond Python's 4,300-digit limit for str()
        return "an integer of over 4,300 digits"


def from_numpy(value: Any) -> Any:
    """NumPy scalars as Python numbers and arrays as nested lists, inside lists and tuples
    too: ``np.int64(42)`` is a seed and ``np.eye(2)`` a matrix, as their plain values are.
    Anything else is returned as it is."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [from_numpy(v) for v in value]
    return value


def _finite_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number")
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        raise ValueError("must be a finite number") from None
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    return number


@dataclass(frozen=True)
class Real:
    """A finite float, optionally bounded (gt/ge/lt/le)."""

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def describe(self) -> str:
        if self.ge is not None and self.le is not None:
            return f"a finite number from {_amount(self.ge)} to {_amount(self.le)}"
        bounds = [f"{op} {_amount(v)}" for op, v in
                  ((">", self.gt), (">=", self.ge), ("<", self.lt), ("<=", self.le)) if v is not None]
        return "a finite number" + (" " + " and ".join(bounds) if bounds else "")

    def coerce(self, value: Any) -> float:
        try:
            number = _finite_number(value)
        except ValueError:
            raise ValueError(f"must be {self.describe()}") from None
        ok = ((self.gt is None or number > self.gt) and (self.ge is None or number >= self.ge)
              and (self.lt is None or number < self.lt) and (self.le is None or number <= self.le))
        if not ok:
            raise ValueError(f"must be {self.describe()}")
        return number


@dataclass(frozen=True)
class Count:
    """A whole number in [low, high]; high guards memory and time."""

    low: int = 1
    high: int = 10**7

    def describe(self) -> str:
        return f"an integer from {self.low:,} to {self.high:,}"

    def coerce(self, value: Any) -> int:
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            raise ValueError(f"must be {self.describe()}")
        return value


SEED = Count(0, 2**32 - 1)
"""Any seed numpy and torch accept: the kind of every seed parameter."""


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(f'"{o}"' for o in self.options)

    def coerce(self, value: Any) -> str:
        if value not in self.options:
            raise ValueError(f"must be {self.describe()}")
        return value


def _amount(value: float) -> str:
    """A bound as a person writes it: 1,000 or 0.001."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Vector:
    """A list of `length` finite numbers, each at most `bound` in size."""

    length: int
    positive: bool = False
    bound: float = 1e6

    def describe(self) -> str:
        what = "positive finite numbers" if self.positive else "finite numbers"
        return f"a list of {self.length} {what} of size at most {_amount(self.bound)}"

    def coerce(self, value: Any) -> tuple[float, ...]:
        try:
            if not isinstance(value, (list, tuple)) or len(value) != self.length:
                raise ValueError
            numbers = tuple(_finite_number(v) for v in value)
        except ValueError:
            raise ValueError(f"must be {self.describe()}") from None
        if (self.positive and min(numbers) <= 0) or max(map(abs, numbers)) > self.bound:
            raise ValueError(f"must be {self.describe()}")
        return numbers


@dataclass(frozen=True)
class Matrix:
    """A rows x cols nested list of finite numbers, each at most `bound` in size."""

    rows: int
    cols: int
    bound: float = 1e6

    def describe(self) -> str:
        return (f"a {self.rows}x{self.cols} matrix of finite numbers of size at most "
                f"{_amount(self.bound)}, e.g. [[1, 0], [0, 1]]")

    def coerce(self, value: Any) -> tuple[tuple[float, ...], ...]:
        row_kind = Vector(self.cols, bound=self.bound)
        try:
            if not isinstance(value, (list, tuple)) or len(value) != self.rows:
                raise ValueError
            return tuple(row_kind.coerce(row) for row in value)
        except ValueError:
            raise ValueError(f"must be {self.describe()}") from None


@dataclass(frozen=True)
class Interval:
    """``[low, high]`` within +-bound, at least ``min_width`` wide: a plotted range."""

    bound: float
    min_width: float

    def describe(self) -> str:
        return (f"[low, high] within +-{_amount(self.bound)} with high - low at least "
                f"{_amount(self.min_width)}")

    def coerce(self, value: Any) -> tuple[float, float]:
        try:
            low, high = Vector(2, bound=self.bound).coerce(value)
        except ValueError:
            raise ValueError(f"must be {self.describe()}") from None
        if not high - low >= self.min_width:
            raise ValueError(f"must be {self.describe()}")
        return low, high


@dataclass(frozen=True)
class Covariance:
    """A symmetric positive definite ``size`` x ``size`` matrix whose variances lie in
    [min_variance, max_variance] and whose condition number is at most ``max_condition``
    (a nearly singular covariance is a line, not a cloud). Rounding asymmetry up to 1e-9
    of the entries is made exactly symmetric."""

    size: int = 2
    min_variance: float = 1e-6
    max_variance: float = 1e6
    max_condition: float = 1e4

    def describe(self) -> str:
        return (f"a symmetric positive definite {self.size}x{self.size} matrix with variances "
                f"from {_amount(self.min_variance)} to {_amount(self.max_variance)} and "
                f"condition number at most {_amount(self.max_condition)}")

    def coerce(self, value: Any) -> tuple[tuple[float, ...], ...]:
        try:
            matrix = np.array(Matrix(self.size, self.size, bound=self.max_variance).coerce(value))
        except ValueError:
            raise ValueError(f"must be {self.describe()}") from None
        if not np.allclose(matrix, matrix.T, rtol=1e-9, atol=0):
            raise ValueError(f"must be {self.describe()}; this one is not symmetric")
        matrix = (matrix + matrix.T) / 2
        variances = np.diag(matrix)
        if variances.min() < self.min_variance or variances.max() > self.max_variance:
            raise ValueError(f"must be {self.describe()}; its variances are "
                             + " and ".join(f"{v:.6g}" for v in variances))
        eigenvalues = np.linalg.eigvalsh(matrix)
        if not eigenvalues.max() <= self.max_condition * eigenvalues.min():
            what = ("not positive definite" if eigenvalues.min() <= 0 else
                    f"nearly singular (condition number {eigenvalues.max() / eigenvalues.min():.4g})")
            raise ValueError(f"must be {self.describe()}; this one is {what}")
        return tuple(tuple(float(v) for v in row) for row in matrix)


@dataclass(frozen=True)
class ListOf:
    """A list of ``low`` to ``high`` values of the ``item`` kind (numbers, points, matrices)."""

    item: Any
    low: int
    high: int
    noun: str = "entries"

    def describe(self) -> str:
        count = f"{self.low}" if self.low == self.high else f"{self.low} to {self.high}"
        return f"a list of {count} {self.noun}, each {self.item.describe()}"

    def coerce(self, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)) or not self.low <= len(value) <= self.high:
            raise ValueError(f"must be {self.describe()}")
        items = []
        for number, item in enumerate(value, start=1):
            try:
                items.append(self.item.coerce(item))
            except ValueError as exc:
                raise ValueError(f"entry {number}: {exc}") from None
        return tuple(items)


@dataclass(frozen=True)
class ExprKind:
    """A whitelisted expression in the given variables (see compute.expr)."""

    variables: tuple[str, ...]

    def describe(self) -> str:
        return f"an expression in {', '.join(self.variables)}"

    def coerce(self, value: Any) -> str:
        try:
            return parse(value, self.variables).source
        except ExpressionError as exc:
            raise ValueError(f"{exc}") from None


@dataclass(frozen=True)
class ExprList:
    """A fixed number of expressions, e.g. the two components of a map of the plane."""

    length: int
    variables: tuple[str, ...]

    def describe(self) -> str:
        return f"a list of {self.length} expressions in {', '.join(self.variables)}"

    def coerce(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)) or len(value) != self.length:
            raise ValueError(f"must be {self.describe()}")
        return tuple(ExprKind(self.variables).coerce(v) for v in value)


@dataclass(frozen=True)
class Optional:
    """No value (None) or a value of the ``inner`` kind, e.g. a matrix that overrides others.

    TOML has no null: a user leaves the parameter out, or writes the string ``"none"``.
    """

    inner: Any

    def describe(self) -> str:
        return f'"none", or {self.inner.describe()}'

    def coerce(self, value: Any) -> Any:
        if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
            return None
        try:
            return self.inner.coerce(value)
        except ValueError as exc:
            reason = str(exc)
            if reason.startswith("must be "):
                reason = f"must be {self.describe()}"
            raise ValueError(reason) from None


def param(default: Any, kind: Any, help: str) -> Any:
    """Declare one scene parameter: its default, its kind and a line of help."""
    default = kind.coerce(default)
    return dataclasses.field(default=default, metadata={"kind": kind, "help": help})


@dataclass(frozen=True)
class SceneParams:
    """Base of every scene's parameters. Subclasses add fields with :func:`param`.

    A ParamError raised here names the parameter; the catalog entry adds the scene's id.
    """

    def check(self) -> None:
        """Checks across fields; raise ParamError naming the field at fault."""

    def compute(self) -> Any:
        """The scene's numbers: a frozen result from compute/."""
        raise NotImplementedError

    def computed(self) -> Any:
        """``compute()``, with values that have no finite answer refused as bad input.

        ``check()`` refuses what the values show by themselves. Some values pass it and
        still overflow (``exp(40*x)`` under a wide normal) or have no answer (an integral
        that does not converge): a ParamError then names the parameters changed from their
        defaults, since the defaults always compute. The command line calls this for every
        scene it is about to render, before rendering any, and hands the result to the
        worker that renders it (which then does not call this again).
        """
        checkpoint("compute")
        try:
            result = self.compute()
        except (NotComputable, ArithmeticError) as exc:
            reason = str(exc)
        else:
            bad = non_finite_fields(result)
            if not bad:
                return result
            reason = (f"gives numbers too large to represent ({', '.join(bad)} not finite); "
                      "choose values of a more moderate size")
        changed = [f.name for f in self.fields() if getattr(self, f.name) != f.default]
        if not changed:
            raise RuntimeError(f"{type(self).__name__}: the defaults do not compute: {reason}")
        others = ", ".join(f"{name} = {show(getattr(self, name))}" for name in changed[1:])
        raise ParamError(changed[0], getattr(self, changed[0]),
                         f"together with {others}, {reason}" if others else reason) from None

    @classmethod
    def fields(cls) -> tuple[dataclasses.Field, ...]:
        return dataclasses.fields(cls)

    @classmethod
    def resolve(cls, overrides: Mapping[str, Any]) -> SceneParams:
        """Defaults updated by ``overrides``, every value coerced and checked."""
        known = {f.name: f for f in cls.fields()}
        values: dict[str, Any] = {}
        for name, raw in overrides.items():
            raw = from_numpy(raw)
            if name not in known:
                allowed = ("unknown parameter; known: " + ", ".join(known) if known else
                           "unknown parameter: this one takes no parameters")
                raise ParamError(name, raw, allowed)
            try:
                values[name] = known[name].metadata["kind"].coerce(raw)
            except ValueError as exc:
                raise ParamError(name, raw, str(exc)) from None
        resolved = cls(**values)
        resolved.check()
        return resolved

    def as_dict(self) -> dict[str, Any]:
        """Every resolved value, as JSON/TOML-friendly lists and scalars."""
        return {f.name: _plain(getattr(self, f.name)) for f in self.fields()}

    def is_default(self) -> bool:
        return self == type(self)()


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value

