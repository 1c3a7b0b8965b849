"""Stability readings against closed forms, hand-derived Hessians and simulation, read at the right point."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import make_optimizer
from gdcli.engine.run import run
from gdcli.engine.solution import solve
from gdcli.engine.stability import (
    analyse,
    classify,
    contraction,
    inertia,
    rational_hessian,
    stability_bound,
    steps_for,
    steps_to_reduce,
)


def rosenbrock_hessian(x, y):
    """∇²[(1 − x)² + 100(y − x²)²], derived by hand."""
    return np.array([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]])


def test_seed_001_hard_practice_eigenvalues_one_and_ten():
    """f = ½xᵀAx with eigenvalues {1, 10}: 0 < α < 2/10 = 0.2 and κ = 10."""
    s = solve("x^2/2 + 5*y^2", lr="0.1").stability
    np.testing.assert_allclose(s.eigenvalues, [1, 10])
    assert s.max_stable_lr == pytest.approx(0.2)
    assert s.condition_number == pytest.approx(10)
    assert s.best_lr == pytest.approx(2 / 11)
    assert s.best_rate == pytest.approx(9 / 11)
    assert s.lr_is_stable is True and s.point_kind == "minimum"


def test_seed_example_bound_alpha_below_one():
    s = solve("(x-3)^2", start="0", lr="1.1", steps=3).stability
    assert s.max_stable_lr == pytest.approx(1.0) and s.lr_is_stable is False
    assert "above 2/λmax = 1" in s.reading and "grow" in s.reading
    np.testing.assert_allclose(s.point, [3.0])  # the minimiser of (x − 3)²


def test_gd_rate_is_the_largest_eigen_factor():
    assert contraction("gd", 0.1, np.array([2.0, 8.0])) == pytest.approx(max(abs(1 - 0.2), abs(1 - 0.8)))
    assert steps_for(0.5, 1e-6) == math.ceil(math.log(1e-6) / math.log(0.5))


@pytest.mark.parametrize("name, beta", [("gd", 0.0), ("momentum", 0.9), ("momentum", 0.5), ("nesterov", 0.9),
                                        ("nesterov", 0.3)])
def test_bounds_separate_convergence_from_divergence(name, beta):
    """Just below the bound the 1-D quadratic λx²/2 converges; just above it grows."""
    lam = 4.0
    bound = stability_bound(name, lam, beta)
    objective = Objective.parse("2*x^2")  # λ = 4
    optimizer = make_optimizer(name, beta=beta)
    inside = run(objective, optimizer, np.array([1.0]), 0.97 * bound, steps=3000, tol=1e-10)
    outside = run(objective, optimizer, np.array([1.0]), 1.03 * bound, steps=3000, tol=1e-10)
    assert inside.status == "converged"
    assert outside.status == "diverged"


def test_momentum_bound_is_wider_than_gd():
    s = solve("x^2 + 4*y^2", optimizer="momentum", lr="0.4").stability
    assert s.gd_max_stable_lr == pytest.approx(0.25)
    assert s.max_stable_lr == pytest.approx(2 * 1.9 / 8)
    assert s.lr_is_stable is True


def test_adaptive_methods_have_no_bound():
    s = solve("x^2 + 4*y^2", optimizer="adam").stability
    assert s.max_stable_lr is None and s.lr_is_stable is None and s.gd_max_stable_lr == pytest.approx(0.25)


def test_undefined_hessian():
    s = analyse(np.array([[math.nan]]), np.array([0.0]), "start", "gd", 0.1)
    assert "undefined" in s.reading and s.max_stable_lr is None


# 1. predictions from a critical point, not from the start ---------------------------------------------------
def test_rosenbrock_is_read_at_the_minimum_it_approaches():
    solution = solve("rosenbrock")
    s = solution.stability
    assert solution.run.status == "max_steps" and solution.run.steps == 5000
    np.testing.assert_allclose(s.point, [1.0, 1.0], atol=1e-9)
    assert s.point_kind == "minimum" and "minimum (1, 1) that the run approaches" in s.where
    low, high = np.linalg.eigvalsh(rosenbrock_hessian(1.0, 1.0))
    np.testing.assert_allclose(s.eigenvalues, [low, high], rtol=1e-9)
    assert s.condition_number == pytest.approx(high / low) and round(high / low) == 2508
    rho = 1 - 0.001 * low  # the flattest direction, since 0.001·λmax < 1
    assert s.rate == pytest.approx(rho)
    assert s.steps_predicted == math.ceil(math.log(1e-6) / math.log(rho))
    assert s.steps_predicted > 3 * 5000 and "far short" in s.reading and "2508" in s.reading


def test_three_hump_camel_is_read_where_it_converges():
    solution = solve("three-hump-camel")
    s = solution.stability
    x, y = s.point
    assert 4 * x - 4.2 * x**3 + x**5 + y == pytest.approx(0, abs=1e-9) and x + 2 * y == pytest.approx(0, abs=1e-9)
    hessian = np.array([[4 - 12.6 * x * x + 5 * x**4, 1.0], [1.0, 2.0]])
    low, high = np.linalg.eigvalsh(hessian)
    assert s.point_kind == "minimum" and s.rate == pytest.approx(max(abs(1 - 0.05 * low), abs(1 - 0.05 * high)))
    assert round(s.rate, 3) == 0.905 and s.steps_predicted < 200
    assert np.linalg.norm(solution.run.final_x - s.point) < 1e-6  # the run did reach it within its budget


def test_beale_is_not_called_a_saddle():
    s = solve("beale").stability
    np.testing.assert_allclose(s.point, [3.0, 0.5], atol=1e-9)
    assert s.point_kind == "minimum" and "saddle" not in s.reading and s.lr_is_stable is True


def test_himmelblau_short_run_is_read_at_the_minimum_ahead():
    s = solve("himmelblau", steps=20).stability
    np.testing.assert_allclose(s.point, [3.0, 2.0], atol=1e-9)
    x, y = 3.0, 2.0
    hessian = np.array([[12 * x * x + 4 * y - 42, 4 * x + 4 * y], [4 * x + 4 * y, 4 * x + 12 * y * y - 26]])
    assert s.max_stable_lr == pytest.approx(2 / np.linalg.eigvalsh(hessian)[-1])
    assert s.point_kind == "minimum" and "no step size" not in s.reading


def test_quartic_that_converges_is_not_told_it_grows():
    solution = solve("x^4", start="1", lr="0.3")
    xs = np.abs(solution.run.x[:, 0])
    assert xs[-1] < 0.2 and np.all(np.diff(xs[1:]) < 0)  # it converges
    s = solution.stability
    assert "grow" not in s.reading and s.point_kind == "degenerate" and s.rate is None
    assert s.steps_predicted is None and "sublinear, not geometric" in s.reading


# 2. degenerate and flat cases -----------------------------------------------------------------------------
def test_zero_hessian_minimum_has_no_geometric_rate():
    s = solve("x^4+y^4", start="1,1", lr="0.1", steps=100).stability
    np.testing.assert_allclose(s.point, [0.0, 0.0])
    assert s.point_kind == "degenerate" and s.rate is None and s.steps_predicted is None
    assert "sublinear" in s.reading and "zig-zag" not in s.reading


def test_start_on_a_flat_minimiser():
    s = solve("(x-1)^4").stability
    np.testing.assert_allclose(s.point, [1.0])
    assert s.point_kind == "degenerate" and "no step size makes" not in s.reading


def test_curved_directions_of_a_degenerate_minimum_keep_their_bound():
    """x⁴ + y²: the Hessian diag(0, 2) at the origin; y still needs α < 2/2."""
    s = solve("x^4 + y^2", start="1,1", lr="0.1", steps=300).stability
    assert s.point_kind == "degenerate" and s.max_stable_lr == pytest.approx(1.0) and s.rate is None


def test_singular_quadratic_invariant_subspace():
    """(x + y)²: H = 2·[[1, 1], [1, 1]] (eigenvalues 0 and 4). x − y never changes, x + y shrinks by |1 − 4α|,
    so from (1, 0) the limit is (½, −½), the minimiser nearest the start."""
    solution = solve("(x+y)^2", start="1,0", lr="0.2")
    assert solution.run.status == "converged"
    np.testing.assert_allclose(solution.run.final_x, [0.5, -0.5], atol=1e-8)
    assert np.all(np.abs(solution.run.x[:, 0] - solution.run.x[:, 1] - 1) < 1e-12)
    s = solution.stability
    np.testing.assert_allclose(s.point, [0.5, -0.5])
    assert s.point_kind == "degenerate" and s.max_stable_lr == pytest.approx(0.5) and s.lr_is_stable is True
    assert s.rate == pytest.approx(abs(1 - 4 * 0.2)) and "null space" in s.reading and "cannot" not in s.reading


@pytest.mark.parametrize("objective", ["x^2 + y", "log(1+exp(-x))"])
def test_no_critical_point_no_rate(objective):
    s = solve(objective).stability
    assert s.point_kind == "not critical" and s.point is None
    assert s.rate is None and s.steps_predicted is None and s.max_stable_lr is None and s.lr_is_stable is None
    assert "no rate" in s.reading and s.to_dict()["eigenvalues"] is None


def test_unbounded_quadratic_names_the_direction():
    s = solve("x^2 + y").stability
    assert "(0, -1)" in s.reading and "without bound" in s.reading


# 3. saddles are never stable ------------------------------------------------------------------------------
def test_saddle_has_no_stable_step_size():
    s = solve("x^2 - y^2", start="1,0.01").stability
    assert s.point_kind == "saddle" and s.lr_is_stable is False and s.max_stable_lr is None
    assert s.rate == pytest.approx(1 + 0.1 * 2) and s.steps_predicted is None  # the growth |1 − αλ| along y
    np.testing.assert_allclose(s.escape_direction, [0.0, 1.0])
    assert f"{1 + 0.1 * 2:.4g}" in s.reading  # |1 − αλ| with λ = −2
    doc = s.to_dict()
    assert doc["lr_is_stable"] is False and doc["max_stable_lr"] is None and doc["point_kind"] == "saddle"


def test_saddle_of_xy_escapes_along_the_antidiagonal():
    s = solve("x*y").stability
    assert s.point_kind == "saddle" and s.lr_is_stable is False
    np.testing.assert_allclose(np.abs(s.escape_direction), [2**-0.5, 2**-0.5])
    assert s.escape_direction[0] * s.escape_direction[1] < 0


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_saddle_grows_for_momentum_too(name):
    """Along λ < 0 the characteristic polynomial p(z) of M has p(1) = αλ < 0, so a root exceeds 1."""
    s = solve("x^2 - y^2", start="1,0.01", optimizer=name).stability
    assert s.lr_is_stable is False and s.max_stable_lr is None
    assert contraction(name, 0.1, np.array([-2.0]), 0.9) > 1


# classification -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("objective, kind", [("1e7*x^2 + y^2", "minimum"), ("x^2 + 1e-7*y^2", "minimum"),
                                             ("1e-7*(x^2 + y^2)", "minimum"), ("x^2 - 1e-7*y^2", "saddle"),
                                             ("1e7*x^2 - y^2", "saddle"), ("(x+y)^2", "degenerate"),
                                             ("-x^2 - 1e-7*y^2", "maximum")])
def test_classification_does_not_depend_on_scale(objective, kind):
    f = Objective.parse(objective)
    assert classify(rational_hessian(f)) == kind
    assert classify(f.hessian_at([0.0, 0.0])) == kind
    assert solve(objective).stability.point_kind == kind


def test_exact_inertia_of_a_zero_diagonal():
    """[[0, 1], [1, 0]] has eigenvalues ±1; [[0, 0], [0, 0]] has two zeros."""
    one, zero = Fraction(1), Fraction(0)
    assert inertia([[zero, one], [one, zero]]) == (1, 1, 0)
    assert inertia([[zero, zero], [zero, zero]]) == (0, 0, 2)
    assert inertia([[Fraction(2), Fraction(2)], [Fraction(2), Fraction(2)]]) == (1, 0, 1)


@settings(max_examples=200, deadline=None)
@given(st.floats(-8, 8), st.floats(-8, 8), st.booleans(), st.booleans())
def test_diagonal_classification_follows_the_signs(a, b, first_negative, second_negative):
    first, second = (-1 if first_negative else 1) * 10**a, (-1 if second_negative else 1) * 10**b
    signs = {first > 0, second > 0}
    expected = "saddle" if len(signs) == 2 else "minimum" if True in signs else "maximum"
    assert classify(np.diag([first, second])) == expected
    assert classify([[Fraction(first), Fraction(0)], [Fraction(0), Fraction(second)]]) == expected


@settings(max_examples=40, deadline=None)
@given(st.floats(-8, 8), st.floats(-8, 8), st.booleans(), st.booleans())
def test_typed_diagonal_quadratic_is_classified_by_its_signs(a, b, first_negative, second_negative):
    """The same through the parser: the decimals typed become rationals and the inertia is exact."""
    first, second = (-1 if first_negative else 1) * 10**a, (-1 if second_negative else 1) * 10**b
    f = Objective.parse(f"({first!r})*x^2 + ({second!r})*y^2")
    signs = {first > 0, second > 0}
    assert classify(rational_hessian(f)) == ("saddle" if len(signs) == 2 else "minimum" if True in signs
                                             else "maximum")


def test_rotated_ill_conditioned_minimum_is_strict():
    """Q·diag(10⁶, 10⁻⁶)·Qᵀ for a rotation Q: positive definite, though its entries are far apart."""
    q = np.array([[0.6, -0.8], [0.8, 0.6]])
    h = q @ np.diag([1e6, 1e-2]) @ q.T
    assert classify(h) == "minimum"


# 8. step counts -------------------------------------------------------------------------------------------
def test_heavy_ball_count_bounds_the_measured_error():
    """x² + 1000y² at the optimal pair: both roots of each 2 × 2 map repeat, so the error is ~ t·ρᵗ.
    Simulate e ← e − αb', b' = βb + λe along each eigenvalue from e = 1, b = 0, and find the first t
    after which |e| stays below 10⁻⁶: the predicted count must bound it, and ρᵗ alone must not."""
    mu, big_l = 2.0, 2000.0
    kappa = big_l / mu
    lr = 4 / (math.sqrt(big_l) + math.sqrt(mu)) ** 2
    beta = ((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2
    measured = 0
    for lam in (mu, big_l):
        e, b, last_above = 1.0, 0.0, 0
        for t in range(1, 2000):
            b = beta * b + lam * e
            e = e - lr * b
            if abs(e) > 1e-6:
                last_above = t
        measured = max(measured, last_above + 1)
    predicted = steps_to_reduce("momentum", lr, [mu, big_l], beta)
    naive = math.ceil(math.log(1e-6) / math.log(math.sqrt(beta)))
    assert naive < measured <= predicted <= 1.1 * measured
    s = solve("x^2 + 1000*y^2", optimizer="momentum", lr=str(lr), beta=beta).stability
    assert s.steps_predicted == predicted


def test_kappa_one_lands_in_one_step():
    """3x² + 2x at α = 2/(6 + 6) = 1/6: x − (6x + 2)/6 = −1/3 from anywhere."""
    assert steps_for(0.0) == 1
    s = solve("3*x^2+2*x", lr=str(1 / 6)).stability
    assert s.rate == pytest.approx(0, abs=1e-15) and s.steps_predicted == 1


def test_rmsprop_first_step_is_alpha_over_root_one_minus_rho():
    """s₁ = (1 − ρ)g², so the first step is αg/√((1 − ρ)g²) = α/√(1 − ρ) = 10α at ρ = 0.99."""
    solution = solve("x^2", start="1", optimizer="rmsprop", lr="0.01", steps=1)
    first = abs(solution.run.x[1, 0] - solution.run.x[0, 0])
    assert first == pytest.approx(0.01 / math.sqrt(1 - 0.99), rel=1e-6)
    assert "10α" in solution.stability.reading


def test_adagrad_steps_shrink_like_one_over_root_t():
    """f = 3x: g = 3 always, s_t = 9t, so the step at t is α·3/√(9t) = α/√t."""
    solution = solve("3*x", start="0", optimizer="adagrad", lr="0.1", steps=50)
    steps = np.abs(np.diff(solution.run.x[:, 0]))
    np.testing.assert_allclose(steps, 0.1 / np.sqrt(np.arange(1, 51)), rtol=1e-8)
    assert "α/√t" in solve("x^2 + 4*y^2", optimizer="adagrad").stability.reading


def test_adam_reading_says_steps_near_alpha():
    solution = solve("3*x", start="0", optimizer="adam", lr="0.1", steps=20)
    np.testing.assert_allclose(np.abs(np.diff(solution.run.x[:, 0])), 0.1, rtol=1e-6)
    assert "about α" in solve("x^2 + 4*y^2", optimizer="adam").stability.reading


# curvature along the path ---------------------------------------------------------------------------------
def test_path_curvature_matches_hand_hessians():
    solution = solve("rosenbrock", steps=300, every=7)
    c = solution.stability.path_curvature
    assert list(c.t) == list(solution.run.t)
    expected = np.array([np.linalg.eigvalsh(rosenbrock_hessian(x, y)) for x, y in solution.run.x])
    np.testing.assert_allclose(c.lambda_min, expected[:, 0], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(c.lambda_max, expected[:, 1], rtol=1e-12)
    np.testing.assert_allclose(c.threshold, 2 / 0.001)


def test_path_curvature_first_crossing():
    """x⁴: λmax(x) = 12x². With α = 0.05 and momentum β = 0.9 the threshold is 2(1 + β)/α = 76, crossed where
    12x² > 76, i.e. |x| > √(19/3)."""
    solution = solve("x^4", start="3", optimizer="momentum", lr="0.002", steps=50)
    c = solution.stability.path_curvature
    x = solution.run.x[:, 0]
    threshold = 2 * 1.9 / 0.002
    above = np.nonzero(12 * x * x > threshold)[0]
    assert c.first_crossing == (int(solution.run.t[above[0]]) if above.size else None)
    np.testing.assert_allclose(c.threshold, threshold)


def test_path_curvature_skipped_above_fifty_variables():
    objective = " + ".join(f"x{i}^2" for i in range(51))
    s = solve(objective, steps=3).stability
    assert s.path_curvature is None and "51 variables" in s.curvature_note
    asked = solve(objective, steps=3, curvature=True).stability
    np.testing.assert_allclose(asked.path_curvature.lambda_max, 2.0)


@pytest.mark.parametrize("objective", ["Abs(x) + y^2", "Max(x, y)^2"])
def test_kinks_get_no_linear_reading(objective):
    """|x| + y² has its minimum at the kink x = 0, where no Hessian exists: nothing from the linear model."""
    s = solve(objective, lr="0.3").stability
    assert s.point_kind is None and s.rate is None and s.max_stable_lr is None and s.lr_is_stable is None
    assert "kinks" in s.reading and "without bound" not in s.reading


def test_constant_objective_never_moves():
    solution = solve("0*x", start="1")
    assert list(solution.run.x[:, 0]) == [1.0] and "constant" in solution.stability.reading


def test_maximum_has_no_stable_step_size():
    s = solve("-x^2", start="1").stability
    assert s.point_kind == "maximum" and s.lr_is_stable is False and s.max_stable_lr is None
    assert s.rate == pytest.approx(1.2)  # |1 − αλ| with λ = −2, α = 0.1


def test_circle_of_minima_converges_geometrically_across_it():
    """(x² + y² − 1)²: along the radius r, f = (r² − 1)² has f'' = 8 at r = 1, so gd's error in r shrinks by
    |1 − 8α| per step; along the circle nothing moves. The panel must not call that sublinear."""
    solution = solve("(x^2+y^2-1)^2", start="2,0.5", lr="0.01", steps=200)
    s = solution.stability
    assert np.linalg.norm(s.point) == pytest.approx(1.0, abs=1e-9)
    assert s.point_kind == "degenerate" and s.rate == pytest.approx(1 - 8 * 0.01)
    assert "sublinear" not in s.reading and "curve or surface" in s.reading
    radii = np.linalg.norm(solution.run.x, axis=1)
    late = np.abs(radii[-40:] - 1)
    np.testing.assert_allclose(late[1:] / late[:-1], 1 - 8 * 0.01, rtol=1e-3)  # geometric, as read


def test_line_of_minima_with_quartic_walls_is_sublinear():
    """(x + y)⁴: the minima fill x + y = 0, but across the line f = s⁴ and the Hessian is zero: sublinear."""
    s = solve("(x+y)^4", start="1,0", lr="0.1", steps=200).stability
    assert s.point_kind == "degenerate" and s.rate is None and "sublinear" in s.reading


def test_a_failed_line_search_is_read_as_what_happened():
    # x² from 1 with α₀ = 1e20: the 60th trial is α = 1e20/2⁵⁹ ≈ 173.5, and (1 − 2α)² > 1 for every trial α > 1,
    # so no step is taken; the reading must say so instead of promising that backtracking needs no bound
    from gdcli.engine.solution import solve

    s = solve("x^2", start="1", lr="1e20", line_search=True, steps=5)
    assert s.run.status == "line_search_failed"
    assert "no step was taken" in s.stability.reading and "needs no stability bound only while" in s.stability.reading
