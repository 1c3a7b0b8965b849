"""Exact evaluation in fractions: rational where the value is rational, refused where it is not."""

from fractions import Fraction

import pytest
import sympy as sp

from gdcli.engine.exact import MAX_DIGITS, Irrational, TooLarge, evaluate

x, y = sp.symbols("x y", real=True)


def test_rational_values_equal_fraction_arithmetic():
    at = {x: Fraction(3, 7), y: Fraction(-2, 5)}
    expr = (x - 3) ** 2 / 4 + sp.Rational(1, 10) * x * y - y**3 + sp.Abs(y) + sp.Max(x, y)
    expected = (at[x] - 3) ** 2 / 4 + Fraction(1, 10) * at[x] * at[y] - at[y] ** 3 + abs(at[y]) + max(at[x], at[y])
    assert evaluate(expr, at) == expected
    assert evaluate(sp.Float(0.45) * x, at) == Fraction(9, 20) * Fraction(3, 7)  # a decimal read as written


def test_perfect_powers_are_exact_and_other_roots_are_refused():
    assert evaluate(sp.sqrt(x), {x: Fraction(9, 4)}) == Fraction(3, 2)
    assert evaluate(x ** sp.Rational(2, 3), {x: Fraction(8, 27)}) == Fraction(4, 9)
    assert evaluate(sp.exp(x), {x: Fraction(0)}) == 1
    for expr, value in ((sp.sqrt(x), Fraction(2)), (sp.exp(x), Fraction(1)), (sp.pi * x, Fraction(1))):
        with pytest.raises(Irrational):
            evaluate(expr, {x: value})


def test_undefined_values_and_huge_powers_are_refused():
    with pytest.raises(ZeroDivisionError):
        evaluate(1 / x, {x: Fraction(0)})
    with pytest.raises(ZeroDivisionError):
        evaluate(sp.log(x), {x: Fraction(0)})
    # (3/2)^(10⁶) has about 10⁶·log10(3/2) ≈ 176 000 digits, far past the budget: refused before computing
    with pytest.raises(TooLarge):
        evaluate(x ** (10**6), {x: Fraction(3, 2)})
    assert evaluate(x ** (10**9), {x: Fraction(1)}) == 1  # 1 to any power costs nothing
    assert MAX_DIGITS < 176_000
