"""Input values in (`--input NAME=VALUE`, a CSV file, or the spec's examples), rows out.

Every value is checked before the network runs: a number, finite, and inside the
input's declared range. Errors name the row and the column.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netspec.errors import InputError
from netspec.model import CheckedSpec, InputInfo
from netspec.source import Source, Span

NUMBER = re.compile(r"\s*[+\-\u2212]?(\d+(\.\d*)?|\.\d+)([eE][+\-]?\d+)?\s*")
NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


@dataclass(frozen=True)
class Rows:
    """A batch ready for the plan: values (rows, inputs) and a name for each row."""

    values: np.ndarray
    ids: tuple[str, ...]
    names: tuple[str, ...] = ()


def parse_number(text: str, where: str, span: Span | None = None) -> float:
    """A decimal number such as 11.2, -0.3 or 1e-3; anything else is an InputError naming `where`."""
    if not NUMBER.fullmatch(text):
        if not text.strip():
            raise InputError(f"{where}: no number given", span, hint="every input needs a number")
        if text.strip().lower() in NOT_FINITE:
            raise InputError(f"{where}: {text.strip()!r} is not a finite number", span,
                             hint="inputs must be ordinary numbers; NaN and infinity cannot be computed with")
        raise InputError(f"{where}: {text.strip()!r} is not a number", span,
                         hint="write plain decimals like 11.2 or -0.5, with no units, spaces or thousands separators")
    value = float(text.strip().replace("\u2212", "-"))
    if math.isinf(value):
        raise InputError(f"{where}: {text.strip()} is too large for a float64 number", span,
                         hint="numbers must be smaller than about 1.8e308")
    return value


def from_assignments(spec: CheckedSpec, assignments: list[str]) -> Rows:
    """`--input R=32 --input G=107 ...`: one row, every input given exactly once."""
    by_label = {info.label: info for info in spec.inputs}
    given: dict[str, float] = {}
    for text in assignments:
        name, sep, number = text.partition("=")
        name = name.strip()
        if not sep:
            raise InputError(f"--input {text}: expected NAME=VALUE, like R=32")
        if name not in by_label:
            raise InputError(f"--input {text}: unknown input `{name}`", hint=_did_you_mean(name, by_label))
        if name in given:
            raise InputError(f"--input {text}: `{name}` is given twice")
        given[name] = parse_number(number, f"--input {name}")
        _check_range(by_label[name], np.array([given[name]]), lambda _row: f"--input {name}")
    missing = [label for label in by_label if label not in given]
    if missing:
        raise InputError(f"no value given for {', '.join(missing)}",
                         hint="add " + " ".join(f"--input {m}=..." for m in missing))
    return Rows(np.array([[given[label] for label in by_label]]), ("the given input",))


def from_examples(spec: CheckedSpec, only: str | None = None) -> Rows:
    """The spec's own examples, or just the one called `only`."""
    examples = [e for e in spec.examples if only is None or e.name == only]
    if only is not None and not examples:
        raise InputError(f"the spec has no example called `{only}`",
                         hint=_did_you_mean(only, [e.name for e in spec.examples]))
    if not examples:
        raise InputError(f"{spec.path} has no examples, so there is nothing to run",
                         hint="give inputs with --input NAME=VALUE or --csv FILE, or add an `example` line")
    values = np.stack([e.inputs for e in examples])
    return Rows(values, tuple(f"example {e.name}" for e in examples), tuple(e.name for e in examples))


def from_csv(spec: CheckedSpec, path: str) -> Rows:
    """A CSV whose header names the inputs (in any order); every row must be complete and valid."""
    source = _read_csv_source(path)
    reader = csv.reader(io.StringIO(source.text, newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise InputError(f"{path} is empty", hint="the first line names the inputs: " + ",".join(spec.input_labels))
    columns = _column_order(spec, source, header)
    values, ids, cells = _csv_rows(spec, source, reader, columns, len(header))
    if not ids:
        raise InputError(f"{path} has a header but no rows of numbers", Span(source, 1, 1, 1, 2))
    for i, (info, column) in enumerate(zip(spec.inputs, values.T)):
        _check_range(info, column, lambda row: f"row {row + 1}, column {info.label}",
                     lambda row: _cell_span(source, *cells[row], columns[i]))
    return Rows(values, tuple(ids))


def _read_csv_source(path: str) -> Source:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such CSV file: {path}") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    try:
        return Source(path, data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text", hint="save the CSV as UTF-8") from None


def _column_order(spec: CheckedSpec, source: Source, cells: list[str]) -> list[int]:
    """For each input, the index of its column; missing, extra and repeated columns are errors."""
    labels = spec.input_labels
    header = [cell.strip() for cell in cells]
    where = Span(source, 1, 1, 1, len(source.line(1)) + 1)
    repeated = [i for i, h in enumerate(header) if h in header[:i]]
    if repeated:
        raise InputError(f"the column {header[repeated[0]]} appears more than once in the header",
                         _cell_span(source, 1, cells, repeated[0]), hint="name each input once")
    missing = [label for label in labels if label not in header]
    extra = [h for h in header if h not in labels]
    if missing or extra:
        hint = _did_you_mean(extra[0], missing) if extra and missing else None
        at = _cell_span(source, 1, cells, header.index(extra[0])) if extra else where
        raise InputError(_columns_message(missing, extra), at,
                         hint=hint or "the header must name exactly the inputs: " + ",".join(labels))
    return [header.index(label) for label in labels]


def _columns_message(missing, extra) -> str:
    parts = []
    if missing:
        parts.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if extra:
        parts.append(f"unknown column{'s' if len(extra) > 1 else ''} {', '.join(extra)}")
    return "the CSV header has " + " and ".join(parts)


def _csv_rows(spec, source, reader, columns, width):
    """The numbers, a name for each row, and each row's (line, cells), to point at a cell later."""
    rows, ids, cells_at = [], [], []
    for cells in reader:
        line = reader.line_num
        if not cells or not any(c.strip() for c in cells):
            continue  # blank lines are not rows, so row N here is row N of `--row N`
        data_row = len(rows) + 1
        if len(cells) != width:
            raise InputError(f"row {data_row} has {len(cells)} cells but the header has {width}",
                             Span(source, line, 1, line, len(source.line(line)) + 1))
        rows.append([_cell(source, line, data_row, cells, col, spec.input_labels[i])
                     for i, col in enumerate(columns)])
        cells_at.append((line, cells))
        ids.append(f"CSV row {data_row} (line {line})")
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(columns)), ids, cells_at


def _cell(source, line, data_row, cells, col, label) -> float:
    text = cells[col]
    if NUMBER.fullmatch(text):
        value = float(text.replace("\u2212", "-"))
        if not math.isinf(value):
            return value
    return parse_number(text, f"row {data_row}, column {label}", _cell_span(source, line, cells, col))


def _cell_span(source, line, cells, col) -> Span:
    """Where cell `col` of a CSV line is written (cells as split, so unquoted CSV)."""
    start = sum(len(c) + 1 for c in cells[:col]) + 1
    return Span(source, line, start, line, start + max(len(cells[col]), 1))


def _check_range(info: InputInfo, column: np.ndarray, row_name, span_of=lambda row: None) -> None:
    low = -np.inf if info.low is None else info.low
    high = np.inf if info.high is None else info.high
    bad = np.flatnonzero((column < low) | (column > high))
    if bad.size:
        row = int(bad[0])
        raise InputError(f"{row_name(row)}: {info.label}={column[row]:g} is outside its range ({info.meaning})",
                         span_of(row), hint=f"{info.label} must be {_range_words(info)}")


def _range_words(info: InputInfo) -> str:
    if info.low is not None and info.high is not None:
        return f"between {info.low:g} and {info.high:g}"
    return f"at least {info.low:g}" if info.low is not None else f"at most {info.high:g}"


def _did_you_mean(name: str, choices) -> str | None:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f"did you mean `{close[0]}`?" if close else None
