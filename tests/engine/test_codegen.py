"""Generated source: small powers as products, and the compiled function computes the expression."""

import math

import sympy as sp

from gdcli.engine.codegen import FloatPrinter, assignments, compile_source, without_distributions

x, y = sp.symbols("x y", real=True)


def test_small_powers_become_products():
    printer = FloatPrinter()
    assert printer.doprint(x**2) == "(x*x)"
    assert printer.doprint(x**3) == "(x*x*x)"
    assert printer.doprint(1 / x) == "(1/x)"
    assert "**" in printer.doprint(x**7)


def test_shared_subexpressions_are_computed_once():
    expressions = [sp.sin(x * y) + x, sp.sin(x * y) * y]
    lines = assignments(["_a", "_b"], expressions, FloatPrinter(), "    ")
    assert sum("math.sin" in line for line in lines) == 1
    function = compile_source("def _f(x, y):\n" + "\n".join(lines) + "\n    return _a, _b\n", "_f")
    a, b = function(0.3, 2.0)
    assert math.isclose(a, math.sin(0.6) + 0.3) and math.isclose(b, math.sin(0.6) * 2.0)


def test_kinks_lose_their_delta_terms():
    assert without_distributions(sp.diff(sp.Abs(x), x, 2)) == 0
