"""Checked shapes in, one row's memory and work out; what is over a limit is refused up front.

Every operation states what one row costs from its arguments' shapes alone (the `cost`
of its OpDef, netspec/ops/): the numbers its fast kernel holds at once, the numbers its
explaining kernel keeps for a trace (dense keeps every product, attention every score
term), its operations and its neurons. The checker asks for a layer's cost before the
layer's shape rule names a single neuron, and this module adds the costs up: a spec
whose one row would not fit in --max-memory is refused there, with the figure it needs.
Later stages ask the sum how many rows fit (`run --csv` chunks), how much a trace of
some rows would take, how large a printout would be (--max-printout) and how much work
`generate` would do (--max-operations), before any of it is allocated.
"""

from __future__ import annotations

import math
from functools import cached_property

from netspec.errors import NetspecError, SpecCheckError
from netspec.limits import Limits, describe_bytes
from netspec.ops.base import Cost
from netspec.records import record

NUMBER_BYTES = 8  # float64
NAME_BYTES = 150  # a neuron's name and label as Python strings, with their places in the tuples (measured: ~120)
FREE_NEURONS = 1_000_000  # names the checker always affords (150 MB), so that a tiny --max-memory still checks a spec
SAY_PLACEHOLDER = "{decision}"
RENDER_BYTES = 10  # memory a printout takes while it is made, per byte it writes (measured: JSON 10-11×, SVG 9×)
SHORT_STEP = 16  # numbers a step shown in short writes: its first and last few results
CELL_BYTES = 32  # a number as CSV text (in its line, then parsed) and as printed output
ROW_BYTES = 200  # a row's line and result strings themselves, and their places in lists


@record
class StepCost:
    """One step's cost per row, with the values it reads (for when they can be let go)."""

    name: str
    op: str
    inputs: tuple[str, ...]
    cost: Cost


@record
class SpecCost:
    """What one row of the whole spec takes: the sum of its steps' costs, and its decision sentence."""

    input_width: int
    steps: tuple[StepCost, ...]
    output: str
    decision_chars: int = 0  # the longest sentence one row's decision can fill in
    limits: Limits = Limits()  # the limits the spec was checked under, which every later stage keeps
    where: object = None  # the spec file's first line (a source.Span): where a refusal points

    @cached_property
    def run_bytes(self) -> int:
        """The fast kernels' peak for one row (asked for at every chunk and every generated token: kept)."""
        return self._peak(exact=False)

    @cached_property
    def exact_bytes(self) -> int:
        """An exact run's peak (netspec/ops/arithmetic.py): the explaining kernels, their records dropped."""
        return self._peak(exact=True)

    def peak_bytes(self, exact: bool = False) -> int:
        return self.exact_bytes if exact else self.run_bytes

    def _peak(self, exact: bool) -> int:
        """A run's peak for one row: the values still to be read, plus the step's own temporaries."""
        remaining = {step.name: 0 for step in self.steps}
        for k, step in enumerate(self.steps):
            for name in step.inputs:
                remaining[name] = k
        live = {"input": self.input_width}
        peak = self.input_width
        for k, step in enumerate(self.steps):
            peak = max(peak, sum(live.values()) + (step.cost.explain if exact else step.cost.kernel))
            live[step.name] = step.cost.neurons
            for name in [n for n in live if remaining.get(n, -1) <= k and n != self.output and n != step.name]:
                del live[name]
        return peak * NUMBER_BYTES + self.decision_chars * 4  # a str of non-ASCII labels takes up to 4 bytes a character

    @property
    def trace_bytes(self) -> int:
        """A trace keeps every value and every intermediate of every step, for the printout."""
        return self.traced_bytes(None)

    def traced_bytes(self, worked: set[str] | None) -> int:
        """A trace keeps every step's result and the working of the steps in `worked` (None: every
        step, as a full printout lays out); another step's working lives only while it is computed."""
        kept = sum(s.cost.explain if worked is None or s.name in worked else s.cost.neurons for s in self.steps)
        passing = max((s.cost.explain for s in self.steps if worked is not None and s.name not in worked), default=0)
        return (self.input_width + kept + passing) * NUMBER_BYTES + self.decision_chars * 4

    @property
    def operations(self) -> int:
        return sum(step.cost.operations for step in self.steps)

    def shown(self, detail: str | None = None, max_terms: int = 8, focus: str | None = None) -> int:
        """About how many numbers a worked printout of one row writes (netspec/render/view.py).

        Every intermediate at --detail scalar or --terms 0; else each neuron's sum shows at most
        `max_terms` terms and a few more numbers; with --focus (a large network's default) the
        value named in full and every other step in short. An upper bound, for --max-printout.
        """
        per_neuron = {"summary": 1, "layer": 2}.get(detail or "", max_terms + 4)
        full = [min(s.cost.explain, s.cost.neurons * per_neuron) if max_terms and detail != "scalar"
                else s.cost.explain for s in self.steps]
        named = focus.split(".", 1)[0].split("[", 1)[0] if focus else None
        if named is None:
            return sum(full)
        widest = max(range(len(full)), key=full.__getitem__, default=0)  # a weight named: its step, at most the widest
        keep = next((k for k, s in enumerate(self.steps) if s.name == named), widest)
        return sum(n if k == keep else min(n, SHORT_STEP) for k, n in enumerate(full))


class Tally:
    """The checker's running count: each layer is admitted (or refused) before its neurons are named."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.steps: list[StepCost] = []
        self.neurons = 0

    def admit(self, name: str, cost: Cost, widths: list[int], span) -> SpecCheckError | None:
        """An error when one row of this layer, or the names of every neuron so far, exceed the memory limit."""
        need = (sum(widths) + cost.kernel) * NUMBER_BYTES
        if need > self.limits.max_bytes:
            return _over_memory(f"layer `{name}` would need {describe_bytes(need)} for a single row "
                                f"({cost.kernel:,} numbers at once)", need, self.limits, span,
                                "make the sequence shorter or the layer narrower")
        count = self.neurons + cost.neurons
        return self.admit_names(f"layer `{name}` would bring the neurons to {count:,}", count, span,
                                "make the sequence shorter or the layers narrower")

    def admit_names(self, what: str, count: int, span, hint: str) -> SpecCheckError | None:
        """An error when `count` names (of neurons, or of a table's columns) would take more than the limit."""
        names = count * NAME_BYTES
        if count <= FREE_NEURONS or names <= self.limits.max_bytes:
            return None
        return _over_memory(f"{what}, whose names alone take {describe_bytes(names)}", names, self.limits, span, hint)

    def record(self, name: str, op: str, inputs: tuple[str, ...], cost: Cost):
        self.steps.append(StepCost(name, op, tuple(inputs), cost))
        self.neurons += cost.neurons

    def total(self, input_width: int, output: str, sentence: str, labels, where) -> SpecCost:
        longest = max((len(label) for label in labels), default=0)
        chars = len(sentence) + sentence.count(SAY_PLACEHOLDER) * max(longest - len(SAY_PLACEHOLDER), 0)
        return SpecCost(input_width, tuple(self.steps), output, chars, self.limits, where)


def _over_memory(what: str, need: int, limits: Limits, span, hint: str) -> SpecCheckError:
    return SpecCheckError(f"{what}, more than the limit of {describe_bytes(limits.max_bytes)}", span,
                          hint=f"{hint}, or raise the limit with --max-memory {raised(need)}", code="NS226")


def raised(need: float) -> str:
    """A --max-memory / --max-printout value just above `need`: `13GB`, `700MB`."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if need >= size:
            return f"{math.ceil(need / size)}{unit}"
    return f"{max(math.ceil(need), 1)}"


def sentence_fits(spec_cost: SpecCost, limits: Limits, span) -> SpecCheckError | None:
    """A `say` sentence longer, once filled in for one row, than a whole printout may be."""
    need = spec_cost.decision_chars
    if need <= limits.max_printout:
        return None
    return SpecCheckError(f"the `say` sentence fills in to {need:,} characters for every row, more than a whole "
                          f"printout may take ({describe_bytes(limits.max_printout)})", span, code="NS225",
                          hint=f"write {{decision}} once or a few times, or raise the limit with --max-printout "
                               f"{raised(need)}")


# ---- asked by later stages ----
def rows_fit(spec_cost: SpecCost, rows: int, traced: bool, limits: Limits | None = None, exact: bool = False,
             worked: set[str] | None = None):
    """Raise (NS505) when running, or tracing, `rows` rows at once would take more than --max-memory;
    a trace keeps the working of the steps in `worked` only (runner.trace's; None: every step)."""
    limits = limits or spec_cost.limits
    per_row = spec_cost.traced_bytes(worked) if traced else spec_cost.peak_bytes(exact)
    need = per_row * rows
    if need > limits.max_bytes:
        what = "tracing" if traced else "running"
        raise NetspecError(f"{what} {rows:,} row{'s' * (rows != 1)} would need {describe_bytes(need)} "
                           f"({describe_bytes(per_row)} a row), more than the limit of "
                           f"{describe_bytes(limits.max_bytes)}", spec_cost.where, code="NS505",
                           hint=f"give fewer rows{', or run instead of trace' if traced else ''}, or raise the "
                                f"limit with --max-memory {raised(need)}")


def row_text_bytes(spec) -> int:
    """One row's text: its CSV line, and its printed result with the decision sentence filled in."""
    return CELL_BYTES * (len(spec.inputs) + len(spec.output_labels)) + 2 * spec.cost.decision_chars + ROW_BYTES


def chunk_rows(spec_cost: SpecCost, target: int, most: int, limits: Limits, row_bytes: int) -> int:
    """Rows per chunk of a CSV run: as many as fit in `target` bytes (and --max-memory), at most `most`.

    row_bytes: what a row takes besides the network (its line of text, its printed result).
    """
    per_row = spec_cost.run_bytes + row_bytes
    rows_fit(spec_cost, 1, traced=False, limits=limits)
    return int(max(1, min(most, min(target, limits.max_bytes) // per_row)))


def printout_fits(spec_cost: SpecCost, estimate: int, what: str, shorter: str):
    """Raise (NS703) when a printout would be larger than --max-printout, and (NS505) when making it would
    take more than --max-memory; `shorter` says how to make it smaller."""
    limits = spec_cost.limits
    if estimate > limits.max_printout:
        raise NetspecError(f"{what} would be about {describe_bytes(estimate)}, more than the limit of "
                           f"{describe_bytes(limits.max_printout)} for a printout", spec_cost.where, code="NS703",
                           hint=f"{shorter}, or raise the limit with --max-printout {raised(estimate)}")
    if estimate * RENDER_BYTES > limits.max_bytes:  # only when --max-printout was raised far above its default
        raise NetspecError(f"making {what} (about {describe_bytes(estimate)}) would take about "
                           f"{describe_bytes(estimate * RENDER_BYTES)} of memory, more than the limit of "
                           f"{describe_bytes(limits.max_bytes)}", spec_cost.where, code="NS505",
                           hint=f"{shorter}, or raise the limit with --max-memory {raised(estimate * RENDER_BYTES)}")


def work_fits(spec_cost: SpecCost, steps: int, limits: Limits | None = None):
    """Raise (NS804) when `steps` runs of the network would do more than --max-operations."""
    limits = limits or spec_cost.limits
    need = spec_cost.operations * steps
    if need > limits.max_operations:
        raise NetspecError(f"{steps:,} steps of {spec_cost.operations:,} operations each would be {need:,} "
                           f"operations, more than the limit of {limits.max_operations:,}", spec_cost.where,
                           code="NS804",
                           hint=f"generate fewer steps, or raise the limit with --max-operations {need}")
