"""One-line Unicode mathematics: x² + 4·y², √(x), |x|, and matrices as aligned rows.

SymPy's 2-D pretty printer would do, but it loads sympy.physics.units on first use (a quarter of a second
of start-up); these one-liners are quick and read better inside rich tables.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@lru_cache(maxsize=None)
def unicode_printer():
    """A StrPrinter with superscript integer powers, √ for square roots and |x| for Abs (the class is made on
    first use, so numbers and vectors are written without importing SymPy)."""
    import sympy as sp
    from sympy.printing.precedence import PRECEDENCE
    from sympy.printing.str import StrPrinter

    class UnicodePrinter(StrPrinter):
        def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
            base, exponent = expr.args
            if exponent == sp.S.Half:
                return f"√({self._print(base)})" if not base.is_Atom else f"√{self._print(base)}"
            if exponent == -sp.S.Half:
                return f"1/{self._print_Pow(sp.sqrt(base, evaluate=False))}"
            if exponent.is_Integer and int(exponent) > 0:
                return self.parenthesize(base, PRECEDENCE["Pow"]) + str(int(exponent)).translate(SUPERSCRIPT)
            return super()._print_Pow(expr, rational).replace("**", "^")

        def _print_Abs(self, expr: sp.Abs) -> str:
            return f"|{self._print(expr.args[0])}|"

        def _print_Exp1(self, expr) -> str:
            return "e"

        def _print_Pi(self, expr) -> str:
            return "π"

    return UnicodePrinter()


def unicode(expr) -> str:
    """``expr`` on one line: 2·x + 8·y, x² + 4·y², √(x² + 1)."""
    return unicode_printer().doprint(expr).replace("*", "·")


def matrix_rows(matrix) -> list[str]:
    """A matrix as bracketed, column-aligned rows: ['⎡2  0⎤', '⎣0  8⎦']."""
    cells = [[unicode(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
    widths = [max(len(row[j]) for row in cells) for j in range(matrix.cols)]
    body = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in cells]
    if len(body) == 1:
        return [f"[{body[0]}]"]
    left = ["⎡"] + ["⎢"] * (len(body) - 2) + ["⎣"]
    right = ["⎤"] + ["⎥"] * (len(body) - 2) + ["⎦"]
    return [f"{l}{row}{r}" for l, row, r in zip(left, body, right)]


PRETTY_LIMIT = 400
"""Longest expression shown, in characters; longer ones are cut with an ellipsis."""


def number(value: float, digits: int = 6) -> str:
    """A float in at most ``digits`` significant digits, without trailing noise, and as a teacher writes powers
    of ten: 1.7712, -3.2208, 10⁻⁹ and 5·10⁻⁵ where Python prints 1e-09 and 5e-05. gd's parser reads it back."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    value = float(value)
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = "10" + str(int(exponent)).translate(SUPERSCRIPT)
    return mantissa[:-1] + power if mantissa in ("1", "-1") else f"{mantissa}·{power}"



def vector(values: Sequence[float], digits: int = 5, most: int = 4) -> str:
    """(a, b, …) with at most ``most`` components shown; a single component is shown as a plain number."""
    if len(values) == 1:
        return number(float(values[0]), digits)
    shown = [number(float(v), digits) for v in values[:most]]
    if len(values) > most:
        shown.append(f"… {len(values) - most} more")
    return "(" + ", ".join(shown) + ")"


def expression(expr) -> str:
    """``expr`` in one line of Unicode mathematics, shortened when very long; matrices as aligned rows."""
    import sympy as sp

    if isinstance(expr, sp.MatrixBase):
        return "\n".join(matrix_rows(expr))
    flat = unicode(expr)
    return flat if len(flat) <= PRETTY_LIMIT else flat[: PRETTY_LIMIT - 1] + "…"
