"""A run replayed one update at a time, with the optimizer's state at every step (the model of `gd step`).

The trajectory is the engine's: ``gdcli.engine.solution.solve`` runs the generated loop (stopping rules, schedule, line
search and all). The state the loop keeps in locals — the momentum buffer b, AdaGrad/RMSprop's s, Adam's m, v
and the bias-corrected m̂, v̂ — is recovered by replaying each recorded update through
``gdcli.engine.kernels.ArrayRule`` with the recorded gradient gₖ₋₁ and step size αₖ₋₁::

    xₖ, stateₖ, valuesₖ = rule(xₖ₋₁, gₖ₋₁, stateₖ₋₁, αₖ₋₁, t = k, hyper)

so the numbers shown are the rule's own. The replayed xₖ must equal the engine's; ``Replay.deviation``
records the largest relative difference (float round-off, ~1e-16).

The effective per-coordinate step of an update is what plain gradient descent would have needed to take
the same step: α_eff,i = −Δxᵢ/gᵢ with Δx = xₖ − xₖ₋₁ (α for gd; α/(√s + ε) for AdaGrad/RMSprop, and so on).

``Stepper`` adds the controls: forward/back/restart, α scaled up or down by ``factor`` (the run is computed
again from the start), the optimizer cycled through gd → momentum → … → adam, and play/pause at a pace.
Nothing here does I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdcli.engine import solution
from gdcli.engine.kernels import ArrayRule
from gdcli.engine.notation import number
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import NAMES, make_optimizer
from gdcli.engine.run import RunResult
from gdcli.errors import GdError, OptionError

PACES = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
"""Play speeds in steps per second, changed one notch at a time by + and −."""
DEFAULT_PACE = 2
"""Index into PACES at start: 2 steps per second."""
DEFAULT_FACTOR = 2.0
"""α is multiplied or divided by this on ↑ and ↓."""


@dataclass(frozen=True)
class Step:
    """Iterate xₖ with f, ∇f there, and the update xₖ₋₁ → xₖ that produced it (none at k = 0).

    ``state`` is the rule's persistent state after the update (zeros at k = 0); ``values`` is every quantity
    the rule assigned during it, by name (b, s, m, v, m_hat, v_hat, x); ``lr`` is αₖ₋₁, the step size used.
    """

    k: int
    x: np.ndarray
    f: float
    grad: np.ndarray
    grad_norm: float
    lr: float | None = None
    state: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    delta: np.ndarray | None = None
    effective: np.ndarray | None = None


MAX_STEPS = 100_000
"""Largest step budget of the stepper: every iterate is kept as a Step with the optimizer's state (about a
kilobyte each) so that ← can go back to it; ten million would need ten gigabytes."""


@dataclass(frozen=True)
class Replay:
    """Every recorded iterate of a run as a Step, and how far the replayed iterates are from the engine's."""

    run: RunResult
    steps: list[Step]
    deviation: float


def replay(run: RunResult) -> Replay:
    """Replay ``run`` (recorded with every = 1) through the rule's ArrayRule kernel; see the module docstring.

    For the methods of gdcli.engine.methods, whose state the engine records with each row (the direction d,
    τ, β, H, the L-BFGS pairs), the state is the engine's, and the replay checks xₖ = xₖ₋₁ + αₖ₋₁·dₖ₋₁."""
    if run.states is not None:
        return _replay_method(run)
    rule = run.optimizer.rule
    kernel = ArrayRule(rule)
    n = run.objective.dimension
    state = {name: np.zeros(n) for name in kernel.state_names}
    steps = [Step(0, run.x[0], float(run.f[0]), run.grad[0], float(run.grad_norm[0]), state=state)]
    deviation = 0.0
    for k in range(1, len(run.t)):
        x_prev, g_prev, lr = run.x[k - 1], run.grad[k - 1], float(run.lr[k - 1])
        x_new, state, values = kernel(x_prev, g_prev, state, lr, k, run.optimizer.hyper)
        scale = np.maximum(1.0, np.abs(run.x[k]))
        deviation = max(deviation, float(np.max(np.abs(x_new - run.x[k]) / scale)))
        delta = run.x[k] - x_prev
        with np.errstate(all="ignore"):
            effective = np.where(g_prev != 0, -delta / np.where(g_prev != 0, g_prev, 1.0), math.nan)
        steps.append(Step(k, run.x[k], float(run.f[k]), run.grad[k], float(run.grad_norm[k]), lr, state,
                          {name: np.asarray(value, dtype=float) for name, value in values.items()},
                          delta, effective))
    return Replay(run, steps, deviation)


def _replay_method(run: RunResult) -> Replay:
    steps = [Step(0, run.x[0], float(run.f[0]), run.grad[0], float(run.grad_norm[0]))]
    deviation = 0.0
    for k in range(1, len(run.t)):
        x_prev, g_prev, lr = run.x[k - 1], run.grad[k - 1], float(run.lr[k - 1])
        state = run.states[k - 1]
        x_new = x_prev + lr * np.asarray(state["d"], dtype=float)
        deviation = max(deviation, float(np.max(np.abs(x_new - run.x[k]) / np.maximum(1.0, np.abs(run.x[k])))))
        delta = run.x[k] - x_prev
        with np.errstate(all="ignore"):
            effective = np.where(g_prev != 0, -delta / np.where(g_prev != 0, g_prev, 1.0), math.nan)
        steps.append(Step(k, run.x[k], float(run.f[k]), run.grad[k], float(run.grad_norm[k]), lr, state, state,
                          delta, effective))
    return Replay(run, steps, deviation)


class Stepper:
    """A run to step through: the current position k, α, the optimizer and the play state.

    ``settings`` are the remaining keyword arguments of ``gdcli.engine.solution.solve`` (variables, tol, xtol, ftol,
    beta, beta1, beta2, eps, rho, schedule, decay, line_search, c1, shrink). Every iterate is kept (every = 1).
    A line search applies while the optimizer is gd or a method that takes one (not momentum and the adaptive
    rules, not bb or polyak, which choose their own α); bfgs, lbfgs and cg use theirs by default.
    """

    def __init__(self, objective: str | Objective | None = None, *, start=None, optimizer: str = "gd",
                 lr: float | str | None = None, steps: int | None = None, factor: float = DEFAULT_FACTOR,
                 variables=None, **settings):
        self.objective = objective if isinstance(objective, Objective) else Objective.parse(objective, variables)
        self.start = self.objective.read_start(start)
        unit = getattr(make_optimizer(optimizer).rule, "unit_step", False)
        self.lr = solution.read_lr(lr, 1.0 if unit else self.objective.function.lr if self.objective.function
                                   else solution.DEFAULT_LR)
        if not (isinstance(factor, (int, float)) and math.isfinite(factor) and factor > 1):
            raise OptionError(f"--factor must be a finite number greater than 1, not {factor}")
        self.factor = float(factor)
        self.optimizer = optimizer.strip().lower() if isinstance(optimizer, str) else optimizer
        if steps is not None and not (isinstance(steps, int) and 0 <= steps <= MAX_STEPS):
            raise OptionError(f"--steps of gd step must be a whole number between 0 and {MAX_STEPS:,}, not {steps} "
                              f"(every step is kept to step back to; gd solve runs longer budgets)")
        self.budget = steps
        self.settings = settings
        self.line_search = settings.pop("line_search", False) or False
        self.position = 0
        self.playing = False
        self.pace_index = DEFAULT_PACE
        self.notice = ""
        self._compute()

    # the run ---------------------------------------------------------------------------------------------
    def _compute(self) -> None:
        rule = make_optimizer(self.optimizer).rule
        searches = self.optimizer == "gd" or not getattr(rule, "own_step", True)
        self.solution = solution.solve(
            self.objective, start=self.start, optimizer=self.optimizer, lr=self.lr, steps=self.budget, every=1,
            line_search=self.line_search if searches else False, **self.settings,
        )
        self.replay = replay(self.solution.run)
        self.position = min(self.position, self.last)

    @property
    def run(self) -> RunResult:
        return self.solution.run

    @property
    def stability(self):
        return self.solution.stability

    @property
    def steps(self) -> list[Step]:
        return self.replay.steps

    @property
    def last(self) -> int:
        """The index of the last recorded iterate."""
        return len(self.replay.steps) - 1

    @property
    def current(self) -> Step:
        return self.replay.steps[self.position]

    @property
    def at_end(self) -> bool:
        return self.position == self.last

    # moving ----------------------------------------------------------------------------------------------
    def forward(self) -> bool:
        """One step forward; at the end of the run, stop playing and say why the run ended."""
        if self.at_end:
            self.playing = False
            self.notice = f"end of the run: {self.run.message}"
            return False
        self.position += 1
        self.notice = ""
        return True

    def back(self) -> bool:
        """One step back (nothing at the start)."""
        self.notice = "" if self.position else "at the start: x₀ has no update before it"
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def restart(self) -> None:
        """Back to x₀, paused."""
        self.position = 0
        self.playing = False
        self.notice = "restarted at x₀"

    def goto(self, k: int) -> None:
        """Jump to iterate k (clamped to the run)."""
        self.position = max(0, min(int(k), self.last))

    # changing the run ------------------------------------------------------------------------------------
    def _recompute(self, what: str, **changes) -> bool:
        """Apply ``changes`` to α or the optimizer and run again from x₀; keep position k where the run allows.

        A change the engine refuses (α overflowing, say) is undone and the reason becomes the notice.
        """
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            self._compute()
        except GdError as error:
            for name, value in before.items():
                setattr(self, name, value)
            self.notice = f"{what} refused: {error}"
            return False
        self.notice = f"{what}: recomputed from the start; {self.run.message}"
        return True

    def alpha_up(self) -> bool:
        """α ← α·factor, and the run again from the start."""
        return self._recompute(f"α ×{number(self.factor)} → {number(self.lr * self.factor, 6)}", lr=self.lr * self.factor)

    def alpha_down(self) -> bool:
        """α ← α/factor, and the run again from the start."""
        return self._recompute(f"α ÷{number(self.factor)} → {number(self.lr / self.factor, 6)}", lr=self.lr / self.factor)

    def cycle_optimizer(self) -> bool:
        """The next optimizer in gd → momentum → nesterov → adagrad → rmsprop → adam → gd, from the start."""
        following = NAMES[(NAMES.index(self.optimizer) + 1) % len(NAMES)]
        return self._recompute(f"optimizer → {following}", optimizer=following)

    # playing ---------------------------------------------------------------------------------------------
    @property
    def pace(self) -> float:
        """Steps per second while playing."""
        return PACES[self.pace_index]

    @property
    def delay(self) -> float:
        """Seconds between steps while playing."""
        return 1.0 / self.pace

    def toggle_play(self) -> None:
        """Play (from the start again if at the end) or pause."""
        if not self.playing and self.at_end:
            self.position = 0
        self.playing = not self.playing
        self.notice = ""

    def faster(self) -> None:
        self.pace_index = min(self.pace_index + 1, len(PACES) - 1)

    def slower(self) -> None:
        self.pace_index = max(self.pace_index - 1, 0)

    def tick(self) -> None:
        """What happens when the pace's delay passes while playing: one step forward, stopping at the end."""
        if self.playing:
            self.forward()
