"""A float32 plan's steps in, a straight list of kernel calls out: its program, run into buffers of its own.

A batch of dense layers, relus and a softmax costs a float32 plan little beyond its matrix
products, if nothing else makes a pass of its own: each operation says what it is as a few
instructions (OpDef.fused: Product, Shift, Floor, Softmax in netspec/ops/base.py), and the
program moves each bias past the relu and into the next product, where it costs nothing:

    relu(x·W + b)·V + c  =  max(x·W, −b)·V + (b·V + c)

so a hidden layer is one product and one pass. Two products with nothing between them are one,
by the product of their weights, when that takes fewer multiplications (leaf's 4 → 3 → 2 is
x · (W1·W2), 8 a row instead of 18).

No step is searched for NaN or infinity. Either the program is the steps as written and nothing
in it can hide one (only products and shifts: the output shows any fault), or the input's size
proves that no number of the steps as written can grow past float32's range (`limit`: each
product grows a row by its weights' norm, known before any row is read), so that moving a bias
or joining products cannot lose a fault either. The runner (netspec/run/runner.py) checks that
one thing, and when it fails runs the batch again step by step, so that a fault is named at its
first step.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from netspec.ops.base import Floor, Product, Shift, Softmax
from netspec.records import record

WIDE = 64  # neurons: a product this wide or wider keeps its weights column by column (BLAS's fastest for 784 × 512)
LARGEST = 1e30  # the largest number a value may reach, by the program's bound: float32 ends near 3.4e38


@record
class Program:
    """The calls in order, each `kernel(y, *args)`, the first on the batch itself. `limit`: the largest input
    row norm for which every number stays finite, or None when only the output need be checked."""

    calls: tuple[tuple[Callable, tuple], ...]
    limit: float | None

    def compute(self, given: np.ndarray) -> np.ndarray:
        y = given
        for kernel, args in self.calls:
            y = kernel(y, *args)
        return y

    def fits(self, given: np.ndarray) -> bool:
        """True when no row's norm can pass `limit`: a row's norm is at most √(width) times the batch's
        largest |x|, and that at most √(Σ x²), however BLAS rounds the sum (each partial sum of squares only
        grows). One BLAS pass, faster here than a minimum and a maximum; a NaN or infinity fails, as does
        a number past 1.8e19, whose square overflows float32 (the steps then run one by one)."""
        flat = given.reshape(-1)
        return math.sqrt(given.shape[-1] * float(np.dot(flat, flat))) <= self.limit


def compile_program(plan_steps, input_value: str, output: str) -> Program | None:
    """The program of a float32 plan whose steps each read the one before and each have an in-place form
    (OpDef.fused); None for any other plan (it runs step by step)."""
    written = _instructions(plan_steps, input_value, output)
    if not written or not any(isinstance(i, Product) for i in written):
        return None
    try:
        instructions = _products_joined(_biases_moved_on(written))
    except _TooLarge:
        return None  # its steps, one by one
    calls = tuple(_bound(i) for i in instructions)
    if not isinstance(instructions[0], Product):
        calls = ((_copied, ()),) + calls  # never write over the caller's rows
    as_written = len(instructions) == len(written) and all(a is b for a, b in zip(instructions, written))
    if as_written and not any(isinstance(i, (Floor, Softmax)) for i in written):
        return Program(calls, None)
    return Program(calls, _limit(written))


def _instructions(plan_steps, input_value: str, output: str) -> list | None:
    """Every step's instructions in order, when the steps form one chain from the input to the output."""
    found, reads = [], input_value
    for step in plan_steps:
        fused = step.op.fused(step.params, step.step.options) if step.op.fused else None
        if fused is None or tuple(step.step.inputs) != (reads,):
            return None
        found += fused
        reads = step.step.output
    return found if reads == output else None


def _biases_moved_on(instructions: list) -> list:
    """Each Shift carried forward as far as it goes: past a Floor, max(y + b, f) = max(y, f − b) + b, and
    into the next product, (y + b)·W = y·W + b·W; it is added only before a softmax or at the end.
    The moved biases are worked out in float64, then rounded to float32 once."""
    moved, carried = [], None
    for i in instructions:
        if isinstance(i, Shift):
            by = i.by.astype(np.float64)
            carried = by if carried is None else carried + by
        elif isinstance(i, Floor) and carried is not None:
            moved.append(Floor(_narrowed(i.at - carried)))
        elif isinstance(i, Product) and carried is not None:
            moved.append(i)
            carried = carried @ i.weights.astype(np.float64)
        else:
            if carried is not None:
                moved.append(Shift(_narrowed(carried)))
                carried = None
            moved.append(i)
    if carried is not None:
        moved.append(Shift(_narrowed(carried)))
    return moved


def _products_joined(instructions: list) -> list:
    """Product(W), Product(V) → Product(W·V) when the joined one takes fewer multiplications a row
    (W·V worked out in float64, rounded to float32 once)."""
    joined = []
    for i in instructions:
        last = joined[-1] if joined else None
        if isinstance(i, Product) and isinstance(last, Product):
            (n, k), m = last.weights.shape, i.weights.shape[1]
            if n * m < n * k + k * m:
                joined[-1] = Product(_narrowed(last.weights.astype(np.float64) @ i.weights.astype(np.float64)))
                continue
        joined.append(i)
    return joined


class _TooLarge(Exception):
    """A moved bias or joined weights would pass LARGEST: the plan runs its steps as written."""


def _narrowed(values: np.ndarray) -> np.ndarray:
    """float64 numbers worked out at compile time, as float32; none may pass LARGEST (or be NaN)."""
    if not np.all(np.abs(values) <= LARGEST):
        raise _TooLarge
    return values.astype(np.float32)


def _limit(instructions: list) -> float:
    """The largest input row norm for which no number passes LARGEST. Every value's row norm is at most
    a·‖x‖ + c: a product multiplies both by its weights' Frobenius norm (Cauchy–Schwarz, each column
    at once), a shift or a floor adds its own norm; a softmax's result is at most 1 whatever came in."""
    a, c, limit = 1.0, 0.0, math.inf
    for i in instructions:
        if isinstance(i, Product):
            norm = float(np.linalg.norm(i.weights.astype(np.float64)))
            a, c = a * norm, c * norm
        elif isinstance(i, Softmax):
            a, c = 0.0, 1.0
        else:
            c += float(np.linalg.norm(np.asarray(i.at if isinstance(i, Floor) else i.by, dtype=np.float64)))
        if c > LARGEST / 2:
            return -1.0  # no input fits, not even zeros
        if a > 0:
            limit = min(limit, (LARGEST / 2 - c) / a)  # softmax's y − max y is twice as large
    return limit


def _bound(instruction) -> tuple[Callable, tuple]:
    """An instruction as a kernel and its arguments."""
    if isinstance(instruction, Product):
        weights = instruction.weights
        return _product, (np.asfortranarray(weights) if weights.shape[1] >= WIDE else weights,)
    if isinstance(instruction, Softmax):
        return _softmax, ()
    if isinstance(instruction, Shift):
        return _shift, (instruction.by,)
    return _floor, (instruction.at,)


def _product(y, weights):
    return np.dot(y, weights)


def _shift(y, by):
    y += by
    return y


def _floor(y, at):
    return np.maximum(y, at, out=y)


def _softmax(y):
    y -= y.max(axis=1, keepdims=True)
    np.exp(y, out=y)
    y /= y.sum(axis=1, keepdims=True)
    return y


def _copied(y):
    return np.array(y)
