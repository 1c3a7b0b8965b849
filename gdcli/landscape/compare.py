"""Several optimizers on one objective with the same options: each run is exactly `gd solve`'s.

With ``tune``, each optimizer first gets its own α₀ from a sweep over TUNE_GRID (a log grid): the elementwise
rules run the whole grid at once (gdcli.landscape.batch), the methods one α after another. The criterion:
among the α whose run converged (‖∇f‖ ≤ tol, or the xtol / ftol tests), the fewest steps (ties: the lower
final f); when none converged, the lowest final f after the budget among the runs that did not diverge. The
row then is `gd solve` at that α, and says which criterion chose it. Polyak's step uses no α, so it is not
tuned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import NAMES
from gdcli.engine.solution import Solution, prepare, solve
from gdcli.errors import OptionError
from gdcli.landscape.batch import advance

TUNE_GRID = np.logspace(-5, 1, 31)
"""The α₀ tried by --tune: 10⁻⁵ … 10, five per decade."""
SOLVE_ONLY = ("start", "tol", "xtol", "ftol", "line_search", "c1", "c2", "shrink", "every", "curvature")
"""Options of solve that prepare does not take."""


@dataclass(frozen=True)
class Tuning:
    """How --tune chose an optimizer's α₀: the value and the criterion that picked it."""

    lr: float | None
    criterion: str

    def to_dict(self) -> dict:
        return {"lr": self.lr, "criterion": self.criterion, "grid": [float(v) for v in TUNE_GRID]}


def read_optimizers(text: str | Sequence[str]) -> list[str]:
    """``gd,momentum,adam`` (or a list) as checked optimizer names, in order, without repeats."""
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    if not names:
        raise OptionError(f"--optimizers is empty (choose from {', '.join(NAMES)})")
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise OptionError(f"unknown optimizer '{unknown[0]}' in --optimizers (choose from {', '.join(NAMES)})")
    if len(set(names)) != len(names):
        raise OptionError("--optimizers names an optimizer twice")
    return names


def compare(objective: str | Objective | None = None, *, optimizers: str | Sequence[str],
            variables: Sequence[str] | None = None, tune: bool = False, **options) -> list[Solution]:
    """One gdcli.engine.solution.solve per optimizer, on the objective parsed once, with the same ``options``;
    with ``tune`` each at its own α₀ (see the module docstring), recorded as the solution's ``tuning``."""
    f = objective if isinstance(objective, Objective) else Objective.parse(objective, variables)
    solutions = []
    for name in read_optimizers(optimizers):
        tuning = tune_lr(f, name, options) if tune else None
        chosen = dict(options, lr=tuning.lr) if tuning is not None and tuning.lr is not None else options
        solution = solve(f, optimizer=name, **chosen)
        solution.tuning = tuning
        solutions.append(solution)
    return solutions


def tune_lr(objective: Objective, name: str, options: dict) -> Tuning:
    """The α₀ on TUNE_GRID that serves ``name`` best by the criterion of the module docstring."""
    setup = prepare(objective, optimizer=name, **{k: v for k, v in options.items() if k not in SOLVE_ONLY + ("lr",)})
    if getattr(setup.optimizer.rule, "own_step", False) and name == "polyak":
        return Tuning(None, "not tuned, its step uses no α")
    tests = {key: options[key] for key in ("tol", "xtol", "ftol") if key in options}
    start = setup.objective.read_start(options.get("start"))
    if setup.optimizer.elementwise and not options.get("line_search"):
        batch = advance(objective, setup.optimizer, np.tile(start, (TUNE_GRID.size, 1)), TUNE_GRID, setup.steps,
                        schedule=setup.schedule, **tests)
        status, steps, final_f = batch.status, batch.steps, batch.final_f
    else:
        runs = [solve(objective, optimizer=name, **dict(options, lr=float(lr))).run for lr in TUNE_GRID]
        status = np.array([r.status for r in runs])
        steps = np.array([r.steps for r in runs])
        final_f = np.array([r.final_f for r in runs])
    converged = np.flatnonzero(status == "converged")
    if converged.size:
        best = min(converged, key=lambda i: (steps[i], final_f[i]))
        return Tuning(float(TUNE_GRID[best]), f"fewest steps to converge ({int(steps[best])} steps)")
    usable = np.flatnonzero((status != "diverged") & np.isfinite(final_f))
    if usable.size:
        best = min(usable, key=lambda i: final_f[i])
        return Tuning(float(TUNE_GRID[best]), f"lowest f after {setup.steps} steps (none converged)")
    return Tuning(None, "every α on the grid diverged: the given α is kept")


def rows(solutions: Sequence[Solution]) -> list[dict]:
    """The JSON rows of `gd compare --json`."""
    return [{"optimizer": s.run.optimizer.name, "lr": s.run.lr0, "status": s.run.status, "steps": s.run.steps,
             "final_f": s.run.final_f, "final_grad_norm": s.run.final_grad_norm,
             "final_x": [float(v) for v in s.run.final_x],
             **({"tuned": s.tuning.to_dict()} if getattr(s, "tuning", None) is not None else {})}
            for s in solutions]
