"""Derivatives against SymPy's own dense route, and the compiled evaluators against the expressions."""

import numpy as np
import pytest
import sympy as sp

from gdcli.engine.functions import CATALOG
from gdcli.engine.objective import Objective


def chained_rosenbrock(n):
    return " + ".join(f"100*(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, n))


@pytest.mark.parametrize("text", ["x^2 + 4*y^2 + x*y", "sin(x)*exp(y) + log(1 + x^2)", chained_rosenbrock(6),
                                  "Abs(x) + Max(x, y)^2", *[f.expression for f in CATALOG]])
def test_gradient_and_hessian_equal_the_dense_derivation(text):
    objective = Objective.parse(text)
    f, symbols = objective.expr, objective.symbols
    for mine, theirs in zip(objective.gradient, [sp.diff(f, s) for s in symbols]):
        assert sp.simplify(mine - theirs.replace(sp.DiracDelta, lambda *a: 0)) == 0
    dense = sp.hessian(f, symbols).replace(sp.DiracDelta, lambda *a: 0)
    assert sp.simplify(objective.hessian - dense) == sp.zeros(len(symbols))


def test_compiled_values_match_the_expression():
    objective = Objective.parse("sin(x)*exp(y) + x^3*y")
    point = (0.3, -0.7)
    subs = dict(zip(objective.symbols, point))
    f, g = objective.value_and_gradient(point)
    assert f == pytest.approx(float(objective.expr.subs(subs)))
    np.testing.assert_allclose(g, [float(e.subs(subs)) for e in objective.gradient])
    np.testing.assert_allclose(objective.hessian_at(point), np.array(objective.hessian.subs(subs), dtype=float))


@pytest.mark.slow
def test_sparse_hessian_of_a_chain_is_tridiagonal():
    objective = Objective.parse(chained_rosenbrock(100))
    assert objective.dimension == 100
    assert all(abs(i - j) <= 1 for i, j in objective.hessian_entries)
    assert len(objective.hessian_entries) == 100 + 99
    # at the minimum (1, …, 1) the chain's Hessian is positive definite
    assert np.linalg.eigvalsh(objective.hessian_at(np.ones(100)))[0] > 0


def test_quadratic_detection():
    assert Objective.parse("x^2 + 3*x*y - y").is_quadratic
    assert not Objective.parse("x^4 + y^2").is_quadratic


def test_variables_named_like_generated_locals_do_not_collide():
    objective = Objective.parse("f^2 + t^2 + lr^2 + math^2", ["f", "t", "lr", "math"])
    value, gradient = objective.value_and_gradient((1.0, 2.0, 3.0, 4.0))
    assert value == 30.0
    np.testing.assert_allclose(gradient, [2, 4, 6, 8])


def test_builtin_minima_are_stationary():
    for function in CATALOG:
        objective = Objective.parse(function.name)
        for minimum in function.minima:
            _, g = objective.value_and_gradient(minimum)
            assert np.linalg.norm(g) < 1e-6, function.name


def test_terms_of_one_shape_share_their_derivatives():
    """The chain's 198 terms have two shapes, so only two templates are differentiated; the results still
    equal SymPy's own derivative of each term."""
    objective = Objective.parse(chained_rosenbrock(30))
    gradient = objective.gradient
    assert len(objective._templates) == 2
    x = objective.symbols
    # ∂f/∂x_i = −400·x_i·(x_{i+1} − x_i²) − 2(1 − x_i) + 200·(x_i − x_{i−1}²), written out for an inner i
    i = 10
    expected = -400 * x[i] * (x[i + 1] - x[i] ** 2) - 2 * (1 - x[i]) + 200 * (x[i] - x[i - 1] ** 2)
    assert sp.expand(gradient[i] - expected) == 0
