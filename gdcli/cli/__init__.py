"""The `gd` command line: a thin Typer layer that parses options, calls the library and prints what it renders.

Each command lives in a module of its own and registers itself on the Typer app when imported. `gd NAME …`
imports only the module of NAME, so a command does not pay for building every other command's options;
``from gdcli.cli import app`` gives the app with every command (for --help, tests and other programs).
"""

from __future__ import annotations

import atexit
import os
import sys
from importlib import import_module

MODULES = {
    "solve": "solve", "functions": "solve",
    "analyze": "analyze", "compare": "analyze", "sweep": "analyze", "basins": "analyze",
    "fit": "fit", "datasets": "fit", "practice": "practice", "step": "step", "schedule": "schedule",
    "learn": "learn", "cache": "cache",
}
"""Which module of gdcli.cli registers each command."""

SERIAL_BLAS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""One BLAS thread unless the user says otherwise: gd's matrices are small (∇²f of a few variables, a batch of
2×2 solves), where a thread pool only costs its start-up — about 60 ms of every command on two cores, more on
a busy machine — and never pays it back."""


def load(names=None):
    """Import the modules that register ``names`` (every command when None) and return the app."""
    modules = dict.fromkeys(MODULES[n] for n in (MODULES if names is None else names))  # in MODULES' order
    for module in modules:
        import_module(f"gdcli.cli.{module}")
    return import_module("gdcli.cli.application").app


def keep_only(application, group: str, name: str) -> None:
    """Keep only subcommand ``name`` of ``group`` (when both exist): Typer builds the options of every
    subcommand of a group before it dispatches — about 15 ms for `gd practice` — and `gd practice check …` runs
    one. An unknown name keeps them all, so Typer can suggest the right one."""
    from typer.main import get_command_name

    for info in application.registered_groups:
        if info.name == group:
            commands = info.typer_instance.registered_commands
            chosen = [c for c in commands if (c.name or get_command_name(c.callback.__name__)) == name]
            if chosen:
                commands[:] = chosen


def __getattr__(name: str):
    if name == "app":
        return load()
    raise AttributeError(f"module 'gdcli.cli' has no attribute {name!r}")


def run() -> None:
    """The `gd` command and `python -m gdcli`: main(), then the process ends without the interpreter's
    teardown.

    Finalising the ~340 modules a command loads (NumPy's, Rich's, Typer's) costs about 30 ms of every
    command, and gd has nothing left to finalise by then: its files are written and closed, the exit
    handlers (the derivation cache's flush, multiprocessing's) run here as at any exit, and the output streams
    are flushed. The status is the one sys.exit would give."""
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's; elsewhere, a plain exit
    if run_exit_handlers is None:
        sys.exit(code)
    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (gd … | head): what was wanted is written
            pass
    os._exit(code or 0)


def main() -> None:
    """Run the command in sys.argv (ends with SystemExit, as a Typer application does)."""
    for name, value in SERIAL_BLAS.items():
        os.environ.setdefault(name, value)  # before NumPy is imported
    words = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    command = words[0] if words else None
    try:
        application = load([command] if command in MODULES else None)
    except KeyboardInterrupt:  # Ctrl-C while the libraries load
        sys.stderr.write("gd: interrupted\n")
        sys.exit(130)
    if len(words) >= 2 and "_GD_COMPLETE" not in os.environ:  # shell completion needs every subcommand
        keep_only(application, command, words[1])
    application()
