"""What every operation provides: a shape rule, a batch kernel, an explaining kernel, its worked form and drawing."""

from __future__ import annotations

from dataclasses import field
from typing import Callable

import numpy as np

from netspec.ops.context import RowOrder
from netspec.records import record


@record
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


@record
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


@record
class Cost:
    """What one row of an operation takes, counted in float64 numbers (8 bytes each).

    kernel: the numbers the fast kernel holds at its peak, its result included;
    explain: the numbers the explaining kernel keeps for a trace, its result included
    (dense keeps every product, attention every score term);
    operations: multiplications, additions and the like, for a time budget, as an exact run (the
    explaining kernels) does them: each correctly rounded function counts EXACT_CALL;
    neurons: the result's width: each neuron gets a name when the spec is checked.
    netspec/check/cost.py adds them up over the steps and refuses what is over a limit.
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
    tails = [f"_{feature}" for feature in features]  # built once: a model's 256 × 1,536 names take one pass
    return tuple([position + tail for position in positions for tail in tails])


@record
class Diagram:
    """How a drawing shows a step. `weights`: a line per weight from every input neuron to every
    output neuron, and a weight's address (`W1[R,h1]`) focuses that line and the sum it enters
    (a dense layer). Otherwise one arrow from column to column, each neuron titled by its formula.
    `attention`: each output position is a weighted sum of the value positions; a sequence drawing
    (render/diagram/sequence.py) shows the weights as a matrix and the sum as arrows from the value rows."""

    weights: bool = False
    attention: bool = False


ELEMENTWISE = Diagram()
WEIGHTED = Diagram(weights=True)


@record
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
    cost(args, options) -> Cost | None           one row's memory and work from the arguments'
                                                shapes (Arg) and the options as written, before
                                                the shape rule names any neuron; None when the
                                                arguments make no sense (the shape rule says why)
    table_labels(step, param) -> (rows, columns)   the names a trace gives a table's numbers, when
                                               not the table's own labels
    probabilities                               its outputs add up to 1 (generation samples them as they are)
    names_from_table                            its neurons are named after its table's columns (add
                                                matches a file's numbered neurons by position)
    parts                                       it makes one of N parts, N its first number, part=P which:
                                                one line may name every part (`layer q, k, v = split(qkv, 3)`)
    gradient                                    the backward rule, for training (none yet)
    cached(xs, ps, options, state) -> (xs, ps, options) | None   the same step over only the positions new
                                               since the last call (generation with a key/value cache:
                                               netspec/run/cached.py): the inputs, tables and options to call
                                               its kernel with. state holds `offset` (positions before), `new`,
                                               `positions` (the spec's full length), `sequence` (the input
                                               is one) and the operation's own entries. None: it cannot.
    exact(xs, ps, options) -> array             explain's result, bit for bit, without its record: what an
                                                exact run and the steps a trace shows in short need (dense
                                                need not hold every product); None: explain's, record dropped
    propagates                                  a NaN or infinity in its inputs always gives at least one in
                                                its result (sums and products of every number read), so the
                                                runner need not search the inputs (netspec/run/plan.py)
    fused(ps, options) -> tuple[Instruction, ...] | None   the step as a float32 program's instructions
                                                (Product, Shift, Floor, Softmax below; netspec/run/fused.py
                                                runs them into buffers of its own); None: it has no such form
    onnx(g, xs, ps, options) -> name            the same step as ONNX nodes (netspec/interop/onnx_graph.py's
                                                builder g; xs and ps are the names of its (batch, width)
                                                inputs and parameter initializers); None: no ONNX form
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
    cost: Callable = elementwise_cost
    table_labels: Callable | None = None
    probabilities: bool = False
    names_from_table: bool = False  # its result's neurons are named after its table's columns
    parts: bool = False  # one of N parts (its first number): `layer q, k, v = split(qkv, 3)` names them all
    gradient: Callable | None = None
    cached: Callable | None = None
    onnx: Callable | None = None
    exact: Callable | None = None
    propagates: bool = False  # a NaN or ±∞ anywhere in its inputs makes one in its result
    fused: Callable | None = None

    def exact_kernel(self, xs, ps, options) -> np.ndarray:
        """The explaining kernel's numbers, bit for bit, without the record a printout lays out."""
        if self.exact is not None:
            return self.exact(xs, ps, options)
        return self.explain(xs, ps, options)[0]

    @property
    def weighted_sum(self) -> bool:
        return self.kind == WEIGHTED_SUM


WEIGHTED_SUM = "weighted sum"


# ---- the instructions a float32 program is made of (OpDef.fused; netspec/run/fused.py runs them) ----

@record
class Product:
    """y = x · weights (n_in, n_out): a new array."""
    weights: np.ndarray


@record
class Shift:
    """y = y + by (one number per neuron), in place."""
    by: np.ndarray


@record
class Floor:
    """y = max(y, at) (0 for relu, or one number per neuron), in place."""
    at: np.ndarray | float


@record
class Softmax:
    """y = e^(y − max y) / Σ e^(y − max y) over the layer, in place."""


def same_at_each_position(xs, ps, options, state):
    """An operation on each number or each position alone (embed, GELU): the new positions as they are."""
    return xs, ps, options


def over_new_positions(xs, ps, options, state):
    """An operation at each position that is told the count of positions (layer_norm, dense at each position)."""
    return xs, ps, {**options, "positions": state["new"]} if "positions" in options else options


def per_position(indices, state) -> list[int] | None:
    """A whole sequence's column indices (`p·d + f` for every position p) as one position's, or None when they
    are not the same at every position."""
    count = len(indices) // state["positions"]
    local = list(indices[:count])
    return local if count * state["positions"] == len(indices) else None
