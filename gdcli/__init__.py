"""gd: a command-line tool and library that teaches gradient descent.

The public API is imported lazily, so ``gd --help`` starts without loading SymPy or NumPy::

    from gdcli import solve, Objective, make_optimizer, run
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

__all__ = ["Basins", "CATALOG", "Comparison", "Fit", "GdError", "LineSearch", "Objective", "Optimizer", "RULES",
           "RunResult", "Solution", "Stability", "Sweep", "basins", "compare", "fit_csv", "make_optimizer",
           "make_schedule", "parse_expression", "run", "solve", "sweep"]
"""The public API, defined in gdcli.api (tests check that the two lists agree)."""


def __getattr__(name: str):
    if name in __all__:
        return getattr(import_module("gdcli.api"), name)
    raise AttributeError(f"module 'gdcli' has no attribute {name!r}")
