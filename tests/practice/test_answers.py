"""The practice answers read the engine's runs: Context.run is gdcli.engine.solution.solve's run, to the bit."""

import numpy as np
import pytest

from gdcli.engine.solution import solve
from gdcli.errors import ProblemError
from gdcli.practice.answers import Context


class Asked:
    """A question as a compute rule sees it: its data."""

    def __init__(self, **data):
        self.kind, self.compute, self.data = "number", "iterate", data

    def error(self, field, message):
        return ProblemError(f"{field}: {message}")

    def data_error(self, key, message):
        return ProblemError(f"data.{key}: {message}")


CASES = [
    ({"objective": "x^2 + 4*y^2", "start": ["2", "1"], "optimizer": "momentum", "lr": "0.1", "beta": 0.9, "steps": 5},
     {}),
    ({"objective": "rosenbrock", "start": "-1.2, 1", "lr": "0.001", "steps": 50}, {"xtol": 1e-3}),
    ({"objective": "x^4 + y^2", "start": "1, 1", "optimizer": "gd", "lr": "1", "line_search": "armijo",
      "steps": 8}, {}),
    ({"objective": "x^2 + 10*y^2", "start": "3, 1", "optimizer": "cg", "cg_beta": "fr", "line_search": "exact",
      "lr": 1, "steps": 3}, {}),
    ({"objective": "(x - 3)^2", "start": "0", "lr": "0.1", "schedule": "exponential", "decay": 0.1, "steps": 30},
     {"tol": 1e-3}),
    ({"objective": "x^2 + x*y + 2*y^2", "start": "1, -2", "optimizer": "newton", "lr": 1, "steps": 4}, {}),
]


@pytest.mark.parametrize("data, stop", CASES)
def test_a_practice_run_is_the_run_gd_solve_makes(data, stop):
    got = Context(Asked(**data)).run(stop=stop or None)
    hyper = {k: data[k] for k in ("beta", "cg_beta") if k in data}
    want = solve(data["objective"], start=", ".join(data["start"]) if isinstance(data["start"], list) else data["start"],
                 optimizer=data.get("optimizer", "gd"), lr=str(data["lr"]), steps=data["steps"],
                 schedule=data.get("schedule", "constant"), decay=data.get("decay"),
                 line_search=data.get("line_search") or False, **{"tol": 0.0, **stop}, **hyper).run
    assert (got.status, got.reason, got.steps) == (want.status, want.reason, want.steps)
    for name in ("x", "f", "grad", "lr", "grad_norm"):
        assert np.array_equal(getattr(got, name), getattr(want, name), equal_nan=True), name
