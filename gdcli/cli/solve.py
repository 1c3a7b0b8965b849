"""`gd solve` and `gd functions`."""

from typing import Annotated, Optional

import typer

from gdcli.cli import options as opt
from gdcli.cli.application import app
from gdcli.cli.output import LONG_OBJECTIVE, LONG_RUN, console, emit_json, spinner, write_file, write_pictures


@app.command()
@opt.engine_command()
def solve(
    objective: opt.Objective = None,
    engine: dict = None,
    json: opt.Json = False,
    csv: Annotated[Optional[str], typer.Option("--csv", help="Also write the iterate rows to this CSV file.")] = None,
    rows: Annotated[int, opt.whole_option("--rows", least=0, help="Most table rows shown (first and last half); 0 shows all.")] = 20,
    explain: Annotated[bool, typer.Option("--explain", help="Work out the first steps in words and numbers.")] = False,
    exact: Annotated[bool, typer.Option("--exact", help="Also compute the iterates as exact fractions.")] = False,
    markdown: Annotated[Optional[str], typer.Option("--markdown", help="Also write a worked solution as Markdown "
                                                                       "with LaTeX math to this file.")] = None,
    plot: opt.Plot = None,
    surface: opt.Surface = False,
    animate: opt.Animate = None,
    xlim: opt.Xlim = None,
    ylim: opt.Ylim = None,
    dpi: opt.Dpi = None,
    curvature: Annotated[bool, typer.Option("--curvature", help="Compute the curvature along the path (λmin, λmax "
                                                                "of ∇²f at every kept iterate) above 50 variables "
                                                                "too; below, it is always computed.")] = False,
    html: opt.Html = None,
) -> None:
    """Run one optimizer on an objective: the iterate table, a stability analysis and a verdict.

    Example: gd solve "x^2 + 4*y^2" --start 2,1 --lr 0.2 --html run.html
    """
    from gdcli.engine.solution import solve as run_solve
    from gdcli.files.formats import distinct_outputs
    from gdcli.render import solve as render

    distinct_outputs({"--csv": csv, "--markdown": markdown, "--plot": plot, "--animate": animate, "--html": html})
    pictures = None
    if plot is not None or animate is not None or surface or xlim or ylim or dpi is not None:
        from gdcli.plots.pictures import Pictures

        pictures = Pictures.read(plot=plot, surface=surface, animate=animate, xlim=xlim, ylim=ylim, dpi=dpi)
    budget = engine["steps"] or 0
    with spinner("deriving, compiling and running…", budget >= LONG_RUN or len(objective or "") >= LONG_OBJECTIVE):
        solution = run_solve(objective, curvature=True if curvature else None, **engine)
    if pictures is not None:
        pictures.check(solution.run)
    worked = exact_rows = None
    if explain or exact or markdown is not None:
        from gdcli.landscape import explain as worked_out

        worked = worked_out.explain(solution)
        exact_rows = worked_out.exact_run(solution, engine["start"], engine["lr"]) if exact else None
    if json:
        document = solution.to_dict()
        if exact:
            document["exact_iterates"] = exact_rows.to_dict()
            document["exact_note"] = exact_rows.refused or exact_rows.note
        emit_json(document)
    else:
        console().print(render.solution(solution, rows))
        if explain or exact:
            from gdcli.render import analysis as render_analysis

            if explain:
                console().print(render_analysis.explanation(worked))
            if exact:
                console().print(render_analysis.exact_table(exact_rows, solution.objective.names))
    if markdown is not None:
        from gdcli.render.markdown import solution_markdown

        write_file(markdown, solution_markdown(solution, worked.steps, rows), quiet=json)
    if csv is not None:
        from gdcli.files.formats import rows_to_csv

        write_file(csv, rows_to_csv(*solution.run.columns()), quiet=json)
    if pictures is not None:
        write_pictures(pictures, solution.run, quiet=json, curvature=solution.stability.path_curvature)
    if html is not None:
        from gdcli.api import solution_page

        write_file(html, solution_page(solution), quiet=json)


@app.command()
def functions(json: opt.Json = False) -> None:
    """List the built-in objectives with their standard starts, step sizes and known minima.

    Example: gd functions
    """
    from gdcli.engine.functions import CATALOG
    from gdcli.render import solve as render

    if json:
        emit_json([
            {"name": f.name, "expression": f.expression, "start": list(f.start), "minima": [list(m) for m in f.minima],
             "lr": f.lr, "steps": f.steps, "description": f.description, "aliases": list(f.aliases)}
            for f in CATALOG
        ])
    else:
        console().print(render.functions_table(CATALOG))
