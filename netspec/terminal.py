"""A stream in, whether to colour it and draw on it out; text and a style in, coloured text out.

Colour and progress bars are for a person at a terminal: never in a file or a pipe, and never
when NO_COLOR (https://no-color.org) is set to anything but empty, or TERM is `dumb`.
FORCE_COLOR, as many tools read it, asks for colour even when the stream is not a terminal.
"""

from __future__ import annotations

import os

STYLES = {"error": "1;31", "warning": "1;33", "note": "1;36", "hint": "1;32", "place": "1", "caret": "1;31",
          "dim": "2"}


def is_terminal(stream) -> bool:
    """True when `stream` is a terminal a person is watching (not a file, a pipe or a test's buffer)."""
    try:
        return bool(stream.isatty()) and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # closed, or no descriptor
        return False


def colour_wanted(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal(stream)


def paint(text: str, style: str, colour: bool = True) -> str:
    """`text` in one of STYLES' colours (ANSI SGR), or as it is when colour is off."""
    return f"\x1b[{STYLES[style]}m{text}\x1b[0m" if colour and text else text
