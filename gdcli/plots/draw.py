"""Drawing on an Axes: the landscape of f as filled contours, paths with markers and direction arrows, the
start, end, minima and divergence marked, loss curves (log scale when f spans decades), the curve of f for
one variable, and titles written in mathtext.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser
from matplotlib.ticker import FuncFormatter, MaxNLocator

from gdcli.engine.kernels import ArrayObjective
from gdcli.engine.notation import SUPERSCRIPT, number
from gdcli.engine.objective import Objective
from gdcli.engine.run import RunResult
from gdcli.plots.view import (
    COLOUR_MAP,
    HALO,
    MAX_ARROWS,
    MAX_MARKERS,
    PATH_COLOURS,
    PATH_DASHES,
    PATH_MARKERS,
    Box,
    contour_levels,
    grid_values,
    known_minima,
    round_ticks,
    span,
)


ASPECT_RANGE = 3.0
"""Windows whose x and y spans differ by at most this factor are drawn with equal aspect."""


def draw_landscape(ax: Axes, objective: Objective, box: Box, colorbar_figure: Figure | None = None) -> None:
    X, Y, F = grid_values(objective, box)
    levels = contour_levels(F)
    norm = BoundaryNorm(levels, 256)
    filled = ax.contourf(X, Y, F, levels=levels, cmap=COLOUR_MAP, norm=norm, extend="neither")
    ax.contour(X, Y, F, levels=levels, colors="white", linewidths=0.35, alpha=0.45)
    if colorbar_figure is not None:
        bar = colorbar_figure.colorbar(filled, ax=ax, shrink=0.9, pad=0.02)
        bar.set_ticks(round_ticks(levels))
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: tick_text(v)))
        bar.ax.set_title("$f$", fontsize=11)
    ax.set_xlim(*box.xlim)
    ax.set_ylim(*box.ylim)
    names = math_names(objective)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    equal_aspect_if_comparable(ax, box.xlim, box.ylim)


def equal_aspect_if_comparable(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """One unit the same length on both axes when the window's spans are within a factor ASPECT_RANGE of each
    other (circles stay round); otherwise each axis fills its side, so a long thin window stays readable."""
    spans = (xlim[1] - xlim[0]) / (ylim[1] - ylim[0])
    if 1 / ASPECT_RANGE <= spans <= ASPECT_RANGE:
        ax.set_aspect("equal", adjustable="box")


def tick_text(value: float) -> str:
    """A tick label as gd writes numbers: at most 3 significant digits, 10³ and 5·10⁻⁵ rather than 1e+03 (a
    power of ten from 10⁻³ down or 10³ up always so, so log-spaced ticks read 10⁻⁴, 10⁻³, 0.01), and the minus
    sign − as matplotlib's own tick labels write it."""
    power = math.log10(abs(value)) if value else 0.0
    if abs(power) >= 3 and power == round(power):
        text = ("-" if value < 0 else "") + "10" + str(round(power)).translate(SUPERSCRIPT)
    else:
        text = number(value, 3)
    return text.replace("-", "−")


def math_names(objective: Objective) -> list[str]:
    """Each variable as mathtext: $x$, $x_{1}$."""
    return [f"${name}$" for name in objective.latex["names"]]


# paths ---------------------------------------------------------------------------------------------------
def draw_path(ax: Axes, xs: np.ndarray, ys: np.ndarray, box: Box, index: int = 0, label: str | None = "path",
               zorder: float = 4, arrows: int = MAX_ARROWS) -> None:
    """The iterates joined in order, a marker on (at most MAX_MARKERS of) them, and arrows showing direction."""
    colour, marker, dash = (PATH_COLOURS[index % len(PATH_COLOURS)], PATH_MARKERS[index % len(PATH_MARKERS)],
                            PATH_DASHES[index % len(PATH_DASHES)])
    every = max(1, math.ceil(len(xs) / MAX_MARKERS))
    line, = ax.plot(xs, ys, linestyle=dash, color=colour, linewidth=1.6, marker=marker, markersize=4.5,
                    markevery=every, markeredgecolor="black", markeredgewidth=0.5, label=label, zorder=zorder,
                    path_effects=HALO)
    line.set_gid("path")
    draw_arrows(ax, xs, ys, box, colour, zorder, arrows)


def draw_arrows(ax: Axes, xs: np.ndarray, ys: np.ndarray, box: Box, colour: str, zorder: float,
                 most: int = MAX_ARROWS) -> None:
    """Arrow heads showing the direction of travel.

    A path of few long steps gets one at the middle of each step (up to ``most``); a path of many short
    steps gets ``most`` of them spread evenly along its length, each pointing along the step it falls on.
    Lengths are measured in fractions of the window, so the arrows are spaced alike on either axis.
    """
    if len(xs) < 2:
        return
    width, height = box.xmax - box.xmin, box.ymax - box.ymin
    dx, dy = np.diff(xs) / width, np.diff(ys) / height
    lengths = np.hypot(dx, dy)
    mid_x, mid_y = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
    visible = ((mid_x > box.xmin) & (mid_x < box.xmax) & (mid_y > box.ymin) & (mid_y < box.ymax)
               & np.isfinite(lengths) & (lengths < 2))
    lengths = np.where(visible, lengths, 0.0)
    long_steps = np.flatnonzero(lengths > 0.04)
    if 0 < long_steps.size <= most and lengths[long_steps].sum() >= 0.8 * lengths.sum():
        places = [(i, 0.5) for i in long_steps]
    else:
        travelled = np.cumsum(lengths)
        if travelled[-1] <= 0:
            return
        targets = travelled[-1] * (np.arange(most) + 0.5) / most
        steps = np.searchsorted(travelled, targets)
        places = [(i, 1 - (travelled[i] - target) / lengths[i]) for i, target in zip(steps, targets) if lengths[i] > 0]
    half = 0.015
    placed: list[tuple[float, float]] = []
    for i, where in places:
        ux, uy = dx[i] / lengths[i], dy[i] / lengths[i]
        px, py = xs[i] + where * (xs[i + 1] - xs[i]), ys[i] + where * (ys[i + 1] - ys[i])
        spot = ((px - box.xmin) / width, (py - box.ymin) / height)
        if any(math.hypot(spot[0] - a, spot[1] - b) < 0.06 for a, b in placed):
            continue  # arrows closer than this would pile up into a blot
        placed.append(spot)
        tail = (px - ux * half * width, py - uy * half * height)
        head = (px + ux * half * width, py + uy * half * height)
        ax.annotate("", xy=head, xytext=tail, zorder=zorder + 0.5, annotation_clip=True,
                    arrowprops=dict(arrowstyle="-|>,head_length=0.7,head_width=0.35", facecolor=colour,
                                    edgecolor="black", linewidth=0.6, mutation_scale=16, shrinkA=0, shrinkB=0))


def mark_ends(ax: Axes, start: Sequence[float], end: Sequence[float] | None) -> None:
    """A white circle on the start and a hollow orange square around the end, so a known minimum under it still
    shows (None: no end, as for a diverged run)."""
    ax.plot([start[0]], [start[1]], linestyle="none", marker="o", markersize=11, markerfacecolor="white",
            markeredgecolor="black", markeredgewidth=1.5, zorder=6, label="start")
    if end is not None:
        ax.plot([end[0]], [end[1]], linestyle="none", marker="s", markersize=15, markerfacecolor="none",
                markeredgecolor="#ff7f0e", markeredgewidth=2.6, zorder=8, label="end")


def mark_minima(ax: Axes, objective: Objective) -> None:
    minima = np.asarray(known_minima(objective), dtype=float)
    if minima.size:
        ax.plot(minima[:, 0], minima[:, 1], linestyle="none", marker="*", markersize=16, markerfacecolor="white",
                markeredgecolor="black", markeredgewidth=1.0, zorder=7,
                label="known minimum" if len(minima) == 1 else "known minima")


def mark_divergence(ax: Axes, points: np.ndarray, box: Box) -> None:
    """A cross on the last of the (k × 2) plotted ``points`` still in the window (the title says why the run
    diverged)."""
    inside = np.flatnonzero(box.contains(points))
    if inside.size:
        last = points[inside[-1]]
        ax.plot([last[0]], [last[1]], linestyle="none", marker="X", markersize=13, markerfacecolor="#d62728",
                markeredgecolor="white", markeredgewidth=1.2, zorder=7, label="last point in view")


# loss curves ---------------------------------------------------------------------------------------------
def log_scale_fits(values: np.ndarray, factor: float = 10.0) -> bool:
    """True when every value is finite and positive (a log axis can show them) and they span ``factor`` or more."""
    return values.size > 0 and bool(np.all(np.isfinite(values)) and np.all(values > 0)) and \
        values.max() / values.min() >= factor


def draw_series(ax: Axes, runs: Sequence[RunResult], field: str, ylabel: str, labels: Sequence[str | None]) -> None:
    """One quantity of each run (f or grad_norm) against t; a log scale when it is positive and spans decades."""
    every_value = np.concatenate([getattr(r, field) for r in runs])
    for index, (run, label) in enumerate(zip(runs, labels)):
        values = getattr(run, field)
        colour = PATH_COLOURS[index % len(PATH_COLOURS)] if len(runs) > 1 else "#1f4e9c"
        if colour == "#ffffff":
            colour = "#444444"
        every = max(1, math.ceil(len(values) / MAX_MARKERS))
        ax.plot(run.t, values, color=colour, linestyle=PATH_DASHES[index % len(PATH_DASHES)], linewidth=1.8,
                marker=PATH_MARKERS[index % len(PATH_MARKERS)], markersize=3.5, markevery=every, label=label)
        if run.status == "diverged":
            ax.plot([run.t[-1]], [values[-1]], linestyle="none", marker="X", markersize=11, color="#d62728",
                    markeredgecolor="black", zorder=5)
            ax.annotate("diverged", (run.t[-1], values[-1]), xytext=(-10, -6), textcoords="offset points",
                        ha="right", va="top", fontsize=9, color="#a01010",
                        bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85))
    if log_scale_fits(every_value):
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 2.5, 5, 10]))
    ax.set_xlabel("step $t$")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.35)
    ax.margins(x=0.02)


def draw_loss(ax: Axes, runs: Sequence[RunResult], labels: Sequence[str | None] | None = None) -> None:
    draw_series(ax, runs, "f", r"$f(\mathbf{x}_t)$", labels or [None] * len(runs))
    ax.set_title("loss", fontsize=11)


def draw_curvature(ax: Axes, curvature) -> None:
    """λmax(∇²f(x_t)) against t with the line the step size allows (2/α for gd, 2(1 + β)/α for momentum):
    where the curve rises above the line the run is in a region too sharp for its step size.
    ``curvature`` is a gdcli.engine.stability.PathCurvature."""
    ax.plot(curvature.t, curvature.lambda_max, color="#1f4e9c", linewidth=1.6,
            label=r"$\lambda_{\max}(\nabla^2 f(\mathbf{x}_t))$")
    if curvature.threshold is not None:
        name = curvature.threshold_name.replace("α", r"\alpha").replace("β", r"\beta")
        ax.plot(curvature.t, curvature.threshold, color="#d62728", linestyle="--", linewidth=1.2, label=f"${name}$")
        first = curvature.first_crossing
        if first is not None:
            ax.axvline(first, color="#d62728", linewidth=0.8, alpha=0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 2.5, 5, 10]))
    ax.set_xlabel("step $t$")
    ax.set_title("curvature along the path", fontsize=11)
    ax.grid(True, which="major", alpha=0.35)
    ax.legend(fontsize=8, loc="best")
    ax.margins(x=0.02)


# 1-D ------------------------------------------------------------------------------------------------------
def draw_curve(ax: Axes, runs: Sequence[RunResult], box: Box, labels: Sequence[str | None]) -> None:
    objective = runs[0].objective
    grid = np.linspace(box.xmin, box.xmax, 600)
    values, _ = ArrayObjective(objective)([grid])
    values = np.where(np.isfinite(values), values, np.nan)
    ax.plot(grid, values, color="#3b3b3b", linewidth=2.0, label=f"$f({objective.latex['names'][0]})$")
    shown = [values[np.isfinite(values)]]
    for index, (run, label) in enumerate(zip(runs, labels)):
        xs, fs = run.x[:, 0], run.f
        inside = (xs >= box.xmin) & (xs <= box.xmax)
        shown.append(fs[inside])
        low, high = (np.nanmin(np.concatenate(shown)), np.nanmax(np.concatenate(shown)))
        draw_path(ax, xs, fs, Box(box.xmin, box.xmax, low, high if high > low else low + 1), index, label)
        if index == 0:  # several runs share the start; each ends at its own last marker
            mark_ends(ax, (xs[0], fs[0]), None if run.status == "diverged" or len(runs) > 1 else (xs[-1], fs[-1]))
    minima = known_minima(objective)
    if minima:
        mx = np.array([m[0] for m in minima])
        ax.plot(mx, ArrayObjective(objective)([mx])[0], linestyle="none", marker="*", markersize=16,
                markerfacecolor="white", markeredgecolor="black", zorder=5, label="known minimum")
    everything = np.concatenate(shown)
    everything = everything[np.isfinite(everything)]
    if everything.size:
        low, high = span(float(everything.min()), float(everything.max()))
        ax.set_ylim(low, high)
    ax.set_xlim(*box.xlim)
    ax.set_xlabel(math_names(objective)[0])
    ax.set_ylabel(f"$f({objective.latex['names'][0]})$")
    ax.grid(True, alpha=0.3)


def legend_below(figure: Figure, ax: Axes, columns: int = 6) -> None:
    """The panel's legend under the whole figure, where it can never hide the path."""
    handles, names = ax.get_legend_handles_labels()
    if handles:
        figure.legend(handles, names, loc="outside lower center", ncols=min(columns, len(names)), fontsize=9,
                      framealpha=0.9)


# titles --------------------------------------------------------------------------------------------------
_MATHTEXT = MathTextParser("path")
TITLE_LIMIT = 110
"""Longest formula in plain characters put in a title; longer ones are shortened with '…'."""
TITLE_WIDTH = 560
"""Widest typeset formula (in points at 12 pt) put in a title: wider ones are written as plain text instead."""


def formula_text(objective: Objective) -> str:
    """f(x, y) = … as mathtext when matplotlib can typeset it, else as plain text, shortened if long."""
    names = ", ".join(objective.latex["names"][:4]) + (", …" if objective.dimension > 4 else "")
    latex = objective.latex["expression"]
    if len(latex) <= 4 * TITLE_LIMIT:
        candidate = f"$f({names}) = {latex}$"
        try:
            if _MATHTEXT.parse(candidate, dpi=72).width <= TITLE_WIDTH:
                return candidate
        except (ValueError, RuntimeError):
            pass
    plain = objective.latex["plain"].replace("**", "^").replace("$", r"\$")
    if len(plain) > TITLE_LIMIT:
        plain = plain[: TITLE_LIMIT - 1] + "…"
    return f"f = {plain}"


def optimizer_text(run: RunResult, brief: bool = False) -> str:
    """'gradient descent (α = 0.1)' with the optimizer's hyper-parameters (``brief``: only those changed from
    the defaults) and any schedule or line search."""
    greek = {"beta": "β", "beta1": "β₁", "beta2": "β₂", "eps": "ε", "rho": "ρ"}
    defaults = run.optimizer.rule.defaults
    parts = [f"α = {number(run.lr0)}"] + [f"{greek.get(k, k)} = {number(v)}" for k, v in run.optimizer.hyper.items()
                                          if not brief or v != defaults.get(k)]
    if run.schedule.name != "constant":
        parts.append(run.schedule.describe())
    if run.line_search is not None:
        parts.append("Armijo backtracking")
    name = run.optimizer.name if run.optimizer.name != "gd" or brief else "gradient descent"
    return f"{name} ({', '.join(parts)})"


def status_text(run: RunResult, brief: bool = False) -> str:
    """How the run ended, in words with a mark: ✓ converged in 34 steps, ✗ diverged at step 12, …"""
    steps = f"{run.steps} step{'s' if run.steps != 1 else ''}"
    if run.status == "converged":
        return f"✓ converged in {steps}"
    if run.status == "diverged":
        return "✗ diverged" if brief else f"✗ {run.message}"
    return f"{steps}, not converged" if brief else f"stopped at the budget of {steps} (not converged)"


def title_of(run: RunResult) -> str:
    """Two lines: the objective (named when built in) and the optimizer with α, then how the run ended."""
    objective = run.objective
    name = f"{objective.function.name}:  " if objective.function is not None else ""
    return f"{name}{formula_text(objective)}\n{optimizer_text(run)} — {status_text(run)}"


# figures -------------------------------------------------------------------------------------------------
