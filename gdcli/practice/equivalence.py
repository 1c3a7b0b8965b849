"""Whether a student's expression equals the expected one, decided soundly.

Two real expressions a and b are equivalent when a(p) = b(p) at every real point p where both are defined.

1. A counterexample is looked for first: both sides are evaluated at 50 digits at seeded random points over
   the whole real line — negative values, zero, small and large magnitudes, integers — and at the problem's
   own points (its start, its point). A point where both are real and they differ (beyond 10⁻³⁰ relative),
   or where one is a finite real number and the other is not (undefined, complex, or beyond LARGEST), proves
   them different; it is returned as the witness. Points where neither is defined are skipped.
   The evaluation is node by node with bounded work (value_at), so a hostile answer cannot make it hang.
2. Polynomials of moderate size (SYMBOLIC_MAX_OPS operations, integer powers up to SYMBOLIC_POWER, decided
   before any expansion) are then decided exactly: expand(a − b) = 0.
3. Other expressions are given to SymPy's simplify in a child process killed after SYMBOLIC_SECONDS (when
   their size is within SYMBOLIC_MAX_OPS); simplify(a − b) = 0 proves them equivalent.
4. When simplify cannot settle it, agreement at every one of at least MIN_AGREEING random points decides:
   two different elementary expressions agree at random real points with probability zero.
   Fewer defined points than that leave the question open, and the answer is refused as unchecked.
"""

from __future__ import annotations

import math
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
SYMBOLIC_POWER = 64
"""Largest integer exponent expanded or simplified: (x + 1)^1000000 would have a million terms."""
SYMBOLIC_SECONDS = 2.0
LARGEST = mpmath.mpf(10) ** 300
"""Largest magnitude any part of an expression may reach in an evaluation; beyond it the value counts as not
finite (so exp(exp(exp(exp(10)))) stops at its second exp instead of growing without bound)."""


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
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    agreeing = 0
    if symbols:
        for point in _points(symbols, points, seed):
            with mpmath.workdps(DIGITS):
                values = {s: point[s.name] for s in symbols}
                left, right = _value_or_none(a, values), _value_or_none(b, values)
                if left is None and right is None:
                    continue
                if left is None or right is None or abs(left - right) > AGREEMENT * (1 + abs(left) + abs(right)):
                    return Comparison(False, "counterexample", {s.name: float(point[s.name]) for s in symbols})
            agreeing += 1
    elif difference.is_Rational:  # a − b is a nonzero rational constant: different, exactly
        return Comparison(False, "symbolic")
    else:
        with mpmath.workdps(DIGITS):
            value = _value_or_none(difference, {})
        return Comparison(value is not None and abs(value) <= AGREEMENT, "numeric")
    small = _small(difference)
    if small and _small_polynomial(difference, symbols):
        return Comparison(sp.expand(difference) == 0, "polynomial")
    if small and not difference.is_polynomial(*symbols) and simplifies_to_zero(difference):
        return Comparison(True, "symbolic")
    if agreeing >= MIN_AGREEING:
        return Comparison(True, "numeric")
    return Comparison(False, "undecided")


def _small_polynomial(expr: sp.Expr, symbols: list[sp.Symbol]) -> bool:
    if not expr.is_polynomial(*symbols):
        return False
    degree = sum(max((sp.degree(term, s) for term in sp.Add.make_args(expr)), default=0) for s in symbols)
    return degree <= POLYNOMIAL_MAX_DEGREE


def _small(expr: sp.Expr) -> bool:
    """Small enough for SymPy to expand or simplify: few operations, small integer powers, no huge integers —
    decided by walking the tree, before any expansion."""
    for node in sp.preorder_traversal(expr):
        if node.is_Pow and node.exp.is_Integer and abs(int(node.exp)) > SYMBOLIC_POWER:
            return False
        if node.is_Integer and abs(int(node)).bit_length() > 200:
            return False
    return sp.count_ops(expr) <= SYMBOLIC_MAX_OPS


def value_at(expr: sp.Expr, point: Mapping) -> float:
    """``expr`` at ``point`` (symbols to numbers) as a float, nan when it is not a finite real number within
    LARGEST (the work is bounded whatever the constants: see _value)."""
    with mpmath.workdps(DIGITS):
        value = _value_or_none(expr, {s: mpmath.mpf(v) for s, v in point.items()})
    return math.nan if value is None else float(value)


_FUNCTIONS = {sp.exp: mpmath.exp, sp.log: mpmath.log, sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan,
              sp.tanh: mpmath.tanh, sp.atan: mpmath.atan, sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh,
              sp.Abs: abs, sp.sign: mpmath.sign}
"""The functions the safe parser allows (and sign, from ∇|x|), in mpmath."""


def _value_or_none(expr: sp.Expr, point: Mapping):
    try:
        return _value(expr, point)
    except (ArithmeticError, ValueError, TypeError, RecursionError):
        return None


def _value(expr, point: Mapping):
    """``expr`` at ``point`` in mpmath at the working precision, node by node: one bounded operation per node
    of the tree, every intermediate value checked to be real and at most LARGEST in size (ValueError else)."""
    if expr.is_Symbol:
        value = point[expr]
    elif expr.is_Integer:
        value = mpmath.mpf(int(expr)) if abs(int(expr)).bit_length() <= 1000 else mpmath.inf
    elif expr.is_Rational:
        value = mpmath.mpf(int(expr.p)) / int(expr.q)
    elif expr.is_Float:
        value = mpmath.mpf(expr._mpf_)
    elif expr in (sp.pi, sp.E):
        value = mpmath.pi if expr == sp.pi else mpmath.e
    elif expr.is_Add:
        value = mpmath.fsum(_value(term, point) for term in expr.args)
    elif expr.is_Mul:
        value = mpmath.fprod(_value(factor, point) for factor in expr.args)
    elif expr.is_Pow:
        base, exponent = _value(expr.base, point), _value(expr.exp, point)
        if base == 0 and exponent <= 0:
            raise ZeroDivisionError("0 to a power that is not positive")
        value = mpmath.power(base, exponent)
    elif expr.func in (sp.Max, sp.Min):
        value = (max if expr.func is sp.Max else min)(_value(arg, point) for arg in expr.args)
    elif expr.func in _FUNCTIONS and len(expr.args) == 1:
        value = _FUNCTIONS[expr.func](_value(expr.args[0], point))
    else:  # a node the parser does not make (Heaviside in a gradient): SymPy, on arguments already numbers
        number = expr.func(*(sp.Float(_value(arg, point), DIGITS) for arg in expr.args)).evalf(DIGITS)
        if not number.is_Float:
            raise ValueError(f"{expr.func} gives no real number here")
        value = mpmath.mpf(number._mpf_)
    if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value) or abs(value) > LARGEST:
        raise ValueError("not a finite real number within bounds")
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
