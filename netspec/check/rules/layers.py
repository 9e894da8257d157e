"""Layer statements in, checked values and steps out; also the services operations' shape rules call.

Those services are netspec/ops/context.py's CheckContext: an operation's shape rule uses
only them, and returns the row orders it needs instead of changing the tables itself.
"""

from __future__ import annotations

from dataclasses import replace


from netspec import ops
from netspec.lang import nodes
from netspec.ops.base import Arg, Cost, elementwise_cost
from netspec.check.rules.common import INPUT_VALUE, ParamDraft, call_text
from netspec.errors import Note, close_matches
from netspec.check.model import Step, Value
from netspec.ops.context import RowOrder
from netspec.phrases import Phrase
from netspec.source import Span

UNSET = object()  # a cached answer not looked up yet

TOKENS_OF = Phrase("the tokens of {value}", "{value} 的词元")  # the step that picks a text's token numbers


class LayerChecks:
    """Checker methods for these statements; `self` is the Checker (netspec/check/checker.py)."""

    # ---- layers ----
    def _layer(self, node: nodes.Layer):
        name = node.name.text
        if name in self.values or name in self.params or name in self.texts:
            self._duplicate(node.name, self._declared_at(name))
            return
        op = ops.lookup(node.call.op.text)
        op = None if op is not None and op.hidden else op
        self.broken.add(name)  # until its operation checks out
        if op is None:
            self.unknown("operation", node.call.op, ops.known_names(),
                         f"the operations are {', '.join(ops.known_names())}", code="NS202")
            return
        self.current = name
        if node.together and not self._parts_fit(node, op):
            return
        cost = self._cost(op, node.call)
        if cost is not None and not self._afford(name, cost, node.call):
            return
        result = op.check(self, node.call)
        if result is None:
            return
        self.broken.discard(name)
        positions, features = self._sequence_of(result)
        labels = self._output_labels(name, result.names, node.span, positions, features)
        shape = (len(positions), len(features)) if positions else (len(result.names),)
        self.values[name] = Value(name, shape, result.names, labels, node.span, positions, features)
        self.bindings.update(result.bindings)
        for reorder in result.reorders:
            self._reorder_rows(reorder)
        text = call_text(node.call)
        self.steps.append(Step(name, result.op or op.name, result.inputs, result.params, result.options, node.span,
                               text))
        self.tally.record(name, result.op or op.name, result.inputs, cost or elementwise_cost(
            [Arg(0, len(result.names))], {}))

    def _parts_fit(self, node: nodes.Layer, op) -> bool:
        """`layer q, k, v = split(qkv, 3)`: one name per part, of an operation that makes parts (said once, at the
        first name)."""
        count = next((a.value for a in node.call.args if isinstance(a, nodes.Num)), None)
        if op.parts and count == len(node.together):
            return True
        if node.name == node.together[0]:
            names = ", ".join(n.text for n in node.together)
            problem = (f"{node.call.op.text} makes {count:g} parts here, but {len(node.together)} names are given" if
                       op.parts and count is not None else
                       f"{node.call.op.text} gives one value, not several")
            self.fail(f"`layer {names} = …`: {problem}", node.span, code="NS241",
                      hint=f"one name per part: `layer {names} = split(x, {len(node.together)})`")
        return False

    # ---- what a layer costs (netspec/check/cost.py), asked before its neurons are named ----
    def _cost(self, op, call: nodes.Call) -> Cost | None:
        """One row's cost from the shapes of the call's arguments; None when an argument is not known yet."""
        args = [self._arg_shape(arg) for arg in call.args if not isinstance(arg, nodes.KeywordArg)]
        if not args or None in args:
            return None
        options = {arg.name.text: arg.value for arg in call.args if isinstance(arg, nodes.KeywordArg)}
        return op.cost(args, options)

    def _arg_shape(self, arg) -> Arg | None:
        name = arg.name.text if isinstance(arg, nodes.Ref) else None
        if name in self.values:
            value = self.values[name]
            return Arg(len(value.positions), len(value.features)) if value.is_sequence else Arg(0, value.width)
        if name in self.texts:
            return Arg(0, self.texts[name].length)
        if name in self.params:
            shape = self.params[name].array.shape
            return Arg(shape[0], shape[1], table=True) if len(shape) == 2 else Arg(0, int(shape[-1]), table=True)
        return None

    def _afford(self, name: str, cost: Cost, call: nodes.Call) -> bool:
        widths = [self.values[arg.name.text].width for arg in call.args
                  if isinstance(arg, nodes.Ref) and arg.name.text in self.values]
        refused = self.tally.admit(name, cost, widths, call.span)
        if refused is not None:
            self.errors.append(refused)
        return refused is None

    @staticmethod
    def operation(name: str):
        """The OpDef of a checked step's operation (add asks which steps name their neurons after a table)."""
        return ops.lookup(name)

    def _sequence_of(self, result) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A result's positions and features: as its rule says, or its first input's when it has the same neurons."""
        if result.positions:
            return result.positions, result.features
        first = self.values.get(result.inputs[0]) if result.inputs else None
        if first is not None and first.is_sequence and first.names == result.names:
            return first.positions, first.features
        return (), ()

    def _output_labels(self, name, names, layer_span, positions=(), features=()):
        """A value keeps its neurons' names unless it is the output and the spec relabels it."""
        node = self._relabelling()
        if node is not None and node.value.text == name and node.vocabulary is not None:
            return self._vocabulary_labels(node, names, layer_span, positions, features)
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

    def _vocabulary_labels(self, node: nodes.Output, names, layer_span, positions=(), features=()):
        """`output out labels from chars`: output neuron k is the vocabulary's token k; on a sequence, feature k
        of every position is (`text3_sat`: the score of `sat` at the third position)."""
        vocabulary = self.vocabularies.get(node.vocabulary.text)
        if vocabulary is None:
            self.unknown("vocabulary", node.vocabulary, self.vocabularies)
            return names
        if positions and len(vocabulary.labels) == len(features):
            return tuple(f"{position}_{token}" for position in positions for token in vocabulary.labels)
        if positions and len(vocabulary.labels) != len(names):
            self.fail(f"`{node.value.text}` is a sequence of {len(positions)} positions × {len(features)} features, "
                      f"but the vocabulary {vocabulary.name} has {len(vocabulary.labels)} tokens", node.vocabulary.span,
                      hint=f"give the last layer {len(vocabulary.labels)} features, one per token",
                      notes=[Note(layer_span, f"`{node.value.text}` is computed")], code="NS217")
            return names
        if len(vocabulary.labels) != len(names):
            self.fail(f"`{node.value.text}` has {len(names)} outputs but the vocabulary {vocabulary.name} has "
                      f"{len(vocabulary.labels)} tokens", node.vocabulary.span,
                      hint=f"give the last layer {len(vocabulary.labels)} neurons, one per token",
                      notes=[Note(layer_span, f"`{node.value.text}` is computed")], code="NS217")
            return names
        return vocabulary.labels

    def _relabelling(self) -> nodes.Output | None:
        """The `output` line that names output labels: this spec's own, else the used network's.

        Looked up once: asked at every layer, a search of the whole spec made checking a
        10,000-step spec (a repeat written out) take a minute.
        """
        if self._relabelling_line is UNSET:
            found = [unit.spec.of_type(nodes.Output) for unit in reversed(self.unit.chain())]
            self._relabelling_line = next((outputs[-1] for outputs in found if outputs), None)
        return self._relabelling_line

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
            close = close_matches(name, list(known), n=1, cutoff=0.6)
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
        if name in self.texts and INPUT_VALUE in self.values:
            return self._text_value(name, ref.span)
        if name in self.params:
            self.fail(f"`{name}` is a table of {self.params[name].kind}, not a value computed by a layer",
                      ref.span, hint="name a layer, a text input or `input` here; tables go where the operation "
                                     "takes weights", code="NS207")
            return None
        if self._known_broken(name) or self._used_before_declared(ref):
            return None
        else:
            self.unknown("value", ref.name, [*self.values, *self.broken, INPUT_VALUE])
        return None

    def param(self, ref: nodes.Ref, kind: str) -> ParamDraft | None:
        name = ref.name.text
        found = self.params.get(name)
        if found is not None and found.kind == kind:
            return found
        if found is None and name not in self.values and (self._known_broken(name) or self._used_before_declared(ref)):
            return None
        if found is not None or name in self.values:
            what = (found.kind if found.kind != "vector" else "a vector") if found else "a value"
            expected = "a vector is" if kind == "vector" else f"{kind} are"
            hint = None if found else f"an operation takes its values first, then its tables, like `dense({name}, W)`"
            self.fail(f"`{name}` is {what}, but {expected} expected here", ref.span, hint=hint, code="NS207")
        else:
            declared = [p.name for p in self.params.values() if p.kind == kind]
            self.unknown(kind, ref.name, declared, f"the {kind} declared so far: {', '.join(declared)}"
                         if declared else f"declare it above this line with `{kind} {name}:` and a table")
        return None

    def _text_value(self, name: str, span) -> Value:
        """A text input named as a value (`embed(german, E)`): a step that picks its tokens from the inputs.

        A spec with two texts (cross-attention: German in, English so far) embeds each one.
        """
        text, everything = self.texts[name], self.values[INPUT_VALUE]
        indices = tuple(everything.names.index(position) for position in text.positions)
        value = Value(name, (len(indices),), text.positions, tuple(everything.labels[i] for i in indices), span)
        self.values[name] = value
        self.steps.append(Step(name, "pick", (INPUT_VALUE,), (), {"indices": indices}, span,
                               TOKENS_OF(value=name)))
        self.tally.record(name, "pick", (INPUT_VALUE,), elementwise_cost([Arg(0, len(indices))], {}, 1, 1, 1))
        return value

    def _known_broken(self, name: str) -> bool:
        """Already reported as wrong, so no second error; the layer being checked is not reported yet."""
        return name in self.broken and name != self.current

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

    def _reorder_rows(self, reorder: RowOrder):
        """Put a table's rows in the order of the value it reads (by label, or by position with `names`):
        a shape rule says how (ShapeResult.reorders), the checker does it."""
        draft = self.params[reorder.table]
        if reorder.names is not None:
            draft.row_names = tuple(reorder.names)
            return
        order = list(reorder.order)
        if reorder.table in self.pending:  # numbers not read yet: reordered once they are
            before = self.pending[reorder.table][2]
            self.pending[reorder.table][2] = order if before is None else [before[i] for i in order]
        else:
            draft.array = draft.array[order]
        draft.row_names = tuple(draft.row_names[i] for i in order)

    def is_bound(self, table: str) -> bool:
        return table in self.bindings

    def step_of(self, value: str) -> Step | None:
        """The step that computes `value`, searched from the latest: a dict of every step, made at every add,
        made checking a repeat written out to 10,000 steps take half a minute."""
        return next((step for step in reversed(self.steps) if step.output == value), None)

    def _duplicate(self, name: nodes.Name, first):
        self.fail(f"`{name.text}` is declared twice", name.span, hint="give each name one meaning",
                  notes=[Note(first, "first declared")], code="NS203")

    def _file_start(self) -> Span:
        """Where an error about the whole file points: its first line."""
        return Span(self.unit.source, 1, 1, 1, 1)

    def _declared_at(self, name):
        if name in self.texts:
            return self.texts[name].span
        if name in self.values:
            return self.values[name].span
        return self.params[name].span if name in self.params else None
