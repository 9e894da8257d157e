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

from netspec.ops.base import OpDef, ShapeResult
from netspec.ops.options import Option

MODES = ("article", "inverted")
OPTIONS = (
    Option("p", "number", 0.5, low=0.0, below=1.0, why="p is the fraction dropped in training"),
    Option("mode", "word", choices=MODES,
           why="mode=article multiplies by (1 − p) at inference (the article's rule); "
               "mode=inverted is the identity at inference (PyTorch, nanoGPT)"),
)


def check_dropout(ctx, call) -> ShapeResult | None:
    refs = ctx.positional(call, "dropout", ("a value",), options=OPTIONS)
    options = ctx.keywords(call, "dropout", OPTIONS)
    if refs is None or options is None:
        return None
    x = ctx.value(refs[0])
    if x is None:
        return None
    return ShapeResult((x.name,), (), x.names, options=options)


def dropout_explain(xs, ps, options):
    x = xs[0]  # (batch, n)
    if options["mode"] == "inverted":
        return x.copy(), {"x": x, "p": options["p"]}
    keep = 1.0 - options["p"]  # the share of connections kept in training
    return x * keep, {"x": x, "p": options["p"], "keep": keep}


def dropout_kernel(xs, ps, options):
    return dropout_explain(xs, ps, options)[0]


OPS = (OpDef("dropout", "at inference: × (1 − p) (mode=article) or unchanged (mode=inverted)", "dropout",
             check_dropout, dropout_kernel, dropout_explain),)
