"""Any text the grammar can generate either checks or fails with a NetspecError, never anything else."""

from __future__ import annotations

import functools

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from netspec.checker import check_units  # noqa: E402
from netspec.errors import NetspecError  # noqa: E402
from netspec.grammar import grammar_text  # noqa: E402
from netspec.loader import Unit  # noqa: E402
from netspec.parser import parse  # noqa: E402
from netspec.source import Source  # noqa: E402


@functools.cache
def _generated_specs():
    """Texts drawn from the grammar; built from a fresh Lark because from_lark reads its rules."""
    from hypothesis.extra.lark import from_lark
    from lark import Lark

    return from_lark(Lark(grammar_text(), parser="lalr"), start="start")


def _check_text(text: str):
    source = Source("generated.net", text)
    try:
        check_units(Unit(source, parse(source), None))
    except NetspecError:
        pass


@settings(derandomize=True, max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_grammatical_text_checks_or_fails_cleanly(data):
    text = data.draw(_generated_specs())
    _check_text(text)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("input weights layer = dense ( ) , : \n # 0.5 -1 W h1 R \" -> ")),
               max_size=120))
def test_token_soup_fails_cleanly(text):
    _check_text(text)
