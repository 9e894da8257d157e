"""Trace in, worked steps out: the calculation of one row laid out as sums and chains.

This is the format-free middle of every printout: each operation's worked form
(`OpDef.worked`, in its module under netspec/ops/) decides *what* is shown (which terms, in
which order) from the numbers the runner recorded, in the pieces of netspec/ops/worked.py;
this module gathers them per row and step, and the text, Markdown, HTML, LaTeX and JSON
renderers decide *how*. It never computes a number of its own.
"""

from __future__ import annotations

from dataclasses import field, replace
from functools import cached_property

from netspec.ops import lookup
from netspec.ops.worked import Arg, Bias, Chain, LaidOut, Num, Sum, Term, address
from netspec.phrases import in_language
from netspec.run.trace import Trace, TraceStep
from netspec.records import record


@record
class WorkedStep:
    """One step of one row. Its working (items, preamble) is laid out only when a printout asks for it,
    so a trace that shows most steps in short does not lay out thousands of sums it never prints."""

    number: int
    trace_step: TraceStep
    row: int = 0
    padding: frozenset = frozenset()  # the row's padding positions (`tokens up to N`): never shown
    lang: str = "en"  # the language of the operation's own words (netspec/phrases.py)

    @cached_property
    def _worked(self) -> tuple[tuple, tuple]:
        record = self.trace_step.record
        if isinstance(record, LaidOut):  # a training step's loss, chain rule or updates
            preamble, items = record.rows[self.row]
        else:
            preamble, items = lookup(self.trace_step.step.op).worked(self.trace_step, self.row)
        if self.padding:
            preamble = [line for line in preamble if not _at_padding(str(line[0]).split(" = ")[0], self.padding)]
            items = [item for item in items if not (_at_padding(item.group, self.padding)
                                                    or _at_padding(item.label, self.padding))]
        if self.lang != "en":
            preamble, items = [_said(line, self.lang) for line in preamble], [_item_in(i, self.lang) for i in items]
        return tuple(preamble), tuple(items)

    @property
    def items(self) -> tuple:
        return self._worked[1]

    @property
    def preamble(self) -> tuple:
        return self._worked[0]

    def results(self, indices=None) -> tuple[Chain, ...]:
        """`label = number` for each of the step's own numbers (those at `indices` of shown_results,
        when given), without their working."""
        step, values = self.trace_step, self.trace_step.result[self.row]
        indices = self.shown_results() if indices is None else indices
        return tuple(Chain(address(step, step.labels[i]), step.labels[i], ((Num(values[i]),),)) for i in indices)

    def shown_results(self) -> list[int]:
        """The indices of the step's results a printout shows: all but those at the row's padding.
        A sequence is padded a position at a time, so its positions are looked at, not its 49,152 labels."""
        labels, positions = self.trace_step.labels, self.trace_step.positions
        if not self.padding:
            return list(range(len(labels)))
        if positions and len(labels) % len(positions) == 0:
            width = len(labels) // len(positions)
            return [i for p in range(len(positions)) if not _at_padding(labels[p * width], self.padding)
                    for i in range(p * width, (p + 1) * width)]
        return [i for i, label in enumerate(labels) if not _at_padding(label, self.padding)]

    @property
    def title(self) -> str:
        return in_language(self.trace_step.step.formula, self.lang)

    @property
    def where(self) -> str:
        span = self.trace_step.step.span
        return span.short if span else ""


@record
class WorkedRow:
    row_id: str
    inputs: tuple[tuple[str, float], ...]
    steps: tuple[WorkedStep, ...]
    outputs: tuple[tuple[str, float], ...]
    decision: str
    sentence: str
    extra: dict = field(default_factory=dict)


class Gap(str):
    """The words that stand for the terms a long chain leaves out (`… 380 more`): text, not a formula piece,
    in every format (LaTeX writes it in text mode, where its spaces stay)."""


def elided_terms(terms: tuple, max_terms: int) -> tuple[tuple, int]:
    """A sum's terms → the terms a printout shows and how many it leaves out.

    The one elision rule of every printout: a sum of more than `max_terms` terms (0: no
    limit) shows its first three terms, None for the gap ("… n more …"), and its last
    term; the total shown is still the one the plan computed.
    """
    terms = tuple(terms)
    if max_terms and len(terms) > max(max_terms, 4):  # 3 terms, the gap and the last: shorter sums stay whole
        return terms[:3] + (None,) + terms[-1:], len(terms) - 4
    return terms, 0


def worked_rows(trace: Trace, lang: str = "en") -> list[WorkedRow]:
    from netspec.run.decision import sentence

    spec = trace.spec
    rows = []
    for r, row_id in enumerate(trace.row_ids):
        padding = _padding_positions(spec, trace.inputs[r])
        steps = tuple(WorkedStep(i, step, r, padding, lang) for i, step in enumerate(trace.steps, 1))
        outputs = tuple(zip(spec.output_labels, (float(v) for v in trace.outputs[r])))
        inputs = tuple(zip(spec.input_labels, (float(v) for v in trace.inputs[r])))
        decision = trace.decisions[r]
        rows.append(WorkedRow(row_id, inputs, steps, outputs, decision, sentence(spec.decision, decision)))
    return rows


def _said(pieces: tuple, lang: str) -> tuple:
    """A line of worked pieces with each operation's fixed words (a Say) in `lang`; numbers and names as they are."""
    return tuple(in_language(piece, lang) for piece in pieces)


def _item_in(item, lang: str):
    """A Sum or Chain with its fixed words in `lang`: labels, text pieces, notes; its address stays as it is,
    so --focus and the grade's box names are the same in every language."""
    if isinstance(item, Sum):
        terms = tuple(replace(t, input=in_language(t.input, lang), weight=in_language(t.weight, lang))
                      for t in item.terms)
        return replace(item, label=in_language(item.label, lang), terms=terms)
    return replace(item, label=in_language(item.label, lang), stages=tuple(_said(stage, lang) for stage in item.stages),
                   note=in_language(item.note, lang))


def _padding_positions(spec, inputs) -> frozenset:
    """The positions of a row's texts of `tokens up to N` that hold padding: those past the text's end."""
    if not any(text.padded for text in spec.texts.values()):
        return frozenset()
    where = {label: j for j, label in enumerate(spec.input_labels)}
    found = set()
    for text in (t for t in spec.texts.values() if t.padded):
        numbers = [inputs[where[p]] for p in text.positions]
        found.update(text.positions[len(text.real(numbers)):])
    return frozenset(found)


def _at_padding(label: str | None, padding: frozenset) -> bool:
    """`text5_e1`, `h1.text5` or `text5` at a padding position text5."""
    if not label or not padding:
        return False
    return label.rsplit(".", 1)[-1].split("_", 1)[0] in padding




__all__ = ["Arg", "Bias", "Chain", "Gap", "Num", "Sum", "Term", "WorkedRow", "WorkedStep", "elided_terms",
           "worked_rows"]
