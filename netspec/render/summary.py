"""CheckedSpec in, summary rows out: the table of values, operations, shapes and spec lines.

Shared by `netspec check` and the trace header, so both describe a network the same way.
"""

from __future__ import annotations

from netspec.version import __version__
from netspec.check.model import CheckedSpec
from netspec.ops import lookup
from netspec.phrases import in_language
from netspec.render.words import ENGLISH, Words, pad, width


def network_line(spec: CheckedSpec, words: Words = ENGLISH) -> str:
    """`leaf_or_flower: 4 inputs → 3 hidden → 2 out · 18 weights · no bias · no activation`."""
    widths = [words("t.inputs", n=len(spec.inputs))] + [f"{spec.values[s.output].shape_text} {s.output}" for s in spec.steps]
    own = [p for p in spec.params.values() if p.derived_from is None]  # a transpose or slice is counted once
    weights = sum(p.size for p in own if p.kind == "weights")
    biases = sum(p.size for p in own if p.kind == "bias")
    activations = sorted({s.op for s in spec.steps if not lookup(s.op).weighted_sum})  # named, by OpDef.kind
    vectors = sum(p.size for p in own if p.kind == "vector")
    parts = [" → ".join(widths), words("t.weights", n=weights),
             words("t.biases", n=biases) if biases else words("t.no_bias"),
             *([words("t.vectors", n=vectors)] if vectors else []),
             ", ".join(activations) if activations else words("t.no_activation")]
    return f"{spec.name}: " + " · ".join(parts)


def summary_rows(spec: CheckedSpec, words: Words = ENGLISH) -> list[tuple[str, str, str, str, str]]:
    """(value, operation, shape, parameters, spec line) for the input and every step; the fixed words (the input
    row's operation, a text's token step) in the words' language."""
    first = spec.inputs[0].span if spec.inputs else None
    rows = [(spec.input_value, words("t.col.input"), str(len(spec.inputs)), "0", first.short if first else "")]
    for step in spec.steps:
        value = spec.values[step.output]
        width_in = spec.values[step.inputs[0]].shape_text
        params = ", ".join(f"{p} {spec.params[p].shape_text}" for p in step.params)
        count = sum(spec.params[p].size for p in step.params)
        shape = f"{width_in} → {value.shape_text}"
        rows.append((step.output, in_language(step.text, words.lang), shape, f"{count}" + (f" ({params})" if params else ""),
                     step.span.short if step.span else ""))
    return rows


def table(rows: list[tuple], header: tuple, indent: str = "  ") -> list[str]:
    """Left-aligned columns, two spaces apart."""
    widths = [max(width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return [indent + "  ".join(pad(str(c), w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]


def provenance(spec: CheckedSpec) -> str:
    """`netspec 0.1.0 · specs/leaf.net · sha256 3f2a1b…e91c · float64`, and `· with W1[G,h1] = 0.3 (was
    −0.29)` for each number set by hand (--set, with_weight): the file alone no longer gives these numbers."""
    digest = spec.sha256
    changed = "".join(f" · with {change}" for change in getattr(spec, "changes", ()))
    return f"netspec {__version__} · {spec.path} · sha256 {digest[:6]}…{digest[-4:]} · float64{changed}"


def summary_header(words: Words = ENGLISH) -> tuple[str, ...]:
    """The summary table's column names: value, operation, shape, parameters, spec line."""
    return tuple(words(f"t.col.{name}") for name in ("value", "operation", "shape", "parameters", "spec_line"))


def number_header(style, words: Words = ENGLISH) -> str:
    """`numbers shown to 5 decimal places; ≈ marks a rounded number`, in the words' language."""
    return words("t.header", digits=style.digits, approx=style.approx)
