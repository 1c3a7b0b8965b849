"""Whether a student's expression equals the expected one, decided soundly.

Two real expressions a and b are equivalent when a(p) = b(p) at every real point p where both are defined.

1. A counterexample is looked for first: both sides are evaluated at 50 digits at seeded random points over
   the whole real line — negative values, zero, small and large magnitudes, integers — and at the problem's
   own points (its start, its point). A point where both are real and they differ (beyond 10⁻³⁰ relative)
   proves them different; it is returned as the witness.
2. Polynomials of moderate size are then decided exactly: expand(a − b) = 0.
3. Other expressions are given to SymPy's simplify in a child process killed after SYMBOLIC_SECONDS (when
   their size is within SYMBOLIC_MAX_OPS); simplify(a − b) = 0 proves them equivalent.
4. When simplify cannot settle it, agreement at every one of at least MIN_AGREEING random points decides:
   two different elementary expressions agree at random real points with probability zero.
   Fewer defined points than that leave the question open, and the answer is refused as unchecked.
"""

from __future__ import annotations

import multiprocessing
import random
from dataclasses import dataclass
from typing import Mapping, Sequence

import mpmath
import sympy as sp

DIGITS = 50
"""Working precision of the numeric comparison, in decimal digits."""
AGREEMENT = mpmath.mpf(10) ** -30
"""Relative difference below which two values at a point agree."""
POINTS = 40
"""Random points tried (besides the problem's own)."""
MIN_AGREEING = 12
"""Points where both sides must be defined before agreement decides."""
POLYNOMIAL_MAX_DEGREE = 30
SYMBOLIC_MAX_OPS = 200
SYMBOLIC_SECONDS = 2.0


@dataclass(frozen=True)
class Comparison:
    """The decision, how it was reached (counterexample, polynomial, symbolic, numeric, undecided), and a
    point where the sides differ when one was found."""

    equivalent: bool
    method: str
    witness: Mapping[str, float] | None = None


def compare(a: sp.Expr, b: sp.Expr, points: Sequence[Mapping[str, float]] = (), seed: int = 0) -> Comparison:
    """Decide a ≡ b as the module docstring describes; ``points`` are the problem's own (name → value)."""
    difference = a - b
    if difference == 0:
        return Comparison(True, "symbolic")
    symbols = sorted(difference.free_symbols, key=lambda s: s.name)
    agreeing = 0
    if symbols:
        evaluate_a, evaluate_b = _numeric(a, symbols), _numeric(b, symbols)
        for point in _points(symbols, points, seed):
            values = [point[s.name] for s in symbols]
            left, right = evaluate_a(values), evaluate_b(values)
            if left is None or right is None:
                continue
            if abs(left - right) > AGREEMENT * (1 + abs(left) + abs(right)):
                return Comparison(False, "counterexample", {s.name: float(point[s.name]) for s in symbols})
            agreeing += 1
    else:
        zero = difference.is_zero
        if zero is not None:
            return Comparison(bool(zero), "symbolic")
        return Comparison(abs(complex(sp.N(difference, DIGITS))) <= 1e-40, "numeric")
    if sp.count_ops(difference) <= SYMBOLIC_MAX_OPS and _small_polynomial(difference, symbols):
        return Comparison(sp.expand(difference) == 0, "polynomial")
    if not difference.is_polynomial(*symbols) and sp.count_ops(difference) <= SYMBOLIC_MAX_OPS \
            and simplifies_to_zero(difference):
        return Comparison(True, "symbolic")
    if agreeing >= MIN_AGREEING:
        return Comparison(True, "numeric")
    return Comparison(False, "undecided")


def _small_polynomial(expr: sp.Expr, symbols: list[sp.Symbol]) -> bool:
    if not expr.is_polynomial(*symbols):
        return False
    degree = sum(max((sp.degree(term, s) for term in sp.Add.make_args(expr)), default=0) for s in symbols)
    return degree <= POLYNOMIAL_MAX_DEGREE


def _numeric(expr: sp.Expr, symbols: list[sp.Symbol]):
    """A function of the values returning expr there as an mpf, or None where expr is undefined or not real.

    The expression was built by the safe parser, so the code lambdify generates from it is SymPy's printing
    of allowed functions only."""
    function = sp.lambdify(symbols, expr, "mpmath")

    def value(values):
        with mpmath.workdps(DIGITS):
            try:
                result = function(*values)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                return None
            if isinstance(result, mpmath.mpc):
                if abs(result.imag) > AGREEMENT * (1 + abs(result.real)):
                    return None
                result = result.real
            result = mpmath.mpf(result)
            return result if mpmath.isfinite(result) else None

    return value


def _points(symbols: list[sp.Symbol], given: Sequence[Mapping[str, float]], seed: int):
    """The problem's own points (names missing from one get 0.7), then seeded random points: each coordinate
    drawn from zero, ±1, ±small, ±moderate and ±large values, so every sign pattern and zero crossing is
    likely to be hit."""
    with mpmath.workdps(DIGITS):
        for point in given:
            yield {s.name: mpmath.mpf(float(point.get(s.name, 0.7))) for s in symbols}
        generator = random.Random(seed)
        for index in range(POINTS):
            yield {s.name: mpmath.mpf(_coordinate(generator, index)) for s in symbols}


def _coordinate(generator: random.Random, index: int) -> float:
    sign = generator.choice((-1, 1))
    pick = index % 5
    if pick == 0:
        return generator.uniform(-3, 3)
    if pick == 1:
        return sign * generator.uniform(0.01, 0.5)
    if pick == 2:
        return sign * generator.uniform(3, 30)
    if pick == 3:
        return float(generator.choice((-2, -1, 0, 1, 2)))
    return sign * 10 ** generator.uniform(-4, 3)


def simplifies_to_zero(expr: sp.Expr, seconds: float = SYMBOLIC_SECONDS) -> bool:
    """simplify(expr) == 0, computed in a child process that is killed after ``seconds`` (False then)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_simplify_worker, args=(expr, sender), daemon=True)
    worker.start()
    sender.close()
    try:
        answer = receiver.recv() if receiver.poll(seconds) else False
    except EOFError:  # the child died without answering
        answer = False
    if worker.is_alive():
        worker.kill()
    worker.join()
    return answer is True


def _simplify_worker(expr: sp.Expr, connection) -> None:
    """Runs in the child: send whether expr simplifies to 0."""
    try:
        connection.send(bool(sp.simplify(expr) == 0))
    except Exception:  # noqa: BLE001 - any failure of simplify means "not proved"
        connection.send(False)
    finally:
        connection.close()
