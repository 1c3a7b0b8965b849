"""The public API's results in a notebook: a Solution displays its run's page inline."""

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_a_notebook_shows_a_solution_as_its_page():
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import gdcli, pathlib\nprint(pathlib.Path(gdcli.__file__).parent.parent)"),
        nbformat.v4.new_code_cell("from gdcli import solve\n"
                                  "solve('x^2 + 4*y^2', start='3,-2', optimizer='adam', steps=10)"),
        nbformat.v4.new_code_cell("from gdcli import compare\ncompare('x^2 + 4*y^2', optimizers='gd,adam', steps=5)"),
        nbformat.v4.new_code_cell("from gdcli import fit_csv\nfit_csv('problems/data/four_points.csv', 'y', epochs=30)"),
    ]
    # the kernel starts in the repository, so it imports this checkout's gdcli
    NotebookClient(notebook, timeout=None, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    where, single, several, fitted = (cell.outputs for cell in notebook.cells)
    assert where[0]["text"].strip() == str(ROOT)
    assert [o["output_type"] for o in single + several + fitted] == ["execute_result"] * 3  # nothing printed
    shown = single[0]["data"]
    assert shown["text/plain"].startswith("Solution('x^2 + 4*y^2', adam") and "\n" not in shown["text/plain"]
    page = shown["text/html"]
    assert page.startswith("<iframe srcdoc=") and "&lt;!DOCTYPE html&gt;" in page
    assert 'aria-label=&quot;next step&quot;' in page and "state of adam" in page
    assert "state of gd" in several[0]["data"]["text/html"] and "state of adam" in several[0]["data"]["text/html"]
    assert fitted[0]["data"]["text/plain"].startswith("Fit(linear on problems/data/four_points.csv, gd")
    assert "state of batch full" in fitted[0]["data"]["text/html"]


def test_sweep_and_basins_are_public_with_one_line_reprs():
    import numpy as np

    from gdcli import basins, sweep

    # gd on x² + 4y² from (3, 3): ∇f_t = (6(1 − 2α)ᵗ, 24(1 − 8α)ᵗ) in closed form; a run converges when
    # ‖∇f_t‖ ≤ 10⁻⁸ for some t ≤ 500 (α just below 1/4 contracts too slowly for that)
    result = sweep("x^2 + 4*y^2", start="3,3", lr_min=0.01, lr_max=0.3, num=30, steps=500)
    t = np.arange(501)
    converges = [a for a in np.linspace(0.01, 0.3, 30)
                 if np.any(np.hypot(6 * (1 - 2 * a) ** t, 24 * (1 - 8 * a) ** t) <= 1e-8)]
    assert result.largest_converged_lr == pytest.approx(max(converges))
    assert "\n" not in repr(result) and repr(result).startswith("Sweep('x^2 + 4*y^2', gd")
    found = basins("himmelblau", grid=11)
    assert "\n" not in repr(found) and repr(found).count("minimum") == 4


def test_the_front_doors_example_runs_as_written():
    """The module docstring's session is a doctest: x ← x − 0.1·2(x − 3) = 0.8x + 0.6 from 0."""
    import doctest

    from gdcli import api

    assert 0.8 * 1.464 + 0.6 == pytest.approx(1.7712)  # the last iterate shown, by the rule written out
    result = doctest.testmod(api)
    assert result.attempted >= 4 and result.failed == 0
