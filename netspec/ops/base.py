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
