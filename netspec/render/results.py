"""Rows and run results in, text out: the decision table of `netspec run` as text, JSON Lines or CSV."""

from __future__ import annotations

import io

import numpy as np

from netspec.run.decision import sentence
from netspec.version import JSON_SCHEMA
from netspec.run.inputs import Rows
from netspec.check.model import CheckedSpec
from netspec.render.escape import json_text, terminal_lines
from netspec.render.numbers import LARGE, MANY_OUTPUTS, NOISE, NumberStyle, num, precision_note, top_outputs
from netspec.run.runner import RunResult


def render_results(spec: CheckedSpec, rows: Rows, result: RunResult, fmt: str, style: NumberStyle,
                   first: int = 0, header: bool = True) -> str:
    """The rows' results; for a streamed batch, `first` rows came before and `header` is off after the first chunk."""
    text = {"text": _text, "json": _json, "csv": _csv}[fmt](spec, rows, result, style, first)
    text = json_text(text) if fmt == "json" else terminal_lines(text)  # never a control or bidi character raw
    if not header and fmt != "json":
        return text.split("\n", 1)[1]
    return _precision_note(result) + text if fmt == "text" else text


def _precision_note(result: RunResult) -> str:
    """A float32 run says so above its table (float64, the exact way, says nothing)."""
    note = precision_note(result.outputs.dtype.name)
    return note + "\n" if note else ""


def chunk_writer(spec: CheckedSpec, fmt: str, style: NumberStyle):
    """show(chunk, result, first) -> text: one chunk of a streamed batch (netspec/run/batch.py), the header once."""
    return lambda chunk, result, first: render_results(spec, chunk, result, fmt, style, first=first, header=first == 0)


def _row_name(rows: Rows, i: int, first: int = 0) -> str:
    return rows.names[i] if rows.names else str(first + i + 1)


def _text(spec, rows, result, style, first) -> str:
    """Built a column at a time: a chunk of 131,072 rows is a million numbers to write."""
    kind = "example" if rows.names else "row"
    many = len(spec.output_labels) > MANY_OUTPUTS  # a 27-way output: the top few, and how many more
    decides = spec.decision.kind != "none"  # `decide nothing`: the numbers are the answer, no decision column
    header = (kind, *spec.fields, "│", *(("largest outputs",) if many else spec.output_labels),
              *(("│", "decision") if decides else ()))
    count = len(rows.values)
    names = list(rows.names) if rows.names else [str(first + i + 1) for i in range(count)]
    if many:
        outputs = [[top_outputs(zip(spec.output_labels, values), style) for values in result.outputs]]
    else:
        outputs = [column(result.outputs[:, j], style) for j in range(len(spec.output_labels))]
    columns = [names, *_input_columns(spec, rows.values, style), ["│"] * count, *outputs,
               *([["│"] * count, list(result.decisions)] if decides else [])]
    lines = _aligned(header, columns)
    if count == 1 and first == 0:
        lines.append(sentence(spec.decision, result.decisions[0]))
    return "\n".join(lines) + "\n"


def _input_columns(spec, values: np.ndarray, style) -> list[list[str]]:
    """Each field as given: a number, or a text input's text in quotes (decoded from its token numbers)."""
    where = {label: j for j, label in enumerate(spec.input_labels)}
    columns = []
    for field in spec.fields:
        if field in spec.texts:
            text = spec.texts[field]
            picked = [where[p] for p in text.positions]
            columns.append([text.shown(list(row)) for row in values[:, picked].tolist()])
        else:
            columns.append(column(values[:, where[field]], style))
    return columns


def _aligned(header: tuple, columns: list[list[str]]) -> list[str]:
    """summary.table's layout (left-aligned columns two spaces apart, no trailing spaces), a column at a time."""
    padded = []
    for title, cells in zip(header, columns):
        width = max(len(title), max(map(len, cells), default=0))
        padded.append([title.ljust(width), *(cell.ljust(width) for cell in cells)])
    return [line.rstrip() for line in map("  ".join, zip(*padded))]


def column(values: np.ndarray, style: NumberStyle) -> list[str]:
    """num() of every number in `values`, the same text, without its per-number Decimal.

    The numbers num() treats apart (NaN, infinity, zero, those too small for `digits`
    places or too large to write out) are left to it; for the rest the fixed-point text,
    whether it was rounded, and the minus sign are worked out here.
    """
    values = np.asarray(values, dtype=np.float64)
    size = np.abs(values)
    texts = list(map(f"%.{style.digits}f".__mod__, values.tolist()))
    back = np.array(list(map(float, texts)))  # the decimal each text shows, read back
    with np.errstate(invalid="ignore"):  # NaN and infinity are num()'s
        plain = np.isfinite(values) & (size >= 10.0 ** -style.digits) & (size < LARGE)
        rounded = np.abs(back - values) > NOISE * size
    for i in np.flatnonzero(plain & ~rounded).tolist():
        texts[i] = texts[i].rstrip("0").rstrip(".")  # an exact number drops its trailing zeros
    approx, minus = style.approx + " ", style.minus
    for i in np.flatnonzero(plain & rounded).tolist():
        texts[i] = approx + texts[i]
    if minus != "-":
        for i in np.flatnonzero(plain & (values < 0)).tolist():
            texts[i] = texts[i].replace("-", minus, 1)
    for i in np.flatnonzero(~plain).tolist():
        texts[i] = num(float(values[i]), style)
    return texts


def _json(spec, rows, result, style, first) -> str:
    """JSON Lines from one %-template per row: the same text as json.dumps, without its per-row cost."""
    import json  # each format imports its own writer: the text table, the default, needs neither

    quoted = {label: json.dumps(label, ensure_ascii=False) for label in result.decisions.present()}
    said = {label: json.dumps(sentence(spec.decision, label), ensure_ascii=False) for label in quoted}
    example = ', "example": %s' if rows.names else ""
    texts = (', "texts": {' + ", ".join(json.dumps(t, ensure_ascii=False).replace("%", "%%") + ": %s"
                                        for t in spec.texts) + "}") if spec.texts else ""
    template = ('{"netspec_schema": ' + str(JSON_SCHEMA) + ', "row": %d' + example + texts + ', "inputs": {' + _fields(spec.input_labels) + '}, "outputs": {'
                + _fields(spec.output_labels) + '}, "decision": %s, "sentence": %s}')
    decoded = _decoded(spec, rows, lambda text: json.dumps(text, ensure_ascii=False))
    if rows.names:  # an example's name beside its number: "row" is always the row's number, from 1
        decoded = [(json.dumps(name, ensure_ascii=False), *words) for name, words in zip(rows.names, decoded)]
    numbers = np.concatenate([rows.values, result.outputs], axis=1).tolist()
    return "".join(template % (first + i, *words, *row, quoted[d], said[d]) + "\n"
                   for i, (words, row, d) in enumerate(zip(decoded, numbers, result.decisions), 1))


def _decoded(spec, rows: Rows, quote) -> list:
    """Each row's texts, read back from their token numbers (what a person typed, beside the numbers)."""
    if not spec.texts:  # the common case, and a streamed CSV may hold millions of rows
        return [()] * len(rows.values)
    labels = {label: j for j, label in enumerate(spec.input_labels)}
    return [[quote(text.decode([values[labels[p]] for p in text.positions])) for text in spec.texts.values()]
            for values in rows.values]


def _fields(labels) -> str:
    import json

    return ", ".join(json.dumps(label, ensure_ascii=False).replace("%", "%%") + ": %r" for label in labels)


def _csv(spec, rows, result, style, first) -> str:
    """Every number at full precision (the shortest text that reads back as the same float64)."""
    import csv

    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(["row", *spec.texts, *spec.input_labels, *spec.output_labels,
                                                       "decision"])
    quoted = {label: _csv_cell(label) for label in result.decisions.present()}
    decoded = _decoded(spec, rows, _csv_cell)
    numbers = np.concatenate([rows.values, result.outputs], axis=1).tolist()
    lines = (f"{_row_name(rows, i, first)},{''.join(w + ',' for w in words)}{','.join(map(repr, row))},{quoted[d]}\n"
             for i, (words, row, d) in enumerate(zip(decoded, numbers, result.decisions)))
    return header.getvalue() + "".join(lines)


def _csv_cell(text: str) -> str:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text])
    return buffer.getvalue()
