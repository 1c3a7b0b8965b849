"""Exact evaluation in fractions: rational where the value is rational, refused where it is not."""

from fractions import Fraction

import pytest
import sympy as sp

from gdcli.engine.exact import MAX_DIGITS, Irrational, TooLarge, constant_matrix, evaluate
from gdcli.engine.objective import Objective
from gdcli.engine.stability import rational_hessian
from gdcli.landscape.convexity import constant_hessian

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


def test_a_constant_matrix_is_read_exactly_with_decimals_as_written():
    rows = [[sp.Float(0.1), sp.Rational(-3, 7)], [sp.Integer(2), sp.Float(2.5e-3)]]
    expected = [[Fraction(1, 10), Fraction(-3, 7)], [Fraction(2), Fraction(1, 400)]]
    assert constant_matrix(rows) == expected
    assert constant_matrix(sp.Matrix(rows)) == expected
    for entry in (sp.sqrt(2), sp.pi, x + 1):
        with pytest.raises(Irrational):
            constant_matrix([[entry]])


def test_the_stability_reading_and_the_convexity_proof_read_a_decimal_hessian_alike():
    """f = 0.1·x² + 0.3·x·y + 1.25·y² built from SymPy Floats (as through the Python API, where the parser's
    decimals-to-rationals step does not run): ∇²f = [[1/5, 3/10], [3/10, 5/2]] written out by hand."""
    expr = sp.Float(0.1) * x**2 + sp.Float(0.3) * x * y + sp.Float(1.25) * y**2
    expected = [[Fraction(1, 5), Fraction(3, 10)], [Fraction(3, 10), Fraction(5, 2)]]
    assert rational_hessian(Objective(expr, [x, y])) == expected
    assert constant_hessian(expr, [x, y]) == expected
    assert rational_hessian(Objective(sp.sqrt(2) * x**2 + y**2, [x, y])) is None  # irrational: not exact
    assert rational_hessian(Objective(x**4 + y**2, [x, y])) is None  # not constant



def test_the_digit_budget_counts_numbers_past_pythons_text_limit():
    """Python writes no integer of more than 4300 digits as text; the budget still counts them: 10⁴⁸⁰⁰ has
    4801 digits (and the denominator 1 one more), within MAX_DIGITS = 5000; 10⁵⁰⁰⁰ has 5001, past it."""
    assert MAX_DIGITS == 5000
    at = {x: Fraction(10**2400), y: Fraction(10**2400)}
    assert evaluate(x * y, at) == Fraction(10) ** 4800
    with pytest.raises(TooLarge):
        evaluate(x * y, {x: Fraction(10**2500), y: Fraction(10**2500)})
