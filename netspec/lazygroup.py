"""A click group whose commands are declared at import and built when first used.

Building a click command builds an Option for each of its options: for netspec's 145 options
that was most of what importing cli.py cost, paid again by `netspec --help` and by every command
that needed only its own. Here `option` and `argument` record what they were given on the
function, and `LazyGroup.command` records the function; the group builds a command, by click's
own decorators in the order they would have run, only when it is invoked, asked for its help
or completed. The group's own help lists each command's short help from its docstring alone,
with click's own wording and width.
"""

from __future__ import annotations

import os
import sys

import click

PENDING = "__netspec_params__"  # on a declared function: its (click decorator, names, settings), innermost first


def option(*names, **settings):
    """click.option, applied when the command is built."""
    return _deferred(click.option, names, settings)


def argument(*names, **settings):
    """click.argument, applied when the command is built."""
    return _deferred(click.argument, names, settings)


def _deferred(decorator, names, settings):
    def record(function):
        function.__dict__.setdefault(PENDING, []).append((decorator, names, settings))
        return function  # functools.wraps copies the list to a wrapper, which records on after it

    return record


class Context(click.Context):
    """click's Context, with the help's width found as click finds it but without importing shutil
    (and with it bz2, lzma and fnmatch: some 4 ms of `netspec --help`)."""

    def make_formatter(self) -> click.HelpFormatter:
        from click import formatting

        width = self.terminal_width if self.terminal_width is not None else formatting.FORCED_WIDTH
        if width is None:
            width = max(min(_terminal_columns(), self.max_content_width or 80) - 2, 50)
        return self.formatter_class(width=width, max_width=self.max_content_width)


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class Command(click.Command):
    """A command whose help is laid out by the Context above."""

    context_class = Context


class LazyGroup(click.Group):
    """A group of commands declared by `@group.command()` over functions carrying `option`s."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.declared: dict[str, tuple] = {}  # name → (function, click.command's settings)
        self._listing = False

    def command(self, name: str | None = None, **settings):
        def declare(function):
            self.declared[name or function.__name__.lower().replace("_", "-")] = (function, settings)
            return function

        return declare

    def list_commands(self, ctx) -> list[str]:
        return sorted({*self.commands, *self.declared})

    def get_command(self, ctx, name: str):
        if name in self.declared and name not in self.commands:
            function, settings = self.declared[name]
            if self._listing:  # only its short help is read: no options made
                return click.Command(name, help=function.__doc__, **settings)
            self.commands[name] = _built(name, function, settings)
        return self.commands.get(name)

    def format_commands(self, ctx, formatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


def _built(name: str, function, settings: dict) -> click.Command:
    for decorator, names, given in function.__dict__.pop(PENDING, []):
        function = decorator(*names, **given)(function)
    return click.command(name, cls=Command, **settings)(function)
