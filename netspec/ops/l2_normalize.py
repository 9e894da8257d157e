"""l2_normalize(x, eps=1e-12): one value in, the same neurons out, divided by the value's length.

A sentence embedding is compared by the angle between two vectors (cosine similarity),
so sentence-transformers divides it by its length: y = x / ‖x‖, with ‖x‖ = √(x1² + x2² + …),
Pythagoras in as many directions as there are numbers. PyTorch's F.normalize divides by
max(‖x‖, eps) so that a vector of zeros stays zeros; eps = 1e-12 is its default. On a
sequence each position is divided by its own length, over its features.
"""

from __future__ import annotations

import numpy as np

from netspec.ops.arithmetic import EXACT, FAST
from netspec.ops.base import OpDef, ShapeResult, elementwise_cost
from netspec.ops.context import CheckContext
from netspec.ops.options import Option
from netspec.ops.worked import Chain, Num, Record, address, grouped, positions
from netspec.phrases import Phrase
from netspec.records import record

OPTIONS = (Option("eps", "number", 1e-12, low=0.0,
                  why="a length below eps counts as eps, so zeros stay zeros: 1e-12 in PyTorch's F.normalize"),)


def check_l2_normalize(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "l2_normalize", ("a value",), options=OPTIONS)
    options = ctx.keywords(call, "l2_normalize", OPTIONS)
    if refs is None or options is None:
        return None
    x = ctx.value(refs[0])
    if x is None:
        return None
    return ShapeResult((x.name,), (), x.names, options=dict(options, positions=len(x.positions) or 1))


@record
class L2Normalized(Record):
    x: np.ndarray  # (batch, positions, d)
    squared: np.ndarray  # x·x
    total: np.ndarray  # (batch, positions, 1): Σ x²
    length: np.ndarray  # √Σ x²
    divisor: np.ndarray  # max(length, eps)
    eps: np.float64


def l2_normalize_explain(xs, ps, options, arith=EXACT):
    x = xs[0].reshape(xs[0].shape[0], options["positions"], -1)  # (batch, positions, d)
    squared = x * x
    total = arith.sum(squared, axis=-1, keepdims=True)  # added in the printed order (exact)
    length = np.sqrt(total)  # IEEE square root: correctly rounded everywhere
    eps = x.dtype.type(options["eps"])  # float64, or a float32 plan's float32
    divisor = np.maximum(length, eps)
    return (x / divisor).reshape(xs[0].shape), L2Normalized(x, squared, total, length, divisor, eps)


def l2_normalize_kernel(xs, ps, options):
    return l2_normalize_explain(xs, ps, options, FAST)[0]


LENGTH = Phrase("length", "长度")
DIVIDED_VALUE = Phrase("each number divided by the length √(x1² + x2² + …) of its value; a length below eps = ",
                       "每个数除以它所在的值的长度 √(x1² + x2² + …)；长度小于 eps = ")
DIVIDED_POSITION = Phrase("each number divided by the length √(x1² + x2² + …) of its position; a length below eps = ",
                          "每个数除以它所在位置的长度 √(x1² + x2² + …)；长度小于 eps = ")
COUNTS_AS_EPS = Phrase(" counts as eps", " 时按 eps 算")


def l2_normalize_worked(step, r: int):
    rec, items = step.record, []
    for group, offset, labels, (x, squared, total, length, divisor) in positions(
            step, r, "x", "squared", "total", "length", "divisor"):
        pieces = []
        for j, value in enumerate(x):
            pieces += ([" + "] if j else []) + [Num(value), "²"]
        name = grouped(LENGTH(), group)
        items.append(Chain(f"{step.name}.{name}", name, (("√(", *pieces, ")"), ("√", Num(total[0])),
                                                         (Num(length[0]),)), group=group))
        for j, label in enumerate(labels):
            items.append(Chain(address(step, label), label, ((Num(x[j]), " / ", Num(divisor[0])),
                                                             (Num(step.result[r, offset + j]),)), group=group))
    return [((DIVIDED_POSITION if step.positions else DIVIDED_VALUE)(), Num(rec.eps), COUNTS_AS_EPS())], items


def l2_normalize_gradient(xs, ps, options, y, gy):
    """y = x / d with d = max(‖x‖, eps): ∂x = (∂y − y·(y · ∂y)) / d where ‖x‖ > eps, else ∂y / d (d is then
    the constant eps), position by position."""
    x = xs[0].reshape(xs[0].shape[0], options["positions"], -1)
    g = gy.reshape(x.shape)
    length = np.sqrt((x * x).sum(axis=-1, keepdims=True))
    divisor = np.maximum(length, x.dtype.type(options["eps"]))
    out = x / divisor
    along = np.where(length > options["eps"], (out * g).sum(axis=-1, keepdims=True), 0.0)
    return [((g - out * along) / divisor).reshape(xs[0].shape)], []


def l2_normalize_cost(args, options):
    return elementwise_cost(args, options, kernel=3, explain=4, operations=4) if args else None


# x / max(‖x‖, eps): the vector made one long
def l2_normalize_onnx(g, xs, ps, options) -> str:
    """x / max(√(Σ x·x), eps) at each position, as l2_normalize_explain."""
    x = g.reshape(xs[0], [0, options["positions"], -1])
    length = g.node("Sqrt", g.node("ReduceSum", g.node("Mul", x, x), g.ints([-1], "axes"), keepdims=1))
    return g.reshape(g.node("Div", x, g.node("Max", length, g.scalar(options["eps"], "eps"))), [0, -1])


OPS = (OpDef("l2_normalize", "normalisation", check_l2_normalize, l2_normalize_kernel, l2_normalize_explain,
             l2_normalize_worked, cost=l2_normalize_cost, gradient=l2_normalize_gradient, onnx=l2_normalize_onnx),)
