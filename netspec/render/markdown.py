"""Trace in, Markdown out: readable on a code-hosting site, printable and diffable.

Each dense step opens with a table that puts the input values beside the weights, one
column per neuron (the "AI by Hand" layout), then writes out each neuron's sum. The
detail level, --focus and --blank worksheets are decided by render/view.py and
render/cells.py, as for the HTML and LaTeX printouts.
"""

from __future__ import annotations

from netspec.render.cells import BLANK, chain_stages, preamble_parts, sum_cells, value_parts
from netspec.render.escape import markdown as md, markdown_code as code
from netspec.render.numbers import NumberStyle, num
from netspec.render.summary import folded_rows, network_line, number_header, provenance, summary_header, summary_rows
from netspec.render.pieces import input_rows, text_lines
from netspec.render.printer import Printer
from netspec.render.view import PrintOptions, StepView, value_chain
from netspec.render.worked import WorkedRow
from netspec.run.trace import Trace

BLANK_MD = "\\_" * 6  # ______ that Markdown does not read as emphasis


def render_markdown(trace: Trace, style: NumberStyle = NumberStyle(), max_terms: int = 8,
                    options: PrintOptions | None = None) -> str:
    return MarkdownPrinter(trace, options or PrintOptions(style, max_terms)).render()


class MarkdownPrinter(Printer):
    """Markdown's leaf hooks: headings, pipe tables, bold labels; every free text through `md`."""

    BLANK = BLANK_MD
    GAP = [""]
    DECISION = ""  # under its own `## Decision` heading

    def text(self, text: str) -> str:
        return md(text)

    def line_text(self, text: str) -> str:
        return md(text, line_start=True)

    def front(self) -> list[str]:
        spec, options, words = self.spec, self.options, self.words
        lines = [f"# {md(spec.name)}" + (md(words("t.worksheet")) if options.blank else ""), ""]
        if spec.description:
            lines += [md(spec.description, line_start=True), ""]
        lines += [f"{code(provenance(spec))} · {md(number_header(options.style, words))}", "",
                  f"**{md(words('t.network'))}** {md(network_line(spec, words, self.in_brief))}", ""]
        rows = folded_rows(spec, words) if self.in_brief else summary_rows(spec, words)
        return lines + _md_table(tuple(md(h) for h in summary_header(words)), _cells(rows))

    def key_heading(self) -> list[str]:
        return ["", "---", "", f"# {md(self.words('answer_key'))}"]

    def row_head(self, row: WorkedRow, index: int, options: PrintOptions, key: bool) -> list[str]:
        spec = self.spec
        lines = [f"## {md(self.words.row(row.row_id))}", ""]
        lines += [*(code(line) for line in text_lines(row, spec, self.words)), ""] if spec.texts else []
        header = tuple(md(self.words(f"t.col.{name}")) for name in ("input", "value", "meaning"))
        return lines + _md_table(header, _cells(input_rows(row, spec, options.style, self.words)),
                                 ["---", "---:", "---"])

    def step_head(self, view: StepView, options: PrintOptions) -> list[str]:
        step = view.step
        lines = [f"### {md(self.words('step', n=step.number))} · {code(step.title)} ({code(step.where)})", ""]
        if view.table:
            lines += _weight_table(view, options, self.words) + [""]
        for piece in view.preamble:
            lines += [self._line(preamble_parts(piece, options)), ""]
        return lines

    def _line(self, parts: tuple) -> str:
        """Parts that begin a line: the first escaped as what begins a line."""
        if parts and isinstance(parts[0], str):
            return md(parts[0], line_start=True) + self.parts(parts[1:])
        return self.parts(parts)

    def values(self, views, options: PrintOptions) -> list[str]:
        return [" · ".join(self._value(v, options) for v in views), ""]

    def _value(self, item_view, options: PrintOptions) -> str:
        if item_view.gap:
            return md(self.words("t.more", n=item_view.gap))
        chain = value_chain(item_view)
        sign, parts = value_parts(chain.stages[0][0], options)
        return f"**{md(chain.label)}** {sign} {self.parts(parts)}"

    def sum(self, item_view, view: StepView, options: PrintOptions) -> list[str]:
        cells = sum_cells(item_view, view, options)
        numbers = [self.parts(tuple(" × " if p == "·" else p for p in parts)) for parts in cells.numbers]
        products = [self.parts(parts) for parts in cells.products]
        sign, total, note = cells.total
        shown = BLANK_MD if total is BLANK else f"**{md(total)}**"
        return [f"**{md(cells.label)}** = " + " + ".join(numbers) + "  ",
                "  = " + " + ".join(products) + f" {sign} {shown}" + (f" {md(note)}" if note else ""), ""]

    def chain(self, item_view, view: StepView, options: PrintOptions) -> list[str]:
        item = item_view.item
        stages = "".join(f" {sign} {self.parts(parts)}" for sign, parts in chain_stages(item, options))
        return [f"**{md(item.label)}**" + stages, ""]

    def step_close(self, lines: list[str]) -> list[str]:
        return lines[:-1]  # no blank line after the step's last

    def brief_value(self, item_view, options: PrintOptions) -> str:
        return self._value(item_view, options)

    def brief_table(self, title: str, header: tuple, rows: list[tuple[str, str]]) -> list[str]:
        cells = [(code(value), numbers) for value, numbers in rows]
        return [f"### {md(title)}", "", *_md_table(tuple(md(h) for h in header), cells)]

    def decision_lines(self, rule: str, said: str, mismatch: str | None) -> list[str]:
        return [f"## {md(self.words('t.decision'))}", "", rule, "", f"**{said}**", *(["", f"✗ {mismatch}"] if mismatch else [])]


def _md_table(header, rows, align=None) -> list[str]:
    """A table of cells already in Markdown: each written by `md`, `num` or this module's own markup."""
    align = align or ["---"] * len(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def _cells(rows) -> list[tuple[str, ...]]:
    return [tuple(md(str(c)) for c in row) for row in rows]


def _weight_table(view: StepView, options: PrintOptions, words) -> list[str]:
    sums, style, focus = view.sums, options.style, view.focus
    first = sums[0]
    header = (md(words("t.col.input")), md(words("t.col.value")), *(f"**→ {md(s.label)}**" if focus and focus.label == s.label else f"→ {md(s.label)}"
                                  for s in sums))
    rows = [(f"**{md(t.input)}**" if focus and focus.source == t.input else md(t.input),
             num(t.x, style) if view.given_x or not options.blank else BLANK_MD,
             *(num(s.terms[i].w, style) for s in sums))
            for i, t in enumerate(first.terms)]
    if first.bias:
        rows.append((md(words("t.bias")), "", *(num(s.bias.value, style) for s in sums)))
    return _md_table(header, rows, ["---"] + ["---:"] * (len(header) - 1))
