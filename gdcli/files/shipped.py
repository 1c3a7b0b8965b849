"""Where the files shipped with gd are: the problem bank and the datasets beside it."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def problems_directory() -> Path:
    """The problem bank: $GDCLI_PROBLEMS if set, else problems/ beside the package (a checkout or an editable
    install), else the copy an ordinary install puts in <prefix>/share/gdcli/problems."""
    given = os.environ.get("GDCLI_PROBLEMS")
    if given:
        return Path(given)
    beside = Path(__file__).resolve().parents[2] / "problems"
    installed = Path(sys.prefix) / "share" / "gdcli" / "problems"
    return beside if beside.is_dir() or not installed.is_dir() else installed


def datasets_directory() -> Path:
    """The shipped datasets: data/ in the problem bank."""
    return problems_directory() / "data"
