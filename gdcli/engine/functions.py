"""Built-in test functions: the classic landscapes of optimisation, each with its standard start and known minima."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from gdcli.errors import ObjectiveError


@dataclass(frozen=True)
class TestFunction:
    """A named objective with the start, step size and budget that show it well, and its known minima."""

    name: str
    expression: str
    start: tuple[float, ...]
    minima: tuple[tuple[float, ...], ...]
    lr: float
    steps: int
    description: str
    aliases: tuple[str, ...] = ()

    __test__ = False  # not a pytest test class, despite the name


CATALOG: tuple[TestFunction, ...] = (
    TestFunction(
        "bowl", "x^2 + 4*y^2", (3.0, 3.0), ((0.0, 0.0),), 0.1, 20,
        "quadratic bowl, eigenvalues 2 and 8 (κ = 4): the default example",
        ("quadratic",),
    ),
    TestFunction(
        "rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", (-1.2, 1.0), ((1.0, 1.0),), 0.001, 5000,
        "Rosenbrock's banana: a curved, narrow valley with its minimum at (1, 1)",
    ),
    TestFunction(
        "himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (0.0, 0.0),
        ((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
         (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)),
        0.01, 200,
        "Himmelblau's function: four minima of equal height, a maximum and four saddles",
    ),
    TestFunction(
        "booth", "(x + 2*y - 7)^2 + (2*x + y - 5)^2", (0.0, 0.0), ((1.0, 3.0),), 0.05, 100,
        "Booth's function: a tilted quadratic, eigenvalues 2 and 18 (κ = 9)",
    ),
    TestFunction(
        "beale", "(3/2 - x + x*y)^2 + (9/4 - x + x*y^2)^2 + (21/8 - x + x*y^3)^2", (1.0, 1.0), ((3.0, 0.5),),
        0.01, 2000,
        "Beale's function: flat plateaus and sharp ridges, minimum at (3, 1/2)",
    ),
    TestFunction(
        "matyas", "13/50*(x^2 + y^2) - 12/25*x*y", (3.0, -2.0), ((0.0, 0.0),), 1.0, 100,
        "Matyas' function: a quadratic with κ = 25, slow along the diagonal",
    ),
    TestFunction(
        "three-hump-camel", "2*x^2 - 21/20*x^4 + x^6/6 + x*y + y^2", (1.5, 1.5),
        ((0.0, 0.0), (1.7475523458302888, -0.8737761729151444), (-1.7475523458302888, 0.8737761729151444)), 0.05, 200,
        "three-hump camel: the global minimum at the origin and two local ones (f ≈ 0.2986)",
        ("camel", "three-hump", "threehumpcamel"),
    ),
    TestFunction(
        "rastrigin", "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", (2.5, 2.5), ((0.0, 0.0),), 0.001, 500,
        "Rastrigin's function: a bowl covered in local minima (only the global one is listed)",
    ),
    TestFunction(
        "saddle", "x^2 - y^2", (1.0, 0.01), (), 0.1, 40,
        "a saddle at the origin: gradient descent slides off along y",
    ),
)


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.strip().lower().replace("_", "-").replace(" ", "-"))


_BY_NAME = {_normalise(alias): f for f in CATALOG for alias in (f.name, *f.aliases)}


def lookup(name: str) -> TestFunction | None:
    """The built-in function called ``name`` (case, spaces, hyphens and underscores ignored), else None."""
    return _BY_NAME.get(_normalise(name)) or _BY_NAME.get(_normalise(name).replace("-", ""))


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_HYPHENATED = re.compile(r"[A-Za-z]{2,}(?:-[A-Za-z]{2,})+\Z")


def refuse_unknown_name(text: str) -> None:
    """Refuse an objective that is one bare word but no built-in, such as ``rosenbrok``: a misspelt name would
    otherwise be minimised as a variable. One letter with an index (x, x1) stays a variable; a hyphenated
    word of longer parts (three-hump-camle, goldstein-price) is refused as a name, since a difference of two
    words is rarely meant; x-y, whose parts are single letters, stays a difference."""
    word = text.strip()
    close = difflib.get_close_matches(_normalise(word), list(_BY_NAME), n=1, cutoff=0.6)
    suggestion = f" — did you mean {_BY_NAME[close[0]].name}?" if close else ""
    if _WORD.match(word) and sum(ch.isalpha() for ch in word) >= 2:
        variable = "" if close else f"; --vars {word} makes it a variable"
        raise ObjectiveError(f"unknown function '{word}'{suggestion} (`gd functions` lists them{variable})")
    if _HYPHENATED.match(word):
        difference = "" if close else f"; write '{word.replace('-', ' - ')}' for a difference of variables"
        raise ObjectiveError(f"unknown function '{word}'{suggestion} (`gd functions` lists them{difference})")


DEFAULT = CATALOG[0]
"""The example `gd solve` runs with no objective."""


def formulas(catalog: tuple[TestFunction, ...] = CATALOG) -> list[str]:
    """Each function's f in one-line Unicode (gdcli.engine.notation.unicode), kept in the derivation cache (one
    entry for the whole list, keyed by the expressions), so `gd functions` needs SymPy only the first time."""
    from gdcli.engine.cache import Entry
    from gdcli.engine.expression import parse_expression
    from gdcli.engine.notation import unicode

    entry = Entry({"formulas": [f.expression for f in catalog]})
    return entry.get("unicode", lambda: [unicode(parse_expression(f.expression)[0]) for f in catalog])
