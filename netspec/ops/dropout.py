"""dropout(x, p=0.5, mode=article|inverted): one value in, the same neurons out, as dropout works at inference.

The article's section on dropout (notes §1.11): in training a fraction p of the
connections is dropped at random; at inference every weight is used, multiplied by
(1 − p). That is `mode=article`: each number is multiplied by (1 − p) (scaling the numbers
a layer passes on scales every weight they meet the same way). Modern code (nanoGPT,
PyTorch) uses inverted dropout instead: it divides by (1 − p) in training and does
nothing at inference. That is `mode=inverted`, the identity. The two disagree by a factor
(1 − p), so the spec must say which it follows: `mode` has no default.

netspec runs networks, it does not train them, so there is no random mask here.
"""

from __future__ import annotations

import numpy as np

from netspec.ops.base import OpDef, ShapeResult
from netspec.ops.context import CheckContext
from netspec.ops.options import Option
from netspec.ops.worked import Chain, Num, Record, address
from netspec.phrases import Phrase
from netspec.records import record

MODES = ("article", "inverted")
OPTIONS = (
    Option("p", "number", 0.5, low=0.0, below=1.0, why="p is the fraction dropped in training"),
    Option("mode", "word", choices=MODES,
           why="mode=article multiplies by (1 − p) at inference (the article's rule); "
               "mode=inverted is the identity at inference (PyTorch, nanoGPT)"),
)


def check_dropout(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "dropout", ("a value",), options=OPTIONS)
    options = ctx.keywords(call, "dropout", OPTIONS)
    if refs is None or options is None:
        return None
    x = ctx.value(refs[0])
    if x is None:
        return None
    return ShapeResult((x.name,), (), x.names, options=options)


@record
class Dropout(Record):
    x: np.ndarray  # (batch, n)
    p: float  # the share of connections dropped in training
    keep: float | None = None  # 1 − p, mode=article


def dropout_explain(xs, ps, options):
    x = xs[0]  # (batch, n)
    if options["mode"] == "inverted":
        return x.copy(), Dropout(x, options["p"])
    keep = 1.0 - options["p"]  # the share of connections kept in training
    return x * keep, Dropout(x, options["p"], keep)


def dropout_kernel(xs, ps, options):
    return dropout_explain(xs, ps, options)[0]


INVERTED = Phrase("mode=inverted (PyTorch, nanoGPT): training divides by 1 − p, so at inference dropout changes "
                  "nothing; p = ", "mode=inverted（PyTorch、nanoGPT）：训练时除以 1 − p，所以推理时 dropout 什么也不改变；p = ")
ARTICLE = Phrase("mode=article: at inference every weight is used, multiplied by 1 − p = 1 − ",
                 "mode=article：推理时每个权重都用上，乘以 1 − p = 1 − ")
PASSED_ON = Phrase("; so is every number the layer passes on", "；这一层传下去的每个数也一样")


def dropout_worked(step, r: int):
    rec = step.record
    if rec.keep is None:  # mode=inverted
        preamble = (INVERTED(), Num(rec.p))
        source = step.step.inputs[0]
        items = [Chain(address(step, label), label, ((f"{source}.{label}",), (Num(step.result[r, j]),)))
                 for j, label in enumerate(step.labels)]
        return [preamble], items
    preamble = (ARTICLE(), Num(rec.p), " = ", Num(rec.keep), PASSED_ON())
    items = [Chain(address(step, label), label, ((Num(rec.x[r, j]), "·", Num(rec.keep)),
                                                 (Num(step.result[r, j]),)))
             for j, label in enumerate(step.labels)]
    return [preamble], items


def dropout_gradient(xs, ps, options, y, gy):
    """The inference form is what is trained through (no random mask): × (1 − p), or unchanged."""
    return [gy.copy() if options["mode"] == "inverted" else gy * (1.0 - options["p"])], []


# at inference: × (1 − p) (mode=article) or unchanged (mode=inverted)
def dropout_onnx(g, xs, ps, options) -> str:
    """At inference: the identity (mode=inverted) or × (1 − p) (mode=article)."""
    if options["mode"] == "inverted":
        return g.node("Identity", xs[0])
    return g.node("Mul", xs[0], g.scalar(1.0 - options["p"], "keep"))


OPS = (OpDef("dropout", "regularisation", check_dropout, dropout_kernel, dropout_explain, dropout_worked,
             gradient=dropout_gradient, onnx=dropout_onnx),)
