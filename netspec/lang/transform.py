"""Lark tree in, nodes.Spec out: one method per grammar rule; builds, never validates."""

from __future__ import annotations

import re
from array import array

from lark import Token, Transformer, v_args

from netspec.lang import nodes
from netspec.source import Source, span_of


def number(token: Token) -> float:
    """A NUMBER token as a float; the grammar admits the true minus sign − as well as -."""
    return float(str(token).replace("\u2212", "-"))


def unquote(token: Token) -> str:
    return str(token)[1:-1] if str(token).startswith('"') else str(token)


@v_args(meta=True)
class ToNodes(Transformer):
    """Method names are rule names; each returns the node of the same name."""

    def __init__(self, source: Source, read_rows: dict[int, array] | None = None, tables: dict | None = None,
                 inputs: dict | None = None):
        super().__init__()
        self.source = source
        self.read_rows = read_rows or {}  # plain rows' numbers by line, read before Lark (tablerows.py)
        self.tables = tables or {}  # whole plain tables by their header's line, built before Lark (plaintables.py)
        self.inputs = inputs or {}  # runs of plain inputs by their first line, built before Lark (plaintables.py)

    def _span(self, meta):
        return span_of(self.source, meta) if not getattr(meta, "empty", False) else None

    def _name(self, token: Token) -> nodes.Name:
        return nodes.Name(unquote(token), span_of(self.source, token))

    def start(self, meta, children):
        return nodes.Spec(_flat(children), self._span(meta))

    def name(self, meta, children):
        return self._name(children[0])

    label = name

    def network(self, meta, children):
        name, description = children
        return nodes.Network(self._name(name), description and unquote(description), self._span(meta))

    def dtype(self, meta, children):
        return nodes.Dtype(self._name(children[0]), self._span(meta))

    def use(self, meta, children):
        return nodes.Use(unquote(children[0]), self._span(meta))

    def vocabulary_characters(self, meta, children):
        name, text, start = children
        return nodes.Vocabulary(name, "characters", tuple(unquote(text)), start, self._span(meta))

    def vocabulary_words(self, meta, children):
        name, *words, start = children
        return nodes.Vocabulary(name, "words", tuple(unquote(w) for w in words), start, self._span(meta))

    def vocabulary_subwords(self, meta, children):
        name, *pieces, start = children
        return nodes.Vocabulary(name, "subwords", tuple(unquote(p) for p in pieces), start, self._span(meta))

    def vocabulary_subwords_file(self, meta, children):
        name, path, start = children
        return nodes.Vocabulary(name, "subwords", (), start, self._span(meta), path=unquote(path))

    def numbering(self, meta, children):
        return number(children[0])

    def input(self, meta, children):
        if meta.line in self.inputs:  # Lark read `input NAME` of the run's first line only
            return self.inputs[meta.line]
        name, rename, description, *facts = children
        found = dict(facts)
        low, high = found.get("range", (found.get("at_least"), found.get("at_most")))
        return nodes.Input(name, rename, description and unquote(description), found.get("unit"),
                           low, high, self._span(meta), found.get("tokens"))

    def tokens(self, meta, children):
        padded, length, vocabulary = children
        return ("tokens", nodes.Tokens(number(length), vocabulary, self._span(meta), padded is not None))

    def up_to(self, meta, children):
        return True

    def unit(self, meta, children):
        return ("unit", unquote(children[0]))

    def range(self, meta, children):
        return ("range", (number(children[0]), number(children[1])))

    def at_least(self, meta, children):
        return ("at_least", number(children[0]))

    def at_most(self, meta, children):
        return ("at_most", number(children[0]))

    def header(self, meta, children):
        return tuple(children)

    def row(self, meta, children):
        label, *numbers = children
        read = self.read_rows.get(meta.line)
        return nodes.Row(label, read if read is not None else array("d", map(number, numbers)), self._span(meta))

    def table(self, meta, children):
        header, *rows = children
        built = self.tables.get(meta.line)
        if built is not None:  # Lark read the first label and row of it; rows after a row left to it follow
            header, rows = built[0], [*built[1], *rows[1:]]
        return nodes.Table(header, tuple(rows), self._span(meta))

    def weights(self, meta, children):
        return nodes.Weights(children[0], children[1], self._span(meta))

    def bias(self, meta, children):
        return nodes.Bias(children[0], children[1], self._span(meta))

    def vector(self, meta, children):
        return nodes.Vector(children[0], children[1], self._span(meta))

    def weights_file(self, meta, children):
        return self._param_file("weights", meta, children)

    def bias_file(self, meta, children):
        return self._param_file("bias", meta, children)

    def vector_file(self, meta, children):
        return self._param_file("vector", meta, children)

    def _param_file(self, kind, meta, children):
        name, path, key, dims, *layout = children
        return nodes.ParamFile(kind, name, unquote(path), key and unquote(key), dims, self._span(meta),
                               layout[0] if layout else None)

    def layout(self, meta, children):
        """`out×in`, `out x in` and `outxin` all read as "out×in"."""
        first, second = re.findall(r"in|out", str(children[0]))
        return f"{first}×{second}"

    def weights_derived(self, meta, children):
        return nodes.DerivedTable("weights", children[0], children[1], self._span(meta))

    def bias_derived(self, meta, children):
        return nodes.DerivedTable("bias", children[0], children[1], self._span(meta))

    def vector_derived(self, meta, children):
        return nodes.DerivedTable("vector", children[0], children[1], self._span(meta))

    def dims(self, meta, children):
        return tuple(int(number(n)) if number(n).is_integer() and number(n) >= 0 else -1 for n in children)

    def ref(self, meta, children):
        return nodes.Ref(children[0], self._span(meta))

    def num(self, meta, children):
        return nodes.Num(number(children[0]), self._span(meta))

    def keyword_arg(self, meta, children):
        name, value = children
        converted = number(value) if value.type == "NUMBER" else unquote(value)
        return nodes.KeywordArg(name, converted, self._span(meta))

    def call(self, meta, children):
        op, *args = children
        return nodes.Call(op, tuple(a for a in args if a is not None), self._span(meta))

    def layer(self, meta, children):
        return nodes.Layer(children[0], children[1], self._span(meta))

    def layer_parts(self, meta, children):
        """`layer q, k, v = split(qkv, 3)` is the layers `q = split(qkv, 3, part=1)`, `k = … part=2`, `v = … part=3`."""
        *names, call = children
        span = self._span(meta)
        return tuple(nodes.Layer(name, nodes.Call(call.op, (*call.args, nodes.KeywordArg(nodes.Name("part"), float(i))),
                                                  call.span), span, tuple(names))
                     for i, name in enumerate(names, 1))

    def output(self, meta, children):
        value, *labels = children
        return nodes.Output(value, tuple(l for l in labels if l is not None), self._span(meta))

    def output_vocabulary(self, meta, children):
        return nodes.Output(children[0], (), self._span(meta), children[1])

    def decide_largest(self, meta, children):
        return nodes.DecideLargest(self._span(meta))

    def decide_sign(self, meta, children):
        return nodes.DecideSign(children[0], children[1], self._span(meta))

    def decide_nothing(self, meta, children):
        return nodes.DecideNothing(self._span(meta))

    def say(self, meta, children):
        return nodes.Say(unquote(children[0]), self._span(meta))

    def assign(self, meta, children):
        return nodes.Assign(children[0], number(children[1]), self._span(meta))

    def assign_text(self, meta, children):
        return nodes.Assign(children[0], unquote(children[1]), self._span(meta))

    def expect(self, meta, children):
        *values, tolerance = children
        return nodes.Expect(tuple(values), tolerance and number(tolerance), self._span(meta))

    def example(self, meta, children):
        name, *inputs, _arrow, decision, expect = children
        return nodes.Example(name, tuple(inputs), decision, expect, self._span(meta))

    def repeat(self, meta, children):
        count, name, *body = children
        return nodes.Repeat(nodes.Num(number(count), span_of(self.source, count)), name, _flat(body),
                            self._span(meta))


def _flat(statements) -> tuple:
    """Statements in order, a line that declares several layers (a tuple of them) spread out."""
    return tuple(s for statement in statements for s in (statement if isinstance(statement, tuple) else (statement,)))
