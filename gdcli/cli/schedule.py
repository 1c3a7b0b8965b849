"""`gd schedule`: print and draw a learning-rate schedule."""

from typing import Annotated, Optional

import typer

from gdcli.cli import options as opt
from gdcli.cli.application import app
from gdcli.cli.output import announce, console, emit_json
from gdcli.engine.notation import number


@app.command()
def schedule(
    name: Annotated[str, typer.Argument(help="constant, inverse, exponential, step or cosine.", show_default=False)],
    lr: opt.Lr = None,
    steps: Annotated[int, opt.whole_option("--steps", help="The budget T: α_t for t = 0 … T.")] = 100,
    decay: opt.Decay = None,
    period: opt.Period = None,
    lr_min: opt.LrMin = None,
    warmup: opt.Warmup = None,
    rows: Annotated[int, opt.whole_option("--rows", least=0, help="Most table rows shown; 0 shows all.")] = 20,
    plot: Annotated[Optional[str], typer.Option("--plot", help="Also draw α_t against t to this .png, .svg or .pdf.",
                                                metavar="PATH")] = None,
    dpi: opt.Dpi = None,
    json: opt.Json = False,
) -> None:
    """Print the learning rates α_t of a schedule, and draw them with --plot.

    Example: gd schedule cosine --lr 0.1 --warmup 5 --steps 50 --plot lr.png
    """
    from gdcli.engine.checks import whole_number
    from gdcli.engine.schedules import make_schedule
    from gdcli.engine.solution import DEFAULT_LR, read_lr
    from gdcli.render.schedule import schedule_view

    budget = whole_number(steps, "--steps", 1, 1_000_000)
    plan = make_schedule(name, decay, period=period, lr_min=lr_min, warmup=warmup, steps=budget)
    lr0 = read_lr(lr, DEFAULT_LR)
    if plot is not None:
        from gdcli.plots.figure import image_format

        image_format(plot)
    values = plan.values(lr0, budget)
    if json:
        emit_json({"schedule": plan.to_dict(), "lr": lr0, "steps": budget, "values": values})
    else:
        console().print(schedule_view(plan, lr0, values, rows or len(values)))
    if plot is not None:
        from gdcli.plots.schedule import draw_schedule

        announce(draw_schedule(values, f"{plan.describe()}; α₀ = {number(lr0)}", plot, dpi), quiet=json)
