"""Input and vocabulary statements in, the checker's inputs, texts and the value `input` out."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from netspec.lang import nodes
from netspec.check.rules.common import INPUT_VALUE, MAX_TOKENS
from netspec.errors import NetspecError, Note
from netspec.check.model import InputInfo, Value

if TYPE_CHECKING:  # the text modules are imported where a spec has a vocabulary: most specs have none
    from pathlib import Path

    from netspec.check.vocabulary import Vocabulary


EXACT_WHOLE = 2**53  # float64 holds every whole number up to here, and not every one past it


class InputChecks:
    """Checker methods for these statements; `self` is the Checker (netspec/check/checker.py)."""

    # ---- vocabularies and text inputs ----
    def _vocabulary(self, node: nodes.Vocabulary):
        from netspec.check.hftokenizer import is_tokenizer_file
        from netspec.check.vocabulary import Vocabulary

        name = node.name.text
        if name in self.vocabularies:
            self._duplicate(node.name, self.vocabularies[name].span)
            return
        if node.path is not None and is_tokenizer_file(node.path):
            self._model_vocabulary(node)
            return
        start = 1 if node.start is None else node.start
        entries = self._vocabulary_entries(node)
        if entries is None or not self._countable(node, start, len(entries or ())):
            self.broken.add(name)
            return
        repeated = _repeated(entries)
        if not entries or repeated is not None or not float(start).is_integer():
            problem = ("is empty" if not entries else f"lists {repeated!r} twice" if repeated is not None
                       else f"is numbered from {start:g}, which is not a whole number")
            self.fail(f"the vocabulary {name} {problem}", node.span,
                      hint="list each token once; `numbered from 1` is the article's numbering (a = 1)", code="NS219")
            self.broken.add(name)
            return
        self.vocabularies[name] = Vocabulary(name, node.kind, entries, int(start), node.span)

    def _model_vocabulary(self, node: nodes.Vocabulary):
        """`vocabulary tokens subwords from "tokenizer.json"`: a real model's tokenizer, numbered from 0 as it is."""
        from netspec.check.hftokenizer import read_tokenizer
        from netspec.check.vocabulary import Vocabulary

        if node.start not in (None, 0):
            self.fail(f"the vocabulary {node.name.text} is a model's tokenizer.json, whose tokens are numbered from 0, "
                      f"not {node.start:g}", node.span, hint="leave out `numbered from`, or write `numbered from 0`",
                      code="NS219")
            self.broken.add(node.name.text)
            return
        try:
            entries, tokenizer, kind = read_tokenizer(self._folder(node), node.path, self.limits, self.read_files)
        except NetspecError as error:
            error.span = error.span or node.span
            self.errors.append(error)
            self.broken.add(node.name.text)
            return
        self.vocabularies[node.name.text] = Vocabulary(node.name.text, "tokenizer", entries, 0, node.span, tokenizer, kind)

    @staticmethod
    def _folder(node: nodes.Vocabulary) -> Path:
        from pathlib import Path

        return Path(node.span.source.path).parent if node.span else Path(".")

    def _countable(self, node: nodes.Vocabulary, start: float, count: int) -> bool:
        """Every token gets its own number: float64 holds each whole number only up to 2**53."""
        hint = "number the tokens from a small whole number, like `numbered from 1`"
        if not math.isfinite(start):
            self.fail(f"the vocabulary {node.name.text} is numbered from a number too large for float64 "
                      "(over about 1.8e308)", node.span, hint=hint, code="NS220")
            return False
        if max(abs(start), abs(start + count - 1)) > EXACT_WHOLE:
            self.fail(f"the vocabulary {node.name.text} is numbered from {start:g}, past {EXACT_WHOLE:,} (2**53): "
                      f"float64 cannot give its {count:,} tokens different numbers there", node.span, hint=hint,
                      code="NS224")
            return False
        return True

    def _vocabulary_entries(self, node: nodes.Vocabulary) -> tuple[str, ...] | None:
        """The tokens as listed, or read from `subwords from "vocab.txt"`; None after an error."""
        if node.path is not None:
            from netspec.check.vocabfile import read_tokens
            try:
                return read_tokens(self._folder(node), node.path, self.limits, self.read_files)
            except NetspecError as error:
                error.span = error.span or node.span
                self.errors.append(error)
                return None
        if node.kind == "subwords":
            from netspec.subwords import never_matches
            for entry in node.entries:
                problem = never_matches(entry)
                if problem:
                    self.fail(f"the piece {entry!r} of the vocabulary {node.name.text} {problem}, so it can never "
                              "match", node.span, hint='write each piece as its letters, like "cat" or "##s"',
                              code="NS230")
                    return None
        return node.entries

    def _text_input(self, node: nodes.Input):
        """`input text tokens 12 from chars`: one input neuron per token, text1 … text12."""
        tokens, name = node.tokens, node.name.text
        if name in self.inputs or name in self.texts:
            self._duplicate(node.name, (self.inputs.get(name) or self.texts[name]).span)
            return
        if name in self.params or name in self.values:
            self._duplicate(node.name, self._declared_at(name))
            return
        if name == INPUT_VALUE:
            self.fail("a text cannot be called `input`: that name stands for all the inputs together", node.name.span,
                      hint="call it `text`, `words` or what it holds", code="NS216")
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
        from netspec.check.vocabulary import TextInput

        positions = tuple(f"{name}{k}" for k in range(1, int(tokens.length) + 1))
        unit = vocabulary.unit
        text = TextInput(name, node.description, int(tokens.length), vocabulary, positions, node.span, tokens.padded)
        for k, position in enumerate(positions, 1):
            if position in self.inputs:
                self._duplicate(node.name, self.inputs[position].span)
                return
            self.inputs[position] = InputInfo(position, position, f"{unit} {k} of {name}", None,
                                              min(vocabulary.start, text.pad), vocabulary.last, node.span, name)
        self.texts[name] = text

    def token_vocabulary(self, value: Value) -> Vocabulary | None:
        """The vocabulary whose token numbers `value` holds, when every neuron is one token of a text."""
        texts = {self.inputs[n].text if n in self.inputs else None for n in value.names}
        if len(texts) != 1 or None in texts:
            return None
        return self.texts[texts.pop()].vocabulary

    def padding(self, value: Value) -> tuple[str, int] | None:
        """The tokens value of the padded text whose positions `value` has (netspec/ops/context.py says why)."""
        for text in self.texts.values():
            if text.padded and text.positions in (value.positions, value.names):
                tokens = self.value(nodes.Ref(nodes.Name(text.name), text.span)) if text.name not in self.values \
                    else self.values[text.name]
                return (tokens.name, text.pad) if tokens is not None else None
        return None

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
        if any(bound is not None and not math.isfinite(bound) for bound in (node.low, node.high)):
            self.fail(f"the range of `{node.name.text}` has a bound too large for float64 (over about 1.8e308)",
                      node.span, hint="write the bounds as numbers float64 can hold, or leave the range out",
                      code="NS220")
        elif node.low is not None and node.high is not None and node.low > node.high:
            self.fail(f"the range of `{node.name.text}` runs from {node.low:g} down to {node.high:g}", node.span,
                      hint="write the smaller number first: range LOW to HIGH", code="NS212")

    def _declare_input_value(self):
        if INPUT_VALUE in self.values or not self.inputs:
            return
        names = tuple(self.inputs)
        labels = tuple(info.label for info in self.inputs.values())
        span = next(iter(self.inputs.values())).span
        self.values[INPUT_VALUE] = Value(INPUT_VALUE, (len(names),), names, labels, span)


def _repeated(entries: tuple[str, ...]) -> str | None:
    """The first entry listed a second time, or None."""
    seen: set[str] = set()
    for entry in entries:
        if entry in seen:
            return entry
        seen.add(entry)
    return None
