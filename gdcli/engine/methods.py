"""Methods that look at the whole gradient at once: Newton, BFGS, L-BFGS, nonlinear conjugate gradients,
Barzilai–Borwein and Polyak steps (Nocedal & Wright, Numerical Optimization, 2nd ed., chapters 3, 5–7).

The six rules of gdcli.engine.optimizers update each coordinate on its own; these combine coordinates
(a matrix, inner products), so they run in a loop of their own over Python floats, with the same rows,
stopping tests and divergence rules as the generated loop (gdcli.engine.run). On up to four variables every
method but L-BFGS runs as a generated loop instead (gdcli.engine.methods_compiled), which computes what
``iterate`` computes, operation for operation. Each step t:

    d_t = the method's direction at x_t;   α_t = its step size (fixed, its own rule, or a line search);
    x_{t+1} = x_t + α_t·d_t;   then the method's state is updated from s = x_{t+1} − x_t, y = g_{t+1} − g_t.

- newton:  d = −(H + τI)⁻¹g, H = ∇²f(x). τ = 0 when H is positive definite; otherwise τ is found as in
           Nocedal & Wright's Algorithm 3.3 (Cholesky with added multiple of the identity): τ₀ = −min Hᵢᵢ + β
           (or 0 if every Hᵢᵢ > 0), then τ ← max(2τ, β) until H + τI has a Cholesky factor, with
           β = 10⁻³·max(1, max|Hᵢⱼ|). The row says when τ > 0. α = 1 unless given or line-searched.
- bfgs:    d = −H g with H ≈ ∇²f⁻¹;  H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, ρ = 1/yᵀs.  H₀ = I for the first step;
           with ``h0 = scaled`` (the default) H is reset to (yᵀs/yᵀy)·I just before the first update
           (N&W eq. 6.20). The update is skipped, and the row says so, when yᵀs ≤ 0. Wolfe search by default.
- lbfgs:   d = −H g by the two-loop recursion over the m newest pairs (sᵢ, yᵢ) (N&W Algorithm 7.4), with
           H₀ = γI: γ = 1 (``h0 = identity``) or γ = sᵀy/yᵀy of the newest pair (``scaled``, N&W eq. 7.20).
           Pairs with yᵀs ≤ 0 are not stored. Wolfe search by default.
- cg:      d = −g + β d_prev, with β = gᵀg/g_prevᵀg_prev (Fletcher–Reeves, ``fr``) or
           β = max(0, gᵀ(g − g_prev)/g_prevᵀg_prev) (Polak–Ribière+, ``pr``). β = 0 (a restart) every n steps
           and when d would not be a descent direction (gᵀd ≥ 0); the row says so. Strong Wolfe search with
           c2 = 0.1 by default. With the exact search on a quadratic this is linear conjugate gradients.
- bb:      d = −g with α₀ = --lr, then α = sᵀs/sᵀy (BB1) or α = sᵀy/yᵀy (BB2). When sᵀy ≤ 0 the previous α is
           kept and the row says so. No line search: the steps are non-monotone by design.
- polyak:  d = −g with α = (f − f*)/‖g‖², f* = the minimum value (the catalog's, or --fstar).

Line searches (gdcli.engine.line_search) start each step from α_t (the schedule's value) for newton, bfgs
and lbfgs, whose natural step is 1; for cg and steepest descent, from α₀ at the first step and then from
α_{t−1}·g_{t−1}ᵀd_{t−1}/(g_tᵀd_t) (N&W eq. 3.60), the previous step's first-order change carried over.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field, replace
from operator import mul
from typing import Callable

from gdcli.engine import line_search as searches
from gdcli.engine.notation import number
from gdcli.engine.objective import Objective
from gdcli.errors import OptionError


@dataclass(frozen=True, eq=False)
class Method:
    """A matrix or vector method as the header shows it: its rule lines, the state it keeps and its defaults.

    ``search`` is the line search it uses when none is asked for (None: a fixed or self-chosen α);
    ``c2`` its default curvature constant; ``unit_step``: α₀ = 1 unless --lr is given; ``own_step``: the
    method chooses α itself, so line searches and schedules do not apply.
    """

    name: str
    title: str
    lines: tuple[str, ...]
    keeps: str
    defaults: dict = field(default_factory=dict)
    note: str = ""
    search: str | None = None
    c2: float = 0.9
    unit_step: bool = False
    own_step: bool = False
    step_rule: str = ""
    steps: tuple = ()
    state: tuple = ()

    def uses_step_number(self) -> bool:
        return False


NEWTON = Method(
    "newton", "Newton's method (modified Cholesky when ∇²f is not positive definite)",
    ("d ← −(H + τI)⁻¹·g,  H = ∇²f(x)", "x ← x + α·d"),
    "τ, the multiple of I added to H (0 when H is positive definite); d",
    note=("α = 1 is the full Newton step. Where H is not positive definite the step would head for a saddle or "
          "a maximum, so τI is added until H + τI has a Cholesky factor (Nocedal & Wright, Algorithm 3.3); "
          "the rows say where."),
    unit_step=True,
)
BFGS = Method(
    "bfgs", "BFGS quasi-Newton (inverse-Hessian update)",
    ("d ← −H·g", "x ← x + α·d", "H ← (I − ρ·s·yᵀ)·H·(I − ρ·y·sᵀ) + ρ·s·sᵀ,  ρ = 1/(yᵀs)"),
    "H, an n×n estimate of ∇²f⁻¹",
    {"h0": "scaled"},
    note=("s = x_{t+1} − x_t, y = g_{t+1} − g_t. H₀ = I for the first step; with h0 = scaled, H is reset to "
          "(yᵀs/yᵀy)·I just before the first update (Nocedal & Wright 6.20). The update is skipped, and the row "
          "says so, when yᵀs ≤ 0."),
    search="wolfe", unit_step=True,
)
LBFGS = Method(
    "lbfgs", "L-BFGS (two-loop recursion)",
    ("d ← −H·g by the two-loop recursion over the m newest (s, y)", "x ← x + α·d"),
    "the m newest pairs (sᵢ, yᵢ)",
    {"memory": 10, "h0": "scaled"},
    note=("H is never formed: H·g is computed from the stored pairs and H₀ = γI, γ = sᵀy/yᵀy of the newest pair "
          "(h0 = scaled) or γ = 1 (h0 = identity). Pairs with yᵀs ≤ 0 are not stored."),
    search="wolfe", unit_step=True,
)
CG = Method(
    "cg", "nonlinear conjugate gradients",
    ("d ← −g + β·d_prev", "x ← x + α·d"),
    "d_prev and g_prev, the previous direction and gradient",
    {"cg_beta": "pr"},
    note=("β = gᵀg/g_prevᵀg_prev (Fletcher–Reeves) or max(0, gᵀ(g − g_prev)/g_prevᵀg_prev) (Polak–Ribière+); "
          "β = 0 at t = 0, every n steps and whenever d would not point downhill. With the exact line search on "
          "a quadratic this is linear conjugate gradients."),
    search="strong-wolfe", c2=0.1,
)
BB = Method(
    "bb", "Barzilai–Borwein step sizes",
    ("α ← sᵀs/sᵀy (BB1) or sᵀy/yᵀy (BB2);  α₀ = --lr", "x ← x − α·g"),
    "s and y from the previous step, and the previous α",
    {"bb": 1},
    note=("s = x_t − x_{t−1}, y = g_t − g_{t−1}. f may rise on some steps: the method is non-monotone by design. "
          "When sᵀy ≤ 0 the previous α is kept, and the row says so."),
    own_step=True, step_rule="α₀ for the first step, then the BB rule",
)
POLYAK = Method(
    "polyak", "Polyak step size",
    ("α ← (f − f*)/‖g‖²", "x ← x − α·g"),
    "none (f* is fixed)",
    {"fstar": None},
    note="f* is the minimum value of f: the catalog's for a built-in, else --fstar.",
    own_step=True, step_rule="α_t = (f − f*)/‖g‖² at every step; --lr is not used",
)

METHODS: dict[str, Method] = {m.name: m for m in (NEWTON, BFGS, LBFGS, CG, BB, POLYAK)}
CG_BETAS = ("fr", "pr")
SHOWN_MATRIX = 10
"""BFGS rows carry H itself up to this many variables (n² numbers per row)."""
H0_CHOICES = ("identity", "scaled")

MESSAGES = {
    "line_search_rule": "stopped at step {t}: the {search} line search found no acceptable step in {trials} "
                        "trials along d, so no step was taken",
    "hessian": "stopped at step {t}: ∇²f is not finite there, so the Newton step is undefined",
    "precision": "stopped at step {t}: along d, f changes by less than its rounding error, so the {search} line "
                 "search cannot tell a better step; x_t is as close as float64 arithmetic can resolve",
}
"""Why a run of these methods stopped, beyond the reasons of gdcli.engine.run."""
SHIFT_NOTE = "H not pos. def.: τ = {tau} added"
"""Newton's row note when τ > 0."""
SKIP_NOTE = "update skipped: yᵀs = {ys} ≤ 0"
"""BFGS's row note when the update is skipped."""
UNSTORED_NOTE = "pair not stored: yᵀs = {ys} ≤ 0"
"""L-BFGS's row note when the pair is not stored."""
RESTART_NOTES = {"period": "restart: {n} steps since the last", "negative": "restart: Polak–Ribière β < 0",
                 "ascent": "restart: d was not a descent direction"}
"""CG's row notes when β is set to 0."""
KEPT_NOTE = "sᵀy = {sy} ≤ 0: previous α kept"
"""Barzilai–Borwein's row note when sᵀy ≤ 0."""
BELOW_FSTAR = "f = {f} at step {t} is below f* = {fstar}: f* must be the minimum value of f for Polyak's step"
"""Polyak's refusal when f falls below the f* given."""
NOTE_DIGITS = 3
"""Significant digits of the numbers in row notes."""


def row_note(template: str, **values: float) -> str:
    """A row note from its ``template`` with each number written as gd writes numbers (τ = 3·10⁻⁵); the
    generated loops (gdcli.engine.methods_compiled) call it too, so both paths write the same text."""
    return template.format(**{name: number(value, NOTE_DIGITS) for name, value in values.items()})


def below_fstar(f: float, t: int, fstar: float) -> str:
    """Polyak's refusal at step ``t``, its values in ten significant digits."""
    return BELOW_FSTAR.format(f=number(f, 10), t=t, fstar=number(fstar, 10))
STATUS_OF = {"line_search_rule": "line_search_failed", "hessian": "diverged", "precision": "line_search_failed"}
ROUNDING = 64 * 2.0**-52
"""A failed search is put down to rounding when its last trial changed f by no more than this fraction of |f|
(or of 1): |φ(α) − φ(0)| ≤ ROUNDING·max(1, |f|), the search having closed in on steps f cannot tell apart."""


def describe_search(search) -> str:
    """A line search as the header shows it: its kind and constants."""
    if search.kind == "armijo":
        return f"Armijo backtracking, c1 = {number(search.c1)}, shrink = {number(search.shrink)}"
    if search.kind == "exact":
        return "exact line search (closed form on a quadratic, else golden sections)"
    return f"{search.kind} line search, c1 = {number(search.c1)}, c2 = {number(search.c2)}"


def settings(method: Method, given: dict) -> dict:
    """The method's settings (memory m, cg_beta, bb, h0, fstar) from its defaults and the non-None ``given``."""
    values = dict(method.defaults)
    for key, value in given.items():
        if value is not None and key in values:
            values[key] = value
    if "memory" in values:
        memory = values["memory"]
        if isinstance(memory, bool) or not isinstance(memory, int) or not 1 <= memory <= 1000:
            raise OptionError(f"--memory must be a whole number from 1 to 1000, not {memory!r}")
    if "cg_beta" in values:
        values["cg_beta"] = str(values["cg_beta"]).strip().lower()
        if values["cg_beta"] not in CG_BETAS:
            raise OptionError(f"--cg-beta must be fr or pr, not {given.get('cg_beta')!r}")
    if "bb" in values and values["bb"] not in (1, 2, "1", "2"):
        raise OptionError(f"--bb must be 1 or 2, not {values['bb']!r}")
    if "bb" in values:
        values["bb"] = int(values["bb"])
    if "h0" in values:
        values["h0"] = str(values["h0"]).strip().lower()
        if values["h0"] not in H0_CHOICES:
            raise OptionError(f"--h0 must be identity or scaled, not {given.get('h0')!r}")
    if "fstar" in values and values["fstar"] is not None:
        fstar = float(values["fstar"])
        if not math.isfinite(fstar):
            raise OptionError(f"--fstar must be a finite number, not {fstar}")
        values["fstar"] = fstar
    return values


def minimum_value(objective: Objective, given: float | None) -> float:
    """f* for Polyak's step: ``given``, else f at the catalog's first (global) minimum."""
    if given is not None:
        return given
    minima = objective.function.minima if objective.function is not None else ()
    if not minima:
        raise OptionError("polyak needs the minimum value f*: give --fstar (the catalog knows it only for built-ins "
                          "with a listed minimum)")
    return objective.value(minima[0])


# ---------------------------------------------------------------------------------------------------------
# linear algebra over lists of floats (fast for the small n these teach with, and exact enough)


def dot(u: list[float], v: list[float]) -> float:
    """uᵀv; correctly rounded (math.fsum) beyond 16 terms, where cancellation has room to build up."""
    return math.fsum(map(mul, u, v)) if len(u) > 16 else sum(map(mul, u, v))


def cholesky(a: list[list[float]], shift: float) -> list[list[float]] | None:
    """The lower factor L of A + shift·I = LLᵀ, or None when A + shift·I is not positive definite."""
    n = len(a)
    low = [[0.0] * n for _ in range(n)]
    for j in range(n):
        row = low[j]
        pivot = a[j][j] + shift - sum(v * v for v in row[:j])
        if not pivot > 0:
            return None
        row[j] = root = math.sqrt(pivot)
        for i in range(j + 1, n):
            other = low[i]
            other[j] = (a[i][j] - sum(p * q for p, q in zip(other[:j], row[:j]))) / root
    return low


def cholesky_solve(low: list[list[float]], b: list[float]) -> list[float]:
    """x with LLᵀx = b, by forward and back substitution."""
    n = len(b)
    z = [0.0] * n
    for i in range(n):
        z[i] = (b[i] - sum(low[i][k] * z[k] for k in range(i))) / low[i][i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (z[i] - sum(low[k][i] * x[k] for k in range(i + 1, n))) / low[i][i]
    return x


def shifted_cholesky(h: list[list[float]]) -> tuple[list[list[float]], float] | None:
    """(L, τ) with H + τI = LLᵀ, τ from Nocedal & Wright's Algorithm 3.3 (see the module docstring); None when
    H is not finite."""
    if not all(math.isfinite(v) for row in h for v in row):
        return None
    step = 1e-3 * max(1.0, max(abs(v) for row in h for v in row))
    smallest = min(h[i][i] for i in range(len(h)))
    tau = 0.0 if smallest > 0 else step - smallest
    while True:
        low = cholesky(h, tau)
        if low is not None:
            return low, tau
        tau = max(2.0 * tau, step)


# ---------------------------------------------------------------------------------------------------------
# the methods' directions and state


class Direction:
    """A method's state between steps: ``direction(x, f, g)`` gives d_t and the row's state, ``observe(s, y)``
    updates the state with the step just taken and the change of gradient it brought."""

    def __init__(self, n: int) -> None:
        self.n = n

    def direction(self, x: list[float], f: float, g: list[float]) -> tuple[list[float], dict]:
        return [-v for v in g], {}

    def observe(self, s: list[float], y: list[float]) -> dict:
        return {}


class Steepest(Direction):
    """d = −g (gradient descent under a Wolfe or exact line search)."""


class Newton(Direction):
    def __init__(self, n: int, objective: Objective) -> None:
        super().__init__(n)
        self.objective = objective

    def direction(self, x, f, g):
        h = self.objective.hessian_at(x).tolist()
        factor = shifted_cholesky(h)
        if factor is None:
            return None, {"tau": math.nan}
        low, tau = factor
        d = [-v for v in cholesky_solve(low, g)]
        state = {"tau": tau, "d": d}
        if tau > 0:
            state["note"] = row_note(SHIFT_NOTE, tau=tau)
        return d, state


class Bfgs(Direction):
    def __init__(self, n: int, h0: str) -> None:
        super().__init__(n)
        self.h0 = h0
        self.inverse = [[float(i == j) for j in range(n)] for i in range(n)]
        self.updated = False
        self.pending: dict = {}

    def direction(self, x, f, g):
        d = [-dot(row, g) for row in self.inverse]
        state = {"d": d, **self.pending}
        if self.n <= SHOWN_MATRIX:
            state["H"] = [row[:] for row in self.inverse]
        self.pending = {}
        return d, state

    def observe(self, s, y):
        ys = dot(y, s)
        if not ys > 0:
            self.pending = {"skipped": True, "note": row_note(SKIP_NOTE, ys=ys)}
            return
        if self.h0 == "scaled" and not self.updated:
            gamma = ys / dot(y, y)
            self.inverse = [[gamma * float(i == j) for j in range(self.n)] for i in range(self.n)]
        self.updated = True
        rho = 1.0 / ys
        hy = [dot(row, y) for row in self.inverse]
        yhy = dot(y, hy)
        c = rho * rho * yhy + rho
        self.inverse = [[hij - rho * (hy[i] * s[j] + s[i] * hy[j]) + c * s[i] * s[j]
                         for j, hij in enumerate(row)] for i, row in enumerate(self.inverse)]
        self.pending = {"skipped": False}


class Lbfgs(Direction):
    def __init__(self, n: int, memory: int, h0: str) -> None:
        super().__init__(n)
        self.memory = memory
        self.h0 = h0
        self.pairs: list[tuple[list[float], list[float], float]] = []
        self.pending: dict = {}

    def direction(self, x, f, g):
        q = list(g)
        alphas = []
        for s, y, rho in reversed(self.pairs):
            a = rho * dot(s, q)
            alphas.append(a)
            q = [qi - a * yi for qi, yi in zip(q, y)]
        gamma = 1.0
        if self.h0 == "scaled" and self.pairs:
            s, y, rho = self.pairs[-1]
            gamma = 1.0 / (rho * dot(y, y))
        r = [gamma * v for v in q]
        for (s, y, rho), a in zip(self.pairs, reversed(alphas)):
            b = rho * dot(y, r)
            r = [ri + (a - b) * si for ri, si in zip(r, s)]
        d = [-v for v in r]
        state = {"d": d, "pairs": len(self.pairs), "gamma": gamma, **self.pending}
        self.pending = {}
        return d, state

    def observe(self, s, y):
        ys = dot(y, s)
        if not ys > 0:
            self.pending = {"skipped": True, "note": row_note(UNSTORED_NOTE, ys=ys)}
            return
        self.pairs.append((s, y, 1.0 / ys))
        del self.pairs[:-self.memory]


class ConjugateGradient(Direction):
    def __init__(self, n: int, variant: str) -> None:
        super().__init__(n)
        self.variant = variant
        self.previous: tuple[list[float], list[float]] | None = None
        self.since_restart = 0

    def direction(self, x, f, g):
        steepest = [-v for v in g]
        beta, note = 0.0, ""
        if self.previous is not None:
            d_prev, g_prev = self.previous
            gg_prev = dot(g_prev, g_prev)
            if self.since_restart >= self.n:
                note = RESTART_NOTES["period"].format(n=self.n)
            elif self.variant == "fr":
                beta = dot(g, g) / gg_prev
            else:
                beta = dot(g, [a - b for a, b in zip(g, g_prev)]) / gg_prev
                if beta < 0:
                    beta, note = 0.0, RESTART_NOTES["negative"]
            if beta:
                d = [a + beta * b for a, b in zip(steepest, d_prev)]
                if dot(g, d) >= 0:
                    beta, note = 0.0, RESTART_NOTES["ascent"]
        d = [a + beta * b for a, b in zip(steepest, self.previous[0])] if beta else steepest
        self.since_restart = self.since_restart + 1 if beta else 1
        self.previous = (d, list(g))
        state = {"d": d, "beta": beta}
        if note:
            state["note"] = note
        return d, state


class BarzilaiBorwein(Direction):
    def __init__(self, n: int, variant: int, first: float) -> None:
        super().__init__(n)
        self.variant = variant
        self.alpha = first
        self.note = ""

    def step(self) -> tuple[float, dict]:
        state = {"note": self.note} if self.note else {}
        self.note = ""
        return self.alpha, state

    def observe(self, s, y):
        sy = dot(s, y)
        if not sy > 0:
            self.note = row_note(KEPT_NOTE, sy=sy)
            return
        self.alpha = dot(s, s) / sy if self.variant == 1 else sy / dot(y, y)


def direction_for(optimizer, objective: Objective, lr: float) -> Direction:
    """The state machine of ``optimizer`` (a Method, or gd under a Wolfe or exact search)."""
    n, h = objective.dimension, optimizer.hyper
    return {
        "newton": lambda: Newton(n, objective),
        "bfgs": lambda: Bfgs(n, h.get("h0", "scaled")),
        "lbfgs": lambda: Lbfgs(n, int(h.get("memory", 10)), h.get("h0", "scaled")),
        "cg": lambda: ConjugateGradient(n, h.get("cg_beta", "pr")),
        "bb": lambda: BarzilaiBorwein(n, int(h.get("bb", 1)), lr),
    }.get(optimizer.name, lambda: Steepest(n))()


def resolve_search(optimizer, line_search):
    """The line search a run of ``optimizer`` uses: the one asked for, with c2 filled in, else the method's
    default (a LineSearch-like object with kind, c1, c2, shrink), or None for a fixed or self-chosen α."""
    method = optimizer.rule if isinstance(optimizer.rule, Method) else None
    if method is not None and method.own_step and line_search is not None:
        raise OptionError(f"--line-search does not apply to {method.name}: it chooses its own α")
    if line_search is None:
        return None
    c2 = line_search.c2 if line_search.c2 is not None else method.c2 if method is not None else 0.9
    if line_search.kind in ("wolfe", "strong-wolfe") and not line_search.c1 < c2 < 1:
        raise OptionError(f"--c2 must satisfy c1 < c2 < 1, not {number(c2)} (c1 = {number(line_search.c1)})")
    return replace(line_search, c2=c2)


# ---------------------------------------------------------------------------------------------------------
# the loop


def iterate(objective: Objective, optimizer, search, start, lr: float, rate: Callable[[int], float], steps: int,
            tol: float, xtol: float, ftol: float, every: int, fbound: float, xbound: float):
    """Run a Method (or gd under a Wolfe or exact search) as gdcli.engine.run.run's generated loop would.

    Returns (reason, last_t, rows, evaluations, last, states): rows flat in an array of doubles as the
    generated loop's (t, f, ‖g‖, α, trials, x…, g…), ``last`` the last finite row when it was not recorded, and ``states``
    the method's state for the step taken from each recorded row, by t.
    """
    fg = objective.value_and_gradient_function
    n = objective.dimension
    method = direction_for(optimizer, objective, lr)
    fstar = minimum_value(objective, optimizer.hyper.get("fstar")) if optimizer.name == "polyak" else None
    unit = isinstance(optimizer.rule, Method) and optimizer.rule.unit_step
    curvature = None
    if search is not None and search.kind == "exact" and objective.is_quadratic:
        curvature = objective.hessian_at([0.0] * n).tolist()
    x = [float(v) for v in start]
    rows, states, last = array("d"), {}, None
    fevals = 0
    t, f_prev, x_prev, g_prev, previous_slope, previous_alpha = 0, 0.0, x, None, None, None

    change = 0.0
    """|φ(α) − φ(0)| at the search's latest trial, to tell a failure from rounding."""

    def phi(alpha: float, d: list[float]) -> tuple[float, float]:
        nonlocal change
        try:
            value, gradient = fg(*[a + alpha * b for a, b in zip(x, d)])
            value, slope = float(value), dot(gradient, d)
        except (ArithmeticError, ValueError, TypeError):
            return math.inf, math.nan
        if not math.isfinite(value):
            change = math.inf
            return math.inf, math.nan
        change = abs(value - f)
        return value, slope

    while True:
        try:
            f, g = fg(*x)
            f, g = float(f), [float(v) for v in g]
            gn = math.sqrt(sum(v * v for v in g))
        except (ArithmeticError, ValueError, TypeError):
            reason = "undefined"
            break
        if not (abs(f) <= fbound and gn < math.inf and all(abs(v) <= xbound for v in x)):
            reason = "bound" if abs(f) < math.inf and gn < math.inf else "non_finite"
            break
        if g_prev is not None:
            method.observe([a - b for a, b in zip(x, x_prev)], [a - b for a, b in zip(g, g_prev)])
        reason = ("tol" if tol and gn <= tol else
                  "xtol" if xtol and t and math.dist(x, x_prev) <= xtol else
                  "ftol" if ftol and t and abs(f - f_prev) <= ftol else
                  "max_steps" if t >= steps else None)
        alpha, trials, state = rate(t), 0, {}
        if reason is None:
            if isinstance(method, BarzilaiBorwein):
                d = [-v for v in g]
                alpha, state = method.step()
            elif fstar is not None:
                if f < fstar:
                    raise OptionError(below_fstar(f, t, fstar))
                d, alpha = [-v for v in g], (f - fstar) / (gn * gn) if gn else 0.0
            else:
                d, state = method.direction(x, f, g)
                if d is None:
                    reason = "hessian"
            if reason is None and search is not None:
                slope = dot(g, d)
                if not unit and previous_slope is not None and slope < 0:
                    alpha = previous_alpha * previous_slope / slope
                change = 0.0
                found = line_search_step(search, lambda a: phi(a, d), f, slope, alpha, curvature, d)
                if not found.ok:
                    reason = "precision" if change <= ROUNDING * max(1.0, abs(f)) else "line_search_rule"
                alpha, trials = found.alpha, found.trials
                fevals += trials
                previous_slope, previous_alpha = slope, alpha
        if reason is None:
            state.setdefault("d", d)
        row = (t, f, gn, alpha, trials, *x, *g)
        if reason is not None or t % every == 0:
            rows.extend(row)
            states[t] = state
            last = None
        else:
            last, last_state = row, state
        if reason is not None:
            break
        x_prev, g_prev, f_prev = x, g, f
        x = [a + alpha * b for a, b in zip(x, d)]
        t += 1
    if last is not None:
        states[last[0]] = last_state
    return reason, t, rows, fevals, last, states


def line_search_step(search, phi, value: float, slope: float, alpha: float, curvature, d) -> searches.Search:
    """One search along d (φ'(0) = ``slope``); a direction that is not downhill fails at once."""
    if not slope < 0:
        return searches.Search(alpha, value, 0, False)
    if search.kind == "armijo":
        return searches.armijo(phi, value, slope, alpha, search.c1, search.shrink)
    if search.kind == "exact" and curvature is not None:
        hd = [dot(row, d) for row in curvature]
        return searches.exact_quadratic(slope, dot(d, hd))
    if search.kind == "exact":
        return searches.exact(lambda a: phi(a)[0], value, alpha)
    return searches.wolfe(phi, value, slope, alpha, search.c1, search.c2, search.kind == "strong-wolfe")


# ---------------------------------------------------------------------------------------------------------
# what theory says about each method at the point the stability panel reads


def read(stability, result):
    """``stability`` (gdcli.engine.stability.read_run's reading of ``result``) with the reading for a method's
    run: the theorem of ``reading`` at the critical point read, in place of the fixed-step analysis, whose
    rate and step count do not apply to these methods. Runs of the elementwise rules pass unchanged, and so
    does a reading that found no critical point (its sentence says why nothing is predicted)."""
    if result.states is None or stability.eigenvalues is None:
        return stability
    search = result.line_search.kind if result.line_search is not None else None
    stability.reading = reading(result.optimizer.name, stability.eigenvalues, stability.where, result.lr0, search,
                                result.objective.is_quadratic)
    stability.rate = stability.steps_predicted = None
    return stability


SINGULAR = 1e-12
"""An eigenvalue within SINGULAR·max(1, λmax) of 0 counts as 0: ∇²f is read as singular, not indefinite."""


def reading(name: str, eigenvalues, where: str, lr: float, search: str | None, quadratic: bool) -> str:
    """The stability panel's reading for a method (or gd under a Wolfe or exact search): the theorem that
    applies at ``where`` (the critical point read, "the minimum (1, 1) the run converged to") given the
    Hessian's ``eigenvalues`` there, or a plain statement that none predicts the behaviour. ``quadratic``: f is
    quadratic, so the eigenvalues hold everywhere."""
    values = [float(v) for v in eigenvalues]
    if not values or not all(math.isfinite(v) for v in values):
        return f"∇²f is not finite at {where}, so no theorem can be read from it."
    mu, big_l, n = min(values), max(values), len(values)
    definite = mu > 0
    kappa = big_l / mu if definite else None
    here = "everywhere (f is quadratic)" if quadratic else f"at {where}"
    if not definite and mu >= -SINGULAR * max(1.0, abs(big_l)):
        return (f"∇²f is singular {here} (λmin = {number(mu, 4)}): second derivatives cannot tell whether this is "
                "a minimum, and the local convergence theorems, which need a non-singular ∇²f at the limit, do not "
                "apply; no rate is predicted (the rows show the one observed).")
    if not definite:
        curvature = (f"∇²f has a negative eigenvalue {here} (λmin = {number(mu, 4)}), so this critical point is a "
                     "saddle or a maximum, not a minimum: none of the local convergence theorems applies here.")
        if name == "newton":
            return curvature + (" The pure Newton step is attracted to any non-degenerate critical point, this one "
                                "included; the modified step adds τI to H wherever H is not positive definite, "
                                "which makes d a descent direction (the rows name each shift).")
        return curvature
    if name == "newton":
        if quadratic and lr == 1:
            return ("f is quadratic with ∇²f positive definite: the full Newton step (α = 1) lands on the "
                    "minimiser in one step.")
        if lr != 1:
            return (f"With α = {number(lr)} ≠ 1 Newton's method converges only linearly near a minimum: the error "
                    f"is multiplied by about |1 − α| = {number(abs(1 - lr), 4)} per step.")
        return (f"∇²f is positive definite {here} (λmin = {number(mu, 4)}): near a non-degenerate minimum with "
                "Lipschitz ∇²f, Newton's method with α = 1 converges quadratically, the error roughly squaring "
                "each step. Far from it nothing is guaranteed without a line search, and where ∇²f is singular "
                "or indefinite the step is modified or fails.")
    if name in ("cg", "gd") and quadratic and search == "exact":
        root = math.sqrt(kappa)
        rate = (root - 1) / (root + 1)
        if name == "gd":
            steep = ((kappa - 1) / (kappa + 1)) ** 2
            return (f"Steepest descent with exact line search on a quadratic: f − f* is multiplied by at most "
                    f"((κ−1)/(κ+1))² = {number(steep, 4)} per step (κ = {number(kappa, 4)}), zig-zagging between two directions.")
        return (f"Linear conjugate gradients: in exact arithmetic the minimiser is reached in at most n = {n} steps, "
                f"and the error in the ∇²f-norm shrinks at least as 2·((√κ−1)/(√κ+1))ᵗ = 2·{number(rate, 4)}ᵗ "
                f"(κ = {number(kappa, 4)}); rounding can add a few steps when κ is large.")
    if name == "cg":
        return ("Nonlinear conjugate gradients under the strong Wolfe search, Fletcher–Reeves with c2 < 1/2 "
                "(Al-Baali 1985) and Polak–Ribière+ with sufficient descent (Gilbert & Nocedal 1992), have "
                "lim inf ‖∇f‖ = 0 for f bounded below with Lipschitz ∇f: a guarantee of progress, not a rate. On a "
                f"quadratic with the exact search CG ends in at most n = {n} steps at the (√κ−1)/(√κ+1) rate.")
    if name == "bfgs":
        end = (f" On a quadratic with the exact line search BFGS ends in at most n = {n} steps."
               if quadratic else "")
        return (f"∇²f is positive definite {here} (λmin = {number(mu, 4)}): near such a minimum BFGS with Wolfe steps "
                "that accept α = 1 converges superlinearly (Dennis–Moré): the ratio of successive errors goes to 0."
                + end)
    if name == "lbfgs":
        return (f"∇²f is positive definite {here} (λmin = {number(mu, 4)}): on strongly convex f L-BFGS converges "
                "linearly (Liu & Nocedal 1989); unlike BFGS no superlinear rate is guaranteed.")
    if name == "bb":
        convex = ("f is a strictly convex quadratic, where BB converges from any start (Raydan 1993)"
                  if quadratic else "beyond strictly convex quadratics BB has no convergence guarantee without a "
                                    "non-monotone line search")
        return f"Barzilai–Borwein steps are non-monotone: f may rise on some steps. {convex}."
    if name == "polyak":
        if quadratic:
            factor = math.sqrt(1 - mu / (4 * big_l))
            return (f"f is quadratic with μ = λmin = {number(mu, 4)}, L = λmax = {number(big_l, 4)}: with the true f*, each Polyak "
                    f"step multiplies ‖x − x*‖ by at most √(1 − μ/(4L)) = {number(factor, 4)}.")
        return ("With the true f*, a Polyak step never moves x away from a minimiser while f is convex; no rate is "
                "predicted where convexity is not known.")
    return (f"The {search} line search chooses α_t at every step, so the starting α needs no stability bound; no "
            "rate is predicted for this f.")
