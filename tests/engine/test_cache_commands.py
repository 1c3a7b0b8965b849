"""Beyond `gd solve`: every command that derives nothing the cache does not hold runs without SymPy the second
time, and prints what it printed the first time (checked in a fresh interpreter through ``sys.modules``)."""

import pytest

from tests.conftest import ROOT, run_python
from tests.engine.test_cache import CHECK_SYMPY

DATA = ROOT / "problems" / "data"


@pytest.mark.parametrize("args", [
    ("sweep", "x^2 + 4*y^2", "--steps", "50"),
    ("sweep", "x^2 + 4*y^2", "--steps", "50", "--schedule", "exponential"),
    ("compare", "rosenbrock", "--steps", "100", "--schedule", "inverse"),
    ("basins", "himmelblau", "--grid", "8", "--steps", "100"),
    ("fit", str(DATA / "four_points.csv"), "--target", "y", "--lr", "0.01", "--epochs", "50"),
    ("fit", str(DATA / "linear.csv"), "--target", "y", "--optimizer", "adam", "--schedule", "cosine"),
    *(("solve", "himmelblau", "--optimizer", method, "--steps", "30")
      for method in ("newton", "bfgs", "lbfgs", "cg", "bb", "polyak")),
])
def test_a_command_on_a_warm_cache_does_not_import_sympy(tmp_path, args):
    env = {"GDCLI_CACHE": str(tmp_path / "cache"), "GDCLI_HOME": str(tmp_path / "home")}
    first = run_python(CHECK_SYMPY, *args, env=env)
    second = run_python(CHECK_SYMPY, *args, env=env)
    assert first.stderr.strip().endswith("sympy imported"), first.stderr
    assert second.stderr.strip().endswith("no sympy"), second.stderr
    assert second.stdout == first.stdout
