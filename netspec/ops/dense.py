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

from netspec.errors import Note
from netspec.ops.arithmetic import EXACT
from netspec.ops.base import Cost, OpDef, ShapeResult, sequence_names


def check_dense(ctx, call) -> ShapeResult | None:
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
    if not _rows_fit(ctx, refs[0], x, refs[1], weights) or not _bias_fits(ctx, refs[2] if bias else None, weights, bias):
        return None
    params = (weights.name,) + ((bias.name,) if bias else ())
    bindings = {weights.name: (x.name, ctx.current)}
    if bias:
        bindings[bias.name] = (None, ctx.current)
    names = weights.col_names if weights.labelled else tuple(f"{_stem(ctx.current)}{i}" for i in weights.col_names)
    return ShapeResult((x.name,), params, names, bindings=bindings)


def _check_each_position(ctx, refs, x, weights, bias) -> ShapeResult | None:
    """W reads one position's features: the same weights at every position, a sequence out."""
    features = replace(x, names=x.features, labels=x.features)
    if not _rows_fit(ctx, refs[0], features, refs[1], weights) or not _bias_fits(
            ctx, refs[2] if bias else None, weights, bias):
        return None
    params = (weights.name,) + ((bias.name,) if bias else ())
    columns = weights.col_names if weights.labelled else tuple(f"{_stem(ctx.current)}{i}" for i in weights.col_names)
    return ShapeResult((x.name,), params, sequence_names(x.positions, columns),
                       options={"positions": len(x.positions)}, positions=x.positions, features=columns,
                       op="dense_each")


def _rows_fit(ctx, x_ref, x, w_ref, weights) -> bool:
    """W's row labels must name exactly x's neurons; rows are then put in x's order."""
    rows, wanted = weights.row_names, x.names
    if len(rows) != len(wanted):
        per_position = f" or one row per feature ({len(x.features)}) to run at each position" if x.positions else ""
        ctx.fail(f"shape mismatch: `{x.name}` has {len(wanted)} numbers ({_listed(x.labels)}) "
                 f"but {weights.name} has {len(rows)} row{'s' if len(rows) != 1 else ''}", w_ref.span,
                 hint=f"give {weights.name} one row for each of {_listed(x.names)}{per_position}",
                 notes=[Note(weights.span, f"{weights.name} is declared {len(rows)}×{len(weights.col_names)}"),
                        Note(x.span, f"`{x.name}` is declared with {len(wanted)} numbers")], code="NS204")
        return False
    if weights.name in ctx.bindings and tuple(wanted) != tuple(weights.row_names):
        ctx.fail(f"{weights.name} is already used by a layer that reads {', '.join(weights.row_names)} in that order, "
                 f"but `{x.name}` lists them as {', '.join(wanted)}", w_ref.span, code="NS205",
                 hint=f"give this layer its own table, or list the neurons of `{x.name}` in the same order")
        return False
    if not weights.labelled:  # numbers from a file: row i listens to x's neuron i
        ctx.reorder_rows(weights.name, list(range(len(wanted))), names=wanted)
        return True
    if set(rows) != set(wanted) or len(set(rows)) != len(rows):
        missing = [n for n in wanted if n not in rows]
        extra = [n for n in rows if n not in wanted]
        ctx.fail(f"the rows of {weights.name} are labelled {', '.join(rows)} but `{x.name}` has neurons "
                 f"{', '.join(wanted)}", w_ref.span,
                 hint=_label_hint(missing, extra),
                 notes=[Note(weights.span, f"{weights.name} is declared")], code="NS205")
        return False
    order = [rows.index(n) for n in wanted]
    ctx.reorder_rows(weights.name, order)
    return True


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
    y = x @ weights  # (batch, n_out)
    if len(ps) > 1:
        y += ps[1]
    return y


def dense_explain(xs, ps, options):
    x, weights = xs[0], ps[0]  # (batch, n_in), (n_in, n_out)
    products = x[:, :, None] * weights[None, :, :]  # (batch, n_in, n_out)
    sums = EXACT.sum(products, axis=1)  # (batch, n_out), added in the order the trace prints
    record = {"x": x, "weights": weights, "products": products, "sums": sums}
    if len(ps) > 1:
        record["bias"] = ps[1]
        return sums + ps[1], record
    return sums, record


def dense_each_kernel(xs, ps, options):
    x, weights = xs[0], ps[0]  # (batch, n·d), (d, out)
    batch, n = x.shape[0], options["positions"]
    y = x.reshape(batch, n, -1) @ weights  # (batch, n, out): the same weights at every position
    if len(ps) > 1:
        y += ps[1]
    return y.reshape(batch, -1)


def dense_each_explain(xs, ps, options):
    x, weights = xs[0], ps[0]
    batch, n = x.shape[0], options["positions"]
    positions = x.reshape(batch, n, -1)  # (batch, n, d)
    products = positions[:, :, :, None] * weights[None, None, :, :]  # (batch, n, d, out)
    sums = EXACT.sum(products, axis=2)  # (batch, n, out), added in the order the trace prints
    record = {"x": positions, "weights": weights, "products": products, "sums": sums}
    if len(ps) > 1:
        record["bias"] = ps[1]
        sums = sums + ps[1]
    return sums.reshape(batch, -1), record


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


OPS = (OpDef("dense", "sum of input × weight (+ bias)", "dense", check_dense, dense_kernel, dense_explain, cost=dense_cost),
       OpDef("dense_each", "the same dense layer at every position of a sequence", "dense", check_dense,
             dense_each_kernel, dense_each_explain, hidden=True, cost=dense_cost))
