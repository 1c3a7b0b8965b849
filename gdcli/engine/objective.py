"""An objective f: ℝⁿ → ℝ with its gradient ∇f and Hessian ∇²f, derived symbolically and compiled.

The gradient is derived term by term (each term of a sum is differentiated only in the variables it holds)
and the Hessian from the gradient's components in the same way, so a chained objective in 100 variables
costs a few hundred derivatives rather than 10 000.
"""

from __future__ import annotations

import math
from functools import cached_property, lru_cache
from typing import Sequence

import numpy as np
import sympy as sp

from gdcli.engine import codegen
from gdcli.engine.expression import parse_expression, parse_vector
from gdcli.engine.functions import DEFAULT, TestFunction, lookup
from gdcli.errors import ObjectiveError, OptionError

DEFAULT_START = 1.0
"""Start used for every coordinate of a typed objective when --start is not given."""
NONSMOOTH = (sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside, sp.Piecewise, sp.DiracDelta, sp.floor, sp.ceiling)
"""Functions with a kink or a jump: an objective holding one (or whose gradient does) is not smooth."""


@lru_cache(maxsize=None)
def placeholders(count: int) -> tuple[sp.Symbol, ...]:
    """``count`` placeholder variables for the templates of Objective._partials: real, like every parsed
    variable, and named _p0, _p1, … (a user's variable cannot start with an underscore)."""
    return tuple(sp.Symbol(f"_p{i}", real=True) for i in range(count))


class Objective:
    """f with its variables, symbolic derivatives and compiled numeric evaluators.

    ``expr`` is f as a SymPy expression in ``symbols`` (the user's variable names, real-valued).
    ``function`` is the built-in test function it came from, if any.
    """

    def __init__(self, expr: sp.Expr, symbols: Sequence[sp.Symbol], text: str | None = None,
                 function: TestFunction | None = None):
        self.expr = expr
        self.symbols = list(symbols)
        self.text = text if text is not None else sp.sstr(expr)
        self.function = function
        self.internal = [sp.Symbol(f"_x{i}", real=True) for i in range(len(self.symbols))]
        """Names used in generated code, so no user variable can collide with the code's own locals."""

    # construction -------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str | None = None, variables: Sequence[str] | None = None) -> "Objective":
        """Read an objective: the name of a built-in test function, or an expression; None is the default bowl."""
        function = DEFAULT if text is None else lookup(text)
        source = function.expression if function else text
        expr, symbols = parse_expression(source, list(variables) if variables is not None else None)
        if function and variables is None and len(symbols) != len(function.start):
            raise ObjectiveError(f"built-in '{function.name}' has an unexpected number of variables")
        return cls(expr, symbols, text=function.name if function else text.strip(), function=function)

    # names and sizes ----------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [s.name for s in self.symbols]

    @property
    def dimension(self) -> int:
        return len(self.symbols)

    def default_start(self) -> np.ndarray:
        """The built-in function's standard start, else DEFAULT_START in every coordinate."""
        if self.function is not None:
            return np.array(self.function.start, dtype=float)
        return np.full(self.dimension, DEFAULT_START)

    def read_start(self, text: str | Sequence[float] | None) -> np.ndarray:
        """A start point from text (``3,3``, ``[1/2, -1]``) or numbers, checked for length and finiteness."""
        if text is None:
            return self.default_start()
        values = parse_vector(text, "--start") if isinstance(text, str) else list(text)
        try:
            point = np.array([float(v) for v in values], dtype=float)
        except (TypeError, ValueError):
            raise OptionError("--start must be real numbers") from None
        except OverflowError:
            raise OptionError("--start must be finite numbers within ±1.8e308") from None
        if point.shape != (self.dimension,):
            raise OptionError(
                f"--start has {point.size} value{'s' if point.size != 1 else ''} but the objective has "
                f"{self.dimension} variable{'s' if self.dimension != 1 else ''} ({', '.join(self.names)})"
            )
        if not np.all(np.isfinite(point)):
            raise OptionError("--start must be finite numbers")
        return point

    # symbolic derivatives -----------------------------------------------------------------------------
    @cached_property
    def _index(self) -> dict[sp.Symbol, int]:
        return {s: i for i, s in enumerate(self.symbols)}

    def _partials(self, expr: sp.Expr, lowest: int = 0) -> dict[int, sp.Expr]:
        """∂expr/∂xⱼ for every variable xⱼ (j ≥ lowest) that expr contains, summed term by term.

        Each term of the sum is differentiated only in the variables it holds, and terms of the same shape
        are differentiated once: a term is written over placeholder variables (100·(x₂ − x₁²)² and
        100·(x₃ − x₂²)² both become 100·(p₁ − p₀²)²), its derivatives are cached under that template and
        renamed back. A chained objective in 100 variables has two shapes of term, not two hundred.
        """
        parts: dict[int, list[sp.Expr]] = {}
        for term in sp.Add.make_args(expr):
            symbols = sorted((s for s in term.free_symbols & self._index.keys() if self._index[s] >= lowest),
                             key=self._index.__getitem__)
            if not symbols:
                continue
            names = placeholders(len(symbols))
            template = term.xreplace(dict(zip(symbols, names)))
            derivatives = self._templates.get(template)
            if derivatives is None:
                derivatives = self._templates[template] = [template.diff(p) for p in names]
            back = dict(zip(names, symbols))
            for symbol, derivative in zip(symbols, derivatives):
                parts.setdefault(self._index[symbol], []).append(derivative.xreplace(back))
        return {j: codegen.without_distributions(sp.Add(*p)) for j, p in parts.items()}

    @cached_property
    def _templates(self) -> dict[sp.Expr, list[sp.Expr]]:
        """Derivatives of each shape of term met so far, over the placeholder variables (see _partials)."""
        return {}

    @cached_property
    def gradient(self) -> list[sp.Expr]:
        """∇f = (∂f/∂x₁, …, ∂f/∂xₙ), derived term by term (see _partials)."""
        partials = self._partials(self.expr)
        gradient = [partials.get(i, sp.S.Zero) for i in range(self.dimension)]
        codegen.check_evaluable(gradient, "∇f")
        return gradient

    @cached_property
    def hessian_entries(self) -> dict[tuple[int, int], sp.Expr]:
        """The non-zero entries of ∇²f on and above the diagonal, H[i, j] = ∂(∂f/∂xᵢ)/∂xⱼ for j ≥ i, each
        gradient component differentiated only in the variables it holds."""
        entries: dict[tuple[int, int], sp.Expr] = {}
        for i, component in enumerate(self.gradient):
            for j, entry in self._partials(component, lowest=i).items():
                if entry != 0:
                    entries[i, j] = entry
        codegen.check_evaluable(entries.values(), "the Hessian ∇²f")
        return entries

    @property
    def hessian(self) -> sp.Matrix:
        """∇²f as a dense symmetric SymPy matrix."""
        n = self.dimension
        matrix = sp.zeros(n, n)
        for (i, j), entry in self.hessian_entries.items():
            matrix[i, j] = matrix[j, i] = entry
        return matrix

    @cached_property
    def is_smooth(self) -> bool:
        """False when f or ∇f holds a kink: Abs, Max, Min, or a sign, Heaviside or Piecewise in a derivative.

        The Hessian of such an f is taken away from its kinks (gdcli.engine.codegen.without_distributions), so
        it says nothing about the kinks themselves: |x| has ∇²f = 0 wherever it is defined.
        """
        return not any(e.has(*NONSMOOTH) for e in (self.expr, *self.gradient))

    @cached_property
    def is_quadratic(self) -> bool:
        """True when f is smooth and ∇²f is constant (f is a polynomial of degree at most two)."""
        return self.is_smooth and all(not entry.free_symbols for entry in self.hessian_entries.values())

    # compiled numerics --------------------------------------------------------------------------------
    def _internal(self, expr: sp.Expr) -> sp.Expr:
        return expr.xreplace(dict(zip(self.symbols, self.internal)))

    @cached_property
    def _value_and_gradient_lines(self) -> list[str]:
        targets = ["_f"] + [f"_g{i}" for i in range(self.dimension)]
        exprs = [self._internal(e) for e in [self.expr, *self.gradient]]
        return codegen.assignments(targets, exprs, codegen.FloatPrinter(), "")

    def value_and_gradient_lines(self, indent: str) -> list[str]:
        """Source lines setting ``_f`` and ``_g0 … _g{n-1}`` from the locals ``_x0 …``, sharing subexpressions."""
        return [indent + line for line in self._value_and_gradient_lines]

    @cached_property
    def value_and_gradient_function(self):
        """Compiled (f, ∇f) over floats: ``f, (g0, g1, …) = function(x0, x1, …)``."""
        args = ", ".join(s.name for s in self.internal)
        grad_targets = ", ".join(f"_g{i}" for i in range(self.dimension))
        source = "\n".join([f"def _fg({args}):", *self.value_and_gradient_lines("    "),
                            f"    return _f, ({grad_targets},)", ""])
        return codegen.compile_source(source, "_fg")

    @cached_property
    def value_function(self):
        """Compiled f alone over floats (for line searches, which try several points per gradient); built only
        when asked for."""
        args = ", ".join(s.name for s in self.internal)
        lines = codegen.assignments(["_f"], [self._internal(self.expr)], codegen.FloatPrinter(), "    ")
        return codegen.compile_source("\n".join([f"def _f({args}):", *lines, "    return _f", ""]), "_f")

    @cached_property
    def _hessian_evaluator(self):
        """Compiled non-zero Hessian entries over floats, with their (i, j) keys; built only when asked for."""
        args = ", ".join(s.name for s in self.internal)
        keys = sorted(self.hessian_entries)
        exprs = [self._internal(self.hessian_entries[k]) for k in keys]
        source = "\n".join(
            [f"def _h({args}):",
             *codegen.assignments([f"_h{k}" for k in range(len(keys))], exprs, codegen.FloatPrinter(), "    ", "_d"),
             "    return (" + "".join(f"_h{k}, " for k in range(len(keys))) + ")", ""]
        )
        return codegen.compile_source(source, "_h"), keys

    def value(self, x: Sequence[float]) -> float:
        """f(x), or nan where f is undefined."""
        try:
            result = self.value_function(*map(float, x))
            return float(result) if isinstance(result, (int, float)) else math.nan
        except (ArithmeticError, ValueError, TypeError):
            return math.nan

    def value_and_gradient(self, x: Sequence[float]) -> tuple[float, np.ndarray]:
        """(f(x), ∇f(x)), with nan where undefined."""
        try:
            f, g = self.value_and_gradient_function(*map(float, x))
            return float(f), np.array(g, dtype=float)
        except (ArithmeticError, ValueError, TypeError):
            return math.nan, np.full(self.dimension, math.nan)

    def hessian_at(self, x: Sequence[float]) -> np.ndarray:
        """∇²f(x) as a dense symmetric array (nan where undefined)."""
        h, keys = self._hessian_evaluator
        n = self.dimension
        matrix = np.zeros((n, n))
        try:
            values = h(*map(float, x))
        except (ArithmeticError, ValueError, TypeError):
            return np.full((n, n), math.nan)
        for (i, j), value in zip(keys, values):
            matrix[i, j] = matrix[j, i] = float(value) if isinstance(value, (int, float)) else math.nan
        return matrix

    def check_defined_at(self, x: Sequence[float]) -> float:
        """f(x), or a user-facing error when f, ∇f or ‖∇f‖ cannot be computed at x: undefined there (log(x) at −1,
        1/x at 0, the kink of |log x| at 1) or too large for a float ((x + 1)¹⁰⁰⁰ at 1)."""
        where = ", ".join(f"{name} = {value:g}" for name, value in zip(self.names, x))
        point = [float(v) for v in x]
        for what, function in (("f", self.value_function), ("the gradient of f", self.value_and_gradient_function)):
            try:
                result = function(*point)
            except OverflowError:
                raise OptionError(f"{what} overflows at the start ({where}): its value is too large for a float; "
                                  f"start nearer the minimum") from None
            except (ArithmeticError, ValueError, TypeError):
                raise OptionError(f"{what} is undefined at the start ({where})") from None
            values = [result] if what == "f" else result[1]
            if not all(isinstance(v, (int, float)) for v in values):
                raise OptionError(f"{what} is undefined at the start ({where}): its value there is not real")
            if not all(math.isfinite(v) for v in values):
                raise OptionError(f"{what} overflows at the start ({where}): its value is too large for a float; "
                                  f"start nearer the minimum")
        gradient = result[1]
        if not math.isfinite(sum(g * g for g in gradient)):  # as the run loop computes ‖∇f‖²
            raise OptionError(f"‖∇f‖ overflows at the start ({where}): the gradient is too large for a float; "
                              f"start nearer the minimum")
        return float(result[0])
