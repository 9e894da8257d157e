"""Parse tree in (via transform.py), frozen AST nodes out: one class per grammar rule.

Every node carries a `span` that never takes part in equality, so tests compare
structure while errors still point at `file:line:col`.
"""

from __future__ import annotations

from array import array
from dataclasses import field

from netspec.source import Span
from netspec.records import record

INPUT_VALUE = "input"  # the word a spec names its inputs by, as one value: `dense(input, W1)`


def _span():
    return field(default=None, compare=False, repr=False)


@record
class Name:
    """An identifier or label as written, with where it was written."""

    text: str
    span: Span = _span()


@record
class Network:
    name: Name
    description: str | None
    span: Span = _span()


@record
class Dtype:
    """`dtype float32`: what a batch run computes in (float64 when absent); traces stay float64."""

    name: Name
    span: Span = _span()


@record
class Use:
    """`use "other.net"`: take another spec's network (inputs, weights, layers), not its meaning."""

    path: str
    span: Span = _span()


@record
class Vocabulary:
    """`vocabulary chars characters "ab…z " numbered from 1`: tokens in order, numbered from `start`.

    `vocabulary pieces subwords from "vocab.txt"` reads its entries from a file (`path`),
    one token a line; `entries` is then empty until the checker reads it.
    """

    name: Name
    kind: str  # "characters", "words" or "subwords"
    entries: tuple[str, ...]
    start: float | None
    span: Span = _span()
    path: str | None = None


@record
class Tokens:
    """`tokens 12 from chars` on an input: a text of 12 tokens, one input neuron per token."""

    length: float
    vocabulary: Name
    span: Span = _span()
    padded: bool = False  # `tokens up to 512 from pieces`: any length up to `length`, the rest padding


@record
class Input:
    """One input neuron; `rename` gives a reused network's input a new meaning."""

    name: Name
    rename: Name | None
    description: str | None
    unit: str | None
    low: float | None
    high: float | None
    span: Span = _span()
    tokens: Tokens | None = None  # a text input: one neuron per token


@record
class Row:
    label: Name | None
    numbers: array  # array("d"): 8 bytes a number, where a tuple of floats takes 32
    span: Span = _span()


@record
class Table:
    """Column labels along the top, then rows of numbers, each optionally labelled."""

    columns: tuple[Name, ...]
    rows: tuple[Row, ...]
    span: Span = _span()


@record
class Weights:
    name: Name
    table: Table
    span: Span = _span()


@record
class Bias:
    name: Name
    table: Table
    span: Span = _span()


@record
class Vector:
    """`vector gamma:` and one row of numbers: one per neuron of a value, such as layer_norm's scale."""

    name: Name
    table: Table
    span: Span = _span()


@record
class ParamFile:
    """`weights W1 from "w.npz" key "W1" shape (784, 512)`: numbers kept in a file, bound by name."""

    kind: str
    name: Name
    path: str
    key: str | None
    shape: tuple[int, ...] | None
    span: Span = _span()
    layout: str | None = None  # `layout out×in`: "in×out" or "out×in", how the file stores the table


@record
class DerivedTable:
    """`weights head = transpose(E)`, `weights Wq = columns(W, 1, 48)`: a table made from another.

    The numbers are the other table's (a transpose or a slice of them), so one table read once
    can be used twice, such as GPT-2's output head, the token embedding transposed.
    """

    kind: str
    name: Name
    call: "Call"
    span: Span = _span()


@record
class Ref:
    """An argument that names a value or a parameter."""

    name: Name
    span: Span = _span()


@record
class Num:
    value: float
    span: Span = _span()


@record
class KeywordArg:
    name: Name
    value: float | str
    span: Span = _span()


@record
class Call:
    op: Name
    args: tuple[Ref | Num | KeywordArg, ...]
    span: Span = _span()


@record
class Layer:
    name: Name
    call: Call
    span: Span = _span()
    together: tuple[Name, ...] = ()  # `layer q, k, v = split(qkv, 3)`: every name of the line, this one among them


@record
class Output:
    value: Name
    labels: tuple[Name, ...]
    span: Span = _span()
    vocabulary: Name | None = None  # `labels from chars`: one output neuron per vocabulary entry


@record
class DecideLargest:
    """Plan 2 of the article: several outputs, the largest wins."""

    span: Span = _span()


@record
class DecideSign:
    """Plan 1 of the article: one output; positive means `positive`, otherwise `otherwise`."""

    positive: Name
    otherwise: Name
    span: Span = _span()


@record
class DecideNothing:
    """`decide nothing`: the output numbers are the answer, such as a sentence's embedding."""

    span: Span = _span()


@record
class Say:
    """The decision sentence; `{decision}` is replaced by the winning label."""

    text: str
    span: Span = _span()


@record
class Assign:
    name: Name
    value: float | str  # a str for a text input: `text="humpty dumpt"`
    span: Span = _span()


@record
class Expect:
    values: tuple[Assign, ...]
    tolerance: float | None
    span: Span = _span()


@record
class Example:
    name: Name
    inputs: tuple[Assign, ...]
    decision: Name | None  # None: `example e: text="…"` in a spec that decides nothing
    expect: Expect | None
    span: Span = _span()


@record
class Repeat:
    """`repeat 3 times [as block]:` … `end`: the body written once, stacked `count` times.

    Only the parser's output holds it: netspec/lang/expand.py writes the copies out as plain
    statements before the checker sees the spec.
    """

    count: Num  # as written: checked to be a whole number of at least 1 when expanded
    name: Name | None
    body: tuple["Statement", ...]
    span: Span = _span()


Statement = (Network | Use | Vocabulary | Input | Weights | Bias | Vector | ParamFile | DerivedTable | Layer | Output | DecideLargest
             | DecideSign | DecideNothing | Say | Example | Repeat | Dtype)


@record
class Spec:
    """One parsed file: its statements in order."""

    statements: tuple[Statement, ...]
    span: Span = _span()

    def of_type(self, *kinds: type) -> list:
        return [s for s in self.statements if isinstance(s, kinds)]
