"""The safe parser: what it accepts, what it refuses, and that it never evaluates the text."""

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcli.engine.expression import MAX_LENGTH, natural_key, parse_expression, parse_number, parse_vector
from gdcli.errors import ObjectiveError

x, y = sp.symbols("x y", real=True)


def test_caret_is_power_and_decimals_are_exact():
    expr, symbols = parse_expression("0.5*x^2 + 4*y**2")
    assert symbols == [x, y]
    assert sp.simplify(expr - (sp.Rational(1, 2) * x**2 + 4 * y**2)) == 0


def test_functions_and_constants():
    expr, _ = parse_expression("sin(x) + exp(y) + log(x) + sqrt(y) + Abs(x) + Max(x, y) + pi + E")
    expected = sp.sin(x) + sp.exp(y) + sp.log(x) + sp.sqrt(y) + sp.Abs(x) + sp.Max(x, y) + sp.pi + sp.E
    assert sp.simplify(expr - expected) == 0


def test_variables_in_natural_order():
    _, symbols = parse_expression("x10 + x2 + x1")
    assert [s.name for s in symbols] == ["x1", "x2", "x10"]
    assert sorted(["a10", "a9", "b1"], key=natural_key) == ["a9", "a10", "b1"]


def test_declared_variables_fix_order_and_reject_others():
    _, symbols = parse_expression("x + y", ["y", "x"])
    assert [s.name for s in symbols] == ["y", "x"]
    with pytest.raises(ObjectiveError, match="'z' is not a declared variable"):
        parse_expression("x + z", ["x"])


def test_long_sums_are_not_too_deep():
    text = " + ".join(f"(x{i} - 1)^2" for i in range(1, 301))
    expr, symbols = parse_expression(text)
    assert len(symbols) == 300
    assert len(expr.args) == 300


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("__import__('os').system('true')", "is not a function the objective may call"),
        ("__import__('os')", "not an allowed function"),
        ("x.__class__", "not allowed"),
        ("lambda: 1", "not allowed"),
        ("[x, y]", "not allowed"),
        ("x if y else 1", "not allowed"),
        ("x < y", "not allowed"),
        ("'abc'", "only real numbers"),
        ("open('f')", "not an allowed function"),
        ("sin(x, y)", "takes 1 argument"),
        ("sin(x=1)", "positional"),
        ("9**9**9", "exponent"),
        ("10**500", "digits"),
        ("x**100000", "exponent"),
        ("sin(" * 60 + "x" + ")" * 60, "nested"),
        ("(" * 500 + "x" + ")" * 500, "cannot read"),
        ("sqrt(-1)*x", "not a finite real"),
        ("x/0", "divides by zero"),
        ("2x", "write '2*x'"),
        ("x +", "cannot read"),
        ("", "empty"),
        ("1 + 2", "no variables"),
        ("1e999*x", "too large"),
        ("_x", "not allowed as a name"),
        ("sin", "is a function"),
        ("x; y", "cannot read"),
    ],
)
def test_refusals_name_the_problem(text, fragment):
    with pytest.raises(ObjectiveError, match=None) as info:
        parse_expression(text)
    assert fragment in str(info.value)


def test_length_limit():
    with pytest.raises(ObjectiveError, match="limit"):
        parse_expression("x + " * MAX_LENGTH + "x")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xy0123456789+-*/^().,_ abcdefghijklmnopqrstuvwz'[]{}:=<>!@#$%&|~`\\\"\n", max_size=60))
def test_arbitrary_text_either_parses_or_fails_cleanly(text):
    try:
        expr, symbols = parse_expression(text)
    except ObjectiveError as error:
        assert str(error)
    else:
        assert isinstance(expr, sp.Expr) and symbols


def test_numbers_and_vectors():
    assert parse_number("1/10") == sp.Rational(1, 10)
    assert parse_number("2e-1") == sp.Rational(1, 5)
    assert parse_vector("[1.2, -0.6]") == [sp.Rational(6, 5), sp.Rational(-3, 5)]
    assert parse_vector("1/2 -1") == [sp.Rational(1, 2), -1]
    with pytest.raises(ObjectiveError, match="--lr must be a number such as 0.1 or 1/10"):
        parse_number("x + 1", "--lr")
