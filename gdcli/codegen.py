"""Turning SymPy expressions into fast Python source, and that source into functions.

The source is generated from expressions the library built itself (never from user text), and is compiled in
a namespace holding only ``math``, ``abs``, ``max``, ``min`` and ``inf``.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter


class FloatPrinter(PythonCodePrinter):
    """Python source over floats; small integer powers become products (x*x is faster than x**2)."""

    def __init__(self) -> None:
        super().__init__({"standard": "python3", "strict": True, "fully_qualified_modules": True})

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exponent = expr.args
        if exponent.is_Integer and 2 <= int(exponent) <= 4:
            factor = self.parenthesize(base, sp.printing.precedence.PRECEDENCE["Mul"] + 1)
            return "(" + "*".join([factor] * int(exponent)) + ")"
        if exponent.is_Integer and int(exponent) == -1:
            return "(1/" + self.parenthesize(base, sp.printing.precedence.PRECEDENCE["Pow"]) + ")"
        return super()._print_Pow(expr, rational=rational)


class ArrayPrinter(NumPyPrinter):
    """NumPy source for the same expressions, evaluated elementwise over arrays."""

    def __init__(self) -> None:
        super().__init__({"strict": True, "fully_qualified_modules": True})


NAMESPACE = {"math": math, "abs": abs, "max": max, "min": min, "inf": math.inf}


def compile_source(source: str, name: str, extra: dict | None = None) -> Callable:
    """Compile generated ``source`` and return the function called ``name`` defined in it."""
    namespace = dict(NAMESPACE, **(extra or {}))
    exec(compile(source, f"<gdcli:{name}>", "exec"), namespace)  # noqa: S102 - source built from SymPy trees
    function = namespace[name]
    function.source = source
    return function


def assignments(
    targets: Sequence[str], exprs: Sequence[sp.Expr], printer: PythonCodePrinter, indent: str, prefix: str = "_c"
) -> list[str]:
    """Lines assigning each expression to its target, with common subexpressions computed once."""
    replacements, reduced = sp.cse(list(exprs), symbols=sp.numbered_symbols(prefix), optimizations=None)
    lines = [f"{indent}{printer.doprint(symbol)} = {printer.doprint(value)}" for symbol, value in replacements]
    lines += [f"{indent}{target} = {printer.doprint(value)}" for target, value in zip(targets, reduced)]
    return lines


def without_distributions(expr: sp.Expr) -> sp.Expr:
    """Drop DiracDelta terms: derivatives of kinks (Abs, Max, sign) are taken away from the kink."""
    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero) if expr.has(sp.DiracDelta) else expr
