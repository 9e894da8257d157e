"""layer_norm(x[, scale, shift], eps=1e-5): one value in, the same neurons out, normalised over the layer.

The article's section on layer normalisation (notes §1.10): the mean M and the population
standard deviation S (÷N, not ÷(N − 1)) of the layer's numbers, then (x − M)/S for each,
then each neuron's own scale (multiply) and shift (add). The article has no epsilon;
nanoGPT and PyTorch add eps = 1e-5 to the variance before the square root, so
S = √(variance + eps). The spec states eps (the default is PyTorch's); eps=0 is the
article's form, and then a layer of equal numbers is an error, not a NaN.

Shape rule: scale and shift are `vector` tables, one number per neuron of x, labelled by
x's neurons in x's order; both are given or neither. On a sequence each position is
normalised over its own features (as nanoGPT's LayerNorm), and scale and shift have one
number per feature.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from netspec.errors import Note, NumericError
from netspec.ops.arithmetic import EXACT, FAST, constant, ones, read_only
from netspec.ops.base import over_new_positions, OpDef, ShapeResult, elementwise_cost
from netspec.ops.context import CheckContext
from netspec.ops.worked import MEAN, Chain, Num, Record, address, grouped, mean_chain, positions
from netspec.ops.options import Option
from netspec.phrases import Phrase
from netspec.records import record

OPTIONS = (Option("eps", "number", 1e-5, low=0.0,
                  why="eps is added to the variance before the square root: 1e-5 in nanoGPT and PyTorch, "
                      "0 in the article"),)


def check_layer_norm(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "layer_norm", ("a value",), optional=("a scale vector", "a shift vector"),
                          options=OPTIONS)
    options = ctx.keywords(call, "layer_norm", OPTIONS)
    if refs is None or options is None:
        return None
    if len(refs) == 2:
        ctx.fail("layer_norm takes a scale vector and a shift vector, or neither; it was given one", refs[1].span,
                 hint=f"write layer_norm({refs[0].name.text}, scale, shift) or layer_norm({refs[0].name.text})",
                 code="NS207")
        return None
    x = ctx.value(refs[0])
    vectors = [ctx.param(ref, "vector") for ref in refs[1:]]
    if x is None or any(v is None for v in vectors):
        return None
    if not all([vector_fits(ctx, ref, x, v) for ref, v in zip(refs[1:], vectors)]):
        return None
    bindings = {} if x.is_sequence else {v.name: (None, ctx.current) for v in vectors}
    if x.is_sequence:
        options = dict(options, positions=len(x.positions))
    return ShapeResult((x.name,), tuple(v.name for v in vectors), x.names, options=options, bindings=bindings)


def vector_fits(ctx, ref, x, vector) -> bool:
    """A scale or shift has one number per neuron of x (per feature of a sequence), labelled in x's order."""
    wanted = x.features if x.is_sequence else x.names
    if vector.col_names == wanted or (not vector.labelled and len(vector.col_names) == len(wanted)):
        return True  # labelled in x's order, or numbers from a file, read by position
    ctx.fail(f"the vector {vector.name} has columns {', '.join(vector.col_names)} but `{x.name}` has "
             f"{'features' if x.is_sequence else 'neurons'} {', '.join(wanted)}", ref.span,
             hint=f"label {vector.name}'s columns {', '.join(wanted)}, in this order: one number per neuron",
             notes=[Note(vector.span, f"{vector.name} is declared"), Note(x.span, f"`{x.name}` is declared")],
             code="NS205")
    return False


@record
class LayerNorm(Record):
    x: np.ndarray  # (batch, n), or (batch, positions, d)
    n: np.float64  # the numbers each mean is over
    total: np.ndarray  # (batch, 1)
    mean: np.ndarray
    deviation: np.ndarray  # x − mean
    squared: np.ndarray
    squared_total: np.ndarray
    variance: np.ndarray  # ÷N
    eps: np.float64
    variance_eps: np.ndarray
    std: np.ndarray  # √(variance + eps)
    normed: np.ndarray  # (x − mean) / std
    scale: np.ndarray | None = None  # (n,) or (d,)
    shift: np.ndarray | None = None
    scaled: np.ndarray | None = None  # normed × scale


def layer_norm_explain(xs, ps, options, arith=EXACT):
    x = xs[0]  # (batch, n), or (batch, positions, d) for a sequence: each position on its own
    if "positions" in options:
        x = x.reshape(x.shape[0], options["positions"], -1)
    n = x.dtype.type(x.shape[-1])  # float64 (a float32 plan: float32, not widened)
    total = arith.sum(x, axis=-1, keepdims=True)  # (batch, 1)
    mean = total / n
    deviation = x - mean  # (batch, n)
    squared = deviation * deviation
    squared_total = arith.sum(squared, axis=-1, keepdims=True)  # (batch, 1)
    variance = squared_total / n  # population variance: ÷N, as the article's standard deviation
    eps = x.dtype.type(options["eps"])
    variance_eps = variance + eps
    std = np.sqrt(variance_eps)  # (batch, 1)
    normed = deviation / std  # (batch, n); 0/0 = NaN when every number is equal and eps = 0
    normed = np.where(np.isinf(std), np.nan, normed)  # x / ∞ = 0 would be wrong: the squares overflowed
    stats = (x, n, total, mean, deviation, squared, squared_total, variance, eps, variance_eps, std, normed)
    if not ps:
        return normed.reshape(xs[0].shape), LayerNorm(*stats)
    scale, shift = ps  # (n,), (n,)
    scaled = normed * scale
    return (scaled + shift).reshape(xs[0].shape), LayerNorm(*stats, scale, shift, scaled)


def layer_norm_kernel(xs, ps, options):
    if xs[0].dtype == np.float32:
        return _layer_norm_float32(xs[0], ps, options)
    return layer_norm_explain(xs, ps, options, FAST)[0]


def _layer_norm_float32(x, ps, options):
    """A float32 batch: the same statistics, with none of NumPy's slow passes over a short last axis. Each sum
    over a position's features is one matrix-vector product; each number's factor scale/std is one outer
    product (BLAS), so that the deviations are multiplied by an array as wide as theirs; and the shift is
    added over rows of many positions at once (its copies side by side), not one position's few features.
    Every pass is in place."""
    d = x.shape[-1] // options.get("positions", 1)
    rows = x.reshape(-1, d)  # one position (or the whole layer) a row
    if rows.size <= SMALL:
        return _layer_norm_small(rows, ps, options).reshape(x.shape)
    by_ones, n = ones(d), np.float32(d)
    mean = np.dot(rows, by_ones)
    mean /= n
    deviation = rows - mean[:, None]
    squared = np.multiply(deviation, deviation)
    std = np.dot(squared, by_ones)
    std /= n
    std += np.float32(options["eps"])
    np.sqrt(std, out=std)
    inverse = np.divide(np.float32(1), std)  # 1/0 = ∞, and 0·∞ = NaN when every number is equal and eps = 0
    if ps:
        scale = np.asarray(ps[0], dtype=np.float32).reshape(1, d)
        deviation *= np.dot(inverse[:, None], scale, out=squared)  # (rows, d): scale_j / std_i
        _add_rows(deviation, ps[1])
    else:
        deviation *= inverse[:, None]
    if not math.isfinite(np.maximum.reduce(std, axis=None)):  # one pass; a NaN or ∞ std is rare
        deviation[np.isinf(std)] = np.nan  # x / ∞ = 0 would be wrong: the squares overflowed
    return deviation.reshape(x.shape)


SMALL = 4096  # numbers: a batch this small (one window of a generation) costs its calls, not its passes


def _layer_norm_small(rows, ps, options):
    """_layer_norm_float32 for a few hundred numbers, in the fewest and cheapest NumPy calls (each costs more
    than its pass here): the means are products with a column of 1/d, so they come out as a column, each
    position's deviations are divided by its std, then multiplied by the scale, in place (the outer product
    pays only on a wide batch), and eps is a 0-d array (ops/arithmetic.py constant)."""
    by_mean = _means_by(rows.shape[1])  # (d, 1)
    deviation = rows - np.dot(rows, by_mean)
    std = np.dot(deviation * deviation, by_mean)  # (rows, 1)
    std += constant(options["eps"])
    np.sqrt(std, out=std)
    deviation /= std  # 0/0 = NaN when every number is equal and eps = 0
    if ps:
        deviation *= ps[0]
        deviation += ps[1]
    if not math.isfinite(np.vdot(std, ones(len(std)))):  # one product; a NaN or ∞ std is rare
        deviation[np.isinf(std[:, 0])] = np.nan  # x / ∞ = 0 would be wrong: the squares overflowed
    return deviation


@lru_cache(maxsize=16)
def _means_by(d: int) -> np.ndarray:
    """A column of d float32 numbers 1/d: a row's product with it is its mean."""
    return read_only(np.full((d, 1), 1 / d, dtype=np.float32))


WIDE = 256  # numbers: a row at least this wide makes NumPy's broadcast add run at its full speed


def _add_rows(table: np.ndarray, vector: np.ndarray) -> None:
    """table += vector along every row, in place: with `side` rows laid end to end as one wider row, and the
    vector repeated as many times, where the row count allows it (and the table is big enough to pay
    for the copies)."""
    side = math.gcd(len(table), max(1, WIDE // table.shape[1]))
    if side == 1 or table.size < WIDE * 16:
        table += vector
        return
    wide = table.reshape(-1, table.shape[1] * side)
    wide += np.tile(vector, side)


def layer_norm_gradient(xs, ps, options, y, gy):
    """With n = (x − mean)/std: ∂scale = Σ gy·n, ∂shift = Σ gy, and, g = gy·scale,
    ∂x = (g − mean(g) − n·mean(g·n)) / std: the mean and the std depend on every number too."""
    record = layer_norm_explain(xs, ps, options, FAST)[1]
    normed, std = record.normed, record.std
    g = gy.reshape(normed.shape)
    grads = []
    if ps:
        flat = normed.reshape(-1, normed.shape[-1]), g.reshape(-1, normed.shape[-1])
        grads = [(flat[0] * flat[1]).sum(axis=0), flat[1].sum(axis=0)]
        g = g * ps[0]
    dx = (g - g.mean(axis=-1, keepdims=True) - normed * (g * normed).mean(axis=-1, keepdims=True)) / std
    return [dx.reshape(xs[0].shape)], grads


def layer_norm_fault(xs, ps, options, row):
    """Equal numbers with eps = 0: the variance is 0 and (x − mean)/√0 is 0/0; or squares beyond float64."""
    x = xs[0][row].reshape(options.get("positions", 1), -1)  # (positions, d)
    with np.errstate(all="ignore"):
        if np.isfinite(x).all() and not np.isfinite(((x - x.mean(axis=-1, keepdims=True)) ** 2).sum(axis=-1)).all():
            return NumericError("layer_norm's variance overflows: the squared deviations from the mean are beyond "
                                "float64 (about 1.8e308)", hint="the numbers reaching layer_norm are near 1e154 or more; "
                                "check the weights before it", code="NS501")
    flat = next((p for p in x if np.all(p == p[0])), None)
    if options["eps"] != 0 or flat is None:
        return None
    x = flat
    reason = "there is one number" if x.size == 1 else f"all {x.size} numbers are equal ({x[0]:g})"
    return NumericError(f"layer_norm's variance is 0 because {reason}, and with eps=0 (x − mean)/√(variance + eps) "
                        "is 0/0", hint="state an epsilon, as nanoGPT and PyTorch do: layer_norm(..., eps=1e-5)",
                        code="NS503")


VARIANCE = Phrase("variance", "方差")
DEVIATION = Phrase("({label} − mean)²", "({label} − 平均数)²")
STD = Phrase("std", "标准差")
NORMALISED = Phrase("{label} normalised", "{label} 标准化后")
MEAN_VARIANCE = Phrase("mean and variance (÷", "平均数和方差（÷")
OVER_LAYER = Phrase(") over the layer; eps = ", "）在整层上算；eps = ")
ARTICLES = Phrase(" (the article's form)", "（文章的写法）")
NANOGPT = Phrase(" (as nanoGPT and PyTorch)", "（同 nanoGPT 和 PyTorch）")
BECOMES = Phrase("; each number becomes (x − mean) / std", "；每个数变成 (x − 平均数) / 标准差")
BECOMES_SHIFTED = Phrase("; each number becomes (x − mean) / std, then × scale + shift",
                         "；每个数变成 (x − 平均数) / 标准差，再 × scale + shift")


def layer_norm_worked(step, r: int):
    items = []
    for group, offset, labels, (x, deviation, squared, normed, total, mean, squared_total, variance,
                                variance_eps, std) in positions(
            step, r, "x", "deviation", "squared", "normed", "total", "mean", "squared_total", "variance",
            "variance_eps", "std"):
        items += _layer_norm_position(step, r, group, offset, labels, x, deviation, squared, normed, total[0],
                                      mean[0], squared_total[0], variance[0], variance_eps[0], std[0])
    return [_layer_norm_preamble(step)], items


def _layer_norm_position(step, r, group, offset, labels, x, deviation, squared, normed, total, mean, squared_total,
                         variance, variance_eps, std) -> list:
    """The statistics of one position (of the whole layer, for a vector), then each of its numbers."""
    rec, n = step.record, step.record.n
    items = [mean_chain(step, grouped(MEAN(), group), x, total, n, mean, group)]
    items += [Chain(f"{step.name}.({label} − mean)²", DEVIATION(label=label), (
        ("(", Num(x[j]), " − ", Num(mean), ")²"), (Num(deviation[j]), "·", Num(deviation[j])), (Num(squared[j]),)),
        group=group) for j, label in enumerate(labels)]
    items.append(mean_chain(step, grouped(VARIANCE(), group), squared, squared_total, n, variance, group))
    std_label = grouped(STD(), group)
    items.append(Chain(f"{step.name}.{std_label}", std_label, (
        ("√(", Num(variance), " + ", Num(rec.eps), ")"), ("√", Num(variance_eps)), (Num(std),)), group=group))
    for j, label in enumerate(labels):
        items += _normalised(step, r, offset + j, j, label, deviation[j], std, normed[j], group)
    return items


def _layer_norm_preamble(step) -> tuple:
    eps = step.record.eps
    source = {0.0: ARTICLES(), 1e-5: NANOGPT()}.get(float(eps), "")
    return (MEAN_VARIANCE(), Num(step.record.n), OVER_LAYER(), Num(eps), source,
            (BECOMES_SHIFTED if step.params else BECOMES)())


def _normalised(step, r: int, j: int, f: int, label: str, deviation, std, normed, group) -> list[Chain]:
    """`h1 = (x − mean) / std`, or with a scale and shift `h1 normalised = …` then `h1 = n·scale + shift`.

    j counts the value's numbers, f the numbers of one position (the scale's and shift's columns).
    """
    divided = (Num(deviation), " / ", Num(std))
    if not step.params:
        return [Chain(address(step, label), label, (divided, (Num(step.result[r, j]),)), group=group)]
    scale, shift = (float(a[f]) for a in (step.record.scale, step.record.shift))
    scaled = np.asarray(step.record.scaled[r]).reshape(-1)[j]
    return [Chain(f"{step.name}.{label} normalised", NORMALISED(label=label), (divided, (Num(normed),)), group=group),
            Chain(address(step, label), label, ((Num(normed), "·", Num(scale), " + ", Num(shift)),
                                                (Num(scaled), " + ", Num(shift)), (Num(step.result[r, j]),)),
                  group=group)]


def layer_norm_onnx(g, xs, ps, options) -> str:
    """mean, deviation, population variance (÷N), √(variance + eps), then × scale + shift, per position,
    in layer_norm_explain's order (ONNX's LayerNormalization has no float64 kernel in onnxruntime)."""
    x = g.per_position(xs[0], options)
    mean = g.node("ReduceMean", x, axes=[-1], keepdims=1)
    deviation = g.node("Sub", x, mean)
    variance = g.node("ReduceMean", g.node("Mul", deviation, deviation), axes=[-1], keepdims=1)
    std = g.node("Sqrt", g.node("Add", variance, g.scalar(options["eps"], "eps")))
    normed = g.node("Div", deviation, std)
    if ps:
        normed = g.node("Add", g.node("Mul", normed, ps[0]), ps[1])
    return g.flat(normed, options)


def layer_norm_cost(args, options):
    """deviation, squared, normed (twice), scaled and the result, each as wide as x."""
    return elementwise_cost(args, options, kernel=7, explain=7, operations=8) if args else None


# (x − mean)/√(variance + eps) over the layer, then × scale + shift
OPS = (OpDef("layer_norm", "normalisation", check_layer_norm, layer_norm_kernel, layer_norm_explain,
             layer_norm_worked, fault=layer_norm_fault, cost=layer_norm_cost, gradient=layer_norm_gradient,
             cached=over_new_positions, onnx=layer_norm_onnx, propagates=True),)
