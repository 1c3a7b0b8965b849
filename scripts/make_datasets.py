"""Make the datasets shipped in problems/data/ (fixed seed, so the files are the same on every run).

- four_points.csv: the seeds' worked example, x = 1, 2, 3, 4 and y = 2, 4, 5, 4 (least squares y = 0.7x + 2).
- linear.csv: 300 rows, y = 3 + 2·x1 − 0.5·x2 + 0.8·x3 + noise, features on different scales (so
  --standardize has something to show).
- classes.csv: 200 rows, two overlapping Gaussian clouds labelled 0 and 1 (not separable, so the
  maximum-likelihood logistic fit exists).

Usage: python scripts/make_datasets.py [FOLDER]   (default: problems/data next to this script's parent)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 20240607
ROOT = Path(__file__).resolve().parent.parent


def four_points() -> tuple[list[str], np.ndarray]:
    return ["x", "y"], np.array([[1, 2], [2, 4], [3, 5], [4, 4]], dtype=float)


def linear(rng: np.random.Generator, rows: int = 300) -> tuple[list[str], np.ndarray]:
    x1 = rng.normal(0.0, 1.0, rows)
    x2 = rng.uniform(0.0, 10.0, rows)
    x3 = rng.normal(5.0, 2.0, rows)
    y = 3.0 + 2.0 * x1 - 0.5 * x2 + 0.8 * x3 + rng.normal(0.0, 0.5, rows)
    return ["x1", "x2", "x3", "y"], np.column_stack([x1, x2, x3, y])


def classes(rng: np.random.Generator, rows: int = 200) -> tuple[list[str], np.ndarray]:
    label = np.arange(rows) % 2
    centres = np.where(label[:, None] == 1, [1.0, 1.0], [-1.0, -0.5])
    points = centres + rng.normal(0.0, 1.0, (rows, 2))
    order = rng.permutation(rows)
    return ["x1", "x2", "label"], np.column_stack([points, label])[order]


def write(path: Path, header: list[str], table: np.ndarray) -> None:
    lines = [",".join(header)]
    lines += [",".join(f"{v:.4f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v)) for v in row)
              for row in table]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(folder: Path) -> None:
    rng = np.random.default_rng(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / "four_points.csv", *four_points())
    write(folder / "linear.csv", *linear(rng))
    write(folder / "classes.csv", *classes(rng))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "problems" / "data")
