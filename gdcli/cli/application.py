"""The Typer application and its error handling: every user error becomes one line on stderr and exit code 2."""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from gdcli.errors import GdError
from gdcli.files.text import one_line

EXIT_USAGE = 2


def fail(message: str) -> None:
    """One line on stderr, exit code 2."""
    typer.echo(f"gd: error: {one_line(str(message))}", err=True)
    sys.exit(EXIT_USAGE)


class OneLineErrors(TyperGroup):
    """A command group whose usage and library errors print as one line, never a traceback or a box."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            result = super().main(args, prog_name or "gd", complete_var, standalone_mode=False, **extra)
        except GdError as error:
            fail(str(error))
        except TyperException as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # `gd` alone: show the help, as a friendly start
                typer.echo(error.format_message())
                sys.exit(0)
            fail(error.format_message())
        except typer.Abort:
            typer.echo("gd: aborted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        sys.exit(result if isinstance(result, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    name="gd",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def show_version(asked: bool) -> None:
    """`gd --version`: the installed gdcli's version, then exit."""
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"gd {version('gdcli')}")
        except PackageNotFoundError:
            typer.echo("gd (version unknown: gdcli is not installed, only on the path)")
        raise typer.Exit()


@app.callback()
def gd(version: bool = typer.Option(False, "--version", help="Show gd's version and exit.", is_eager=True,
                                    callback=show_version)) -> None:
    """gd teaches gradient descent: type an objective, watch an optimizer work on it, and see why.

    Example: gd solve "x^2 + 4*y^2" --start 2,1 --lr 0.2
    """
