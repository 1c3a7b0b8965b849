"""Benchmark: a learning-rate sweep of 1000 α × 1000 steps against one `gd solve` of 1000 steps.

Target: the sweep costs at most 1.3× the single solve. Both start from the objective's text (parsing and
derivatives included); the solve uses tol=0 so it runs all 1000 steps, and so does the sweep's "tol=0" case.
"""

from __future__ import annotations

from gdcli.api import solve
from gdcli.sweep import sweep


def cases():
    def reference(text, start, lr):
        return lambda: solve(text, start=start, lr=lr, steps=1000, tol=0)

    def candidate(text, start, low, high, tol):
        return lambda: sweep(text, start=start, lr_min=low, lr_max=high, num=1000, steps=1000, tol=tol)

    return [
        ("sweep (x-3)^2, 1000 α × 1000 steps, tol=1e-8", 1.3, candidate("(x-3)^2", "0", 0.01, 1.5, 1e-8),
         reference("(x-3)^2", "0", 0.1)),
        ("sweep (x-3)^2, 1000 α × 1000 steps, tol=0", 1.3, candidate("(x-3)^2", "0", 0.01, 1.5, 0.0),
         reference("(x-3)^2", "0", 0.1)),
        ("sweep himmelblau, 1000 α × 1000 steps, tol=0", 1.3, candidate("himmelblau", "0,0", 0.001, 0.03, 0.0),
         reference("himmelblau", "0,0", 0.01)),
    ]


def _time(fn, time):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    import time

    for name, target, cand, ref in cases():
        best = {}
        for label, fn in (("candidate", cand), ("reference", ref)):
            fn()
            best[label] = min(_time(fn, time) for _ in range(5))
        print(f"{name}: {best['candidate'] / best['reference']:.2f}× (target {target}×; "
              f"{1000 * best['candidate']:.1f} ms vs {1000 * best['reference']:.1f} ms)")

