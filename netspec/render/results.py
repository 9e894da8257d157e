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
from netspec.render.pieces import MANY_OUTPUTS, top_outputs
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
    many = len(spec.output_labels) > MANY_OUTPUTS  # a 27-way output: the top few, and how many more
    header = (kind, *spec.fields, "│", *(("largest outputs",) if many else spec.output_labels), "│", "decision")
    body = [(_row_name(rows, i, first), *_inputs(spec, rows.values[i], style), "│",
             *_outputs(spec, result.outputs[i], style, many), "│", result.decisions[i])
            for i in range(len(rows.values))]
    lines = table(body, header, indent="")
    if len(body) == 1 and first == 0:
        lines.append(sentence(spec.decision, result.decisions[0]))
    return "\n".join(lines) + "\n"


def _inputs(spec, values, style) -> list[str]:
    """Each field as given: a number, or a text input's text in quotes (decoded from its token numbers)."""
    by_label = dict(zip(spec.input_labels, values))
    return [spec.texts[f].shown([by_label[p] for p in spec.texts[f].positions]) if f in spec.texts
            else num(by_label[f], style) for f in spec.fields]


def _outputs(spec, values, style, many: bool) -> list[str]:
    if many:
        return [top_outputs(zip(spec.output_labels, values), style)]
    return [num(y, style) for y in values]


def _json(spec, rows, result, style, first) -> str:
    """JSON Lines from one %-template per row: the same text as json.dumps, without its per-row cost."""
    quoted = {label: json.dumps(label, ensure_ascii=False) for label in result.decisions.present()}
    said = {label: json.dumps(sentence(spec.decision, label), ensure_ascii=False) for label in quoted}
    texts = (', "texts": {' + ", ".join(json.dumps(t, ensure_ascii=False).replace("%", "%%") + ": %s"
                                        for t in spec.texts) + "}") if spec.texts else ""
    template = ('{"row": %s' + texts + ', "inputs": {' + _fields(spec.input_labels) + '}, "outputs": {'
                + _fields(spec.output_labels) + '}, "decision": %s, "sentence": %s}')
    names = [json.dumps(rows.names[i]) if rows.names else first + i + 1 for i in range(len(rows.values))]
    decoded = _decoded(spec, rows, lambda text: json.dumps(text, ensure_ascii=False))
    numbers = np.concatenate([rows.values, result.outputs], axis=1).tolist()
    return "".join(template % (name, *words, *row, quoted[d], said[d]) + "\n"
                   for name, words, row, d in zip(names, decoded, numbers, result.decisions))


def _decoded(spec, rows: Rows, quote) -> list:
    """Each row's texts, read back from their token numbers (what a person typed, beside the numbers)."""
    if not spec.texts:  # the common case, and a streamed CSV may hold millions of rows
        return [()] * len(rows.values)
    labels = {label: j for j, label in enumerate(spec.input_labels)}
    return [[quote(text.decode([values[labels[p]] for p in text.positions])) for text in spec.texts.values()]
            for values in rows.values]


def _fields(labels) -> str:
    return ", ".join(json.dumps(label, ensure_ascii=False).replace("%", "%%") + ": %r" for label in labels)


def _csv(spec, rows, result, style, first) -> str:
    """Every number at full precision (the shortest text that reads back as the same float64)."""
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
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text])
    return buffer.getvalue()
