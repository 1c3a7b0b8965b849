"""Stability of a fixed step size from the Hessian's eigenvalues.

Near a point with Hessian H (eigenvalues μ = λmin ≤ … ≤ λmax = L) the error e = x − x* evolves linearly.
Along an eigenvector with eigenvalue λ:

- gd:        e ← (1 − αλ) e, stable iff 0 < α < 2/λ;
- momentum:  (e, b) ← M (e, b) with M = [[1 − αλ, −αβ], [λ, β]], stable iff 0 < α < 2(1 + β)/λ;
- nesterov:  M = [[1 − αλ(1 + β), −αβ²], [λ, β]], stable iff 0 < α < 2(1 + β)/((1 + 2β)λ).

The contraction factor ρ(α) is the largest spectral radius over the eigenvalues; for gd the best fixed step
is α = 2/(μ + L), with ρ = (κ − 1)/(κ + 1) where κ = L/μ. Adaptive methods (AdaGrad, RMSprop, Adam) rescale
each coordinate by its gradient history, so no such bound on α applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LINEAR = ("gd", "momentum", "nesterov")
REDUCTION = 1e-6
"""The error reduction the predicted step count is for."""


@dataclass
class Stability:
    """The stability reading for one run: eigenvalues at a named point, bounds, rates, and a plain sentence."""

    point: np.ndarray
    where: str
    eigenvalues: np.ndarray
    lr: float
    optimizer: str
    condition_number: float | None
    max_stable_lr: float | None
    gd_max_stable_lr: float | None
    lr_is_stable: bool | None
    best_lr: float | None
    best_rate: float | None
    rate: float | None
    reading: str

    @property
    def lambda_min(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def steps_predicted(self) -> int | None:
        """Steps for the error to shrink by REDUCTION at the contraction factor ρ(α), if ρ < 1."""
        return steps_for(self.rate)

    def to_dict(self) -> dict:
        return {
            "point": [float(v) for v in self.point], "where": self.where,
            "eigenvalues": [float(v) for v in self.eigenvalues],
            "lambda_min": self.lambda_min, "lambda_max": self.lambda_max,
            "condition_number": self.condition_number, "max_stable_lr": self.max_stable_lr,
            "gd_max_stable_lr": self.gd_max_stable_lr, "lr_is_stable": self.lr_is_stable,
            "best_lr": self.best_lr, "best_rate": self.best_rate, "rate": self.rate,
            "steps_predicted": self.steps_predicted, "reading": self.reading,
        }


def steps_for(rate: float | None, reduction: float = REDUCTION) -> int | None:
    """⌈log(reduction)/log ρ⌉: the steps a linear rate ρ < 1 needs to shrink the error by ``reduction``."""
    if rate is None or not 0 < rate < 1:
        return 0 if rate == 0 else None
    return math.ceil(math.log(reduction) / math.log(rate))


def stability_bound(optimizer: str, lam: float, beta: float = 0.0) -> float | None:
    """The largest stable α along curvature λ > 0 (see the module docstring), None when no bound applies."""
    if optimizer not in LINEAR or not lam > 0:
        return None
    if optimizer == "gd":
        return 2.0 / lam
    if optimizer == "momentum":
        return 2.0 * (1.0 + beta) / lam
    return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * lam)


def contraction(optimizer: str, lr: float, eigenvalues: np.ndarray, beta: float = 0.0) -> float | None:
    """ρ(α): the largest spectral radius of the linear iteration over the eigenvalues, None for adaptive methods."""
    if optimizer not in LINEAR:
        return None
    radii = []
    for lam in eigenvalues:
        if optimizer == "gd":
            radii.append(abs(1.0 - lr * lam))
            continue
        if optimizer == "momentum":
            matrix = np.array([[1.0 - lr * lam, -lr * beta], [lam, beta]])
        else:
            matrix = np.array([[1.0 - lr * lam * (1.0 + beta), -lr * beta**2], [lam, beta]])
        radii.append(float(np.max(np.abs(np.linalg.eigvals(matrix)))))
    return float(max(radii))


def analyse(hessian: np.ndarray, point: np.ndarray, where: str, optimizer: str, lr: float, beta: float = 0.0,
            schedule: str = "constant", line_search: bool = False) -> Stability:
    """Read the stability of ``optimizer`` with step α = ``lr`` from the Hessian at ``point``."""
    if not np.all(np.isfinite(hessian)):
        eigenvalues = np.full(len(point), math.nan)
        return Stability(point, where, eigenvalues, lr, optimizer, None, None, None, None, None, None, None,
                         f"the Hessian is undefined at the {where}, so no stability reading is possible")
    eigenvalues = np.sort(np.linalg.eigvalsh(hessian))
    mu, big_l = float(eigenvalues[0]), float(eigenvalues[-1])
    kappa = big_l / mu if mu > 0 else None
    bound = stability_bound(optimizer, big_l, beta)
    gd_bound = stability_bound("gd", big_l)
    stable = None if bound is None or line_search else bool(lr < bound)
    best_lr = 2.0 / (mu + big_l) if mu > 0 else None
    best_rate = (kappa - 1.0) / (kappa + 1.0) if kappa is not None else None
    rate = contraction(optimizer, lr, eigenvalues, beta)
    reading = _reading(optimizer, lr, mu, big_l, bound, rate, schedule, line_search)
    return Stability(point, where, eigenvalues, lr, optimizer, kappa, bound, gd_bound, stable, best_lr, best_rate,
                     rate, reading)


def _reading(optimizer: str, lr: float, mu: float, big_l: float, bound: float | None, rate: float | None,
             schedule: str, line_search: bool) -> str:
    """One or two plain sentences: what this α will do, and why."""
    if line_search:
        return ("Armijo backtracking chooses α_t at every step, shrinking it until f decreases enough, "
                "so the starting α needs no stability bound.")
    if optimizer not in LINEAR:
        return (f"{optimizer} divides each coordinate's step by the root of its squared-gradient history, so the "
                f"2/λmax bound does not apply; its steps stay near α = {lr:g} in size whatever the curvature.")
    if big_l <= 0:
        return (f"λmax = {big_l:.4g} ≤ 0: f curves down or is flat in every direction here, so no step size "
                "makes this point attract gradient descent.")
    name = {"gd": "2/λmax", "momentum": "2(1+β)/λmax", "nesterov": "2(1+β)/((1+2β)λmax)"}[optimizer]
    later = " α_t decays from α₀, so later steps are more stable than the first." if schedule != "constant" else ""
    if math.isclose(lr, bound, rel_tol=1e-9):
        text = (f"α = {lr:g} equals {name} = {bound:.4g}: on the edge, the steepest component oscillates "
                "with constant amplitude.")
    elif lr > bound:
        text = f"α = {lr:g} is above {name} = {bound:.4g}: expect oscillations that grow."
    elif mu < 0:
        text = (f"α = {lr:g} is below {name} = {bound:.4g}, but λmin = {mu:.4g} < 0: this is a saddle or a "
                "maximum, and gradient descent moves away from it along the negative-curvature direction.")
    else:
        if optimizer == "gd" and lr * big_l > 1:
            shape = "converges, zig-zagging: the steepest component overshoots and flips sign every step"
        elif optimizer == "gd":
            shape = "every component shrinks monotonically, without oscillation"
        else:
            shape = "converges"
        steps = steps_for(rate)
        pace = (f"; error shrinks by ρ = {rate:.4g} per step (about {steps} steps for a factor {REDUCTION:g})"
                if steps else "; progress stalls along the flattest direction (ρ = 1)" if rate and rate >= 1 else "")
        text = f"α = {lr:g} is below {name} = {bound:.4g}: {shape}{pace}."
    return text + later
