"""Many runs advanced together: one NumPy computation over a batch of (start, α) pairs.

Each row of the batch is one run with the engine's semantics (gdcli.engine.run): at every iterate x_t the run is
``diverged`` when f or ∇f is not finite or |f| > DIVERGENCE_FACTOR·max(1, |f(x₀)|) or a coordinate exceeds
DIVERGENCE_FACTOR·max(1, ‖x₀‖∞) (keeping the last finite iterate), ``converged`` when ‖∇f‖ ≤ tol (or the
xtol / ftol tests hold), ``max_steps`` when t reaches the budget; otherwise x_{t+1} comes from the optimizer's
rule with α_t = α₀·schedule(t). The objective and the rule are the vectorised kernels of gdcli.engine.kernels, so the
update is the same SymPy rule the run loop executes.

The tests are made in chunks of CHUNK steps over the recorded history (one large array operation instead of
many small ones); finished rows are then dropped from the computation. A row that runs out of steps is called
``oscillating`` when, over the last OSCILLATION_WINDOW of its budget, its step reversed direction in most
steps and ‖∇f‖ did not even halve (and is above max(tol, STILL_MOVING)): it bounces without converging or
diverging. For such a run, and for any run that ran out of steps reversing direction in most steps of the
window (a zig-zag that shrinks too slowly to converge within the budget), how its swings change is measured by
the factor per step

    r = (max ‖∇f‖ over [T − L, T]  /  max ‖∇f‖ over [T − L − D, T − D])^(1/D)

with T the budget, L the window's length and D = SWING_DISTANCE of the budget (even, so a swing is compared
with a swing in the same direction; the maxima over bands follow the envelope of a swing that also turns, as
momentum's do): r < 1 − SWING_TOLERANCE shrinking (it converges, too slowly for the budget), r > 1 +
SWING_TOLERANCE growing (it diverges, too slowly to pass the bound), otherwise bounded. On a quadratic, gd's
r is |1 − αλ| of the steepest direction: 0.98 for α = 0.99 on (x − 3)², 1.02 for α = 1.01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdcli.engine.checks import tolerance, whole_number
from gdcli.engine.kernels import ArrayObjective, ArrayRule
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import Optimizer
from gdcli.engine.run import DIVERGENCE_FACTOR, MAX_STEPS
from gdcli.engine.schedules import Schedule
from gdcli.errors import OptionError

CHUNK = 128
"""Steps advanced between the vectorised stopping tests."""
OSCILLATION_WINDOW = 0.1
"""Share of the budget, at its end, in which a run that did not stop is checked for oscillation."""
STILL_MOVING = 1e-8
"""A run whose ‖∇f‖ ends at or below this is never called oscillating (it is jittering at a critical point)."""
SWING_DISTANCE = 0.2
"""Share of the budget between the two bands whose largest ‖∇f‖ give an oscillating run's swing factor."""
SWING_TOLERANCE = 1e-3
"""An oscillating run whose swings change by less than this factor per step is called bounded."""
SWINGS = ("shrinking", "bounded", "growing")
MAX_CELLS = 1 << 20
"""Most numbers in one of a chunk's step × coordinate × row arrays (8 MB of floats). A batch of more rows is
advanced block of rows by block, so its memory grows with what is kept (one outcome per row), not with
rows × CHUNK: a million-run sweep needs tens of megabytes, not ten gigabytes."""


@dataclass
class Batch:
    """The outcome of every row: status, steps (t of the last finite iterate), final x, f and ‖∇f‖, and for a
    row that ran out of steps zig-zagging the factor r per step by which its swings change (nan for the others)."""

    status: np.ndarray
    steps: np.ndarray
    final_x: np.ndarray
    final_f: np.ndarray
    final_grad_norm: np.ndarray
    swing_factor: np.ndarray

    @property
    def swing(self) -> np.ndarray:
        """shrinking, bounded or growing for each zig-zagging row (None for the others), from swing_factor."""
        r = self.swing_factor
        return np.where(np.isnan(r), None, np.where(r < 1 - SWING_TOLERANCE, "shrinking",
                                                    np.where(r > 1 + SWING_TOLERANCE, "growing", "bounded")))


def advance(objective: Objective, optimizer: Optimizer, starts: np.ndarray, lr: np.ndarray, steps: int,
            tol: float = 1e-8, xtol: float = 0.0, ftol: float = 0.0, schedule: Schedule = Schedule()) -> Batch:
    """Run every row of ``starts`` (M × n) with its own α₀ = ``lr`` (M values, or one) for at most ``steps``."""
    steps = whole_number(steps, "--steps", 0, MAX_STEPS)
    tol, xtol, ftol = (tolerance(v, name) for v, name in ((tol, "--tol"), (xtol, "--xtol"), (ftol, "--ftol")))
    x = np.array(starts, dtype=float)
    rows, n = x.shape
    lr = np.broadcast_to(np.asarray(lr, dtype=float).reshape(-1), (rows,)).copy()
    if not np.all(np.isfinite(lr) & (lr > 0)):
        raise OptionError("every learning rate must be a positive finite number")
    fg, rule = ArrayObjective(objective), ArrayRule(optimizer.rule)
    floor = schedule.over(0.0, steps + 1)  # every schedule is affine in α₀: α_t = floor_t + α₀·slope_t
    factor = (floor, schedule.over(1.0, steps + 1) - floor)
    block = max(1, MAX_CELLS // (CHUNK * n))
    parts = [_advance_rows(fg, rule, optimizer, x[i:i + block], lr[i:i + block], steps, tol, xtol, ftol, factor)
             for i in range(0, rows, block)]
    return Batch(*(np.concatenate([getattr(part, name) for part in parts]) for name in Batch.__dataclass_fields__))


def _advance_rows(fg: ArrayObjective, rule: ArrayRule, optimizer: Optimizer, x: np.ndarray, lr: np.ndarray,
                  steps: int, tol: float, xtol: float, ftol: float,
                  factor: tuple[np.ndarray, np.ndarray]) -> Batch:
    """advance for one block of rows, with the kernels and the schedule's α_t = floor_t + α₀·slope_t already
    built (the floor is cosine's α_min share, zero for the other schedules)."""
    rows, n = x.shape
    f0, _ = fg(x.T)
    fbound = DIVERGENCE_FACTOR * np.maximum(1.0, np.abs(f0))
    xbound = DIVERGENCE_FACTOR * np.maximum(1.0, np.max(np.abs(x), axis=1))
    window = steps - max(2, int(np.ceil(OSCILLATION_WINDOW * steps)))
    distance = 2 * max(1, int(np.ceil(SWING_DISTANCE * steps / 2)))
    bands = ((window - distance, steps - distance), (window, steps))  # the swing factor's two bands of t
    # The kernels' raw functions are called inside one errstate: the wrappers' per-call conversions cost more
    # than the arithmetic itself for a thousand runs, and this loop runs once per step.
    values_of, update = fg.raw, rule.raw
    hyper = {name: optimizer.hyper.get(name, value) for name, value in optimizer.rule.defaults.items()}

    status = np.full(rows, "max_steps", dtype=object)
    final_steps = np.zeros(rows, dtype=int)
    final_x, final_f, final_gn = x.copy(), f0.copy(), np.zeros(rows)
    flips, gn_window = np.zeros(rows, dtype=int), np.full(rows, np.nan)
    band_max = np.zeros((2, rows))
    active = np.arange(rows)
    x = np.ascontiguousarray(x.T)  # n × M: one contiguous row per coordinate
    state = {name: np.zeros_like(x) for name in rule.state_names}
    previous = {"x": x.copy(), "f": f0.copy(), "dx": np.zeros_like(x), "gn": np.zeros(rows)}
    floor, slope = factor
    t = 0
    while active.size:
        size = min(CHUNK, steps - t + 1)
        xs, fs, gs = np.empty((size, n, active.size)), np.empty((size, active.size)), np.empty((size, n, active.size))
        alpha = lr[active]
        with np.errstate(all="ignore"):
            for i in range(size):
                f, grads = values_of(*x)
                xs[i], fs[i] = x, f
                for j in range(n):
                    gs[i, j] = grads[j]
                if t + i < steps:
                    new = update(x, gs[i], floor[t + i] + alpha * slope[t + i], t + i + 1, **state, **hyper)
                    x = new["x"]
                    state = {name: new[name] for name in state}
        finished = _tests(xs, fs, gs, t, steps, window, fbound[active], xbound[active], tol, xtol, ftol, previous,
                          flips, gn_window, active, status, final_steps, final_x, final_f, final_gn, bands, band_max)
        t += size
        keep = ~finished
        active = active[keep]
        x = x[:, keep]
        state = {name: value[:, keep] for name, value in state.items()}
        previous = {name: value[..., keep] for name, value in previous.items()}
    zigzag = (flips * 2 > steps - window - 1) & (final_steps == steps) & (final_gn > max(tol, STILL_MOVING))
    with np.errstate(all="ignore"):
        swing = np.where(zigzag, (band_max[1] / band_max[0]) ** (1.0 / distance), np.nan)
    return Batch(status, final_steps, final_x, final_f, final_gn, swing.astype(float))


def _tests(xs, fs, gs, t0, steps, window, fbound, xbound, tol, xtol, ftol, previous, flips, gn_window, active,
           status, final_steps, final_x, final_f, final_gn, bands, band_max) -> np.ndarray:
    """Find each active row's first stopping event in this chunk (arrays are step × coordinate × row), record
    it, and return the mask of finished rows; keep each row's largest ‖∇f‖ in the swing factor's bands."""
    size, n, count = xs.shape
    t = t0 + np.arange(size)[:, None]
    in_window = t0 + size - 1 > window + 1
    with np.errstate(all="ignore"):
        gn = np.sqrt(sum(gs[:, j] * gs[:, j] for j in range(n)))
        ok = (np.abs(fs) <= fbound) & (gn < np.inf) & (np.max(np.abs(xs), axis=1) <= xbound)
        stop = gn <= tol if tol > 0 else np.zeros_like(ok)
        if xtol > 0 or ftol > 0 or in_window:
            dx = xs - np.concatenate([previous["x"][None], xs[:-1]])
        if xtol > 0:
            stop |= (t > 0) & (np.sqrt(sum(dx[:, j] * dx[:, j] for j in range(n))) <= xtol)
        if ftol > 0:
            stop |= (t > 0) & (np.abs(fs - np.concatenate([previous["f"][None], fs[:-1]])) <= ftol)
        event = ~ok | stop | (t >= steps)
        first = np.where(event.any(axis=0), event.argmax(axis=0), -1)
        if in_window:
            # oscillation: the step x_{t+1} − x_t reverses direction, counted over the window at the budget's end
            turned = sum(dx[:, j] * np.concatenate([previous["dx"][None, j], dx[:-1, j]]) for j in range(n)) < 0
            counted = (t > window + 1) & (np.arange(size)[:, None] <= np.where(first >= 0, first, size - 1))
            flips[active] += np.sum(turned & counted, axis=0)
            previous["dx"] = dx[-1]
    if 0 <= window - t0 < size:
        gn_window[active] = gn[window - t0]
    with np.errstate(all="ignore"):
        for band, (low, high) in enumerate(bands):
            inside = (t >= low) & (t <= high)
            if np.any(inside):
                band_max[band, active] = np.maximum(band_max[band, active], np.max(np.where(inside, gn, 0.0), axis=0))
    before = {name: previous[name] for name in ("x", "f", "gn")}
    previous.update(x=xs[-1], f=fs[-1], gn=gn[-1])
    done = first >= 0
    rows, k = np.flatnonzero(done), first[done]
    which = active[done]
    diverged = ~ok[k, rows]
    # a diverged run keeps its last finite iterate: the one before the event (from the last chunk if k = 0)
    back = np.where(diverged, k - 1, k)
    here, at = back >= 0, np.maximum(back, 0)
    final_steps[which] = t0 + back
    final_x[which] = np.where(here[:, None], xs[at, :, rows], before["x"][:, rows].T)
    final_f[which] = np.where(here, fs[at, rows], before["f"][rows])
    final_gn[which] = np.where(here, gn[at, rows], before["gn"][rows])
    kinds = np.where(diverged, "diverged", np.where(stop[k, rows], "converged", "max_steps")).astype(object)
    bouncing = ((kinds == "max_steps") & (flips[which] * 2 > steps - window - 1)
                & (gn[k, rows] >= 0.5 * gn_window[which]) & (gn[k, rows] > max(tol, STILL_MOVING)))
    kinds[bouncing] = "oscillating"
    status[which] = kinds
    return done
