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

from dataclasses import replace
from itertools import islice

from netspec.errors import InputError, close_matches
from netspec.ops import lookup
from netspec.render.numbers import NumberStyle
from netspec.render.words import Words
from netspec.render.worked import Chain, Gap, Num, Sum, WorkedRow, WorkedStep, elided_terms
from netspec.records import record

DETAILS = ("summary", "layer", "neuron", "scalar")
PAPERS = ("a4", "letter")
WIDE = 12  # layers wider than this are drawn and tabled as a matrix grid
SUMMARY_LONG = 12  # a summary of more results than this shows the first three and the last one


@record
class PrintOptions:
    """How a printout is laid out; every field has the default of `netspec trace`."""

    style: NumberStyle = NumberStyle()
    max_terms: int = 8
    detail: str | None = None  # None: neuron, or summary around a focus
    focus: str | None = None
    blank: bool = False
    label_terms: bool = False
    paper: str = "a4"
    lang: str = "en"  # the fixed words' language (render/words.py); the spec's own words stay as written
    key: str = "with"  # a worksheet's answer key: with the sheet, none (left out), only (the key alone)

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


@record
class Focus:
    """What --focus names: a value, one of its neurons, and the input whose weight was named."""

    value: str
    label: str | None = None
    source: str | None = None


@record
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


@record
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


def worked_steps(spec, options: PrintOptions) -> set[str] | None:
    """The steps whose working a printout with these options lays out, for runner.trace's `worked`:
    around a focus at summary detail only the focused step (none for `--focus input`); None: every step.

    A misspelt address is refused here, before anything is traced, unless it names a number of a
    step's working (`probability.sum`), which only the traced row can tell: that step is worked."""
    if options.focus is None or options.detail not in (None, "summary"):
        return None
    value = options.focus.partition(".")[0]
    if any(step.output == value for step in spec.steps):
        return {value}
    return {parse_focus(spec, options.focus).value} - {spec.input_value}


def step_views(row: WorkedRow, spec, options: PrintOptions) -> list[StepView]:
    """The steps of one row, each with the items it shows at the options' detail and focus."""
    focus = parse_focus(spec, options.focus, row) if options.focus else None
    return [_step_view(step, spec.input_value, options, focus) for step in row.steps]


def _step_view(step: WorkedStep, input_value: str, options: PrintOptions, focus: Focus | None) -> StepView:
    trace_step = step.trace_step
    here = focus if focus and focus.value == trace_step.name else None
    level = _level(options, focus, here)
    given_x = trace_step.step.inputs[0] == input_value
    if level == "summary" and here is None:
        return StepView(step, level, _in_short(step), given_x)
    group = _focused_group(step, here)
    results = {f"{trace_step.name}.{label}" for label in trace_step.labels}
    items = tuple(_item_view(item, trace_step.name, results, level, options, here, group) for item in step.items)
    items = _shortened(tuple(view for view in items if view is not None))
    return StepView(step, level, items, given_x, here)


def _in_short(step: WorkedStep) -> tuple[ItemView, ...]:
    """A step at summary detail: its results, as _shortened would cut them, and only those laid out
    (a MiniLM step has 49,152 results, of which a trace in short shows four)."""
    shown = step.shown_results()
    if len(shown) <= SUMMARY_LONG:
        return tuple(ItemView(chain, False) for chain in step.results(shown))
    first, second, third, fourth, last = step.results([*shown[:4], shown[-1]])
    return (ItemView(first, False), ItemView(second, False), ItemView(third, False),
            ItemView(fourth, False, gap=len(shown) - 4), ItemView(last, False))


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
        if not isinstance(item, Sum):
            return ItemView(elided_chain(item, limit, options.lang), True, focused=focused)
        shown, elided = elided_terms(item.terms, limit)
        return ItemView(item, True, shown, elided, focused)
    if item.address in results:
        return ItemView(item, False)
    return None  # an intermediate (softmax's e^x and sum) is shown only with its working


SEPARATORS = (" + ", ", ")  # what stands between the terms of a chain's sum, or a max's arguments


def elided_chain(chain: Chain, max_terms: int, lang: str = "en") -> Chain:
    """A chain whose stage adds up (or takes the largest of) more than `max_terms` terms, shortened by
    elided_terms' rule: the first three terms, `… n more`, the last. MiniLM's embedding divides by
    √(x1² + … + x384²): 384 squares on one line. Every number left is the plan's; the stages after
    (`√10.87619`, the length) still give the whole sum's result."""
    stages = tuple(_elided_stage(stage, max_terms, lang) for stage in chain.stages)
    return chain if stages == chain.stages else replace(chain, stages=stages)


def _elided_stage(stage: tuple, max_terms: int, lang: str) -> tuple:
    for separator in SEPARATORS:
        cuts = [i for i, piece in enumerate(stage) if isinstance(piece, str) and piece == separator]
        terms = len(cuts) + 1
        if not max_terms or terms <= max(max_terms, 4) or len(cuts) < 4:
            continue
        more = Gap(Words(lang)("t.more", n=terms - 4))
        return (*stage[:cuts[2]], separator, more, *stage[cuts[-1]:])
    return stage


def weight_address(weights: str, source: str, label: str) -> str:
    """`W1[G,h1]`: the weight from `source` to `label`, addressed as render/worked.py writes it."""
    return f"{weights}[{source},{label}]"


def parse_focus(spec, address: str, row: WorkedRow | None = None) -> Focus:
    """The Focus of `address`, or an InputError that suggests the nearest real addresses.

    An address is a value (`hidden`), one of its neurons (`hidden.h1`), a number of a weight
    table or vector (`W1[G,h1]`, `E[h,e1]`, `b1[h1]`), or, given the worked row, a number of
    a step's working (`probability.sum`, `normed.mean(text1)`). Each is looked up, never
    listed: a large network has millions of weights.
    """
    value, _, label = address.partition(".")
    step = next((s for s in spec.steps if s.output == value), None)
    if value == spec.input_value and (not label or label in spec.values[value].labels):
        return _input_focus(spec, label)
    if step is not None:
        if not label or label in spec.values[value].labels:
            return Focus(value, label or None)
        if label in _working_labels(step, row):
            return Focus(value, label)
    found = _table_focus(spec, address) or _product_focus(spec, address)
    if found is not None:
        return found
    close = close_matches(address, _nearby(spec, address, step, row), n=3)
    hint = (f"did you mean {', '.join(f'`{c}`' for c in close)}?" if close else
            f"focus on a value or one of its neurons, such as `{_example_address(spec)}`")
    raise InputError(f"--focus {address}: no value, neuron or weight has this address", hint=hint, code="NS314")


def _input_focus(spec, label: str) -> Focus:
    """`input`: every step in short. `input.R`: the first step that reads the inputs, in full, with R's
    row of weights marked (in a drawing, R's lines), as the focus on one of R's weights would show it."""
    reader = next((s for s in spec.steps if spec.input_value in s.inputs), None)
    if not label or reader is None:
        return Focus(spec.input_value)
    return Focus(reader.output, None, label)


def _working_labels(step, row: WorkedRow | None) -> list[str]:
    """The labels of the step's working in `row`: softmax's `sum`, attention's `h2.score(sat, humpty)`."""
    worked = next((w for w in row.steps if w.trace_step.name == step.output), None) if row else None
    prefix = f"{step.output}."
    return [item.address[len(prefix):] for item in worked.items] if worked else []


def _table_focus(spec, address: str) -> Focus | None:
    """`W1[G,h1]` → the sum that weight enters; `b1[h1]` → that neuron; a number of a table that
    another step reads (an embedding, positions, a layer norm's scale) → that step's value."""
    for name, param in spec.params.items():
        if not (address.startswith(f"{name}[") and address.endswith("]")):
            continue
        inside = address[len(name) + 1:-1]
        for step in (s for s in spec.steps if name in s.params):
            entry = _entry(param, *table_labels(step, param), inside)
            if entry is not None:
                return _param_focus(step, param, *entry)
    return None


def table_labels(step, param) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The row and column names a trace gives the numbers of `param` when `step` reads them
    (as its operation's worked form writes them: OpDef.table_labels): an embedding's columns are the features it makes, a
    positions table read from a file numbers its rows."""
    own = lookup(step.op).table_labels
    return own(step, param) if own is not None else (param.row_labels, param.col_labels)


def _product_focus(spec, address: str) -> Focus | None:
    """`(W1·W2)[R,Leaf]`: a number of the table a step makes of its own tables (collapse's W1·W2), its working."""
    if not address.startswith("(") or ")[" not in address or not address.endswith("]"):
        return None
    names = address[1:address.index(")[")].split("·")
    step = next((s for s in spec.steps if list(s.params) == names), None)
    return Focus(step.output, address) if step is not None else None


def _entry(param, rows, columns, inside: str) -> tuple[str | None, str] | None:
    """(row, column) of `inside` (`G,h1`), (None, label) for a vector's `h1`, or None."""
    if param.array.ndim == 1:
        return (None, inside) if inside in (columns or rows) else None
    for i, char in enumerate(inside):  # a label may hold a comma: try each
        if char == "," and inside[:i] in rows and inside[i + 1:] in columns:
            return inside[:i], inside[i + 1:]
    return None


def _param_focus(step, param, row: str | None, column: str) -> Focus:
    if not lookup(step.op).diagram.weights:
        return Focus(step.output)
    return Focus(step.output, column, row)  # a weight: its sum, its input marked; a bias: its neuron


NEARBY = 20_000  # at most this many addresses are compared with a misspelt one


def _nearby(spec, address: str, step, row: WorkedRow | None) -> list[str]:
    """The addresses a misspelt one is compared with: the named value's own, else the values,
    their neurons and the entries of a table named (each list cut short: there may be millions)."""
    if step is not None:
        labels = dict.fromkeys([*spec.values[step.output].labels, *_working_labels(step, row)])
        return [f"{step.output}.{label}" for label in labels]
    found = [s.output for s in spec.steps]
    found += islice((f"{s.output}.{label}" for s in spec.steps for label in spec.values[s.output].labels), NEARBY)
    for name, param in spec.params.items():
        for reader in (s for s in spec.steps if name in s.params and address.startswith(f"{name}[")):
            rows, columns = table_labels(reader, param)
            entries = ((f"{name}[{label}]" for label in columns or rows) if param.array.ndim == 1 else
                       (f"{name}[{r},{c}]" for r in rows for c in columns))
            found += islice(entries, NEARBY)
    return found


def _example_address(spec) -> str:
    first = spec.steps[0]
    labels = spec.values[first.output].labels
    return f"{first.output}.{labels[0]}" if labels else first.output


def value_chain(view: ItemView) -> Chain:
    """`label = result`: how an item that is not expanded is shown."""
    return Chain(view.item.address, view.item.label, ((view.result,),))
