"""Figures of runs: each kind is drawn, is a real image of the expected size and not blank, and the plotted data
is the trajectory (checked against closed forms of the iterates, not against the code's own output)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

from gdcli.engine.solution import solve
from gdcli.errors import GdError
from gdcli.plots.draw import formula_text
from gdcli.plots.trajectory import compare_figure, plot_compare, plot_run, run_figure
from gdcli.plots.view import Box, contour_levels, read_limits, view_box
from tests.conftest import run_python
from tests.plots.test_surface import label_value


@pytest.fixture(scope="module")
def bowl():
    """GD on x² + 4y² from (3, 3), α = 0.1: x_t = 3·(1 − 0.2)^t, y_t = 3·(1 − 0.8)^t."""
    return solve(None, lr="0.1", steps=20, tol=0).run


@pytest.fixture(scope="module")
def bowl_figure(bowl):
    return run_figure(bowl)


@pytest.fixture(scope="module")
def rosenbrock():
    return solve("rosenbrock", steps=400).run


def path_line(ax):
    (line,) = [line for line in ax.get_lines() if line.get_gid() == "path"]
    return line


def read_png(path: Path) -> np.ndarray:
    pixels = mpimg.imread(path)
    assert pixels.ndim == 3 and pixels.shape[2] in (3, 4)
    return pixels


def assert_real_image(path: Path, width: int, height: int) -> None:
    pixels = read_png(path)
    assert pixels.shape[:2] == (height, width)
    assert float(pixels[..., :3].var()) > 0.01, "the image is (nearly) blank"
    assert not list(path.parent.glob(".*.tmp")), "a temporary file was left behind"


# what is drawn ---------------------------------------------------------------------------------------------
def test_contour_path_is_the_trajectory(bowl_figure):
    figure = bowl_figure
    contour = figure.axes[0]
    line = path_line(contour)
    t = np.arange(21)
    assert np.allclose(line.get_xdata(), 3 * 0.8 ** t)
    assert np.allclose(line.get_ydata(), 3 * 0.2 ** t)
    # the window holds the start (3, 3) and the minimum (0, 0) with a margin on every side
    (x0, x1), (y0, y1) = contour.get_xlim(), contour.get_ylim()
    assert x0 < 0 < 3 < x1 and y0 < 0 < 3 < y1
    assert contour.get_xlabel() == "$x$" and contour.get_ylabel() == "$y$"
    labels = figure.legends[0].get_texts()
    assert {"path", "start", "end", "known minimum"} <= {text.get_text() for text in labels}


def test_loss_panel_is_f_on_a_log_scale(bowl_figure):
    loss = bowl_figure.axes[1]
    (curve,) = [line for line in loss.get_lines() if len(line.get_xdata()) == 21]
    t = np.arange(21)
    expected = (3 * 0.8 ** t) ** 2 + 4 * (3 * 0.2 ** t) ** 2
    assert np.allclose(curve.get_xdata(), t)
    assert np.allclose(curve.get_ydata(), expected)
    assert loss.get_yscale() == "log"


def test_title_names_objective_in_mathtext_and_optimizer_with_alpha(bowl_figure):
    title = bowl_figure._suptitle.get_text()
    assert "$f(x, y) = x^{2} + 4 y^{2}$" in title
    assert "gradient descent (α = 0.1)" in title
    assert "bowl" in title and "budget of 20 steps" in title


def test_long_formulas_fall_back_to_shortened_text():
    from gdcli.engine.objective import Objective

    objective = Objective.parse(" + ".join(f"{k}*(x - {k})^2*(y + {k})^2" for k in range(1, 15)))
    text = formula_text(objective)
    assert text.startswith("f = ") and text.endswith("…") and "$" not in text


def test_log_spaced_levels_where_f_spans_decades():
    x, y = np.meshgrid(np.linspace(-1.5, 1.5, 200), np.linspace(-0.5, 1.5, 200))
    values = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    levels = contour_levels(values)
    above = levels[1:] - values.min()
    ratios = above[1:] / above[:-1]
    assert np.allclose(ratios, ratios[0]) and ratios[0] > 1.2  # geometric above the minimum
    assert levels[0] == pytest.approx(values.min()) and levels[-1] == pytest.approx(values.max())


def test_even_levels_where_f_does_not_span_decades():
    x, y = np.meshgrid(np.linspace(1, 2, 50), np.linspace(1, 2, 50))
    levels = contour_levels(x + y)  # from 2 to 4: less than a decade above its minimum almost everywhere
    assert np.allclose(np.diff(levels), (4 - 2) / (len(levels) - 1))


def test_one_variable_curve_joins_the_iterates_in_order():
    # GD on (x − 3)² from 0 with α = 0.9: x_t = 3 − 3·(−0.8)^t, f_t = 9·0.64^t (overshoot on every step)
    run = solve("(x - 3)^2", start="0", lr="0.9", steps=12, tol=0).run
    figure = run_figure(run)
    line = path_line(figure.axes[0])
    t = np.arange(13)
    assert np.allclose(line.get_xdata(), 3 - 3 * (-0.8) ** t)
    assert np.allclose(line.get_ydata(), 9 * 0.64 ** t)
    assert figure.axes[0].get_xlabel() == "$x$"


def test_three_variables_show_loss_and_gradient_norm():
    # f = x² + 2y² + 3z² from (1, 1, 1), α = 0.1: each coordinate shrinks by (1 − 0.2k)
    run = solve("x^2 + 2*y^2 + 3*z^2", lr="0.1", steps=10, tol=0).run
    figure = run_figure(run)
    loss, gradient = figure.axes[:2]
    t = np.arange(11)
    a, b, c = 0.8 ** t, 0.6 ** t, 0.4 ** t
    assert np.allclose(loss.get_lines()[0].get_ydata(), a ** 2 + 2 * b ** 2 + 3 * c ** 2)
    assert np.allclose(gradient.get_lines()[0].get_ydata(), np.sqrt((2 * a) ** 2 + (4 * b) ** 2 + (6 * c) ** 2))
    assert gradient.get_lines()[0].get_ydata()[0] == pytest.approx(math.sqrt(56))


def test_diverged_run_is_clipped_to_where_it_started_and_marked():
    # α = 0.3 > 2/λmax = 0.25 on x² + 4y²: y flips and grows by 1.4 per step until the run is called diverged
    run = solve(None, lr="0.3", steps=200).run
    assert run.status == "diverged"
    figure = run_figure(run)
    contour = figure.axes[0]
    assert max(abs(v) for v in (*contour.get_xlim(), *contour.get_ylim())) < 100  # not out to 10¹²
    assert f"✗ {run.message}" in figure._suptitle.get_text()
    assert np.allclose(path_line(contour).get_ydata(), run.x[:, 1])  # the whole path is still there, clipped
    assert "last point in view" in {t.get_text() for t in figure.legends[0].get_texts()}


def test_limits_override_the_window(bowl):
    contour = run_figure(bowl, xlim=(-1, 4), ylim=(-2, 5)).axes[0]
    assert contour.get_xlim() == (-1, 4) and contour.get_ylim() == (-2, 5)
    assert view_box([bowl], (-1, 4)) == Box(-1, 4, *view_box([bowl]).ylim)


@pytest.mark.parametrize("text, pair", [("-2,2", (-2.0, 2.0)), ("[0, pi]", (0.0, math.pi)), ("1/2 3/2", (0.5, 1.5))])
def test_read_limits(text, pair):
    assert read_limits(text, "--xlim") == pytest.approx(pair)


@pytest.mark.parametrize("text", ["2,1", "1", "1,2,3", "0,inf", "a,b", ""])
def test_bad_limits_are_user_errors(text):
    with pytest.raises(GdError, match="--xlim"):
        read_limits(text, "--xlim")


def test_surface_needs_two_variables():
    run = solve("(x - 3)^2", steps=3).run
    with pytest.raises(GdError, match="two variables"):
        run_figure(run, surface=True)


# compare ---------------------------------------------------------------------------------------------------
def test_compare_draws_every_path_in_its_own_colour(rosenbrock):
    momentum = solve("rosenbrock", optimizer="momentum", steps=400).run
    adam = solve("rosenbrock", optimizer="adam", lr="0.05", steps=400).run
    runs = [rosenbrock, momentum, adam]
    figure = compare_figure(runs)
    contour = figure.axes[0]
    paths = [line for line in contour.get_lines() if line.get_gid() == "path"]
    assert len(paths) == 3
    for line, run in zip(paths, runs):
        assert np.allclose(line.get_xdata(), run.x[:, 0]) and np.allclose(line.get_ydata(), run.x[:, 1])
    assert len({line.get_color() for line in paths}) == 3
    assert len({line.get_marker() for line in paths}) == 3  # colour is not the only signal
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert any(label.startswith("gd (α = 0.001)") for label in legend)
    assert any(label.startswith("momentum (α = 0.001)") for label in legend)
    assert any(label.startswith("adam (α = 0.05)") for label in legend)
    loss_curves = [line for line in figure.axes[1].get_lines() if len(line.get_xdata()) > 1]
    assert len(loss_curves) == 3


def test_plot_compare_writes_an_image(tmp_path, rosenbrock):
    other = solve("rosenbrock", optimizer="nesterov", steps=400).run
    target = plot_compare([rosenbrock, other], tmp_path / "compare.png", dpi=60)
    assert_real_image(target, 11 * 60, round(5.5 * 60))


def test_compare_rejects_different_objectives(bowl, rosenbrock):
    with pytest.raises(GdError, match="same objective"):
        compare_figure([bowl, rosenbrock])


# files -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("objective, options, size", [
    (None, {}, (1500, 750)),                                      # 2 variables, the default 10×5 in at 150 dpi
    ("(x - 3)^2", {"start": "0", "lr": "0.9"}, (1500, 750)),      # 1 variable
    ("x^2 + 2*y^2 + 3*z^2", {}, (1500, 750)),                     # 3 variables
    ("saddle", {}, (1500, 750)),                                  # f < 0: a linear loss axis
])
def test_each_kind_is_a_real_image(tmp_path, objective, options, size):
    run = solve(objective, **options).run
    target = plot_run(run, tmp_path / "run.png")
    assert_real_image(target, *size)


def test_surface_figure_and_dpi(tmp_path):
    run = solve("himmelblau", steps=40).run
    assert_real_image(plot_run(run, tmp_path / "s.png", surface=True, dpi=60), 15 * 60, round(5.5 * 60))


def test_svg_and_pdf_follow_the_extension(tmp_path):
    run = solve("x^4 - x", steps=5).run  # one variable: a light figure to write as vectors
    assert plot_run(run, tmp_path / "a.svg").read_text().lstrip().startswith("<?xml")
    assert plot_run(run, tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_bad_extension_and_unwritable_paths_leave_no_file(tmp_path, bowl):
    with pytest.raises(GdError, match="image format"):
        plot_run(bowl, tmp_path / "run.jpg")
    with pytest.raises(GdError, match="cannot write"):
        plot_run(bowl, tmp_path / "missing" / "run.png", dpi=30)
    assert list(tmp_path.iterdir()) == []


# the command -----------------------------------------------------------------------------------------------
def test_solve_plot_prints_the_table_then_writes(cli, tmp_path):
    target = tmp_path / "bowl.png"
    result = cli("solve", "--plot", target, "--dpi", "80", "--xlim", "-1,4")
    assert result.exit_code == 0, result.stderr
    assert "f over the run" in result.stdout
    assert result.stderr.strip() == f"wrote {target}"
    assert_real_image(target, 800, 400)


def test_solve_surface_adds_a_panel(cli, tmp_path):
    result = cli("solve", "booth", "--steps", "20", "--plot", tmp_path / "b.png", "--surface", "--dpi", "40")
    assert result.exit_code == 0, result.stderr
    assert_real_image(tmp_path / "b.png", 15 * 40, round(5.5 * 40))


@pytest.mark.parametrize("args, message", [
    (["--plot", "out.jpg"], "image format"),
    (["--surface"], "--plot PATH too"),
    (["--xlim", "-1,1"], "--plot PATH or --animate PATH"),
    (["--plot", "out.png", "--xlim", "3,1"], "a < b"),
    (["--plot", "out.png", "--dpi", "5"], "--dpi"),
    (["--animate", "out.avi"], "animation format"),
])
def test_bad_picture_options_exit_2_before_the_run(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = cli("solve", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("gd: error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("folder_named_like_the_file", [False, True])
def test_unwritable_plot_path_keeps_the_table(cli, tmp_path, folder_named_like_the_file):
    if folder_named_like_the_file:
        target = tmp_path / "out.png"
        target.mkdir()
    else:
        target = tmp_path / "no-such-folder" / "out.png"
    result = cli("solve", "--steps", "5", "--plot", target)
    assert result.exit_code == 2
    assert "f over the run" in result.stdout  # the run's table is still printed
    assert result.stderr.startswith("gd: error: cannot write") and len(result.stderr.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == (["out.png"] if folder_named_like_the_file else [])
    assert not any(target.iterdir()) if folder_named_like_the_file else True


def test_surface_with_three_variables_is_a_user_error(cli, tmp_path):
    result = cli("solve", "x^2 + y^2 + z^2", "--plot", tmp_path / "p.png", "--surface")
    assert result.exit_code == 2 and "two variables" in result.stderr
    assert result.stdout == ""  # a bad combination of options is refused before anything is shown
    assert list(tmp_path.iterdir()) == []


def test_solve_without_plot_does_not_import_matplotlib():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from gdcli.cli import app\n"
        "plain = CliRunner().invoke(app, ['solve', 'x^2 + 4*y^2', '--rows', '3'])\n"
        "print(plain.exit_code, 'matplotlib' in sys.modules)\n"
        "pictured = CliRunner().invoke(app, ['solve', '--plot', sys.argv[1], '--dpi', '20'])\n"
        "print(pictured.exit_code, 'matplotlib' in sys.modules)\n"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        result = run_python(code, str(Path(folder) / "p.png"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "0", "True"]


@pytest.mark.parametrize("objective, start, surface", [("x^4", "2", False), ("x^4 + y^2", "2,1", False),
                                                       ("x^4 + y^2", "2,1", True), ("x^4 + y^2 + z^2", "2,1,1", False)])
def test_curvature_panel_draws_lambda_max_and_the_line(objective, start, surface):
    """λmax(∇²f) of x⁴ (+ y² …) is max(12x², 2) along the path; the dashed line is 2/α."""
    solution = solve(objective, start=start, lr="0.02", steps=30)
    figure = run_figure(solution.run, surface=surface, curvature=solution.stability.path_curvature)
    (panel,) = [ax for ax in figure.axes if ax.get_title() == "curvature along the path"]
    curve, line = panel.get_lines()[:2]
    x = solution.run.x[:, 0]
    expected = 12 * x * x if objective == "x^4" else np.maximum(12 * x * x, 2.0)
    np.testing.assert_allclose(curve.get_ydata(), expected, rtol=1e-12)
    np.testing.assert_allclose(line.get_ydata(), 2 / 0.02)
    first = int(np.nonzero(expected > 100)[0][0]) if np.any(expected > 100) else None
    assert solution.stability.path_curvature.first_crossing == first


@pytest.mark.parametrize("objective", ["rosenbrock", "himmelblau", "bowl", "booth"])
def test_colour_bar_ticks_are_round(objective):
    """Ticks are powers of ten (ratio 10 between neighbours) or multiples of a step 1, 2 or 5 × 10ᵏ."""
    figure = run_figure(solve(objective, steps=30).run)
    (bar,) = [ax for ax in figure.axes if ax.get_label() == "<colorbar>"]
    ticks = [t for t in bar.get_yticks() if bar.get_ylim()[0] <= t <= bar.get_ylim()[1]]
    assert len(ticks) >= 2
    ratios = [b / a for a, b in zip(ticks, ticks[1:]) if a > 0]
    if len(ratios) == len(ticks) - 1 and all(math.isclose(r, 10) for r in ratios):
        assert all(math.isclose(math.log10(t), round(math.log10(t))) for t in ticks)
        return
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 5))
    assert all(math.isclose(t / step, round(t / step), abs_tol=1e-9) for t in ticks)


def test_the_window_of_a_typed_objective_holds_its_minimum():
    """(x − 3)² + (y + 2)² has its minimum at (3, −2) by inspection; three short steps from (0, 0) end near
    (0.8, −0.5), yet the picture must show where the path is heading."""
    figure = run_figure(solve("(x-3)^2 + (y+2)^2", start="0,0", steps=3, lr=0.05).run)
    contour = figure.axes[0]
    (x0, x1), (y0, y1) = contour.get_xlim(), contour.get_ylim()
    assert x0 < 3 < x1 and y0 < -2 < y1 and x0 < 0 < x1 and y0 < 0 < y1


@pytest.mark.parametrize("objective, start", [("0.001*(x^2 + y^2)", "1,1"), ("x^2 + 100*y^2", "3,1"), ("x*y", "1,1")])
def test_colour_bar_labels_are_written_as_gd_writes_numbers(objective, start):
    """Labels read 10⁻⁴, 10³, 0.5 or −0.5 (never 1e-04), and each names the value its tick stands at."""
    figure = run_figure(solve(objective, start=start, steps=20).run)
    figure.canvas.draw()
    (bar,) = [ax for ax in figure.axes if ax.get_label() == "<colorbar>"]
    labels = [(t.get_position()[1], t.get_text()) for t in bar.get_yticklabels() if t.get_text()]
    assert len(labels) >= 2
    for value, text in labels:
        assert "e" not in text
        assert label_value(text) == pytest.approx(value, rel=1e-6, abs=1e-12)
