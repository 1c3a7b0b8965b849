"""Benchmarks of the methods (gdcli.engine.methods): a Newton or BFGS step on 2-D Rosenbrock against the same
method hand-written over Python floats, and L-BFGS on the 100-variable chained Rosenbrock typed as text,
with its stability reading, against the naive SymPy set-up alone."""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import CHAIN, command  # noqa: E402

STARTS = [(-1.2, 1.0), (-1.5, 2.0), (0.0, 0.0), (2.0, 2.0), (-0.5, 1.5), (1.5, -1.0), (0.5, 2.5), (-2.0, -1.0)]
"""Starts of the 2-D runs: each case runs from all of them, so per-run set-up and per-step work both count."""
TOL = 1e-10
DAMPED = (0.1, 400)
"""α and the budget of the damped Newton case: about 320 steps a run (the error shrinks by |1 − α| a step near
x*), so it measures the cost of a step, where the full step's 3 to 9 steps a run mostly measure a run's set-up."""


def rosenbrock(x: float, y: float):
    f = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    gx, gy = -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)
    return f, gx, gy


def newton_by_hand(x: float, y: float, steps: int = 200, alpha: float = 1.0):
    """Newton with Nocedal & Wright's Algorithm 3.3 on a 2 × 2 Hessian and step α, keeping every row."""
    rows = []
    for t in range(steps + 1):
        f, gx, gy = rosenbrock(x, y)
        gn = math.sqrt(gx * gx + gy * gy)
        if gn <= TOL or t == steps:
            rows.append((t, f, gn, alpha, x, y, gx, gy))
            break
        a, b, c = 1200 * x * x - 400 * y + 2, -400 * x, 200.0
        beta = 1e-3 * max(1.0, abs(a), abs(b), abs(c))
        tau = 0.0 if min(a, c) > 0 else beta - min(a, c)
        while True:  # Cholesky of [[a + τ, b], [b, c + τ]]
            p = a + tau
            q = c + tau - b * b / p if p > 0 else -1.0
            if p > 0 and q > 0:
                break
            tau = max(2 * tau, beta)
        l11, l21 = math.sqrt(p), b / math.sqrt(p)
        l22 = math.sqrt(q)
        z1 = gx / l11
        z2 = (gy - l21 * z1) / l22
        dy = -z2 / l22
        dx = -(z1 - l21 * -dy) / l11
        rows.append((t, f, gn, alpha, x, y, gx, gy, tau, dx, dy))
        x, y = x + alpha * dx, y + alpha * dy
    return rows


def bfgs_by_hand(x: float, y: float, steps: int = 500, c1: float = 1e-4, shrink: float = 0.5):
    """BFGS with H₀ = I scaled by yᵀs/yᵀy before the first update and Armijo backtracking, keeping every row."""
    h = [[1.0, 0.0], [0.0, 1.0]]
    updated = False
    rows = []
    f, gx, gy = rosenbrock(x, y)
    for t in range(steps + 1):
        gn = math.sqrt(gx * gx + gy * gy)
        if gn <= TOL or t == steps:
            rows.append((t, f, gn, 1.0, 0, x, y, gx, gy))
            break
        dx, dy = -(h[0][0] * gx + h[0][1] * gy), -(h[1][0] * gx + h[1][1] * gy)
        slope = gx * dx + gy * dy
        alpha, trials = 1.0, 0
        while True:
            trials += 1
            trial = rosenbrock(x + alpha * dx, y + alpha * dy)
            if trial[0] <= f + c1 * alpha * slope or trials >= 60:
                break
            alpha *= shrink
        rows.append((t, f, gn, alpha, trials, x, y, gx, gy, dx, dy))
        sx, sy = alpha * dx, alpha * dy
        x, y = x + sx, y + sy
        f, nx, ny = trial
        yx, yy = nx - gx, ny - gy
        gx, gy = nx, ny
        ys = yx * sx + yy * sy
        if ys > 0:
            if not updated:
                gamma = ys / (yx * yx + yy * yy)
                h = [[gamma, 0.0], [0.0, gamma]]
                updated = True
            rho = 1 / ys
            hy = [h[0][0] * yx + h[0][1] * yy, h[1][0] * yx + h[1][1] * yy]
            c = rho * rho * (yx * hy[0] + yy * hy[1]) + rho
            s = (sx, sy)
            h = [[h[i][j] - rho * (hy[i] * s[j] + s[i] * hy[j]) + c * s[i] * s[j] for j in range(2)] for i in range(2)]
    return rows


def cases():
    import numpy as np

    from gdcli.engine.objective import Objective
    from gdcli.engine.optimizers import make_optimizer
    from gdcli.engine.run import LineSearch, run

    objective = Objective.parse("rosenbrock")
    newton, bfgs = make_optimizer("newton"), make_optimizer("bfgs", h0="scaled")
    armijo = LineSearch(kind="armijo")

    def engine_newton(alpha: float = 1.0, steps: int = 200) -> None:
        for start in STARTS:
            run(objective, newton, np.array(start), alpha, steps=steps, tol=TOL)

    def engine_bfgs() -> None:
        for start in STARTS:
            run(objective, bfgs, np.array(start), 1.0, steps=500, tol=TOL, line_search=armijo)

    def hand_newton(alpha: float = 1.0, steps: int = 200) -> None:
        for start in STARTS:
            newton_by_hand(*start, steps, alpha)

    def hand_bfgs() -> None:
        for start in STARTS:
            bfgs_by_hand(*start)

    engine_newton(), engine_bfgs()  # compile f, ∇f and ∇²f once: the comparison is per step
    for start in STARTS:  # the same method: the engine's iterates are the hand-written loop's
        ours = run(objective, bfgs, np.array(start), 1.0, steps=500, tol=TOL, line_search=armijo)
        assert len(ours.t) == len(bfgs_by_hand(*start)), start
        for alpha, steps in ((1.0, 200), DAMPED):
            ours = run(objective, newton, np.array(start), alpha, steps=steps, tol=TOL)
            assert len(ours.t) == len(newton_by_hand(*start, steps, alpha)), (start, alpha)
    naive_setup = (
        "import sympy\n"
        f"f = sympy.sympify({CHAIN.replace('^', '**')!r})\n"
        "v = sorted(f.free_symbols, key=lambda s: int(s.name[1:]))\n"
        "g = sympy.lambdify(v, [f.diff(s) for s in v]); h = sympy.lambdify(v, sympy.hessian(f, v))\n"
    )
    python = sys.executable
    return [
        ("rosenbrock: newton, whole 3-9 step runs (set-up counted) from 8 starts, engine vs hand-written floats",
         3.0, engine_newton, hand_newton),
        (f"rosenbrock: damped newton (α = {DAMPED[0]}) from 8 starts, engine vs hand-written floats", 3.0,
         lambda: engine_newton(*DAMPED), lambda: hand_newton(*DAMPED)),
        ("rosenbrock: bfgs (Armijo) from 8 starts, engine vs hand-written floats", 3.0, engine_bfgs, hand_bfgs),
        ("100-variable chained Rosenbrock: lbfgs to ‖∇f‖ ≤ 1e-6 with stability vs naive SymPy set-up alone", 0.5,
         command(python, "-m", "gdcli", "solve", CHAIN, "--optimizer", "lbfgs", "--tol", "1e-6", "--steps", "5000",
                 "--json"),
         command(python, "-c", naive_setup)),
    ]
