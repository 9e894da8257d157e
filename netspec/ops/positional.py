"""Where each token stands: learned positional embeddings and fixed positional encodings.

Self-attention alone ignores order (notes §1.7: swapping "Humpty" and "Dumpty" changes
nothing), so a number that depends on the position is added to each token's vector
(notes §1.13).

positional_embedding(x, P): the article's "more common choice": a trained table with one
row per position (row 1 is the first position; the article keeps one column per position,
netspec one row, as for every table), each row as long as a token's vector, added to x.
Shape rule: x is a sequence; P has at least as many rows as x has positions (P's row
count is the context limit) and one column per feature of x.

positional_encoding(x, form=…): fixed numbers, not trained, of x's shape; the spec adds
them with add(x, enc) so the addition shows as its own step. The forms, as the article
builds them up (p is the position, i the feature, n the number of positions, d the
number of features):
  count           p                                the naive first try
  fraction        p / n                            normalised by the last position
  article_sin     sin(p / 10000^(i/n))             the article's formula: i counted from 1,
                                                   n the context length (the article's d)
  article_sincos  sin for even i, cos for odd i    the same angle
  paper           sin(p / 10000^(2k/d)) at feature 2k, cos at 2k + 1
                                                   Vaswani et al. 2017: features counted from 0,
                                                   d the vector length, pairs share a frequency
Positions count from 1 in the article's forms and from 0 in the paper's; `start=` says
otherwise.
"""

from __future__ import annotations

import numpy as np

from netspec.errors import Note
from netspec.ops.arithmetic import EXACT, FAST
from netspec.ops.base import EXACT_CALL, OpDef, ShapeResult, elementwise_cost
from netspec.ops.options import Option

FORMS = ("paper", "article_sincos", "article_sin", "fraction", "count")
OPTIONS = (
    Option("form", "word", choices=FORMS,
           why="the form names the formula: paper (Vaswani et al.), article_sin, article_sincos, fraction or count"),
    Option("start", "number", None, low=0, why="the number of the first position: 1 in the article, 0 in the paper"),
)


def check_positional_encoding(ctx, call) -> ShapeResult | None:
    refs = ctx.positional(call, "positional_encoding", ("a sequence",), options=OPTIONS)
    options = ctx.keywords(call, "positional_encoding", OPTIONS)
    if refs is None or options is None:
        return None
    x = ctx.value(refs[0])
    if x is None or not _is_sequence(ctx, refs[0], x, "positional_encoding"):
        return None
    start = options["start"] if options["start"] is not None else (0 if options["form"] == "paper" else 1)
    options = dict(options, start=start, shape=(len(x.positions), len(x.features)))
    return ShapeResult((x.name,), (), x.names, options=options)


def _is_sequence(ctx, ref, x, op_name) -> bool:
    if x.is_sequence:
        return True
    ctx.fail(f"{op_name} gives each position its numbers, but `{x.name}` is {x.describe_shape()}, not a sequence",
             ref.span, hint="apply it to embedded tokens: embed(input, E)", code="NS240")
    return False


def encoding(form: str, n: int, d: int, start: float, arith=EXACT) -> dict[str, np.ndarray]:
    """The (n, d) encoding of `form` and the numbers it is made from, for the trace.

    With EXACT (the trace's) the powers, sines and cosines are correctly rounded; a batch
    uses NumPy's, which may differ in the last bit between machines.
    """
    p = (start + np.arange(n, dtype=np.float64))[:, None]  # (n, 1) position numbers
    if form == "count":
        return {"p": p, "encoding": np.broadcast_to(p, (n, d)).copy()}
    if form == "fraction":
        count = np.float64(n)  # the article: with 3 words, position 1 is 1/3 and position 2 is 2/3
        return {"p": p, "count": count, "encoding": np.broadcast_to(p / count, (n, d)).copy()}
    if form == "paper":
        pair = (np.arange(d) // 2 * 2).astype(np.float64)  # 2k for features 2k and 2k + 1
        exponent = pair / d
    else:
        exponent = np.arange(1, d + 1, dtype=np.float64) / n  # i/n, i counted from 1
    base = np.float64(10000.0)
    power = arith.power(base, exponent)  # (d,); the encoding is data, the same bits in a batch and a trace
    angle = p / power  # (n, d)
    use_cos = np.zeros(d, dtype=bool)  # article_sin: sine everywhere
    if form == "paper":
        use_cos = np.arange(d) % 2 == 1  # features 2k + 1
    elif form == "article_sincos":
        use_cos = np.arange(1, d + 1) % 2 == 1  # the article: sin when i is even, cos when i is odd
    values = np.where(use_cos, arith.cos(angle), arith.sin(angle))
    return {"p": p, "base": base, "exponent": exponent, "power": power, "angle": angle, "use_cos": use_cos, "encoding": values}


def positional_encoding_explain(xs, ps, options, arith=EXACT):
    n, d = options["shape"]
    found = encoding(options["form"], n, d, options["start"], arith)
    batch = xs[0].shape[0]
    result = np.broadcast_to(found["encoding"].reshape(1, n * d), (batch, n * d)).copy()
    return result, found


def positional_encoding_kernel(xs, ps, options):
    return positional_encoding_explain(xs, ps, options, FAST)[0]


def check_positional_embedding(ctx, call) -> ShapeResult | None:
    refs = ctx.positional(call, "positional_embedding", ("a sequence", "a table of positions"))
    if refs is None:
        return None
    x, table = ctx.value(refs[0]), ctx.param(refs[1], "weights")
    if x is None or table is None or not _is_sequence(ctx, refs[0], x, "positional_embedding"):
        return None
    rows, columns = len(table.row_names), len(table.col_names)
    if rows < len(x.positions) or columns != len(x.features):
        ctx.fail(f"shape mismatch: `{x.name}` has {len(x.positions)} positions × {len(x.features)} features, but "
                 f"{table.name} has {rows} rows (positions) × {columns} columns", refs[1].span,
                 hint=f"give {table.name} one row per position (at least {len(x.positions)}: its rows are the context "
                      f"limit) and one column per feature ({', '.join(x.features[:6])})",
                 notes=[Note(table.span, f"{table.name} is declared"), Note(x.span, f"`{x.name}` is declared")],
                 code="NS204")
        return None
    if table.labelled and tuple(table.col_names) != tuple(x.features):
        ctx.fail(f"the columns of {table.name} are labelled {', '.join(table.col_names)} but `{x.name}` has features "
                 f"{', '.join(x.features)}", refs[1].span, hint="label the columns by the features, in their order",
                 code="NS205")
        return None
    return ShapeResult((x.name,), (table.name,), x.names, options={"positions": len(x.positions)})


def positional_embedding_explain(xs, ps, options):
    x, table = xs[0], ps[0]  # (batch, n·d), (limit, d)
    n = options["positions"]
    rows = table[:n]  # row p of the table for position p
    added = rows.reshape(1, -1)
    return x + added, {"x": x, "rows": rows}


def positional_embedding_kernel(xs, ps, options):
    return positional_embedding_explain(xs, ps, options)[0]


def positional_cost(args, options):
    """The encoding's angle, power and values (a sin and a cos each), then one copy per row."""
    return elementwise_cost(args, options, kernel=5, explain=6, operations=8 + 2 * EXACT_CALL) if args else None


OPS = (OpDef("positional_encoding", "fixed numbers per position and feature (sin/cos, named forms)", "position",
             check_positional_encoding, positional_encoding_kernel, positional_encoding_explain, cost=positional_cost),
       OpDef("positional_embedding", "x + the table's row for each position", "position",
             check_positional_embedding, positional_embedding_kernel, positional_embedding_explain,
             cost=positional_cost))
