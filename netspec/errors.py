"""Error data in, nothing out: the NetspecError family carries message, span, hint and notes.

Formatting lives in diagnostics.py and exit codes on the classes (click's pattern), so
the core never prints and the CLI catches one base class.
"""

from __future__ import annotations

from dataclasses import dataclass

from netspec.source import Span


@dataclass
class Note:
    """A second place worth showing, such as where a clashing shape was declared."""

    span: Span | None
    message: str


class NetspecError(Exception):
    """A failure the user can fix. exit_code 1: a bad spec or bad input."""

    exit_code = 1
    code = "NS000"

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None,
                 notes: list[Note] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint
        self.notes = notes or []
        self.code = code or type(self).code  # a stable NSxxx from netspec/catalogue.py


class SpecSyntaxError(NetspecError):
    """The text is not a .net spec (the parser could not read it)."""

    code = "NS100"


class SpecCheckError(NetspecError):
    """The spec reads, but names, shapes or meanings do not fit together."""

    code = "NS200"


class InputError(NetspecError):
    """An input value or CSV file the spec cannot take."""

    code = "NS300"


class WeightFileError(NetspecError):
    """A weight file that is missing or does not match its declaration."""

    code = "NS400"


class NumericError(NetspecError):
    """NaN or infinity appeared inside the network; span is the step's spec line."""

    code = "NS500"


class ExampleFailure(NetspecError):
    """One or more of the spec's own examples gave another answer."""

    code = "NS600"


class OutputFileError(NetspecError):
    """The result could not be written where the user asked."""

    code = "NS700"


class TrainingError(NetspecError):
    """Training data, settings or a run that cannot train the spec (netspec/train/)."""

    code = "NS900"


class SpecErrors(NetspecError):
    """Several errors found in one pass, reported together so the user fixes them in one go."""

    def __init__(self, errors: list[NetspecError]):
        super().__init__(errors[0].message, errors[0].span, errors[0].hint, errors[0].notes)
        self.errors = errors
        self.code = errors[0].code


def flatten(error: NetspecError) -> list[NetspecError]:
    """The individual errors inside `error` (itself when it is a single one)."""
    return list(error.errors) if isinstance(error, SpecErrors) else [error]
