"""Reuse done safely: shared tables, specs that use specs that use specs, and the folder fence."""

from __future__ import annotations

import json
import shutil
import struct

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError, flatten
from netspec.limits import Limits
from netspec.render import render_trace_as
from netspec.render.numbers import NumberStyle
from netspec.run.runner import trace

from conftest import SPECS

SHARED = """input a
input b
weights W:
     y  z
  a  1  2
  b  10 20
layer first = dense(input, W)
layer {second} = dense({reads}, W)
"""


def _codes(path, limits=None):
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path, limits)
    return [(e.code, e.message) for e in flatten(caught.value)]


def test_a_table_shared_in_another_row_order_is_refused(tmp_path):
    """Reordering one shared table for a second layer would silently change the first layer's numbers."""
    path = tmp_path / "shared.net"
    path.write_text(SHARED.format(second="again", reads="input"))
    spec = netspec.load_spec(path)  # the same order twice is fine: a·1 + b·10, a·2 + b·20
    out = netspec.run_plan(netspec.compile_plan(spec), [[1, 1]]).outputs
    np.testing.assert_array_equal(out, [[1 + 10, 2 + 20]])
    swapped = tmp_path / "swapped.net"
    swapped.write_text("input a\ninput b\nweights P:\n     b a\n  a  0 1\n  b  1 0\nlayer s = dense(input, P)\n"
                       + SHARED.split("\n", 2)[2].format(second="again", reads="s"))
    assert [code for code, _ in _codes(swapped)] == ["NS205"]


def test_a_spec_can_use_a_spec_that_uses_another(tmp_path):
    for name in ("leaf.net", "weather.net"):
        shutil.copy(SPECS / name, tmp_path / name)
    (tmp_path / "dry.net").write_text('use "weather.net"\ninput R as Clouds\noutput out labels Dry, Wet\n')
    spec = netspec.load_spec(tmp_path / "dry.net")
    assert spec.input_labels == ("Clouds", "G", "B", "Vol") and spec.output_labels == ("Dry", "Wet")
    leaf = netspec.load_spec(SPECS / "leaf.net")
    rows = [[5, 40, 10, 25]]
    np.testing.assert_array_equal(netspec.run_plan(netspec.compile_plan(spec), rows).outputs,
                                  netspec.run_plan(netspec.compile_plan(leaf), rows).outputs)


def test_use_stays_in_the_spec_folder_unless_allowed(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    shutil.copy(SPECS / "leaf.net", tmp_path / "leaf.net")
    (inner / "up.net").write_text('use "../leaf.net"\n')
    assert [code for code, _ in _codes(inner / "up.net")] == ["NS213"]
    assert netspec.load_spec(inner / "up.net", Limits(allow_outside=True)).input_labels == ("R", "G", "B", "Vol")
    (inner / "etc.net").write_text('use "/etc/passwd"\n')
    codes = _codes(inner / "etc.net")
    assert codes[0][0] == "NS213" and "root:" not in codes[0][1]


@pytest.mark.parametrize("entry", [{"dtype": "F64"}, {"dtype": "F64", "shape": [-1, 2], "data_offsets": [0, 8]},
                                   {"dtype": "F64", "shape": ["a"], "data_offsets": [0, 8]},
                                   {"dtype": "F64", "shape": [1, 1], "data_offsets": "x"}],
                         ids=["no-shape", "negative", "not-a-number", "bad-offsets"])
def test_a_broken_safetensors_header_is_refused(tmp_path, entry):
    header = json.dumps({"W": entry}).encode()
    (tmp_path / "w.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 16)
    (tmp_path / "w.net").write_text('input a\ninput b\nweights W from "w.safetensors"\nlayer o = dense(input, W)\n')
    assert [code for code, _ in _codes(tmp_path / "w.net")] == ["NS405"]


@pytest.mark.parametrize("terms", [1, 2, 3, 4])
def test_short_sums_are_never_cut(terms):
    """A 4-term sum (leaf's hidden neurons) stays whole whatever --terms says: cutting needs 5 or more."""
    spec = netspec.load_spec(SPECS / "leaf.net")
    traced = trace(netspec.compile_plan(spec), np.array([[32, 107, 56, 11.2]]), ["leaf"])
    text = render_trace_as("text", traced, NumberStyle(), max_terms=terms)
    assert "more …" not in text and "= 3.2        + (−31.03)    + (−3.92)    + 5.152" in text


def test_rounding_is_marked_at_every_precision():
    from netspec.render.numbers import num

    assert num(1 / 6, NumberStyle(digits=12)) == "≈ 0.166666666667"
    assert num(32 * 0.1, NumberStyle(digits=12)) == "3.2"
