"""A network that works on a sequence (tokens × features) in, a drawing that shows it as one out.

A neuron-per-feature drawing of such a network lies: it joins token i to embedding number
i and seems to read one token's values. Here every value is a block of cells, one row per
token (its vector a strip of cells) and one column per feature; a vector is a single strip.
A step that works on each position alone (an embedding, dense at each position, positions
added, layer norm, an activation) joins row i to row i; attention (OpDef.diagram.attention)
is a heat map of its weights, one row per query and one column per key, with the numbers
in the cells, and its output as the weighted sum of the value rows, an arrow from each
value row with its weight; any other step joins block to block. Blocks stand in columns in
the order they are computed; a link that skips columns runs below every block, so no line
crosses a block it does not belong to. Drawn with a row's numbers, a text's padding positions
are left out, as the printout leaves them out, and a line under the title says which.
"""

from __future__ import annotations

from dataclasses import field

from netspec.ops import lookup
from netspec.render.escape import html_text as escape
from netspec.render.numbers import NumberStyle, num
from netspec.render.pieces import tokens_of
from netspec.render.words import ENGLISH, Words
from netspec.records import record

CELL_H, ROW_LABEL_W, TITLE_H = 22, 64, 30
COLUMN_GAP, BLOCK_GAP, MARGIN = 110, 36, 20
CHAR_W = 6.4
MOST = 8  # features a block shows in full; a wider one shows its first six, … and its last
STYLE = """
.seq text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: #1f2933; }
.seq .title { font-weight: 700; font-size: 12px; }
.seq .pos { fill: #52606d; font-size: 10px; }
.seq .cell { fill: #ffffff; stroke: #9aa5b1; }
.seq .token { fill: #eef2f7; stroke: #52606d; }
.seq .focus .cell { stroke: #c2410c; stroke-width: 2; }
.seq .stub { stroke: #7b8794; stroke-width: 1.3; }
.seq .stub.weighted { stroke: #1d5fbf; }
.seq .link { stroke: #7b8794; stroke-width: 1.3; fill: none; marker-end: url(#seq-arrow); }
.seq .link.weighted { stroke: #1d5fbf; }
.seq .param { fill: #52606d; font-size: 10px; font-style: italic; }
.seq .w { fill: #1d5fbf; font-size: 10px; font-weight: 600; }
"""


@record(frozen=False)
class Block:
    """One value drawn as rows × columns of cells at (x, y), its top-left; texts by row then column."""

    value: str
    title: str
    rows: tuple[str, ...]  # a row label per row (the token, or the position's name)
    columns: tuple[str, ...]
    texts: list[list[str]]
    x: float = 0
    y: float = 0
    cell_w: float = 40
    shades: list[list[float]] | None = None  # attention weights: 0 … 1, the cell's blue
    classes: str = ""

    @property
    def width(self) -> float:
        return ROW_LABEL_W + self.cell_w * len(self.columns)

    @property
    def height(self) -> float:
        return TITLE_H + CELL_H * (len(self.rows) + 1)

    def row_y(self, i: int) -> float:
        """The centre of row i."""
        return self.y + TITLE_H + CELL_H * (i + 1.5)

    @property
    def left(self) -> float:
        return self.x + ROW_LABEL_W


@record(frozen=False)
class Drawing:
    blocks: dict[str, Block] = field(default_factory=dict)
    columns: list[list[str]] = field(default_factory=list)
    links: list[tuple] = field(default_factory=list)  # (kind, source, target, label, extra)
    padding: tuple[str, ...] = ()  # the positions of the row's texts that are padding: not drawn


def is_sequence_network(spec) -> bool:
    return any(value.is_sequence for value in spec.values.values())


def sequence_svg(spec, style: NumberStyle, row=None, trace=None, focus: str | None = None,
                 standalone: bool = True, words: Words = ENGLISH) -> str:
    """The whole drawing as one <svg>; `row` (a WorkedRow of `trace`) puts its numbers in the cells."""
    drawing = _drawing(spec, style, row, trace, words)  # every number as the printout's style writes it
    if focus and focus in drawing.blocks:
        drawing.blocks[focus].classes = "focus"
    width, height = _place(drawing)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="netspec-diagram seq" viewBox="0 0 {_n(width)} '
            f'{_n(height)}" width="{_n(width)}" height="{_n(height)}" role="img">')
    parts = ['<?xml version="1.0" encoding="UTF-8"?>'] if standalone else []
    parts += [head, f"<style>{STYLE}</style>",
              '<defs><marker id="seq-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" '
              'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#7b8794"/></marker></defs>',
              _text(MARGIN, 16, spec.name, "title", "start")]
    if drawing.padding:
        parts.append(_text(MARGIN, 32, words("d.padding_left_out", positions=", ".join(drawing.padding)), "pos",
                           "start"))
    bottom, below = max(b.y + b.height for b in drawing.blocks.values()), 0
    for link in drawing.links:
        parts += _link(drawing, link, bottom + 14 + 10 * below, style)
        below += _column_of(drawing, link[2]) - _column_of(drawing, link[1]) > 1
    for block in drawing.blocks.values():
        parts += _block(block)
    return "\n".join(parts + ["</svg>"]) + "\n"


def _padding(spec, row) -> tuple[str, ...]:
    """The positions of `row`'s texts after each text's own tokens (none without a row)."""
    if row is None:
        return ()
    real = {name for text in spec.texts.values() for name, _ in tokens_of(row, text)}
    return tuple(p for text in spec.texts.values() if text.padded for p in text.positions if p not in real)


def _drawing(spec, style, row, trace, words: Words) -> Drawing:
    drawing = Drawing(padding=_padding(spec, row))
    hidden = set(drawing.padding)
    results = {step.trace_step.name: step for step in row.steps} if row else {}
    alias = {spec.input_value: spec.input_value}
    depth = {spec.input_value: 0}
    drawing.blocks[spec.input_value] = _tokens(spec, row, hidden)
    for step in spec.steps:
        sources = [alias.get(name, name) for name in step.inputs]
        if all(label in spec.input_labels for label in spec.values[step.output].labels):
            alias[step.output] = spec.input_value  # picking some token numbers: still the tokens
            continue
        depth[step.output] = 1 + max(depth[s] for s in sources)
        worked = results.get(step.output)
        attention = lookup(step.op).diagram.attention
        if attention:
            matrix = _attention_block(step, worked, style, words, hidden)
            depth[matrix.value] = depth[step.output]
            drawing.blocks[matrix.value] = matrix
            drawing.links += [("block", sources[0], matrix.value, "q", None), ("block", sources[1], matrix.value, "k", None)]
        drawing.blocks[step.output] = _value_block(spec, step.output, worked, style, hidden)
        for n, source in enumerate(sources):
            if attention and n < 2:
                continue
            drawing.links.append(_link_for(spec, step, source, worked, attention, hidden))
    columns: dict[int, list[str]] = {}
    for name in drawing.blocks:
        columns.setdefault(depth[name], []).append(name)
    drawing.columns = [columns[d] for d in sorted(columns)]
    return drawing


def _tokens(spec, row, hidden: set[str]) -> Block:
    """The input: one row per token, its number and (given a row) the token it stands for."""
    labels = tuple(label for label in spec.input_labels if label not in hidden)
    tokens = {}
    numbers = dict(row.inputs) if row else {}
    for text in spec.texts.values():
        tokens.update(tokens_of(row, text) if row else {})
    texts = [[(f"{tokens[l]} → {num(numbers[l])}" if l in tokens else num(numbers[l])) if row else ""]
             for l in labels]
    width = max([len(t[0]) for t in texts] + [8]) * CHAR_W + 12
    return Block(spec.input_value, spec.input_value, labels, ("",), texts, cell_w=width, classes="tokens")


def _value_block(spec, name: str, worked, style, hidden: set[str]) -> Block:
    value = spec.values[name]
    positions = value.positions or ("",)
    drawn = [r for r, position in enumerate(positions) if position not in hidden]
    columns = value.features if value.is_sequence else value.labels
    numbers = list(worked.trace_step.result[worked.row]) if worked else None
    kept = _kept(len(columns))
    texts = [[("…" if c is None else num(numbers[r * len(columns) + c], style)) if numbers else ""
              for c in kept] for r in drawn]
    shown = tuple("…" if c is None else columns[c] for c in kept)
    return Block(name, name, tuple(positions[r] for r in drawn), shown, texts, cell_w=_cell_w(shown, texts))


def _kept(count: int) -> list[int | None]:
    """The columns a block shows: all of at most MOST, else the first MOST − 2, a gap (None) and the last."""
    if count <= MOST:
        return list(range(count))
    return [*range(MOST - 2), None, count - 1]


def _attention_block(step, worked, style, words: Words, hidden: set[str]) -> Block:
    """The weights: a row per query (per head), a column per key, the number and a blue of its size."""
    options = step.options
    heads, every_key = options["heads"], options["key_positions"]
    asked = options["query_positions"][-1:] if options["query"] == "last" else options["query_positions"]
    queries = [(i, q) for i, q in enumerate(asked) if q not in hidden or options["query"] == "last"]  # as computed
    keys = [(j, k) for j, k in enumerate(every_key) if k not in hidden]
    rows = tuple(f"{q} h{h + 1}" if heads > 1 else q for h in range(heads) for _, q in queries)
    if worked:
        weights = worked.trace_step.record.weights[worked.row]  # (heads, nq, nk)
        shades = [[float(weights[h, i, j]) for j, _ in keys] for h in range(heads) for i, _ in queries]
        texts = [[num(w, style) for w in line] for line in shades]
    else:
        shades, texts = None, [["" for _ in keys] for _ in rows]
    names = tuple(k for _, k in keys)
    return Block(f"{step.output}.weights", words("d.attention_weights", value=step.output), rows, names, texts,
                 cell_w=_cell_w(names, texts), shades=shades)


def _link_for(spec, step, source: str, worked, attention: bool, hidden: set[str]) -> tuple:
    params = ", ".join(step.params)
    target = spec.values[step.output]
    source_positions = spec.values[source].positions if source != spec.input_value else spec.input_labels
    if attention:
        weights = None
        if worked and step.options["query"] == "last" and step.options["heads"] == 1:
            row = worked.trace_step.record.weights[worked.row][0, 0]
            weights = [float(w) for w, key in zip(row, step.options["key_positions"]) if key not in hidden]
        return ("weighted", source, step.output, "v", weights)
    if target.is_sequence and set(target.positions) <= set(source_positions):  # each token to its own row
        return ("rows", source, step.output, params, None)
    return ("block", source, step.output, params, None)


def _cell_w(columns, texts) -> float:
    longest = max([len(c) for c in columns] + [len(t) for line in texts for t in line] + [3])
    return longest * CHAR_W + 10


def _place(drawing: Drawing) -> tuple[float, float]:
    """Columns left to right, blocks stacked in each; the drawing's width and height."""
    x = MARGIN
    heights = [sum(drawing.blocks[n].height for n in names) + BLOCK_GAP * (len(names) - 1)
               for names in drawing.columns]
    tallest = max(heights)
    for names, height in zip(drawing.columns, heights):
        y = TITLE_H + (tallest - height) / 2
        for name in names:
            block = drawing.blocks[name]
            block.x, block.y = x, y
            y += block.height + BLOCK_GAP
        x += max(drawing.blocks[n].width for n in names) + COLUMN_GAP
    skips = sum(1 for link in drawing.links if _column_of(drawing, link[2]) - _column_of(drawing, link[1]) > 1)
    return x - COLUMN_GAP + MARGIN, TITLE_H + tallest + 24 + 10 * skips


def _column_of(drawing: Drawing, name: str) -> int:
    return next(i for i, names in enumerate(drawing.columns) if name in names)


def _link(drawing: Drawing, link: tuple, below: float, style: NumberStyle) -> list[str]:
    kind, source, target, label, extra = link
    a, b = drawing.blocks[source], drawing.blocks[target]
    x1, x2 = _right(drawing, source) + 4, b.x + 4  # from the right edge of the source's whole column
    skips = _column_of(drawing, target) - _column_of(drawing, source) > 1
    if kind == "rows" and not skips:
        lines = []
        for i, name in enumerate(b.rows):
            y = a.row_y(a.rows.index(name))
            lines += _stub(a, x1, y) + [_line(x1, y, x2, b.row_y(i))]
        return lines + [_text(x2 - 6, b.row_y(0) - 8, label, "param", "end")]
    if kind == "weighted" and extra is not None and not skips:
        target_y = b.row_y(0)
        parts = []
        for i, w in enumerate(extra):
            parts += _stub(a, x1, a.row_y(i), "weighted")
            parts.append(_line(x1, a.row_y(i), x2, target_y, "link weighted"))
            t = 0.2  # the weight stands on its own line, near the value row it multiplies
            parts.append(_text(x1 + (x2 - x1) * t, a.row_y(i) + (target_y - a.row_y(i)) * t - 5,
                               f"× {num(w, style)}", "w", "start"))
        return parts
    y1 = a.y + TITLE_H + CELL_H * (len(a.rows) + 1) / 2 + CELL_H / 2
    y2 = b.y + TITLE_H + CELL_H * (len(b.rows) + 1) / 2 + CELL_H / 2
    if skips:  # down in the gap after the source's column, along below every block, up in the gap before the target
        path = (f'<path class="link" d="M{_n(a.x + a.width + 4)},{_n(y1)} H{_n(x1 + 6)} V{_n(below)} '
                f'H{_n(b.x - 12)} V{_n(y2)} H{_n(x2)}"/>')
        return [path, _text(x1 + 12, below - 3, label, "param", "start")]
    return _stub(a, x1, y1) + [_line(x1, y1, x2, y2), _text(x2 - 6, y2 - 8, label, "param", "end")]


def _right(drawing: Drawing, name: str) -> float:
    """The right edge of the widest block in `name`'s column: a link leaves from there, past every block."""
    return max(drawing.blocks[n].x + drawing.blocks[n].width for n in drawing.columns[_column_of(drawing, name)])


def _stub(block: Block, x: float, y: float, cls: str = "") -> list[str]:
    """A level line from the block's own edge to its column's edge (none when they are the same)."""
    start = block.x + block.width + 4
    if x - start < 1:
        return []
    return [f'<line class="stub {cls}" x1="{_n(start)}" y1="{_n(y)}" x2="{_n(x)}" y2="{_n(y)}"/>']


def _block(block: Block) -> list[str]:
    parts = [f'<g class="block {block.classes}" id="{escape(block.value)}">',
             _text(block.left, block.y + TITLE_H - 8, block.title, "title", "start")]
    top = block.y + TITLE_H
    for c, column in enumerate(block.columns):
        parts.append(_text(block.left + block.cell_w * (c + 0.5), top + CELL_H - 7, column, "pos"))
    for r, name in enumerate(block.rows):
        y = top + CELL_H * (r + 1)
        parts.append(_text(block.left - 6, y + CELL_H - 7, name, "pos", "end"))
        for c in range(len(block.columns)):
            x = block.left + block.cell_w * c
            fill = ""
            if block.shades is not None:
                blue = round(255 - 150 * max(0.0, min(1.0, block.shades[r][c])))
                fill = f' style="fill: rgb({blue},{min(255, blue + 30)},255)"'
            cls = "token" if "tokens" in block.classes else "cell"
            parts.append(f'<rect class="{cls}" x="{_n(x)}" y="{_n(y)}" width="{_n(block.cell_w)}" '
                         f'height="{CELL_H}"{fill}/>')
            parts.append(_text(x + block.cell_w / 2, y + CELL_H - 7, block.texts[r][c]))
    return parts + ["</g>"]


def _line(x1, y1, x2, y2, cls="link") -> str:
    return f'<line class="{cls}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/>'


def _text(x, y, text, cls="", anchor="middle") -> str:
    cls_attr = f' class="{cls}"' if cls else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{cls_attr}>{escape(text)}</text>'


def _n(x: float) -> str:
    return f"{round(x, 1):g}"
