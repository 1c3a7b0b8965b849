"""A learning-rate sweep: the same optimizer from the same start for N values of α, advanced together.

Every α on the grid (linear, or geometric with ``log``) is one row of a gdcli.landscape.batch computation, so the N
runs are one NumPy computation over the α axis. Each run ends converged, oscillating, diverged or max_steps
(see gdcli.landscape.batch); an oscillating run's swings are shrinking, bounded or growing by the factor r per
step they change by over the end of its budget. The theoretical bound is the engine's (gdcli.engine.stability.stability_bound): 2/λmax for gd,
2(1+β)/λmax for momentum, 2(1+β)/((1+2β)λmax) for nesterov, none for the adaptive methods; λmax is read at
the start for a quadratic, else at the end point of the converged run with the largest α, else at the start.
It is a bound on a constant α: with a schedule it is α₀'s bound as if α stayed α₀, and the schedule moves it
(α_t shrinks below the bound after some steps, so an α₀ above it can still converge).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gdcli.engine.notation import number
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import Optimizer
from gdcli.engine.schedules import Schedule
from gdcli.engine.solution import prepare, read_lr
from gdcli.engine.stability import stability_bound
from gdcli.errors import OptionError
from gdcli.landscape.batch import Batch, advance

DEFAULT_STEPS = 1000
"""Step budget of every run in a sweep or a basin map when --steps is not given (or the built-in's)."""
MAX_RUNS = 1_000_000
"""Most α values (or starts) in one batch."""


@dataclass
class Sweep:
    """The α grid, each run's outcome, and the theoretical largest stable α."""

    objective: Objective
    optimizer: Optimizer
    schedule: Schedule
    start: np.ndarray
    lrs: np.ndarray
    budget: int
    batch: Batch
    max_stable_lr: float | None
    bound_at: str

    def __repr__(self) -> str:
        best = self.largest_converged_lr
        return (f"Sweep({self.objective.text!r}, {self.optimizer.name}, {len(self.lrs)} values of α from "
                f"{number(self.lrs[0])} to {number(self.lrs[-1])}: largest converged α = "
                f"{'none' if best is None else f'{number(best)}'})")

    @property
    def largest_converged_lr(self) -> float | None:
        converged = self.lrs[self.batch.status == "converged"]
        return float(converged.max()) if converged.size else None

    @property
    def bound_is_for_alpha0(self) -> bool:
        """True when a schedule moves α_t away from α₀, so the bound is α₀'s as if α stayed constant."""
        return self.schedule.name != "constant" and self.schedule.at(1.0, 1) != 1.0

    def runs(self) -> list[dict]:
        """Each α: status, steps, final f, and for an oscillating run its swing (shrinking, bounded or growing)
        and the factor per step its swings change by (None for the other runs)."""
        b = self.batch
        swing = b.swing
        return [{"lr": float(lr), "status": str(b.status[i]), "steps": int(b.steps[i]), "final_f": float(b.final_f[i]),
                 "swing": swing[i], "swing_factor": None if swing[i] is None else float(b.swing_factor[i])}
                for i, lr in enumerate(self.lrs)]

    def to_dict(self) -> dict:
        """The JSON document of `gd sweep --json`."""
        return {"objective": self.objective.text, "optimizer": {"name": self.optimizer.name, **self.optimizer.hyper},
                "start": [float(v) for v in self.start], "steps": self.budget,
                "schedule": {"name": self.schedule.name, "decay": self.schedule.decay},
                "max_stable_lr": self.max_stable_lr, "bound_at": self.bound_at,
                "bound_for": "alpha0 as a constant step" if self.bound_is_for_alpha0 else "alpha",
                "largest_converged_lr": self.largest_converged_lr, "runs": self.runs()}


def lr_grid(lr_min: float | str, lr_max: float | str, num: int, log: bool = False) -> np.ndarray:
    """``num`` values of α from lr_min to lr_max, evenly spaced (geometrically with ``log``)."""
    low, high = read_lr(lr_min, math.nan), read_lr(lr_max, math.nan)
    if not (math.isfinite(low) and low > 0):
        raise OptionError(f"--lr-min must be a positive finite number, not {number(low)}")
    if not (math.isfinite(high) and high > low):
        raise OptionError(f"--lr-max must be a finite number above --lr-min ({number(low)}), not {number(high)}")
    if isinstance(num, bool) or not isinstance(num, int) or not 2 <= num <= MAX_RUNS:
        raise OptionError(f"--num must be a whole number between 2 and {MAX_RUNS:,}, not {num}")
    return np.geomspace(low, high, num) if log else np.linspace(low, high, num)


def sweep(
    objective: str | Objective | None = None,
    *,
    lr_min: float | str,
    lr_max: float | str,
    num: int = 50,
    log: bool = False,
    start: str | Sequence[float] | None = None,
    tol: float = 1e-8,
    xtol: float = 0.0,
    ftol: float = 0.0,
    **options,
) -> Sweep:
    """Run the optimizer from ``start`` for every α on the grid, all together, and classify each run.

    ``options`` are gdcli.engine.solution.prepare's (the step budget defaults to DEFAULT_STEPS here; ``lr`` is unused).
    """
    setup = prepare(objective, default_steps=DEFAULT_STEPS, **options)
    f, rule, plan, budget = setup.objective, setup.optimizer, setup.schedule, setup.steps
    x0 = f.read_start(start)
    f.check_defined_at(x0)
    lrs = lr_grid(lr_min, lr_max, num, log)
    batch = advance(f, rule, np.tile(x0, (lrs.size, 1)), lrs, budget, tol, xtol, ftol, plan)
    if f.is_quadratic:
        point, where = x0, "every point (f is quadratic)"
    elif np.any(batch.status == "converged"):
        point, where = batch.final_x[np.flatnonzero(batch.status == "converged")[-1]], "end of the converged runs"
    else:
        point, where = x0, "start"
    hessian = f.hessian_at(point)
    bound = None
    if np.all(np.isfinite(hessian)):
        bound = stability_bound(rule.name, float(np.linalg.eigvalsh(hessian)[-1]), rule.hyper.get("beta", 0.0))
    return Sweep(f, rule, plan, x0, lrs, budget, batch, bound, where)
