"""Worked solutions written from the engine's own numbers, for variants whose explanation was typed for the
original numbers.

Each compute rule has a worker that redoes the computation through the engine — the objective's gradient and
Hessian, the optimizer's rule (gdcli.engine.kernels.ArrayRule), the stability reading, the schedule — and
writes each step with the numbers it used. Nothing is typed for one set of numbers; a question without a
compute rule gets only its answer, said plainly.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from gdcli.engine.notation import expression, number, vector
from gdcli.practice.answers import Context

STEPS_SHOWN = 6
"""Most update steps written out one by one."""


def worked_steps(question) -> str:
    """The worked solution of ``question`` from the engine, ending with its answer."""
    worker = WORKERS.get(question.compute or "")
    answer = question.answer_text()
    if worker is None:
        return f"The answer for these numbers is {answer}."
    lines = worker(Context(question))
    return "\n".join([*lines, f"So the answer is {answer}."])


def _point(values) -> str:
    values = np.atleast_1d(np.asarray(values, dtype=float))
    return number(float(values[0])) if values.size == 1 else vector(values, digits=6, most=10)


def _gradient_formula(c: Context) -> str:
    return ", ".join(f"∂f/∂{name} = {expression(g)}" for name, g in zip(c.objective.names, c.objective.gradient)) \
        if c.objective.dimension > 1 else f"f′({c.objective.names[0]}) = {expression(c.objective.gradient[0])}"


def _updates(c: Context) -> list[str]:
    """Each update x ← rule(x, ∇f(x)) of the optimizer, with the state it keeps."""
    from gdcli.engine.kernels import ArrayRule

    optimizer = c.optimizer()
    if not optimizer.elementwise:
        return _method_steps(c, max(c.steps, 1))
    kernel = ArrayRule(optimizer.rule)
    x, state = np.array(c.start, dtype=float), {}
    lines = [f"f = {expression(c.objective.expr)}, so {_gradient_formula(c)}.",
             f"{optimizer.name} with α = {number(c.lr)} from x₀ = {_point(x)}:"]
    steps = max(c.steps, 1)
    for step in range(1, steps + 1):
        _, g = c.objective.value_and_gradient(x)
        x, state, values = kernel(x, g, state, c.lr, step, optimizer.hyper)
        if step <= STEPS_SHOWN or step == steps:
            kept = "".join(f", {name} = {_point(values[name])}" for name in values if name != "x")
            lines.append(f"  step {step}: ∇f = {_point(g)}{kept}, x{_sub(step)} = {_point(x)}")
        elif step == STEPS_SHOWN + 1:
            lines.append("  …")
    return lines


def _matrix(h) -> str:
    return "[" + "; ".join(", ".join(number(float(v)) for v in row) for row in np.atleast_2d(h)) + "]"


def _method_steps(c: Context, steps: int) -> list[str]:
    """Steps 0 … steps − 1 of a method's run (gdcli.engine.methods) with what each step computed: ∇f, Newton's
    H, the direction d (and CG's β), the step α and how it was found, and the next iterate."""
    from gdcli.engine.methods import METHODS

    run = c.run(steps)
    optimizer = c.optimizer()
    method = METHODS.get(optimizer.name)
    search = c.data.get("line_search") or (method.search if method else None)
    how = {"exact": "the exact line search α = −gᵀd/(dᵀ∇²f·d)", None: f"α = {number(c.lr)}"}.get(
        search, f"the {search} line search")
    if optimizer.name == "bb":
        how = f"α₀ = {number(c.lr)}, then BB{optimizer.hyper['bb']}'s α = " + \
              ("sᵀs/sᵀy" if optimizer.hyper["bb"] == 1 else "sᵀy/yᵀy")
    direction = {"newton": "d = −H⁻¹∇f", "cg": "d = −∇f + β·d_prev"}.get(optimizer.name, "d = −∇f")
    lines = [f"f = {expression(c.objective.expr)}, so {_gradient_formula(c)}.",
             f"{optimizer.name} with {how}, from x₀ = {_point(run.x[0])}:"]
    for t in range(min(steps, len(run.x) - 1)):
        g, state = run.grad[t], (run.states or [{}] * (t + 1))[t]
        parts = [f"∇f = {_point(g)}"]
        if t >= 1 and optimizer.name == "bb":
            s, y = run.x[t] - run.x[t - 1], g - run.grad[t - 1]
            parts.append(f"s = {_point(s)}, y = {_point(y)}, sᵀs = {number(float(s @ s))}, "
                         f"sᵀy = {number(float(s @ y))}, yᵀy = {number(float(y @ y))}")
        if optimizer.name == "newton":
            parts.append(f"H = {_matrix(c.objective.hessian_at(run.x[t]))}")
        if "beta" in state:
            parts.append(f"β = {number(float(state['beta']))}")
        if "d" in state:
            parts.append(f"{direction} = {_point(state['d'])}")
        parts.append(f"α = {number(float(run.lr[t]))}, x{_sub(t + 1)} = {_point(run.x[t + 1])}")
        if state.get("note"):
            parts.append(f"({state['note']})")
        lines.append(f"  from x{_sub(t)}: " + ", ".join(parts))
    return lines


def _step_size(c: Context) -> list[str]:
    return _method_steps(c, c.t + 1)


def _method_state(c: Context) -> list[str]:
    quantity = {"d": "The direction d", "beta": "β", "s": "s = x_t − x_{t−1}",
                "y": "y = ∇f(x_t) − ∇f(x_{t−1})"}.get(c.data.get("quantity", "d"), "The quantity")
    return [*_method_steps(c, c.t + 1), f"{quantity} is the one computed from x{_sub(c.t)}."]


def _hessian_at(c: Context) -> list[str]:
    entries = ", ".join(f"∂²f/∂{c.objective.names[i]}∂{c.objective.names[j]} = {expression(e)}"
                        for (i, j), e in sorted(c.objective.hessian_entries.items()))
    return [f"{_gradient_formula(c)}; differentiating again: {entries} (H is symmetric).",
            f"At {_point(c.point)}: H = {_matrix(c.objective.hessian_at(c.point))}."]


def _steps_to_minimum(c: Context) -> list[str]:
    from gdcli.practice.answers import exact_steps

    count = exact_steps(c)
    return [f"Run in exact rational arithmetic from x₀ = {_point(c.start)}, {c.optimizer().name} reaches "
            f"∇f = 0 exactly after {count} step{'s' if count != 1 else ''}."]


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _gradient_at(c: Context) -> list[str]:
    return [f"{_gradient_formula(c)}.", f"At {_point(c.point)}: ∇f = {_point(c.objective.value_and_gradient(c.point)[1])}."]


def _value(c: Context) -> list[str]:
    steps = int(c.data.get("steps", 0))
    lines = _updates(c) if steps else []
    run = c.run(steps)
    return [*lines, f"f at x{_sub(steps)} = {_point(run.x[steps])} is {number(float(run.f[steps]))}."]


def _eigen(c: Context) -> list[str]:
    s = c.stability()
    where = "the given Hessian" if "eigenvalues" in c.data else f"the Hessian at {_point(s.point)}"
    return [f"The eigenvalues of {where} are {', '.join(number(v) for v in s.eigenvalues)}: "
            f"λmin = {number(s.lambda_min)}, λmax = {number(s.lambda_max)}."]


def _stable_range(c: Context) -> list[str]:
    s = c.stability()
    rule = {"gd": "2/λmax", "momentum": "2(1 + β)/λmax", "nesterov": "2(1 + β)/((1 + 2β)λmax)"}.get(s.optimizer, "the bound")
    edge = "; at the bound itself the error keeps its size" if s.optimizer == "gd" else ""
    return [*_eigen(c), f"{s.optimizer} converges for 0 < α < {rule} = {number(s.max_stable_lr)}{edge}."]


def _condition(c: Context) -> list[str]:
    s = c.stability()
    return [*_eigen(c), f"κ = λmax/λmin = {number(s.lambda_max)}/{number(s.lambda_min)} = {number(s.condition_number)}."]


def _best_lr(c: Context) -> list[str]:
    s = c.stability()
    return [*_eigen(c), f"The worst factor max|1 − αλ| is smallest where 1 − αλmin = −(1 − αλmax): "
            f"α = 2/(λmin + λmax) = {number(s.best_lr)}."]


def _best_rate(c: Context) -> list[str]:
    s = c.stability()
    return [*_condition(c), f"At the best α the factor is (κ − 1)/(κ + 1) = {number(s.best_rate)}."]


def _rate(c: Context) -> list[str]:
    s = c.stability()
    factors = ", ".join(f"|1 − {number(c.lr)}·{number(v)}| = {number(abs(1 - c.lr * v))}" for v in s.eigenvalues)
    return [*_eigen(c), f"The factors are {factors}; ρ is the largest, {number(s.rate)}."] if s.optimizer == "gd" \
        else [*_eigen(c), f"ρ(α) for {s.optimizer} is {number(s.rate)}."]


def _behaviour(c: Context) -> list[str]:
    run = c.run(int(c.data.get("steps", 200)))
    if c.data.get("schedule", "constant") != "constant":
        return [f"The engine's run with the {c.data['schedule']} schedule ends {run.status}: {run.message}."]
    return [*_rate(c), "ρ < 1 converges, ρ = 1 keeps the error's size, ρ > 1 diverges; "
            f"the engine's run ends {run.status}."]


def _zigzag(c: Context) -> list[str]:
    s = c.stability()
    product = c.lr * s.lambda_max
    said = (f"> 1, so the steepest component's factor 1 − αλmax = {number(1 - product)} is negative: it flips sign "
            "every step." if product > 1 else
            f"≤ 1, so every factor 1 − αλ is at least {number(1 - product)} ≥ 0: no component flips sign.")
    return [*_eigen(c), f"α·λmax = {number(c.lr)}·{number(s.lambda_max)} = {number(product)} {said}"]


def _critical(c: Context) -> list[str]:
    values = np.linalg.eigvalsh(c.objective.hessian_at(c.point))
    return [f"∇f = 0 at {_point(c.point)}; the Hessian there has eigenvalues {', '.join(number(v) for v in values)}.",
            "All positive: a minimum; all negative: a maximum; both signs: a saddle."]


def _armijo(c: Context) -> list[str]:
    x = c.start
    f0, g = c.objective.value_and_gradient(x)
    c1 = float(c.data.get("c1", 1e-4))
    f1 = c.objective.value(x - c.lr * g)
    return [f"∇f(x₀) = {_point(g)}, ‖∇f‖² = {number(float(np.dot(g, g)))}, f(x₀) = {number(f0)}.",
            f"f(x₀ − α∇f) = {number(f1)} against f(x₀) − c₁α‖∇f‖² = {number(f0 - c1 * c.lr * float(np.dot(g, g)))}."]


def _armijo_lr(c: Context) -> list[str]:
    x = c.start
    f0, g = c.objective.value_and_gradient(x)
    c1, shrink, alpha = float(c.data.get("c1", 1e-4)), float(c.data.get("shrink", 0.5)), c.lr
    lines = [f"f(x₀) = {number(f0)}, ∇f(x₀) = {_point(g)}; try α, then α·{number(shrink)}, … until "
             "f(x₀ − α∇f) ≤ f(x₀) − c₁α‖∇f‖²:"]
    for _ in range(30):
        trial, bound = c.objective.value(x - alpha * g), f0 - c1 * alpha * float(np.dot(g, g))
        lines.append(f"  α = {number(alpha)}: f = {number(trial)} {'≤' if trial <= bound else '>'} {number(bound)}")
        if trial <= bound:
            break
        alpha *= shrink
    return lines


def _schedule(c: Context) -> list[str]:
    from gdcli.engine.schedules import make_schedule

    schedule = make_schedule(c.data.get("schedule", "constant"), c.data.get("decay"))
    t = int(c.require("t"))
    return [f"The {schedule.name} schedule from α₀ = {number(c.lr)} gives α{_sub(t)} = {number(schedule.at(c.lr, t))}."]


def _minimizer(c: Context) -> list[str]:
    return [f"{_gradient_formula(c)}; setting every component to 0 and solving the linear system gives the point."]


def _symbolic(c: Context) -> list[str]:
    return [f"f = {expression(c.objective.expr)}, so {_gradient_formula(c)}."]


def _steps_predicted(c: Context) -> list[str]:
    s = c.stability()
    rate = s.rate if "lr" in c.data else s.best_rate
    reduction = float(c.data.get("reduction", 1e-6))
    return [*_eigen(c), f"ρ = {number(rate)}; the error shrinks by {number(reduction)} once ρᵗ ≤ {number(reduction)}, "
            f"t ≥ ln({number(reduction)})/ln ρ = {number(float(np.log(reduction) / np.log(rate)))}."]


def _rate_class(c: Context) -> list[str]:
    return [*_eigen(c), "λmin > 0 at the minimizer: linear near it; λmin = 0: flat there, sublinear."]


WORKERS: dict[str, Callable[[Context], list[str]]] = {
    "iterate": _updates, "iterates": _updates, "state": _updates, "value": _value, "gradient": _symbolic,
    "update_rule": _symbolic, "gradient_at": _gradient_at, "stable_range": _stable_range,
    "max_stable_lr": _stable_range, "condition_number": _condition, "best_lr": _best_lr, "best_rate": _best_rate,
    "rate": _rate, "eigenvalues": _eigen, "steps_predicted": _steps_predicted, "behaviour": _behaviour,
    "zigzag": _zigzag, "critical_point": _critical, "armijo": _armijo, "armijo_lr": _armijo_lr,
    "schedule_lr": _schedule, "minimizer": _minimizer, "rate_class": _rate_class, "hessian_at": _hessian_at,
    "step_size": _step_size, "method_state": _method_state, "steps_to_minimum": _steps_to_minimum,
}
