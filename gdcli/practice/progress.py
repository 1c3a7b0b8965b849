"""The student's progress: every attempt, kept in an append-only JSON-lines log under the data directory.

Where: ``$GDCLI_HOME/progress.jsonl`` when GDCLI_HOME is set (the tests set it), else
``$XDG_DATA_HOME/gdcli`` or ``~/.local/share/gdcli``.

Why a log: each attempt is one line written by one ``os.write`` on a descriptor opened with ``O_APPEND``,
so the kernel places every line whole at the end of the file and two sessions at once lose no attempt (no
read-modify-write to race). A line never changes once written.

A file that cannot be read back (not UTF-8, a line that is not an attempt) is never overwritten: it is
renamed aside to ``progress.jsonl.corrupt-<time>``, its readable attempts are copied into a fresh log
(written atomically), and the reader is given a warning that says so.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from gdcli.errors import GdError

FILENAME = "progress.jsonl"
MAX_LINE = 4096
"""Longest log line written; a longer answer text is shortened."""


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

    def line(self) -> bytes:
        record = {"problem": self.problem, "question": self.question, "correct": self.correct,
                  "answer": self.answer[:200], "time": self.time}
        if self.after_solution:
            record["after_solution"] = True
        if self.seed is not None:
            record["seed"] = self.seed
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")[:MAX_LINE]


@dataclass
class Log:
    """The attempts read back, and any warning about the file."""

    attempts: list[Attempt]
    warnings: list[str] = field(default_factory=list)


def log_path(directory: Path | None = None) -> Path:
    return (directory or data_directory()) / FILENAME


def record(attempt: Attempt, directory: Path | None = None) -> None:
    """Append one attempt as one write to the O_APPEND log (creating the folder and file if needed)."""
    path = log_path(directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as error:
        raise GdError(f"cannot save progress in {path}: {error.strerror or error}") from None
    try:
        line = attempt.line()
        written = os.write(descriptor, line)
        if written != len(line):
            raise GdError(f"cannot save progress in {path}: the disk took only part of a line")
    except OSError as error:
        raise GdError(f"cannot save progress in {path}: {error.strerror or error}") from None
    finally:
        os.close(descriptor)


def read(directory: Path | None = None) -> Log:
    """Every attempt in the log; a corrupt log is set aside (never overwritten) and its readable lines kept."""
    path = log_path(directory)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Log([])
    except OSError as error:
        raise GdError(f"cannot read progress from {path}: {error.strerror or error}") from None
    attempts, bad = _parse(raw)
    if not bad:
        return Log(attempts)
    return Log(attempts, [_set_aside(path, raw, attempts, bad)])


def _parse(raw: bytes) -> tuple[list[Attempt], int]:
    attempts, bad = [], 0
    lines = raw.split(b"\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            item = json.loads(line.decode("utf-8"))
            attempt = Attempt(item["problem"], item["question"], item["correct"], item.get("answer", ""),
                              item.get("time", 0.0), item.get("after_solution", False), item.get("seed"))
            if not (isinstance(attempt.problem, str) and isinstance(attempt.question, int)
                    and isinstance(attempt.correct, bool) and isinstance(attempt.after_solution, bool)
                    and (attempt.seed is None or isinstance(attempt.seed, int))):
                raise TypeError
            attempts.append(attempt)
        except (UnicodeDecodeError, ValueError, TypeError, KeyError):
            bad += 1
    return attempts, bad


def _set_aside(path: Path, raw: bytes, attempts: list[Attempt], bad: int) -> str:
    """Rename the corrupt log aside, then start a fresh log holding its readable attempts."""
    from gdcli.files.formats import write_atomic

    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:  # another session set it aside first
        return f"progress file {path} was unreadable and has been set aside by another session"
    except OSError as error:
        raise GdError(f"progress file {path} is corrupt and cannot be set aside: {error.strerror or error}") from None
    write_atomic(path, b"".join(a.line() for a in attempts))
    return (f"progress file {path} had {bad} unreadable line{'s' if bad != 1 else ''}; it was moved to "
            f"{aside.name} and its {len(attempts)} readable attempt{'s' if len(attempts) != 1 else ''} kept")


SOLUTION_SHOWN = "(solution shown)"
"""The answer text of the attempt that records a reveal."""


def reveal(problem: str, question: int, seed: int | None = None, when: float = 0.0) -> Attempt:
    """The record that the solution of a question (of variant ``seed``) was shown."""
    return Attempt(problem, question, False, SOLUTION_SHOWN, when, True, seed)


def graded(problem: str, question: int, correct: bool, answer: str, attempts: Iterable[Attempt],
           seed: int | None = None, when: float = 0.0) -> Attempt:
    """The attempt to record for an answer: after a reveal of the same question and variant it is "after the
    solution" and never counts as correct."""
    shown = any(a.after_solution and a.problem == problem and a.question == question and a.seed == seed
                for a in attempts)
    return Attempt(problem, question, correct and not shown, answer, when, shown, seed)


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
