"""Learning-rate schedules α_t, written once as SymPy expressions in the iteration index t = 0, 1, 2, …

- constant:     α_t = α₀
- inverse:      α_t = α₀ / (1 + k t)
- exponential:  α_t = α₀ · kᵗ

k is ``--decay``. The run loop generates its code from these expressions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from functools import lru_cache
from typing import Callable

import sympy as sp

from gdcli.engine import codegen
from gdcli.errors import OptionError

alpha0, k, t = sp.symbols("alpha0 k t", real=True)

FORMULAS = {
    "constant": alpha0,
    "inverse": alpha0 / (1 + k * t),
    "exponential": alpha0 * k**t,
}
DEFAULT_DECAY = {"constant": 0.0, "inverse": 0.1, "exponential": 0.95}
SHOWN = {"constant": "α_t = α₀", "inverse": "α_t = α₀/(1 + k·t)", "exponential": "α_t = α₀·kᵗ"}
NAMES = tuple(FORMULAS)


@dataclass(frozen=True)
class Schedule:
    """A schedule with its decay k fixed."""

    name: str = "constant"
    decay: float = 0.0

    @property
    def formula(self) -> sp.Expr:
        return FORMULAS[self.name]

    def at(self, lr0: float, step: int) -> float:
        """α_t for the given α₀ and t."""
        return float(self.formula.subs({alpha0: lr0, k: self.decay, t: step}))

    def rate(self, lr0: float) -> Callable[[int], float]:
        """t ↦ α_t as a compiled float function, for loops that ask once per step."""
        function = _compiled(self.name)
        return lambda step: function(lr0, self.decay, step)

    def describe(self) -> str:
        return SHOWN[self.name] + ("" if self.name == "constant" else f", k = {self.decay:g}")


@lru_cache(maxsize=None)
def _compiled(name: str) -> Callable[[float, float, int], float]:
    body = codegen.FloatPrinter().doprint(FORMULAS[name])
    return codegen.compile_source(f"def _rate(alpha0, k, t):\n    return float({body})\n", "_rate")


def make_schedule(name: str = "constant", decay: float | None = None) -> Schedule:
    """Check the schedule's name and k: inverse needs k ≥ 0, exponential 0 < k ≤ 1."""
    key = name.strip().lower() if isinstance(name, str) else ""
    if key not in FORMULAS:
        raise OptionError(f"unknown schedule '{name}' (choose from {', '.join(NAMES)})")
    value = DEFAULT_DECAY[key] if decay is None else float(decay)
    if not math.isfinite(value):
        raise OptionError(f"--decay must be finite, not {value}")
    if key == "inverse" and value < 0:
        raise OptionError(f"--decay must be at least 0 for the inverse schedule, not {value:g}")
    if key == "exponential" and not 0 < value <= 1:
        raise OptionError(f"--decay must satisfy 0 < k ≤ 1 for the exponential schedule, not {value:g}")
    return Schedule(key, value)
