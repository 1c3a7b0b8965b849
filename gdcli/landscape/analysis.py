"""The landscape of an objective: its critical points and their kinds, its convexity, and for a quadratic the
numbers that decide how fast gradient descent and heavy-ball momentum can go.

Critical points solve ∇f(x) = 0. They are found

- symbolically, when ∇f is polynomial and SymPy's ``solve`` finishes within SYMBOLIC_SECONDS (it runs in a
  separate process that is killed at the limit, so a hard system cannot hang the tool), keeping the real
  solutions; and
- numerically, by Newton's iteration x ← x − H(x)⁻¹∇f(x) from every point of a grid over the region, the
  results deduplicated and refined. Newton's iteration is attracted to maxima and saddles as well as minima.

Each point is classified from the eigenvalues λ of the Hessian there: all λ > 0 a minimum, all λ < 0 a
maximum, λ of both signs a saddle, otherwise (some λ = 0, the rest of one sign) degenerate.

For a quadratic with Hessian eigenvalues μ = λmin > 0 and L = λmax, κ = L/μ:

- gd is stable for 0 < α < 2/L; the best fixed α = 2/(μ + L) contracts the error by (κ − 1)/(κ + 1) per step;
- heavy-ball momentum (x ← x − αb, b ← βb + g, which for a constant α is Polyak's method) is best at
  α* = 4/(√L + √μ)² and β* = ((√κ − 1)/(√κ + 1))², contracting by (√κ − 1)/(√κ + 1).
"""

from __future__ import annotations

import math
import multiprocessing
from dataclasses import dataclass, field
from itertools import combinations, product
from typing import Sequence

import numpy as np
import sympy as sp

from gdcli.engine.expression import parse_vector
from gdcli.engine.objective import Objective
from gdcli.engine.stability import REDUCTION, contraction, stability_bound, steps_for
from gdcli.errors import OptionError

SYMBOLIC_SECONDS = 3.0
"""Longest time SymPy may spend solving ∇f = 0 before the numeric search alone is used."""
SYMBOLIC_MAX_OPS = 400
"""Gradients larger than this (SymPy's count_ops) are not given to the symbolic solver at all."""
DEFAULT_REGION = (-5.0, 5.0)
"""The box searched for critical points (and used for counterexamples to convexity) when --region is not given."""
GRID_POINTS = 400
"""About how many Newton starts the numeric search uses (and Hessians the convexity check samples)."""
NEWTON_STEPS = 60
ZERO_EIGENVALUE = 1e-6
"""|λ| ≤ this (relative to max(1, max|λ|)) counts as zero when classifying."""
KINDS = ("minimum", "maximum", "saddle", "degenerate")


@dataclass
class CriticalPoint:
    """A point where ∇f = 0, its kind, the Hessian's eigenvalues there and f there."""

    point: np.ndarray
    kind: str
    eigenvalues: np.ndarray
    f: float
    method: str
    exact: list[sp.Expr] | None = None
    """The coordinates in closed form (√6/2), when the symbolic solver found the point."""

    def to_dict(self) -> dict:
        out = {"point": [float(v) for v in self.point], "kind": self.kind,
               "eigenvalues": [float(v) for v in self.eigenvalues], "f": float(self.f), "method": self.method}
        if self.exact is not None:
            out["exact"] = [sp.sstr(v) for v in self.exact]
        return out


@dataclass
class Convexity:
    """``convex`` is True (proved), False (with a point where ∇²f has a negative eigenvalue) or None (unknown)."""

    convex: bool | None
    reason: str
    counterexample: np.ndarray | None = None

    def to_dict(self) -> dict:
        return {"convex": self.convex, "reason": self.reason,
                "counterexample": None if self.counterexample is None else [float(v) for v in self.counterexample]}


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
            "convex": self.convexity.convex, "convexity": self.convexity.to_dict(),
            "quadratic": None if self.quadratic is None else self.quadratic.to_dict(),
            "notes": self.notes,
        }


# region ---------------------------------------------------------------------------------------------------
def read_region(text: str | None, dimension: int) -> np.ndarray:
    """The box [low, high] per variable from ``-5,5`` (every variable) or ``-5,5,-3,3`` (one pair each)."""
    if text is None:
        return np.array([DEFAULT_REGION] * dimension, dtype=float)
    try:
        values = [float(v) for v in parse_vector(text, "--region")]
    except (TypeError, ValueError):
        raise OptionError("--region must be real numbers") from None
    except OverflowError:
        raise OptionError("--region must be finite numbers within ±1.8e308") from None
    if len(values) == 2:
        values = values * dimension
    if len(values) != 2 * dimension:
        raise OptionError(f"--region needs 2 numbers (low,high for every variable) or {2 * dimension} "
                          f"(low,high for each of {dimension} variables), not {len(values)}")
    box = np.array(values, dtype=float).reshape(dimension, 2)
    if not np.all(np.isfinite(box)) or np.any(box[:, 0] >= box[:, 1]):
        raise OptionError("--region must give finite bounds with low < high for every variable")
    if not np.all(np.isfinite(box[:, 1] - box[:, 0])):
        raise OptionError("--region must be narrower than 1.8e308 (high − low overflows a float)")
    return box


def grid(region: np.ndarray, total: int) -> np.ndarray:
    """About ``total`` points spread over the box, as rows: an even grid while 2 points per variable fit in
    ``total``, else the box's centre and ``total`` − 1 points drawn uniformly (with a fixed seed, so an analysis
    repeats exactly): 2ⁿ corners would be a million Newton starts at n = 20."""
    n = len(region)
    low, high = region[:, 0], region[:, 1]
    if 2 ** n > total:
        uniform = np.random.default_rng(0).random((total - 1, n))
        return np.vstack([(low + high) / 2, low + uniform * (high - low)])
    per_axis = max(2, int(round(total ** (1.0 / n))))
    axes = [np.linspace(a, b, per_axis) for a, b in region]
    return np.array(list(product(*axes)), dtype=float)


# classification -------------------------------------------------------------------------------------------
def classify(eigenvalues: np.ndarray) -> str:
    """minimum, maximum, saddle or degenerate, from the signs of the Hessian's eigenvalues."""
    if not np.all(np.isfinite(eigenvalues)):
        return "degenerate"
    zero = ZERO_EIGENVALUE * max(1.0, float(np.max(np.abs(eigenvalues))))
    positive, negative = np.any(eigenvalues > zero), np.any(eigenvalues < -zero)
    if positive and negative:
        return "saddle"
    if np.all(eigenvalues > zero):
        return "minimum"
    if np.all(eigenvalues < -zero):
        return "maximum"
    return "degenerate"


def critical_point(objective: Objective, point: np.ndarray, method: str, exact: list[sp.Expr] | None = None):
    eigenvalues = np.sort(np.linalg.eigvalsh(objective.hessian_at(point))) if _finite_hessian(objective, point) \
        else np.full(objective.dimension, math.nan)
    return CriticalPoint(np.asarray(point, dtype=float), classify(eigenvalues), eigenvalues,
                         objective.value(point), method, exact)


def _finite_hessian(objective: Objective, point) -> bool:
    return bool(np.all(np.isfinite(objective.hessian_at(point))))


# symbolic search ------------------------------------------------------------------------------------------
def _solve_worker(gradient: list[sp.Expr], symbols: list[sp.Symbol], connection) -> None:
    """Runs in a child process: solve ∇f = 0 over the complex numbers and send the solutions back (pickled)."""
    try:
        plain = [sp.Dummy(s.name) for s in symbols]
        equations = [e.xreplace(dict(zip(symbols, plain))) for e in gradient]
        solutions = sp.solve(equations, plain, dict=True)
        connection.send([[sol.get(p, p) for p in plain] for sol in solutions])
    except Exception:  # noqa: BLE001 - any failure of the solver means "use the numeric search"
        connection.send(None)
    finally:
        connection.close()


def solve_symbolically(objective: Objective, seconds: float = SYMBOLIC_SECONDS) -> tuple[list, str]:
    """The real solutions of ∇f = 0 as (float point, exact values), and what happened ("solved", "timed out" …).

    Only polynomial gradients of moderate size are tried; the solver runs in a child process killed after
    ``seconds``. A solution with a free parameter (a line of critical points) has the parameter set to 0.
    """
    symbols, gradient = objective.symbols, objective.gradient
    if not all(e.is_polynomial(*symbols) for e in gradient):
        return [], "not attempted: ∇f is not polynomial"
    if sum(sp.count_ops(e) for e in gradient) > SYMBOLIC_MAX_OPS:
        return [], "not attempted: ∇f is too large"
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_solve_worker, args=(gradient, symbols, sender), daemon=True)
    worker.start()
    sender.close()
    answer = receiver.recv() if receiver.poll(seconds) else "timeout"
    if worker.is_alive():
        worker.kill()
    worker.join()
    if answer == "timeout":
        return [], f"timed out after {seconds:g} s"
    if answer is None:
        return [], "failed"
    points = []
    for solution in answer:
        values = [sp.sympify(v) for v in solution]
        values = [v.subs({s: 0 for s in v.free_symbols}) for v in values]
        numeric = [complex(sp.N(v, 30)) for v in values]
        if all(abs(c.imag) <= 1e-9 * (1 + abs(c.real)) for c in numeric):
            exact = [v if v.is_real and len(sp.sstr(v)) <= 80 else None for v in values]
            points.append((np.array([c.real for c in numeric]), exact if all(v is not None for v in exact) else None))
    return points, "solved"


# numeric search -------------------------------------------------------------------------------------------
def newton(objective: Objective, start: np.ndarray, steps: int = NEWTON_STEPS) -> np.ndarray | None:
    """Newton's iteration on ∇f = 0 from ``start``; the point if ‖∇f‖ became tiny, else None."""
    x = np.array(start, dtype=float)
    for _ in range(steps):
        _, g = objective.value_and_gradient(x)
        if not np.all(np.isfinite(g)):
            return None
        if np.linalg.norm(g) <= 1e-12 * max(1.0, np.linalg.norm(x)):
            return x
        h = objective.hessian_at(x)
        if not np.all(np.isfinite(h)):
            return None
        try:
            step = np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(h, g, rcond=None)[0]
        x = x - step
        if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > 1e8:
            return None
    _, g = objective.value_and_gradient(x)
    return x if np.all(np.isfinite(g)) and np.linalg.norm(g) <= 1e-8 * max(1.0, np.linalg.norm(x)) else None


SAME_POINT = 1e-3
"""Critical points closer than this (relative to max(1, ‖x‖)) are taken to be one point."""


def same_point(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.linalg.norm(a - b) <= SAME_POINT * max(1.0, np.linalg.norm(a)))


def inside(point: np.ndarray, region: np.ndarray, margin: float = 1e-9) -> bool:
    span = region[:, 1] - region[:, 0]
    return bool(np.all(point >= region[:, 0] - margin * span) and np.all(point <= region[:, 1] + margin * span))


def find_critical_points(objective: Objective, region: np.ndarray, seconds: float = SYMBOLIC_SECONDS,
                         starts: int = GRID_POINTS) -> tuple[list[CriticalPoint], str]:
    """Critical points in the region: the symbolic ones, then those Newton's iteration finds from a grid."""
    found: list[CriticalPoint] = []
    symbolic, status = solve_symbolically(objective, seconds)
    for point, exact in symbolic:
        if inside(point, region) and not any(same_point(point, p.point) for p in found):
            found.append(critical_point(objective, point, "symbolic", exact))
    for start in grid(region, starts):
        point = newton(objective, start)
        if point is None or not inside(point, region) or any(same_point(point, p.point) for p in found):
            continue
        found.append(critical_point(objective, point, "numeric"))
    order = {kind: i for i, kind in enumerate(KINDS)}
    found.sort(key=lambda p: (order[p.kind], p.f if math.isfinite(p.f) else math.inf, *p.point))
    return found, status


# convexity ------------------------------------------------------------------------------------------------
def convexity(objective: Objective, region: np.ndarray, extra_points: Sequence[np.ndarray] = ()) -> Convexity:
    """Prove ∇²f ⪰ 0 (every principal minor provably ≥ 0), else find a point where λmin(∇²f) < 0, else unknown."""
    hessian = objective.hessian
    n = objective.dimension
    if objective.is_quadratic:
        eigenvalues = np.linalg.eigvalsh(np.array(hessian.tolist(), dtype=float))
        if eigenvalues.min() >= -ZERO_EIGENVALUE * max(1.0, np.abs(eigenvalues).max()):
            return Convexity(True, "f is quadratic and its constant Hessian has no negative eigenvalue")
        return Convexity(False, f"f is quadratic and its Hessian has the negative eigenvalue "
                                f"{eigenvalues.min():.6g}", np.zeros(n))
    if n <= 3 and _minors_nonnegative(hessian):
        return Convexity(True, "every principal minor of ∇²f is provably ≥ 0, so ∇²f ⪰ 0 everywhere")
    for point in [*extra_points, *grid(region, GRID_POINTS)]:
        h = objective.hessian_at(point)
        if np.all(np.isfinite(h)):
            lowest = float(np.linalg.eigvalsh(h).min())
            if lowest < -ZERO_EIGENVALUE * max(1.0, float(np.abs(h).max())):
                where = ", ".join(f"{v:.6g}" for v in point)
                return Convexity(False, f"∇²f has the negative eigenvalue {lowest:.6g} at ({where})",
                                 np.asarray(point, dtype=float))
    return Convexity(None, "∇²f was positive semi-definite wherever it was sampled in the region, "
                           "but that is not a proof")


def _minors_nonnegative(hessian: sp.Matrix) -> bool:
    n = hessian.shape[0]
    for size in range(1, n + 1):
        for rows in combinations(range(n), size):
            minor = sp.factor(hessian.extract(list(rows), list(rows)).det())
            if minor.is_nonnegative is not True:
                return False
    return True


# quadratics -----------------------------------------------------------------------------------------------
def quadratic_summary(eigenvalues: np.ndarray, reduction: float = REDUCTION) -> QuadraticSummary:
    """L, μ, κ, the gd bounds and rates and the heavy-ball pair from a quadratic's Hessian eigenvalues."""
    eigenvalues = np.sort(np.asarray(eigenvalues, dtype=float))
    mu, big_l = float(eigenvalues[0]), float(eigenvalues[-1])
    bound = stability_bound("gd", big_l)
    if not mu > 0:
        return QuadraticSummary(big_l, mu, None, bound, None, None, None, reduction, None, None, None, None)
    kappa = big_l / mu
    best_lr = 2.0 / (mu + big_l)
    best_rate = contraction("gd", best_lr, eigenvalues)
    hb_lr = 4.0 / (math.sqrt(big_l) + math.sqrt(mu)) ** 2
    hb_beta = ((math.sqrt(kappa) - 1.0) / (math.sqrt(kappa) + 1.0)) ** 2
    hb_rate = (math.sqrt(kappa) - 1.0) / (math.sqrt(kappa) + 1.0)
    return QuadraticSummary(big_l, mu, kappa, bound, best_lr, best_rate, steps_for(best_rate, reduction), reduction,
                            hb_lr, hb_beta, hb_rate, steps_for(hb_rate, reduction))


# the whole analysis ---------------------------------------------------------------------------------------
def analyze(objective: str | Objective | None = None, *, variables: Sequence[str] | None = None,
            region: str | None = None, reduction: float = REDUCTION,
            seconds: float = SYMBOLIC_SECONDS) -> Analysis:
    """Analyse an objective: critical points with their kinds, convexity, and for quadratics the step-size facts."""
    f = objective if isinstance(objective, Objective) else Objective.parse(objective, variables)
    if not (math.isfinite(reduction) and 0 < reduction < 1):
        raise OptionError(f"--reduction must satisfy 0 < ε < 1, not {reduction:g}")
    box = read_region(region, f.dimension)
    points, status = find_critical_points(f, box, seconds)
    notes = []
    if not points:
        notes.append("no critical point was found in the region; --region widens the search")
    quadratic = None
    if f.is_quadratic:
        quadratic = quadratic_summary(np.linalg.eigvalsh(np.array(f.hessian.tolist(), dtype=float)), reduction)
    return Analysis(f, box, points, convexity(f, box, [p.point for p in points]), quadratic, status, notes)
