"""Every fact the catalog states (minima, eigenvalues, κ, heights) checked against SymPy's own derivatives and
NumPy's eigenvalues, so a typo in a description cannot survive."""

import re

import numpy as np
import pytest
import sympy as sp

from gdcli.engine.functions import CATALOG


def derivatives(function):
    """f, ∇f and ∇²f from the catalog's text, differentiated by SymPy directly (not by gdcli's Objective)."""
    x, y = sp.symbols("x y", real=True)
    expr = sp.sympify(function.expression.replace("^", "**"), locals={"x": x, "y": y})
    gradient = sp.lambdify((x, y), [expr.diff(v) for v in (x, y)])
    hessian = sp.lambdify((x, y), sp.hessian(expr, (x, y)))
    return sp.lambdify((x, y), expr), gradient, hessian


@pytest.mark.parametrize("function", CATALOG, ids=lambda f: f.name)
def test_listed_minima_are_strict_minima(function):
    _, gradient, hessian = derivatives(function)
    for point in function.minima:
        assert np.linalg.norm(gradient(*point)) < 1e-9
        assert np.linalg.eigvalsh(np.array(hessian(*point), dtype=float))[0] > 0


@pytest.mark.parametrize("function", CATALOG, ids=lambda f: f.name)
def test_stated_eigenvalues_and_kappa(function):
    _, _, hessian = derivatives(function)
    point = function.minima[0] if function.minima else (0.0, 0.0)
    values = np.linalg.eigvalsh(np.array(hessian(*point), dtype=float))
    stated = re.search(r"eigenvalues (\S+) and (\S+)", function.description)
    if stated:
        np.testing.assert_allclose(values, [float(stated[1]), float(stated[2])], rtol=1e-12)
    kappa = re.search(r"κ = (\d+)", function.description)
    if kappa:
        assert values[-1] / values[0] == pytest.approx(float(kappa[1]), rel=1e-12)


def test_booth_eigenvalues_are_two_and_eighteen():
    """Booth: f = ‖Ax − b‖² with A = [[1, 2], [2, 1]], so ∇²f = 2AᵀA = 2·[[5, 4], [4, 5]], eigenvalues 2 and 18."""
    (booth,) = [f for f in CATALOG if f.name == "booth"]
    assert "eigenvalues 2 and 18" in booth.description


def test_camel_local_minima_height():
    (camel,) = [f for f in CATALOG if f.name == "three-hump-camel"]
    value, _, _ = derivatives(camel)
    for point in camel.minima[1:]:
        assert round(value(*point), 4) == 0.2986
    assert "f ≈ 0.2986" in camel.description


def test_a_hyphenated_name_that_is_no_built_in_is_refused_not_subtracted():
    from gdcli.engine.objective import Objective
    from gdcli.errors import GdError

    with pytest.raises(GdError, match=r"unknown function 'goldstein-price'.*'goldstein - price'"):
        Objective.parse("goldstein-price")
    assert Objective.parse("goldstein - price").names == ["goldstein", "price"]  # spaced: a difference
    assert Objective.parse("goldstein-price", ["goldstein", "price"]).names == ["goldstein", "price"]
    assert Objective.parse("x-y").names == ["x", "y"]
