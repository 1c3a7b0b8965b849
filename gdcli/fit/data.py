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
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from gdcli.errors import GdError


@dataclass(frozen=True)
class Dataset:
    """A design matrix X (rows × features), a target y, and where they came from."""

    path: str
    features: tuple[str, ...]
    target: str
    X: np.ndarray
    y: np.ndarray
    lines: tuple[int, ...]
    """The spreadsheet row number of each data row (blank lines skipped)."""

    @property
    def rows(self) -> int:
        return int(self.X.shape[0])


def read_csv(path: str | Path, target: str, features: Sequence[str] | None = None) -> Dataset:
    """Read the numeric columns ``features`` (default: every column but the target) and ``target``.

    Blank lines are skipped; columns not asked for are not checked.
    """
    name = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            table = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise GdError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise GdError(f"{name}: is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise GdError(f"{name}: not a text file in UTF-8") from None
    except csv.Error as error:
        raise GdError(f"{name}: not readable as CSV ({error})") from None
    except OSError as error:
        raise GdError(f"{name}: cannot read ({error.strerror or error})") from None
    table = [(line, row) for line, row in table if any(cell.strip() for cell in row)]
    if not table:
        raise GdError(f"{name}: the file is empty (expected a header row, then rows of numbers)")
    header_line, header = table[0]
    header = [cell.strip() for cell in header]
    where = f"{name}, row {header_line}"
    for index, column in enumerate(header):
        if not column:
            raise GdError(f"{where}, column {index + 1}: the header cell is empty")
        if column in header[:index]:
            raise GdError(f"{where}, column {index + 1}: the name '{column}' appears twice in the header")
    if target not in header:
        raise GdError(f"{where}: no target column '{target}' (the columns are {', '.join(header)})")
    if features is None:
        features = [c for c in header if c != target]
    features = [f.strip() for f in features]
    for feature in features:
        if feature not in header:
            raise GdError(f"{where}: no feature column '{feature}' (the columns are {', '.join(header)})")
        if feature == target:
            raise GdError(f"{where}: column '{feature}' cannot be both a feature and the target")
    if not features:
        raise GdError(f"{where}: no feature columns besides the target '{target}'")
    if len(table) < 2:
        raise GdError(f"{name}: no data rows after the header (row {header_line})")
    wanted = [header.index(c) for c in (*features, target)]
    values = np.empty((len(table) - 1, len(wanted)))
    for r, (line, row) in enumerate(table[1:]):
        if len(row) != len(header):
            raise GdError(f"{name}, row {line}: {len(row)} cells, but the header has {len(header)} columns")
        for c, index in enumerate(wanted):
            values[r, c] = _number(row[index], f"{name}, row {line}, column '{header[index]}'")
    return Dataset(name, tuple(features), target, values[:, :-1].copy(), values[:, -1].copy(),
                   tuple(line for line, _ in table[1:]))


def _number(cell: str, where: str) -> float:
    text = cell.strip()
    try:
        value = float(text)
    except ValueError:
        shown = f"'{text}'" if text else "an empty cell"
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
                      f"{data.y[row]:g} is not a label 0 or 1 (logistic regression needs 0/1 labels)")


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
                raise GdError(f"{data.path}, rows {data.lines[0]}–{data.lines[-1]}, column '{feature}': every value is "
                              f"{data.X[0, j]:g}, so --standardize cannot divide by its spread (drop the column)")
        return cls(mean, scale)

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.scale

    def to_original(self, coef: np.ndarray, intercept: float) -> tuple[np.ndarray, float]:
        """wⱼ/σⱼ and b − Σ wⱼ μⱼ/σⱼ."""
        original = np.asarray(coef) / self.scale
        return original, float(intercept - original @ self.mean)
