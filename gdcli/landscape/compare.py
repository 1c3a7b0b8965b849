"""Several optimizers on one objective with the same options: each run is exactly `gd solve`'s."""

from __future__ import annotations

from typing import Sequence

from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import NAMES
from gdcli.engine.solution import Solution, solve
from gdcli.errors import OptionError


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
            variables: Sequence[str] | None = None, **options) -> list[Solution]:
    """One gdcli.engine.solution.solve per optimizer, on the objective parsed once, with the same ``options``."""
    f = objective if isinstance(objective, Objective) else Objective.parse(objective, variables)
    return [solve(f, optimizer=name, **options) for name in read_optimizers(optimizers)]


def rows(solutions: Sequence[Solution]) -> list[dict]:
    """The JSON rows of `gd compare --json`."""
    return [{"optimizer": s.run.optimizer.name, "status": s.run.status, "steps": s.run.steps,
             "final_f": s.run.final_f, "final_grad_norm": s.run.final_grad_norm,
             "final_x": [float(v) for v in s.run.final_x]} for s in solutions]
