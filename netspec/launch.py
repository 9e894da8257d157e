"""The `netspec` command's first code: Ctrl-C while the command line is still loading exits 130.

Loading netspec/cli.py (click and the base modules) takes a few tenths of a second, more on a
busy machine; until cli.main sets its own handler, Python's default one would print a
KeyboardInterrupt traceback. This handler says what a later Ctrl-C says, and exits the same way.
"""

from __future__ import annotations

import signal
import sys


def main():
    """The console script and `python -m netspec`: the early handler, then the command line."""
    _install()
    from netspec.cli import main as command_line

    command_line()


def _install():
    signal.signal(signal.SIGINT, _interrupted)


def _interrupted(signum, frame):
    sys.stderr.write("netspec: interrupted\n")
    raise SystemExit(128 + signum)
