"""A course: topics in order, one TOML file each, opened one after another by mastery gates.

A topic file (course/NN-name.toml; the files are taken in the order of their names)::

    title = "The update rule and the sign of the step"
    text = '''...'''                       # one screen: at most TEXT_LINES lines of TEXT_WIDTH characters
    demo = ["solve", "(x-3)^2", "--start", "0", "--lr", "0.1", "--steps", "5"]   # a gd command, shown live
    templates = ["x-squared-from-five"]   # problem ids of the bank the practice draws variants from
    gate = 3                              # right first tries in a row that open the next topic (default 3)

The gate is read from the progress log (gdcli.practice.progress), the same store as practice: walking the
attempts at the topic's templates in time order, the first record of each question of each variant raises the
streak by one when it is right and sets it to 0 when it is wrong; a revealed solution sets it to 0. A topic is
mastered once the streak has reached its gate; the next topic is open when the one before is mastered.

A template belongs to one topic: the course is refused when two topic files list the same template. The log
records attempts by problem, not by topic (practice outside gd learn counts too), so a template shared by two
topics would let right answers in one open the other's gate without a single new variant seen there.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from gdcli.errors import GdError
from gdcli.files.reading import UnreadableFile, read_regular
from gdcli.files.shipped import course_directory
from gdcli.files.text import printable
from gdcli.practice.progress import Attempt

DEFAULT_GATE = 3
TEXT_LINES = 16
TEXT_WIDTH = 78
MAX_FILE_BYTES = 64 * 1024
FIELDS = ("title", "text", "demo", "templates", "gate")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")


@dataclass(frozen=True)
class Topic:
    """One topic: its id is the file's name without the leading number (01-update-rule → update-rule)."""

    id: str
    title: str
    text: str
    demo: tuple[str, ...]
    templates: tuple[str, ...]
    gate: int
    path: Path


def read_topic(path: Path) -> Topic:
    """A topic file, checked field by field; GdError "FILE: FIELD: what is wrong" otherwise."""
    name = printable(path.name)

    def fail(where: str, message: str) -> GdError:
        return GdError(f"course file {name}: {where}: {message}")

    try:
        raw = read_regular(path, MAX_FILE_BYTES, "course file")
        document = tomllib.loads(raw.decode("utf-8"))
    except UnreadableFile as error:
        raise GdError(f"course file {name}: {error.reason}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise fail("file", f"not TOML text ({printable(str(error), False)})") from None
    unknown = sorted(set(document) - set(FIELDS))
    if unknown:
        raise fail(unknown[0], f"unknown field (fields: {', '.join(FIELDS)})")
    for key in ("title", "text"):
        if not isinstance(document.get(key), str) or not document[key].strip():
            raise fail(key, "must be a non-empty text")
    lines = document["text"].strip("\n").splitlines()
    if len(lines) > TEXT_LINES or any(len(line) > TEXT_WIDTH for line in lines):
        raise fail("text", f"must fit one screen: at most {TEXT_LINES} lines of {TEXT_WIDTH} characters")
    demo = document.get("demo")
    if not (isinstance(demo, list) and demo and all(isinstance(a, str) for a in demo)):
        raise fail("demo", "must be a gd command as a list of words, e.g. [\"solve\", \"x^2\", \"--steps\", \"5\"]")
    templates = document.get("templates")
    if not (isinstance(templates, list) and templates and all(isinstance(t, str) and _ID.match(t) for t in templates)):
        raise fail("templates", "must be a list of problem ids (gd practice list shows them)")
    gate = document.get("gate", DEFAULT_GATE)
    if isinstance(gate, bool) or not isinstance(gate, int) or not 1 <= gate <= 100:
        raise fail("gate", "must be a whole number from 1 to 100 (right first tries in a row)")
    topic_id = re.sub(r"^[0-9]+[-_]", "", path.stem)
    return Topic(topic_id, document["title"].strip(), "\n".join(lines), tuple(demo), tuple(templates), gate, path)


def read_course(directory: str | os.PathLike | None = None) -> list[Topic]:
    """Every topic of the course folder, in the order of the file names."""
    folder = Path(directory) if directory is not None else course_directory()
    if not folder.is_dir():
        raise GdError(f"no course folder at {printable(str(folder))} (set GDCLI_COURSE to one)")
    topics = [read_topic(path) for path in sorted(folder.glob("*.toml"))]
    if not topics:
        raise GdError(f"the course folder {printable(str(folder))} has no topic files (*.toml)")
    seen: set[str] = set()
    owner: dict[str, Topic] = {}
    for topic in topics:
        if topic.id in seen:
            raise GdError(f"course file {printable(topic.path.name)}: file: a second topic named '{topic.id}'")
        seen.add(topic.id)
        for template in topic.templates:
            if template in owner and owner[template] is not topic:
                raise GdError(f"course file {printable(topic.path.name)}: templates: '{template}' is already in "
                              f"{printable(owner[template].path.name)} (a template belongs to one topic: its right "
                              "answers count toward that topic's gate)")
            owner[template] = topic
    return topics


@dataclass(frozen=True)
class Standing:
    """A topic's state (locked, open or mastered) and its current streak of right first tries."""

    topic: Topic
    state: str
    streak: int

    def to_dict(self) -> dict:
        return {"id": self.topic.id, "title": self.topic.title, "state": self.state, "streak": self.streak,
                "gate": self.topic.gate}


def streak(topic: Topic, attempts: list[Attempt]) -> tuple[int, bool]:
    """The current streak of right first tries at the topic's templates, and whether it ever reached the gate."""
    current, mastered, seen = 0, False, set()
    for attempt in sorted((a for a in attempts if a.problem in topic.templates), key=lambda a: a.time):
        key = (attempt.problem, attempt.question, attempt.seed)
        if attempt.after_solution:
            current = 0
        elif key not in seen:
            current = current + 1 if attempt.correct else 0
        seen.add(key)
        mastered = mastered or current >= topic.gate
    return current, mastered


def standings(topics: list[Topic], attempts: list[Attempt], gates: bool = True) -> list[Standing]:
    """Each topic's state: mastered once its gate was reached; open when it is the first, when the topic before
    is mastered, or without gates; locked otherwise."""
    found, before_mastered = [], True
    for topic in topics:
        current, mastered = streak(topic, attempts)
        state = "mastered" if mastered else "open" if before_mastered or not gates else "locked"
        found.append(Standing(topic, state, current))
        before_mastered = mastered
    return found


def resume(found: list[Standing]) -> Standing | None:
    """Where the student left off: the first open topic not yet mastered (None when all are mastered)."""
    return next((s for s in found if s.state == "open"), None)


def seen_variants(attempts: list[Attempt]) -> set[tuple[str, int | None]]:
    return {(a.problem, a.seed) for a in attempts}


def fresh_variant(problem, seen: set, topic: Topic) -> int | None | bool:
    """A seed of ``problem`` the student has not seen (variant seeds "learn:TOPIC:k", k = 1, 2, …); the original
    (None) for a problem without parameters if unseen; False when there is none left."""
    from gdcli.practice.variants import seed_of

    if problem.values is None:
        return None if (problem.id, None) not in seen else False
    for k in range(1, 10_000):
        seed = seed_of(f"learn:{topic.id}:{k}")
        if (problem.id, seed) not in seen:
            return seed
    return False
