"""The vectorised kernels agree with the rules written out by hand and with the scalar loop."""

from fractions import Fraction

import numpy as np
import pytest

from gdcli.engine.exact import Irrational, TooLarge
from gdcli.engine.kernels import ArrayObjective, ArrayRule, fraction_step
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import RULES, make_optimizer
from gdcli.engine.run import run


def test_objective_over_arrays():
    f = ArrayObjective(Objective.parse("x^2 + 4*y^2 + x*y"))
    x, y = np.array([1.0, -2.0, 0.5]), np.array([0.0, 3.0, -1.0])
    value, (gx, gy) = f([x, y])
    np.testing.assert_allclose(value, x**2 + 4 * y**2 + x * y)
    np.testing.assert_allclose(gx, 2 * x + y)
    np.testing.assert_allclose(gy, 8 * y + x)


def test_one_adam_step_by_hand():
    """t = 1: m = (1−β₁)g, v = (1−β₂)g², m̂ = g, v̂ = g², x ← x − α·g/(|g| + ε)."""
    g = np.array([0.5, -2.0])
    x_new, state, values = ArrayRule(RULES["adam"])(np.array([1.0, 1.0]), g, None, 0.1, 1, {})
    np.testing.assert_allclose(state["m"], 0.1 * g)
    np.testing.assert_allclose(state["v"], 0.001 * g**2)
    np.testing.assert_allclose(values["m_hat"], g)
    np.testing.assert_allclose(values["v_hat"], g**2)
    np.testing.assert_allclose(x_new, 1.0 - 0.1 * g / (np.abs(g) + 1e-8))


def test_learning_rates_broadcast_over_runs():
    """Three runs of momentum with their own α on f = x²: b = g = 2x, x ← x − α·b."""
    x = np.array([[1.0], [1.0], [1.0]])
    lr = np.array([[0.1], [0.2], [0.3]])
    x_new, state, _ = ArrayRule(RULES["momentum"])(x, 2 * x, None, lr, 1, {"beta": 0.9})
    np.testing.assert_allclose(x_new[:, 0], [0.8, 0.6, 0.4])
    np.testing.assert_allclose(state["b"][:, 0], [2.0, 2.0, 2.0])


@pytest.mark.parametrize("name", list(RULES))
def test_kernels_trace_the_scalar_loop(name):
    objective = Objective.parse("x^2 + 4*y^2 + x*y")
    optimizer = make_optimizer(name)
    reference = run(objective, optimizer, np.array([3.0, -2.0]), 0.05, steps=25, tol=0)
    f, kernel = ArrayObjective(objective), ArrayRule(optimizer.rule)
    x, state = np.array([3.0, -2.0]), None
    for t in range(1, 26):
        _, grads = f(list(x))
        x, state, _ = kernel(x, np.array(grads), state, 0.05, t, optimizer.hyper)
        np.testing.assert_allclose(x, reference.x[t], rtol=1e-12, atol=1e-14)


def test_a_rule_compiled_over_fractions_gives_the_rules_written_by_hand():
    """fraction_step(momentum), (nesterov), (gd) against torch's rules written again in Fraction arithmetic:
    b ← βb + g, x ← x − αb; b ← βb + g, x ← x − α(g + βb); x ← x − αg."""
    x0, g, lr, beta, b = Fraction(3, 7), Fraction(-5, 2), Fraction(1, 10), Fraction(9, 10), Fraction(4, 3)
    buffer = beta * b + g
    assert fraction_step(RULES["momentum"])(x=x0, g=g, lr=lr, step=Fraction(1), b=b, beta=beta) == \
        {"b": buffer, "x": x0 - lr * buffer}
    assert fraction_step(RULES["nesterov"])(x=x0, g=g, lr=lr, step=Fraction(1), b=b, beta=beta) == \
        {"b": buffer, "x": x0 - lr * (g + beta * buffer)}
    assert fraction_step(RULES["gd"])(x=x0, g=g, lr=lr, step=Fraction(1)) == {"x": x0 - lr * g}
    assert all(isinstance(v, Fraction) for v in fraction_step(RULES["momentum"])(
        x=x0, g=g, lr=lr, step=Fraction(1), b=b, beta=beta).values())


def test_a_compiled_rule_keeps_the_digit_budget_and_refuses_irrational_steps():
    """A product past MAX_DIGITS digits is refused as evaluate refuses it; AdaGrad's √s is exact for a
    perfect square (s = 0 + 3² = 9: x ← x − α·3/(3 + ε)) and refused otherwise."""
    huge = Fraction(3**6000, 2)
    with pytest.raises(TooLarge):
        fraction_step(RULES["gd"])(x=Fraction(0), g=huge, lr=huge, step=Fraction(1))
    eps = Fraction(1, 10**10)
    adagrad = fraction_step(RULES["adagrad"])
    assert adagrad(x=Fraction(1), g=Fraction(3), lr=Fraction(1, 2), step=Fraction(1), s=Fraction(0), eps=eps) == \
        {"s": Fraction(9), "x": 1 - Fraction(1, 2) * 3 / (3 + eps)}
    with pytest.raises(Irrational):
        adagrad(x=Fraction(1), g=Fraction(2), lr=Fraction(1, 2), step=Fraction(1), s=Fraction(1), eps=eps)
