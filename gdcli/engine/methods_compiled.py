"""Newton, BFGS, conjugate gradients, Barzilai–Borwein and Polyak on a few variables as one generated loop
over Python floats, row for row the loop of gdcli.engine.methods.

For n ≤ MAX_DIMENSION variables the whole run — f and ∇f (and ∇²f for Newton) with shared subexpressions,
the direction, Armijo's search, the method's update — is written out coordinate by coordinate as one Python
function, as gdcli.engine.run does for the elementwise rules. It computes what gdcli.engine.methods.iterate
computes, in the same order of floating-point operations, so the rows, the states and the stopping reasons
are the same to the last bit:

- newton: H = ∇²f(x) from its non-zero entries; β = 10⁻³·max(1, maxᵢⱼ|Hᵢⱼ|), τ₀ = 0 if every Hᵢᵢ > 0 else
  β − minᵢ Hᵢᵢ, then τ ← max(2τ, β) until the Cholesky factor L of H + τI exists (Nocedal & Wright,
  Algorithm 3.3); d = −(LLᵀ)⁻¹g by forward and back substitution.
- bfgs: d = −H·g; after each step, with s = x_{t+1} − x_t, y = g_{t+1} − g_t, ρ = 1/yᵀs:
  H ← H − ρ(H y sᵀ + s (H y)ᵀ) + (ρ² yᵀHy + ρ) s sᵀ, which is (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ multiplied out as
  gdcli.engine.methods.Bfgs does; skipped when yᵀs ≤ 0; H = (yᵀs/yᵀy)·I before the first update when
  h0 = scaled.
- cg: d = −g + β·d_prev with Fletcher–Reeves or Polak–Ribière+ β and the restarts of
  gdcli.engine.methods.ConjugateGradient; each search starts from α_{t−1}·g_{t−1}ᵀd_{t−1}/(g_tᵀd_t).
- bb, polyak: d = −g with α = sᵀs/sᵀy or sᵀy/yᵀy (kept when sᵀy ≤ 0), or α = (f − f*)/‖g‖².
- Armijo's search is written into the loop; the Wolfe and exact searches are gdcli.engine.line_search's own,
  called with a generated φ(α) = (f(x + αd), ∇f(x + αd)ᵀd).

A step accepted by a search lands on the point φ last evaluated (x + α·d computed as the Python loop
computes it), so f and ∇f found there are the next iterate's and are not evaluated again.

Every sum Python's loop takes with ``sum()`` is written so it rounds as ``sum()`` does (see ``total``).
L-BFGS, whose state is a list of pairs, keeps the Python loop.
"""

from __future__ import annotations

import math
from array import array
from functools import lru_cache
from struct import Struct

from gdcli.engine import line_search as searches
from gdcli.engine import methods
from gdcli.engine.compiled import compile_source
from gdcli.engine.objective import Objective
from gdcli.errors import OptionError

MAX_DIMENSION = 4
"""Most variables the generated loop is written for; larger problems run gdcli.engine.methods.iterate."""
NAMES = ("newton", "bfgs", "cg", "bb", "polyak")
"""The methods the generated loop covers."""
CAUGHT = "(ArithmeticError, ValueError, TypeError)"
"""What an evaluation of f, ∇f or ∇²f may raise where it is undefined (as the Python loop catches)."""


def covers(optimizer, objective: Objective) -> bool:
    """Whether the generated loop runs ``optimizer`` on ``objective``."""
    return optimizer.name in NAMES and 1 <= objective.dimension <= MAX_DIMENSION


def total(terms: list[str]) -> str:
    """Source for ``sum(terms)`` that rounds as Python's ``sum`` does.

    ``sum`` starts from the integer 0, so one or two terms are (0.0 + t₁ + t₂): the 0.0 matters for a term
    −0.0, which sum turns into 0.0. From three terms on it is ``sum`` itself, which since Python 3.12 adds with
    a compensation that plain additions would not reproduce (with two terms the compensation cannot change
    the rounded sum). No terms: the integer 0, as ``sum`` returns (x − 0 is x for every float x)."""
    if not terms:
        return "0"
    if len(terms) <= 2:
        return "(0.0 + " + " + ".join(terms) + ")"
    return "sum((" + ", ".join(terms) + "))"


def names(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def newton_lines(objective: Objective, indent: str) -> list[str]:
    """The Newton direction ``_D0 …`` and the row's state from ∇²f at ``_x0 …`` (gdcli.engine.methods.Newton)."""
    n = objective.dimension
    keys = {tuple(key): f"_h{k}" for k, key in enumerate(objective.hessian_pattern)}

    def entry(i: int, j: int) -> str:
        return keys.get((i, j)) or keys.get((j, i)) or "0.0"

    present = list(keys.values())
    diagonal = [entry(i, i) for i in range(n)]
    low = {(i, j): f"_L{i}_{j}" for i in range(n) for j in range(i + 1)}
    i1, i2 = indent + "    ", indent + "        "
    lines = []
    if present:  # ∇²f = 0 (f linear) needs no evaluation
        lines += [f"{indent}try:", *objective.hessian_lines(i1), *(f"{i1}{h} = float({h})" for h in present),
                  f"{indent}except {CAUGHT}:", *(f"{i1}{h} = nan" for h in present)]
    finite = " and ".join(f"math.isfinite({h})" for h in present) or "True"
    largest = f"max(1.0, {', '.join(f'abs({h})' for h in present)})" if present else "1.0"  # all finite here
    smallest = f"min({', '.join(diagonal)})" if n > 1 else diagonal[0]
    lines += [
        f"{indent}if not ({finite}):",
        f"{i1}_reason = 'hessian'",
        f"{i1}_state = {{'tau': nan}}",
        f"{indent}else:",
        f"{i1}_beta = 1e-3 * {largest}",
        f"{i1}_small = {smallest}",
        f"{i1}_tau = 0.0 if _small > 0 else _beta - _small",
        f"{i1}while True:",
    ]
    for j in range(n):
        pivot = f"{entry(j, j)} + _tau - {total([f'{low[j, k]}*{low[j, k]}' for k in range(j)])}"
        lines += [f"{i2}_pivot = {pivot}", f"{i2}if not _pivot > 0:", f"{i2}    _tau = max(2.0 * _tau, _beta)",
                  f"{i2}    continue", f"{i2}{low[j, j]} = math.sqrt(_pivot)"]
        for i in range(j + 1, n):
            inner = total([f"{low[i, k]}*{low[j, k]}" for k in range(j)])
            lines.append(f"{i2}{low[i, j]} = ({entry(i, j)} - {inner}) / {low[j, j]}")
    lines.append(f"{i2}break")
    for i in range(n):  # L z = g
        lines.append(f"{i1}_z{i} = (_g{i} - {total([f'{low[i, k]}*_z{k}' for k in range(i)])}) / {low[i, i]}")
    for i in reversed(range(n)):  # Lᵀ u = z, d = −u
        inner = total([f"{low[k, i]}*_u{k}" for k in range(i + 1, n)])
        lines.append(f"{i1}_u{i} = (_z{i} - {inner}) / {low[i, i]}")
    lines += [f"{i1}_D{i} = -_u{i}" for i in range(n)]
    lines += [f"{i1}_state = {{'tau': _tau, 'd': [{', '.join(names('_D', n))}]}}",
              f"{i1}if _tau > 0:", f"{i1}    _state['note'] = _row_note({methods.SHIFT_NOTE!r}, tau=_tau)"]
    return lines


def bfgs_direction_lines(n: int, indent: str) -> list[str]:
    """d = −H·g and the row's state (gdcli.engine.methods.Bfgs.direction)."""
    lines = [f"{indent}_D{i} = -{total([f'_H{i}_{k}*_g{k}' for k in range(n)])}" for i in range(n)]
    matrix = ", ".join("[" + ", ".join(f"_H{i}_{j}" for j in range(n)) + "]" for i in range(n))
    return lines + [
        f"{indent}_state = {{'d': [{', '.join(names('_D', n))}]}}",
        f"{indent}if _pending is not None:",
        f"{indent}    _state.update(_pending)",
        f"{indent}    _pending = None",
        f"{indent}_state['H'] = [{matrix}]",
    ]


def bfgs_update_lines(n: int, indent: str) -> list[str]:
    """The update of H from the step just taken (gdcli.engine.methods.Bfgs.observe)."""
    i1, i2 = indent + "    ", indent + "        "
    cells = [(i, j) for i in range(n) for j in range(n)]
    lines = [f"{indent}_s{i} = _x{i} - _p{i}" for i in range(n)]
    lines += [f"{indent}_y{i} = _g{i} - _q{i}" for i in range(n)]
    lines += [
        f"{indent}_ys = {total([f'_y{i}*_s{i}' for i in range(n)])}",
        f"{indent}if not _ys > 0:",
        f"{i1}_pending = {{'skipped': True, 'note': _row_note({methods.SKIP_NOTE!r}, ys=_ys)}}",
        f"{indent}else:",
        f"{i1}if _option and not _updated:",
        f"{i2}_gamma = _ys / {total([f'_y{i}*_y{i}' for i in range(n)])}",
        *(f"{i2}_H{i}_{j} = _gamma * {float(i == j)!r}" for i, j in cells),
        f"{i1}_updated = True",
        f"{i1}_rho = 1.0 / _ys",
        *(f"{i1}_Y{i} = {total([f'_H{i}_{k}*_y{k}' for k in range(n)])}" for i in range(n)),
        f"{i1}_cc = _rho * _rho * {total([f'_y{i}*_Y{i}' for i in range(n)])} + _rho",
        *(f"{i1}_H{i}_{j} = _H{i}_{j} - _rho * (_Y{i}*_s{j} + _s{i}*_Y{j}) + _cc * _s{i} * _s{j}" for i, j in cells),
        f"{i1}_pending = {{'skipped': False}}",
    ]
    return lines


def cg_direction_lines(n: int, indent: str) -> list[str]:
    """d = −g + β·d_prev with its restarts, and the row's state (gdcli.engine.methods.ConjugateGradient);
    d_prev and g_prev are kept in ``_E0 …`` and ``_R0 …``, the steps since the last restart in ``_since``."""
    i1, i2, i3 = indent + "    ", indent + "        ", indent + "            "
    notes = methods.RESTART_NOTES
    candidate = [f"-_g{i} + _beta * _E{i}" for i in range(n)]
    return [
        f"{indent}_beta = 0.0",
        f"{indent}_note = ''",
        f"{indent}if _started:",
        f"{i1}_ggp = {total([f'_R{i}*_R{i}' for i in range(n)])}",
        f"{i1}if _since >= {n}:",
        f"{i2}_note = {notes['period'].format(n=n)!r}",
        f"{i1}elif _option:",
        f"{i2}_beta = {total([f'_g{i}*_g{i}' for i in range(n)])} / _ggp",
        f"{i1}else:",
        f"{i2}_beta = {total([f'_g{i}*(_g{i} - _R{i})' for i in range(n)])} / _ggp",
        f"{i2}if _beta < 0:",
        f"{i3}_beta, _note = 0.0, {notes['negative']!r}",
        f"{i1}if _beta:",
        *(f"{i2}_K{i} = {c}" for i, c in enumerate(candidate)),
        f"{i2}if {total([f'_g{i}*_K{i}' for i in range(n)])} >= 0:",
        f"{i3}_beta, _note = 0.0, {notes['ascent']!r}",
        f"{indent}if _beta:",
        *(f"{i1}_D{i} = {c}" for i, c in enumerate(candidate)),
        f"{indent}else:",
        *(f"{i1}_D{i} = -_g{i}" for i in range(n)),
        f"{indent}_since = _since + 1 if _beta else 1",
        f"{indent}{', '.join(names('_E', n))}, = {', '.join(names('_D', n))},",
        f"{indent}{', '.join(names('_R', n))}, = {', '.join(names('_g', n))},",
        f"{indent}_started = True",
        f"{indent}_state = {{'d': [{', '.join(names('_D', n))}], 'beta': _beta}}",
        f"{indent}if _note:",
        f"{i1}_state['note'] = _note",
    ]


def bb_update_lines(n: int, indent: str) -> list[str]:
    """α ← sᵀs/sᵀy (BB1) or sᵀy/yᵀy (BB2), kept when sᵀy ≤ 0 (gdcli.engine.methods.BarzilaiBorwein.observe)."""
    return [
        *(f"{indent}_s{i} = _x{i} - _p{i}" for i in range(n)),
        *(f"{indent}_y{i} = _g{i} - _q{i}" for i in range(n)),
        f"{indent}_sy = {total([f'_s{i}*_y{i}' for i in range(n)])}",
        f"{indent}if not _sy > 0:",
        f"{indent}    _kept = _row_note({methods.KEPT_NOTE!r}, sy=_sy)",
        f"{indent}else:",
        f"{indent}    _bb = {total([f'_s{i}*_s{i}' for i in range(n)])} / _sy if _option else "
        f"_sy / {total([f'_y{i}*_y{i}' for i in range(n)])}",
    ]


def steepest_lines(name: str, n: int, indent: str) -> list[str]:
    """d = −g with the step of Barzilai–Borwein or Polyak, and the row's state (gdcli.engine.methods.iterate)."""
    lines = [f"{indent}_D{i} = -_g{i}" for i in range(n)]
    d = f"[{', '.join(names('_D', n))}]"
    if name == "bb":
        return lines + [f"{indent}_alpha = _bb", f"{indent}_state = {{'note': _kept}} if _kept else {{}}",
                        f"{indent}_kept = ''", f"{indent}_state['d'] = {d}"]
    return [  # polyak
        f"{indent}if _f < _fstar:",
        f"{indent}    raise _OptionError(_below_fstar(_f, _t, _fstar))",
        *lines,
        f"{indent}_alpha = (_f - _fstar) / (_gn * _gn) if _gn else 0.0",
        f"{indent}_state = {{'d': {d}}}",
    ]


def armijo_lines(n: int, indent: str) -> list[str]:
    """Armijo's backtracking from α along d (gdcli.engine.line_search.armijo with φ of methods.iterate), the
    last trial's f and ∇f kept in ``_F``, ``_G0 …`` at ``_T0 …``."""
    i1, i2, i3 = indent + "    ", indent + "        ", indent + "            "
    point = ", ".join(names("_T", n))
    return [
        f"{indent}if _slope < 0:",
        f"{i1}while True:",
        f"{i2}_trials += 1",
        *(f"{i2}_T{i} = _x{i} + _alpha * _D{i}" for i in range(n)),
        f"{i2}try:",
        f"{i3}_F, _G = _fg({point})",
        f"{i3}_F = float(_F)",
        f"{i3}{', '.join(names('_G', n))}, = _G",
        *(f"{i3}_G{i} = float(_G{i})" for i in range(n)),
        f"{i2}except {CAUGHT}:",
        f"{i3}_F = inf",
        f"{i2}else:",
        f"{i3}if math.isfinite(_F):",
        f"{i3}    _change = abs(_F - _f)",
        f"{i3}else:",
        f"{i3}    _F = _change = inf",
        f"{i2}if _F <= _f + _ls_c1 * _alpha * _slope:",
        f"{i3}_ok = True",
        f"{i3}break",
        f"{i2}if _trials >= {searches.MAX_TRIALS}:",
        f"{i3}break",
        f"{i2}_alpha *= _ls_shrink",
        f"{indent}_fevals += _trials",
    ]


def phi_lines(n: int, indent: str) -> list[str]:
    """φ(α) = (f(x + αd), ∇f(x + αd)ᵀd) for the searches of gdcli.engine.line_search, as methods.iterate's φ,
    keeping its last finite point, f and ∇f (``_at`` = its α)."""
    i1 = indent + "    "
    return [
        f"{indent}def _phi(_a):",
        f"{i1}nonlocal _change, _at, _F, {', '.join(names('_T', n) + names('_G', n))}",
        *(f"{i1}_P{i} = _x{i} + _a * _D{i}" for i in range(n)),
        f"{i1}try:",
        f"{i1}    _v, _w = _fg({', '.join(names('_P', n))})",
        f"{i1}    _v = float(_v)",
        f"{i1}    {', '.join(names('_w', n))}, = _w",
        *(f"{i1}    _w{i} = float(_w{i})" for i in range(n)),
        f"{i1}    _slope_a = {total([f'_w{i}*_D{i}' for i in range(n)])}",
        f"{i1}except {CAUGHT}:",
        f"{i1}    return inf, nan",
        f"{i1}if not math.isfinite(_v):",
        f"{i1}    _change = inf",
        f"{i1}    return inf, nan",
        f"{i1}_change = abs(_v - _f)",
        f"{i1}_at, _F = _a, _v",
        *(f"{i1}_T{i}, _G{i} = _P{i}, _w{i}" for i in range(n)),
        f"{i1}return _v, _slope_a",
    ]


def loop_source(objective: Objective, name: str, search: str | None) -> str:
    """The generated loop of ``name`` (one of NAMES) on ``objective`` with no search (None), ``armijo``
    written in, or ``called`` (a search of gdcli.engine.line_search called with the generated φ).

    Its arguments: the start, α₀ and the schedule's rate (None: α₀ at every step), the stopping tests, the
    divergence bounds, Armijo's c1 and shrink, the search and the constant Hessian of the exact search on a
    quadratic, ``_option`` (bfgs: h0 = scaled; cg: Fletcher–Reeves; bb: BB1) and Polyak's f*."""
    n = objective.dimension
    xs, gs, ds = names("_x", n), names("_g", n), names("_D", n)
    ps, qs = names("_p", n), names("_q", n)
    i1, i2, i3 = " " * 8, " " * 12, " " * 16
    src = [
        "def _run(_start, _lr0, _rate, _steps, _tol, _xtol, _ftol, _every, _fbound, _xbound, _ls_c1, _ls_shrink, "
        "_search, _curvature, _option, _fstar):",
        f"    {', '.join(xs)}, = _start",
        "    _rows = _floats('d')", "    _record = _rows.frombytes", "    _states = {}", "    _last = _last_state = None",
        "    _fevals = 0", "    _t = 0", "    _f = _pf = 0.0", "    _fresh = False", "    _change = 0.0",
        *(f"    {p} = {x}" for p, x in zip(ps, xs)), *(f"    {q} = 0.0" for q in qs),
        *(f"    _T{i} = _G{i} = _D{i} = 0.0" for i in range(n)), "    _F = 0.0", "    _at = nan",
    ]
    if name == "bfgs":
        src += [f"    _H{i}_{j} = {float(i == j)!r}" for i in range(n) for j in range(n)]
        src += ["    _updated = False", "    _pending = None"]
    if name == "cg":
        src += [f"    _E{i} = _R{i} = 0.0" for i in range(n)]
        src += ["    _started = False", "    _since = 0", "    _pslope = _palpha = None"]
    if name == "bb":
        src += ["    _bb = _lr0", "    _kept = ''"]
    if search == "called":
        src += phi_lines(n, "    ")
    src += [
        "    while True:",
    ]
    evaluate = [  # f and ∇f at x_t, unless a search's accepted trial found them there
        "try:", *objective.value_and_gradient_lines("    "), "    _f = float(_f)", *(f"    {g} = float({g})" for g in gs),
        f"except {CAUGHT}:", "    _reason = 'undefined'", "    break",
    ]
    if search is None:
        src += [i1 + line for line in evaluate]
    else:
        src += [
            f"{i1}if _fresh:",
            f"{i2}{', '.join(xs)}, = {', '.join(names('_T', n))},",
            f"{i2}_f, {', '.join(gs)}, = _F, {', '.join(names('_G', n))},",
            f"{i2}_fresh = False",
            f"{i1}else:",
            *(i2 + line for line in evaluate),
        ]
    src += [
        f"{i1}_gn = math.sqrt({total([f'{g}*{g}' for g in gs])})",
        f"{i1}if not (abs(_f) <= _fbound and _gn < inf and {' and '.join(f'abs({x}) <= _xbound' for x in xs)}):",
        f"{i2}_reason = 'bound' if abs(_f) < inf and _gn < inf else 'non_finite'",
        f"{i2}break",
    ]
    if name in ("bfgs", "bb"):
        src += [f"{i1}if _t:", *(bfgs_update_lines if name == "bfgs" else bb_update_lines)(n, i2)]
    src += [
        f"{i1}_reason = ('tol' if _tol and _gn <= _tol else",
        f"{i1}           'xtol' if _xtol and _t and math.dist(({', '.join(xs)},), ({', '.join(ps)},)) <= _xtol else",
        f"{i1}           'ftol' if _ftol and _t and abs(_f - _pf) <= _ftol else",
        f"{i1}           'max_steps' if _t >= _steps else None)",
        f"{i1}_alpha = _lr0 if _rate is None else _rate(_t)",
        f"{i1}_trials = 0",
        f"{i1}if _reason is None:",
    ]
    src += (newton_lines(objective, i2) if name == "newton" else bfgs_direction_lines(n, i2) if name == "bfgs"
            else cg_direction_lines(n, i2) if name == "cg" else steepest_lines(name, n, i2))
    if search is not None:
        src += [
            f"{i2}if _reason is None:",
            f"{i3}_slope = {total([f'{g}*{d}' for g, d in zip(gs, ds)])}",
            f"{i3}_change = 0.0",
            f"{i3}_ok = False",
        ]
        if name == "cg":  # the first trial carries the previous step's first-order change over (N&W eq. 3.60)
            src += [f"{i3}if _pslope is not None and _slope < 0:", f"{i3}    _alpha = _palpha * _pslope / _slope"]
        if search == "armijo":
            src += armijo_lines(n, i3)
        else:
            src += [
                f"{i3}_at = nan",
                f"{i3}_found = _line_search_step(_search, _phi, _f, _slope, _alpha, _curvature, [{', '.join(ds)}])",
                f"{i3}_alpha, _trials, _ok = _found.alpha, _found.trials, _found.ok",
                f"{i3}_fevals += _trials",
            ]
        src += [
            f"{i3}if not _ok:",
            f"{i3}    _reason = 'precision' if _change <= {methods.ROUNDING!r} * max(1.0, abs(_f)) else "
            "'line_search_rule'",
            f"{i3}else:",
            f"{i3}    _fresh = {'True' if search == 'armijo' else '_at == _alpha'}",
        ]
        if name == "cg":
            src.append(f"{i3}_pslope, _palpha = _slope, _alpha")
    src += [
        f"{i1}else:",
        f"{i2}_state = {{}}",
        f"{i1}_row = (_t, _f, _gn, _alpha, _trials, {', '.join(xs + gs)})",
        f"{i1}if _reason is not None or _t % _every == 0:",
        f"{i2}_record(_pack(*_row))",
        f"{i2}_states[_t] = _state",
        f"{i2}_last = None",
        f"{i1}else:",
        f"{i2}_last, _last_state = _row, _state",
        f"{i1}if _reason is not None:",
        f"{i2}break",
        f"{i1}{', '.join(ps)}, = {', '.join(xs)},",
        f"{i1}{', '.join(qs)}, = {', '.join(gs)},",
        f"{i1}_pf = _f",
    ]
    if search is None:
        src += [f"{i1}{x} = {x} + _alpha * {d}" for x, d in zip(xs, ds)]
    else:
        src += [f"{i1}if not _fresh:", *(f"{i2}{x} = {x} + _alpha * {d}" for x, d in zip(xs, ds))]
    src += [
        f"{i1}_t += 1",
        "    if _last is not None:",
        "        _states[_last[0]] = _last_state",
        "    return _reason, _t, _rows, _fevals, _last, _states",
        "",
    ]
    return "\n".join(src)


@lru_cache(maxsize=64)
def compiled_loop(objective: Objective, name: str, search: str | None):
    """The generated loop of ``name`` on ``objective``, compiled (see loop_source)."""
    extra = {"_floats": array, "_pack": Struct(f"{5 + 2 * objective.dimension}d").pack, "nan": math.nan, "_line_search_step": methods.line_search_step,
             "_OptionError": OptionError, "_row_note": methods.row_note, "_below_fstar": methods.below_fstar}
    if search is not None:
        extra["_fg"] = objective.value_and_gradient_function
    return compile_source(loop_source(objective, name, search), "_run", extra)


def iterate(objective: Objective, optimizer, search, start, lr: float, schedule, steps: int, tol: float,
            xtol: float, ftol: float, every: int, fbound: float, xbound: float):
    """gdcli.engine.methods.iterate for a run ``covers`` accepts, by the generated loop; the same result. The
    step sizes come from ``schedule`` with α₀ = ``lr`` (a constant schedule is α₀ itself, with no call)."""
    rate = None if schedule.name == "constant" and schedule.warmup <= 1 else schedule.rate(lr)
    kind = None if search is None else "armijo" if search.kind == "armijo" else "called"
    curvature = None
    if search is not None and search.kind == "exact" and objective.is_quadratic:
        curvature = objective.hessian_at([0.0] * objective.dimension).tolist()
    loop = compiled_loop(objective, optimizer.name, kind)
    c1, shrink = (search.c1, search.shrink) if search is not None else (0.0, 0.0)
    h = optimizer.hyper
    option = {"bfgs": h.get("h0", "scaled") == "scaled", "cg": h.get("cg_beta", "pr") == "fr",
              "bb": int(h.get("bb", 1)) == 1}.get(optimizer.name, False)
    fstar = methods.minimum_value(objective, h.get("fstar")) if optimizer.name == "polyak" else 0.0
    return loop(tuple(map(float, start)), lr, rate, steps, tol, xtol, ftol, every, fbound, xbound, c1, shrink,
                search, curvature, option, fstar)
