"""mean_pool(x): a sequence in, one vector out: each feature's mean over the positions.

A sentence embedding (sentence-transformers' mean pooling, as all-MiniLM-L6-v2 uses it)
is the average of the words' vectors: feature f of the result is (x1,f + x2,f + … + xn,f) / n,
the mean the article's layer normalisation also takes. When the sequence comes from a text
of `tokens up to N`, the positions past the text's end (padding) are left out of both the
sum and the count, as the attention mask leaves them out in PyTorch.
"""

from __future__ import annotations

import numpy as np

from netspec.ops.arithmetic import EXACT, FAST
from netspec.ops.base import Cost, OpDef, ShapeResult
from netspec.ops.context import CheckContext
from netspec.ops.worked import Chain, Num, Record, address
from netspec.phrases import Phrase
from netspec.records import record


def check_mean_pool(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "mean_pool", ("a sequence",))
    if refs is None:
        return None
    x = ctx.value(refs[0])
    if x is None:
        return None
    if not x.is_sequence:
        ctx.fail(f"mean_pool averages the positions of a sequence, but `{x.name}` is {x.describe_shape()}",
                 refs[0].span, hint="pool the sequence of word vectors, such as the last layer's output", code="NS240")
        return None
    padding = ctx.padding(x)
    if padding is None:
        return ShapeResult((x.name,), (), x.features, options={"positions": len(x.positions)})
    tokens, pad = padding  # the text's token numbers: a padding position is left out
    return ShapeResult((x.name, tokens), (), x.features, options={"positions": len(x.positions), "pad": pad})


@record
class MeanPool(Record):
    x: np.ndarray  # (batch, positions, d)
    kept: np.ndarray  # (batch, positions): 1 for a real token, 0 for padding
    total: np.ndarray  # (batch, d): the sum over the kept positions
    count: np.ndarray  # (batch, 1): how many positions are kept


def mean_pool_explain(xs, ps, options, arith=EXACT):
    x = xs[0].reshape(xs[0].shape[0], options["positions"], -1)  # (batch, positions, d)
    kept = (np.ones(x.shape[:2]) if len(xs) < 2 else (xs[1] != options["pad"])).astype(x.dtype)  # keep float32
    total = arith.sum(x * kept[:, :, None], axis=1)  # a padded position adds 0
    count = np.maximum(kept.sum(axis=1, keepdims=True), 1.0)  # PyTorch: clamp(min=1e-9); never below one token
    return total / count, MeanPool(x, kept, total, count)


def mean_pool_kernel(xs, ps, options):
    return mean_pool_explain(xs, ps, options, FAST)[0]


MEAN_OVER = Phrase("each feature's mean over the {n} positions of {value}", "每个特征在 {value} 的 {n} 个位置上的平均数")
LEFT_OUT = Phrase(" (the {n} padding positions left out)", "（不算 {n} 个填充位置）")


def mean_pool_worked(step, r: int):
    rec = step.record
    kept = [p for p in range(rec.x.shape[1]) if rec.kept[r, p]]
    items = []
    for j, label in enumerate(step.labels):
        pieces = ["("]
        for k, p in enumerate(kept):
            pieces += ([" + "] if k else []) + [Num(rec.x[r, p, j])]
        items.append(Chain(address(step, label), label, ((*pieces, ") / ", Num(rec.count[r, 0])),
                                                         (Num(rec.total[r, j]), " / ", Num(rec.count[r, 0])),
                                                         (Num(step.result[r, j]),))))
    padded = rec.x.shape[1] - len(kept)
    return [(MEAN_OVER(n=len(kept), value=step.step.inputs[0]) + (LEFT_OUT(n=padded) if padded else ""),)], items


def mean_pool_gradient(xs, ps, options, y, gy):
    """Each kept position gets ∂L/∂mean ÷ the count; padding gets none, and the token numbers have no gradient."""
    x = xs[0].reshape(xs[0].shape[0], options["positions"], -1)
    kept = (np.ones(x.shape[:2]) if len(xs) < 2 else (xs[1] != options["pad"])).astype(x.dtype)
    count = np.maximum(kept.sum(axis=1, keepdims=True), 1.0)  # (batch, 1)
    dx = kept[:, :, None] * (gy / count)[:, None, :]
    return [dx.reshape(xs[0].shape), *([None] if len(xs) > 1 else [])], []


def mean_pool_cost(args, options) -> Cost | None:
    """The masked copy of the sequence, then one sum per feature."""
    if not args:
        return None
    width = args[0].width
    return Cost(2 * width, 2 * width, 2 * width, args[0].features)


# Σ over the positions / their count, feature by feature
def mean_pool_onnx(g, xs, ps, options) -> str:
    """Σ over the kept positions / their count (at least 1), as mean_pool_explain; a padding position
    (its token number the pad token's) is left out of both."""
    n = options["positions"]
    x = g.reshape(xs[0], [0, n, -1])  # (batch, n, d)
    if len(xs) < 2:
        return g.node("Div", g.node("ReduceSum", x, g.ints([1], "axes"), keepdims=0), g.scalar(float(n), "count"))
    kept = g.node("Cast", g.node("Not", g.node("Equal", xs[1], g.scalar(options["pad"], "pad"))),
                  to=11 if g.dtype == np.float64 else 1)  # 11: DOUBLE, 1: FLOAT
    total = g.node("ReduceSum", g.node("Mul", x, g.reshape(kept, [0, n, 1])), g.ints([1], "axes"), keepdims=0)
    count = g.node("Max", g.node("ReduceSum", kept, g.ints([1], "axes"), keepdims=1), g.scalar(1.0, "one"))
    return g.node("Div", total, count)


OPS = (OpDef("mean_pool", "pooling", check_mean_pool, mean_pool_kernel, mean_pool_explain, mean_pool_worked,
             cost=mean_pool_cost, gradient=mean_pool_gradient, onnx=mean_pool_onnx),)
