"""The vectorised Newton iterations (gdcli.engine.stability) against the same iterations written out here point
by point, with ∇f and ∇²f from SymPy's own lambdify, on every catalog function and the grid analyze uses."""

import numpy as np
import pytest
import sympy as sp

from gdcli.engine.functions import CATALOG
from gdcli.engine.objective import Objective
from gdcli.engine.stability import (
    newton_critical_point,
    newton_critical_points,
    newton_zeros,
)
from gdcli.landscape.analysis import analyze
from gdcli.landscape.convexity import sample
from gdcli.landscape.points import DEFAULT_REGION, GRID_POINTS, NEWTON_STEPS


def derivatives(objective: Objective):
    """∇f and ∇²f over floats, from SymPy's diff and lambdify (not gd's generated code)."""
    x = objective.symbols
    gradient = sp.lambdify(x, [objective.expr.diff(v) for v in x], "numpy")
    hessian = sp.lambdify(x, sp.hessian(objective.expr, x), "numpy")
    return (lambda p: np.array(gradient(*p), dtype=float)), (lambda p: np.array(hessian(*p), dtype=float))


def solve(h, g):
    try:
        return np.linalg.solve(h, g)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(h, g, rcond=None)[0]


def zero_from(gradient, hessian, x, steps):
    """Newton on ∇f = 0 from x: stop when ‖∇f‖ ≤ 10⁻¹²·max(1, ‖x‖); after ``steps`` steps 10⁻⁸ will do."""
    for _ in range(steps):
        g = gradient(x)
        if not np.all(np.isfinite(g)):
            return None
        if np.linalg.norm(g) <= 1e-12 * max(1.0, np.linalg.norm(x)):
            return x
        h = hessian(x)
        if not np.all(np.isfinite(h)):
            return None
        x = x - solve(h, g)
        if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > 1e8:
            return None
    g = gradient(x)
    return x if np.all(np.isfinite(g)) and np.linalg.norm(g) <= 1e-8 * max(1.0, np.linalg.norm(x)) else None


def critical_point_from(gradient, hessian, x, steps=200):
    """Newton from x until the step is ≤ 10⁻¹³·max(1, ‖x‖): x* when ‖∇f(x*)‖ ≤ 10⁻⁸·max(1, ‖∇f(x)‖)."""
    scale = max(1.0, np.linalg.norm(gradient(x)))
    for _ in range(steps + 1):
        g, h = gradient(x), hessian(x)
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
            return None
        step = solve(h, g)
        if np.linalg.norm(step) <= 1e-13 * max(1.0, np.linalg.norm(x)) or not np.any(g):
            return x if np.linalg.norm(g) <= 1e-8 * scale else None
        x = x - step
        if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > 1e8:
            return None
    return None


def close(a, b):
    return np.linalg.norm(a - b) <= 1e-6 * max(1.0, np.linalg.norm(a))


@pytest.mark.parametrize("name", [f.name for f in CATALOG])
def test_vectorised_newton_finds_what_newton_point_by_point_finds(name):
    objective = Objective.parse(name)
    gradient, hessian = derivatives(objective)
    starts = sample(np.array([DEFAULT_REGION] * objective.dimension), GRID_POINTS)
    points, converged = newton_zeros(objective, starts, NEWTON_STEPS)
    expected = [zero_from(gradient, hessian, x0, NEWTON_STEPS) for x0 in starts]
    agree = [(e is None and not c) or (e is not None and c and close(e, p))
             for e, p, c in zip(expected, points, converged)]
    # rounding (lambdify's NumPy against gd's generated code) may tip a start on the edge of a basin, or at the
    # final test of ‖∇f‖ near a degenerate point where Newton converges slowly, the other way: rarely, and the
    # points found are the same
    assert sum(agree) >= 0.98 * len(starts), [s for s, a in zip(starts, agree) if not a]
    mine, theirs = points[converged], [e for e in expected if e is not None]
    assert all(any(close(a, b) for b in theirs) for a in mine)
    assert all(any(close(a, b) for b in mine) for a in theirs)
    refined = newton_critical_points(objective, points[converged])
    for point, found in zip(points[converged], refined):
        reference = critical_point_from(gradient, hessian, point)
        assert (found is None) == (reference is None)
        if found is not None:
            assert close(found[0], reference)
            alone = newton_critical_point(objective, point)  # one start, over floats
            assert close(alone[0], found[0])


@pytest.mark.parametrize("name", [f.name for f in CATALOG])
def test_analysis_lists_each_zero_newton_finds_once(name):
    """Every point the point-by-point Newton finds in the region is listed once (a symbolic set may hold it)."""
    objective = Objective.parse(name)
    gradient, hessian = derivatives(objective)
    region = np.array([DEFAULT_REGION] * objective.dimension)
    found = {tuple(np.round(x, 6)) for x in (zero_from(gradient, hessian, x0, NEWTON_STEPS)
                                              for x0 in sample(region, GRID_POINTS))
             if x is not None and np.all(np.abs(x) <= 5)}
    listed = analyze(objective).critical_points
    for point in found:
        assert sum(close(np.array(point), p.point) for p in listed) == 1, point
    for p in listed:
        assert np.linalg.norm(gradient(p.point)) <= 1e-8 * max(1.0, np.linalg.norm(p.point))


def test_mirror_images_are_listed_by_their_coordinates():
    """The three-hump camel is even, f(−x) = f(x): each pair ±p has one f (computed f may differ in its last
    bits), so the pair is ordered by coordinates, −x first."""
    points = [p for p in analyze("three-hump-camel").critical_points if np.any(p.point)]
    for a, b in zip(points[::2], points[1::2]):
        assert a.kind == b.kind and np.allclose(a.point, -b.point) and a.point[0] < 0 < b.point[0]
