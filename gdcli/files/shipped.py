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
    return Path(given) if given else _beside_or_installed(name)


@lru_cache(maxsize=None)
def _beside_or_installed(name: str) -> Path:
    """The folder ``name`` beside the package, else in <prefix>/share/gdcli, found once (neither moves while gd
    runs)."""
    beside = Path(__file__).resolve().parents[2] / name
    installed = Path(sys.prefix) / "share" / "gdcli" / name
    return beside if beside.is_dir() or not installed.is_dir() else installed


def problems_directory() -> Path:
    """The problem bank: $GDCLI_PROBLEMS, else problems/ (see shipped_folder)."""
    return shipped_folder("GDCLI_PROBLEMS", "problems")


def datasets_directory() -> Path:
    """The shipped datasets: data/ in the problem bank."""
    return problems_directory() / "data"


def course_directory() -> Path:
    """The course of `gd learn`: $GDCLI_COURSE, else course/ (see shipped_folder)."""
    return shipped_folder("GDCLI_COURSE", "course")
