"""The printer-neutral vocabulary an operation's worked form is written in: sums, chains, numbers.

Each operation lays out its own working (ops/<op>.py, `OpDef.worked`) with these pieces,
next to the kernel whose numbers it shows, so adding an operation adds its trace words in
the same module. Text, Markdown, HTML and LaTeX only decide how a piece looks
(netspec/render/); nothing here imports them, and nothing here computes a number of its
own: every number comes from the explaining kernel's record.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Protocol, Sequence

import numpy as np

from netspec.phrases import Phrase, Say
from netspec.records import record


class Num(float):
    """A number that came from the plan, marked so renderers format it (and may mark it ≈)."""


class Arg(Num):
    """A Num that stands alone as a function argument, so a negative one needs no parentheses."""


@record
class Term:
    """One product of a weighted sum: input value × weight = product."""

    input: str
    x: float
    weight: str
    w: float
    product: float


@record
class Bias:
    """The bias a weighted sum adds: entry `column` of the table `table`, kept apart so no printout parses a name."""

    table: str
    column: str
    value: float

    @property
    def address(self) -> str:
        """`b1[h1]`, as every printout and --focus name it."""
        return f"{self.table}[{self.column}]"


@record
class Sum:
    """neuron = Σ input·weight (+ bias): every term, the bias and the total the plan used."""

    address: str
    label: str
    terms: tuple[Term, ...]
    bias: Bias | None
    total: float
    group: str | None = None  # the sequence position it belongs to; --focus on a position shows its group


@record
class Chain:
    """label = stage = stage = ... ; each stage is a list of text pieces and numbers."""

    address: str
    label: str
    stages: tuple[tuple, ...]
    note: str | None = None
    group: str | None = None  # the sequence position it belongs to; --focus on a position shows its group


class Record:
    """Base of every explaining kernel's record: a frozen dataclass of the step's intermediate numbers."""

    def arrays(self) -> list[np.ndarray]:
        """Every number the record holds, as arrays (None fields left out)."""
        return [np.asarray(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not None]


@record
class LaidOut(Record):
    """A record whose working is already laid out, one (preamble, items) per row: the steps of a
    training step (the loss, the chain rule, the updates: netspec/train/steptrace.py), which no
    operation computes but every printout shows like any other step."""

    rows: tuple

    def arrays(self) -> list[np.ndarray]:
        return []


class StepView(Protocol):
    """What a worked form reads of one traced step (netspec.run.trace.TraceStep provides it)."""

    name: str
    step: object  # the checked Step: inputs, options, op
    params: tuple  # the Params it read, in call order
    input_labels: tuple[str, ...]
    labels: tuple[str, ...]
    record: Record
    result: np.ndarray  # (rows, numbers)
    positions: tuple[str, ...]


Worked = tuple[Sequence[tuple], Sequence]  # (preamble lines, items: Sum and Chain)


def address(step: StepView, label: str) -> str:
    """`hidden.h1`: how every printout and --focus names one number of a step."""
    return f"{step.name}.{label}"


# the names of the numbers several operations work out on the way, as their chains label them
SUM = Phrase("sum", "和")
LARGEST = Phrase("largest", "最大值")
MEAN = Phrase("mean", "平均数")


def grouped(name, group: str | None):
    """`sum`, or `sum(sat)` for one position of a sequence; a Say name stays one, in every language."""
    if not group:
        return name
    return name.map(lambda text: f"{text}({group})") if isinstance(name, Say) else f"{name}({group})"


def per_neuron(one):
    """A worked form that writes one chain per number of the step: one(step, r, j, label) -> Chain."""

    def worked(step: StepView, r: int) -> Worked:
        return (), [one(step, r, j, label) for j, label in enumerate(step.labels)]

    return worked


def positions(step: StepView, r: int, *names):
    """Each position of a sequence (one group for a vector): its label, its slice of labels and its records."""
    n = max(len(step.positions), 1)
    labels = step.labels
    d = len(labels) // n
    for p in range(n):
        group = step.positions[p] if step.positions else None
        records = [np.asarray(getattr(step.record, name)[r]).reshape(n, -1)[p] for name in names]
        yield group, p * d, labels[p * d:(p + 1) * d], records


def total_chain(step: StepView, label: str, parts, total: float, group: str | None = None) -> Chain:
    """`sum = a + b + c = total`."""
    pieces = []
    for i, part in enumerate(parts):
        pieces += ([" + "] if i else []) + [Num(part)]
    return Chain(f"{step.name}.{label}", label, (tuple(pieces), (Num(total),)), group=group)


def mean_chain(step: StepView, label: str, parts, total: float, n: float, mean: float, group=None) -> Chain:
    """`mean = (a + b + c) / 3 = total / 3 = mean`."""
    pieces = ["("]
    for i, part in enumerate(parts):
        pieces += ([" + "] if i else []) + [Num(part)]
    return Chain(f"{step.name}.{label}", label, ((*pieces, ") / ", Num(n)), (Num(total), " / ", Num(n)), (Num(mean),)),
                 group=group)


def largest_chain(step: StepView, group, parts, largest) -> Chain:
    """`largest = max(a, b, c) = b`: the number softmax subtracts first."""
    pieces = ["max("]
    for i, part in enumerate(parts):
        pieces += ([", "] if i else []) + [Arg(part)]
    label = grouped(LARGEST(), group)
    return Chain(f"{step.name}.{label}", label, ((*pieces, ")"), (Num(largest),)), group=group)
