"""`gd step`: step through a run in the terminal, forwards and back, with the optimizer's state in view."""

import os
import select
import sys
from typing import Annotated, Optional

import typer

from gdcli.cli import options as opt
from gdcli.cli.application import app
from gdcli.cli.output import console
from gdcli.errors import GdError, OptionError

ESCAPES = {b"\x1b[A": "up", b"\x1b[B": "down", b"\x1b[C": "right", b"\x1b[D": "left",
           b"\x1bOA": "up", b"\x1bOB": "down", b"\x1bOC": "right", b"\x1bOD": "left"}
"""Arrow keys as terminals send them (normal and application cursor mode)."""
ACTIONS = {"right": "forward", " ": "forward", "left": "back", "up": "alpha_up", "down": "alpha_down",
           "p": "toggle_play", "+": "faster", "=": "faster", "-": "slower", "_": "slower", "r": "restart",
           "o": "cycle_optimizer"}
"""Key → Stepper method; q quits."""
ESCAPE_WAIT = 0.05
"""Seconds to wait for the rest of an escape sequence split across reads."""


def decode_keys(data: bytes) -> tuple[list[str], bytes]:
    """Key names in ``data`` and the unfinished escape sequence at its end (to be completed by the next read).

    Arrows become "up", "down", "right", "left"; other escape sequences are dropped; printable bytes are
    themselves ("p", " ", "+").
    """
    keys: list[str] = []
    i = 0
    while i < len(data):
        if data[i:i + 1] != b"\x1b":
            keys.append(chr(data[i]))
            i += 1
            continue
        chunk = data[i:i + 3]
        if chunk in ESCAPES:
            keys.append(ESCAPES[chunk])
            i += 3
        elif any(sequence.startswith(chunk) for sequence in ESCAPES) and len(chunk) < 3:
            return keys, data[i:]
        else:  # another escape sequence (function keys, a lone Esc): skip to its final byte
            j = i + 1
            if data[j:j + 1] in (b"[", b"O"):
                j += 1
                while j < len(data) and not 0x40 <= data[j] <= 0x7E:
                    j += 1
            i = j + 1
    return keys, b""


StepSteps = Annotated[Optional[int], opt.whole_option("--steps", help="Step budget, at most 100,000, as every step is "
                                                                  "kept to go back to.  [default: 20, or the built-in's]")]


@app.command()
@opt.engine_command(without=("every",), steps=StepSteps)
def step(
    objective: opt.Objective = None,
    engine: dict = None,
    factor: Annotated[float, opt.number_option("--factor", help="↑ and ↓ multiply or divide α by this.")] = 2.0,
    frames: Annotated[Optional[int], opt.whole_option(
        "--frames", help="Print N successive views (steps 0 … N−1) to stdout instead of the interactive screen.",
    )] = None,
) -> None:
    """Step through a run in the terminal: the map of f, the optimizer's state, the update written out.

    Keys: → or space one step forward, ← one back, ↑/↓ α up/down by --factor (the run is computed again
    from the start), p play/pause, +/− pace, r restart, o next optimizer, q quit.
    Needs a terminal; --frames N prints N views instead.

    Example: gd step rosenbrock --optimizer momentum --lr 0.001
    """
    from gdcli.render.step import view
    from gdcli.step.stepper import Stepper

    if frames is not None and frames < 1:
        raise OptionError(f"--frames must be at least 1, not {frames}")
    stepper = Stepper(objective, factor=factor, **engine)
    out = console()
    if frames is not None:
        for number in range(frames):
            if number:
                out.print()
            out.print(view(stepper, out.width))
            stepper.forward()
        return
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise GdError("gd step needs a terminal (stdin and stdout are not both a TTY); "
                      "use --frames N to print N views instead")
    interact(stepper, out, view)


def interact(stepper, out, view) -> None:
    """The full-screen loop: read keys in cbreak mode, act on the stepper, redraw; restore the terminal on
    every way out (q, Ctrl-C, an error)."""
    import termios
    import tty

    from rich.live import Live

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        with Live(console=out, screen=True, auto_refresh=False, redirect_stdout=False,
                  redirect_stderr=False) as live:
            while True:
                live.update(view(stepper, out.width, out.height), refresh=True)
                ready, _, _ = select.select([fd], [], [], stepper.delay if stepper.playing else None)
                if not ready:
                    stepper.tick()
                    continue
                keys, pending = decode_keys(os.read(fd, 64))
                if pending and select.select([fd], [], [], ESCAPE_WAIT)[0]:
                    keys += decode_keys(pending + os.read(fd, 64))[0]
                for key in keys:
                    if key == "q":
                        return
                    action = ACTIONS.get(key)
                    if action is not None:
                        getattr(stepper, action)()
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
