"""Worked rows + printout options in, what each step shows out: detail levels, focus, blanks.

    summary  each step's results only
    layer    the weight table with the input values beside it (the matrix form), and the results
    neuron   and each neuron's sum, long sums elided by worked.elided_terms (the default)
    scalar   and every term of every sum

`--focus ADDRESS` expands one value at scalar detail and shows the rest at summary detail
(or at `--detail` when that is given too). A blank worksheet keeps what the learner is
given (the network's inputs, the weights and biases) and leaves every number the learner
works out as an empty box. Nothing here formats or computes a number.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from netspec.errors import InputError
from netspec.render.numbers import NumberStyle
from netspec.render.worked import Chain, Num, Sum, WorkedRow, WorkedStep, elided_terms

DETAILS = ("summary", "layer", "neuron", "scalar")
PAPERS = ("a4", "letter")
WIDE = 12  # layers wider than this are drawn and tabled as a matrix grid
SUMMARY_LONG = 12  # a summary of more results than this shows the first three and the last one


@dataclass(frozen=True)
class PrintOptions:
    """How a printout is laid out; every field has the default of `netspec trace`."""

    style: NumberStyle = NumberStyle()
    max_terms: int = 8
    detail: str | None = None  # None: neuron, or summary around a focus
    focus: str | None = None
    blank: bool = False
    label_terms: bool = False
    paper: str = "a4"

    def __post_init__(self):
        if self.detail is not None and self.detail not in DETAILS:
            raise ValueError(f"detail must be one of {', '.join(DETAILS)}, not {self.detail!r}")
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")

    def answers(self) -> PrintOptions:
        """The same options for the answer key: every number shown."""
        from dataclasses import replace

        return replace(self, blank=False)


LARGE = 2000  # numbers computed: a trace of a larger network shows its output's working unless asked for more


def is_large(spec) -> bool:
    """True when the worked form of every number would run to thousands of lines."""
    return sum(spec.values[step.output].width for step in spec.steps) > LARGE


def large_network_note(spec) -> str:
    numbers = sum(spec.values[step.output].width for step in spec.steps)
    return (f"{spec.name} computes {numbers:,} numbers: the trace works out the output `{spec.output}` in full and "
            "shows every other step in short; --focus ADDRESS works out another, --detail neuron every sum")


@dataclass(frozen=True)
class Focus:
    """What --focus names: a value, one of its neurons, and the input whose weight was named."""

    value: str
    label: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ItemView:
    """One item of a step as shown: expanded (its whole working) or as `label = result`."""

    item: Sum | Chain
    expanded: bool
    shown: tuple = ()  # a Sum's terms as shown; None marks the elided gap
    elided: int = 0
    focused: bool = False
    gap: int = 0  # stands for this many results left out of a long summary ("… 180 more")

    @property
    def result(self) -> Num:
        """The number the item ends in, as the plan computed it."""
        if isinstance(self.item, Sum):
            return Num(self.item.total)
        return self.item.stages[-1][0]


@dataclass(frozen=True)
class StepView:
    step: WorkedStep
    level: str
    items: tuple[ItemView, ...]
    given_x: bool  # the step reads the network's inputs, which a worksheet shows
    focus: Focus | None = None

    @property
    def table(self) -> bool:
        """True when the step shows its weight table (a dense step at layer detail or more)."""
        sums = self.sums
        if self.level == "summary" or not sums:
            return False
        inputs = [term.input for term in sums[0].terms]  # one table serves only sums over the same inputs
        return all([term.input for term in other.terms] == inputs for other in sums[1:])

    @property
    def sums(self) -> list[Sum]:
        return [view.item for view in self.items if isinstance(view.item, Sum)]

    @property
    def wide(self) -> bool:
        return len(self.step.trace_step.labels) > WIDE or len(self.step.trace_step.input_labels) > WIDE

    def runs(self) -> list[tuple[bool, list[ItemView]]]:
        """The items in order, in runs of expanded ones and of `label = result` ones."""
        runs: list[tuple[bool, list[ItemView]]] = []
        for view in self.items:
            if runs and runs[-1][0] == view.expanded:
                runs[-1][1].append(view)
            else:
                runs.append((view.expanded, [view]))
        return runs

    @property
    def preamble(self) -> tuple:
        return self.step.preamble if any(view.expanded for view in self.items) else ()


def step_views(row: WorkedRow, spec, options: PrintOptions) -> list[StepView]:
    """The steps of one row, each with the items it shows at the options' detail and focus."""
    focus = parse_focus(spec, options.focus) if options.focus else None
    return [_step_view(step, spec.input_value, options, focus) for step in row.steps]


def _step_view(step: WorkedStep, input_value: str, options: PrintOptions, focus: Focus | None) -> StepView:
    trace_step = step.trace_step
    here = focus if focus and focus.value == trace_step.name else None
    level = _level(options, focus, here)
    group = _focused_group(step, here)
    results = {f"{trace_step.name}.{label}" for label in trace_step.labels}
    shown = step.results() if level == "summary" and here is None else step.items  # the working only when shown
    items = tuple(_item_view(item, trace_step.name, results, level, options, here, group) for item in shown)
    items = _shortened(tuple(view for view in items if view is not None))
    return StepView(step, level, items, trace_step.step.inputs[0] == input_value, here)


def _shortened(items: tuple[ItemView, ...]) -> tuple[ItemView, ...]:
    """A long run of results shown at summary detail: the first three, `… n more`, the last one (as sums).

    A trace focused on one number of a large network stays short; every result is still
    in the trace (and in --detail neuron or --format json).
    """
    out: list[ItemView] = []
    run: list[ItemView] = []
    for view in (*items, None):
        if view is not None and not view.expanded and not view.focused:
            run.append(view)
            continue
        out += run if len(run) <= SUMMARY_LONG else [*run[:3], ItemView(run[3].item, False, gap=len(run) - 4),
                                                     run[-1]]
        run = []
        if view is not None:
            out.append(view)
    return tuple(out)


def _level(options: PrintOptions, focus: Focus | None, here: Focus | None) -> str:
    if here is not None and here.label is None:
        return "scalar"
    if here is not None:  # the focused step always shows its table
        return "layer" if options.detail in (None, "summary") else options.detail
    if focus is not None:
        return options.detail or "summary"
    return options.detail or "neuron"


def _focused_group(step: WorkedStep, here: Focus | None) -> str | None:
    """The sequence position of the focused item: its working is shown, other positions' is not."""
    if here is None or here.label is None:
        return None
    address = f"{step.trace_step.name}.{here.label}"
    return next((item.group for item in step.items if item.address == address), None)


def _item_view(item, value: str, results: set, level: str, options: PrintOptions, here: Focus | None, group=None):
    """How one item shows; `results` are the addresses of the step's own numbers (the rest is working)."""
    focused = here is not None and here.label is not None and item.address == f"{value}.{here.label}"
    working = (here is not None and item.address not in results  # softmax's e^x and sum, which the focus uses
               and (group is None or item.group in (None, group)))
    if focused or working or level in ("neuron", "scalar"):
        limit = 0 if focused or level == "scalar" else options.max_terms
        shown, elided = elided_terms(item.terms, limit) if isinstance(item, Sum) else ((), 0)
        return ItemView(item, True, shown, elided, focused)
    if item.address in results:
        return ItemView(item, False)
    return None  # an intermediate (softmax's e^x and sum) is shown only with its working


def weight_address(weights: str, source: str, label: str) -> str:
    """`W1[G,h1]`: the weight from `source` to `label`, addressed as render/worked.py writes it."""
    return f"{weights}[{source},{label}]"


def addresses(spec) -> dict[str, Focus]:
    """Every address --focus accepts: values, their neurons, weights and biases (as worked.py writes them)."""
    found: dict[str, Focus] = {}
    for step in spec.steps:
        labels = spec.values[step.output].labels
        found[step.output] = Focus(step.output)
        found.update({f"{step.output}.{label}": Focus(step.output, label) for label in labels})
        if step.op == "dense":
            sources = spec.values[step.inputs[0]].labels
            weights, *bias = step.params
            found.update({weight_address(weights, source, label): Focus(step.output, label, source)
                          for source in sources for label in labels})
            found.update({f"{b}[{label}]": Focus(step.output, label) for b in bias for label in labels})
        elif step.op == "dense_each":
            weights = spec.params[step.params[0]]
            found.update({weight_address(weights.name, row, column): Focus(step.output)
                          for row in weights.row_labels for column in weights.col_labels})
            found.update({f"{b}[{column}]": Focus(step.output) for b in step.params[1:] for column in weights.col_labels})
        elif step.op == "attention":
            found.update({f"{step.output}.{label}": Focus(step.output, label) for label in _attention_labels(step)})
    return found


def _attention_labels(step) -> list[str]:
    """The scores and weights of an attention step, as render/worked.py names them: `h2.score(sat, humpty)`."""
    options = step.options
    queries = options["query_positions"][-1:] if options["query"] == "last" else options["query_positions"]
    heads = [f"h{h + 1}." if options["heads"] > 1 else "" for h in range(options["heads"])]
    pairs = [f"{head}{kind}({query}, {key})" for head in heads for query in queries
             for key in options["key_positions"] for kind in ("score", "e", "weight")]
    return pairs + [f"{head}{kind}({query})" for head in heads for query in queries for kind in ("largest", "sum")]


def parse_focus(spec, address: str) -> Focus:
    """The Focus of `address`, or an InputError that suggests the nearest real address."""
    value, _, label = address.partition(".")
    steps = {step.output for step in spec.steps}
    if value in steps and (not label or label in spec.values[value].labels):  # the common case, without the
        return Focus(value, label or None)  # list of every weight address (millions, for a large network)
    known = addresses(spec)
    if address in known:
        return known[address]
    close = difflib.get_close_matches(address, list(known), n=3)
    hint = (f"did you mean {', '.join(f'`{c}`' for c in close)}?" if close else
            f"focus on a value or one of its neurons, such as `{next(iter(known), 'hidden.h1')}`")
    raise InputError(f"--focus {address}: no value, neuron or weight has this address", hint=hint, code="NS314")


def value_chain(view: ItemView) -> Chain:
    """`label = result`: how an item that is not expanded is shown."""
    return Chain(view.item.address, view.item.label, ((view.result,),))
