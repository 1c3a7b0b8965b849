"""`gd schedule`: a schedule's α_t as a table of its first and last steps and a sparkline."""

from __future__ import annotations

from typing import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text

from gdcli.engine.notation import number
from gdcli.engine.schedules import Schedule
from gdcli.render.solve import sparkline


def schedule_view(schedule: Schedule, lr0: float, values: Sequence[float], rows: int = 20) -> Group:
    """The formula with its constants, then t and α_t (the first and last rows when there are many)."""
    table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("t", justify="right")
    table.add_column("α_t", justify="right")
    count = len(values)
    shown = list(range(count)) if count <= rows + 2 else [*range(rows // 2), None, *range(count - rows // 2, count)]
    for t in shown:
        if t is None:
            table.add_row("⋮", Text(f"{count - 2 * (rows // 2)} more", style="dim"))
        else:
            table.add_row(str(t), number(values[t], 6))
    return Group(Text(f"{schedule.describe()}; α₀ = {number(lr0)}", style="bold"), table,
                 Text.assemble(("α_t over the steps ", "dim"), sparkline(values)))
