"""The engine computes the expected answer of every practice question from the question's data.

Each ``compute`` rule named in a problem file (COMPUTES) reads the data through the engine — gdcli.engine.solution.solve for
iterates, gdcli.engine.objective for gradients, gdcli.engine.stability for stable ranges and rates, gdcli.engine.kernels.ArrayRule for
an optimizer's state, the Armijo search of gdcli.engine.run — and returns an Answer in the form gdcli.practice.grading grades.
COMPUTE_KINDS says which question kind each rule answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Protocol

from gdcli.errors import GdError, ProblemError
from gdcli.practice.grading import Interval, NearMiss, answer_text


class Question(Protocol):
    """What computing an answer needs of a question (gdcli.practice.problems.Question is one): its kind, its
    data, the name of its compute rule, and errors that name the problem file and field."""

    kind: str
    data: dict
    compute: str

    def error(self, field: str, message: str) -> ProblemError: ...

    def data_error(self, name: str, message: str) -> ProblemError: ...

DATA_KEYS: dict[str, tuple[type, ...]] = {
    "objective": (str,), "variables": (list,), "start": (list, str, int, float), "lr": (int, float, str),
    "steps": (int,), "optimizer": (str,), "beta": (int, float), "beta1": (int, float), "beta2": (int, float),
    "eps": (int, float), "rho": (int, float), "schedule": (str,), "decay": (int, float), "t": (int,),
    "c1": (int, float), "shrink": (int, float), "point": (list, str), "eigenvalues": (list,), "quantity": (str,),
    "reduction": (int, float), "dataset": (dict,), "model": (str,), "params": (list,), "batch": (list,),
    "line_search": (str,), "cg_beta": (str,), "bb": (int,),
}


@dataclass
class Answer:
    """An expected answer in the form answer_text documents, with the names an expression may use, the
    dimension of iterates, and known near misses for feedback."""

    value: Any
    names: list[str] = field(default_factory=list)
    near: tuple[NearMiss, ...] = ()
    dimension: int = 1


_X = re.compile(r"(?<![\w.])x(?!\w)")
"""The model's variable x in its checked text."""


@lru_cache(maxsize=256)
def parsed_objective(text: str, variables: tuple[str, ...] | None):
    """Objective.parse, kept: the questions of a problem and the variants of a template share an objective
    text, and with it the objective's derivatives and compiled evaluators (an Objective never changes)."""
    from gdcli.engine.objective import Objective

    return Objective.parse(text, None if variables is None else list(variables))


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
            option = re.search(r"--([a-z0-9-]+)", str(error))
            named = option.group(1).replace("-", "_") if option else None
            key = named if named in DATA_KEYS else name
            if "at the start" in str(error):
                key = "start"
            raise self.question.data_error(key, str(error)) from None

    @cached_property
    def objective(self):

        if "dataset" in self.data:
            return self.engine("dataset", self._dataset_objective)
        text = self.require("objective")
        variables = self.data.get("variables")
        return self.engine("objective", lambda: parsed_objective(text, None if variables is None else tuple(variables)))

    def _dataset_objective(self):
        """The mean squared error (1/|B|) Σ_{i∈B} (y_i − model(x_i))² over the rows B of ``batch`` (all rows
        when absent), written out as an objective's text with each xᵢ put into the model, so that it is read like
        any objective: by the safe parser, then from the derivation cache when seen before (no SymPy)."""
        from gdcli.engine.expression import check_expression, parse_number, plain_number
        from gdcli.engine.objective import Objective

        table = self.data["dataset"]
        xs, ys = table.get("x"), table.get("y")
        if not (isinstance(xs, list) and isinstance(ys, list) and xs and len(xs) == len(ys)):
            raise self.question.data_error("dataset", "needs lists x and y of the same length")
        params = self.data.get("params", ["w", "b"])
        model = self.data.get("model", "w*x + b")
        checked = check_expression(model, [*params, "x"])
        batch = self.data.get("batch", list(range(1, len(xs) + 1)))
        if not all(isinstance(i, int) and 1 <= i <= len(xs) for i in batch) or not batch:
            raise self.question.data_error("batch", f"rows must be whole numbers from 1 to {len(xs)}")

        def value(v) -> str:
            if plain_number(str(v), "a data value") is None:  # beyond + − × ÷ of numbers (π, 1/0): SymPy reads it
                parse_number(str(v), "a data value")
            return f"({v})"

        terms = [f"({value(ys[i - 1])} - ({_X.sub(value(xs[i - 1]), checked.text)}))**2" for i in batch]
        objective = Objective.parse(f"({' + '.join(terms)})/{len(batch)}", params)
        objective.text = f"mean squared error of {model}"
        return objective

    @property
    def start(self):
        return self.engine("start", lambda: self.objective.read_start(_vector_text(self.require("start"))))

    @property
    def point(self):
        key = "point" if "point" in self.data else "start"
        return self.engine(key, lambda: self.objective.read_start(_vector_text(self.require(key))))

    @property
    def lr(self) -> float:
        from gdcli.engine.solution import read_lr

        return self.engine("lr", lambda: read_lr(str(self.require("lr")), 0.1))

    @property
    def steps(self) -> int:
        return int(self.data.get("steps", 1))

    def hyper(self) -> dict:
        """The optimizer's hyper-parameters and a method's settings (cg_beta, bb) given in the data."""
        return {k: self.data.get(k) for k in ("beta", "beta1", "beta2", "eps", "rho", "cg_beta", "bb")}

    def optimizer(self):
        from gdcli.engine.optimizers import make_optimizer

        return self.engine("optimizer", lambda: make_optimizer(self.data.get("optimizer", "gd"), **self.hyper()))

    def run(self, steps: int | None = None, stop: dict | None = None, **changed):
        """The engine's run: every step recorded, no early stop unless ``stop`` turns on stopping tests (tol, xtol,
        ftol of gdcli.engine.run); ``changed`` replaces data (optimizer, lr, line_search, cg_beta, bb) for a run
        that differs in one thing: gdcli.engine.solution.iterate, solve's run without its stability reading."""
        from gdcli.engine.line_search import KINDS
        from gdcli.engine.solution import iterate

        data = {**self.data, **changed}
        hyper = {k: data.get(k) for k in self.hyper()}
        if data.get("line_search") not in (None, *KINDS):
            raise self.question.data_error("line_search", f"'{data['line_search']}' is not one of {', '.join(KINDS)}")
        return self.engine("objective", lambda: iterate(
            self.objective, start=_vector_text(self.require("start")), optimizer=data.get("optimizer", "gd"),
            lr=str(data["lr"] if "lr" in data else self.require("lr")), steps=self.steps if steps is None else steps,
            schedule=data.get("schedule", "constant"), decay=data.get("decay"),
            line_search=data.get("line_search") or False, **{"tol": 0.0, **(stop or {})}, **hyper))

    @property
    def t(self) -> int:
        return int(self.data.get("t", 0))

    def stability(self):
        """The engine's stability reading of the Hessian (given eigenvalues, or the objective's at the point)."""
        import numpy as np

        from gdcli.engine.stability import analyse

        if "eigenvalues" in self.data:
            values = self.engine("eigenvalues", lambda: [_number(v) for v in self.data["eigenvalues"]])
            hessian, point = np.diag(values), np.zeros(len(values))
        else:
            point = self.point if ("point" in self.data or "start" in self.data) else self.objective.default_start()
            hessian = self.objective.hessian_at(point)
        lr = self.lr if "lr" in self.data else 1e-12
        optimizer = self.data.get("optimizer", "gd")
        return analyse(hessian, point, "point", optimizer, lr, beta=self.optimizer().hyper.get("beta", 0.0))


def _number(value) -> float:
    """``value`` as gdcli.engine.expression.read_number reads it: exactly, rounded once (SymPy only for a constant
    beyond + − × ÷ of numbers, such as π)."""
    from gdcli.engine.expression import read_number

    return read_number(str(value), "a value")


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
    elementwise = c.optimizer().elementwise
    answer = _shape(list(run.x[c.steps]) if elementwise else settled(list(run.x[c.steps])), c.question)
    near = []
    if c.steps >= 1:
        near.append(NearMiss(_point_value(run.x[c.steps - 1]), "that is the iterate one step earlier: take one more step."))
    if len(run.x) > c.steps + 1:
        near.append(NearMiss(_point_value(run.x[c.steps + 1]), "that is one step too many."))
    if c.steps == 1 and c.optimizer().name == "gd":
        ascent = run.x[0] + run.lr[0] * run.grad[0]
        near.insert(0, NearMiss(_point_value(ascent), "that is x₀ + α∇f(x₀), a step uphill: subtract the gradient."))
    return Answer(answer.value, near=tuple(near))


def settled(values: list[float]) -> list[float]:
    """``values`` with each entry below 10⁻¹²·max(1, max|vᵢ|) set to 0: the rounding left where a method's
    float arithmetic computes a zero (Newton's solve, a conjugate direction); the practice data are small numbers,
    so no true entry is that small."""
    scale = 1e-12 * max([1.0, *map(abs, values)])
    return [0.0 if abs(v) <= scale else float(v) for v in values]


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
    if c.objective.dimension != 1:
        raise c.question.data_error("objective", "update_rule needs a one-variable objective")
    (x,) = c.objective.symbols
    return Answer([_update_rule(c.objective)], names=[x.name, "alpha"])


@lru_cache(maxsize=256)
def _update_rule(objective) -> Any:
    """x − α f′(x), collected in x (kept per objective: the objectives are shared, see parsed_objective)."""
    import sympy as sp

    alpha = sp.Symbol("alpha", real=True)
    (x,) = objective.symbols
    return sp.collect(sp.expand(x - alpha * objective.gradient[0]), x)


def compute_stable_range(c: Context) -> Answer:
    """0 < α < the optimizer's bound from λmax (gdcli.engine.stability: 2/λmax for gd)."""
    bound = c.stability().max_stable_lr
    if bound is None:
        raise c.question.error("data", "no stability bound applies here (a saddle or a maximum, λmax ≤ 0, or an "
                                       "adaptive optimizer)")
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
    from gdcli.engine.stability import steps_for

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
        return Answer("diverges", near=(NearMiss("oscillates", "oscillations that grow in size are not the constant oscillation of the edge case: follow their size."),))
    if s.rate is not None and abs(s.rate - 1) <= 1e-12:
        return Answer("oscillates", near=(NearMiss("converges", "on the edge ρ = 1 the error never shrinks."),))
    if run.final_grad_norm > 1e-3 * max(run.grad_norm[0], 1e-300) and s.rate is None:
        return Answer("oscillates")
    return Answer("converges", near=(NearMiss("oscillates", "it may zig-zag: follow the size of the zig-zags, not their sign."),))


def compute_zigzag(c: Context) -> Answer:
    """yes when gd's steepest component flips sign every step: αλmax > 1 (1 − αλmax < 0)."""
    s = c.stability()
    return Answer("yes" if c.lr * s.lambda_max > 1 else "no")


def compute_critical_point(c: Context) -> Answer:
    """minimum / maximum / saddle from the signs of the Hessian's eigenvalues at a point where ∇f = 0
    (gdcli.engine.stability.classify, which decides a zero eigenvalue relative to the Hessian's scale)."""
    import numpy as np

    from gdcli.engine.stability import classify

    _, g = c.objective.value_and_gradient(c.point)
    if not np.all(np.abs(g) <= 1e-9):
        raise c.question.data_error("point", f"∇f is not zero there ({answer_text('vector', list(g))})")
    kind = classify(c.objective.hessian_at(c.point))
    if kind == "degenerate":
        raise c.question.data_error("point", "a zero Hessian eigenvalue: the second-derivative test is silent")
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
    from gdcli.engine.solution import iterate

    run = c.engine("objective", lambda: iterate(
        c.objective, start=_vector_text(c.require("start")), lr=str(c.require("lr")), steps=1, tol=0.0,
        line_search=True, c1=float(c.data.get("c1", 1e-4)), shrink=float(c.data.get("shrink", 0.5))))
    if run.status == "line_search_failed":
        raise c.question.data_error("lr", run.message)
    return Answer(float(run.lr[0]))


def compute_state(c: Context) -> Answer:
    """An optimizer quantity (b, s, m, v, m_hat, v_hat or x) after ``steps`` updates, from the engine's rule
    (gdcli.engine.kernels.ArrayRule), with ∇f from the objective at each iterate."""
    import numpy as np

    from gdcli.engine.kernels import ArrayRule

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
    """α_t of the schedule (gdcli.engine.schedules) at step index t."""
    from gdcli.engine.schedules import make_schedule

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


def compute_hessian_at(c: Context) -> Answer:
    """∇²f at the point (or the start), row by row: H₁₁, H₁₂, …, H₂₁, H₂₂, …"""
    return Answer([float(v) for v in c.objective.hessian_at(c.point).ravel()])


def method_run(c: Context, through: int):
    """The engine's run of the question's method up to step ``through``, which must be reached (a run that
    stops earlier — ∇f = 0 exactly, a failed search — has no such step)."""
    run = c.run(through)
    if len(run.x) < through + 1:
        raise c.question.data_error("start", f"the run {run.status} at step {run.steps}, before step {through}: "
                                             f"{run.message}")
    return run


def compute_step_size(c: Context) -> Answer:
    """α_t of the engine's run at step t (data t, default 0): a line search's accepted step (the exact one on
    a quadratic is −gᵀd/(dᵀ∇²f d)), a Barzilai–Borwein step sᵀs/sᵀy or sᵀy/yᵀy, or the schedule's α."""
    return Answer(float(method_run(c, c.t + 1).lr[c.t]))


METHOD_QUANTITIES = ("d", "beta", "s", "y")
"""What method_state reads at step t: the direction d_t, CG's β_t, s = x_t − x_{t−1}, y = ∇f(x_t) − ∇f(x_{t−1})."""


def method_quantity(run, quantity: str, t: int):
    """``quantity`` (METHOD_QUANTITIES) at step t of a method's run, from its rows and states."""
    if quantity in ("s", "y"):
        rows = run.x if quantity == "s" else run.grad
        return [float(v) for v in rows[t] - rows[t - 1]]
    state = run.states[t] if run.states is not None else {}
    if quantity == "beta":
        return float(state.get("beta", 0.0))
    return [float(v) for v in state["d"]]


def compute_method_state(c: Context) -> Answer:
    """A method's quantity at step t (data quantity and t) from the engine's run: the direction d_t (the method's
    state; −g_t for bb, and for gd under a line search), the conjugate-gradient β_t, or the Barzilai–Borwein
    pair s = x_t − x_{t−1}, y = ∇f(x_t) − ∇f(x_{t−1})."""
    quantity = c.data.get("quantity", "d")
    if quantity not in METHOD_QUANTITIES:
        raise c.question.data_error("quantity", f"'{quantity}' is not one of {', '.join(METHOD_QUANTITIES)}")
    if quantity in ("s", "y") and c.t < 1:
        raise c.question.data_error("t", f"{quantity} needs t ≥ 1 (it is a difference of two steps)")
    run = method_run(c, c.t + 1)
    if quantity in ("d", "beta") and run.states is None:
        raise c.question.data_error("optimizer", f"{quantity} is a quantity of the methods (newton, cg, …)")
    value = method_quantity(run, quantity, c.t)
    return Answer(value) if quantity == "beta" else _shape(settled(value), c.question)


def exact_steps(c: Context, **changed) -> int | None:
    """The number of steps the question's method takes, in rational arithmetic (gdcli.engine.methods_exact),
    until ∇f = 0 exactly; None when it does not get there within ``steps`` (default 50)."""
    from gdcli.engine.exact import rational_number
    from gdcli.engine.methods_exact import exact_iterates
    from gdcli.engine.optimizers import make_optimizer

    data = {**c.data, **changed}
    hyper = {k: data.get(k) for k in c.hyper()}
    optimizer = c.engine("optimizer", lambda: make_optimizer(data.get("optimizer", "gd"), **hyper))
    start = [rational_number(v) for v in c.start]
    alpha = rational_number(data.get("lr", 1))
    rows, note = c.engine("objective", lambda: exact_iterates(
        c.objective, optimizer, data.get("line_search"), start, alpha, int(data.get("steps", 50))))
    return len(rows) - 1 if note.startswith("∇f = 0 exactly") else None


def compute_steps_to_minimum(c: Context) -> Answer:
    """How many steps the method needs to reach ∇f = 0 exactly (rational arithmetic: Newton on a strictly
    convex quadratic needs one, linear conjugate gradients at most n)."""
    steps = exact_steps(c)
    if steps is None:
        raise c.question.data_error("steps", "the method does not reach ∇f = 0 exactly within the steps given")
    return Answer(float(steps))


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
    "hessian_at": compute_hessian_at,
    "step_size": compute_step_size,
    "method_state": compute_method_state,
    "steps_to_minimum": compute_steps_to_minimum,
}
COMPUTE_KINDS = {
    "iterate": "vector|number", "iterates": "iterates", "value": "number", "gradient": "expression",
    "gradient_at": "vector|number", "update_rule": "expression", "stable_range": "interval",
    "max_stable_lr": "number", "condition_number": "number", "best_lr": "number", "best_rate": "number",
    "rate": "number", "eigenvalues": "vector", "steps_predicted": "number", "behaviour": "choice",
    "zigzag": "choice", "critical_point": "choice", "armijo": "choice", "armijo_lr": "number",
    "state": "vector|number", "schedule_lr": "number", "minimizer": "vector|number", "rate_class": "choice",
    "hessian_at": "vector", "step_size": "number", "method_state": "vector|number", "steps_to_minimum": "number",
}


# stopping criteria: the engine's three stopping tests (gdcli.engine.run), each alone

STOPPING_TESTS = {"gradient": "tol", "step": "xtol", "value": "ftol"}
"""The tests by name: gradient ‖∇f(x_t)‖ ≤ tol, step ‖x_t − x_{t−1}‖ ≤ tol, value |f(x_t) − f(x_{t−1})| ≤ tol."""
STOPPING_BUDGET = 10_000
"""Steps a run may take to meet a stopping test when the data give no ``steps``."""


def _stopping_step(c: Context, criterion: str) -> int:
    """The first step t at which the engine's run meets ``criterion``'s test alone at data.tol."""
    if criterion not in STOPPING_TESTS:
        raise c.question.data_error("criterion", f"'{criterion}' is not one of {', '.join(STOPPING_TESTS)}")
    tol = c.engine("tol", lambda: _number(c.require("tol")))
    budget = int(c.data.get("steps", STOPPING_BUDGET))
    run = c.run(budget, stop={STOPPING_TESTS[criterion]: tol})
    if run.reason != STOPPING_TESTS[criterion]:
        raise c.question.data_error("tol", f"the {criterion} test never holds: {run.message}")
    return int(run.t[-1])


def compute_stopping_step(c: Context) -> Answer:
    """The step t at which the run first meets the test data.criterion (gradient, step or value) at data.tol;
    near miss t − 1, where the test still fails."""
    step = _stopping_step(c, c.data.get("criterion", "gradient"))
    near = (NearMiss(float(step - 1), "at that step the test still fails: t is the first step where it holds."),)
    return Answer(float(step), near=near if step >= 1 else ())


def compute_first_stop(c: Context) -> Answer:
    """gradient, step or value: the test that stops the run first when each runs alone at data.tol (a tie has
    no single answer: an error)."""
    steps = {criterion: _stopping_step(c, criterion) for criterion in STOPPING_TESTS}
    first = min(steps.values())
    winners = [criterion for criterion, step in steps.items() if step == first]
    if len(winners) > 1:
        raise c.question.data_error("tol", f"the {' and '.join(winners)} tests both stop the run at step {first}")
    return Answer(winners[0])


def compute_gradient_test_radius(c: Context) -> Answer:
    """On a quadratic with positive definite Hessian H, the largest ‖x − x*‖ at which ‖∇f(x)‖ ≤ tol holds:
    ∇f(x) = H(x − x*) and ‖He‖ ≥ λmin‖e‖, with equality along λmin's eigenvector, so tol/λmin."""
    import numpy as np

    o = c.objective
    if not o.is_quadratic:
        raise c.question.data_error("objective", "gradient_test_radius needs a quadratic objective")
    eigenvalues = np.linalg.eigvalsh(o.hessian_at(np.zeros(o.dimension)))
    if eigenvalues[0] <= 1e-12:
        raise c.question.data_error("objective", "the Hessian is not positive definite: no minimizer bounds it")
    tol = c.engine("tol", lambda: _number(c.require("tol")))
    near = (NearMiss(tol * float(eigenvalues[0]), "that multiplies by the curvature: ‖∇f‖ = λ‖x − x*‖ along an "
                                                   "eigenvector, so divide tol by λ."),)
    if eigenvalues[-1] > eigenvalues[0] * (1 + 1e-9):
        near += (NearMiss(tol / float(eigenvalues[-1]), "that is along the steepest direction: along the flattest "
                                                         "one, λmin, the same gradient allows a longer distance."),)
    return Answer(tol / float(eigenvalues[0]), near=near)


DATA_KEYS.update({"tol": (int, float, str), "criterion": (str,)})
COMPUTES.update({"stopping_step": compute_stopping_step, "first_stop": compute_first_stop,
                 "gradient_test_radius": compute_gradient_test_radius})
COMPUTE_KINDS.update({"stopping_step": "number", "first_stop": "choice", "gradient_test_radius": "number"})
