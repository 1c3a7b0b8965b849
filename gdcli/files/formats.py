"""Writing results: JSON text with no NaN, CSV rows, and atomic files (temp file, then rename)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path

from gdcli.errors import GdError


def finite_or_none(value):
    """Replace NaN and ±inf by None, recursively, so the JSON is strict."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    return value


def to_json(document: dict | list) -> str:
    """Strict JSON (non-finite numbers become null), UTF-8 characters kept as they are."""
    return json.dumps(finite_or_none(document), ensure_ascii=False, allow_nan=False)


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so a reader never
    sees a partial file; an unwritable path raises GdError naming it."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    try:
        if target.is_dir():
            raise GdError(f"cannot write {target}: it is a folder")
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except GdError:
        raise
    except OSError as error:
        raise GdError(f"cannot write {target}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _new_file_mode(target))  # mkstemp makes it 0600; give it the mode open() would
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise GdError(f"cannot write {target}: {error.strerror or error}") from None
    return target


def rows_to_csv(header: list[str], rows: list[list]) -> str:
    """CSV text with a header line; floats written with repr precision."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[repr(v) if isinstance(v, float) else v for v in row] for row in rows])
    return buffer.getvalue()


def _new_file_mode(target: Path) -> int:
    """The mode of the file being replaced, or what a plain open() would give a new file (0666 less the umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
