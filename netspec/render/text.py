"""Trace in, terminal text out: the worked calculation, every product and every sum.

    Step 1 · hidden = dense(input, W1)                                  leaf.net:27
      h1 = R·W1[R,h1] + G·W1[G,h1]  + B·W1[B,h1]  + Vol·W1[Vol,h1]
         = 32·0.1     + 107·(−0.29) + 56·(−0.07)  + 11.2·0.46
         = 3.2        + (−31.03)    + (−3.92)     + 5.152
         = −26.598
"""

from __future__ import annotations

from dataclasses import dataclass

from netspec.render.numbers import NumberStyle, factor, num, show, terms_disagree
from netspec.render.summary import network_line, provenance, summary_rows, table
from netspec.render.worked import Arg, Chain, Num, Sum, WorkedRow, WorkedStep, worked_rows
from netspec.trace import Trace

WIDTH = 78
DAGGER = "‡"


@dataclass(frozen=True)
class TraceOptions:
    style: NumberStyle = NumberStyle()
    max_terms: int = 8  # longer sums show the first 3 terms, the last one and a count; 0 shows all


def render_trace(trace: Trace, options: TraceOptions = TraceOptions()) -> str:
    spec = trace.spec
    lines = [provenance(spec), options.style.header(), "", f"Network {network_line(spec)}"]
    if spec.description:
        lines.append(f"  {spec.description}")
    lines += table(summary_rows(spec), ("value", "operation", "shape", "parameters", "spec line"))
    for row in worked_rows(trace):
        lines += ["", *_row(row, trace, options)]
    return "\n".join(lines) + "\n"


def _row(row: WorkedRow, trace: Trace, options: TraceOptions) -> list[str]:
    style = options.style
    lines = []
    if len(trace.row_ids) > 1 or not row.row_id.startswith("the given"):
        lines += [f"── {row.row_id} " + "─" * max(0, WIDTH - len(row.row_id) - 4), ""]
    lines.append("Input   " + "   ".join(f"{label} = {num(x, style)}" for label, x in row.inputs))
    for info in trace.spec.inputs:
        if info.meaning:
            lines.append(f"  {info.label.ljust(max(len(i.label) for i in trace.spec.inputs))}  {info.meaning}")
    for step in row.steps:
        lines += ["", *_step(step, options)]
    lines += ["", decision_text(row, trace, style), f"  {row.sentence}"]
    return lines


def _step(step: WorkedStep, options: TraceOptions) -> list[str]:
    title = f"Step {step.number} · {step.title}"
    lines = [title + step.where.rjust(max(WIDTH - len(title), len(step.where) + 2))]
    for piece in step.preamble:
        lines.append("  " + "".join(piece_text(p, options.style) for p in piece))
    width = max((len(item.label) for item in step.items), default=0)
    for item in step.items:
        render = _sum if isinstance(item, Sum) else _chain
        lines += render(item, width, options)
    return lines


def _sum(item: Sum, width: int, options: TraceOptions) -> list[str]:
    style = options.style
    terms = list(item.terms)
    elided = 0
    if options.max_terms and len(terms) > options.max_terms:
        elided = len(terms) - 4
        terms = terms[:3] + [None] + terms[-1:]
    columns = [_term_column(t, elided, style) for t in terms]
    if item.bias:
        columns.append((item.bias[0], factor(item.bias[1], style), factor(item.bias[1], style)))
    widths = [max(len(c) for c in col) for col in columns]
    head = f"  {item.label.ljust(width)} = "
    pad = " " * (len(head) - 2) + "= "
    lines = [head + " + ".join(c[k].ljust(w) for c, w in zip(columns, widths)).rstrip() for k in range(3)]
    lines[1:] = [pad + line[len(head):] for line in lines[1:]]
    lines.append(pad[:-2] + total_text(item, elided, style))
    return lines


def _term_column(term, elided: int, style: NumberStyle) -> tuple[str, str, str]:
    if term is None:
        return ("…", f"… {elided} more …", "…")
    return (f"{term.input}·{term.weight}", f"{factor(term.x, style)}·{factor(term.w, style)}",
            factor(term.product, style))


def total_text(item: Sum, elided: int, style: NumberStyle) -> str:
    """`= 0.79584`, or `≈ 0.80 ‡ (...)` when the shown terms do not add up to the shown total."""
    shown = show(item.total, style)
    total = f"{style.approx if shown.rounded else '='} {shown.text}"
    if elided:
        return f"{total}   (all {len(item.terms)} terms added)"
    parts = [t.product for t in item.terms] + ([item.bias[1]] if item.bias else [])
    if terms_disagree(parts, item.total, style):
        by_hand = sum((show(p, style).decimal for p in parts))
        return f"{total} {DAGGER}  (the shown terms are rounded; added as shown they give {by_hand})"
    return total


def _chain(item: Chain, width: int, options: TraceOptions) -> list[str]:
    return ["  " + chain_text(item, options.style, item.label.ljust(width))]


def chain_text(item: Chain, style: NumberStyle, label: str) -> str:
    """`label = 1 / (1 + e^(−0.79584)) = 1 / (1 + ≈0.4512) ≈ 0.68906`."""
    text = label
    for stage in item.stages:
        if len(stage) == 1 and isinstance(stage[0], Num):
            shown = show(stage[0], style)
            text += f" {style.approx if shown.rounded else '='} {shown.text}"
        else:
            text += " = " + "".join(piece_text(p, style) for p in stage)
    return text


def piece_text(piece, style: NumberStyle) -> str:
    if isinstance(piece, Arg):
        shown = show(piece, style)
        return f"{style.approx}{shown.text}" if shown.rounded else shown.text
    return factor(piece, style) if isinstance(piece, Num) else str(piece)


def decision_text(row: WorkedRow, trace: Trace, style: NumberStyle) -> str:
    decision = trace.spec.decision
    if decision.kind == "sign":
        label, value = row.outputs[0]
        relation = ">" if value > 0 else "≤"
        return (f"Decision · {decision.describe()}: {label} = {num(value, style)} {relation} 0"
                f"  →  {row.decision}")
    ranked = sorted(row.outputs, key=lambda lv: -lv[1])
    relations = " ".join(("=" if a[1] == b[1] else ">") + f" {b[0]} {num(b[1], style)}"
                         for a, b in zip(ranked, ranked[1:]))
    return f"Decision · {decision.describe()}: {ranked[0][0]} {num(ranked[0][1], style)} {relations}  →  {row.decision}"
