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


def render_results(spec: CheckedSpec, rows: Rows, result: RunResult, fmt: str, style: NumberStyle) -> str:
    return {"text": _text, "json": _json, "csv": _csv}[fmt](spec, rows, result, style)


def _row_name(rows: Rows, i: int) -> str:
    return rows.names[i] if rows.names else str(i + 1)


def _text(spec, rows, result, style) -> str:
    first = "example" if rows.names else "row"
    header = (first, *spec.input_labels, "│", *spec.output_labels, "│", "decision")
    body = [(_row_name(rows, i), *(num(x, style) for x in rows.values[i]), "│",
             *(num(y, style) for y in result.outputs[i]), "│", result.decisions[i])
            for i in range(len(rows.values))]
    lines = table(body, header, indent="")
    if len(body) == 1:
        lines.append(sentence(spec.decision, result.decisions[0]))
    return "\n".join(lines) + "\n"


def _json(spec, rows, result, style) -> str:
    lines = []
    for i in range(len(rows.values)):
        record = {
            "row": rows.names[i] if rows.names else i + 1,
            "inputs": dict(zip(spec.input_labels, map(float, rows.values[i]))),
            "outputs": dict(zip(spec.output_labels, map(float, result.outputs[i]))),
            "decision": result.decisions[i],
            "sentence": sentence(spec.decision, result.decisions[i]),
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _csv(spec, rows, result, style) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", *spec.input_labels, *spec.output_labels, "decision"])
    for i in range(len(rows.values)):
        writer.writerow([_row_name(rows, i), *map(_exact, rows.values[i]), *map(_exact, result.outputs[i]),
                         result.decisions[i]])
    return buffer.getvalue()


def _exact(x: np.floating) -> str:
    """The shortest text that reads back as the same float64."""
    return repr(float(x))
