"""One notation across commands (issue 13): powers of ten as a teacher writes them (10⁻⁶, 2·10⁻⁷), never
Python's 1e-06, in every --help and in the main tables at 80 columns without colour; and what is printed reads
back as the value it stands for."""

import json
import math
import re
from fractions import Fraction

import pytest

from gdcli.engine.expression import read_number
from gdcli.engine.notation import number

E_NOTATION = re.compile(r"\d[eE][-+]?\d")
"""A number in Python's exponent notation: 1e-06, 2.5E+08, 1e8."""


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch):
    monkeypatch.setenv("GD_WIDTH", "80")
    monkeypatch.setenv("COLUMNS", "80")


def command_paths():
    """Every command and sub-command of gd, as argument lists: [], ["solve"], …, ["practice", "check"], …"""
    import typer.main

    from gdcli.cli import app

    def walk(command, path):
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), []))


@pytest.mark.parametrize("path", command_paths(), ids=lambda path: " ".join(path) or "gd")
def test_no_help_prints_python_exponents(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.stderr
    assert not E_NOTATION.search(result.stdout), result.stdout
    assert "[default: 0.0]" not in result.stdout  # a float default is written as gd writes numbers: 0


def test_help_defaults_are_written_one_way(cli):
    text = " ".join(cli("solve", "--help").stdout.split())  # the lines joined, as Typer wraps them
    assert "[default: 10⁻⁸]" in text  # --tol
    assert "[default: adagrad 10⁻¹⁰, rmsprop and adam 10⁻⁸]" in text  # --eps, written by hand
    assert "[default: inverse 0.1, exponential 0.95, step 0.5]" in text  # --decay: the same brackets
    assert "(10⁻⁸)" not in text  # Typer's own rendering of a show_default string is not used
    analyze = " ".join(cli("analyze", "--help").stdout.split())
    assert "[default: 10⁻⁶]" in analyze  # --reduction


# the tables: each run is chosen so that some printed number is below 10⁻⁴
TABLES = [
    ("solve", "x^2 + 4*y^2", "--start", "1,1", "--lr", "1/5", "--steps", "40", "--tol", "0"),
    ("solve", "x^2 + 4*y^2", "--lr", "1/100000", "--steps", "3", "--explain"),
    ("solve", "x^2", "--start", "3", "-o", "adam", "--steps", "2", "--explain"),
    ("analyze", "x^2 + y^2/10000000"),
    ("compare", "rosenbrock", "--optimizers", "momentum,adam", "--tune"),
    ("sweep", "--lr-min", "1/1000", "--lr-max", "1/4", "--num", "12"),
    ("basins", "himmelblau", "--grid", "9"),
    ("fit", "four_points.csv", "--target", "y", "--lr", "1/1000000", "--epochs", "3"),
    ("fit", "four_points.csv", "--target", "y", "--lr", "1/10", "--epochs", "400"),
    ("step", "x^2", "--start", "3", "-o", "adam", "--frames", "3"),
    ("schedule", "exponential", "--lr", "1/100000", "--steps", "5"),
    ("solve", "rosenbrock", "--optimizer", "newton"),
    ("solve", "rosenbrock", "--optimizer", "bfgs", "--line-search", "wolfe", "--c1", "1e-5"),
    ("solve", "rosenbrock", "--optimizer", "cg"),
    ("solve", "x^4 - x^2 + y^2", "--optimizer", "newton", "--start", "0.1,1"),  # row 0 has a shift note
]


@pytest.mark.parametrize("args", TABLES, ids=lambda args: " ".join(args))
def test_no_table_prints_python_exponents(cli, args):
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert not E_NOTATION.search(result.stdout), result.stdout
    assert "10⁻" in result.stdout  # the small numbers are there, in gd's notation


def test_a_newton_shift_note_reads_back_as_the_shift(cli):
    # f = x² − 1000·y²: ∇²f = diag(2, −2000) everywhere. The modified Cholesky step starts from
    # τ = β − min diag = 10⁻³·max(1, 2, 2000) + 2000 = 2002, where the pivots 2 + τ and −2000 + τ = 2 are
    # positive, so every row adds τ = 2002, written in three significant digits: 2·10³
    result = cli("solve", "x^2 - 1000*y^2", "--optimizer", "newton", "--start", "1,1", "--steps", "2")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    taus = re.findall(r"τ = (\S+) added", text)
    assert len(taus) == 2 and all(read_number(tau) == 2000 for tau in taus)
    assert not E_NOTATION.search(result.stdout), result.stdout


def test_practice_tolerances_are_in_the_same_notation(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    listing = cli("practice", "list")
    assert listing.exit_code == 0, listing.stderr
    ids = [line.split()[0] for line in listing.stdout.splitlines()[1:] if line[:1].isalpha()]
    shown = [cli("practice", "show", problem).stdout for problem in ids]
    assert not any(E_NOTATION.search(text) for text in shown)
    assert any(re.search(r"to within ±10⁻\S", text) for text in shown)


@pytest.mark.parametrize(("value", "exact"), [
    (1e-06, Fraction(1, 10**6)), (5e-05, Fraction(5, 10**5)), (-2.5e-12, Fraction(-25, 10**13)),
    (3e8, Fraction(3 * 10**8)), (1.25e20, Fraction(125 * 10**18)), (-1e-300, Fraction(-1, 10**300)),
    (0.001, Fraction(1, 1000)), (123456.0, Fraction(123456)),
])
def test_printed_numbers_read_back(value, exact):
    text = number(value)
    assert not E_NOTATION.search(text)
    assert read_number(text) == float(exact)


def test_a_table_cell_reads_back_as_the_closed_form(cli):
    # f = x² + y²/10⁷: ∇²f = diag(2, 2/10⁷), so the eigenvalues are 2·10⁻⁷ and 2, and κ = 10⁷
    result = cli("analyze", "x^2 + y^2/10000000")
    assert result.exit_code == 0, result.stderr
    eigenvalues = re.search(r"minimum\s+\(([^,]+), ([^)]+)\)", result.stdout)
    assert read_number(eigenvalues.group(1)) == float(Fraction(2, 10**7))
    assert read_number(eigenvalues.group(2)) == 2
    kappa = re.search(r"κ = L/μ\s+(\S+)", result.stdout).group(1)
    assert read_number(kappa) == 10**7


@pytest.mark.parametrize("typed", ["10⁻³", "1/1000", "1e-3", "0.001"])
def test_number_options_read_what_help_prints(cli, typed):
    # the bowl x² + 4y² from (3, 3) with α = 0.1: x_t = 3·0.8ᵗ, y_t = 3·0.2ᵗ, ∇f = (2x, 8y)
    first = next(t for t in range(500) if math.hypot(6 * 0.8**t, 24 * 0.2**t) <= 1 / 1000)
    result = cli("solve", "--tol", typed, "--steps", "500", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["steps"] == first


@pytest.mark.parametrize(("args", "name"), [(("solve", "--tol", "abc"), "--tol"), (("solve", "--beta", "x"), "--beta"),
                                            (("fit", "four_points.csv", "--target", "y", "--l2", "λ"), "--l2"),
                                            (("step", "--factor", "two", "--frames", "1"), "--factor")])
def test_a_number_option_that_is_no_number_is_named(cli, args, name):
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"gd: error: {name} must be a number such as 0.1 or 1/10, not ")
    assert result.stderr.count("\n") == 1


def test_compare_shows_each_rows_hyper_parameters(cli):
    # torch's defaults: momentum β = 0.9 (here set to 1/2), Adam β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸
    result = cli("compare", "--optimizers", "gd,momentum,adam", "--beta", "1/2")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "hyper-parameters: momentum β = 0.5; adam β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸" in text


def test_compare_never_cuts_a_number(cli):
    result = cli("compare", "rosenbrock", "--optimizers", "gd,momentum,bfgs", "--tune")
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if re.match(r" (gd|momentum|bfgs) +\d", line)]
    assert len(rows) == 3 and not any("…" in row.replace("… max_steps", "") for row in rows)
    converged = [row for row in rows if "converged" in row and "✓" in row]
    assert converged and all(re.search(r"\d·10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s", row) for row in converged)  # f at a minimum: tiny, whole


def test_markdown_math_writes_powers_of_ten_in_latex(cli, tmp_path):
    # the bowl from (3, 3) with α = 0.1 after 60 steps: x = 3·0.8⁶⁰ ≈ 4.6·10⁻⁶, y = 3·0.2⁶⁰ ≈ 3.5·10⁻⁴²
    out = tmp_path / "run.md"
    result = cli("solve", "--steps", "60", "--tol", "0", "--markdown", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    math = [part for line in text.splitlines() for part in re.findall(r"\$[^$]+\$", line)]
    assert not any(E_NOTATION.search(part) or "⁻" in part for part in math)
    x, y = re.search(r"Final \$x = \(([^,]+), ([^)]+)\)\$", text).groups()
    mantissa, exponent = re.fullmatch(r"([\d.]+) \\cdot 10\^\{(-\d+)\}", x).groups()
    assert float(mantissa) * 10 ** int(exponent) == pytest.approx(3 * 0.8**60, rel=1e-5)
    mantissa, exponent = re.fullmatch(r"([\d.]+) \\cdot 10\^\{(-\d+)\}", y).groups()
    assert float(mantissa) * 10 ** int(exponent) == pytest.approx(3 * 0.2**60, rel=1e-5)


@pytest.mark.parametrize(("args", "message"), [
    (("solve", "--steps", "1.5"), "--steps must be a whole number, not '1.5'"),
    (("basins", "--grid", "many"), "--grid must be a whole number, not 'many'"),
    (("solve", "--rows", "-1"), "--rows must be at least 0, not -1"),
    (("fit", "four_points.csv", "--target", "y", "--rows", "-1"), "--rows must be at least 0, not -1"),
    (("sweep", "--rows", "1"), "--rows must be at least 2, not 1"),
    (("practice", "check", "saddle-and-maximum", "-q", "one", "-a", "1"), "--question must be a whole number"),
])
def test_a_whole_number_option_is_named_in_its_message(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"gd: error: {message}") and result.stderr.count("\n") == 1


def test_help_shows_no_range_of_an_x(cli):
    # Typer would write --rows's lower bound as "x>=0", and x is a variable in gd
    for command in ("solve", "schedule", "fit"):
        assert "x>=" not in cli(command, "--help").stdout
