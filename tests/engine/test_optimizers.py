"""Each optimizer against its update rule written out again here, by hand, in plain Python floats."""

import math

import numpy as np
import pytest

from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import RULES, make_optimizer, rule_lines
from gdcli.engine.run import run
from gdcli.errors import OptionError

# f(x, y) = x² + 4y² + xy has ∇f = (2x + y, 8y + x): a non-separable quadratic, so coordinates interact.
TEXT = "x^2 + 4*y^2 + x*y"
START = (3.0, -2.0)


def grad(p):
    return [2 * p[0] + p[1], 8 * p[1] + p[0]]


def by_hand(name, lr, steps, beta=0.9, beta1=0.9, beta2=0.999, eps=None, rho=0.99):
    """The documented torch.optim rules, one coordinate at a time."""
    eps = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8}.get(name, 0.0) if eps is None else eps
    p = list(START)
    b = [0.0, 0.0]
    s = [0.0, 0.0]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    path = [tuple(p)]
    for t in range(1, steps + 1):
        g = grad(p)
        for i in range(2):
            if name == "gd":
                p[i] -= lr * g[i]
            elif name in ("momentum", "nesterov"):
                b[i] = g[i] if t == 1 else beta * b[i] + g[i]
                p[i] -= lr * (b[i] if name == "momentum" else g[i] + beta * b[i])
            elif name == "adagrad":
                s[i] += g[i] ** 2
                p[i] -= lr * g[i] / (math.sqrt(s[i]) + eps)
            elif name == "rmsprop":
                s[i] = rho * s[i] + (1 - rho) * g[i] ** 2
                p[i] -= lr * g[i] / (math.sqrt(s[i]) + eps)
            elif name == "adam":
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] ** 2
                m_hat = m[i] / (1 - beta1**t)
                v_hat = v[i] / (1 - beta2**t)
                p[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
        path.append(tuple(p))
    return np.array(path)


@pytest.mark.parametrize("name", list(RULES))
def test_engine_matches_the_rule_written_by_hand(name):
    objective = Objective.parse(TEXT)
    result = run(objective, make_optimizer(name), np.array(START), 0.05, steps=30, tol=0)
    np.testing.assert_allclose(result.x, by_hand(name, 0.05, 30), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name, hyper", [("momentum", {"beta": 0.5}), ("nesterov", {"beta": 0.3}),
                                         ("rmsprop", {"rho": 0.9, "eps": 1e-6}),
                                         ("adam", {"beta1": 0.8, "beta2": 0.99, "eps": 1e-4})])
def test_hyper_parameters_reach_the_update(name, hyper):
    objective = Objective.parse(TEXT)
    result = run(objective, make_optimizer(name, **hyper), np.array(START), 0.05, steps=15, tol=0)
    np.testing.assert_allclose(result.x, by_hand(name, 0.05, 15, **hyper), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_momentum_with_beta_zero_is_gradient_descent(name):
    objective = Objective.parse(TEXT)
    plain = run(objective, make_optimizer("gd"), np.array(START), 0.1, steps=25, tol=0)
    heavy = run(objective, make_optimizer(name, beta=0.0), np.array(START), 0.1, steps=25, tol=0)
    np.testing.assert_allclose(heavy.x, plain.x, rtol=1e-14)


def test_rmsprop_first_step_is_sign_scaled():
    """With s₀ = 0: s₁ = (1−ρ)g², so the first step is α·g/√((1−ρ)g²) = α/√(1−ρ)·sign(g), up to ε."""
    objective = Objective.parse("x^2")
    result = run(objective, make_optimizer("rmsprop"), np.array([2.0]), 0.01, steps=1, tol=0)
    assert result.x[1, 0] == pytest.approx(2.0 - 0.01 / math.sqrt(0.01), rel=1e-7)


def test_adam_first_step_has_length_alpha():
    """Bias correction makes m̂₁ = g and v̂₁ = g², so the first Adam step is α·sign(g) (up to ε)."""
    objective = Objective.parse("3*x^2 - 5*y")
    result = run(objective, make_optimizer("adam"), np.array([1.0, 1.0]), 0.1, steps=1, tol=0)
    np.testing.assert_allclose(result.x[1], [0.9, 1.1], rtol=1e-7)


@pytest.mark.parametrize("name, value", [("beta", 1.0), ("beta", -0.1), ("beta", float("nan"))])
def test_invalid_hyper_parameters_name_the_value(name, value):
    with pytest.raises(OptionError, match=f"--{name}"):
        make_optimizer("momentum", **{name: value})


def test_unknown_optimizer():
    with pytest.raises(OptionError, match="unknown optimizer 'sgd2'"):
        make_optimizer("sgd2")


def test_rules_are_shown_as_written():
    assert rule_lines(RULES["momentum"]) == ["b ← β·b + g", "x ← x - α·b"]
    assert rule_lines(RULES["gd"]) == ["x ← x - α·g"]
    assert all(r.note for r in RULES.values())
