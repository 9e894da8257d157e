"""concat(a, b, …): values in, their numbers side by side out (multi-head attention's heads).

The article's multi-head attention (notes §1.12) runs several heads on the same inputs
and concatenates their outputs. Shape rule: all vectors, or all sequences with the same
positions (then the features are set side by side at each position). Neuron names are
kept when they are all different; otherwise each is prefixed by its value's name, so
`head1_v1` and `head2_v1` stay apart.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from netspec.ops.arithmetic import read_only
from netspec.ops.base import Cost, OpDef, ShapeResult, sequence_names
from netspec.ops.context import CheckContext
from netspec.ops.worked import Chain, Num, Record, address
from netspec.phrases import Phrase
from netspec.records import record

MAX_WIDTH = 1_000_000  # numbers per row; each has a name, and a trace a line

def check_concat(ctx: CheckContext, call) -> ShapeResult | None:
    count = max(len(call.args), 2)  # any number of values, at least two
    refs = ctx.positional(call, "concat", ("a value",) * count)
    if refs is None:
        return None
    values = [ctx.value(ref) for ref in refs]
    if any(v is None for v in values):
        return None
    twice = next((ref for k, ref in enumerate(refs) if ref.name.text in [r.name.text for r in refs[:k]]), None)
    if twice is not None:
        ctx.fail(f"concat lists `{twice.name.text}` twice: its numbers would have the same names twice", twice.span,
                 hint="set different values side by side, such as the heads of one attention layer", code="NS240")
        return None
    width = sum(v.width for v in values)
    if width > MAX_WIDTH:
        ctx.fail(f"concat would make a value of {width:,} numbers per row, more than {MAX_WIDTH:,}", call.span,
                 hint="a value this wide is a mistake, most likely a concat inside a repeat that doubles every copy",
                 code="NS240")
        return None
    sequences = {v.is_sequence for v in values}
    if len(sequences) > 1 or (True in sequences and len({v.positions for v in values}) > 1):
        ctx.fail("concat sets values side by side, so they must all be vectors, or all sequences with the same "
                 "positions: " + "; ".join(f"`{v.name}` is {v.describe_shape()}" for v in values), call.span,
                 hint="concatenate the heads of one attention layer, which share their positions", code="NS240")
        return None
    first = values[0]
    parts = [v.features if v.is_sequence else v.names for v in values]
    flat = [name for part in parts for name in part]
    if len(set(flat)) != len(flat):
        parts = [tuple(f"{v.name}_{name}" for name in part) for v, part in zip(values, parts)]
    features = tuple(name for part in parts for name in part)
    options = {"widths": tuple(len(part) for part in parts), "positions": len(first.positions) or 1,
               "sources": tuple(v.names for v in values)}
    inputs = tuple(v.name for v in values)
    if first.is_sequence:
        return ShapeResult(inputs, (), sequence_names(first.positions, features), options=options,
                           positions=first.positions, features=features)
    return ShapeResult(inputs, (), features, options=options)


@record
class Concat(Record):
    widths: tuple[int, ...]  # each value's numbers per position


@record
class Pick(Record):
    """A pick copies numbers: nothing in between."""


@record
class LastReal(Record):
    """`last` of a text of `tokens up to N`: where each row's text ends."""

    ends: np.ndarray  # (batch,) the last real position, from 0


def concat_explain(xs, ps, options):
    n = options["positions"]
    pieces = [x.reshape(x.shape[0], n, -1) for x in xs]  # (batch, n, d_i): each value per position
    result = np.concatenate(pieces, axis=-1).reshape(xs[0].shape[0], -1)
    return result, Concat(options["widths"])


def concat_kernel(xs, ps, options):
    return concat_explain(xs, ps, options)[0]


def check_last(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "last", ("a sequence",))
    if refs is None:
        return None
    x = ctx.value(refs[0])
    if x is None:
        return None
    if not x.is_sequence:
        ctx.fail(f"last takes the last position of a sequence, but `{x.name}` is {x.describe_shape()}", refs[0].span,
                 hint="a vector has no positions: use it as it is", code="NS240")
        return None
    d = len(x.features)
    options = {"indices": tuple(range(len(x.names) - d, len(x.names)))}
    padding = ctx.padding(x)
    if padding is not None:  # a text of `tokens up to N`: the last real token, wherever the text ends
        return ShapeResult((x.name, padding[0]), (), x.features, options=dict(options, pad=padding[1],
                                                                              positions=len(x.positions)))
    return ShapeResult((x.name,), (), x.features, options=options)


def pick_explain(xs, ps, options):
    if "pad" in options:  # `last` of a padded text: each row's last real position
        x = xs[0].reshape(xs[0].shape[0], options["positions"], -1)
        ends = np.maximum((xs[1] != options["pad"]).sum(axis=1), 1) - 1  # (batch,)
        return x[np.arange(x.shape[0]), ends], LastReal(ends)
    return xs[0][:, list(options["indices"])], Pick()


def _no_check(ctx: CheckContext, call):  # a pick step is made by the checker, never written
    return None


def concat_gradient(xs, ps, options, y, gy):
    """Each value gets back the slice of ∂L/∂result that its numbers filled."""
    n, batch = options["positions"], gy.shape[0]
    pieces = np.split(gy.reshape(batch, n, -1), np.cumsum(options["widths"])[:-1], axis=-1)
    return [piece.reshape(batch, -1) for piece in pieces], []


def pick_gradient(xs, ps, options, y, gy):
    """The numbers picked get their gradients back; the rest had no effect."""
    dx = np.zeros_like(xs[0])
    np.add.at(dx, (slice(None), list(options["indices"])), gy)
    return [dx], []


SIDE_BY_SIDE = Phrase("{values} set side by side", "{values} 并排放在一起")
SIDE_BY_SIDE_EACH = Phrase("{values} set side by side at each position", "在每个位置上，{values} 并排放在一起")


def concat_worked(step, r: int):
    """Each number taken over from the value it comes from."""
    widths, inputs = step.step.options["widths"], step.step.inputs
    n = max(len(step.positions), 1)
    items = []
    for p in range(n):
        offset = p * sum(widths)
        for source, width, start in zip(inputs, widths, np.cumsum((0,) + tuple(widths[:-1]))):
            for f in range(width):
                j = offset + int(start) + f
                label = step.labels[j]
                where = f"{source}.{step.step.options['sources'][inputs.index(source)][p * width + f]}"
                items.append(Chain(address(step, label), label, ((where,), (Num(step.result[r, j]),)),
                                   group=step.positions[p] if step.positions else None))
    joined = (SIDE_BY_SIDE_EACH if step.positions else SIDE_BY_SIDE)(values=", ".join(inputs))
    return [(joined,)], items


def pick_worked(step, r: int):
    indices = step.step.options["indices"]
    source = step.step.inputs[0]
    if isinstance(step.record, LastReal):  # a padded text: the numbers of this row's last real position
        d = len(step.labels)
        end = int(step.record.ends[r])
        indices = range(end * d, (end + 1) * d)
    items = [Chain(address(step, label), label, ((f"{source}.{step.input_labels[i]}",), (Num(step.result[r, j]),)))
             for j, (label, i) in enumerate(zip(step.labels, indices))]
    return (), items


def pick_kernel(xs, ps, options):
    """pick_explain's result; the columns by one `take` with their numbers made once (a list as an index is
    made into an array on every call, which costs one window of a generation more than the copy)."""
    if "pad" in options:
        return pick_explain(xs, ps, options)[0]
    return xs[0].take(_columns(tuple(options["indices"])), axis=1)


@lru_cache(maxsize=64)
def _columns(indices: tuple) -> np.ndarray:
    return read_only(np.array(indices, dtype=np.intp))


def pick_onnx(g, xs, ps, options) -> str:
    """Gather the picked columns; `last` of a padded text gathers each row's last real position, as
    pick_explain does: the count of real tokens, less one (at least position 1)."""
    if "pad" not in options:
        return g.node("Gather", xs[0], g.ints(list(options["indices"]), "indices"), axis=1)
    x = g.reshape(xs[0], [0, options["positions"], -1])  # (batch, n, d)
    real = g.node("Cast", g.node("Not", g.node("Equal", xs[1], g.scalar(options["pad"], "pad"))), to=7)  # 7: INT64
    count = g.node("ReduceSum", real, g.ints([1], "axes"), keepdims=1)  # (batch, 1)
    end = g.node("Sub", g.node("Max", count, g.ints([1], "one")), g.ints([1], "one"))
    return g.node("GatherND", x, end, batch_dims=1)  # (batch, d)


def concat_onnx(g, xs, ps, options) -> str:
    """Concat at each position: every value as (batch, n, d_i), joined on the features, then flat."""
    n = options["positions"]
    pieces = [g.reshape(x, [0, n, -1]) for x in xs]
    return g.reshape(g.node("Concat", *pieces, axis=-1), [0, -1])


def concat_cost(args, options) -> Cost | None:
    """The values side by side: the pieces laid out per position, then joined."""
    width = sum(arg.width for arg in args)
    return Cost(2 * width, 2 * width, width, width)


def last_cost(args, options) -> Cost | None:
    """One position's features."""
    return Cost(args[0].features, args[0].features, args[0].features, args[0].features) if args else None


# pick: some of a value's numbers (one text's tokens); last: the numbers at the last position of a sequence
# (the next token's scores); concat: values side by side (at each position, for sequences)
def _last_cached(xs, ps, options, state):
    """The last of the new positions is the last position."""
    width = len(options["indices"])
    total = xs[0].shape[1]
    return xs, ps, {**options, "indices": tuple(range(total - width, total))}


OPS = (OpDef("pick", "selection", _no_check, pick_kernel, pick_explain, pick_worked, hidden=True,
             gradient=pick_gradient, onnx=pick_onnx),
       OpDef("last", "selection", check_last, pick_kernel, pick_explain, pick_worked, cost=last_cost,
             gradient=pick_gradient, cached=_last_cached, onnx=pick_onnx),
       OpDef("concat", "combination", check_concat, concat_kernel, concat_explain, concat_worked, cost=concat_cost,
             gradient=concat_gradient, onnx=concat_onnx),)
