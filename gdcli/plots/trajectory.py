"""Figures of runs for teaching: the landscape of f with the path on it, and the loss curve beside it.

What a figure holds depends on the number of variables n:

- n = 2: filled contours of f (log-spaced levels when f spans decades, so the valley floor and the walls both
  show), the path x₀, x₁, … as a line with markers and direction arrows, the start, the end and the known
  minima marked; beside it f(x_t) against t (log scale when f > 0). ``surface=True`` adds a 3-D panel with
  the path lifted onto the surface z = f(x, y).
- n = 1: the curve f(x) with the iterates (x_t, f(x_t)) joined in order, so overshoot and oscillation show;
  and the loss curve.
- n ≥ 3: f(x_t) and ‖∇f(x_t)‖ against t.

A diverged run is plotted with the axes chosen from where it started, not from where it escaped to; the
escape is marked with the word "diverged". Everything is drawn with matplotlib's object API on the Agg
canvas (gdcli.figure): no pyplot, no window. ``*_figure`` functions build a Figure without saving it, so
tests can inspect its artists; ``plot_run`` and ``plot_compare`` save atomically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import sympy as sp
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser
from matplotlib.ticker import FuncFormatter, MaxNLocator

from gdcli.errors import GdError, OptionError
from gdcli.expression import parse_vector
from gdcli.figure import DEFAULT_DPI, SIZE, image_format, new_figure, save
from gdcli.kernels import ArrayObjective
from gdcli.objective import Objective
from gdcli.render import number
from gdcli.run import RunResult

__all__ = ["DEFAULT_DPI", "Box", "read_limits", "view_box", "contour_levels", "run_figure", "compare_figure",
           "plot_run", "plot_compare", "title_of", "check_view"]

COLOUR_MAP = "viridis"
"""Dark blue (low f) to yellow (high f): monotone in lightness, so it reads in grey too."""
PATH_COLOURS = ("#d62728", "#ff7f0e", "#e377c2", "#ffffff", "#17becf", "#8c564b")
"""Paths in warm colours or white that stand out on viridis; each also gets its own marker and dash."""
PATH_MARKERS = ("o", "s", "^", "D", "v", "P")
PATH_DASHES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))
HALO = [patheffects.withStroke(linewidth=3.2, foreground="black", alpha=0.55)]
"""A dark outline under every path line, so it stays visible on both the dark and the light end of the map."""
GRID = 220
"""Grid points per axis for the contour (220² evaluations, vectorised)."""
LEVELS = 24
"""Number of contour bands."""
MARGIN = 0.12
"""Fraction of the view's span added on each side."""
MAX_MARKERS = 60
"""Most markers drawn along one path (the line itself keeps every iterate)."""
MAX_ARROWS = 8
"""Most direction arrows along one path."""
COMPARE_ARROWS = 4
"""Arrows per path when several paths share one window."""
LOG_SPAN = 100.0
"""Use a log scale (loss) or log-spaced levels (contour) when the values span at least this factor."""


@dataclass(frozen=True)
class Box:
    """The plotted window [xmin, xmax] × [ymin, ymax] (ymin, ymax unused for one variable)."""

    xmin: float
    xmax: float
    ymin: float = 0.0
    ymax: float = 1.0

    @property
    def xlim(self) -> tuple[float, float]:
        return self.xmin, self.xmax

    @property
    def ylim(self) -> tuple[float, float]:
        return self.ymin, self.ymax

    def contains(self, points: np.ndarray) -> np.ndarray:
        """Which rows of (k × 2) ``points`` lie inside the box."""
        return ((points[:, 0] >= self.xmin) & (points[:, 0] <= self.xmax)
                & (points[:, 1] >= self.ymin) & (points[:, 1] <= self.ymax))


# reading options ----------------------------------------------------------------------------------------
def read_limits(text: str | Sequence[float] | None, name: str) -> tuple[float, float] | None:
    """``"a,b"`` (numbers or constants such as -pi) as (a, b) with a < b, both finite; None stays None."""
    if text is None:
        return None
    values = parse_vector(text, name) if isinstance(text, str) else list(text)
    try:
        pair = [float(v) for v in values]
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be two real numbers a,b") from None
    if len(pair) != 2 or not all(math.isfinite(v) for v in pair):
        raise OptionError(f"{name} must be two finite numbers a,b, such as {name} -2,2")
    if not pair[0] < pair[1]:
        raise OptionError(f"{name} must have a < b, not {number(pair[0])},{number(pair[1])}")
    return pair[0], pair[1]


# choosing the view ----------------------------------------------------------------------------------------
def span(low: float, high: float) -> tuple[float, float]:
    """[low, high] widened by MARGIN on each side; a single point gets a unit-wide window."""
    width = high - low
    if width <= 1e-12 * max(1.0, abs(low), abs(high)):
        width = max(1.0, abs(low) * 0.5)
        return low - width / 2, high + width / 2
    return low - MARGIN * width, high + MARGIN * width


def visible_path(run: RunResult) -> np.ndarray:
    """The iterates the view is fitted to: all of them, or for a diverged run those still near the start."""
    x = run.x
    if run.status != "diverged" or len(x) < 2:
        return x
    features = [run.start] + [np.asarray(m, float) for m in known_minima(run.objective)]
    centre = np.mean(features, axis=0)
    scale = max(1.0, float(np.max(np.abs(np.asarray(features) - centre))) * 2)
    distance = np.max(np.abs(x - centre), axis=1)
    near = distance <= 4 * scale
    # the prefix of iterates that stayed near: once a run has escaped, later rows are off the chart; the first
    # step is kept unless it is already far out, since its overshoot is what the picture is about
    stop = int(np.argmin(near)) if not near.all() else len(x)
    first_step = 2 if distance[1] <= 100 * scale else 1
    return x[: max(stop, first_step)]


def known_minima(objective: Objective) -> list[tuple[float, ...]]:
    function = objective.function
    if function is None or len(function.start) != objective.dimension:
        return []
    return [tuple(m) for m in function.minima]


def view_box(runs: Sequence[RunResult], xlim=None, ylim=None) -> Box:
    """The window that holds every (visible) path and the known minima, with a margin; xlim/ylim override."""
    objective = runs[0].objective
    points = [visible_path(r) for r in runs]
    minima = known_minima(objective)
    if minima:
        points.append(np.asarray(minima, dtype=float))
    cloud = np.vstack(points)
    xs = span(float(cloud[:, 0].min()), float(cloud[:, 0].max()))
    if objective.dimension == 1:
        return Box(*(xlim or xs))
    ys = span(float(cloud[:, 1].min()), float(cloud[:, 1].max()))
    return Box(*(xlim or xs), *(ylim or ys))


# the landscape -----------------------------------------------------------------------------------------
def grid_values(objective: Objective, box: Box, size: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, Y, F) on a size × size grid over the box; F is nan where f is undefined or not finite."""
    X, Y = np.meshgrid(np.linspace(box.xmin, box.xmax, size), np.linspace(box.ymin, box.ymax, size))
    F, _ = ArrayObjective(objective)([X, Y])
    F = np.array(F, dtype=float)
    F[~np.isfinite(F)] = np.nan
    return X, Y, F


def contour_levels(values: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """Increasing contour levels for the finite ``values``.

    When f − min f spans at least LOG_SPAN (a narrow valley with steep walls, f = 100(y − x²)² + …), the
    levels are min f + d with d geometrically spaced from the 1st percentile of f − min f up to its maximum,
    so both the valley floor and the walls get bands; otherwise they are evenly spaced.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise GdError("f is not defined anywhere in the plotted window: choose another one with --xlim/--ylim")
    low, high = float(finite.min()), float(finite.max())
    if high - low <= 1e-12 * max(1.0, abs(low)):
        return np.array([low - 0.5, low + 0.5]) if high == low else np.linspace(low, high, 3)
    excess = finite - low
    floor = float(np.percentile(excess, 1))
    floor = max(floor, (high - low) * 1e-9)
    if (high - low) / floor >= LOG_SPAN:
        return low + np.concatenate([[0.0], np.geomspace(floor, high - low, count - 1)])
    return np.linspace(low, high, count)


def draw_landscape(ax: Axes, objective: Objective, box: Box, colorbar_figure: Figure | None = None) -> None:
    X, Y, F = grid_values(objective, box)
    levels = contour_levels(F)
    norm = BoundaryNorm(levels, 256)
    filled = ax.contourf(X, Y, F, levels=levels, cmap=COLOUR_MAP, norm=norm, extend="neither")
    ax.contour(X, Y, F, levels=levels, colors="white", linewidths=0.35, alpha=0.45)
    if colorbar_figure is not None:
        bar = colorbar_figure.colorbar(filled, ax=ax, shrink=0.9, pad=0.02)
        step = max(1, len(levels) // 6)
        bar.set_ticks(levels[::step])
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 3)))
        bar.ax.set_title("$f$", fontsize=11)
    ax.set_xlim(*box.xlim)
    ax.set_ylim(*box.ylim)
    names = [math_name(s) for s in objective.symbols]
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    spans = (box.xmax - box.xmin) / (box.ymax - box.ymin)
    if 1 / 3 <= spans <= 3:
        ax.set_aspect("equal", adjustable="box")


def math_name(symbol: sp.Symbol) -> str:
    return f"${sp.latex(symbol)}$"


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


# 1-D ------------------------------------------------------------------------------------------------------
def draw_curve(ax: Axes, runs: Sequence[RunResult], box: Box, labels: Sequence[str | None]) -> None:
    objective = runs[0].objective
    grid = np.linspace(box.xmin, box.xmax, 600)
    values, _ = ArrayObjective(objective)([grid])
    values = np.where(np.isfinite(values), values, np.nan)
    ax.plot(grid, values, color="#3b3b3b", linewidth=2.0, label=f"$f({sp.latex(objective.symbols[0])})$")
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
    ax.set_xlabel(math_name(objective.symbols[0]))
    ax.set_ylabel(f"$f({sp.latex(objective.symbols[0])})$")
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
    names = ", ".join(sp.latex(s) for s in objective.symbols[:4]) + (", …" if objective.dimension > 4 else "")
    latex = sp.latex(objective.expr)
    if len(latex) <= 4 * TITLE_LIMIT:
        candidate = f"$f({names}) = {latex}$"
        try:
            if _MATHTEXT.parse(candidate, dpi=72).width <= TITLE_WIDTH:
                return candidate
        except (ValueError, RuntimeError):
            pass
    plain = sp.sstr(objective.expr).replace("**", "^").replace("$", r"\$")
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


def run_figure(run: RunResult, xlim=None, ylim=None, surface: bool = False) -> Figure:
    """The figure of one run (see the module docstring), not yet saved."""
    check_view(run, xlim, ylim, surface)
    n = run.objective.dimension
    if n >= 3:
        figure = new_figure(*SIZE)
        loss, gradient = figure.subplots(1, 2)
        draw_loss(loss, [run])
        draw_series(gradient, [run], "grad_norm", r"$\|\nabla f(\mathbf{x}_t)\|$", [None])
        gradient.set_title("gradient norm", fontsize=11)
    elif n == 1:
        figure = new_figure(*SIZE)
        curve, loss = figure.subplots(1, 2, width_ratios=[1.35, 1])
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
        axes = figure.subplots(1, len(ratios), width_ratios=ratios, subplot_kw=None)
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
            axes[1].remove()
            from gdcli.surface import draw_surface

            draw_surface(figure.add_subplot(1, 3, 2, projection="3d"), [run], box)
    figure.suptitle(title_of(run), fontsize=12)
    return figure


def compare_figure(runs: Sequence[RunResult], xlim=None, ylim=None) -> Figure:
    """Several runs on the same objective: every path on one landscape in its own colour, marker and dash,
    with a legend, and their loss curves together."""
    runs = list(runs)
    if not runs:
        raise GdError("nothing to compare: give at least one run")
    objective = runs[0].objective
    if any(r.objective.expr != objective.expr or r.objective.names != objective.names for r in runs):
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
             dpi: int = DEFAULT_DPI) -> Path:
    """Draw ``run`` (see run_figure) and write it atomically to ``path`` (.png, .svg or .pdf)."""
    image_format(path)
    return save(run_figure(run, xlim, ylim, surface), path, dpi)


def plot_compare(runs: Sequence[RunResult], path: str | Path, xlim=None, ylim=None, dpi: int = DEFAULT_DPI) -> Path:
    """Draw several runs on one objective (see compare_figure) and write the figure atomically to ``path``."""
    image_format(path)
    return save(compare_figure(runs, xlim, ylim), path, dpi)
