"""Plain tables and inputs built without Lark: the same nodes, spans, arrays (bit for bit) and errors
(messages, positions) as the grammar's own reading of the whole text."""

from __future__ import annotations

import dataclasses
from array import array

import numpy as np
import pytest

import netspec
import netspec.lang.parser as parser
from netspec.errors import NetspecError
from netspec.lang.plaintables import Shortened
from netspec.lang.tablerows import ReadRows
from netspec.source import Source, Span

INPUTS = "network t\n\ninput a range 0 to 1\ninput b range −1 to 2.5e1  # note\ninput c range 0 to 1\n\n"
LAYER = "\nlayer out = dense(input, W)\noutput out\n"
TABLE = "weights W:\n     y1 y2\n  a  0.1 −2\n  b  3e4 .5\n  c  1 2\n"

# Specs the grammar reads (the checker refuses some: a shape, a decision), and specs with a mistake.
GOOD = {
    "a keyword in the header": INPUTS + "weights W:\n  y1 to\n  a 1 2\n  b 3 4\n  c 5 6\n" + LAYER,
    "plain": INPUTS + TABLE + LAYER,
    "quoted labels and comments": INPUTS + 'weights W:   # w\n   "y 1" y2  # cols\n  a 1 2 # one\n'
                                           '\n  # between\n  "b" 3 4\n\n\n  c 5 6\n' + LAYER,
    "tabs and form feeds": INPUTS + "weights W:\n\ty1\ty2\n\ta\t1\t2\n \f b 3 4\n  c 5 6" + LAYER,
    "crlf": (INPUTS + TABLE + LAYER).replace("\n", "\r\n"),
    "no final line break": INPUTS + "layer out = dense(input, W)\noutput out\n" + TABLE.rstrip("\n"),
    "ends in a comment": INPUTS + TABLE + LAYER + "# last\n   ",
    "two tables and a bias": INPUTS + TABLE + "bias B:\n  y1 y2\n  0.5 −0.5\nweights V:\n  z\n  y1 1\n  y2 2\n"
                             "layer h = dense(input, W, B)\nlayer out = dense(h, V)\noutput out\n",
    "a vector": INPUTS + TABLE + "vector s:\n  y1 y2\n   2 3\n" + LAYER,
    "inside a repeat": INPUTS + "repeat 2 times:\n" + TABLE.replace("a ", "y1 ").replace("b ", "y2 ").replace("  c  1 2\n", "")
                       .replace("weights W:", "weights W2:").replace("y1 y2\n", "y1 y2\n", 1)
                       + "end\n",
    "a keyword label row after plain rows": INPUTS + TABLE + "  to 7 8\n" + LAYER,
    "huge and tiny numbers": INPUTS + "weights W:\n  y1 y2\n  a 1.7976931348623157e308 4.9e-324\n"
                             "  b 2.2250738585072014e-308 1e-400\n  c 123456789012345678901234567890 −0\n" + LAYER,
    "one number a row": INPUTS + "weights W:\n  y\n  a 1\n  b 2\n  c 3\n" + LAYER,
    "inputs first, with comments between": "input a range 0 to 1\n# c\n\n   input b range 0 to 1\ninput c range 0 to 1\n"
                                           + TABLE + LAYER,
    "inputs last, without a final line break": TABLE + LAYER + "input a range 0 to 1\n  input b range 1 to 2",
    "inputs in a repeat": "repeat 2 times:\n  input a range 0 to 1\n  input b range 0 to 1\nend\n" + LAYER,
    "input forms left to the grammar": 'input a "first" range 0 to 1\ninput b range 0 to 1 unit "cm"\n'
                                       "input c at least 0\ninput d\n" + "weights W:\n  y1\n  a 1\n  b 2\n  c 3\n  d 4\n" + LAYER,
}

BAD = {
    "ragged row": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  b 3\n  c 5 6\n" + LAYER,
    "row too long": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  b 3 4 5\n  c 5 6\n" + LAYER,
    "a bad number": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  b 3 1e\n  c 5 6\n" + LAYER,
    "a comma": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  b 3 4,5\n  c 5 6\n" + LAYER,
    "a missing label": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  3 4\n  c 5 6\n" + LAYER,
    "a label twice": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  a 3 4\n  c 5 6\n" + LAYER,
    "a column twice": INPUTS + "weights W:\n  y1 y1\n  a 1 2\n  b 3 4\n  c 5 6\n" + LAYER,
    "an unknown row": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  q 3 4\n  c 5 6\n" + LAYER,
    "nan": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  b nan 4\n  c 5 6\n" + LAYER,
    "inf": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  b 3 inf\n  c 5 6\n" + LAYER,
    "too large": INPUTS + "weights W:\n  y1 y2\n  a 1 2\n  b 3 1e309\n  c 5 6\n" + LAYER,
    "no header": INPUTS + "weights W:\n  a 1 2\n  b 3 4\n" + LAYER,
    "a misspelt layer under the table": INPUTS + TABLE + "layr out = dense(input, W)\noutput out\n",
    "a stray letter": INPUTS + "weights W:\n  y1 y2\n  a 1 2 x\n  b 3 4\n  c 5 6\n" + LAYER,
    "a run of inputs broken by another line": "input a range 0 to 1\ninput b range 0 to 1\nunit\ninput c range 0 to 1\n" + LAYER,
    "a row among inputs": "input a range 0 to 1\n  x 1 2\ninput b range 0 to 1\n" + TABLE + LAYER,
    "a bad range": "input a range 0 to\ninput b range 0 to 1\n" + LAYER,
    "a range upside down": "input a range 5 to 1\ninput b range 0 to 1\nweights W:\n  y\n  a 1\n  b 2\n" + LAYER,
    "an input twice": "input a range 0 to 1\ninput a range 0 to 1\nweights W:\n  y\n  a 1\n  b 2\n" + LAYER,
    "a keyword for an input": "input range range 0 to 1\n" + LAYER,
    "an error after the table": INPUTS + TABLE + LAYER + "decide biggest\n",
    "an unclosed repeat": INPUTS + "repeat 2 times:\n" + TABLE,
    "end of file in a table": INPUTS + "weights W:\n  y1 y2\n",
}


def _whole(source, rows, keywords):
    return Shortened("\u0000\n", {}, {}, 10**18)  # a first parse that fails: the whole text is read (and counted)


def _lark_only(text, keywords):
    return ReadRows(text, {})  # nothing read before the grammar


def _outcome(text: str, monkeypatch, way: str):
    """What parsing and checking `text` gives one way: every node with its spans and arrays' bytes, or the error."""
    with monkeypatch.context() as patch:
        if way in ("whole", "lark"):
            patch.setattr(parser, "shortened", _whole)
        if way == "lark":
            patch.setattr(parser, "read_plain_rows", _lark_only)
        try:
            nodes = _plain(parser.parse(Source("t.net", text)))
        except NetspecError as error:
            nodes = _error(error)
        try:
            spec = netspec.loads(text, "t.net")
            checked = {name: (p.array.dtype.str, p.array.shape, p.array.tobytes()) for name, p in spec.params.items()}
        except NetspecError as error:
            checked = _error(error)
    return nodes, checked


def _error(error: NetspecError):
    span = error.span
    return (type(error).__name__, str(error), error.message, error.hint, getattr(error, "code", None),
            span and (span.line, span.column, span.end_line, span.end_column))


def _plain(node):
    if isinstance(node, Span):
        return ("span", node.line, node.column, node.end_line, node.end_column)
    if dataclasses.is_dataclass(node):
        return (type(node).__name__, *(_plain(getattr(node, f.name)) for f in dataclasses.fields(node)))
    if isinstance(node, (tuple, list)):
        return tuple(_plain(item) for item in node)
    if isinstance(node, array):
        return ("array", node.typecode, node.tobytes())
    return node


@pytest.mark.parametrize("name", sorted(GOOD) + sorted(BAD))
def test_the_short_reading_gives_what_the_grammar_gives(name, monkeypatch):
    text = GOOD.get(name) or BAD[name]
    fast = _outcome(text, monkeypatch, "short")
    assert fast == _outcome(text, monkeypatch, "whole")
    assert fast == _outcome(text, monkeypatch, "lark")


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_table_is_an_error(name, monkeypatch):
    nodes, checked = _outcome(BAD[name], monkeypatch, "short")
    assert isinstance(checked, tuple) and checked[0] in ("SpecSyntaxError", "SpecErrors", "SpecCheckError")


@pytest.mark.parametrize("name", sorted(GOOD))
def test_the_short_text_is_read_at_once(name):
    """For a spec without mistakes, the first parse, of the short text, is the one that counts."""
    from netspec.lang.grammar import keywords, lark_parser
    from netspec.lang.plaintables import shortened
    from netspec.lang.tablerows import read_plain_rows

    text = GOOD[name]
    short = shortened(Source("t.net", text), read_plain_rows(text, keywords()), keywords())
    lark_parser().parse(short.text)  # raises on a mistake
    assert short.tables or short.inputs


def test_a_plain_table_is_built_without_the_grammar():
    """The spec's table and inputs are taken out of the text Lark reads, but for one label and one row."""
    from netspec.lang.grammar import keywords
    from netspec.lang.plaintables import shortened
    from netspec.lang.tablerows import read_plain_rows

    text = GOOD["plain"]
    source = Source("t.net", text)
    short = shortened(source, read_plain_rows(text, keywords()), keywords())
    assert short.text.split("\n") == ["network t", "", "input a", "", "", "", "weights W:",
                                      "     y1", "  a  0.1", "", "", "", "layer out = dense(input, W)", "output out", "", ""]
    assert [(i.name.text, i.low, i.high, i.span.line) for i in short.inputs[3]] == [("a", 0.0, 1.0, 3), ("b", -1.0, 25.0, 4),
                                                                                    ("c", 0.0, 1.0, 5)]
    columns, rows = short.tables[8]
    assert [c.text for c in columns] == ["y1", "y2"] and [r.label.text for r in rows] == ["a", "b", "c"]
    assert [list(r.numbers) for r in rows] == [[0.1, -2.0], [30000.0, 0.5], [1.0, 2.0]]


def test_a_large_table_gives_the_numbers_loadtxt_gives(tmp_path, monkeypatch):
    """200 × 300 numbers written as %.17g and %.6g: the weights are np.loadtxt's of the same text, bit for bit."""
    rng = np.random.default_rng(5)
    values = rng.standard_normal((200, 300)) * 10.0 ** rng.integers(-20, 20, (200, 300))
    written = [" ".join(f"{v:.17g}" if (i + j) % 2 else f"{v:.6g}" for j, v in enumerate(row)) for i, row in enumerate(values)]
    text = ("".join(f"input x{i} range 0 to 1\n" for i in range(200)) + "weights W:\n  " +
            " ".join(f"y{j}" for j in range(300)) + "\n" + "".join(f"  x{i} {row}\n" for i, row in enumerate(written)) + LAYER)
    spec = netspec.loads(text, "t.net")
    assert spec.params["W"].array.tobytes() == np.loadtxt(written, ndmin=2).tobytes()
    assert _outcome(text, monkeypatch, "short") == _outcome(text, monkeypatch, "whole")


@pytest.mark.parametrize("shape", ["a wide header", "many rows", "many inputs"])
def test_the_word_limit_counts_what_is_built_without_the_grammar(shape, monkeypatch):
    """The limit on the words the grammar reads counts every word of the text with only the plain rows'
    numbers blanked, as it did before tables and inputs were built without Lark: 1,100 column labels,
    600 rows (label and first number) or 300 inputs (`input x range 0 to 1`, 6 words each) are over 1,000."""
    monkeypatch.setattr(parser, "MAX_SPEC_WORDS", 1_000)
    if shape == "a wide header":
        text = "input a range 0 to 1\nweights W:\n  " + " ".join(f"y{j}" for j in range(1_100)) + "\n  a " + "1 " * 1_100
    elif shape == "many rows":
        text = "".join(f"input x{i} range 0 to 1\n" for i in range(600)) + "weights W:\n  y\n" + "".join(
            f"  x{i} 1\n" for i in range(600))
    else:
        text = "".join(f"input x{i} range 0 to 1\n" for i in range(300)) + "weights W:\n  y\n" + "".join(
            f"  x{i} 1\n" for i in range(300))
    text += "\n" + "# a long comment " * 200_000 + "\n" + LAYER  # long enough that words are counted
    fast = _outcome(text, monkeypatch, "short")
    assert fast == _outcome(text, monkeypatch, "whole")
    assert fast[0][2] == "the spec holds more than 1,000 words and numbers"


def test_rows_too_large_are_each_reported_in_order(monkeypatch):
    """One finite check over a whole table still names each row over float64's range, in order; a ragged
    table checks its rows one by one, after the row of the wrong length (as before)."""
    text = INPUTS + "weights W:\n  y1 y2\n  a 1e309 2\n  b 3 4\n  c 5 −1e400\n" + LAYER
    nodes, checked = _outcome(text, monkeypatch, "short")
    assert [line.split(": error")[0] for line in checked[1].splitlines() if ": error" in line] == ["t.net:9:3", "t.net:11:3"]
    ragged = text.replace("  b 3 4\n", "  b 3\n")
    nodes, checked = _outcome(ragged, monkeypatch, "short")
    assert [line.split(": error")[0] for line in checked[1].splitlines() if ": error" in line] == ["t.net:10:3", "t.net:9:3",
                                                                                                   "t.net:11:3"]
