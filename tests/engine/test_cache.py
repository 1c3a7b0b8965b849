"""The derivation cache: a hit gives exactly what a miss gives, needs no SymPy, and a bad entry is never trusted."""

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from gdcli.engine import cache
from gdcli.engine.expression import check_expression, read_number, read_vector
from gdcli.engine.functions import CATALOG
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import NAMES

from tests.conftest import ROOT, run_python


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A cache folder of the test's own."""
    path = tmp_path / "cache"
    monkeypatch.setenv("GDCLI_CACHE", str(path))
    return path


def entry_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.json")) if path.exists() else []


@pytest.mark.parametrize("function", CATALOG, ids=[f.name for f in CATALOG])
def test_a_hit_prints_byte_for_byte_what_a_miss_prints(cli, folder, function):
    """For every optimizer: --json and the table from a cold cache, then again from the entry the first runs
    left, and once more (Adam) with the cache off. Polyak's step, which needs the minimum value f*, runs where
    the catalog lists a minimum (not on the saddle, which has none)."""
    hits = {}
    for optimizer in [name for name in NAMES if name != "polyak" or function.minima]:
        args = ["solve", function.name, "--optimizer", optimizer, "--steps", "25"]
        miss_json, miss_table = cli(*args, "--json"), cli(*args)
        assert miss_json.exit_code == 0 and miss_table.exit_code == 0, miss_json.stderr
        cache.flush()
        assert Objective.parse(function.name).derived.loaded
        hit_json, hit_table = cli(*args, "--json"), cli(*args)
        assert hit_json.stdout == miss_json.stdout
        assert hit_table.stdout == miss_table.stdout
        hits[optimizer] = hit_json.stdout
    os.environ["GDCLI_CACHE"] = "off"
    assert cli("solve", function.name, "--optimizer", "adam", "--steps", "25", "--json").stdout == hits["adam"]


CHECK_SYMPY = """
import sys
from gdcli.cli import main
sys.argv = ["gd", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
from gdcli.engine import cache
cache.flush()
print("sympy imported" if "sympy" in sys.modules else "no sympy", file=sys.stderr)
"""


@pytest.mark.parametrize("args", [
    ("solve",),
    ("solve", "rosenbrock", "--optimizer", "adam", "--lr", "0.02", "--steps", "3000"),
    ("solve", "x^2 + 4*y^2", "--start", "2, 1", "--lr", "1/5", "--json"),
    ("practice", "check", "quadratic-1d-two-rates", "--question", "2", "--answer", "0.6, 1.08, 1.464, 1.7712"),
    # beyond solve: every command whose derivations the cache holds (schedules and rules included)
    ("sweep", "x^2 + 4*y^2", "--steps", "50"),
    ("sweep", "x^2 + 4*y^2", "--steps", "50", "--schedule", "exponential"),
    ("compare", "rosenbrock", "--steps", "100", "--schedule", "inverse"),
    ("basins", "himmelblau", "--grid", "8", "--steps", "100"),
    ("fit", str(ROOT / "problems" / "data" / "four_points.csv"), "--target", "y", "--lr", "0.01", "--epochs", "50"),
    ("fit", str(ROOT / "problems" / "data" / "linear.csv"), "--target", "y", "--optimizer", "adam", "--schedule",
     "cosine"),
    *(("solve", "himmelblau", "--optimizer", method, "--steps", "30")
      for method in ("newton", "bfgs", "lbfgs", "cg", "bb", "polyak")),
    # gd step writes each rule out from its printed lines, which the cache holds
    *(("step", "rosenbrock", "--optimizer", name, "--lr", "0.001", "--frames", "3")
      for name in ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "bfgs")),
    ("step", "x^2", "--optimizer", "adam", "--schedule", "cosine", "--frames", "2"),
    ("functions",),  # the catalog's formulas, one entry
    # a dataset's mean squared error is read as an objective's text, so the cache knows it
    ("practice", "check", "linear-regression-four-points", "--question", "2", "--answer", "0.81995, 1.64734"),
    ("practice", "show", "batch-versus-stochastic"),
])
def test_a_hit_does_not_import_sympy(tmp_path, args):
    env = {"GDCLI_CACHE": str(tmp_path / "cache"), "GDCLI_HOME": str(tmp_path / "home")}
    first = run_python(CHECK_SYMPY, *args, env=env)
    second = run_python(CHECK_SYMPY, *args, env=env)
    assert first.stderr.strip().endswith("sympy imported"), first.stderr
    assert second.stderr.strip().endswith("no sympy"), second.stderr
    assert second.stdout == first.stdout


def test_a_question_on_given_eigenvalues_needs_no_sympy_at_all(tmp_path):
    """Its numbers (eigenvalues 1 and 10, so κ = 10) are read as fractions, never through SymPy."""
    env = {"GDCLI_CACHE": str(tmp_path / "cache"), "GDCLI_HOME": str(tmp_path / "home")}
    result = run_python(CHECK_SYMPY, "practice", "check", "eigenvalues-one-and-ten", "--question", "2", "--answer", "10",
                        env=env)
    assert result.stdout.startswith("✓") and result.stderr.strip().endswith("no sympy"), result.stderr


@pytest.mark.parametrize("args", [
    ("solve", "rosenbrock", "--optimizer", "adam", "--steps", "50", "--surface", "--plot"),
    ("solve", "x^2", "--steps", "4", "--animate"),
    ("compare", "--steps", "10", "--plot"),
    ("fit", str(ROOT / "problems" / "data" / "linear.csv"), "--target", "y", "--epochs", "20", "--plot"),
])
def test_a_picture_from_a_hit_is_the_picture_from_a_miss(tmp_path, args):
    """The pictures read f and its variables in LaTeX from the entry: the same file, without SymPy."""
    env = {"GDCLI_CACHE": str(tmp_path / "cache"), "GDCLI_HOME": str(tmp_path / "home")}
    suffix = ".gif" if "--animate" in args else ".png"
    first = run_python(CHECK_SYMPY, *args, str(tmp_path / f"miss{suffix}"), env=env)
    second = run_python(CHECK_SYMPY, *args, str(tmp_path / f"hit{suffix}"), env=env)
    assert first.stderr.strip().endswith("sympy imported"), first.stderr
    assert second.stderr.strip().endswith("no sympy"), second.stderr
    assert (tmp_path / f"hit{suffix}").read_bytes() == (tmp_path / f"miss{suffix}").read_bytes()


def fill(text: str) -> Objective:
    """Parse and derive what a table and --json use, and save the entry."""
    objective = Objective.parse(text)
    objective.texts, objective.shown, objective.hessian_at([0.5, 0.5]), objective.value_and_gradient([1.0, 2.0])
    cache.flush()
    return objective


@pytest.mark.parametrize("damage", ["truncate", "flip", "replace", "garbage", "empty"])
def test_a_damaged_entry_is_ignored_and_rebuilt(folder, damage):
    fill("booth")
    [path] = entry_files(folder)
    good = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "flip":  # a changed value: the digest no longer matches
        path.write_bytes(good.replace(b"_g0", b"_g9", 1))
    elif damage == "replace":  # another objective's valid entry, under this one's name
        fill("matyas")
        other = next(p for p in entry_files(folder) if p != path)
        path.write_bytes(other.read_bytes())
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff not json")
    else:
        path.write_bytes(b"")
    objective = Objective.parse("booth")
    assert not objective.derived.loaded
    expected = 2 * (1.0 + 2 * 2.0 - 7) + 4 * (2 * 1.0 + 2.0 - 5)  # ∂f/∂x = 2(x + 2y − 7) + 4(2x + y − 5) at (1, 2)
    assert objective.value_and_gradient([1.0, 2.0])[1][0] == expected
    cache.flush()
    assert json.loads(path.read_bytes())["values"]["value_and_gradient"]
    assert Objective.parse("booth").derived.loaded


def test_an_entry_with_a_wrong_key_is_foreign(folder):
    """An entry names its key: a valid entry written for other variables is not taken for this one."""
    fill("x^2 + 4*y^2")
    [path] = entry_files(folder)
    document = json.loads(path.read_bytes())
    document["key"]["variables"] = ["y", "x"]
    document["sha256"] = cache._digest(document["key"], document["values"])
    path.write_text(json.dumps(document))
    assert not Objective.parse("x^2 + 4*y^2").derived.loaded


FILL = """
import sys
from gdcli.engine import cache
from gdcli.engine.objective import Objective
objective = Objective.parse("himmelblau")
objective.texts if sys.argv[1] == "texts" else objective.shown
objective.hessian_at([1.0, 1.0])
cache.flush()
"""


def test_two_processes_filling_at_once_leave_a_valid_entry(folder):
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    workers = [subprocess.Popen([sys.executable, "-c", FILL, what], env=environment) for what in ("texts", "shown")]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    [path] = entry_files(folder)
    objective = Objective.parse("himmelblau")
    assert objective.derived.loaded
    assert "hessian" in objective.derived.values and "accepted" in objective.derived.values


def test_off_writes_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GDCLI_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cli("solve", "rosenbrock", "--steps", "5").exit_code == 0
    cache.flush()
    assert list(tmp_path.rglob("*")) == []


def test_the_user_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("GDCLI_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == tmp_path / "gdcli"


def test_an_unwritable_cache_costs_only_speed(cli, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GDCLI_CACHE", str(blocker / "cache"))  # cannot be created, even by root
    written = cli("solve", "himmelblau", "--steps", "5", "--json")
    cache.flush()
    monkeypatch.setenv("GDCLI_CACHE", "off")
    assert written.exit_code == 0 and written.stdout == cli("solve", "himmelblau", "--steps", "5", "--json").stdout
    assert blocker.read_text() == "not a folder"


def test_least_recently_used_entries_go_first(tmp_path):
    files = []
    for age in range(6):
        path = tmp_path / f"{age:064x}.json"
        path.write_bytes(b"x" * 100)
        os.utime(path, (1000 + age, 1000 + age))
        files.append(path)
    other = tmp_path / "notes.txt"
    other.write_bytes(b"y" * 1000)
    cache.evict(tmp_path, 500)  # 600 bytes of entries: the oldest go until at most 375 are left
    assert [p.exists() for p in files] == [False, False, False, True, True, True]
    assert other.exists()


def test_a_hit_touches_its_entry(folder):
    fill("beale")
    [path] = entry_files(folder)
    os.utime(path, (1000, 1000))
    assert Objective.parse("beale").derived.loaded
    assert path.stat().st_mtime > 1000


def test_the_key_is_the_checked_canonical_text(folder):
    fill("x^2 + 4*y^2")
    assert Objective.parse("  x**2+4*y ^ 2 ").derived.loaded
    assert not Objective.parse("x^2 + 4*y^2", ["y", "x"]).derived.loaded
    assert check_expression("((x))^2").text == check_expression("x**2").text


def test_cache_info_and_clear(cli, folder):
    fill("bowl")
    fill("saddle")
    (folder / "README").write_text("kept")
    info = json.loads(cli("cache", "info", "--json").stdout)
    assert info["enabled"] and info["entries"] == 2 and info["directory"] == str(folder)
    assert "entries    2" in cli("cache", "info").stdout
    assert cli("cache", "clear").stdout.strip() == "removed 2 entries"
    assert entry_files(folder) == [] and (folder / "README").exists()


@pytest.mark.parametrize("text, exact", [
    ("0.1", Fraction(1, 10)), ("1/10 + 0.2", Fraction(3, 10)), ("-2e-1*3", Fraction(-3, 5)),
    ("7/3", Fraction(7, 3)), ("1/3 - 1/3 + 0.1", Fraction(1, 10)),
])
def test_numbers_are_read_exactly_without_sympy(text, exact):
    assert read_number(text) == float(exact)


def test_numbers_beyond_plain_arithmetic_go_through_sympy():
    import math

    assert read_number("pi/4") == math.pi / 4
    assert read_vector("[sqrt(4), 2^3]") == [2.0, 8.0]
    with pytest.raises(Exception, match="divides by zero"):
        read_number("1/0")
