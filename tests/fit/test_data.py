"""CSV reading and checking, standardisation and its way back to the original units."""

import numpy as np
import pytest

from gdcli.errors import GdError
from gdcli.fit.data import Standardizer, check_labels, read_csv


def write(tmp_path, text, name="d.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_reads_features_and_target(tmp_path):
    path = write(tmp_path, "a,b,y\n1,2,3\n\n4,5,6\n")
    data = read_csv(path, "y")
    assert data.features == ("a", "b") and data.target == "y"
    assert data.X.tolist() == [[1, 2], [4, 5]] and data.y.tolist() == [3, 6]
    assert data.lines == (2, 4)  # the blank line 3 is skipped, rows keep their file numbers


def test_chosen_features_and_unused_columns_are_not_checked(tmp_path):
    path = write(tmp_path, "name,a,y\nfoo,1,2\nbar,3,4\n")
    data = read_csv(path, "y", ["a"])
    assert data.X.ravel().tolist() == [1, 3]


BAD = [
    # (file text, target, features, words the message must hold)
    ("", "y", None, ["d.csv", "empty"]),
    ("x,y\n", "y", None, ["d.csv", "no data rows", "row 1"]),
    ("x,z\n1,2\n", "y", None, ["d.csv", "row 1", "'y'"]),
    ("x,y\n1,2\n", "y", ["q"], ["d.csv", "row 1", "'q'"]),
    ("x,y\n1,2\n3,abc\n", "y", None, ["d.csv", "row 3", "column 'y'", "'abc'", "not a number"]),
    ("x,y\n1,2\n,4\n", "y", None, ["d.csv", "row 3", "column 'x'", "empty cell"]),
    ("x,y\n1,nan\n", "y", None, ["d.csv", "row 2", "column 'y'", "finite"]),
    ("x,y\ninf,1\n", "y", None, ["d.csv", "row 2", "column 'x'", "finite"]),
    ("x,y\n1,2\n3,4,5\n", "y", None, ["d.csv", "row 3", "3 cells", "2 columns"]),
    ("x,y\n1,2\n3\n", "y", None, ["d.csv", "row 3", "1 cells"]),
    ("x,x,y\n1,2,3\n", "y", None, ["d.csv", "row 1", "column 2", "twice"]),
    ("y\n1\n", "y", None, ["d.csv", "no feature columns"]),
]


@pytest.mark.parametrize("text, target, features, words", BAD)
def test_bad_files_name_file_row_and_column(tmp_path, text, target, features, words):
    path = write(tmp_path, text)
    with pytest.raises(GdError) as caught:
        read_csv(path, target, features)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(GdError, match="nope.csv: no such file"):
        read_csv(str(tmp_path / "nope.csv"), "y")
    with pytest.raises(GdError, match="folder"):
        read_csv(str(tmp_path), "y")


def test_labels_other_than_0_1_name_the_row(tmp_path):
    data = read_csv(write(tmp_path, "x,c\n1,0\n2,1\n\n3,2\n"), "c")
    with pytest.raises(GdError, match=r"d.csv, row 5, column 'c': 2 is not a label 0 or 1"):
        check_labels(data)


def test_constant_feature_cannot_be_standardised(tmp_path):
    data = read_csv(write(tmp_path, "a,k,y\n1,3,1\n2,3,2\n4,3,0\n"), "y")
    with pytest.raises(GdError, match=r"d.csv, rows 2–4, column 'k': every value is 3"):
        Standardizer.of(data)


def test_standardised_fit_maps_back_to_the_same_predictions(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal([5.0, -2.0], [3.0, 0.5], (50, 2))
    text = "a,b,y\n" + "\n".join(f"{float(a)!r},{float(b)!r},0" for a, b in X)
    data = read_csv(write(tmp_path, text), "y")
    s = Standardizer.of(data)
    Z = s.transform(data.X)
    assert np.allclose(Z.mean(axis=0), 0) and np.allclose(Z.std(axis=0), 1)
    w, b = np.array([0.7, -1.3]), 0.4
    coef, intercept = s.to_original(w, b)
    # ŷ = Σ wⱼ (xⱼ − μⱼ)/σⱼ + b must equal Σ coefⱼ xⱼ + intercept on every row
    assert np.allclose(Z @ w + b, data.X @ coef + intercept)
