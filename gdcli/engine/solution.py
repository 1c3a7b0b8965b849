"""One run as a user asks for it: ``solve`` reads an objective and options as typed (text, numbers or
built-in names) and returns a ``Solution`` (the run, the stability reading, everything as a JSON-ready
dict); ``prepare`` reads the options every engine command shares.

>>> from gdcli import solve
>>> solution = solve("(x - 3)^2", start="0", lr="1/10", steps=4)
>>> [round(v, 4) for v in solution.run.x[:, 0]]
[0.0, 0.6, 1.08, 1.464, 1.7712]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gdcli.engine import methods
from gdcli.engine.expression import read_number
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import Optimizer, make_optimizer
from gdcli.engine.run import LineSearch, RunResult, run
from gdcli.engine.schedules import Schedule, make_schedule
from gdcli.engine.stability import KINDS, Stability, read_run
from gdcli.errors import OptionError

DEFAULT_LR = 0.1
DEFAULT_STEPS = 20
MAX_JSON_ROWS = 500_000
"""Most iterate rows in one JSON document (about 150 bytes each as text, several times that while it is built)."""


@dataclass(frozen=True)
class Arrival:
    """What a run reached, in the terms its stability reading backs.

    ``kind`` is the kind (minimum, saddle, maximum, degenerate) of the critical point the run converged to or
    is approaching, None when no critical point was read near its end. ``global_f`` and ``global_x`` are the
    lowest of the built-in's listed minima, and ``is_global`` whether the run's f is within 10⁻⁶ of it.
    ``more_steps`` is how many more steps bring ‖∇f‖ down to the run's tolerance at the contraction ρ of the
    reading, ⌈log(tol/‖∇f‖)/log ρ⌉: given only for gd with a constant α approaching a minimum. On a
    quadratic ∇f ← (I − α∇²f)∇f exactly, so ‖∇f‖ shrinks by at least ρ every step and the count is an upper
    bound (``proven``); elsewhere it is the linear model's estimate near the minimum.

    ``heading`` says, for a saddle or maximum the run has not converged to, where the last step went:
    "toward" when it brought the run closer to the point and f at the end is not below f there (as the
    reading requires of a point the run approaches), "away" when it took the run farther from it, else None.
    On a quadratic the reading is at its critical point wherever the run is, so this is what tells a run
    still approaching a saddle from one that has escaped it.
    """

    kind: str | None
    global_f: float | None = None
    global_x: tuple[float, ...] | None = None
    is_global: bool | None = None
    convex_quadratic: bool = False
    more_steps: int | None = None
    proven: bool = False
    heading: str | None = None


@dataclass
class Solution:
    """One `gd solve`: the objective, the run and its stability reading."""

    objective: Objective
    run: RunResult
    stability: Stability
    tuning: object | None = None
    """How `gd compare --tune` chose this run's α₀ (gdcli.landscape.compare.Tuning), when it did."""

    @property
    def optimizer(self) -> Optimizer:
        return self.run.optimizer

    def arrival(self) -> Arrival:
        """The kind of point reached, how it compares with the built-in's global minimum, and the steps still
        needed (see Arrival)."""
        o, r, s = self.objective, self.run, self.stability
        kind = s.point_kind if s.point is not None and s.point_kind in KINDS else None
        if kind in ("saddle", "maximum") and r.status != "converged":
            return Arrival(kind, heading=heading(r, s.point))
        if kind != "minimum":
            return Arrival(kind)
        found = {}
        if o.function is not None and o.function.minima:
            values = [o.value(np.array(m, dtype=float)) for m in o.function.minima]
            lowest = int(np.argmin(values))
            found = dict(global_f=float(values[lowest]), global_x=tuple(o.function.minima[lowest]),
                         is_global=bool(r.final_f - values[lowest] <= 1e-6 * max(1.0, abs(values[lowest]))))
        more = None
        gradient = r.final_grad_norm
        if (r.status == "max_steps" and r.tol > 0 and gradient > r.tol and r.optimizer.name == "gd"
                and r.schedule.name == "constant" and r.line_search is None and s.rate is not None
                and 0 <= s.rate < 1):
            more = 1 if s.rate == 0 else math.ceil(math.log(r.tol / gradient) / math.log(s.rate))
        return Arrival(kind, convex_quadratic=o.is_quadratic, more_steps=more, proven=o.is_quadratic, **found)

    def to_dict(self) -> dict:
        """The JSON document of `gd solve --json`; refused when the run kept more than MAX_JSON_ROWS rows."""
        o, r = self.objective, self.run
        if len(r.t) > MAX_JSON_ROWS:
            raise OptionError(f"--json prints every recorded row, and this run kept {len(r.t):,}; the limit is "
                              f"{MAX_JSON_ROWS:,}: --every K keeps every K-th row (or --csv writes them all)")
        return {
            "objective": o.text,
            "expression": o.texts["expression"],
            "variables": o.names,
            "gradient": o.texts["gradient"],
            "hessian": o.hessian_texts(),
            "optimizer": r.optimizer.to_dict(r.lr0),
            "schedule": r.schedule.to_dict(),
            "line_search": None if r.line_search is None else {
                "kind": r.line_search.kind, "c1": r.line_search.c1, "shrink": r.line_search.shrink,
                "c2": r.line_search.c2},
            "start": [float(v) for v in r.start],
            "status": r.status,
            "reason": r.reason,
            "message": r.message,
            "steps": r.steps,
            "final": {"x": [float(v) for v in r.final_x], "f": r.final_f, "grad_norm": r.final_grad_norm},
            "evaluations": r.evaluations,
            "iterates": r.rows(),
            "stability": self.stability.to_dict(),
        }


def heading(run, point: np.ndarray) -> str | None:
    """"toward" ``point`` when the run's last step brought it closer and f at the end is not below f there,
    "away" when the last step took it farther, else None (see Arrival.heading)."""
    rows = np.nonzero(np.all(np.isfinite(run.x), axis=1))[0]
    if len(rows) < 2:
        return None
    before, after = (float(np.linalg.norm(run.x[i] - point)) for i in rows[-2:])
    if after > before:
        return "away"
    f_end, f_point = float(run.f[rows[-1]]), run.objective.value(point)
    return "toward" if after < before and f_end >= f_point - 1e-12 * max(1.0, abs(f_point)) else None


def read_lr(value: float | str | None, default: float) -> float:
    """α from a number or text such as ``0.1`` or ``1/10``."""
    if value is None:
        return default
    if isinstance(value, str):
        value = read_number(value, "--lr")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise OptionError(f"--lr must be a real number, not {value}") from None
    except OverflowError:
        raise OptionError("--lr must be a positive finite number within 1.8e308") from None


@dataclass(frozen=True)
class Setup:
    """What every engine command resolves first: the objective, the optimizer, α₀, the budget, the schedule."""

    objective: Objective
    optimizer: Optimizer
    lr: float
    steps: int
    schedule: Schedule


def prepare(
    objective: str | Objective | None = None,
    *,
    variables: Sequence[str] | None = None,
    optimizer: str = "gd",
    lr: float | str | None = None,
    steps: int | None = None,
    beta: float | None = None,
    beta1: float | None = None,
    beta2: float | None = None,
    eps: float | None = None,
    rho: float | None = None,
    schedule: str = "constant",
    decay: float | None = None,
    period: int | None = None,
    lr_min: float | None = None,
    warmup: int | None = None,
    default_steps: int = DEFAULT_STEPS,
    **method_settings,
) -> Setup:
    """Read and check the shared options.

    ``objective`` is an expression, a built-in name (see ``gd functions``) or None for the default bowl; a
    built-in supplies its suggested α and step budget when those are not given (else DEFAULT_LR and
    ``default_steps``); Newton, BFGS and L-BFGS take α = 1, their natural step. Hyper-parameters left as None
    take the optimizer's defaults; ``method_settings`` are the methods' (memory, cg_beta, bb, h0, fstar).
    """
    f = objective if isinstance(objective, Objective) else Objective.parse(objective, variables)
    rule = make_optimizer(optimizer, beta=beta, beta1=beta1, beta2=beta2, eps=eps, rho=rho, **method_settings)
    unit = not rule.elementwise and rule.rule.unit_step
    alpha = read_lr(lr, 1.0 if unit else f.function.lr if f.function else DEFAULT_LR)
    budget = steps if steps is not None else f.function.steps if f.function else default_steps
    plan = make_schedule(schedule, decay, period=period, lr_min=lr_min, warmup=warmup, steps=budget)
    return Setup(f, rule, alpha, budget, plan)


def solve(objective: str | Objective | None = None, *, curvature: bool | None = None, **options) -> Solution:
    """Run one optimizer on an objective (see ``iterate``) and read its stability; ``curvature`` asks for the
    curvature along the path (None: up to 50 variables)."""
    result = iterate(objective, **options)
    return Solution(result.objective, result, methods.read(read_run(result, curvature), result))


def iterate(
    objective: str | Objective | None = None,
    *,
    start: str | Sequence[float] | None = None,
    tol: float = 1e-8,
    xtol: float = 0.0,
    ftol: float = 0.0,
    line_search: bool | str = False,
    c1: float = 1e-4,
    shrink: float = 0.5,
    c2: float | None = None,
    every: int = 1,
    **options,
) -> RunResult:
    """The run of ``solve`` alone, without its stability reading (what a practice answer reads).

    ``start`` defaults to the built-in's standard start, else 1 in every coordinate; the stopping tests are
    those of gdcli.engine.run.run; ``line_search`` is False, True (Armijo) or a kind of
    gdcli.engine.line_search (armijo, wolfe, strong-wolfe, exact), with c1, c2 and shrink; ``options`` are
    gdcli.engine.solution.prepare's (variables, optimizer, lr, steps, beta, beta1,
    beta2, eps, rho, schedule, decay, period, lr_min, warmup, and the methods' memory, cg_beta, bb, h0, fstar).
    """
    setup = prepare(objective, **options)
    x0 = setup.objective.read_start(start)
    kind = "armijo" if line_search is True else line_search or getattr(setup.optimizer.rule, "search", None)
    search = LineSearch(c1, shrink, kind, c2) if kind else None
    return run(setup.objective, setup.optimizer, x0, setup.lr, setup.steps, tol, xtol, ftol, setup.schedule,
               search, every)

