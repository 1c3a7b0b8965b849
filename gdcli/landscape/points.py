"""Critical points found numerically and classified: where ∇f = 0, the kind of each from the signs of the
Hessian's eigenvalues there (gdcli.engine.stability.classify), and the box they are searched in. Needs no SymPy,
so `gd basins` on an objective the derivation cache knows does not load it (gdcli.landscape.analysis adds the
symbolic search).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gdcli.engine.expression import parse_vector
from gdcli.engine.objective import Objective
from gdcli.engine.stability import classify, newton_critical_point, rational_hessian
from gdcli.errors import OptionError

DEFAULT_REGION = (-5.0, 5.0)
"""The box searched for critical points (and used for counterexamples to convexity) when --region is not given."""
GRID_POINTS = 400
"""About how many Newton starts the numeric search uses."""
NEWTON_STEPS = 60


@dataclass
class CriticalPoint:
    """A point where ∇f = 0, its kind, the Hessian's eigenvalues there and f there."""

    point: np.ndarray
    kind: str
    eigenvalues: np.ndarray
    f: float
    method: str
    exact: list | None = None
    """The coordinates in closed form (SymPy expressions: √6/2), when the symbolic solver found the point."""

    def to_dict(self) -> dict:
        out = {"point": [float(v) for v in self.point], "kind": self.kind,
               "eigenvalues": [float(v) for v in self.eigenvalues], "f": float(self.f), "method": self.method}
        if self.exact is not None:
            import sympy as sp

            out["exact"] = [sp.sstr(v) for v in self.exact]
        return out


# region ---------------------------------------------------------------------------------------------------
def read_region(text: str | None, dimension: int) -> np.ndarray:
    """The box [low, high] per variable from ``-5,5`` (every variable) or ``-5,5,-3,3`` (one pair each)."""
    if text is None:
        return np.array([DEFAULT_REGION] * dimension, dtype=float)
    try:
        values = [float(v) for v in parse_vector(text, "--region")]
    except (TypeError, ValueError):
        raise OptionError("--region must be real numbers") from None
    except OverflowError:
        raise OptionError("--region must be finite numbers within ±1.8e308") from None
    if len(values) == 2:
        values = values * dimension
    if len(values) != 2 * dimension:
        raise OptionError(f"--region needs 2 numbers (low,high for every variable) or {2 * dimension} "
                          f"(low,high for each of {dimension} variables), not {len(values)}")
    box = np.array(values, dtype=float).reshape(dimension, 2)
    if not np.all(np.isfinite(box)) or np.any(box[:, 0] >= box[:, 1]):
        raise OptionError("--region must give finite bounds with low < high for every variable")
    if not np.all(np.isfinite(box[:, 1] - box[:, 0])):
        raise OptionError("--region must be narrower than 1.8e308 (high − low overflows a float)")
    return box


# classification -------------------------------------------------------------------------------------------
def critical_point(objective: Objective, point: np.ndarray, method: str, exact: list | None = None):
    """The critical point with its kind (see classified), Newton's method refining it first unless f is
    quadratic."""
    refined = None if objective.is_quadratic else newton_critical_point(objective, point)
    return classified(objective, point, refined, method, exact)


def classified(objective: Objective, point: np.ndarray, refined, method: str,
               exact: list | None = None) -> CriticalPoint:
    """The critical point with its kind (gdcli.engine.stability.classify: exact for a constant rational
    Hessian, else relative to the Hessian's scale and to how far Newton's method leaves the point uncertain).
    ``refined`` is what gdcli.engine.stability.newton_critical_points found from ``point``: (x*, uncertainty),
    taken when x* is the same point (and the point is not exact), or None."""
    point, uncertainty = np.asarray(point, dtype=float), 0.0
    if refined is not None and same_point(refined[0], point):
        point, uncertainty = (refined[0] if exact is None else point), refined[1]
    hessian = objective.hessian_at(point)
    eigenvalues = np.sort(np.linalg.eigvalsh(hessian)) if np.all(np.isfinite(hessian)) \
        else np.full(objective.dimension, math.nan)
    kind = classify((rational_hessian(objective) if objective.is_quadratic else None) or hessian, uncertainty)
    return CriticalPoint(point, kind, eigenvalues, objective.value(point), method, exact)


# the same point ---------------------------------------------------------------------------------------------
SAME_POINT = 1e-3
"""Critical points closer than this (relative to max(1, ‖x‖)) are taken to be one point."""


def same_point(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.linalg.norm(a - b) <= SAME_POINT * max(1.0, np.linalg.norm(a)))


def known(point: np.ndarray, found: Sequence[CriticalPoint]) -> bool:
    """same_point(point, p.point) for some p in ``found``, tested against all of them at once."""
    if not found:
        return False
    distances = np.linalg.norm(np.array([p.point for p in found]) - point, axis=1)
    return bool(np.any(distances <= SAME_POINT * max(1.0, float(np.linalg.norm(point)))))


def inside(points: np.ndarray, region: np.ndarray, margin: float = 1e-9):
    """Whether a point (or each row of a stack of points) lies in the box ``region``, widened by ``margin`` of
    its span."""
    span = region[:, 1] - region[:, 0]
    return np.all((points >= region[:, 0] - margin * span) & (points <= region[:, 1] + margin * span), axis=-1)


