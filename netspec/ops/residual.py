"""add(x, y): two values with the same neurons in, their sums neuron by neuron out (a residual connection).

The article's section on residual connections (notes §1.9): output = input + f(input), so
the block's output must have exactly the neurons of its input. Shape rule: x and y have
the same neurons, by label; y may list them in another order (it is read in x's order).
Neurons a weight file numbered (`h1, h2, …`: its columns have no labels) are matched by
position, as a file's rows are: then x and y need only the same number of neurons.
"""

from __future__ import annotations

import numpy as np

from netspec.errors import Note
from netspec.ops.base import per_position, OpDef, ShapeResult
from netspec.ops.context import CheckContext
from netspec.ops.worked import Chain, Num, Record, address, per_neuron
from netspec.records import record


def check_add(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "add", ("a value", "a value"))
    if refs is None:
        return None
    x, y = ctx.value(refs[0]), ctx.value(refs[1])
    if x is None or y is None:
        return None
    if (len(x.names) == len(y.names) and x.names != y.names and x.positions == y.positions
            and (_numbered(ctx, y) or _numbered(ctx, x))):  # y first: usually the block's own, a step back
        return ShapeResult((x.name, y.name), (), x.names, options={"second_labels": tuple(y.labels)})
    if _position_by_position(x, y):  # two texts' sequences: the same features at as many positions
        return ShapeResult((x.name, y.name), (), x.names, options={"second_labels": tuple(y.labels)})
    if sorted(x.names) != sorted(y.names) or len(set(x.names)) != len(x.names):
        _mismatch(ctx, call, x, y)
        return None
    order = tuple(y.names.index(name) for name in x.names)
    options = {} if order == tuple(range(len(order))) else {"order": order}
    return ShapeResult((x.name, y.name), (), x.names, options=options)


def _position_by_position(x, y) -> bool:
    """Sequences with the same features at as many positions, named after different texts (BERT adds the
    embeddings of its tokens and of their token types, two inputs): added position by position."""
    return (x.is_sequence and y.is_sequence and x.positions != y.positions and len(x.positions) == len(y.positions)
            and x.features == y.features)


def _numbered(ctx: CheckContext, value) -> bool:
    """True when the value's neurons were numbered after a table from a file (`h1, h2, …`, no labels).

    Follows the value back through steps that keep their input's neurons (relu, layer_norm,
    positional_embedding, …) to the step that named them (`OpDef.names_from_table`: a dense
    layer or an embedding), whose table came from a file.
    """
    step = ctx.step_of(value.name)
    while step is not None and not ctx.operation(step.op).names_from_table:
        first = ctx.values.get(step.inputs[0]) if step.inputs else None
        if first is None or first.names != ctx.values[step.output].names:
            return False
        step = ctx.step_of(first.name)
    weights = ctx.params.get(step.params[0]) if step is not None and step.params else None
    return weights is not None and weights.kind == "weights" and not weights.labelled


def _mismatch(ctx, call, x, y):
    """Shapes and a few names, never every neuron: two 7 × 384 sequences would list 5,376 names each."""
    theirs = set(y.names)
    missing = [n for n in x.names if n not in theirs]
    ours = set(x.names)
    extra = [n for n in y.names if n not in ours]
    hint = (f"add needs the same neurons on both sides; `{y.name}` lacks {_few(missing)} "
            f"and has {_few(extra)} besides")
    if x.is_sequence and y.is_sequence:
        hint = (f"add needs as many positions and the same features on both sides: `{x.name}` has "
                f"{len(x.positions)} positions of {len(x.features)} features, `{y.name}` {len(y.positions)} of "
                f"{len(y.features)}")
    ctx.fail(f"shape mismatch: add(`{x.name}`, `{y.name}`) adds neuron by neuron, but `{x.name}` has "
             f"{_shape(x)} and `{y.name}` has {_shape(y)}", call.span, hint=hint,
             notes=[Note(x.span, f"`{x.name}` is declared with {_shape(x)}"),
                    Note(y.span, f"`{y.name}` is declared with {_shape(y)}")], code="NS218")


def _shape(value) -> str:
    if value.is_sequence:
        return f"{value.shape_text} numbers (positions {_few(value.positions, 3)}; features {_few(value.features, 3)})"
    return f"{len(value.names)} number{'s' if len(value.names) != 1 else ''} ({_few(value.names)})"


def _few(names, most: int = 4) -> str:
    """`a, b, c`, or `a, b, c, … 5,373 more` for a long list; `none` for an empty one."""
    if not names:
        return "none"
    names = list(names)
    return ", ".join(names[:most]) + (f", … {len(names) - most:,} more" if len(names) > most else "")


@record
class Add(Record):
    x: np.ndarray  # (batch, n)
    y: np.ndarray  # (batch, n), in x's order


def add_explain(xs, ps, options):
    x, y = xs  # (batch, n), (batch, n)
    if "order" in options:
        y = y[:, list(options["order"])]  # y's neurons in x's order
    return x + y, Add(x, y)


def add_kernel(xs, ps, options):
    return add_explain(xs, ps, options)[0]


def add_gradient(xs, ps, options, y, gy):
    """Both sides get ∂L/∂result; y's back in its own order when it was read in x's."""
    if "order" not in options:
        return [gy, gy], []
    dy = np.empty_like(gy)
    dy[:, list(options["order"])] = gy
    return [gy, dy], []


def _add_one(step, r, j, label):
    rec = step.record
    first, second = step.step.inputs
    theirs = step.step.options.get("second_labels")  # y added by position: its neurons have their own labels
    return Chain(address(step, label), label, ((f"{first}.{label} + {second}.{theirs[j] if theirs else label}",),
                                               (Num(rec.x[r, j]), " + ", Num(rec.y[r, j])),
                                               (Num(step.result[r, j]),)))


def add_onnx(g, xs, ps, options) -> str:
    """Add, with y's neurons first gathered into x's order when they are listed in another."""
    y = xs[1]
    if "order" in options:
        y = g.node("Gather", y, g.ints(list(options["order"]), "order"), axis=1)
    return g.node("Add", xs[0], y)


# x + y, neuron by neuron (a residual connection)
def add_cached(xs, ps, options, state):
    """Over the new positions only: y's order within one position, when it is the same at each."""
    if "order" not in options:
        return xs, ps, options
    local = per_position(options["order"], state) if state["sequence"] else list(options["order"])
    if local is None:
        return None
    new = state["new"]
    order = tuple(p * len(local) + f for p in range(new) for f in local)
    return xs, ps, {**options, "order": order}


OPS = (OpDef("add", "combination", check_add, add_kernel, add_explain, per_neuron(_add_one), gradient=add_gradient,
             cached=add_cached, onnx=add_onnx, propagates=True),)
