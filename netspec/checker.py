"""Parsed units in, CheckedSpec out: names, shapes, labels, ranges, decision and examples.

The checker collects every error it finds and raises them together (SpecErrors), so a
learner fixes five typos in one run, not five runs.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from dataclasses import dataclass, replace

import numpy as np

from netspec import nodes, ops
from netspec.errors import NetspecError, Note, SpecCheckError, SpecErrors
from netspec.limits import Limits
from netspec.loader import Unit
from netspec.model import CheckedSpec, Decision, Example, InputInfo, Param, Step, Value
from netspec.source import Span
from netspec.vocabulary import TextInput, Vocabulary
from netspec.weights import load_declared

INPUT_VALUE = "input"
DEFAULT_TOLERANCE = 1e-6
MAX_TOKENS = 100_000  # a text input's context length: one input neuron per token


@dataclass
class _ParamDraft:
    """A weights or bias table while its rows may still be reordered to match a value."""

    name: str
    kind: str
    array: np.ndarray
    row_names: tuple[str, ...]
    col_names: tuple[str, ...]
    span: object
    labelled: bool = True  # False for numbers from a file: rows are bound by position, columns numbered


class Checker:
    """Walks the statements in order; `fail` records an error and checking goes on."""

    def __init__(self, unit: Unit, limits: Limits = Limits()):
        self.unit = unit
        self.limits = limits
        self.errors: list[SpecCheckError] = []
        self.inputs: dict[str, InputInfo] = {}
        self.values: dict[str, Value] = {}
        self.params: dict[str, _ParamDraft] = {}
        self.steps: list[Step] = []
        self.bindings: dict[str, tuple[str | None, str]] = {}
        self.output_node: nodes.Output | None = None
        self.current = ""
        self.broken: set[str] = set()  # declared, but already reported as wrong: no second error
        self.vocabularies: dict[str, Vocabulary] = {}
        self.texts: dict[str, TextInput] = {}

    # ---- reporting ----
    def fail(self, message, span, hint=None, notes=None, code=None):
        self.errors.append(SpecCheckError(message, span, hint, notes, code))

    def unknown(self, what: str, name: nodes.Name, choices, hint_more: str = "", code: str = "NS201") -> str | None:
        """Report an unknown name; return the name it was probably meant to be, if any."""
        close = difflib.get_close_matches(name.text, list(choices), n=1, cutoff=0.6)
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
            if not (unit is top and top.base is not None):
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
        if self.errors:
            raise SpecErrors(self.errors)
        return self._result(output, decision, examples)

    def _network(self, spec: nodes.Spec):
        for statement in spec.statements:
            if isinstance(statement, (nodes.Weights, nodes.Bias, nodes.Vector)):
                self._param(statement)
            elif isinstance(statement, nodes.ParamFile):
                self._param_file(statement)
            elif isinstance(statement, nodes.Layer):
                self._layer(statement)
            elif isinstance(statement, nodes.Output):
                self.output_node = statement

    # ---- vocabularies and text inputs ----
    def _vocabulary(self, node: nodes.Vocabulary):
        name = node.name.text
        if name in self.vocabularies:
            self._duplicate(node.name, self.vocabularies[name].span)
            return
        start = 1 if node.start is None else node.start
        repeated = [e for k, e in enumerate(node.entries) if e in node.entries[:k]]
        if not node.entries or repeated or not float(start).is_integer():
            problem = ("is empty" if not node.entries else f"lists {repeated[0]!r} twice" if repeated
                       else f"is numbered from {start:g}, which is not a whole number")
            self.fail(f"the vocabulary {name} {problem}", node.span,
                      hint="list each token once; `numbered from 1` is the article's numbering (a = 1)", code="NS219")
            self.broken.add(name)
            return
        self.vocabularies[name] = Vocabulary(name, node.kind, node.entries, int(start), node.span)

    def _text_input(self, node: nodes.Input):
        """`input text tokens 12 from chars`: one input neuron per token, text1 … text12."""
        tokens, name = node.tokens, node.name.text
        if name in self.inputs or name in self.texts:
            self._duplicate(node.name, (self.inputs.get(name) or self.texts[name]).span)
            return
        vocabulary = self.vocabularies.get(tokens.vocabulary.text)
        if vocabulary is None:
            if tokens.vocabulary.text not in self.broken:
                self.unknown("vocabulary", tokens.vocabulary, self.vocabularies,
                             'declare it with `vocabulary chars characters "abc…"`')
            self.broken.update((name, INPUT_VALUE))  # no second error where `input` is read
            return
        if not (tokens.length.is_integer() and 1 <= tokens.length <= MAX_TOKENS):
            self.fail(f"a text has a whole number of tokens, 1 to {MAX_TOKENS:,}; not {tokens.length:g}", tokens.span,
                      hint="write the context length, like `tokens 12 from chars`", code="NS219")
            return
        positions = tuple(f"{name}{k}" for k in range(1, int(tokens.length) + 1))
        unit = "character" if vocabulary.kind == "characters" else "word"
        for k, position in enumerate(positions, 1):
            if position in self.inputs:
                self._duplicate(node.name, self.inputs[position].span)
                return
            self.inputs[position] = InputInfo(position, position, f"{unit} {k} of {name}", None,
                                              vocabulary.start, vocabulary.last, node.span, name)
        self.texts[name] = TextInput(name, node.description, int(tokens.length), vocabulary, positions, node.span)

    def token_vocabulary(self, value: Value) -> Vocabulary | None:
        """The vocabulary whose token numbers `value` holds, when every neuron is one token of a text."""
        texts = {self.inputs[n].text if n in self.inputs else None for n in value.names}
        if len(texts) != 1 or None in texts:
            return None
        return self.texts[texts.pop()].vocabulary

    # ---- inputs ----
    def _input(self, node: nodes.Input):
        if node.tokens is not None:
            self._text_input(node)
            return
        if node.name.text in self.inputs or node.name.text in self.texts:
            self._duplicate(node.name, (self.inputs.get(node.name.text) or self.texts[node.name.text]).span)
            return
        if node.rename is not None:
            self.fail("`as` renames an input of a reused network; this spec declares its own inputs",
                      node.rename.span, hint=f"write `input {node.rename.text}` instead", code="NS216")
        self._check_range(node)
        self.inputs[node.name.text] = InputInfo(node.name.text, node.name.text, node.description, node.unit,
                                                node.low, node.high, node.span)

    def _meaning_inputs(self, statements):
        """In a spec that uses another network, `input X as Y "..."` gives X a new meaning."""
        for node in statements:
            if not isinstance(node, nodes.Input):
                continue
            if node.name.text not in self.inputs:
                self.unknown("input", node.name, self.inputs, "a reused network's inputs cannot be added to")
                continue
            self._check_range(node)
            label = node.rename.text if node.rename else node.name.text
            self.inputs[node.name.text] = InputInfo(node.name.text, label, node.description, node.unit,
                                                    node.low, node.high, node.span)
        self._check_unique_labels()

    def _check_unique_labels(self):
        seen = {}
        for info in self.inputs.values():
            if info.label in seen:
                self.fail(f"two inputs are both called `{info.label}`", info.span,
                          notes=[Note(seen[info.label], "the other is declared")], code="NS216")
            seen[info.label] = info.span

    def _check_range(self, node: nodes.Input):
        if node.low is not None and node.high is not None and node.low > node.high:
            self.fail(f"the range of `{node.name.text}` runs from {node.low:g} down to {node.high:g}", node.span,
                      hint="write the smaller number first: range LOW to HIGH", code="NS212")

    def _declare_input_value(self):
        if INPUT_VALUE in self.values or not self.inputs:
            return
        names = tuple(self.inputs)
        labels = tuple(info.label for info in self.inputs.values())
        span = next(iter(self.inputs.values())).span
        self.values[INPUT_VALUE] = Value(INPUT_VALUE, (len(names),), names, labels, span)

    # ---- weights and biases ----
    def _param(self, node):
        kind = {nodes.Weights: "weights", nodes.Bias: "bias", nodes.Vector: "vector"}[type(node)]
        name = node.name
        if name.text in self.params or name.text in self.values:
            self._duplicate(name, self._declared_at(name.text))
            return
        array = self._table_array(node, kind)
        if array is None:
            self.broken.add(name.text)
            return
        rows = tuple(r.label.text if r.label else "" for r in node.table.rows)
        cols = tuple(c.text for c in node.table.columns)
        self.params[name.text] = _ParamDraft(name.text, kind, array, rows, cols, node.span)

    def _param_file(self, node: nodes.ParamFile):
        """Numbers from a weight file: checked against the declaration and the memory limit first."""
        name = node.name
        if name.text in self.params or name.text in self.values:
            self._duplicate(name, self._declared_at(name.text))
            return
        folder = Path(node.span.source.path).parent if node.span else Path(".")
        budget = self.limits.max_bytes - sum(p.array.size * 8 for p in self.params.values())
        try:
            array = load_declared(node.kind, name.text, node.path, node.key, node.shape, folder, self.limits, budget)
        except NetspecError as error:
            error.span = error.span or node.span
            self.errors.append(error)
            self.broken.add(name.text)
            return
        columns = tuple(str(i) for i in range(1, array.shape[-1] + 1))
        rows = ("",) * array.shape[0] if node.kind == "weights" else ()
        self.params[name.text] = _ParamDraft(name.text, node.kind, array, rows, columns, node.span, labelled=False)

    def _table_array(self, node, kind) -> np.ndarray | None:
        table = node.table
        ok = self._unique(table.columns, "column")
        width = len(table.columns)
        for row in table.rows:
            if len(row.numbers) != width:
                ok = False
                self.fail(f"this row of {node.name.text} has {_count(len(row.numbers), 'number')} but the table has "
                          f"{width} columns ({', '.join(c.text for c in table.columns)})", row.span,
                          hint="one number under each column label", code="NS206")
        if kind == "weights":
            ok = self._weight_rows(node) and ok
        elif len(table.rows) != 1:
            ok = False
            self.fail(f"a {kind} has one row of numbers; {node.name.text} has {len(table.rows)}", table.rows[1].span,
                      hint=f"put every {kind} number on the one row under the column labels", code="NS206")
        if not ok:
            return None
        array = np.array([row.numbers for row in table.rows], dtype=np.float64)
        return array if kind == "weights" else array[0]

    def _weight_rows(self, node) -> bool:
        unlabelled = [row for row in node.table.rows if row.label is None]
        for row in unlabelled:
            self.fail(f"a row of {node.name.text} has no label", row.span,
                      hint="start the row with the name of the neuron it comes from, like `R  0.10 0.12 -0.36`", code="NS206")
        labels = [row.label for row in node.table.rows if row.label is not None]
        return not unlabelled and self._unique(labels, "row")

    def _unique(self, names, what) -> bool:
        seen = {}
        for name in names:
            if name.text in seen:
                self.fail(f"the {what} label `{name.text}` appears twice", name.span,
                          notes=[Note(seen[name.text], "first used")], code="NS203")
                return False
            seen[name.text] = name.span
        return True

    # ---- layers ----
    def _layer(self, node: nodes.Layer):
        name = node.name.text
        if name in self.values or name in self.params:
            self._duplicate(node.name, self._declared_at(name))
            return
        op = ops.lookup(node.call.op.text)
        self.broken.add(name)  # until its operation checks out
        if op is None:
            self.unknown("operation", node.call.op, ops.known_names(),
                         f"the operations are {', '.join(ops.known_names())}", code="NS202")
            return
        self.current = name
        result = op.check(self, node.call)
        if result is None:
            return
        self.broken.discard(name)
        labels = self._output_labels(name, result.names, node.span)
        self.values[name] = Value(name, (len(result.names),), result.names, labels, node.span)
        self.bindings.update(result.bindings)
        text = _call_text(node.call)
        self.steps.append(Step(name, op.name, result.inputs, result.params, result.options, node.span, text))

    def _output_labels(self, name, names, layer_span):
        """A value keeps its neurons' names unless it is the output and the spec relabels it."""
        node = self._relabelling()
        if node is not None and node.value.text == name and node.vocabulary is not None:
            return self._vocabulary_labels(node, names, layer_span)
        if node is None or node.value.text != name or not node.labels:
            return names
        if len(node.labels) != len(names):
            first, last = node.labels[0].span, node.labels[-1].span
            self.fail(f"`{name}` has {len(names)} outputs ({', '.join(names)}) but {len(node.labels)} labels "
                      f"are given", replace(first, end_line=last.end_line, end_column=last.end_column),
                      hint=f"give exactly {len(names)} labels, one per output",
                      notes=[Note(layer_span, f"`{name}` is computed")], code="NS217")
            return names
        return tuple(label.text for label in node.labels)

    def _vocabulary_labels(self, node: nodes.Output, names, layer_span):
        """`output out labels from chars`: output neuron k is the vocabulary's token k."""
        vocabulary = self.vocabularies.get(node.vocabulary.text)
        if vocabulary is None:
            self.unknown("vocabulary", node.vocabulary, self.vocabularies)
            return names
        if len(vocabulary.labels) != len(names):
            self.fail(f"`{node.value.text}` has {len(names)} outputs but the vocabulary {vocabulary.name} has "
                      f"{len(vocabulary.labels)} tokens", node.vocabulary.span,
                      hint=f"give the last layer {len(vocabulary.labels)} neurons, one per token",
                      notes=[Note(layer_span, f"`{node.value.text}` is computed")], code="NS217")
            return names
        return vocabulary.labels

    def _relabelling(self) -> nodes.Output | None:
        """The `output` line that names output labels: this spec's own, else the used network's."""
        for unit in reversed(self.unit.chain()):
            found = unit.spec.of_type(nodes.Output)
            if found:
                return found[-1]
        return None

    # ---- used by operations' shape rules ----
    def positional(self, call: nodes.Call, op_name, required, optional=(), options=()):
        """The named arguments of `call`; `name=value` options are left to `keywords` when the op has `options`."""
        args = [a for a in call.args if not (options and isinstance(a, nodes.KeywordArg))]
        for arg in args:
            if not isinstance(arg, nodes.Ref):
                self.fail(f"{op_name} takes names, not {'numbers' if isinstance(arg, nodes.Num) else 'options'}",
                          arg.span, hint=f"write {op_name}({', '.join(required)})", code="NS207")
                return None
        if not len(required) <= len(args) <= len(required) + len(optional):
            wanted = ", ".join(list(required) + [f"[{o}]" for o in optional])
            self.fail(f"{op_name} takes {wanted}; it was given {len(args)}", call.span,
                      hint=f"write {op_name}({wanted})", code="NS207")
            return None
        return args

    def keywords(self, call: nodes.Call, op_name, declared) -> dict | None:
        """The `name=value` options of `call` checked against `declared` (ops/options.py), defaults filled in."""
        known = {option.name: option for option in declared}
        given: dict[str, nodes.KeywordArg] = {}
        ok = True
        for arg in (a for a in call.args if isinstance(a, nodes.KeywordArg)):
            ok = self._keyword(arg, op_name, known, given) and ok
        for option in declared:
            if option.required and option.name not in given:
                ok = False
                self.fail(f"{op_name} needs the option `{option.name}`", call.span,
                          hint=f"{option.why}; state it, e.g. {op_name}(..., {option.example()})", code="NS207")
        if not ok:
            return None
        return {o.name: given[o.name].value if o.name in given else o.default for o in declared}

    def _keyword(self, arg: nodes.KeywordArg, op_name, known, given) -> bool:
        name = arg.name.text
        option = known.get(name)
        if option is None:
            close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else (
                f"the options of {op_name} are {', '.join(known)}" if known else None)
            self.fail(f"{op_name} has no option `{name}`", arg.name.span, hint=hint, code="NS207")
            return False
        if name in given:
            self.fail(f"the option `{name}` is given twice", arg.span, hint="give each option once",
                      notes=[Note(given[name].span, "first given")], code="NS207")
            return False
        given[name] = arg
        problem = option.problem(arg.value)
        if problem is not None:
            shown = f'"{arg.value}"' if isinstance(arg.value, str) else f"{arg.value:g}"
            self.fail(f"`{name}` of {op_name} {problem}, not {shown}", arg.span, hint=option.why, code="NS207")
            return False
        return True

    def value(self, ref: nodes.Ref) -> Value | None:
        name = ref.name.text
        if name in self.values:
            return self.values[name]
        if name in self.broken or self._used_before_declared(ref):
            return None
        if name in self.params:
            self.fail(f"`{name}` is a table of {self.params[name].kind}, not a value computed by a layer",
                      ref.span, hint="the first argument names a layer or `input`", code="NS207")
        else:
            self.unknown("value", ref.name, [*self.values, *self.broken, INPUT_VALUE])
        return None

    def param(self, ref: nodes.Ref, kind: str) -> _ParamDraft | None:
        name = ref.name.text
        found = self.params.get(name)
        if found is not None and found.kind == kind:
            return found
        if found is None and (name in self.broken or self._used_before_declared(ref)):
            return None
        if found is not None or name in self.values:
            what = (found.kind if found.kind != "vector" else "a vector") if found else "a value"
            expected = "a vector is" if kind == "vector" else f"{kind} are"
            self.fail(f"`{name}` is {what}, but {expected} expected here", ref.span, code="NS207")
        else:
            declared = [p.name for p in self.params.values() if p.kind == kind]
            self.unknown(kind, ref.name, declared, f"the {kind} declared so far: {', '.join(declared)}"
                         if declared else f"declare it above this line with `{kind} {name}:` and a table")
        return None

    def _used_before_declared(self, ref: nodes.Ref) -> bool:
        """A name declared further down: say so, rather than call it unknown."""
        later = [s for u in self.unit.chain() for s in u.spec.of_type(nodes.Weights, nodes.Bias, nodes.Vector, nodes.Layer)
                 if s.name.text == ref.name.text]
        if not later:
            return False
        if ref.name.text == self.current:
            self.fail(f"layer `{self.current}` uses itself", ref.span,
                      hint="a layer computes its numbers from values declared above it", code="NS208")
            return True
        self.fail(f"`{ref.name.text}` is used before it is declared", ref.span,
                  hint="a spec is read from top to bottom: move the declaration above this line",
                  notes=[Note(later[0].name.span, f"`{ref.name.text}` is declared")], code="NS208")
        return True

    def reorder_rows(self, name: str, order: list[int], names: tuple[str, ...] | None = None):
        """Put a table's rows in the order of the value it reads (by label, or by position with `names`)."""
        draft = self.params[name]
        if names is not None:
            draft.row_names = tuple(names)
            return
        draft.array = draft.array[order]
        draft.row_names = tuple(draft.row_names[i] for i in order)

    def _duplicate(self, name: nodes.Name, first):
        self.fail(f"`{name.text}` is declared twice", name.span, hint="give each name one meaning",
                  notes=[Note(first, "first declared")], code="NS203")

    def _file_start(self) -> Span:
        """Where an error about the whole file points: its first line."""
        return Span(self.unit.source, 1, 1, 1, 1)

    def _declared_at(self, name):
        if name in self.values:
            return self.values[name].span
        return self.params[name].span if name in self.params else None

    # ---- meaning: output, decision, examples ----
    def _output(self) -> str | None:
        node = self.output_node
        if node is None:
            layers = [s for u in self.unit.chain() for s in u.spec.of_type(nodes.Layer)]
            if not layers:
                self.fail("the spec computes nothing: it has no `layer` lines", self._file_start(),
                          hint="add a layer such as `layer out = dense(input, W1)`", code="NS214")
                return None
            last = layers[-1].name.text  # when it is broken, that is already reported
            return last if last in self.values else None
        if node.value.text not in self.values:
            if node.value.text not in self.broken:
                self.unknown("value", node.value, self.values)
            return None
        return node.value.text

    def _decision(self, spec: nodes.Spec, output: str | None) -> Decision | None:
        rules = spec.of_type(nodes.DecideLargest, nodes.DecideSign)
        sentences = spec.of_type(nodes.Say)
        sentence = sentences[-1].text if sentences else "→ {decision}"
        if sentences:
            self._check_sentence(sentences[-1])
        rule = rules[-1] if rules else nodes.DecideLargest(None)
        for extra in rules[1:]:
            self.fail("a spec has one decision rule", extra.span, notes=[Note(rules[0].span, "the first one")], code="NS209")
        if output is None or output not in self.values:
            return None
        width = self.values[output].width
        if isinstance(rule, nodes.DecideSign):
            if width != 1:
                self.fail(f"`decide ... if positive` needs one output number; `{output}` has {width}", rule.span,
                          hint="use `decide largest` for several outputs (the article's plan 2)", code="NS209")
            return Decision("sign", (rule.positive.text, rule.otherwise.text), sentence, rule.span)
        if width < 2:
            default = " (the rule when there is no `decide` line)" if rule.span is None else ""
            self.fail(f"`decide largest`{default} needs at least two outputs; `{output}` has {width}",
                      rule.span or self.values[output].span,
                      hint="with one output, write `decide Leaf if positive otherwise Flower` (the article's plan 1)", code="NS209")
        return Decision("largest", self.values[output].labels, sentence, rule.span)

    def _check_sentence(self, say: nodes.Say):
        for field in re.findall(r"\{([^}]*)\}", say.text):
            if field != "decision":
                self.fail(f"unknown placeholder {{{field}}} in the sentence", say.span,
                          hint="the sentence can say {decision}, which becomes the winning label", code="NS215")

    def _examples(self, spec, output, decision) -> list[Example]:
        seen = {}
        examples = []
        for node in spec.of_type(nodes.Example):
            if node.name.text in seen:
                self._duplicate(node.name, seen[node.name.text])
            seen[node.name.text] = node.name.span
            example = self._example(node, output, decision)
            if example is not None:
                examples.append(example)
        return examples

    def _example(self, node: nodes.Example, output, decision) -> Example | None:
        row = self._example_inputs(node)
        if decision is None or output is None or row is None:
            return None
        if node.decision.text not in decision.labels:
            self.unknown("decision", node.decision, decision.labels,
                         f"the decisions are {', '.join(decision.labels)}")
        expected = self._expected(node.expect, output)
        tolerance = node.expect.tolerance if node.expect and node.expect.tolerance is not None else DEFAULT_TOLERANCE
        return Example(node.name.text, row, node.decision.text, expected, tolerance, node.span)

    def _example_inputs(self, node: nodes.Example) -> np.ndarray | None:
        by_label = {info.label: info for info in self.inputs.values() if info.text is None}
        fields = [*by_label, *self.texts]
        given = {}
        guessed = set()  # inputs already suggested for a misspelt name: not reported missing too
        for assign in node.inputs:
            info = by_label.get(assign.name.text)
            if info is None and assign.name.text not in self.texts:
                guessed.add(self.unknown("input", assign.name, fields))
            elif assign.name.text in given:
                self.fail(f"`{assign.name.text}` is given twice", assign.name.span, code="NS203")
            else:
                given[assign.name.text] = assign.value
                self._example_value(info, assign, given)
        missing = [label for label in fields if label not in given]
        if missing and not set(missing) <= guessed:
            self.fail(f"example `{node.name.text}` gives no value for {', '.join(missing)}", node.name.span,
                      hint="every input needs a value: " + ", ".join(f"{m}=..." for m in missing), code="NS210")
        if missing or any(value is None for value in given.values()):
            return None
        numbers = {label: value for label, value in given.items() if label not in self.texts}
        for text in self.texts.values():
            numbers.update(zip(text.positions, given[text.name]))
        return np.array([numbers[info.label] for info in self.inputs.values()], dtype=np.float64)

    def _example_value(self, info: InputInfo | None, assign: nodes.Assign, given: dict):
        """A number for a number input, a text (tokenized here) for a text input; None when it is wrong."""
        name = assign.name.text
        wants_text = info is None
        if wants_text != isinstance(assign.value, str):
            self.fail(f"`{name}` takes {'a text in quotes' if wants_text else 'a number'}", assign.span,
                      hint=f'write {name}="..."' if wants_text else f"write {name}=1.5, without quotes", code="NS301")
            given[name] = None
        elif wants_text:
            try:
                given[name] = self.texts[name].tokenize(assign.value, f"example {name}", assign.span)
            except NetspecError as error:
                self.errors.append(error)
                given[name] = None
        else:
            self._in_range(info, assign)

    def _in_range(self, info: InputInfo, assign: nodes.Assign):
        low = info.low if info.low is not None else -np.inf
        high = info.high if info.high is not None else np.inf
        if not low <= assign.value <= high:
            self.fail(f"{assign.name.text}={assign.value:g} is outside its range ({info.meaning})", assign.span,
                      notes=[Note(info.span, f"the range of {info.label} is declared")], code="NS211")

    def _expected(self, expect: nodes.Expect | None, output: str) -> dict[str, float]:
        if expect is None:
            return {}
        labels = self.values[output].labels
        found = {}
        for assign in expect.values:
            if assign.name.text not in labels:
                self.unknown("output", assign.name, labels)
            elif isinstance(assign.value, str):
                self.fail(f"`expect` gives output numbers; `{assign.name.text}` is given a text", assign.span,
                          hint=f"write {assign.name.text}=1.5, without quotes", code="NS301")
            else:
                found[assign.name.text] = assign.value
        return found

    # ---- assembling the result ----
    def _result(self, output, decision, examples) -> CheckedSpec:
        params = {name: self._final_param(draft) for name, draft in self.params.items()}
        network = next(iter(self.unit.spec.of_type(nodes.Network)), None)
        name = network.name.text if network else _stem(self.unit.source.path)
        description = network.description if network else None
        sources = [u.source for u in self.unit.chain()]
        return CheckedSpec(self.unit.source.path, name, description, sources, list(self.inputs.values()),
                           self.values, params, self.steps, output, decision, examples,
                           vocabularies=self.vocabularies, texts=self.texts)

    def _final_param(self, draft: _ParamDraft) -> Param:
        rows_from, cols_from = self.bindings.get(draft.name, (None, None))
        rows = self.values[rows_from].labels if rows_from in self.values else draft.row_names
        cols = self.values[cols_from].labels if cols_from in self.values else draft.col_names
        draft.array.setflags(write=False)
        return Param(draft.name, draft.kind, draft.array, tuple(rows), tuple(cols), draft.span)


def _call_text(call: nodes.Call) -> str:
    def arg(a):
        if isinstance(a, nodes.Ref):
            return a.name.text
        if isinstance(a, nodes.Num):
            return f"{a.value:g}"
        span = a.span
        if span is not None and span.line == span.end_line:  # as written: eps=1e-5, not eps=1e-05
            return span.source.line(span.line)[span.column - 1:span.end_column - 1]
        return f"{a.name.text}={a.value:g}" if isinstance(a.value, float) else f"{a.name.text}={a.value}"

    return f"{call.op.text}({', '.join(arg(a) for a in call.args)})"


def _stem(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]


def check_units(unit: Unit, limits: Limits = Limits()) -> CheckedSpec:
    """Check a loaded spec; raise SpecErrors listing every problem found."""
    return Checker(unit, limits).check()


def _count(n: int, noun: str) -> str:
    """`1 number`, `3 numbers`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
