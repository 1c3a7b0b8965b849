"""The one exception family of the library.

Every message is written for the user: the CLI prints it as one line on stderr and exits with code 2.
"""


class GdError(Exception):
    """Something the user gave us is wrong; the message says what and where."""


class ObjectiveError(GdError):
    """The objective text is malformed, hostile, or not a real scalar function."""


class OptionError(GdError):
    """An option (start, learning rate, step count, hyper-parameter) is out of range."""


class ProblemError(GdError):
    """A problem file is unreadable or malformed; the message names the file and the field."""
