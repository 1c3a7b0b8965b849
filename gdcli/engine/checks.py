"""Checks of numeric options, shared by every command: each failure names the option and the value."""

from __future__ import annotations

import math

import numpy as np

from gdcli.engine.notation import number
from gdcli.errors import OptionError


def positive(value: float, name: str) -> float:
    """``value`` as a float, which must be finite and > 0; otherwise an OptionError naming the option."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be a number") from None
    if not (math.isfinite(value) and value > 0):
        raise OptionError(f"{name} must be a positive finite number, not {number(value)}")
    return value


def whole_number(value: int, name: str, least: int, most: int) -> int:
    """``value`` as an int, which must be whole and within [least, most]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) and not (
        isinstance(value, float) and value.is_integer()
    ):
        raise OptionError(f"{name} must be a whole number, not {value!r}")
    value = int(value)
    if not least <= value <= most:
        raise OptionError(f"{name} must be between {least} and {most:,}, not {value}")
    return value


def tolerance(value: float, name: str) -> float:
    """``value`` as a float, which must be finite and ≥ 0 (0 switches a test off)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be a number") from None
    if not (math.isfinite(value) and value >= 0):
        raise OptionError(f"{name} must be a finite number ≥ 0, not {number(value)}")
    return value
