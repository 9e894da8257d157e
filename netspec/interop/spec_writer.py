"""A chain of imported layers in, the text of a tidy .net spec out (and the tables kept in a file).

Names are chosen so a printout reads well: the inputs x1 … xn, the first hidden layer `a`
with neurons a1, a2, …, the next `b` with b1, b2, …, and the last dense layer `out` with the
outputs y1 … yk; an activation is named after the layer it reads (`relu_a`). A table of at
most INLINE_MOST numbers and WIDEST columns is written in the spec, labelled by those names; a larger one is kept
in FILE.npz beside the spec and declared with its key and shape (its columns then number the
layer's neurons, a1, a2, … as netspec names a file's columns after the layer).
"""

from __future__ import annotations

import string

import numpy as np

from netspec.interop.onnx_import import INLINE_MOST, Layer

WIDEST = 16  # a table with more columns than this is kept in the file: its rows would not fit a screen


def spec_text(name: str, about: str, layers: list[Layer], width: int, npz_name: str,
              float32: bool) -> tuple[str, dict[str, np.ndarray]]:
    """The spec's text, and the arrays that go to `npz_name` (empty when every table is inline)."""
    digits = "float32's shortest digits" if float32 else "the shortest digits that read back the same"
    lines = [f"# {name}.net: imported from {about} by `netspec import`.", "#",
             "# A chain of layers: each weights table has one row per neuron it reads and one column",
             f"# per neuron of its layer; the numbers are the model's, written with {digits}.", "",
             f'network {_identifier(name)} "Imported from {about}."', ""]
    lines += [f"input x{i + 1}" for i in range(width)] + [""]
    neurons, value, files, dense = [f"x{i + 1}" for i in range(width)], "input", {}, 0
    last_dense = max(i for i, layer in enumerate(layers) if layer.weighted)
    for i, layer in enumerate(layers):
        if not layer.weighted:
            lines += [f"layer {layer.op}_{value} = {layer.op}({value})", ""]
            value = f"{layer.op}_{value}"
            continue
        dense += 1
        out = "out" if i == last_dense else _letter(dense)
        columns = [f"{'y' if out == 'out' else out}{j + 1}" for j in range(layer.weights.shape[1])]
        arguments = f"{value}, W{dense}"
        lines += _table("weights", f"W{dense}", neurons, columns, layer.weights, npz_name, files, float32)
        if layer.bias is not None:
            lines += _table("bias", f"b{dense}", None, columns, layer.bias[None, :], npz_name, files, float32)
            arguments += f", b{dense}"
        lines += [f"layer {out} = dense({arguments})", ""]
        neurons, value = columns, out
    return "\n".join(lines + _ending(value, neurons, f"W{dense}" in files)) + "\n", files


def _ending(value: str, neurons: list[str], numbered: bool) -> list[str]:
    """`output`, with labels when the last table came from the file (its columns carry no names)."""
    output = f"output {value}" + (f" labels {', '.join(neurons)}" if numbered else "")
    if len(neurons) == 1:
        return [output, "decide positive if positive otherwise negative", 'say "the output is {decision}"']
    return [output, "decide largest", 'say "the largest output is {decision}"']


def _table(kind: str, name: str, rows, columns: list[str], array: np.ndarray, npz_name: str, files: dict,
           float32: bool) -> list[str]:
    """A labelled table in the spec, or a declaration of the table's place in the .npz."""
    if array.size > INLINE_MOST or array.shape[1] > WIDEST:
        stored = array if kind == "weights" else array.reshape(-1)
        files[name] = np.ascontiguousarray(stored, dtype=np.float32 if float32 else np.float64)
        shape = ", ".join(str(n) for n in stored.shape)
        return [f'{kind} {name} from "{npz_name}" key "{name}" shape ({shape})', ""]
    cells = [[_number(v, float32) for v in row] for row in array]
    label_width = max((len(r) for r in rows), default=0) if rows else 0
    widths = [max(len(columns[j]), *(len(row[j]) for row in cells)) for j in range(len(columns))]
    header = " " * (2 + label_width) + "".join(f"  {c:>{w}}" for c, w in zip(columns, widths))
    body = [f"  {(rows[i] if rows else ''):<{label_width}}" + "".join(f"  {v:>{w}}" for v, w in zip(row, widths))
            for i, row in enumerate(cells)]
    return [f"{kind} {name}:", header.rstrip(), *(line.rstrip() for line in body), ""]


def _number(value: float, float32: bool) -> str:
    """The shortest digits that read back as the same number (float32's, for a float32 model)."""
    text = str(np.float32(value)) if float32 else repr(float(value))
    text = text.removesuffix(".0")
    return "0" if text in ("-0", "0") else text


def _letter(k: int) -> str:
    """a for the first hidden layer, b for the next, …, z, then aa, ab, …"""
    letters = string.ascii_lowercase
    return letters[k - 1] if k <= 26 else letters[(k - 1) // 26 - 1] + letters[(k - 1) % 26]


def _identifier(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return cleaned if cleaned and not cleaned[0].isdigit() else f"model_{cleaned}"
