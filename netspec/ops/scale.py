"""scale(x, c): one value in, every number multiplied by the one number c (c = −1 negates).

A model sometimes multiplies a whole value by a constant: attention's 1/√d inside its
scores, a residual branch's weight, or −1 to subtract. The article's arithmetic is one
multiplication per number: y = c·x. Shape rule: any value and one number; the result has
x's neurons.
"""

from __future__ import annotations

import numpy as np

from netspec.lang import nodes
from netspec.ops.base import OpDef, ShapeResult, elementwise_cost
from netspec.ops.context import CheckContext
from netspec.ops.worked import Chain, Num, Record, address
from netspec.records import record


def check_scale(ctx: CheckContext, call) -> ShapeResult | None:
    args = call.args
    if len(args) != 2 or not isinstance(args[0], nodes.Ref) or not isinstance(args[1], nodes.Num):
        ctx.fail("scale takes a value and one number", call.span,
                 hint="write scale(x, 0.5) to halve every number of x, scale(x, -1) to negate it", code="NS207")
        return None
    x = ctx.value(args[0])
    if x is None:
        return None
    return ShapeResult((x.name,), (), x.names, options={"by": float(args[1].value)})


@record
class Scaled(Record):
    x: np.ndarray  # (batch, n)
    by: np.float64


def scale_explain(xs, ps, options):
    by = xs[0].dtype.type(options["by"])  # float64, or a float32 plan's float32
    return xs[0] * by, Scaled(xs[0], by)


def scale_kernel(xs, ps, options):
    return xs[0] * xs[0].dtype.type(options["by"])


def scale_worked(step, r: int):
    rec = step.record
    items = [Chain(address(step, label), label, ((Num(rec.x[r, j]), "·", Num(rec.by)), (Num(step.result[r, j]),)),
                   group=step.positions[j // (len(step.labels) // len(step.positions))] if step.positions else None)
             for j, label in enumerate(step.labels)]
    return [("every number of ", step.step.inputs[0], " times ", Num(rec.by))], items


def scale_gradient(xs, ps, options, y, gy):
    """y = c·x, so ∂L/∂x = c·∂L/∂y."""
    return [gy * gy.dtype.type(options["by"])], []


def scale_cost(args, options):
    return elementwise_cost(args, options, kernel=1, explain=2, operations=1) if args else None


# c·x, every number by the one number c
def scale_onnx(g, xs, ps, options) -> str:
    """Mul by the constant."""
    return g.node("Mul", xs[0], g.scalar(options["by"], "by"))


OPS = (OpDef("scale", "scaling", check_scale, scale_kernel, scale_explain, scale_worked, cost=scale_cost,
             gradient=scale_gradient, onnx=scale_onnx),)
