"""Options shared by every command that runs the engine (solve, compare, sweep, basins, step).

Each is an ``Annotated`` type. ``engine_command`` adds the shared ones to a command in one line, so the
list is written once; a command can also name single ones (as `gd fit` does).
"""

from __future__ import annotations

import functools
import inspect
from typing import Annotated, Optional

import typer


def number_option(*names: str, **settings):
    """A typer.Option whose value is a real number read as gd reads numbers (0.1, 1/10, 1e-8 and the 10⁻⁸ that
    --help shows), with a message about the option when it is not one (gdcli.engine.expression.read_number)."""

    def number(text):
        from gdcli.engine.expression import read_number

        return text if isinstance(text, float) else read_number(str(text), names[0])

    return typer.Option(*names, parser=number, **settings)


def whole_option(*names: str, least: int | None = None, **settings):
    """A typer.Option whose value is a whole number (at least ``least`` when given), with a message about the
    option when it is not one."""

    def integer(text):
        from gdcli.errors import OptionError

        try:
            value = text if isinstance(text, int) else int(str(text).strip())
        except ValueError:
            raise OptionError(f"{names[0]} must be a whole number, not '{text}'") from None
        if least is not None and value < least:
            raise OptionError(f"{names[0]} must be at least {least}, not {value}")
        return value

    return typer.Option(*names, parser=integer, **settings)


Objective = Annotated[
    Optional[str],
    typer.Argument(help="An expression in your variables (x^2 + 4*y^2) or a built-in name (gd functions). "
                        "Default: the bowl x^2 + 4*y^2 from (3, 3).", show_default=False),
]
Vars = Annotated[Optional[str], typer.Option("--vars", help="Variables in order, e.g. x,y.  [default: inferred]")]
Start = Annotated[Optional[str], typer.Option("--start", help="Start point, e.g. 3,3 or 1/2,-1. "
                                                                 " [default: the built-in's start, else 1 each]")]
Optimizer = Annotated[str, typer.Option("--optimizer", "-o", help="gd, momentum, nesterov, adagrad, rmsprop, adam "
                                                                 "(elementwise), or newton, bfgs, lbfgs, cg, bb, "
                                                                 "polyak.")]
Lr = Annotated[Optional[str], typer.Option("--lr", help="Learning rate α, a decimal or a fraction such as 1/10. "
                                                         " [default: 0.1, or the built-in's]")]
Steps = Annotated[Optional[int], whole_option("--steps", help="Step budget.  [default: 20, or the built-in's]")]
Tol = Annotated[float, number_option("--tol", help="Stop when ‖∇f‖ ≤ tol (0 disables).")]
Xtol = Annotated[float, number_option("--xtol", help="Stop when ‖x_t − x_{t−1}‖ ≤ xtol (0 disables).")]
Ftol = Annotated[float, number_option("--ftol", help="Stop when |f(x_t) − f(x_{t−1})| ≤ ftol (0 disables).")]
Beta = Annotated[Optional[float], number_option("--beta", help="Momentum β for momentum and nesterov.  [default: 0.9]")]
Beta1 = Annotated[Optional[float], number_option("--beta1", help="Adam's β₁.  [default: 0.9]")]
Beta2 = Annotated[Optional[float], number_option("--beta2", help="Adam's β₂.  [default: 0.999]")]
Eps = Annotated[Optional[float], number_option("--eps", help="ε.  [default: adagrad 10⁻¹⁰, rmsprop and adam 10⁻⁸]")]
Rho = Annotated[Optional[float], number_option("--rho", help="RMSprop's decay ρ.  [default: 0.99]")]
Schedule = Annotated[str, typer.Option("--schedule", help="constant, inverse α₀/(1+kt), exponential α₀·kᵗ, step "
                                                             "α₀·γ^⌊t/P⌋ or cosine from α₀ to --lr-min over the "
                                                             "budget.")]
Decay = Annotated[Optional[float], number_option("--decay", help="The schedule's k or γ.  [default: inverse 0.1, "
                                                                 "exponential 0.95, step 0.5]")]
Period = Annotated[Optional[int], whole_option("--period", help="step schedule: P, the steps between decays.  [default: 10]")]
LrMin = Annotated[Optional[float], number_option("--lr-min", help="cosine schedule: the final α.  [default: 0]")]
Warmup = Annotated[Optional[int], whole_option("--warmup", help="Linear warm-up over w steps, with any schedule: "
                                                                 "α_t × min(1, (t+1)/w).")]
LineSearch = Annotated[Optional[str], typer.Option(
    "--line-search", help="armijo (also --line-search alone: backtracking from α), wolfe, strong-wolfe or exact; "
                          "for gd and the methods (bfgs, lbfgs use wolfe and cg strong-wolfe unless told).",
    metavar="[KIND]")]
C1 = Annotated[float, number_option("--c1", help="Sufficient-decrease constant c1 of every line search.")]
C2 = Annotated[Optional[float], number_option("--c2", help="Wolfe curvature constant c2.  [default: 0.9; cg 0.1]")]
Memory = Annotated[Optional[int], whole_option("--memory", help="L-BFGS: the number m of (s, y) pairs kept.  [default: 10]")]
CgBeta = Annotated[Optional[str], typer.Option("--cg-beta", help="cg: fr (Fletcher–Reeves) or pr (Polak–Ribière+). "
                                                                   " [default: pr]")]
Bb = Annotated[Optional[int], whole_option("--bb", help="bb: 1 for α = sᵀs/sᵀy, 2 for α = sᵀy/yᵀy.  [default: 1]")]
H0 = Annotated[Optional[str], typer.Option("--h0", help="bfgs, lbfgs: H₀ = identity, or scaled by yᵀs/yᵀy.  [default: scaled]")]
Fstar = Annotated[Optional[float], number_option("--fstar", help="polyak: the minimum value f*.  [default: the "
                                                                 "catalog's]")]
Shrink = Annotated[float, number_option("--shrink", help="Backtracking factor: α ← shrink·α per trial.")]
Every = Annotated[int, whole_option("--every", help="Keep every K-th iterate (the last always).")]
Plot = Annotated[Optional[str], typer.Option(
    "--plot", help="Draw the run into PATH (.png, .svg or .pdf): contours of f with the path and the loss curve "
                   "(1 variable: the curve f(x); 3 or more: f and ‖∇f‖ against t).", metavar="PATH")]
Surface = Annotated[bool, typer.Option(
    "--surface", help="Add a 3-D panel to the --plot figure: the surface z = f(x, y) with the path lifted onto it "
                      "(2 variables).")]
Animate = Annotated[Optional[str], typer.Option(
    "--animate", help="Write an animation of the path to PATH (.gif; .mp4 needs ffmpeg), at most 120 frames.",
    metavar="PATH")]
Xlim = Annotated[Optional[str], typer.Option("--xlim", help="Horizontal range of the pictures, e.g. -2,2. "
                                                             " [default: the path and minima, with a margin]",
                                             metavar="A,B")]
Ylim = Annotated[Optional[str], typer.Option("--ylim", help="Vertical range of the pictures, e.g. -1,3.",
                                             metavar="C,D")]
Dpi = Annotated[Optional[int], whole_option("--dpi", help="Pixels per inch of the pictures, 10 to 1200 (an "
                                                            "animation at most 200).  [default: png 150, 1500×750 "
                                                            "px; animation 100, 1000×500 px]", metavar="N")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document and nothing else.")]
Html = Annotated[Optional[str], typer.Option(
    "--html", help="Also write the run as one self-contained web page to PATH: the figure with a player "
                   "(#t=K opens at step K), the state at every step and the formulas; no network needed.",
    metavar="PATH")]


ENGINE = {
    "vars": (Vars, None), "start": (Start, None), "optimizer": (Optimizer, "gd"), "lr": (Lr, None),
    "steps": (Steps, None), "tol": (Tol, 1e-8), "xtol": (Xtol, 0.0), "ftol": (Ftol, 0.0), "beta": (Beta, None),
    "beta1": (Beta1, None), "beta2": (Beta2, None), "eps": (Eps, None), "rho": (Rho, None),
    "schedule": (Schedule, "constant"), "decay": (Decay, None), "period": (Period, None), "lr_min": (LrMin, None),
    "warmup": (Warmup, None), "line_search": (LineSearch, None),
    "c1": (C1, 1e-4), "c2": (C2, None), "shrink": (Shrink, 0.5), "memory": (Memory, None), "cg_beta": (CgBeta, None),
    "bb": (Bb, None), "h0": (H0, None), "fstar": (Fstar, None), "every": (Every, 1),
}
"""The options every engine command shares: their types (with help) and defaults, in the order --help lists them."""
DIRECTIONAL = ("line_search", "c1", "c2", "shrink", "memory", "cg_beta", "bb", "h0", "fstar")
"""The options of line searches and of the methods, which the vectorised commands (sweep, basins) do not run."""


def engine_command(*, without: tuple[str, ...] = (), steps: object = None):
    """Give a command the shared engine options (all of ENGINE but ``without``), listed after its OBJECTIVE.

    The command declares one parameter ``engine`` instead and receives their values in it as keyword
    arguments for the library (gdcli.engine.solution.solve and its kin), with --vars split into ``variables``.
    ``steps`` replaces the --steps option's type where a command has another default budget.
    """
    chosen = [name for name in ENGINE if name not in without]

    def decorate(command):
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "engine"]
        shared = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=ENGINE[name][1],
                                    annotation=steps if name == "steps" and steps is not None else ENGINE[name][0])
                  for name in chosen]
        head = 1 if own and own[0].name == "objective" else 0
        parameters = own[:head] + shared + own[head:]

        @functools.wraps(command)
        def run(**values):
            engine = {name: values.pop(name) for name in chosen}
            engine["variables"] = variable_names(engine.pop("vars", None))
            return command(engine=engine, **values)

        del run.__wrapped__  # Typer must see the new signature, not follow the wrapper back to the command's
        run.__signature__ = signature.replace(parameters=parameters)
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


def defaults_in_notation(command) -> None:
    """Show every float default in ``command``'s --help as gd prints numbers, 10⁻⁸ and 0 rather than Python's
    1e-08 and 0.0, in Typer's own ``[default: …]`` form that the hand-written defaults use too (sub-commands
    included)."""
    from gdcli.engine.notation import number

    for sub in getattr(command, "commands", {}).values():
        defaults_in_notation(sub)
    for param in command.params:
        if isinstance(param.default, float) and param.show_default is True:
            param.help = f"{param.help or ''}  [default: {number(param.default)}]"
            param.show_default = False


def line_search_alone(args: list[str]) -> list[str]:
    """``--line-search`` not followed by a kind of line search reads as ``--line-search armijo`` (Typer has no
    options with an optional value). A word close to a kind (``wolf``) is an error, not an objective."""
    import difflib

    from gdcli.engine.line_search import KINDS
    from gdcli.errors import OptionError

    out = []
    for i, arg in enumerate(args):
        out.append(arg)
        if arg != "--line-search":
            continue
        following = args[i + 1] if i + 1 < len(args) else None
        if following is not None and following.lower() in KINDS:
            continue
        if following is not None and difflib.get_close_matches(following.lower(), KINDS, n=1, cutoff=0.7):
            raise OptionError(f"unknown line search '{following}' (choose from {', '.join(KINDS)})")
        out.append("armijo")
    return out


def variable_names(text: str | None) -> list[str] | None:
    """--vars x,y as ["x", "y"]; None when not given (the variables are then inferred)."""
    return [v.strip() for v in text.split(",") if v.strip()] if text is not None else None
