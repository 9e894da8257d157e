"""Item views + options in, the formatted pieces of each worked line out, with blanks where a worksheet has boxes.

Shared by the HTML, Markdown and LaTeX printouts: every number is formatted here by
render/numbers.py (through the text trace's helpers, so all formats agree), and the
worksheet rule lives here once: a learner is given the network's inputs and the
parameters, and works out everything else. A part is either text or BLANK; each format
draws BLANK its own way (an empty box, `______`, `\\rule`).
"""

from __future__ import annotations

from netspec.render.numbers import NumberStyle, factor, show
from netspec.render.pieces import piece_text, total_parts
from netspec.render.view import ItemView, PrintOptions, StepView
from netspec.render.words import Words
from netspec.render.worked import Chain, Gap, Num, Sum
from netspec.records import record


class _Blank:
    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()


@record
class SumCells:
    """A weighted sum, column by column: names, numbers substituted, products, and the total."""

    label: str
    names: tuple[str, ...]  # `R·W1[R,h1]`, `…`, or the bias's name
    weights: tuple[str | None, ...]  # each column's weight or bias name (None for the gap)
    numbers: tuple[tuple, ...]  # parts of `32·0.1`
    products: tuple[tuple, ...]  # parts of `3.2`
    total: tuple  # (`=` or `≈`, the total or BLANK, a note or "")


def sum_cells(view: ItemView, step: StepView, options: PrintOptions) -> SumCells:
    """The columns of an expanded Sum, elided as the view says, blank where a worksheet has boxes."""
    item = view.item
    columns = [_column(term, view.elided, step.given_x, options) for term in view.shown]
    if item.bias:
        b = factor(item.bias.value, options.style)
        columns.append((item.bias.address, item.bias.address, (b,), (b,)))
    names, weights, numbers, products = zip(*columns)
    return SumCells(item.label, names, weights, numbers, products,
                    _total(item, view.elided, options.style, options.blank, Words(options.lang)))


def _column(term, elided: int, given_x: bool, options: PrintOptions) -> tuple:
    """(name, weight, number parts, product parts) of one term; None is the elided gap."""
    style, blank = options.style, options.blank
    if term is None:
        return ("…", None, (f"… {elided} more …",), ("…",))
    x = BLANK if blank and not given_x else factor(term.x, style)
    product = BLANK if blank else factor(term.product, style)
    return (f"{term.input}·{term.weight}", term.weight, (x, "·", factor(term.w, style)), (product,))


def _total(item: Sum, elided: int, style: NumberStyle, blank: bool, words: Words) -> tuple:
    if blank:
        return ("=", BLANK, "")
    return total_parts(item, elided, style, words)


def chain_stages(item: Chain, options: PrintOptions) -> list[tuple[str, tuple]]:
    """`(sign, parts)` for each stage of a chain: `= max(0, −26.598)`, then `= 0`."""
    stages = []
    for stage in item.stages:
        if len(stage) == 1 and isinstance(stage[0], Num):
            stages.append(value_parts(stage[0], options))
        else:
            stages.append(("=", tuple(_piece(p, options) for p in stage)))
    return stages


def value_parts(x: Num, options: PrintOptions) -> tuple[str, tuple]:
    """`= −26.598`, `≈ 0.63289`, or `= BLANK` on a worksheet."""
    if options.blank:
        return ("=", (BLANK,))
    shown = show(x, options.style)
    return (options.style.approx if shown.rounded else "=", (shown.text,))


def preamble_parts(piece: tuple, options: PrintOptions) -> tuple:
    return tuple(_piece(p, options) for p in piece)


def _piece(piece, options: PrintOptions):
    if isinstance(piece, Gap):
        return piece  # the words for terms left out: kept as a Gap, which LaTeX writes as text
    if isinstance(piece, Num):
        return BLANK if options.blank else piece_text(piece, options.style)
    return str(piece).replace("\u2212", options.style.minus)  # `e^(x − largest)` in plain ASCII with --ascii


def joined(parts: tuple, blank: str, escape=lambda s: s) -> str:
    """The parts as one string, BLANK drawn as `blank` and text passed through `escape`."""
    return "".join(blank if p is BLANK else escape(p) for p in parts)
