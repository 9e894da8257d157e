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
from netspec.ops.context import CheckContext
from netspec.ops.options import Option
from netspec.ops.worked import Arg, Chain, Num, Record, address
from netspec.phrases import Phrase
from netspec.records import record

FORMS = ("paper", "article_sincos", "article_sin", "fraction", "count")
OPTIONS = (
    Option("form", "word", choices=FORMS,
           why="the form names the formula: paper (Vaswani et al.), article_sin, article_sincos, fraction or count"),
    Option("start", "number", None, low=0, why="the number of the first position: 1 in the article, 0 in the paper"),
)


def check_positional_encoding(ctx: CheckContext, call) -> ShapeResult | None:
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


@record
class Encoding(Record):
    """The (n, d) encoding of one form and the numbers it is made from; a form fills only its own."""

    p: np.ndarray  # (n, 1) position numbers
    encoding: np.ndarray  # (n, d)
    count: np.float64 | None = None  # fraction: the number of positions
    base: np.float64 | None = None  # the sin/cos forms: 10000
    exponent: np.ndarray | None = None  # (d,)
    power: np.ndarray | None = None  # base^exponent
    angle: np.ndarray | None = None  # (n, d) p / power
    use_cos: np.ndarray | None = None  # (d,) cos at this feature


def encoding(form: str, n: int, d: int, start: float, arith=EXACT) -> Encoding:
    """The (n, d) encoding of `form` and the numbers it is made from, for the trace.

    With EXACT (the trace's) the powers, sines and cosines are correctly rounded; a batch
    uses NumPy's, which may differ in the last bit between machines.
    """
    p = (start + np.arange(n, dtype=np.float64))[:, None]  # (n, 1) position numbers
    if form == "count":
        return Encoding(p, np.broadcast_to(p, (n, d)).copy())
    if form == "fraction":
        count = np.float64(n)  # the article: with 3 words, position 1 is 1/3 and position 2 is 2/3
        return Encoding(p, np.broadcast_to(p / count, (n, d)).copy(), count=count)
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
    return Encoding(p, values, base=base, exponent=exponent, power=power, angle=angle, use_cos=use_cos)


def positional_encoding_explain(xs, ps, options, arith=EXACT):
    n, d = options["shape"]
    found = encoding(options["form"], n, d, options["start"], arith)
    batch = xs[0].shape[0]
    result = np.broadcast_to(found.encoding.reshape(1, n * d), (batch, n * d)).copy()
    return result, found


def positional_encoding_kernel(xs, ps, options):
    return positional_encoding_explain(xs, ps, options, FAST)[0]


def positional_encoding_worked(step, r: int):
    rec, options = step.record, step.step.options
    form = options["form"]
    n, d = options["shape"]
    items = []
    for p in range(n):
        group = step.positions[p]
        for i in range(d):
            j = p * d + i
            items.append(Chain(address(step, step.labels[j]), step.labels[j], _encoding_stages(rec, form, p, i, j,
                                                                                                 step.result[r, j]),
                               group=group))
    return [_ENCODING_WORDS[form](options, n, d)], items


def _encoding_stages(rec, form, p, i, j, result) -> tuple:
    position = Num(rec.p[p, 0])
    if form == "count":
        return ((POSITION(), position), (Num(result),))
    if form == "fraction":
        return ((position, " / ", Num(rec.count)), (Num(result),))
    function = "cos" if rec.use_cos[i] else "sin"
    return ((f"{function}(", position, " / ", Num(rec.base), "^", Num(rec.exponent[i]), ")"),
            (f"{function}(", position, " / ", Num(rec.power[i]), ")"),
            (f"{function}(", Arg(rec.angle[p, i]), ")"), (Num(result),))


POSITION = Phrase("position ", "位置 ")
_ENCODING_PHRASES = {
    "count": Phrase("form=count (the article's first try): every number of position p is p; positions from {start}",
                    "form=count（文章的第一次尝试）：位置 p 的每个数都是 p；位置从 {start} 数起"),
    "fraction": Phrase("form=fraction (the article's second try): p / {n}, the number of positions",
                       "form=fraction（文章的第二次尝试）：p / {n}，{n} 是位置的个数"),
    "article_sin": Phrase("form=article_sin (the article's formula): sin(p / 10000^(i/{n})), feature i from 1, "
                          "{n} = the context length; positions from {start}",
                          "form=article_sin（文章的公式）：sin(p / 10000^(i/{n}))，特征 i 从 1 数起，"
                          "{n} = 上下文长度；位置从 {start} 数起"),
    "article_sincos": Phrase("form=article_sincos (the article): sin(p / 10000^(i/{n})) when i is even, cos when i is "
                             "odd, feature i from 1; positions from {start}",
                             "form=article_sincos（文章）：i 为偶数时用 sin(p / 10000^(i/{n}))，i 为奇数时用 cos，"
                             "特征 i 从 1 数起；位置从 {start} 数起"),
    "paper": Phrase("form=paper (Vaswani et al., the original transformer): sin(p / 10000^(2k/{d})) at feature 2k, "
                    "cos at 2k + 1, features from 0, {d} = the vector length; positions from {start}",
                    "form=paper（Vaswani 等人，最初的 transformer）：特征 2k 用 sin(p / 10000^(2k/{d}))，"
                    "2k + 1 用 cos，特征从 0 数起，{d} = 向量长度；位置从 {start} 数起"),
}
_ENCODING_WORDS = {form: (lambda o, n, d, phrase=phrase: (phrase(start=f"{o['start']:g}", n=n, d=d),))
                   for form, phrase in _ENCODING_PHRASES.items()}


EMBEDDING_OPTIONS = (
    Option("row", "number", 0, low=1, why="row=R adds row R of the table at every position, as BERT adds its token "
           "type embedding (a sentence alone is all type 0: row 1)"),)


def check_positional_embedding(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "positional_embedding", ("a sequence", "a table of positions"),
                          options=EMBEDDING_OPTIONS)
    options = ctx.keywords(call, "positional_embedding", EMBEDDING_OPTIONS)
    if refs is None or options is None:
        return None
    x, table = ctx.value(refs[0]), ctx.param(refs[1], "weights")
    if x is None or table is None or not _is_sequence(ctx, refs[0], x, "positional_embedding"):
        return None
    rows, columns = len(table.row_names), len(table.col_names)
    row = options["row"]
    if row and (not float(row).is_integer() or row > rows):
        ctx.fail(f"row={row:g}: {table.name} has rows 1 to {rows}", call.span, code="NS204",
                 hint=f"give a whole number from 1 to {rows}: the row added at every position")
        return None
    if row and columns == len(x.features) and not (table.labelled and tuple(table.col_names) != tuple(x.features)):
        return ShapeResult((x.name,), (table.name,), x.names, options={"positions": len(x.positions), "row": int(row)})
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


@record
class PositionalEmbedding(Record):
    x: np.ndarray  # (batch, n·d)
    rows: np.ndarray  # (n, d) row p of the table for position p


def positional_embedding_explain(xs, ps, options):
    x, table = xs[0], ps[0]  # (batch, n·d), (limit, d)
    n = options["positions"]
    row = options.get("row")
    rows = table[:n] if not row else np.repeat(table[row - 1:row], n, axis=0)  # row p (or row R) for position p
    added = rows.reshape(1, -1)
    return x + added, PositionalEmbedding(x, rows)


def positional_embedding_kernel(xs, ps, options):
    return positional_embedding_explain(xs, ps, options)[0]


ROW_EVERYWHERE = Phrase("row {row} of {table} is added at every position", "每个位置都加上 {table} 的第 {row} 行")
ROW_P = Phrase("row p of {table} is added to position p ({table} has {rows} rows: the context limit)",
               "位置 p 加上 {table} 的第 p 行（{table} 有 {rows} 行：上下文的上限）")


def positional_embedding_worked(step, r: int):
    rec, table = step.record, step.params[0]
    n = len(step.positions)
    d = len(step.labels) // n
    row = step.step.options.get("row")
    rows = _row_names(table)[:n] if not row else (_row_names(table)[row - 1],) * n
    x = rec.x[r]
    items = []
    for p in range(n):
        for f in range(d):
            j = p * d + f
            label = step.labels[j]
            items.append(Chain(address(step, label), label, (
                (f"{step.step.inputs[0]}.{step.input_labels[j]} + {table.name}[{rows[p]},{table.col_labels[f]}]",),
                (Num(x[j]), " + ", Num(rec.rows[p, f])), (Num(step.result[r, j]),)), group=step.positions[p]))
    if row:
        return [(ROW_EVERYWHERE(row=rows[0], table=table.name),)], items
    return [(ROW_P(table=table.name, rows=table.array.shape[0]),)], items


def _row_names(table) -> tuple[str, ...]:
    """A positions table's row labels; a file's rows (no labels) by number, from 1."""
    return tuple(label or str(p + 1) for p, label in enumerate(table.row_labels))


def positional_embedding_table_labels(step, param):
    return _row_names(param), param.col_labels


def positional_encoding_gradient(xs, ps, options, y, gy):
    """The encoding is fixed numbers of x's shape, not made from x's numbers: nothing flows back."""
    return [np.zeros_like(xs[0])], []


def positional_embedding_gradient(xs, ps, options, y, gy):
    """x passes through unchanged; row p of the table gets every row's gradient at position p."""
    table, n = ps[0], options["positions"]
    grad = np.zeros_like(table)
    if options.get("row"):
        grad[options["row"] - 1] = gy.reshape(gy.shape[0], n, -1).sum(axis=(0, 1))
        return [gy], [grad]
    grad[:n] = gy.reshape(gy.shape[0], n, -1).sum(axis=0)
    return [gy], [grad]


def positional_cost(args, options):
    """The encoding's angle, power and values (a sin and a cos each), then one copy per row."""
    return elementwise_cost(args, options, kernel=5, explain=6, operations=8 + 2 * EXACT_CALL) if args else None


def positional_encoding_onnx(g, xs, ps, options) -> str:
    """The encoding is data fixed by the shape: one constant row, expanded to the batch."""
    n, d = options["shape"]
    row = g.constant(encoding(options["form"], n, d, options["start"], FAST).encoding.reshape(1, n * d), "encoding")
    return g.node("Expand", row, g.node("Shape", xs[0]))


def positional_embedding_onnx(g, xs, ps, options) -> str:
    """x + the table's first n rows, side by side (the rows past n are the context limit); with row=R,
    row R at every position (BERT's token type)."""
    n, row = options["positions"], options.get("row")
    if row:
        rows = g.node("Gather", ps[0], g.ints([row - 1] * n, "rows"), axis=0)
    else:
        rows = g.node("Slice", ps[0], g.ints([0], "starts"), g.ints([n], "ends"), g.ints([0], "axes"))
    return g.node("Add", xs[0], g.reshape(rows, [1, -1]))


# fixed numbers per position and feature (sin/cos, named forms); x + the table's row for each position
def _positional_embedding_cached(xs, ps, options, state):
    """The new positions take the table's rows from `offset` on (or its one row=R, as before)."""
    table = ps[0] if options.get("row") else ps[0][state["offset"]:]
    return xs, (table,), {**options, "positions": state["new"]}


OPS = (OpDef("positional_encoding", "position", check_positional_encoding, positional_encoding_kernel,
             positional_encoding_explain, positional_encoding_worked, cost=positional_cost,
             gradient=positional_encoding_gradient, onnx=positional_encoding_onnx),
       OpDef("positional_embedding", "position", check_positional_embedding, positional_embedding_kernel,
             positional_embedding_explain, positional_embedding_worked,
             table_labels=positional_embedding_table_labels, cost=positional_cost,
             cached=_positional_embedding_cached, propagates=True,
             gradient=positional_embedding_gradient, onnx=positional_embedding_onnx))
