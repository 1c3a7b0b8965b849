"""Worked solutions: the first steps in words and numbers, the update map of a quadratic, and exact iterates.

- ``worked_steps``: for t = 0, 1, …: ∇f(x_t), then each assignment of the optimizer's rule with its value,
  then f(x_{t+1}), from the run's own rows and the vectorised rule (gdcli.engine.kernels.ArrayRule).
- ``update_map``: for a quadratic f and a linear rule (gd, momentum, nesterov) with a constant α, the rule
  with ∇f substituted and simplified, e.g. (x − 3)²: x_{t+1} = (1 − 2α)x_t + 6α.
- ``stability_condition``: for gd on a quadratic, |1 − αλ| < 1 for every eigenvalue λ of ∇²f, solved for α.
- ``exact_iterates``: the optimizer's SymPy rule (gdcli.engine.optimizers) evaluated in rational arithmetic; refused
  with a GdError naming the first irrational quantity (a square root in AdaGrad, RMSprop, Adam, or f itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import sympy as sp

from gdcli.engine import run as engine
from gdcli.engine.expression import parse_number, parse_vector
from gdcli.engine.kernels import ArrayRule
from gdcli.engine.notation import number, unicode, vector
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import HYPER_SYMBOLS, Optimizer, expression_text, symbol_text
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
"""Exact arithmetic stops early once a numerator or denominator has more digits than this."""
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


def exact_run(solution, start: str | Sequence | None, lr: str | float | None) -> tuple[list[ExactRow], str]:
    """`--exact`: the run's iterates again in rational arithmetic, from the start and α exactly as given
    (text such as "1/10" stays exact; None takes the run's own)."""
    run = solution.run
    return exact_iterates(solution.objective, solution.optimizer, start, lr if lr is not None else run.lr0,
                          run.steps, run.schedule, run.line_search is not None)


def worked_steps(run, count: int = EXPLAINED_STEPS) -> list[str]:
    """The first ``count`` steps of ``run`` in words and numbers, as the seeds work them by hand."""
    o, rule = run.objective, run.optimizer.rule
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
    """For gd on a quadratic: |1 − αλ| < 1 for each eigenvalue λ of ∇²f, solved exactly for α."""
    if not objective.is_quadratic or optimizer.name != "gd" or objective.dimension > 3:
        return None
    alpha = sp.Symbol("α", real=True)
    eigenvalues = sorted(sp.Matrix(objective.hessian).eigenvals(), key=lambda v: float(v))
    conditions = [sp.Abs(1 - alpha * lam) < 1 for lam in eigenvalues]
    solved = sp.Intersection(*(sp.solve_univariate_inequality(c, alpha, relational=False) for c in conditions))
    left = " and ".join(f"|{_pretty(1 - alpha * lam)}| < 1" for lam in eigenvalues)
    if solved == sp.S.EmptySet:
        return f"{left} ⇔ no α: some curvature is ≤ 0, so gd cannot converge to a point here"
    if isinstance(solved, sp.Interval):
        return f"{left} ⇔ {_pretty(solved.start)} < α < {_pretty(solved.end)}"
    return f"{left} ⇔ α ∈ {solved}"


@dataclass
class ExactRow:
    t: int
    x: list[sp.Rational]
    f: sp.Rational


def rational(value, what: str) -> sp.Rational:
    """An exact rational from a SymPy number, an int, text through the safe parser, or a float (read as the
    decimal it prints as); text never reaches sympify."""
    if isinstance(value, str):
        number = parse_number(value, what)
    elif isinstance(value, (float, np.floating)):
        number = sp.Rational(repr(float(value)))
    else:
        number = sp.sympify(value, strict=True)
    if not number.is_Rational:
        raise GdError(f"--exact needs rational numbers, but {what} = {number} is not rational")
    return number


def exact_iterates(objective: Objective, optimizer: Optimizer, start: str | Sequence | None, lr: str | float,
                   steps: int, schedule: Schedule = Schedule(), line_search: bool = False,
                   most: int = EXACT_STEPS) -> tuple[list[ExactRow], str]:
    """x_0 … x_min(steps, most) in rational arithmetic, and a note on where and why the table stops."""
    if line_search:
        raise GdError("--exact does not combine with --line-search: the accepted α depends on float comparisons")
    if objective.expr.atoms(sp.Float):
        raise GdError("--exact needs an objective with exact coefficients (write 1/10, not a float)")
    x0 = [rational(v, "the start") for v in (parse_vector(start, "--start") if isinstance(start, str)
                                             else objective.default_start() if start is None else start)]
    alpha = rational(parse_number(lr, "--lr") if isinstance(lr, str) else lr, "α")
    hyper = {HYPER_SYMBOLS[name]: rational(value, name) for name, value in optimizer.hyper.items()}
    decay = rational(schedule.decay, "--decay")
    rows = [ExactRow(0, x0, _value(objective, objective.expr, x0, "f(x₀)"))]
    state = {target: [sp.S.Zero] * objective.dimension for target in optimizer.rule.state}
    point = x0
    for t in range(min(steps, most)):
        lr_t = schedule.formula.xreplace({alpha0: alpha, k: decay, INDEX: t})
        lr_t = rational(lr_t, f"α{sub(t)}")
        grads = [_value(objective, e, point, f"∂f/∂{n} at x{sub(t)}") for e, n in zip(objective.gradient,
                                                                                      objective.names)]
        new_point = []
        for i in range(objective.dimension):
            values = {X: point[i], G: grads[i], ALPHA: lr_t, STEP: sp.Integer(t + 1), **hyper}
            values.update({target: state[target][i] for target in state})
            for target, expr in optimizer.rule.steps:
                value = sp.nsimplify(expr.xreplace(values))
                if not value.is_Rational:
                    shown = sp.sstr(value) if len(sp.sstr(value)) <= 40 else "an irrational number"
                    raise GdError(f"--exact: {optimizer.name}'s step {symbol_text(target)} ← "
                                  f"{expression_text(expr)} gives {shown} at step {t + 1}, which is not rational; "
                                  "exact fractions work with gd, momentum and nesterov")
                values[target] = value
                if target in state:
                    state[target][i] = value
            new_point.append(values[X])
        point = new_point
        rows.append(ExactRow(t + 1, point, _value(objective, objective.expr, point, f"f(x{sub(t + 1)})")))
        size = max(len(str(abs(v.p))) + len(str(v.q)) for v in point)
        if size > EXACT_DIGITS and t + 1 < min(steps, most):
            return rows, f"stopped after step {t + 1}: the fractions passed {EXACT_DIGITS} digits"
    note = "" if steps <= most else f"the first {most} of {steps} steps"
    return rows, note


def _value(objective: Objective, expr: sp.Expr, point: list, what: str) -> sp.Rational:
    value = sp.nsimplify(expr.xreplace(dict(zip(objective.symbols, point))))
    if not value.is_Rational:
        raise GdError(f"--exact: {what} = {value} is not rational, so the iterates cannot be exact fractions")
    return value
