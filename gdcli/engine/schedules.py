"""Learning-rate schedules α_t, written once as SymPy expressions in the iteration index t = 0, 1, 2, …

- constant:     α_t = α₀
- inverse:      α_t = α₀ / (1 + k t)
- exponential:  α_t = α₀ · kᵗ
- step:         α_t = α₀ · γ^⌊t/P⌋              (γ = ``--decay``, default 0.5; P = ``--period``, default 10)
- cosine:       α_t = α_min + (α₀ − α_min)·(1 + cos(π·t/T))/2   (α_min = ``--lr-min``, T = the step budget)

k is ``--decay``. ``--warmup w`` multiplies any of them by the linear warm-up min(1, (t + 1)/w), so the first
step is α₀/w of its scheduled size and step w − 1 onwards the full one. The run loop generates its code from
these expressions; P, T, α_min and w enter them as numbers, α₀, k and t as symbols.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from gdcli.engine import cache
from gdcli.engine.compiled import compile_source
from gdcli.engine.notation import number
from gdcli.errors import OptionError


@lru_cache(maxsize=None)
def formulas() -> dict:
    """The schedules as SymPy expressions in α₀ (alpha0), k and t, with P, T and α_min as symbols to be put in as
    numbers, made on first use (SymPy is imported only here)."""
    import sympy as sp

    alpha0, k, t = sp.symbols("alpha0 k t", real=True)
    period, horizon, lr_min = sp.symbols("P T alpha_min", positive=True)
    return {
        "constant": alpha0,
        "inverse": alpha0 / (1 + k * t),
        "exponential": alpha0 * k**t,
        "step": alpha0 * k**sp.floor(t / period),
        "cosine": lr_min + (alpha0 - lr_min) * (1 + sp.cos(sp.pi * t / horizon)) / 2,
        "symbols": (alpha0, k, t),
        "constants": (period, horizon, lr_min),
    }


def __getattr__(name: str):
    """The symbols alpha0, k and t, made with SymPy on first access."""
    if name in ("alpha0", "k", "t"):
        return formulas()["symbols"][("alpha0", "k", "t").index(name)]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DEFAULT_DECAY = {"constant": 0.0, "inverse": 0.1, "exponential": 0.95, "step": 0.5, "cosine": 0.0}
DEFAULT_PERIOD = 10
SHOWN = {"constant": "α_t = α₀", "inverse": "α_t = α₀/(1 + k·t)", "exponential": "α_t = α₀·kᵗ",
         "step": "α_t = α₀·γ^⌊t/P⌋", "cosine": "α_t = α_min + (α₀ − α_min)·(1 + cos(π·t/T))/2"}
NAMES = tuple(DEFAULT_DECAY)


def _number(value: float):
    """A float as the exact rational it is (a SymPy Rational), so exact arithmetic and the float loop see the
    same number."""
    from fractions import Fraction  # here: only the symbolic path needs it

    import sympy as sp

    return sp.Rational(Fraction(value))


@dataclass(frozen=True)
class Schedule:
    """A schedule with its constants fixed: the decay k (γ for step), the period P, the floor α_min and
    horizon T of cosine, and the warm-up length w (0: none)."""

    name: str = "constant"
    decay: float = 0.0
    period: int = DEFAULT_PERIOD
    lr_min: float = 0.0
    horizon: int = 0
    warmup: int = 0

    @property
    def formula(self):
        """α_t in α₀, k and t (a SymPy expression), with P, T, α_min and the warm-up factor put in as numbers."""
        import sympy as sp

        made = formulas()
        period, horizon, lr_min = made["constants"]
        t = made["symbols"][2]
        expr = made[self.name].xreplace({period: sp.Integer(self.period), horizon: sp.Integer(self.horizon or 1),
                                         lr_min: _number(self.lr_min)})
        if self.warmup > 1:
            expr = expr * sp.Min(sp.S.One, (t + 1) / sp.Integer(self.warmup))
        return expr

    def at(self, lr0: float, step: int) -> float:
        """α_t for the given α₀ and t, as the run loop computes it."""
        return self.rate(lr0)(step)

    @property
    def key(self) -> dict:
        """What its generated code depends on (the decay k enters that code as an argument): its derivation-cache
        key."""
        return {"schedule": self.name, "period": self.period, "horizon": self.horizon, "lr_min": self.lr_min,
                "warmup": self.warmup}

    def over(self, lr0: float, count: int):
        """α_t for t = 0 … count − 1 as a NumPy array, from the formula's NumPy code (kept in the derivation
        cache, so a schedule met before needs no SymPy)."""
        import numpy as np

        def make() -> str:
            from gdcli.engine import codegen

            return f"def _rates(alpha0, k, t):\n    return {codegen.ArrayPrinter().doprint(self.formula)}\n"

        rates = compile_source(cache.Entry(self.key).get("array rates", make), "_rates", {"numpy": np})
        return np.broadcast_to(np.asarray(rates(lr0, self.decay, np.arange(count, dtype=float)), dtype=float),
                               (count,)).copy()

    def rate(self, lr0: float) -> Callable[[int], float]:
        """t ↦ α_t as a compiled float function, for loops that ask once per step."""
        function = _compiled(self)
        return lambda step: function(lr0, self.decay, step)

    def values(self, lr0: float, steps: int) -> list[float]:
        """α_0 … α_steps."""
        rate = self.rate(lr0)
        return [rate(step) for step in range(steps + 1)]

    def describe(self) -> str:
        constants = {
            "constant": "", "inverse": f"k = {number(self.decay)}", "exponential": f"k = {number(self.decay)}",
            "step": f"γ = {number(self.decay)}, P = {self.period}",
            "cosine": f"α_min = {number(self.lr_min)}, T = {self.horizon}",
        }[self.name]
        text = SHOWN[self.name] + (f", {constants}" if constants else "")
        return text + (f"; linear warm-up ×min(1, (t+1)/{self.warmup})" if self.warmup > 1 else "")

    def to_dict(self) -> dict:
        return {"name": self.name, "decay": self.decay, "period": self.period, "lr_min": self.lr_min,
                "horizon": self.horizon, "warmup": self.warmup}


@lru_cache(maxsize=64)
def _compiled(schedule: Schedule) -> Callable[[float, float, int], float]:
    """α_t as a float function of (α₀, k, t), its source kept in the derivation cache."""
    def make() -> str:
        from gdcli.engine import codegen

        return f"def _rate(alpha0, k, t):\n    return float({codegen.FloatPrinter().doprint(schedule.formula)})\n"

    return compile_source(cache.Entry(schedule.key).get("rate", make), "_rate")


def make_schedule(name: str = "constant", decay: float | None = None, *, period: int | None = None,
                  lr_min: float | None = None, warmup: int | None = None, steps: int | None = None) -> Schedule:
    """Check the schedule's name and constants: inverse needs k ≥ 0, exponential 0 < k ≤ 1, step 0 < γ ≤ 1 and a
    whole period P ≥ 1, cosine α_min ≥ 0 and a budget ``steps`` ≥ 1 as T; a warm-up is a whole w ≥ 0."""
    key = name.strip().lower() if isinstance(name, str) else ""
    if key not in DEFAULT_DECAY:
        raise OptionError(f"unknown schedule '{name}' (choose from {', '.join(NAMES)})")
    value = DEFAULT_DECAY[key] if decay is None else float(decay)
    if not math.isfinite(value):
        raise OptionError(f"--decay must be finite, not {value}")
    if key == "inverse" and value < 0:
        raise OptionError(f"--decay must be at least 0 for the inverse schedule, not {number(value)}")
    if key in ("exponential", "step") and not 0 < value <= 1:
        raise OptionError(f"--decay must satisfy 0 < k ≤ 1 for the {key} schedule, not {number(value)}")
    chosen_period = DEFAULT_PERIOD if period is None else period
    if isinstance(chosen_period, bool) or not isinstance(chosen_period, int) or chosen_period < 1:
        raise OptionError(f"--period must be a whole number of steps ≥ 1, not {chosen_period!r}")
    floor = 0.0 if lr_min is None else float(lr_min)
    if not (math.isfinite(floor) and floor >= 0):
        raise OptionError(f"--lr-min must be a finite number ≥ 0, not {lr_min}")
    length = 0 if warmup is None else warmup
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise OptionError(f"--warmup must be a whole number of steps ≥ 0, not {warmup!r}")
    budget = 0
    if key == "cosine":
        if not isinstance(steps, int) or steps < 1:
            raise OptionError("the cosine schedule runs over the step budget: give --steps")
        budget = steps
    return Schedule(key, value, chosen_period, floor, budget, length)
