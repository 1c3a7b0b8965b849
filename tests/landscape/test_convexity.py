"""Convexity proved, refuted or unknown, whatever the scale or smoothness; lines of critical points once."""

import json
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcli.engine.budget import TIMED_OUT
from gdcli.engine.objective import Objective
from gdcli.engine.solution import solve
from gdcli.landscape.analysis import analyze, read_region
from gdcli.landscape.convexity import convexity, prove_within, semidefinite
from gdcli.landscape.explain import update_map


def verdict_of(text):
    """The convexity verdict over the default region, without the critical-point search."""
    return convexity(Objective.parse(text), read_region(None, 2))


def assert_midpoint_above_chord(verdict, f):
    """The refutation holds when checked by hand: f((a+b)/2) > (f(a) + f(b))/2, all three finite."""
    a, b = verdict.segment
    fa, fb, fm = f(*a), f(*b), f(*((a + b) / 2))
    assert all(map(math.isfinite, (fa, fb, fm))) and fm > (fa + fb) / 2
    assert np.allclose(verdict.counterexample, (a + b) / 2)


def test_abs_is_not_smooth_so_not_quadratic_and_not_convex(cli):
    # y² − |x|: f(±1, 0) = −1 < f(0, 0) = 0, so the midpoint of [(−1, 0), (1, 0)] lies above the chord
    f = Objective.parse("y^2 - Abs(x)")
    assert not f.is_smooth and not f.is_quadratic
    verdict = convexity(f, read_region(None, 2))
    assert verdict.convex is False
    assert_midpoint_above_chord(verdict, lambda x, y: y * y - abs(x))
    bowl = solve("Abs(x)+y^2", start="1,1", steps=3)
    assert update_map(bowl.objective, bowl.optimizer) is None  # no map as if |x| were smooth
    assert "update map" not in cli("solve", "Abs(x)+y^2", "--start", "1,1", "--explain").stdout


def test_square_of_a_max_is_not_convex():
    # max(x, y)²: at (−2, 0) and (0, −2) it is 0, at their midpoint (−1, −1) it is 1
    verdict = verdict_of("Max(x,y)^2")
    assert verdict.convex is False
    assert_midpoint_above_chord(verdict, lambda x, y: max(x, y) ** 2)


def test_rules_prove_convexity_of_kinked_functions():
    # |x − y| (|affine|), max(x, 2y) (max of affine), exp(x) (exp of affine): a sum of convex functions
    for text in ("Abs(x-y)+Max(x,2*y)+exp(x)", "x^4 + y^2",  # (affine)⁴ and (affine)²
                 "Max(x,y,0)^2"):  # the square of a non-negative convex function
        assert verdict_of(text).convex is True


@pytest.mark.parametrize("text, convex, strict", [
    ("x^2-1e-7*y^2", False, False),   # H = diag(2, −2e-7): one negative eigenvalue, however small
    ("1e7*x^2-y^2", False, False),
    ("1e7*x^2+y^2", True, True),      # H = diag(2e7, 2) ≻ 0
    ("x^2+1e-7*y^2", True, True),
    ("1e-7*(x^2+y^2)", True, True),
    ("(x+y)^2", True, False),         # H = [[2, 2], [2, 2]]: eigenvalues 0 and 4
])
def test_quadratic_convexity_does_not_depend_on_scale(text, convex, strict):
    verdict = verdict_of(text)
    assert (verdict.convex, verdict.strict) == (convex, strict)


def test_counterexamples_only_where_f_is_defined():
    # x·log(x) + y² is convex on x > 0 (∂²f/∂x² = 1/x); at (−5, −5) it is undefined and must not refute
    verdict = analyze("x*log(x)+y^2").convexity
    assert verdict.convex is not False


def test_line_of_minima_is_reported_once(cli):
    # (x + y)²: ∇f = 2(x + y)(1, 1) vanishes on the whole line x + y = 0, where f = 0 = min f
    result = analyze("(x+y)^2")
    assert result.critical_points == []
    (line,) = result.critical_sets
    assert (line.shape, line.kind, line.equations) == ("line", "minimum", ["x + y = 0"])
    assert abs(sum(line.point)) < 1e-12
    shown = cli("analyze", "(x+y)^2")
    assert "a line of minima: x + y = 0" in shown.stdout
    document = json.loads(cli("analyze", "(x+y)^2", "--json").stdout)
    assert document["critical_points"] == [] and document["critical_sets"][0]["equations"] == ["x + y = 0"]


def test_huge_power_is_decided_within_the_budget_or_said_not_to_be():
    f = Objective.parse("(x^2+1)^100*(y^2+1)^100")
    assert prove_within(f, 0.0) is TIMED_OUT
    region = read_region(None, 2)
    # convex by the rules ((affine)² + 1 is convex and ≥ 1, its 100th power convex), but with no time to prove
    convex = Objective.parse("(x^2+1)^100+(y^2+1)^100")
    verdict = convexity(convex, region, seconds=0.0)
    assert verdict.convex is None and "not decided in time" in verdict.reason
    # the product is not convex: along x = −y, f = (t² + 1)²⁰⁰ rises far above the chord between (−5, 1.6)
    # and (−1.6, 5), whose ends have (x² + 1)(y² + 1) ≈ 104 against ≈ 168 at the midpoint
    product = convexity(f, region, seconds=0.0)
    assert product.convex is False
    assert_midpoint_above_chord(product, lambda x, y: (x * x + 1) ** 100 * (y * y + 1) ** 100)


@settings(max_examples=30, deadline=None)
@given(st.integers(-8, 8), st.integers(-8, 8), st.sampled_from([1, -1]), st.sampled_from([1, -1]))
def test_diagonal_quadratic_verdict_follows_the_signs(a, b, sign_a, sign_b):
    # f = s·10ᵃ·x² + t·10ᵇ·y²: H = diag(2s·10ᵃ, 2t·10ᵇ), convex iff s, t > 0, and then strictly
    text = f"{sign_a}e{a}*x^2 + {sign_b}e{b}*y^2"
    verdict = verdict_of(text)
    assert verdict.convex is (sign_a > 0 and sign_b > 0)
    assert verdict.strict is (sign_a > 0 and sign_b > 0)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3).flatmap(lambda n: st.lists(st.lists(st.integers(-3, 3), min_size=n, max_size=n),
                                                    min_size=n, max_size=n)),
       st.lists(st.integers(-1, 2), min_size=3, max_size=3))
def test_exact_semidefiniteness_matches_sympy(rows, diagonal):
    # H = Aᵀ·D·A: semi-definite iff D's entries on A's range are ≥ 0; SymPy decides it independently
    n = len(rows)
    matrix = sp.Matrix(rows).T * sp.diag(*diagonal[:n]) * sp.Matrix(rows)
    psd, definite = semidefinite([[Fraction(int(v)) for v in matrix.row(i)] for i in range(n)])
    assert psd == bool(matrix.is_positive_semidefinite)
    assert definite == bool(matrix.is_positive_definite)


def test_curves_of_minima_are_reported_once():
    # (xy − 1)² ≥ 0 vanishes exactly on the hyperbola xy = 1 (minima); ∇f = 2(xy − 1)(y, x) also vanishes at
    # (0, 0), where f = 1 and ∇²f = [[0, −2], [−2, 0]] has eigenvalues ±2: a saddle
    result = analyze("(x*y-1)^2")
    assert [(p.kind, list(p.point)) for p in result.critical_points] == [("saddle", [0.0, 0.0])]
    (curve,) = result.critical_sets
    assert (curve.shape, curve.kind) == ("curve", "minimum")
    assert abs(curve.point[0] * curve.point[1] - 1) < 1e-12 and curve.f == 0


def test_norms_are_convex_and_square_roots_of_other_quadratics_are_not_claimed():
    # √(x² + y²) = ‖(x, y)‖ and √((x + y)² + 1) = ‖(x + y, 1)‖ are norms of affine maps: convex
    for text in ("sqrt(x^2+y^2)", "sqrt((x+y)^2+1)+Abs(x)"):
        assert verdict_of(text).convex is True
    # √(x² − 1) (x ≥ 1 or x ≤ −1) is not convex: its domain has a gap, and it is not claimed
    assert verdict_of("sqrt(x^2-1)+y^2").convex is not True
