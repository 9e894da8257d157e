"""Error data in, nothing out: the NetspecError family carries message, span, hint and notes.

Formatting lives in diagnostics.py and exit codes on the classes (click's pattern), so
the core never prints and the CLI catches one base class.
"""

from __future__ import annotations

from netspec.source import Span
from netspec.records import record


@record(frozen=False)
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
        message = brief(message)
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = brief(hint) if hint else hint
        self.notes = [Note(note.span, brief(note.message)) for note in notes or []]
        self.code = code or type(self).code  # a stable NSxxx from netspec/catalogue.py

    def __str__(self) -> str:
        """Every error inside, each with its place, code, notes and hint (what the CLI prints, without
        the quoted line: netspec/diagnostics.py adds that), so a notebook or a log shows it all."""
        return "\n".join(_plain(error) for error in flatten(self))

    def __repr__(self) -> str:
        errors = flatten(self)
        where = f" at {self.span.location}" if self.span else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"<{type(self).__name__} {self.code}{where}: {self.message}{more}>\n{self}"

    def __reduce__(self):  # pickled whole (a worker process's error reaches its parent with its place and hint)
        return _rebuilt, (type(self), self.__dict__)


def _rebuilt(kind, state):
    error = kind.__new__(kind)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


def _plain(error: "NetspecError") -> str:
    where = f"{error.span.location}: " if error.span else ""
    lines = [f"{where}error: {error.message} [{error.code}]"]
    which = getattr(error.span, "which", None)
    if which:
        lines.append(f"note: {which}")
    lines += [f"note: {n.message}" + (f" at {n.span.location}" if n.span else "") for n in error.notes]
    if error.hint:
        lines.append(f"hint: {error.hint}")
    return "\n".join(lines)


MAX_TEXT = 600  # characters of one message, hint or note: a few lines, however large the spec


def close_matches(word: str, choices, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The "did you mean" of a name not found: difflib's closest choices to `word`. difflib is loaded
    here, when an error needs it, not at start-up."""
    import difflib

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def brief(text: str, most: int = MAX_TEXT) -> str:
    """`text` kept to a few lines: a long list in it (every neuron of a 384-wide layer, 50,257 tokens)
    keeps its first items and its last, and says how many it leaves out."""
    if len(text) <= most:
        return text
    items = text.split(", ")
    if len(items) > 6:
        text = ", ".join(items[:4]) + f", … {len(items) - 5:,} more …, " + items[-1]
    if len(text) > most:
        text = text[:most - 40] + f" … ({len(text) - most + 40:,} more characters)"
    return text


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


class ModelImportError(NetspecError):
    """A model that `netspec import` cannot turn into a spec (netspec/interop/)."""

    code = "NS951"


class SpecErrors(NetspecError):
    """Several errors found in one pass, reported together so the user fixes them in one go."""

    def __init__(self, errors: list[NetspecError]):
        super().__init__(errors[0].message, errors[0].span, errors[0].hint, errors[0].notes)
        self.errors = errors
        self.code = errors[0].code


def flatten(error: NetspecError) -> list[NetspecError]:
    """The individual errors inside `error` (itself when it is a single one)."""
    return list(error.errors) if isinstance(error, SpecErrors) else [error]
