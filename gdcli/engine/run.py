"""The run loop: one optimizer from one start, recorded row by row, ending in a status.

The whole loop — f and ∇f with shared subexpressions, the schedule, the Armijo search and the optimizer's
update for every coordinate — is generated as one Python function over floats from the SymPy expressions of
the objective (gdcli.engine.objective), the rule (gdcli.engine.optimizers) and the schedule (gdcli.engine.schedules). Each row
holds t, f(x_t), ‖∇f(x_t)‖, α_t, the line-search trials, x_t and ∇f(x_t).

Stopping (the first that holds, checked at every iterate x_t):

- ``converged``: ‖∇f(x_t)‖ ≤ tol, or ‖x_t − x_{t−1}‖ ≤ xtol, or |f(x_t) − f(x_{t−1})| ≤ ftol (0 disables each);
- ``max_steps``: t reached the step budget;
- ``diverged``: f, ∇f or x_t is not finite, f is undefined there, or |f(x_t)| > DIVERGENCE_FACTOR·max(1, |f(x₀)|)
  or some |x_t,i| > DIVERGENCE_FACTOR·max(1, ‖x₀‖∞). The result keeps the last finite iterate;
- ``line_search_failed`` (with ``--line-search``): MAX_TRIALS step sizes α, α·shrink, … were tried at x_t and
  none met Armijo's condition. The run stops at x_t rather than take a step the search did not accept: an
  unchecked step from an α that was far too large is how a run "with line search" diverges. The last row
  records the last α tried and the MAX_TRIALS trials; the message says so.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from struct import Struct

import numpy as np

from gdcli.engine import methods, methods_compiled
from gdcli.engine.checks import positive, tolerance, whole_number
from gdcli.engine.compiled import compile_source
from gdcli.engine.line_search import check_kind
from gdcli.engine.notation import number
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import HYPER_NAMES, RULES, Optimizer, Rule, symbols
from gdcli.engine.schedules import Schedule, formulas
from gdcli.errors import OptionError

DIVERGENCE_FACTOR = 1e12
"""A run is called diverged once |f| or a coordinate grows past this many times its scale at the start."""
MAX_TRIALS = 60
"""Most step sizes an Armijo search tries at one iterate (α … α·shrink⁵⁹); if none is accepted the run stops
with the status line_search_failed."""
MAX_STEPS = 10_000_000
"""Largest step budget accepted."""

MESSAGES = {
    "tol": "converged: ‖∇f‖ ≤ {tol} at step {t}",
    "xtol": "converged: ‖Δx‖ ≤ {xtol} at step {t}",
    "ftol": "converged: |Δf| ≤ {ftol} at step {t}",
    "max_steps": "stopped: the budget of {steps} steps ran out",
    "bound": "diverged after step {last}: at step {t} the iterates grew past {factor} times their starting scale",
    "f_bound": "diverged after step {last}: at step {t} |f| grew past {factor} times its size at the start",
    "non_finite": "diverged after step {last}: at step {t} f or its gradient overflowed to a non-finite value",
    "undefined": "diverged after step {last}: step {t} left the domain where f is defined",
    "line_search": "stopped at step {t}: none of the {trials} step sizes Armijo's search tried (down to α = {lr}) "
                   "decreased f enough, so no step was taken; start from a smaller --lr",
}
STATUS_OF = {"tol": "converged", "xtol": "converged", "ftol": "converged", "max_steps": "max_steps",
             "bound": "diverged", "f_bound": "diverged", "non_finite": "diverged", "undefined": "diverged",
             "line_search": "line_search_failed"}
MESSAGES.update(methods.MESSAGES)
STATUS_OF.update(methods.STATUS_OF)


written_number = lru_cache(maxsize=64)(number)
"""A tolerance as the stopping message writes it (the same few for every run of a session: written once)."""


@dataclass(frozen=True)
class LineSearch:
    """A line search: ``kind`` armijo (the default), wolfe, strong-wolfe or exact (gdcli.engine.line_search).

    Armijo backtracks along −g: try α, α·shrink, α·shrink², … until f(x − αg) ≤ f(x) − c1·α·‖g‖². The Wolfe
    searches add the curvature condition with c2 (None: the method's default, 0.9, or 0.1 for cg).
    """

    c1: float = 1e-4
    shrink: float = 0.5
    kind: str = "armijo"
    c2: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", check_kind(self.kind))
        if self.c2 is not None and not (math.isfinite(self.c2) and 0 < self.c2 < 1):
            raise OptionError(f"--c2 must satisfy 0 < c2 < 1, not {number(self.c2)}")
        if not (math.isfinite(self.c1) and 0 < self.c1 < 1):
            raise OptionError(f"--c1 must satisfy 0 < c1 < 1, not {number(self.c1)}")
        if not (math.isfinite(self.shrink) and 0 < self.shrink < 1):
            raise OptionError(f"--shrink must satisfy 0 < shrink < 1, not {number(self.shrink)}")


@dataclass
class RunResult:
    """A finished run: its recorded rows, its status and why it stopped.

    ``t``, ``f``, ``grad_norm``, ``lr`` and ``trials`` are 1-D arrays over the recorded rows; ``x`` and
    ``grad`` are (rows × n). With ``every`` > 1 only every K-th row is kept, and always the last.
    """

    objective: Objective
    optimizer: Optimizer
    start: np.ndarray
    lr0: float
    schedule: Schedule
    line_search: LineSearch | None
    status: str
    reason: str
    message: str
    steps: int
    t: np.ndarray
    f: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    trials: np.ndarray
    x: np.ndarray
    grad: np.ndarray
    evaluations: dict = field(default_factory=dict)
    tol: float = 0.0
    """The tolerance on ‖∇f‖ the run tested (0: not tested)."""
    states: list[dict] | None = None
    """For the methods of gdcli.engine.methods: per recorded row, the state of the step taken from it (the
    direction d, Newton's shift τ, CG's β, BFGS's H, L-BFGS's pair count and γ, and a ``note`` when a row has
    something to say: a shift added, an update skipped, a restart). None for the elementwise rules."""

    @property
    def final_x(self) -> np.ndarray:
        return self.x[-1]

    @property
    def final_f(self) -> float:
        return float(self.f[-1])

    @property
    def final_grad_norm(self) -> float:
        return float(self.grad_norm[-1])

    def columns(self) -> tuple[list[str], list[list]]:
        """The rows as a header and plain values: t, each x_i, f, each ∂f/∂x_i, ‖∇f‖, α_t (and trials), and for
        the methods the direction d and their scalar state (τ, β, γ, pairs, skipped, note)."""
        names = self.objective.names
        header = ["t", *names, "f", *(f"grad_{n}" for n in names), "grad_norm", "lr"]
        search = self.line_search is not None
        if search:
            header.append("trials")
        scalars = self._state_columns()
        header += [f"d_{n}" for n in names] if self.states is not None else []
        header += scalars
        table = []
        for r in range(len(self.t)):
            row = [int(self.t[r]), *map(float, self.x[r]), float(self.f[r]), *map(float, self.grad[r]),
                   float(self.grad_norm[r]), float(self.lr[r])]
            row += [int(self.trials[r])] if search else []
            if self.states is not None:
                state = self.states[r]
                row += list(state.get("d", [""] * len(names)))
                row += [state.get(key, "") for key in scalars]
            table.append(row)
        return header, table

    def _state_columns(self) -> list[str]:
        """The methods' scalar state in the order first met (tau, beta, gamma, pairs, skipped, note)."""
        keys = {}
        for state in self.states or ():
            keys.update(dict.fromkeys(k for k, v in state.items() if not isinstance(v, list)))
        return list(keys)

    def rows(self) -> list[dict]:
        """The recorded rows as JSON-ready dicts (t, x, f, grad, grad_norm, lr, trials with a line search, and
        the method's ``state`` for the methods of gdcli.engine.methods)."""
        out = []
        for r in range(len(self.t)):
            row = {
                "t": int(self.t[r]), "x": [float(v) for v in self.x[r]], "f": float(self.f[r]),
                "grad": [float(v) for v in self.grad[r]], "grad_norm": float(self.grad_norm[r]),
                "lr": float(self.lr[r]),
            }
            if self.line_search is not None:
                row["trials"] = int(self.trials[r])
            if self.states is not None:
                row["state"] = self.states[r]
            out.append(row)
        return out


def run(
    objective: Objective,
    optimizer: Optimizer,
    start: np.ndarray,
    lr: float,
    steps: int = 20,
    tol: float = 1e-8,
    xtol: float = 0.0,
    ftol: float = 0.0,
    schedule: Schedule = Schedule(),
    line_search: LineSearch | None = None,
    every: int = 1,
) -> RunResult:
    """Run ``optimizer`` on ``objective`` from ``start`` with learning rate α₀ = ``lr``; see the module docstring."""
    lr = positive(lr, "--lr")
    steps = whole_number(steps, "--steps", 0, MAX_STEPS)
    every = whole_number(every, "--every", 1, MAX_STEPS)
    tol, xtol, ftol = (tolerance(v, name) for v, name in ((tol, "--tol"), (xtol, "--xtol"), (ftol, "--ftol")))
    directional = not optimizer.elementwise or line_search is not None and line_search.kind != "armijo"
    if line_search is not None and optimizer.name != "gd" and optimizer.elementwise:
        raise OptionError(f"--line-search works with gd and the methods ({', '.join(methods.METHODS)}), not "
                          f"{optimizer.name}: a line search picks α along a direction, which {optimizer.name} "
                          "does not step along")
    start = np.asarray(start, dtype=float)
    f0 = objective.check_defined_at(start)
    point = tuple(start.tolist())
    bounds = DIVERGENCE_FACTOR * max(1.0, abs(f0)), DIVERGENCE_FACTOR * max(1.0, *map(abs, point))
    states = None
    if directional:
        if line_search is None and not optimizer.elementwise and optimizer.rule.search is not None:
            line_search = LineSearch(kind=optimizer.rule.search)
        line_search = methods.resolve_search(optimizer, line_search)
        if methods_compiled.covers(optimizer, objective):
            reason, last_t, rows, evaluations, last, states = methods_compiled.iterate(
                objective, optimizer, line_search, point, lr, schedule, steps, tol, xtol, ftol, every, *bounds)
        else:
            reason, last_t, rows, evaluations, last, states = methods.iterate(
                objective, optimizer, line_search, point, lr, schedule.rate(lr), steps, tol, xtol, ftol, every,
                *bounds)
    else:
        loop = compiled_loop(objective, optimizer.rule, schedule, line_search is not None,
                             tol > 0, xtol > 0, ftol > 0, every > 1)
        search = line_search or LineSearch()
        reason, last_t, rows, evaluations, last = loop(
            point, lr, steps, tol, xtol, ftol, every, *bounds,
            schedule.decay, search.c1, search.shrink, *optimizer.hyper.values(),
        )
    width = 5 + 2 * objective.dimension
    # the rows as recorded: packed doubles from the generated loop (shared, not copied), a list from the methods
    table = np.asarray(rows, dtype=float).reshape(-1, width)
    if last is not None and (len(table) == 0 or table[-1, 0] != last[0]):
        table = np.vstack([table, np.array(last, dtype=float)])
    n = objective.dimension
    final_t = int(table[-1, 0])
    template = MESSAGES[reason]
    written = {name: written_number(value) for name, value in
               (("tol", tol), ("xtol", xtol), ("ftol", ftol), ("factor", DIVERGENCE_FACTOR))
               if "{" + name + "}" in template}  # only what the message shows
    message = template.format(t=last_t if STATUS_OF[reason] == "diverged" else final_t, last=final_t, steps=steps,
                              trials=int(table[-1, 4]), lr=written_number(float(table[-1, 3])),
                              search=line_search.kind if line_search else "", **written)
    return RunResult(
        objective=objective, optimizer=optimizer, start=start, lr0=lr, schedule=schedule, line_search=line_search,
        status=STATUS_OF[reason], reason=reason, message=message, steps=final_t,
        t=table[:, 0].astype(int), f=table[:, 1], grad_norm=table[:, 2], lr=table[:, 3],
        trials=table[:, 4].astype(int), x=table[:, 5:5 + n], grad=table[:, 5 + n:],
        evaluations={"gradient": last_t + 1, "line_search": evaluations}, tol=tol,
        states=None if states is None else [states.get(t, {}) for t in table[:, 0].tolist()],  # t = 3.0 finds 3
    )


def update_lines(rule: Rule, n: int, printer, indent: str) -> list[str]:
    """The rule's assignments for coordinates 0 … n−1, in locals _x{i}, _g{i}, _<state>{i}, _lr, _k and _<hyper>."""
    import sympy as sp

    y = symbols()
    hyper = {getattr(y, name): sp.Symbol("_" + name) for name in HYPER_NAMES}
    lines = []
    for i in range(n):
        names = {y.x: sp.Symbol(f"_x{i}"), y.g: sp.Symbol(f"_g{i}"), y.alpha: sp.Symbol("_lr"), y.t: sp.Symbol("_k")}
        names.update({target: sp.Symbol(f"_{target.name}{i}") for target, _ in rule.steps if target != y.x})
        for target, expr in rule.steps:
            lines.append(f"{indent}{names[target].name} = {printer.doprint(expr.xreplace({**names, **hyper}))}")
    return lines


@lru_cache(maxsize=64)
def compiled_loop(objective: Objective, rule: Rule, schedule: Schedule, search: bool, tol: bool, xtol: bool,
                  ftol: bool, sampled: bool):
    """Compile the run loop for this objective, rule, schedule and set of stopping tests (its source is kept
    with the objective's derivations for the built-in rules)."""
    flags = (search, tol, xtol, ftol, sampled)
    make = lambda: loop_source(objective, rule, schedule, *flags)  # noqa: E731
    if RULES.get(rule.name) is rule:
        # k (the decay) enters the loop as the argument _decay, so the key holds the schedule's other constants
        shape = f"{schedule.name} P={schedule.period} T={schedule.horizon} min={schedule.lr_min!r} w={schedule.warmup}"
        source = objective.derived.get(f"loop {rule.name} {shape} {''.join('01'[f] for f in flags)}", make)
    else:
        source = make()
    # rows kept as packed doubles, not a list of float objects (4 times smaller); packed by struct, which is
    # about twice as fast per row as array.extend of a tuple
    extra = {"_floats": array, "_pack": Struct(f"{5 + 2 * objective.dimension}d").pack}
    if search:
        extra["_value"] = objective.value_function
    return compile_source(source, "_run", extra)


def loop_source(objective: Objective, rule: Rule, schedule: Schedule, search: bool, tol: bool, xtol: bool,
                ftol: bool, sampled: bool) -> str:
    """Generate the run loop's source for this objective, rule, schedule and set of stopping tests."""
    import sympy as sp

    from gdcli.engine import codegen

    alpha0, k, index = formulas()["symbols"]
    printer = codegen.FloatPrinter()
    n = objective.dimension
    xs = [f"_x{i}" for i in range(n)]
    gs = [f"_g{i}" for i in range(n)]
    hyper = [f"_{name}" for name in rule.defaults]
    lr_expr = printer.doprint(
        schedule.formula.xreplace({alpha0: sp.Symbol("_lr0"), k: sp.Symbol("_decay"), index: sp.Symbol("_t")})
    )
    row = f"(_t, _f, _gn, _lr, _trials, {', '.join(xs + gs)})"
    i1, i2, i3 = " " * 8, " " * 12, " " * 16
    src = [
        f"def _run(_start, _lr0, _steps, _tol, _xtol, _ftol, _every, _fbound, _xbound, _decay, _ls_c1, _ls_shrink"
        f"{''.join(', ' + h for h in hyper)}):",
        f"    {', '.join(xs)}, = _start",
    ]
    src += [f"    _{target.name}{i} = 0.0" for target in rule.state for i in range(n)]
    src += [
        "    _rows = _floats('d')", "    _record = _rows.frombytes", "    _last = None", "    _trials = 0", "    _fevals = 0",
        "    _t = 0", "    _pf = _f = 0.0", "    _failed = False", *(f"    _p{i} = 0.0" for i in range(n)),
        "    while True:", "        try:",
    ]
    src += objective.value_and_gradient_lines(i3)
    src += [
        f"{i3}_gn = math.sqrt({' + '.join(f'{gg}*{gg}' for gg in gs)})",
        f"{i1}except (ArithmeticError, ValueError, TypeError):", f"{i2}_reason = 'undefined'", f"{i2}break",
        f"{i1}if not (abs(_f) <= _fbound and _gn < inf and {' and '.join(f'abs({xx}) <= _xbound' for xx in xs)}):",
        f"{i2}_reason = ('f_bound' if abs(_f) > _fbound else 'bound') if abs(_f) < inf and _gn < inf else 'non_finite'", f"{i2}break",
    ]
    checks = []
    if tol:
        checks.append(("_gn <= _tol", "tol"))
    if xtol:
        dx = " + ".join(f"(_x{i} - _p{i})*(_x{i} - _p{i})" for i in range(n))
        checks.append((f"_t and math.sqrt({dx}) <= _xtol", "xtol"))
    if ftol:
        checks.append(("_t and abs(_f - _pf) <= _ftol", "ftol"))
    checks.append(("_t >= _steps", "max_steps"))
    # one combined test per step; which criterion fired is sorted out only on the way out
    src.append(f"{i1}_stop = {' or '.join(f'({c})' for c, _ in checks)}")
    src.append(f"{i1}_lr = {lr_expr}")
    if search:
        trial = ", ".join(f"{xx} - _lr*{gg}" for xx, gg in zip(xs, gs))
        src += [
            f"{i1}_trials = 0",
            f"{i1}if not _stop:",
            f"{i2}_armijo = _ls_c1*_gn*_gn",
            f"{i2}while True:",
            f"{i3}_trials += 1",
            f"{i3}try:",
            f"{i3}    _ft = _value({trial})",
            f"{i3}except (ArithmeticError, ValueError, TypeError):",
            f"{i3}    _ft = inf",
            f"{i3}if _ft <= _f - _lr*_armijo or _trials >= {MAX_TRIALS}:",
            f"{i3}    break",
            f"{i3}_lr *= _ls_shrink",
            f"{i2}_fevals += _trials",
            f"{i2}_failed = _stop = not _ft <= _f - _lr*_armijo",
        ]
        checks.insert(0, ("_failed", "line_search"))
    if sampled:
        src += [f"{i1}_last = {row}", f"{i1}if _stop or _t % _every == 0:", f"{i2}_record(_pack(*_last))"]
    else:
        src.append(f"{i1}_record(_pack{row})")
    src += [f"{i1}if _stop:"]
    for index, (condition, reason) in enumerate(checks):
        src += [f"{i2}{'if' if index == 0 else 'elif'} {condition}:", f"{i3}_reason = '{reason}'"]
    src.append(f"{i2}break")
    if xtol:
        src.append(f"{i1}{', '.join(f'_p{i}' for i in range(n))}, = {', '.join(xs)},")
    if ftol:
        src.append(f"{i1}_pf = _f")
    if rule.uses_step_number():
        src.append(f"{i1}_k = _t + 1")
    src += [f"{i1}try:"]
    src += update_lines(rule, n, printer, i2)
    src += [
        f"{i1}except (ArithmeticError, ValueError, TypeError):", f"{i2}_t += 1", f"{i2}_reason = 'non_finite'",
        f"{i2}break",
        f"{i1}_t += 1",
        "    return _reason, _t, _rows, _fevals, _last",
        "",
    ]
    return "\n".join(src)
