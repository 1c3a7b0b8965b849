"""Basins of attraction: which critical point each start on an N×N grid leads to.

All N² starts are rows of one gdcli.landscape.batch computation. The end points of the converged runs are grouped
(points closer than gdcli.landscape.points.SAME_POINT are one), each group's point is refined by Newton's iteration
and classified from the Hessian's eigenvalues (gdcli.landscape.analysis), and every start is labelled with its group,
or as diverged, or as not converged (max_steps or oscillating).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdcli.engine.notation import number, vector
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import Optimizer
from gdcli.engine.solution import prepare
from gdcli.engine.stability import newton_zeros
from gdcli.errors import OptionError
from gdcli.landscape.batch import Batch, advance
from gdcli.landscape.points import (
    NEWTON_STEPS,
    SAME_POINT,
    CriticalPoint,
    critical_point,
    read_region,
)
from gdcli.landscape.sweep import DEFAULT_STEPS, MAX_RUNS

DIVERGED, NOT_CONVERGED = -1, -2
"""Labels of starts that reach no critical point."""
SETTLE_SHARE = 0.1
"""When more than this share of the starts has not converged, larger budgets are tried on them (`settling`)."""
SETTLE_FACTORS = (4, 16, 64)
"""The budgets tried, as multiples of the run's budget, up to MAX_SETTLE_STEPS."""
MAX_SETTLE_STEPS = 100_000
SETTLED = 0.01
"""The share of all starts left not converged at which a budget counts as settling the grid."""


@dataclass(frozen=True)
class Settling:
    """The budget that settles the starts a run left unconverged: with ``steps`` steps, ``left`` of all the
    starts still have not converged (``settled`` when that is at most SETTLED)."""

    steps: int
    left: float

    @property
    def settled(self) -> bool:
        return self.left <= SETTLED


@dataclass
class Basins:
    """The grid, each start's label (an index into ``points``, DIVERGED or NOT_CONVERGED) and the points."""

    objective: Objective
    optimizer: Optimizer
    lr: float
    budget: int
    region: np.ndarray
    axes: list[np.ndarray]
    labels: np.ndarray
    points: list[CriticalPoint]
    batch: Batch
    settling: Settling | None = None

    def __repr__(self) -> str:
        shares = ", ".join(f"{r['kind']}{'' if r['point'] is None else ' ' + vector(r['point'], 4)} "
                           f"{100 * r['share']:.1f}%" for r in self.rows())
        return f"Basins({self.objective.text!r}, {self.optimizer.name}, α = {number(self.lr)}, {self.budget} steps: {shares})"

    def share(self, label: int) -> float:
        return float(np.mean(self.labels == label))

    def rows(self) -> list[dict]:
        """One row per basin, largest first, then diverged and not converged when any start ended so."""
        rows = [{"point": [float(v) for v in p.point], "kind": p.kind, "share": self.share(i), "f": float(p.f)}
                for i, p in enumerate(self.points)]
        rows.sort(key=lambda r: -r["share"])
        for label, kind in ((DIVERGED, "diverged"), (NOT_CONVERGED, "not converged")):
            if np.any(self.labels == label):
                rows.append({"point": None, "kind": kind, "share": self.share(label), "f": None})
        return rows

    def to_dict(self) -> dict:
        """The JSON document of `gd basins --json`."""
        return {"objective": self.objective.text, "optimizer": {"name": self.optimizer.name, **self.optimizer.hyper},
                "lr": self.lr, "steps": self.budget, "grid": len(self.axes[0]),
                "region": [[float(a), float(b)] for a, b in self.region], "basins": self.rows(),
                "settling": None if self.settling is None else {"steps": self.settling.steps,
                                                                "not_converged": self.settling.left}}


def basins(
    objective: str | Objective | None = None,
    *,
    grid: int = 41,
    region: str | None = None,
    tol: float = 1e-8,
    xtol: float = 0.0,
    ftol: float = 0.0,
    **options,
) -> Basins:
    """Run the optimizer from every start of an N×N grid over the region and group the starts by end point.

    ``options`` are gdcli.engine.solution.prepare's (the step budget defaults to gdcli.landscape.sweep.DEFAULT_STEPS here).
    """
    setup = prepare(objective, default_steps=DEFAULT_STEPS, **options)
    f, rule, alpha, budget = setup.objective, setup.optimizer, setup.lr, setup.steps
    if f.dimension != 2:
        raise OptionError(f"basins are drawn on the plane: the objective has {f.dimension} variable"
                          f"{'s' if f.dimension != 1 else ''} ({', '.join(f.names)}), not 2")
    if isinstance(grid, bool) or not isinstance(grid, int) or not 2 <= grid <= math.isqrt(MAX_RUNS):
        raise OptionError(f"--grid must be a whole number between 2 and {int(MAX_RUNS ** 0.5)}, not {grid}")
    box = read_region(region, 2)
    axes = [np.linspace(low, high, grid) for low, high in box]
    xx, yy = np.meshgrid(*axes, indexing="xy")
    starts = np.column_stack([xx.ravel(), yy.ravel()])
    batch = advance(f, rule, starts, alpha, budget, tol, xtol, ftol, setup.schedule)
    labels = np.where(batch.status == "diverged", DIVERGED, NOT_CONVERGED)
    points: list[CriticalPoint] = []
    unassigned = np.flatnonzero(batch.status == "converged")
    while unassigned.size:
        ends = batch.final_x[unassigned]
        centre = ends[0]
        near = np.linalg.norm(ends - centre, axis=1) <= SAME_POINT * max(1.0, float(np.linalg.norm(centre)))
        refined, converged = newton_zeros(f, centre[None], NEWTON_STEPS)
        points.append(critical_point(f, refined[0] if converged[0] else centre, "basin"))
        labels[unassigned[near]] = len(points) - 1
        unassigned = unassigned[~near]
    result = Basins(f, rule, alpha, budget, box, axes, labels.reshape(grid, grid), points, batch)
    if result.share(NOT_CONVERGED) > SETTLE_SHARE:
        result.settling = settling(result, starts[labels == NOT_CONVERGED], tol, xtol, ftol, setup.schedule)
    return result


def settling(result: Basins, starts: np.ndarray, tol: float, xtol: float, ftol: float, schedule) -> Settling:
    """Run the unconverged ``starts`` again with budgets SETTLE_FACTORS times larger (from scratch, with the same
    α and schedule) until all but SETTLED of the grid converge or diverge, or MAX_SETTLE_STEPS is reached."""
    total = result.labels.size
    for factor in SETTLE_FACTORS:
        steps = min(result.budget * factor, MAX_SETTLE_STEPS)
        batch = advance(result.objective, result.optimizer, starts, result.lr, steps, tol, xtol, ftol, schedule)
        starts = starts[(batch.status != "converged") & (batch.status != "diverged")]
        if len(starts) <= SETTLED * total or steps == MAX_SETTLE_STEPS:
            break
    return Settling(steps, len(starts) / total)
