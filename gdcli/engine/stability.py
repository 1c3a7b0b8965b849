"""Stability of a fixed step size from the Hessian's eigenvalues at a critical point.

Near a critical point x* with Hessian H (eigenvalues μ = λmin ≤ … ≤ λmax = L) the error e = x − x* evolves
linearly. Along an eigenvector with eigenvalue λ:

- gd:        e ← (1 − αλ) e, stable iff 0 < α < 2/λ;
- momentum:  (e, b) ← M (e, b) with M = [[1 − αλ, −αβ], [λ, β]], stable iff 0 < α < 2(1 + β)/λ;
- nesterov:  M = [[1 − αλ(1 + β), −αβ²], [λ, β]], stable iff 0 < α < 2(1 + β)/((1 + 2β)λ).

The contraction factor ρ(α) is the largest spectral radius over the eigenvalues; for gd the best fixed step
is α = 2/(μ + L), with ρ = (κ − 1)/(κ + 1) where κ = L/μ; for heavy ball the best pair is α* = 4/(√L + √μ)²,
β* = ((√κ − 1)/(√κ + 1))² with ρ = √β*. Along λ < 0 every α > 0 makes the error grow (|1 − αλ| > 1), so
a saddle or a maximum attracts no linear method. Adaptive methods (AdaGrad, RMSprop, Adam) rescale each
coordinate by its gradient history, so no such bound on α applies.

The linear model holds only near a critical point, so `read_run` reads a run at one: anywhere for a
quadratic, else the critical point that Newton's method finds from the run's last iterate, accepted when it
lies close to where the run ended and the run is heading for it. Without one, no rate, step count or stable
range is given; the curvature along the path (`path_curvature`) is shown instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple, Sequence

import numpy as np

from gdcli.engine.methods import METHODS
from gdcli.engine.methods import reading as method_reading
from gdcli.engine.notation import number

LINEAR = ("gd", "momentum", "nesterov")
REDUCTION = 1e-6
"""The error reduction the predicted step count is for."""
EPS = float(np.finfo(float).eps)
NEWTON_STEPS = 200
"""Newton iterations allowed when looking for the critical point a run approaches (a degenerate minimum such
as x⁸ needs about 180 to reach 10⁻¹² of its start)."""
CURVATURE_MAX_VARIABLES = 50
"""Above this many variables the curvature along the path is computed only when asked for."""
KINDS = ("minimum", "maximum", "saddle", "degenerate")
BOUND_NAME = {"gd": "2/λmax", "momentum": "2(1+β)/λmax", "nesterov": "2(1+β)/((1+2β)λmax)"}
THRESHOLD_NAME = {"gd": "2/α", "momentum": "2(1+β)/α", "nesterov": "2(1+β)/((1+2β)α)"}


# classification -----------------------------------------------------------------------------------------
def inertia(hessian, uncertainty: float | np.ndarray = 0.0) -> tuple[int, int, int]:
    """(positive, negative, zero): how many eigenvalues of the symmetric ``hessian`` have each sign.

    Exact when ``hessian`` holds Fractions (Sylvester's law of inertia on an LDLᵀ-style congruence in
    rational arithmetic). For floats the matrix is first scaled by congruence, S = DHD with
    D = diag(1/√(maxⱼ|Hᵢⱼ|)), which keeps the signs of the eigenvalues and puts every entry in [−1, 1]; an
    eigenvalue of S counts as zero when it is within the rounding of S's entries (16·n·ε) plus the effect
    of ``uncertainty``, an absolute bound on the error of each entry of H (a number or an n × n array).
    So diag(10⁷, 1), diag(1, 10⁻⁷) and diag(1, −10⁻⁷) keep their signs, whatever their scale.
    """
    if isinstance(hessian, list) and isinstance(hessian[0][0], Fraction):
        return _exact_inertia([list(row) for row in hessian])
    h = np.asarray(hessian, dtype=float)
    n = len(h)
    if not np.all(np.isfinite(h)):
        raise ValueError("the Hessian is not finite")
    row_scale = np.max(np.abs(h), axis=1)
    d = 1.0 / np.sqrt(np.where(row_scale > 0, row_scale, 1.0))
    scaled = h * d[:, None] * d[None, :]
    spread = np.broadcast_to(np.abs(np.asarray(uncertainty, dtype=float)), h.shape) * d[:, None] * d[None, :]
    zero = 16 * n * EPS + float(np.linalg.norm(spread, 2))
    values = np.linalg.eigvalsh(scaled)
    positive, negative = int(np.sum(values > zero)), int(np.sum(values < -zero))
    return positive, negative, n - positive - negative


def _exact_inertia(a: list[list[Fraction]]) -> tuple[int, int, int]:
    """Inertia of a rational symmetric matrix by symmetric elimination (congruences keep the inertia)."""
    positive = negative = 0
    n = len(a)
    while a:
        k = next((i for i in range(len(a)) if a[i][i] != 0), None)
        if k is None:
            pair = next(((i, j) for i in range(len(a)) for j in range(i + 1, len(a)) if a[i][j] != 0), None)
            if pair is None:
                break
            i, j = pair  # add row and column j to row and column i: the new diagonal entry is 2·a[i][j] ≠ 0
            for r in range(len(a)):
                a[i][r] += a[j][r]
            for r in range(len(a)):
                a[r][i] += a[r][j]
            k = i
        pivot = a[k][k]
        positive, negative = positive + (pivot > 0), negative + (pivot < 0)
        rest = [r for r in range(len(a)) if r != k]
        a = [[a[r][c] - a[r][k] * a[k][c] / pivot for c in rest] for r in rest]
    return positive, negative, n - positive - negative


def classify(hessian, uncertainty: float | np.ndarray = 0.0) -> str:
    """minimum, maximum, saddle or degenerate, from the signs of the Hessian's eigenvalues (see `inertia`):
    all positive a minimum, all negative a maximum, both signs a saddle, otherwise (a zero eigenvalue and
    the rest of one sign) degenerate. A Hessian that is not finite is degenerate too: nothing is known."""
    try:
        return kind_of(*inertia(hessian, uncertainty))
    except ValueError:
        return "degenerate"


def kind_of(positive: int, negative: int, zero: int) -> str:
    """The kind of a critical point from the inertia of its Hessian (see `classify`)."""
    if positive and negative:
        return "saddle"
    if zero:
        return "degenerate"
    return "minimum" if positive else "maximum"


def rational_hessian(objective) -> list[list[Fraction]] | None:
    """∇²f as Fractions when it is constant and every entry is rational, decimals read as written (0.1 is 1/10,
    by gdcli.engine.exact.constant_matrix, the reader the convexity proofs use), else None."""
    h = objective.rational_hessian
    return None if h is None else [[Fraction(e) for e in row] for row in h]


# the linear model ---------------------------------------------------------------------------------------
def steps_for(rate: float | None, reduction: float = REDUCTION) -> int | None:
    """⌈log(reduction)/log ρ⌉: the steps a linear rate ρ < 1 needs to shrink the error by ``reduction``;
    ρ = 0 lands in one step."""
    if rate is None or not 0 <= rate < 1:
        return None
    if rate == 0:
        return 1
    return math.ceil(math.log(reduction) / math.log(rate))


def stability_bound(optimizer: str, lam: float, beta: float = 0.0) -> float | None:
    """The largest stable α along curvature λ > 0 (see the module docstring), None when no bound applies."""
    if optimizer not in LINEAR or not lam > 0:
        return None
    if optimizer == "gd":
        return 2.0 / lam
    if optimizer == "momentum":
        return 2.0 * (1.0 + beta) / lam
    return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * lam)


def iteration_matrix(optimizer: str, lr: float, lam: float, beta: float = 0.0) -> np.ndarray:
    """The 2 × 2 map (e, b) ↦ (e', b') of momentum or Nesterov along curvature λ (module docstring)."""
    if optimizer == "momentum":
        return np.array([[1.0 - lr * lam, -lr * beta], [lam, beta]])
    return np.array([[1.0 - lr * lam * (1.0 + beta), -lr * beta**2], [lam, beta]])


def contraction(optimizer: str, lr: float, eigenvalues: np.ndarray, beta: float = 0.0) -> float | None:
    """ρ(α): the largest spectral radius of the linear iteration over the eigenvalues, None for adaptive methods."""
    if optimizer not in LINEAR:
        return None
    if optimizer == "gd":
        return float(max(abs(1.0 - lr * lam) for lam in eigenvalues))
    return float(max(np.max(np.abs(np.linalg.eigvals(iteration_matrix(optimizer, lr, lam, beta))))
                     for lam in eigenvalues))


def steps_to_reduce(optimizer: str, lr: float, eigenvalues: Sequence[float], beta: float = 0.0,
                    reduction: float = REDUCTION) -> int | None:
    """Steps after which the error along every eigenvector is at most ``reduction`` times its start.

    gd: |1 − αλ|ᵗ, so ⌈log ε / log ρ⌉. Momentum and Nesterov start from b = 0, and by Cayley–Hamilton
    Mᵗ = r₁ᵗ I + cₜ (M − r₁ I) with cₜ = (r₁ᵗ − r₂ᵗ)/(r₁ − r₂) for the roots |r₁| ≥ |r₂| of M, so the error
    e_t/e₀ = r₁ᵗ + cₜ(M₀₀ − r₁) is bounded by |r₁|ᵗ + |cₜ|·|M₀₀ − r₁| with |cₜ| ≤ min(t|r₁|ᵗ⁻¹,
    2|r₁|ᵗ/|r₁ − r₂|). At a repeated root (heavy ball's optimal pair) this is the t·ρᵗ bound, not ρᵗ.
    The count is the first t from which that bound stays below ε; None when some ρ ≥ 1.
    """
    if optimizer not in LINEAR:
        return None
    if optimizer == "gd":
        return steps_for(contraction("gd", lr, np.asarray(eigenvalues)), reduction)
    envelopes = []
    for lam in eigenvalues:
        matrix = iteration_matrix(optimizer, lr, lam, beta)
        r1, r2 = sorted((complex(r) for r in np.linalg.eigvals(matrix)), key=abs, reverse=True)
        if abs(r1) >= 1:
            return None
        envelopes.append((abs(r1), abs(r1 - r2), abs(matrix[0, 0] - r1)))

    def bound(t: int) -> float:
        """The largest of the bounds |r₁|ᵗ + |cₜ|·|M₀₀ − r₁| over the eigenvalues."""
        return max(rho**t + lead * min(t * rho ** (t - 1), 2 * rho**t / gap if gap > 0 else math.inf)
                   for rho, gap, lead in envelopes)

    # each bound decreases from t ≥ 1/log(1/ρ), where t·ρᵗ peaks: search from there, doubling, then halving
    low = max([1] + [math.ceil(1 / -math.log(rho)) for rho, _, _ in envelopes if rho > 0])
    while low > 1 and bound(low - 1) <= reduction:
        low -= 1
    if bound(low) <= reduction:
        return low
    high = 2 * low
    while bound(high) > reduction:
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if bound(middle) <= reduction else (middle, high)
    return high


# the reading at a point ---------------------------------------------------------------------------------
@dataclass
class PathCurvature:
    """λmin and λmax of ∇²f(x_t) at every kept iterate, and the step-size threshold on λmax (2/α_t for gd)."""

    t: np.ndarray
    lambda_min: np.ndarray
    lambda_max: np.ndarray
    threshold: np.ndarray | None
    threshold_name: str | None

    @property
    def first_crossing(self) -> int | None:
        """The first t at which λmax(∇²f(x_t)) exceeds the threshold, None if it never does."""
        if self.threshold is None:
            return None
        above = np.nonzero(self.lambda_max > self.threshold)[0]
        return int(self.t[above[0]]) if above.size else None

    def to_dict(self) -> dict:
        return {"t": [int(v) for v in self.t], "lambda_min": [_float(v) for v in self.lambda_min],
                "lambda_max": [_float(v) for v in self.lambda_max],
                "threshold": None if self.threshold is None else [_float(v) for v in self.threshold],
                "threshold_formula": self.threshold_name, "first_crossed": self.first_crossing}


def _float(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass
class Stability:
    """The stability reading for one run: the point read, its kind, eigenvalues there, bounds, rates, the
    curvature along the path and a plain sentence. Fields that do not apply at that point are None."""

    point: np.ndarray | None
    where: str
    eigenvalues: np.ndarray | None
    lr: float
    optimizer: str
    condition_number: float | None
    max_stable_lr: float | None
    gd_max_stable_lr: float | None
    lr_is_stable: bool | None
    best_lr: float | None
    best_rate: float | None
    rate: float | None
    reading: str
    point_kind: str | None = None
    steps_predicted: int | None = None
    heavy_ball: dict | None = None
    """The best heavy-ball pair {"lr", "beta", "rate"} at a minimum, for momentum runs."""
    escape_direction: np.ndarray | None = None
    """At a saddle or a maximum: the eigenvector of λmin, along which the iterates move away."""
    path_curvature: PathCurvature | None = None
    curvature_note: str | None = None
    """Why the curvature along the path was not computed, when it was not."""

    @property
    def lambda_min(self) -> float | None:
        return None if self.eigenvalues is None else float(self.eigenvalues[0])

    @property
    def lambda_max(self) -> float | None:
        return None if self.eigenvalues is None else float(self.eigenvalues[-1])

    def to_dict(self) -> dict:
        finite = self.eigenvalues is not None and bool(np.all(np.isfinite(self.eigenvalues)))
        return {
            "point": None if self.point is None else [float(v) for v in self.point], "where": self.where,
            "point_kind": self.point_kind,
            "eigenvalues": [float(v) for v in self.eigenvalues] if finite else None,
            "lambda_min": self.lambda_min if finite else None, "lambda_max": self.lambda_max if finite else None,
            "condition_number": self.condition_number, "max_stable_lr": self.max_stable_lr,
            "gd_max_stable_lr": self.gd_max_stable_lr, "lr_is_stable": self.lr_is_stable,
            "best_lr": self.best_lr, "best_rate": self.best_rate, "heavy_ball": self.heavy_ball,
            "rate": self.rate, "steps_predicted": self.steps_predicted,
            "escape_direction": None if self.escape_direction is None else [float(v) for v in self.escape_direction],
            "reading": self.reading,
            "path_curvature": None if self.path_curvature is None else self.path_curvature.to_dict(),
            "path_curvature_note": self.curvature_note,
        }


def analyse(hessian: np.ndarray, point: np.ndarray | None, where: str, optimizer: str, lr: float,
            beta: float = 0.0, schedule: str = "constant", line_search: bool = False,
            exact: list[list[Fraction]] | None = None, uncertainty: float | np.ndarray = 0.0,
            range_only: bool = False, rho: float = 0.99, critical_set: bool = False) -> Stability:
    """Read the stability of ``optimizer`` with step α = ``lr`` from the Hessian at ``point``, a critical point
    (or, for a quadratic, any point).

    The point is classified first (`classify`, exactly from ``exact`` when given): bounds, rates and step
    counts come only at a minimum; a saddle or a maximum is stable for no α; a degenerate point gets the
    bound of its curved directions and no rate. ``range_only`` (a singular positive-semidefinite quadratic)
    reads the rate on the range of H, where the error lives: the null-space component never changes.
    ``critical_set`` says the same of a non-quadratic f whose critical points continue along the null space
    (a curve or surface of them through the point). ``rho`` is RMSprop's averaging constant, for its reading.
    """
    n = len(hessian)
    if not np.all(np.isfinite(hessian)):
        return Stability(point, where, np.full(n, math.nan), lr, optimizer, None, None, None, None, None, None,
                         None, f"The Hessian is undefined there ({where}), so no stability reading is possible.")
    positive, negative, zero = inertia(exact if exact is not None else hessian, uncertainty)
    kind = kind_of(positive, negative, zero)
    values, vectors = np.linalg.eigh(np.asarray(hessian, dtype=float))
    if zero:  # the eigenvalues decided to be zero are those nearest zero; they are zero, not rounding noise
        values[np.argsort(np.abs(values))[:zero]] = 0.0
    order = np.argsort(values, kind="stable")
    values, vectors = values[order], vectors[:, order]
    mu, big_l = float(values[0]), float(values[-1])
    reading = Stability(point, where, values, lr, optimizer, None, None, None, None, None, None, None, "",
                        point_kind=kind)
    curved = values[values > 0]
    if kind in ("saddle", "maximum") or (kind == "degenerate" and negative):
        reading.escape_direction = _direction(vectors[:, 0])
        reading.lr_is_stable = False if optimizer in LINEAR and not line_search else None
        reading.rate = contraction(optimizer, lr, values, beta)  # > 1: the growth along the escape direction
    elif curved.size:
        reading.max_stable_lr = stability_bound(optimizer, big_l, beta)
        reading.gd_max_stable_lr = stability_bound("gd", big_l)
        if reading.max_stable_lr is not None and not line_search:
            reading.lr_is_stable = bool(lr < reading.max_stable_lr)
        if kind == "minimum" or range_only:
            low = float(curved[0])
            reading.condition_number = big_l / low if kind == "minimum" else None
            reading.best_lr = 2.0 / (low + big_l)
            kappa = big_l / low
            reading.best_rate = (kappa - 1.0) / (kappa + 1.0)
            reading.rate = contraction(optimizer, lr, curved, beta)
            reading.steps_predicted = steps_to_reduce(optimizer, lr, curved, beta)
            if optimizer == "momentum":
                root = math.sqrt(kappa)
                reading.heavy_ball = {"lr": 4.0 / (math.sqrt(big_l) + math.sqrt(low)) ** 2,
                                      "beta": ((root - 1.0) / (root + 1.0)) ** 2, "rate": (root - 1.0) / (root + 1.0)}
    reading.reading = _reading(reading, mu, big_l, schedule, line_search, range_only, vectors, beta, rho,
                               critical_set)
    return reading


def _direction(vector: np.ndarray) -> np.ndarray:
    """A unit eigenvector with its largest component positive, entries rounded to zero below 1e-12."""
    vector = np.where(np.abs(vector) < 1e-12, 0.0, vector)
    return vector if vector[np.argmax(np.abs(vector))] > 0 else -vector


def _short(values) -> str:
    from gdcli.engine.notation import vector

    return vector(values, 4)


ADAPTIVE_STEPS = {
    "adagrad": "AdaGrad divides each coordinate's step by the root of its summed squared gradients: its first "
               "step is about α per coordinate, and while the gradients keep their size later steps shrink "
               "like α/√t",
    "rmsprop": "RMSprop divides each coordinate's step by the root of a running mean of squared gradients "
               "that starts at 0: its first step is about α/√(1−ρ) = {first} per coordinate, not α; as the "
               "mean fills up, steps settle towards α·|g|/rms(g)",
    "adam": "Adam divides its bias-corrected mean gradient by the root of the bias-corrected mean squared "
            "gradient: its first step is α per coordinate, and while the gradient keeps its sign later steps "
            "stay about α",
}


def _reading(s: Stability, mu: float, big_l: float, schedule: str, line_search: bool, range_only: bool,
             vectors: np.ndarray, beta: float, rho: float, critical_set: bool = False) -> str:
    """One or two plain sentences: what this α will do at the point read, and why."""

    lr, optimizer, kind = s.lr, s.optimizer, s.point_kind
    if optimizer in METHODS:  # Newton, BFGS, …: what their theorems say, by gdcli.engine.methods.reading
        return method_reading(optimizer, s.eigenvalues, s.where, lr, None, s.where.startswith("every point"))
    if line_search:
        return ("Armijo backtracking chooses α_t at every step, shrinking it until f decreases enough, "
                "so the starting α needs no stability bound.")
    if s.escape_direction is not None:
        name = {"saddle": "a saddle", "maximum": "a maximum"}.get(kind, "not a minimum")
        direction = "(" + ", ".join(f"{number(v, 4)}" for v in s.escape_direction) + ")"
        text = (f"This critical point is {name}: along {direction} the curvature is "
                f"λmin = {number(mu, 4)} < 0, and along a negative curvature every α > 0 makes the error grow")
        if optimizer in LINEAR:
            text += f" (by {number(contraction(optimizer, lr, np.array([mu]), beta), 4)} per step at this α)"
        exception = "start exactly at it" if kind == "maximum" else "lie exactly on its stable manifold"
        return text + (f", so no step size makes it attract the iterates: they escape along that direction "
                       f"unless they {exception}.")
    if optimizer not in LINEAR:
        first = f"{number(1 / math.sqrt(1 - rho), 4)}α" if optimizer == "rmsprop" else ""
        return ADAPTIVE_STEPS[optimizer].format(first=first) + "; so no 2/λmax bound on α applies."
    if big_l <= 0:
        return ("The Hessian is zero there: it is singular, so convergence is sublinear, not geometric, and no "
                "step-size bound, rate or step count applies.")
    name = BOUND_NAME[optimizer]
    later = " α_t decays from α₀, so later steps are more stable than the first." if schedule != "constant" else ""
    bound = s.max_stable_lr
    if math.isclose(lr, bound, rel_tol=1e-9):
        text = (f"α = {number(lr)} equals {name} = {number(bound, 4)}: on the edge, the steepest component oscillates "
                "with constant amplitude.")
    elif lr > bound:
        text = f"α = {number(lr)} is above {name} = {number(bound, 4)}: expect oscillations that grow."
    elif kind == "degenerate" and not range_only:
        text = (f"α = {number(lr)} is below {name} = {number(bound, 4)}, as the curved directions need, but the Hessian is "
                "singular there: convergence is sublinear, not geometric, so no rate or step count is given.")
    else:
        if optimizer == "gd" and lr * big_l > 1:
            shape = "converges, zig-zagging: the steepest component overshoots and flips sign every step"
        elif optimizer == "gd":
            shape = "every component shrinks monotonically, without oscillation"
        else:
            shape = "converges"
        steps = s.steps_predicted
        pace = (f"; error shrinks by ρ = {number(s.rate, 4)} per step (about {steps:,} steps for a factor {number(REDUCTION)})"
                if steps else "")
        text = f"α = {number(lr)} is below {name} = {number(bound, 4)}: {shape}{pace}."
    if range_only and critical_set:
        null = vectors[:, np.asarray(s.eigenvalues) == 0]
        text = (f"∇²f is singular there, and the critical points continue along its null space "
                f"{_short(_direction(null[:, 0]))}: they fill a curve or surface through this point. Across it "
                f"the linear model holds: {text} Along it nothing pulls the iterates, so the run settles at "
                f"whichever of these points it reaches.")
    elif range_only:
        null = vectors[:, np.asarray(s.eigenvalues) == 0]
        text = (f"∇²f is singular: the component of x along its null space {_short(_direction(null[:, 0]))}"
                f"{' (and the others)' if null.shape[1] > 1 else ''} never changes, since ∇f has none there, and "
                f"the rest obeys the curved directions. {text} The limit is the minimiser nearest the start, "
                f"{_short(s.point)}.")
    return text + later


# reading a run --------------------------------------------------------------------------------------------
def newton_critical_point(objective, start: np.ndarray, steps: int = NEWTON_STEPS):
    """Newton's iteration x ← x − H(x)⁺∇f(x) from ``start``: (x*, uncertainty) when ∇f(x*) ≈ 0, else None
    (newton_critical_points for one start)."""
    return newton_critical_points(objective, np.reshape(np.asarray(start, dtype=float), (1, -1)), steps)[0]


def newton_critical_points(objective, starts: np.ndarray, steps: int = NEWTON_STEPS) -> list:
    """Newton's iteration x ← x − H(x)⁺∇f(x) from every row of ``starts`` at once, until the step is below
    10⁻¹³·max(1, ‖x‖): per start (x*, uncertainty) when ∇f(x*) ≈ 0 (‖∇f‖ ≤ 10⁻⁸·max(1, ‖∇f(start)‖)),
    else None.

    ``uncertainty`` bounds the error of each entry of H(x*) that comes from x* being approximate. Near a
    nonsingular critical point Newton converges quadratically and the bound is negligible; near a singular
    one (x⁴) it converges only linearly, with ratio r, so x* may still be ‖δ‖/(1 − r) away (δ the next
    Newton step) and H(x*) is uncertain by about |H(x*) − H(x* − δ)|/(1 − r), enough to decide its small
    eigenvalues are zero; coordinates within twice that distance of 0 are set to 0.
    """
    gradient, hessian = _derivatives(objective, len(starts))
    with np.errstate(all="ignore"):
        scale = np.maximum(1.0, np.linalg.norm(gradient(np.asarray(starts, dtype=float)), axis=1))
        newton = _iterate(gradient, hessian, starts, steps, until="step")
        found = newton.found & (np.linalg.norm(newton.g, axis=1) <= 1e-8 * scale)
        # Newton stalled where H is singular but ∇f is not zero (x² + y): no critical point
        size = np.linalg.norm(newton.step, axis=1)
        ratio = np.where(newton.last > 0, np.minimum(size / np.where(newton.last > 0, newton.last, 1.0), 0.99), 0.0)
        distance = size / (1.0 - ratio)
        rows = np.flatnonzero(found)
        behind = hessian(newton.x[rows] - newton.step[rows])
    out: list = [None] * len(found)
    for k, row in enumerate(rows):
        x = newton.x[row]
        uncertainty = np.abs(newton.h[row] - behind[k]) / (1.0 - ratio[row])
        out[row] = np.where(np.abs(x) <= 2 * distance[row], 0.0, x), uncertainty
    return out


def newton_zeros(objective, starts: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Newton's iteration on ∇f = 0 from every row of ``starts`` at once, each stopped as soon as
    ‖∇f(x)‖ ≤ 10⁻¹²·max(1, ‖x‖): (the points reached, whether each is a zero), where after ``steps`` steps
    ‖∇f(x)‖ ≤ 10⁻⁸·max(1, ‖x‖) is enough. A start whose ∇f or ∇²f becomes undefined, or whose iterate leaves
    ‖x‖∞ ≤ 10⁸, finds none."""
    gradient, hessian = _derivatives(objective, len(starts))
    with np.errstate(all="ignore"):  # a huge but finite ∇f overflows its norm: that start simply fails
        newton = _iterate(gradient, hessian, starts, steps, until="gradient")
    return newton.x, newton.found


class _Newton(NamedTuple):
    """Where Newton's iteration left each start: x, whether it stopped there (``found``), ∇f and ∇²f at x, the
    next step H⁺∇f at x (not taken) and the size of the step taken before it (0 if none). (A named tuple: it
    costs less to define at import than a dataclass.)"""

    x: np.ndarray
    found: np.ndarray
    g: np.ndarray
    h: np.ndarray
    step: np.ndarray
    last: np.ndarray


def _derivatives(objective, count: int):
    """(∇f, ∇²f) of a stack of points (m × n → m × n, m × n × n): compiled over floats for a single start, over
    NumPy arrays for several."""
    n = objective.dimension
    if count == 1:
        def gradient(x: np.ndarray) -> np.ndarray:
            return np.array([objective.value_and_gradient(row)[1] for row in x]).reshape(len(x), n)

        def hessian(x: np.ndarray) -> np.ndarray:
            return np.array([objective.hessian_at(row) for row in x]).reshape(len(x), n, n)

        return gradient, hessian
    from gdcli.engine.kernels import ArrayHessian, ArrayObjective

    over_arrays, hessian_over_arrays = ArrayObjective(objective), ArrayHessian(objective)

    def gradient(x: np.ndarray) -> np.ndarray:
        return np.stack(over_arrays(list(x.T))[1], axis=-1).reshape(len(x), n)

    def hessian(x: np.ndarray) -> np.ndarray:
        return hessian_over_arrays(list(x.T)).reshape(len(x), n, n)

    return gradient, hessian


def _iterate(gradient, hessian, starts: np.ndarray, steps: int, until: str) -> _Newton:
    """Newton's iteration from every row of ``starts``, each row stopped on its own: ``until`` "gradient" when
    ‖∇f‖ ≤ 10⁻¹²·max(1, ‖x‖) (after ``steps`` steps, 10⁻⁸), "step" when ‖H⁺∇f‖ ≤ 10⁻¹³·max(1, ‖x‖) or ∇f = 0
    (within ``steps`` steps). A row fails when ∇f or ∇²f is not finite where it is still needed, or when x
    leaves ‖x‖∞ ≤ 10⁸."""
    x = np.array(starts, dtype=float)
    count, n = x.shape
    g, h, step = np.full((count, n), np.nan), np.full((count, n, n), np.nan), np.full((count, n), np.nan)
    last, found, active = np.zeros(count), np.zeros(count, dtype=bool), np.ones(count, dtype=bool)
    for k in range(steps + 1):
        rows = np.flatnonzero(active)
        if not rows.size:
            break
        here = x[rows]
        g[rows], h[rows] = gradient(here), hessian(here)
        finite_g = np.all(np.isfinite(g[rows]), axis=1)
        finite_h = np.all(np.isfinite(h[rows]), axis=(1, 2))
        reach = np.maximum(1.0, np.linalg.norm(here, axis=1))
        if until == "gradient":
            stop = finite_g & (np.linalg.norm(g[rows], axis=1) <= (1e-12 if k < steps else 1e-8) * reach)
            fail = ~finite_g | (~stop & ~finite_h)
            solve = ~stop & ~fail & (k < steps)
        else:
            fail = ~(finite_g & finite_h)
            solve = ~fail
        step[rows[solve]] = _newton_steps(h[rows[solve]], g[rows[solve]])
        size = np.linalg.norm(step[rows], axis=1)
        if until == "step":
            stop = solve & ((size <= 1e-13 * reach) | ~np.any(g[rows], axis=1))
        if k == steps:
            fail |= ~stop
        found[rows[stop]] = True
        active[rows[stop | fail]] = False
        moving = ~stop & ~fail
        move = rows[moving]
        x[move] -= step[move]
        last[move] = size[moving]
        lost = ~np.all(np.isfinite(x[move]), axis=1) | (np.max(np.abs(x[move]), axis=1, initial=0.0) > 1e8)
        active[move[lost]] = False
    return _Newton(x, found, g, h, step, last)


def _newton_steps(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """H⁻¹g for each matrix and vector of the stacks, or the least-squares H⁺g where H is exactly singular (no
    truncation of small singular values: near a degenerate point they are the curvature that is left)."""
    try:
        return np.linalg.solve(h, g[..., None])[..., 0]
    except np.linalg.LinAlgError:  # one of them is singular: solve each on its own
        return np.array([_newton_step(a, b) for a, b in zip(h, g)]).reshape(g.shape)


def _newton_step(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """H⁻¹g, or the least-squares H⁺g when H is exactly singular."""
    try:
        return np.linalg.solve(h, g)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(h, g, rcond=None)[0]


def _critical_set_continues(objective, point: np.ndarray, hessian: np.ndarray, zero: int) -> bool:
    """True when the critical points continue along every null direction v of ∇²f at ``point``: Newton's method
    from point + h·v (h = 10⁻³ of the point's scale) stops within h/10 of where it started, as on a curve of
    minima, rather than falling back to ``point``, as at an isolated degenerate minimum such as x⁴."""
    values, vectors = np.linalg.eigh(hessian)
    step = 1e-3 * max(1.0, float(np.linalg.norm(point)))
    for v in vectors[:, np.argsort(np.abs(values))[:zero]].T:
        moved = point + step * v
        found = newton_critical_point(objective, moved)
        if found is None or np.linalg.norm(found[0] - moved) > 0.1 * step:
            return False
    return True


def path_curvature(result) -> PathCurvature:
    """λmin and λmax of ∇²f at every kept iterate, from the Hessian compiled over arrays, with the
    threshold c/α_t that λmax must stay under (c = 2 for gd, 2(1 + β) for momentum, …)."""
    from gdcli.engine.kernels import ArrayHessian

    x, f = result.x, result.objective
    n = x.shape[1]
    if f.is_quadratic:  # ∇²f is the same everywhere: no need to compile it over arrays
        stack = np.broadcast_to(f.hessian_at(result.start), (len(x), n, n))
    else:
        stack = ArrayHessian(f)(list(x.T))
    finite = np.all(np.isfinite(stack), axis=(1, 2))
    low, high = np.full(len(x), math.nan), np.full(len(x), math.nan)
    if n == 2:  # closed form of a symmetric 2 × 2: (a + c)/2 ± √(((a − c)/2)² + b²)
        a, b, c = stack[finite, 0, 0], stack[finite, 0, 1], stack[finite, 1, 1]
        middle, radius = (a + c) / 2, np.hypot((a - c) / 2, b)
        low[finite], high[finite] = middle - radius, middle + radius
    elif np.any(finite):
        values = np.linalg.eigvalsh(stack[finite])
        low[finite], high[finite] = values[:, 0], values[:, -1]
    optimizer = result.optimizer
    factor = stability_bound(optimizer.name, 1.0, optimizer.hyper.get("beta", 0.0))
    with np.errstate(divide="ignore"):  # α_t = 0 (a cosine schedule's last step): no curvature limit, c/0 = ∞
        threshold = None if factor is None else factor / np.asarray(result.lr, dtype=float)
    return PathCurvature(np.asarray(result.t), low, high, threshold,
                         THRESHOLD_NAME.get(optimizer.name) if factor is not None else None)


def read_run(result, curvature: bool | None = None) -> Stability:
    """The stability reading of a finished run at the point where the linear model holds (module docstring),
    with the curvature along the path: computed up to CURVATURE_MAX_VARIABLES variables, or as ``curvature``
    says."""
    f, optimizer = result.objective, result.optimizer
    options = dict(optimizer=optimizer.name, lr=result.lr0, beta=optimizer.hyper.get("beta", 0.0),
                   schedule=result.schedule.name, line_search=result.line_search is not None,
                   rho=optimizer.hyper.get("rho", 0.99))
    if not f.is_smooth:
        reading = Stability(None, "no reading: f is not smooth", None, options["lr"], options["optimizer"], None,
                            None, None, None, None, None, None,
                            "f has kinks (Abs, Max, Min, sign or a piecewise part), where its gradient jumps and "
                            "its Hessian is undefined, so no rate, step count or stable range is given: the "
                            "linear model behind them needs a Hessian at a critical point. The curvature along "
                            "the path is that of the smooth piece each iterate lies on.")
    else:
        reading = _read_quadratic(result, options) if f.is_quadratic else _read_near_end(result, options)
    if result.status == "line_search_failed":  # what happened, not what backtracking usually does
        reading.reading = (f"{result.message[:1].upper()}{result.message[1:]}. A line search needs no stability "
                           "bound only while it finds a step that decreases f.")
    if curvature is None:
        curvature = f.dimension <= CURVATURE_MAX_VARIABLES
    if curvature:
        reading.path_curvature = path_curvature(result)
    else:
        reading.curvature_note = (f"curvature along the path skipped: {f.dimension} variables "
                                  f"(more than {CURVATURE_MAX_VARIABLES}); --curvature computes it")
    return reading


def _not_critical(options: dict, where: str, text: str) -> Stability:
    return Stability(None, where, None, options["lr"], options["optimizer"], None, None, None, None, None, None,
                     None, text + " So no rate, step count or stable range is given: the linear model behind "
                                  "them holds only near a critical point. The curvature along the path is "
                                  "shown instead.", point_kind="not critical")


def _read_quadratic(result, options: dict) -> Stability:
    """A quadratic: H is the same everywhere. Its critical points solve H(x − x₀) = −∇f(x₀); the one read
    is x₀ − H⁺∇f(x₀), the critical point nearest the start. None exist when ∇f(x₀) has a component r in the
    null space of H: then f falls linearly along −r without bound."""
    f = result.objective
    start = np.asarray(result.start, dtype=float)
    h = f.hessian_at(start)
    _, g = f.value_and_gradient(start)
    shift = np.linalg.lstsq(h, g, rcond=None)[0]
    residual = g - h @ shift
    exact = rational_hessian(f)
    if np.linalg.norm(residual) > 1e-9 * (np.linalg.norm(g) + np.linalg.norm(h) * np.linalg.norm(shift)):
        down = _direction(-residual / np.linalg.norm(residual))
        down = down if down @ residual < 0 else -down
        return _not_critical(options, "no critical point (f is quadratic)",
                             f"f has no critical point: ∇²f is singular and ∇f keeps the component "
                             f"{_short(residual)} along its null space at every point, so f falls without bound "
                             f"along {_short(down)} and the iterates drift that way for ever.")
    _, negative, zero = inertia(exact if exact is not None else h)
    reading = analyse(h, start - shift, "every point (f is quadratic)", exact=exact,
                      range_only=bool(zero and not negative and zero < len(h)), **options)
    if not np.any(h) and not np.any(g):
        reading.reading = "f is constant: every point is a critical point, the gradient is 0 and no iterate moves."
    return reading


def _read_near_end(result, options: dict) -> Stability:
    """Not a quadratic: read at the critical point Newton's method finds from the last finite iterate, when
    the run ended near it (no farther from it than the run travelled) and f there is not above f at the end,
    so the run is approaching it rather than leaving it."""
    f = result.objective
    rows = np.nonzero(np.all(np.isfinite(result.x), axis=1) & np.isfinite(result.f))[0]
    end, f_end = result.x[rows[-1]], float(result.f[rows[-1]])
    travelled = float(np.linalg.norm(end - result.start))
    found = newton_critical_point(f, end)
    if found is None:
        where = "no critical point near the end of the run"
        return _not_critical(options, where, f"Newton's method from the last iterate {_short(end)} finds no "
                             "critical point: near there f may fall without bound or have no minimiser.")
    point, uncertainty = found
    distance = float(np.linalg.norm(point - end))
    near = distance <= max(travelled, 1e-9 * max(1.0, float(np.linalg.norm(end))))
    if not near or not f.value(point) <= f_end + 1e-12 * max(1.0, abs(f_end)):
        kind = classify(f.hessian_at(point), uncertainty)
        why = (f"farther from where the run ended ({number(distance, 3)}) than the run travelled ({number(travelled, 3)})"
               if not near else "above where the run ended, so the run is not approaching it")
        return _not_critical(options, "no critical point near the end of the run",
                             f"The critical point Newton's method finds from the last iterate, the "
                             f"{'degenerate critical point' if kind == 'degenerate' else kind} "
                             f"{_short(point)}, lies {why}.")
    hessian = f.hessian_at(point)
    if not np.all(np.isfinite(hessian)):  # x^π at 0: ∇²f is undefined there
        return _not_critical(options, "no curvature at the critical point",
                             f"Newton's method from the last iterate finds the critical point {_short(point)}, "
                             f"but ∇²f is undefined there, so nothing is known about its kind.")
    _, negative, zero = inertia(hessian, uncertainty)
    kind = kind_of(len(hessian) - negative - zero, negative, zero)
    on_a_set = bool(zero and not negative and _critical_set_continues(f, point, hessian, zero))
    verb = "the run converged to" if result.status == "converged" else "that the run approaches"
    name = "degenerate critical point" if kind == "degenerate" else kind
    reading = analyse(hessian, point, f"the {name} {_short(point)} {verb}", uncertainty=uncertainty,
                      range_only=on_a_set and zero < len(hessian), critical_set=on_a_set, **options)
    if reading.steps_predicted and reading.condition_number:
        story = f" κ = {number(reading.condition_number, 4)} there"
        if result.status == "max_steps" and result.steps < reading.steps_predicted:
            short = "far short" if reading.steps_predicted > 3 * result.steps else "short"
            story += f"; the budget of {result.steps} steps is {short} of that."
        elif result.status == "converged":
            story += f"; the run converged after {result.steps} steps."
        else:
            story += "."
        reading.reading += story
    return reading
