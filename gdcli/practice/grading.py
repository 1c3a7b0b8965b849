"""Reading a student's answer forgivingly and grading it against the expected one.

Every spelling goes through the safe parser (gdcli.engine.expression), never eval:

- number:      ``0.2``, ``1/5``, ``2e-1``, ``pi/4``; within a tolerance (absolute if the problem states one,
               else relative 10⁻³ with an absolute floor of 10⁻⁶);
- vector:      ``1.2, -0.6``, ``[1.2, -0.6]``, ``(1.2; -0.6)``;
- iterates:    ``0.6, 1.08, 1.464`` in one dimension; ``(1.2, -0.6); (0.72, 0.36)`` or ``(1.2, -0.6), (…)``
               in several;
- expression:  any symbolically equivalent form (``2*(x - 3)`` = ``2*x - 6``), a list for a gradient;
- interval:    ``0 < a < 1``, ``(0, 1)``, ``a < 1`` (a step size is positive, so a missing lower bound is 0),
               ``0 < α ≤ 1``, ``[0, 1)``;
- choice:      the word, any unambiguous start of it (``conv``), or its letter (``b``) when choices are listed.

A leading ``name =`` is dropped (``x1 = [1.2, -0.6]``). A wrong answer gets feedback naming the likely slip:
a sign error, the wrong step, an ascent step, a factor of two, rounding, a bound that should be strict.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from typing import Sequence

import mpmath
import sympy as sp

from gdcli.engine.expression import parse_expression, parse_number, parse_vector
from gdcli.errors import GdError

KINDS = ("number", "vector", "iterates", "expression", "interval", "choice")
RELATIVE_TOLERANCE = 1e-3
ABSOLUTE_FLOOR = 1e-6
MAX_ANSWER = 2000
"""Longest answer text read, in characters."""
GREEK = {"α": "alpha", "λ": "lam", "β": "beta", "η": "eta", "≤": "<=", "≥": ">=", "−": "-", "·": "*", "²": "^2"}


@dataclass(frozen=True)
class Interval:
    """An interval of α: lower and upper end (±inf when open-ended) and whether each end is included."""

    lower: float
    upper: float
    lower_closed: bool = False
    upper_closed: bool = False

    def text(self) -> str:
        left = "≤" if self.lower_closed else "<"
        right = "≤" if self.upper_closed else "<"
        if math.isinf(self.upper):
            return f"α {'≥' if self.lower_closed else '>'} {number_text(self.lower)}"
        return f"{number_text(self.lower)} {left} α {right} {number_text(self.upper)}"


@dataclass(frozen=True)
class NearMiss:
    """A wrong value the expected answer is often confused with, and what the confusion is."""

    value: object
    message: str


@dataclass(frozen=True)
class Verdict:
    """The grade of one answer: right or not, the expected answer as text, and feedback for the student."""

    correct: bool
    expected: str
    feedback: str

    def to_dict(self) -> dict:
        return {"correct": self.correct, "expected": self.expected, "feedback": self.feedback}


# ---------------------------------------------------------------------------------------------------------
# formatting: the text `gd practice solution` gives is text that `check` accepts

def number_text(value: float) -> str:
    """Ten significant digits without float noise: 0.6000000000000001 → 0.6."""
    value = float(value)
    if value == 0:
        return "0"
    return f"{value:.10g}"


def answer_text(kind: str, expected) -> str:
    """The expected answer written as a student would type it."""
    if kind == "number":
        return number_text(expected)
    if kind == "vector":
        return "[" + ", ".join(number_text(v) for v in expected) + "]"
    if kind == "iterates":
        if all(len(row) == 1 for row in expected):
            return ", ".join(number_text(row[0]) for row in expected)
        return "; ".join("(" + ", ".join(number_text(v) for v in row) + ")" for row in expected)
    if kind == "expression":
        shown = [sp.sstr(e) for e in expected]
        return shown[0] if len(shown) == 1 else "[" + ", ".join(shown) + "]"
    if kind == "interval":
        return expected.text()
    return str(expected)


# ---------------------------------------------------------------------------------------------------------
# reading

def normalise(text: str) -> str:
    """Strip, spell Greek letters and typographic signs in ASCII, and drop a leading ``name =``."""
    if not isinstance(text, str) or not text.strip():
        raise GdError("the answer is empty")
    if len(text) > MAX_ANSWER:
        raise GdError(f"the answer is {len(text)} characters long; the limit is {MAX_ANSWER}")
    for symbol, spelled in GREEK.items():
        text = text.replace(symbol, spelled)
    text = text.strip()
    parts = re.split(r"(?<![<>=!])=(?!=)", text)
    if len(parts) == 2 and parts[1].strip():
        text = parts[1].strip()
    return text


def read_number(text: str) -> float:
    """``0.2``, ``1/5``, ``2e-1``, ``pi/4`` → a float."""
    return real(parse_number(normalise(text), "the answer"), "the answer")


def read_vector(text: str) -> list[float]:
    """``1.2, -0.6`` or ``[1.2, -0.6]`` → floats."""
    return [real(v, "an entry of the answer") for v in parse_vector(normalise(text), "the answer")]


def real(value: sp.Expr, what: str) -> float:
    """A constant as a finite float, computed in floating point (see value_at), so that a constant such as
    exp(exp(exp(exp(10)))) or cos(exp(exp(20))) is refused at once instead of computed to millions of digits."""
    number = value_at(value, {})
    if not math.isfinite(number):
        raise GdError(f"{what} is not a finite real number (or too large for one)")
    return number


def read_iterates(text: str, dimension: int) -> list[list[float]]:
    """A list of iterates: numbers in one dimension, bracketed or ;-separated vectors in several."""
    body = normalise(text)
    if dimension == 1:
        return [[v] for v in read_vector(body)]
    groups = re.findall(r"[\[(]([^\[\]()]*)[\])]", body)
    if len(groups) <= 1:
        groups = [g for g in body.strip("[]() ").split(";") if g.strip()]
    if not groups:
        raise GdError("the answer lists no iterates")
    return [[real(v, "an iterate") for v in parse_vector(group, "an iterate")] for group in groups]


def read_expressions(text: str, names: Sequence[str]) -> list[sp.Expr]:
    """One expression, or a bracketed or comma-separated list (split at top-level commas only)."""
    body = normalise(text)
    if len(body) >= 2 and body[0] + body[-1] in ("[]", "()") and _balanced(body[1:-1]):
        body = body[1:-1]
    parts, depth, current = [], 0, ""
    for char in body:
        depth += char in "(["
        depth -= char in ")]"
        if char in ",;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    exprs = []
    for part in parts:
        if not part.strip():
            raise GdError("the answer has an empty entry")
        expr, symbols = _parse_free(part)
        unknown = sorted({s.name for s in symbols} - set(names))
        if unknown:
            raise GdError(f"the answer uses {', '.join(unknown)}, which is not a name in this problem "
                          f"(use {', '.join(names)})")
        exprs.append(expr)
    return exprs


def _parse_free(text: str) -> tuple[sp.Expr, list[sp.Symbol]]:
    """An expression that may also be a constant (the safe parser refuses constants as objectives)."""
    try:
        return parse_expression(text)
    except GdError as error:
        if "no variables" not in str(error):
            raise
        return parse_number(text, "the answer"), []


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += char in "(["
        depth -= char in ")]"
        if depth < 0:
            return False
    return depth == 0


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def read_interval(text: str) -> Interval:
    """``0 < a < 1``, ``1 > a > 0``, ``(0, 1)``, ``[0, 1)``, ``a < 1``, ``a in (0, 1)`` → an Interval of α > 0."""
    body = normalise(text).replace(" ", "")
    body = re.sub(rf"^{_NAME}(in|∈)", "", body)
    match = re.fullmatch(r"([\[(])([^,;]+)[,;]([^,;]+)([\])])", body)
    if match:
        lo, hi = _bound(match.group(2)), _bound(match.group(3))
        return _ordered(lo, hi, match.group(1) == "[", match.group(4) == "]")
    pieces = re.split(r"(<=|>=|<|>)", body)
    if len(pieces) == 5 and re.fullmatch(_NAME, pieces[2]) and pieces[1][0] == pieces[3][0]:
        lo, hi = _bound(pieces[0]), _bound(pieces[4])
        if pieces[1][0] == ">":
            lo, hi = hi, lo
            return _ordered(lo, hi, pieces[3] == ">=", pieces[1] == ">=")
        return _ordered(lo, hi, pieces[1] == "<=", pieces[3] == "<=")
    if len(pieces) == 3:
        left, op, right = pieces
        if re.fullmatch(_NAME, right) and not re.fullmatch(_NAME, left):  # 1 > a  →  a < 1
            left, right, op = right, left, {"<": ">", ">": "<", "<=": ">=", ">=": "<="}[op]
        if re.fullmatch(_NAME, left):
            value = _bound(right)
            if op in ("<", "<="):
                return Interval(0.0, value, False, op == "<=")
            return Interval(value, math.inf, op == ">=", False)
    raise GdError(f"cannot read '{text.strip()}' as an interval: write it as 0 < a < 1, (0, 1) or a < 1")


def _bound(text: str) -> float:
    if text.lower() in ("inf", "infinity", "oo", "+inf"):
        return math.inf
    return real(parse_number(text, "an end of the interval"), "an end of the interval")


def _ordered(lo: float, hi: float, lo_closed: bool, hi_closed: bool) -> Interval:
    if not lo < hi:
        raise GdError(f"the interval is empty: {number_text(lo)} is not below {number_text(hi)}")
    return Interval(lo, hi, lo_closed, hi_closed)


def read_choice(text: str, choices: Sequence[str]) -> str:
    """The choice meant: its words; a single letter a, b, c, … in the listed order; a start of it at least two
    letters long (``conv``, ``min``); a longer phrase beginning with it (``saddle point``); or a word sharing
    its first five letters (``converging`` for ``converges``)."""
    phrase = " ".join(re.sub(r"[^a-z0-9 ]", " ", normalise(text).lower()).split())
    if not phrase:
        raise GdError("the answer is empty")
    lowered = [c.lower() for c in choices]
    if phrase in lowered:
        return choices[lowered.index(phrase)]
    if len(phrase) == 1 and phrase.isalpha() and ord(phrase) - ord("a") < len(choices):
        return choices[ord(phrase) - ord("a")]
    first = phrase.split()[0]
    matches = [c for c, low in zip(choices, lowered)
               if (len(phrase) >= 2 and low.startswith(phrase)) or phrase.startswith(low + " ")
               or (len(first) >= 5 and low.split()[0][:5] == first[:5])]
    if len(matches) == 1:
        return matches[0]
    raise GdError(f"'{text.strip()}' is not one of the choices: {', '.join(choices)}")


# ---------------------------------------------------------------------------------------------------------
# grading

def close(answer: float, expected: float, tolerance: float | None = None) -> bool:
    """|answer − expected| within the stated absolute tolerance, else within 10⁻³ relative (floor 10⁻⁶)."""
    if not (math.isfinite(answer) and math.isfinite(expected)):
        return answer == expected
    allowed = tolerance if tolerance is not None else max(ABSOLUTE_FLOOR, RELATIVE_TOLERANCE * abs(expected))
    return abs(answer - expected) <= allowed


def grade(kind: str, expected, text: str, *, tolerance: float | None = None, choices: Sequence[str] = (),
          names: Sequence[str] = (), near: Sequence[NearMiss] = (), dimension: int = 1) -> Verdict:
    """Grade ``text`` against ``expected`` (the form answer_text documents for each kind)."""
    shown = answer_text(kind, expected)
    try:
        correct, feedback = _GRADERS[kind](expected, text, tolerance, choices, names, near, dimension)
    except GdError as error:
        return Verdict(False, shown, f"{error}.")
    except (ArithmeticError, ValueError, TypeError, RecursionError) as error:  # SymPy, building a hostile answer
        return Verdict(False, shown, f"✗ this answer cannot be evaluated ({type(error).__name__}): write it more "
                                     "simply.")
    if correct:
        return Verdict(True, shown, feedback or "✓ correct.")
    return Verdict(False, shown, feedback or f"✗ not quite: the answer is {shown}.")


def _numbers_match(answer: Sequence[float], expected: Sequence[float], tolerance) -> bool:
    return len(answer) == len(expected) and all(close(a, e, tolerance) for a, e in zip(answer, expected))


def _near_misses(answer: Sequence[float], expected: Sequence[float], tolerance, near) -> str:
    """The message for the first known slip that ``answer`` matches."""
    flat = list(expected)
    for miss in near:
        if _numbers_match(answer, _flat(miss.value), tolerance):
            return f"✗ {miss.message}"
    if any(e != 0 for e in flat) and _numbers_match(answer, [-e for e in flat], tolerance):
        return "✗ the sign is wrong: check the direction of the step (x − α∇f, not x + α∇f)."
    if len(answer) == len(flat) > 1:
        wrong = [i for i, (a, e) in enumerate(zip(answer, flat)) if not close(a, e, tolerance)]
        if len(wrong) == 1 and flat[wrong[0]] != 0 and close(answer[wrong[0]], -flat[wrong[0]], tolerance):
            return f"✗ component {wrong[0] + 1} has the wrong sign."
        if len(flat) == 2 and _numbers_match(answer, flat[::-1], tolerance):
            return "✗ the components are swapped."
    if any(e != 0 for e in flat):
        for factor, words in ((2.0, "twice"), (0.5, "half")):
            if _numbers_match(answer, [factor * e for e in flat], tolerance):
                return f"✗ that is {words} the answer: check for a dropped or extra factor of 2 (d/dx x² = 2x)."
    if len(answer) == len(flat) and all(close(a, e, max(abs(e) * 0.05, 1e-3)) for a, e in zip(answer, flat)):
        return "✗ close, but not within the tolerance: carry more digits, and round only at the end."
    return ""


def _flat(value) -> list[float]:
    if isinstance(value, (int, float)):
        return [float(value)]
    out: list[float] = []
    for item in value:
        out.extend(_flat(item))
    return out


def _grade_number(expected, text, tolerance, choices, names, near, dimension):
    answer = read_number(text)
    if close(answer, expected, tolerance):
        return True, ""
    return False, _near_misses([answer], [expected], tolerance, near)


def _grade_vector(expected, text, tolerance, choices, names, near, dimension):
    answer = read_vector(text)
    if len(answer) != len(expected):
        return False, f"✗ the answer has {len(answer)} components; the vector has {len(expected)}."
    if _numbers_match(answer, expected, tolerance):
        return True, ""
    return False, _near_misses(answer, expected, tolerance, near)


def _grade_iterates(expected, text, tolerance, choices, names, near, dimension):
    answer = read_iterates(text, dimension)
    note = ""
    if len(answer) == len(expected) + 1 and near and _numbers_match(answer[0], _flat(near[0].value), tolerance):
        answer, note = answer[1:], " (x₀ itself need not be listed)"
    if len(answer) != len(expected):
        return False, f"✗ {len(answer)} iterates given; the question asks for {len(expected)}."
    for index, (got, want) in enumerate(zip(answer, expected), start=1):
        if not _numbers_match(got, want, tolerance):
            later = "; the later ones follow from it" if index < len(expected) else ""
            slip = _near_misses(got, want, tolerance, ())
            return False, (f"✗ iterate {index} is wrong: {answer_text('vector', got) if len(got) > 1 else number_text(got[0])}"
                           f" instead of {answer_text('vector', want) if len(want) > 1 else number_text(want[0])}"
                           f"{later}." + (f" {slip[2:]}" if slip else ""))
    return True, "✓ correct" + note + "."


def _grade_expression(expected, text, tolerance, choices, names, near, dimension):
    answer = read_expressions(text, names)
    if len(answer) != len(expected):
        return False, f"✗ the answer has {len(answer)} entr{'y' if len(answer) == 1 else 'ies'}; expected {len(expected)}."
    for index, (got, want) in enumerate(zip(answer, expected), start=1):
        if equivalent(got, want):
            continue
        where = f"entry {index}" if len(expected) > 1 else "the expression"
        if want != 0 and equivalent(got, -want):
            return False, f"✗ {where} has the wrong sign."
        if want != 0 and (equivalent(got, 2 * want) or equivalent(2 * got, want)):
            return False, f"✗ {where} is off by a factor of 2: check the chain rule (d/dx (x − c)² = 2(x − c))."
        return False, f"✗ {where} is not equivalent to {sp.sstr(want)}."
    return True, ""


SAMPLES = 6
"""Random points at which two expressions must agree."""
AGREEMENT = 1e-9
"""Relative agreement required at each point."""
DIGITS = 30
"""Decimal digits of the sample evaluations."""
LARGEST = mpmath.mpf(10) ** 300
"""Largest magnitude any part of an expression may reach in an evaluation; beyond it the value counts as not
finite (so exp(exp(exp(exp(10)))) stops at its second exp instead of growing without bound)."""
SYMBOLIC_OPERATIONS = 300
"""Largest a − b (in SymPy operations) that is expanded symbolically; larger ones are judged by value alone."""
SYMBOLIC_POWER = 64
"""Largest integer exponent expanded symbolically: (x + 1)^1000000 would have a million terms."""


def equivalent(a: sp.Expr, b: sp.Expr) -> bool:
    """a ≡ b: their difference expands to 0 — tried only when a − b is small (at most SYMBOLIC_OPERATIONS
    operations and integer powers up to SYMBOLIC_POWER, decided before any expansion) — or else
    |a − b| ≤ 10⁻⁹(1 + |a|) at SAMPLES random points in [0.3, 2.7]ⁿ (evaluated by value_at).

    A value of a or b that is not finite (an overflow, 0 to a negative power, a logarithm of a negative
    number) at any sample point means "not equivalent".
    """
    difference = a - b
    if _expandable(difference) and sp.expand(difference) == 0:
        return True
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    generator = random.Random(0)
    with mpmath.workdps(DIGITS):
        for _ in range(SAMPLES):
            point = {s: mpmath.mpf(generator.uniform(0.3, 2.7)) for s in symbols}
            left, right = _value_or_none(a, point), _value_or_none(b, point)
            if left is None or right is None or abs(left - right) > AGREEMENT * (1 + abs(left)):
                return False
    return True


def _expandable(expr: sp.Expr) -> bool:
    """Small enough to expand: few operations, small integer powers, no huge integers."""
    for node in sp.preorder_traversal(expr):
        if node.is_Pow and node.exp.is_Integer and abs(int(node.exp)) > SYMBOLIC_POWER:
            return False
        if node.is_Integer and abs(int(node)).bit_length() > 200:
            return False
    return sp.count_ops(expr) <= SYMBOLIC_OPERATIONS


def value_at(expr: sp.Expr, point: dict) -> float:
    """``expr`` at ``point`` (symbols to numbers) as a float, nan when it is not a finite real number (see
    _value: the work is bounded whatever the constants)."""
    with mpmath.workdps(DIGITS):
        value = _value_or_none(expr, {s: mpmath.mpf(v) for s, v in point.items()})
    return math.nan if value is None else float(value)


_FUNCTIONS = {sp.exp: mpmath.exp, sp.log: mpmath.log, sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan,
              sp.tanh: mpmath.tanh, sp.atan: mpmath.atan, sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh,
              sp.Abs: abs, sp.sign: mpmath.sign}
"""The functions the safe parser allows (and sign, from ∇|x|), in mpmath."""


def _value_or_none(expr: sp.Expr, point: dict):
    try:
        return _value(expr, point)
    except (ArithmeticError, ValueError, TypeError, RecursionError):
        return None


def _value(expr, point: dict):
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


def _grade_interval(expected: Interval, text, tolerance, choices, names, near, dimension):
    answer = read_interval(text)
    ends = all(
        (math.isinf(a) and a == e) or (math.isfinite(a) and math.isfinite(e) and close(a, e, tolerance))
        for a, e in ((answer.lower, expected.lower), (answer.upper, expected.upper))
    )
    if not ends:
        if math.isfinite(expected.upper) and close(answer.upper, expected.upper / 2, tolerance):
            return False, "✗ the upper end is half the right one: the bound is 2/λmax, not 1/λmax."
        if math.isfinite(expected.upper) and close(answer.upper, 2 * expected.upper, tolerance):
            return False, "✗ the upper end is twice the right one: the bound is 2/λmax, with λmax the largest curvature."
        return False, f"✗ the ends are wrong: the interval is {expected.text()}."
    if answer.upper_closed != expected.upper_closed and math.isfinite(expected.upper):
        return False, ("✗ the ends are right, but at α = " + number_text(expected.upper)
                       + (" the iterates oscillate with constant size and never converge: the bound is strict."
                          if not expected.upper_closed else " the bound is included."))
    if answer.lower_closed != expected.lower_closed:
        return False, ("✗ the ends are right, but α = 0 never moves: the lower bound is strict."
                       if expected.lower == 0 else "✗ the ends are right but the lower end's inclusion is not.")
    return True, ""


def _grade_choice(expected, text, tolerance, choices, names, near, dimension):
    answer = read_choice(text, choices or (expected,))
    if answer == expected:
        return True, ""
    for miss in near:
        if miss.value == answer:
            return False, f"✗ {miss.message}"
    return False, f"✗ not {answer}: the answer is {expected}."


_GRADERS = {
    "number": _grade_number,
    "vector": _grade_vector,
    "iterates": _grade_iterates,
    "expression": _grade_expression,
    "interval": _grade_interval,
    "choice": _grade_choice,
}
