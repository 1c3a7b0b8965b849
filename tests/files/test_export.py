"""JSON without NaN, CSV text, and atomic files that are never left half written."""

import json
import os

import pytest

from gdcli.errors import GdError
from gdcli.files.formats import finite_or_none, rows_to_csv, to_json, write_atomic


def test_non_finite_numbers_become_null():
    doc = {"a": float("nan"), "b": [1.0, float("inf"), {"c": -float("inf")}], "d": "text"}
    assert finite_or_none(doc) == {"a": None, "b": [1.0, None, {"c": None}], "d": "text"}
    assert json.loads(to_json(doc))["b"][1] is None


def test_csv_keeps_full_precision():
    text = rows_to_csv(["t", "x"], [[0, 0.1 + 0.2]])
    assert text == "t,x\n0,0.30000000000000004\n"


def test_atomic_write_replaces_whole_files(tmp_path):
    path = tmp_path / "out.txt"
    write_atomic(path, "first")
    write_atomic(path, "second")
    assert path.read_text() == "second"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_unwritable_targets_leave_nothing(tmp_path):
    with pytest.raises(GdError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "out.txt", "x")
    with pytest.raises(GdError, match="it is a folder"):
        write_atomic(tmp_path, "x")
    assert os.listdir(tmp_path) == []
