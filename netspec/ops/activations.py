"""Activations: one value in, the same neurons out, each number transformed.

identity, relu, logistic (sigmoid), tanh work neuron by neuron; softmax and
divide_by_sum look at the whole layer so that the outputs add up to 1. On a sequence
"the whole layer" is one position's features: each position adds up to 1.
"""

from __future__ import annotations

import numpy as np

from netspec.ops.arithmetic import EXACT, FAST
from netspec.ops.base import EXACT_CALL, EXACT_EXP, OpDef, ShapeResult, elementwise_cost


def check_one_value(ctx, call) -> ShapeResult | None:
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


def _identity(xs, ps, options, arith=EXACT):
    return xs[0].copy(), {"x": xs[0]}


def _relu(xs, ps, options, arith=EXACT):
    return np.maximum(xs[0], 0.0), {"x": xs[0]}


def _logistic(xs, ps, options, arith=EXACT):
    x = xs[0]  # (batch, n)
    exp_neg = arith.exp(-x)  # e^(−x); overflows to inf for x < −709, and 1/inf is the right limit 0
    denominator = 1.0 + exp_neg
    return 1.0 / denominator, {"x": x, "exp_neg": exp_neg, "denominator": denominator}


def _tanh(xs, ps, options, arith=EXACT):
    return arith.tanh(xs[0]), {"x": xs[0]}


def _softmax(xs, ps, options, arith=EXACT):
    x = _per_position(xs[0], options)  # (batch, n), or (batch, positions, d)
    largest = x.max(axis=-1, keepdims=True)  # (batch, 1); subtracting it keeps e^x from overflowing
    shifted = x - largest
    exps = arith.exp(shifted)
    total = arith.sum(exps, axis=-1, keepdims=True)
    result = (exps / total).reshape(xs[0].shape)
    return result, {"x": x, "largest": largest, "shifted": shifted, "exps": exps, "total": total}


def _divide_by_sum(xs, ps, options, arith=EXACT):
    x = _per_position(xs[0], options)
    total = arith.sum(x, axis=-1, keepdims=True)  # (batch, 1)
    return (x / total).reshape(xs[0].shape), {"x": x, "total": total}


def _validate_positive(name, x):
    """divide_by_sum only makes probabilities of positive numbers (the article's caveat)."""
    bad = np.argwhere(x < 0)
    return None if bad.size == 0 else tuple(bad[0])


def _fast(explain):
    return lambda xs, ps, options: explain(xs, ps, options, FAST)[0]


def _cost(function_operations: int):
    """softmax, the widest of them, keeps x, shifted, exps and the result, each as wide as x;
    logistic and softmax call the exact exp once per number, tanh the correctly rounded tanh."""
    return lambda args, options: elementwise_cost(args, options, kernel=4, explain=5,
                                                  operations=6 + function_operations) if args else None


def _op(name, summary, explain, validate=None, function_operations=0):
    return OpDef(name, summary, "activation", check_one_value, _fast(explain), explain, validate,
                 cost=_cost(function_operations))


OPS = (
    _op("identity", "the number unchanged", _identity),
    _op("relu", "max(0, x): negative numbers become 0", _relu),
    _op("logistic", "1 / (1 + e^(−x)), between 0 and 1", _logistic, function_operations=EXACT_EXP),
    _op("tanh", "tanh(x), between −1 and 1", _tanh, function_operations=EXACT_CALL),
    _op("softmax", "e^x / sum of e^x over the layer", _softmax, function_operations=EXACT_EXP),
    _op("divide_by_sum", "x / sum of x over the layer", _divide_by_sum, _validate_positive),
)
