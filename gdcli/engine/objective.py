"""An objective f: ℝⁿ → ℝ with its gradient ∇f and Hessian ∇²f, derived symbolically and compiled.

The gradient is derived term by term (each term of a sum is differentiated only in the variables it holds)
and the Hessian from the gradient's components in the same way, so a chained objective in 100 variables
costs a few hundred derivatives rather than 10 000.

What is derived from a parsed text — the printed formulas, the generated float code, whether f is quadratic,
the Hessian's sparsity pattern — is kept in the derivation cache (gdcli.engine.cache), keyed by the canonical
validated text and the variables. An objective found there needs no SymPy: ``expr``, ``symbols``, ``gradient``
and ``hessian_entries`` are built (importing SymPy) only when something asks for them.
"""

from __future__ import annotations

import math
from functools import cached_property, lru_cache
from typing import Sequence

import numpy as np

from gdcli.engine import cache
from gdcli.engine.compiled import compile_source
from gdcli.engine.expression import LIMITS, build, check_expression, read_vector
from gdcli.engine.functions import DEFAULT, TestFunction, lookup, refuse_unknown_name
from gdcli.engine.notation import number
from gdcli.errors import ObjectiveError, OptionError

DEFAULT_START = 1.0
"""Start used for every coordinate of a typed objective when --start is not given."""
SHOWN_DIMENSION = 6
"""Most variables for which tables write ∇f out in full."""
NONSMOOTH = ("Abs", "Max", "Min", "sign", "Heaviside", "Piecewise", "DiracDelta", "floor", "ceiling")
"""SymPy's functions with a kink or a jump: an objective holding one (or whose gradient does) is not smooth."""


@lru_cache(maxsize=None)
def placeholders(count: int) -> tuple:
    """``count`` placeholder variables for the templates of Objective._partials: real, like every parsed
    variable, and named _p0, _p1, … (a user's variable cannot start with an underscore)."""
    import sympy as sp

    return tuple(sp.Symbol(f"_p{i}", real=True) for i in range(count))


class Objective:
    """f with its variables, symbolic derivatives and compiled numeric evaluators.

    ``expr`` is f as a SymPy expression in ``symbols`` (the user's variable names, real-valued).
    ``function`` is the built-in test function it came from, if any. ``derived`` holds what has been derived
    (a cache entry for a parsed text; in memory only for an objective built from an expression).
    """

    def __init__(self, expr, symbols: Sequence, text: str | None = None, function: TestFunction | None = None):
        import sympy as sp

        self.expr = expr
        self.symbols = list(symbols)
        self.names = [s.name for s in self.symbols]
        self.text = text if text is not None else sp.sstr(expr)
        self.function = function
        self.derived = cache.Entry(None)

    # construction -------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str | None = None, variables: Sequence[str] | None = None) -> "Objective":
        """Read an objective: the name of a built-in test function, or an expression; None is the default bowl.

        The text is checked by the safe parser every time; the derivation cache is looked up by the checked,
        canonical text, and SymPy builds the expression only when the cache does not know it."""
        function = DEFAULT if text is None else lookup(text)
        if function is None and variables is None and isinstance(text, str):
            refuse_unknown_name(text)
        source = function.expression if function else text
        checked = check_expression(source, list(variables) if variables is not None else None)
        if function and variables is None and len(checked.names) != len(function.start):
            raise ObjectiveError(f"built-in '{function.name}' has an unexpected number of variables")
        objective = cls.__new__(cls)
        objective.checked = checked
        objective.names = list(checked.names)
        objective.text = function.name if function else text.strip()
        objective.function = function
        objective.derived = cache.Entry({"objective": checked.text, "variables": checked.names, "limits": LIMITS})
        # SymPy builds the expression now unless the cache knows the text was accepted: what only the values show
        # (x/0, sqrt(-1)) is refused at once
        objective.derived.get("accepted", lambda: objective.expr is not None)
        return objective

    @cached_property
    def _built(self) -> tuple:
        return build(self.checked)

    @cached_property
    def expr(self):
        return self._built[0]

    @cached_property
    def symbols(self) -> list:
        return self._built[1]

    @cached_property
    def internal(self) -> list:
        """Names used in generated code, so no user variable can collide with the code's own locals."""
        import sympy as sp

        return [sp.Symbol(f"_x{i}", real=True) for i in range(self.dimension)]

    # names and sizes ----------------------------------------------------------------------------------
    @property
    def dimension(self) -> int:
        return len(self.names)

    def default_start(self) -> np.ndarray:
        """The built-in function's standard start, else DEFAULT_START in every coordinate."""
        if self.function is not None:
            return np.array(self.function.start, dtype=float)
        return np.full(self.dimension, DEFAULT_START)

    def read_start(self, text: str | Sequence[float] | None) -> np.ndarray:
        """A start point from text (``3,3``, ``[1/2, -1]``), a number (one variable), a sequence or an array,
        checked for length and finiteness."""
        if text is None:
            return self.default_start()
        values = (read_vector(text, "--start") if isinstance(text, str)
                  else list(np.ravel(np.asarray(text, dtype=object))))
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

    # symbolic derivatives (SymPy) ---------------------------------------------------------------------
    @cached_property
    def _index(self) -> dict:
        return {s: i for i, s in enumerate(self.symbols)}

    def _partials(self, expr, lowest: int = 0) -> dict:
        """∂expr/∂xⱼ for every variable xⱼ (j ≥ lowest) that expr contains, summed term by term.

        Each term of the sum is differentiated only in the variables it holds, and terms of the same shape
        are differentiated once: a term is written over placeholder variables (100·(x₂ − x₁²)² and
        100·(x₃ − x₂²)² both become 100·(p₁ − p₀²)²), its derivatives are cached under that template and
        renamed back. A chained objective in 100 variables has two shapes of term, not two hundred.
        """
        import sympy as sp

        from gdcli.engine.codegen import without_distributions

        parts: dict[int, list] = {}
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
        return {j: without_distributions(sp.Add(*p)) for j, p in parts.items()}

    @cached_property
    def _templates(self) -> dict:
        """Derivatives of each shape of term met so far, over the placeholder variables (see _partials)."""
        return {}

    @cached_property
    def gradient(self) -> list:
        """∇f = (∂f/∂x₁, …, ∂f/∂xₙ), derived term by term (see _partials)."""
        import sympy as sp

        from gdcli.engine.codegen import check_evaluable

        partials = self._partials(self.expr)
        gradient = [partials.get(i, sp.S.Zero) for i in range(self.dimension)]
        check_evaluable(gradient, "∇f")
        return gradient

    @cached_property
    def hessian_entries(self) -> dict:
        """The non-zero entries of ∇²f on and above the diagonal, H[i, j] = ∂(∂f/∂xᵢ)/∂xⱼ for j ≥ i, each
        gradient component differentiated only in the variables it holds."""
        from gdcli.engine.codegen import check_evaluable

        entries: dict = {}
        for i, component in enumerate(self.gradient):
            for j, entry in self._partials(component, lowest=i).items():
                if entry != 0:
                    entries[i, j] = entry
        check_evaluable(entries.values(), "the Hessian ∇²f")
        return entries

    @property
    def hessian(self):
        """∇²f as a dense symmetric SymPy matrix."""
        import sympy as sp

        n = self.dimension
        matrix = sp.zeros(n, n)
        for (i, j), entry in self.hessian_entries.items():
            matrix[i, j] = matrix[j, i] = entry
        return matrix

    # what is derived once and cached ------------------------------------------------------------------
    @property
    def is_smooth(self) -> bool:
        """False when f or ∇f holds a kink: Abs, Max, Min, or a sign, Heaviside or Piecewise in a derivative.

        The Hessian of such an f is taken away from its kinks (gdcli.engine.codegen.without_distributions), so
        it says nothing about the kinks themselves: |x| has ∇²f = 0 wherever it is defined.
        """
        def make() -> bool:
            import sympy as sp

            kinks = [getattr(sp, name) for name in NONSMOOTH]
            return not any(e.has(*kinks) for e in (self.expr, *self.gradient))

        return self.derived.get("is_smooth", make)

    @property
    def is_quadratic(self) -> bool:
        """True when f is smooth and ∇²f is constant (f is a polynomial of degree at most two)."""
        return self.derived.get("is_quadratic", lambda: self.is_smooth and all(
            not entry.free_symbols for entry in self.hessian_entries.values()))

    @property
    def hessian_pattern(self) -> list[tuple[int, int]]:
        """The (i, j), j ≥ i, of the non-zero entries of ∇²f, in order."""
        return [tuple(k) for k in self.derived.get("hessian_pattern", lambda: [list(k) for k in sorted(self.hessian_entries)])]

    @property
    def rational_hessian(self) -> list[list[str]] | None:
        """∇²f as rational numbers written "p/q", when it is constant and every entry is rational (a decimal
        read as written, gdcli.engine.exact.constant_matrix), else None."""
        def make() -> list[list[str]] | None:
            from gdcli.engine import exact

            try:
                h = exact.constant_matrix(self.hessian)
            except ArithmeticError:  # an entry is not a rational constant, or too large to write
                return None
            return [[f"{e.numerator}/{e.denominator}" for e in row] for row in h]

        return self.derived.get("rational_hessian", make)

    @property
    def rational_quadratic(self) -> dict | None:
        """f = ½xᵀHx + cᵀx + f(0) in rational numbers written "p/q": {"hessian": H (rational_hessian), "gradient":
        c = ∇f(0), "value": f(0)} (read by gdcli.engine.exact.evaluate, a decimal as written), when f is
        quadratic and all of them are rational; else None."""
        def make() -> dict | None:
            from fractions import Fraction

            from gdcli.engine import exact

            if not self.is_quadratic or self.rational_hessian is None:
                return None
            origin = {s: Fraction(0) for s in self.symbols}
            try:
                c = [exact.evaluate(e, origin) for e in self.gradient]
                value = exact.evaluate(self.expr, origin)
            except (ArithmeticError, ValueError, TypeError):  # an irrational or undefined value, or too large
                return None
            return {"hessian": self.rational_hessian, "gradient": [f"{v.numerator}/{v.denominator}" for v in c],
                    "value": f"{value.numerator}/{value.denominator}"}

        return self.derived.get("rational_quadratic", make)

    @property
    def texts(self) -> dict:
        """f, ∇f and the non-zero entries of ∇²f written as SymPy writes them (``sstr``): keys ``expression``,
        ``gradient`` (a list) and ``hessian`` ({"i,j": text} over hessian_pattern)."""
        def make() -> dict:
            import sympy as sp

            return {"expression": sp.sstr(self.expr), "gradient": [sp.sstr(e) for e in self.gradient],
                    "hessian": {f"{i},{j}": sp.sstr(self.hessian_entries[i, j]) for i, j in self.hessian_pattern}}

        return self.derived.get("texts", make)

    def hessian_texts(self) -> list[list[str]]:
        """∇²f as a dense symmetric matrix of ``sstr`` texts ("0" off the pattern)."""
        n, entries = self.dimension, self.texts["hessian"]
        rows = [["0"] * n for _ in range(n)]
        for key, text in entries.items():
            i, j = map(int, key.split(","))
            rows[i][j] = rows[j][i] = text
        return rows

    @property
    def shown(self) -> dict:
        """f, ∇f and ∇²f in one-line Unicode mathematics (gdcli.engine.notation), for tables: keys
        ``expression``, ``gradient`` (for at most SHOWN_DIMENSION variables, else empty), ``hessian_rows``
        (the aligned matrix) and ``hessian_entries`` ([i, j, text]; both for at most 4 variables)."""
        def make() -> dict:
            from gdcli.engine.notation import expression, matrix_rows, unicode

            small = self.dimension <= 4
            return {
                "expression": expression(self.expr),
                "gradient": [unicode(e) for e in self.gradient] if self.dimension <= SHOWN_DIMENSION else [],
                "hessian_rows": matrix_rows(self.hessian) if small else [],
                "hessian_entries": [[i, j, unicode(e)] for (i, j), e in sorted(self.hessian_entries.items())]
                if small else [],
            }

        return self.derived.get("shown", make)

    @property
    def latex(self) -> dict:
        """f and its variables in LaTeX (sympy.latex), and f as SymPy writes it (sstr), for the pictures' titles
        and axes: keys ``expression``, ``names`` (a list) and ``plain``."""
        def make() -> dict:
            import sympy as sp

            return {"expression": sp.latex(self.expr), "names": [sp.latex(s) for s in self.symbols],
                    "plain": sp.sstr(self.expr)}

        return self.derived.get("latex", make)

    # compiled numerics --------------------------------------------------------------------------------
    def _internal(self, expr):
        return expr.xreplace(dict(zip(self.symbols, self.internal)))

    def _assignments(self, targets: list[str], exprs: list, prefix: str = "_c") -> list[str]:
        from gdcli.engine import codegen

        return codegen.assignments(targets, [self._internal(e) for e in exprs], codegen.FloatPrinter(), "", prefix)

    def value_and_gradient_lines(self, indent: str) -> list[str]:
        """Source lines setting ``_f`` and ``_g0 … _g{n-1}`` from the locals ``_x0 …``, sharing subexpressions."""
        lines = self.derived.get("value_and_gradient", lambda: self._assignments(
            ["_f"] + [f"_g{i}" for i in range(self.dimension)], [self.expr, *self.gradient]))
        return [indent + line for line in lines]

    @property
    def _arguments(self) -> str:
        return ", ".join(f"_x{i}" for i in range(self.dimension))

    @cached_property
    def value_and_gradient_function(self):
        """Compiled (f, ∇f) over floats: ``f, (g0, g1, …) = function(x0, x1, …)``."""
        grad_targets = ", ".join(f"_g{i}" for i in range(self.dimension))
        source = "\n".join([f"def _fg({self._arguments}):", *self.value_and_gradient_lines("    "),
                            f"    return _f, ({grad_targets},)", ""])
        return compile_source(source, "_fg")

    @cached_property
    def value_function(self):
        """Compiled f alone over floats (for line searches, which try several points per gradient); built only
        when asked for."""
        lines = self.derived.get("value", lambda: self._assignments(["_f"], [self.expr]))
        source = "\n".join([f"def _f({self._arguments}):", *("    " + line for line in lines), "    return _f", ""])
        return compile_source(source, "_f")

    def hessian_lines(self, indent: str) -> list[str]:
        """Source lines setting ``_h0 … _h{k-1}`` to the non-zero entries of ∇²f, in the order of
        hessian_pattern, from the locals ``_x0 …`` (shared subexpressions in ``_d0 …``)."""
        keys = self.hessian_pattern
        lines = self.derived.get("hessian", lambda: self._assignments(
            [f"_h{k}" for k in range(len(keys))], [self.hessian_entries[k] for k in keys], "_d"))
        return [indent + line for line in lines]

    @cached_property
    def _hessian_evaluator(self):
        """Compiled non-zero Hessian entries over floats, with their (i, j) keys; built only when asked for."""
        keys = self.hessian_pattern
        source = "\n".join([f"def _h({self._arguments}):", *self.hessian_lines("    "),
                            "    return (" + "".join(f"_h{k}, " for k in range(len(keys))) + ")", ""])
        return compile_source(source, "_h"), keys

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
        point = [float(v) for v in x]
        try:  # one evaluation of f and ∇f when all is well (a run starts here every time)
            f, gradient = self.value_and_gradient_function(*point)
            values = [float(v) for v in (f, *gradient)]
            if all(map(math.isfinite, values)) and math.isfinite(sum(g * g for g in values[1:])):
                return values[0]
        except (ArithmeticError, ValueError, TypeError):
            pass
        return self._refuse_at(point)

    def _refuse_at(self, point: list[float]) -> float:
        """check_defined_at's error for a start where f, ∇f or ‖∇f‖ fails: f is tried first, so the message
        names the first that fails."""

        def refusal(what: str, why: str) -> OptionError:  # written only when needed: a run starts here every time
            where = ", ".join(f"{name} = {number(value)}" for name, value in zip(self.names, point))
            return OptionError(f"{what} {why.format(where=where)}")

        too_large = "overflows at the start ({where}): its value is too large for a float"
        for what, function in (("f", self.value_function), ("the gradient of f", self.value_and_gradient_function)):
            try:
                result = function(*point)
            except OverflowError:
                raise refusal(what, too_large) from None
            except (ArithmeticError, ValueError, TypeError):
                raise refusal(what, "is undefined at the start ({where})") from None
            values = [result] if what == "f" else result[1]
            if not all(isinstance(v, (int, float)) for v in values):
                raise refusal(what, "is undefined at the start ({where}): its value there is not real")
            try:
                values = [float(v) for v in values]  # an integer constant of 400 digits does not fit either
            except OverflowError:
                raise refusal(what, too_large) from None
            if not all(math.isfinite(v) for v in values):
                raise refusal(what, too_large)
        gradient = [float(g) for g in result[1]]
        if not math.isfinite(sum(g * g for g in gradient)):  # as the run loop computes ‖∇f‖²
            raise refusal("‖∇f‖", "overflows at the start ({where}): the gradient is too large for a float")
        return float(result[0])
