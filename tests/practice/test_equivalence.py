"""The sound expression comparison: a wrong expression that agrees on a half-line is rejected, a right one in
any form is accepted, and random pairs that differ on negative inputs are never judged equivalent."""

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcli.practice.equivalence import compare, simplifies_to_zero
from gdcli.practice.grading import grade, implicit_products, normalise

x, y, alpha = (sp.Symbol(n, real=True) for n in ("x", "y", "alpha"))


def test_the_gradient_with_absolute_values_is_rejected():
    want = [2 * x * y, x**2 + 3 - 2 * y]
    verdict = grade("expression", want, "[2*Abs(x)*y, x^2 + 3 - 2*Abs(y)]", names=["x", "y"])
    assert not verdict.correct and "differ at" in verdict.feedback
    assert grade("expression", want, "[2*x*y, x^2 + 3 - 2*y]", names=["x", "y"]).correct
    assert grade("expression", want, "[2xy, x^2 + 3 - 2y]".replace("xy", "x*y"), names=["x", "y"]).correct


def test_half_line_agreement_is_not_equivalence():
    # sqrt(x²) = |x| equals x only for x ≥ 0; the witness is a point where they differ
    comparison = compare(sp.sqrt(x**2), x)
    assert not comparison.equivalent and comparison.witness["x"] < 0
    assert not compare(sp.Max(x, 0), x).equivalent
    assert not compare(x * sp.Abs(x), x**2).equivalent
    # sqrt(x⁴) = |x²| = x² for every real x: it is right, and accepted
    assert compare(sp.sqrt(x**4), x**2).equivalent
    assert grade("expression", [x**2], "sqrt(x^4)", names=["x"]).correct


def test_right_answers_in_many_forms():
    assert compare(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1)).equivalent
    assert compare((x + 1) ** 3, x**3 + 3 * x**2 + 3 * x + 1).method == "polynomial"
    assert compare(sp.exp(2 * sp.log(sp.Abs(x) + 1)), (sp.Abs(x) + 1) ** 2).equivalent
    # where neither side is defined (the log of a negative number) nothing is compared; where only one is,
    # they differ
    assert compare(sp.log(x**3), 3 * sp.log(x)).equivalent
    assert not compare(sp.log(x**2), 2 * sp.log(x)).equivalent


def test_a_tiny_constant_difference_is_found_exactly():
    assert not compare(x + sp.Rational(1, 10**40), x).equivalent


def test_the_problem_own_points_are_tried_first():
    comparison = compare(sp.Abs(x - 5), x - 5, points=[{"x": 1.5}])
    assert not comparison.equivalent and comparison.witness == {"x": 1.5}


def test_simplify_runs_in_a_child_and_answers():
    assert simplifies_to_zero(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1)
    assert not simplifies_to_zero(sp.sin(x) - x)


def test_greek_letters_and_implicit_products_are_read():
    assert normalise("(1 − 2α)x") == "(1 - 2*alpha)x"
    assert implicit_products(normalise("(1 − 2α)x")) == "(1 - 2*alpha)*x"
    assert implicit_products("2x(1 - a) + sin(x)3") == "2*x*(1 - a) + sin(x)*3"
    assert implicit_products("2e-1x") == "2e-1*x"  # scientific notation is kept whole: 0.2·x
    rule = [x * (1 - 2 * alpha)]
    for text in ("(1 − 2α)x", "(1 - 2alpha)x", "x(1 - 2α)", "x - 2αx", "(1-2*alpha)*x"):
        assert grade("expression", rule, text, names=["x", "alpha"]).correct, text


def test_errors_speak_of_the_answer():
    verdict = grade("expression", [2 * x], "2*x +", names=["x"])
    assert not verdict.correct and "answer" in verdict.feedback and "objective" not in verdict.feedback


coefficients = st.lists(st.integers(-5, 5), min_size=2, max_size=5)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(coefficients, st.integers(1, 4).map(lambda n: 2 * n - 1), st.integers(1, 5))
def test_pairs_that_differ_on_negative_inputs_are_never_equivalent(coefficients, odd_power, odd_coefficient):
    """p(x) and p(|x|) differ at every x < 0 where p's odd part is nonzero (finitely many roots); p has an odd
    term by construction, so the pair is never equivalent."""
    p = lambda t: sum(c * t ** (2 * i) for i, c in enumerate(coefficients)) + odd_coefficient * t**odd_power  # noqa: E731
    assert not compare(p(x), p(sp.Abs(x))).equivalent
    assert not compare(p(x) * y, p(sp.Abs(x)) * y + 0 * x).equivalent
    assert compare(p(x), sp.expand(p(x))).equivalent
