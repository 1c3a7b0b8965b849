"""The library's front door: every name of the public API, gathered from the packages that define it.

``from gdcli import solve`` (and every other name in ``gdcli.__all__``) loads this module lazily, so that
``gd --help`` starts without SymPy or NumPy.

>>> from gdcli import solve
>>> solution = solve("(x - 3)^2", start="0", lr="1/10", steps=4)
>>> [round(v, 4) for v in solution.run.x[:, 0]]
[0.0, 0.6, 1.08, 1.464, 1.7712]
"""

from __future__ import annotations

from gdcli.engine.expression import parse_expression
from gdcli.engine.functions import CATALOG
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import RULES, Optimizer, make_optimizer
from gdcli.engine.run import LineSearch, RunResult, run
from gdcli.engine.schedules import make_schedule
from gdcli.engine.solution import Solution, solve
from gdcli.engine.stability import Stability
from gdcli.errors import GdError

__all__ = ["CATALOG", "GdError", "LineSearch", "Objective", "Optimizer", "RULES", "RunResult", "Solution", "Stability",
           "make_optimizer", "make_schedule", "parse_expression", "run", "solve"]
