"""The Pygments lexer for .net (netspec/lang/highlight.py), found through its entry point as docs and notebooks find it."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, SPECS

pygments = pytest.importorskip("pygments")
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename  # noqa: E402
from pygments.token import Comment, Keyword, Name, Number, String  # noqa: E402


def _tokens(text: str) -> list[tuple[object, str]]:
    return [(kind, value) for kind, value in get_lexer_by_name("netspec").get_tokens(text) if value.strip()]


def test_pygments_finds_the_lexer_by_name_and_by_filename():
    assert get_lexer_by_name("netspec").name == "netspec"
    assert get_lexer_for_filename("specs/leaf.net").name == "netspec"


def test_leaf_net_is_tokenized_into_comments_keywords_numbers_and_names():
    tokens = _tokens((SPECS / "leaf.net").read_text(encoding="utf-8"))
    comments = [v for k, v in tokens if k in Comment]
    assert comments[0] == "# leaf.net: the article's first network, \"A simple neural network\"."
    assert "# Each column is one hidden neuron; each row is the input it listens to." in comments
    declared = [v for k, v in tokens if k is Keyword.Declaration]
    assert declared[:6] == ["network", "input", "input", "input", "input", "weights"]
    assert declared.count("layer") == 2 and declared.count("example") == 2 and "expect" in declared
    assert [v for k, v in tokens if k is Keyword] == ["range", "to", "range", "to", "range", "to", "unit", "at",
                                                      "least", "largest", "within", "within"]
    numbers = [v for k, v in tokens if k in Number]
    assert numbers[:8] == ["0", "255", "0", "255", "0", "255", "0", "0.10"]  # ranges, `at least 0`, then W1
    assert "-0.36" in numbers and "0.000001" in numbers and "11.2" in numbers
    assert (Name.Function, "dense") in tokens and (Name, "W1") in tokens and (Name, "h1") in tokens
    assert (String.Double, '"red part of the colour"') in tokens


def test_the_lexers_words_are_the_grammars():
    from netspec.lang import highlight

    grammar = (ROOT / "grammars" / "netspec.lark").read_text(encoding="utf-8")
    literals = set(re.findall(r'"([a-z]+)"', grammar))
    assert set(highlight.STATEMENTS) | set(highlight.WORDS) == literals
    assert not set(highlight.STATEMENTS) & set(highlight.WORDS)
