"""Worked steps, the update map of a quadratic and exact iterates against the seeds' hand calculation."""

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdcli.engine.solution import solve
from gdcli.errors import GdError
from gdcli.landscape.explain import exact_iterates, stability_condition, update_map


def test_exact_iterates_of_the_seed_example():
    # x_{t+1} = 0.8 x_t + 0.6 from 0: 3/5, 27/25, 183/125, 1107/625 (the seed computes 0.6, 1.08, 1.464, 1.7712)
    s = solve("(x-3)^2", start="0", lr="1/10", steps=4)
    rows, _ = exact_iterates(s.objective, s.optimizer, "0", "1/10", 4)
    expected = [sp.Integer(0)]
    for _ in range(4):
        expected.append(sp.Rational(4, 5) * expected[-1] + sp.Rational(3, 5))
    assert [r.x[0] for r in rows] == expected == [0, sp.Rational(3, 5), sp.Rational(27, 25), sp.Rational(183, 125),
                                                  sp.Rational(1107, 625)]
    assert [r.f for r in rows] == [(v - 3) ** 2 for v in expected]


def test_exact_momentum_matches_hand_calculation():
    # b₁ = g₀ = 2·2 = 4, x₁ = 2 − (1/5)·4 = 6/5; b₂ = (9/10)·4 + 12/5 = 6, x₂ = 6/5 − 6/5 = 0
    s = solve("x^2", start="2", lr="1/5", optimizer="momentum", steps=2)
    rows, _ = exact_iterates(s.objective, s.optimizer, "2", "1/5", 2)
    assert [r.x[0] for r in rows] == [2, sp.Rational(6, 5), 0]


def test_exact_refuses_irrational_steps():
    s = solve("x^2", start="2", lr="1/5", optimizer="adam", steps=3)
    with pytest.raises(GdError, match="irrational at step 2"):
        exact_iterates(s.objective, s.optimizer, "2", "1/5", 3)


def test_update_map_and_condition():
    s = solve("(x-3)^2", start="0", lr="1/10", steps=1)
    (line,) = update_map(s.objective, s.optimizer)
    alpha, xt = sp.symbols("α x_t")
    assert sp.simplify(sp.sympify(line.split("=")[1].replace("·", "*").replace("^", "**")) -
                       ((1 - 2 * alpha) * xt + 6 * alpha)) == 0
    assert stability_condition(s.objective, s.optimizer).endswith("0 < α < 1")
    bowl = solve("x^2 + 4*y^2", start="2,1", lr="0.2", steps=1)
    assert stability_condition(bowl.objective, bowl.optimizer).endswith("0 < α < 1/4")  # 2/λmax = 2/8


def test_solve_explain_exact_cli(cli, tmp_path):
    md = tmp_path / "s.md"
    result = cli("solve", "(x-3)^2", "--start", "0", "--lr", "1/10", "--steps", "4", "--explain", "--exact",
                 "--markdown", md)
    assert result.exit_code == 0, result.stderr
    assert "183/125" in result.stdout and "0 < α < 1" in result.stdout and "x₁ = x₀ − α∇f(x₀)" in result.stdout
    assert "\\nabla f" in md.read_text()
    adam = cli("solve", "x^2", "--optimizer", "adam", "--start", "2", "--explain", "--exact")
    # everything else still prints, and one line refuses the exact part: step 2 needs √v̂ with
    # v̂ = (β₂·v₁ + (1 − β₂)·g₁²)/(1 − β₂²), not a perfect square
    assert adam.exit_code == 0, adam.stderr
    assert "worked steps" in adam.stdout and "stability" in adam.stdout
    refusal = [line for line in adam.stdout.splitlines() if "exact iterates refused" in line]
    assert len(refusal) == 1 and "√(v̂)" in refusal[0] and "step 2" in refusal[0]


def gd_fractions(gradient, x, alpha, steps):
    """gd written again in Fraction arithmetic: x ← x − α·∇f(x)."""
    points = [x]
    for _ in range(steps):
        x = [xi - alpha * gi for xi, gi in zip(x, gradient(x))]
        points.append(x)
    return points


def test_exact_is_exact_where_nsimplify_was_not(cli):
    # (x − 3)² with α = 0.45: x ← x − 0.9(x − 3) = 0.1x + 2.7; x₈ = 3 − 3/10⁸ (it printed 3 with f = 0)
    result = cli("solve", "(x-3)^2", "--start", "0", "--lr", "0.45", "--steps", "10", "--exact", "--json")
    document = json.loads(result.stdout)
    expected = gd_fractions(lambda x: [2 * (x[0] - 3)], [Fraction(0)], Fraction(45, 100), 8)
    assert expected[8] == [Fraction(299999997, 100000000)]
    rows = {row["t"]: row for row in document["exact_iterates"]}
    assert Fraction(rows[8]["x"][0]) == expected[8][0] and Fraction(rows[8]["f"]) == (expected[8][0] - 3) ** 2
    assert all("/" in v for row in document["exact_iterates"] for v in [*row["x"], row["f"]])
    # x² with α = 0.04: x ← 0.92x, so x₉ = 0.92⁹ (it was refused as irrational)
    result = cli("solve", "x^2", "--start", "1", "--lr", "0.04", "--steps", "10", "--exact", "--json")
    rows = json.loads(result.stdout)["exact_iterates"]
    assert [Fraction(r["x"][0]) for r in rows] == [Fraction(92, 100) ** t for t in range(11)]


def test_exact_schedules_are_rational():
    # inverse: α_t = α₀/(1 + k·t); exponential: α_t = α₀·kᵗ, both in fractions
    from gdcli.engine.schedules import make_schedule

    s = solve("x^2", start="1", lr="1/10", steps=4)
    for name, decay, rate in (("inverse", "1/2", lambda t: Fraction(1, 10) / (1 + Fraction(1, 2) * t)),
                              ("exponential", "9/10", lambda t: Fraction(1, 10) * Fraction(9, 10) ** t)):
        rows, _ = exact_iterates(s.objective, s.optimizer, "1", "1/10", 4, make_schedule(name, float(Fraction(decay))))
        x = Fraction(1)
        for t, row in enumerate(rows):
            assert row.x == [x]
            x = x - rate(t) * 2 * x


def test_exact_digit_budget_refuses_huge_powers_at_once():
    # (the parser refuses x^(10⁹) itself now, so the budget is met through the iterates of x^1000)
    # at x₀ = 10¹⁰, f = 10¹⁰⁰⁰⁰ has 10,001 digits: over the 5,000-digit budget before any step
    s = solve("x^1000", start="1", lr="1/10", steps=1)
    with pytest.raises(GdError, match="digits"):
        exact_iterates(s.objective, s.optimizer, "10^10", "1/10", 3)
    # from 1: f = 1, x₁ = 1 − (1/10)·1000 = −99 with f = 99¹⁰⁰⁰ (1,996 digits), then x₂ = −99 − 100·(−99)⁹⁹⁹
    # has about 2,000 digits and f(x₂) about 2·10⁶: the run stops there with a note
    rows, note = exact_iterates(s.objective, s.optimizer, "1", "1/10", 3)
    assert rows[0].f == 1 and rows[1].x == [-99] and rows[1].f == 99 ** 1000 and "digits" in note
    assert len(rows) == 2


def test_exact_irrational_objective_is_refused_with_its_reason():
    s = solve("exp(x)", start="0", lr="1/5", steps=2)
    with pytest.raises(GdError, match="exp"):
        exact_iterates(s.objective, s.optimizer, "0", "1/5", 2)  # f(x₀) = 1, but x₁ = −1/5 and e^(−1/5)


rationals = st.fractions(min_value=-3, max_value=3, max_denominator=7)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(
    st.lists(st.lists(rationals, min_size=n, max_size=n), min_size=n, max_size=n),
    st.lists(rationals, min_size=n, max_size=n), st.lists(rationals, min_size=n, max_size=n))),
    st.fractions(min_value=Fraction(1, 50), max_value=Fraction(1, 2), max_denominator=50),
    st.sampled_from(["gd", "momentum", "nesterov"]), st.fractions(0, Fraction(9, 10), max_denominator=10))
def test_exact_equals_fraction_arithmetic(quadratic, alpha, name, beta):
    # f(x) = ½xᵀHx + cᵀx with H symmetric (its upper triangle drawn at random, so any signs); the rules written
    # again in Fractions
    entries, c, x0 = quadratic
    n = len(c)
    hessian = [[entries[min(i, j)][max(i, j)] for j in range(n)] for i in range(n)]
    names = ["x", "y", "z"][:n]
    text = " + ".join([f"({hessian[i][j]})*{names[i]}*{names[j]}/2" for i in range(n) for j in range(n)]
                      + [f"({c[i]})*{names[i]}" for i in range(n)])
    s = solve(text, start=",".join(map(str, x0)), lr=str(alpha), optimizer=name, beta=float(beta), steps=5)
    rows, _ = exact_iterates(s.objective, s.optimizer, ",".join(map(str, x0)), str(alpha), 5)

    def gradient(x):
        return [sum(hessian[i][j] * x[j] for j in range(n)) + c[i] for i in range(n)]

    def f(x):
        return sum(hessian[i][j] * x[i] * x[j] for i in range(n) for j in range(n)) / 2 + sum(ci * xi for ci, xi in
                                                                                            zip(c, x))

    beta = Fraction(repr(float(beta)))  # the option is a float, read as the decimal it prints as
    x, b = list(x0), [Fraction(0)] * n
    for row in rows:
        assert row.x == x and row.f == f(x)
        g = gradient(x)
        b = [beta * bi + gi for bi, gi in zip(b, g)]
        step = g if name == "gd" else b if name == "momentum" else [gi + beta * bi for gi, bi in zip(g, b)]
        x = [xi - alpha * si for xi, si in zip(x, step)]


def test_condition_of_a_singular_quadratic_is_read_on_its_invariant_subspace():
    # (x + y)²: H = [[2, 2], [2, 2]] has λ = 0 along (1, −1) and λ = 4 along (1, 1); x − y never changes and
    # x + y shrinks by |1 − 4α|, so from (1, 0) gd with α = 0.2 reaches (0.5, −0.5), the nearest minimiser
    s = solve("(x+y)^2", start="1,0", lr="0.2", steps=100)
    condition = stability_condition(s.objective, s.optimizer)
    assert "0 < α < 1/2" in condition and "nearest the start" in condition and "cannot" not in condition
    assert s.run.status == "converged" and np.allclose(s.run.final_x, [0.5, -0.5], atol=1e-8)


def test_condition_of_a_saddle_and_of_an_unbounded_quadratic():
    saddle = solve("x^2 - y^2", start="1,0.01", steps=1)  # λ = −2: |1 + 2α| > 1 for every α > 0
    assert "no α converges" in stability_condition(saddle.objective, saddle.optimizer)
    slope = solve("x^2 + y", start="1,0", steps=1)  # ∂f/∂y = 1 always: y falls by α every step
    assert "unbounded below" in stability_condition(slope.objective, slope.optimizer)
