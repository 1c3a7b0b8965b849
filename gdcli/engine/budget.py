"""A time budget for symbolic work that may not finish: the call runs in a forked child process, killed when
the budget runs out, so a hard system of equations or a huge determinant cannot hang the tool."""

from __future__ import annotations

import multiprocessing
from typing import Callable

TIMED_OUT = object()
"""What ``within`` returns when the budget ran out."""
FAILED = object()
"""What ``within`` returns when the call raised an exception."""


def _child(function: Callable, args: tuple, connection) -> None:
    """Runs in the child: call ``function`` and send its (picklable) result back, or FAILED's marker."""
    try:
        connection.send(("done", function(*args)))
    except Exception:  # noqa: BLE001 - any failure of the symbolic work is reported as FAILED
        connection.send(("failed", None))
    finally:
        connection.close()


def within(seconds: float, function: Callable, *args):
    """``function(*args)`` if it returns within ``seconds``, else TIMED_OUT (FAILED if it raised)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_child, args=(function, args, sender), daemon=True)
    worker.start()
    sender.close()
    try:
        answer = receiver.recv() if receiver.poll(seconds) else ("timeout", None)
    except EOFError:  # the child died without answering
        answer = ("failed", None)
    if worker.is_alive():
        worker.kill()
    worker.join()
    receiver.close()
    return {"done": answer[1], "timeout": TIMED_OUT, "failed": FAILED}[answer[0]]
