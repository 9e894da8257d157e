"""A trace in, a learner's worksheet out: what each box asks for and its answer, in no format yet.

The learner worksheet (`netspec trace --audience learner`) shows what a learner is given
(the inputs, the weights) and numbers a box for each number they work out; which numbers
are boxes is the `--blank` mode:

    products  each product (input × weight) is a box; the sums are given, to check against
    sums      the products are given; each sum is a box
    outputs   everything before the network's outputs is given; each output is a box
    all       every product, every sum and every output is a box (the default)

The decision is a box too, except when only the products are asked for. A box whose
number a later step reads is carried by name (`h1`: "copy your h1"), never given away.
Every answer is the plan's own number (the trace); `netspec grade` and the answer key
read the same boxes, so the box numbers of a sheet and its key always agree.
"""

from __future__ import annotations

from netspec.ops import lookup
from netspec.render.worked import Chain, Sum, WorkedRow, worked_rows
from netspec.run.trace import Trace
from netspec.records import record

BLANKS = ("products", "sums", "outputs", "all")


@record
class Box:
    """One number (or the decision) a learner writes: its number on the sheet and the true answer."""

    number: int
    address: str  # `hidden.h1`, `hidden.h1·R` (a product), `decision`
    kind: str  # product | sum | decision
    answer: float | str


@record
class Cell:
    """What a place on the sheet shows: a given number, a box, or a name to copy an earlier answer from."""

    given: float | None = None
    box: Box | None = None
    carry: str | None = None


@record
class TermCells:
    source: str  # the input's label (`R`, `h1`)
    x: Cell
    weight: Cell  # given, or carried when an earlier box works it out (a collapsed table's coefficient)
    product: Cell


@record
class Neuron:
    label: str
    terms: tuple[TermCells, ...]
    bias: float | None
    total: Cell


@record
class Stage:
    """One step of the network as a learner sees it: which value it makes, from which, in plain words."""

    number: int
    value: str
    source: str
    kind: str  # the operation's kind (OpDef.kind), put in plain words by render/words.py
    neurons: tuple[Neuron, ...]  # weighted sums
    others: tuple[tuple[str, Cell], ...]  # any other result: its label and its cell


@record
class Sheet:
    """One learner's worksheet: one row of inputs worked through the network."""

    row_id: str
    inputs: tuple[tuple[str, float, object], ...]  # label, value, the input's InputInfo (None for none)
    stages: tuple[Stage, ...]
    decision: Cell  # a box, or given (an empty Cell: the sheet shows `decided`)
    decided: str  # the row's decision, as the plan made it
    sentence: str  # the spec's sentence, with {decision} still in it
    labels: tuple[str, ...]  # the decision's choices
    rule: str = "largest"  # the decision's kind: largest or sign

    @property
    def boxes(self) -> list[Box]:
        return [cell.box for cell in self.cells() if cell.box is not None]

    def cells(self):
        for stage in self.stages:
            for neuron in stage.neurons:
                for term in neuron.terms:
                    yield term.x
                    yield term.weight
                    yield term.product
                yield neuron.total
            for _, cell in stage.others:
                yield cell
        yield self.decision


def sheets(trace: Trace, blank: str = "all", lang: str = "en") -> list[Sheet]:
    """One Sheet per traced row, its boxes numbered 1, 2, … in reading order."""
    if blank not in BLANKS:
        raise ValueError(f"blank must be one of {', '.join(BLANKS)}, not {blank!r}")
    return [_sheet(trace, row, blank) for row in worked_rows(trace, lang)]


class _Numbering:
    def __init__(self):
        self.count = 0

    def box(self, address: str, kind: str, answer) -> Cell:
        self.count += 1
        return Cell(box=Box(self.count, address, kind, answer))


def _sheet(trace: Trace, row: WorkedRow, blank: str) -> Sheet:
    spec = trace.spec
    infos = {info.label: info for info in spec.inputs}
    numbering = _Numbering()
    boxed: set[str] = set()  # the results the learner works out (later steps carry them by name)
    stages = []
    for step in row.steps:
        is_output = step.trace_step.name == spec.output
        stages.append(_stage(step, blank, is_output, numbering, boxed))
    decision = Cell() if blank == "products" else numbering.box("decision", "decision", row.decision)
    return Sheet(row.row_id, tuple((label, value, infos.get(label)) for label, value in row.inputs),
                 tuple(stages), decision, row.decision, spec.decision.sentence, tuple(spec.decision.labels),
                 spec.decision.kind)


def _stage(step, blank: str, is_output: bool, numbering: _Numbering, boxed: set[str]) -> Stage:
    trace_step = step.trace_step
    sums_blank = blank in ("sums", "all") or (blank == "outputs" and is_output)
    products_blank = blank in ("products", "all")
    neurons, others = [], []
    source = trace_step.step.inputs[0] if trace_step.step.inputs else ""
    for item in step.items:
        if isinstance(item, Sum):
            neurons.append(_neuron(item, source, products_blank, sums_blank, numbering, boxed))
        elif isinstance(item, Chain) and item.address in {f"{trace_step.name}.{label}" for label in trace_step.labels}:
            value = float(item.stages[-1][0])
            others.append((item.label, _result(item.address, value, sums_blank, numbering, boxed)))
    return Stage(step.number, trace_step.name, source, lookup(trace_step.step.op).kind, tuple(neurons), tuple(others))


def _neuron(item: Sum, source: str, products_blank: bool, sums_blank: bool, numbering: _Numbering, boxed: set[str]) -> Neuron:
    terms = []
    for term in item.terms:
        x = Cell(carry=term.input) if f"{source}.{term.input}" in boxed else Cell(given=term.x)
        product = (numbering.box(f"{item.address}·{term.input}", "product", term.product) if products_blank
                   else Cell(given=term.product))
        value = item.address.rsplit(".", 1)[0]
        weight = Cell(carry=term.weight) if f"{value}.{term.weight}" in boxed else Cell(given=term.w)
        terms.append(TermCells(term.input, x, weight, product))
    bias = item.bias.value if item.bias else None
    total = _result(item.address, item.total, sums_blank, numbering, boxed)
    return Neuron(item.label, tuple(terms), bias, total)


def _result(address: str, value: float, blank: bool, numbering: _Numbering, boxed: set[str]) -> Cell:
    if not blank:
        return Cell(given=value)
    boxed.add(address)
    return numbering.box(address, "sum", value)


def answers(sheet: Sheet) -> dict[int, float | str]:
    """Box number → the true answer."""
    return {box.number: box.answer for box in sheet.boxes}


def instruction_keys(sheet: Sheet) -> list[tuple[str, dict]]:
    """What the sheet tells the learner to do, as render/words.py keys and their fields."""
    kinds = {box.kind for box in sheet.boxes}
    every_sum = all(neuron.total.box is not None for stage in sheet.stages for neuron in stage.neurons)
    mode = ("all" if {"product", "sum"} <= kinds else "products" if "product" in kinds else
            "sums" if every_sum else "outputs")
    said: list[tuple[str, dict]] = [(f"instruction.{mode}", {}), ("instruction.round", {})]
    carried = next((cell.carry for cell in sheet.cells() if cell.carry), None)
    if carried:
        said.append(("instruction.carry", {"name": carried}))
    if sheet.decision.box is not None:
        said.append(("instruction.decide", {}))
    return said


def rule_words(sheet: Sheet, words) -> str:
    """The decision rule in the sheet's language (the labels as the spec wrote them)."""
    if sheet.rule not in ("largest", "sign"):
        return sheet.rule
    if sheet.rule == "sign" and len(sheet.labels) == 2:
        return words("sign_rule", first=sheet.labels[0], second=sheet.labels[1])
    return words("largest_wins")
