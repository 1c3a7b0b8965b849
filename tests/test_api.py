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
