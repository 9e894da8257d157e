"""Parsed units in, CheckedSpec out: names, shapes, labels, ranges, decision and examples.

The checker collects every error it finds and raises them together (SpecErrors), so a
learner fixes five typos in one run, not five runs. Its methods live by statement family
in netspec/check/rules/ (inputs, tables, layers, meaning); this module walks the statements
and assembles the result.
"""

from __future__ import annotations


from netspec.lang import nodes
from netspec.check.rules.common import INPUT_VALUE, ParamDraft
from netspec.check.rules.derived import DerivedChecks
from netspec.check.rules.inputs import InputChecks
from netspec.check.rules.layers import UNSET, LayerChecks
from netspec.check.rules.meaning import MeaningChecks
from netspec.check.rules.tables import TableChecks
from netspec.check.cost import Tally, sentence_fits
from netspec.errors import SpecCheckError, SpecErrors, close_matches
from netspec.lang.expand import fold_copies
from netspec.limits import Limits
from netspec.lang.loader import Unit, load_units, text_units
from netspec.check.model import CheckedSpec, InputInfo, Param, Step, Value
from netspec.check.vocabulary import TextInput, Vocabulary
from netspec.check.weights import WeightFiles


class Checker(InputChecks, TableChecks, DerivedChecks, LayerChecks, MeaningChecks):
    """Walks the statements in order; `fail` records an error and checking goes on."""

    def __init__(self, unit: Unit, limits: Limits = Limits()):
        self.unit = unit
        self.limits = limits
        self.errors: list[SpecCheckError] = []
        self.inputs: dict[str, InputInfo] = {}
        self.values: dict[str, Value] = {}
        self.params: dict[str, ParamDraft] = {}
        self.steps: list[Step] = []
        self.bindings: dict[str, tuple[str | None, str]] = {}
        self.output_node: nodes.Output | None = None
        self.current = ""
        self.broken: set[str] = set()  # declared, but already reported as wrong: no second error
        self.vocabularies: dict[str, Vocabulary] = {}
        self.texts: dict[str, TextInput] = {}
        self._relabelling_line = UNSET  # the `output` line that relabels, looked up once (checks/layers.py)
        self.tally = Tally(limits)  # one row's memory and work, layer by layer (netspec/check/cost.py)
        self.weight_files = WeightFiles()  # each weight file opened once for all its tables
        self.pending: dict[str, list] = {}  # file tables whose numbers are read once the spec checks
        self.read_files: list[tuple[int, int]] = [u.source.identity for u in unit.chain() if u.source.identity]

    # ---- reporting ----
    def fail(self, message, span, hint=None, notes=None, code=None):
        self.errors.append(SpecCheckError(message, span, hint, notes, code))

    def unknown(self, what: str, name: nodes.Name, choices, hint_more: str = "", code: str = "NS201") -> str | None:
        """Report an unknown name; return the name it was probably meant to be, if any."""
        close = close_matches(name.text, list(choices), n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else hint_more or None
        self.fail(f"unknown {what} `{name.text}`", name.span, hint=hint, code=code)
        return close[0] if close else None

    # ---- the whole spec ----
    def check(self) -> CheckedSpec:
        top = self.unit
        own_meaning = top.spec.of_type(nodes.Input, nodes.Output) if top.base else []
        for unit in top.chain():
            for node in unit.spec.of_type(nodes.Vocabulary):
                self._vocabulary(node)
        for unit in top.chain():
            if unit.base is None:  # only the first network declares inputs; a spec that uses one gives meaning
                for node in unit.spec.of_type(nodes.Input):
                    self._input(node)
        self._meaning_inputs(own_meaning)
        if not self.inputs and not self.broken:  # a text input whose vocabulary is wrong is reported already
            self.fail("the spec has no inputs", self._file_start(),
                      hint='declare one per number, like `input R "red"`', code="NS214")
        self._declare_input_value()
        for unit in top.chain():
            self._network(unit.spec)
        output = self._output()
        decision = self._decision(top.spec, output)
        examples = self._examples(top.spec, output, decision)
        dtype = self._dtype(top.spec)
        if (output is None or decision is None) and not self.errors:  # never hand on a spec without an answer
            self.fail("the spec computes nothing: no layer gives an output", self._file_start(), code="NS214",
                      hint="add a layer such as `layer out = dense(input, W1)`")
        cost = None
        if output is not None and decision is not None and not self.errors:
            cost = self.tally.total(self.values[INPUT_VALUE].width, output, decision.sentence, decision.labels,
                                    self._file_start())
            refused = sentence_fits(cost, self.limits, decision.span)
            if refused is not None:
                self.errors.append(refused)
        if not self.errors:
            self._read_pending()
        if self.errors:
            raise SpecErrors(fold_copies(self.errors))
        return self._result(output, decision, examples, cost, dtype)

    def _network(self, spec: nodes.Spec):
        for statement in spec.statements:
            if isinstance(statement, (nodes.Weights, nodes.Bias, nodes.Vector)):
                self._param(statement)
            elif isinstance(statement, nodes.ParamFile):
                self._param_file(statement)
            elif isinstance(statement, nodes.DerivedTable):
                self._derived(statement)
            elif isinstance(statement, nodes.Layer):
                self._layer(statement)
            elif isinstance(statement, nodes.Output):
                self.output_node = statement

    # ---- assembling the result ----
    def _result(self, output, decision, examples, cost, dtype=None) -> CheckedSpec:
        params = {name: self._final_param(draft) for name, draft in self.params.items()}
        network = next(iter(self.unit.spec.of_type(nodes.Network)), None)
        name = network.name.text if network else _stem(self.unit.source.path)
        description = network.description if network else None
        sources = [u.source for u in self.unit.chain()]
        return CheckedSpec(self.unit.source.path, name, description, sources, list(self.inputs.values()),
                           self.values, params, self.steps, output, decision, examples,
                           vocabularies=self.vocabularies, texts=self.texts,
                           read_files=frozenset(self.read_files + self.weight_files.identities), cost=cost,
                           dtype=dtype)

    def _final_param(self, draft: ParamDraft) -> Param:
        rows_from, cols_from = self.bindings.get(draft.name, (None, None))
        rows = self.values[rows_from].labels if rows_from in self.values else draft.row_names
        cols = self.values[cols_from].labels if cols_from in self.values else draft.col_names
        draft.array.setflags(write=False)
        return Param(draft.name, draft.kind, draft.array, tuple(rows), tuple(cols), draft.span, draft.derived_from)


def _stem(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]


def check_units(unit: Unit, limits: Limits = Limits()) -> CheckedSpec:
    """Check a loaded spec; raise SpecErrors listing every problem found."""
    checker = Checker(unit, limits)
    try:
        return checker.check()
    finally:
        checker.weight_files.close()


def load_spec(path, limits: Limits | None = None) -> CheckedSpec:
    """Read, parse and check a spec file (netspec.load_spec); the stages after checking import it from here."""
    limits = limits or Limits()
    return check_units(load_units(path, allow_outside=limits.allow_outside, limits=limits), limits)


def load_text(text: str, path: str = "<string>", limits: Limits | None = None) -> CheckedSpec:
    """Parse and check spec text given as a string (netspec.loads); `path` names it in errors and is
    where its weight files and a `use` are looked for."""
    limits = limits or Limits()
    return check_units(text_units(text, path, limits), limits)
