"""Benchmark of `gd fit`: 100 full-batch epochs of linear least squares on 100,000 rows × 10 features.

The reference is a hand-written NumPy loop doing the same arithmetic per epoch: the residual r = Xw + b − y,
the loss mean(r²), the gradient (2/n)(Xᵀr, Σr), its norm, and the step θ ← θ − αg. The candidate is
``gdcli.fit.train`` (the optimizer rule through ArrayRule, per-epoch recording, divergence checks). Target:
at most 1.5× the reference. Run ``python scripts/bench_fit.py`` to print the ratio.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gdcli.engine.optimizers import make_optimizer  # noqa: E402
from gdcli.engine.schedules import make_schedule  # noqa: E402
from gdcli.fit.data import Dataset  # noqa: E402
from gdcli.fit.train import prepare, train  # noqa: E402

ROWS, FEATURES, EPOCHS, LR = 100_000, 10, 100, 0.05


def _data() -> Dataset:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(ROWS, FEATURES))
    y = X @ rng.normal(size=FEATURES) + 1.0 + rng.normal(scale=0.1, size=ROWS)
    return Dataset("bench.csv", tuple(f"x{j}" for j in range(FEATURES)), "y", X, y, np.arange(2, ROWS + 2))


def cases():
    data = _data()
    problem = prepare(data)
    optimizer, schedule = make_optimizer("gd"), make_schedule("constant")
    X, y = data.X, data.y

    def candidate():
        return train(problem, optimizer, LR, EPOCHS, 0, 0, True, schedule)

    def reference():
        n = X.shape[0]
        w, b = np.zeros(FEATURES), 0.0
        losses, norms = np.empty(EPOCHS + 1), np.empty(EPOCHS + 1)
        for epoch in range(EPOCHS + 1):
            r = X @ w + b - y
            losses[epoch] = r @ r / n
            gw, gb = 2.0 / n * (X.T @ r), 2.0 / n * r.sum()
            norms[epoch] = math.sqrt(gw @ gw + gb * gb)
            if epoch < EPOCHS:
                w, b = w - LR * gw, b - LR * gb
        return w, b

    return [("fit: 100 full-batch epochs, 100k rows × 10 features", 1.5, candidate, reference)]


def ratio(candidate, reference, runs: int = 6) -> float:
    """Best time of the candidate over best time of the reference, runs interleaved so that load from other
    processes falls on both alike."""
    best = [math.inf, math.inf]
    for _ in range(runs):
        for index, function in enumerate((candidate, reference)):
            start = time.perf_counter()
            function()
            best[index] = min(best[index], time.perf_counter() - start)
    return best[0] / best[1]


if __name__ == "__main__":
    for name, target, candidate, reference in cases():
        print(f"{name}: ratio {ratio(candidate, reference):.2f} (target ≤ {target})")
