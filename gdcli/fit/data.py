"""Tabular data for `gd fit`: reading a CSV file, checking it, and standardising its features.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the first data row is row 2. Every
problem with the file is a GdError naming the file, the row and the column, so the user can go and fix it.

Standardising maps each feature to z = (x − μ)/σ (σ the population standard deviation). A model fitted on z,
ŷ = Σ wⱼ zⱼ + b, is the same model in the original units with

    wⱼ(original) = wⱼ/σⱼ,    b(original) = b − Σ wⱼ μⱼ/σⱼ.
"""

from __future__ import annotations

import csv
import math
import warnings
from array import array
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from gdcli.engine.notation import number
from gdcli.errors import GdError
from gdcli.files.reading import UnreadableFile, open_regular, open_text
from gdcli.files.shipped import datasets_directory
from gdcli.files.text import printable

MAX_CSV_BYTES = 2 * 1024**3
"""Largest CSV file read (2 GiB)."""


@dataclass(frozen=True)
class Dataset:
    """A design matrix X (rows × features), a target y, and where they came from."""

    path: str
    features: tuple[str, ...]
    target: str
    X: np.ndarray
    y: np.ndarray
    lines: np.ndarray
    """The spreadsheet row number of each data row (blank lines skipped)."""

    @property
    def rows(self) -> int:
        return int(self.X.shape[0])


def read_csv(path: str | Path, target: str, features: Sequence[str] | None = None) -> Dataset:
    """Read the numeric columns ``features`` (default: every column but the target) and ``target``.

    Blank lines are skipped; columns not asked for are not checked. Only a regular file of at most
    MAX_CSV_BYTES is read (a FIFO or a device is refused at once). The numbers are parsed by NumPy straight
    into one float array (memory: 8 bytes a cell); a file NumPy does not take as it is (a blank line of
    commas, text in a column not asked for, a bad cell) is read again row by row with the csv module, which
    names the row and column of any fault.
    """
    path = locate(path)
    name = printable(str(path), keep_newlines=False)
    with _opened(path, name) as handle:
        rows = _rows(handle, name)
        header_line, header = next(rows, (0, []))
        if not header:
            raise GdError(f"{name}: the file is empty (expected a header row, then rows of numbers)")
        header = [printable(cell, keep_newlines=False).strip() for cell in header]
        features, wanted = _columns(name, header_line, header, target, features)
        values = _numpy_rows(handle, len(header), wanted)
    lines = None
    if values is not None:
        lines = _consecutive_lines(path, header_line, len(values))
    if values is None or lines is None:
        values, lines = _checked_rows(path, name, header_line, header, wanted)
    if not len(values):
        raise GdError(f"{name}: no data rows after the header (row {header_line})")
    return Dataset(name, tuple(features), target, values[:, :-1], values[:, -1], lines)


def locate(path: str | Path) -> str | Path:
    """``path`` itself when something is there or it names a folder, else the shipped dataset of that name
    (``four_points`` or ``four_points.csv``, see `gd datasets`); a bare name that is neither is an error."""
    if Path(path).exists() or Path(path).name != str(path):
        return path
    for candidate in (datasets_directory() / str(path), datasets_directory() / f"{path}.csv"):
        if candidate.is_file():
            return candidate
    raise GdError(f"{printable(str(path), keep_newlines=False)}: no such file, nor a shipped dataset of that name "
                  "(gd datasets lists them)")


def shipped_datasets() -> list[tuple[str, list[str], int]]:
    """Each shipped dataset as (file name, columns, data rows), read from its header and its line count."""
    found = []
    for path in sorted(datasets_directory().glob("*.csv")):
        with _opened(path, path.name) as handle:
            rows = _rows(handle, path.name)
            header = next(rows, (0, []))[1]
            found.append((path.name, [cell.strip() for cell in header], sum(1 for _ in rows)))
    return found


@contextmanager
def _opened(path, name: str):
    """open_text(path) for a CSV, with every way of failing as one GdError naming the file."""
    try:
        handle = open_text(path, MAX_CSV_BYTES, "CSV file")
    except UnreadableFile as error:
        raise GdError(f"{name}: {error.reason}") from None
    try:
        with handle:
            yield handle
    except UnicodeDecodeError:
        raise GdError(f"{name}: not a text file in UTF-8") from None
    except csv.Error as error:
        raise GdError(f"{name}: not readable as CSV ({error})") from None
    except UnreadableFile as error:
        raise GdError(f"{name}: {error.reason}") from None
    except OSError as error:
        raise GdError(f"{name}: cannot read ({error.strerror or error})") from None


def _rows(handle, name: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) of each row that is not blank."""
    reader = csv.reader(handle)
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


def _columns(name: str, header_line: int, header: list[str], target: str, features):
    """The feature names and the header indices of (features…, target), checked against the header."""
    where = f"{name}, row {header_line}"
    for index, column in enumerate(header):
        if not column:
            raise GdError(f"{where}, column {index + 1}: the header cell is empty")
        if column in header[:index]:
            raise GdError(f"{where}, column {index + 1}: the name '{column}' appears twice in the header")
    if target not in header:
        raise GdError(f"{where}: no target column '{printable(target)}' (the columns are {', '.join(header)})")
    if features is None:
        features = [c for c in header if c != target]
    features = [f.strip() for f in features]
    for feature in features:
        if feature not in header:
            raise GdError(f"{where}: no feature column '{printable(feature)}' (the columns are {', '.join(header)})")
        if feature == target:
            raise GdError(f"{where}: column '{feature}' cannot be both a feature and the target")
    if not features:
        raise GdError(f"{where}: no feature columns besides the target '{target}'")
    return features, [header.index(c) for c in (*features, target)]


def _numpy_rows(handle, width: int, wanted: list[int]) -> np.ndarray | None:
    """The rest of the file as a (rows × len(wanted)) float array, by NumPy's parser; None when the file is not
    plain (a row of another width, a cell that is not a finite number, a blank line that is not empty)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data": an empty body is reported below
            table = np.loadtxt(handle, delimiter=",", dtype=float, ndmin=2, comments=None, quotechar='"')
    except ValueError:
        return None
    if not len(table):
        return np.empty((0, len(wanted)))
    if table.shape[1] != width or not np.isfinite(table).all():
        return None
    return table if wanted == list(range(width)) else table[:, wanted]


def _consecutive_lines(path, header_line: int, count: int) -> np.ndarray | None:
    """The row numbers header_line + 1, …, header_line + count when the file has exactly that many lines after
    the header (no blank line skipped); None otherwise."""
    newlines, last = 0, b"\n"
    with open_regular(path, MAX_CSV_BYTES, "CSV file") as handle:
        while chunk := handle.read(1 << 20):
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    total = newlines + (last != b"\n")
    if total - header_line != count:
        return None
    return np.arange(header_line + 1, header_line + 1 + count)


def _checked_rows(path, name: str, header_line: int, header: list[str], wanted: list[int]):
    """The file read again row by row: every fault named by row and column, the values kept compactly."""
    columns = [array("d") for _ in wanted]
    lines = array("q")
    with _opened(path, name) as handle:
        rows = _rows(handle, name)
        next(rows)
        for line, row in rows:
            if len(row) != len(header):
                raise GdError(f"{name}, row {line}: {len(row)} cells, but the header has {len(header)} columns")
            for column, index in zip(columns, wanted):
                column.append(_number(row[index], f"{name}, row {line}, column '{header[index]}'"))
            lines.append(line)
    values = np.empty((len(lines), len(wanted)))
    for j, column in enumerate(columns):
        values[:, j] = np.frombuffer(column, dtype=float) if len(column) else []
    return values, np.frombuffer(lines, dtype=np.int64) if len(lines) else np.empty(0, dtype=np.int64)


def _number(cell: str, where: str) -> float:
    text = cell.strip()
    try:
        value = float(text)
    except ValueError:
        shown = f"'{printable(text, keep_newlines=False)}'" if text else "an empty cell"
        raise GdError(f"{where}: {shown} is not a number") from None
    if not math.isfinite(value):
        raise GdError(f"{where}: '{text}' is not a finite number")
    return value


def check_labels(data: Dataset) -> None:
    """Logistic regression needs labels 0 and 1: the first other value is named with its row."""
    bad = np.flatnonzero((data.y != 0) & (data.y != 1))
    if bad.size:
        row = int(bad[0])
        raise GdError(f"{data.path}, row {data.lines[row]}, column '{data.target}': "
                      f"{number(data.y[row])} is not a label 0 or 1 (logistic regression needs 0/1 labels)")


@dataclass(frozen=True)
class Standardizer:
    """z = (x − μ)/σ per feature, and the way back for fitted coefficients."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def of(cls, data: Dataset) -> "Standardizer":
        """μ and σ of each feature; a constant feature (σ = 0) is an error naming its column."""
        mean = data.X.mean(axis=0)
        scale = data.X.std(axis=0)
        for j, feature in enumerate(data.features):
            if not scale[j] > 1e-12 * max(1.0, abs(mean[j])):
                raise GdError(f"{data.path}, rows {int(data.lines[0])}–{int(data.lines[-1])}, column '{feature}': every value is "
                              f"{number(data.X[0, j])}, so --standardize cannot divide by its spread (drop the column)")
        return cls(mean, scale)

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.scale

    def to_original(self, coef: np.ndarray, intercept: float) -> tuple[np.ndarray, float]:
        """wⱼ/σⱼ and b − Σ wⱼ μⱼ/σⱼ."""
        original = np.asarray(coef) / self.scale
        return original, float(intercept - original @ self.mean)
