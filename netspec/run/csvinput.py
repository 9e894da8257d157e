"""A CSV file of inputs in, validated chunks of rows out, streamed with bounded memory.

The header names the inputs (in any order). Each chunk is checked whole before it is
handed on: every cell a plain decimal number, finite, inside its input's range. A file
of any size is read a chunk of lines at a time, so memory stays bounded by the chunk:
at most CHUNK_ROWS lines and about CSV_CHUNK_CHARS characters, each line at most
MAX_CSV_LINE_CHARS long (netspec/limits.py); a longer line is refused before it is read
whole. A row is one line: a quoted cell ends on the line it starts on.
A chunk of plain numbers is converted by NumPy's C parser in one call; anything else
(quotes, blank lines, a bad cell) takes the careful path, which names the bad cell.
"""

from __future__ import annotations

import contextlib
import csv
import io
import sys
import itertools
import re
from typing import Iterator, Sequence

import numpy as np

from netspec.errors import InputError
from netspec.run.fields import Rows, check_range, did_you_mean, field_values
from netspec.files import FileRefused, open_checked
from netspec.limits import CSV_CHUNK_CHARS, MAX_CSV_COLUMNS, MAX_CSV_LINE_CHARS
from netspec.check.model import CheckedSpec
from netspec.source import Source, Span
from netspec.records import record

CHUNK_ROWS = 65_536
PLAIN_NUMBERS = re.compile(r"[0-9eE+\-.,\t \r\n]*")  # anything else (nan, 1_000, ١٢, quotes) goes the careful way


@record
class RowIds(Sequence):
    """`CSV row N (line L)` for a run of rows on consecutive lines, made only when asked for."""

    first_row: int
    first_line: int
    count: int

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self.count))]
        if not -self.count <= k < self.count:
            raise IndexError(k)
        k %= self.count
        return f"CSV row {self.first_row + k} (line {self.first_line + k})"


def read_chunks(spec: CheckedSpec, path: str, chunk_rows: int = CHUNK_ROWS) -> Iterator[Rows]:
    """Validated Rows, chunk by chunk; an InputError names the first bad row and column."""
    try:
        yield from _read(spec, path, chunk_rows)
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text", hint="save the CSV as UTF-8", code="NS311") from None


def _read(spec: CheckedSpec, path: str, chunk_rows: int) -> Iterator[Rows]:
    with _open(path) as stream:
        path = "<stdin>" if path == "-" else path  # the name errors give it
        lines = _lines(stream, path)
        raw_header = next(lines, "")
        header = _cells(path, 1, raw_header)
        if not any(cell.strip() for cell in header):
            raise InputError(f"{path} is empty", hint="the first line names the inputs: " + ",".join(spec.fields), code="NS310")
        columns = _column_order(spec, path, raw_header, header)
        line, count = 2, 0
        for lines_of_chunk in _batches(lines, chunk_rows):
            rows = _chunk(spec, path, lines_of_chunk, line, count, columns, len(header))
            line += len(lines_of_chunk)
            count += len(rows.values)
            if len(rows.values):
                yield rows
    if count == 0:
        raise InputError(f"{path} has a header but no rows of numbers", _line_span(path, 1, raw_header or " "), code="NS310")


def _lines(stream, path: str) -> Iterator[str]:
    """The file's lines, each read only up to the limit: a longer line or one of too many cells is refused."""
    readline, most = stream.readline, MAX_CSV_LINE_CHARS + 1
    number = 0
    while line := readline(most):
        number += 1
        if len(line) > MAX_CSV_COLUMNS:  # shorter lines cannot hold too many cells, nor be too long
            _check_long_line(path, number, line)
        yield line


def _check_long_line(path: str, number: int, line: str) -> None:
    if len(line) > MAX_CSV_LINE_CHARS and not line.endswith("\n"):
        raise InputError(f"{path}:{number}: the line is longer than {MAX_CSV_LINE_CHARS:,} characters",
                         hint="a CSV line holds one row of numbers; keep large data in a weight file", code="NS321")
    cells = line.count(",") + 1
    if cells > MAX_CSV_COLUMNS:
        raise InputError(f"{path}:{number}: the line has {cells:,} cells, more than the {MAX_CSV_COLUMNS:,} "
                         "a CSV may have", hint="a CSV has one column per input", code="NS321")


def _batches(lines: Iterator[str], most: int) -> Iterator[list[str]]:
    """Runs of at most `most` lines and about CSV_CHUNK_CHARS characters."""
    batch, size = [], 0
    for line in lines:
        batch.append(line)
        size += len(line)
        if len(batch) >= most or size >= CSV_CHUNK_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _cells(path: str, line: int, raw: str) -> list[str]:
    """One line's cells; a quote that opens a cell and is not closed on the line is an error there."""
    try:
        return next(csv.reader([raw], strict=True), [])
    except csv.Error as error:
        opened = _unclosed_quote(raw)
        if opened is None:
            raise InputError(f"the CSV is malformed on this line ({error})", _line_span(path, line, raw),
                             hint='a quoted cell is written "like this", with "" for a quote inside it',
                             code="NS309") from None
        at = Span(_line_source(path, line, raw), line, opened + 1, line, opened + 2)
        raise InputError("the quote that opens this cell is not closed on its line", at,
                         hint='add the closing " before the end of the line: a row of a CSV is one line',
                         code="NS309") from None


def _unclosed_quote(raw: str) -> int | None:
    """Where (0-based) the quoted cell that runs to the end of the line opens, or None when every quote closes."""
    opened, start = None, True
    text = raw.rstrip("\r\n")
    k = 0
    while k < len(text):
        char = text[k]
        if opened is None:
            opened = k if start and char == '"' else None
            start = char == ","
        elif char == '"' and text[k + 1:k + 2] == '"':
            k += 1  # "" inside quotes is one quote
        elif char == '"':
            opened, start = None, False
        k += 1
    return opened


def _open(path: str):
    """The CSV file opened once and checked on that descriptor: a regular file (a device or a
    pipe could be read forever), streamed, so with no size cap and no folder fence. `-` is standard
    input, which the user chose to give (a pipe or a redirected file), read once as it comes."""
    if path == "-":
        return _stdin()
    try:
        opened = open_checked(path, None, None, "CSV file")
    except FileRefused as refused:
        raise InputError(refused.message, code="NS311") from None
    return io.TextIOWrapper(opened.stream, encoding="utf-8-sig", newline="")


@contextlib.contextmanager
def _stdin():
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        raise InputError("standard input cannot be read as bytes", code="NS311")
    stream = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
    try:
        yield stream
    finally:
        stream.detach()  # standard input stays open for whatever reads it next


def _chunk(spec, path, lines: list[str], line: int, before: int, columns: list[int], width: int) -> Rows:
    """One chunk of lines as validated Rows: the fast path when it applies, else the careful one."""
    values = None if spec.texts else _plain_numbers("".join(lines), len(lines), width)
    if values is None:
        return _careful(spec, path, lines, line, before, columns, width)
    values = values[:, columns]
    for i, (info, column) in enumerate(zip(spec.inputs, values.T)):
        check_range(info, column, lambda row: f"row {before + row + 1}, column {info.label}",
                     lambda row: _cell_span(path, line + row, lines[row], lines[row].split(","), columns[i]))
    return Rows(values, RowIds(before + 1, line, len(values)))


def _plain_numbers(text: str, count: int, width: int) -> np.ndarray | None:
    """count × width finite numbers, or None when the text is anything but plain numbers."""
    if not PLAIN_NUMBERS.fullmatch(text):
        return None
    try:
        values = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float64, ndmin=2)
    except ValueError:
        return None
    if values.shape != (count, width) or not np.isfinite(values).all():
        return None  # a blank line, a short row, or an overflow: the careful path says which
    return values


def _careful(spec, path, lines, first_line, before, columns, width) -> Rows:
    """Cell by cell, so the first bad one is named with its row, column and place in its line."""
    values, ids = [], []
    for line, raw in enumerate(lines, first_line):
        cells = _cells(path, line, raw)
        if not cells or not any(c.strip() for c in cells):
            continue  # blank lines are not rows, so row N here is row N of `--row N`
        row = before + len(values) + 1
        values.append(_row(spec, path, cells, raw, line, row, columns, width))
        ids.append(f"CSV row {row} (line {line})")
    return Rows(np.array(values, dtype=np.float64).reshape(len(values), len(spec.inputs)), tuple(ids))


def _row(spec, path, cells, raw, line, row, columns, width) -> list[float]:
    if len(cells) != width:
        raise InputError(f"row {row} has {len(cells)} cells but the header has {width}", _line_span(path, line, raw), code="NS309")
    numbers = {}
    for field, col in zip(spec.fields, columns):
        where = f"row {row}, column {field}"
        numbers.update(field_values(spec, field, cells[col], where, _cell_span(path, line, raw, cells, col)))
    return [numbers[label] for label in spec.input_labels]


def _column_order(spec: CheckedSpec, path: str, raw: str, cells: list[str]) -> list[int]:
    """For each input, the index of its column; missing, extra and repeated columns are errors."""
    labels = spec.fields
    header = [cell.strip() for cell in cells]
    position: dict[str, int] = {}  # a dict, not list.index: a header of 80,000 columns is checked at once
    for i, h in enumerate(header):
        if h in position:
            raise InputError(f"the column {h} appears more than once in the header",
                             _cell_span(path, 1, raw, cells, i), hint="name each input once", code="NS308")
        position[h] = i
    known = set(labels)
    missing = [label for label in labels if label not in position]
    extra = [h for h in header if h not in known]
    if missing or extra:
        hint = did_you_mean(extra[0], missing) if extra and missing else None
        separator = next((mark for mark in (";", "\t", "|") if len(header) == 1 and mark in header[0]), None)
        if separator is not None:
            shown = "tabs" if separator == "\t" else f"`{separator}`"
            hint = f"separate the columns with commas: this header uses {shown}"
        at = _cell_span(path, 1, raw, cells, position[extra[0]]) if extra else _line_span(path, 1, raw)
        raise InputError(_columns_message(missing, extra), at,
                         hint=hint or "the header must name exactly the inputs: " + ",".join(labels), code="NS308")
    return [position[label] for label in labels]


def _columns_message(missing, extra) -> str:
    parts = []
    if missing:
        parts.append(f"missing column{'s' if len(missing) > 1 else ''} {_some(missing)}")
    if extra:
        parts.append(f"unknown column{'s' if len(extra) > 1 else ''} {_some(extra)}")
    return "the CSV header has " + " and ".join(parts)


def _some(names: list[str], most: int = 10) -> str:
    """`a, b, c`, or for a long list its first names and how many more."""
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most:,} more"


def _line_source(path: str, line: int, raw: str) -> Source:
    """A Source that knows one line of the file: enough to quote it in an error."""
    return Source(path, "\n" * (line - 1) + raw.rstrip("\r\n"))


def _line_span(path: str, line: int, raw: str) -> Span:
    text = raw.rstrip("\r\n")
    return Span(_line_source(path, line, text), line, 1, line, len(text) + 1)


def _cell_span(path: str, line: int, raw: str, cells: list[str], col: int) -> Span:
    """Where cell `col` is written in its line (cells as split, so exact for unquoted CSV)."""
    start = sum(len(c) + 1 for c in cells[:col]) + 1
    return Span(_line_source(path, line, raw), line, start, line, start + max(len(cells[col]), 1))
