"""The student's progress: every attempt, kept in an append-only JSON-lines log under the data directory.

Where: ``$GDCLI_HOME/progress.jsonl`` when GDCLI_HOME is set (the tests set it), else
``$XDG_DATA_HOME/gdcli`` or ``~/.local/share/gdcli``.

Why a log: each attempt is one line written by one ``os.write`` on a descriptor opened with ``O_APPEND``,
so the kernel places every line whole at the end of the file. Every writer holds an exclusive
``fcntl.flock`` on the log while it appends (and first adds a newline if the file does not end with one, so
a line is never glued to a broken last line). A line never changes once written.

A log with unreadable lines (not UTF-8, not JSON, a field of the wrong type) is repaired in place, never
renamed: under the same lock, the file is read again (so attempts appended meanwhile are kept), a copy of it
exactly as it was is written beside it as ``progress.jsonl.corrupt-<time>-<pid>``, and only then is the log
rewritten to its readable lines. If the copy cannot be written (a full disk), the log is left as it is and
the reader is told. Every answer is stored as valid UTF-8 (bytes that are not become U+FFFD).
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from gdcli.errors import GdError
from gdcli.files.reading import UnreadableFile, kind_of, read_regular
from gdcli.files.text import printable

FILENAME = "progress.jsonl"
MAX_ANSWER = 200
"""Characters of an answer kept in the log."""
MAX_LOG = 64 * 1024 * 1024
"""Largest log read (about 300,000 attempts)."""


def data_directory() -> Path:
    """$GDCLI_HOME, else $XDG_DATA_HOME/gdcli, else ~/.local/share/gdcli."""
    if os.environ.get("GDCLI_HOME"):
        return Path(os.environ["GDCLI_HOME"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gdcli"


@dataclass(frozen=True)
class Attempt:
    """One answer to one question, of the variant ``seed`` (None: the original numbers). An attempt made after
    the solution was shown is ``after_solution`` and never correct."""

    problem: str
    question: int
    correct: bool
    answer: str = ""
    time: float = 0.0
    after_solution: bool = False
    seed: int | None = None
    mistake: str | None = None
    """The named mistake the grader recognised in a wrong answer (gdcli.practice.mistakes), if any."""

    def line(self) -> bytes:
        """One JSON line in UTF-8; text is stored as it can be shown (gdcli.files.text.printable: control
        characters dropped, bytes that were not UTF-8 — lone surrogates — as U+FFFD)."""
        record = {"problem": printable(self.problem, False), "question": self.question, "correct": self.correct,
                  "answer": printable(self.answer[:MAX_ANSWER], False), "time": self.time}
        if self.after_solution:
            record["after_solution"] = True
        if self.seed is not None:
            record["seed"] = self.seed
        if self.mistake:
            record["mistake"] = printable(self.mistake[:MAX_ANSWER], False)
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def of(cls, item) -> "Attempt":
        """The attempt a parsed line holds; TypeError when a field is missing or of the wrong type."""
        if not isinstance(item, dict):
            raise TypeError("not an object")
        answer, moment = item.get("answer", ""), item.get("time", 0.0)
        problem, question, correct = item.get("problem"), item.get("question"), item.get("correct")
        after, seed, mistake = item.get("after_solution", False), item.get("seed"), item.get("mistake")
        if not (isinstance(problem, str) and isinstance(question, int) and not isinstance(question, bool)
                and isinstance(correct, bool) and isinstance(answer, str)
                and isinstance(moment, (int, float)) and not isinstance(moment, bool) and math.isfinite(moment)
                and isinstance(after, bool) and (seed is None or isinstance(seed, int) and not isinstance(seed, bool))
                and (mistake is None or isinstance(mistake, str))):
            raise TypeError("a field is missing or of the wrong type")
        return cls(problem, question, correct, answer, float(moment), after, seed, mistake)


@dataclass
class Log:
    """The attempts read back, and any warning about the file."""

    attempts: list[Attempt]
    warnings: list[str] = field(default_factory=list)


def log_path(directory: Path | None = None) -> Path:
    return (directory or data_directory()) / FILENAME


@contextmanager
def _locked(path: Path, flags: int, action: str):
    """The log opened with ``flags`` (never blocking on a FIFO, refusing anything but a regular file) and held
    under an exclusive flock; OSError becomes a GdError that says what could not be done."""
    shown = printable(str(path))
    try:
        descriptor = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as error:
        raise GdError(f"cannot {action} {shown}: {error.strerror or error}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise GdError(f"cannot {action} {shown}: it is {kind_of(mode)}, not a progress log")
        os.set_blocking(descriptor, True)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield descriptor
    except OSError as error:
        raise GdError(f"cannot {action} {shown}: {error.strerror or error}") from None
    finally:
        os.close(descriptor)  # closing releases the lock


def record(attempt: Attempt, directory: Path | None = None) -> None:
    """Append one attempt as one write to the O_APPEND log, under the lock, after a newline if the file's
    last line lacks one (creating the folder and file if needed)."""
    path = log_path(directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GdError(f"cannot save progress in {printable(str(path))}: {error.strerror or error}") from None
    with _locked(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, "save progress in") as descriptor:
        line = attempt.line()
        size = os.fstat(descriptor).st_size
        if size and os.pread(descriptor, 1, size - 1) != b"\n":
            line = b"\n" + line
        if os.write(descriptor, line) != len(line):
            raise GdError(f"cannot save progress in {printable(str(path))}: the disk took only part of a line")


def read(directory: Path | None = None) -> Log:
    """Every attempt in the log; a log with unreadable lines is repaired in place (see the module docstring)."""
    path = log_path(directory)
    try:
        raw = read_regular(path, MAX_LOG, "progress log")
    except UnreadableFile as error:
        if not os.path.lexists(path):
            return Log([])
        raise GdError(f"cannot read progress from {printable(str(path))}: {error.reason}") from None
    attempts, _, bad = _parse(raw)
    if not bad:
        return Log(attempts)
    return _repair(path)


def _parse(raw: bytes) -> tuple[list[Attempt], list[bytes], list[bytes]]:
    """The attempts of the readable lines, those lines as they are, and the unreadable lines."""
    attempts, good, bad = [], [], []
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            attempts.append(Attempt.of(json.loads(line.decode("utf-8"))))
            good.append(line)
        except (UnicodeDecodeError, ValueError, TypeError, RecursionError):
            bad.append(line)
    return attempts, good, bad


def _repair(path: Path) -> Log:
    """Under the lock: read the log again, keep a copy of it as it is, then rewrite it to its readable lines."""
    from gdcli.files.formats import write_atomic

    with _locked(path, os.O_RDWR, "repair the progress log") as descriptor:
        raw = _read_all(descriptor)
        attempts, good, bad = _parse(raw)
        if not bad:  # another session repaired it while we waited for the lock
            return Log(attempts)
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        lines = f"{len(bad)} unreadable line{'s' if len(bad) != 1 else ''}"
        try:
            write_atomic(aside, raw)
        except GdError as error:
            return Log(attempts, [f"progress file {printable(str(path))} has {lines}; it was left as it is, "
                                  f"because a copy could not be kept first ({error})"])
        kept = b"".join(line + b"\n" for line in good)
        os.pwrite(descriptor, kept, 0)  # shorter than the file (each bad line had a byte): no new disk space
        os.ftruncate(descriptor, len(kept))
        os.fsync(descriptor)
    return Log(attempts, [f"progress file {printable(str(path))} had {lines}; they were removed from it, the "
                          f"file as it was is kept in {aside.name}, and its {len(attempts)} readable "
                          f"attempt{'s' if len(attempts) != 1 else ''} kept"])


def _read_all(descriptor: int) -> bytes:
    """The whole file behind ``descriptor``, from its start, at most MAX_LOG bytes."""
    chunks, total = [], 0
    while chunk := os.pread(descriptor, 1 << 20, total):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_LOG:
            raise GdError(f"the progress log is larger than {MAX_LOG:,} bytes")
    return b"".join(chunks)


SOLUTION_SHOWN = "(solution shown)"
"""The answer text of the attempt that records a reveal."""


def reveal(problem: str, question: int, seed: int | None = None, when: float = 0.0) -> Attempt:
    """The record that the solution of a question (of variant ``seed``) was shown."""
    return Attempt(problem, question, False, SOLUTION_SHOWN, when, True, seed)


def graded(problem: str, question: int, correct: bool, answer: str, attempts: Iterable[Attempt],
           seed: int | None = None, when: float = 0.0, mistake: str | None = None) -> Attempt:
    """The attempt to record for an answer: after a reveal of the same question and variant it is "after the
    solution" and never counts as correct."""
    shown = any(a.after_solution and a.problem == problem and a.question == question and a.seed == seed
                for a in attempts)
    return Attempt(problem, question, correct and not shown, answer, when, shown, seed, mistake)


@dataclass
class TopicProgress:
    """Problem ids by state for one topic."""

    topic: str
    solved: list[str] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)
    not_tried: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"topic": self.topic, "solved": self.solved, "attempted": self.attempted, "not_tried": self.not_tried}


def state_of(problem, attempts: Iterable[Attempt]) -> str:
    """solved (every question answered correctly at least once), attempted, or not_tried."""
    mine = [a for a in attempts if a.problem == problem.id]
    if not mine:
        return "not_tried"
    right = {a.question for a in mine if a.correct}
    return "solved" if right >= set(range(1, len(problem.questions) + 1)) else "attempted"


def by_topic(problems, attempts: list[Attempt]) -> list[TopicProgress]:
    """Each topic's problems sorted into solved, attempted and not tried."""
    topics: dict[str, TopicProgress] = {}
    for problem in problems:
        entry = topics.setdefault(problem.topic, TopicProgress(problem.topic))
        getattr(entry, state_of(problem, attempts)).append(problem.id)
    return sorted(topics.values(), key=lambda t: t.topic)
