"""Figures of a sweep, of basins and of a comparison: drawn from the results, written only when asked."""

import numpy as np
import pytest
from matplotlib.image import imread

from gdcli.landscape.basins import basins
from gdcli.landscape.sweep import sweep
from gdcli.plots.landscape import basins_figure, sweep_figure


def test_sweep_figure_plots_each_run_by_status():
    result = sweep("(x-3)^2", start="0", lr_min=0.1, lr_max=1.45, num=15, steps=1000)
    figure = sweep_figure(result)
    value_axes = figure.axes[0]
    plotted = {line.get_label().split(" (")[0]: line for line in value_axes.get_lines() if line.get_label()[0] != "_"}
    converged = result.lrs < 1
    np.testing.assert_allclose(plotted["converged"].get_xdata(), result.lrs[converged])
    np.testing.assert_allclose(plotted["diverged"].get_xdata(), result.lrs[~converged])
    # the dashed line stands at the theoretical bound 2/λmax = 1
    bound = [line for line in value_axes.get_lines() if line.get_linestyle() == "--"]
    assert bound and bound[0].get_xdata()[0] == 1.0


def test_sweep_figure_marks_zigzags_by_their_swings_and_the_schedules_bound_as_alpha0s():
    # (x − 3)², 300 steps: α = 0.99 shrinks by 0.98 per step, 1 keeps its amplitude, 1.01 grows by 1.02
    result = sweep("(x-3)^2", start="0", lr_min=0.99, lr_max=1.01, num=3, steps=300)
    figure = sweep_figure(result)
    plotted = {line.get_label().split(" (")[0]: list(line.get_xdata()) for line in figure.axes[0].get_lines()
               if line.get_label()[0] != "_"}
    assert plotted == {"shrinking zig-zag": [0.99], "bounded zig-zag": [1.0], "growing zig-zag": [1.01]}
    scheduled = sweep("(x-3)^2", start="0", lr_min=0.5, lr_max=2, num=4, steps=300, schedule="inverse", decay=1.0)
    labels = [text.get_text() for text in sweep_figure(scheduled).axes[0].texts]
    assert any("α₀ bound if α stayed constant" in label for label in labels)


def test_basins_figure_colours_every_start(tmp_path):
    result = basins("himmelblau", grid=21, steps=400)
    figure = basins_figure(result)
    image = figure.axes[0].get_images()[0].get_array()
    np.testing.assert_array_equal(np.asarray(image), result.labels + 2)
    assert len(figure.legends[0].get_texts()) == len(result.points) == 4
    # Himmelblau's region is a square: one unit is as long across as up, so the basins keep their shapes
    figure.canvas.draw()
    axes = figure.axes[0]
    (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
    box = axes.get_window_extent()
    assert (box.width / (x1 - x0)) / (box.height / (y1 - y0)) == pytest.approx(1, rel=0.01)


def test_plot_options_write_images(cli, tmp_path):
    for args in (["sweep", "(x-3)^2", "--start", "0", "--lr-max", "1.5", "--num", "20"],
                 ["basins", "himmelblau", "--grid", "15"],
                 ["compare", "bowl", "--optimizers", "gd,adam", "--xlim", "-4,4", "--ylim", "-4,4"]):
        path = tmp_path / f"{args[0]}.png"
        result = cli(*args, "--plot", path)
        assert result.exit_code == 0, result.stderr
        pixels = imread(path)
        assert pixels.shape[0] >= 600 and pixels.shape[1] >= 1000 and pixels.std() > 0.05


def test_bad_plot_path_fails_before_running(cli, tmp_path):
    result = cli("sweep", "(x-3)^2", "--lr-max", "1.5", "--plot", tmp_path / "sweep.jpg")
    assert result.exit_code == 2 and result.stdout == ""
    assert "use .png, .svg or .pdf" in result.stderr


def test_basins_legend_writes_small_coordinates_as_powers_of_ten():
    # f = x² + (y − 10⁻⁵)²: its one critical point, the minimum, is (0, 10⁻⁵), and every start reaches it
    result = basins("x^2 + (y - 1/100000)^2", grid=5, steps=200)
    labels = [text.get_text() for text in basins_figure(result).legends[0].get_texts()]
    assert labels == ["minimum (0, 10⁻⁵): 100.0%"]
