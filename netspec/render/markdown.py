"""Trace in, Markdown out: readable on a code-hosting site, printable and diffable.

Each dense step opens with a table that puts the input values beside the weights, one
column per neuron (the "AI by Hand" layout), then writes out each neuron's sum.
"""

from __future__ import annotations

from netspec.render.numbers import NumberStyle, factor, num
from netspec.render.summary import network_line, provenance, summary_rows
from netspec.render.text import TraceOptions, chain_text, decision_text, piece_text, total_text
from netspec.render.worked import Chain, Sum, WorkedRow, WorkedStep, worked_rows
from netspec.trace import Trace


def render_markdown(trace: Trace, style: NumberStyle = NumberStyle(), max_terms: int = 8) -> str:
    spec = trace.spec
    options = TraceOptions(style, max_terms)
    lines = [f"# {spec.name}", ""]
    if spec.description:
        lines += [spec.description, ""]
    lines += [f"`{provenance(spec)}` · {style.header()}", "", f"**Network** {network_line(spec)}", ""]
    lines += _md_table(("value", "operation", "shape", "parameters", "spec line"), summary_rows(spec))
    for row in worked_rows(trace):
        lines += ["", *_row(row, trace, options)]
    return "\n".join(lines) + "\n"


def _md_table(header, rows, align=None) -> list[str]:
    align = align or ["---"] * len(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    return out + ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]


def _row(row: WorkedRow, trace: Trace, options: TraceOptions) -> list[str]:
    style = options.style
    lines = [f"## {row.row_id}", ""]
    meanings = {i.label: i.meaning for i in trace.spec.inputs}
    lines += _md_table(("input", "value", "meaning"),
                       [(label, num(x, style), meanings.get(label, "")) for label, x in row.inputs],
                       ["---", "---:", "---"])
    for step in row.steps:
        lines += ["", *_step(step, row, options)]
    lines += ["", "## Decision", "", _decision(row, trace, style), "", f"**{row.sentence}**"]
    return lines


def _step(step: WorkedStep, row: WorkedRow, options: TraceOptions) -> list[str]:
    lines = [f"### Step {step.number} · `{step.title}` (`{step.where}`)", ""]
    sums = [item for item in step.items if isinstance(item, Sum)]
    if sums:
        lines += _weight_table(sums, options.style) + [""]
    for piece in step.preamble:
        lines += ["".join(piece_text(p, options.style) for p in piece), ""]
    for item in step.items:
        lines += (_sum(item, options) if isinstance(item, Sum) else _chain(item, options.style)) + [""]
    return lines[:-1]


def _weight_table(sums: list[Sum], style: NumberStyle) -> list[str]:
    first = sums[0]
    header = ("input", "value", *(f"→ {s.label}" for s in sums))
    rows = [(t.input, num(t.x, style), *(num(s.terms[i].w, style) for s in sums))
            for i, t in enumerate(first.terms)]
    if first.bias:
        rows.append(("bias", "", *(num(s.bias[1], style) for s in sums)))
    return _md_table(header, rows, ["---"] + ["---:"] * (len(header) - 1))


def _sum(item: Sum, options: TraceOptions) -> list[str]:
    style = options.style
    terms = list(item.terms)
    shown = terms
    if options.max_terms and len(terms) > options.max_terms:
        shown = terms[:3] + [None] + terms[-1:]
    more = f"… {len(terms) - 4} more …"
    numbers = [f"{factor(t.x, style)} × {factor(t.w, style)}" if t else more for t in shown]
    products = [factor(t.product, style) if t else "…" for t in shown]
    if item.bias:
        numbers.append(factor(item.bias[1], style))
        products.append(factor(item.bias[1], style))
    elided = len(terms) - 4 if shown is not terms else 0
    total = total_text(item, elided, style)
    sign, _, rest = total.partition(" ")
    value, _, note = rest.partition(" ")
    return [f"**{item.label}** = " + " + ".join(numbers) + "  ",
            "  = " + " + ".join(products) + f" {sign} **{value}**" + (f" {note}" if note else "")]


def _chain(item: Chain, style: NumberStyle) -> list[str]:
    return [chain_text(item, style, f"**{item.label}**")]


def _decision(row: WorkedRow, trace: Trace, style: NumberStyle) -> str:
    return decision_text(row, trace, style).replace("Decision · ", "")
