"""Where the CLI's output goes: a rich console on stdout, JSON on stdout, files written atomically."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import typer
from rich.console import Console


def console() -> Console:
    """The stdout console; GD_WIDTH fixes its width (tests use it), NO_COLOR turns colour off.

    Text is printed as it is: no console markup and no :emoji: codes, so an objective or a teacher's problem
    text containing [x] or :x: is never reinterpreted (renderers style with Text objects instead).
    """
    width = os.environ.get("GD_WIDTH")
    return Console(width=int(width) if width and width.isdigit() else None, highlight=False, soft_wrap=False,
                   markup=False, emoji=False)


def emit_json(document) -> None:
    """Print one strict JSON document on stdout."""
    from gdcli.files.formats import to_json

    sys.stdout.write(to_json(document) + "\n")


DEFAULT_DPI = 150
"""Pixels per inch of figures when --dpi is not given (gdcli.plots.figure.DEFAULT_DPI, without importing matplotlib)."""


def announce(target, quiet: bool = False) -> None:
    """Say on stderr which file was written (stdout stays clean for --json)."""
    if not quiet:
        typer.echo(f"wrote {target}", err=True)


def write_file(path: str, data: str | bytes, quiet: bool = False) -> None:
    """Write atomically and say so on stderr."""
    from gdcli.files.formats import write_atomic

    announce(write_atomic(path, data), quiet)


LONG_RUN = 200_000
"""Step budgets from which a run may take more than a second."""
LONG_OBJECTIVE = 1_000
"""Objective lengths (characters) from which deriving and compiling may take more than a second."""


@contextmanager
def spinner(message: str, when: bool = True):
    """A transient spinner on stderr while slow work runs: only on a terminal, so pipes and --json stay clean."""
    if not when or not sys.stderr.isatty():
        yield
        return
    with Console(stderr=True).status(message):
        yield


def write_pictures(pictures, run, quiet: bool = False, curvature=None) -> None:
    """Draw the files asked for by ``pictures`` (gdcli.plots.pictures.Pictures), with a progress bar on stderr for
    animations, and say which were written."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    errors = Console(stderr=True)
    with Progress(TextColumn("drawing frames"), BarColumn(), MofNCompleteColumn(), console=errors, transient=True,
                  disable=quiet or pictures.animate is None or not errors.is_terminal) as bar:
        task = bar.add_task("frames", total=None)
        written = pictures.write(run, progress=lambda done, total: bar.update(task, completed=done, total=total),
                                 curvature=curvature)
    for target in written:
        announce(target, quiet)
