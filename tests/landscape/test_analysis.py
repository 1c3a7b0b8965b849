"""Critical points, kinds, convexity and the quadratic step-size facts against known answers."""

import json
import math

import numpy as np
import pytest

from gdcli.engine.solution import solve
from gdcli.landscape.analysis import analyze, quadratic_summary


def kinds(result):
    return {k: result.count(k) for k in ("minimum", "maximum", "saddle", "degenerate")}


def test_himmelblau_has_four_minima_one_maximum_four_saddles():
    result = analyze("himmelblau")
    assert kinds(result) == {"minimum": 4, "maximum": 1, "saddle": 4, "degenerate": 0}
    for p in result.critical_points:  # every reported point is a zero of the gradient written out by hand
        x, y = p.point
        gx = 4 * x * (x * x + y - 11) + 2 * (x + y * y - 7)
        gy = 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)
        assert math.hypot(gx, gy) < 1e-8
    assert min(np.linalg.norm(p.point - [3, 2]) for p in result.critical_points if p.kind == "minimum") < 1e-9


def test_saddle_and_rosenbrock():
    saddle = analyze("x^2 - y^2")
    assert [(p.kind, list(p.point)) for p in saddle.critical_points] == [("saddle", [0.0, 0.0])]
    rosen = analyze("rosenbrock")
    assert [p.kind for p in rosen.critical_points] == ["minimum"]
    assert np.allclose(rosen.critical_points[0].point, [1, 1])


def test_convexity():
    assert analyze("x^2 + x*y + 2*y^2").convexity.convex is True  # H = [[2, 1], [1, 4]] ≻ 0
    quartic = analyze("x^4 - 3*x^2 + y^2").convexity
    assert quartic.convex is False
    assert 12 * quartic.counterexample[0] ** 2 - 6 < 0  # ∂²f/∂x² = 12x² − 6 is negative there
    assert analyze("x^4 + y^2").convexity.convex is True  # minors 12x², 2, 24x² are ≥ 0


def test_quadratic_summary_formulas():
    q = quadratic_summary(np.array([1.0, 100.0]))
    assert math.isclose(q.max_stable_lr, 2 / 100)
    assert math.isclose(q.best_lr, 2 / 101)
    assert math.isclose(q.best_rate, 99 / 101)
    assert math.isclose(q.heavy_ball_lr, 4 / (10 + 1) ** 2)
    assert math.isclose(q.heavy_ball_beta, (9 / 11) ** 2)
    assert q.steps_predicted == math.ceil(math.log(1e-6) / math.log(99 / 101))


def test_heavy_ball_pair_beats_best_fixed_gd_on_ill_conditioned_quadratic():
    q = analyze("x^2/2 + 50*y^2").quadratic  # eigenvalues 1 and 100
    gd = solve("x^2/2 + 50*y^2", start="1,1", lr=q.best_lr, steps=5000, tol=1e-8)
    hb = solve("x^2/2 + 50*y^2", start="1,1", optimizer="momentum", lr=q.heavy_ball_lr, beta=q.heavy_ball_beta,
               steps=5000, tol=1e-8)
    assert gd.run.status == hb.run.status == "converged"
    assert hb.run.steps * 3 < gd.run.steps


def test_analyze_json_and_markdown(cli, tmp_path):
    out = tmp_path / "a.md"
    result = cli("analyze", "(x-3)^2", "--json", "--markdown", out)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["variables"] == ["x"] and doc["convex"] is True
    assert doc["critical_points"][0]["kind"] == "minimum" and doc["critical_points"][0]["point"] == [3.0]
    assert doc["quadratic"]["max_stable_lr"] == 1.0
    assert "$$" in out.read_text()


def test_bad_region_is_one_line_error(cli):
    result = cli("analyze", "x^2", "--region", "5,1")
    assert result.exit_code == 2 and result.stderr.startswith("gd: error:") and "region" in result.stderr


def test_symbolic_points_keep_their_closed_form():
    """x⁴ − 3x² + y²: ∂f/∂x = 4x³ − 6x = 0 at x = 0, ±√(3/2) = ±√6/2; ∂f/∂y = 2y = 0."""
    from gdcli.landscape.analysis import analyze

    points = {tuple(p["exact"]) for p in analyze("x^4-3*x^2+y^2").to_dict()["critical_points"] if "exact" in p}
    assert points == {("0", "0"), ("sqrt(6)/2", "0"), ("-sqrt(6)/2", "0")}


@pytest.mark.parametrize("objective, kind", [("1e7*x^2 + y^2", "minimum"), ("x^2 + 1e-7*y^2", "minimum"),
                                             ("1e-7*(x^2 + y^2)", "minimum"), ("x^2 - 1e-7*y^2", "saddle"),
                                             ("1e7*x^2 - y^2", "saddle")])
def test_critical_point_kind_does_not_depend_on_scale(objective, kind):
    """Each has the single critical point (0, 0) and a diagonal Hessian whose signs decide its kind."""
    (point,) = analyze(objective).critical_points
    np.testing.assert_allclose(point.point, [0.0, 0.0], atol=1e-12)
    assert point.kind == kind


def test_numeric_degenerate_minimum_is_degenerate():
    """x⁴ + cosh(y): Newton finds (0, 0) only approximately, where ∇²f = diag(12x², cosh y) → diag(0, 1)."""
    kinds = {p.kind for p in analyze("x^4 + cosh(y)").critical_points}
    assert kinds == {"degenerate"}


def test_saddle_quadratic_has_no_stable_range():
    q = analyze("x*y").quadratic
    assert q.max_stable_lr is None and q.best_lr is None


def test_heavy_ball_steps_use_the_repeated_root_bound():
    """At the optimal pair the error is bounded by ρᵗ(1 + t(1 + ρ)) (a repeated root), so the count exceeds
    ⌈log ε / log ρ⌉: for κ = 1000, ρ = (√1000 − 1)/(√1000 + 1)."""
    rho = (math.sqrt(1000) - 1) / (math.sqrt(1000) + 1)
    q = analyze("x^2 + 1000*y^2").quadratic
    first = next(t for t in range(1, 10_000) if all(rho**s * (1 + s * (1 + rho)) <= 1e-6 for s in range(t, t + 200)))
    assert q.heavy_ball_steps == first
