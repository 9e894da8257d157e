"""What every operation provides: a shape rule, a batch kernel and an explaining kernel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class ShapeResult:
    """What an operation's shape rule found: its inputs, parameters and result neurons.

    `bindings` ties each parameter's rows and columns to the values whose neurons label
    them, so a weight reads `W1[R,h1]` even after a reused network is relabelled.
    """

    inputs: tuple[str, ...]
    params: tuple[str, ...]
    names: tuple[str, ...]
    options: dict = field(default_factory=dict)
    bindings: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    positions: tuple[str, ...] = ()  # set when the result is a sequence: names are position_feature
    features: tuple[str, ...] = ()
    op: str | None = None  # the registered operation that computes it, when not the one called


@dataclass(frozen=True)
class Arg:
    """One argument's shape as the cost model sees it, before any neuron is named.

    A value: `positions` × `features` for a sequence, 0 × width for a vector. A table:
    rows × columns; a bias or vector: 0 × its numbers.
    """

    positions: int
    features: int
    table: bool = False

    @property
    def width(self) -> int:
        return max(self.positions, 1) * self.features


@dataclass(frozen=True)
class Cost:
    """What one row of an operation takes, counted in float64 numbers (8 bytes each).

    kernel: the numbers the fast kernel holds at its peak, its result included;
    explain: the numbers the explaining kernel keeps for a trace, its result included
    (dense keeps every product, attention every score term);
    operations: multiplications, additions and the like, for a time budget, as an exact run (the
    explaining kernels) does them: each correctly rounded function counts EXACT_CALL;
    neurons: the result's width: each neuron gets a name when the spec is checked.
    netspec/cost.py adds them up over the steps and refuses what is over a limit.
    """

    kernel: int
    explain: int
    operations: int
    neurons: int


EXACT_CALL = 3_000  # operations one correctly rounded tanh, sin, cos … counts for: computed a number at a time in
#                    Python (netspec/ops/arithmetic.py) it takes some 10 µs, the time NumPy takes for 3,000
EXACT_EXP = 60  # operations one exact exp counts for: fdlibm's steps, vectorised, about 0.3 µs a number


def elementwise_cost(args, options, kernel: int = 2, explain: int = 3, operations: int = 4) -> Cost:
    """A result as wide as the first argument, made with a few temporaries of that width."""
    width = args[0].width
    return Cost(kernel * width, explain * width, operations * width, width)


def sequence_names(positions, features) -> tuple[str, ...]:
    """`humpty_k1, humpty_k2, …, sat_k2`: a sequence's neurons, position by position."""
    return tuple(f"{position}_{feature}" for position in positions for feature in features)


@dataclass(frozen=True)
class OpDef:
    """One operation.

    check(ctx, call) -> ShapeResult | None     validates arguments through ctx.fail
    kernel(xs, ps, options) -> array           (batch, n_out), the fast path
    explain(xs, ps, options) -> (array, dict)  the same result plus every intermediate
    family: "dense" or "activation", for the summary line
    cost(args, options) -> Cost | None         one row's memory and work from the arguments'
                                               shapes (Arg) and the options as written, before
                                               the shape rule names any neuron; None when the
                                               arguments make no sense (the shape rule says why)
    fault(xs, ps, options, row) -> NumericError | None   why a row's result is not finite
                                               why a result of `row` is not finite, in the
                                               operation's own words (the runner names the step)
    """

    name: str
    summary: str
    family: str
    check: Callable
    kernel: Callable[[list[np.ndarray], list[np.ndarray], dict], np.ndarray]
    explain: Callable[[list[np.ndarray], list[np.ndarray], dict], tuple[np.ndarray, dict]]
    validate: Callable | None = None
    fault: Callable | None = None
    hidden: bool = False  # reached through another operation's shape rule, never called by name
    cost: Callable = elementwise_cost
