"""Output, decide, say and example statements in, the spec's meaning out: output, decision, examples."""

from __future__ import annotations

import re

import numpy as np

from netspec.lang import nodes
from netspec.check.rules.common import DEFAULT_TOLERANCE
from netspec.errors import NetspecError, Note
from netspec.check.model import Decision, Example, InputInfo


class MeaningChecks:
    """Checker methods for these statements; `self` is the Checker (netspec/check/checker.py)."""

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

    def _dtype(self, spec: nodes.Spec) -> str | None:
        """The spec's own `dtype` line (the last, if several; the grammar takes float64 or float32 only);
        None: float64, or what the command asks."""
        lines = spec.of_type(nodes.Dtype)
        return lines[-1].name.text if lines else None

    def _decision(self, spec: nodes.Spec, output: str | None) -> Decision | None:
        rules = spec.of_type(nodes.DecideLargest, nodes.DecideSign, nodes.DecideNothing)
        sentences = spec.of_type(nodes.Say)
        sentence = sentences[-1].text if sentences else "→ {decision}"
        if sentences:
            self._check_sentence(sentences[-1])
        rule = rules[-1] if rules else nodes.DecideLargest(None)
        for extra in rules[1:]:
            self.fail("a spec has one decision rule", extra.span, notes=[Note(rules[0].span, "the first one")], code="NS209")
        if output is None or output not in self.values:
            return None
        value = self.values[output]
        width = value.width
        if isinstance(rule, nodes.DecideNothing):
            said = sentence if sentences else f"The answer is the {width} numbers of {output}."
            return Decision("none", (), said, rule.span)
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
        tokens = self._sequence_tokens(value)
        if tokens is not None and self.padding(value) is not None:
            self.fail(f"`decide largest` reads the last position of `{output}`, and a text of `tokens up to N` "
                      "is padded there when it is shorter", rule.span or value.span,
                      hint=f"take `layer next = last(...)` before the output layer: `last` of a padded text reads "
                           f"its last real token", code="NS209")
        elif tokens is not None:  # the next token: the largest of the last position's scores
            return Decision("largest", tokens, sentence, rule.span, reads=len(tokens))
        return Decision("largest", value.labels, sentence, rule.span)

    def _sequence_tokens(self, value) -> tuple[str, ...] | None:
        """A sequence labelled from a vocabulary (`output out labels from chars`): the vocabulary's tokens."""
        node = self.output_node
        if not value.is_sequence or node is None or node.vocabulary is None:
            return None
        vocabulary = self.vocabularies.get(node.vocabulary.text)
        return vocabulary.labels if vocabulary is not None and len(vocabulary.labels) == len(value.features) else None

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
        if not self._example_decision(node, decision):
            return None
        expected = self._expected(node.expect, output)
        tolerance = node.expect.tolerance if node.expect and node.expect.tolerance is not None else DEFAULT_TOLERANCE
        return Example(node.name.text, row, node.decision.text if node.decision else "", expected, tolerance,
                       node.span)

    def _example_decision(self, node: nodes.Example, decision) -> bool:
        """`-> DECISION` when the spec decides, none when it decides nothing (`decide nothing`)."""
        if decision.kind == "none":
            if node.decision is not None:
                self.fail(f"example `{node.name.text}` expects the decision {node.decision.text}, but the spec decides "
                          "nothing", node.decision.span, code="NS228",
                          hint="give the output numbers instead: `expect out1=0.5, out2=-0.25`, without `-> …`")
                return False
            return True
        if node.decision is None:
            self.fail(f"example `{node.name.text}` says no decision; it is written `example NAME: IN=number, ... "
                      "-> DECISION`", node.name.span, code="NS228",
                      hint=f"end the line with `-> ` and one of {', '.join(decision.labels[:5])}"
                           f"{', …' if len(decision.labels) > 5 else ''}")
            return False
        if node.decision.text not in decision.labels:
            self.unknown("decision", node.decision, decision.labels,
                         f"the decisions are {', '.join(decision.labels)}")
        return True

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
        if not np.isfinite(assign.value):
            self.fail(f"{assign.name.text}={assign.value:g}: the number is too large for float64 (over about 1.8e308)",
                      assign.span, hint="write a smaller number", code="NS220")
            return
        low = info.low if info.low is not None else -np.inf
        high = info.high if info.high is not None else np.inf
        if low > high:  # a range written backwards is reported once, where it is declared (NS212)
            return
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
