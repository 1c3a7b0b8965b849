"""Rich renderables for `gd fit`: the set-up, the per-epoch table, the coefficients against the exact answer,
and the batch-size comparison. Nothing here prints."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Sequence

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gdcli.engine.notation import number
from gdcli.engine.optimizers import rule_lines
from gdcli.fit.train import FitResult, batch_label
from gdcli.render.solve import labelled_sparkline

STATUS = {"max_epochs": ("✓ finished", "green"), "diverged": ("✗ diverged", "red")}


def batch_text(result: FitResult) -> str:
    """How the gradient is taken: full batch, mini-batches of B, or SGD."""
    n, steps = result.problem.data.rows, result.steps_per_epoch
    if result.batch_size == 0:
        return "full batch: 1 step per epoch with the exact gradient over all rows"
    kind = "SGD (B = 1)" if result.batch_size == 1 else f"mini-batches of B = {result.batch_size}"
    order = f"shuffled every epoch with seed {result.seed}" if result.shuffle else "in file order (--no-shuffle)"
    return f"{kind}: {steps} steps per epoch over {n} rows, {order}"


def header(result: FitResult, batches: str | None = None) -> Panel:
    """The data, the loss, the optimizer's rule, α, how batches are drawn and the conditioning of the problem."""
    p, opt = result.problem, result.optimizer
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("data", Text(f"{p.data.path}: {p.data.rows} rows; {', '.join(p.data.features)} → {p.data.target}"))
    loss = p.model.loss_text + (" + (λ/2)‖w‖²" if p.l2 else "")
    grid.add_row("model", f"{p.model.name}: {loss}")
    if p.l2:
        penalised = ("the standardised weights (each feature scaled to mean 0, standard deviation 1), so it "
                     "is not the same penalty as on the original weights shown below"
                     if p.standardizer is not None else "the weights")
        grid.add_row("weight decay", f"λ = {number(p.l2)}: the penalty adds λw to ∇L (the intercept b is free); "
                                     f"it applies to {penalised}")
    hyper = ", ".join(opt.settings_text())
    grid.add_row("optimizer", opt.rule.title + (f"; {hyper}" if hyper else ""))
    lines = fit_rule_lines(opt.rule)
    buffer = any(re.search(r"\bu\b", line) for line in lines)
    grid.add_row("rule", "\n".join(lines) + "\n(θ stands for each parameter w₁ … w_p and the intercept b, g for its "
                 "∂L/∂θ" + (", u for momentum's running sum of gradients" if buffer else "") + ")")
    grid.add_row("α", f"{number(result.lr0)}; {result.schedule.describe()}, t = epoch")
    grid.add_row("batches", batches or batch_text(result))
    grid.add_row("conditioning", conditioning_text(result))
    # the title names the file; the data row below gives its whole path
    return Panel(grid, title=Text(f"gd fit · {PurePath(p.data.path).name}"), title_align="left", border_style="blue")


FIT_LETTERS = {"x": "θ", "b": "u"}
"""The rule's letters renamed for a fit, where x is a data column and b the intercept."""


def fit_rule_lines(rule) -> list[str]:
    """The optimizer's rule (rule_lines) with θ for the parameter and u for momentum's buffer, so no letter on
    the `gd fit` screen means two things."""
    pattern = re.compile(r"(?<!\w)(" + "|".join(FIT_LETTERS) + r")(?!\w)")
    return [pattern.sub(lambda m: FIT_LETTERS[m.group()], line) for line in rule_lines(rule)]


def conditioning_text(result: FitResult) -> str:
    """κ of the loss's Hessian at θ = 0, before and after standardising, and the stable range of full-batch gd."""
    p = result.problem
    s = p.conditioning
    kappa = number(s.condition_number, 4) if s.condition_number else "∞ (collinear columns)"
    if p.standardizer is not None:
        before = number(p.raw_condition_number, 4) if p.raw_condition_number else "∞"
        text = f"κ = {before} before standardising, {kappa} after (Hessian of L at θ = 0)"
    else:
        text = f"κ = {kappa} (Hessian of L at θ = 0)"
    if s.gd_max_stable_lr is not None:
        text += f"; full-batch gd stable for α < 2/λmax = {number(s.gd_max_stable_lr, 4)}"
    return text


def epoch_table(result: FitResult, max_rows: int = 20) -> Group:
    """epoch, loss on the full data, full-batch ‖∇L‖ and α: the first and last rows of long runs."""
    t = result.trace
    table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    for name in ("epoch", "loss L", "‖∇L‖ (full)", "α"):
        table.add_column(name, justify="right")
    rows = len(t.epoch)
    hidden = rows - max_rows if max_rows and rows > max_rows + 2 else 0
    for r in range(rows):
        if hidden and max_rows // 2 <= r < max_rows // 2 + hidden:
            if r == max_rows // 2:
                table.add_row("⋮", "⋮", "⋮", "⋮")
            continue
        table.add_row(str(t.epoch[r]), number(t.loss[r]), number(t.grad_norm[r], 4), number(t.lr[r], 4))
    note = Text(f"{hidden} epochs hidden: --rows 0 shows all" if hidden else "", style="dim")
    return Group(table, note)


def coefficients(result: FitResult) -> Table:
    """Each fitted coefficient and the intercept, in the data's units, beside the exact answer."""
    reference = result.reference
    table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("parameter", no_wrap=True)
    table.add_column("fitted", justify="right")
    table.add_column("exact", justify="right")
    table.add_column("difference", justify="right")
    names = [f"w[{f}]" for f in result.problem.data.features] + ["b (intercept)"]
    fitted = [*result.coef, result.intercept]
    answer = [*reference[0], reference[1]] if reference else [None] * len(fitted)
    for name, value, best in zip(names, fitted, answer):
        table.add_row(Text(name), number(value), "—" if best is None else number(best),
                      "—" if best is None else number(value - best, 3))
    if result.problem.standardizer is not None:
        table.caption = "fitted on standardised features, shown in original units"
    return table


def verdict(result: FitResult) -> Text:
    """The status, the distance to the exact answer, the losses, the evaluations and (logistic) accuracy."""
    t, p = result.trace, result.problem
    mark, style = STATUS[t.status]
    text = Text.assemble((mark, f"bold {style}"), f" — {t.message}\n")
    if result.distance is not None:
        text.append(f"exact answer by {p.reference.method}: loss {number(p.reference.loss)} (fitted "
                    f"{number(result.loss)})\ndistance ‖(w, b) − (w*, b*)‖ = {number(result.distance, 4)}\n")
    else:
        text.append(f"loss {number(result.loss)}; {p.reference.note}\n")
    text.append(f"gradient evaluations: {t.evaluations:,} (one per step; {t.examples:,} rows read)")
    if result.accuracy is not None:
        text.append(f"\naccuracy {result.accuracy:.1%}")
        if result.reference_accuracy is not None:
            text.append(f" (exact fit {result.reference_accuracy:.1%})")
    return text


def report(result: FitResult, max_rows: int = 20) -> Group:
    """Everything `gd fit` shows, in reading order."""
    return Group(header(result), epoch_table(result, max_rows), coefficients(result), Text(""),
                 verdict(result), labelled_sparkline("loss over the epochs", result.trace.loss, 50))


def comparison(results: Sequence[FitResult]) -> Group:
    """One row per batch size: steps, evaluations, final loss, ‖∇L‖, distance to θ*, status (and accuracy)."""
    first = results[0]
    table = Table(title=f"batch sizes after {len(first.trace.epoch) - 1} epochs" if first.trace.status ==
                  "max_epochs" else "batch sizes", header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    for name in ("batch", "steps/epoch", "evaluations", "loss L", "‖∇L‖", "distance", "status"):
        table.add_column(name, justify="left" if name in ("batch", "status") else "right")
    logistic = first.accuracy is not None
    if logistic:
        table.add_column("accuracy", justify="right")
    for r in results:
        mark, style = STATUS[r.trace.status]
        cells = [batch_label(r.batch_size), f"{r.steps_per_epoch:,}", f"{r.trace.evaluations:,}", number(r.loss),
                 number(float(r.trace.grad_norm[-1]), 4), "—" if r.distance is None else number(r.distance, 4),
                 Text(mark, style=style)]
        if logistic:
            cells.append(f"{r.accuracy:.1%}")
        table.add_row(*cells)
    p = first.problem
    exact = f"exact loss {number(p.reference.loss)} ({p.reference.method})" if p.reference.theta is not None \
        else p.reference.note
    note = Text(f"{exact}\nevaluations = optimizer steps, each one gradient over its batch", style="dim")
    order = f"shuffled every epoch with seed {first.seed}" if first.shuffle else "in file order (--no-shuffle)"
    sizes = ", ".join(batch_label(r.batch_size) for r in results)
    return Group(header(first, f"compared: {sizes} (each from θ = 0; mini-batches {order})"), table, note)


def datasets_table(datasets) -> Table:
    """The shipped datasets (gdcli.fit.data.shipped_datasets): name, columns and rows, to use as `gd fit NAME`."""
    table = Table(title="shipped datasets", caption="gd fit NAME --target COLUMN fits one", header_style="bold",
                  box=None, padding=(0, 1))
    table.add_column("name", no_wrap=True)
    table.add_column("columns")
    table.add_column("rows", justify="right")
    for name, columns, rows in datasets:
        table.add_row(name, ", ".join(columns), str(rows))
    return table
