"""Line searches along a descent direction d from x: choosing α for the step x + α·d.

Write φ(α) = f(x + α·d), so φ(0) = f(x) and φ'(0) = ∇f(x)ᵀd < 0. The searches (Nocedal & Wright, Numerical
Optimization, ch. 3):

- ``armijo``: backtracking α, α·shrink, α·shrink², … until the sufficient decrease
  φ(α) ≤ φ(0) + c1·α·φ'(0) holds (along d = −g this is the generated loop's Armijo search);
- ``wolfe``: sufficient decrease and the curvature condition φ'(α) ≥ c2·φ'(0);
- ``strong-wolfe``: sufficient decrease and |φ'(α)| ≤ c2·|φ'(0)|;
- ``exact``: the minimiser of φ: on a quadratic f with constant Hessian H the closed form
  α = −gᵀd/(dᵀHd); otherwise a bracket [a, c] around a point b with φ(b) < φ(a), φ(c), narrowed by golden
  sections until it is 10⁻¹⁰ of its size.

The Wolfe searches keep a bracket [lo, hi] known to hold acceptable steps: a step that fails sufficient
decrease (or, for the strong form, is no better than lo, or has φ' > 0) becomes hi, one that fails the
curvature condition with φ' < 0 becomes lo; the next trial is 2α while hi is unknown, then the minimiser of
the cubic that matches φ and φ' at lo and hi, kept inside the bracket's middle 80 % (else the midpoint).
On a quadratic φ the cubic is φ itself, so one interpolation lands on the exact minimiser. With
0 < c1 < c2 < 1 and f bounded below along d an acceptable step exists and the bracket closes on it.

Each search counts its trials (evaluations of φ) and reports failure after MAX_TRIALS of them rather than
accept a step that does not meet its conditions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from gdcli.errors import OptionError

KINDS = ("armijo", "wolfe", "strong-wolfe", "exact")
MAX_TRIALS = 60
"""Most evaluations of φ one search makes before it reports failure."""
GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
"""1/φ ≈ 0.618: the golden section keeps this fraction of the bracket each trial."""
EXACT_RTOL = 1e-10
"""The exact search on a non-quadratic f narrows its bracket to this fraction of its width."""

Phi = Callable[[float], tuple[float, float]]
"""α ↦ (φ(α), φ'(α)); φ is inf where f is undefined or overflows."""


@dataclass(frozen=True)
class Search:
    """A line search's outcome: the step α, φ(α), how many trials it took and whether its conditions hold."""

    alpha: float
    value: float
    trials: int
    ok: bool


def check_kind(kind: str) -> str:
    key = kind.strip().lower() if isinstance(kind, str) else ""
    if key not in KINDS:
        raise OptionError(f"unknown line search '{kind}' (choose from {', '.join(KINDS)})")
    return key


def armijo(phi: Phi, phi0: float, slope: float, alpha: float, c1: float, shrink: float) -> Search:
    """Backtrack from α by ``shrink`` until φ(α) ≤ φ(0) + c1·α·φ'(0)."""
    for trial in range(1, MAX_TRIALS + 1):
        value, _ = phi(alpha)
        if value <= phi0 + c1 * alpha * slope:
            return Search(alpha, value, trial, True)
        if trial < MAX_TRIALS:
            alpha *= shrink
    return Search(alpha, value, MAX_TRIALS, False)


def wolfe(phi: Phi, phi0: float, slope: float, alpha: float, c1: float, c2: float, strong: bool) -> Search:
    """The weak or strong Wolfe conditions by bracketing and safeguarded cubic interpolation (see the module
    docstring)."""
    lo, phi_lo, slope_lo = 0.0, phi0, slope
    hi, phi_hi, slope_hi = math.inf, math.nan, math.nan
    for trial in range(1, MAX_TRIALS + 1):
        value, derivative = phi(alpha)
        if not value <= phi0 + c1 * alpha * slope or (strong and value >= phi_lo):
            hi, phi_hi, slope_hi = alpha, value, derivative
        elif (abs(derivative) <= -c2 * slope) if strong else (derivative >= c2 * slope):
            return Search(alpha, value, trial, True)
        elif strong and derivative > 0:
            hi, phi_hi, slope_hi = alpha, value, derivative
        else:
            lo, phi_lo, slope_lo = alpha, value, derivative
        alpha = (2.0 * alpha if not math.isfinite(hi) else
                 cubic_step(lo, phi_lo, slope_lo, hi, phi_hi, slope_hi))
    return Search(lo, phi_lo, MAX_TRIALS, False)


def cubic_step(a: float, fa: float, da: float, b: float, fb: float, db: float) -> float:
    """The minimiser of the cubic through (a, φ(a), φ'(a)) and (b, φ(b), φ'(b)) (Nocedal & Wright eq. 3.59),
    kept at least a tenth of the bracket from either end; the midpoint where the cubic has none."""
    low, high = min(a, b), max(a, b)
    margin = 0.1 * (high - low)
    try:
        d1 = da + db - 3.0 * (fa - fb) / (a - b)
        d2 = math.copysign(math.sqrt(d1 * d1 - da * db), b - a)
        step = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2)
    except (ArithmeticError, ValueError):
        return (a + b) / 2.0
    return step if low + margin <= step <= high - margin else (a + b) / 2.0


def exact_quadratic(slope: float, curvature: float) -> Search:
    """α = −φ'(0)/φ''  with φ'' = dᵀHd, the minimiser of φ when f is quadratic; no minimiser if dᵀHd ≤ 0."""
    if not curvature > 0:
        return Search(math.nan, math.inf, 0, False)
    return Search(-slope / curvature, math.nan, 0, True)


def exact(value_of: Callable[[float], float], phi0: float, alpha: float) -> Search:
    """Minimise φ along α > 0: bracket a minimum from [0, α] (halving α until φ(α) < φ(0), then growing by the
    golden ratio until φ rises), then golden sections (see the module docstring)."""
    trials = 0

    def value(a: float) -> float:
        nonlocal trials
        trials += 1
        return value_of(a)

    b, fb = alpha, value(alpha)
    while not fb < phi0:
        if trials >= MAX_TRIALS:
            return Search(b, fb, trials, False)
        b *= 0.5
        fb = value(b)
    a, c = 0.0, b / GOLDEN
    fc = value(c)
    while fc < fb:
        if trials >= MAX_TRIALS:
            return Search(c, fc, trials, False)
        a, b, fb = b, c, fc
        c = b + (b - a) / GOLDEN
        fc = value(c)
    # golden sections: a < u < v < c with φ(u), φ(v) compared; b is the best point so far
    width = c - a
    u, v = c - GOLDEN * (c - a), a + GOLDEN * (c - a)
    fu, fv = value(u), value(v)
    while c - a > EXACT_RTOL * width and trials < 4 * MAX_TRIALS:
        if fu <= fv:
            c, v, fv = v, u, fu
            u = c - GOLDEN * (c - a)
            fu = value(u)
        else:
            a, u, fu = u, v, fv
            v = a + GOLDEN * (c - a)
            fv = value(v)
    best, fbest = min(((b, fb), (u, fu), (v, fv)), key=lambda pair: pair[1])
    return Search(best, fbest, trials, fbest < phi0)
