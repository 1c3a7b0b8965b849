"""Rich renderables for analyze, compare, sweep, basins and the worked explanations of solve."""

from __future__ import annotations

import math

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gdcli.engine.notation import expression, number, unicode, vector
from gdcli.landscape.compare import TUNE_GRID
from gdcli.render.solve import STATUS_MARK, STATUS_STYLE

SWEEP_MARK = {**STATUS_MARK, "oscillating": "↔ oscillating"}
SWEEP_STYLE = {**STATUS_STYLE, "oscillating": "magenta"}
SWING_MARK = {"shrinking": "↘ shrinking", "bounded": "↔ bounded", "growing": "↗ growing"}
KIND_MARK = {"minimum": "∪ minimum", "maximum": "∩ maximum", "saddle": "⨯ saddle", "degenerate": "? degenerate"}


def analysis(result, latex: bool = False) -> Group:
    """∇f, ∇²f, the critical points, convexity and (for quadratics) the step-size facts."""
    import sympy as sp  # here only: the other tables of this module render without it

    o = result.objective
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    show = (lambda e: sp.latex(e)) if latex else expression
    head.add_row(f"f({', '.join(o.names)}) =", show(o.expr))
    head.add_row("∇f =", show(sp.Matrix(o.gradient).T))
    head.add_row("∇²f =", show(o.hessian))
    parts = [Panel(head, title=Text(f"gd analyze · {o.text}"[:70]), title_align="left", border_style="blue")]
    table = Table(title="critical points (∇f = 0)", header_style="bold", box=None, padding=(0, 1))
    for name in ("point", "kind", "eigenvalues of ∇²f", "f", "found"):
        table.add_column(name)
    for p in result.critical_points:
        exact = [unicode(v) for v in p.exact] if p.exact else None
        point = "(" + ", ".join(exact) + ")" if exact and sum(map(len, exact)) < 30 else vector(p.point)
        table.add_row(point, KIND_MARK[p.kind], vector(p.eigenvalues, 4), number(p.f), p.method)
    parts.append(table)
    plural = {"minimum": "minima", "maximum": "maxima", "saddle": "saddles", "degenerate": "degenerate"}
    for c in result.critical_sets:
        parts.append(Text(f"a {c.shape} of {plural[c.kind] if c.kind != 'degenerate' else 'degenerate critical points'}"
                          f": {', '.join(c.equations)} (f = {number(c.f)} at {vector(c.point)})"))
    counts = ", ".join(f"{result.count(k)} {k if result.count(k) == 1 else plural[k]}" for k in plural
                       if result.count(k))
    region = " × ".join(f"[{number(a)}, {number(b)}]" for a, b in result.region)
    parts.append(Text(f"{counts or ('no isolated points' if result.critical_sets else 'none')} in {region}; "
                      f"symbolic solve: {result.symbolic}", style="dim"))
    c = result.convexity
    word = "✓ strictly convex" if c.strict else {True: "✓ convex", False: "✗ not convex",
                                                   None: "? convexity unknown"}[c.convex]
    parts.append(Text.assemble((word, "bold"), f" — {c.reason}"))
    if result.quadratic is not None:
        parts.append(quadratic_panel(result.quadratic))
    return Group(*parts)


def quadratic_panel(q) -> Panel:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("L = λmax, μ = λmin", f"{number(q.big_l)}, {number(q.mu)}")
    grid.add_row("κ = L/μ", number(q.kappa) if q.kappa else "— (μ ≤ 0)")
    if q.max_stable_lr is not None:
        grid.add_row("gd stable for", f"0 < α < 2/L = {number(q.max_stable_lr)}")
    if q.best_lr is not None:
        grid.add_row("best fixed α", f"2/(μ + L) = {number(q.best_lr)}, rate (κ−1)/(κ+1) = {number(q.best_rate, 4)}, "
                                     f"{_steps(q.steps_predicted)} per factor {number(q.reduction)}")
        grid.add_row("heavy ball", f"α* = 4/(√L + √μ)² = {number(q.heavy_ball_lr)}, "
                                   f"β* = ((√κ−1)/(√κ+1))² = {number(q.heavy_ball_beta)}, rate "
                                   f"{number(q.heavy_ball_rate, 4)}, {_steps(q.heavy_ball_steps)} (bound t·ρᵗ)")
    return Panel(grid, title=Text("quadratic: step sizes"), title_align="left", border_style="magenta")


def _steps(count: int | None) -> str:
    return "no step count" if count is None else f"{count:,} step{'s' if count != 1 else ''}"


def compare_table(solutions) -> Table:
    """A row per optimizer: α₀, status, steps, final f, final ‖∇f‖, final x; under it each optimizer's
    hyper-parameters (β, β₁, β₂, ε, ρ, the methods' settings) and how α₀ was tuned."""
    table = Table(title="gd compare", header_style="bold", box=None, padding=(0, 1), caption_justify="left")
    for name, justify in (("optimizer", "left"), ("α₀", "right"), ("status", "left"), ("steps", "right"),
                          ("final f", "right"), ("‖∇f‖", "right"), ("final x", "left")):
        table.add_column(name, justify=justify, no_wrap=name != "final x")  # numbers whole; x wraps at its commas
    tuned = [s for s in solutions if s.tuning is not None]
    for s in solutions:
        r = s.run
        lr = "—" if r.optimizer.name == "polyak" else number(r.lr0, 3)
        table.add_row(r.optimizer.name, lr, Text(STATUS_MARK[r.status], style=STATUS_STYLE[r.status]),
                      str(r.steps), number(r.final_f), number(r.final_grad_norm, 3), vector(r.final_x, 4))
    settings = [f"{s.run.optimizer.name} {', '.join(s.run.optimizer.settings_text())}" for s in solutions
                if s.run.optimizer.settings_text()]
    notes = [f"hyper-parameters: {'; '.join(settings)}"] if settings else []
    if tuned:
        per_decade = round((len(TUNE_GRID) - 1) / math.log10(TUNE_GRID[-1] / TUNE_GRID[0]))
        notes.append(f"α₀ tuned per optimizer on a log grid {number(TUNE_GRID[0])} … {number(TUNE_GRID[-1])} "
                     f"({per_decade} per decade): " + "; ".join(
                         f"{s.run.optimizer.name}: {s.tuning.criterion}" for s in tuned))
    table.caption = "\n".join(notes) or None
    return table


def sweep_view(result, max_rows: int = 30) -> Group:
    """The α grid (sampled to ``max_rows``) with each run's status, and the bound marked."""
    table = Table(title=f"gd sweep · {result.objective.text} · {result.optimizer.name}"[:70], header_style="bold",
                  box=None, padding=(0, 1))
    for name in ("α", "status", "steps", "final f"):
        table.add_column(name, justify="left" if name == "status" else "right")
    runs = result.runs()
    shown = range(len(runs)) if len(runs) <= max_rows else \
        sorted({round(i * (len(runs) - 1) / (max_rows - 1)) for i in range(max_rows)})
    bound, marked = result.max_stable_lr, False
    schedule = result.bound_is_for_alpha0
    for i in shown:
        r = runs[i]
        if bound is not None and not marked and r["lr"] > bound:
            table.add_row(Text(f"── {'α₀ ' if schedule else ''}bound {number(bound)} ──", style="bold"), "", "", "")
            marked = True
        table.add_row(number(r["lr"]), Text(sweep_label(r), style=SWEEP_STYLE[r["status"]]),
                      str(r["steps"]), number(r["final_f"]))
    counts = {s: sum(r["status"] == s for r in runs) for s in SWEEP_MARK}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    swings = ", ".join(f"{n} {s}" for s in SWING_MARK if (n := sum(r["swing"] == s for r in runs)))
    if bound is None:
        theory = "theory: no fixed bound on α applies"
    elif schedule:
        theory = (f"theory: a constant α would be stable for α < {number(bound)} (Hessian at {result.bound_at}); "
                  f"the schedule {result.schedule.describe()} moves this bound: α_t shrinks below it after some "
                  "steps, so an α₀ above it can still converge")
    else:
        theory = f"theory: stable for α < {number(bound)} (Hessian at {result.bound_at})"
    seen = result.largest_converged_lr
    return Group(table, Text(f"{len(runs)} runs of {result.budget} steps: {summary}"
                             + (f"; zig-zags at the budget's end: {swings}" if swings else "")),
                 Text(theory + (f"; largest α that converged: {number(seen)}" if seen else "")))


def sweep_label(run: dict) -> str:
    """A sweep row's status as the run did it: a run that ran out of steps zig-zagging is labelled by its
    swings, shrinking, bounded or growing, with the factor per step (↘ shrinking ×0.9800/step)."""
    if run["swing"] is None:
        return SWEEP_MARK[run["status"]]
    return f"{SWING_MARK[run['swing']]} ×{run['swing_factor']:.4f}/step"


def basins_table(result) -> Table:
    table = Table(title=f"basins of attraction · {result.objective.text}"[:70], header_style="bold", box=None,
                  padding=(0, 1))
    for name in ("end point", "kind", "share", "f"):
        table.add_column(name, justify="right" if name in ("share", "f") else "left")
    for row in result.rows():
        kind = KIND_MARK.get(row["kind"], "✗ " + row["kind"])
        table.add_row(vector(row["point"], 4) if row["point"] else "—", kind, f"{100 * row['share']:.1f}%",
                      number(row["f"]) if row["f"] is not None else "")
    grid = len(result.axes[0])
    table.caption = f"{grid}×{grid} starts, {result.optimizer.name}, α = {number(result.lr)}, {result.budget} steps"
    if result.settling is not None:
        table.caption += "\n" + settling_text(result)
    return table


def settling_text(result) -> str:
    """The verdict on the starts that ran out of steps, with the budget that settles them (see
    gdcli.landscape.basins.settling)."""
    from gdcli.landscape.basins import NOT_CONVERGED

    settle = result.settling
    text = f"{100 * result.share(NOT_CONVERGED):.1f}% have not converged within {result.budget} steps"
    if not settle.settled:
        return text + f"; even with --steps {settle.steps}, {100 * settle.left:.1f}% still have not"
    rest = "every one of them" if settle.left == 0 else f"all but {100 * settle.left:.1f}% of the starts"
    return text + f": --steps {settle.steps} settles {rest}"


def explanation(worked) -> Panel:
    """The worked steps, the update map and the stability condition (gdcli.landscape.explain.Explanation) in a panel."""
    body = list(worked.steps)
    if worked.update_map:
        body += ["", "update map (f is quadratic):", *(f"  {line}" for line in worked.update_map)]
    if worked.condition:
        body += ["", "stability: " + worked.condition]
    return Panel("\n".join(body), title=Text("worked steps"), title_align="left", border_style="cyan")


def exact_table(result, names) -> Table | Text:
    """The exact iterates as fractions (gdcli.landscape.explain.ExactRun), with the note on where the table
    stops; one line when exact arithmetic was refused."""
    if result.refused is not None:
        return Text("✗ exact iterates refused: " + result.refused.removeprefix("--exact: "), style="yellow")
    rows, note = result.rows, result.note
    table = Table(title="exact iterates", header_style="bold", box=None, padding=(0, 1))
    table.add_column("t", justify="right")
    for name in names:
        table.add_column(f"{name}_t")
    table.add_column("f(x_t)")
    for row in rows:
        table.add_row(str(row.t), *(str(v) for v in row.x), str(row.f))
    if note:
        table.caption = note
    return table
