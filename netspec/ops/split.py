"""split(x, N, part=P) and features(x, FIRST, LAST): some of a value's features, copied out.

A real model often computes several things with one weighted sum and cuts the result
apart: GPT-2's `c_attn` makes each position's query, key and value side by side, 3 × 768
numbers, and splits them. `layer q, k, v = split(qkv, 3)` is written once and reads as
the three layers `split(qkv, 3, part=1)`, `part=2`, `part=3` (netspec/lang/transform.py):
part P holds features (P − 1)·d/N + 1 to P·d/N of every position. `features(x, 1, 48)`
takes features 1 to 48, counted from 1, both ends included. On a vector the features are
its numbers. Nothing is computed: every number is a copy, and the trace says where from.
"""

from __future__ import annotations

import numpy as np

from netspec.lang import nodes
from netspec.ops.base import per_position, Cost, OpDef, ShapeResult, sequence_names
from netspec.ops.context import CheckContext
from netspec.ops.worked import Chain, Num, Record, address
from netspec.phrases import Phrase
from netspec.records import record


def check_split(ctx: CheckContext, call) -> ShapeResult | None:
    args = _args(ctx, call, "split", "split(x, N)", ("part",))
    if args is None:
        return None
    x, (count,), options = args
    width = len(x.features) if x.is_sequence else len(x.names)
    if not count.is_integer() or count < 1 or width % int(count):
        ctx.fail(f"split cuts the {width} features of `{x.name}` into equal parts, and {count:g} parts cannot be "
                 "equal", call.span, hint=f"give a whole number of parts that divides {width}", code="NS241")
        return None
    n = int(count)
    part = options.get("part")
    if part is None or not (float(part).is_integer() and 1 <= part <= n):
        hint = f"name each part: `layer {', '.join(f'part{i}' for i in range(1, n + 1))} = split({x.name}, {n})`"
        ctx.fail(f"split({x.name}, {n}) makes {n} parts: " + ("say which" if part is None else
                 f"part={part:g} is not one of 1 to {n}"), call.span, hint=hint, code="NS241")
        return None
    size = width // n
    return _taken(x, int(part - 1) * size, int(part) * size)


def check_features(ctx: CheckContext, call) -> ShapeResult | None:
    args = _args(ctx, call, "features", "features(x, FIRST, LAST)", (), numbers=2)
    if args is None:
        return None
    x, (first, last), _ = args
    width = len(x.features) if x.is_sequence else len(x.names)
    if not (first.is_integer() and last.is_integer() and 1 <= first <= last <= width):
        ctx.fail(f"features({x.name}, {first:g}, {last:g}) asks for features {first:g} to {last:g}, but `{x.name}` "
                 f"has {width}", call.span, hint=f"give whole numbers from 1 to {width}, the first no larger than "
                                                 "the last", code="NS241")
        return None
    return _taken(x, int(first) - 1, int(last))


def _args(ctx: CheckContext, call, op: str, form: str, keywords: tuple[str, ...], numbers: int = 1):
    """(value, the numbers, the options) of `op(x, n…, part=…)`, or None (reported)."""
    refs = [a for a in call.args if isinstance(a, nodes.Ref)]
    nums = [a.value for a in call.args if isinstance(a, nodes.Num)]
    given = {a.name.text: a.value for a in call.args if isinstance(a, nodes.KeywordArg)}
    unknown = [name for name in given if name not in keywords]
    in_order = call.args[:1] == tuple(refs[:1])
    if len(refs) != 1 or len(nums) != numbers or unknown or not in_order or any(
            isinstance(v, str) for v in given.values()):
        ctx.fail(f"{op} takes a value and {numbers} number{'s' if numbers > 1 else ''}" +
                 (f"; it has no option `{unknown[0]}`" if unknown else ""), call.span, hint=f"write {form}",
                 code="NS207")
        return None
    x = ctx.value(refs[0])
    if x is None:
        return None
    return x, tuple(float(n) for n in nums), given


def _taken(x, start: int, stop: int) -> ShapeResult:
    """Features start … stop − 1 (from 0) of every position of x."""
    if not x.is_sequence:
        return ShapeResult((x.name,), (), x.names[start:stop], options={"indices": tuple(range(start, stop))})
    d = len(x.features)
    features = x.features[start:stop]
    indices = tuple(p * d + f for p in range(len(x.positions)) for f in range(start, stop))
    return ShapeResult((x.name,), (), sequence_names(x.positions, features), options={"indices": indices},
                       positions=x.positions, features=features)


@record
class Taken(Record):
    """The numbers copied: nothing in between."""


def split_explain(xs, ps, options):
    return xs[0][:, list(options["indices"])], Taken()


def split_kernel(xs, ps, options):
    return split_explain(xs, ps, options)[0]


COPY = Phrase("a copy of some of the features of {value}", "{value} 的部分特征的副本")


def split_worked(step, r: int):
    """Each number, and the number of the value it is copied from."""
    indices, source = step.step.options["indices"], step.step.inputs[0]
    d = len(step.labels) // max(len(step.positions), 1)
    items = [Chain(address(step, label), label, ((f"{source}.{step.input_labels[i]}",), (Num(step.result[r, j]),)),
                   group=step.positions[j // d] if step.positions else None)
             for j, (label, i) in enumerate(zip(step.labels, indices))]
    return [(COPY(value=source),)], items


def split_gradient(xs, ps, options, y, gy):
    """The numbers copied get their gradients back where they came from; the rest had no effect."""
    dx = np.zeros_like(xs[0])
    np.add.at(dx, (slice(None), list(options["indices"])), gy)
    return [dx], []


def split_cost(args, options) -> Cost | None:
    """A copy of part of the value: at most its width."""
    width = args[0].width if args else 0
    return Cost(width, width, width, width)


# split: one of N equal parts of a value's features; features: features FIRST to LAST (from 1)
def split_cached(xs, ps, options, state):
    """The same features of each new position: one position's indices, repeated."""
    local = per_position(options["indices"], state) if state["sequence"] else None
    if local is None:
        return None
    width = xs[0].shape[1] // state["new"]  # the input's features at one position
    if max(local) >= width:
        return None
    return xs, ps, {**options, "indices": tuple(p * width + f for p in range(state["new"]) for f in local)}


def split_onnx(g, xs, ps, options) -> str:
    """Gather the part's columns."""
    return g.node("Gather", xs[0], g.ints(list(options["indices"]), "indices"), axis=1)


OPS = (OpDef("split", "selection", check_split, split_kernel, split_explain, split_worked, cost=split_cost, parts=True,
             gradient=split_gradient, cached=split_cached, onnx=split_onnx),
       OpDef("features", "selection", check_features, split_kernel, split_explain, split_worked, cost=split_cost,
             gradient=split_gradient, cached=split_cached, onnx=split_onnx))
