"""Worked solutions as Markdown with LaTeX math, for a teacher's handout."""

from __future__ import annotations

import re

import sympy as sp

from gdcli.engine.notation import number
from gdcli.engine.optimizers import rule_lines

_POWER = re.compile(r"^(-?)(?:(.+)·)?10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$")
_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def tex(value: float, digits: int = 6) -> str:
    """A number for LaTeX math, as gd prints it elsewhere: 2.5 \\cdot 10^{-6} where the screen shows 2.5·10⁻⁶."""
    text = number(value, digits)
    power = _POWER.match(text)
    if power is None:
        return text.replace("∞", r"\infty")
    sign, mantissa, exponent = power.groups()
    times = mantissa + r" \cdot " if mantissa else ""
    return f"{sign}{times}10^{{{exponent.translate(_PLAIN)}}}"


def _vector(values) -> str:
    return r"\begin{pmatrix}" + r" \\ ".join(tex(float(v)) for v in values) + r"\end{pmatrix}"


def _derivatives(objective) -> list[str]:
    return [
        f"$$f({', '.join(objective.names)}) = {sp.latex(objective.expr)}$$", "",
        "## Gradient and Hessian", "",
        f"$$\\nabla f = {sp.latex(sp.Matrix(objective.gradient))}, \\qquad "
        f"\\nabla^2 f = {sp.latex(objective.hessian)}$$", "",
    ]


def solution_markdown(solution, explanation: list[str] | None = None, max_rows: int = 20) -> str:
    """Objective, gradient, Hessian, the iterate table, the stability reading and the verdict."""
    o, r, s = solution.objective, solution.run, solution.stability
    lines = [f"# Gradient descent on ${sp.latex(o.expr)}$", "", *_derivatives(o), "## Method", "",
             f"{r.optimizer.rule.title}, $\\alpha = {tex(r.lr0)}$, start $x_0 = {_vector(r.start)}$.", "",
             *(f"- `{line}`" for line in rule_lines(r.optimizer.rule)), "", "## Iterates", "",
             "| $t$ | $x_t$ | $f(x_t)$ | $\\lVert\\nabla f(x_t)\\rVert$ |", "|---:|---|---:|---:|"]
    count = len(r.t)
    shown = range(count) if not max_rows or count <= max_rows else [*range(max_rows - 1), count - 1]
    for i in shown:
        lines.append(f"| {r.t[i]} | $({', '.join(tex(float(v)) for v in r.x[i])})$ | {number(r.f[i])} | "
                     f"{number(r.grad_norm[i], 4)} |")
    if explanation:
        lines += ["", "## Worked steps", "", "```text", *explanation, "```"]
    lines += ["", "## Stability", ""]
    if s.gd_max_stable_lr is not None:
        where = "at every point (f is quadratic)" if "every point" in s.where else f"at {s.where}"
        lines.append(f"Eigenvalues of the Hessian {where}: "
                     f"${', '.join(tex(float(v)) for v in s.eigenvalues)}$, so gradient descent is stable there "
                     f"for $0 < \\alpha < 2/\\lambda_{{\\max}} = {tex(s.gd_max_stable_lr)}$.")
        lines.append("")
    elif s.eigenvalues is not None and s.point_kind in ("saddle", "maximum"):
        lines.append(f"Eigenvalues of the Hessian at the {s.point_kind}: "
                     f"${', '.join(tex(float(v)) for v in s.eigenvalues)}$; a negative one means no step size "
                     f"$\\alpha > 0$ is stable there.")
        lines.append("")
    lines += [s.reading, "", "## Verdict", "", f"**{r.status}** — {r.message}. Final "
              f"$x = ({', '.join(tex(float(v)) for v in r.final_x)})$, $f = {tex(r.final_f)}$.", ""]
    return "\n".join(lines)


def analysis_markdown(result) -> str:
    """Objective, gradient, Hessian, the critical points with their kinds, convexity and step-size facts."""
    o = result.objective
    lines = [f"# The landscape of ${sp.latex(o.expr)}$", "", *_derivatives(o), "## Critical points", "",
             "| point | kind | eigenvalues of $\\nabla^2 f$ | $f$ |", "|---|---|---|---:|"]
    for p in result.critical_points:
        point = ", ".join(sp.latex(e) for e in p.exact) if p.exact else \
            ", ".join(tex(float(v)) for v in p.point)
        lines.append(f"| $({point})$ | {p.kind} | ${', '.join(tex(float(v), 4) for v in p.eigenvalues)}$ | "
                     f"{number(p.f)} |")
    for family in result.critical_sets:
        lines.append(f"| ${', '.join(family.equations)}$ | a {family.shape} of {family.kind} points | | "
                     f"{number(family.f)} |")
    c = result.convexity
    lines += ["", "## Convexity", "", {True: "Convex", False: "Not convex", None: "Unknown"}[c.convex]
              + f": {c.reason}.", ""]
    q = result.quadratic
    if q is not None and q.kappa is not None:
        lines += ["## Step sizes", "",
                  f"$L = {tex(q.big_l)}$, $\\mu = {tex(q.mu)}$, $\\kappa = {tex(q.kappa)}$.", "",
                  f"- stable: $0 < \\alpha < 2/L = {tex(q.max_stable_lr)}$",
                  f"- best fixed step: $\\alpha = 2/(\\mu + L) = {tex(q.best_lr)}$, rate "
                  f"$(\\kappa-1)/(\\kappa+1) = {tex(q.best_rate, 4)}$",
                  f"- heavy ball: $\\alpha^* = 4/(\\sqrt L + \\sqrt\\mu)^2 = {tex(q.heavy_ball_lr)}$, "
                  f"$\\beta^* = \\left(\\frac{{\\sqrt\\kappa-1}}{{\\sqrt\\kappa+1}}\\right)^2 = "
                  f"{tex(q.heavy_ball_beta)}$", ""]
    return "\n".join(lines)
