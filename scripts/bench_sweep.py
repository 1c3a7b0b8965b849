"""Benchmark: `gd sweep` of 1000 α × 1000 steps against one `gd solve` of 1000 steps, as a user runs them.

Target: the sweep costs at most 1.3× the single solve. Both are whole commands in fresh interpreters (start-up,
parsing and derivatives included), with --tol 0 so that every run takes all 1000 steps, and with the derivation
cache off on both sides: the target is the cost of a thousand runs in one batch against one run, with the same
derivation work (a warm cache serves `solve` without SymPy but not yet `sweep`, which would compare the cache
instead).
"""

from __future__ import annotations

import sys

from bench import command


def cases():
    python = sys.executable
    solve = (python, "-m", "gdcli", "solve", "--steps", "1000", "--tol", "0", "--json")
    sweep = (python, "-m", "gdcli", "sweep", "--num", "1000", "--steps", "1000", "--tol", "0", "--json")
    off = {"GDCLI_CACHE": "off"}
    return [
        ("gd sweep (x-3)^2, 1000 α × 1000 steps vs gd solve of 1000 steps", 1.3,
         command(*sweep, "(x-3)^2", "--start", "0", "--lr-min", "0.01", "--lr-max", "1.5", env=off),
         command(*solve, "(x-3)^2", "--start", "0", "--lr", "0.1", env=off)),
        ("gd sweep himmelblau, 1000 α × 1000 steps vs gd solve of 1000 steps", 1.3,
         command(*sweep, "himmelblau", "--lr-min", "0.001", "--lr-max", "0.03", env=off),
         command(*solve, "himmelblau", "--lr", "0.01", env=off)),
    ]
