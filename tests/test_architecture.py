"""The layout's promises: imports run one way between packages, no two modules import each other, and the
public API names what gdcli.api defines."""

import importlib

from importlinter.cli import lint_imports

import gdcli
from tests.conftest import ROOT


def test_import_contracts_hold():
    # the contracts are in pyproject.toml: layers, matplotlib and typer kept to their packages, no cycles
    assert lint_imports(str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0, "an import breaks a contract in pyproject.toml: run `lint-imports` to see which"


def test_public_api_is_what_api_defines():
    api = importlib.import_module("gdcli.api")
    assert sorted(gdcli.__all__) == sorted(api.__all__)
    for name in gdcli.__all__:
        assert getattr(gdcli, name) is getattr(api, name)
