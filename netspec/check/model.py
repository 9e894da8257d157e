"""The checked spec: values, parameters and meanings with their shapes resolved.

This is what the checker produces and the compiler consumes. Every value is a named
tensor (today a vector of named neurons; each row of a batch is one such vector).
`names` are what the spec's tables are checked against; `labels` are what people see,
and differ only when a spec gives a reused network new meanings.
"""

from __future__ import annotations

from dataclasses import field

import numpy as np

from netspec.source import Source, Span
from netspec.records import record


@record
class InputInfo:
    name: str
    label: str
    description: str | None
    unit: str | None
    low: float | None
    high: float | None
    span: Span | None
    text: str | None = None  # the text input this neuron is one token of

    @property
    def meaning(self) -> str:
        """`red part of the colour, 0 to 255` or `air temperature in °C, −50 to 60`."""
        return self.describe()

    def describe(self, minus: str = "\u2212") -> str:
        """The meaning, with `minus` as the minus sign (`-` for plain ASCII printouts)."""
        parts = [self.description or ""]
        if self.unit:
            parts[0] = f"{parts[0]} in {self.unit}".strip()
        if self.low is not None and self.high is not None:
            parts.append(f"{_num(self.low, minus)} to {_num(self.high, minus)}")
        elif self.low is not None:
            parts.append(f"at least {_num(self.low, minus)}")
        elif self.high is not None:
            parts.append(f"at most {_num(self.high, minus)}")
        return ", ".join(p for p in parts if p)


def _num(x: float, minus: str) -> str:
    return f"{x:g}".replace("-", minus)


@record
class Value:
    """A named tensor computed by one step (or given as input).

    A vector has one name per neuron. A sequence (tokens × features, the article's
    embedded words) also has `positions` and `features`; its neurons are named
    `position_feature` (`sat_k1`) and stored position by position, so every row of a
    batch is still one flat vector and element-wise operations need not know.
    """

    name: str
    shape: tuple[int, ...]
    names: tuple[str, ...]
    labels: tuple[str, ...]
    span: Span | None
    positions: tuple[str, ...] = ()
    features: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        """How many numbers the value holds (a sequence's positions × features)."""
        return len(self.names)

    @property
    def is_sequence(self) -> bool:
        return bool(self.positions)

    @property
    def shape_text(self) -> str:
        """`3` for a vector, `3×4` for a sequence of 3 positions with 4 features each."""
        return f"{len(self.positions)}×{len(self.features)}" if self.positions else str(len(self.names))

    def describe_shape(self) -> str:
        """For messages: `a sequence of 3 positions × 4 features (humpty, dumpty, sat)`."""
        if not self.positions:
            return f"{len(self.names)} number{'s' if len(self.names) != 1 else ''}"
        return (f"a sequence of {len(self.positions)} positions × {len(self.features)} features "
                f"(positions {', '.join(self.positions[:4])}{', …' if len(self.positions) > 4 else ''})")


@record
class Param:
    """Weights or a bias: numbers fixed by the spec, with the labels of what they connect."""

    name: str
    kind: str
    array: np.ndarray = field(repr=False)
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    span: Span | None
    derived_from: str | None = None  # a transpose or slice of that table: its numbers are counted there

    @property
    def size(self) -> int:
        return int(self.array.size)

    @property
    def shape_text(self) -> str:
        return "×".join(str(n) for n in self.array.shape)


@record
class Step:
    """`output = op(inputs, params, options)`, as written at `span`."""

    output: str
    op: str
    inputs: tuple[str, ...]
    params: tuple[str, ...]
    options: dict
    span: Span | None
    text: str

    @property
    def formula(self) -> str:
        return f"{self.output} = " + self.text  # a Say (fixed words, netspec/phrases.py) stays one


@record
class Decision:
    """How the output numbers become words: `largest` (plan 2) or `sign` (plan 1), or not at all (`none`)."""

    kind: str  # "largest", "sign" or "none" (`decide nothing`: the output numbers are the answer)
    labels: tuple[str, ...]
    sentence: str
    span: Span | None
    reads: int = 0  # a sequence's outputs: the decision reads only its last position's `reads` numbers

    def describe(self) -> str:
        if self.kind == "none":
            return "none: the output numbers are the answer"
        if self.kind == "largest":
            return "the largest output at the last position wins" if self.reads else "the largest output wins"
        return f"{self.labels[0]} if the output is positive, otherwise {self.labels[1]}"


@record
class Example:
    name: str
    inputs: np.ndarray = field(repr=False)
    decision: str
    expected: dict[str, float]
    tolerance: float
    span: Span | None


@record(frozen=False)
class CheckedSpec:
    """Everything the compiler and the printouts need, with no unresolved name left."""

    path: str
    name: str
    description: str | None
    sources: list[Source]
    inputs: list[InputInfo]
    values: dict[str, Value]
    params: dict[str, Param]
    steps: list[Step]
    output: str
    decision: Decision
    examples: list[Example]
    input_value: str = "input"
    vocabularies: dict = field(default_factory=dict)  # name -> vocabulary.Vocabulary
    texts: dict = field(default_factory=dict)  # name -> vocabulary.TextInput
    read_files: frozenset = frozenset()  # (device, inode) of every file the spec was read from: never an -o target
    cost: object = None  # netspec.check.cost.SpecCost: one row's memory and work, counted by the checker
    dtype: str | None = None  # the spec's `dtype` line: float32 or float64; None when it has none (float64)
    changes: tuple = ()  # whatif.Change: numbers set by hand after checking (with_weight, --set)

    def with_weight(self, name: str, *where_and_value) -> "CheckedSpec":
        """A copy with one weight or bias number changed, for "what if" questions; this spec is unchanged.

            spec.with_weight("W1", "G", "h1", 0.3)    # weights: table, row label, column label, value
            spec.with_weight("b1", "h1", 0.1)         # a bias: table, column label, value
            spec.with_weight("W1[G,h1]", 0.3)         # the address the printouts use
        """
        from netspec.check import whatif

        *where, value = where_and_value
        if not where:
            name, where = whatif.split_address(self, name)
        return whatif.with_weight(self, name, [str(w) for w in where], value)

    @property
    def fields(self) -> tuple[str, ...]:
        """What a user gives: each input's label, a text input once for all its token neurons."""
        found: dict[str, None] = {}
        for info in self.inputs:
            found[info.text or info.label] = None
        return tuple(found)

    @property
    def input_labels(self) -> tuple[str, ...]:
        return tuple(i.label for i in self.inputs)

    @property
    def output_labels(self) -> tuple[str, ...]:
        return self.values[self.output].labels

    @property
    def parameter_count(self) -> int:
        return sum(p.size for p in self.params.values() if p.derived_from is None)

    @property
    def sha256(self) -> str:
        """One hash over every file the spec is made of, for the provenance line."""
        import hashlib

        digest = hashlib.sha256()
        for source in self.sources:
            digest.update(source.text.encode("utf-8"))
        return digest.hexdigest()
