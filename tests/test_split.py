"""split(x, N) and features(x, FIRST, LAST): parts of a value's features, each number a copy.

The expected numbers are written by hand: a row of 6 numbers 1 … 6 split in 3 is (1, 2),
(3, 4), (5, 6); a sequence splits each position's features the same way.
"""

from __future__ import annotations

import pytest

import netspec
from netspec.diagnostics import format_error
from netspec.errors import NetspecError, flatten

from conftest import SPECS

VECTOR = """input a
input b
weights W:
      n1  n2  n3  n4  n5  n6
  a    1   2   3   4   5   6
  b    0   0   0   0   0  10
layer x = dense(input, W)
{line}
"""


def _spec(tmp_path, text):
    path = tmp_path / "spec.net"
    path.write_text(text, encoding="utf-8")
    return netspec.load_spec(path)


def _values(spec, row):
    """Every step's numbers, fast and exact, which must agree."""
    plan = netspec.compile_plan(spec)
    traced = {s.step.output: s.result[0].tolist() for s in netspec.trace_plan(plan, [row]).steps}
    assert netspec.run_plan(plan, [row]).outputs[0].tolist() == traced[spec.output]
    return traced


def test_split_a_vector_in_three(tmp_path):
    spec = _spec(tmp_path, VECTOR.format(line="layer p, q, r = split(x, 3)"))
    values = _values(spec, [1.0, 1.0])  # x = (1, 2, 3, 4, 5, 16)
    assert values["p"] == [1.0, 2.0] and values["q"] == [3.0, 4.0] and values["r"] == [5.0, 16.0]
    assert spec.values["q"].names == ("n3", "n4")


def test_one_part_by_its_number_and_features_by_their_numbers(tmp_path):
    spec = _spec(tmp_path, VECTOR.format(line="layer q = split(x, 2, part=2)\nlayer mid = features(x, 2, 5)"))
    values = _values(spec, [1.0, 1.0])
    assert values["q"] == [4.0, 5.0, 16.0] and values["mid"] == [2.0, 3.0, 4.0, 5.0]


def test_split_each_position_of_a_sequence():
    spec = netspec.load_spec(SPECS / "fused_qkv.net")
    q, v = spec.values["q"], spec.values["v"]
    assert q.shape == (3, 2) and q.features == ("q1", "q2") and v.features == ("e1", "e2")
    values = _values(spec, [1.0, 2.0, 3.0])  # humpty dumpty sat: x = (1, 0), (0, 1), (1, 1)
    assert values["qkv"][:6] == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    assert values["k"] == [1.0, 0.0, 0.0, 1.0, 1.0, 1.0]


def test_the_trace_names_where_each_number_comes_from():
    from netspec.render.text import render_trace

    spec = netspec.load_spec(SPECS / "fused_qkv.net")
    text = render_trace(netspec.trace_plan(netspec.compile_plan(spec), [[1.0, 2.0, 3.0]]))
    assert "text2_k2 = qkv.text2_k2 = 1" in text


@pytest.mark.parametrize("line, words", [
    ("layer p, q = split(x, 3)", "split makes 3 parts here, but 2 names are given"),
    ("layer p, q = relu(x)", "relu gives one value, not several"),
    ("layer p = split(x, 4, part=1)", "4 parts cannot be equal"),
    ("layer p = split(x, 3)", "say which"),
    ("layer p = split(x, 3, part=4)", "part=4 is not one of 1 to 3"),
    ("layer p = features(x, 0, 2)", "has 6"),
    ("layer p = features(x, 3, 2)", "the first no larger than the last"),
])
def test_parts_asked_for_wrongly(tmp_path, line, words):
    with pytest.raises(NetspecError) as caught:
        _spec(tmp_path, VECTOR.format(line=line))
    assert [e.code for e in flatten(caught.value)] == ["NS241"]
    assert words in format_error(caught.value)


@pytest.mark.parametrize("line", ["layer p = split(W, 2, part=1)", "layer p = split(x, W, part=1)",
                                  "layer p = split(x, 2, piece=1)", "layer p = features(x, 1)"])
def test_split_takes_a_value_and_numbers(tmp_path, line):
    with pytest.raises(NetspecError) as caught:
        _spec(tmp_path, VECTOR.format(line=line))
    assert [e.code for e in flatten(caught.value)] == ["NS207"]


def test_split_in_a_repeat(tmp_path):
    spec = _spec(tmp_path, VECTOR.format(line="repeat 2 times:\n  layer p, q = split(x, 2)\n  layer x = concat(q, p)\nend"))
    values = _values(spec, [1.0, 1.0])  # x = (1, 2, 3, 4, 5, 16): halves swapped, then swapped back
    assert values["x[1]"] == [4.0, 5.0, 16.0, 1.0, 2.0, 3.0] and values["x[2]"] == [1.0, 2.0, 3.0, 4.0, 5.0, 16.0]
