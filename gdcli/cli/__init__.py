"""The `gd` command line: a thin Typer layer that parses options, calls the library and prints what it renders.

Each command lives in a module of its own and registers itself on ``app`` when imported.
"""

from gdcli.cli.app import app
from gdcli.cli import solve as _solve  # noqa: F401  (registers solve, functions)
from gdcli.cli import analyze as _analyze  # noqa: F401  (registers analyze, compare, sweep, basins)
from gdcli.cli import fit as _fit  # noqa: F401  (registers fit)
from gdcli.cli import practice as _practice  # noqa: F401  (registers the practice group)
from gdcli.cli import step as _step  # noqa: F401  (registers step)


def main() -> None:
    """Entry point of the `gd` console script and of `python -m gdcli`."""
    app()
