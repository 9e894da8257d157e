"""collapse(x, W1, W2): two dense layers with nothing between them, folded into one table W1·W2.

The article's example 4: without an activation, dense(dense(x, W1), W2) is one layer
whose table is the product W1·W2, and each of its numbers is a row of W1 times a column
of W2, added up (R's leaf coefficient −0.0062 = 0.10·(−0.17) + 0.12·0.39 + (−0.36)·0.10).
The trace shows each of those sums first, then each output as one sum over the inputs
with the coefficients as its weights: the same 0.79584 as the two-layer leaf network.

Shape rule: W1 has one row per neuron of x (as in dense); W2 has one row per column of W1
(matched by label); the result has one neuron per column of W2.
"""

from __future__ import annotations

import numpy as np

from netspec.errors import Note
from netspec.ops.arithmetic import EXACT
from netspec.ops.base import Cost, OpDef, ShapeResult
from netspec.ops.context import CheckContext, RowOrder
from netspec.ops.dense import _rows_fit
from netspec.ops.worked import Record, Sum, Term, address
from netspec.phrases import Phrase
from netspec.records import record


def check_collapse(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "collapse", ("a value", "the first weights table", "the second weights table"))
    if refs is None:
        return None
    x, first, second = ctx.value(refs[0]), ctx.param(refs[1], "weights"), ctx.param(refs[2], "weights")
    if x is None or first is None or second is None:
        return None
    if x.is_sequence:
        ctx.fail(f"collapse reads a vector, but `{x.name}` is a sequence", refs[0].span,
                 hint="use dense at each position instead", code="NS204")
        return None
    rows = _rows_fit(ctx, refs[0], x, refs[1], first)
    middle = _middle_fits(ctx, refs[2], first, second)
    if rows is None or middle is None:
        return None
    names = second.col_names
    bindings = {first.name: (x.name, None), second.name: (None, ctx.current)}
    return ShapeResult((x.name,), (first.name, second.name), names, bindings=bindings, reorders=(rows, middle))


def _middle_fits(ctx: CheckContext, ref, first, second) -> RowOrder | None:
    """W2's rows must name W1's columns (the hidden neurons both tables share)."""
    wanted, rows = tuple(first.col_names), tuple(second.row_names)
    if sorted(wanted) != sorted(rows) or len(set(rows)) != len(rows):
        ctx.fail(f"the rows of {second.name} ({', '.join(rows)}) must be the columns of {first.name} "
                 f"({', '.join(wanted)})", ref.span, hint=f"give {second.name} one row for each column of {first.name}",
                 notes=[Note(first.span, f"{first.name} is declared"), Note(second.span, f"{second.name} is declared")],
                 code="NS205")
        return None
    return RowOrder(second.name, tuple(rows.index(n) for n in wanted))


def collapse_kernel(xs, ps, options):
    return xs[0] @ (ps[0] @ ps[1])


@record
class Collapsed(Record):
    x: np.ndarray  # (batch, n_in)
    parts: np.ndarray  # (n_in, hidden, n_out): W1[i,h]·W2[h,o]
    table: np.ndarray  # (n_in, n_out): W1·W2, each number the sum of its parts in order
    products: np.ndarray  # (batch, n_in, n_out)
    sums: np.ndarray  # (batch, n_out)


def collapse_explain(xs, ps, options):
    x, first, second = xs[0], ps[0], ps[1]
    parts = first[:, :, None] * second[None, :, :]
    table = EXACT.sum(parts, axis=1)  # added in the order the trace prints
    products = x[:, :, None] * table[None, :, :]
    sums = EXACT.sum(products, axis=1)
    return sums, Collapsed(x, parts, table, products, sums)


def table_name(step) -> str:
    """`(W1·W2)`: how the trace names the folded table."""
    return f"({step.params[0].name}·{step.params[1].name})"


FOLDED = Phrase("{table}: each number is a row of {first} times a column of {second}, added up",
                "{table}：每个数是 {first} 的一行乘以 {second} 的一列，再加起来")


def collapse_worked(step, r: int):
    rec, first, second = step.record, step.params[0], step.params[1]
    name = table_name(step)
    preamble = [(FOLDED(table=name, first=first.name, second=second.name),)]
    items = []
    for j, label in enumerate(step.labels):  # one output's coefficients together: the article's leaf column
        for i, source in enumerate(step.input_labels):
            terms = tuple(Term(f"{first.name}[{source},{middle}]", float(first.array[i, h]),
                               f"{second.name}[{middle},{label}]", float(second.array[h, j]), float(rec.parts[i, h, j]))
                          for h, middle in enumerate(first.col_labels))
            entry = f"{name}[{source},{label}]"
            items.append(Sum(f"{step.name}.{entry}", entry, terms, None, float(rec.table[i, j])))
    for j, label in enumerate(step.labels):
        terms = tuple(Term(source, float(rec.x[r, i]), f"{name}[{source},{label}]", float(rec.table[i, j]),
                           float(rec.products[r, i, j])) for i, source in enumerate(step.input_labels))
        items.append(Sum(address(step, label), label, terms, None, float(step.result[r, j])))
    return preamble, items


def collapse_gradient(xs, ps, options, y, gy):
    """y = x·(W1·W2): ∂x = gy·(W1·W2)ᵀ, ∂W1 = xᵀ·(gy·W2ᵀ), ∂W2 = (x·W1)ᵀ·gy, the chain rule through both tables."""
    x, first, second = xs[0], ps[0], ps[1]
    return [gy @ (first @ second).T], [x.T @ (gy @ second.T), (x @ first).T @ gy]


def collapse_cost(args, options) -> Cost | None:
    if len(args) < 3 or not (args[1].table and args[2].table):
        return None
    n_in, hidden, out = args[0].width, args[2].positions, args[2].features
    table = n_in * hidden * out
    return Cost(out + n_in * out, table + n_in * out + n_in * out + 2 * out, table + n_in * out, out)


def collapse_onnx(g, xs, ps, options) -> str:
    """x times the one table the two make (first · second), as collapse_kernel."""
    return g.node("MatMul", xs[0], g.node("MatMul", ps[0], ps[1]))


OPS = (OpDef("collapse", "folded", check_collapse, collapse_kernel, collapse_explain, collapse_worked,
             names_from_table=True, cost=collapse_cost, gradient=collapse_gradient, onnx=collapse_onnx),)
