"""dense(x, W[, b]): every output neuron is the sum of (input × weight), plus its bias.

Shape rule: W has one row per neuron of x (matched by label) and one column per output
neuron; b has one number per output neuron.

On a sequence (tokens × features) W may instead have one row per *feature*: then the
same small network runs at every position, as the article's k_i = Wk·x_i ("one
single-layer net for each" token), and the result is again a sequence. A W with one
row per number of the whole sequence reads it side by side (the article's 12 × 10 =
120 inputs). The row count tells the two apart; with one position they agree.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from netspec.errors import Note
from netspec.ops.arithmetic import EXACT, SMALL_SUM
from netspec.ops.base import (over_new_positions, WEIGHTED, WEIGHTED_SUM, Cost, OpDef, Product, ShapeResult, Shift,
                              sequence_names)
from netspec.ops.context import CheckContext, RowOrder
from netspec.ops.worked import Bias, Record, Sum, Term, address
from netspec.phrases import Phrase
from netspec.records import record


def check_dense(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "dense", ("a value", "a weights table"), optional=("a bias",))
    if refs is None:
        return None
    x = ctx.value(refs[0])
    weights = ctx.param(refs[1], "weights")
    bias = ctx.param(refs[2], "bias") if len(refs) > 2 else None
    if x is None or weights is None or (len(refs) > 2 and bias is None):
        return None
    if x.is_sequence and len(weights.row_names) == len(x.features):
        return _check_each_position(ctx, refs, x, weights, bias)
    rows = _rows_fit(ctx, refs[0], x, refs[1], weights)
    if rows is None or not _bias_fits(ctx, refs[2] if bias else None, weights, bias):
        return None
    params = (weights.name,) + ((bias.name,) if bias else ())
    bindings = {weights.name: (x.name, ctx.current)}
    if bias:
        bindings[bias.name] = (None, ctx.current)
    names = weights.col_names if weights.labelled else tuple(f"{_stem(ctx.current)}{i}" for i in weights.col_names)
    return ShapeResult((x.name,), params, names, bindings=bindings, reorders=(rows,))


def _check_each_position(ctx, refs, x, weights, bias) -> ShapeResult | None:
    """W reads one position's features: the same weights at every position, a sequence out."""
    features = replace(x, names=x.features, labels=x.features)
    rows = _rows_fit(ctx, refs[0], features, refs[1], weights)
    if rows is None or not _bias_fits(ctx, refs[2] if bias else None, weights, bias):
        return None
    params = (weights.name,) + ((bias.name,) if bias else ())
    columns = weights.col_names if weights.labelled else tuple(f"{_stem(ctx.current)}{i}" for i in weights.col_names)
    return ShapeResult((x.name,), params, sequence_names(x.positions, columns),
                       options={"positions": len(x.positions)}, positions=x.positions, features=columns,
                       op="dense_each", reorders=(rows,))


def _rows_fit(ctx: CheckContext, x_ref, x, w_ref, weights) -> RowOrder | None:
    """W's row labels must name exactly x's neurons; the order that puts its rows in x's order, or None."""
    rows, wanted = weights.row_names, x.names
    if len(rows) != len(wanted):
        per_position = f" or one row per feature ({len(x.features)}) to run at each position" if x.positions else ""
        hint = f"give {weights.name} one row for each of {_listed(x.names)}{per_position}"
        if not weights.labelled and len(weights.col_names) in (len(wanted), len(x.features)):
            hint = (f"{weights.name} has a column for each number of `{x.name}`: it looks stored out×in (PyTorch's "
                    f"nn.Linear); add `layout out×in` to its line")
        ctx.fail(f"shape mismatch: `{x.name}` has {len(wanted)} numbers ({_listed(x.labels)}) "
                 f"but {weights.name} has {len(rows)} row{'s' if len(rows) != 1 else ''}", w_ref.span,
                 hint=hint,
                 notes=[Note(weights.span, f"{weights.name} is declared {len(rows)}×{len(weights.col_names)}"),
                        Note(x.span, f"`{x.name}` is declared with {len(wanted)} numbers")], code="NS204")
        return None
    if ctx.is_bound(weights.name) and tuple(wanted) != tuple(weights.row_names):
        ctx.fail(f"{weights.name} is already used by a layer that reads {', '.join(weights.row_names)} in that order, "
                 f"but `{x.name}` lists them as {', '.join(wanted)}", w_ref.span, code="NS205",
                 hint=f"give this layer its own table, or list the neurons of `{x.name}` in the same order")
        return None
    if not weights.labelled:  # numbers from a file: row i listens to x's neuron i
        return RowOrder(weights.name, names=tuple(wanted))
    if set(rows) != set(wanted) or len(set(rows)) != len(rows):
        missing = [n for n in wanted if n not in rows]
        extra = [n for n in rows if n not in wanted]
        ctx.fail(f"the rows of {weights.name} are labelled {', '.join(rows)} but `{x.name}` has neurons "
                 f"{', '.join(wanted)}", w_ref.span,
                 hint=_label_hint(missing, extra),
                 notes=[Note(weights.span, f"{weights.name} is declared")], code="NS205")
        return None
    place = {name: i for i, name in enumerate(rows)}  # not rows.index: a 1,000-row table would search 500,000 names
    return RowOrder(weights.name, tuple(place[n] for n in wanted))


def _stem(name: str) -> str:
    """`q` for the layer `q[2]` (copy 2 of a repeat): neurons numbered from a file are q1, q2, … in every copy."""
    return name.split("[", 1)[0]


def _listed(names, most: int = 12) -> str:
    return ", ".join(names) if len(names) <= most else f"{', '.join(names[:3])}, …, {names[-1]}"


def _label_hint(missing, extra) -> str:
    if len(missing) == 1 and len(extra) == 1:
        return f"did you mean `{missing[0]}` instead of `{extra[0]}`?"
    return f"label each row with the neuron it comes from; missing: {', '.join(missing) or 'none'}"


def _bias_fits(ctx, b_ref, weights, bias) -> bool:
    if bias is None:
        return True
    if bias.col_names != weights.col_names:
        ctx.fail(f"the bias {bias.name} has columns {', '.join(bias.col_names)} but {weights.name} has "
                 f"{', '.join(weights.col_names)}", b_ref.span,
                 hint="a bias has one number for each column (output neuron) of the weights, in the same order",
                 notes=[Note(bias.span, f"{bias.name} is declared"), Note(weights.span, f"{weights.name} is declared")], code="NS205")
        return False
    return True


def dense_kernel(xs, ps, options):
    x, weights = xs[0], ps[0]  # (batch, n_in), (n_in, n_out)
    y = np.dot(x, weights)  # (batch, n_out): BLAS's product, as `@` calls it, in fewer steps of its own
    if len(ps) > 1:
        y += ps[1]
    return y


@record
class Dense(Record):
    x: np.ndarray  # (batch, n_in), or (batch, n, d) at each position
    weights: np.ndarray  # (n_in, n_out)
    products: np.ndarray  # (batch, n_in, n_out), or (batch, n, d, out)
    sums: np.ndarray  # (batch, n_out), or (batch, n, out)
    bias: np.ndarray | None = None  # (n_out,)


def dense_explain(xs, ps, options):
    x, weights = xs[0], ps[0]  # (batch, n_in), (n_in, n_out)
    products = x[:, :, None] * weights[None, :, :]  # (batch, n_in, n_out)
    sums = EXACT.sum(products, axis=1)  # (batch, n_out), added in the order the trace prints
    if len(ps) > 1:
        return sums + ps[1], Dense(x, weights, products, sums, ps[1])
    return sums, Dense(x, weights, products, sums)


def _sum_of_products(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ_i x[…, i]·weights[i, :], each product rounded, then added first to last: the bits of
    EXACT.sum(x[…, :, None] * weights, axis=-2) without holding every product at once (a MiniLM
    layer's 32 × 384 × 1536 products are 150 MB; one product per input at a time is 400 KB). A few products
    (a generated token's 12 × 64 × 16) are made at once and added by one running total instead: the loop's
    two calls an input cost more than their arithmetic."""
    if 0 < x.shape[-1] and x.size * weights.shape[1] <= SMALL_SUM:  # a few products: one running total, one call
        return EXACT.sum(x[..., :, None] * weights, axis=-2)  # (…, n_in, n_out) → (…, n_out)
    total = np.zeros((*x.shape[:-1], weights.shape[1]), dtype=np.float64)
    if x.shape[-1] == 0:
        return total
    np.multiply(x[..., 0, None], weights[0], out=total)
    term = np.empty_like(total)
    for i in range(1, x.shape[-1]):
        np.multiply(x[..., i, None], weights[i], out=term)
        total += term
    return total


def dense_exact(xs, ps, options):
    """dense_explain's result, bit for bit, without its record."""
    sums = _sum_of_products(np.asarray(xs[0], dtype=np.float64), ps[0])
    return sums + ps[1] if len(ps) > 1 else sums


def dense_each_exact(xs, ps, options):
    """dense_each_explain's result, bit for bit, without its record."""
    x = np.asarray(xs[0], dtype=np.float64)
    sums = _sum_of_products(x.reshape(x.shape[0], options["positions"], -1), ps[0])
    if len(ps) > 1:
        sums = sums + ps[1]
    return sums.reshape(x.shape[0], -1)


def dense_each_kernel(xs, ps, options):
    x, weights = xs[0], ps[0]  # (batch, n·d), (d, out)
    batch, n = x.shape[0], options["positions"]
    # every position of every row as one matrix product ((batch·n, d) · (d, out)): one BLAS call, where a
    # (batch, n, d) @ (d, out) product makes one per row (MiniLM's 64 texts: 1.75× slower)
    y = np.dot(x.reshape(batch * n, -1), weights)
    if len(ps) > 1:
        y += ps[1]
    return y.reshape(batch, -1)


def dense_each_explain(xs, ps, options):
    x, weights = xs[0], ps[0]
    batch, n = x.shape[0], options["positions"]
    positions = x.reshape(batch, n, -1)  # (batch, n, d)
    products = positions[:, :, :, None] * weights[None, None, :, :]  # (batch, n, d, out)
    sums = EXACT.sum(products, axis=2)  # (batch, n, out), added in the order the trace prints
    record = Dense(positions, weights, products, sums, ps[1] if len(ps) > 1 else None)
    if len(ps) > 1:
        sums = sums + ps[1]
    return sums.reshape(batch, -1), record


def dense_worked(step, r: int):
    rec = step.record
    weights = step.params[0]
    x, products, result = rec.x[r], rec.products[r], step.result[r]  # (n_in,), (n_in, n_out), (n_out,)
    items = []
    for j, label in enumerate(step.labels):
        terms = tuple(Term(step.input_labels[i], float(x[i]), f"{weights.name}[{step.input_labels[i]},{label}]",
                           float(weights.array[i, j]), float(products[i, j])) for i in range(len(x)))
        bias = Bias(step.params[1].name, label, float(rec.bias[j])) if rec.bias is not None else None
        items.append(Sum(address(step, label), label, terms, bias, float(result[j])))
    return (), items


SAME_WEIGHTS = Phrase("the same weights {weights} ({rows} × {columns}) at each of the {n} positions",
                      "{n} 个位置都用同一张权重表 {weights}（{rows} × {columns}）")


def dense_each_worked(step, r: int):
    """One sum per position and output feature, over that position's features only."""
    rec, weights = step.record, step.params[0]
    x, products = rec.x[r], rec.products[r]  # (n, d), (n, d, out)
    n, d = x.shape
    out = products.shape[-1]
    preamble = [(SAME_WEIGHTS(weights=weights.name, rows=d, columns=out, n=n),)]
    items = []
    for p in range(n):
        inputs, position = step.input_labels[p * d:(p + 1) * d], step.positions[p]
        for o in range(out):
            j = p * out + o
            label = step.labels[j]
            terms = tuple(Term(inputs[f], float(x[p, f]), f"{weights.name}[{weights.row_labels[f]},{weights.col_labels[o]}]",
                               float(weights.array[f, o]), float(products[p, f, o])) for f in range(d))
            bias = Bias(step.params[1].name, weights.col_labels[o], float(rec.bias[o])) if rec.bias is not None else None
            items.append(Sum(address(step, label), label, terms, bias, float(step.result[r, j]), group=position))
    return preamble, items


def dense_gradient(xs, ps, options, y, gy):
    """∂L/∂x = gy·Wᵀ, ∂L/∂W[i,j] = Σ over rows of x_i·gy_j, ∂L/∂b_j = Σ gy_j: the chain rule through a weighted sum."""
    x, weights = xs[0], ps[0]
    grads = [x.T @ gy] + ([gy.sum(axis=0)] if len(ps) > 1 else [])
    return [gy @ weights.T], grads


def dense_each_gradient(xs, ps, options, y, gy):
    """The same rule at every position; the weights' gradients add up over the positions."""
    x, weights = xs[0], ps[0]
    batch, n = x.shape[0], options["positions"]
    positions, g = x.reshape(batch * n, -1), gy.reshape(batch * n, -1)  # every position of every row, one by one
    grads = [positions.T @ g] + ([g.sum(axis=0)] if len(ps) > 1 else [])
    return [(g @ weights.T).reshape(batch, -1)], grads


def dense_cost(args, options) -> Cost | None:
    """The explaining kernel keeps every product: n_in × n_out per row, or positions × d × out
    when the same weights run at every position (the rule check_dense uses to tell them apart)."""
    if len(args) < 2 or not args[1].table:
        return None
    x, out = args[0], args[1].features
    if x.positions and args[1].positions == x.features:
        n = x.positions
        return Cost(n * out, n * x.features * out + 2 * n * out, n * x.features * out, n * out)
    return Cost(out, x.width * out + 2 * out, x.width * out, out)


def _dense_cached(xs, ps, options, state):
    """One weighted sum of a vector: nothing to do per position; a whole sequence read side by side cannot be cut."""
    return None if state["sequence"] else (xs, ps, options)


def dense_fused(ps, options):
    """x · W, then + b: a float32 program's product and shift (netspec/run/fused.py)."""
    return (Product(ps[0]),) + ((Shift(ps[1]),) if len(ps) > 1 else ())


def dense_onnx(g, xs, ps, options) -> str:
    """MatMul (+ Add): x (batch, n_in) times W (n_in, n_out), plus the bias."""
    y = g.node("MatMul", xs[0], ps[0])
    return g.node("Add", y, ps[1]) if len(ps) > 1 else y


def dense_each_onnx(g, xs, ps, options) -> str:
    """The same MatMul (+ Add) at every position: (batch, n, d) times W (d, out), then flat again."""
    y = g.node("MatMul", g.per_position(xs[0], options), ps[0])
    if len(ps) > 1:
        y = g.node("Add", y, ps[1])
    return g.flat(y, options)


OPS = (OpDef("dense", WEIGHTED_SUM, check_dense, dense_kernel, dense_explain, dense_worked,  # input × weight (+ bias)
             diagram=WEIGHTED, names_from_table=True, cost=dense_cost, gradient=dense_gradient,
             cached=_dense_cached, onnx=dense_onnx, exact=dense_exact, propagates=True, fused=dense_fused),
       OpDef("dense_each", WEIGHTED_SUM, check_dense, dense_each_kernel, dense_each_explain, dense_each_worked,
             hidden=True, names_from_table=True, cost=dense_cost, gradient=dense_each_gradient,
             cached=over_new_positions, onnx=dense_each_onnx, exact=dense_each_exact, propagates=True))  # the same dense layer at every position of a sequence
