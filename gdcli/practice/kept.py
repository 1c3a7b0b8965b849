"""Expected answers kept in the derivation cache, so checking a problem checked before runs no engine.

A question's expected answer (its value, the near misses offered as named mistakes, the names and dimension
grading needs) is what the engine computes from the problem file (a dataset is written in it), its variant
seed and gd's code, nothing else. Each is kept — unless it is an expression, SymPy's, which JSON does not
hold, or belongs to a variant, which is drawn afresh anyway — under a key of the file's SHA-256 and a
fingerprint of the practice code (with gd's version and the engine's code, which every entry's key holds:
gdcli.engine.cache), in an entry that is digest-checked like any other. The same entry notes that the file was read and checked, so a later reading
need not parse its objectives again to check them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from gdcli.engine import cache
from gdcli.practice.answers import Answer
from gdcli.practice.grading import Interval, NearMiss

CODE = ("answers", "equivalence", "grading", "kept", "mistakes", "problems", "variants")
"""The practice modules whose code decides an expected answer."""


@lru_cache(maxsize=1)
def fingerprint() -> str | None:
    """SHA-256 of the practice modules in CODE (None when their source cannot be read)."""
    return cache.source_digest(Path(__file__).parent, CODE)


def _entry(digest: str) -> cache.Entry:
    """The entry of the problem file of this SHA-256: one per cache folder in a process, so a problem's
    answers and its mark are saved in one write (none when the cache is off: nothing outlives the call)."""
    folder = cache.directory()
    return _entry_in(digest, folder) if folder is not None else cache.Entry(None)


@lru_cache(maxsize=64)
def _entry_in(digest: str, folder: Path) -> cache.Entry:
    return cache.Entry({"practice": fingerprint(), "problem": digest})


def valid(digest: str) -> bool:
    """Whether a problem file of this SHA-256 was read and checked before, with this code (mark_valid)."""
    return fingerprint() is not None and _entry(digest).values.get("valid") is True


def mark_valid(digest: str) -> None:
    """Note that the problem file of this SHA-256 was read and checked (its objectives parse)."""
    if fingerprint() is not None:
        _entry(digest).get("valid", lambda: True)


def answer(question, make: Callable[[], Answer]) -> Answer:
    """``question``'s expected answer from the cache, else ``make()`` (kept when it can be)."""
    problem = question.problem
    if problem.digest is None or problem.seed or fingerprint() is None or question.kind == "expression":
        return make()  # a variant is drawn and certified afresh anyway: its answers are not worth keeping
    entry = _entry(problem.digest)
    name = f"answer {question.number}"
    if name in entry.values:
        try:
            return decode(entry.values[name])
        except (KeyError, TypeError, ValueError, IndexError):
            pass  # a well-formed entry of another shape: compute the answer again
    made = make()
    try:
        document = encode(made)
    except TypeError:
        return made  # a value JSON does not hold
    entry.put(name, document)
    return made


def encode(a: Answer) -> dict:
    """An Answer as JSON values; TypeError for a value that is not numbers, text, tuples, lists or intervals."""
    return {"value": _encode(a.value), "names": list(a.names), "dimension": a.dimension,
            "near": [[_encode(miss.value), miss.message] for miss in a.near]}


def decode(document: dict) -> Answer:
    """The Answer that ``encode`` wrote."""
    return Answer(_decode(document["value"]), names=list(document["names"]), dimension=int(document["dimension"]),
                  near=tuple(NearMiss(_decode(value), str(message)) for value, message in document["near"]))


def _encode(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return {"int": int(value)}
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Interval):
        return {"interval": [value.lower, value.upper, value.lower_closed, value.upper_closed]}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    raise TypeError(type(value).__name__)


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        (kind, inner), = value.items()
        if kind == "int":
            return int(inner)
        if kind == "tuple":
            return tuple(_decode(v) for v in inner)
        if kind == "interval":
            return Interval(float(inner[0]), float(inner[1]), bool(inner[2]), bool(inner[3]))
        raise ValueError(kind)
    return value
