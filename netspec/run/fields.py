"""One input field's text in, its checked numbers out: the checks every row passes, wherever it came from.

`--input NAME=VALUE` (inputs.py) and a CSV file's cells (csvinput.py) are both read here, so
a number, a text and a range mean the same in both and neither imports the other.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np

from netspec.errors import InputError, close_matches
from netspec.check.model import CheckedSpec, InputInfo
from netspec.source import Span
from netspec.records import record

NUMBER = re.compile(r"\s*[+\-\u2212]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?\s*")  # \d would take ３ and ৪
NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


@record
class Rows:
    """A batch ready for the plan: values (rows, inputs) and a name for each row."""

    values: np.ndarray
    ids: tuple[str, ...]
    names: tuple[str, ...] = ()


def parse_number(text: str, where: str, span: Span | None = None) -> float:
    """A decimal number such as 11.2, -0.3 or 1e-3; anything else is an InputError naming `where`."""
    if not NUMBER.fullmatch(text):
        if not text.strip():
            raise InputError(f"{where}: no number given", span, hint="every input needs a number", code="NS301")
        foreign = next((c for c in text if c.isdigit() and not c.isascii()), None)
        if foreign is not None:
            raise _foreign_digit(text.strip(), foreign, where, span)
        if text.strip().lower() in NOT_FINITE:
            raise InputError(f"{where}: {text.strip()!r} is not a finite number", span,
                             hint="inputs must be ordinary numbers; NaN and infinity cannot be computed with", code="NS302")
        raise InputError(f"{where}: {text.strip()!r} is not a number", span,
                         hint="write plain decimals like 11.2 or -0.5, with no units, spaces or thousands separators", code="NS301")
    value = float(text.strip().replace("\u2212", "-"))
    if math.isinf(value):
        raise InputError(f"{where}: {text.strip()} is too large for a float64 number", span,
                         hint="numbers must be smaller than about 1.8e308", code="NS303")
    return value


def _foreign_digit(text: str, digit: str, where: str, span: Span | None) -> InputError:
    """`３２` or `৪`: a digit Python's float() reads but a person may not; pointed at, with the number in 0-9."""
    ascii_text = "".join(str(unicodedata.digit(c, "")) if c.isdigit() and not c.isascii() else c for c in text)
    if span is not None and span.line == span.end_line:  # a CSV cell: point at the digit itself
        column = span.column + span.source.line(span.line)[span.column - 1:].find(digit)
        span = Span(span.source, span.line, column, span.line, column + 1)
    return InputError(f"{where}: {text!r} is written with the digit {digit!r} ({unicodedata.name(digit, 'a digit')}), "
                      "which is not one of 0-9", span, hint=f"numbers are written with the digits 0 to 9 only: write {ascii_text}",
                      code="NS320")


def field_values(spec: CheckedSpec, field: str, value: str, where: str, span: Span | None = None) -> dict[str, float]:
    """One field's input neurons and their numbers: a text is tokenized, a number checked against its range."""
    text = spec.texts.get(field)
    if text is not None:
        if len(value) >= 2 and value[0] == value[-1] == '"':  # --input 'text="humpty dumpt"' keeps its quotes
            value = value[1:-1]
        return dict(zip(text.positions, map(float, text.tokenize(value, where, span))))
    info = next(i for i in spec.inputs if i.label == field)
    number = parse_number(value, where, span)
    check_range(info, np.array([number]), lambda _row: where, lambda _row: span)
    return {field: number}


def check_range(info: InputInfo, column: np.ndarray, row_name, span_of=lambda row: None) -> None:
    low = -np.inf if info.low is None else info.low
    high = np.inf if info.high is None else info.high
    bad = np.flatnonzero((column < low) | (column > high))
    if bad.size:
        row = int(bad[0])
        raise InputError(f"{row_name(row)}: {info.label}={column[row]:g} is outside its range ({info.meaning})",
                         span_of(row), hint=f"{info.label} must be {_range_words(info)}", code="NS304")


def _range_words(info: InputInfo) -> str:
    if info.low is not None and info.high is not None:
        return f"between {info.low:g} and {info.high:g}"
    return f"at least {info.low:g}" if info.low is not None else f"at most {info.high:g}"


def did_you_mean(name: str, choices, listed: str | None = None) -> str | None:
    """`did you mean `R`?` (capitals count as close), or with `listed` ("the examples are") the choices."""
    choices = list(choices)
    same = [c for c in choices if c.lower() == name.lower()]

    close = same or close_matches(name, choices, n=1, cutoff=0.5)
    if close:
        return f"did you mean `{close[0]}`?"
    if listed and choices:
        shown = ", ".join(f"`{c}`" for c in choices[:10]) + (f" and {len(choices) - 10} more" if len(choices) > 10 else "")
        return f"{listed} {shown}"
    return None
