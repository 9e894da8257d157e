"""Spec text drawn from grammars/netspec.lark, for the property tests (tests/test_fuzz.py, tests/test_tidy.py).

`grammar_texts` writes text as Lark's generator does; `spaced_grammar_texts` spaces the
tokens apart and reuses a few names, numbers and strings, so that most texts parse and
the checker, the runner and the printouts see them too.
"""

from __future__ import annotations

import functools
import re

from hypothesis import strategies as st

from netspec import ops
from netspec.lang.grammar import grammar_text


@functools.cache
def _lark():
    """A fresh Lark: hypothesis reads `.grammar`, which the cached netspec.lang.grammar.lark_parser() lacks."""
    from lark import Lark

    return Lark(grammar_text(), parser="lalr")


def grammar_texts():
    from hypothesis.extra.lark import from_lark

    return from_lark(_lark(), start="start")


# The language's own words, read from the grammar and the operation registry, so they follow it.
KEYWORDS = sorted({word for word in re.findall(r'"([^"\s]+)"', grammar_text()) if "[" not in word})
NAMES = ["R", "G", "B", "Vol", "input", "hidden", "out", "W1", "W2", "b1", "h1", "h2", "h3", "Leaf", "Flower",
         "x", "probability", "network", "weights", "layer", "labels", "ｗ", "ǅ", *ops.known_names()]
NUMBERS = ["0", "1", "-1", "0.5", "−0.29", "2", "3", "255", "1e-3", "1e308", "-1e308", "1e400", "1e-400", "5e-324",
           "1.7976931348623157e308", "0.000001", "-0", "9" * 40, ".5", "7."]
STRINGS = ['""', '"leaf.net"', '"case.net"', '"weights/leaf.npz"', '"weights"', '"W1"', '"{decision}"',
           '"{decision} {x}"', '"{"', '"}"', '"red"', '"%"', '"°C"', '"../leaf.net"', '"."']


def spaced_grammar_texts():
    """Grammar text whose tokens are spaced apart and whose names, numbers and strings repeat.

    Lark's own generator writes `networkA` for `network A`, which lexes as one name; here
    most texts parse, so the checker, the runner and the printouts see them too.
    """
    from hypothesis.extra.lark import from_lark

    lark = _lark()
    explicit = {t.name: st.just(f" {t.pattern.value} ") for t in lark.terminals if t.pattern.type == "str"}
    explicit["NAME"] = st.sampled_from(NAMES).map(" {} ".format)
    explicit["NUMBER"] = st.sampled_from(NUMBERS).map(" {} ".format)
    explicit["STRING"] = st.sampled_from(STRINGS).map(" {} ".format)
    explicit["ARROW"] = st.sampled_from([" -> ", " → "])
    explicit["_NL"] = st.sampled_from(["\n", "\n  ", "\r\n", "\n# note\n", "\n\n"])
    known = {t.name for t in lark.terminals}
    return from_lark(lark, start="start", explicit={k: v for k, v in explicit.items() if k in known})
