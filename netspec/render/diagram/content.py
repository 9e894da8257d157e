"""CheckedSpec (+ one worked row) in, the diagram's content out: each mark's text, tooltip and classes.

A mark is anything with a trace address: an input (`input.R`), a neuron (`hidden.h1`),
a weight (`W1[G,h1]`) or a bias (`b1[h1]`). Its value text is the recorded number formatted
by render/numbers.py; its tooltip is the working that produced it, in the same words as
the text trace. Without a row the diagram shows the weights only, and tooltips give the
formulas in names.
"""

from __future__ import annotations

from dataclasses import field

from netspec.check.model import CheckedSpec, Step
from netspec.ops import lookup
from netspec.render.numbers import factor, num, show
from netspec.render.pieces import chain_text, decision_text, rule_text, total_text
from netspec.render.view import Focus, PrintOptions, parse_focus, weight_address
from netspec.render.words import ENGLISH, Words, meaning
from netspec.render.worked import Sum, WorkedRow, elided_terms
from netspec.records import record

BLANK = "______"


@record
class Mark:
    """One addressed thing in the drawing."""

    address: str
    label: str
    text: str  # the value (a neuron) or the weight; "" when there is none or it is left blank
    title: str
    classes: tuple[str, ...] = ()
    strength: float = 0.0  # a weight's |w| over the largest |w| of its table: the line's width


@record
class Scene:
    marks: dict[str, Mark]
    titles: dict[str, tuple[str, str]]  # value → (name, operation) above its column
    caption: tuple[str, ...] = ()
    units: dict[str, str] = field(default_factory=dict)
    blank: bool = False
    words: Words = ENGLISH  # the fixed words' language (render/words.py)


def scene(spec: CheckedSpec, options: PrintOptions, row: WorkedRow | None = None, trace=None,
          caption: bool = True) -> Scene:
    """Every mark of the diagram of `spec`, with the values of `row` when one is given. Without `caption` the
    decision is left off: the HTML printout's worksheet has it once, as its own blank below the drawing."""
    words = Words(options.lang)
    focus = parse_focus(spec, options.focus, row) if options.focus else None
    items = {item.address: item for step in row.steps for item in step.items} if row else {}
    marks = dict(_inputs(spec, options, row, words))
    for step in spec.steps:
        marks.update(_neurons(spec, step, options, items))
        if lookup(step.op).diagram.weights:
            marks.update(_weights(spec, step, options, items, words))
    marks = _emphasised(spec, marks, row, focus, options)
    titles = {spec.input_value: (spec.input_value, "")}
    titles.update({s.output: (s.output, s.text) for s in spec.steps})
    units = {i.label: i.unit for i in spec.inputs if i.unit}
    said = _caption(row, trace, options, words) if row is not None and caption else ()
    return Scene(marks, titles, said, units, options.blank, words)


def _inputs(spec: CheckedSpec, options: PrintOptions, row: WorkedRow | None, words: Words):
    values = dict(row.inputs) if row else {}
    for info in spec.inputs:
        address = f"{spec.input_value}.{info.label}"
        text = num(values[info.label], options.style) if row else ""
        title = f"{info.label} = {text}" if row else info.label
        yield address, Mark(address, info.label, text, title + (f" · {meaning(info, words)}" if info.meaning else ""))


def _neurons(spec: CheckedSpec, step: Step, options: PrintOptions, items: dict):
    for label in spec.values[step.output].labels:
        address = f"{step.output}.{label}"
        item = items.get(address)
        if item is None:
            yield address, Mark(address, label, "", _formula_in_names(spec, step, label, options.max_terms))
        elif options.blank:
            yield address, Mark(address, label, "", _formula_in_names(spec, step, label, options.max_terms), ("blank",))
        else:
            yield address, Mark(address, label, _result_text(item, options), _working(item, options))


def _result_text(item, options: PrintOptions) -> str:
    result = item.total if isinstance(item, Sum) else item.stages[-1][0]
    return num(result, options.style)


def _formula_in_names(spec: CheckedSpec, step: Step, label: str, max_terms: int) -> str:
    """`h1 = R·W1[R,h1] + …` for a dense step, `h1 = relu(weighted.h1)` for the others."""
    if not lookup(step.op).diagram.weights:
        return f"{label} = {step.op}({step.inputs[0]}.{label})"
    sources = spec.values[step.inputs[0]].labels
    terms = [f"{source}·{weight_address(step.params[0], source, label)}" for source in sources]
    shown, _ = elided_terms(tuple(terms), max_terms)
    parts = ["…" if t is None else t for t in shown] + [f"{b}[{label}]" for b in step.params[1:]]
    return f"{label} = " + " + ".join(parts)


def _working(item, options: PrintOptions) -> str:
    """The tooltip of a neuron: its whole working, as the text trace writes it."""
    style = options.style
    if not isinstance(item, Sum):
        return chain_text(item, style, item.label)
    shown, elided = elided_terms(item.terms, options.max_terms)
    names = [f"{t.input}·{t.weight}" if t else "…" for t in shown]
    numbers = [f"{factor(t.x, style)}·{factor(t.w, style)}" if t else f"… {elided} more …" for t in shown]
    products = [factor(t.product, style) if t else "…" for t in shown]
    if item.bias:
        names.append(item.bias.address)
        numbers.append(factor(item.bias.value, style))
        products.append(factor(item.bias.value, style))
    pad = " " * len(item.label)
    return "\n".join([f"{item.label} = " + " + ".join(names), f"{pad} = " + " + ".join(numbers),
                      f"{pad} = " + " + ".join(products), f"{pad} {total_text(item, elided, style)}"])


def _weights(spec: CheckedSpec, step: Step, options: PrintOptions, items: dict, words: Words):
    weights, style = spec.params[step.params[0]], options.style
    largest = float(abs(weights.array).max()) or 1.0
    sources = spec.values[step.inputs[0]].labels
    terms = {t.weight: t for item in items.values() if isinstance(item, Sum) for t in item.terms}
    for i, source in enumerate(sources):
        for j, label in enumerate(spec.values[step.output].labels):
            w = float(weights.array[i, j])
            address = weight_address(weights.name, source, label)
            title = f"{address} = {num(w, options.style)}  ({source} → {label})"
            term = terms.get(address)
            if term is not None and not options.blank:
                title += f"\n{factor(term.x, style)}·{factor(term.w, style)} {_equals(term.product, options)}"
            yield address, Mark(address, label, num(w, options.style), title, (_sign(w),), abs(w) / largest)
    for bias_name in step.params[1:]:
        bias = spec.params[bias_name]
        for j, label in enumerate(spec.values[step.output].labels):
            address = f"{bias_name}[{label}]"
            b = float(bias.array.reshape(-1)[j])
            yield address, Mark(address, label, num(b, options.style),
                                f"{address} = {num(b, options.style)}  ({words('d.added_to', label=label)})", ("bias", _sign(b)))


def _equals(x: float, options: PrintOptions) -> str:
    shown = show(x, options.style)
    return f"{options.style.approx if shown.rounded else '='} {shown.text}"


def _sign(w: float) -> str:
    return "positive" if w > 0 else "negative" if w < 0 else "zero"


def _emphasised(spec: CheckedSpec, marks: dict, row: WorkedRow | None, focus: Focus | None, options) -> dict:
    """Mark the winning output and, with --focus, the focused neuron, its weights and the rest dimmed."""
    extra: dict[str, tuple[str, ...]] = {}
    if row is not None and not options.blank:
        winners = [f"{spec.output}.{label}" for label in spec.output_labels
                   if label == row.decision or spec.decision.kind == "sign"]
        extra.update({address: ("winner",) for address in winners})
    if focus is not None:
        for address, classes in _focused(spec, marks, focus).items():
            extra[address] = extra.get(address, ()) + classes
    return {a: Mark(m.address, m.label, m.text, m.title, m.classes + extra.get(a, ()), m.strength)
            for a, m in marks.items()}


def _focused(spec: CheckedSpec, marks: dict, focus: Focus) -> dict[str, tuple[str, ...]]:
    """--focus: the focused neurons (and the input whose weight was named), the weights into them, the rest dimmed."""
    labels = spec.values[focus.value].labels
    found = {f"{focus.value}.{label}": ("focus",) for label in labels if focus.label in (None, label)}
    step = next((s for s in spec.steps if s.output == focus.value), None)
    if step is None:  # the inputs: no step computes them
        return found
    if focus.source is not None:
        found[f"{step.inputs[0]}.{focus.source}"] = ("focus",)
    if lookup(step.op).diagram.weights:
        for source in spec.values[step.inputs[0]].labels:
            found.update({weight_address(step.params[0], source, label): _weight_focus(focus, source, label)
                          for label in labels})
    return found


def _weight_focus(focus: Focus, source: str, label: str) -> tuple[str, ...]:
    if focus.label not in (None, label):
        return ("dim",)
    return ("focus",) if focus.source in (None, source) else ("focus-line",)


def _caption(row: WorkedRow, trace, options: PrintOptions, words: Words) -> tuple[str, ...]:
    if options.blank:
        from netspec.run.decision import sentence

        return (f"{words('t.decision')} · {rule_text(trace.spec.decision, words)}  →  {BLANK}",
                sentence(trace.spec.decision, BLANK))
    return decision_text(row, trace, options.style, words), row.sentence
