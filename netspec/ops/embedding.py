"""embed(tokens, E): token numbers in, each token's row of E set side by side out.

The article (notes §1.5, §2.6) reads a token's vector from a *column* of its embedding
matrix (the W·x convention). netspec writes every table the x·W way, one row per thing
read: E has one row per vocabulary entry (labelled by the token, or bound by position
from a file: row 1 is the vocabulary's first token) and one column per embedding number.
E here is the article's matrix transposed; the numbers are the same.

Shape rule: the value holds the token numbers of one text (n tokens); E has one row per
token of that text's vocabulary and d columns. The result is a sequence of n positions ×
d features, n·d neurons token by token: text1_e1 … text1_ed, text2_e1 …. A dense layer
with n·d rows reads them side by side, as the article's 12 × 10 = 120 inputs; one with d
rows runs at each position, as attention's k, q and v do.
"""

from __future__ import annotations

import numpy as np

from netspec.errors import Note, NumericError
from netspec.ops.base import same_at_each_position, Cost, OpDef, ShapeResult, sequence_names
from netspec.ops.context import CheckContext, RowOrder
from netspec.ops.worked import Arg, Chain, Num, Record, address
from netspec.phrases import Phrase
from netspec.records import record


def check_embed(ctx: CheckContext, call) -> ShapeResult | None:
    refs = ctx.positional(call, "embed", ("a text's tokens", "an embedding table"))
    if refs is None:
        return None
    x, table = ctx.value(refs[0]), ctx.param(refs[1], "weights")
    if x is None or table is None:
        return None
    vocabulary = ctx.token_vocabulary(x)
    if vocabulary is None:
        ctx.fail(f"embed reads token numbers, but `{x.name}` is not the tokens of one text input", refs[0].span,
                 hint="declare `input text tokens 12 from chars` and write embed(input, E)", code="NS207")
        return None
    rows = _rows_fit(ctx, refs[1], table, vocabulary)
    if rows is None:
        return None
    columns = tuple(c if table.labelled else f"e{c}" for c in table.col_names)
    names = sequence_names(x.names, columns)
    options = {"start": vocabulary.start, "vocabulary": vocabulary.name, "columns": columns}
    padding = ctx.padding(x)
    if padding is not None:
        options["pad"] = padding[1]  # a padding position's vector: zeros, when the number is no token
    return ShapeResult((x.name,), (table.name,), names, options=options, positions=x.names, features=columns,
                       reorders=(rows,))


def _rows_fit(ctx: CheckContext, ref, table, vocabulary) -> RowOrder | None:
    """One row per token, in the vocabulary's order (by label, or by position from a file); None if not."""
    rows, wanted = table.row_names, vocabulary.labels
    if len(rows) == len(wanted) and not table.labelled:
        return RowOrder(table.name, names=tuple(wanted))
    if len(rows) == len(wanted) and set(rows) == set(wanted):
        return RowOrder(table.name, tuple(rows.index(label) for label in wanted))
    ctx.fail(f"shape mismatch: the vocabulary {vocabulary.name} has {len(wanted)} tokens but {table.name} has "
             f"{len(rows)} rows" + ("" if len(rows) != len(wanted) else " labelled otherwise"), ref.span,
             hint=f"give {table.name} one row per token, labelled {', '.join(wanted[:4])}, …",
             notes=[Note(table.span, f"{table.name} is declared"), Note(vocabulary.span, f"{vocabulary.name} is declared")],
             code="NS204")
    return None


@record
class Embed(Record):
    ids: np.ndarray  # (batch, n) token numbers
    rows: np.ndarray  # (batch, n) the row of each, from 0
    vectors: np.ndarray  # (batch, n, d)


def embed_explain(xs, ps, options):
    ids, table = xs[0], ps[0]  # (batch, n) token numbers, (vocab, d)
    batch, n = ids.shape
    picked = ids - options["start"]  # (batch, n) the row of each token, counted from 0
    valid = (picked == np.round(picked)) & (picked >= 0) & (picked < table.shape[0])
    rows = np.where(valid, picked, 0).astype(np.intp)  # (batch, n)
    vectors = np.where(valid[:, :, None], table[rows], np.nan)  # (batch, n, d); NaN marks a number that is no token
    if "pad" in options:
        vectors = np.where(((ids == options["pad"]) & ~valid)[:, :, None], 0.0, vectors)  # padding: zeros
    result = vectors.reshape(batch, n * table.shape[1])  # (batch, n·d) side by side
    return result, Embed(ids, rows, vectors)


def embed_kernel(xs, ps, options):
    """embed_explain's result: when every number is a token's (the usual case, as a tokenizer numbers a text),
    the rows read as they are; else, with padding or a number that is no token (NaN marks it), by
    embed_explain's masks."""
    ids, table = xs[0], ps[0]
    rows = None if "pad" in options else _token_rows(ids, options["start"], table.shape[0])
    if rows is None:
        return embed_explain(xs, ps, options)[0]
    return table.take(rows, axis=0).reshape(ids.shape[0], -1)  # the method: np.take's wrapper costs more here


FEW_TOKENS = 64  # numbers: one window of a generation, whose NumPy calls would cost more than a loop over them


def _token_rows(ids: np.ndarray, start: int, size: int):
    """Each number's row of the table, counted from 0, when every number is a token's; else None (also for
    no numbers). A few are read in Python, a batch by NumPy's passes."""
    if not ids.size:
        return None
    if ids.size <= FEW_TOKENS and ids.dtype.kind == "f":  # (a float's is_integer)
        numbers, end = ids.ravel().tolist(), start + size
        if not all(start <= number < end and number.is_integer() for number in numbers):  # False for a NaN too
            return None
        return [int(number) - start for number in numbers]
    picked = ids - start  # (batch, n)
    if not (0 <= np.minimum.reduce(picked, axis=None) and np.maximum.reduce(picked, axis=None) < size):
        return None  # (a NaN as well)
    rows = picked.astype(np.intp)
    return rows if np.equal(rows, picked).all() else None


def embed_fault(xs, ps, options, row):
    ids, table = xs[0][row], ps[0]
    last = options["start"] + table.shape[0] - 1
    bad = next(k for k, t in enumerate(ids) if not (t == round(t) and options["start"] <= t <= last)
               and t != options.get("pad"))
    return NumericError(f"token {bad + 1} is {ids[bad]:g}, which is no token number of {options['vocabulary']} "
                        f"({options['start']} to {last})", hint="give the input as a text, which the tokenizer numbers",
                        code="NS504")


def embed_gradient(xs, ps, options, y, gy):
    """Each token's row of E gets the gradient of the numbers it filled, added up over every place it
    stands; the token numbers themselves are not numbers a gradient can move (None)."""
    ids, table = xs[0], ps[0]
    rows = np.clip(np.round(ids - options["start"]), 0, table.shape[0] - 1).astype(np.intp)
    grad = np.zeros_like(table)
    np.add.at(grad, rows.reshape(-1), gy.reshape(rows.size, -1))
    return [None], [grad]


PICKS = Phrase("each token number picks its row of {table} (one row per token of {vocabulary}: {first} is row 1); "
               "the {n} rows of {d} numbers are set side by side: {n} × {d} = ",
               "每个词元的编号选出 {table} 的一行（{vocabulary} 的每个词元一行：{first} 是第 1 行）；"
               "{n} 行、每行 {d} 个数并排放在一起：{n} × {d} = ")
NUMBERS = Phrase(" numbers", " 个数")
ROW_OF = Phrase(" → row {token} of {table}: ", " → {table} 的 {token} 行：")


def embed_worked(step, r: int):
    """One line per token (its number picks a row of the table), then each number as `E[h,e1]`."""
    rec, table = step.record, step.params[0]
    ids, rows, vectors = rec.ids[r], rec.rows[r], rec.vectors[r]  # (n,), (n,), (n, d)
    columns = step.step.options["columns"]
    n, d = vectors.shape
    preamble = [(PICKS(table=table.name, vocabulary=step.step.options["vocabulary"], first=table.row_labels[0], n=n,
                       d=d), Num(n * d), NUMBERS())]
    items = []
    for k, position in enumerate(step.input_labels):
        token = table.row_labels[rows[k]]
        pieces = [f"{position} = ", Arg(ids[k]), ROW_OF(token=token, table=table.name)]
        for c in range(d):
            pieces += ([", "] if c else []) + [Arg(vectors[k, c])]
        preamble.append((*pieces, f" → {position}_{columns[0]} … {position}_{columns[-1]}"))
        items += [Chain(address(step, f"{position}_{column}"), f"{position}_{column}",
                        ((f"{table.name}[{token},{column}]",), (Num(vectors[k, c]),)))
                  for c, column in enumerate(columns)]
    return preamble, items


def embed_table_labels(step, param):
    """A trace names the table's numbers `E[token,feature]`: its columns are the features it makes."""
    return param.row_labels, step.options["columns"]


def embed_cost(args, options) -> Cost | None:
    """n tokens × d numbers each: the rows picked, the NaN mask applied, then side by side."""
    if len(args) != 2 or not args[1].table or args[0].table:
        return None
    tokens, d = args[0].width, args[1].features
    return Cost(3 * tokens * d + 2 * tokens, 2 * tokens * d + 3 * tokens, tokens * d, tokens * d)


def embed_onnx(g, xs, ps, options) -> str:
    """Gather each token's row: the token numbers (as floats, like every netspec value) less the
    vocabulary's first number, cast to int64 row indices; the rows side by side."""
    rows = g.node("Cast", g.node("Sub", xs[0], g.scalar(options["start"], "start")), to=7)  # 7: INT64
    return g.reshape(g.node("Gather", ps[0], rows, axis=0), [0, -1])


# each token's row of the table, side by side
OPS = (OpDef("embed", "embedding", check_embed, embed_kernel, embed_explain, embed_worked, cached=same_at_each_position, fault=embed_fault,
             table_labels=embed_table_labels, names_from_table=True, cost=embed_cost,
             gradient=embed_gradient, onnx=embed_onnx),)
