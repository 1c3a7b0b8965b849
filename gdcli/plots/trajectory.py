"""Figures of runs for teaching: the landscape of f with the path on it, and the loss curve beside it.

What a figure holds depends on the number of variables n:

- n = 2: filled contours of f (log-spaced levels when f spans decades, so the valley floor and the walls both
  show), the path x₀, x₁, … as a line with markers and direction arrows, the start, the end and the known
  minima marked; beside it f(x_t) against t (log scale when f > 0). ``surface=True`` adds a 3-D panel with
  the path lifted onto the surface z = f(x, y).
- n = 1: the curve f(x) with the iterates (x_t, f(x_t)) joined in order, so overshoot and oscillation show;
  and the loss curve.
- n ≥ 3: f(x_t) and ‖∇f(x_t)‖ against t.

Given the curvature along the path (gdcli.engine.stability.PathCurvature), a small panel under the loss curve
shows λmax(∇²f(x_t)) against t with the line 2/α (2(1 + β)/α for momentum).

A diverged run is plotted with the axes chosen from where it started, not from where it escaped to; the
escape is marked with the word "diverged". Everything is drawn with matplotlib's object API on the Agg
canvas (gdcli.plots.figure): no pyplot, no window. ``*_figure`` functions build a Figure without saving it, so
tests can inspect its artists; ``plot_run`` and ``plot_compare`` save atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from gdcli.engine.run import RunResult
from gdcli.errors import GdError, OptionError
from gdcli.plots.draw import (
    draw_curvature,
    draw_curve,
    draw_landscape,
    draw_loss,
    draw_path,
    draw_series,
    formula_text,
    legend_below,
    mark_divergence,
    mark_ends,
    mark_minima,
    optimizer_text,
    status_text,
    title_of,
)
from gdcli.plots.figure import DEFAULT_DPI, SIZE, image_format, new_figure, save
from gdcli.plots.view import COMPARE_ARROWS, Box, view_box


def check_view(run: RunResult, xlim=None, ylim=None, surface: bool = False) -> None:
    """Raise an OptionError when the view options do not fit the run's number of variables."""
    n = run.objective.dimension
    if surface and n != 2:
        raise OptionError(f"--surface draws f over two variables; this objective has {n} "
                          f"({', '.join(run.objective.names)})")
    if n >= 3 and (xlim is not None or ylim is not None):
        raise OptionError(f"--xlim/--ylim apply to objectives of one or two variables; this one has {n}")
    if n == 1 and ylim is not None:
        raise OptionError("--ylim applies to objectives of two variables; use --xlim for one variable")


def _columns(figure: Figure, ratios: list[float], curvature, surface_column: int | None = None):
    """One axes per column; with ``curvature`` the last column is split, the curvature panel below. Returns the
    column axes (in order) and the curvature axes (or None)."""
    grid = figure.add_gridspec(2 if curvature is not None else 1, len(ratios), width_ratios=ratios,
                               height_ratios=[1.7, 1] if curvature is not None else None)
    last = len(ratios) - 1
    columns = [figure.add_subplot(grid[0 if i == last else slice(None), i],
                                  projection="3d" if i == surface_column else None) for i in range(len(ratios))]
    return columns, figure.add_subplot(grid[1, last]) if curvature is not None else None


def run_figure(run: RunResult, xlim=None, ylim=None, surface: bool = False, curvature=None) -> Figure:
    """The figure of one run (see the module docstring), not yet saved; ``curvature`` adds its panel."""
    check_view(run, xlim, ylim, surface)
    n = run.objective.dimension
    if n >= 3:
        figure = new_figure(*SIZE)
        (loss, gradient), sharp = _columns(figure, [1, 1], curvature)
        draw_loss(loss, [run])
        draw_series(gradient, [run], "grad_norm", r"$\|\nabla f(\mathbf{x}_t)\|$", [None])
        gradient.set_title("gradient norm", fontsize=11)
    elif n == 1:
        figure = new_figure(*SIZE)
        (curve, loss), sharp = _columns(figure, [1.35, 1], curvature)
        box = view_box([run], xlim)
        draw_curve(curve, [run], box, ["iterates $x_t$"])
        if run.status == "diverged":
            mark_divergence(curve, np.column_stack([run.x[:, 0], run.f]), Box(*box.xlim, *curve.get_ylim()))
        legend_below(figure, curve)
        draw_loss(loss, [run])
    else:
        box = view_box([run], xlim, ylim)
        figure = new_figure(SIZE[0] + (5.0 if surface else 0.0), SIZE[1] + (0.5 if surface else 0.0))
        ratios = [1.35, 1.35, 1] if surface else [1.35, 1]
        axes, sharp = _columns(figure, ratios, curvature, 1 if surface else None)
        contour, loss = axes[0], axes[-1]
        draw_landscape(contour, run.objective, box, figure)
        draw_path(contour, run.x[:, 0], run.x[:, 1], box)
        mark_ends(contour, run.start, None if run.status == "diverged" else run.final_x)
        mark_minima(contour, run.objective)
        if run.status == "diverged":
            mark_divergence(contour, run.x, box)
        legend_below(figure, contour)
        draw_loss(loss, [run])
        if surface:
            from gdcli.plots.surface import draw_surface

            draw_surface(axes[1], [run], box)
    if sharp is not None:
        draw_curvature(sharp, curvature)
    figure.suptitle(title_of(run), fontsize=12)
    return figure


def compare_figure(runs: Sequence[RunResult], xlim=None, ylim=None) -> Figure:
    """Several runs on the same objective: every path on one landscape in its own colour, marker and dash,
    with a legend, and their loss curves together."""
    runs = list(runs)
    if not runs:
        raise GdError("nothing to compare: give at least one run")
    objective = runs[0].objective
    if any(r.objective is not objective and (r.objective.expr != objective.expr or r.objective.names != objective.names)
           for r in runs):  # runs on one Objective need no SymPy to tell
        raise GdError("the runs to compare must be on the same objective")
    labels = [f"{optimizer_text(r, brief=True)}: {status_text(r, brief=True)}" for r in runs]
    n = objective.dimension
    figure = new_figure(SIZE[0] + 1.0, SIZE[1] + 0.5)
    if n >= 3:
        loss, gradient = figure.subplots(1, 2)
        draw_loss(loss, runs, labels)
        draw_series(gradient, runs, "grad_norm", r"$\|\nabla f(\mathbf{x}_t)\|$", labels)
        gradient.set_title("gradient norm", fontsize=11)
        legend_below(figure, loss, columns=2)
    elif n == 1:
        curve, loss = figure.subplots(1, 2, width_ratios=[1.35, 1])
        draw_curve(curve, runs, view_box(runs, xlim), labels)
        draw_loss(loss, runs)
        legend_below(figure, curve, columns=3)
    else:
        box = view_box(runs, xlim, ylim)
        contour, loss = figure.subplots(1, 2, width_ratios=[1.35, 1])
        draw_landscape(contour, objective, box, figure)
        for index, (run, label) in enumerate(zip(runs, labels)):
            draw_path(contour, run.x[:, 0], run.x[:, 1], box, index, label, arrows=COMPARE_ARROWS)
        mark_ends(contour, runs[0].start, None)  # the shared start; each path ends at its own last marker
        mark_minima(contour, objective)
        draw_loss(loss, runs, labels)
        legend_below(figure, contour, columns=2 if len(runs) > 1 else 3)
    name = f"{objective.function.name}:  " if objective.function is not None else ""
    figure.suptitle(f"{name}{formula_text(objective)}\n{len(runs)} optimizers from the same start", fontsize=12)
    return figure


def plot_run(run: RunResult, path: str | Path, xlim=None, ylim=None, surface: bool = False,
             dpi: int = DEFAULT_DPI, curvature=None) -> Path:
    """Draw ``run`` (see run_figure) and write it atomically to ``path`` (.png, .svg or .pdf)."""
    image_format(path)
    return save(run_figure(run, xlim, ylim, surface, curvature), path, dpi)


def plot_compare(runs: Sequence[RunResult], path: str | Path, xlim=None, ylim=None, dpi: int = DEFAULT_DPI) -> Path:
    """Draw several runs on one objective (see compare_figure) and write the figure atomically to ``path``."""
    image_format(path)
    return save(compare_figure(runs, xlim, ylim), path, dpi)
