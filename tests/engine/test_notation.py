"""One-line Unicode mathematics."""

import sympy as sp

from gdcli.engine.expression import parse_expression
from gdcli.engine.notation import matrix_rows, unicode


def shown(text):
    return unicode(parse_expression(text)[0])


def test_powers_roots_and_constants():
    assert shown("x^2 + 4*y^2") == "x² + 4·y²"
    assert shown("sqrt(x^2 + 1)") == "√(x² + 1)"
    assert shown("1/sqrt(x)") == "1/√x"
    assert shown("Abs(x) + pi*E^x") == "π·exp(x) + |x|"
    assert shown("x^(1/3)") == "x^(1/3)"


def test_matrix_rows_align_columns():
    x = sp.Symbol("x", real=True)
    assert matrix_rows(sp.Matrix([[2, 0], [0, 8]])) == ["⎡2  0⎤", "⎣0  8⎦"]
    rows = matrix_rows(sp.Matrix([[12 * x**2, -4], [-4, 200]]))
    assert len({len(r) for r in rows}) == 1 and rows[0].startswith("⎡12·x²")
    assert matrix_rows(sp.Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))[1].startswith("⎢")
