"""Activations: one value in, the same neurons out, each number transformed.

identity, relu, logistic (sigmoid), tanh work neuron by neuron; softmax and
divide_by_sum look at the whole layer so that the outputs add up to 1. On a sequence
"the whole layer" is one position's features: each position adds up to 1.
"""

from __future__ import annotations

import numpy as np

from netspec.errors import NumericError
from netspec.ops.arithmetic import EXACT, FAST
from netspec.ops.base import EXACT_CALL, EXACT_EXP, Floor, OpDef, ShapeResult, Softmax as SoftmaxStep, elementwise_cost
from netspec.ops.context import CheckContext
from netspec.ops.worked import (SUM, Arg, Chain, Num, Record, address, grouped, largest_chain, per_neuron,
                                positions, total_chain)
from netspec.phrases import Phrase
from netspec.records import record


def check_one_value(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, call.op.text, ("a value",))
    if refs is None:
        return None
    x = ctx.value(refs[0])
    if x is None:
        return None
    options = {"positions": len(x.positions)} if x.is_sequence else {}
    return ShapeResult((x.name,), (), x.names, options=options)


def _per_position(x, options):
    """(batch, n·d) → (batch, n, d) for a sequence, so sums run over one position's features."""
    return x.reshape(x.shape[0], options["positions"], -1) if "positions" in options else x


@record
class Elementwise(Record):
    x: np.ndarray  # (batch, n)


@record
class Logistic(Record):
    x: np.ndarray  # (batch, n)
    exp_neg: np.ndarray  # e^(−x)
    denominator: np.ndarray  # 1 + e^(−x)


@record
class Softmax(Record):
    x: np.ndarray  # (batch, n), or (batch, positions, d)
    largest: np.ndarray  # (batch, 1) or (batch, positions, 1)
    shifted: np.ndarray  # x − largest
    exps: np.ndarray  # e^shifted
    total: np.ndarray  # the sum of exps


@record
class DivideBySum(Record):
    x: np.ndarray
    total: np.ndarray


def _identity(xs, ps, options, arith=EXACT):
    return xs[0].copy(), Elementwise(xs[0])


def _relu(xs, ps, options, arith=EXACT):
    return np.maximum(xs[0], 0.0), Elementwise(xs[0])


def _logistic(xs, ps, options, arith=EXACT):
    x = xs[0]  # (batch, n)
    exp_neg = arith.exp(-x)  # e^(−x); overflows to inf for x < −709, and 1/inf is the right limit 0
    denominator = 1.0 + exp_neg
    return 1.0 / denominator, Logistic(x, exp_neg, denominator)


def _tanh(xs, ps, options, arith=EXACT):
    return arith.tanh(xs[0]), Elementwise(xs[0])


def _softmax(xs, ps, options, arith=EXACT):
    x = _per_position(xs[0], options)  # (batch, n), or (batch, positions, d)
    largest = x.max(axis=-1, keepdims=True)  # (batch, 1); subtracting it keeps e^x from overflowing
    shifted = x - largest
    exps = arith.exp(shifted)
    total = arith.sum(exps, axis=-1, keepdims=True)
    result = (exps / total).reshape(xs[0].shape)
    return result, Softmax(x, largest, shifted, exps, total)


def _divide_by_sum(xs, ps, options, arith=EXACT):
    x = _per_position(xs[0], options)
    total = arith.sum(x, axis=-1, keepdims=True)  # (batch, 1)
    return (x / total).reshape(xs[0].shape), DivideBySum(x, total)


def _validate_positive(x, source: str, labels, row_name):
    """divide_by_sum only makes probabilities of numbers that are not negative (the article's caveat)."""
    bad = np.argwhere(x < 0)
    if bad.size == 0:
        return None
    row, col = bad[0]
    return NumericError(f"divide_by_sum needs numbers that are not negative, but {source}.{labels[col]} is "
                        f"{x[row, col]:g} in {row_name(row)}",
                        hint="softmax turns any numbers, negative ones too, into probabilities", code="NS502")


# ---- gradients: gradient(xs, ps, options, y, gy) -> ([∂L/∂x], []), y the result and gy ∂L/∂y ----

def _identity_gradient(xs, ps, options, y, gy):
    return [gy], []


def _relu_gradient(xs, ps, options, y, gy):
    return [np.where(xs[0] > 0, gy, 0.0)], []  # at exactly 0 the slope taken is 0, as PyTorch's


def _logistic_gradient(xs, ps, options, y, gy):
    return [gy * y * (1.0 - y)], []


def _tanh_gradient(xs, ps, options, y, gy):
    return [gy * (1.0 - y * y)], []


def _softmax_gradient(xs, ps, options, y, gy):
    """Each output depends on every input of its layer: ∂L/∂x_i = y_i·(gy_i − Σ_j gy_j·y_j)."""
    p, g = _per_position(y, options), _per_position(gy, options)
    return [(p * (g - (g * p).sum(axis=-1, keepdims=True))).reshape(y.shape)], []


def _divide_by_sum_gradient(xs, ps, options, y, gy):
    """y_i = x_i / s: ∂L/∂x_i = (gy_i − Σ_j gy_j·y_j) / s."""
    x, p, g = (_per_position(a, options) for a in (xs[0], y, gy))
    total = x.sum(axis=-1, keepdims=True)
    return [((g - (g * p).sum(axis=-1, keepdims=True)) / total).reshape(y.shape)], []


# ---- worked forms ----

def _identity_one(step, r, j, label):
    return Chain(address(step, label), label, ((Num(step.result[r, j]),),))


def _relu_one(step, r, j, label):
    x = step.record.x[r, j]
    return Chain(address(step, label), label, (("max(0, ", Arg(x), ")"), (Num(step.result[r, j]),)))


def _logistic_one(step, r, j, label):
    rec = step.record
    x, e, d = rec.x[r, j], rec.exp_neg[r, j], rec.denominator[r, j]
    return Chain(address(step, label), label, (
        ("1 / (1 + e^(−", Num(x), "))"),
        ("1 / (1 + ", Num(e), ")"),
        ("1 / ", Num(d)),
        (Num(step.result[r, j]),),
    ))


def _tanh_one(step, r, j, label):
    x = step.record.x[r, j]
    return Chain(address(step, label), label, (("tanh(", Arg(x), ")"), (Num(step.result[r, j]),)))


SHIFTED = Phrase("subtracting the largest number first keeps e^x from overflowing and does not change the result",
                 "先减去最大的数，e^x 就不会溢出，结果也不变")
EACH_POSITION = Phrase("; each position adds up to 1 on its own", "；每个位置各自加起来等于 1")


def _softmax_worked(step, r: int):
    preamble = [(SHIFTED() + (EACH_POSITION() if step.positions else ""),)]
    items = []
    for group, offset, labels, (x, largest, shifted, exps, total) in positions(
            step, r, "x", "largest", "shifted", "exps", "total"):
        items.append(largest_chain(step, group, x, largest[0]))
        items += [Chain(f"{step.name}.e^{label}", f"e^{label}",
                        (("e^(", Arg(x[j]), " − ", Num(largest[0]), ")"), ("e^", Num(shifted[j])), (Num(exps[j]),)),
                        group=group)
                  for j, label in enumerate(labels)]
        items.append(total_chain(step, grouped(SUM(), group), exps, total[0], group))
        items += [Chain(address(step, label), label, ((Num(exps[j]), " / ", Num(total[0])),
                                                      (Num(step.result[r, offset + j]),)), group=group)
                  for j, label in enumerate(labels)]
    return preamble, items


def _divide_by_sum_worked(step, r: int):
    items = []
    for group, offset, labels, (x, total) in positions(step, r, "x", "total"):
        items.append(total_chain(step, grouped(SUM(), group), x, total[0], group))
        items += [Chain(address(step, label), label, ((Num(x[j]), " / ", Num(total[0])),
                                                      (Num(step.result[r, offset + j]),)), group=group)
                  for j, label in enumerate(labels)]
    return (), items


def _onnx_unary(op_type):
    """A neuron-by-neuron activation is one ONNX node of the same name."""
    return lambda g, xs, ps, options: g.node(op_type, xs[0])


def _softmax_onnx(g, xs, ps, options) -> str:
    """Softmax over the layer, or over each position's features of a sequence."""
    return g.flat(g.node("Softmax", g.per_position(xs[0], options), axis=-1), options)


def _divide_by_sum_onnx(g, xs, ps, options) -> str:
    x = g.per_position(xs[0], options)
    return g.flat(g.node("Div", x, g.node("ReduceSum", x, g.ints([-1], "axes"), keepdims=1)), options)


def _identity_fused(ps, options):
    return ()


def _relu_fused(ps, options):
    return (Floor(0.0),)


def _softmax_fused(ps, options):
    """Over the whole layer only: a sequence's softmax runs over each position's features (the batch kernel)."""
    return None if "positions" in options else (SoftmaxStep(),)


def _fast(explain):
    return lambda xs, ps, options: explain(xs, ps, options, FAST)[0]


def _op(name, explain, worked, gradient, onnx, validate=None, probabilities=False, function_operations=0, fused=None):
    return OpDef(name, "activation", check_one_value, _fast(explain), explain, worked, validate=validate,
                 probabilities=probabilities, cost=_cost(function_operations), gradient=gradient, onnx=onnx,
                 fused=fused)


def _cost(function_operations: int):
    """softmax, the widest of them, keeps x, shifted, exps and the result, each as wide as x;
    logistic and softmax call the exact exp once per number, tanh the correctly rounded tanh."""
    return lambda args, options: elementwise_cost(args, options, kernel=4, explain=5,
                                                  operations=6 + function_operations) if args else None


OPS = (
    _op("identity", _identity, per_neuron(_identity_one), _identity_gradient, _onnx_unary("Identity"),
        fused=_identity_fused),  # the number unchanged
    _op("relu", _relu, per_neuron(_relu_one), _relu_gradient, _onnx_unary("Relu"),
        fused=_relu_fused),  # max(0, x): negative numbers become 0
    _op("logistic", _logistic, per_neuron(_logistic_one), _logistic_gradient, _onnx_unary("Sigmoid"),  # 1 / (1 + e^(−x)), between 0 and 1
        function_operations=EXACT_EXP),
    _op("tanh", _tanh, per_neuron(_tanh_one), _tanh_gradient, _onnx_unary("Tanh"), function_operations=EXACT_CALL),  # tanh(x), between −1 and 1
    _op("softmax", _softmax, _softmax_worked, _softmax_gradient, _softmax_onnx, probabilities=True,  # e^x / sum of e^x over the layer
        function_operations=EXACT_EXP, fused=_softmax_fused),
    _op("divide_by_sum", _divide_by_sum, _divide_by_sum_worked, _divide_by_sum_gradient, _divide_by_sum_onnx, _validate_positive,  # x / sum of x over the layer
        probabilities=True),
)
