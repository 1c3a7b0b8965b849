"""Newton and linear conjugate gradients in rational arithmetic: the one-step and n-step theorems hold exactly,
checked with Fractions and SymPy's own exact linear algebra."""

import random
from fractions import Fraction

import pytest
import sympy as sp

from gdcli.engine.methods_exact import exact_iterates
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import make_optimizer
from gdcli.errors import GdError


def rational_spd(n: int, seed: int) -> tuple[list[list[Fraction]], list[Fraction]]:
    """A = Q·diag(1, …, 10⁶)·Qᵀ (κ = 10⁶) with Q a product of two rational Householder reflections (so A is
    rational and symmetric positive definite), and a random integer b."""
    rnd = random.Random(seed)
    a = [[Fraction(int(i == j) * 10 ** round(6 * i / max(1, n - 1))) for j in range(n)] for i in range(n)]
    for _ in range(2):
        v = [Fraction(rnd.randint(-5, 5) or 1) for _ in range(n)]
        vv = sum(x * x for x in v)
        q = [[Fraction(int(i == j)) - 2 * v[i] * v[j] / vv for j in range(n)] for i in range(n)]
        aq = [[sum(a[i][k] * q[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
        a = [[sum(q[k][i] * aq[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
    return a, [Fraction(rnd.randint(-9, 9)) for _ in range(n)]


def quadratic(a, b) -> Objective:
    """½xᵀAx − bᵀx typed as text with the fractions written out."""
    n = len(b)
    terms = [f"({a[i][i] / 2})*x{i}^2" for i in range(n)]
    terms += [f"({a[i][j]})*x{i}*x{j}" for i in range(n) for j in range(i + 1, n)]
    terms += [f"({-b[i]})*x{i}" for i in range(n)]
    return Objective.parse(" + ".join(terms), [f"x{i}" for i in range(n)])


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_newton_lands_on_the_minimiser_in_one_exact_step(n):
    a, b = rational_spd(n, n)
    minimiser = sp.Matrix(a).LUsolve(sp.Matrix(b))
    rows, note = exact_iterates(quadratic(a, b), make_optimizer("newton"), None, [Fraction(1)] * n, Fraction(1), 5)
    assert [sp.Rational(v.numerator, v.denominator) for v in rows[1][1]] == list(minimiser)
    assert len(rows) == 2 and note.startswith("∇f = 0 exactly at step 1")


@pytest.mark.parametrize("n", [2, 3, 4, 6, 9, 13, 20])
@pytest.mark.parametrize("beta", ["fr", "pr"])
def test_linear_cg_ends_in_at_most_n_exact_steps(n, beta):
    a, b = rational_spd(n, 100 + n)
    f = quadratic(a, b)
    rows, note = exact_iterates(f, make_optimizer("cg", cg_beta=beta), "exact", [Fraction(0)] * n, Fraction(1), n)
    last = rows[-1][1]
    residual = [sum(a[i][j] * last[j] for j in range(n)) - b[i] for i in range(n)]  # ∇f = Ax − b, written again
    assert len(rows) - 1 <= n and all(r == 0 for r in residual) and "∇f = 0 exactly" in note


def test_what_exact_arithmetic_refuses():
    f = Objective.parse("x^2 + 4*y^2")
    with pytest.raises(GdError, match="--line-search exact on a quadratic"):
        exact_iterates(f, make_optimizer("cg"), "strong-wolfe", [Fraction(1)] * 2, Fraction(1), 3)
    with pytest.raises(GdError, match="bfgs"):
        exact_iterates(f, make_optimizer("bfgs"), "wolfe", [Fraction(1)] * 2, Fraction(1), 3)
    rows, note = exact_iterates(Objective.parse("x^2 - y^2"), make_optimizer("newton"), None, [Fraction(1)] * 2,
                                Fraction(1), 3)
    assert len(rows) == 1 and "not positive definite" in note
