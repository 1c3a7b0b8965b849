"""Worked steps, the update map of a quadratic and exact iterates against the seeds' hand calculation."""

import pytest
import sympy as sp

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
    with pytest.raises(GdError, match="not rational"):
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
    bad = cli("solve", "x^2", "--optimizer", "adam", "--start", "2", "--exact")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
