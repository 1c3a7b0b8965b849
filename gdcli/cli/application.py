"""The Typer application and its error handling: every user error becomes one line on stderr and exit code 2.

Anything else that escapes a command (a bug, or memory running out) is the last line of defence's: one line on
stderr naming it, a note asking for a report, and exit code EXIT_INTERNAL; Ctrl-C prints "gd: interrupted" and
exits with 130.
"""

from __future__ import annotations

import sys
import warnings

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from gdcli.cli.options import defaults_in_notation, line_search_alone
from gdcli.errors import GdError
from gdcli.files.text import one_line

EXIT_USAGE = 2
EXIT_INTERNAL = 70
"""Exit code of an unexpected failure (EX_SOFTWARE of sysexits.h): distinct from a user error's 2."""
EXIT_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT), as shells report it."""
MAX_MESSAGE = 300
"""Longest error line printed, in characters: a long input echoed in a message is cut, not printed whole."""
REPORT = "this is a bug in gd; please report it with the command you ran"


def capped(message: object) -> str:
    """``message`` as one printable line (gdcli.files.text.one_line), cut to MAX_MESSAGE characters with a note
    of how much was left out."""
    text = one_line(str(message))
    if len(text) <= MAX_MESSAGE:
        return text
    return f"{text[:MAX_MESSAGE - 40]}… ({len(text):,} characters in all)"


def fail(message: str) -> None:
    """One line on stderr, exit code 2."""
    typer.echo(f"gd: error: {capped(message)}", err=True)
    sys.exit(EXIT_USAGE)


def internal_error(error: BaseException) -> None:
    """The last line of defence: one line naming what escaped, a request to report it, exit code EXIT_INTERNAL."""
    kinds = {MemoryError: "ran out of memory", RecursionError: "an expression nested too deeply to process",
             OverflowError: "a number too large to represent"}
    kind = next((text for cls, text in kinds.items() if isinstance(error, cls)), "an unexpected failure")
    detail = capped(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
    typer.echo(f"gd: internal error: {kind} ({detail}); {REPORT}", err=True)
    sys.exit(EXIT_INTERNAL)


def interrupted() -> None:
    """Ctrl-C: say so on stderr and exit with 130."""
    typer.echo("gd: interrupted", err=True)
    sys.exit(EXIT_INTERRUPTED)


def minus_hint(error: Exception, args: list[str]) -> str:
    """For an unknown option that is an objective starting with a minus (-x^2+y^2), how to write it instead."""
    name = getattr(error, "option_name", None)
    if type(error).__name__ != "NoSuchOption" or not name or name.startswith("--"):
        return ""
    text = next((arg for arg in args if arg.startswith(name)), name)
    if len(text) <= 2:  # -q: a mistyped flag rather than an objective
        return ""
    command = next((arg for arg in args if not arg.startswith("-")), "solve")
    return (f" (an objective that starts with a minus needs a leading space, \" {text}\", or to come last "
            f"after --: gd {command} [OPTIONS] -- \"{text}\")")


class OneLineErrors(TyperGroup):
    """A command group whose usage and library errors print as one line, never a traceback or a box, and whose
    commands show their defaults in gd's notation (gdcli.cli.options.defaults_in_notation)."""

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            defaults_in_notation(command)
        return command

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # overflow to inf or nan is data to gd (a run diverged, a point is outside the domain) and is reported in
        # gd's own words; NumPy's and matplotlib's RuntimeWarnings about it would only be noise on stderr
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            args = line_search_alone(list(sys.argv[1:] if args is None else args))
            result = super().main(args, prog_name or "gd", complete_var, standalone_mode=False, **extra)
        except GdError as error:
            fail(str(error))
        except TyperException as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # `gd` alone: show the help, as a friendly start
                typer.echo(error.format_message())
                sys.exit(0)
            fail(error.format_message() + minus_hint(error, sys.argv[1:] if args is None else list(args)))
        except typer.Abort as error:
            if isinstance(error.__cause__, KeyboardInterrupt):
                interrupted()
            typer.echo("gd: aborted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except KeyboardInterrupt:
            interrupted()
        except BrokenPipeError:
            sys.exit(0)
        except Exception as error:  # noqa: BLE001 - the last line of defence: never a traceback
            internal_error(error)
        if result == EXIT_INTERRUPTED:  # Typer turns Ctrl-C inside a command into a silent exit code 130
            interrupted()
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
