"""The run loop: the seeds' worked examples, stopping rules, divergence, sampling, schedules, Armijo."""

import json
import math

import numpy as np
import pytest

from gdcli.engine.objective import Objective
from gdcli.engine.run import DIVERGENCE_FACTOR
from gdcli.engine.solution import solve
from gdcli.errors import GdError, OptionError


def test_seed_001_example_1_small_step():
    """(x − 3)² from 0 with α = 0.1: x_{t+1} = 0.8 x_t + 0.6 gives 0.6, 1.08, 1.464, 1.7712."""
    result = solve("(x-3)^2", start="0", lr="0.1", steps=4).run
    expected = [0.0]
    for _ in range(4):
        expected.append(0.8 * expected[-1] + 0.6)
    np.testing.assert_allclose(result.x[:, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(result.x[:, 0], [0, 0.6, 1.08, 1.464, 1.7712], rtol=1e-12)


def test_seed_001_example_1_large_step_oscillates_and_diverges():
    """With α = 1.1: x_{t+1} = −1.2 x_t + 6.6 gives 6.6, −1.32, 8.184, −3.2208, growing without bound."""
    four = solve("(x-3)^2", start="0", lr="1.1", steps=4).run
    np.testing.assert_allclose(four.x[:, 0], [0, 6.6, -1.32, 8.184, -3.2208], rtol=1e-12)
    long = solve("(x-3)^2", start="0", lr="1.1", steps=1000).run
    assert long.status == "diverged"
    # |x_t − 3| = 3·1.2ᵗ, so f = 9·1.44ᵗ passes 1e12·f(0) = 9e12 when 1.44ᵗ > 1e12: t = ⌈12/log10(1.44)⌉ = 76
    # f grew (x stays far below 10¹²·3), and the table's last row is step 75, the last within bounds
    assert long.message.startswith("diverged after step 75: at step 76 |f| grew past 10¹²")
    assert np.all(np.isfinite(long.x)) and long.steps == 75 and long.t[-1] == 75


def test_seed_001_example_2_one_vector_step():
    """x1² + 4x2² from (2, 1) with α = 0.2: ∇f = (4, 8), x₁ = (1.2, −0.6), f 8 → 2.88."""
    result = solve("x1^2 + 4*x2^2", start="2,1", lr="0.2", steps=1).run
    np.testing.assert_allclose(result.grad[0], [4, 8])
    np.testing.assert_allclose(result.x[1], [1.2, -0.6], rtol=1e-12)
    np.testing.assert_allclose(result.f, [8, 2.88], rtol=1e-12)


def test_seed_001_practice_easy():
    """x² from 5 with α = 0.4: multiplier 1 − 0.8 = 0.2, so 1, 0.2, 0.04."""
    result = solve("x^2", start="5", lr="0.4", steps=3).run
    np.testing.assert_allclose(result.x[:, 0], [5, 1, 0.2, 0.04], rtol=1e-12)


def test_seed_001_practice_medium_lands_on_the_minimum():
    result = solve("(x1 - 1)^2 + (x2 + 2)^2", start="3,0", lr="0.5", steps=5).run
    np.testing.assert_allclose(result.x[1], [1, -2])
    assert result.f[0] == 8 and result.f[1] == 0
    assert result.status == "converged" and result.steps == 1


def test_convergence_by_gradient_tolerance():
    result = solve("x^2 + 4*y^2", start="3,3", lr="0.2", steps=1000, tol=1e-6).run
    assert result.status == "converged" and result.reason == "tol"
    assert result.final_grad_norm <= 1e-6 and result.grad_norm[-2] > 1e-6


def test_xtol_and_ftol():
    by_x = solve("x^2", start="1", lr="0.1", steps=1000, tol=0, xtol=1e-3).run
    steps = by_x.x[1:, 0] - by_x.x[:-1, 0]
    assert by_x.reason == "xtol" and abs(steps[-1]) <= 1e-3 and np.all(np.abs(steps[:-1]) > 1e-3)
    by_f = solve("x^2", start="1", lr="0.1", steps=1000, tol=0, ftol=1e-6).run
    changes = np.abs(np.diff(by_f.f))
    assert by_f.reason == "ftol" and changes[-1] <= 1e-6 and np.all(changes[:-1] > 1e-6)


def test_every_keeps_every_kth_row_and_the_last():
    result = solve("x^2 + y^2", start="1,1", lr="0.01", steps=95, tol=0, every=10).run
    assert list(result.t) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95]
    np.testing.assert_allclose(result.x[-1], [0.98**95] * 2, rtol=1e-12)


def test_every_keeps_the_last_finite_iterate_of_a_diverged_run():
    full = solve("(x-3)^2", start="0", lr="1.1", steps=1000).run
    sampled = solve("(x-3)^2", start="0", lr="1.1", steps=1000, every=7).run
    assert sampled.status == "diverged" and sampled.t[-1] == full.t[-1]
    np.testing.assert_allclose(sampled.final_x, full.final_x)


def test_overflow_and_leaving_the_domain_are_divergence_not_errors():
    overflow = solve("exp(x^2)", start="2", lr="1", steps=50).run
    assert overflow.status == "diverged" and np.all(np.isfinite(overflow.f))
    domain = solve("x*log(x)", start="2", lr="5", steps=50).run
    assert domain.status == "diverged" and "domain" in domain.message


def test_unbounded_below_is_diverged():
    result = solve("-x^2", start="1", lr="0.5", steps=200).run
    assert result.status == "diverged"
    assert abs(result.final_f) <= DIVERGENCE_FACTOR


def test_schedules_follow_their_formulas():
    inverse = solve("x^2", start="1", lr="0.4", steps=5, tol=0, schedule="inverse", decay=0.5).run
    np.testing.assert_allclose(inverse.lr, [0.4 / (1 + 0.5 * t) for t in range(6)])
    x = 1.0
    for t in range(5):
        x -= 0.4 / (1 + 0.5 * t) * 2 * x
    assert inverse.final_x[0] == pytest.approx(x, rel=1e-12)
    exponential = solve("x^2", start="1", lr="0.4", steps=5, tol=0, schedule="exponential", decay=0.9).run
    np.testing.assert_allclose(exponential.lr, [0.4 * 0.9**t for t in range(6)])


def test_armijo_line_search_accepts_only_sufficient_decrease():
    c1, shrink = 1e-4, 0.5
    result = solve("rosenbrock", lr="1", steps=200, line_search=True, c1=c1, shrink=shrink).run
    f = Objective.parse("rosenbrock")
    for r in range(len(result.t) - 1):
        alpha, g = result.lr[r], result.grad[r]
        # the accepted α satisfies Armijo's condition …
        assert result.f[r + 1] <= result.f[r] - c1 * alpha * g @ g + 1e-12
        # … and the one tried before it (α/shrink) did not
        if result.trials[r] > 1:
            before = result.x[r] - (alpha / shrink) * g
            assert f.value(before) > result.f[r] - c1 * (alpha / shrink) * g @ g
        assert alpha == pytest.approx(shrink ** (result.trials[r] - 1))
    assert result.f[-1] < 0.1 * result.f[0]


def test_line_search_that_finds_no_step_stops_instead_of_taking_one(cli):
    # x² from 1 with α = 1e20: a trial α is accepted iff (1 − 2α)² ≤ 1 − 4·c1·α, i.e. α ≤ 1 − c1; the 60th trial
    # is 1e20·2⁻⁵⁹ ≈ 173.5, still far above, so no step meets Armijo's condition
    result = solve("x^2", start="1", lr="1e20", steps=20, line_search=True).run
    last_alpha = 1e20 * 0.5**59
    assert result.status == "line_search_failed" and result.reason == "line_search"
    assert result.steps == 0 and list(result.x[:, 0]) == [1.0]
    assert result.trials[-1] == 60 and result.lr[-1] == pytest.approx(last_alpha)
    assert (1 - 2 * last_alpha) ** 2 > 1 - 4 * 1e-4 * last_alpha  # the last trial indeed fails Armijo
    assert "60 step sizes" in result.message and "no step was taken" in result.message
    shown = cli("solve", "x^2", "--start", "1", "--lr", "1e20", "--line-search")
    assert shown.exit_code == 0 and "line search failed" in shown.stdout
    document = json.loads(cli("solve", "x^2", "--start", "1", "--lr", "1e20", "--line-search", "--json").stdout)
    assert document["status"] == "line_search_failed" and document["iterates"][-1]["trials"] == 60


def test_line_search_rows_meet_armijo_when_some_trials_fail():
    # from α = 1e6 on x² the search needs about 20 halvings; every step taken must satisfy Armijo's condition
    c1 = 1e-4
    result = solve("x^2 + 3*y^2", start="1,1", lr="1e6", steps=30, line_search=True, c1=c1).run
    assert result.status != "line_search_failed"
    for r in range(len(result.t) - 1):
        g = result.grad[r]
        assert result.f[r + 1] <= result.f[r] - c1 * result.lr[r] * g @ g
        assert result.trials[r] > 1


def test_line_search_needs_gd():
    with pytest.raises(OptionError, match="works with gd and the methods"):
        solve("x^2", optimizer="adam", line_search=True)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"lr": "0"}, "--lr must be a positive"),
    ({"lr": "-1"}, "--lr must be a positive"),
    ({"lr": "abc"}, "--lr"),
    ({"steps": -1}, "--steps"),
    ({"steps": 2.5}, "--steps must be a whole number"),
    ({"start": "1,2,3"}, "--start has 3 values but the objective has 2 variables"),
    ({"start": "nan,1"}, "--start"),
    ({"tol": -1}, "--tol"),
    ({"every": 0}, "--every"),
    ({"schedule": "cyclic"}, "unknown schedule"),
    ({"schedule": "exponential", "decay": 2}, "--decay"),
])
def test_bad_options(kwargs, fragment):
    with pytest.raises(GdError) as info:
        solve("x^2 + y^2", **kwargs)
    assert fragment in str(info.value)


@pytest.mark.parametrize("text, start", [("log(x)", "-1"), ("1/x", "0"), ("sqrt(x)", "-4")])
def test_undefined_at_the_start(text, start):
    with pytest.raises(OptionError, match="undefined at the start"):
        solve(text, start=start)


def test_builtins_bring_their_start_and_known_minimum():
    result = solve("booth", steps=2000).run
    assert result.status == "converged"
    np.testing.assert_allclose(result.final_x, [1, 3], atol=1e-6)
    assert list(result.start) == [0.0, 0.0]


def test_evaluations_are_counted():
    result = solve("x^2", start="1", lr="0.1", steps=10, tol=0).run
    assert result.evaluations["gradient"] == 11
    assert math.isclose(result.final_x[0], 0.8**10)


def test_huge_steps_overflow_quietly_into_divergence():
    """Python floats overflow to inf without a warning; the run is called diverged (no warning escapes)."""
    result = solve("x^2", start="1", lr="1e299", steps=10).run
    assert result.status == "diverged"
