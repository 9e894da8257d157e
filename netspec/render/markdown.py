"""Trace in, Markdown out: readable on a code-hosting site, printable and diffable.

Each dense step opens with a table that puts the input values beside the weights, one
column per neuron (the "AI by Hand" layout), then writes out each neuron's sum. The
detail level, --focus and --blank worksheets are decided by render/view.py and
render/cells.py, as for the HTML and LaTeX printouts.
"""

from __future__ import annotations

from netspec.render.cells import BLANK, chain_stages, joined, preamble_parts, sum_cells, value_parts
from netspec.render.escape import filled, markdown as md, markdown_code as code
from netspec.render.numbers import NumberStyle, num
from netspec.render.summary import network_line, provenance, summary_rows
from netspec.render.pieces import decision_text, example_mismatch, input_rows, text_lines
from netspec.render.view import PrintOptions, StepView, step_views, value_chain
from netspec.render.worked import Sum, WorkedRow, worked_rows
from netspec.trace import Trace

BLANK_MD = "\\_" * 6  # ______ that Markdown does not read as emphasis


def render_markdown(trace: Trace, style: NumberStyle = NumberStyle(), max_terms: int = 8,
                    options: PrintOptions | None = None) -> str:
    spec = trace.spec
    options = options or PrintOptions(style, max_terms)
    lines = [f"# {md(spec.name)}" + (" · worksheet" if options.blank else ""), ""]
    if spec.description:
        lines += [md(spec.description, line_start=True), ""]
    lines += [f"{code(provenance(spec))} · {options.style.header()}", "", f"**Network** {md(network_line(spec))}", ""]
    lines += _md_table(("value", "operation", "shape", "parameters", "spec line"), _cells(summary_rows(spec)))
    rows = worked_rows(trace)
    for row in rows:
        lines += ["", *_row(row, trace, options)]
    if options.blank:
        lines += ["", "---", "", "# Answer key"]
        for row in rows:
            lines += ["", *_row(row, trace, options.answers())]
    return "\n".join(lines) + "\n"


def _md_table(header, rows, align=None) -> list[str]:
    """A table of cells already in Markdown: each written by `md`, `num` or this module's own markup."""
    align = align or ["---"] * len(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def _cells(rows) -> list[tuple[str, ...]]:
    return [tuple(md(str(c)) for c in row) for row in rows]


def _row(row: WorkedRow, trace: Trace, options: PrintOptions) -> list[str]:
    style = options.style
    lines = [f"## {md(row.row_id)}", ""]
    lines += [*(code(line) for line in text_lines(row, trace.spec)), ""] if trace.spec.texts else []
    lines += _md_table(("input", "value", "meaning"), _cells(input_rows(row, trace.spec, style)),
                       ["---", "---:", "---"])
    for view in step_views(row, trace.spec, options):
        lines += ["", *_step(view, options)]
    return lines + ["", "## Decision", "", *_decision(row, trace, options)]


def _step(view: StepView, options: PrintOptions) -> list[str]:
    step = view.step
    lines = [f"### Step {step.number} · {code(step.title)} ({code(step.where)})", ""]
    if view.table:
        lines += _weight_table(view, options) + [""]
    for piece in view.preamble:
        lines += [_text(preamble_parts(piece, options), line_start=True), ""]
    for expanded, views in view.runs():
        if not expanded:
            lines += [" · ".join(_value(v, options) for v in views), ""]
            continue
        for item_view in views:
            shown = _sum(item_view, view, options) if isinstance(item_view.item, Sum) else _chain(item_view, options)
            lines += shown + [""]
    return lines[:-1]


def _text(parts: tuple, line_start: bool = False) -> str:
    """The parts in Markdown; with `line_start`, the first escaped as what begins a line."""
    if line_start and parts and isinstance(parts[0], str):
        return md(parts[0], line_start=True) + joined(parts[1:], BLANK_MD, md)
    return joined(parts, BLANK_MD, md)


def _value(item_view, options: PrintOptions) -> str:
    if item_view.gap:
        return f"… {item_view.gap} more"
    chain = value_chain(item_view)
    sign, parts = value_parts(chain.stages[0][0], options)
    return f"**{md(chain.label)}** {sign} {_text(parts)}"


def _weight_table(view: StepView, options: PrintOptions) -> list[str]:
    sums, style, focus = view.sums, options.style, view.focus
    first = sums[0]
    header = ("input", "value", *(f"**→ {md(s.label)}**" if focus and focus.label == s.label else f"→ {md(s.label)}"
                                  for s in sums))
    rows = [(f"**{md(t.input)}**" if focus and focus.source == t.input else md(t.input),
             num(t.x, style) if view.given_x or not options.blank else BLANK_MD,
             *(num(s.terms[i].w, style) for s in sums))
            for i, t in enumerate(first.terms)]
    if first.bias:
        rows.append(("bias", "", *(num(s.bias[1], style) for s in sums)))
    return _md_table(header, rows, ["---"] + ["---:"] * (len(header) - 1))


def _sum(item_view, view: StepView, options: PrintOptions) -> list[str]:
    cells = sum_cells(item_view, view, options)
    numbers = [_text(tuple(" × " if p == "·" else p for p in parts)) for parts in cells.numbers]
    products = [_text(parts) for parts in cells.products]
    sign, total, note = cells.total
    shown = BLANK_MD if total is BLANK else f"**{md(total)}**"
    return [f"**{md(cells.label)}** = " + " + ".join(numbers) + "  ",
            "  = " + " + ".join(products) + f" {sign} {shown}" + (f" {md(note)}" if note else "")]


def _chain(item_view, options: PrintOptions) -> list[str]:
    item = item_view.item
    return [f"**{md(item.label)}**" + "".join(f" {sign} {_text(parts)}" for sign, parts in chain_stages(item, options))]


def _decision(row: WorkedRow, trace: Trace, options: PrintOptions) -> list[str]:
    from netspec.decision import sentence

    if options.blank:
        return [f"{md(trace.spec.decision.describe(), line_start=True)}  →  {BLANK_MD}", "",
                f"**{filled(lambda hole: sentence(trace.spec.decision, hole), BLANK_MD, md)}**"]
    mismatch = example_mismatch(row, trace)
    return [md(decision_text(row, trace, options.style).replace("Decision · ", ""), line_start=True), "",
            f"**{md(row.sentence)}**",
            *(["", f"✗ {md(mismatch)}"] if mismatch else [])]
