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

from gdcli.errors import OptionError


@lru_cache(maxsize=None)
def formulas() -> dict:
    """The schedules as SymPy expressions in α₀ (alpha0), k and t, made on first use."""
    import sympy as sp

    alpha0, k, t = sp.symbols("alpha0 k t", real=True)
    return {"constant": alpha0, "inverse": alpha0 / (1 + k * t), "exponential": alpha0 * k**t,
            "symbols": (alpha0, k, t)}


def __getattr__(name: str):
    """The symbols alpha0, k and t, made with SymPy on first access."""
    if name in ("alpha0", "k", "t"):
        return formulas()["symbols"][("alpha0", "k", "t").index(name)]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DEFAULT_DECAY = {"constant": 0.0, "inverse": 0.1, "exponential": 0.95}
SHOWN = {"constant": "α_t = α₀", "inverse": "α_t = α₀/(1 + k·t)", "exponential": "α_t = α₀·kᵗ"}
NAMES = tuple(DEFAULT_DECAY)


@dataclass(frozen=True)
class Schedule:
    """A schedule with its decay k fixed."""

    name: str = "constant"
    decay: float = 0.0

    @property
    def formula(self):
        return formulas()[self.name]

    def at(self, lr0: float, step: int) -> float:
        """α_t for the given α₀ and t."""
        alpha0, k, t = formulas()["symbols"]
        return float(self.formula.subs({alpha0: lr0, k: self.decay, t: step}))

    def describe(self) -> str:
        return SHOWN[self.name] + ("" if self.name == "constant" else f", k = {self.decay:g}")


def make_schedule(name: str = "constant", decay: float | None = None) -> Schedule:
    """Check the schedule's name and k: inverse needs k ≥ 0, exponential 0 < k ≤ 1."""
    key = name.strip().lower() if isinstance(name, str) else ""
    if key not in DEFAULT_DECAY:
        raise OptionError(f"unknown schedule '{name}' (choose from {', '.join(NAMES)})")
    value = DEFAULT_DECAY[key] if decay is None else float(decay)
    if not math.isfinite(value):
        raise OptionError(f"--decay must be finite, not {value}")
    if key == "inverse" and value < 0:
        raise OptionError(f"--decay must be at least 0 for the inverse schedule, not {value:g}")
    if key == "exponential" and not 0 < value <= 1:
        raise OptionError(f"--decay must satisfy 0 < k ≤ 1 for the exponential schedule, not {value:g}")
    return Schedule(key, value)
