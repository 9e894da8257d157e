"""A spec, its trained weights and an output path in, the trained spec (and its weight file) out.

Inline tables get their new numbers in place, in a copy of the spec laid out as `netspec
tidy` lays it out, every comment kept. Numbers from weight files, and inline tables inside a
`repeat` (whose copies now differ), go to a new .safetensors file beside the output
(OUT.net → OUT.safetensors, float64), and their statements read from it. Each number is
written as the shortest decimal that reads back to the same float64, so the trained spec
runs exactly the trained network. Both files are written whole or not at all.
"""

from __future__ import annotations

import json
import struct
from collections import defaultdict
from pathlib import Path

import numpy as np

from netspec.check.model import CheckedSpec
from netspec.errors import TrainingError
from netspec.lang import nodes
from netspec.lang.expand import numbered
from netspec.lang.loader import read_source
from netspec.lang.parser import parse
from netspec.lang.tidy import tidy
from netspec.source import Source

INLINE = (nodes.Weights, nodes.Bias, nodes.Vector)


def check_writable(spec: CheckedSpec, names: tuple[str, ...]) -> None:
    """Refused before any epoch: a trained table declared in another spec (`use`) cannot be written back."""
    main = _main_path(spec)
    for name in names:
        span = spec.params[name].span
        if span is not None and span.source.path != main:
            raise TrainingError(f"{name} is declared in {span.source.path}, which this spec uses: its trained numbers "
                                "cannot be written back into this spec", code="NS905",
                                hint=f"--freeze {name.split('[', 1)[0]}, or copy that network into this spec")


def _main_path(spec: CheckedSpec) -> str:
    return spec.sources[-1].path


def trained_files(spec: CheckedSpec, weights: dict[str, np.ndarray], out: str) -> tuple[str, bytes | None]:
    """(the trained spec's text, the bytes of its .safetensors file or None when it needs none)."""
    source = read_source(_main_path(spec))
    lines = source.text.split("\n")
    by_line = _params_by_line(spec)
    tensors: dict[str, np.ndarray] = {}
    file_name = Path(out).with_suffix(".safetensors").name
    edits = []  # (first line, last line, new lines), applied from the bottom up
    for statement, in_repeat in _tables(parse(source).statements):
        params = by_line.get(statement.span.line, [])
        if isinstance(statement, INLINE) and not in_repeat:
            edits += _inline_rows(statement, weights[params[0][1]], spec.params[params[0][1]], lines)
        elif params:
            line, found = _from_file(statement, params, weights, file_name, lines, in_repeat, set(tensors))
            tensors.update(found)
            edits.append(line)
    edits += _expectations(spec, parse(source).statements, weights, lines)
    for first, last, new in sorted(edits, key=lambda edit: -edit[0]):
        lines[first - 1:last] = new
    text = tidy(Source(source.path, "\n".join(lines)))
    return text, (safetensors(tensors, _main_path(spec)) if tensors else None)


def _tables(statements, in_repeat: bool = False):
    for statement in statements:
        if isinstance(statement, nodes.Repeat):
            yield from _tables(statement.body, True)
        elif isinstance(statement, (*INLINE, nodes.ParamFile)):
            yield statement, in_repeat


def _params_by_line(spec: CheckedSpec) -> dict[int, list[tuple[int, str]]]:
    """Statement line → [(copy number in its repeat, parameter name)] for the spec's own tables."""
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for name, param in spec.params.items():
        span = param.span
        if span is not None and span.source.path == _main_path(spec):
            found[span.line].append((getattr(span, "copy", 1), name))
    return found


def _number(x: float) -> str:
    text = repr(float(x))
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0") if "e" not in text else text


def _split_comment(line: str) -> tuple[str, str]:
    body, mark, comment = line.partition("#")
    return body.rstrip(), (mark + comment) if mark else ""


def _inline_rows(statement, array: np.ndarray, param, lines: list[str]) -> list:
    """Each row of an inline table with its new numbers: the row found by its label (the checker may have
    put the rows in the order of the value they read), the numbers in the written column order."""
    edits = []
    matrix = array.reshape(-1, array.shape[-1]) if array.ndim > 1 else array[None, :]
    for k, row in enumerate(statement.table.rows):
        label = row.label.text if row.label is not None else None
        index = param.row_labels.index(label) if label in param.row_labels else k
        body, comment = _split_comment(lines[row.span.line - 1])
        indent = body[:len(body) - len(body.lstrip())]
        cells = ([label] if label is not None else []) + [_number(x) for x in matrix[index]]
        edits.append((row.span.line, row.span.line, [indent + " ".join(cells) + (f"  {comment}" if comment else "")]))
    return edits


def _from_file(statement, params, weights, file_name: str, lines: list[str], in_repeat: bool, taken: set):
    """The statement rewritten to read the new file, in netspec's layout (a row per input neuron, so no
    `layout`, and no slice: the table's own numbers); the tensors it stores there, under each copy's key
    (the old key, unless two tables were cut from one tensor: then the table's name)."""
    name = statement.name.text
    kind = statement.kind if isinstance(statement, nodes.ParamFile) else _kind(statement)
    key = statement.key if isinstance(statement, nodes.ParamFile) and statement.key else name
    if in_repeat and "{i" not in key:
        key = f"{key}.{{i}}"
    if any(numbered(key, copy) in taken for copy, _ in params):
        key = f"{name}.{{i}}" if in_repeat else name
    found = {numbered(key, copy): weights[param] for copy, param in params}
    shape = next(iter(found.values())).shape
    first = statement.span.line
    last = max([first, *(row.span.line for row in statement.table.rows)] if not isinstance(statement, nodes.ParamFile)
               else [first])  # an inline table inside a repeat: its header and rows become the one line
    body, comment = _split_comment(lines[first - 1])
    indent = body[:len(body) - len(body.lstrip())]
    dims = ", ".join(str(n) for n in shape)
    line = f'{indent}{kind} {name} from "{file_name}" key "{key}" shape ({dims})' + (f"  {comment}" if comment else "")
    return (first, last, [line]), found


def _expectations(spec: CheckedSpec, statements, weights, lines: list[str]) -> list:
    """Each example's `expect` line with the trained network's outputs (exactly computed), to the same
    tolerance: the old numbers belonged to the old weights. The example's decision is left as written."""
    from netspec.run.plan import compile_plan
    from netspec.train.backward import forward

    examples = {example.name: example for example in spec.examples}
    plan, edits = compile_plan(spec), []
    for statement in statements:
        if not isinstance(statement, nodes.Example) or statement.expect is None:
            continue
        example = examples[statement.name.text]
        outputs = forward(plan, weights, example.inputs[None, :], exact=True)[spec.output][0]
        by_label = dict(zip(spec.output_labels, outputs))
        expect = statement.expect
        line = lines[expect.span.line - 1]
        body, comment = _split_comment(line)
        indent = body[:len(body) - len(body.lstrip())]
        within = body[body.index(" within ") + 1:] if " within " in body else ""
        precise = expect.tolerance is not None and expect.tolerance < 1e-9
        values = ", ".join(f"{a.name.text}={_number(by_label[a.name.text]) if precise else f'{by_label[a.name.text]:.10g}'}"
                           for a in expect.values)
        edits.append((expect.span.line, expect.span.line,
                      [f"{indent}expect {values}" + (f" {within}" if within else "") + (f"  {comment}" if comment else "")]))
    return edits


def _kind(statement) -> str:
    return {nodes.Weights: "weights", nodes.Bias: "bias", nodes.Vector: "vector"}[type(statement)]


def safetensors(tensors: dict[str, np.ndarray], trained_from: str) -> bytes:
    """The safetensors format: an 8-byte little-endian header length, the JSON header, the float64 numbers."""
    header, offset, blobs = {"__metadata__": {"format": "netspec", "trained_by": "netspec train",
                                              "from": Path(trained_from).name}}, 0, []
    for key in sorted(tensors):
        blob = np.ascontiguousarray(tensors[key], dtype="<f8").tobytes()
        header[key] = {"dtype": "F64", "shape": list(tensors[key].shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the numbers start on an 8-byte boundary
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)
