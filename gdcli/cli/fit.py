"""`gd fit`: batch, stochastic and mini-batch gradient descent on a CSV file, against the exact answer."""

from contextlib import contextmanager
from typing import Annotated, Optional

import typer

from gdcli.cli import options as opt
from gdcli.cli.application import app
from gdcli.cli.output import console, emit_json, write_file


@app.command()
def datasets() -> None:
    """List the datasets shipped with gd, with their columns: `gd fit NAME` finds them by name.

    Example: gd datasets
    """
    from gdcli.fit.data import shipped_datasets
    from gdcli.render.fit import datasets_table

    console().print(datasets_table(shipped_datasets()))


@app.command()
def fit(
    data: Annotated[str, typer.Argument(help="A CSV file with a header row and numeric columns, or the name of "
                                             "a shipped dataset (gd datasets lists them).", show_default=False)],
    target: Annotated[str, typer.Option("--target", help="The column to predict.", show_default=False)],
    features: Annotated[Optional[str], typer.Option(
        "--features", help="Feature columns, e.g. x1,x2.  [default: every column but the target]")] = None,
    model: Annotated[str, typer.Option("--model", help="linear (mean squared error) or logistic "
                                                       "(cross-entropy, labels 0/1).")] = "linear",
    optimizer: opt.Optimizer = "gd",
    lr: Annotated[Optional[str], typer.Option("--lr", help="Learning rate α, e.g. 0.01 or 1/100.  [default: 0.01]")] = None,
    epochs: Annotated[int, opt.whole_option("--epochs", help="Passes over the data.")] = 100,
    batch_size: Annotated[int, opt.whole_option("--batch-size", help="Rows per step; 0 = full batch, 1 = SGD.")] = 0,
    seed: Annotated[int, opt.whole_option("--seed", help="Seed of the per-epoch shuffle.")] = 0,
    no_shuffle: Annotated[bool, typer.Option("--no-shuffle", help="Keep the file's row order in every epoch.")] = False,
    l2: Annotated[float, opt.number_option("--l2", help="Weight decay λ: adds (λ/2)‖w‖² (not on the intercept).")] = 0.0,
    standardize: Annotated[bool, typer.Option("--standardize", help="Scale features to mean 0, variance 1; "
                                                                    "coefficients are reported in original units.")] = False,
    schedule: opt.Schedule = "constant",
    decay: opt.Decay = None,
    beta: opt.Beta = None,
    beta1: opt.Beta1 = None,
    beta2: opt.Beta2 = None,
    eps: opt.Eps = None,
    rho: opt.Rho = None,
    compare_batch_sizes: Annotated[Optional[str], typer.Option(
        "--compare-batch-sizes", help="Fit once per batch size, e.g. 1,8,full, and compare them.")] = None,
    json: opt.Json = False,
    plot: Annotated[Optional[str], typer.Option("--plot", help="Write a figure (.png, .svg or .pdf).")] = None,
    rows: Annotated[int, opt.whole_option("--rows", least=0, help="Most epoch rows shown (first and last half); 0 shows all.")] = 20,
    html: opt.Html = None,
) -> None:
    """Fit a linear or logistic model to a CSV file by gradient descent: full batch, mini-batch or SGD,
    with the per-epoch loss and the distance to the exact answer (least squares or Newton's fit).

    Example: gd fit problems/data/four_points.csv --target y --lr 0.01 --epochs 500 --html fit.html
    """
    from gdcli.engine.solution import read_lr
    from gdcli.fit.data import read_csv
    from gdcli.fit.train import compare, read_batch_sizes

    sizes = read_batch_sizes(compare_batch_sizes) if compare_batch_sizes is not None else [batch_size]
    columns = [c for c in features.split(",") if c.strip()] if features is not None else None
    dataset = read_csv(data, target, columns)
    settings = dict(model=model, optimizer=optimizer, lr=read_lr(lr, 0.01), epochs=epochs, seed=seed,
                    shuffle=not no_shuffle, l2=l2, standardize=standardize, schedule=schedule, decay=decay,
                    beta=beta, beta1=beta1, beta2=beta2, eps=eps, rho=rho)
    if plot is not None:
        from gdcli.plots.figure import image_format

        image_format(plot)
    with _progress(len(sizes) * epochs) as advance:
        results = compare(dataset, sizes, progress=advance, **settings)
    if plot is not None:
        from gdcli.plots import fit as fit_plots
        from gdcli.plots.figure import save

        figure = fit_plots.comparison_figure(results) if compare_batch_sizes else fit_plots.fit_figure(results[0])
        typer.echo(f"wrote {save(figure, plot)}", err=True)
    if html is not None:
        from gdcli.api import fit_page

        write_file(html, fit_page(results), quiet=json)
    if json:
        emit_json([r.to_dict() for r in results] if compare_batch_sizes else results[0].to_dict())
    else:
        from gdcli.render import fit as render_fit

        console().print(render_fit.comparison(results) if compare_batch_sizes else render_fit.report(results[0], rows))


@contextmanager
def _progress(total: int):
    """A transient progress bar on stderr (shown only on a terminal); yields the per-epoch callback."""
    from rich.console import Console
    from rich.progress import Progress

    errors = Console(stderr=True)
    with Progress(console=errors, transient=True, disable=not errors.is_terminal) as bar:
        task = bar.add_task("fitting (epochs)", total=total)
        yield lambda: bar.advance(task)
