"""Writing results: JSON text with no NaN, CSV rows, and atomic files (temp file, then rename; devices and
FIFOs written straight through)."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import signal
import stat
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from gdcli.errors import GdError, OptionError
from gdcli.files.text import printable


def finite_or_none(value):
    """Replace NaN and ±inf by None, recursively, so the JSON is strict."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    return value


def to_json(document: dict | list) -> str:
    """Strict JSON (non-finite numbers become null), UTF-8 characters kept as they are."""
    return json.dumps(finite_or_none(document), ensure_ascii=False, allow_nan=False)


STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
"""Names of the process's own output streams, written to their descriptor (never reopened: reopening a stdout
redirected to a file would start at its beginning and overwrite what was printed)."""
CHUNK = 1 << 20
"""Bytes per write call, so a signal arriving during a large write is handled between chunks."""
SIGNALS = ("SIGTERM", "SIGHUP")
"""Signals that end the process without Python's help; while a temporary file exists they first remove it."""


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so a reader never sees a partial file, and nothing is left behind.

    A regular file (or a new one) is written through a temporary file in its folder and a rename; a symbolic
    link keeps pointing where it did and the file it names is the one replaced. A device or a FIFO
    (/dev/null, a pipe) is written straight through and never replaced; /dev/stdout and /dev/stderr go to
    the process's own streams. The temporary file is removed on every exit: an error, Ctrl-C, SIGTERM or
    SIGHUP (the signal is delivered again once it is gone). An unwritable path raises GdError naming it.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    stream = _stream(target)
    if stream is not None:
        _write_through(target, payload, descriptor=stream)
        return target
    try:
        status = target.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise GdError(f"cannot write {printable(str(target))}: {error.strerror or error}") from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise GdError(f"cannot write {printable(str(target))}: it is a folder")
    if status is not None and not stat.S_ISREG(status.st_mode):
        _write_through(target, payload)
        return target
    _replace(Path(os.path.realpath(target)) if target.is_symlink() else target, payload, shown=target)
    return target


def _stream(target: Path) -> int | None:
    """The descriptor a name such as /dev/stdout, /dev/fd/1 or /proc/self/fd/1 stands for, else None."""
    text = str(target)
    if text in STREAMS:
        return STREAMS[text]
    for folder in ("/dev/fd/", "/proc/self/fd/"):
        if text.startswith(folder) and text[len(folder):].isdigit():
            return int(text[len(folder):])
    return None


def _write_through(target: Path, payload: bytes, descriptor: int | None = None) -> None:
    """Write to a device, a FIFO or one of our own streams as it is: no temporary file, no rename."""
    try:
        if descriptor is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            _write_all(descriptor, payload)
            return
        opened = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            _write_all(opened, payload)
        finally:
            os.close(opened)
    except OSError as error:
        raise GdError(f"cannot write {printable(str(target))}: {error.strerror or error}") from None


def _replace(target: Path, payload: bytes, shown: Path) -> None:
    """Temporary file beside ``target``, fsync, rename over it; the temporary file never outlives the call."""
    import tempfile  # here, not at the top: most commands write no file

    folder = target.parent if str(target.parent) else Path(".")
    name = printable(str(shown))
    with removed_on_signal() as pending:
        try:
            descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        except OSError as error:
            raise GdError(f"cannot write {name}: {error.strerror or error}") from None
        pending.append(temporary)
        try:
            try:
                _write_all(descriptor, payload)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.chmod(temporary, _new_file_mode(target))  # mkstemp makes it 0600; give it the mode open() would
            os.replace(temporary, target)
            pending.remove(temporary)
        except OSError as error:
            raise GdError(f"cannot write {name}: {error.strerror or error}") from None
        finally:
            if temporary in pending:
                Path(temporary).unlink(missing_ok=True)
                pending.remove(temporary)


def _write_all(descriptor: int, payload: bytes) -> None:
    """os.write in chunks until every byte is written."""
    view = memoryview(payload)
    while view:
        view = view[os.write(descriptor, view[:CHUNK]):]


@contextmanager
def removed_on_signal():
    """A list of temporary paths (files or folders) that SIGTERM or SIGHUP remove before the signal takes its
    usual effect; the caller removes them on every other exit. Only in the main thread: elsewhere signals
    cannot be caught, and only the caller's ``finally`` clauses apply."""
    pending: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return

    def remove_then_deliver(number, frame):
        for temporary in pending:
            if os.path.isdir(temporary) and not os.path.islink(temporary):
                shutil.rmtree(temporary, ignore_errors=True)
            else:
                Path(temporary).unlink(missing_ok=True)
        pending.clear()
        signal.signal(number, previous[number])
        signal.raise_signal(number)

    previous = {}
    for name in SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) in (signal.SIG_DFL, None):
            previous[number] = signal.signal(number, remove_then_deliver)
    try:
        yield pending
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def distinct_outputs(outputs: dict[str, str | None]) -> None:
    """Refuse two options naming one file (--csv out.txt --markdown out.txt): the second would silently
    overwrite the first. ``outputs`` maps option names to the paths given (None when not given)."""
    seen: dict[str, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        key = os.path.realpath(path) if _stream(Path(path)) is None else f"fd:{_stream(Path(path))}"
        if key in seen and not _is_sink(path):
            raise OptionError(f"{seen[key]} and {option} name the same file {printable(path)}; give each its own")
        seen.setdefault(key, option)


def _is_sink(path: str) -> bool:
    """A character device such as /dev/null, which may take any number of outputs."""
    try:
        return stat.S_ISCHR(os.stat(path).st_mode) and _stream(Path(path)) is None
    except OSError:
        return False


def rows_to_csv(header: list[str], rows: list[list]) -> str:
    """CSV text with a header line; floats written with repr precision."""
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[repr(v) if isinstance(v, float) else v for v in row] for row in rows])
    return buffer.getvalue()


def _new_file_mode(target: Path) -> int:
    """The mode of the file being replaced, or what a plain open() would give a new file (0666 less the umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
