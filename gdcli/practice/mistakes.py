"""The answers common mistakes produce, derived from each rule by the engine.

Each mistake is the engine's own computation with one thing changed — the sign of the gradient, α left out,
the gradient taken at x₀ every step, Adam's step without bias correction, ε inside the square root,
Sutskever's velocity for torch's buffer, 2/λmin for 2/λmax, ‖∇f‖ for ‖∇f‖² in Armijo's test, the schedule
read one step off; for the methods, H for H⁻¹ in Newton's step, conjugate gradients without β·d_prev, the
other Barzilai–Borwein formula, a ratio upside down — and is returned with a sentence naming it. The question
then leaves out any mistake whose answer equals the right one (or an earlier mistake's) at its exactness, so a
variant never names a mistake the student did not make.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np

from gdcli.practice.answers import Context, _point_value, exact_steps, method_quantity
from gdcli.practice.grading import Interval, NearMiss

ASCENT = "that is a step uphill (the gradient's sign flipped, as in x + α∇f): step against the gradient."
NO_ALPHA = "that is the step with α left out (α = 1): the step is multiplied by the step size α."
STALE = "that uses ∇f(x₀) at every step: take the gradient at the current iterate each time."
NO_BIAS_CORRECTION = "that is what Adam gives without bias correction: m/(√v + ε) instead of m̂/(√v̂ + ε)."
EPS_INSIDE = "that puts ε inside the square root, g/√(s + ε); torch adds it outside: g/(√s + ε)."
SUTSKEVER = ("that is Sutskever's velocity v = βv + α∇f (which is α·b); torch's buffer is b = βb + ∇f, "
             "with α applied in the step.")
LOOK_AHEAD = ("that takes the gradient at the look-ahead point x − αβb (the textbook form); torch's Nesterov "
              "takes it at x and steps by g + βb.")
M_NOT_HAT = "that is m before bias correction: m̂ = m/(1 − β₁ᵗ)."
V_NOT_HAT = "that is v before bias correction: v̂ = v/(1 − β₂ᵗ)."
MIN_FOR_MAX = "that is 2/λmin: the bound comes from the steepest direction, 2/λmax."
ONE_OVER_MAX = "that is 1/λmax, the step that zeroes the steepest direction; the stability bound is 2/λmax."
BOUND_FOR_BEST = ("that is the stability bound 2/λmax, where the steep direction stops converging; the best α "
                  "balances both ends: 2/(λmin + λmax).")
SMALLEST_FACTOR = "that is the smallest factor min|1 − αλ|; the slowest direction sets the rate: the largest."
INVERTED_KAPPA = "that is λmin/λmax; the condition number is λmax/λmin ≥ 1."
NORM_NOT_SQUARED = "that uses ‖∇f‖ instead of ‖∇f‖² in Armijo's test f(x − α∇f) ≤ f(x) − c₁α‖∇f‖²."
PREVIOUS_VALUE = "that is f at the previous iterate: take the step first."
WRONG_WAY = "that steps the wrong way, x₀ − αd: the step goes along the downhill direction d, x₁ = x₀ + αd."
H_NOT_INVERSE = "that is x − H∇f: the Newton step solves H·d = −∇f, so it multiplies ∇f by H⁻¹, not by H."
GRADIENT_STEP = "that is the gradient step x − α∇f: Newton's step rescales ∇f by H⁻¹ first."
NO_CONJUGATION = ("that is steepest descent with the same line search (d = −g at every step): conjugate gradients "
                  "add β·d_prev to −g.")
UPSIDE_DOWN = "that is the ratio upside down (1/α): swap numerator and denominator."
BB_SWAPPED = "that is the other Barzilai–Borwein step: BB1 is sᵀs/sᵀy, BB2 is sᵀy/yᵀy."
KEPT_FIRST_STEP = "that keeps α₀ for every step: from the second step on, Barzilai–Borwein's α comes from s and y."
BETA_UPSIDE_DOWN = ("that is the Fletcher–Reeves ratio upside down: β = g_tᵀg_t/g_{t−1}ᵀg_{t−1}, the new gradient "
                    "on top.")
NORM_RATIO = "that uses ‖g‖ instead of ‖g‖²: Fletcher–Reeves' β = ‖g_t‖²/‖g_{t−1}‖²."
OTHER_BETA = {
    "pr": "that is the Polak–Ribière β = g_tᵀ(g_t − g_{t−1})/g_{t−1}ᵀg_{t−1}; the question asks for Fletcher–Reeves'.",
    "fr": "that is the Fletcher–Reeves β = g_tᵀg_t/g_{t−1}ᵀg_{t−1}; the question asks for Polak–Ribière's.",
}
REVERSED = "that is the difference the wrong way round: s = x_t − x_{t−1} and y = ∇f(x_t) − ∇f(x_{t−1}), new minus old."
CG_COUNT = ("that is the count of conjugate gradients with exact line search (at most n); a Newton step minimises "
            "f's quadratic model, which for a quadratic f is f itself.")


def derived(c: Context, compute: str | None) -> list[NearMiss]:
    """The mistakes of rule ``compute`` on the question's data (none when the engine cannot compute one)."""
    maker = MAKERS.get(compute or "")
    if maker is None:
        return []
    try:
        return [NearMiss(value, message) for value, message in maker(c) if value is not None]
    except (ArithmeticError, ValueError, TypeError, KeyError, IndexError):
        return []


def replay(c: Context, steps: int, *, sign: float = 1.0, lr_factor: float | None = None, stale: bool = False,
           step_x: Callable | None = None, look_ahead: bool = False) -> tuple[np.ndarray, dict]:
    """The optimizer's rule (gdcli.engine.kernels.ArrayRule) run for ``steps`` steps with one change: the
    gradient's sign, α replaced by ``lr_factor``, the gradient always at x₀, the step computed by ``step_x``
    from the rule's values, or the gradient taken at the look-ahead point x − αβb."""
    optimizer = c.optimizer()
    kernel = _kernel(optimizer.rule)
    lr = c.lr if lr_factor is None else lr_factor
    x = np.array(c.start, dtype=float)
    x0, state, values = x.copy(), {}, {}
    for step in range(1, steps + 1):
        if stale:
            at = x0
        elif look_ahead:
            at = x - lr * optimizer.hyper.get("beta", 0.0) * state.get("b", 0.0)
        else:
            at = x
        _, g = c.objective.value_and_gradient(at)
        previous = x
        x, state, values = kernel(x, sign * g, state, lr, step, optimizer.hyper)
        if step_x is not None:
            x = step_x(previous, values, lr, optimizer.hyper, sign * g)
            values = {**values, "x": x}
        if not np.all(np.isfinite(x)):
            raise ValueError("the mistaken run overflowed")
    return x, values


@lru_cache(maxsize=16)
def _kernel(rule):
    """The rule's vectorised kernel (gdcli.engine.kernels.ArrayRule), generated once per rule."""
    from gdcli.engine.kernels import ArrayRule

    return ArrayRule(rule)


def _iterate(c: Context):
    if not c.optimizer().elementwise:
        yield from _method_iterate(c)
        return
    steps, name = c.steps, c.optimizer().name
    yield _point_value(replay(c, steps, sign=-1.0)[0]), ASCENT
    if c.lr != 1:
        yield _point_value(replay(c, steps, lr_factor=1.0)[0]), NO_ALPHA
    if steps >= 2:
        yield _point_value(replay(c, steps, stale=True)[0]), STALE
    if name == "adam":
        yield _point_value(replay(c, steps, step_x=_adam_without_bias_correction)[0]), NO_BIAS_CORRECTION
        yield _point_value(replay(c, steps, step_x=_adam_eps_inside)[0]), EPS_INSIDE
    if name in ("adagrad", "rmsprop"):
        yield _point_value(replay(c, steps, step_x=_eps_inside)[0]), EPS_INSIDE
    if name == "nesterov" and steps >= 2:
        yield _point_value(replay(c, steps, look_ahead=True, step_x=_heavy_ball)[0]), LOOK_AHEAD


def _method_iterate(c: Context):
    """A method's x_T with one thing changed, each run by the engine: the first step uphill, Newton's step with
    H for H⁻¹ or as a gradient step, CG without β·d_prev (steepest descent under the same search), the other
    Barzilai–Borwein formula or α₀ kept."""
    steps, optimizer = c.steps, c.optimizer()
    run = c.run(steps)
    if steps == 1:
        yield _point_value(2 * run.x[0] - run.x[1]), WRONG_WAY
    if optimizer.name == "newton":
        x, g, alpha = run.x[steps - 1], run.grad[steps - 1], float(run.lr[steps - 1])
        yield _point_value(x - alpha * c.objective.hessian_at(x) @ g), H_NOT_INVERSE
        if steps == 1:
            yield _point_value(c.run(1, optimizer="gd", lr=alpha).x[1]), GRADIENT_STEP
    if optimizer.name == "cg" and steps >= 2:
        yield _point_value(c.run(steps, optimizer="gd").x[steps]), NO_CONJUGATION
    if optimizer.name == "bb" and steps >= 2:
        yield _point_value(c.run(steps, bb=3 - optimizer.hyper["bb"]).x[steps]), BB_SWAPPED
        yield _point_value(c.run(steps, optimizer="gd").x[steps]), KEPT_FIRST_STEP


def _step_size(c: Context):
    """α_t upside down, and for Barzilai–Borwein the other formula's α_t."""
    alpha = float(c.run(c.t + 1).lr[c.t])
    yield 1 / alpha, UPSIDE_DOWN
    optimizer = c.optimizer()
    if optimizer.name == "bb" and c.t >= 1:
        yield float(c.run(c.t + 1, bb=3 - optimizer.hyper["bb"]).lr[c.t]), BB_SWAPPED


def _method_state(c: Context):
    """s and y reversed; CG's direction without β·d_prev; Fletcher–Reeves' β upside down, with norms for
    squared norms, or the other β."""
    quantity, t, optimizer = c.data.get("quantity", "d"), c.t, c.optimizer()
    run = c.run(t + 1)
    if quantity in ("s", "y"):
        yield _point_value([-v for v in method_quantity(run, quantity, t)]), REVERSED
    if quantity == "d" and optimizer.name == "cg":
        yield _point_value(-run.grad[t]), NO_CONJUGATION
    if quantity == "beta" and optimizer.name == "cg":
        beta = method_quantity(run, "beta", t)
        if optimizer.hyper["cg_beta"] == "fr" and beta > 0:
            yield 1 / beta, BETA_UPSIDE_DOWN
            yield beta ** 0.5, NORM_RATIO
        other = "pr" if optimizer.hyper["cg_beta"] == "fr" else "fr"
        yield method_quantity(c.run(t + 1, cg_beta=other), "beta", t), OTHER_BETA[other]


def _steps_to_minimum(c: Context):
    if c.optimizer().name == "newton":
        yield exact_steps(c, optimizer="cg", line_search="exact"), CG_COUNT


def _adam_without_bias_correction(x, values, lr, hyper, g):
    return x - lr * values["m"] / (np.sqrt(values["v"]) + hyper["eps"])


def _adam_eps_inside(x, values, lr, hyper, g):
    return x - lr * values["m_hat"] / np.sqrt(values["v_hat"] + hyper["eps"])


def _eps_inside(x, values, lr, hyper, g):
    return x - lr * g / np.sqrt(values["s"] + hyper["eps"])


def _heavy_ball(x, values, lr, hyper, g):
    return x - lr * values["b"]


def _state(c: Context):
    quantity = c.data.get("quantity", "x")
    _, values = replay(c, max(c.steps, 1))
    if quantity == "m_hat":
        yield _point_value(np.atleast_1d(values["m"])), M_NOT_HAT
    if quantity == "v_hat":
        yield _point_value(np.atleast_1d(values["v"])), V_NOT_HAT
    if quantity == "b":
        yield _point_value(np.atleast_1d(c.lr * values["b"])), SUTSKEVER
    if quantity == "x":
        yield from _iterate(c)


def _stable_range(c: Context):
    s = c.stability()
    if s.optimizer == "gd" and s.lambda_min > 0:
        yield Interval(0.0, 2 / s.lambda_min), MIN_FOR_MAX


def _max_stable_lr(c: Context):
    s = c.stability()
    if s.optimizer == "gd" and s.lambda_min > 0:
        yield 2 / s.lambda_min, MIN_FOR_MAX
    if s.optimizer == "gd" and s.lambda_max > 0:
        yield 1 / s.lambda_max, ONE_OVER_MAX


def _best_lr(c: Context):
    s = c.stability()
    if s.lambda_max > 0:
        yield 2 / s.lambda_max, BOUND_FOR_BEST
        yield 1 / s.lambda_max, ONE_OVER_MAX


def _rate(c: Context):
    s = c.stability()
    if s.optimizer == "gd":
        yield float(min(abs(1 - c.lr * v) for v in s.eigenvalues)), SMALLEST_FACTOR


def _condition(c: Context):
    s = c.stability()
    if s.lambda_max > 0:
        yield s.lambda_min / s.lambda_max, INVERTED_KAPPA


def _armijo_lr(c: Context):
    """The α backtracking accepts with ‖∇f‖ in place of ‖∇f‖²."""
    x = c.start
    f0, g = c.objective.value_and_gradient(x)
    c1, shrink, alpha = float(c.data.get("c1", 1e-4)), float(c.data.get("shrink", 0.5)), c.lr
    norm = float(np.linalg.norm(g))
    for _ in range(60):
        if c.objective.value(x - alpha * g) <= f0 - c1 * alpha * norm:
            yield alpha, NORM_NOT_SQUARED
            return
        alpha *= shrink


def _armijo(c: Context):
    x = c.start
    f0, g = c.objective.value_and_gradient(x)
    c1 = float(c.data.get("c1", 1e-4))
    accepted = c.objective.value(x - c.lr * g) <= f0 - c1 * c.lr * float(np.linalg.norm(g))
    yield ("yes" if accepted else "no"), NORM_NOT_SQUARED


def _schedule(c: Context):
    from gdcli.engine.schedules import make_schedule

    schedule = make_schedule(c.data.get("schedule", "constant"), c.data.get("decay"))
    t = int(c.require("t"))
    if t >= 1:
        yield schedule.at(c.lr, t - 1), f"that is α at step {t - 1}: the schedule starts with α₀ at t = 0."
    yield schedule.at(c.lr, t + 1), f"that is α at step {t + 1}: the schedule starts with α₀ at t = 0."


def _value(c: Context):
    steps = int(c.data.get("steps", 0))
    if steps >= 1:
        run = c.run(steps)
        yield float(run.f[steps - 1]), PREVIOUS_VALUE


MAKERS: dict[str, Callable[[Context], object]] = {
    "iterate": _iterate, "state": _state, "stable_range": _stable_range, "max_stable_lr": _max_stable_lr, "best_lr": _best_lr, "rate": _rate,
    "condition_number": _condition, "armijo_lr": _armijo_lr, "armijo": _armijo, "schedule_lr": _schedule,
    "value": _value, "step_size": _step_size, "method_state": _method_state, "steps_to_minimum": _steps_to_minimum,
}
