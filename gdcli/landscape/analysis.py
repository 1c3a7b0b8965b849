"""The landscape of an objective: its critical points and their kinds, its convexity, and for a quadratic the
numbers that decide how fast gradient descent and heavy-ball momentum can go.

Critical points solve ∇f(x) = 0. They are found

- numerically, by Newton's iteration x ← x − H(x)⁻¹∇f(x) from every point of a grid over the region, the
  results deduplicated and refined. Newton's iteration is attracted to maxima and saddles as well as minima;
- symbolically, when ∇f is polynomial: SymPy's ``solve`` runs in a child process (gdcli.engine.budget) started
  before the numeric search, side by side with it. Its real solutions (with their closed forms) are taken if
  they arrive by SYMBOLIC_SECONDS after the numeric search ends (by its end, for a system whose solutions need
  more than square roots: beyond_square_roots); otherwise the child is killed and the numeric points are
  reported at once, saying that exact forms were not found in time. Solutions found are kept in the derivation
  cache, so a later analysis of the same objective has its exact forms at once, however busy the machine.

A symbolic solution with free variables (x = −y for (x + y)²) is a line, plane or curve of critical points,
reported once as a CriticalSet ("a line of minima: x + y = 0"); the Newton points on it are not listed again.
Convexity is decided in gdcli.landscape.convexity.

Each point is classified from the signs of the eigenvalues λ of the Hessian there (gdcli.engine.stability.classify):
all λ > 0 a minimum, all λ < 0 a maximum, λ of both signs a saddle, otherwise (some λ = 0, the rest of one sign)
degenerate.

For a quadratic with Hessian eigenvalues μ = λmin > 0 and L = λmax, κ = L/μ:

- gd is stable for 0 < α < 2/L; the best fixed α = 2/(μ + L) contracts the error by (κ − 1)/(κ + 1) per step;
- heavy-ball momentum (x ← x − αb, b ← βb + g, which for a constant α is Polyak's method) is best at
  α* = 4/(√L + √μ)² and β* = ((√κ − 1)/(√κ + 1))², contracting by (√κ − 1)/(√κ + 1).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from gdcli.engine.budget import FAILED, TIMED_OUT, start
from gdcli.engine.notation import unicode
from gdcli.engine.objective import Objective
from gdcli.engine.stability import (
    REDUCTION,
    classify,
    contraction,
    newton_critical_points,
    newton_zeros,
    rational_hessian,
    stability_bound,
    steps_for,
    steps_to_reduce,
)
from gdcli.errors import OptionError
from gdcli.landscape.convexity import PROOF_SECONDS, Convexity, convexity, prove
from gdcli.landscape.convexity import sample as grid
from gdcli.landscape.points import (
    GRID_POINTS,
    NEWTON_STEPS,
    SAME_POINT,
    CriticalPoint,
    classified,
    critical_point,
    inside,
    known,
    read_region,
)

SYMBOLIC_SECONDS = 0.25
"""How long the symbolic solve may still take once the numeric search (which runs beside it) has finished
(unless the system is beyond_square_roots: then not at all)."""
SYMBOLIC_MAX_OPS = 400
"""Gradients larger than this (SymPy's count_ops) are not given to the symbolic solver at all."""
KINDS = ("minimum", "maximum", "saddle", "degenerate")


@dataclass
class QuadraticSummary:
    """The step-size facts of a quadratic: L, μ, κ, the stable range, the best α for gd and heavy ball."""

    big_l: float
    mu: float
    kappa: float | None
    max_stable_lr: float | None
    best_lr: float | None
    best_rate: float | None
    steps_predicted: int | None
    reduction: float
    heavy_ball_lr: float | None
    heavy_ball_beta: float | None
    heavy_ball_rate: float | None
    heavy_ball_steps: int | None

    def to_dict(self) -> dict:
        return {
            "L": self.big_l, "mu": self.mu, "kappa": self.kappa, "max_stable_lr": self.max_stable_lr,
            "best_lr": self.best_lr, "best_rate": self.best_rate, "reduction": self.reduction,
            "steps_predicted": self.steps_predicted,
            "heavy_ball": {"lr": self.heavy_ball_lr, "beta": self.heavy_ball_beta, "rate": self.heavy_ball_rate,
                           "steps_predicted": self.heavy_ball_steps},
        }


@dataclass
class Analysis:
    """Everything `gd analyze` reports about an objective."""

    objective: Objective
    region: np.ndarray
    critical_points: list[CriticalPoint]
    convexity: Convexity
    quadratic: QuadraticSummary | None
    symbolic: str = "not attempted"
    notes: list[str] = field(default_factory=list)
    critical_sets: list[CriticalSet] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(p.kind == kind for p in self.critical_points)

    def to_dict(self) -> dict:
        """The JSON document of `gd analyze --json`."""
        o = self.objective
        return {
            "objective": o.text, "expression": sp.sstr(o.expr), "variables": o.names,
            "gradient": [sp.sstr(e) for e in o.gradient],
            "hessian": [[sp.sstr(e) for e in row] for row in o.hessian.tolist()],
            "region": [[float(a), float(b)] for a, b in self.region],
            "symbolic": self.symbolic,
            "critical_points": [p.to_dict() for p in self.critical_points],
            "critical_sets": [c.to_dict() for c in self.critical_sets],
            "convex": self.convexity.convex, "convexity": self.convexity.to_dict(),
            "quadratic": None if self.quadratic is None else self.quadratic.to_dict(),
            "notes": self.notes,
        }


# symbolic search ------------------------------------------------------------------------------------------
def _solve(gradient: list[sp.Expr], symbols: list[sp.Symbol], verdict=None) -> list[list[sp.Expr]]:
    """Runs in a child process: the solutions of ∇f = 0 over the complex numbers, one value per variable (a
    variable left free stands for itself). ``verdict``: a connection on which whether the system is
    beyond_square_roots is sent first (False when it cannot be told), and then closed; a system beyond them is
    then solved at the lowest priority."""
    plain = [sp.Dummy(s.name) for s in symbols]
    back = dict(zip(plain, symbols))
    equations = [e.xreplace(dict(zip(symbols, plain))) for e in gradient]
    if verdict is not None:
        with verdict:
            try:
                hard = beyond_square_roots(equations, plain)
            except Exception:  # noqa: BLE001 - no verdict: the parent waits as it would for any solve
                hard = False
            verdict.send(hard)
        if hard:  # by default the parent does not wait for such a solve: on a busy machine its own work goes first
            os.nice(19)
    return [[sp.sympify(sol.get(p, p)).xreplace(back) for p in plain]
            for sol in sp.solve(equations, plain, dict=True)]


def beyond_square_roots(equations: list[sp.Expr], symbols: list[sp.Symbol]) -> bool:
    """Whether the polynomial system ``equations`` = 0, in two or more variables with finitely many solutions,
    needs the roots of an irreducible polynomial of degree ≥ 3 that is not a quadratic in a power of its
    variable (q(yᵏ) with q of degree ≤ 2, whose roots square roots and k-th roots give).

    Read from the last polynomial of the lexicographic Gröbner basis, which holds only the last variable y and
    vanishes exactly at the y-coordinates of the solutions. On such a system SymPy's solve writes Cardano's or
    Ferrari's formulas into the other coordinates, or looks for radicals that do not exist: on Himmelblau's and
    Beale's it takes seconds, for forms mostly too long to show, so by default the analysis does not wait for it
    beyond the numeric search (start_symbolic).
    """
    if len(symbols) < 2:
        return False
    basis = sp.groebner(equations, *symbols, order="lex")
    if not basis.is_zero_dimensional:
        return False
    y = symbols[-1]
    for factor, _ in sp.factor_list(basis.exprs[-1], y)[1]:
        polynomial = sp.Poly(factor, y)
        power = math.gcd(*(exponent for (exponent,) in polynomial.monoms()))
        if polynomial.degree() >= 3 and polynomial.degree() // power > 2:
            return True
    return False


@dataclass
class CriticalSet:
    """Critical points that fill a line, a plane or a curve: the variables ``free`` run over ℝ (where the other
    coordinates, ``values`` in closed form, are real), and f is constant along each connected piece."""

    symbols: list[sp.Symbol]
    values: list[sp.Expr]
    free: list[sp.Symbol]
    point: np.ndarray
    kind: str
    f: float

    @property
    def dimension(self) -> int:
        return len(self.free)

    @property
    def linear(self) -> bool:
        return all(sp.Poly(v, *self.free).total_degree() <= 1 if v.is_polynomial(*self.free) else False
                   for v in self.values)

    @property
    def shape(self) -> str:
        """line, plane, curve, surface, or k-dimensional set."""
        names = {1: ("line", "curve"), 2: ("plane", "surface")}
        if self.dimension in names:
            return names[self.dimension][0 if self.linear else 1]
        return f"{self.dimension}-dimensional {'affine set' if self.linear else 'set'}"

    @property
    def equations(self) -> list[str]:
        """The set as equations: "x + y = 0" for a linear one, "y = √(1 − x²)" otherwise."""
        out = []
        for symbol, value in zip(self.symbols, self.values):
            if value == symbol:
                continue
            if self.linear:
                left = sp.expand(symbol - value)
                constant = left.as_independent(*self.symbols, as_Add=True)[0]
                out.append(f"{unicode(left - constant)} = {unicode(-constant)}")
            else:
                out.append(f"{symbol} = {unicode(value)}")
        return out

    def contains(self, point: np.ndarray) -> bool:
        """Whether ``point`` lies on the set (its dependent coordinates match, relative to max(1, ‖point‖))."""
        at = {s: float(v) for s, v in zip(self.symbols, point)}
        try:
            expected = np.array([complex(sp.N(v.xreplace(at))) for v in self.values])
        except (TypeError, ValueError):
            return False
        return bool(np.all(np.abs(expected.imag) <= 1e-9)
                    and np.linalg.norm(expected.real - point) <= SAME_POINT * max(1.0, np.linalg.norm(point)))

    def to_dict(self) -> dict:
        return {"shape": self.shape, "dimension": self.dimension, "kind": self.kind, "equations": self.equations,
                "free": [s.name for s in self.free], "point": [float(v) for v in self.point], "f": float(self.f)}


def start_symbolic(objective: Objective) -> Callable[[float | None], tuple[list, list, str]]:
    """Start solving ∇f = 0 in a child process (gdcli.engine.budget) and return ``answer(seconds)``, which waits
    at most ``seconds`` more: the real solutions, isolated ones as (float point, exact values) and those with
    free variables as (values, free variables); and what happened ("solved", "exact forms not found in
    time" …). Only polynomial gradients of moderate size are tried.

    ``seconds`` None: SYMBOLIC_SECONDS, or no wait at all once the child has found the system
    beyond_square_roots (its first step, a few milliseconds).

    A solution found once is kept in the derivation cache (gdcli.engine.cache, beside what is derived from the
    same objective): a later analysis reads it there and starts no solver, so its exact forms do not depend on
    how busy the machine is.
    """
    stored = _stored_solutions(objective)
    if stored is not None:
        return lambda seconds: _solutions(stored, objective.symbols, 0.0)
    symbols, gradient = objective.symbols, objective.gradient
    if not all(e.is_polynomial(*symbols) for e in gradient):
        return lambda seconds: ([], [], "not attempted: ∇f is not polynomial")
    if sum(sp.count_ops(e) for e in gradient) > SYMBOLIC_MAX_OPS:
        return lambda seconds: ([], [], "not attempted: ∇f is too large")
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    started, pending = time.monotonic(), start(_solve_without_units, gradient, symbols, sender)
    sender.close()

    def answer(seconds: float | None) -> tuple[list, list, str]:
        with receiver:
            if seconds is None:
                deadline = time.monotonic() + SYMBOLIC_SECONDS
                hard = receiver.poll(SYMBOLIC_SECONDS) and _received(receiver)
                seconds = 0.0 if hard else max(0.0, deadline - time.monotonic())
        solutions = pending(seconds)
        if solutions is not TIMED_OUT and solutions is not FAILED:
            objective.derived.get(_SOLVED, lambda: [[sp.srepr(v) for v in values] for values in solutions])
        return _solutions(solutions, symbols, time.monotonic() - started)
    return answer


_SOLVED = f"critical points solved by SymPy {sp.__version__}"
"""The name of the solver's answer in an objective's cache entry: srepr texts, one list per solution (SymPy's
version in the name, since another version may write the same solutions differently)."""


def _stored_solutions(objective: Objective) -> list[list[sp.Expr]] | None:
    """The solutions of ∇f = 0 kept in the objective's cache entry (see start_symbolic), or None."""
    texts = objective.derived.values.get(_SOLVED)
    if texts is None:
        return None
    try:  # written by gd itself (the entry's digest is checked on load): srepr texts read back exactly
        return [[sp.sympify(text) for text in values] for values in texts]
    except (sp.SympifyError, TypeError, ValueError, SyntaxError):
        objective.derived.values.pop(_SOLVED, None)
        return None


def _received(connection) -> bool:
    """The verdict sent on ``connection`` (False when the child closed it without one)."""
    try:
        return bool(connection.recv())
    except EOFError:
        return False


def _solve_without_units(gradient: list[sp.Expr], symbols: list[sp.Symbol], verdict) -> list[list[sp.Expr]]:
    """Runs in a child process: _solve, with a stand-in for sympy.physics.units.

    sp.solve's checks import that module (a quarter of a second, longer than most solves here) only to look for
    physical units, which an objective of gd never holds; the stand-in's Unit and Quantity are classes nothing
    is an instance of, so every check answers as it would with the real module."""
    import sys
    import types

    if "sympy.physics.units" not in sys.modules:
        units = types.ModuleType("sympy.physics.units", "stand-in: gd's objectives hold no physical units")
        units.Unit, units.Quantity = type("Unit", (sp.Expr,), {}), type("Quantity", (sp.Expr,), {})
        sys.modules["sympy.physics.units"] = units
    return _solve(gradient, symbols, verdict)


def _solutions(answer, symbols: list, elapsed: float) -> tuple[list, list, str]:
    """The solver's answer sorted into real isolated points and families (see start_symbolic)."""
    if answer is TIMED_OUT:
        return [], [], f"exact forms not found in time ({elapsed:.1f} s); the points are numeric"
    if answer is FAILED:
        return [], [], "failed"
    points, families = [], []
    for values in answer:
        values = [v.xreplace({s: sp.S.Zero for s in v.free_symbols - set(symbols)}) for v in values]
        free = sorted(set().union(*(v.free_symbols for v in values)) & set(symbols), key=symbols.index)
        if free:
            families.append((values, free))
            continue
        numeric = [complex(sp.N(v, 30)) for v in values]
        if all(abs(c.imag) <= 1e-9 * (1 + abs(c.real)) for c in numeric):
            exact = [v if v.is_real and len(sp.sstr(v)) <= 80 else None for v in values]
            points.append((np.array([c.real for c in numeric]), exact if all(v is not None for v in exact) else None))
    return points, families, "solved"


def critical_set(objective: Objective, values: list[sp.Expr], free: list[sp.Symbol], proof) -> CriticalSet | None:
    """The family as a CriticalSet, read at its first point with every free variable in SET_POINTS where the
    coordinates are real and finite (None if there is none).

    Its kind: for a quadratic (or a proved-convex f) every critical point is a global minimum of a convex f, or
    maximum of a concave one; otherwise, when ∇²f there has exactly as many zero eigenvalues (relative to its
    largest) as the set has dimensions and the rest share a sign, the set is a non-degenerate family of minima
    or maxima (Morse–Bott), of saddles when they differ, and degenerate otherwise.
    """
    for value in SET_POINTS:
        numeric = [complex(sp.N(v.xreplace({s: value for s in free}), 30)) for v in values]
        if all(np.isfinite(c) and abs(c.imag) <= 1e-9 * (1 + abs(c.real)) for c in numeric):
            break
    else:
        return None
    point = np.array([c.real for c in numeric])
    eigenvalues = np.linalg.eigvalsh(objective.hessian_at(point))
    if isinstance(proof, Convexity) and proof.convex:
        kind = "minimum"
    elif objective.is_quadratic and np.all(eigenvalues <= 0):
        kind = "maximum"
    else:
        scale = max(float(np.max(np.abs(eigenvalues))), np.finfo(float).tiny)
        rest = eigenvalues[np.abs(eigenvalues) > 1e-8 * scale]
        kind = ("degenerate" if len(rest) != len(eigenvalues) - len(free) else "saddle" if len(rest) and
                rest.min() < 0 < rest.max() else "minimum" if np.all(rest > 0) else "maximum")
    return CriticalSet(objective.symbols, values, free, point, kind, objective.value(point))


# numeric search -------------------------------------------------------------------------------------------
SET_POINTS = (0, 1, -1, sp.Rational(1, 2), 2)
"""Values of a critical set's free variables tried, in order, for the point at which the set is read."""
def find_critical_points(objective: Objective, region: np.ndarray, seconds: float | None = None,
                         starts: int = GRID_POINTS, proof=None,
                         symbolic_answer=None) -> tuple[list[CriticalPoint], list[CriticalSet], str]:
    """Critical points in the region: the symbolic ones (if they arrive by ``seconds`` after the numeric search,
    which runs beside the solver, ends; None: see start_symbolic), then those Newton's iteration finds from a
    grid; and the lines, planes and curves of critical points the symbolic solver found, each reported once (a
    point Newton's iteration lands on inside one of them is not listed again). ``symbolic_answer``: the solver
    already started (start_symbolic), else it starts now."""
    symbolic_answer = symbolic_answer or start_symbolic(objective)
    points, converged = newton_zeros(objective, grid(region, starts), NEWTON_STEPS)
    numeric = points[converged & inside(points, region)]
    symbolic, families, status = symbolic_answer(seconds)
    if callable(proof):  # a proof still running beside the searches (see analyze): wait for it now
        proof = proof()
    found: list[CriticalPoint] = []
    sets = [c for c in (critical_set(objective, values, free, proof) for values, free in families) if c is not None]
    for point, exact in symbolic:
        if inside(point, region) and not known(point, found):
            found.append(critical_point(objective, point, "symbolic", exact))
    refinements = [None] * len(numeric) if objective.is_quadratic else newton_critical_points(objective, numeric)
    for point, refined in zip(numeric, refinements):
        if known(point, found) or any(c.contains(point) for c in sets):
            continue
        found.append(classified(objective, point, refined, "numeric"))
    order = {kind: i for i, kind in enumerate(KINDS)}
    # f to 12 digits: points of equal f (mirror images, x ↦ −x) are ordered by their coordinates, not by rounding
    found.sort(key=lambda p: (order[p.kind], float(f"{p.f:.12g}") if math.isfinite(p.f) else math.inf, *p.point))
    return found, sets, status


# quadratics -----------------------------------------------------------------------------------------------
def quadratic_summary(eigenvalues: np.ndarray, reduction: float = REDUCTION, kind: str | None = None) -> QuadraticSummary:
    """L, μ, κ, the gd bounds and rates and the heavy-ball pair from a quadratic's Hessian eigenvalues.

    ``kind`` is the Hessian's classification (gdcli.engine.stability.classify); at a saddle or a maximum no
    α is stable, so no bound is given. Heavy ball's step count is the repeated-root bound of
    gdcli.engine.stability.steps_to_reduce (its error behaves like t·ρᵗ at the optimal pair, not ρᵗ).
    """
    eigenvalues = np.sort(np.asarray(eigenvalues, dtype=float))
    mu, big_l = float(eigenvalues[0]), float(eigenvalues[-1])
    curved_only = kind in (None, "minimum") or (kind == "degenerate" and mu > -abs(big_l))
    bound = stability_bound("gd", big_l) if curved_only else None
    if not (mu > 0 and kind in (None, "minimum")):
        return QuadraticSummary(big_l, mu, None, bound, None, None, None, reduction, None, None, None, None)
    kappa = big_l / mu
    best_lr = 2.0 / (mu + big_l)
    best_rate = contraction("gd", best_lr, eigenvalues)
    hb_lr = 4.0 / (math.sqrt(big_l) + math.sqrt(mu)) ** 2
    hb_beta = ((math.sqrt(kappa) - 1.0) / (math.sqrt(kappa) + 1.0)) ** 2
    hb_rate = (math.sqrt(kappa) - 1.0) / (math.sqrt(kappa) + 1.0)
    return QuadraticSummary(big_l, mu, kappa, bound, best_lr, best_rate, steps_for(best_rate, reduction), reduction,
                            hb_lr, hb_beta, hb_rate, steps_to_reduce("momentum", hb_lr, eigenvalues, hb_beta, reduction))


# the whole analysis ---------------------------------------------------------------------------------------
def analyze(objective: str | Objective | None = None, *, variables: Sequence[str] | None = None,
            region: str | None = None, reduction: float = REDUCTION,
            seconds: float | None = None) -> Analysis:
    """Analyse an objective: critical points with their kinds, convexity, and for quadratics the step-size facts.
    ``seconds``: how long the symbolic solve may still take once the numeric search has ended (None:
    SYMBOLIC_SECONDS, read at the call, or not at all for a system beyond_square_roots: see start_symbolic)."""
    f = objective if isinstance(objective, Objective) else Objective.parse(objective, variables)
    if not (math.isfinite(reduction) and 0 < reduction < 1):
        raise OptionError(f"--reduction must satisfy 0 < ε < 1, not {reduction:g}")
    box = read_region(region, f.dimension)
    # convexity's proof runs beside the searches too, within its PROOF_SECONDS from now
    pending, started = start(prove, f), time.monotonic()
    proof = cache(lambda: pending(max(0.0, PROOF_SECONDS - (time.monotonic() - started))))
    points, sets, status = find_critical_points(f, box, seconds, proof=proof, symbolic_answer=start_symbolic(f))
    notes = []
    if not points and not sets:
        notes.append("no critical point was found in the region; --region widens the search")
    quadratic = None
    if f.is_quadratic:
        hessian = np.array(f.hessian.tolist(), dtype=float)
        quadratic = quadratic_summary(np.linalg.eigvalsh(hessian), reduction, classify(rational_hessian(f) or hessian))
    verdict = convexity(f, box, [p.point for p in points], proof=proof())
    return Analysis(f, box, points, verdict, quadratic, status, notes, sets)
