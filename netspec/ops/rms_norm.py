"""rms_norm(x, g, eps=1e-6): one value in, the same neurons out, divided by the root mean square of the layer.

Root mean square normalisation (Zhang and Sennrich 2019; Llama's normalisation, not in the
article): y = x / √(mean(x²) + eps) · g. Unlike layer_norm it subtracts no mean and adds
no shift: only the size of the numbers is normalised. mean(x²) is taken over the N numbers
of the layer (÷N); eps is added before the square root, as torch.nn.functional.rms_norm
does (1e-6 is Llama's; eps=0 is the paper's exact form, and then a layer of zeros is an
error, not a NaN).

Shape rule: g is a `vector` table, one number per neuron of x (per feature of a sequence,
where each position is normalised over its own features), labelled by x's neurons in x's
order, as layer_norm's scale.
"""

from __future__ import annotations

import numpy as np

from netspec.errors import NumericError
from netspec.ops.arithmetic import EXACT, FAST
from netspec.ops.base import OpDef, ShapeResult
from netspec.ops.context import CheckContext
from netspec.ops.normalization import vector_fits
from netspec.ops.options import Option
from netspec.ops.worked import Chain, Num, Record, address, grouped, mean_chain, positions
from netspec.phrases import Phrase
from netspec.records import record

OPTIONS = (Option("eps", "number", 1e-6, low=0.0,
                  why="eps is added to the mean of the squares before the square root: 1e-6 in Llama, "
                      "0 in the paper's exact form"),)


def check_rms_norm(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "rms_norm", ("a value", "a gain vector"), options=OPTIONS)
    options = ctx.keywords(call, "rms_norm", OPTIONS)
    if refs is None or options is None:
        return None
    x, gain = ctx.value(refs[0]), ctx.param(refs[1], "vector")
    if x is None or gain is None or not vector_fits(ctx, refs[1], x, gain):
        return None
    if x.is_sequence:
        return ShapeResult((x.name,), (gain.name,), x.names, options=dict(options, positions=len(x.positions)))
    return ShapeResult((x.name,), (gain.name,), x.names, options=options, bindings={gain.name: (None, ctx.current)})


@record
class RmsNorm(Record):
    x: np.ndarray  # (batch, n), or (batch, positions, d)
    n: np.float64  # the numbers each mean is over
    squared: np.ndarray  # x·x
    squared_total: np.ndarray  # (batch, 1)
    mean_square: np.ndarray  # ÷N
    eps: np.float64
    mean_square_eps: np.ndarray
    rms: np.ndarray  # √(mean(x²) + eps)
    normed: np.ndarray  # x / rms
    gain: np.ndarray  # (n,) or (d,)


def rms_norm_explain(xs, ps, options, arith=EXACT):
    x = xs[0]
    if "positions" in options:
        x = x.reshape(x.shape[0], options["positions"], -1)  # each position on its own
    n = x.dtype.type(x.shape[-1])  # float64 (a float32 plan: float32, not widened)
    squared = x * x
    squared_total = arith.sum(squared, axis=-1, keepdims=True)  # first to last, as printed
    mean_square = squared_total / n
    eps = x.dtype.type(options["eps"])
    mean_square_eps = mean_square + eps
    rms = np.sqrt(mean_square_eps)
    normed = x / rms  # 0/0 = NaN for a layer of zeros with eps = 0
    normed = np.where(np.isinf(rms), np.nan, normed)  # x / ∞ = 0 would be wrong: the squares overflowed
    gain = ps[0]
    result = (normed * gain).reshape(xs[0].shape)
    return result, RmsNorm(x, n, squared, squared_total, mean_square, eps, mean_square_eps, rms, normed, gain)


def rms_norm_kernel(xs, ps, options):
    return rms_norm_explain(xs, ps, options, FAST)[0]


def rms_norm_gradient(xs, ps, options, y, gy):
    """y = x/rms·g: ∂g = Σ gy·x/rms, and with d = gy·g, ∂x = d/rms − x·mean(d·x)/rms³."""
    record = rms_norm_explain(xs, ps, options, FAST)[1]
    x, rms = record.x, record.rms
    g = gy.reshape(x.shape)
    d = g * ps[0]
    dx = d / rms - x * (d * x).mean(axis=-1, keepdims=True) / rms ** 3
    gain = (g * record.normed).reshape(-1, x.shape[-1]).sum(axis=0)
    return [dx.reshape(xs[0].shape)], [gain]


def rms_norm_fault(xs, ps, options, row):
    """A layer of zeros with eps = 0 (0/√0), or squares beyond float64."""
    x = xs[0][row].reshape(options.get("positions", 1), -1)
    with np.errstate(all="ignore"):
        if np.isfinite(x).all() and not np.isfinite((x * x).sum(axis=-1)).all():
            return NumericError("rms_norm's mean of squares overflows: the squares are beyond float64 (about "
                                "1.8e308)", hint="the numbers reaching rms_norm are near 1e154 or more; check the "
                                "weights before it", code="NS501")
    if options["eps"] != 0 or not any(np.all(p == 0) for p in x):
        return None
    return NumericError("rms_norm's mean of squares is 0 because every number is 0, and with eps=0 "
                        "x/√(mean(x²) + eps) is 0/0", hint="state an epsilon, as Llama does: rms_norm(..., eps=1e-6)",
                        code="NS503")


MEAN_SQUARE = Phrase("mean square", "平方的平均数")
RMS = Phrase("rms", "均方根")
NORMALISED = Phrase("{label} normalised", "{label} 标准化后")
MEAN_OF_SQUARES = Phrase("mean of the squares (÷", "平方的平均数（÷")
OVER_LAYER = Phrase(") over the layer; eps = ", "）在整层上算；eps = ")
BECOMES = Phrase("; each number becomes x / rms, then × its gain; no mean is subtracted",
                 "；每个数变成 x / 均方根，再 × 它的增益；不减平均数")


def rms_norm_worked(step, r: int):
    items = []
    for group, offset, labels, (x, squared, normed, total, mean_square, mean_square_eps, rms) in positions(
            step, r, "x", "squared", "normed", "squared_total", "mean_square", "mean_square_eps", "rms"):
        items += _position(step, r, group, offset, labels, x, squared, normed, total[0], mean_square[0],
                           mean_square_eps[0], rms[0])
    rec = step.record
    return [(MEAN_OF_SQUARES(), Num(rec.n), OVER_LAYER(), Num(rec.eps), BECOMES())], items


def _position(step, r, group, offset, labels, x, squared, normed, total, mean_square, mean_square_eps, rms) -> list:
    """The root mean square of one position (of the whole layer, for a vector), then each of its numbers."""
    rec = step.record
    items = [Chain(f"{step.name}.{label}²", f"{label}²", ((Num(x[j]), "·", Num(x[j])), (Num(squared[j]),)),
                   group=group) for j, label in enumerate(labels)]
    items.append(mean_chain(step, grouped(MEAN_SQUARE(), group), squared, total, rec.n, mean_square, group))
    rms_label = grouped(RMS(), group)
    items.append(Chain(f"{step.name}.{rms_label}", rms_label, (
        ("√(", Num(mean_square), " + ", Num(rec.eps), ")"), ("√", Num(mean_square_eps)), (Num(rms),)), group=group))
    for f, label in enumerate(labels):
        gain = float(rec.gain[f])
        items += [Chain(f"{step.name}.{label} normalised", NORMALISED(label=label),
                        ((Num(x[f]), " / ", Num(rms)), (Num(normed[f]),)), group=group),
                  Chain(address(step, label), label, ((Num(normed[f]), "·", Num(gain)),
                                                      (Num(step.result[r, offset + f]),)), group=group)]
    return items


def rms_norm_onnx(g, xs, ps, options) -> str:
    """x / √(mean(x·x) + eps) × gain, per position, in rms_norm_explain's order."""
    x = g.per_position(xs[0], options)
    mean_square = g.node("ReduceMean", g.node("Mul", x, x), axes=[-1], keepdims=1)
    rms = g.node("Sqrt", g.node("Add", mean_square, g.scalar(options["eps"], "eps")))
    return g.flat(g.node("Mul", g.node("Div", x, rms), ps[0]), options)


# x / √(mean(x²) + eps) over the layer, then × gain
OPS = (OpDef("rms_norm", "normalisation", check_rms_norm, rms_norm_kernel, rms_norm_explain, rms_norm_worked,
             fault=rms_norm_fault, gradient=rms_norm_gradient, onnx=rms_norm_onnx),)
