"""Newton, BFGS, L-BFGS, conjugate gradients, Barzilai–Borwein and Polyak: each checked against an independent
derivation (NumPy's linear algebra, the rule written again, SciPy's optimizers)."""

import math

import numpy as np
import pytest
import scipy.optimize

from gdcli.engine import methods
from gdcli.engine.functions import CATALOG
from gdcli.engine.objective import Objective
from gdcli.engine.solution import solve
from gdcli.errors import OptionError


def random_quadratic(rng, n: int, kappa: float) -> tuple[str, np.ndarray, np.ndarray]:
    """½xᵀAx − bᵀx as text, with A = Q·diag(λ)·Qᵀ, λ geometric from 1 to κ, Q a random orthogonal matrix."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    a = (q * np.geomspace(1.0, kappa, n)) @ q.T
    a = (a + a.T) / 2
    b = rng.standard_normal(n)
    terms = [f"{float(a[i, i]) / 2!r}*x{i}^2" for i in range(n)]
    terms += [f"{float(a[i, j])!r}*x{i}*x{j}" for i in range(n) for j in range(i + 1, n)]
    terms += [f"{-float(b[i])!r}*x{i}" for i in range(n)]
    return " + ".join(terms), a, b


def variables(n: int) -> list[str]:
    return [f"x{i}" for i in range(n)]


@pytest.mark.parametrize("n, kappa, seed", [(1, 1.0, 0), (2, 4.0, 1), (3, 1e3, 2), (5, 1e6, 3)])
def test_newton_on_a_strictly_convex_quadratic_lands_in_one_step(n, kappa, seed):
    text, a, b = random_quadratic(np.random.default_rng(seed), n, kappa)
    run = solve(text, variables=variables(n), optimizer="newton", start=[1.0] * n, steps=5, tol=0).run
    minimiser = np.linalg.solve(a, b)
    assert run.lr[0] == 1.0  # Newton's α defaults to 1, not the catalog's or 0.1
    np.testing.assert_allclose(run.x[1], minimiser, rtol=1e-9, atol=1e-9 * np.abs(minimiser).max())
    assert run.states[0]["tau"] == 0.0


def test_newton_adds_a_multiple_of_the_identity_where_the_hessian_is_indefinite_and_says_so():
    # at the origin of himmelblau H = diag(−42, −26): Algorithm 3.3 starts from τ = 42 + β, β = 10⁻³·42
    run = solve("himmelblau", optimizer="newton", start="0,0", steps=1).run
    tau = run.states[0]["tau"]
    assert tau == pytest.approx(42 + 0.042)
    shifted = np.diag([-42.0, -26.0]) + tau * np.eye(2)
    np.testing.assert_allclose(run.x[1], -np.linalg.solve(shifted, run.grad[0]), rtol=1e-12)
    assert "τ" in run.states[0]["note"]


def test_bfgs_and_lbfgs_keep_the_rule_of_their_docstrings():
    """Replaying the recorded steps: BFGS's H after one update is the formula written out in NumPy."""
    run = solve("rosenbrock", optimizer="bfgs", h0="identity", steps=3).run
    s, y = run.x[1] - run.x[0], run.grad[1] - run.grad[0]
    rho = 1 / (y @ s)
    eye = np.eye(2)
    h1 = (eye - rho * np.outer(s, y)) @ eye @ (eye - rho * np.outer(y, s)) + rho * np.outer(s, s)
    np.testing.assert_allclose(run.states[1]["H"], h1, rtol=1e-10)
    np.testing.assert_allclose(run.states[1]["d"], -h1 @ run.grad[1], rtol=1e-10)


@pytest.mark.parametrize("objective", ["rosenbrock", "himmelblau", "beale", "three-hump-camel"])
def test_lbfgs_with_memory_at_least_the_steps_equals_bfgs_with_the_same_h0(objective):
    bfgs = solve(objective, optimizer="bfgs", h0="identity", steps=25, tol=0).run
    lbfgs = solve(objective, optimizer="lbfgs", h0="identity", memory=25, steps=25, tol=0).run
    rows = min(len(bfgs.t), len(lbfgs.t))
    assert rows > 5
    np.testing.assert_allclose(lbfgs.x[:rows], bfgs.x[:rows], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("kind", ["wolfe", "strong-wolfe"])
@pytest.mark.parametrize("optimizer", ["gd", "bfgs", "lbfgs", "cg", "newton"])
@pytest.mark.parametrize("objective", ["rosenbrock", "himmelblau", "beale"])
def test_every_accepted_wolfe_step_meets_both_conditions(kind, optimizer, objective):
    """From the rows alone: s = x_{t+1} − x_t, sufficient decrease f_{t+1} ≤ f_t + c1·g_tᵀs and curvature
    g_{t+1}ᵀs ≥ c2·g_tᵀs (strong: |g_{t+1}ᵀs| ≤ c2·|g_tᵀs|)."""
    c1, c2 = 1e-4, 0.4
    run = solve(objective, optimizer=optimizer, line_search=kind, c1=c1, c2=c2, steps=200).run
    assert len(run.t) > 3
    for r in range(len(run.t) - 1):
        s = run.x[r + 1] - run.x[r]
        slope, after = run.grad[r] @ s, run.grad[r + 1] @ s
        assert slope < 0
        assert run.f[r + 1] <= run.f[r] + c1 * slope + 1e-12 * abs(run.f[r])
        if kind == "wolfe":
            assert after >= c2 * slope
        else:
            assert abs(after) <= c2 * abs(slope)
        assert run.trials[r] >= 1


def test_armijo_along_a_newton_direction_meets_sufficient_decrease():
    run = solve("rosenbrock", optimizer="newton", line_search=True, steps=100).run
    assert run.status == "converged"
    for r in range(len(run.t) - 1):
        s = run.x[r + 1] - run.x[r]
        assert run.f[r + 1] <= run.f[r] + 1e-4 * (run.grad[r] @ s)
        assert run.lr[r] == pytest.approx(0.5 ** (run.trials[r] - 1))


def test_exact_line_search_on_a_quadratic_is_the_closed_form():
    """Steepest descent with exact steps on x² + 4y²: α = gᵀg/(gᵀHg), H = diag(2, 8)."""
    run = solve("bowl", line_search="exact", steps=5).run
    h = np.diag([2.0, 8.0])
    for r in range(5):
        g = run.grad[r]
        assert run.lr[r] == pytest.approx((g @ g) / (g @ h @ g), rel=1e-12)


def test_exact_line_search_elsewhere_minimises_along_the_line():
    run = solve("rosenbrock", optimizer="cg", line_search="exact", steps=3, tol=0).run
    for r in range(3):
        d = (run.x[r + 1] - run.x[r]) / run.lr[r]
        # at the minimiser of φ(α) = f(x + αd), φ'(α) = ∇f(x + αd)ᵀd vanishes (relative to the first slope)
        assert abs(run.grad[r + 1] @ d) <= 1e-6 * abs(run.grad[r] @ d)


@pytest.mark.parametrize("n, kappa, seed", [(2, 1e6, 4), (3, 10.0, 5), (5, 100.0, 6), (8, 10.0, 7)])
def test_linear_cg_with_exact_steps_in_floats_nearly_terminates_in_n_steps(n, kappa, seed):
    """In floating point the n-step termination holds where κ and n are small; NumPy's own linear CG (the
    Hestenes–Stiefel recurrence, written again here) follows the same iterates."""
    text, a, b = random_quadratic(np.random.default_rng(seed), n, kappa)
    run = solve(text, variables=variables(n), optimizer="cg", line_search="exact", start=[0.0] * n, steps=n,
                tol=0).run
    x, r = np.zeros(n), -b
    d = b.copy()
    for k in range(n):
        alpha = (r @ r) / (d @ a @ d)
        x = x + alpha * d
        r_new = a @ x - b
        d = -r_new + (r_new @ r_new) / (r @ r) * d
        r = r_new
        np.testing.assert_allclose(run.x[k + 1], x, rtol=1e-6, atol=1e-8)
    assert run.grad_norm[n] <= 1e-10 * run.grad_norm[0] * max(1.0, kappa / 1e3)


def test_cg_restarts_every_n_steps_and_says_so():
    run = solve("rosenbrock", optimizer="cg", steps=30, tol=0).run
    since = None
    for state in run.states[:-1]:
        if since == 2:  # n = 2 steps since the last steepest-descent step
            assert state["beta"] == 0.0 and state["note"] == "restart: 2 steps since the last"
        if state["beta"] == 0.0:
            assert since is None or "note" in state  # every restart after the first step is said
            since = 1
        else:
            since += 1


def test_cg_fletcher_reeves_beta_is_the_ratio_of_squared_gradients():
    run = solve("beale", optimizer="cg", cg_beta="fr", steps=2, tol=0).run
    g0, g1 = run.grad[0], run.grad[1]
    assert run.states[1]["beta"] == pytest.approx((g1 @ g1) / (g0 @ g0), rel=1e-12)
    pr = solve("beale", optimizer="cg", cg_beta="pr", steps=2, tol=0).run
    g0, g1 = pr.grad[0], pr.grad[1]
    assert pr.states[1]["beta"] == pytest.approx(max(0.0, g1 @ (g1 - g0) / (g0 @ g0)), rel=1e-12)


@pytest.mark.parametrize("variant", [1, 2])
def test_barzilai_borwein_steps(variant):
    run = solve("bowl", optimizer="bb", bb=variant, lr=0.05, steps=6, tol=0).run
    assert run.lr[0] == 0.05
    for t in range(1, 6):
        s, y = run.x[t] - run.x[t - 1], run.grad[t] - run.grad[t - 1]
        expected = (s @ s) / (s @ y) if variant == 1 else (s @ y) / (y @ y)
        assert run.lr[t] == pytest.approx(expected, rel=1e-12)
        np.testing.assert_allclose(run.x[t + 1], run.x[t] - run.lr[t] * run.grad[t], rtol=1e-12)


def test_polyak_step_uses_the_catalog_minimum_or_fstar():
    run = solve("booth", optimizer="polyak", steps=3, tol=0).run
    for t in range(3):
        g = run.grad[t]
        assert run.lr[t] == pytest.approx(run.f[t] / (g @ g), rel=1e-12)  # booth's minimum value is 0
    shifted = solve("(x - 1)^2 + 3", optimizer="polyak", fstar=3, start="4", steps=1, tol=0).run
    assert shifted.x[1][0] == pytest.approx(4 - (9 / 36) * 6)  # α = (12 − 3)/6², x = 4 − α·6 = 2.5
    with pytest.raises(OptionError, match="--fstar"):
        solve("x^2 + 1", optimizer="polyak")
    with pytest.raises(OptionError, match="below f"):
        solve("x^2", optimizer="polyak", fstar=1, start="0.5")


@pytest.mark.parametrize("kwargs, fragment", [
    ({"optimizer": "lbfgs", "memory": 0}, "--memory"),
    ({"optimizer": "cg", "cg_beta": "hs"}, "--cg-beta"),
    ({"optimizer": "bb", "bb": 3}, "--bb"),
    ({"optimizer": "bfgs", "h0": "diag"}, "--h0"),
    ({"optimizer": "bb", "line_search": "wolfe"}, "chooses its own"),
    ({"optimizer": "momentum", "line_search": "wolfe"}, "works with gd and the methods"),
    ({"optimizer": "bfgs", "line_search": "wolf"}, "unknown line search"),
    ({"optimizer": "bfgs", "c2": 1e-5}, "c1 < c2"),
])
def test_bad_settings_are_refused(kwargs, fragment):
    with pytest.raises(OptionError, match=fragment):
        solve("rosenbrock", **kwargs)


SCIPY = {"bfgs": "BFGS", "lbfgs": "L-BFGS-B", "cg": "CG", "newton": "Newton-CG"}
ELSEWHERE = {
    ("bfgs", "rastrigin"), ("lbfgs", "rastrigin"),  # the first Wolfe step from (2.5, 2.5) lands on (0, 0)
    ("newton", "himmelblau"),  # H is indefinite at the start (0, 0): the shifted step heads for another minimum
    ("newton", "rastrigin"),  # H is indefinite at the start: the shifted steps leave for far-off basins
}
"""Runs that end at a different point from SciPy's (asserted below), so their final points are not compared."""
FASTER = {
    # Newton on a quadratic: our step solves H·d = −g exactly and lands on the minimiser (1 step); Newton-CG
    # solves it by a truncated inner CG and stops on the change in x (xtol): 3, 5 and 5 iterations.
    ("newton", "bowl"), ("newton", "booth"), ("newton", "matyas"),
    ("newton", "rosenbrock"),  # 6 full Newton steps against Newton-CG's 85 inexact ones
    # 5 against 13, 3 against 8, 11 against 27. Not from our H₀ scaling or CG's c2 (with --h0 identity, or
    # c2 = 0.4 as SciPy's CG uses, ours still takes 5, 2 and 11); the line searches differ in their first
    # trial step (SciPy's is of length about 1 along the first direction) and their bracketing.
    ("bfgs", "matyas"), ("lbfgs", "bowl"), ("cg", "beale"),
}
"""Runs where ours takes fewer than half of SciPy's steps (asserted below), so "within a factor of two" holds
only one way there: SciPy's count is not bounded by twice ours."""


def scipy_run(objective, function, optimizer):
    options = {"maxiter": 5000, "gtol": 1e-8} if optimizer != "newton" else {"maxiter": 5000, "xtol": 1e-10}
    if optimizer == "lbfgs":
        options["ftol"] = 0.0
    return scipy.optimize.minimize(objective.value_and_gradient, np.array(function.start), jac=True,
                                   method=SCIPY[optimizer], options=options,
                                   hess=objective.hessian_at if optimizer == "newton" else None)


@pytest.mark.parametrize("function", [f for f in CATALOG if f.minima], ids=lambda f: f.name)
@pytest.mark.parametrize("optimizer", list(SCIPY))
def test_final_points_agree_with_scipy(function, optimizer):
    """Where both converge to the same minimum: final points within 1e-6, and the step counts are within a
    factor of two of each other (+1), except in FASTER, where ours takes fewer than half of SciPy's (SciPy's
    CG line search is looser, its Newton-CG solves each system only approximately). A run that stops because f
    no longer changes measurably along d has converged as far as float64 can tell."""
    objective = Objective.parse(function.name)
    ours = solve(objective, optimizer=optimizer, steps=2000, tol=1e-8).run
    theirs = scipy_run(objective, function, optimizer)
    if (optimizer, function.name) in ELSEWHERE:
        assert np.max(np.abs(theirs.x - ours.final_x)) > 0.1
        return
    assert theirs.success and (ours.status == "converged" or ours.reason == "precision")
    np.testing.assert_allclose(ours.final_x, theirs.x, atol=1e-6)
    assert ours.steps <= 2 * theirs.nit + 1
    if (optimizer, function.name) in FASTER:
        assert 2 * ours.steps < theirs.nit
    else:
        assert theirs.nit <= 2 * ours.steps + 1


@pytest.mark.parametrize(("template", "value", "expected"), [
    ("SHIFT_NOTE", 2.5e-5, "H not pos. def.: τ = 2.5·10⁻⁵ added"),
    ("SKIP_NOTE", -3.14159e-7, "update skipped: yᵀs = -3.14·10⁻⁷ ≤ 0"),
    ("UNSTORED_NOTE", -1.0e-12, "pair not stored: yᵀs = -10⁻¹² ≤ 0"),
    ("KEPT_NOTE", -0.0123456, "sᵀy = -0.0123 ≤ 0: previous α kept"),
])
def test_row_notes_write_numbers_as_gd_does(template, value, expected):
    field = {"SHIFT_NOTE": "tau", "KEPT_NOTE": "sy"}.get(template, "ys")
    assert methods.row_note(getattr(methods, template), **{field: value}) == expected


def test_a_singular_hessian_is_not_called_a_saddle_and_a_negative_eigenvalue_is():
    """x⁴ + y² has a strict minimum at 0 with ∇²f = diag(0, 2) there: the second-order test cannot decide, so the
    reading must not deny a minimum; x² − y² (eigenvalues ±2) has a saddle, which pure Newton is attracted to."""
    from gdcli.engine.methods import reading

    singular = reading("newton", [0.0, 2.0], "the degenerate critical point (0, 0)", 1.0, None, False)
    assert "singular" in singular and "not a minimum" not in singular and "saddle" not in singular
    saddle = reading("newton", [-2.0, 2.0], "the saddle (0, 0)", 1.0, None, True)
    assert "negative eigenvalue" in saddle and "saddle or a maximum" in saddle and "τI" in saddle
    assert "τI" not in reading("bfgs", [-2.0, 2.0], "the saddle (0, 0)", 1.0, None, True)
