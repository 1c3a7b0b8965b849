"""Worked solutions: the first steps in words and numbers, the update map of a quadratic, and exact iterates.

- ``worked_steps``: for t = 0, 1, …: ∇f(x_t), then each assignment of the optimizer's rule with its value,
  then f(x_{t+1}), from the run's own rows and the vectorised rule (gdcli.engine.kernels.ArrayRule).
- ``update_map``: for a quadratic f and a linear rule (gd, momentum, nesterov) with a constant α, the rule
  with ∇f substituted and simplified, e.g. (x − 3)²: x_{t+1} = (1 − 2α)x_t + 6α.
- ``stability_condition``: for gd on a quadratic, |1 − αλ| < 1 for every eigenvalue λ of ∇²f, solved for α.
- ``exact_iterates``: the optimizer's SymPy rule (gdcli.engine.optimizers) evaluated in Fraction arithmetic
  (gdcli.engine.exact), so a rational run equals ``fractions.Fraction`` arithmetic of the same rule; refused
  with a GdError naming the first irrational quantity (a square root in AdaGrad, RMSprop, Adam, or f itself)
  or a value past the digit budget. ``exact_run`` keeps a refusal as a reason, so the rest of the output stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy as sp

from gdcli.engine import exact
from gdcli.engine import run as engine
from gdcli.engine.expression import parse_number, parse_vector
from gdcli.engine.kernels import ArrayRule
from gdcli.engine.methods_exact import exact_iterates as method_iterates
from gdcli.engine.notation import number, unicode, vector
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import HYPER_SYMBOLS, Optimizer, expression_text, rule_lines, symbol_text
from gdcli.engine.optimizers import alpha as ALPHA
from gdcli.engine.optimizers import g as G
from gdcli.engine.optimizers import t as STEP
from gdcli.engine.optimizers import x as X
from gdcli.engine.schedules import Schedule, alpha0, k
from gdcli.engine.schedules import t as INDEX
from gdcli.errors import GdError

EXPLAINED_STEPS = 3
EXACT_STEPS = 10
"""Most iterates computed exactly (denominators grow geometrically)."""
EXACT_DIGITS = 200
"""The exact table stops early once an iterate's numerator and denominator have more digits than this (the
budget of every intermediate value is gdcli.engine.exact.MAX_DIGITS)."""
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(n: int) -> str:
    return str(n).translate(SUBSCRIPT)


@dataclass
class Explanation:
    """`--explain`: the first steps worked out, and for a quadratic the update map and the stable range of α."""

    steps: list[str]
    update_map: list[str] | None
    condition: str | None


def explain(solution) -> Explanation:
    """Everything `--explain` shows for a solved run."""
    return Explanation(worked_steps(consecutive(solution.run)), update_map(solution.objective, solution.optimizer),
                       stability_condition(solution.objective, solution.optimizer))


def consecutive(result, count: int = EXPLAINED_STEPS):
    """``result`` itself when its first ``count`` + 1 rows are x₀, x₁, …; else (--every K kept only every K-th)
    its first steps run again with every row kept. The stopping tests are off in the rerun: they only decide
    where a run ends, and it ends at min(count, result.steps) here."""
    steps = min(count, int(result.steps))
    if list(result.t[:steps + 1]) == list(range(steps + 1)):
        return result
    return engine.run(result.objective, result.optimizer, result.start, result.lr0, steps, 0.0, 0.0, 0.0,
                      result.schedule, result.line_search)


def exact_run(solution, start: str | Sequence | None, lr: str | float | None) -> ExactRun:
    """`--exact`: the run's iterates again in rational arithmetic, from the start and α exactly as given
    (text such as "1/10" stays exact; None takes the run's own); a refusal is kept with its reason."""
    run = solution.run
    try:
        if run.states is not None:  # newton, or cg and gd under the exact search (gdcli.engine.methods_exact)
            x0 = [rational(v, "the start") for v in (parse_vector(start, "--start") if isinstance(start, str)
                                                     else run.start if start is None else start)]
            alpha = rational(parse_number(lr, "--lr") if isinstance(lr, str) else run.lr0 if lr is None else lr, "α")
            found, note = method_iterates(solution.objective, run.optimizer,
                                          run.line_search.kind if run.line_search else None, x0, alpha,
                                          min(run.steps, EXACT_STEPS))
            return ExactRun([ExactRow(*row) for row in found], note)
        rows, note = exact_iterates(solution.objective, solution.optimizer, start,
                                    lr if lr is not None else run.lr0, run.steps, run.schedule,
                                    run.line_search is not None)
    except GdError as error:
        return ExactRun([], refused=str(error))
    return ExactRun(rows, note)


def worked_steps(run, count: int = EXPLAINED_STEPS) -> list[str]:
    """The first ``count`` steps of ``run`` in words and numbers, as the seeds work them by hand."""
    o, rule = run.objective, run.optimizer.rule
    if run.states is not None:
        return _method_steps(run, count)
    kernel = ArrayRule(rule)
    gradient = ", ".join(unicode(e) for e in o.gradient)
    lines = [f"∇f = ({gradient})", "rule: " + "; ".join(f"{symbol_text(tgt)} ← {expression_text(e)}"
                                                         for tgt, e in rule.steps)]
    state: dict[str, np.ndarray] = {}
    for r in range(min(count, len(run.t) - 1)):
        x, grad, lr = run.x[r], run.grad[r], float(run.lr[r])
        lines.append(f"t = {r}: x{sub(r)} = {vector(x)}, f(x{sub(r)}) = {number(run.f[r])}")
        lines.append(f"  ∇f(x{sub(r)}) = {vector(grad)}, α{sub(r)} = {number(lr)}")
        _, state, values = kernel(x, grad, state, lr, r + 1, run.optimizer.hyper)
        for target, expr in rule.steps:
            if target == X:
                continue
            lines.append(f"  {symbol_text(target)} ← {expression_text(expr)} = {vector(values[target.name])}")
        if rule.name == "gd":
            lines.append(f"  x{sub(r + 1)} = x{sub(r)} − α∇f(x{sub(r)}) = {vector(x)} − {number(lr)}·{factor(grad)}"
                         f" = {vector(run.x[r + 1])}")
        else:
            lines.append(f"  x{sub(r + 1)} = {expression_text(dict(rule.steps)[X])} = {vector(run.x[r + 1])}")
        lines.append(f"  f(x{sub(r + 1)}) = {number(run.f[r + 1])}"
                     + (" (f decreased)" if run.f[r + 1] < run.f[r] else " (f increased)"))
    return lines


def _method_steps(run, count: int) -> list[str]:
    """The first steps of a method (gdcli.engine.methods) from its recorded rows and state: the direction d,
    the step size α and the new point, with the row's note."""
    o = run.objective
    lines = [f"∇f = ({', '.join(unicode(e) for e in o.gradient)})", "rule: " + "; ".join(rule_lines(run.optimizer.rule))]
    for r in range(min(count, len(run.t) - 1)):
        state, lr = run.states[r], float(run.lr[r])
        lines.append(f"t = {r}: x{sub(r)} = {vector(run.x[r])}, f(x{sub(r)}) = {number(run.f[r])}")
        lines.append(f"  ∇f(x{sub(r)}) = {vector(run.grad[r])}, d{sub(r)} = {vector(state['d'])}"
                     + (f" ({state['note']})" if "note" in state else ""))
        lines.append(f"  x{sub(r + 1)} = x{sub(r)} + α·d{sub(r)} = {vector(run.x[r])} + {number(lr)}·{factor(state['d'])}"
                     f" = {vector(run.x[r + 1])}")
        lines.append(f"  f(x{sub(r + 1)}) = {number(run.f[r + 1])}"
                     + (" (f decreased)" if run.f[r + 1] < run.f[r] else " (f increased)"))
    return lines


def update_map(objective: Objective, optimizer: Optimizer) -> list[str] | None:
    """x_{t+1} (and b_{t+1}) as simplified expressions in x_t and α, for a quadratic and a linear rule."""
    if not objective.is_quadratic or optimizer.name not in ("gd", "momentum", "nesterov"):
        return None
    now = {s: sp.Symbol(f"{s.name}_t", real=True) for s in objective.symbols}
    gradient = [e.xreplace(now) for e in objective.gradient]
    alpha, beta = sp.Symbol("α", positive=True), sp.Symbol("β", positive=True)
    lines = []
    for i, symbol in enumerate(objective.symbols):
        values = {X: now[symbol], G: gradient[i], ALPHA: alpha, HYPER_SYMBOLS["beta"]: beta}
        carried = list(now.values())
        for target, expr in optimizer.rule.steps:
            if target != X:
                values[target] = sp.Symbol(f"{target.name}_{symbol.name},t", real=True)
                carried.append(values[target])
            result = sp.expand(expr.xreplace(values))
            name = symbol.name if target == X else f"{target.name}_{symbol.name}"
            lines.append(f"{name}_(t+1) = {linear_form(result, carried)}")
            values[target] = result
    return lines


def _pretty(expr: sp.Expr) -> str:
    return unicode(expr)


def factor(values) -> str:
    """A vector or number as a factor in a product: a negative plain number gets parentheses, 0.1·(−6)."""
    text = vector(values)
    return f"({text})" if text.startswith("-") else text


def linear_form(expr: sp.Expr, variables: list[sp.Symbol]) -> str:
    """``expr`` as coefficient·variable terms then the constant, as textbooks write maps: (1 − 2·α)·x_t + 6·α."""
    expr = sp.expand(expr)
    free = expr.free_symbols
    present = [v for v in variables if v in free]  # not every variable: n maps of n terms each would be n²
    terms = []
    for v in present:
        coefficient = sp.factor(expr.coeff(v))
        if coefficient != 0:
            text = unicode(coefficient)
            terms.append(v.name if coefficient == 1 else f"({text})·{v.name}" if isinstance(coefficient, sp.Add)
                         else f"{text}·{v.name}")
    constant = expr.subs({v: 0 for v in present})
    if constant != 0 or not terms:
        terms.append(unicode(constant))
    return " + ".join(terms).replace("+ -", "− ")


def stability_condition(objective: Objective, optimizer: Optimizer) -> str | None:
    """For gd on a quadratic f(x) = ½xᵀHx + bᵀx + c, from the exact eigenvalues λ of H (decimals read as written).

    gd's error along an eigenvector of λ is multiplied by 1 − αλ each step. So: a λ < 0 gives |1 − αλ| > 1 for
    every α > 0 (gd leaves the critical point along it); a λ = 0 leaves that component unchanged, so with b
    outside H's range f is unbounded below and gd never converges, and otherwise gd converges, for
    |1 − αλ| < 1 on every λ > 0, to the minimiser nearest the start; with every λ > 0, |1 − αλ| < 1 solved for α.
    """
    if not objective.is_quadratic or optimizer.name != "gd" or objective.dimension > 3:
        return None
    alpha = sp.Symbol("α", real=True)
    hessian = sp.Matrix(objective.hessian).applyfunc(_rational)
    eigenvalues = sorted(hessian.eigenvals(), key=lambda v: float(v))
    if eigenvalues[0] < 0:
        lam = eigenvalues[0]
        return (f"λ = {_pretty(lam)} < 0 gives |{_pretty(1 - alpha * lam)}| > 1 for every α > 0: gd moves away from "
                "the critical point along its eigenvector, so no α converges to it")
    positive = [lam for lam in eigenvalues if lam > 0]
    if not positive:
        return "∇²f = 0: f is affine, and gd takes the same step −α∇f every time"
    conditions = [sp.Abs(1 - alpha * lam) < 1 for lam in positive]
    solved = sp.Intersection(*(sp.solve_univariate_inequality(c, alpha, relational=False) for c in conditions))
    left = " and ".join(f"|{_pretty(1 - alpha * lam)}| < 1" for lam in positive)
    text = (f"{left} ⇔ {_pretty(solved.start)} < α < {_pretty(solved.end)}" if isinstance(solved, sp.Interval)
            else f"{left} ⇔ α ∈ {solved}")
    if len(positive) == len(eigenvalues):
        return text
    zero = {s: 0 for s in objective.symbols}
    b = sp.Matrix([_rational(e.xreplace(zero)) for e in objective.gradient])
    if not sp.linsolve((hessian, -b), *objective.symbols):
        return ("λ = 0, and ∇f has a constant part along its eigenvector: f is unbounded below there and gd moves "
                "by the same amount along it every step, so it never converges")
    return (f"λ = 0: the component along its eigenvector never changes; {text} for the rest, and then gd "
            "converges to the minimiser nearest the start")


def _rational(value: sp.Expr) -> sp.Rational:
    """A constant Hessian entry as an exact rational (a decimal read as written)."""
    number = exact.evaluate(value, {})
    return sp.Rational(number.numerator, number.denominator)


@dataclass
class ExactRow:
    t: int
    x: list[Fraction]
    f: Fraction


@dataclass
class ExactRun:
    """`--exact`: the iterates as fractions and a note on where the table stops, or why exact arithmetic was
    refused (then ``rows`` is empty and the rest of the command's output still stands)."""

    rows: list[ExactRow]
    note: str = ""
    refused: str | None = None

    def to_dict(self) -> list[dict] | None:
        """``exact_iterates`` of `--exact --json`: t, x and f with fractions written "p/q" (None if refused)."""
        if self.refused is not None:
            return None
        return [{"t": r.t, "x": [fraction_text(v) for v in r.x], "f": fraction_text(r.f)} for r in self.rows]


def fraction_text(value: Fraction) -> str:
    """A fraction as "p/q" (an integer as "p/1", so every value reads the same way)."""
    return f"{value.numerator}/{value.denominator}"


def rational(value, what: str) -> Fraction:
    """An exact rational from a SymPy number, an int, text through the safe parser, or a float (read as the
    decimal it prints as); text never reaches sympify."""
    number = parse_number(value, what) if isinstance(value, str) else value
    try:
        return exact.evaluate(sp.sympify(number, strict=True), {})
    except exact.Irrational:
        raise GdError(f"--exact needs rational numbers, but {what} = {number} is not rational") from None


def exact_iterates(objective: Objective, optimizer: Optimizer, start: str | Sequence | None, lr: str | float,
                   steps: int, schedule: Schedule = Schedule(), line_search: bool = False,
                   most: int = EXACT_STEPS) -> tuple[list[ExactRow], str]:
    """x_0 … x_min(steps, most) in rational arithmetic (gdcli.engine.exact: Fraction arithmetic of the
    optimizer's rule, the schedule and f), and a note on where and why the table stops.

    Raises GdError when a value is not rational (a square root in AdaGrad, RMSprop or Adam, or f itself) or
    f(x₀) is already past the digit budget.
    """
    if line_search:
        raise GdError("--exact does not combine with --line-search: the accepted α depends on float comparisons")
    x0 = [rational(v, "the start") for v in (parse_vector(start, "--start") if isinstance(start, str)
                                             else objective.default_start() if start is None else start)]
    alpha = rational(parse_number(lr, "--lr") if isinstance(lr, str) else lr, "α")
    hyper = {HYPER_SYMBOLS[name]: rational(value, name) for name, value in optimizer.hyper.items()}
    decay = rational(schedule.decay, "--decay")
    try:
        rows = [ExactRow(0, x0, _value(objective, objective.expr, x0, "f(x₀)"))]
    except exact.TooLarge as error:
        raise GdError(f"--exact: f(x₀) needs {error} (more than {exact.MAX_DIGITS} digits)") from None
    state = {target: [Fraction(0)] * objective.dimension for target in optimizer.rule.state}
    point = x0
    last = min(steps, most)
    for t in range(last):
        try:
            lr_t = exact.evaluate(schedule.formula, {alpha0: alpha, k: decay, INDEX: Fraction(t)})
            grads = [_value(objective, e, point, f"∂f/∂{n} at x{sub(t)}")
                     for e, n in zip(objective.gradient, objective.names)]
            point = [_step(optimizer, point[i], grads[i], lr_t, t, hyper, state, i) for i in range(objective.dimension)]
            rows.append(ExactRow(t + 1, point, _value(objective, objective.expr, point, f"f(x{sub(t + 1)})")))
        except exact.TooLarge as error:
            return rows, f"stopped after step {t}: step {t + 1} needs {error} (more than {exact.MAX_DIGITS} digits)"
        size = max(exact.digits(v) for v in point)
        if size > EXACT_DIGITS and t + 1 < last:
            return rows, f"stopped after step {t + 1}: the fractions passed {EXACT_DIGITS} digits"
    note = "" if steps <= most else f"the first {most} of {steps} steps"
    return rows, note


def _step(optimizer: Optimizer, x: Fraction, g: Fraction, lr: Fraction, t: int, hyper: dict, state: dict,
          i: int) -> Fraction:
    """One coordinate's update: the rule's assignments in order, in Fraction arithmetic; the new x."""
    values = {X: x, G: g, ALPHA: lr, STEP: Fraction(t + 1), **hyper}
    values.update({target: state[target][i] for target in state})
    for target, expr in optimizer.rule.steps:
        try:
            values[target] = exact.evaluate(expr, values)
        except exact.Irrational as error:
            raise GdError(f"--exact: {optimizer.name} needs {expression_text(error.what)}, which is irrational "
                          f"at step {t + 1}") from None
        except ZeroDivisionError:
            raise GdError(f"--exact: {optimizer.name}'s {symbol_text(target)} ← {expression_text(expr)} divides by "
                          f"zero at step {t + 1}") from None
        if target in state:
            state[target][i] = values[target]
    return values[X]


def _value(objective: Objective, expr: sp.Expr, point: list[Fraction], what: str) -> Fraction:
    try:
        return exact.evaluate(expr, dict(zip(objective.symbols, point)))
    except exact.Irrational as error:
        raise GdError(f"--exact: {what} involves {unicode(error.what)}, which is irrational there") from None
    except ZeroDivisionError:
        raise GdError(f"--exact: {what} is undefined (a division by zero)") from None
