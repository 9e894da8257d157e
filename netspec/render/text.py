"""Trace in, terminal text out: the worked calculation, every product and every sum.

    Step 1 · hidden = dense(input, W1)                                  leaf.net:27
      h1 = R·W1[R,h1] + G·W1[G,h1]  + B·W1[B,h1]  + Vol·W1[Vol,h1]
         = 32·0.1     + 107·(−0.29) + 56·(−0.07)  + 11.2·0.46
         = 3.2        + (−31.03)    + (−3.92)     + 5.152
         = −26.598

What each step shows (detail level, --focus, --blank) is decided by render/view.py and
render/cells.py, as for the other printouts; this module only lays it out in columns.
"""

from __future__ import annotations

from netspec.phrases import in_language
from netspec.render.cells import BLANK, chain_stages, preamble_parts, sum_cells, value_parts
from netspec.render.escape import terminal, terminal_lines
from netspec.render.numbers import num
from netspec.render.pieces import tokens_of
from netspec.render.printer import Printer
from netspec.render.summary import (folded_rows, network_line, number_header, provenance, summary_header, summary_rows,
                                    table)
from netspec.render.words import meaning, pad, width
from netspec.render.view import ItemView, PrintOptions, StepView, value_chain
from netspec.render.worked import WorkedRow
from netspec.run.trace import Trace

WIDTH = 78
BLANK_TEXT = "______"


def render_trace(trace: Trace, options: PrintOptions = PrintOptions()) -> str:
    return TextPrinter(trace, options).render()


class TextPrinter(Printer):
    """The terminal's leaf hooks: columns of plain text, WIDTH characters wide."""

    BLANK = BLANK_TEXT
    GAP = [""]

    def front(self) -> list[str]:
        spec, words, fold = self.spec, self.words, self.in_brief
        lines = [terminal(provenance(spec)), number_header(self.options.style, words), "",
                 f"{words('t.network')} {terminal(network_line(spec, words, fold))}"]
        if spec.description:
            lines.append(f"  {terminal(spec.description)}")
        return lines + table(folded_rows(spec, words) if fold else summary_rows(spec, words), summary_header(words))

    def page(self, lines: list[str], rows) -> str:
        return terminal_lines("\n".join(lines)) + "\n"  # the last guard: no control reaches the terminal raw

    def key_heading(self) -> list[str]:
        return ["", "═" * WIDTH, self.words("answer_key")]

    def row_head(self, row: WorkedRow, index: int, options: PrintOptions, key: bool) -> list[str]:
        spec, style = self.spec, options.style
        lines = []
        if len(self.trace.row_ids) > 1 or not row.row_id.startswith("the given"):
            title = self.words.row(row.row_id)
            lines += [f"── {title} " + "─" * max(0, WIDTH - width(title) - 4), ""]
        plain = [(label, x) for label, x in row.inputs if label not in _token_inputs(spec)]
        if plain:
            lines.append(pad(self.words('t.input'), 8) + "   ".join(f"{label} = {num(x, style)}" for label, x in plain))
        for text in spec.texts.values():
            lines += _text_input(row, text, style, self.words)
        described = [info for info in spec.inputs if info.meaning and info.text is None]
        widest = max((len(i.label) for i in described), default=0)
        return lines + [f"  {info.label.ljust(widest)}  {meaning(info, self.words, style.minus)}" for info in described]

    def step_head(self, view: StepView, options: PrintOptions) -> list[str]:
        step = view.step
        title = f"{self.words('step', n=step.number)} · {step.title}"
        lines = [title + step.where.rjust(max(WIDTH - width(title), len(step.where) + 2))]
        if view.table and view.level == "layer":  # at neuron detail and beyond, the sums show every weight
            lines += _weight_table(view, options, self.words)
        return lines + ["  " + self.parts(preamble_parts(piece, options)) for piece in view.preamble]

    def values(self, views, options: PrintOptions) -> list[str]:
        return _wrapped([self._value(v, options) for v in views])

    def _value(self, item_view: ItemView, options: PrintOptions) -> str:
        if item_view.gap:
            return self.words("t.more", n=item_view.gap)
        chain = value_chain(item_view)
        sign, parts = value_parts(chain.stages[0][0], options)
        return f"{chain.label} {sign} {self.parts(parts)}"

    def sum(self, item_view: ItemView, view: StepView, options: PrintOptions) -> list[str]:
        cells = sum_cells(item_view, view, options)
        columns = [(name, self.parts(numbers), self.parts(products))
                   for name, numbers, products in zip(cells.names, cells.numbers, cells.products)]
        widths = [max(len(c) for c in column) for column in columns]
        head = f"  {pad(cells.label, _label_width(view))} = "
        indent = " " * (width(head) - 2) + "= "
        lines = [(head if k == 0 else indent) + " + ".join(c[k].ljust(w) for c, w in zip(columns, widths)).rstrip()
                 for k in range(3)]
        sign, total, note = cells.total
        shown = BLANK_TEXT if total is BLANK else total
        return lines + [indent[:-2] + f"{sign} {shown}" + (f" {note}" if note else "")]

    def chain(self, item_view: ItemView, view: StepView, options: PrintOptions) -> list[str]:
        item = item_view.item
        stages = "".join(f" {sign} {self.parts(parts)}" for sign, parts in chain_stages(item, options))
        return [f"  {pad(item.label, _label_width(view))}{stages}"]

    def decision_lines(self, rule: str, said: str, mismatch: str | None) -> list[str]:
        return [rule, f"  {said}", *([f"  ✗ {mismatch}"] if mismatch else [])]

    def brief_value(self, item_view: ItemView, options: PrintOptions) -> str:
        return self._value(item_view, options)

    def brief_table(self, title: str, header: tuple, rows: list[tuple[str, str]]) -> list[str]:
        return [terminal(title), *table([(terminal(value), numbers) for value, numbers in rows], header)]


def _label_width(view: StepView) -> int:
    """The longest label of the step in terminal columns (a Chinese label's characters take two), so its `=` signs
    line up."""
    return max((width(v.item.label) for v in view.items), default=0)


def _token_inputs(spec) -> set[str]:
    return {position for text in spec.texts.values() for position in text.positions}


def _text_input(row: WorkedRow, text, style, words) -> list[str]:
    """`Input   text = "humpty dumpt"`, its numbering (for sub-words, the split), then each token neuron: `text1 = h → 8`."""
    values = dict(row.inputs)
    numbers = [values[p] for p in text.positions]
    shown, numbering = text.shown(numbers), in_language(text.numbering(numbers), words.lang)
    cells = [f"{position} = {token} → {num(values[position], style)}" for position, token in tokens_of(row, text)]
    width = max(len(cell) for cell in cells)
    per_line = max(1, (WIDTH - 2) // (width + 3))
    lines = [f"{pad(words('t.input'), 8)}{text.name} = {shown}", f"  {words('t.tokenized', name=text.vocabulary.name)}: {numbering}"]
    return lines + ["  " + "   ".join(c.ljust(width) for c in cells[k:k + per_line]).rstrip()
                    for k in range(0, len(cells), per_line)]


def _wrapped(cells: list[str]) -> list[str]:
    """`a = 1   b = 2 …` on lines of at most WIDTH characters, so a wide layer stays readable."""
    lines = ["  "]
    for cell in cells:
        if len(lines[-1]) > 2 and len(lines[-1]) + 3 + len(cell) > WIDTH:
            lines.append("  ")
        lines[-1] += ("   " if len(lines[-1]) > 2 else "") + cell
    return lines


def _weight_table(view: StepView, options: PrintOptions, words) -> list[str]:
    """The AI-by-Hand layout: the input values beside the weights, one column per neuron."""
    sums, style = view.sums, options.style
    if view.wide and view.focus is not None and view.focus.label is not None:  # 27 columns do not fit: the focused one
        sums = [s for s in sums if s.label == view.focus.label] or sums
    header = (words("t.col.input"), words("t.col.value"), *(f"→ {s.label}" for s in sums))
    rows = [(t.input, num(t.x, style) if view.given_x or not options.blank else BLANK_TEXT,
             *(num(s.terms[i].w, style) for s in sums)) for i, t in enumerate(sums[0].terms)]
    if sums[0].bias:
        rows.append((words("t.bias"), "", *(num(s.bias.value, style) for s in sums)))
    return table(rows, header)
