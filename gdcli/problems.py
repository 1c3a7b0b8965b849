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
    tolerance = 1e-4                       # optional absolute tolerance
    choices = ["converges", "oscillates", "diverges"]   # for kind = "choice"
    hints = ["...", "..."]
    explanation = "..."                    # the worked solution; {answer} is replaced by the answer
    mistakes = [{ answer = "0.8", feedback = "..." }]   # optional known wrong answers and what they mean

Data keys: objective, variables, start, lr, steps, optimizer, beta, beta1, beta2, eps, rho, schedule, decay,
t (a step index for a schedule), c1, shrink (Armijo), point (where to evaluate), eigenvalues (a diagonal
Hessian in place of an objective), quantity (an optimizer state: b, s, m, v, m_hat, v_hat, x), reduction
(the error reduction a step count is for), dataset = {x = […], y = […]} with model (e.g. "w*x + b"), params
and batch (1-based rows; the mean squared error over them is the objective).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from gdcli.answers import KINDS, Interval, NearMiss, Verdict, answer_text, grade
from gdcli.errors import GdError

MAX_FILE_BYTES = 64 * 1024
"""Largest problem file read."""
MAX_TEXT = 8000
"""Longest statement, prompt, hint or explanation, in characters."""
MAX_QUESTIONS = 20
MAX_STEPS = 100_000
DIFFICULTIES = ("easy", "medium", "hard")
BEHAVIOURS = ("converges", "oscillates", "diverges")
CRITICAL = ("minimum", "maximum", "saddle")
YES_NO = ("yes", "no")
RATES = ("linear", "sublinear")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")


def bank_directory() -> Path:
    """The problem bank: $GDCLI_PROBLEMS if set, else problems/ beside the package."""
    given = os.environ.get("GDCLI_PROBLEMS")
    return Path(given) if given else Path(__file__).resolve().parent.parent / "problems"


# ---------------------------------------------------------------------------------------------------------
# the format

class ProblemError(GdError):
    """A problem file is unreadable or malformed; the message names the file and the field."""


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
    tolerance: float | None
    choices: tuple[str, ...]
    hints: tuple[str, ...]
    explanation: str
    overrides: frozenset = frozenset()
    mistakes: tuple[tuple[str, str], ...] = ()

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
    def answer(self) -> "Answer":
        """The expected answer with the file's known mistakes added to its near misses."""
        from gdcli import answers

        expected = self._expected()
        near = []
        for index, (text, feedback) in enumerate(self.mistakes, start=1):
            try:
                value = (answers.read_number(text) if self.kind == "number" else answers.read_vector(text)
                         if self.kind == "vector" else answers.read_choice(text, self.choices))
            except GdError as error:
                raise self.error(f"mistakes[{index}].answer", str(error)) from None
            near.append(answers.NearMiss(value, feedback))
        expected.near = (*near, *expected.near)
        return expected

    def _expected(self) -> "Answer":
        """The expected answer: the engine's when ``compute`` is given (checked against a stated one), else the
        stated one."""
        from gdcli import answers

        if self.compute is not None:
            computed = COMPUTES[self.compute](Context(self))
            if self.kind == "choice" and computed.value not in self.choices:
                raise self.error("choices", f"the engine's answer '{computed.value}' is not among the choices")
            if self.stated is not None:
                stated = self._read_stated()
                verdict = grade(self.kind, computed.value, stated, tolerance=self.tolerance, choices=self.choices,
                                names=computed.names, dimension=computed.dimension)
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
                return Answer(answers.read_choice(text, self.choices))
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
        return grade(self.kind, a.value, text, tolerance=self.tolerance, choices=self.choices, names=a.names,
                     near=a.near, dimension=a.dimension)

    def answer_text(self) -> str:
        """The expected answer as text that ``check`` accepts."""
        return answer_text(self.kind, self.answer.value)

    def worked(self) -> str:
        """The explanation with ``{answer}`` filled in."""
        return self.explanation.replace("{answer}", self.answer_text())


@dataclass
class Answer:
    """An expected answer in the form answer_text documents, with the names an expression may use, the
    dimension of iterates, and known near misses for feedback."""

    value: Any
    names: list[str] = field(default_factory=list)
    near: tuple[NearMiss, ...] = ()
    dimension: int = 1


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

    def error(self, name: str, message: str) -> ProblemError:
        return ProblemError(f"{self.path.name}: {name}: {message}")

    def question(self, number: int) -> Question:
        if not 1 <= number <= len(self.questions):
            raise GdError(f"problem '{self.id}' has questions 1 to {len(self.questions)}, not {number}")
        return self.questions[number - 1]

    def summary(self) -> dict:
        return {"id": self.id, "title": self.title, "difficulty": self.difficulty, "topic": self.topic}

    def to_dict(self) -> dict:
        return {**self.summary(), "statement": self.statement,
                "questions": [{"number": q.number, "prompt": q.prompt, "kind": q.kind} for q in self.questions]}


DATA_KEYS: dict[str, tuple[type, ...]] = {
    "objective": (str,), "variables": (list,), "start": (list, str, int, float), "lr": (int, float, str),
    "steps": (int,), "optimizer": (str,), "beta": (int, float), "beta1": (int, float), "beta2": (int, float),
    "eps": (int, float), "rho": (int, float), "schedule": (str,), "decay": (int, float), "t": (int,),
    "c1": (int, float), "shrink": (int, float), "point": (list, str), "eigenvalues": (list,), "quantity": (str,),
    "reduction": (int, float), "dataset": (dict,), "model": (str,), "params": (list,), "batch": (list,),
}


def load(path: str | os.PathLike) -> Problem:
    """Read and validate one problem file; every fault is a ProblemError naming the file and the field."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProblemError(f"{path.name}: file: {size:,} bytes; the limit for a problem file is "
                               f"{MAX_FILE_BYTES:,}")
        raw = path.read_bytes()
    except OSError as error:
        raise ProblemError(f"{path.name}: file: cannot read it ({error.strerror or error})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ProblemError(f"{path.name}: file: more than {MAX_FILE_BYTES:,} bytes")
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProblemError(f"{path.name}: file: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ProblemError(f"{path.name}: toml: {error}") from None
    except RecursionError:
        raise ProblemError(f"{path.name}: toml: nested too deeply") from None
    return _build(path, document)


def _build(path: Path, document: dict) -> Problem:
    def fail(name: str, message: str) -> ProblemError:
        return ProblemError(f"{path.name}: {name}: {message}")

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
        return value.strip()

    known = {"id", "title", "difficulty", "topic", "statement", "data", "questions"}
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
    qkeys = {"prompt", "kind", "compute", "data", "answer", "tolerance", "choices", "hints", "explanation",
             "mistakes"}
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
        tolerance = raw.get("tolerance")
        if tolerance is not None and (isinstance(tolerance, bool) or not isinstance(tolerance, (int, float))
                                      or not math.isfinite(tolerance) or tolerance <= 0):
            raise fail(where + "tolerance", "must be a positive number")
        choices = _strings(raw.get("choices", []), where + "choices", fail)
        if kind == "choice" and len(choices) < 2:
            raise fail(where + "choices", "a choice question needs at least two choices")
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
            None if tolerance is None else float(tolerance), tuple(choices), tuple(hints),
            text(raw, "explanation", where), frozenset(overrides),
            tuple((str(m["answer"]), m["feedback"].strip()) for m in mistakes),
        ))
    for question in problem.questions:
        if "objective" in question.data or "dataset" in question.data:
            try:
                Context(question).objective
            except ProblemError:
                raise
            except GdError as error:
                raise question.data_error("objective", str(error)) from None
    return problem


def _type(value: Any) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true/false", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _strings(value: Any, name: str, fail) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(name, "must be a list of text")
    if any(len(v) > MAX_TEXT for v in value) or len(value) > 20:
        raise fail(name, f"at most 20 entries of {MAX_TEXT} characters")
    return [v.strip() for v in value]


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
    return dict(table)


def bank(directory: str | os.PathLike | None = None) -> list[Problem]:
    """Every problem in the bank (``*.toml`` directly in the folder), sorted by difficulty then id."""
    folder = Path(directory) if directory is not None else bank_directory()
    if not folder.is_dir():
        raise GdError(f"no problem folder at {folder}")
    problems = [load(p) for p in sorted(folder.glob("*.toml"))]
    seen: dict[str, Path] = {}
    for p in problems:
        if p.id in seen:
            raise ProblemError(f"{p.path.name}: id: '{p.id}' is also the id of {seen[p.id].name}")
        seen[p.id] = p.path
    return sorted(problems, key=lambda p: (DIFFICULTIES.index(p.difficulty), p.topic, p.id))


def find(reference: str, directory: str | os.PathLike | None = None) -> Problem:
    """A problem by id from the bank, or from a file path."""
    candidate = Path(reference)
    if reference.endswith(".toml") or os.sep in reference or candidate.is_file():
        if not candidate.is_file():
            raise GdError(f"no problem file at {reference}")
        return load(candidate)
    folder = Path(directory) if directory is not None else bank_directory()
    path = folder / f"{reference}.toml"
    if _ID.match(reference) and path.is_file():
        problem = load(path)
        if problem.id == reference:
            return problem
    for problem in bank(folder):
        if problem.id == reference:
            return problem
    raise GdError(f"no problem '{reference}' (gd practice list shows them)")


# ---------------------------------------------------------------------------------------------------------
# the engine computes the answers

class Context:
    """A question's data read through the engine: the objective, start, α, optimizer."""

    def __init__(self, question: Question):
        self.question = question
        self.data = question.data

    def require(self, name: str) -> Any:
        if name not in self.data:
            raise self.question.data_error(name, f"missing (compute '{self.question.compute}' needs it)")
        return self.data[name]

    def engine(self, name: str, call: Callable[[], Any]) -> Any:
        """Run ``call``; an engine error becomes a ProblemError naming the data field (the option the engine
        names, such as --start, else ``name``)."""
        try:
            return call()
        except ProblemError:
            raise
        except GdError as error:
            option = re.search(r"--([a-z0-9]+)", str(error))
            key = option.group(1) if option and option.group(1) in DATA_KEYS else name
            if "at the start" in str(error):
                key = "start"
            raise self.question.data_error(key, str(error)) from None

    @cached_property
    def objective(self):
        from gdcli.objective import Objective

        if "dataset" in self.data:
            return self.engine("dataset", self._dataset_objective)
        text = self.require("objective")
        return self.engine("objective", lambda: Objective.parse(text, self.data.get("variables")))

    def _dataset_objective(self):
        """The mean squared error (1/|B|) Σ_{i∈B} (y_i − model(x_i))² over the rows B of ``batch`` (all rows
        when absent)."""
        import sympy as sp

        from gdcli.expression import parse_expression, parse_number
        from gdcli.objective import Objective

        table = self.data["dataset"]
        xs, ys = table.get("x"), table.get("y")
        if not (isinstance(xs, list) and isinstance(ys, list) and xs and len(xs) == len(ys)):
            raise self.question.data_error("dataset", "needs lists x and y of the same length")
        params = self.data.get("params", ["w", "b"])
        model, symbols = parse_expression(self.data.get("model", "w*x + b"), [*params, "x"])
        batch = self.data.get("batch", list(range(1, len(xs) + 1)))
        if not all(isinstance(i, int) and 1 <= i <= len(xs) for i in batch) or not batch:
            raise self.question.data_error("batch", f"rows must be whole numbers from 1 to {len(xs)}")
        value = lambda v: parse_number(str(v), "a data value")  # noqa: E731
        x_symbol = symbols[-1]
        terms = [(value(ys[i - 1]) - model.xreplace({x_symbol: value(xs[i - 1])})) ** 2 for i in batch]
        expr = sp.Add(*terms) / len(batch)
        return Objective(expr, symbols[:-1], text=f"mean squared error of {self.data.get('model', 'w*x + b')}")

    @property
    def start(self):
        return self.engine("start", lambda: self.objective.read_start(_vector_text(self.require("start"))))

    @property
    def point(self):
        key = "point" if "point" in self.data else "start"
        return self.engine(key, lambda: self.objective.read_start(_vector_text(self.require(key))))

    @property
    def lr(self) -> float:
        from gdcli.api import read_lr

        return self.engine("lr", lambda: read_lr(str(self.require("lr")), 0.1))

    @property
    def steps(self) -> int:
        return int(self.data.get("steps", 1))

    def hyper(self) -> dict:
        return {k: self.data.get(k) for k in ("beta", "beta1", "beta2", "eps", "rho")}

    def optimizer(self):
        from gdcli.optimizers import make_optimizer

        return self.engine("optimizer", lambda: make_optimizer(self.data.get("optimizer", "gd"), **self.hyper()))

    def run(self, steps: int | None = None):
        """The engine's run: every step recorded, no early stop."""
        from gdcli.api import solve

        data = self.data
        return self.engine("objective", lambda: solve(
            self.objective, start=_vector_text(self.require("start")), optimizer=data.get("optimizer", "gd"),
            lr=str(self.require("lr")), steps=self.steps if steps is None else steps, tol=0.0,
            schedule=data.get("schedule", "constant"), decay=data.get("decay"), **self.hyper(),
        )).run

    def stability(self):
        """The engine's stability reading of the Hessian (given eigenvalues, or the objective's at the point)."""
        import numpy as np

        from gdcli.stability import analyse

        if "eigenvalues" in self.data:
            values = self.engine("eigenvalues", lambda: [float(_number(v)) for v in self.data["eigenvalues"]])
            hessian, point = np.diag(values), np.zeros(len(values))
        else:
            point = self.point if ("point" in self.data or "start" in self.data) else self.objective.default_start()
            hessian = self.objective.hessian_at(point)
        lr = self.lr if "lr" in self.data else 1e-12
        optimizer = self.data.get("optimizer", "gd")
        return analyse(hessian, point, "point", optimizer, lr, beta=self.optimizer().hyper.get("beta", 0.0))


def _number(value) -> float:
    from gdcli.expression import parse_number

    return parse_number(str(value), "a value")


def _vector_text(value) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _point_value(values) -> Any:
    """A number in one dimension, a list of floats in several."""
    values = [float(v) for v in values]
    return values[0] if len(values) == 1 else values


def _shape(kind_values: list[float], question: Question) -> Answer:
    value = _point_value(kind_values)
    if question.kind == "vector" and not isinstance(value, list):
        value = [value]
    if question.kind == "number" and isinstance(value, list):
        raise question.error("kind", "the answer is a vector; use kind = \"vector\"")
    return Answer(value)


def compute_iterate(c: Context) -> Answer:
    """x_T after T = steps steps of the optimizer (the engine's run); near misses: x_{T−1}, x_{T+1}, and for
    one gd step the ascent step x₀ + α∇f(x₀)."""
    run = c.run(c.steps + 1)
    if len(run.x) < c.steps + 1:
        raise c.question.data_error("lr", f"the run {run.status} before step {c.steps}: {run.message}")
    answer = _shape(list(run.x[c.steps]), c.question)
    near = []
    if c.steps >= 1:
        near.append(NearMiss(_point_value(run.x[c.steps - 1]), "that is the iterate one step earlier: take one more step."))
    if len(run.x) > c.steps + 1:
        near.append(NearMiss(_point_value(run.x[c.steps + 1]), "that is one step too many."))
    if c.steps == 1 and c.optimizer().name == "gd":
        ascent = run.x[0] + run.lr[0] * run.grad[0]
        near.insert(0, NearMiss(_point_value(ascent), "that is x₀ + α∇f(x₀), a step uphill: subtract the gradient."))
    return Answer(answer.value, near=tuple(near))


def compute_iterates(c: Context) -> Answer:
    """x₁, …, x_T from the engine's run (x₀ is a near miss so that listing it is forgiven)."""
    run = c.run()
    if len(run.x) < c.steps + 1:
        raise c.question.data_error("lr", f"the run {run.status} before step {c.steps}: {run.message}")
    rows = [[float(v) for v in row] for row in run.x[1:c.steps + 1]]
    return Answer(rows, near=(NearMiss([float(v) for v in run.x[0]], "x₀"),), dimension=len(rows[0]))


def compute_value(c: Context) -> Answer:
    """f(x_T) after T = steps steps (T = 0: f at the start)."""
    steps = int(c.data.get("steps", 0))
    run = c.run(steps)
    if len(run.f) < steps + 1:
        raise c.question.data_error("lr", f"the run {run.status} before step {steps}")
    return Answer(float(run.f[steps]))


def compute_gradient(c: Context) -> Answer:
    """∇f as expressions in the objective's variables (one expression in one dimension)."""
    names = c.objective.names
    return Answer(list(c.objective.gradient), names=names)


def compute_gradient_at(c: Context) -> Answer:
    """∇f at the point (or the start)."""
    _, g = c.objective.value_and_gradient(c.point)
    return _shape(list(g), c.question)


def compute_update_rule(c: Context) -> Answer:
    """The gd step x − α f′(x) as an expression in x and α (one-dimensional objectives)."""
    import sympy as sp

    if c.objective.dimension != 1:
        raise c.question.data_error("objective", "update_rule needs a one-variable objective")
    alpha = sp.Symbol("alpha", real=True)
    (x,) = c.objective.symbols
    return Answer([sp.collect(sp.expand(x - alpha * c.objective.gradient[0]), x)], names=[x.name, "alpha"])


def compute_stable_range(c: Context) -> Answer:
    """0 < α < the optimizer's bound from λmax (gdcli.stability: 2/λmax for gd)."""
    bound = c.stability().max_stable_lr
    if bound is None:
        raise c.question.error("data", "no stability bound applies here (λmax ≤ 0 or an adaptive optimizer)")
    return Answer(Interval(0.0, bound), near=())


def _stability_number(name: str, what: str) -> Callable[[Context], Answer]:
    def compute(c: Context) -> Answer:
        value = getattr(c.stability(), name)
        if value is None:
            raise c.question.error("data", f"{what} is undefined here")
        return Answer(float(value))

    compute.__doc__ = f"{what}, from gdcli.stability."
    return compute


def compute_eigenvalues(c: Context) -> Answer:
    """The Hessian's eigenvalues in increasing order."""
    return Answer([float(v) for v in c.stability().eigenvalues])


def compute_steps_predicted(c: Context) -> Answer:
    """⌈log(reduction)/log ρ⌉ at α (or at the best fixed α when no lr is given)."""
    from gdcli.stability import steps_for

    s = c.stability()
    rate = s.rate if "lr" in c.data else s.best_rate
    steps = steps_for(rate, float(c.data.get("reduction", 1e-6)))
    if steps is None:
        raise c.question.data_error("lr", "the iteration does not contract, so no step count exists")
    return Answer(float(steps))


def compute_behaviour(c: Context) -> Answer:
    """converges / oscillates / diverges: the engine's run (diverged is diverged) read with the contraction
    factor ρ(α): ρ > 1 diverges, ρ = 1 oscillates forever, ρ < 1 converges. With a schedule the fixed-α
    reading does not apply, so the run alone decides: ‖∇f‖ down by 10³ is convergence."""
    run = c.run(int(c.data.get("steps", 200)))
    if c.data.get("schedule", "constant") != "constant":
        if run.status == "diverged":
            return Answer("diverges")
        settled = run.final_grad_norm <= 1e-3 * max(run.grad_norm[0], 1e-300)
        return Answer("converges" if settled else "oscillates")
    s = c.stability()
    if run.status == "diverged" or (s.rate is not None and s.rate > 1 + 1e-12):
        return Answer("diverges", near=(NearMiss("oscillates", "the oscillations grow: that is divergence."),))
    if s.rate is not None and abs(s.rate - 1) <= 1e-12:
        return Answer("oscillates", near=(NearMiss("converges", "on the edge ρ = 1 the error never shrinks."),))
    if run.final_grad_norm > 1e-3 * max(run.grad_norm[0], 1e-300) and s.rate is None:
        return Answer("oscillates")
    return Answer("converges", near=(NearMiss("oscillates", "it may zig-zag, but the zig-zags shrink: it converges."),))


def compute_zigzag(c: Context) -> Answer:
    """yes when gd's steepest component flips sign every step: αλmax > 1 (1 − αλmax < 0)."""
    s = c.stability()
    return Answer("yes" if c.lr * s.lambda_max > 1 else "no")


def compute_critical_point(c: Context) -> Answer:
    """minimum / maximum / saddle from the signs of the Hessian's eigenvalues at a point where ∇f = 0."""
    import numpy as np

    _, g = c.objective.value_and_gradient(c.point)
    if not np.all(np.abs(g) <= 1e-9):
        raise c.question.data_error("point", f"∇f is not zero there ({answer_text('vector', list(g))})")
    values = np.linalg.eigvalsh(c.objective.hessian_at(c.point))
    if np.any(np.abs(values) <= 1e-12):
        raise c.question.data_error("point", "a zero Hessian eigenvalue: the second-derivative test is silent")
    kind = "minimum" if np.all(values > 0) else "maximum" if np.all(values < 0) else "saddle"
    return Answer(kind)


def compute_armijo(c: Context) -> Answer:
    """yes when the step α satisfies f(x − α∇f) ≤ f(x) − c1·α·‖∇f‖² at the start."""
    import numpy as np

    x = c.start
    f0, g = c.objective.value_and_gradient(x)
    c1 = float(c.data.get("c1", 1e-4))
    f1 = c.objective.value(x - c.lr * g)
    return Answer("yes" if f1 <= f0 - c1 * c.lr * float(np.dot(g, g)) else "no")


def compute_armijo_lr(c: Context) -> Answer:
    """The α backtracking accepts at the start: the engine's first line-search step from α with c1, shrink."""
    from gdcli.api import solve

    run = c.engine("objective", lambda: solve(
        c.objective, start=_vector_text(c.require("start")), lr=str(c.require("lr")), steps=1, tol=0.0,
        line_search=True, c1=float(c.data.get("c1", 1e-4)), shrink=float(c.data.get("shrink", 0.5)))).run
    return Answer(float(run.lr[0]))


def compute_state(c: Context) -> Answer:
    """An optimizer quantity (b, s, m, v, m_hat, v_hat or x) after ``steps`` updates, from the engine's rule
    (gdcli.kernels.ArrayRule), with ∇f from the objective at each iterate."""
    import numpy as np

    from gdcli.kernels import ArrayRule

    optimizer = c.optimizer()
    kernel = ArrayRule(optimizer.rule)
    quantity = c.data.get("quantity", "x")
    x, state, values = np.array(c.start, dtype=float), {}, {}
    for step in range(1, max(c.steps, 1) + 1):
        _, g = c.objective.value_and_gradient(x)
        x, state, values = kernel(x, g, state, c.lr, step, optimizer.hyper)
    if quantity not in values:
        raise c.question.data_error("quantity", f"'{quantity}' is not a quantity of {optimizer.name} "
                                               f"({', '.join(values)})")
    return _shape(list(np.atleast_1d(values[quantity])), c.question)


def compute_schedule_lr(c: Context) -> Answer:
    """α_t of the schedule (gdcli.schedules) at step index t."""
    from gdcli.schedules import make_schedule

    schedule = c.engine("schedule", lambda: make_schedule(c.data.get("schedule", "constant"), c.data.get("decay")))
    return Answer(schedule.at(c.lr, int(c.require("t"))))


def compute_minimizer(c: Context) -> Answer:
    """The point where ∇f = 0, solved exactly (a quadratic objective: a linear system)."""
    import sympy as sp

    o = c.objective
    if not o.is_quadratic:
        raise c.question.data_error("objective", "minimizer needs a quadratic objective")
    solutions = sp.linsolve(o.gradient, o.symbols)
    if len(solutions) != 1:
        raise c.question.data_error("objective", "∇f = 0 has no unique solution")
    (point,) = solutions
    if any(v.free_symbols for v in point):
        raise c.question.data_error("objective", "∇f = 0 has a line of solutions")
    return _shape([float(v) for v in point], c.question)


def compute_rate_class(c: Context) -> Answer:
    """linear when the Hessian at the minimizer (data.point) is positive definite (λmin > 0), else sublinear
    (the O(1/t) regime of a convex f with flat curvature)."""
    import numpy as np

    _, g = c.objective.value_and_gradient(c.point)
    if not np.all(np.abs(g) <= 1e-9):
        raise c.question.data_error("point", "∇f is not zero there")
    return Answer("linear" if c.stability().lambda_min > 1e-12 else "sublinear")


COMPUTES: dict[str, Callable[[Context], Answer]] = {
    "iterate": compute_iterate,
    "iterates": compute_iterates,
    "value": compute_value,
    "gradient": compute_gradient,
    "gradient_at": compute_gradient_at,
    "update_rule": compute_update_rule,
    "stable_range": compute_stable_range,
    "max_stable_lr": _stability_number("max_stable_lr", "the largest stable α"),
    "condition_number": _stability_number("condition_number", "the condition number κ = λmax/λmin"),
    "best_lr": _stability_number("best_lr", "the best fixed α = 2/(λmin + λmax)"),
    "best_rate": _stability_number("best_rate", "the best contraction (κ − 1)/(κ + 1)"),
    "rate": _stability_number("rate", "the contraction factor ρ(α)"),
    "eigenvalues": compute_eigenvalues,
    "steps_predicted": compute_steps_predicted,
    "behaviour": compute_behaviour,
    "zigzag": compute_zigzag,
    "critical_point": compute_critical_point,
    "armijo": compute_armijo,
    "armijo_lr": compute_armijo_lr,
    "state": compute_state,
    "schedule_lr": compute_schedule_lr,
    "minimizer": compute_minimizer,
    "rate_class": compute_rate_class,
}
COMPUTE_KINDS = {
    "iterate": "vector|number", "iterates": "iterates", "value": "number", "gradient": "expression",
    "gradient_at": "vector|number", "update_rule": "expression", "stable_range": "interval",
    "max_stable_lr": "number", "condition_number": "number", "best_lr": "number", "best_rate": "number",
    "rate": "number", "eigenvalues": "vector", "steps_predicted": "number", "behaviour": "choice",
    "zigzag": "choice", "critical_point": "choice", "armijo": "choice", "armijo_lr": "number",
    "state": "vector|number", "schedule_lr": "number", "minimizer": "vector|number", "rate_class": "choice",
}
