"""What every operation provides: a shape rule, a batch kernel, an explaining kernel, its worked form and drawing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from netspec.ops.context import RowOrder


@dataclass(frozen=True)
class ShapeResult:
    """What an operation's shape rule found: its inputs, parameters and result neurons.

    `bindings` ties each parameter's rows and columns to the values whose neurons label
    them, so a weight reads `W1[R,h1]` even after a reused network is relabelled.
    `reorders`: a shape rule never changes the checker's tables; it says how their rows
    must be ordered, and the checker does it (ops/context.py).
    """

    inputs: tuple[str, ...]
    params: tuple[str, ...]
    names: tuple[str, ...]
    options: dict = field(default_factory=dict)
    bindings: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    positions: tuple[str, ...] = ()  # set when the result is a sequence: names are position_feature
    features: tuple[str, ...] = ()
    op: str | None = None  # the registered operation that computes it, when not the one called
    reorders: tuple[RowOrder, ...] = ()  # tables whose rows the checker puts in the order of the value read


def sequence_names(positions, features) -> tuple[str, ...]:
    """`humpty_k1, humpty_k2, …, sat_k2`: a sequence's neurons, position by position."""
    return tuple(f"{position}_{feature}" for position in positions for feature in features)


@dataclass(frozen=True)
class Diagram:
    """How a drawing shows a step. `weights`: a line per weight from every input neuron to every
    output neuron, and a weight's address (`W1[R,h1]`) focuses that line and the sum it enters
    (a dense layer). Otherwise one arrow from column to column, each neuron titled by its formula."""

    weights: bool = False


ELEMENTWISE = Diagram()
WEIGHTED = Diagram(weights=True)


@dataclass(frozen=True)
class OpDef:
    """One operation, everything about it in one place (its module under netspec/ops/).

    check(ctx, call) -> ShapeResult | None      validates arguments through ctx.fail (ctx: ops/context.py's
                                                CheckContext, all a shape rule may ask of the checker)
    kernel(xs, ps, options) -> array            (batch, n_out), the fast path of `netspec run`
    explain(xs, ps, options) -> (array, Record) the same result plus every intermediate, typed
    worked(step, row) -> (preamble, items)      the trace's working of one row, in ops/worked.py's pieces
    diagram                                     how a drawing shows the step
    kind                                        what it is; the network line lists every operation but
                                                weighted sums by name
    validate(x, source, labels, row_name) -> NumericError | None   inputs the operation refuses
    fault(xs, ps, options, row) -> NumericError | None   why a result of `row` is not finite, in the
                                               operation's own words (the runner names the step)
    table_labels(step, param) -> (rows, columns)   the names a trace gives a table's numbers, when
                                               not the table's own labels
    probabilities                               its outputs add up to 1 (generation samples them as they are)
    names_from_table                            its neurons are named after its table's columns (add
                                                matches a file's numbered neurons by position)
    gradient                                    the backward rule, for training (none yet)
    """

    name: str
    kind: str
    check: Callable
    kernel: Callable[[list[np.ndarray], list[np.ndarray], dict], np.ndarray]
    explain: Callable[[list[np.ndarray], list[np.ndarray], dict], tuple[np.ndarray, object]]
    worked: Callable
    diagram: Diagram = ELEMENTWISE
    validate: Callable | None = None
    fault: Callable | None = None
    hidden: bool = False  # reached through another operation's shape rule, never called by name
    table_labels: Callable | None = None
    probabilities: bool = False
    names_from_table: bool = False  # its result's neurons are named after its table's columns
    gradient: Callable | None = None

    @property
    def weighted_sum(self) -> bool:
        return self.kind == WEIGHTED_SUM


WEIGHTED_SUM = "weighted sum"
