"""Where the files shipped with gd are: the problem bank, the datasets beside it, and the course."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path


def shipped_folder(variable: str, name: str) -> Path:
    """$variable if set, else the folder ``name`` beside the package (a checkout or an editable install), else
    the copy an ordinary install puts in <prefix>/share/gdcli/``name`` (pyproject's data-files)."""
    given = os.environ.get(variable)
    if given:
        return Path(given)
    beside = _checkout() / name
    installed = Path(sys.prefix) / "share" / "gdcli" / name
    return beside if beside.is_dir() or not installed.is_dir() else installed


@lru_cache(maxsize=None)
def _checkout() -> Path:
    """The folder that holds the package gdcli (symbolic links resolved once: this file does not move)."""
    return Path(__file__).resolve().parents[2]


def problems_directory() -> Path:
    """The problem bank: $GDCLI_PROBLEMS, else problems/ (see shipped_folder)."""
    return shipped_folder("GDCLI_PROBLEMS", "problems")


def datasets_directory() -> Path:
    """The shipped datasets: data/ in the problem bank."""
    return problems_directory() / "data"


def course_directory() -> Path:
    """The course of `gd learn`: $GDCLI_COURSE, else course/ (see shipped_folder)."""
    return shipped_folder("GDCLI_COURSE", "course")
