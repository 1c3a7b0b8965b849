"""gd: a command-line tool and library that teaches gradient descent.

The public API is imported lazily, so ``gd --help`` starts without loading SymPy or NumPy::

    from gdcli import solve, Objective, make_optimizer, run
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "solve": "gdcli.api",
    "Solution": "gdcli.api",
    "Objective": "gdcli.objective",
    "make_optimizer": "gdcli.optimizers",
    "Optimizer": "gdcli.optimizers",
    "RULES": "gdcli.optimizers",
    "run": "gdcli.run",
    "RunResult": "gdcli.run",
    "LineSearch": "gdcli.run",
    "make_schedule": "gdcli.schedules",
    "Stability": "gdcli.stability",
    "parse_expression": "gdcli.expression",
    "GdError": "gdcli.errors",
    "CATALOG": "gdcli.functions",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'gdcli' has no attribute {name!r}")
