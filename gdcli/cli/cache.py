"""`gd cache`: where the derivation cache is, how much it holds, and emptying it."""

import typer

from gdcli.cli import options as opt
from gdcli.cli.application import app
from gdcli.cli.output import console, emit_json

cache_app = typer.Typer(
    name="cache", no_args_is_help=True, rich_markup_mode=None,
    help="The derivation cache: what gd derived from an objective (∇f, ∇²f, generated code), kept so that the "
         "next run on it skips SymPy. GDCLI_CACHE moves it; GDCLI_CACHE=off turns it off.\n\n"
         "Example: gd cache info",
)
app.add_typer(cache_app, name="cache")


@cache_app.command()
def info(json: opt.Json = False) -> None:
    """Where the cache is, whether it is on, how many entries and bytes it holds, and its size limit.

    Example: gd cache info
    """
    from gdcli.engine import cache
    from gdcli.engine.notation import number

    facts = cache.info()
    if json:
        emit_json(facts)
        return
    if not facts["enabled"]:
        console().print("the derivation cache is off (GDCLI_CACHE=off)")
        return
    console().print(f"directory  {facts['directory']}\n"
                    f"entries    {facts['entries']}\n"
                    f"size       {number(facts['bytes'] / 2**20, 3)} MiB of at most "
                    f"{number(facts['limit_bytes'] / 2**20, 3)} MiB (least recently used entries go first)")


@cache_app.command()
def clear(json: opt.Json = False) -> None:
    """Remove every entry of the cache (the next run on each objective derives it again).

    Example: gd cache clear
    """
    from gdcli.engine import cache

    removed = cache.clear()
    if json:
        emit_json({"removed": removed})
    else:
        console().print(f"removed {removed} entr{'y' if removed == 1 else 'ies'}")
