"""Vectorised NumPy kernels generated from the same SymPy expressions as the run loop.

- ``ArrayObjective(objective)``: f and ∇f evaluated elementwise over arrays of points (sweeps, basins, maps).
- ``ArrayHessian(objective)``: ∇²f over arrays of points, as a stack of symmetric matrices (curvature along a
  path).
- ``ArrayRule(rule)``: one optimizer update over arrays of coordinates, returning every quantity the rule
  names (state such as b, s, m, v and temporaries such as m̂, v̂), so views can show the optimizer's state.
- ``fraction_step(rule)``: the same update of one coordinate in Fractions, as gdcli.engine.exact evaluates
  the rule (exact iterates without SymPy once its source is in the derivation cache).

Both are elementwise and broadcast: a learning rate of shape (N, 1) against points of shape (N, n) advances
N runs at once. Floating-point warnings are silenced inside; callers look for non-finite values instead.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Callable, Mapping

import numpy as np

from gdcli.engine import cache, exact
from gdcli.engine.compiled import compile_source
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import ELEMENTWISE, HYPER_NAMES, RULES, Rule, symbols
from gdcli.errors import OptionError


def _array_lines(objective: Objective, name: str, targets: list[str], exprs, prefix: str = "_c") -> list[str]:
    """Assignments of ``exprs()`` (over the objective's variables) to ``targets`` as NumPy source, kept in the
    objective's derivations under ``name``."""
    def make() -> list[str]:
        from gdcli.engine import codegen

        return codegen.assignments(targets, [objective._internal(e) for e in exprs()], codegen.ArrayPrinter(),
                                   "    ", prefix)

    return objective.derived.get(name, make)


class ArrayObjective:
    """f and ∇f over arrays: ``f, grads = array_objective(xs)`` where ``xs`` is a sequence of n arrays (one per
    variable, any common shape) and ``grads`` is a list of n arrays of that shape."""

    def __init__(self, objective: Objective):
        self.objective = objective
        args = ", ".join(f"_x{i}" for i in range(objective.dimension))
        n = objective.dimension
        lines = _array_lines(objective, "array value_and_gradient", ["_f"] + [f"_g{i}" for i in range(n)],
                             lambda: [objective.expr, *objective.gradient])
        source = "\n".join([f"def _fg({args}):", *lines,
                            f"    return _f, [{', '.join(f'_g{i}' for i in range(n))}]", ""])
        self.raw = compile_source(source, "_fg", {"numpy": np})
        """The generated function itself (no conversion, broadcasting or errstate), for hot loops."""

    def __call__(self, xs) -> tuple[np.ndarray, list[np.ndarray]]:
        xs = [np.asarray(v, dtype=float) for v in xs]
        shape = np.broadcast_shapes(*(v.shape for v in xs))
        with np.errstate(all="ignore"):
            f, grads = self.raw(*xs)
        return (np.broadcast_to(np.asarray(f, dtype=float), shape),
                [np.broadcast_to(np.asarray(g, dtype=float), shape) for g in grads])


class ArrayHessian:
    """∇²f over arrays: ``array_hessian(xs)`` for a sequence of n arrays of one shape S returns an array of shape
    S + (n, n), symmetric in its last two axes; entries are nan where ∇²f is undefined."""

    def __init__(self, objective: Objective):
        self.objective = objective
        self.keys = objective.hessian_pattern
        args = ", ".join(f"_x{i}" for i in range(objective.dimension))
        lines = _array_lines(objective, "array hessian", [f"_h{k}" for k in range(len(self.keys))],
                             lambda: [objective.hessian_entries[k] for k in self.keys], "_d")
        source = "\n".join([f"def _h({args}):", *lines,
                            "    return [" + "".join(f"_h{k}, " for k in range(len(self.keys))) + "]", ""])
        self.raw = compile_source(source, "_h", {"numpy": np})

    def __call__(self, xs) -> np.ndarray:
        xs = [np.asarray(v, dtype=float) for v in xs]
        shape = np.broadcast_shapes(*(v.shape for v in xs))
        n = self.objective.dimension
        out = np.zeros(shape + (n, n))
        with np.errstate(all="ignore"):
            values = self.raw(*xs)
        for (i, j), value in zip(self.keys, values):
            out[..., i, j] = out[..., j, i] = np.broadcast_to(np.asarray(value, dtype=float), shape)
        return out


def _rule_source(rule: Rule, fractions: bool = False) -> str:
    """Source of ``_step(x, g, lr, step, <state>, <hyper-parameters>)``, returning every assigned quantity:
    NumPy over arrays, or with ``fractions`` Python over Fractions (gdcli.engine.codegen.fraction_source)."""
    import sympy as sp

    from gdcli.engine import codegen

    write = codegen.fraction_source if fractions else codegen.ArrayPrinter().doprint
    y = symbols()
    names = {y.x: sp.Symbol("x"), y.g: sp.Symbol("g"), y.alpha: sp.Symbol("lr"), y.t: sp.Symbol("step")}
    names.update({getattr(y, name): sp.Symbol(name) for name in HYPER_NAMES})
    targets = [target.name for target, _ in rule.steps]
    lines = [f"    {target.name} = {write(expr.xreplace(names))}" for target, expr in rule.steps]
    parameters = ["x", "g", "lr", "step", *rule.state_names, *rule.defaults]
    return "\n".join([
        f"def _step({', '.join(parameters)}):",
        *lines,
        "    return {" + ", ".join(f"'{t}': {t}" for t in targets) + "}",
        "",
    ])


def fraction_step(rule: Rule) -> Callable[..., dict[str, Fraction]]:
    """One update of ``rule`` on one coordinate in Fractions: ``step(x=, g=, lr=, step=t, <state>=, <hyper>=)``
    returns every quantity the rule assigns, by name, in order, each the value gdcli.engine.exact.evaluate
    gives its expression (the same sums, products and powers under the same digit budget)."""
    return _step_function(rule, True)


@lru_cache(maxsize=64)
def _step_function(rule: Rule, fractions: bool) -> Callable:
    """The compiled ``_step`` of _rule_source, made once per rule; a built-in rule's source is kept in the
    derivation cache, so it needs no SymPy a second time."""
    make = lambda: _rule_source(rule, fractions)
    if RULES.get(rule.name) is rule:
        source = cache.Entry({"rule": rule.name}).get("fraction step" if fractions else "array step", make)
    else:
        source = make()
    extra = {"_F": Fraction, "_checked": exact.checked, "_power": exact.power} if fractions else {"numpy": np}
    return compile_source(source, "_step", extra)


class ArrayRule:
    """One update of ``rule`` over arrays.

    ``x_new, state, values = kernel(x, g, state, lr, step, hyper)``: ``state`` maps each state name (``b``,
    ``s``, ``m``, ``v``) to an array (missing ones start at 0); ``step`` is t, 1 for the first update;
    ``values`` holds every assigned quantity by name, temporaries included (``m_hat``, ``v_hat``, ``x``).
    """

    def __init__(self, rule: Rule):
        if not isinstance(rule, Rule):
            raise OptionError(f"{rule.name} is not an elementwise rule, and this runs only those "
                              f"({', '.join(ELEMENTWISE)})")
        self.rule = rule
        self.raw = _step_function(rule, False)
        """The generated function itself, called with keyword state and hyper-parameters, for hot loops."""

    @property
    def state_names(self) -> tuple[str, ...]:
        return self.rule.state_names

    def __call__(self, x, g, state: Mapping[str, np.ndarray] | None, lr, step: int,
                 hyper: Mapping[str, float]) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
        x = np.asarray(x, dtype=float)
        state = dict(state or {})
        current = {name: np.asarray(state.get(name, np.zeros_like(x)), dtype=float) for name in self.state_names}
        with np.errstate(all="ignore"):
            values = self.raw(x, np.asarray(g, dtype=float), lr, step, **current,
                                    **{k: hyper.get(k, v) for k, v in self.rule.defaults.items()})
        return values["x"], {name: values[name] for name in self.state_names}, values
