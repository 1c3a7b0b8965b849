"""Text from files made safe for a terminal: control characters removed, newlines kept.

A problem file, a CSV header or a file name can hold escape sequences (ESC [2J clears the screen, ESC ] 0 ;
sets the window title, ESC ] 52 ; writes the clipboard). Every string that comes from a file goes through
``printable`` before it reaches the terminal or an error line.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls but the newline (ESC, BEL, CSI, OSC among them; a tab is a control too and becomes a
space below), and the bidirectional overrides that reorder what a reader sees."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")
"""Lone surrogates: how Python spells bytes of a command line that are not UTF-8; no terminal can show them."""


def printable(text: str, keep_newlines: bool = True) -> str:
    """``text`` without control characters: tabs become spaces, newlines are kept (or become spaces when
    ``keep_newlines`` is false); every other control character (Unicode category Cc) and bidi override is
    dropped, and a byte that was not UTF-8 (a lone surrogate) becomes U+FFFD."""
    text = str(text).replace("\t", " ").replace("\r\n", "\n")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def one_line(text: str) -> str:
    """``text`` as one printable line: control characters dropped, every run of whitespace one space."""
    return " ".join(printable(text, keep_newlines=False).split())
