"""The symbolic search of `gd analyze`: solutions kept in the derivation cache, the solver's child (without
sympy.physics.units), and the systems it is not waited for (beyond_square_roots)."""

import json
import math

import numpy as np
import pytest
import sympy as sp

from gdcli.engine import cache
from gdcli.engine.objective import Objective
from gdcli.landscape import analysis
from gdcli.landscape.analysis import analyze, beyond_square_roots
from tests.conftest import run_python

QUARTIC = "x^4-3*x^2+y^2"
"""∂f/∂x = 4x³ − 6x = 0 at x = 0, ±√(3/2) = ±√6/2; ∂f/∂y = 2y = 0."""
QUARTIC_EXACT = {("0", "0"), ("sqrt(6)/2", "0"), ("-sqrt(6)/2", "0")}


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """A derivation cache of this test's own, and a record of the functions started in child processes."""
    monkeypatch.setenv("GDCLI_CACHE", str(tmp_path))
    started = []
    start = analysis.start

    def recording(function, *args):
        started.append(function)
        return start(function, *args)

    monkeypatch.setattr(analysis, "start", recording)
    return tmp_path, started


def exact_points(result) -> set:
    return {tuple(p["exact"]) for p in result.to_dict()["critical_points"] if "exact" in p}


def entry_with_solution(folder) -> tuple:
    """(path, document) of the one cache entry holding the solver's answer."""
    found = []
    for path in folder.glob("*.json"):
        document = json.loads(path.read_text())
        if any(name.startswith("critical points solved") for name in document["values"]):
            found.append((path, document))
    assert len(found) == 1
    return found[0]


def test_warm_analysis_takes_exact_forms_from_the_cache_without_the_solver(own_cache):
    _, started = own_cache
    # a generous limit for the first solve: what is checked is where the forms come from, not speed
    assert exact_points(analyze(QUARTIC, seconds=600)) == QUARTIC_EXACT
    assert analysis._solve_without_units in started
    cache.flush()
    started.clear()
    warm = analyze(QUARTIC, seconds=0)  # no time at all for a solver: the forms must come from the cache
    assert analysis._solve_without_units not in started
    assert exact_points(warm) == QUARTIC_EXACT and warm.symbolic == "solved"
    assert [p.kind for p in warm.critical_points] == ["minimum", "minimum", "saddle"]


def test_cached_solutions_give_the_same_document(own_cache):
    first = analyze("(x+y)^2", seconds=600).to_dict()
    cache.flush()
    assert analyze("(x+y)^2", seconds=0).to_dict() == first
    assert first["critical_sets"][0]["equations"] == ["x + y = 0"]


@pytest.mark.parametrize("solution, digest", [
    ([["Integer(7)", "Integer(7)"]], False),  # a wrong solution written without a matching digest: not trusted
    ([["Integer(", "0"]], True),              # a valid digest, but SymPy cannot read the solution back
])
def test_corrupt_cached_solution_is_ignored_and_rebuilt(own_cache, solution, digest):
    folder, started = own_cache
    analyze(QUARTIC, seconds=600)
    cache.flush()
    path, document = entry_with_solution(folder)
    name = next(n for n in document["values"] if n.startswith("critical points solved"))
    document["values"][name] = solution
    if digest:
        document["sha256"] = cache._digest(document["key"], document["values"])
    path.write_text(json.dumps(document))
    started.clear()
    assert exact_points(analyze(QUARTIC, seconds=600)) == QUARTIC_EXACT
    assert analysis._solve_without_units in started
    cache.flush()
    assert len(entry_with_solution(folder)[1]["values"][name]) == 3


def test_timed_out_solve_is_not_cached(own_cache):
    folder, _ = own_cache
    result = analyze(QUARTIC, seconds=0)
    cache.flush()
    stored = [json.loads(p.read_text())["values"] for p in folder.glob("*.json")]
    if result.symbolic == "solved":  # the solver may answer before the numeric search ends
        assert exact_points(result) == QUARTIC_EXACT
    else:
        assert result.symbolic.startswith("exact forms not found in time")
        assert not any(n.startswith("critical points solved") for values in stored for n in values)


def test_three_hump_camel_closed_forms():
    """f = 2x² − 1.05x⁴ + x⁶/6 + xy + y²: ∂f/∂y = x + 2y = 0, so y = −x/2, and ∂f/∂x = 4x − 4.2x³ + x⁵ + y = 0
    gives x(x⁴ − 4.2x² + 3.5) = 0: x = 0 or x² = 2.1 ± √0.91. The solver's checks (which would import
    sympy.physics.units) run in the child with its stand-in."""
    result = analyze("three-hump-camel", seconds=600)
    assert result.symbolic == "solved"
    expected = sorted([(0.0, 0.0)] + [(s * math.sqrt(2.1 + t * math.sqrt(0.91)), -s * math.sqrt(2.1 + t * math.sqrt(0.91)) / 2)
                                      for s in (1, -1) for t in (1, -1)])
    exact = sorted(tuple(float(sp.sympify(v)) for v in p.exact) for p in result.critical_points)
    np.testing.assert_allclose(exact, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("text, beyond", [
    ("x^2 + y^4/4 - y^2/2 - y", True),   # ∂f/∂y = y³ − y − 1: irreducible (±1 are not roots), not q(yᵏ)
    ("x^2 + y^4/4 - 2*y", False),        # y³ − 2 = q(y³), q(w) = w − 2: y = ∛2
    ("x^2 + y^5/5 - 2*y^3/3 + y/4", False),  # y⁴ − 2y² + 1/4 = q(y²): y² = 1 ± √3/2
    ("x^2 + y^4 - y^2", False),          # 4y³ − 2y = 2y(2y² − 1): factors of degree 1 and 2
    ("(x+y)^2", False),                  # a line of solutions: not finitely many
    ("x^4/4 - x - x^2/2", False),        # one variable: SymPy's solve of x³ − x − 1 is quick
    ("himmelblau", True),                # (3, 2) and eight points whose coordinates need degree 3 and 5
])
def test_beyond_square_roots(text, beyond):
    f = Objective.parse(text)
    assert beyond_square_roots(f.gradient, f.symbols) is beyond


def test_himmelblau_numeric_points_without_waiting_for_the_solver():
    """Himmelblau's function has four minima (f = 0, one at (3, 2)), one maximum and four saddles; SymPy's solve
    needs seconds for them, so the default analysis reports the numeric points and says so."""
    result = analyze("himmelblau")
    assert [result.count(k) for k in ("minimum", "maximum", "saddle")] == [4, 1, 4]
    assert any(np.allclose(p.point, [3.0, 2.0], atol=1e-9) for p in result.critical_points)
    assert result.symbolic.startswith("exact forms not found in time")


def test_analyze_does_not_import_matplotlib(tmp_path):
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom gdcli.cli import app\n"
            f"r = CliRunner().invoke(app, ['analyze', 'himmelblau', '--markdown', {str(tmp_path / 'a.md')!r}])\n"
            "assert r.exit_code == 0, r.output\n"
            "print('matplotlib' in sys.modules)")
    assert run_python(code).stdout.strip() == "False"
