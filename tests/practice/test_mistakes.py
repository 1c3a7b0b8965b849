"""Mistakes named: each rule's common mistakes, computed here by hand, are rejected and named; a mistake that
gives the right answer on a variant is not offered."""

import json
import math

import pytest

from gdcli.practice import mistakes, problems


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))


def named(question, text):
    verdict = question.check(text)
    assert not verdict.correct
    return verdict.misconception


def test_adam_without_bias_correction_and_the_other_first_step_slips():
    q = problems.find("adam-first-step").question(4)          # f = x², x₀ = 1, α = 0.1, one Adam step
    g = 2.0
    m, v = 0.1 * g, 0.001 * g * g                             # (1 − β₁)g, (1 − β₂)g²
    assert named(q, repr(1 - 0.1 * m / (math.sqrt(v) + 1e-8))) == mistakes.NO_BIAS_CORRECTION
    assert named(q, "1.1") == mistakes.ASCENT                  # x + α·m̂/√v̂ = 1 + 0.1
    assert named(q, "0") == mistakes.NO_ALPHA                  # α = 1: 1 − m̂/√v̂ = 0
    # ε inside the square root changes x₁ by about 10⁻⁹: the same answer to 4 figures, so it is not offered
    assert mistakes.EPS_INSIDE not in [m.message for m in q.answer.near]
    assert named(problems.find("adam-first-step").question(2), "0.2") == mistakes.M_NOT_HAT


def test_momentum_buffer_in_sutskever_form_and_a_stale_gradient():
    problem = problems.find("momentum-two-steps")               # f = x² + 4y² from (2, 1), α = 0.1, β = 0.9
    b2 = [0.9 * 4 + 3.2, 0.9 * 8 + 1.6]
    assert named(problem.question(2), f"{0.1 * b2[0]}, {0.1 * b2[1]}") == mistakes.SUTSKEVER
    g0 = [4.0, 8.0]                                           # ∇f(x₀) used twice: b₂ = 0.9·g₀ + g₀
    x1 = [2 - 0.1 * g0[0], 1 - 0.1 * g0[1]]
    stale = [x1[i] - 0.1 * (0.9 * g0[i] + g0[i]) for i in range(2)]
    assert named(problem.question(3), f"{stale[0]}, {stale[1]}") == mistakes.STALE


def test_nesterov_in_the_textbook_look_ahead_form():
    q = problems.find("nesterov-two-steps").question(3)       # f = x², x₀ = 1, α = 0.1, β = 0.9
    b, x = 0.0, 1.0
    for _ in range(2):
        b = 0.9 * b + 2 * (x - 0.1 * 0.9 * b)                  # the gradient at the look-ahead point
        x = x - 0.1 * b
    assert named(q, repr(x)) == mistakes.LOOK_AHEAD


def test_stability_bounds_from_the_wrong_eigenvalue():
    problem = problems.find("eigenvalues-one-and-ten")          # eigenvalues 1 and 10
    assert named(problem.question(1), "0 < a < 2") == mistakes.MIN_FOR_MAX
    assert named(problems.find("ill-conditioning-cost").question(3), "2") == mistakes.MIN_FOR_MAX
    assert named(problems.find("ill-conditioning-cost").question(3), "0.01") == mistakes.ONE_OVER_MAX
    assert named(problem.question(3), "0.2") == mistakes.BOUND_FOR_BEST
    assert named(problem.question(2), "0.1") == mistakes.INVERTED_KAPPA


def test_a_strict_bound_written_with_less_or_equal_is_named():
    verdict = problems.find("eigenvalues-one-and-ten").question(1).check("0 < a <= 0.2")
    assert not verdict.correct and "strict" in verdict.misconception


def test_armijo_with_the_norm_instead_of_its_square():
    q = problems.find("armijo-quartic").question(2)            # f = x⁴ from 1, α = 0.5, c₁ = 10⁻⁴, halving
    f = lambda t: t**4  # noqa: E731
    alpha, g = 0.5, 4.0
    while not f(1 - alpha * g) <= f(1) - 1e-4 * alpha * abs(g):
        alpha /= 2
    right = 0.5
    while not f(1 - right * g) <= f(1) - 1e-4 * right * g * g:
        right /= 2
    if alpha == right:                                        # then the mistake is not offered
        assert mistakes.NORM_NOT_SQUARED not in [m.message for m in q.answer.near]
    else:
        assert named(q, repr(alpha)) == mistakes.NORM_NOT_SQUARED


def test_the_schedule_read_one_step_off():
    q = problems.find("learning-rate-schedules").question(1)   # inverse, α₀ = 0.5, k = 0.1, t = 10
    assert "step 9" in named(q, repr(0.5 / (1 + 0.1 * 9)))
    assert "step 11" in named(q, repr(0.5 / (1 + 0.1 * 11)))


def test_the_smallest_factor_for_the_rate():
    q = problems.find("zigzag-narrow-valley").question(4)      # α = 0.035, eigenvalues 2 and 50
    assert named(q, repr(min(abs(1 - 0.035 * 2), abs(1 - 0.035 * 50)))) == mistakes.SMALLEST_FACTOR


def test_a_mistake_equal_to_the_right_answer_is_not_offered():
    # x-squared-three-rates q4: α = 0.5 on x² lands on 0, so "one step too many" is 0 as well
    q = problems.find("x-squared-three-rates").question(4)
    assert all(abs(float(m.value)) > 1e-9 for m in q.answer.near)
    assert q.check("0").correct


def test_check_json_names_the_misconception(cli):
    result = cli("practice", "check", "adam-first-step", "-q", "2", "-a", "0.2", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["misconception"] == mistakes.M_NOT_HAT
    right = cli("practice", "check", "adam-first-step", "-q", "2", "-a", "2", "--json")
    assert json.loads(right.stdout)["misconception"] is None
