"""Ctrl-C, SIGTERM and SIGHUP, turned into an unwinding exception: the handler cli.py sets.

Its own small module, so that the command line can set it at start-up without importing
netspec/outfile.py (and tempfile with it) before a command that writes a file runs.
"""

from __future__ import annotations

import contextlib
import signal


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C, so a temp file is removed on the way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_holding: list[int] = []  # non-empty while a temp file is being made: signals wait in it (after a 0)


def stop(signum, frame):
    """The handler cli.py sets for Ctrl-C, SIGTERM and SIGHUP: unwind at once, or, while a temp file
    is being made and named, as soon as its name is known (so it can be removed)."""
    if _holding:
        _holding.append(signum)
        return
    raise KeyboardInterrupt if signum == signal.SIGINT else Stopped(signum)


@contextlib.contextmanager
def signals_held():
    _holding.append(0)
    try:
        yield
    finally:
        waiting = _holding[1:]
        _holding.clear()
        if waiting:
            stop(waiting[0], None)
