"""What the checker's parts share: the value name `input`, defaults, and the parameter draft."""

from __future__ import annotations

import numpy as np

from netspec.lang import nodes
from netspec.records import record

INPUT_VALUE = nodes.INPUT_VALUE
DEFAULT_TOLERANCE = 1e-6
MAX_TOKENS = 100_000  # a text input's context length: one input neuron per token


@record(frozen=False)
class ParamDraft:
    """A weights or bias table while its rows may still be reordered to match a value."""

    name: str
    kind: str
    array: np.ndarray
    row_names: tuple[str, ...]
    col_names: tuple[str, ...]
    span: object
    labelled: bool = True  # False for numbers from a file: rows are bound by position, columns numbered
    derived_from: str | None = None  # `weights head = transpose(E)`: the table whose numbers these are


def call_text(call: nodes.Call) -> str:
    def arg(a):
        if isinstance(a, nodes.Ref):
            return a.name.text
        if isinstance(a, nodes.Num):
            return f"{a.value:g}"
        span = a.span
        if span is not None and span.line == span.end_line:  # as written: eps=1e-5, not eps=1e-05
            return span.source.line(span.line)[span.column - 1:span.end_column - 1]
        return f"{a.name.text}={a.value:g}" if isinstance(a.value, float) else f"{a.name.text}={a.value}"

    return f"{call.op.text}({', '.join(arg(a) for a in call.args)})"


def count(n: int, noun: str) -> str:
    """`1 number`, `3 numbers`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
