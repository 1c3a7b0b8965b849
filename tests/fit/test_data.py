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
    assert data.lines.tolist() == [2, 4]  # the blank line 3 is skipped, rows keep their file numbers


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


# files that are not plain CSV text, and large ones ------------------------------------------------------------

def test_special_files_are_refused_at_once(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(GdError, match=r"pipe.csv: is a FIFO \(named pipe\), not a CSV file"):
        read_csv(str(tmp_path / "pipe.csv"), "y")
    os.symlink("/dev/zero", tmp_path / "zero.csv")
    with pytest.raises(GdError, match="zero.csv: is a character device, not a CSV file"):
        read_csv(str(tmp_path / "zero.csv"), "y")


def test_numpy_and_row_by_row_readings_agree(tmp_path):
    """The same numbers whether NumPy takes the file whole or it is read row by row (the text column 'name'
    sends it down the second path)."""
    rng = np.random.default_rng(3)
    table = rng.normal(size=(300, 3))
    plain = "a,b,y\n" + "".join(f"{a!r},{b!r},{c!r}\n" for a, b, c in table.tolist())
    named = "name,a,b,y\n" + "".join(f"r{i},{a!r},{b!r},{c!r}\n" for i, (a, b, c) in enumerate(table.tolist()))
    fast, slow = read_csv(write(tmp_path, plain, "plain.csv"), "y"), read_csv(write(tmp_path, named, "named.csv"),
                                                                              "y", ["a", "b"])
    assert fast.X.tolist() == slow.X.tolist() == table[:, :2].tolist()
    assert fast.y.tolist() == slow.y.tolist() == table[:, 2].tolist()
    assert fast.lines.tolist() == slow.lines.tolist() == list(range(2, 302))


def test_quoted_cells_crlf_and_a_target_first(tmp_path):
    data = read_csv(write(tmp_path, 'y,"a"\r\n"1",2\r\n3,4\r\n'), "y")
    assert data.X.ravel().tolist() == [2, 4] and data.y.tolist() == [1, 3] and data.lines.tolist() == [2, 3]


def test_escape_sequences_in_a_header_never_reach_a_message(tmp_path):
    path = write(tmp_path, "a\x1b]0;title\x07,y\n1,2\nx,3\n")
    with pytest.raises(GdError) as caught:
        read_csv(path, "y")
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
    assert "column 'a]0;title'" in str(caught.value)
