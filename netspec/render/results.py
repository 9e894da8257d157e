"""Rows and run results in, text out: the decision table of `netspec run` as text, JSON Lines or CSV."""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from netspec.decision import sentence
from netspec.inputs import Rows
from netspec.model import CheckedSpec
from netspec.render.numbers import NumberStyle, num
from netspec.render.summary import table
from netspec.runner import RunResult


def render_results(spec: CheckedSpec, rows: Rows, result: RunResult, fmt: str, style: NumberStyle,
                   first: int = 0, header: bool = True) -> str:
    """The rows' results; for a streamed batch, `first` rows came before and `header` is off after the first chunk."""
    text = {"text": _text, "json": _json, "csv": _csv}[fmt](spec, rows, result, style, first)
    return text if header or fmt == "json" else text.split("\n", 1)[1]


def _row_name(rows: Rows, i: int, first: int = 0) -> str:
    return rows.names[i] if rows.names else str(first + i + 1)


def _text(spec, rows, result, style, first) -> str:
    kind = "example" if rows.names else "row"
    header = (kind, *spec.input_labels, "│", *spec.output_labels, "│", "decision")
    body = [(_row_name(rows, i, first), *(num(x, style) for x in rows.values[i]), "│",
             *(num(y, style) for y in result.outputs[i]), "│", result.decisions[i])
            for i in range(len(rows.values))]
    lines = table(body, header, indent="")
    if len(body) == 1 and first == 0:
        lines.append(sentence(spec.decision, result.decisions[0]))
    return "\n".join(lines) + "\n"


def _json(spec, rows, result, style, first) -> str:
    lines = []
    for i in range(len(rows.values)):
        record = {
            "row": rows.names[i] if rows.names else first + i + 1,
            "inputs": dict(zip(spec.input_labels, map(float, rows.values[i]))),
            "outputs": dict(zip(spec.output_labels, map(float, result.outputs[i]))),
            "decision": result.decisions[i],
            "sentence": sentence(spec.decision, result.decisions[i]),
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _csv(spec, rows, result, style, first) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", *spec.input_labels, *spec.output_labels, "decision"])
    for i in range(len(rows.values)):
        writer.writerow([_row_name(rows, i, first), *map(_exact, rows.values[i]), *map(_exact, result.outputs[i]),
                         result.decisions[i]])
    return buffer.getvalue()


def _exact(x: np.floating) -> str:
    """The shortest text that reads back as the same float64."""
    return repr(float(x))
