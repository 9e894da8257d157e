"""CheckedSpec (+ one worked row) in, an SVG drawing of the network out, in the style of the article's figure.

Inputs stand on the left with their values, each neuron is a circle with its value, every
weight is printed on its edge; layers wider than WIDE neurons become matrix grids. The
layout is computed here (layout.py), with no graphviz; content.py decides what each mark
says and svg.py draws it.
"""

from __future__ import annotations

from netspec.check.model import CheckedSpec
from netspec.render.diagram.content import scene
from netspec.render.diagram.layout import layout
from netspec.render.diagram.sequence import is_sequence_network, sequence_svg
from netspec.render.diagram.svg import svg
from netspec.render.size import drawing_fits
from netspec.render.view import PrintOptions
from netspec.render.words import Words
from netspec.render.worked import WorkedRow


def render_svg(spec: CheckedSpec, options: PrintOptions = PrintOptions(), row: WorkedRow | None = None,
               trace=None, suffix: str = "", standalone: bool = True, caption: bool = True) -> str:
    """The diagram of `spec`; with `row` (and the `trace` it came from) every value is on it, and below it the
    decision unless `caption` is False."""
    if is_sequence_network(spec):  # rows of tokens, not a circle per feature (render/diagram/sequence.py)
        focus = options.focus.partition(".")[0] if options.focus else None
        return sequence_svg(spec, options.style, row, trace, focus, standalone, Words(options.lang))
    content = scene(spec, options, row, trace, caption)
    return svg(layout(spec, _longest(spec, content)), content, suffix, standalone)


def _longest(spec: CheckedSpec, content) -> dict[str, int]:
    """The longest text (label or value) of each value's neurons, in characters: it sizes the circles."""
    boxes = [content.marks[f"{spec.input_value}.{label}"] for label in spec.input_labels]
    longest = {spec.input_value: max((len(m.label) + max(len(m.text), len(content.units.get(m.label, ""))) + 2
                                      for m in boxes), default=0)}
    for step in spec.steps:
        marks = [content.marks[f"{step.output}.{label}"] for label in spec.values[step.output].labels]
        longest[step.output] = max(max(len(m.label), len(m.text), 7 if "blank" in m.classes else 0) for m in marks)
    return longest


def render_drawing(spec: CheckedSpec, options: PrintOptions = PrintOptions(), trace=None) -> str:
    """`netspec draw`: a standalone SVG file; the first traced row's values when a trace is given.
    A drawing larger than --max-printout is refused before it is made."""
    drawing_fits(spec)
    if trace is None:
        return render_svg(spec, options)
    from netspec.render.worked import worked_rows

    return render_svg(spec, options, worked_rows(trace, options.lang)[0], trace)
