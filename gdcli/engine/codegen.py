"""Turning SymPy expressions into fast Python source (compiled by gdcli.engine.compiled).

The source is generated from expressions the library built itself (never from user text), and is compiled in
a namespace holding only ``math``, ``abs``, ``max``, ``min`` and ``inf``.
"""

from __future__ import annotations

import math
from typing import Sequence

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from gdcli.engine.compiled import NAMESPACE, compile_source  # noqa: F401 - the compiler lives without SymPy
from gdcli.errors import ObjectiveError


def small_power(printer, base: sp.Expr, exponent: sp.Expr) -> str | None:
    """base² … base⁴ as products and base⁻¹ as a division (faster than ** and rounded the same everywhere)."""
    if exponent.is_Integer and 2 <= int(exponent) <= 4:
        factor = printer.parenthesize(base, PRECEDENCE["Mul"] + 1)
        return "(" + "*".join([factor] * int(exponent)) + ")"
    if exponent.is_Integer and int(exponent) == -1:
        return "(1/" + printer.parenthesize(base, PRECEDENCE["Pow"]) + ")"
    return None


class FloatPrinter(StrPrinter):
    """Python source over floats, for the run loop and the scalar evaluators.

    Built on SymPy's StrPrinter rather than its code printers, which load sympy.codegen on first use (a
    fiftieth of a second at every start-up). Small integer powers become products (x*x is faster than x**2);
    functions map to the math module; anything else is refused rather than printed wrongly.
    """

    MATH = {"sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "atan", "sinh", "cosh", "asin", "acos", "asinh",
            "acosh", "atanh"}

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exponent = expr.args
        small = small_power(self, base, exponent)
        if small is not None:
            return small
        if exponent == sp.S.Half:
            return f"math.sqrt({self._print(base)})"
        if exponent == -sp.S.Half:
            return f"(1/math.sqrt({self._print(base)}))"
        if exponent.is_Integer:
            return f"{self.parenthesize(base, PRECEDENCE['Pow'] + 1)}**{self._print(exponent)}"
        # math.pow, not **: a negative base to a fractional power raises ValueError (f undefined there) rather
        # than returning a complex number that no comparison of the loop can take
        return f"math.pow({self._print(base)}, {self._print(exponent)})"

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"({expr.p}/{expr.q})"

    def _print_Float(self, expr: sp.Float) -> str:
        return repr(float(expr))

    def _print_Pi(self, expr) -> str:
        return "math.pi"

    def _print_Exp1(self, expr) -> str:
        return "math.e"

    def _print_Abs(self, expr) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_floor(self, expr) -> str:
        return f"math.floor({self._print(expr.args[0])})"

    def _print_Max(self, expr) -> str:
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Min(self, expr) -> str:
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_sign(self, expr) -> str:
        value = self._print(expr.args[0])
        return f"(0.0 if {value} == 0 else math.copysign(1.0, {value}))"

    def _print_Heaviside(self, expr) -> str:
        value = self._print(expr.args[0])
        return f"(0.0 if {value} < 0 else 0.5 if {value} == 0 else 1.0)"

    def _print_Function(self, expr) -> str:
        if not expr.free_symbols:  # a constant such as sin(10**399): its float, not math.sin of an int too big
            value = complex(expr.evalf(17))
            if value.imag == 0 and math.isfinite(value.real):
                return repr(value.real)
        name = expr.func.__name__
        if name not in self.MATH:
            raise ObjectiveError(f"{name}() cannot be evaluated in the run loop")
        return f"math.{name}(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def emptyPrinter(self, expr) -> str:
        raise ObjectiveError(f"{type(expr).__name__} cannot be evaluated in the run loop")


class ArrayPrinter(NumPyPrinter):
    """NumPy source for the same expressions, evaluated elementwise over arrays.

    Small integer powers are products here too, so an array kernel rounds exactly as the scalar loop does and
    a vectorised run retraces the engine's run to the last bit (an unstable run amplifies any difference).
    """

    def __init__(self) -> None:
        super().__init__({"strict": True, "fully_qualified_modules": True})

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        small = small_power(self, *expr.args)
        return small if small is not None else super()._print_Pow(expr, rational=rational)

    def _print_Max(self, expr) -> str:
        return self._nested("numpy.maximum", expr.args)

    def _print_Min(self, expr) -> str:
        return self._nested("numpy.minimum", expr.args)

    def _nested(self, function: str, args) -> str:
        """f(a, f(b, c)) for an elementwise binary f over any number of arguments (NumPyPrinter would write
        functools.reduce, which the generated code's namespace does not hold)."""
        first, *rest = args
        return f"{function}({self._print(first)}, {self._nested(function, rest) if len(rest) > 1 else self._print(rest[0])})"

    def _print_Rational(self, expr: sp.Rational) -> str:
        """p/q as the float Python's p/q gives (as the scalar loop computes it), ±inf beyond a float's range: NumPy
        cannot take an integer of 300 digits."""
        try:
            return f"({expr.p / expr.q!r})"
        except OverflowError:
            return "numpy.inf" if expr > 0 else "(-numpy.inf)"

    def _print_Integer(self, expr: sp.Integer) -> str:
        return str(expr.p) if abs(expr.p) < 2**53 else self._print_Rational(expr)


def fraction_source(expr: sp.Expr) -> str:
    """``expr`` as Python over Fractions that computes what gdcli.engine.exact.evaluate computes: symbols by
    name, each number as the Fraction evaluate reads (a decimal as written), each sum and product checked
    against the digit budget (``_checked``), each power by ``_power`` (exact.power); anything else is refused."""
    from gdcli.engine.exact import rational_number

    if expr.is_Symbol:
        return expr.name
    if expr.is_Number and (expr.is_Rational or expr.is_Float):
        value = rational_number(expr)
        return f"_F({value.numerator}, {value.denominator})"
    parts = [fraction_source(a) for a in expr.args]
    if expr.is_Add:
        return f"_checked({' + '.join(parts)})"
    if expr.is_Mul:
        return f"_checked({' * '.join(parts)})"
    if expr.is_Pow:
        return f"_power({parts[0]}, {parts[1]}, {str(expr)!r})"
    raise ObjectiveError(f"{type(expr).__name__} cannot be evaluated in exact arithmetic here")


def assignments(
    targets: Sequence[str], exprs: Sequence[sp.Expr], printer: StrPrinter, indent: str, prefix: str = "_c"
) -> list[str]:
    """Lines assigning each expression to its target, with common subexpressions computed once."""
    replacements, reduced = sp.cse(list(exprs), symbols=sp.numbered_symbols(prefix), optimizations=None)
    lines = [f"{indent}{printer.doprint(symbol)} = {printer.doprint(value)}" for symbol, value in replacements]
    lines += [f"{indent}{target} = {printer.doprint(value)}" for target, value in zip(targets, reduced)]
    return lines


def without_distributions(expr: sp.Expr) -> sp.Expr:
    """Drop DiracDelta terms and derivatives of sign(u): derivatives of kinks (Abs, Max, sign) are taken away
    from the kink, where sign(u) is constant and its derivative is 0."""
    if expr.has(sp.DiracDelta):
        expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    if expr.has(sp.Derivative):
        expr = expr.replace(lambda e: isinstance(e, sp.Derivative) and isinstance(e.expr, sp.sign),
                            lambda e: sp.S.Zero)
    return expr


UNEVALUABLE = {
    sp.nan: "nan (a value undefined everywhere)",
    sp.zoo: "an infinite value", sp.oo: "an infinite value", -sp.oo: "an infinite value",
    sp.I: "the imaginary unit I (its values are not real)",
    sp.Derivative: "a derivative SymPy could not work out", sp.Subs: "a derivative SymPy could not work out",
}
"""What generated code cannot evaluate, and how to say so."""


def check_evaluable(exprs: Sequence[sp.Expr], name: str) -> None:
    """Refuse, before any code is generated, expressions holding nan, ±oo, zoo, I or an unevaluated derivative.

    ``name`` says what the expressions are (∇f, ∇²f) in the one-line ObjectiveError.
    """
    for expr in exprs:
        if isinstance(expr, sp.Basic) and expr.has(*UNEVALUABLE):
            what = next(text for pattern, text in UNEVALUABLE.items() if expr.has(pattern))
            raise ObjectiveError(f"{name} of this objective holds {what}; gd cannot evaluate it")
