"""Random variants of a practice problem, each certified by the engine before it is shown.

A problem file may declare parameters, what every variant must satisfy, and the original numbers::

    [parameters]
    a = { integers = [1, 9] }                        # a whole number from 1 to 9
    lr = { choice = ["0.1", "0.2", "0.25"] }         # one of the listed values
    start = { vector = 2, integers = [-5, 5], nonzero = true }   # a vector of whole numbers, none zero
    [variants]
    original = { a = 3, lr = "0.1", start = [2, 1] } # variant 0: the seed's numbers
    require = ["converges", "zigzags", "answers_exact(digits = 4)"]

The statement, prompts, hints, explanations and data are written against the parameters: ``{a}`` is a's
value, ``{2*a}`` an arithmetic expression in the parameters (read by the safe parser), and a data value
that is exactly ``"{start}"`` becomes the parameter's value itself (a list, a number). Other braces — ``{1,
100}``, ``{answer}`` — are left as written.

Variant 0 is the original. Variant S (S ≠ 0) draws values from ``random.Random(S)`` until the problem they
make satisfies every requirement (PREDICATES, each checked by running the engine on the variant), at most
MAX_DRAWS times, cheapest requirement first. The same seed always gives the same variant; a seed may be
written as a number or as any text (a student's name or id), which is hashed (seed_of). A value set drawn
again (by another seed) gives the problem certified for it, its answers computed once.

Which predicates are exact. A problem whose objective is a quadratic with a rational Hessian H, run by gd,
momentum or Nesterov (the linear rules) at a constant rational α from a rational start with rational β, is a
linear iteration with rational coefficients, so it is judged in Fraction arithmetic (_Exact), the data read
as written ("0.1" is 1/10):

- converges / oscillates / diverges: for H positive definite, by the exact inertia (Sylvester's law,
  gdcli.engine.stability.inertia) of c·I − H, where c is the curvature at which the rule's contraction
  reaches 1 (2/α for gd; CONVERGENT_CURVATURE) — exact even where an eigenvalue of H is irrational;
- zigzags: the inertia of I/α − H (some αλ > 1);
- diverges_before(n), converges_within(n): the engine's own rule (gdcli.engine.optimizers) iterated in
  Fraction arithmetic by gdcli.engine.exact, with gdcli.engine.run's divergence test applied exactly;
- answers_exact(digits): the answers of such runs (EXACT_ANSWERS: iterates, values, optimizer states,
  gradients) from the exact iterates, the engine's float answer required to agree; for Newton's method
  (α rational, no line search) its iterates come from gdcli.engine.methods_exact, and its gradients exactly.

Where a question also shows the engine's float answer (its behaviour or zigzag), the variant is kept only
if the two agree. Everything else is judged on the engine's float run and float answers, because no exact
reading exists there or it is not the question's: a schedule, a non-quadratic objective, an adaptive
optimizer (its square root of a rational is rarely rational), an irrational number in the data, a singular
or indefinite Hessian (whose behaviour the engine reads from its run, not from ρ alone), answers that are
not a run's (stable ranges, rates, step counts, schedules) and digit budgets past gdcli.engine.exact's.
distinct_answers and nonzero_answers compare the engine's answers as they are shown.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import itertools
import math
import random
import re
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable

from gdcli.errors import GdError, ProblemError
from gdcli.practice.answers import Context
from gdcli.practice.grading import Interval, answer_text, number_text

MAX_DRAWS = 500
"""Most draws tried for one seed before the template is reported as too strict."""
MAX_PARAMETERS = 12
MAX_RANGE = 10**6
_PLACEHOLDER = re.compile(r"\{([^{}]{1,80})\}")


def seed_of(text: str | int) -> int:
    """A seed from a whole number (as given) or from any other text (the first 8 bytes of its SHA-256, so a
    student's name or id always gives the same variant)."""
    if isinstance(text, int):
        return text
    body = str(text).strip()
    if re.fullmatch(r"[0-9]{1,18}", body):
        return int(body)
    if not body:
        raise GdError("--seed is empty: give a whole number or a name")
    return int.from_bytes(hashlib.sha256(body.encode("utf-8")).digest()[:8], "big")


# ---------------------------------------------------------------------------------------------------------
# parameters

@dataclass(frozen=True)
class Parameter:
    """One parameter: whole numbers in [low, high] (a ``size``-vector of them when size > 0, each nonzero
    when asked), or one of ``options``."""

    name: str
    low: int = 0
    high: int = 0
    options: tuple = ()
    size: int = 0
    nonzero: bool = False
    exclude: tuple = ()

    def draw(self, generator: random.Random) -> Any:
        if self.options:
            return generator.choice(self.options)
        if self.size:
            return [self._whole(generator) for _ in range(self.size)]
        return self._whole(generator)

    def _whole(self, generator: random.Random) -> int:
        while True:
            value = generator.randint(self.low, self.high)
            if not (self.nonzero and value == 0) and value not in self.exclude:
                return value


def read_parameters(table: Any, fail: Callable[[str, str], ProblemError]) -> dict[str, Parameter]:
    """The [parameters] table, validated field by field."""
    if not isinstance(table, dict) or not table:
        raise fail("parameters", "must be a table of parameters")
    if len(table) > MAX_PARAMETERS:
        raise fail("parameters", f"{len(table)} parameters; the limit is {MAX_PARAMETERS}")
    found = {}
    for name, spec in table.items():
        where = f"parameters.{name}"
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", name) or name == "answer":
            raise fail(where, "a parameter name is letters, digits and _, starting with a letter (not 'answer')")
        if not isinstance(spec, dict):
            raise fail(where, "must be a table such as { integers = [1, 9] } or { choice = [...] }")
        unknown = set(spec) - {"integers", "choice", "vector", "nonzero", "exclude"}
        if unknown:
            raise fail(f"{where}.{sorted(unknown)[0]}", "unknown field (fields: integers, choice, vector, nonzero, "
                                                         "exclude)")
        if ("integers" in spec) == ("choice" in spec):
            raise fail(where, "give exactly one of integers = [low, high] and choice = [...]")
        if "choice" in spec:
            options = spec["choice"]
            if not isinstance(options, list) or not options or not all(
                    isinstance(o, (str, int, float)) and not isinstance(o, bool) for o in options):
                raise fail(f"{where}.choice", "must be a list of numbers or texts")
            found[name] = Parameter(name, options=tuple(options))
            continue
        bounds = spec["integers"]
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, int) and not isinstance(b, bool)
                                                                       for b in bounds)
                and bounds[0] <= bounds[1] and max(map(abs, bounds)) <= MAX_RANGE):
            raise fail(f"{where}.integers", f"must be [low, high], whole numbers with low ≤ high, |·| ≤ {MAX_RANGE}")
        size = spec.get("vector", 0)
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= 10:
            raise fail(f"{where}.vector", "must be a whole number from 1 to 10 (the vector's length)")
        nonzero = spec.get("nonzero", False)
        if not isinstance(nonzero, bool):
            raise fail(f"{where}.nonzero", "must be true or false")
        exclude = spec.get("exclude", [])
        if not isinstance(exclude, list) or not all(isinstance(e, int) and not isinstance(e, bool) for e in exclude):
            raise fail(f"{where}.exclude", "must be a list of whole numbers")
        allowed = [v for v in range(bounds[0], min(bounds[1], bounds[0] + 1000) + 1)
                   if not (nonzero and v == 0) and v not in exclude]
        if not allowed:
            raise fail(f"{where}.integers", "no whole number in the range is allowed")
        found[name] = Parameter(name, bounds[0], bounds[1], size=size, nonzero=nonzero, exclude=tuple(exclude))
    return found


# ---------------------------------------------------------------------------------------------------------
# drawing

MAX_KEPT = 2048
"""Most value sets whose verdict (and certified problem) is kept."""
_KEPT: dict[tuple, tuple[dict, Any]] = {}
"""(id of the template's document, its values) → (the document, the certified problem or None when the values
failed). A verdict depends only on the file and the values, so a value set drawn again by another seed is not
certified again, and its answers are computed once. Each entry keeps its document alive, so the document's id
in the key cannot be reused by another while the entry lives."""


def draw(document: dict, parameters: dict[str, Parameter], requirements: list, seed: int,
         build: Callable[[dict], Any], fail: Callable[[str, str], ProblemError]):
    """Variant ``seed`` of a template: the first values drawn from ``random.Random(seed)`` whose problem
    (``build(values)``) satisfies every requirement; a draw the engine cannot run (an undefined start, a run
    that stops early) is drawn again. A value set certified before gives its problem again, with this seed."""
    generator = random.Random(seed)
    for _ in range(MAX_DRAWS):
        values = {name: parameter.draw(generator) for name, parameter in parameters.items()}
        key = (id(document), repr(sorted(values.items())))
        if key in _KEPT:
            kept = _KEPT[key][1]
            if kept is not None:
                return _reseeded(kept, seed)
            continue
        if len(_KEPT) >= MAX_KEPT:
            _KEPT.clear()
        problem = None
        try:
            candidate = build(values)
            if all(requirement.holds(candidate) for requirement in sorted(requirements, key=_cost)):
                problem = candidate
        except GdError:
            pass
        _KEPT[key] = (document, problem)
        if problem is not None:
            return problem
    raise fail("variants", f"no draw of {MAX_DRAWS} satisfied {', '.join(r.text for r in requirements)}")


def _cost(requirement) -> int:
    """Requirements are judged cheapest first: a run's fate (exact sign tests), then a number of steps
    (exact iterates), then the answers (the engine computes each question's)."""
    return {"diverges_before": 1, "converges_within": 1, "answers_exact": 2, "distinct_answers": 3,
            "nonzero_answers": 3}.get(requirement.name, 0)


def _reseeded(problem, seed: int):
    """The certified ``problem`` as variant ``seed``: its questions, with the answers computed so far, shared
    in copies that name the new problem."""
    found = copy.copy(problem)
    found.seed = seed
    found.questions = []
    for question in problem.questions:
        twin = copy.copy(question)
        twin.problem = found
        found.questions.append(twin)
    return found


# ---------------------------------------------------------------------------------------------------------
# templating

def instantiate(document: Any, values: dict[str, Any], texts: dict[str, str] | None = None) -> Any:
    """A copy of ``document`` with every ``{…}`` written against the parameters replaced by its value (``texts``:
    each value as value_text writes it, made here when not given)."""
    if texts is None:
        texts = {name: value_text(value) for name, value in values.items()}
    if isinstance(document, dict):
        return {key: instantiate(value, values, texts) for key, value in document.items()}
    if isinstance(document, list):
        return [instantiate(value, values, texts) for value in document]
    if isinstance(document, str) and "{" in document:
        whole = _PLACEHOLDER.fullmatch(document.strip())
        if whole and whole.group(1).strip() in values:
            return copy.deepcopy(values[whole.group(1).strip()])
        return _PLACEHOLDER.sub(lambda match: _fill(match.group(0), texts), document)
    return document


def _fill(placeholder: str, texts: dict[str, str]) -> str:
    body = placeholder[1:-1].strip()
    if body in texts:
        return texts[body]
    pieces = _pieces(body)
    names = set(pieces[1::2])
    if not names or not names <= set(texts) | {"sqrt", "pi", "abs"}:
        return placeholder
    filled = "".join(f"({texts[p]})" if i % 2 and p in texts else p for i, p in enumerate(pieces))
    return _evaluated(filled) or placeholder


@lru_cache(maxsize=4096)
def _pieces(body: str) -> tuple[str, ...]:
    """``body`` split around its names: text, name, text, …, name, text (kept: a template's placeholders are
    filled once per variant)."""
    return tuple(re.split(r"([A-Za-z_][A-Za-z0-9_]*)", body))


@lru_cache(maxsize=4096)
def _evaluated(text: str) -> str | None:
    """The value of constant arithmetic, through the safe parser (None when it is not a number); plain
    arithmetic below 10¹⁰ without SymPy (plain_number), where number_text writes a whole number as str(int) does."""
    from gdcli.engine.expression import parse_number, plain_number

    try:
        plain = plain_number(text, "a templated value")
        if plain is not None and abs(plain) < 1e10:
            return number_text(plain)
        return value_text(parse_number(text, "a templated value"))
    except GdError:
        return None


def value_text(value: Any) -> str:
    """A parameter's value as the text shows it: 3, 0.25, 1/5 as 0.2, a vector as (1, −2)."""
    if isinstance(value, list):
        return value_text(value[0]) if len(value) == 1 else "(" + ", ".join(value_text(v) for v in value) + ")"
    sympy = sys.modules.get("sympy")  # a SymPy number exists only once SymPy is imported: not imported for it
    if sympy is not None and isinstance(value, sympy.Basic):
        return str(int(value)) if value.is_Integer else number_text(float(value))
    if isinstance(value, float):
        return number_text(value)
    return str(value)


# ---------------------------------------------------------------------------------------------------------
# requirements

@dataclass(frozen=True)
class Requirement:
    """One predicate with its arguments, as written in ``require``."""

    text: str
    name: str
    arguments: dict

    def holds(self, problem) -> bool:
        return PREDICATES[self.name](problem, **self.arguments)


def read_requirements(items: Any, fail: Callable[[str, str], ProblemError]) -> list[Requirement]:
    """``require = ["converges", "diverges_before(20)", "answers_exact(digits = 4)", …]``: names of PREDICATES
    with whole-number arguments (positional ones fill the predicate's parameters in order), read by ``ast``."""
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise fail("variants.require", "must be a list of predicates such as \"converges\"")
    found = []
    for index, text in enumerate(items, start=1):
        where = f"variants.require[{index}]"
        try:
            node = ast.parse(text.strip(), mode="eval").body
        except SyntaxError:
            raise fail(where, f"cannot read '{text[:40]}'") from None
        call = node if isinstance(node, ast.Call) else None
        name_node = call.func if call else node
        if not isinstance(name_node, ast.Name) or name_node.id not in PREDICATES:
            raise fail(where, f"'{text[:40]}' is not a predicate (predicates: {', '.join(PREDICATES)})")
        arguments: dict[str, int] = {}
        if call:
            order = PREDICATE_ARGUMENTS[name_node.id]
            for position, arg in enumerate(call.args):
                if position >= len(order):
                    raise fail(where, f"{name_node.id} takes at most {len(order)} arguments")
                arguments[order[position]] = _whole_argument(arg, where, fail)
            for keyword in call.keywords:
                if keyword.arg not in order:
                    raise fail(where, f"{name_node.id} has no argument '{keyword.arg}' (it has {', '.join(order) or 'none'})")
                arguments[keyword.arg] = _whole_argument(keyword.value, where, fail)
        found.append(Requirement(text.strip(), name_node.id, arguments))
    return found


def _whole_argument(node: ast.AST, where: str, fail) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool) \
            and 0 <= node.value <= 100_000:
        return node.value
    raise fail(where, "arguments are whole numbers from 0 to 100000")


class _DataQuestion:
    """The problem's [data] (or one question's) seen as a question, for the engine's Context."""

    def __init__(self, problem, question: int | None, compute: str):
        self.problem = problem
        self.source = problem.question(question) if question else None
        self.data = self.source.data if self.source else problem.data
        self.kind = "choice"
        self.compute = compute

    def error(self, name: str, message: str) -> ProblemError:
        return self.problem.error(name, message)

    def data_error(self, key: str, message: str) -> ProblemError:
        return self.problem.error(f"data.{key}", message)


def _context(problem, question: int | None, compute: str) -> Context:
    return Context(_DataQuestion(problem, question, compute))


def _rational(value) -> Fraction:
    """A number of the data as it is written: "0.1" is 1/10, "3/20" is 3/20, 0.9 (a float) is 9/10."""
    from gdcli.engine import exact

    if isinstance(value, str):
        return Fraction(value.strip().replace("−", "-"))
    return exact.rational_number(value)


def _rationals(value) -> list[Fraction]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [_rational(item) for item in items]


CONVERGENT_CURVATURE = {
    "gd": lambda lr, beta: 2 / lr,
    "momentum": lambda lr, beta: 2 * (1 + beta) / lr,
    "nesterov": lambda lr, beta: 2 * (1 + beta) / ((1 + 2 * beta) * lr),
}
"""The curvature c(α, β) below which the linear rule contracts along an eigenvector: 0 < λ < c(α, β) ⟺
ρ < 1, λ = c gives ρ = 1 (an eigenvalue −1), λ > c gives ρ > 1 (gdcli.engine.stability.stability_bound
solved for λ, for 0 ≤ β < 1)."""


@dataclass
class _Exact:
    """A linear rule on a quadratic in rational arithmetic: ∇f(x) = Hx + ∇f(0), with the optimizer's rule
    (gdcli.engine.optimizers) compiled over Fractions by gdcli.engine.kernels.fraction_step, so iterate t
    equals Fraction arithmetic of the rule."""

    objective: Any
    optimizer: Any
    hessian: list[list[Fraction]]
    offset: list[Fraction]
    start: list[Fraction]
    lr: Fraction
    hyper: dict[str, Fraction]
    """The optimizer's hyper-parameters by name (beta, …)."""
    floor: Fraction
    """f(0)."""
    walk: Any = field(default=None, init=False, repr=False)
    """iterates() as row() reads it (or the ArithmeticError that ended it)."""
    walked: list = field(default_factory=list, init=False, repr=False)
    """The rows row() has read from ``walk``, in order (the answers ask for a few early ones, often the same)."""

    @property
    def rule(self):
        return self.optimizer.rule

    @property
    def linear(self) -> bool:
        """gd, momentum or Nesterov: a rule iterated here (Newton's iterates come from methods_exact)."""
        return self.rule.name in CONVERGENT_CURVATURE

    def gradient(self, x: list[Fraction]) -> list[Fraction]:
        """∇f(x) = Hx + ∇f(0)."""
        return [sum(h * v for h, v in zip(row, x)) + c for row, c in zip(self.hessian, self.offset)]

    def value(self, x: list[Fraction]) -> Fraction:
        """f(x) = ½xᵀHx + ∇f(0)ᵀx + f(0)."""
        return sum((v * (g + c) / 2 for v, g, c in zip(x, self.gradient(x), self.offset)), self.floor)

    def iterates(self):
        """(x_t, the rule's quantities assigned in step t by name) for t = 0, 1, … (nothing assigned at t = 0)."""
        from gdcli.engine.kernels import fraction_step

        step = fraction_step(self.rule)
        state = {name: [Fraction(0)] * len(self.start) for name in self.rule.state_names}
        x, t = list(self.start), 0
        yield x, {}
        while True:
            t += 1
            g, quantities = self.gradient(x), {}
            for i in range(len(x)):
                values = step(x=x[i], g=g[i], lr=self.lr, step=Fraction(t), **self.hyper,
                              **{name: state[name][i] for name in state})
                for name, value in values.items():
                    quantities.setdefault(name, []).append(value)
                for name in state:
                    state[name][i] = values[name]
            x = quantities["x"]
            yield x, quantities

    def row(self, t: int) -> tuple[list[Fraction], dict[str, list[Fraction]]]:
        """x_t and the quantities of step t (Newton's x_t from gdcli.engine.methods_exact, which stops where
        ∇f = 0 exactly: x stays there; ArithmeticError where it stops for another reason)."""
        if self.linear:
            if self.walk is None:
                self.walk = self.iterates()
            while len(self.walked) <= t:
                if isinstance(self.walk, ArithmeticError):  # the step after the last row cannot be computed
                    raise self.walk
                try:
                    self.walked.append(next(self.walk))
                except ArithmeticError as error:
                    self.walk = error
                    raise
            return self.walked[t]
        from gdcli.engine.methods_exact import exact_iterates

        rows, note = exact_iterates(self.objective, self.optimizer, None, self.start, self.lr, t)
        if len(rows) <= t and not note.startswith("∇f = 0 exactly"):
            raise ArithmeticError(note)
        return rows[min(t, len(rows) - 1)][1], {}

    def fate(self) -> str | None:
        """converges / oscillates / diverges from exact sign tests (None when ∇²f is not positive definite)."""
        from gdcli.engine.stability import inertia

        n = len(self.hessian)
        if not self.linear or inertia(self.hessian) != (n, 0, 0):
            return None
        limit = CONVERGENT_CURVATURE[self.rule.name](self.lr, self.hyper.get("beta", Fraction(0)))
        _, below, zero = inertia(_shifted(self.hessian, limit))
        return "diverges" if below else "oscillates" if zero else "converges"

    def zigzags(self) -> bool:
        """Some eigenvalue λ of ∇²f has αλ > 1: 1/α·I − H has a negative eigenvalue."""
        from gdcli.engine.stability import inertia

        return inertia(_shifted(self.hessian, 1 / self.lr))[1] > 0


def _shifted(hessian: list[list[Fraction]], c: Fraction) -> list[list[Fraction]]:
    """c·I − H."""
    return [[(c if i == j else 0) - h for j, h in enumerate(row)] for i, row in enumerate(hessian)]


def _exact(problem, question: int | None) -> _Exact | None:
    """The problem's (or question's) run in rational arithmetic, or None where the rule does not allow it
    (see above). f's rational coefficients come from the derivation cache (Objective.rational_quadratic), so
    a known objective needs no SymPy here."""
    from gdcli.engine.stability import LINEAR

    context = _context(problem, question, "behaviour")
    data = context.data
    if "objective" not in data or "dataset" in data or "eigenvalues" in data or "start" not in data \
            or "lr" not in data or data.get("schedule", "constant") != "constant" or data.get("line_search") \
            or data.get("optimizer", "gd") not in (*LINEAR, "newton"):
        return None
    try:
        objective, optimizer = context.objective, context.optimizer()
        quadratic = _quadratic(objective)
        if quadratic is None:
            return None
        start = _rationals(data["start"])
        if len(start) != objective.dimension:
            return None
        return _Exact(objective, optimizer, *quadratic[:2], start, _rational(data["lr"]),
                      {name: _rational(data.get(name, value)) for name, value in optimizer.hyper.items()},
                      quadratic[2])
    except (GdError, ArithmeticError, ValueError, TypeError):
        return None


@lru_cache(maxsize=256)
def _quadratic(objective) -> tuple[list[list[Fraction]], list[Fraction], Fraction] | None:
    """(H, ∇f(0), f(0)) of Objective.rational_quadratic in Fractions, read once per objective (the objectives
    are shared: gdcli.practice.answers.parsed_objective); never changed by its readers."""
    quadratic = objective.rational_quadratic
    if quadratic is None:
        return None
    return ([[Fraction(e) for e in row] for row in quadratic["hessian"]], [Fraction(c) for c in quadratic["gradient"]],
            Fraction(quadratic["value"]))


def _fate_is(problem, question: int | None, fate: str) -> bool:
    """The run's behaviour is ``fate``: exact where the rule allows (above), and then a question that shows
    the engine's reading must agree with it; else the engine's reading."""
    target = problem.question(question) if question else None
    shows = target is not None and target.compute == "behaviour"
    run = _exact(problem, question)
    found = run.fate() if run else None
    if found is None:
        from gdcli.practice.answers import compute_behaviour

        found = target.expected.value if shows else compute_behaviour(_context(problem, question, "behaviour")).value
        return found == fate
    return found == fate and (not shows or target.expected.value == fate)


def converges(problem, question: int = 0) -> bool:
    """The run converges (ρ < 1; exact where the rule allows, else the engine's behaviour reading)."""
    return _fate_is(problem, question or None, "converges")


def diverges(problem, question: int = 0) -> bool:
    """The run diverges (ρ > 1; exact where the rule allows, else the engine's behaviour reading)."""
    return _fate_is(problem, question or None, "diverges")


def oscillates(problem, question: int = 0) -> bool:
    """The run oscillates: ρ = 1, the error keeps its size (exact where the rule allows, else the engine's
    behaviour reading)."""
    return _fate_is(problem, question or None, "oscillates")


def zigzags(problem, question: int = 0) -> bool:
    """Gradient descent's steepest component flips sign every step: α·λmax > 1 (exact where the rule allows,
    else the engine's float λmax); a question that shows the engine's zigzag answer must agree."""
    from gdcli.practice.answers import compute_zigzag

    run = _exact(problem, question or None)
    target = problem.question(question) if question else None
    shows = target is not None and target.compute == "zigzag"
    if run is None:
        return (target.expected if shows else compute_zigzag(_context(problem, question or None, "zigzag"))).value == "yes"
    return run.zigzags() and (not shows or target.expected.value == "yes")


def diverges_before(problem, n: int = 20, question: int = 0) -> bool:
    """The run is called diverged at a step t ≤ n: |f(x_t)| or some |x_t,i| passes DIVERGENCE_FACTOR times
    its scale at the start (gdcli.engine.run's test, applied to the exact iterates where the rule allows)."""
    from gdcli.engine import exact
    from gdcli.engine.run import DIVERGENCE_FACTOR

    run = _exact(problem, question or None)
    if run is not None and run.linear:
        try:
            factor = Fraction(DIVERGENCE_FACTOR)
            f_bound = factor * max(1, abs(run.value(run.start)))
            x_bound = factor * max([Fraction(1)] + [abs(v) for v in run.start])
            return any(any(abs(v) > x_bound for v in x) or abs(run.value(x)) > f_bound
                       for x, _ in itertools.islice(run.iterates(), 1, n + 1))
        except exact.TooLarge:
            pass
    engine_run = _context(problem, question or None, "behaviour").run(n)
    return engine_run.status == "diverged" and engine_run.steps <= n


def converges_within(problem, n: int = 100, question: int = 0) -> bool:
    """Within n steps, ‖∇f‖ falls to 10⁻⁶ of its value at the start (‖∇f(x_t)‖² ≤ 10⁻¹²‖∇f(x₀)‖² on the exact
    iterates where the rule allows, else on the engine's run)."""
    from gdcli.engine import exact

    run = _exact(problem, question or None)
    if run is not None and run.linear:
        try:
            goal = Fraction(1, 10**12) * sum(v * v for v in run.gradient(run.start))
            return any(sum(v * v for v in run.gradient(x)) <= goal for x, _ in itertools.islice(run.iterates(), n + 1))
        except exact.TooLarge:
            pass
    engine_run = _context(problem, question or None, "behaviour").run(n)
    return engine_run.status != "diverged" and bool(min(engine_run.grad_norm) <= 1e-6 * max(engine_run.grad_norm[0], 1e-300))


EXACT_ANSWERS = ("iterate", "iterates", "value", "state", "gradient_at")
"""The compute rules whose answers answers_exact reads from the exact run."""


_RUN_DATA = ("objective", "variables", "dataset", "eigenvalues", "start", "lr", "schedule", "line_search", "optimizer",
             "beta", "beta1", "beta2", "eps", "rho", "cg_beta", "bb")
"""Every data field _exact reads: questions that agree on them share one exact run."""


def _exact_answer(question, run: _Exact) -> list[Fraction]:
    """The numbers of a question's answer from the exact run, in the order _numbers lists the engine's."""
    data = question.data
    if question.compute == "gradient_at":
        return run.gradient(_rationals(data["point"]) if "point" in data else run.start)
    if not run.linear and question.compute != "iterate":
        raise KeyError(question.compute)
    if question.compute == "iterates":
        return [v for x, _ in itertools.islice(run.iterates(), 1, int(data.get("steps", 1)) + 1) for v in x]
    if question.compute == "value":
        return [run.value(run.row(int(data.get("steps", 0)))[0])]
    steps = int(data.get("steps", 1))
    if question.compute == "iterate":
        return run.row(steps)[0]
    return run.row(max(steps, 1))[1][data.get("quantity", "x")]


def answers_exact(problem, digits: int = 4) -> bool:
    """Every number in every answer is a decimal with at most ``digits`` places, so it can be typed exactly.

    Exact for the answers of a run EXACT_ANSWERS reads from the exact iterates (the engine's float answer
    must then equal that decimal to rounding); for the rest, the engine's float answer within 10⁻⁹ of its
    rounding to ``digits`` places. The exact answers are judged first, so a draw fails before any float
    answer is computed where it can."""
    scale, exact_numbers, runs = 10**digits, {}, {}
    for q in problem.questions:
        run = None
        if q.compute in EXACT_ANSWERS:
            key = repr([q.data.get(name) for name in _RUN_DATA])
            if key not in runs:
                runs[key] = _exact(problem, q.number)
            run = runs[key]
        try:
            exact_numbers[q.number] = _exact_answer(q, run) if run is not None else None
        except (ArithmeticError, KeyError, ValueError):
            exact_numbers[q.number] = None
        if exact_numbers[q.number] is not None and any((v * scale).denominator != 1 for v in exact_numbers[q.number]):
            return False
    for q in problem.questions:
        got, want = [v for v in _numbers(q.expected.value) if math.isfinite(v)], exact_numbers[q.number]
        if want is not None:
            if len(want) != len(got) or any(abs(float(v) - w) > 1e-9 * max(1.0, abs(w)) for v, w in zip(want, got)):
                return False
        elif not all(abs(v - round(v, digits)) <= 1e-9 * max(1.0, abs(v)) for v in got):
            return False
    return True


def distinct_answers(problem) -> bool:
    """No two questions of the same kind have the same answer (answers of different kinds never coincide)."""
    shown = [(q.kind, answer_text(q.kind, q.expected.value)) for q in problem.questions
             if sum(other.kind == q.kind for other in problem.questions) > 1]
    return len(set(shown)) == len(shown)


def nonzero_answers(problem) -> bool:
    """No number in any answer is 0 (a zero answer is often guessed)."""
    return all(v != 0 for q in problem.questions for v in _numbers(q.expected.value))


def _numbers(value) -> list[float]:
    if isinstance(value, Interval):
        return [value.lower, value.upper]
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, list):
        return [v for item in value for v in _numbers(item)]
    return []


PREDICATES: dict[str, Callable[..., bool]] = {
    "converges": converges, "diverges": diverges, "oscillates": oscillates, "zigzags": zigzags,
    "diverges_before": diverges_before, "converges_within": converges_within, "answers_exact": answers_exact,
    "distinct_answers": distinct_answers, "nonzero_answers": nonzero_answers,
}
PREDICATE_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "converges": ("question",), "diverges": ("question",), "oscillates": ("question",), "zigzags": ("question",),
    "diverges_before": ("n", "question"), "converges_within": ("n", "question"), "answers_exact": ("digits",),
    "distinct_answers": (), "nonzero_answers": (),
}
