"""Exact evaluation of SymPy expressions in rational arithmetic (``fractions.Fraction``).

``evaluate(expr, values)`` walks the expression tree with every symbol replaced by a Fraction: sums, products,
integer powers, Abs, Max, Min and sign are computed exactly, so a rational input gives the rational value
``fractions.Fraction`` arithmetic of the same formula gives; no rational is ever rounded or "simplified".
A value that is not rational (√2, exp(1), π) raises ``Irrational`` naming the subexpression, an undefined one
(1/0, log(0)) ZeroDivisionError; a power whose
result would pass ``MAX_DIGITS`` digits raises ``TooLarge`` before it is computed, so x^(10⁹) at 3/2 is
refused at once instead of hanging.

A decimal in the expression (0.1 in "0.1*x^2") is read as the decimal it prints as (1/10).

SymPy is imported only where an expression is read: an optimizer's rule compiled over Fractions
(gdcli.engine.kernels.fraction_step, with ``checked`` and ``power``) computes without it.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from math import log10

from gdcli.engine.notation import number

MAX_DIGITS = 5000
"""Largest number of digits (numerator and denominator together) an exact intermediate value may have."""


class Irrational(ArithmeticError):
    """The expression's value is not a rational number (``what`` is the irrational subexpression)."""

    def __init__(self, what):
        super().__init__(str(what))
        self.what = what


class TooLarge(ArithmeticError):
    """An exact value would have more than MAX_DIGITS digits."""


def digits(value: Fraction) -> int:
    """Decimal digits of the numerator and the denominator together."""
    return _decimal_digits(abs(value.numerator)) + _decimal_digits(value.denominator)


def _decimal_digits(n: int) -> int:
    """The number of decimal digits of n ≥ 0, counted without writing n out (Python refuses to write an
    integer of more than 4300 digits as text): from 2^(b−1) ≤ n < 2^b, ⌊(b−1)·log₁₀2⌋ + 1 is the count or one
    less, and comparing with a power of 10 decides."""
    count = max(1, int((n.bit_length() - 1) * log10(2)) + 1)
    while n >= 10**count:
        count += 1
    while count > 1 and n < 10 ** (count - 1):
        count -= 1
    return count


def rational_number(value) -> Fraction:
    """A Fraction from a SymPy Rational or Float, a Python number (a float as the decimal it prints as)."""
    sp = sys.modules.get("sympy")  # a SymPy number exists only once SymPy is imported: not imported for it
    if sp is not None and isinstance(value, sp.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, float) or (sp is not None and isinstance(value, sp.Float)):
        return Fraction(repr(float(value)))
    return Fraction(value)


def power(base: Fraction, exponent: Fraction, expr) -> Fraction:
    """base**exponent exactly: integer exponents within the digit budget, and p/q exponents of perfect q-th
    powers; anything else is irrational (``expr``, the power, names it)."""
    if exponent.denominator != 1:
        import sympy as sp

        root = exponent.denominator
        if base < 0 and root % 2 == 0:
            raise Irrational(expr)
        sign = -1 if base < 0 else 1
        top, exact_top = sp.integer_nthroot(abs(base.numerator), root)
        bottom, exact_bottom = sp.integer_nthroot(base.denominator, root)
        if not (exact_top and exact_bottom):
            raise Irrational(expr)
        base = Fraction(sign * int(top), int(bottom))
        exponent = Fraction(exponent.numerator)
    n = exponent.numerator
    if base == 0 and n < 0:
        raise ZeroDivisionError("0 to a negative power")
    if abs(base.numerator) > 1 or base.denominator > 1:
        size = abs(n) * max(log10(abs(base.numerator)) if base.numerator else 0.0, log10(base.denominator))
        if size > MAX_DIGITS:
            raise TooLarge(f"a power with about {number(size, 3)} digits")
    return base**n


def checked(value: Fraction) -> Fraction:
    """``value``, or TooLarge when it has more than MAX_DIGITS digits."""
    if digits(value) > MAX_DIGITS:
        raise TooLarge(f"a number with {digits(value)} digits")
    return value


def evaluate(expr, values: dict) -> Fraction:
    """The exact value of the SymPy expression ``expr`` with each symbol replaced by its Fraction in
    ``values``."""
    import sympy as sp

    if expr.is_Symbol:
        return values[expr]
    if expr.is_Number:
        if not (expr.is_Rational or expr.is_Float):
            raise Irrational(expr)
        return rational_number(expr)
    args = expr.args
    if expr.is_Add:
        return checked(sum((evaluate(a, values) for a in args), Fraction(0)))
    if expr.is_Mul:
        product = Fraction(1)
        for a in args:
            product *= evaluate(a, values)
        return checked(product)
    if expr.is_Pow:
        return power(evaluate(args[0], values), evaluate(args[1], values), expr)
    if isinstance(expr, sp.Abs):
        return abs(evaluate(args[0], values))
    if isinstance(expr, sp.Max):
        return max(evaluate(a, values) for a in args)
    if isinstance(expr, sp.Min):
        return min(evaluate(a, values) for a in args)
    if isinstance(expr, sp.sign):
        value = evaluate(args[0], values)
        return Fraction((value > 0) - (value < 0))
    if isinstance(expr, sp.Function):
        # exp(0) = 1, log(1) = 0, cos(0) = 1: SymPy knows the rational values of the elementary functions
        value = expr.func(*(sp.Rational(a.numerator, a.denominator) for a in (evaluate(a, values) for a in args)))
        if value.is_Rational:
            return rational_number(value)
        if value.is_finite is False or value is sp.nan:
            raise ZeroDivisionError(f"{expr.func.__name__} is undefined there")
        raise Irrational(expr)
    raise Irrational(expr)


def constant_matrix(rows) -> list[list[Fraction]]:
    """A matrix of constant entries (a SymPy Matrix or rows of expressions, such as a quadratic's Hessian) in
    fractions, each entry read by ``evaluate``: a decimal as it prints (0.1 is 1/10), never rounded. Raises
    Irrational for an entry that is not a rational constant (√2, π, or one holding a variable), TooLarge past
    MAX_DIGITS."""
    import sympy as sp

    rows = rows.tolist() if isinstance(rows, sp.MatrixBase) else rows
    return [[_constant(sp.sympify(entry)) for entry in row] for row in rows]


def _constant(entry) -> Fraction:
    if entry.free_symbols:
        raise Irrational(entry)
    return evaluate(entry, {})


