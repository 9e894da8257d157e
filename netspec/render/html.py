"""Trace in, one self-contained HTML page out: the network drawn with its numbers, then the worked calculation.

Nothing is fetched (no scripts, fonts or images from elsewhere), so the page works
opened from disk and prints on A4 or Letter. The diagram is inline SVG whose ids are
trace addresses; below it each step has its weight table, with the input values beside
the weights (one column per neuron), and each neuron's sum written out. `--blank` leaves
the worked numbers as empty boxes and puts the answer key on the last page.
"""

from __future__ import annotations

from netspec.render.cells import BLANK, chain_stages, preamble_parts, sum_cells, value_parts
from netspec.render.diagram import render_svg
from netspec.render.escape import html_text as escape
from netspec.render.html_style import style_sheet
from netspec.render.numbers import num
from netspec.render.pieces import input_rows, text_lines
from netspec.render.printer import Printer
from netspec.render.summary import folded_rows, network_line, number_header, provenance, summary_header, summary_rows
from netspec.render.words import Words
from netspec.render.view import PrintOptions, StepView, value_chain
from netspec.render.worked import WorkedRow
from netspec.run.trace import Trace

BOX = '<span class="box"></span>'


def render_html(trace: Trace, options: PrintOptions = PrintOptions(), page: bool = True) -> str:
    """A whole page, or (page=False) a <div> with its own scoped style, for a notebook cell."""
    return HtmlPrinter(trace, options, page).render()


class HtmlPrinter(Printer):
    """HTML's leaf hooks: sections, tables and boxes; every free text through `escape` (render/escape.py)."""

    BLANK = BOX

    def __init__(self, trace: Trace, options: PrintOptions = PrintOptions(), page: bool = True):
        super().__init__(trace, options)
        self.whole_page = page

    def text(self, text: str) -> str:
        return escape(text)

    def front(self) -> list[str]:
        return _front_matter(self.trace, self.options, self.in_brief)

    def page(self, lines: list[str], rows: list[WorkedRow]) -> str:
        spec, options = self.spec, self.options
        body = lines + [f"<footer>{escape(provenance(spec))}</footer>"]
        classes = "netspec-printout in-brief" if self.in_brief else "netspec-printout"  # in brief: small tables
        if not self.whole_page:
            style = f"<style>{style_sheet(options.paper, provenance(spec), page=False)}</style>"
            return "\n".join([f'<div class="{classes}">', style, *body, "</div>"]) + "\n"
        return _document(self.trace, options, rows, body, classes)

    def key_heading(self) -> list[str]:
        return ['<section class="answer-key">', f"<h2>{escape(self.words('answer_key'))}</h2>"]

    def key_end(self) -> list[str]:
        return ["</section>"]

    def row_head(self, row: WorkedRow, index: int, options: PrintOptions, key: bool) -> list[str]:
        if key:  # the answer key: the row's steps and decision under its name
            return [f"<h3>{escape(self.words.row(row.row_id))}</h3>"]
        spec = self.spec
        suffix = f"@{index + 1}" if len(self.trace.row_ids) > 1 else ""
        parts = ['<section class="row">', f"<h2>{escape(self.words.row(row.row_id))}</h2>"]
        parts += [f'<p class="tokens">{escape(line)}</p>' for line in text_lines(row, spec, self.words)]
        header = tuple(self.words(f"t.col.{name}") for name in ("input", "value", "meaning"))
        parts += _table(header, input_rows(row, spec, options.style, self.words), "inputs")
        return parts + _diagram(self.trace, row, suffix, options)

    def row_end(self, key: bool) -> list[str]:
        return [] if key else ["</section>"]

    def step_head(self, view: StepView, options: PrintOptions) -> list[str]:
        step = view.step
        where = f'<span class="where">{escape(step.where)}</span>'
        parts = [f'<section class="step" data-value="{escape(step.trace_step.name)}">',
                 f"<h3>{escape(self.words('step', n=step.number))} · <code>{escape(step.title)}</code> {where}</h3>"]
        parts += [f'<p class="preamble">{self.parts(preamble_parts(p, options))}</p>' for p in view.preamble]
        return parts + (_weight_table(view, options, self.words) if view.table else [])

    def values(self, views, options: PrintOptions) -> list[str]:
        return ['<ul class="values">', *(f"<li>{self._value(v, options)}</li>" for v in views), "</ul>"]

    def _value(self, item_view, options: PrintOptions) -> str:
        if item_view.gap:
            return f"<span>{escape(self.words('t.more', n=item_view.gap))}</span>"
        chain = value_chain(item_view)
        sign, parts = value_parts(chain.stages[0][0], options)
        label = f"<strong>{escape(chain.label)}</strong>"
        return f'<span data-address="{escape(chain.address)}">{label} {sign} {self.parts(parts)}</span>'

    def sum(self, item_view, view: StepView, options: PrintOptions) -> list[str]:
        cells = sum_cells(item_view, view, options)
        focus = " focus" if item_view.focused else ""
        parts = [f'<table class="sum{focus}" data-address="{escape(item_view.item.address)}">']
        rows = (("names", [escape(c) for c in cells.names], f"<strong>{escape(cells.label)}</strong>"),
                ("numbers", [self.parts(p) for p in cells.numbers], ""),
                ("products", [self.parts(p) for p in cells.products], ""))
        for cls, columns, head in rows:
            tds = '<td class="plus">+</td>'.join(f"<td>{c}</td>" for c in columns)
            parts.append(f'<tr class="{cls}"><th>{head}</th><td class="eq">=</td>{tds}</tr>')
        sign, total, note = cells.total
        total_html = BOX if total is BLANK else f"<strong>{escape(total)}</strong>"
        note_html = f' <span class="note">{escape(note)}</span>' if note else ""
        parts.append(f'<tr class="total"><th></th><td class="eq">{escape(sign)}</td>'
                     f'<td class="result" colspan="{2 * len(cells.names) - 1}">{total_html}{note_html}</td></tr>')
        return parts + ["</table>"]

    def chain(self, item_view, view: StepView, options: PrintOptions) -> list[str]:
        item = item_view.item
        stages = " ".join(f"{escape(sign)} {self.parts(parts)}" for sign, parts in chain_stages(item, options))
        focus = " focus" if item_view.focused else ""
        label = f"<strong>{escape(item.label)}</strong>"
        return [f'<p class="chain{focus}" data-address="{escape(item.address)}">{label} {stages}</p>']

    def step_close(self, lines: list[str]) -> list[str]:
        return lines + ["</section>"]

    def brief_value(self, item_view, options: PrintOptions) -> str:
        return self._value(item_view, options)

    def brief_table(self, title: str, header: tuple, rows: list[tuple[str, str]]) -> list[str]:
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = [f"<tr><td><code>{escape(value)}</code></td><td>{numbers}</td></tr>" for value, numbers in rows]
        return ['<section class="brief">', f"<h3>{escape(title)}</h3>", '<table class="brief">',
                f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody>", "</table>", "</section>"]

    def decision_lines(self, rule: str, said: str, mismatch: str | None) -> list[str]:
        note = [f'<p class="mismatch">✗ {mismatch}</p>'] if mismatch else []
        return ['<section class="decision">', f"<p>{rule}</p>", f'<p class="sentence">{said}</p>', *note, "</section>"]


def _document(trace: Trace, options: PrintOptions, rows: list[WorkedRow], body: list[str],
              classes: str = "netspec-printout") -> str:
    spec = trace.spec
    title = f"{spec.name} · {rows[0].row_id}" if len(rows) == 1 else spec.name
    words = Words(options.lang)
    head = ["<!DOCTYPE html>", f'<html lang="{"zh-Hans" if options.lang == "zh" else "en"}">', "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="{escape(provenance(spec))}">',
            f'<meta name="netspec-sha256" content="{spec.sha256}">',
            f"<title>{escape(title + (words('t.worksheet') if options.blank else ''))}</title>",
            f"<style>{style_sheet(options.paper, provenance(spec))}</style>", "</head>",
            f'<body class="{classes}">']
    return "\n".join(head + body + ["</body>", "</html>"]) + "\n"


def _front_matter(trace: Trace, options: PrintOptions, fold: bool = False) -> list[str]:
    spec, words = trace.spec, Words(options.lang)
    parts = [f'<header class="provenance">{escape(provenance(spec))} · '
             f'{escape(number_header(options.style, words))}</header>',
             f"<h1>{escape(spec.name)}{escape(words('t.worksheet')) if options.blank else ''}</h1>"]
    if spec.description:
        parts.append(f'<p class="description">{escape(spec.description)}</p>')
    parts.append(f'<p class="network"><strong>{escape(words("t.network"))}</strong> '
                 f'{escape(network_line(spec, words, fold))}</p>')
    return parts + _table(summary_header(words), folded_rows(spec, words) if fold else summary_rows(spec, words), "summary")


def _table(header, rows, cls: str) -> list[str]:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = ["<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows]
    return [f'<table class="{cls}">', f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody>", "</table>"]


DRAWN_MOST = 1000  # neurons; a larger network's drawing is megabytes of marks no one can read


def neurons_drawn(spec) -> int:
    """The neurons a drawing of `spec` would hold; over DRAWN_MOST, the page has no drawing (and a trace
    for it needs no step's working but the ones it shows)."""
    return len(spec.inputs) + sum(spec.values[step.output].width for step in spec.steps)


def _diagram(trace: Trace, row: WorkedRow, suffix: str, options: PrintOptions) -> list[str]:
    """The network drawn with this row's numbers; for a large network, a note that says why not."""
    spec = trace.spec
    neurons = neurons_drawn(spec)
    if neurons > DRAWN_MOST:
        return [f'<p class="preamble">The drawing is left out: {neurons:,} neurons do not make a readable picture '
                f"(over {DRAWN_MOST:,}). <code>netspec draw</code> draws it on its own.</p>"]
    # a worksheet's decision is its own blank below the drawing: the drawing does not ask it a second time
    svg = render_svg(spec, options, row, trace, suffix, standalone=False, caption=not options.blank)
    return ['<figure class="diagram">', svg.rstrip("\n"), "</figure>"]


def _weight_table(view: StepView, options: PrintOptions, words) -> list[str]:
    """The AI-by-Hand layout: a row per input with its value, a column per neuron, the results below."""
    sums, style, focus = view.sums, options.style, view.focus
    cls = "weights grid" if view.wide else "weights"
    col_class = [" focus" if focus and focus.label == s.label else "" for s in sums]
    head = "".join(f'<th scope="col" class="{c.strip()}">→ {escape(s.label)}</th>' for s, c in zip(sums, col_class))
    parts = [f'<table class="{cls}">', "<thead><tr>",
             f'<th scope="col">{escape(words("t.col.input"))}</th><th scope="col">{escape(words("t.col.value"))}</th>',
             head, "</tr></thead>", "<tbody>"]
    for i, term in enumerate(sums[0].terms):
        row_class = ' class="focus"' if focus and focus.source == term.input else ""
        x = num(term.x, style) if view.given_x or not options.blank else BOX
        cells = "".join(_weight_cell(s.terms[i].w, c, options) for s, c in zip(sums, col_class))
        parts.append(f'<tr{row_class}><th scope="row">{escape(term.input)}</th><td class="x">{x}</td>{cells}</tr>')
    if sums[0].bias:
        cells = "".join(_weight_cell(s.bias.value, c, options) for s, c in zip(sums, col_class))
        name = escape(sums[0].bias.table)
        parts.append(f'<tr class="bias"><th scope="row">{name}</th><td class="x">+</td>{cells}</tr>')
    results = "".join(f'<td class="result{c}">{BOX if options.blank else escape(num(s.total, style))}</td>'
                      for s, c in zip(sums, col_class))
    name = escape(view.step.trace_step.name)
    return parts + ["</tbody>", f'<tfoot><tr><th scope="row">{name}</th><td>=</td>{results}</tr></tfoot>', "</table>"]


def _weight_cell(w: float, focus_class: str, options: PrintOptions) -> str:
    sign = "positive" if w > 0 else "negative" if w < 0 else "zero"
    return f'<td class="w {sign}{focus_class}">{escape(num(w, options.style))}</td>'
