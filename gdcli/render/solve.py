"""Rich renderables for results: nothing here prints; the CLI prints what these return.

Colour is never the only signal: every coloured verdict also carries a word or a mark (✓, ✗, ▲).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gdcli.engine.expression import reads_euler
from gdcli.engine.methods import describe_search
from gdcli.engine.notation import number, vector
from gdcli.engine.objective import SHOWN_DIMENSION
from gdcli.engine.optimizers import rule_lines
from gdcli.engine.stability import Stability
from gdcli.render.table import PlainTable

SPARK = "▁▂▃▄▅▆▇█"
STATUS_STYLE = {"converged": "green", "max_steps": "yellow", "diverged": "red", "line_search_failed": "red"}
STATUS_MARK = {"converged": "✓ converged", "max_steps": "… max_steps", "diverged": "✗ diverged",
               "line_search_failed": "✗ line search failed"}
VECTOR_DIGITS = {3: (4, 3), 4: (3, 3)}
"""Significant digits of x_t and ∇f(x_t) in the iterate table for 3 and 4 variables, so a row stays one line at
80 columns (else 5 and 4: fewer variables, or more, of which only two are shown)."""


def sparkline(values: Sequence[float], width: int = 60) -> str:
    """Bars for a sequence, sampled to ``width``; a log scale when all values are positive and span decades."""
    data = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    if data.size == 0:
        return ""
    if data.size > width:
        data = data[np.linspace(0, data.size - 1, width).round().astype(int)]
    if log_scaled(data):
        data = np.log10(data)
    low, high = float(data.min()), float(data.max())
    if high - low <= 1e-300:
        return SPARK[0] * data.size
    levels = np.clip(((data - low) / (high - low) * (len(SPARK) - 1)).round().astype(int), 0, len(SPARK) - 1)
    return "".join(SPARK[i] for i in levels)


def log_scaled(values: Sequence[float]) -> bool:
    """Whether ``sparkline`` draws these (finite) values on a log scale: all positive, spanning over 100×."""
    data = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    return bool(data.size and np.all(data > 0) and data.max() / data.min() > 100)


def labelled_sparkline(label: str, values: Sequence[float], width: int = 60) -> Text:
    """"f over the run, log scale ▇▅▃▁": the sparkline with its label and the scale it is drawn on."""
    scale = "log scale" if log_scaled(values) else "linear scale"
    return Text.assemble((f"{label}, {scale} ", "dim"), sparkline(values, width))


def header(solution) -> Panel:
    """The objective, ∇f, ∇²f and the optimizer's rule, as a teacher would write them on the board."""
    o, r = solution.objective, solution.run
    names = ", ".join(o.names) if o.dimension <= 4 else f"{o.names[0]}, …, {o.names[-1]}"
    lines = Table.grid(padding=(0, 1))
    lines.add_column(style="bold", no_wrap=True)
    lines.add_column()
    shown = o.shown
    lines.add_row(f"f({names}) =", shown["expression"])
    if reads_euler(o.text, o.names):
        lines.add_row("e", f"Euler's number 2.71828…, not a variable (--vars {','.join(['e', *o.names])} "
                           "makes it one)")
    lines.add_row("∇f =", "(" + ", ".join(shown["gradient"]) + ")" if o.dimension <= SHOWN_DIMENSION else
                  f"{o.dimension} components, derived term by term")
    rows = shown["hessian_rows"]
    if rows and max(map(len, rows)) <= 60:
        lines.add_row("∇²f =", "\n".join(rows))
    elif o.dimension <= 4:
        lines.add_row("∇²f =", "\n".join(
            f"∂²f/∂{o.names[i]}∂{o.names[j]} = {text}" for i, j, text in shown["hessian_entries"]))
    else:
        pattern = o.hessian_pattern
        lines.add_row("∇²f =", f"{o.dimension}×{o.dimension}, {2 * len(pattern) - sum(i == j for i, j in pattern)} non-zero entries")
    opt = r.optimizer
    hyper = ", ".join(opt.settings_text())
    lines.add_row("optimizer", f"{opt.rule.title}" + (f"; {hyper}" if hyper else ""))
    lines.add_row("rule", "\n".join(rule_lines(opt.rule)))
    lines.add_row("", Text(opt.rule.note, style="dim italic"))
    own = getattr(opt.rule, "step_rule", "")
    lines.add_row("α", own.replace("α₀", f"α₀ = {number(r.lr0)}") if own else
                  f"{number(r.lr0)}; {r.schedule.describe()}" + (f"; {describe_search(r.line_search)}"
                                                                 if r.line_search else ""))
    lines.add_row("start", f"{vector(r.start)}")
    title = f"gd solve · {o.text}" if len(o.text) <= 60 else "gd solve"
    return Panel(PlainTable(lines), title=Text(title), title_align="left", border_style="blue")


def iterate_table(run, max_rows: int = 20) -> Table:
    """t, x_t, f(x_t), ∇f(x_t), ‖∇f‖, α_t (and Armijo trials): the first and last rows of long runs."""
    table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    for name in ("t", "x_t", "f(x_t)", "∇f(x_t)", "‖∇f‖", "α_t"):
        vectors = name in ("x_t", "∇f(x_t)")
        # numbers never wrap; vectors fold if they must, so every column stays on screen
        table.add_column(name, justify="left" if vectors else "right", no_wrap=not vectors,
                         overflow="fold" if vectors else "ellipsis")
    if run.line_search is not None:
        table.add_column("trials", justify="right")
    # significant digits of x_t and ∇f(x_t): fewer as the variables grow, so a row stays one line at 80 columns
    x_digits, grad_digits = VECTOR_DIGITS.get(run.objective.dimension, (5, 4))
    notes = [state.get("note", "") for state in run.states] if run.states is not None else None
    if notes is not None and any(notes):
        table.add_column("note", overflow="fold")
    else:
        notes = None
    rows = len(run.t)
    if max_rows and rows > max_rows + 2:
        head = max_rows // 2
        shown = list(range(head)) + [None] + list(range(rows - (max_rows - head), rows))
    else:
        shown = list(range(rows))
    for r in shown:
        if r is None:
            table.add_row("⋮", Text(f"{rows - max_rows} more", style="dim"))
            table.caption = f"{rows - max_rows} rows hidden: --rows 0 shows all, --every K samples"
            continue
        shown = 4 if run.objective.dimension <= 4 else 2
        cells = [str(run.t[r]), vector(run.x[r], x_digits, most=shown), number(run.f[r]),
                 vector(run.grad[r], grad_digits, most=shown),
                 number(run.grad_norm[r], 4), number(run.lr[r], 4)]
        if run.line_search is not None:
            cells.append(str(run.trials[r]) if r < rows - 1 or run.status in ("diverged", "line_search_failed")
                         else "")
        if notes is not None:
            cells.append(Text(notes[r], style="yellow"))
        table.add_row(*cells)
    return table


def stability_panel(stability: Stability, lr0: float) -> Panel:
    """The point read and its kind, eigenvalues there, κ, the stable range, the best fixed α, the curvature
    along the path and the plain reading."""
    s = stability
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("Hessian at", point_name(s))
    if s.eigenvalues is not None and np.all(np.isfinite(s.eigenvalues)):
        grid.add_row("eigenvalues", vector(s.eigenvalues, 6, 6))
        grid.add_row("λmin, λmax", f"{number(s.lambda_min)}, {number(s.lambda_max)}")
        if s.condition_number:
            grid.add_row("κ = λmax/λmin", number(s.condition_number))
        if s.gd_max_stable_lr is not None:
            grid.add_row("gd stable for", f"0 < α < 2/λmax = {number(s.gd_max_stable_lr)}")
        if s.max_stable_lr is not None and s.lr_is_stable is not None:
            mark = Text("✓ inside", style="green") if s.lr_is_stable else Text("✗ outside", style="red")
            label = "this α" if s.optimizer == "gd" else f"{s.optimizer} bound {number(s.max_stable_lr)}; this α"
            grid.add_row("α = " + number(lr0), Text.assemble(f"{label}: ", mark))
        elif s.lr_is_stable is False:
            grid.add_row("α = " + number(lr0), Text.assemble(f"no α > 0 is stable at a {s.point_kind}: ",
                                                             Text("✗", style="red")))
        if s.best_lr is not None:
            grid.add_row("best fixed α", f"for gd: 2/(λmin + λmax) = {number(s.best_lr)}, contraction "
                                         f"(κ−1)/(κ+1) = {number(s.best_rate, 4)}")
        if s.heavy_ball is not None:
            hb = s.heavy_ball
            grid.add_row("best heavy ball", f"α* = 4/(√λmax + √λmin)² = {number(hb['lr'])}, β* = "
                                            f"((√κ−1)/(√κ+1))² = {number(hb['beta'], 4)}, contraction "
                                            f"{number(hb['rate'], 4)}")
        if s.rate is not None:
            steps = s.steps_predicted
            grid.add_row("ρ at this α", number(s.rate, 4) + (f", ≈ {steps:,} steps per 10⁻⁶ of error" if steps else ""))
    if s.path_curvature is not None:
        grid.add_row("along the path", curvature_line(s.path_curvature))
    elif s.curvature_note:
        grid.add_row("along the path", s.curvature_note)
    grid.add_row("reading", Text(s.reading, style="italic"))
    return Panel(PlainTable(grid), title=Text("stability"), title_align="left", border_style="magenta")


def point_name(s: Stability) -> str:
    """Where the Hessian was read: "every point (f is quadratic): the minimum (0, 0)", "the saddle … that the
    run approaches", or that there is no critical point to read at."""
    if "every point" in s.where and s.point is not None:
        name = "degenerate critical point" if s.point_kind == "degenerate" else s.point_kind
        return f"{s.where}; the {name} is {vector(s.point)}"
    return s.where


def curvature_line(c) -> str:
    """λmax(∇²f(x_t)) from the start to the end of the path, its largest value, and when it first rose above
    the threshold c/α_t (2/α for gd)."""
    finite = np.isfinite(c.lambda_max)
    if not np.any(finite):
        return "λmax of ∇²f is undefined along the whole path"
    values, times = c.lambda_max[finite], c.t[finite]
    peak = int(np.argmax(values))
    text = (f"λmax = {number(values[0], 5)} all along" if np.allclose(values, values[0]) else
            f"λmax {number(values[0], 5)} → {number(values[-1], 5)}")
    if values.size > 2 and peak not in (0, values.size - 1):
        text += f" (largest {number(values[peak], 5)} at t = {times[peak]})"
    if c.threshold is None:
        return text
    line = c.threshold[finite]
    varying = not np.allclose(line, line[0])
    limit = f"{c.threshold_name} = {number(line[0], 5)}" + (" at the start, moving with α_t" if varying else "")
    first = c.first_crossing
    if first is None:
        return f"{text}; {limit} never crossed"
    above = times[values > line]
    return f"{text}; {limit} exceeded first at step {first}" + (
        f", last at step {int(above[-1])}" if int(above[-1]) != first else "")


def verdict(sol) -> Text:
    """Three lines: the status and why the run stopped, what it reached (see arrival), where it ended."""
    run = sol.run
    found = sol.arrival()
    escapes = found.kind in ("saddle", "maximum")
    mark, style = ("▲ converged", "yellow") if run.status == "converged" and escapes else (
        STATUS_MARK[run.status], STATUS_STYLE[run.status])
    reached = arrival(sol, found)
    return Text.assemble(
        (mark, f"bold {style}"), f" — {run.message}\n", (reached + "\n") if reached else "",
        f"final x = {vector(run.final_x)}, f = {number(run.final_f)}, ‖∇f‖ = {number(run.final_grad_norm, 3)}",
    )


KIND_NAME = {"saddle": "a saddle point", "maximum": "a maximum", "degenerate": "a degenerate critical point"}


def arrival(sol, found) -> str:
    """What the run reached, in one sentence: "converged to a local minimum, f = 7.96; the global minimum is
    f = 0 at (0, 0)", "converged to a saddle point: a small perturbation escapes it", or how far a run that
    ran out of steps still is: "at most" more steps on a quadratic, "about" near another minimum, at the rate ρ
    of the stability panel (see gdcli.engine.solution.Arrival). Empty when the status line says all."""
    run = sol.run
    if run.status == "converged":
        if found.kind == "minimum":
            if found.convex_quadratic:
                return f"converged to the minimum, f = {number(run.final_f, 4)}, the global one: f is a convex quadratic"
            if found.is_global:
                return f"converged to a global minimum, f = {number(run.final_f, 4)}"
            text = f"converged to a local minimum, f = {number(run.final_f, 4)}"
            if found.global_f is not None:
                text += f"; the global minimum is f = {number(found.global_f, 4)} at {vector(found.global_x, 4)}"
            return text
        if found.kind in ("saddle", "maximum"):
            return f"converged to {KIND_NAME[found.kind]}: a small perturbation escapes it"
        if found.kind == "degenerate":
            return (f"converged to {KIND_NAME['degenerate']}: ∇²f is singular there, so second derivatives "
                    "cannot tell its kind")
        return ""
    if run.status != "max_steps":
        return ""
    text = f"not converged yet: ‖∇f‖ = {number(run.final_grad_norm, 3)}"
    if found.more_steps is not None:
        bound = "at most" if found.proven else "about"
        return text + f"; {bound} {found.more_steps:,} more steps to {number(run.tol)} at this rate"
    if found.heading == "toward":
        return text + f"; the run is approaching {KIND_NAME[found.kind]}, which a small perturbation escapes"
    if found.heading == "away":
        place = "the saddle point" if found.kind == "saddle" else "the maximum"
        return text + f"; the run is moving away from {place} {vector(sol.stability.point, 4)}"
    return text


def solution(sol, max_rows: int = 20) -> Group:
    """Everything `gd solve` shows, in reading order."""
    run = sol.run
    return Group(
        header(sol), PlainTable(iterate_table(run, max_rows)), Text(""), stability_panel(sol.stability, run.lr0),
        verdict(sol),
        labelled_sparkline("f over the run", run.f),
    )


def functions_table(catalog) -> Table:
    """The built-in test functions: formula and what it teaches, standard start, suggested α and budget."""
    from gdcli.engine.functions import formulas

    table = Table(title="built-in objectives: gd solve NAME", header_style="bold", show_lines=True)
    table.add_column("name", style="cyan", no_wrap=True)
    table.add_column("f(x, y) and what it shows")
    table.add_column("start", no_wrap=True)
    table.add_column("α", no_wrap=True)
    table.add_column("steps", justify="right")
    for f, formula in zip(catalog, formulas(tuple(catalog))):
        minima = ", ".join(vector(m, 4) for m in f.minima) or "none: a saddle"
        table.add_row(f.name, Text.assemble(formula, "\n", (f"{f.description}; minima {minima}", "dim")),
                      vector(f.start), number(f.lr), str(f.steps))
    return table
