"""Reading a student's answer forgivingly and grading it against the expected one.

Every spelling goes through the safe parser (gdcli.engine.expression), never eval:

- number:      ``0.2``, ``1/5``, ``2e-1``, ``pi/4``; as exact as the question declares (Exactness: significant
               figures, or an absolute or relative tolerance), by default to 4 significant figures;
- vector:      ``1.2, -0.6``, ``[1.2, -0.6]``, ``(1.2; -0.6)``;
- iterates:    ``0.6, 1.08, 1.464`` in one dimension; ``(1.2, -0.6); (0.72, 0.36)`` or ``(1.2, -0.6), (…)``
               in several;
- expression:  any equivalent form (``2*(x - 3)`` = ``2*x - 6``), a list for a gradient, decided soundly by
               gdcli.practice.equivalence; implicit products (``2x``, ``(1 − 2α)x``) and Greek letters (α is
               ``alpha``) are read;
- interval:    ``0 < a < 1``, ``(0, 1)``, ``a < 1`` (a step size is positive, so a missing lower bound is 0),
               ``0 < α ≤ 1``, ``[0, 1)``;
- choice:      the whole answer, after normalising case, spaces, hyphens and articles, is one of the choices
               or of its declared synonyms (``a local minimum`` for ``minimum`` when declared).

A leading ``name =`` is dropped (``x1 = [1.2, -0.6]``). A wrong answer gets feedback naming the likely slip:
a sign error, the wrong step, an ascent step, a factor of two, rounding, a bound that should be strict.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence

from gdcli.engine.expression import FUNCTIONS, parse_expression, parse_number, plain_number, vector_parts
from gdcli.errors import GdError

KINDS = ("number", "vector", "iterates", "expression", "interval", "choice")
MAX_ANSWER = 2000
"""Longest answer text read, in characters."""
GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "eps", "η": "eta", "θ": "theta",
         "κ": "kappa", "λ": "lam", "μ": "mu", "ρ": "rho", "σ": "sigma", "τ": "tau"}
"""Greek letters and the names they stand for in answers."""
SIGNS = {"≤": "<=", "≥": ">=", "−": "-", "–": "-", "·": "*", "×": "*", "²": "^2", "³": "^3", "⁴": "^4",
         "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4"}
"""Typographic signs and their ASCII spelling."""
ARTICLES = ("a", "an", "the")


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
class Exactness:
    """How exact a number must be: ``sigfigs`` significant figures (|a − e| ≤ ½·10^(⌊log₁₀|e|⌋ − n + 1)), or
    an ``absolute`` tolerance |a − e| ≤ t, or a ``relative`` one |a − e| ≤ t·|e|."""

    how: str = "sigfigs"
    amount: float = 4

    def allowed(self, expected: float, scale: float = 0.0) -> float:
        """The largest |answer − expected| accepted; ``scale`` is the largest size among the numbers of the
        same answer (so a component that is float noise around 0 is judged against its vector)."""
        if self.how == "absolute":
            return self.amount
        size = max(abs(expected), 1e-9 * scale, 1e-12)
        if self.how == "relative":
            return self.amount * size
        return 0.5 * 10 ** (math.floor(math.log10(size)) - int(self.amount) + 1) * (1 + 1e-9)

    def text(self) -> str:
        if self.how == "absolute":
            return f"to within ±{number_text(self.amount)}"
        if self.how == "relative":
            return f"to within {number_text(100 * self.amount)} % of the value"
        return f"to {int(self.amount)} significant figure{'s' if self.amount != 1 else ''}"

    def to_dict(self) -> dict:
        return {"how": self.how, "amount": self.amount}


DEFAULT_EXACTNESS = Exactness("sigfigs", 4)
"""Where a question declares no exactness, numbers are graded to 4 significant figures (and told so)."""


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
    misconception: str | None = None

    def to_dict(self) -> dict:
        """The verdict as `gd practice check --json` gives it. ``expected`` is the answer graded against when
        the answer is right, and null when it is wrong: a wrong answer never reveals the right one (the
        student asks with `gd practice solution`, which records the reveal)."""
        return {"correct": self.correct, "expected": self.expected if self.correct else None,
                "feedback": self.feedback, "misconception": self.misconception}


# ---------------------------------------------------------------------------------------------------------
# formatting: the text `gd practice solution` gives is text that `check` accepts

def number_text(value: float) -> str:
    """Ten significant digits without float noise: 0.6000000000000001 → 0.6."""
    value = float(value)
    if value == 0:
        return "0"
    return f"{value:.10g}"


def _without_noise(values) -> list[float]:
    """A vector's components with float round-off around 0 (below 10⁻¹² of the largest) written as 0."""
    scale = max((abs(v) for v in values), default=0.0)
    return [0.0 if abs(v) <= 1e-12 * scale else v for v in values]


def answer_text(kind: str, expected) -> str:
    """The expected answer written as a student would type it."""
    if kind == "number":
        return number_text(expected)
    if kind == "vector":
        return "[" + ", ".join(number_text(v) for v in _without_noise(expected)) + "]"
    if kind == "iterates":
        if all(len(row) == 1 for row in expected):
            return ", ".join(number_text(row[0]) for row in expected)
        return "; ".join("(" + ", ".join(number_text(v) for v in _without_noise(row)) + ")" for row in expected)
    if kind == "expression":
        shown = [_expression_text(e) for e in expected]
        return shown[0] if len(shown) == 1 else "[" + ", ".join(shown) + "]"
    if kind == "interval":
        return expected.text()
    return str(expected)


@lru_cache(maxsize=1024)
def _expression_text(expr) -> str:
    """An expression as SymPy's str prints it (kept: the variants of a template share their expressions)."""
    import sympy as sp

    return sp.sstr(expr)


# ---------------------------------------------------------------------------------------------------------
# reading

@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Strip, spell typographic signs in ASCII and Greek letters as the names they stand for (``2α`` →
    ``2*alpha``), and drop a leading ``name =`` (kept per text, as the readings below: the same answer is
    often typed again)."""
    if not isinstance(text, str) or not text.strip():
        raise GdError("the answer is empty")
    if len(text) > MAX_ANSWER:
        raise GdError(f"the answer is {len(text)} characters long; the limit is {MAX_ANSWER}")
    for symbol, spelled in SIGNS.items():
        text = text.replace(symbol, spelled)
    text = _spell_greek(text).strip()
    parts = re.split(r"(?<![<>=!])=(?!=)", text)
    if len(parts) == 2 and parts[1].strip():
        text = parts[1].strip()
    return text


def _spell_greek(text: str) -> str:
    """Each Greek letter as its name, with a product sign where it touches a number, a name or a bracket."""
    out = ""
    for index, char in enumerate(text):
        name = GREEK.get(char)
        if name is None:
            out += char
            continue
        before = out.rstrip()[-1:]
        after = text[index + 1:index + 2]
        out += ("*" if before and (before.isalnum() or before in "_)") and before not in GREEK else "") + name
        out += "*" if after and (after.isalnum() or after == "(" or after in GREEK) else ""
    return out


_NUMBER_BEFORE_PRODUCT = re.compile(r"(?<![A-Za-z_\d.])(\d+(?:\.\d*)?)(?![eE][+-]?\d)\s*(?=[A-Za-z(])")
_BRACKET_BEFORE_PRODUCT = re.compile(r"\)\s*(?=[A-Za-z0-9_(])")
_NAME_BEFORE_BRACKET = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def implicit_products(text: str) -> str:
    """Write the products a student leaves implicit: ``2x`` → ``2*x``, ``(1 - a)x`` → ``(1 - a)*x``,
    ``x(1 - a)`` → ``x*(1 - a)`` (a function name before a bracket stays a call)."""
    text = _NUMBER_BEFORE_PRODUCT.sub(r"\1*", text)
    text = _BRACKET_BEFORE_PRODUCT.sub(")*", text)
    return _NAME_BEFORE_BRACKET.sub(lambda m: m.group(0) if m.group(1) in FUNCTIONS else m.group(1) + "*(", text)


def read_number(text: str) -> float:
    """``0.2``, ``1/5``, ``2e-1``, ``pi/4``, ``-2sqrt(5)`` → a float."""
    return constant(implicit_products(normalise(text)), "the answer")


def read_vector(text: str) -> list[float]:
    """``1.2, -0.6`` or ``[1.2, -0.6]`` → floats."""
    return [constant(part, "the answer", "an entry of the answer")
            for part in vector_parts(normalise(text), "the answer")]


PLAIN_LARGEST = 1e300
"""The largest magnitude a constant read as plain arithmetic is taken at once; beyond it, the bounds of
gdcli.practice.equivalence (LARGEST, 10^300) apply through ``real``."""


@lru_cache(maxsize=4096)
def constant(text: str, what: str, called: str | None = None) -> float:
    """A constant's text as a float: exactly, without SymPy, when it is numbers joined by + − × ÷
    (gdcli.engine.expression.plain_number) and within PLAIN_LARGEST, else through the parser and ``real``."""
    value = plain_number(text, what)
    if value is not None and abs(value) <= PLAIN_LARGEST:
        return value
    return real(parse_number(text, what), called or what)


def real(value, what: str) -> float:
    """A constant as a finite float, computed node by node with bounded work (value_at), so that a constant
    such as exp(exp(exp(exp(10)))) or cos(exp(exp(20))) is refused at once instead of computed to millions of
    digits."""
    from gdcli.practice.equivalence import value_at

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
    return [[constant(part, "an iterate") for part in vector_parts(group, "an iterate")] for group in groups]


def read_expressions(text: str, names: Sequence[str]) -> list:
    """One expression, or a bracketed or comma-separated list (split at top-level commas only)."""
    body = implicit_products(normalise(text))
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


@lru_cache(maxsize=1024)
def _parse_free(text: str) -> tuple:
    """An expression that may also be a constant (the safe parser refuses constants as objectives); the
    parser's errors are reworded to speak of the answer. Kept per text: the same answer is often typed again."""
    try:
        return parse_expression(text)
    except GdError as error:
        if "no variables" not in str(error):
            raise GdError(str(error).replace("an objective", "an answer").replace("objective", "answer")) from None
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
    return constant(text, "an end of the interval")


def _ordered(lo: float, hi: float, lo_closed: bool, hi_closed: bool) -> Interval:
    if not lo < hi:
        raise GdError(f"the interval is empty: {number_text(lo)} is not below {number_text(hi)}")
    return Interval(lo, hi, lo_closed, hi_closed)


def choice_key(text: str) -> str:
    """A choice as compared: lower case, articles dropped, spaces, hyphens and a final full stop ignored
    (``A local-minimum.`` → ``localminimum``)."""
    words = re.sub(r"[\s\-‐_]+", " ", text.lower().strip().rstrip(".!")).split()
    return "".join(w for w in words if w not in ARTICLES)


def read_choice(text: str, choices: Sequence[str], synonyms: Mapping[str, Sequence[str]] | None = None) -> str:
    """The choice the whole answer names: its letter as listed (``b`` or ``(b)``), or a choice or one of its
    declared synonyms, compared by choice_key. Anything else — a prefix, a word sharing letters, trailing words — is not one of the choices."""
    body = normalise(text)
    letter = re.fullmatch(r"\(?([a-z])\)?", body.lower())
    if letter and ord(letter.group(1)) - ord("a") < len(choices):
        return choices[ord(letter.group(1)) - ord("a")]
    key = choice_key(body)
    if not key:
        raise GdError("the answer is empty")
    for choice in choices:
        if key in {choice_key(c) for c in (choice, *(synonyms or {}).get(choice, ()))}:
            return choice
    raise GdError(f"'{text.strip()[:60]}' is not one of the choices: {', '.join(choices)}")


# ---------------------------------------------------------------------------------------------------------
# grading

@dataclass(frozen=True)
class Task:
    """What grading one answer needs besides its text: the expected answer (as answer_text documents), how
    exact numbers must be, the choices and their synonyms, the names an expression may use, known near misses,
    the dimension of iterates, and the problem's own points (name → value) where expressions are compared."""

    kind: str
    expected: object
    exactness: Exactness = DEFAULT_EXACTNESS
    choices: Sequence[str] = ()
    synonyms: Mapping[str, Sequence[str]] = field(default_factory=dict)
    names: Sequence[str] = ()
    near: Sequence[NearMiss] = ()
    dimension: int = 1
    points: Sequence[Mapping[str, float]] = ()


def close(answer: float, expected: float, exactness: Exactness = DEFAULT_EXACTNESS, scale: float = 0.0) -> bool:
    """|answer − expected| within what ``exactness`` allows (infinities must be equal)."""
    if not (math.isfinite(answer) and math.isfinite(expected)):
        return answer == expected
    return abs(answer - expected) <= exactness.allowed(expected, scale)


def grade(kind: str, expected, text: str, *, exactness: Exactness | float | None = None,
          choices: Sequence[str] = (), synonyms: Mapping[str, Sequence[str]] | None = None,
          names: Sequence[str] = (), near: Sequence[NearMiss] = (), dimension: int = 1,
          points: Sequence[Mapping[str, float]] = ()) -> Verdict:
    """Grade ``text`` against ``expected``. ``exactness`` may be a bare number: an absolute tolerance. A wrong
    answer's feedback never names the expected answer (the Verdict carries it for the caller to reveal)."""
    if exactness is None:
        exactness = DEFAULT_EXACTNESS
    elif not isinstance(exactness, Exactness):
        exactness = Exactness("absolute", float(exactness))
    task = Task(kind, expected, exactness, tuple(choices), dict(synonyms or {}), tuple(names), tuple(near),
                dimension, tuple(points))
    shown = answer_text(kind, expected)
    try:
        correct, feedback, misconception = _GRADERS[kind](task, text)
    except GdError as error:
        return Verdict(False, shown, f"{error}.")
    except (ArithmeticError, ValueError, TypeError, RecursionError) as error:  # SymPy, building a hostile answer
        return Verdict(False, shown, f"✗ this answer cannot be evaluated ({type(error).__name__}): write it more "
                                     "simply.")
    if correct:
        return Verdict(True, shown, feedback or "✓ correct.")
    return Verdict(False, shown, feedback or "✗ not quite.", misconception)


Outcome = tuple[bool, str, "str | None"]


def numbers_match(answer: Sequence[float], expected: Sequence[float], exactness: Exactness) -> bool:
    """Equal length and every number close (gdcli.practice.grading.close, judged against the largest)."""
    scale = max((abs(e) for e in expected if math.isfinite(e)), default=0.0)
    return len(answer) == len(expected) and all(close(a, e, exactness, scale) for a, e in zip(answer, expected))


def _near_misses(answer: Sequence[float], expected: Sequence[float], exactness: Exactness,
                 near: Sequence[NearMiss]) -> Outcome:
    """The feedback and misconception for the first known slip that ``answer`` matches."""
    wanted = list(expected)
    for miss in near:
        if same_slip(answer, flat(miss.value), wanted, exactness):
            return False, f"✗ {miss.message}", miss.message
    if any(e != 0 for e in wanted) and numbers_match(answer, [-e for e in wanted], exactness):
        message = "the sign is wrong: check the direction of the step (x − α∇f, not x + α∇f)."
        return False, f"✗ {message}", message
    if len(answer) == len(wanted) > 1:
        wrong = [i for i, (a, e) in enumerate(zip(answer, wanted)) if not close(a, e, exactness)]
        if len(wrong) == 1 and wanted[wrong[0]] != 0 and close(answer[wrong[0]], -wanted[wrong[0]], exactness):
            message = f"component {wrong[0] + 1} has the wrong sign."
            return False, f"✗ {message}", message
        if len(wanted) == 2 and wanted[0] != wanted[1] and numbers_match(answer, wanted[::-1], exactness):
            return False, "✗ the components are swapped.", "the components are swapped."
    if any(e != 0 for e in wanted):
        for factor, words in ((2.0, "twice"), (0.5, "half")):
            if numbers_match(answer, [factor * e for e in wanted], exactness):
                message = f"that is {words} the answer: check for a dropped or extra factor of 2 (d/dx x² = 2x)."
                return False, f"✗ {message}", message
    if len(answer) == len(wanted) and all(close(a, e, Exactness("relative", 0.05)) or abs(a - e) <= 1e-3
                                        for a, e in zip(answer, wanted)):
        return False, (f"✗ close, but not {exactness.text()}: carry more digits, and round only at the "
                       "end."), None
    return False, "", None


def same_slip(answer: Sequence[float], slip: Sequence[float], right: Sequence[float], exactness: Exactness) -> bool:
    """``answer`` is the slip's value, each number judged at the size of the slip's or the right answer's,
    whichever is larger (a slip that gives 10⁻⁹ where the answer is 0.9 is matched by 0)."""
    return len(answer) == len(slip) == len(right) and all(
        math.isfinite(a) and math.isfinite(m) and abs(a - m) <= exactness.allowed(max(abs(m), abs(r)))
        for a, m, r in zip(answer, slip, right))


def flat(value) -> list[float]:
    """The numbers of a number, vector or list of iterates, in order."""
    if isinstance(value, (int, float)):
        return [float(value)]
    out: list[float] = []
    for item in value:
        out.extend(flat(item))
    return out


def _grade_number(task: Task, text: str) -> Outcome:
    answer = read_number(text)
    if close(answer, task.expected, task.exactness):
        return True, "", None
    return _near_misses([answer], [task.expected], task.exactness, task.near)


def _grade_vector(task: Task, text: str) -> Outcome:
    answer = read_vector(text)
    if len(answer) != len(task.expected):
        return False, f"✗ the answer has {len(answer)} components; the vector has {len(task.expected)}.", None
    if numbers_match(answer, task.expected, task.exactness):
        return True, "", None
    return _near_misses(answer, task.expected, task.exactness, task.near)


def _grade_iterates(task: Task, text: str) -> Outcome:
    expected, near = task.expected, task.near
    answer = read_iterates(text, task.dimension)
    note = ""
    if len(answer) == len(expected) + 1 and near and numbers_match(answer[0], flat(near[0].value), task.exactness):
        answer, note = answer[1:], " (x₀ itself need not be listed)"
    if len(answer) != len(expected):
        return False, f"✗ {len(answer)} iterates given; the question asks for {len(expected)}.", None
    for index, (got, want) in enumerate(zip(answer, expected), start=1):
        if not numbers_match(got, want, task.exactness):
            later = "; the later ones follow from it" if index < len(expected) else ""
            _, slip, misconception = _near_misses(got, want, task.exactness, ())
            return False, (f"✗ iterate {index} is wrong{later}." + (f" {slip[2:]}" if slip else "")), misconception
    return True, "✓ correct" + note + ".", None


def _grade_expression(task: Task, text: str) -> Outcome:
    from gdcli.practice.equivalence import compare

    expected = task.expected
    answer = read_expressions(text, task.names)
    if len(answer) != len(expected):
        return False, (f"✗ the answer has {len(answer)} entr{'y' if len(answer) == 1 else 'ies'}; expected "
                       f"{len(expected)}."), None
    for index, (got, want) in enumerate(zip(answer, expected), start=1):
        comparison = compare(got, want, task.points)
        if comparison.equivalent:
            continue
        where = f"entry {index}" if len(expected) > 1 else "the expression"
        if want != 0 and compare(got, -want, task.points).equivalent:
            return False, f"✗ {where} has the wrong sign.", "the sign is flipped."
        if want != 0 and (compare(got, 2 * want, task.points).equivalent
                          or compare(2 * got, want, task.points).equivalent):
            return False, (f"✗ {where} is off by a factor of 2: check the chain rule (d/dx (x − c)² = "
                           "2(x − c))."), "a factor of 2 is dropped or doubled."
        if comparison.method == "undecided":
            return False, (f"✗ {where} could not be checked: it is undefined at almost every point tried; "
                           "write it in a simpler form."), None
        if comparison.witness:
            at = ", ".join(f"{name} = {number_text(round(value, 4))}" for name, value in comparison.witness.items())
            return False, f"✗ {where} is not equivalent to the expected one: they differ at {at}.", None
        return False, f"✗ {where} is not equivalent to the expected one.", None
    return True, "", None


def equivalent(a, b, points: Sequence[Mapping[str, float]] = ()) -> bool:
    """a ≡ b wherever both are defined (gdcli.practice.equivalence.compare)."""
    from gdcli.practice.equivalence import compare

    return compare(a, b, points).equivalent


def _grade_interval(task: Task, text: str) -> Outcome:
    expected, exactness = task.expected, task.exactness
    answer = read_interval(text)
    ends = all(
        (math.isinf(a) and a == e) or (math.isfinite(a) and math.isfinite(e) and close(a, e, exactness))
        for a, e in ((answer.lower, expected.lower), (answer.upper, expected.upper))
    )
    if not ends:
        for miss in task.near:
            if isinstance(miss.value, Interval) and close(answer.lower, miss.value.lower, exactness) \
                    and close(answer.upper, miss.value.upper, exactness):
                return False, f"✗ {miss.message}", miss.message
        if math.isfinite(expected.upper) and close(answer.upper, expected.upper / 2, exactness):
            message = "the upper end is half the right one: the bound is 2/λmax, not 1/λmax."
            return False, f"✗ {message}", message
        if math.isfinite(expected.upper) and close(answer.upper, 2 * expected.upper, exactness):
            message = "the upper end is twice the right one: the bound is 2/λmax, with λmax the largest curvature."
            return False, f"✗ {message}", message
        return False, "✗ the ends are wrong.", None
    if answer.upper_closed != expected.upper_closed and math.isfinite(expected.upper):
        if not expected.upper_closed:
            message = (f"at α = {number_text(expected.upper)} the iterates oscillate with constant size and "
                       "never converge: the bound is strict (< not ≤).")
            return False, f"✗ the ends are right, but {message}", message
        return False, "✗ the ends are right, but the upper bound is included.", None
    if answer.lower_closed != expected.lower_closed:
        return False, ("✗ the ends are right, but α = 0 never moves: the lower bound is strict."
                       if expected.lower == 0 else "✗ the ends are right but the lower end's inclusion is not."), None
    return True, "", None


def _grade_choice(task: Task, text: str) -> Outcome:
    answer = read_choice(text, task.choices or (task.expected,), task.synonyms)
    if answer == task.expected:
        return True, "", None
    for miss in task.near:
        if miss.value == answer:
            return False, f"✗ {miss.message}", miss.message
    return False, f"✗ not {answer}.", None


_GRADERS = {
    "number": _grade_number,
    "vector": _grade_vector,
    "iterates": _grade_iterates,
    "expression": _grade_expression,
    "interval": _grade_interval,
    "choice": _grade_choice,
}
