"""The derivation cache: what gd derived from an objective once, kept on disk so a later run skips SymPy.

An entry is a JSON file of named values (text, numbers, lists: printed formulas and generated Python source,
never pickles) under a key: gd's version, a fingerprint of the engine's code, and what the caller derives from
(for an objective: its canonical validated text, its variables and the parser's limits). The file's name is
the SHA-256 of the key; beside the values it holds the key itself and the SHA-256 of key and values. On load
both are checked, so a corrupt, truncated or foreign file is a miss (and is rewritten), never trusted.

New values are written when the process ends (or at ``flush()``), one write per entry, atomically
(gdcli.files.formats.write_atomic); when the folder grows past ``LIMIT_BYTES`` the
least recently used entries (oldest modification time: a hit touches its file) are removed. Any failure to
read or write costs only speed.

Where: ``$GDCLI_CACHE`` when set (``off`` disables the cache), else the user's cache folder
(platformdirs: ``~/.cache/gdcli`` on Linux, following XDG_CACHE_HOME).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from gdcli import __version__
from gdcli.errors import GdError

ENVIRONMENT = "GDCLI_CACHE"
LIMIT_BYTES = 64 * 2**20
"""Most bytes of entries kept; past it the least recently used go first, down to three quarters of it."""
FORMAT = 1
_ENTRY = re.compile(r"[0-9a-f]{64}\.json\Z")
_CODE = ("cache", "codegen", "compiled", "exact", "expression", "kernels", "notation", "objective", "optimizers", "run",
         "schedules")
"""The engine modules whose code decides what an entry holds: any change to them makes every entry a miss."""


def directory() -> Path | None:
    """The cache folder, or None when ``GDCLI_CACHE=off`` (or when the engine's source cannot be read to
    fingerprint it)."""
    if fingerprint() is None:
        return None
    setting = os.environ.get(ENVIRONMENT, "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("gdcli", appauthor=False))


@lru_cache(maxsize=None)
def fingerprint() -> str | None:
    """SHA-256 of gd's version and the source of the engine modules that generate an entry's values (None when
    that source cannot be read: the cache is then off)."""
    return source_digest(Path(__file__).parent, _CODE)


def source_digest(folder: Path, modules: tuple[str, ...]) -> str | None:
    """SHA-256 of gd's version and the source of ``modules`` (names of .py files in ``folder``); None when a
    file cannot be read."""
    digest = hashlib.sha256(__version__.encode())
    try:
        for name in modules:
            digest.update((folder / f"{name}.py").read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _canonical(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _digest(key: dict, values: dict) -> str:
    return hashlib.sha256(_canonical({"key": key, "values": values})).hexdigest()


class Entry:
    """The values derived under one key: loaded from disk if a valid entry is there, extended on demand.

    ``get(name, make)`` returns the stored value or computes it with ``make`` (which may import SymPy); new
    values are saved at ``flush()``. Values must be JSON: text, numbers, lists, dicts with text keys. A key of
    None keeps the values in memory only.
    """

    def __init__(self, key: dict | None):
        folder = None if key is None else directory()
        self.key = None if key is None else json.loads(_canonical({"format": FORMAT, "code": fingerprint(), **key}))
        self.path = None if folder is None else folder / f"{hashlib.sha256(_canonical(self.key)).hexdigest()}.json"
        self.values: dict[str, Any] = self._load()
        self.loaded = bool(self.values)
        """True when a valid entry was read from disk."""

    def get(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self.values:
            self.values[name] = make()
            if self.path is not None:
                _pending[id(self)] = self
        return self.values[name]

    def put(self, name: str, value: Any) -> None:
        """Set ``name`` to ``value`` (replacing what a load gave), to be saved."""
        self.values[name] = value
        if self.path is not None:
            _pending[id(self)] = self

    def save(self) -> None:
        """Write the entry, merged with what another process may have written meanwhile; failures are ignored."""
        if self.path is None:
            return
        from gdcli.files.formats import write_atomic

        merged = {**self._load(), **self.values}
        payload = {"key": self.key, "values": merged, "sha256": _digest(self.key, merged)}
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the user's own: it holds code gd runs
            write_atomic(self.path, _canonical(payload))
        except (OSError, GdError):
            return  # an unwritable cache costs speed only
        evict(self.path.parent, LIMIT_BYTES)

    def _load(self) -> dict[str, Any]:
        """The values of a valid entry at ``path`` (touched, for least-recently-used eviction), else {}.

        A file this process has already checked, unchanged since (same size and modification time), is not
        read again."""
        if self.path is None:
            return {}
        try:
            stamp = _stamp(self.path)
            if self.path in _checked and _checked[self.path][0] == stamp:
                return dict(_checked[self.path][1])
            document = json.loads(self.path.read_bytes())
            values = document["values"]
            valid = document["key"] == self.key and isinstance(values, dict) and \
                document["sha256"] == _digest(self.key, values)
        except (OSError, ValueError, TypeError, KeyError):
            return {}
        if not valid:
            return {}
        try:
            os.utime(self.path)
            _checked[self.path] = (_stamp(self.path), values)
        except OSError:
            pass
        return dict(values)


_checked: dict[Path, tuple[tuple[int, int], dict]] = {}
"""Entries checked in this process, with the (size, modification time) they had then."""


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


_pending: dict[int, Entry] = {}


def flush() -> None:
    """Save every entry that gained values in this process (also run when the process exits)."""
    while _pending:
        _pending.popitem()[1].save()


atexit.register(flush)


def entries(folder: Path | None) -> list[Path]:
    """The entry files in ``folder`` (only names gd gives its entries), least recently used first."""
    if folder is None:
        return []
    try:
        files = [p for p in folder.iterdir() if _ENTRY.match(p.name)]
    except OSError:
        return []
    stamped = []
    for path in files:
        try:
            stamped.append((path.stat().st_mtime, path))
        except OSError:
            continue
    return [path for _, path in sorted(stamped)]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def evict(folder: Path, limit: int) -> None:
    """Remove least recently used entries while the folder holds more than ``limit`` bytes, down to ¾·limit."""
    files = entries(folder)
    sizes = [_size(p) for p in files]
    total = sum(sizes)
    if total <= limit:
        return
    for path, size in zip(files, sizes):
        if total <= limit * 3 // 4:
            break
        try:
            path.unlink()
            total -= size
        except OSError:
            continue


def info() -> dict:
    """Where the cache is, whether it is on, and how many entries and bytes it holds."""
    folder = directory()
    files = entries(folder)
    return {"directory": None if folder is None else str(folder), "enabled": folder is not None,
            "entries": len(files), "bytes": sum(_size(p) for p in files), "limit_bytes": LIMIT_BYTES}


def clear() -> int:
    """Remove every entry (other files in the folder are left alone); returns how many were removed."""
    removed = 0
    for path in entries(directory()):
        try:
            path.unlink()
            removed += 1
        except OSError:
            continue
    return removed
