"""CheckedSpec in, summary rows out: the table of values, operations, shapes and spec lines.

Shared by `netspec check` and the trace header, so both describe a network the same way.
"""

from __future__ import annotations

from netspec.version import __version__
from netspec.check.model import CheckedSpec
from netspec.ops import lookup
from netspec.phrases import in_language
from netspec.render.words import ENGLISH, Words, pad, width
from netspec.records import record


def network_line(spec: CheckedSpec, words: Words = ENGLISH, fold: bool = False) -> str:
    """`leaf_or_flower: 4 inputs → 3 hidden → 2 out · 18 weights · no bias · no activation`; `fold`: each
    repeat's copies after the first as one entry (`5 more copies, to 32×384 x[6]`)."""
    widths = [words("t.inputs", n=len(spec.inputs))] + [f"{spec.values[s.output].shape_text} {s.output}" for s in spec.steps]
    for block in reversed(repeats(spec.steps) if fold else []):
        last = spec.steps[block.copy(block.count).stop - 1].output
        shown = words("t.copies_line" if block.count > 2 else "t.copy_line", count=block.count,
                      last=f"{spec.values[last].shape_text} {last}")
        widths[1 + block.copy(2).start:1 + block.copy(block.count).stop] = [shown]
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


def provenance(spec: CheckedSpec, dtype: str = "float64") -> str:
    """`netspec 0.1.0 · specs/leaf.net · sha256 3f2a1b…e91c · float64`, and `· with W1[G,h1] = 0.3 (was
    −0.29)` for each number set by hand (--set, with_weight): the file alone no longer gives these numbers.
    A trace is float64's always; a generation says its plan's dtype."""
    digest = spec.sha256
    changed = "".join(f" · with {change}" for change in getattr(spec, "changes", ()))
    return f"netspec {__version__} · {spec.path} · sha256 {digest[:6]}…{digest[-4:]} · {dtype}{changed}"


def summary_header(words: Words = ENGLISH) -> tuple[str, ...]:
    """The summary table's column names: value, operation, shape, parameters, spec line."""
    return tuple(words(f"t.col.{name}") for name in ("value", "operation", "shape", "parameters", "spec_line"))


def number_header(style, words: Words = ENGLISH) -> str:
    """`numbers shown to 5 decimal places; ≈ marks a rounded number`, in the words' language."""
    return words("t.header", digits=style.digits, approx=style.approx)


@record
class Repeat:
    """`count` copies of `period` steps from step index `start` on: one `repeat` block written out, or one
    network used again and again. Found from the steps' spec lines, which every copy shares."""

    start: int
    period: int
    count: int

    def copy(self, c: int) -> range:
        """The step indices of copy c (1-based)."""
        return range(self.start + (c - 1) * self.period, self.start + c * self.period)


def repeats(steps) -> list[Repeat]:
    """Each run of steps written at the same spec lines, copy after copy, in order. A step's place is
    looked up where it next appears, so a spec of 10,000 steps costs one pass, not a comparison of each pair."""
    keys = [(s.span.source.path, s.span.line, s.span.column) if s.span else (None, i, 0) for i, s in enumerate(steps)]
    following, seen = [0] * len(keys), {}
    for i in range(len(keys) - 1, -1, -1):
        following[i] = seen.get(keys[i], -1)
        seen[keys[i]] = i
    found, i = [], 0
    while i < len(keys):
        period = following[i] - i
        count = 1
        while period > 0 and keys[i + count * period:i + (count + 1) * period] == keys[i:i + period]:
            count += 1
        if count > 1:
            found.append(Repeat(i, period, count))
            i += count * period
        else:
            i += 1
    return found


def folded_rows(spec: CheckedSpec, words: Words = ENGLISH) -> list[tuple[str, str, str, str, str]]:
    """summary_rows with every copy of a repeat after its first as one row: MiniLM's 80 rows are 21."""
    rows = summary_rows(spec, words)
    for block in reversed(repeats(spec.steps)):
        rest = [spec.steps[i] for i in range(block.copy(2).start, block.copy(block.count).stop)]
        first = [spec.steps[i] for i in block.copy(1)]
        count = sum(spec.params[p].size for step in rest for p in step.params)
        lines = sorted({step.span.line for step in first if step.span})
        where = f"{first[0].span.short.rsplit(':', 1)[0]}:{lines[0]}–{lines[-1]}" if lines else ""
        shape = f"{spec.values[rest[0].inputs[0]].shape_text} → {spec.values[rest[-1].output].shape_text}"
        many = block.count > 2
        text = words("t.copies" if many else "t.copy", first=first[0].output, last=first[-1].output, count=block.count)
        params = words("t.copies_params" if many else "t.copy_params", n=count, copies=block.count - 1)
        row = (f"{rest[0].output} … {rest[-1].output}", text, shape, params, where)
        rows[1 + block.copy(2).start:1 + block.copy(block.count).stop] = [row]
    return rows
