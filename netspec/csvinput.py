"""A CSV file of inputs in, validated chunks of rows out, streamed with bounded memory.

The header names the inputs (in any order). Each chunk is checked whole before it is
handed on: every cell a plain decimal number, finite, inside its input's range. A file
of any size is read a chunk at a time, so memory stays bounded by the chunk size.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterator

import numpy as np

from netspec.errors import InputError
from netspec.inputs import Rows, _check_range, _did_you_mean, parse_number
from netspec.model import CheckedSpec
from netspec.source import Source, Span

CHUNK_ROWS = 65_536
PLAIN_NUMBERS = re.compile(r"[0-9eE+\-.\s]*")  # anything else (nan, 1_000, ١٢) takes the careful path


class _Lines:
    """Iterates a text stream's lines, remembering the last one, so an error can quote it."""

    def __init__(self, stream):
        self.stream = stream
        self.last = ""

    def __iter__(self):
        return self

    def __next__(self):
        self.last = next(self.stream)
        return self.last


def read_chunks(spec: CheckedSpec, path: str, chunk_rows: int = CHUNK_ROWS) -> Iterator[Rows]:
    """Validated Rows, chunk by chunk; an InputError names the first bad row and column."""
    try:
        yield from _read(spec, path, chunk_rows)
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text",
                         hint="save the CSV as UTF-8") from None


def _read(spec: CheckedSpec, path: str, chunk_rows: int) -> Iterator[Rows]:
    stream = _open(path)
    with stream:
        lines = _Lines(stream)
        reader = csv.reader(lines)
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError(f"{path} is empty", hint="the first line names the inputs: " + ",".join(spec.input_labels))
        columns = _column_order(spec, path, lines.last, header)
        count = 0
        for chunk in _chunks(reader, lines, path, chunk_rows):
            rows = _validated(spec, path, chunk, columns, len(header), count)
            count += len(rows.values)
            yield rows
    if count == 0:
        raise InputError(f"{path} has a header but no rows of numbers", _line_span(path, 1, lines.last or " "))


def _open(path: str):
    try:
        raw = Path(path).open("rb")
    except FileNotFoundError:
        raise InputError(f"no such CSV file: {path}") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _chunks(reader, lines: _Lines, path: str, chunk_rows: int):
    """Lists of (line number, raw line, cells), at most chunk_rows long; blank lines skipped."""
    chunk = []
    try:
        for cells in reader:
            if not cells or not any(c.strip() for c in cells):
                continue  # blank lines are not rows, so row N here is row N of `--row N`
            chunk.append((reader.line_num, lines.last, cells))
            if len(chunk) == chunk_rows:
                yield chunk
                chunk = []
    except csv.Error as error:
        raise InputError(f"{path}:{reader.line_num}: the CSV is malformed ({error})") from None
    if chunk:
        yield chunk


def _validated(spec: CheckedSpec, path: str, chunk, columns: list[int], width: int, before: int) -> Rows:
    """One chunk as Rows, after checking every row's width, every cell and every range."""
    for k, (line, raw, cells) in enumerate(chunk):
        if len(cells) != width:
            raise InputError(f"row {before + k + 1} has {len(cells)} cells but the header has {width}",
                             _line_span(path, line, raw))
    values = _numbers(spec, path, chunk, columns, before)
    for i, (info, column) in enumerate(zip(spec.inputs, values.T)):
        _check_range(info, column, lambda row: f"row {before + row + 1}, column {info.label}",
                     lambda row: _cell_span(path, chunk[row][0], chunk[row][1], chunk[row][2], columns[i]))
    ids = tuple(f"CSV row {before + k + 1} (line {line})" for k, (line, _, _) in enumerate(chunk))
    return Rows(values, ids)


def _numbers(spec, path, chunk, columns, before) -> np.ndarray:
    """All cells as float64: one NumPy conversion when every cell is plainly a finite number."""
    table = [[cells[c] for c in columns] for _, _, cells in chunk]
    if all(PLAIN_NUMBERS.fullmatch("".join(row)) for row in table):
        try:
            values = np.array(table, dtype=np.float64)
        except ValueError:
            values = None
        if values is not None and np.isfinite(values).all():
            return values
    return _numbers_carefully(spec, path, chunk, columns, before)


def _numbers_carefully(spec, path, chunk, columns, before) -> np.ndarray:
    """Cell by cell, so the first bad one is named with its row, column and place in the line."""
    values = np.empty((len(chunk), len(columns)))
    for k, (line, raw, cells) in enumerate(chunk):
        for i, col in enumerate(columns):
            where = f"row {before + k + 1}, column {spec.input_labels[i]}"
            values[k, i] = parse_number(cells[col], where, _cell_span(path, line, raw, cells, col))
    return values


def _column_order(spec: CheckedSpec, path: str, raw: str, cells: list[str]) -> list[int]:
    """For each input, the index of its column; missing, extra and repeated columns are errors."""
    labels = spec.input_labels
    header = [cell.strip() for cell in cells]
    repeated = [i for i, h in enumerate(header) if h in header[:i]]
    if repeated:
        raise InputError(f"the column {header[repeated[0]]} appears more than once in the header",
                         _cell_span(path, 1, raw, cells, repeated[0]), hint="name each input once")
    missing = [label for label in labels if label not in header]
    extra = [h for h in header if h not in labels]
    if missing or extra:
        hint = _did_you_mean(extra[0], missing) if extra and missing else None
        at = _cell_span(path, 1, raw, cells, header.index(extra[0])) if extra else _line_span(path, 1, raw)
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


def _line_source(path: str, line: int, raw: str) -> Source:
    """A Source that knows one line of the file: enough to quote it in an error."""
    return Source(path, "\n" * (line - 1) + raw.rstrip("\r\n"))


def _line_span(path: str, line: int, raw: str) -> Span:
    text = raw.rstrip("\r\n").lstrip("\ufeff")
    return Span(_line_source(path, line, text), line, 1, line, len(text) + 1)


def _cell_span(path: str, line: int, raw: str, cells: list[str], col: int) -> Span:
    """Where cell `col` is written in its line (cells as split, so exact for unquoted CSV)."""
    start = sum(len(c) + 1 for c in cells[:col]) + 1
    return Span(_line_source(path, line, raw.lstrip("\ufeff")), line, start, line, start + max(len(cells[col]), 1))
