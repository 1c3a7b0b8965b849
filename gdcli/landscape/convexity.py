"""Is f convex? Proved, refuted at points where f is defined, or honestly unknown — never from a threshold on
rounded numbers, and never from a Hessian that does not see f's kinks.

Proofs (run in a child process killed after PROOF_SECONDS, gdcli.engine.budget, so a huge determinant cannot
hang the tool):

- **Rules that need no derivatives** (each preserves convexity wherever f is defined): an affine function is
  convex and concave; c·g is convex for c ≥ 0 and g convex (concave for c < 0); a sum of convex functions is
  convex; |a| of an affine a is convex, and |g| = g for g ≥ 0; max of convex functions is convex, min of
  concave ones concave; gᵖ is convex for g convex and g ≥ 0 with p ≥ 1, and for an affine g with p an even
  integer; qᵖ is convex for p ≥ ½ and q = ‖Ax + d‖² + m with m ≥ 0 (a norm to a power ≥ 1, as √(x² + y²));
  exp of a convex function is convex; log of a concave function is concave.
- **A quadratic part** (the terms of a sum that together form a polynomial of degree ≤ 2) is convex iff its
  constant Hessian is positive semi-definite, decided exactly by LDLᵀ elimination in fractions (a decimal
  coefficient read as written): x² − 1e-7·y² is not convex, 1e7·x² + y² is strictly convex.
- **A smooth f in at most three variables**: every principal minor of ∇²f is provably ≥ 0 (SymPy's factor
  and sign assumptions), so ∇²f ⪰ 0 everywhere.

Refutation, only at points a, b and (a + b)/2 where f is defined and finite: the midpoint inequality
f((a + b)/2) ≤ (f(a) + f(b))/2 fails by more than MIDPOINT_SLACK relative to the values. Candidate segments:
along a direction of negative curvature of ∇²f at sampled points (a smooth f), along the axes and diagonals
through sampled points, and between sampled points.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Sequence

import numpy as np
import sympy as sp

from gdcli.engine import exact
from gdcli.engine.budget import FAILED, TIMED_OUT, within
from gdcli.engine.kernels import ArrayObjective
from gdcli.engine.objective import Objective

PROOF_SECONDS = 3.0
"""Longest time the convexity proof (rules, exact elimination, minors) may take before "not decided in time"."""
MIDPOINT_SLACK = 1e-9
"""f((a+b)/2) must exceed (f(a)+f(b))/2 by more than this times the largest |f| of the three to refute."""
SAMPLES = 400
"""About how many points of the region are sampled for counterexamples."""
NOT_TRIED = object()
"""``convexity``'s default for ``proof``: run the proof itself."""
STEPS = (0.25, 0.05, 0.005)
"""Half-lengths of the segments tried through each sampled point, as shares of the region's width."""


@dataclass
class Convexity:
    """``convex`` is True (proved), False (refuted by a segment [a, b] whose midpoint lies above the chord) or
    None (unknown); ``strict`` is True when a quadratic's Hessian is positive definite."""

    convex: bool | None
    reason: str
    counterexample: np.ndarray | None = None
    segment: tuple[np.ndarray, np.ndarray] | None = None
    strict: bool = False

    def to_dict(self) -> dict:
        return {"convex": self.convex, "strict": self.strict, "reason": self.reason,
                "counterexample": None if self.counterexample is None else [float(v) for v in self.counterexample],
                "segment": None if self.segment is None else [[float(v) for v in end] for end in self.segment]}


# exact positive semi-definiteness ---------------------------------------------------------------------------
def semidefinite(matrix: list[list[Fraction]]) -> tuple[bool, bool]:
    """(positive semi-definite, positive definite) of a symmetric rational matrix, by LDLᵀ elimination.

    A negative pivot, or a zero pivot with a non-zero entry in its row, means some vᵀHv < 0; otherwise the
    pivots are ≥ 0 and H = LDLᵀ ⪰ 0 (definite when every pivot is > 0). Exact, so no threshold is involved.
    """
    n = len(matrix)
    rows = [{j: v for j, v in enumerate(row) if v} for row in matrix]
    definite = True
    for k in range(n):
        pivot = rows[k].get(k, Fraction(0))
        if pivot < 0:
            return False, False
        if pivot == 0:
            if any(j > k and v for j, v in rows[k].items()):
                return False, False
            definite = False
            continue
        for i in [j for j in rows[k] if j > k]:
            factor = rows[i].get(k, Fraction(0)) / pivot
            for j, v in rows[k].items():
                if j > k:
                    value = rows[i].get(j, Fraction(0)) - factor * v
                    if value:
                        rows[i][j] = value
                    else:
                        rows[i].pop(j, None)
    return True, definite


def constant_hessian(expr: sp.Expr, symbols: list[sp.Symbol]) -> list[list[Fraction]]:
    """The Hessian of a polynomial of degree ≤ 2, in fractions (decimals read as written)."""
    return exact.constant_matrix([[expr.diff(a).diff(b) for b in symbols] for a in symbols])


# rules ----------------------------------------------------------------------------------------------------
AFFINE, CONVEX, CONCAVE = (True, True), (True, False), (False, True)
UNKNOWN = (False, False)


def _is_quadratic_polynomial(expr: sp.Expr, symbols: list[sp.Symbol]) -> bool:
    return expr.is_polynomial(*symbols) and sp.Poly(expr, *symbols).total_degree() <= 2


def curvature(expr: sp.Expr, symbols: list[sp.Symbol]) -> tuple[bool, bool]:
    """(provably convex, provably concave) of ``expr`` by the rules of the module docstring."""
    variables = expr.free_symbols & set(symbols)
    if not variables:
        return AFFINE
    if _is_quadratic_polynomial(expr, symbols):
        used = sorted(variables, key=symbols.index)
        hessian = constant_hessian(expr, used)
        return semidefinite(hessian)[0], semidefinite([[-v for v in row] for row in hessian])[0]
    if expr.is_Add:
        # the terms of degree ≤ 2 are judged together (x² + 2xy + y²), the others one by one
        quadratic = [_is_quadratic_polynomial(a, symbols) for a in expr.args]
        parts = [curvature(sp.Add(*(a for a, q in zip(expr.args, quadratic) if q)), symbols)]
        parts += [curvature(a, symbols) for a, q in zip(expr.args, quadratic) if not q]
        return all(p[0] for p in parts), all(p[1] for p in parts)
    if expr.is_Mul:
        constant, rest = expr.as_independent(*symbols, as_Add=False)
        if rest.is_Mul or not constant.is_extended_real:
            return UNKNOWN
        convex, concave = curvature(rest, symbols)
        return (convex, concave) if constant >= 0 else (concave, convex)
    if isinstance(expr, sp.Abs):
        inner = curvature(expr.args[0], symbols)
        if inner == AFFINE:
            return CONVEX
        if expr.args[0].is_nonnegative:
            return inner
        if expr.args[0].is_nonpositive:
            return inner[1], inner[0]
        return UNKNOWN
    if isinstance(expr, sp.Max):
        return all(curvature(a, symbols)[0] for a in expr.args), False
    if isinstance(expr, sp.Min):
        return False, all(curvature(a, symbols)[1] for a in expr.args)
    if expr.is_Pow and expr.exp.is_number and expr.exp.is_real:
        base, power = expr.args
        inner = curvature(base, symbols)
        if power >= 1 and ((inner[0] and base.is_nonnegative) or (inner == AFFINE and power.is_even)):
            return CONVEX
        if power >= sp.S.Half and _squared_norm(base, symbols):
            return CONVEX
        return UNKNOWN
    if isinstance(expr, sp.exp):
        return curvature(expr.args[0], symbols)[0], False
    if isinstance(expr, sp.log) and len(expr.args) == 1:
        return False, curvature(expr.args[0], symbols)[1]
    return UNKNOWN


def _squared_norm(expr: sp.Expr, symbols: list[sp.Symbol]) -> bool:
    """Whether ``expr`` is ‖Ax + d‖² + m with m ≥ 0: a quadratic with a positive semi-definite Hessian whose
    minimum exists and is ≥ 0 (then exprᵖ = ‖(Ax + d, √m)‖²ᵖ is convex for p ≥ ½)."""
    if not _is_quadratic_polynomial(expr, symbols):
        return False
    used = sorted(expr.free_symbols & set(symbols), key=symbols.index)
    if not semidefinite(constant_hessian(expr, used))[0]:
        return False
    minimisers = sp.solve([expr.diff(v) for v in used], used, dict=True)
    if not minimisers:
        return False  # b outside the Hessian's range: the quadratic is unbounded below
    free = {v: sp.S.Zero for v in used if v not in minimisers[0]}
    point = {v: minimisers[0].get(v, v).xreplace(free) for v in used}
    return bool(expr.xreplace(point) >= 0)


# the proof ------------------------------------------------------------------------------------------------
def prove(objective: Objective) -> Convexity | None:
    """A proof of convexity or of its failure from the formula alone (see the module docstring), or None."""
    symbols = objective.symbols
    if objective.is_quadratic:
        hessian = constant_hessian(objective.expr, symbols)
        psd, definite = semidefinite(hessian)
        if psd:
            return Convexity(True, "f is quadratic and its constant Hessian is positive "
                                   + ("definite (decided exactly): f is strictly convex" if definite else
                                      "semi-definite (decided exactly)"), strict=definite)
        return refuted_quadratic(objective, hessian)
    convex, _ = curvature(objective.expr, symbols)
    if convex:
        return Convexity(True, "f is built from convex pieces by rules that keep convexity (sums, non-negative "
                               "multiples, |affine|, max, powers of non-negative convex functions, exp, −log of "
                               "concave), on the set where f is defined")
    if objective.is_smooth and objective.dimension <= 3 and _minors_nonnegative(objective.hessian):
        return Convexity(True, "every principal minor of ∇²f is provably ≥ 0, so ∇²f ⪰ 0 everywhere")
    return None


def refuted_quadratic(objective: Objective, hessian: list[list[Fraction]]) -> Convexity:
    """A quadratic that is not convex: vᵀHv < 0 for an eigenvector v of a negative eigenvalue, so the midpoint
    of [−v, v] lies above the chord by −vᵀHv/2."""
    values, vectors = np.linalg.eigh(np.array(hessian, dtype=float))
    v = vectors[:, int(np.argmin(values))]
    return Convexity(False, f"f is quadratic and its Hessian has the negative eigenvalue {values.min():.6g} "
                            "(its sign decided exactly)", np.zeros(objective.dimension), (-v, v))


def _minors_nonnegative(hessian: sp.Matrix) -> bool:
    n = hessian.shape[0]
    for size in range(1, n + 1):
        for rows in combinations(range(n), size):
            minor = sp.factor(hessian.extract(list(rows), list(rows)).det())
            if minor.is_nonnegative is not True:
                return False
    return True


# refutation -----------------------------------------------------------------------------------------------
def sample(region: np.ndarray, total: int) -> np.ndarray:
    """About ``total`` points spread over the box, as rows: a grid (at least 2 per variable) while that has at
    most 4·total points, else ``total`` uniformly random points (a fixed seed, so the answer repeats)."""
    n = len(region)
    per_axis = max(2, round(total ** (1.0 / n)))
    if per_axis**n > 4 * total:
        low, high = region[:, 0], region[:, 1]
        return low + (high - low) * np.random.default_rng(0).random((total, n))
    axes = np.meshgrid(*(np.linspace(low, high, per_axis) for low, high in region), indexing="ij")
    return np.stack([a.ravel() for a in axes], axis=1)


def directions(objective: Objective) -> list[np.ndarray]:
    """Unit directions to try through every point: the axes, the diagonals of pairs of axes (n ≤ 6)."""
    n = objective.dimension
    axes = list(np.eye(n))
    if n <= 6:
        axes += [(axes[i] + sign * axes[j]) / np.sqrt(2.0) for i, j in combinations(range(n), 2) for sign in (1, -1)]
    return axes


def above_chord(evaluate: ArrayObjective, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Which segments (rows of a and b) have f defined and finite at both ends and the midpoint, and the midpoint
    above the chord by more than MIDPOINT_SLACK relative to the values; with the gap relative to the values and
    f(a), f(b), f((a+b)/2)."""
    with np.errstate(all="ignore"):
        fa, fb, fm = (np.broadcast_to(evaluate(p.T)[0], len(a)) for p in (a, b, (a + b) / 2))
        scale = np.maximum(np.maximum(np.abs(fa), np.abs(fb)), np.maximum(np.abs(fm), 1e-300))
        gap = np.where(np.isfinite(fa) & np.isfinite(fb) & np.isfinite(fm), (fm - (fa + fb) / 2) / scale, -np.inf)
    return gap > MIDPOINT_SLACK, (fa, fb, fm)


def _segment_text(a: np.ndarray, b: np.ndarray, values: tuple, i: int) -> str:
    fa, fb, fm = values
    ends = [", ".join(f"{v:.4g}" for v in end) for end in (a[i], b[i])]
    return f"f((a + b)/2) = {fm[i]:.6g} > (f(a) + f(b))/2 = {(fa[i] + fb[i]) / 2:.6g} for a = ({ends[0]}), b = ({ends[1]})"


def refute(objective: Objective, region: np.ndarray, extra_points: Sequence[np.ndarray] = ()) -> Convexity | None:
    """A segment [a, b] with a, b and its midpoint where f is defined and finite, and the midpoint above the chord.

    For a smooth f, short segments along a direction of negative curvature of ∇²f at the given points (critical
    points first) and the sampled ones are tried first, so the reason can name the curvature; then segments
    along the axes and diagonals through the sampled points, and between random pairs of them.
    """
    evaluate = ArrayObjective(objective)
    n = objective.dimension
    points = np.vstack([np.asarray(extra_points, dtype=float).reshape(-1, n), sample(region, SAMPLES)])
    width = float(np.max(region[:, 1] - region[:, 0]))
    if objective.is_smooth:
        for p in points:
            hessian = objective.hessian_at(p)
            if not np.all(np.isfinite(hessian)):
                continue
            values, vectors = np.linalg.eigh(hessian)
            if values[0] < 0:
                half = np.array(STEPS)[:, None] * width * 1e-2 * vectors[:, 0]
                a, b = p - half, p + half
                found, f_values = above_chord(evaluate, a, b)
                if np.any(found):
                    i = int(np.argmax(found))
                    where = ", ".join(f"{v:.6g}" for v in p)
                    return Convexity(False, f"∇²f has the negative eigenvalue {values[0]:.6g} at ({where}), and along "
                                            f"its eigenvector {_segment_text(a, b, f_values, i)}", p, (a[i], b[i]))
    a = np.vstack([points - step * width * d for d in directions(objective) for step in STEPS] + [points])
    b = np.vstack([points + step * width * d for d in directions(objective) for step in STEPS]
                  + [points[np.random.default_rng(0).permutation(len(points))]])
    found, f_values = above_chord(evaluate, a, b)
    if not np.any(found):
        return None
    i = int(np.argmax(found))
    return Convexity(False, _segment_text(a, b, f_values, i), (a[i] + b[i]) / 2, (a[i], b[i]))


def prove_within(objective: Objective, seconds: float = PROOF_SECONDS):
    """``prove`` in a child process given ``seconds``: a Convexity, None (no proof), TIMED_OUT or FAILED."""
    return within(seconds, prove, objective)


def convexity(objective: Objective, region: np.ndarray, extra_points: Sequence[np.ndarray] = (),
              seconds: float = PROOF_SECONDS, proof=NOT_TRIED) -> Convexity:
    """Prove convexity (within ``seconds``, or take ``proof`` from prove_within), else refute it with a
    midpoint, else say it is unknown and why."""
    if proof is NOT_TRIED:
        proof = prove_within(objective, seconds)
    if isinstance(proof, Convexity):
        return proof
    refutation = refute(objective, region, extra_points)
    if refutation is not None:
        return refutation
    if proof is TIMED_OUT:
        return Convexity(None, f"not decided in time: the proof ran out of its {seconds:g} s, and no midpoint "
                               "in the region lies above its chord")
    if proof is FAILED:
        return Convexity(None, "the proof failed, and no midpoint in the region lies above its chord")
    return Convexity(None, "no rule proves it and no midpoint sampled in the region lies above its chord, "
                           "but that is not a proof")
