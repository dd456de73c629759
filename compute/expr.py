"""Safe user expressions: a whitelisted Python AST compiled to NumPy and torch callables.

Scenes take functions from the command line (``f = "x**2"``, a transform, a map of the
plane). They are parsed with :mod:`ast`, every node is checked against a short whitelist,
and the tree is turned into nested closures. Nothing is ever passed to ``eval``.

>>> square = parse("x**2 + 1", ("x",))
>>> square.numpy(np.array([0.0, 2.0]))
array([1., 5.])
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["ALLOWED_FUNCTIONS", "Expression", "ExpressionError", "parse", "singular_parts",
           "to_latex"]

ALLOWED_FUNCTIONS = (
    "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "arctan", "abs",
    "sigmoid",
)
MAX_LENGTH = 300
MAX_NODES = 200

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class ExpressionError(ValueError):
    """The text is not an expression this parser accepts; the message says why."""


def _numpy_functions() -> dict[str, Callable]:
    table = {name: getattr(np, name) for name in ALLOWED_FUNCTIONS if name != "sigmoid"}
    table["sigmoid"] = lambda x: 0.5 * (1.0 + np.tanh(0.5 * x))
    return table


def _torch_functions() -> dict[str, Callable]:
    import torch

    table = {name: getattr(torch, name) for name in ALLOWED_FUNCTIONS}
    return table


Evaluator = Callable[[dict[str, Any], dict[str, Callable], Callable], Any]
MAX_CONSTANT = 1e15


def _constant(node: ast.Constant) -> float:
    """A literal number as a float; huge or non-finite literals (1e999) are refused."""
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        raise ExpressionError(f"only numbers are allowed as constants, not {node.value!r}")
    try:
        value = float(node.value)
    except OverflowError:
        value = float("inf")
    if not abs(value) <= MAX_CONSTANT:
        raise ExpressionError(f"numbers must be finite and at most {MAX_CONSTANT:g} in size")
    return value


def _compile(node: ast.AST, variables: Sequence[str]) -> Evaluator:
    """Turn one whitelisted node into a closure ``(env, functions, constant) -> value``."""
    if isinstance(node, ast.Constant):
        value = _constant(node)
        return lambda env, fns, const: const(value)
    if isinstance(node, ast.Name):
        name = node.id
        if name not in variables:
            allowed = ", ".join(variables)
            raise ExpressionError(f"unknown name '{name}' (variables: {allowed})")
        return lambda env, fns, const: env[name]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op = _BINARY[type(node.op)]
        left, right = _compile(node.left, variables), _compile(node.right, variables)
        return lambda env, fns, const: op(left(env, fns, const), right(env, fns, const))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        op = _UNARY[type(node.op)]
        operand = _compile(node.operand, variables)
        return lambda env, fns, const: op(operand(env, fns, const))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in ALLOWED_FUNCTIONS:
            called = ast.unparse(node.func)
            raise ExpressionError(
                f"function '{called}' is not allowed (allowed: {', '.join(ALLOWED_FUNCTIONS)})"
            )
        if node.keywords or len(node.args) != 1:
            raise ExpressionError(f"{node.func.id}() takes exactly one argument")
        name = node.func.id
        argument = _compile(node.args[0], variables)
        return lambda env, fns, const: fns[name](argument(env, fns, const))
    raise ExpressionError(
        f"'{ast.unparse(node)}' is not allowed: use numbers, {', '.join(variables)}, "
        "+ - * / ** and the listed functions"
    )


@dataclass(frozen=True)
class Expression:
    """A parsed expression in named variables, evaluable with NumPy or torch."""

    source: str
    variables: tuple[str, ...]
    _evaluate: Evaluator

    def numpy(self, *args: np.ndarray) -> np.ndarray:
        """Evaluate on float arrays (broadcast together); returns a float64 array."""
        arrays = [np.asarray(a, dtype=float) for a in args]
        env = dict(zip(self.variables, arrays, strict=True))
        with np.errstate(all="ignore"):
            value = self._evaluate(env, _NUMPY, np.float64)
        return np.broadcast_to(value, np.broadcast_shapes(*(a.shape for a in arrays))).astype(float)

    def torch(self, *args):
        """Evaluate on tensors, keeping the autograd graph; constants follow args[0]'s dtype."""
        import torch

        dtype = args[0].dtype
        env = dict(zip(self.variables, args, strict=True))
        value = self._evaluate(env, _torch_table(), lambda c: torch.tensor(c, dtype=dtype))
        return value + torch.zeros_like(args[0])


_NUMPY = _numpy_functions()
_TORCH: dict[str, Callable] = {}


def _torch_table() -> dict[str, Callable]:
    if not _TORCH:
        _TORCH.update(_torch_functions())
    return _TORCH


def parse(source: str, variables: Sequence[str]) -> Expression:
    """Parse ``source`` as an expression in ``variables``; raise ExpressionError if not allowed.

    Parsed once per text and variables (an Expression is immutable): a map of the plane
    is applied point by point when Manim bends a mobject, thousands of calls a scene."""
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be a string, not {type(source).__name__}")
    return _parse(source, tuple(variables))


@lru_cache(maxsize=256)
def _parse(source: str, variables: tuple[str, ...]) -> Expression:
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError):  # digit limits, deep nesting
        raise ExpressionError("not a valid expression") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"expression has more than {MAX_NODES} parts")
    evaluate = _compile(tree.body, tuple(variables))
    return Expression(_canonical(tree.body), tuple(variables), evaluate)


def singular_parts(expression: Expression) -> list[Expression]:
    """The sub-expressions whose zeros are the only places where ``expression`` can be
    unbounded near a finite point: each denominator of ``/``, each base of ``**`` (a
    negative power of 0), each argument of ``log``, and ``cos(u)`` for each ``tan(u)``.

    Every other allowed operation (+ - *, sin, exp, sqrt, abs, ...) is bounded wherever
    its arguments are, so an expression whose singular parts have no zero in an interval
    is bounded on every closed sub-interval of it.
    """
    parts = []
    for node in ast.walk(ast.parse(expression.source, mode="eval")):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Pow)):
            part = node.right if isinstance(node.op, ast.Div) else node.left
        elif isinstance(node, ast.Call) and node.func.id in ("log", "tan"):
            part = node.args[0]
            if node.func.id == "tan":
                part = ast.Call(ast.Name("cos"), [part], [])
        else:
            continue
        source = ast.unparse(part)
        parts.append(Expression(source, expression.variables,
                                _compile(ast.parse(source, mode="eval").body,
                                         expression.variables)))
    return parts


_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.USub: 3, ast.UAdd: 3,
               ast.Pow: 4}
_SYMBOLS = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def _canonical(node: ast.AST, parent: int = 0) -> str:
    """One spelling per expression tree: ``x ** 2``, ``x**2`` and ``(x**2)`` all give
    ``x**2``; numbers print as the shortest float (``2.0`` is ``2``). Parentheses appear
    only where Python's precedence needs them, so the text parses back to the same tree."""
    if isinstance(node, ast.Constant):
        text = repr(_constant(node))
        return text[:-2] if text.endswith(".0") else text
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return f"{node.func.id}({_canonical(node.args[0])})"
    if isinstance(node, ast.UnaryOp):
        text = ("-" if isinstance(node.op, ast.USub) else "+") + _canonical(node.operand, 3)
        precedence = 3
    else:
        precedence = _PRECEDENCE[type(node.op)]
        if isinstance(node.op, ast.Pow):  # right-associative; its exponent may be -x
            left, right = _canonical(node.left, 5), _canonical(node.right, 3)
        else:
            left, right = _canonical(node.left, precedence), _canonical(node.right, precedence + 1)
        text = left + _SYMBOLS[type(node.op)] + right
    return f"({text})" if precedence < parent else text


_LATEX_FUNCTIONS = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "exp": r"\exp",
                    "log": r"\log", "tanh": r"\tanh", "sinh": r"\sinh", "cosh": r"\cosh",
                    "arctan": r"\arctan", "sigmoid": r"\sigma"}


def _latex_number(value: float) -> str:
    text = f"{value:g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _latex(node: ast.AST, parent: int = 0) -> str:
    if isinstance(node, ast.Constant):
        return _latex_number(float(node.value))
    if isinstance(node, ast.Name):
        name = node.id
        return f"{name[0]}_{{{name[1:]}}}" if len(name) > 1 else name
    if isinstance(node, ast.Call):
        name, argument = node.func.id, _latex(node.args[0])
        if name == "sqrt":
            return rf"\sqrt{{{argument}}}"
        if name == "abs":
            return rf"\left|{argument}\right|"
        return rf"{_LATEX_FUNCTIONS[name]}\left({argument}\right)"
    if isinstance(node, ast.UnaryOp):
        text = ("-" if isinstance(node.op, ast.USub) else "+") + _latex(node.operand, 3)
        precedence = 3
    elif isinstance(node.op, ast.Div):
        return rf"\frac{{{_latex(node.left)}}}{{{_latex(node.right)}}}"
    elif isinstance(node.op, ast.Pow):
        text = f"{_latex(node.left, 5)}^{{{_latex(node.right)}}}"
        precedence = 4
    else:
        precedence = _PRECEDENCE[type(node.op)]
        symbol = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: r" \cdot "}[type(node.op)]
        right_floor = precedence + 1 if isinstance(node.op, ast.Sub) else precedence
        text = _latex(node.left, precedence) + symbol + _latex(node.right, right_floor)
    return rf"\left({text}\right)" if precedence < parent else text


def to_latex(expression: Expression, names: dict[str, str] | None = None) -> str:
    """LaTeX for a parsed expression, parenthesised only where precedence needs it.

    ``names`` renames variables in the output (``{"x": "z"}`` writes g(z) for g(x)).

    >>> to_latex(parse("x1**2 + 0.5*x2", ("x1", "x2")))
    'x_{1}^{2} + 0.5 \\cdot x_{2}'
    """
    tree = ast.parse(expression.source, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and names:
            node.id = names.get(node.id, node.id)
    return _latex(tree.body)
