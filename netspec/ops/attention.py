"""attention(q, k, v, …): queries, keys and values in; each query's weighted sum of values out.

The article's self-attention (notes §1.7): k_i = Wk·x_i, q = Wq·x_last, v_i = Wv·x_i, each
score u_i = k_i · q (a dot product), the scores through softmax so they add up to 1, and
the output Σ u_i·v_i. Here the three projections are ordinary layers (`dense` at every
position) and this operation is what follows them, so a spec shows each part.

Options say which form is meant, and the trace names it:
  query=last    the article: one query, from the last position (the token before the one
                to predict); the result is one vector. query=all: every position asks.
  scale=none    the article: scores as they are. scale=sqrt: ÷√(features per head), as
                the original paper, nanoGPT and PyTorch do.
  mask=none     every query sees every key. mask=causal: a position sees itself and the
                positions before it (a language model must not read ahead).
  heads=1       several heads: the features of q, k and v are split into equal slices,
                one per head, and the heads' results are set side by side (the standard
                scheme; its output projection W_O is a `dense` after this).
Cross-attention is the same operation with q from one sequence and k, v from another.

Shape rule: q, k and v are sequences; q and k have the same number of features; k and v
the same positions; heads divides both feature counts; a causal mask needs q and k of
the same length.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from netspec.errors import Note
from netspec.ops.arithmetic import EXACT, constant, ones, read_only
from netspec.ops.base import EXACT_EXP, Cost, Diagram, OpDef, ShapeResult, sequence_names
from netspec.ops.context import CheckContext
from netspec.ops.options import Option
from netspec.ops.worked import Arg, Chain, Num, Record, Sum, Term, address, total_chain
from netspec.phrases import Phrase
from netspec.records import record

OPTIONS = (
    Option("query", "word", "all", choices=("all", "last"),
           why="query=last is the article's form (one query, from the last position); query=all asks at every position"),
    Option("scale", "word", "sqrt", choices=("sqrt", "none"),
           why="scale=sqrt divides each score by √(features per head), as PyTorch does; scale=none is the article's form"),
    Option("mask", "word", "none", choices=("none", "causal"),
           why="mask=causal lets a position see only itself and the positions before it"),
    Option("heads", "number", 1, low=1, why="heads splits the features into equal slices, one per head"),
)


def check_attention(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "attention", ("queries q", "keys k", "values v"), options=OPTIONS)
    options = ctx.keywords(call, "attention", OPTIONS)
    if refs is None or options is None:
        return None
    q, k, v = (ctx.value(ref) for ref in refs)
    if q is None or k is None or v is None:
        return None
    if not _shapes_fit(ctx, call, refs, q, k, v, options):
        return None
    heads = int(options["heads"])
    options = dict(options, heads=heads, queries=len(q.positions), keys=len(k.positions),
                   features=len(q.features), value_features=len(v.features),
                   query_positions=q.positions, key_positions=k.positions,
                   features_of=(q.features, k.features, v.features))
    inputs = (q.name, k.name, v.name)
    padding = ctx.padding(k)
    if padding is not None:  # the keys of a text of `tokens up to N`: padding positions get no weight
        inputs, options = inputs + (padding[0],), dict(options, pad=padding[1])
    asking = ctx.padding(q)
    if asking is not None:  # the queries of such a text: a trace shows only the real tokens' (cross-attention's
        if padding is None or asking[0] != padding[0]:  # queries may come from another text than its keys)
            inputs = inputs + (asking[0],)
        options = dict(options, query_pad=asking[1], query_tokens=inputs.index(asking[0]))
    if options["query"] == "last":
        return ShapeResult(inputs, (), v.features, options=options)
    return ShapeResult(inputs, (), sequence_names(q.positions, v.features), options=options,
                       positions=q.positions, features=v.features)


def _shapes_fit(ctx, call, refs, q, k, v, options) -> bool:
    for ref, value in zip(refs, (q, k, v)):
        if not value.is_sequence:
            ctx.fail(f"attention reads sequences (positions × features), but `{value.name}` is "
                     f"{value.describe_shape()}", ref.span, code="NS240",
                     hint="compute q, k and v with dense(x, W) over an embedded sequence, one row of W per feature")
            return False
    problems = []
    if len(q.features) != len(k.features):
        problems.append((refs[1], f"each score is q · k, so q and k need the same number of features, but `{q.name}` "
                                  f"has {len(q.features)} and `{k.name}` has {len(k.features)}",
                         "give Wq and Wk the same number of columns"))
    if k.positions != v.positions:
        problems.append((refs[2], f"each key has its value, so `{k.name}` and `{v.name}` need the same positions",
                         "compute k and v from the same sequence"))
    heads = options["heads"]
    if heads != int(heads) or len(q.features) % int(heads) or len(v.features) % int(heads):
        problems.append((call, f"heads={heads:g} must split {len(q.features)} query features and {len(v.features)} "
                               "value features into equal slices", "choose a number of heads that divides both"))
    if options["mask"] == "causal" and len(q.positions) != len(k.positions):
        problems.append((call, f"a causal mask compares positions, but `{q.name}` has {len(q.positions)} and "
                               f"`{k.name}` {len(k.positions)}", "cross-attention reads every key: mask=none"))
    for where, message, hint in problems:
        ctx.fail(f"shape mismatch: {message}", where.span, hint=hint, code="NS240",
                 notes=[Note(value.span, f"`{value.name}` is {value.describe_shape()}")
                        for value in {v.name: v for v in (q, k, v)}.values()])
    return not problems


def _split(x, n, heads):
    """(batch, n·d) → (batch, heads, n, d/heads): each head's slice of the features at each position."""
    batch = x.shape[0]
    return x.reshape(batch, n, heads, -1).transpose(0, 2, 1, 3)


@record
class Attention(Record):
    q: np.ndarray  # (batch, heads, nq, dh)
    k: np.ndarray  # (batch, heads, nk, dh)
    v: np.ndarray  # (batch, heads, nk, dvh)
    score_terms: np.ndarray  # (batch, heads, nq, nk, dh)
    scores: np.ndarray  # (batch, heads, nq, nk): q · k
    root: np.float64  # √dh
    scaled: np.ndarray
    visible: np.ndarray  # (batch or 1, 1, nq, nk): the keys each query sees
    largest: np.ndarray  # (batch, heads, nq, 1)
    shifted: np.ndarray
    exps: np.ndarray
    total: np.ndarray
    weights: np.ndarray  # (batch, heads, nq, nk)
    value_terms: np.ndarray  # (batch, heads, nq, nk, dvh)
    first: int  # the position of the first query
    asking: np.ndarray  # (batch or 1, queries' positions): the positions that are real tokens, not padding


def attention_explain(xs, ps, options):
    heads, nq, nk = options["heads"], options["queries"], options["keys"]
    q, k, v = _split(xs[0], nq, heads), _split(xs[1], nk, heads), _split(xs[2], nk, heads)
    first = options.get("first", 0)  # the first query's position: 0, or later with a key/value cache
    if options["query"] == "last":
        q, first = q[:, :, -1:, :], nq - 1  # (batch, heads, 1, dh): the article's single query
    score_terms = q[:, :, :, None, :] * k[:, :, None, :, :]  # (batch, heads, nq, nk, dh)
    scores = EXACT.sum(score_terms, axis=-1)  # (batch, heads, nq, nk): q · k, in the printed order
    root = np.sqrt(q.dtype.type(q.shape[-1]))  # float64, or a float32 plan's float32
    scaled = scores / root if options["scale"] == "sqrt" else scores
    visible = _visible(xs, options, first, scores.shape[-2])  # (batch, 1, nq, nk)
    largest = np.where(visible, scaled, -np.inf).max(axis=-1, keepdims=True)  # softmax: subtract the largest first
    shifted = scaled - largest
    exps = np.where(visible, EXACT.exp(np.where(visible, shifted, 0.0)), 0.0)  # a masked key's weight is exactly 0
    total = EXACT.sum(exps, axis=-1, keepdims=True)
    weights = exps / total  # (batch, heads, nq, nk)
    value_terms = weights[..., None] * v[:, :, None, :, :]  # (batch, heads, nq, nk, dvh)
    mixed = EXACT.sum(value_terms, axis=-2)  # (batch, heads, nq, dvh)
    result = mixed.transpose(0, 2, 1, 3).reshape(xs[0].shape[0], -1)  # heads side by side at each position
    asking = (xs[options["query_tokens"]] != options["query_pad"] if "query_pad" in options
              else np.ones((1, options["queries"]), dtype=bool))
    return result, Attention(q, k, v, score_terms, scores, root, scaled, visible, largest, shifted, exps, total,
                             weights, value_terms, first, asking)


def attention_exact(xs, ps, options):
    """attention_explain's result, bit for bit, without its record: each q·k is one reduction over the
    head's features laid out first (added row after row, in the printed order: arithmetic.py's
    ordered_sum), and the mask of a text without padding is made once for its shape."""
    heads, nq, nk = options["heads"], options["queries"], options["keys"]
    q, k, v = _split(xs[0], nq, heads), _split(xs[1], nk, heads), _split(xs[2], nk, heads)
    first = options.get("first", 0)
    if options["query"] == "last":
        q, first = q[:, :, -1:, :], nq - 1
    terms = q.transpose(0, 1, 3, 2)[..., :, None] * k.transpose(0, 1, 3, 2)[..., None, :]  # (batch, heads, dh, nq, nk)
    scaled = EXACT.sum(terms, axis=2)  # (batch, heads, nq, nk): q · k
    if options["scale"] == "sqrt":
        scaled = scaled / np.sqrt(q.dtype.type(q.shape[-1]))
    visible = _visible(xs, options, first, scaled.shape[-2]) if "pad" in options else \
        _unpadded_visible(nk, first, scaled.shape[-2], options["mask"] == "causal")
    largest = np.where(visible, scaled, -np.inf).max(axis=-1, keepdims=True)
    exps = np.where(visible, EXACT.exp(np.where(visible, scaled - largest, 0.0)), 0.0)
    weights = exps / EXACT.sum(exps, axis=-1, keepdims=True)  # (batch, heads, nq, nk)
    mixed = EXACT.sum(weights[..., None] * v[:, :, None, :, :], axis=-2)  # (batch, heads, nq, dvh)
    return mixed.transpose(0, 2, 1, 3).reshape(xs[0].shape[0], -1)


@lru_cache(maxsize=64)
def _unpadded_visible(keys: int, first: int, queries: int, causal: bool) -> np.ndarray:
    """(1, 1, queries, keys): _visible of a text without padding, the same for every window of its shape."""
    return read_only(_visible([], {"keys": keys, "mask": "causal" if causal else "none"}, first, queries))


def _visible(xs, options, first: int, queries: int) -> np.ndarray:
    """(batch, 1, queries, keys): which keys each query sees. A causal mask hides the keys after the query; a
    text of `tokens up to N` hides its padding (its token numbers are the fourth input)."""
    nk = options["keys"]
    visible = np.ones((1, 1, queries, nk), dtype=bool)
    if options["mask"] == "causal":
        visible = visible & (np.arange(nk)[None, :] <= np.arange(first, first + queries)[:, None])
    if "pad" in options:
        visible = visible & (xs[3] != options["pad"])[:, None, None, :]
    return visible


def attention_kernel(xs, ps, options):
    heads, nq, nk = options["heads"], options["queries"], options["keys"]
    q, k, v = _split(xs[0], nq, heads), _split(xs[1], nk, heads), _split(xs[2], nk, heads)
    first = options.get("first", 0)
    if options["query"] == "last":
        q, first = q[:, :, -1:, :], nq - 1
    if q.dtype == np.float32:
        return _attention_float32(xs, q, k, v, options, first)
    scores = q @ k.transpose(0, 1, 3, 2)  # (batch, heads, nq, nk)
    if options["scale"] == "sqrt":
        scores = scores / np.sqrt(scores.dtype.type(q.shape[-1]))
    if options["mask"] == "causal" or "pad" in options:
        scores = np.where(_visible(xs, options, first, scores.shape[-2]), scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return (weights @ v).transpose(0, 2, 1, 3).reshape(xs[0].shape[0], -1)


SAFE_SCORE = np.float32(60)  # e^±60 neither overflows float32 nor falls below its normal numbers, even summed


def _attention_float32(xs, q, k, v, options, first: int):
    """A float32 batch: the same softmax(q·kᵀ)·v with every pass in place and none of NumPy's slow ones (a
    reduction along a short last axis, a masked copy). When every score lies within ±60, e^score is taken as
    it is: softmax needs the largest subtracted only to keep e^score in float32's range, and there it is;
    else the largest is found a key at a time and subtracted. Each query's sum is one matrix-vector product,
    and the heads are written side by side by the last product itself."""
    scores = np.matmul(q, k.transpose(0, 1, 3, 2))  # (batch, heads, nq, nk); the views are BLAS's own strides
    if options["scale"] == "sqrt":
        scores /= _root32(q.shape[-1])
    scores = np.ascontiguousarray(scores)  # a split's columns can give a strided one; the sums below read rows
    within = (-SAFE_SCORE <= np.minimum.reduce(scores, axis=None)  # False for a NaN as well
              and np.maximum.reduce(scores, axis=None) <= SAFE_SCORE)
    if "pad" in options:  # a hidden key's score −∞, whatever it was: weight 0
        seen = _visible(xs, options, first, scores.shape[-2])
        np.fmin(scores, np.where(seen, np.float32(np.inf), np.float32(-np.inf)), out=scores)
    elif options["mask"] == "causal":
        np.fmin(scores, _causal_bound(options["keys"], first, scores.shape[-2]), out=scores)
    if not within:
        largest = scores[..., 0].copy()
        for j in range(1, scores.shape[-1]):
            np.maximum(largest, scores[..., j], out=largest)
        scores -= largest[..., None]
    np.exp(scores, out=scores)
    keys = scores.shape[-1]
    scores /= np.dot(scores.reshape(-1, keys), ones(keys)).reshape(scores.shape[:-1] + (1,))
    batch, heads, queries, _ = scores.shape
    result = np.empty((batch, queries, heads, v.shape[-1]), dtype=np.float32)
    np.matmul(scores, v, out=result.transpose(0, 2, 1, 3))
    return result.reshape(batch, -1)


@lru_cache(maxsize=16)
def _root32(features: int) -> np.ndarray:
    """√features in float32 (NumPy's correctly rounded square root), as a 0-d array: arithmetic.py constant."""
    return constant(float(np.sqrt(np.float32(features))))


@lru_cache(maxsize=64)
def _causal_bound(keys: int, first: int, queries: int) -> np.ndarray:
    """(queries, keys) float32: +∞ where a query sees the key, −∞ where the causal mask hides it, so that
    np.fmin(scores, bound) masks in one pass; made once for each shape (one window of a generation is
    small enough that making the mask anew would cost more than the attention's products)."""
    seen = _unpadded_visible(keys, first, queries, True)[0, 0]
    return read_only(np.where(seen, np.float32(np.inf), np.float32(-np.inf)))


def attention_gradient(xs, ps, options, y, gy):
    """Backwards through out = P·v, P = softmax(s), s = q·k (÷ √d): ∂v = Pᵀ·∂out, ∂P = ∂out·vᵀ,
    ∂s = P·(∂P − Σ ∂P·P) (a masked score has P = 0, so none), ∂q = ∂s·k, ∂k = ∂sᵀ·q (each ÷ √d)."""
    heads, nq, nk = options["heads"], options["queries"], options["keys"]
    q, k, v = _split(xs[0], nq, heads), _split(xs[1], nk, heads), _split(xs[2], nk, heads)
    batch = xs[0].shape[0]
    first = nq - 1 if options["query"] == "last" else 0
    if options["query"] == "last":
        q = q[:, :, -1:, :]
    root = np.sqrt(np.float64(q.shape[-1])) if options["scale"] == "sqrt" else 1.0
    scores = q @ k.transpose(0, 1, 3, 2) / root
    visible = np.arange(nk)[None, :] <= np.arange(first, first + q.shape[2])[:, None]
    if options["mask"] == "causal":
        scores = np.where(visible, scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)  # (batch, heads, nq, nk)
    g = gy.reshape(batch, q.shape[2], heads, -1).transpose(0, 2, 1, 3)  # (batch, heads, nq, dvh)
    dv = weights.transpose(0, 1, 3, 2) @ g
    dw = g @ v.transpose(0, 1, 3, 2)
    ds = weights * (dw - (dw * weights).sum(axis=-1, keepdims=True)) / root
    dq, dk = ds @ k, ds.transpose(0, 1, 3, 2) @ q
    if options["query"] == "last":  # only the last position asked: the others' queries had no effect
        dq = np.concatenate([np.zeros((batch, heads, nq - 1, dq.shape[-1])), dq], axis=2)
    joined = [a.transpose(0, 2, 1, 3).reshape(batch, -1) for a in (dq, dk, dv)]
    return joined, []


def attention_worked(step, r: int):
    """Per head and query: each score q·k, (÷ √d), the softmax weights, then each output as Σ weight·v."""
    rec, options = step.record, step.step.options
    q_name, k_name, v_name = step.step.inputs[:3]
    queries, keys = options["query_positions"], options["key_positions"]
    heads, first = options["heads"], rec.first
    seen = rec.visible[min(r, rec.visible.shape[0] - 1), 0]  # (nq, nk)
    real = seen.any(axis=0) if "pad" in options else np.ones(len(keys), dtype=bool)  # the text's own tokens
    asking = rec.asking[min(r, rec.asking.shape[0] - 1)]  # (the queries' positions)
    items = []
    for h in range(heads):
        for qi in range(rec.scores.shape[2]):
            if not asking[first + qi] and rec.scores.shape[2] > 1:
                continue  # a padding position's query: the trace shows only the real tokens
            items += _attention_query(step, r, h, qi, queries[first + qi], keys, (q_name, k_name, v_name), real)
    return [_attention_preamble(step)], items


ASKS_LAST = Phrase("one query, from the last position {position} (the article's form)",
                   "只有一个查询，来自最后一个位置 {position}（文章的写法）")
ASKS_ALL = Phrase("every position asks its own query", "每个位置提出自己的查询")
SCORE = Phrase("; score = q · k; ", "；分数 = q · k；")
DIVIDED = Phrase("each score is divided by ", "每个分数除以 ")
ROOT = Phrase(", the square root of the features per head", "，即每个头的特征数的平方根")
UNSCALED = Phrase("no scaling (the article's form)", "不缩放（文章的写法）")
CAUSAL = Phrase("; causal mask: a position sees itself and the positions before it; ",
                "；因果遮罩：每个位置只看见自己和它前面的位置；")
UNMASKED = Phrase("; no mask: every key is seen; ", "；不遮罩：每个键都看得见；")
WEIGHTS = Phrase("the weights are the softmax of the scores; each output = Σ weight · v",
                 "权重是分数的 softmax；每个输出 = Σ 权重 · v")
HEADS = Phrase("; {heads} heads, each on its own slice of the features", "；{heads} 个头，各自处理一段特征")
MASKED = Phrase("{key} comes after {query}: masked, weight ", "{key} 在 {query} 之后：被遮住，权重 ")


def _attention_preamble(step) -> tuple:
    options, rec = step.step.options, step.record
    asks = (ASKS_LAST(position=options["query_positions"][-1]) if options["query"] == "last" else ASKS_ALL())
    scale = ((DIVIDED(), Num(rec.root), ROOT()) if options["scale"] == "sqrt" else (UNSCALED(),))
    mask = CAUSAL() if options["mask"] == "causal" else UNMASKED()
    heads = HEADS(heads=options["heads"]) if options["heads"] > 1 else ""
    return (asks + SCORE(), *scale, mask + WEIGHTS() + heads)


def _attention_query(step, r, h, qi, query, keys, inputs, real) -> list:
    rec, (q_name, k_name, v_name) = step.record, inputs
    heads = step.step.options["heads"]
    head = f"h{h + 1}." if heads > 1 else ""
    dh, dv = rec.q.shape[-1], rec.v.shape[-1]
    q, k, v = rec.q[r, h, qi], rec.k[r, h], rec.v[r, h]  # (dh,), (nk, dh), (nk, dvh)
    features = step.step.options["features_of"]  # the feature names of q, k and v
    visible = rec.visible[min(r, rec.visible.shape[0] - 1), 0, qi]
    items = []
    for ki, key in enumerate(keys):
        if not real[ki]:
            continue  # padding: no score, no weight, and not in the trace
        label = f"{head}score({query}, {key})"
        if not visible[ki]:
            items.append(Chain(f"{step.name}.{label}", label, ((MASKED(key=key, query=query),
                                                               Num(rec.weights[r, h, qi, ki])),), group=f"{head}{query}"))
            continue
        terms = tuple(Term(f"{q_name}.{query}_{features[0][h * dh + f]}", float(q[f]),
                           f"{k_name}.{key}_{features[1][h * dh + f]}", float(k[ki, f]),
                           float(rec.score_terms[r, h, qi, ki, f])) for f in range(dh))
        items.append(Sum(f"{step.name}.{label}", label, terms, None, float(rec.scores[r, h, qi, ki]), group=f"{head}{query}"))
        if step.step.options["scale"] == "sqrt":
            items.append(Chain(f"{step.name}.{label} scaled", f"{label} scaled", (
                (Num(rec.scores[r, h, qi, ki]), " / ", Num(rec.root)), (Num(rec.scaled[r, h, qi, ki]),)),
                group=f"{head}{query}"))
    items += _attention_softmax(step, r, h, qi, query, keys, head, visible)
    for f in range(dv):
        j = (qi if step.positions else 0) * dv * heads + h * dv + f
        label = step.labels[j]
        terms = tuple(Term(f"{head}weight({query}, {key})", float(rec.weights[r, h, qi, ki]),
                           f"{v_name}.{key}_{features[2][h * dv + f]}",
                           float(v[ki, f]), float(rec.value_terms[r, h, qi, ki, f])) for ki, key in enumerate(keys)
                      if real[ki])
        items.append(Sum(address(step, label), label, terms, None, float(step.result[r, j]), group=f"{head}{query}"))
    return items


def _attention_softmax(step, r, h, qi, query, keys, head, visible) -> list:
    """The softmax of one query's scores: the largest, each e^(s − largest), their sum, each weight."""
    rec = step.record
    scaled, exps = rec.scaled[r, h, qi], rec.exps[r, h, qi]
    largest, total = rec.largest[r, h, qi, 0], rec.total[r, h, qi, 0]
    seen = [ki for ki in range(len(keys)) if visible[ki]]
    pieces = ["max("]
    for n, ki in enumerate(seen):
        pieces += ([", "] if n else []) + [Arg(scaled[ki])]
    items = [Chain(f"{step.name}.{head}largest({query})", f"{head}largest({query})", ((*pieces, ")"), (Num(largest),)),
                   group=f"{head}{query}")]
    for ki in seen:
        label = f"{head}e({query}, {keys[ki]})"
        items.append(Chain(f"{step.name}.{label}", label, (("e^(", Arg(scaled[ki]), " − ", Num(largest), ")"),
                                                           ("e^", Num(rec.shifted[r, h, qi, ki])), (Num(exps[ki]),)),
                           group=f"{head}{query}"))
    items.append(total_chain(step, f"{head}sum({query})", exps[seen], total, f"{head}{query}"))
    for ki in seen:
        label = f"{head}weight({query}, {keys[ki]})"
        items.append(Chain(f"{step.name}.{label}", label, ((Num(exps[ki]), " / ", Num(total)),
                                                           (Num(rec.weights[r, h, qi, ki]),)), group=f"{head}{query}"))
    return items


def attention_cost(args, options) -> Cost | None:
    """Every query meets every key: heads × queries × keys scores per row, and the explaining
    kernel keeps each score's and each weighted value's terms (queries × keys × features); each score
    has its exp."""
    if len(args) != 3 or not all(arg.positions and not arg.table for arg in args):
        return None
    q, k, v = args
    heads = options.get("heads", 1)
    heads = int(heads) if isinstance(heads, (int, float)) and 1 <= heads <= q.features else 1
    queries = 1 if options.get("query") == "last" else q.positions
    pairs = queries * k.positions
    result = queries * v.features
    copies = q.width + k.width + v.width  # each head's slice, laid out for the matrix products
    return Cost(4 * heads * pairs + 2 * result + copies, pairs * (q.features + v.features) + 7 * heads * pairs
                + 3 * result, pairs * (q.features + v.features) + (5 + EXACT_EXP) * heads * pairs, result)


def attention_onnx(g, xs, ps, options) -> str:
    """attention_kernel as MatMul, Softmax and a mask: heads split by Reshape and Transpose, the
    last query by Slice, a masked score −∞ (its weight exactly 0), the heads side by side again."""
    heads, nq, nk = options["heads"], options["queries"], options["keys"]
    split = lambda x, n: g.node("Transpose", g.reshape(x, [0, n, heads, -1]), perm=[0, 2, 1, 3])  # noqa: E731
    q, k, v = split(xs[0], nq), split(xs[1], nk), split(xs[2], nk)
    first = options.get("first", 0)
    if options["query"] == "last":
        q, first = g.node("Slice", q, g.ints([nq - 1], "starts"), g.ints([nq], "ends"), g.ints([2], "axes")), nq - 1
    scores = g.node("MatMul", q, g.node("Transpose", k, perm=[0, 1, 3, 2]))
    if options["scale"] == "sqrt":
        dh = options["features"] // heads
        scores = g.node("Div", scores, g.node("Sqrt", g.scalar(float(dh), "features")))
    if options["mask"] == "causal":
        count = 1 if options["query"] == "last" else nq
        visible = np.arange(nk)[None, :] <= np.arange(first, first + count)[:, None]
        scores = g.node("Where", g.constant(visible, "visible"), scores, g.scalar(-np.inf, "masked"))
    if "pad" in options:  # a text's padding: the key positions whose token number is the pad token's
        real = g.node("Not", g.node("Equal", xs[3], g.scalar(options["pad"], "pad")))
        scores = g.node("Where", g.reshape(real, [0, 1, 1, nk]), scores, g.scalar(-np.inf, "masked"))
    weights = g.node("Softmax", scores, axis=-1)
    mixed = g.node("Transpose", g.node("MatMul", weights, v), perm=[0, 2, 1, 3])
    return g.reshape(mixed, [0, -1])


# softmax(q · k [÷ √d]) weighted sum of v, per query
def attention_cached(xs, ps, options, state):
    """The new queries against every key so far: the keys and values of earlier positions are kept in
    `state` (the key/value cache), so each new token costs one row of scores, not the whole square."""
    if options["query"] != "all" or options["mask"] != "causal":
        return None  # a query that sees later keys would change as the text grows
    q, k, v = xs[:3]  # a padded text's token numbers (a fourth input) hide no key here: only real tokens come
    keys = np.concatenate([state["k"], k], axis=1) if "k" in state else k  # (batch, keys so far · features)
    values = np.concatenate([state["v"], v], axis=1) if "v" in state else v
    state["k"], state["v"] = keys, values
    new, total = state["new"], state["offset"] + state["new"]
    options = {key: value for key, value in options.items() if key != "pad"}
    return [q, keys, values], ps, {**options, "queries": new, "keys": total, "first": state["offset"]}


OPS = (OpDef("attention", "attention", check_attention, attention_kernel, attention_explain, attention_worked,
             diagram=Diagram(attention=True), cost=attention_cost, gradient=attention_gradient, cached=attention_cached,
             onnx=attention_onnx, exact=attention_exact),)
