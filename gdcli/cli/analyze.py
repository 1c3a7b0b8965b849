"""`gd analyze`, `gd compare`, `gd sweep` and `gd basins`: understanding a landscape."""

from typing import Annotated, Optional

import typer

from gdcli.cli import options as opt
from gdcli.cli.application import app
from gdcli.cli.output import DEFAULT_DPI, announce, console, emit_json, spinner, write_file

Region = Annotated[Optional[str], typer.Option("--region", help="Box searched: low,high for every variable, or "
                                                                 "low,high per variable.  [default: -5,5]")]
Markdown = Annotated[Optional[str], typer.Option("--markdown", help="Also write a worked solution as Markdown "
                                                                     "with LaTeX math to this file.")]
Figure = Annotated[Optional[str], typer.Option("--plot", help="Also draw a figure to this .png, .svg or .pdf file.",
                                                metavar="PATH")]
BatchSteps = Annotated[Optional[int], opt.whole_option("--steps", help="Step budget of every run.  [default: 1000, or "
                                                                    "the built-in's]")]


@app.command()
def analyze(
    objective: opt.Objective = None,
    vars: opt.Vars = None,
    region: Region = None,
    reduction: Annotated[float, opt.number_option("--reduction", help="ε: predict the steps to shrink the error "
                                                                 "by this factor.")] = 1e-6,
    latex: Annotated[bool, typer.Option("--latex", help="Show ∇f and ∇²f as LaTeX.")] = False,
    markdown: Markdown = None,
    json: opt.Json = False,
) -> None:
    """Critical points and their kinds, convexity, and for a quadratic the best step sizes.

    Example: gd analyze himmelblau
    """
    from gdcli.landscape.analysis import analyze as run_analysis
    from gdcli.render import analysis as render_analysis

    with spinner("finding critical points…"):
        result = run_analysis(objective, variables=opt.variable_names(vars), region=region, reduction=reduction)
    if json:
        emit_json(result.to_dict())
    else:
        console().print(render_analysis.analysis(result, latex))
    if markdown is not None:
        from gdcli.render.markdown import analysis_markdown

        write_file(markdown, analysis_markdown(result), quiet=json)


@app.command()
@opt.engine_command(without=("optimizer", "line_search", "c1", "c2", "shrink", "every"))
def compare(
    objective: opt.Objective = None,
    optimizers: Annotated[str, typer.Option("--optimizers", help="Comma-separated optimizers to run.")] =
    "gd,momentum,nesterov,adagrad,rmsprop,adam",
    tune: Annotated[bool, typer.Option("--tune", help="Give each optimizer its own α₀: the fewest steps to --tol "
                                                       "over a log grid 10⁻⁵ … 10, else the lowest f after the "
                                                       "budget.")] = False,
    engine: dict = None,
    plot: Figure = None,
    xlim: opt.Xlim = None,
    ylim: opt.Ylim = None,
    dpi: opt.Dpi = None,
    html: opt.Html = None,
    json: opt.Json = False,
) -> None:
    """Run several optimizers with the same options: one row each, exactly as gd solve gives it.

    Example: gd compare rosenbrock --optimizers gd,momentum,adam,bfgs --steps 2000 --tune
    """
    from gdcli.files.formats import distinct_outputs
    from gdcli.landscape.compare import compare as run_compare
    from gdcli.landscape.compare import rows
    from gdcli.render import analysis as render_analysis

    distinct_outputs({"--plot": plot, "--html": html})
    if plot is not None:
        from gdcli.plots.figure import image_format
        from gdcli.plots.trajectory import plot_compare
        from gdcli.plots.view import read_limits

        image_format(plot)
        xlim, ylim = read_limits(xlim, "--xlim"), read_limits(ylim, "--ylim")
    with spinner("tuning α for each optimizer…", tune):
        solutions = run_compare(objective, optimizers=optimizers, tune=tune, **engine)
    if json:
        emit_json({"runs": rows(solutions)})
    else:
        console().print(render_analysis.compare_table(solutions))
    if plot is not None:
        announce(plot_compare([s.run for s in solutions], plot, xlim=xlim, ylim=ylim, dpi=dpi or DEFAULT_DPI), json)
    if html is not None:
        from gdcli.api import compare_page

        write_file(html, compare_page(solutions), quiet=json)


@app.command()
@opt.engine_command(without=("lr", "lr_min", *opt.DIRECTIONAL, "every"), steps=BatchSteps)
def sweep(
    objective: opt.Objective = None,
    lr_min: Annotated[str, typer.Option("--lr-min", help="Smallest α.")] = "0.001",
    lr_max: Annotated[str, typer.Option("--lr-max", help="Largest α.")] = "1",
    num: Annotated[int, opt.whole_option("--num", help="How many values of α.")] = 50,
    log: Annotated[bool, typer.Option("--log", help="Space α geometrically.")] = False,
    engine: dict = None,
    rows: Annotated[int, opt.whole_option("--rows", least=2, help="Most table rows shown (evenly sampled).")] = 30,
    plot: Figure = None,
    dpi: opt.Dpi = None,
    json: opt.Json = False,
) -> None:
    """Run the optimizer for many learning rates at once: which converge, oscillate or diverge.

    Example: gd sweep "(x-3)^2" --start 0 --lr-min 0.05 --lr-max 1.5 --num 30
    """
    from gdcli.landscape.sweep import sweep as run_sweep
    from gdcli.render import analysis as render_analysis

    if plot is not None:
        from gdcli.plots.figure import image_format

        image_format(plot)

    with spinner(f"running {num:,} learning rates…"):
        result = run_sweep(objective, lr_min=lr_min, lr_max=lr_max, num=num, log=log, **engine)
    if json:
        emit_json(result.to_dict())
    else:
        console().print(render_analysis.sweep_view(result, rows))
    if plot is not None:
        from gdcli.plots.landscape import plot_sweep

        announce(plot_sweep(result, plot, dpi or DEFAULT_DPI), json)


@app.command()
@opt.engine_command(without=("start", *opt.DIRECTIONAL, "every"), steps=BatchSteps)
def basins(
    objective: opt.Objective = None,
    grid: Annotated[int, opt.whole_option("--grid", help="N: starts on an N×N grid over the region.")] = 41,
    region: Region = None,
    engine: dict = None,
    plot: Figure = None,
    dpi: opt.Dpi = None,
    json: opt.Json = False,
) -> None:
    """Which critical point each start on a grid leads to: the basins of attraction and their shares.

    Example: gd basins himmelblau --grid 61 --plot basins.png
    """
    from gdcli.landscape.basins import basins as run_basins
    from gdcli.render import analysis as render_analysis

    if plot is not None:
        from gdcli.plots.figure import image_format

        image_format(plot)

    with spinner(f"running {grid * grid:,} starts…"):
        result = run_basins(objective, grid=grid, region=region, **engine)
    if json:
        emit_json({"basins": result.rows()})
    else:
        console().print(render_analysis.basins_table(result))
    if plot is not None:
        from gdcli.plots.landscape import plot_basins

        announce(plot_basins(result, plot, dpi or DEFAULT_DPI), json)
