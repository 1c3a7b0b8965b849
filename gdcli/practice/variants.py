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
MAX_DRAWS times. The same seed always gives the same variant; a seed may be written as a number or as any
text (a student's name or id), which is hashed (seed_of).
"""

from __future__ import annotations

import ast
import copy
import hashlib
import math
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import sympy as sp

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
# templating

def instantiate(document: Any, values: dict[str, Any]) -> Any:
    """A copy of ``document`` with every ``{…}`` written against the parameters replaced by its value."""
    if isinstance(document, dict):
        return {key: instantiate(value, values) for key, value in document.items()}
    if isinstance(document, list):
        return [instantiate(value, values) for value in document]
    if isinstance(document, str):
        whole = _PLACEHOLDER.fullmatch(document.strip())
        if whole and whole.group(1).strip() in values:
            return copy.deepcopy(values[whole.group(1).strip()])
        return _PLACEHOLDER.sub(lambda match: _fill(match, values), document)
    return document


def _fill(match: re.Match, values: dict[str, Any]) -> str:
    body = match.group(1).strip()
    if body in values:
        return value_text(values[body])
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", body))
    if not names or not names <= set(values) | {"sqrt", "pi", "abs"}:
        return match.group(0)
    filled = re.sub(r"[A-Za-z_][A-Za-z0-9_]*",
                    lambda m: f"({value_text(values[m.group(0)])})" if m.group(0) in values else m.group(0), body)
    return _evaluated(filled) or match.group(0)


@lru_cache(maxsize=4096)
def _evaluated(text: str) -> str | None:
    """The value of constant arithmetic, through the safe parser (None when it is not a number)."""
    from gdcli.engine.expression import parse_number

    try:
        return value_text(parse_number(text, "a templated value"))
    except GdError:
        return None


def value_text(value: Any) -> str:
    """A parameter's value as the text shows it: 3, 0.25, 1/5 as 0.2, a vector as (1, −2)."""
    if isinstance(value, list):
        return value_text(value[0]) if len(value) == 1 else "(" + ", ".join(value_text(v) for v in value) + ")"
    if isinstance(value, sp.Basic):
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


def _behaviour(problem, question: int | None) -> str:
    """The engine's reading of the run (a question that asks for it has already computed it)."""
    from gdcli.practice.answers import compute_behaviour

    if question and problem.question(question).compute == "behaviour":
        return problem.question(question).answer.value
    return compute_behaviour(_context(problem, question, "behaviour")).value


def converges(problem, question: int = 0) -> bool:
    """The engine's behaviour reading of the run is "converges"."""
    return _behaviour(problem, question or None) == "converges"


def diverges(problem, question: int = 0) -> bool:
    """The engine's behaviour reading of the run is "diverges"."""
    return _behaviour(problem, question or None) == "diverges"


def oscillates(problem, question: int = 0) -> bool:
    """The engine's behaviour reading of the run is "oscillates" (ρ = 1: the error keeps its size)."""
    return _behaviour(problem, question or None) == "oscillates"


def zigzags(problem, question: int = 0) -> bool:
    """Gradient descent's steepest component flips sign every step: α·λmax > 1."""
    from gdcli.practice.answers import compute_zigzag

    return compute_zigzag(_context(problem, question or None, "zigzag")).value == "yes"


def diverges_before(problem, n: int = 20, question: int = 0) -> bool:
    """The engine's run is called diverged (gdcli.engine.run) at a step t ≤ n."""
    run = _context(problem, question or None, "behaviour").run(n)
    return run.status == "diverged" and run.steps <= n


def converges_within(problem, n: int = 100, question: int = 0) -> bool:
    """Within n steps of the engine's run, ‖∇f‖ falls to 10⁻⁶ of its value at the start."""
    run = _context(problem, question or None, "behaviour").run(n)
    return run.status != "diverged" and bool(min(run.grad_norm) <= 1e-6 * max(run.grad_norm[0], 1e-300))


def answers_exact(problem, digits: int = 4) -> bool:
    """Every number in every answer is a decimal with at most ``digits`` places (so it can be typed exactly)."""
    return all(abs(v - round(v, digits)) <= 1e-9 * max(1.0, abs(v)) for q in problem.questions
               for v in _numbers(q.answer.value) if math.isfinite(v))


def distinct_answers(problem) -> bool:
    """No two questions of the same kind have the same answer (answers of different kinds never coincide)."""
    shown = [(q.kind, answer_text(q.kind, q.answer.value)) for q in problem.questions
             if sum(other.kind == q.kind for other in problem.questions) > 1]
    return len(set(shown)) == len(shown)


def nonzero_answers(problem) -> bool:
    """No number in any answer is 0 (a zero answer is often guessed)."""
    return all(v != 0 for q in problem.questions for v in _numbers(q.answer.value))


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
