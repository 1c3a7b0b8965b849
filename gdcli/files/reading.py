"""Reading a user's file safely: only a regular file, opened without blocking, and never more than a stated size.

Every place gd reads a file a user names (a fit CSV, a problem file, the progress log) goes through
``open_regular`` or ``read_regular``. Opening with ``O_NONBLOCK`` means a FIFO with no writer opens at once
instead of waiting forever; ``fstat`` on the open descriptor (not the name, which could change in between)
then refuses anything but a regular file — a FIFO, a socket, or a device such as /dev/zero, which would
otherwise never end. The size limit is checked against the file's size and again while reading, so a file
that grows cannot exhaust memory either.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import BinaryIO

from gdcli.errors import GdError
from gdcli.files.text import printable

KINDS = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a FIFO (named pipe)", stat.S_ISCHR: "a character device",
         stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}
"""What a file that is not regular is, in words."""


class UnreadableFile(GdError):
    """A file that cannot be read as asked: ``reason`` says why, without the path (callers may name the file
    their own way)."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(f"{printable(str(path))}: {reason}")


def kind_of(mode: int) -> str:
    """'a FIFO (named pipe)', 'a character device', … for a mode that is not a regular file's."""
    return next((words for test, words in KINDS.items() if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike, limit: int, what: str = "file") -> BinaryIO:
    """An open binary handle on the regular file ``path`` of at most ``limit`` bytes; anything else is a
    GdError naming the path (``what`` says what the file was meant to be: "CSV file", "problem file")."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile(path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(path, f"is a folder, not a {what}") from None
    except OSError as error:
        raise UnreadableFile(path, f"cannot read it ({error.strerror or error})") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile(path, f"is {kind_of(status.st_mode)}, not a {what}")
        if status.st_size > limit:
            raise UnreadableFile(path, f"{status.st_size:,} bytes; the limit for a {what} is {limit:,}")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular(path: str | os.PathLike, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them (see open_regular)."""
    with open_regular(path, limit, what) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise UnreadableFile(path, f"cannot read it ({error.strerror or error})") from None
    if len(data) > limit:
        raise UnreadableFile(path, f"more than {limit:,} bytes; the limit for a {what} is {limit:,}")
    return data


class Limited(io.RawIOBase):
    """A read-only view of a handle that raises GdError once more than ``limit`` bytes have been read (a
    regular file can grow while it is read)."""

    def __init__(self, handle: BinaryIO, limit: int, path: str | os.PathLike, what: str):
        self.handle, self.left, self.path, self.what, self.limit = handle, limit, path, what, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.handle.readinto(buffer)
        self.left -= count or 0
        if self.left < 0:
            raise UnreadableFile(self.path, f"more than {self.limit:,} bytes; the limit for a {self.what} is "
                                            f"{self.limit:,}")
        return count

    def close(self) -> None:
        self.handle.close()
        super().close()


def open_text(path: str | os.PathLike, limit: int, what: str = "file", encoding: str = "utf-8-sig") -> io.TextIOWrapper:
    """A text handle on the regular file ``path`` that never yields more than ``limit`` bytes (see
    open_regular); newlines are left as they are, for the csv module."""
    handle = open_regular(path, limit, what)
    limited = Limited(handle, limit, path, what)
    return io.TextIOWrapper(io.BufferedReader(limited), encoding=encoding, newline="")
