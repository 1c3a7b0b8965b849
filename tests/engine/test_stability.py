"""Stability readings against the closed forms, and the bounds against simulation."""

import math

import numpy as np
import pytest

from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import make_optimizer
from gdcli.engine.run import run
from gdcli.engine.solution import solve
from gdcli.engine.stability import analyse, contraction, stability_bound, steps_for


def test_seed_001_hard_practice_eigenvalues_one_and_ten():
    """f = ½xᵀAx with eigenvalues {1, 10}: 0 < α < 2/10 = 0.2 and κ = 10."""
    s = solve("x^2/2 + 5*y^2", lr="0.1").stability
    np.testing.assert_allclose(s.eigenvalues, [1, 10])
    assert s.max_stable_lr == pytest.approx(0.2)
    assert s.condition_number == pytest.approx(10)
    assert s.best_lr == pytest.approx(2 / 11)
    assert s.best_rate == pytest.approx(9 / 11)
    assert s.lr_is_stable is True


def test_seed_example_bound_alpha_below_one():
    s = solve("(x-3)^2", start="0", lr="1.1", steps=3).stability
    assert s.max_stable_lr == pytest.approx(1.0) and s.lr_is_stable is False
    assert "above 2/λmax = 1" in s.reading and "grow" in s.reading


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


def test_point_is_named():
    assert "quadratic" in solve("x^2 + y^2").stability.where
    converged = solve("himmelblau", steps=2000).stability
    assert converged.where == "final iterate"
    stalled = solve("rosenbrock", steps=5).stability
    assert stalled.where == "start" and list(stalled.point) == [-1.2, 1.0]


def test_saddle_reading_mentions_negative_curvature():
    s = solve("saddle").stability
    assert s.lambda_min == pytest.approx(-2) and s.condition_number is None
    assert "λmin" in s.reading and "negative-curvature" in s.reading


def test_undefined_hessian():
    s = analyse(np.array([[math.nan]]), np.array([0.0]), "start", "gd", 0.1)
    assert "undefined" in s.reading and s.max_stable_lr is None
