"""Practice problems: one TOML file each, validated field by field, with answers computed by the engine.

A problem file::

    id = "quadratic-1d-two-rates"          # letters, digits, - and _
    title = "..."
    difficulty = "easy"                    # easy, medium or hard
    topic = "step size"
    statement = "..."

    [data]                                 # what the problem is about (every key optional)
    objective = "(x - 3)^2"                # through the safe parser, never eval
    start = [0]                            # or "0", "2, 1"
    lr = 0.1                               # or "1/10"
    steps = 4

    [[questions]]
    prompt = "Compute x₁, …, x₄."
    kind = "iterates"                      # number, vector, iterates, expression, interval, choice
    compute = "iterates"                   # how the engine computes the expected answer (COMPUTES below)
    data = { lr = 1.1 }                    # optional overrides of [data] for this question
    answer = "0.6, 1.08, 1.464, 1.7712"    # optional: stated answer; a test fails if it disagrees
    sigfigs = 4                            # how exact a number must be: significant figures (the default, 4),
    tolerance = 1e-4                       #   or an absolute tolerance,
    relative = 1e-3                        #   or a relative one (at most one of the three)
    choices = ["converges", "oscillates", "diverges"]   # for kind = "choice"
    synonyms = { converges = ["convergent"] }            # other whole answers that name a choice
    hints = ["...", "..."]
    explanation = "..."                    # the worked solution; {answer} is replaced by the answer
    mistakes = [{ answer = "0.8", feedback = "..." }]   # optional known wrong answers and what they mean
                                           # (the engine adds the mistakes of the rule: gdcli.practice.mistakes)

    [parameters]                           # optional: the file is a template (gdcli.practice.variants)
    a = { integers = [1, 9] }
    [variants]
    original = { a = 3 }                   # variant 0, the numbers written above
    require = ["converges", "answers_exact(digits = 4)"]   # what every drawn variant must satisfy

A template writes its statement, prompts, hints, explanations and data against the parameters (``{a}``,
``{2*a}``); ``gd practice … --seed S`` picks a variant. A variant's explanation written for the original
numbers is replaced by the engine's worked steps (gdcli.practice.worked).

Data keys: objective, variables, start, lr, steps, optimizer, beta, beta1, beta2, eps, rho, schedule, decay,
t (a step index for a schedule, or for step_size and method_state), c1, shrink (Armijo), point (where to
evaluate), eigenvalues (a diagonal Hessian in place of an objective), quantity (an optimizer state: b, s, m,
v, m_hat, v_hat, x; for method_state: d, beta, s, y), reduction (the error reduction a step count is for),
dataset = {x = […], y = […]} with model (e.g. "w*x + b"), params and batch (1-based rows; the mean squared
error over them is the objective), line_search (armijo, wolfe, strong-wolfe, exact), cg_beta (fr, pr) and
bb (1, 2) for the methods of gdcli.engine.methods.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from gdcli.errors import GdError, ProblemError
from gdcli.files.reading import UnreadableFile, read_regular
from gdcli.files.shipped import problems_directory
from gdcli.files.text import printable
from gdcli.practice import kept, variants
from gdcli.practice.answers import COMPUTE_KINDS, COMPUTES, DATA_KEYS, Answer, Context
from gdcli.practice.grading import DEFAULT_EXACTNESS, KINDS, Exactness, Verdict, answer_text, grade

MAX_FILE_BYTES = 64 * 1024
"""Largest problem file read."""
MAX_TEXT = 8000
"""Longest statement, prompt, hint or explanation, in characters."""
MAX_QUESTIONS = 20
MAX_STEPS = 100_000
DIFFICULTIES = ("easy", "medium", "hard")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
ENTRIES = {"variables": (str, "names"), "params": (str, "names"), "start": ((int, float, str), "numbers"),
           "point": ((int, float, str), "numbers"), "eigenvalues": ((int, float, str), "numbers"),
           "batch": (int, "row numbers")}
"""The entries a list-valued data field holds, checked when the file is read."""
RANGES = {
    "reduction": (lambda v: 0 < v < 1, "between 0 and 1 (the error shrinks by this factor)"),
    "t": (lambda v: 0 <= v <= 10**9, "a step index from 0 to 10⁹"),
    "c1": (lambda v: 0 < v < 1, "between 0 and 1"),
    "shrink": (lambda v: 0 < v < 1, "between 0 and 1"),
}
"""The range of numeric data fields the engine does not check itself, as a test and in words."""


def bank_directory() -> Path:
    """The problem bank (gdcli.files.shipped.problems_directory)."""
    return problems_directory()


# ---------------------------------------------------------------------------------------------------------
# the format

@dataclass
class Question:
    """One question of a problem; ``expected`` is computed on first use."""

    problem: "Problem"
    number: int
    prompt: str
    kind: str
    compute: str | None
    data: dict
    stated: Any
    exactness: Exactness
    choices: tuple[str, ...]
    hints: tuple[str, ...]
    explanation: str
    overrides: frozenset = frozenset()
    mistakes: tuple[tuple[str, str], ...] = ()
    synonyms: dict = field(default_factory=dict)
    declared_exactness: bool = False
    explanation_fits: bool = True
    """False for a variant whose explanation is the original's text: the engine's worked steps replace it."""

    @property
    def field(self) -> str:
        return f"questions[{self.number}]"

    def error(self, name: str, message: str) -> ProblemError:
        return self.problem.error(f"{self.field}.{name}", message)

    def data_error(self, key: str, message: str) -> ProblemError:
        """An error in a data field, named where it is written: the question's own data or the problem's."""
        where = f"{self.field}.data.{key}" if key in self.overrides or key not in self.problem.data else f"data.{key}"
        return self.problem.error(where, message)

    @cached_property
    def expected(self) -> "Answer":
        """The expected answer with the engine's own near misses only (certifying a variant needs no more)."""
        try:
            return self._expected()
        except GdError:
            raise
        except (ArithmeticError, ValueError, IndexError, KeyError, TypeError, RecursionError) as error:
            # a combination of data no check above foresaw: this question fails, the bank does not
            raise self.error("data", f"the engine cannot compute the answer from these data "
                                     f"({type(error).__name__})") from None

    @cached_property
    def answer(self) -> "Answer":
        """The expected answer with the file's known mistakes and the rule's derived ones added to its near
        misses: from the derivation cache when this problem was checked before (gdcli.practice.kept)."""
        from gdcli.practice import kept

        return kept.answer(self, self._answer)

    def _answer(self) -> "Answer":
        from gdcli.practice import grading as answers
        from gdcli.practice import mistakes

        expected = dataclasses.replace(self.expected)
        near = []
        for index, (text, feedback) in enumerate(self.mistakes, start=1):
            try:
                value = (answers.read_number(text) if self.kind == "number" else answers.read_vector(text)
                         if self.kind == "vector" else answers.read_choice(text, self.choices, self.synonyms))
            except GdError as error:
                raise self.error(f"mistakes[{index}].answer", str(error)) from None
            near.append(answers.NearMiss(value, feedback))
        offered: list = []
        for miss in (*near, *expected.near, *mistakes.derived(Context(self), self.compute)):  # a mistake that gives the right answer, or an earlier one's, is not offered
            if not any(self._same(miss.value, other.value, expected.value) for other in offered) \
                    and not self._same(miss.value, expected.value, expected.value):
                offered.append(miss)
        expected.near = tuple(offered)
        return expected

    def _same(self, value, other, expected) -> bool:
        """Whether two answers cannot be told apart at this question's exactness (either way round), judged
        at the size of the right answer ``expected`` at least."""
        from gdcli.practice import grading

        if self.kind == "choice":
            return value == other
        if self.kind == "interval":
            return value.lower == other.lower and grading.close(value.upper, other.upper, self.exactness)
        if self.kind in ("number", "vector"):
            a, b, right = grading.flat(value), grading.flat(other), grading.flat(expected)
            return grading.same_slip(a, b, right, self.exactness) or grading.same_slip(b, a, right, self.exactness)
        return False

    def _expected(self) -> "Answer":
        """The expected answer: the engine's when ``compute`` is given (checked against a stated one), else the
        stated one."""
        from gdcli.practice import grading as answers

        if self.compute is not None:
            computed = COMPUTES[self.compute](Context(self))
            if self.kind == "choice" and computed.value not in self.choices:
                raise self.error("choices", f"the engine's answer '{computed.value}' is not among the choices")
            if self.stated is not None:
                stated = self._read_stated()
                verdict = grade(self.kind, computed.value, stated, exactness=self.exactness, choices=self.choices,
                                synonyms=self.synonyms, names=computed.names, dimension=computed.dimension)
                if not verdict.correct:
                    raise self.error("answer", f"the stated answer {stated} disagrees with the engine's "
                                               f"{verdict.expected}")
            return computed
        text = self._read_stated()
        try:
            if self.kind == "number":
                return Answer(answers.read_number(text))
            if self.kind == "vector":
                return Answer(answers.read_vector(text))
            if self.kind == "interval":
                return Answer(answers.read_interval(text))
            if self.kind == "choice":
                return Answer(answers.read_choice(text, self.choices, self.synonyms))
            if self.kind == "iterates":
                rows = answers.read_iterates(text, 1 if ";" not in text and "(" not in text else 2)
                return Answer(rows, dimension=len(rows[0]))
            context = Context(self)
            names = context.objective.names if "objective" in self.data or "dataset" in self.data else []
            names = list(names) + ["alpha"]
            return Answer(answers.read_expressions(text, names), names=names)
        except GdError as error:
            raise self.error("answer", str(error)) from None

    def _read_stated(self) -> str:
        value = self.stated
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def check(self, text: str) -> Verdict:
        """Grade a student's answer to this question."""
        a = self.answer
        return grade(self.kind, a.value, text, exactness=self.exactness, choices=self.choices,
                     synonyms=self.synonyms, names=a.names, near=a.near, dimension=a.dimension,
                     points=self.points() if self.kind == "expression" else [])

    def points(self) -> list[dict[str, float]]:
        """The problem's own points (its start and its point) by variable name, where expressions are also
        compared."""
        if not ("objective" in self.data or "dataset" in self.data):
            return []
        context = Context(self)
        found = []
        for key in ("start", "point"):
            if key in self.data:
                try:
                    values = context.objective.read_start(", ".join(map(str, self.data[key]))
                                                          if isinstance(self.data[key], list) else str(self.data[key]))
                except GdError:
                    continue
                found.append(dict(zip(context.objective.names, map(float, values))))
        return found

    @property
    def exactness_text(self) -> str | None:
        """How exact a number must be, as the prompt states it (None where numbers are not asked for)."""
        if self.kind not in ("number", "vector", "iterates", "interval"):
            return None
        return self.exactness.text() + ("" if self.declared_exactness else " (the default)")

    def answer_text(self) -> str:
        """The expected answer as text that ``check`` accepts."""
        return answer_text(self.kind, self.answer.value)

    def worked(self) -> str:
        """The explanation with ``{answer}`` filled in; for a variant whose explanation was written for the
        original numbers, the engine's worked steps instead."""
        if not self.explanation_fits:
            from gdcli.practice.worked import worked_steps

            return worked_steps(self)
        return self.explanation.replace("{answer}", self.answer_text())


@dataclass
class Problem:
    """A problem file, read and validated (answers are computed lazily, question by question)."""

    path: Path
    id: str
    title: str
    difficulty: str
    topic: str
    statement: str
    data: dict
    questions: list[Question]
    seed: int | None = None
    values: dict | None = None
    requirements: list = field(default_factory=list)
    digest: str | None = None
    """SHA-256 of the file it was read from (None when built otherwise): the key of its kept answers."""

    def error(self, name: str, message: str) -> ProblemError:
        return ProblemError(f"{printable(self.path.name)}: {name}: {printable(message)}")

    def question(self, number: int) -> Question:
        if not 1 <= number <= len(self.questions):
            raise GdError(f"problem '{self.id}' has questions 1 to {len(self.questions)}, not {number}")
        return self.questions[number - 1]

    def summary(self) -> dict:
        return {"id": self.id, "title": self.title, "difficulty": self.difficulty, "topic": self.topic}

    def to_dict(self) -> dict:
        return {**self.summary(), "statement": self.statement, "seed": self.seed, "parameters": self.values,
                "data": self.data,
                "questions": [{"number": q.number, "prompt": q.prompt, "kind": q.kind, "choices": list(q.choices),
                               "exactness": q.exactness_text} for q in self.questions]}


def load(path: str | os.PathLike, seed: int | None = None) -> Problem:
    """Read and validate one problem file; every fault is a ProblemError naming the file and the field. A file
    with [parameters] gives its variant ``seed`` (gdcli.practice.variants; None or 0: the original)."""
    path = Path(path)
    try:
        raw = read_regular(path, MAX_FILE_BYTES, "problem file")
    except UnreadableFile as error:
        raise ProblemError(f"{printable(path.name)}: file: {error.reason}") from None
    try:
        document = _read_toml(raw)
    except UnicodeDecodeError:
        raise ProblemError(f"{printable(path.name)}: file: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ProblemError(f"{printable(path.name)}: toml: {error}") from None
    except RecursionError:
        raise ProblemError(f"{printable(path.name)}: toml: nested too deeply") from None
    digest = hashlib.sha256(raw).hexdigest()
    checked = not seed and kept.valid(digest)  # read and checked before, with this code: its objectives parse
    problem = _variant(path, raw, document, seed, checked)
    problem.digest = digest
    if not checked and not seed:
        kept.mark_valid(digest)
    return problem


@lru_cache(maxsize=64)
def _read_toml(raw: bytes) -> dict:
    """The TOML document of a file's bytes, read once: the variants of a template are drawn from one reading.
    It is shared, so it is never changed (_build gets a copy, a variant an instantiated copy)."""
    return tomllib.loads(raw.decode("utf-8"))


def _variant(path: Path, raw: bytes, document: dict, seed: int | None, checked: bool = False) -> Problem:
    """The problem itself, or for a template the variant ``seed``: the original values for seed 0, else the
    first draw of random.Random(seed) whose problem satisfies every requirement. ``checked``: the file was read
    and checked before (gdcli.practice.kept), so its objectives are not parsed again to check them."""
    if "parameters" not in document:
        if "variants" in document:
            raise _failure(path.name)("variants", "needs a [parameters] table")
        if seed:
            raise GdError(f"problem '{document.get('id', path.stem)}' has no variants: it has no [parameters]")
        return _build(path, copy.deepcopy(document), checked)
    parameters, original, requirements = _template(raw, path.name)
    if not seed:
        return _template_problem(path, document, original, 0, requirements, checked)
    return variants.draw(document, parameters, requirements, seed,
                         lambda values: _template_problem(path, document, values, seed, requirements),
                         _failure(path.name))


def _failure(name: str):
    """The ProblemError of a field of the file called ``name``."""
    def fail(field_name: str, message: str) -> ProblemError:
        return ProblemError(f"{printable(name)}: {field_name}: {printable(message)}")

    return fail


@lru_cache(maxsize=64)
def _template(raw: bytes, name: str) -> tuple[dict, dict, list]:
    """A template's parameters, original values and requirements, read once for a file's bytes (so drawing its
    variants reads them once; a fault is raised again at every reading)."""
    document, fail = _read_toml(raw), _failure(name)
    parameters = variants.read_parameters(document["parameters"], fail)
    table = document.get("variants", {})
    if not isinstance(table, dict) or set(table) - {"original", "require"}:
        raise fail("variants", "must be a table with original = {…} and require = [...]")
    original = table.get("original")
    if not isinstance(original, dict) or set(original) != set(parameters):
        raise fail("variants.original", f"must give every parameter its original value ({', '.join(parameters)})")
    return parameters, original, variants.read_requirements(table.get("require", []), fail)


def _template_problem(path: Path, document: dict, values: dict, seed: int, requirements: list,
                      checked: bool = False) -> Problem:
    body = {k: v for k, v in document.items() if k not in ("parameters", "variants")}
    if seed and isinstance(body.get("questions"), list):  # a stated answer is the original's; a variant's computed answers stand alone
        body["questions"] = [{k: v for k, v in q.items() if not (k == "answer" and "compute" in q)}
                             if isinstance(q, dict) else q for q in body.get("questions", [])]
    problem = _build(path, variants.instantiate(body, values), checked)
    problem.seed, problem.values, problem.requirements = seed, values, requirements
    for question, raw in zip(problem.questions, document["questions"]):
        question.explanation_fits = seed == 0 or variants.instantiate(raw.get("explanation", ""), values) != raw.get("explanation", "")
    return problem


def _build(path: Path, document: dict, checked: bool = False) -> Problem:
    fail = _failure(path.name)

    def text(table: dict, name: str, where: str, required: bool = True, default: str = "") -> str:
        if name not in table:
            if required:
                raise fail(where + name, "missing")
            return default
        value = table[name]
        if not isinstance(value, str) or (required and not value.strip()):
            raise fail(where + name, f"must be text, not {_type(value)}")
        if len(value) > MAX_TEXT:
            raise fail(where + name, f"longer than {MAX_TEXT} characters")
        return printable(value).strip()

    known = {"id", "title", "difficulty", "topic", "statement", "data", "questions", "parameters", "variants"}
    for key in document:
        if key not in known:
            raise fail(key, f"unknown field (fields: {', '.join(sorted(known))})")
    ident = text(document, "id", "")
    if not _ID.match(ident):
        raise fail("id", f"'{ident[:40]}' must be letters, digits, - and _ (at most 64)")
    difficulty = text(document, "difficulty", "")
    if difficulty not in DIFFICULTIES:
        raise fail("difficulty", f"'{difficulty[:20]}' must be one of {', '.join(DIFFICULTIES)}")
    data = _data(document.get("data", {}), "data", fail)
    raw_questions = document.get("questions")
    if raw_questions is None:
        raise fail("questions", "missing")
    if not isinstance(raw_questions, list) or not raw_questions or not all(isinstance(q, dict) for q in raw_questions):
        raise fail("questions", "must be one or more [[questions]] tables")
    if len(raw_questions) > MAX_QUESTIONS:
        raise fail("questions", f"{len(raw_questions)} questions; the limit is {MAX_QUESTIONS}")
    problem = Problem(path, ident, text(document, "title", ""), difficulty, text(document, "topic", ""),
                      text(document, "statement", ""), data, [])
    qkeys = {"prompt", "kind", "compute", "data", "answer", "tolerance", "sigfigs", "relative", "choices",
             "synonyms", "hints", "explanation", "mistakes"}
    for number, raw in enumerate(raw_questions, start=1):
        where = f"questions[{number}]."
        for key in raw:
            if key not in qkeys:
                raise fail(where + key, f"unknown field (fields: {', '.join(sorted(qkeys))})")
        kind = text(raw, "kind", where)
        if kind not in KINDS:
            raise fail(where + "kind", f"'{kind[:20]}' must be one of {', '.join(KINDS)}")
        compute = raw.get("compute")
        if compute is not None and (not isinstance(compute, str) or compute not in COMPUTES):
            raise fail(where + "compute", f"'{str(compute)[:30]}' is not one of {', '.join(sorted(COMPUTES))}")
        if compute is None and "answer" not in raw:
            raise fail(where + "answer", "missing: give an answer or a compute rule")
        if compute is not None and COMPUTE_KINDS[compute] != kind and not (
                COMPUTE_KINDS[compute] == "vector|number" and kind in ("vector", "number")):
            raise fail(where + "kind", f"compute '{compute}' gives a {COMPUTE_KINDS[compute]}, not a {kind}")
        stated = raw.get("answer")
        if stated is not None and not (isinstance(stated, (str, int, float)) and not isinstance(stated, bool)
                                       or isinstance(stated, list) and all(isinstance(v, (int, float, str))
                                                                           and not isinstance(v, bool) for v in stated)):
            raise fail(where + "answer", f"must be text, a number or a list of numbers, not {_type(stated)}")
        if isinstance(stated, str) and not re.search(r"\w", stated):
            raise fail(where + "answer", f"'{stated[:20]}' holds no number, word or expression")
        exactness = _exactness(raw, where, fail)
        choices = _strings(raw.get("choices", []), where + "choices", fail)
        if kind == "choice" and len(choices) < 2:
            raise fail(where + "choices", "a choice question needs at least two choices")
        synonyms = raw.get("synonyms", {})
        if not isinstance(synonyms, dict):
            raise fail(where + "synonyms", f"must be a table, not {_type(synonyms)}")
        for choice, words in synonyms.items():
            if choice not in choices:
                raise fail(f"{where}synonyms.{choice}", f"'{choice[:30]}' is not one of the choices")
            synonyms[choice] = tuple(_strings(words, f"{where}synonyms.{choice}", fail))
        hints = _strings(raw.get("hints", []), where + "hints", fail)
        overrides = _data(raw.get("data", {}), where + "data", fail)
        mistakes = raw.get("mistakes", [])
        if not isinstance(mistakes, list) or not all(
                isinstance(m, dict) and set(m) == {"answer", "feedback"} and isinstance(m["feedback"], str)
                and isinstance(m["answer"], (str, int, float)) and not isinstance(m["answer"], bool) for m in mistakes):
            raise fail(where + "mistakes", "must be a list of tables {answer = ..., feedback = \"...\"}")
        if mistakes and kind not in ("number", "vector", "choice"):
            raise fail(where + "mistakes", "known mistakes work with number, vector and choice questions")
        problem.questions.append(Question(
            problem, number, text(raw, "prompt", where), kind, compute, {**data, **overrides}, stated,
            exactness or DEFAULT_EXACTNESS, tuple(choices), tuple(hints),
            text(raw, "explanation", where), frozenset(overrides),
            tuple((str(m["answer"]), printable(m["feedback"]).strip()) for m in mistakes), dict(synonyms),
            exactness is not None,
        ))
    for question in problem.questions if not checked else ():
        if "objective" in question.data or "dataset" in question.data:
            try:
                Context(question).objective
            except ProblemError:
                raise
            except GdError as error:
                raise question.data_error("objective", str(error)) from None
    return problem


def _exactness(raw: dict, where: str, fail) -> Exactness | None:
    """The question's declared exactness: sigfigs (a whole number from 1 to 15), tolerance (absolute) or
    relative (positive numbers); at most one of them."""
    given = [key for key in ("sigfigs", "tolerance", "relative") if key in raw]
    if len(given) > 1:
        raise fail(where + given[1], f"give one of sigfigs, tolerance and relative, not {' and '.join(given)}")
    if not given:
        return None
    key, value = given[0], raw[given[0]]
    if key == "sigfigs":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 15:
            raise fail(where + key, "must be a whole number from 1 to 15")
        return Exactness("sigfigs", value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise fail(where + key, "must be a positive number")
    return Exactness("absolute" if key == "tolerance" else "relative", float(value))


def _type(value: Any) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true/false", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _strings(value: Any, name: str, fail) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(name, "must be a list of text")
    if any(len(v) > MAX_TEXT for v in value) or len(value) > 20:
        raise fail(name, f"at most 20 entries of {MAX_TEXT} characters")
    return [printable(v).strip() for v in value]


def _data(table: Any, name: str, fail) -> dict:
    if not isinstance(table, dict):
        raise fail(name, f"must be a table, not {_type(table)}")
    for key, value in table.items():
        if key not in DATA_KEYS:
            raise fail(f"{name}.{key}", f"unknown data field (fields: {', '.join(DATA_KEYS)})")
        if isinstance(value, bool) or not isinstance(value, DATA_KEYS[key]):
            raise fail(f"{name}.{key}", f"must be {' or '.join(_type(t()) for t in DATA_KEYS[key])}, not {_type(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise fail(f"{name}.{key}", "must be finite")
        if key == "steps" and not 0 <= value <= MAX_STEPS:
            raise fail(f"{name}.{key}", f"must be between 0 and {MAX_STEPS:,}")
        if isinstance(value, list) and len(value) > 1000:
            raise fail(f"{name}.{key}", "more than 1000 entries")
        if key in ENTRIES and isinstance(value, list):
            kinds, words = ENTRIES[key]
            if not value or not all(isinstance(v, kinds) and not isinstance(v, bool) for v in value):
                raise fail(f"{name}.{key}", f"must be a non-empty list of {words}")
        if key in RANGES:
            within, words = RANGES[key]
            if not within(value):
                raise fail(f"{name}.{key}", f"must be {words}, not {value}")
        if key == "dataset":
            for column in ("x", "y"):
                entries = value.get(column)
                if not (isinstance(entries, list) and entries and len(entries) <= 1000 and all(
                        isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in entries)):
                    raise fail(f"{name}.dataset.{column}", "must be a non-empty list of at most 1000 numbers")
    return dict(table)


@dataclass
class Bank:
    """The readable problems of a folder, and one line for each file skipped (naming it and its fault)."""

    problems: list[Problem]
    faults: list[str]


def read_bank(directory: str | os.PathLike | None = None) -> Bank:
    """Every problem in the bank (``*.toml`` directly in the folder), sorted by difficulty then id; a file that
    cannot be read, or repeats an earlier file's id, is skipped and named in ``faults``."""
    folder = Path(directory) if directory is not None else bank_directory()
    if not folder.is_dir():
        raise GdError(f"no problem folder at {printable(str(folder))}")
    problems, faults, seen = [], [], {}
    for path in sorted(folder.glob("*.toml")):
        try:
            problem = load(path)
            if problem.id in seen:
                raise problem.error("id", f"'{problem.id}' is also the id of {printable(seen[problem.id].name)}")
        except ProblemError as error:
            faults.append(str(error))
            continue
        seen[problem.id] = path
        problems.append(problem)
    return Bank(sorted(problems, key=lambda p: (DIFFICULTIES.index(p.difficulty), p.topic, p.id)), faults)


def bank(directory: str | os.PathLike | None = None) -> list[Problem]:
    """The readable problems of the bank (read_bank also says which files were skipped and why)."""
    return read_bank(directory).problems


def find(reference: str, directory: str | os.PathLike | None = None, seed: int | None = None) -> Problem:
    """A problem by id from the bank, or from a file path (a broken file named this way is a ProblemError);
    for a template, its variant ``seed``."""
    candidate = Path(reference)
    if reference.endswith(".toml") or os.sep in reference or candidate.is_file():
        if not os.path.lexists(candidate):
            raise GdError(f"no problem file at {printable(reference)}")
        return load(candidate, seed)
    folder = Path(directory) if directory is not None else bank_directory()
    path = folder / f"{reference}.toml"
    if _ID.match(reference) and os.path.lexists(path):
        problem = load(path, seed)
        if problem.id == reference:
            return problem
    for problem in bank(folder):
        if problem.id == reference:
            return load(problem.path, seed) if seed else problem
    raise GdError(f"no problem '{printable(reference)}' (gd practice list shows them)")
