"""Newton's method and linear conjugate gradients in rational arithmetic (`gd solve --exact`).

- newton:  d = −H⁻¹g by Gaussian elimination over Fractions, x ← x + α·d. H must be positive definite at
  every iterate (checked exactly by the pivots of its LDLᵀ factorisation); the shift τI of the float run
  (gdcli.engine.methods) is not reproduced. On a quadratic with positive definite H and α = 1 the first step
  lands on the minimiser, so ∇f(x₁) = 0 exactly.
- cg and gd with ``--line-search exact`` on a quadratic f = ½xᵀAx + bᵀx + c: α = −gᵀd/(dᵀAd) in closed form,
  d = −g + βd_prev with β of Fletcher–Reeves or Polak–Ribière+ (cg; restarts every n steps) or β = 0 (gd).
  Linear CG on a rational quadratic ends with ∇f = 0 exactly after at most n steps.

Each run stops where ∇f = 0 exactly (nothing is left to step along), after the budget, or when a number
passes gdcli.engine.exact.MAX_DIGITS digits.
"""

from __future__ import annotations

from fractions import Fraction

from gdcli.engine import exact
from gdcli.engine.objective import Objective
from gdcli.errors import GdError

Row = tuple[int, list[Fraction], Fraction]
"""(t, x_t, f(x_t)) in Fractions."""


def solve_positive_definite(h: list[list[Fraction]], g: list[Fraction]) -> list[Fraction] | None:
    """x with Hx = g by symmetric Gaussian elimination, or None when a pivot is ≤ 0 (H not positive
    definite: for a symmetric H the pivots of LDLᵀ are all > 0 exactly when H is)."""
    n = len(g)
    a = [row[:] + [g[i]] for i, row in enumerate(h)]
    for j in range(n):
        if a[j][j] <= 0:
            return None
        for i in range(j + 1, n):
            factor = a[i][j] / a[j][j]
            if factor:
                a[i] = [p - factor * q for p, q in zip(a[i], a[j])]
    x = [Fraction(0)] * n
    for i in reversed(range(n)):
        x[i] = (a[i][n] - sum(a[i][k] * x[k] for k in range(i + 1, n))) / a[i][i]
    return x


def exact_iterates(objective: Objective, optimizer, search: str | None, x0: list[Fraction], alpha: Fraction,
                   steps: int) -> tuple[list[Row], str]:
    """The iterates x_0 … of a method in rational arithmetic and a note on why the table ends (module
    docstring); a GdError when the method or f does not allow it."""
    name, n = optimizer.name, objective.dimension
    if name not in ("newton", "cg", "gd") or (name != "newton" and not (search == "exact" and objective.is_quadratic)):
        raise GdError("--exact runs newton, and cg or gd with --line-search exact on a quadratic: "
                      f"{name}{' with this search' if name in ('cg', 'gd') else ''} depends on float comparisons "
                      "or square roots")
    if name == "newton" and search is not None:
        raise GdError("--exact runs newton with its own α, not with a line search (its trials compare floats)")
    symbols = objective.symbols

    def at(expr, point, what):
        try:
            return exact.evaluate(expr, dict(zip(symbols, point)))
        except exact.Irrational:
            raise GdError(f"--exact: {what} is irrational at a rational point") from None
        except ZeroDivisionError:
            raise GdError(f"--exact: {what} is undefined (a division by zero)") from None

    def hessian(point):
        h = [[Fraction(0)] * n for _ in range(n)]
        for (i, j), entry in objective.hessian_entries.items():
            h[i][j] = h[j][i] = at(entry, point, "∇²f")
        return h

    x = list(x0)
    rows: list[Row] = [(0, x, at(objective.expr, x, "f"))]
    curvature = hessian(x) if name != "newton" else None
    previous: tuple[list[Fraction], list[Fraction]] | None = None
    since = 0
    try:
        for t in range(steps):
            g = [at(e, x, "∇f") for e in objective.gradient]
            if not any(g):
                return rows, f"∇f = 0 exactly at step {t}: x{t} is a critical point"
            if name == "newton":
                d = solve_positive_definite(hessian(x), [-v for v in g])
                if d is None:
                    return rows, f"stopped at step {t}: ∇²f is not positive definite there (the float run shifts it)"
                step = alpha
            else:
                d = [-v for v in g]
                if name == "cg" and previous is not None and since < n:
                    d_prev, g_prev = previous
                    gg_prev = sum(v * v for v in g_prev)
                    beta = (sum(v * v for v in g) if optimizer.hyper.get("cg_beta") == "fr"
                            else max(Fraction(0), sum(a * (a - b) for a, b in zip(g, g_prev)))) / gg_prev
                    d = [a + beta * b for a, b in zip(d, d_prev)]
                    since = since + 1 if beta else 1
                else:
                    since = 1
                previous = (d, g)
                hd = [sum(a * b for a, b in zip(row, d)) for row in curvature]
                step = -sum(a * b for a, b in zip(g, d)) / sum(a * b for a, b in zip(d, hd))
            x = [a + step * b for a, b in zip(x, d)]
            rows.append((t + 1, x, at(objective.expr, x, "f")))
    except exact.TooLarge as error:
        return rows, f"stopped: the next step needs {error} (more than {exact.MAX_DIGITS} digits)"
    g = [at(e, x, "∇f") for e in objective.gradient]
    return rows, (f"∇f = 0 exactly at step {steps}" if not any(g) else "")
