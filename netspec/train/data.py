"""A training CSV in, input rows and target rows out, every cell checked before any epoch.

Lines that start with `#` are notes about the data (where it comes from) and are skipped.
The header names the spec's inputs (a text input by its name, holding the text) and the
targets: either one column per output, named by the output's label (the article's
wanted numbers, 0.8 and 0.2), or one `label` column holding the decision each row should
get. A label becomes the targets 1 for its output and 0 for the others (`decide largest`),
or +1 / −1 for the one output of a sign decision.
"""

from __future__ import annotations

import csv

import numpy as np

from netspec.check.model import CheckedSpec
from netspec.errors import InputError, TrainingError
from netspec.run.fields import did_you_mean, field_values, parse_number
from netspec.source import Source, Span
from netspec.records import record

LABEL = "label"


@record
class Data:
    inputs: np.ndarray  # (rows, input neurons)
    targets: np.ndarray  # (rows, outputs)
    ids: tuple[str, ...]  # `row 3 (line 4)` for messages
    labels: tuple[str | None, ...] = ()  # each row's wanted decision, when the file gives labels
    spans: tuple = ()  # each row's line in the file, for a printout of its training step


def read_data(spec: CheckedSpec, path: str) -> Data:
    text = _text(path)
    lines = [line if not line.startswith("#") else "" for line in text.splitlines()]  # `#` lines: notes on the data
    rows = [cells for cells in csv.reader(lines)]
    while rows and not rows[0]:
        rows.pop(0)
    first = next(i for i, line in enumerate(lines, 1) if line) if any(lines) else 1
    if len(rows) < 2:
        raise InputError(f"{path} has no rows of data", _span(path, text, 1, 1, 1), code="NS310",
                         hint="the first line names the columns; each line after it is one training row")
    header = [cell.strip() for cell in rows[0]]
    targets = _target_columns(spec, path, text, header, first)
    inputs, wanted, ids, labels, spans = [], [], [], [], []
    for number, cells in enumerate(csv.reader(lines[first:]), first + 1):
        if not cells:
            continue
        if len(cells) != len(header):
            raise InputError(f"{path}: line {number} has {len(cells)} cells but the header has {len(header)}",
                             _span(path, text, number, 1, len(lines[number - 1]) + 1), code="NS309",
                             hint="one cell per column on every line")
        row = dict(zip(header, cells))
        span_of = lambda column: _cell(path, text, number, lines[number - 1], cells, header.index(column))  # noqa: E731
        values: dict[str, float] = {}
        for field in spec.fields:
            values.update(field_values(spec, field, row[field], f"line {number}, column {field}", span_of(field)))
        inputs.append([values[label] for label in spec.input_labels])
        if targets == LABEL:
            label = row[LABEL].strip()
            wanted.append(_label_targets(spec, label, number, span_of(LABEL)))
            labels.append(label)
        else:
            wanted.append([parse_number(row[c], f"line {number}, column {c}", span_of(c)) for c in targets])
        ids.append(f"row {len(ids) + 1} (line {number})")
        spans.append(_span(path, text, number, 1, len(lines[number - 1]) + 1))
    return Data(np.array(inputs, dtype=np.float64), np.array(wanted, dtype=np.float64), tuple(ids),
                tuple(labels) if targets == LABEL else (), tuple(spans))


def _text(path: str) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            return stream.read()
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text", code="NS311", hint="save the CSV as UTF-8") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}", code="NS311",
                         hint="check the path of the training data") from None


def _target_columns(spec: CheckedSpec, path: str, text: str, header: list[str], line: int):
    """`label`, or the output labels in output order; missing inputs or targets are refused by name."""
    missing = [field for field in spec.fields if field not in header]
    if missing:
        raise InputError(f"{path}: the header has no column for the input{'s' * (len(missing) > 1)} "
                         f"{', '.join(missing)}", _span(path, text, line, 1, len(text.splitlines()[line - 1]) + 1),
                         hint=f"name every input in the first line: {', '.join(spec.fields)}", code="NS308")
    if LABEL in header:
        return LABEL
    outputs = list(spec.output_labels)
    absent = [label for label in outputs if label not in header]
    if absent:
        extra = [c for c in header if c not in spec.fields and c not in outputs]
        guess = did_you_mean(absent[0], extra) if extra else None
        raise TrainingError(f"{path}: no targets: there is no `label` column, and no column for the output"
                            f"{'s' * (len(absent) > 1)} {', '.join(absent)}",
                            _span(path, text, line, 1, len(text.splitlines()[line - 1]) + 1), code="NS901",
                            hint=guess or f"add a `label` column holding the decision ({', '.join(spec.decision.labels[:6])}), "
                                          f"or one column per output: {', '.join(outputs[:6])}")
    return outputs


def _label_targets(spec: CheckedSpec, label: str, number: int, span) -> list[float]:
    decision = spec.decision
    choices = list(decision.labels)
    if label == " " and "space" in choices:
        label = "space"
    if label not in choices:
        raise TrainingError(f"line {number}: the label {label!r} is not one of the decisions of {spec.name}", span,
                            hint=did_you_mean(label, choices, "the labels are"), code="NS902")
    if decision.kind != "largest":  # a sign decision: its first label when the one output is positive
        return [1.0 if label == choices[0] else -1.0]
    return [1.0 if label == choice else 0.0 for choice in choices]


def _span(path: str, text: str, line: int, column: int, end: int) -> Span:
    return Span(Source(path, text), line, column, line, max(end, column + 1))


def _cell(path, text, number, raw, cells, col) -> Span:
    start = sum(len(c) + 1 for c in cells[:col]) + 1
    return _span(path, text, number, start, start + max(len(cells[col]), 1))
