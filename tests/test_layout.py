"""A table's layout in its file, and tables made from tables: transpose(T), columns(T, a, b), rows(T, a, b).

Every expected number is worked by hand in the test: a PyTorch nn.Linear weight is stored
out × in, so W = [[1, 2, 3], [4, 5, 6]] (2 out, 3 in) maps x = (1, 10, 100) to
(1 + 20 + 300, 4 + 50 + 600) = (321, 654).
"""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import netspec
from netspec.diagnostics import format_error
from netspec.errors import NetspecError, flatten


def write_safetensors(path, tensors: dict, metadata: dict | None = None):
    """A .safetensors file as PyTorch's `safetensors.torch.save_file` writes it (F64 here)."""
    header, data = {}, b""
    for key, array in tensors.items():
        raw = np.ascontiguousarray(array, dtype="<f8").tobytes()
        header[key] = {"dtype": "F64", "shape": list(array.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)


W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # out × in: 2 outputs, 3 inputs
SQUARE = np.array([[1.0, 2.0], [3.0, 4.0]])
INPUTS = "input a\ninput b\ninput c\n"


def _codes(error) -> list[str]:
    return [e.code for e in flatten(error)]


@pytest.fixture
def folder(tmp_path):
    write_safetensors(tmp_path / "model.safetensors", {"W": W, "S": SQUARE, "b": np.array([0.5, -0.5])},
                      {"format": "pt"})
    return tmp_path


def _run(spec, rows):
    """The fast kernels' outputs, checked against the exact (trace) arithmetic's."""
    plan = netspec.compile_plan(spec)
    fast = netspec.run_plan(plan, rows)
    exact = netspec.trace_plan(plan, rows).steps[-1].result
    assert fast.outputs.tolist() == exact.tolist()
    return fast


def _spec(folder, text, name="spec.net"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return netspec.load_spec(path)


def test_out_by_in_is_read_as_pytorch_stores_it(folder):
    spec = _spec(folder, INPUTS + 'weights W from "model.safetensors" key "W" layout out×in\n'
                                  'bias b from "model.safetensors" key "b"\nlayer out = dense(input, W, b)\n')
    assert spec.params["W"].array.shape == (3, 2)
    result = _run(spec, [[1.0, 10.0, 100.0]])
    assert result.outputs.tolist() == [[321.5, 653.5]]  # 1 + 20 + 300 + 0.5, 4 + 50 + 600 − 0.5


@pytest.mark.parametrize("written", ["out×in", "out x in", "outxin"])
def test_layout_words(folder, written):
    spec = _spec(folder, INPUTS + f'weights W from "model.safetensors" key "W" layout {written}\n'
                                  'layer out = dense(input, W)\n')
    assert spec.params["W"].array[:, 1].tolist() == [4.0, 5.0, 6.0]


def test_in_by_out_keeps_the_file_as_it_is(folder):
    spec = _spec(folder, "input a\ninput b\n" + 'weights S from "model.safetensors" key "S" layout in×out\n'
                                               'layer out = dense(input, S)\n')
    assert _run(spec, [[1.0, 10.0]]).outputs.tolist() == [[31.0, 42.0]]  # 1 + 30, 2 + 40


def test_a_square_pytorch_weight_needs_its_layout(folder):
    with pytest.raises(NetspecError) as caught:
        _spec(folder, "input a\ninput b\n" + 'weights S from "model.safetensors" key "S"\n'
                                            'layer out = dense(input, S)\n')
    assert _codes(caught.value) == ["NS417"]
    shown = format_error(caught.value)
    assert "layout out×in" in shown and len(shown.splitlines()) < 8


def test_a_square_weight_from_numpy_reads_as_written(folder):
    np.save(folder / "square.npy", SQUARE)  # netspec's own files: in × out, nothing to tell
    spec = _spec(folder, 'input a\ninput b\nweights S from "square.npy"\nlayer out = dense(input, S)\n')
    assert _run(spec, [[1.0, 10.0]]).outputs.tolist() == [[31.0, 42.0]]


def test_an_out_by_in_weight_read_without_layout_is_refused_with_the_fix(folder):
    with pytest.raises(NetspecError) as caught:
        _spec(folder, INPUTS + 'weights W from "model.safetensors" key "W"\nlayer out = dense(input, W)\n')
    assert _codes(caught.value) == ["NS204"]
    assert "add `layout out×in`" in format_error(caught.value)


@pytest.mark.parametrize("line", ['bias b from "model.safetensors" key "b" layout out×in',
                                  'weights W from "model.safetensors" key "W" layout in×in'])
def test_a_layout_that_makes_no_sense(folder, line):
    grammar_ok = "bias" not in line
    if not grammar_ok:  # a bias line takes no layout: the grammar says so
        with pytest.raises(NetspecError):
            _spec(folder, INPUTS + line + "\n")
        return
    with pytest.raises(NetspecError) as caught:
        _spec(folder, INPUTS + line + "\nlayer out = dense(input, W)\n")
    assert _codes(caught.value) == ["NS417"]


INLINE = """input a
input b
weights E:
      e1  e2  e3
  a    1   2   3
  b    4   5   6
layer x = dense(input, E)
weights head = transpose(E)
layer back = dense(x, head)
"""


def test_transpose_uses_one_table_twice(tmp_path):
    spec = _spec(tmp_path, INLINE)
    head = spec.params["head"]
    assert head.row_labels == ("e1", "e2", "e3") and head.col_labels == ("a", "b")
    assert head.array.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    # x = (1·1 + 1·4, 1·2 + 1·5, 1·3 + 1·6) = (5, 7, 9); back = (5·1 + 7·2 + 9·3, 5·4 + 7·5 + 9·6) = (46, 109)
    assert _run(spec, [[1.0, 1.0]]).outputs.tolist() == [[46.0, 109.0]]
    assert spec.parameter_count == 6  # head is E's numbers: counted once


def test_tied_file_weights_are_read_once(folder):
    spec = _spec(folder, INPUTS + 'weights W from "model.safetensors" key "W" layout out×in\n'
                                  'layer x = dense(input, W)\nweights head = transpose(W)\nlayer back = dense(x, head)\n')
    assert np.shares_memory(spec.params["W"].array, spec.params["head"].array)
    # x = (321, 654) as above; back = W^T x = (321·1 + 654·4, 321·2 + 654·5, 321·3 + 654·6) = (2937, 3912, 4887)
    assert _run(spec, [[1.0, 10.0, 100.0]]).outputs.tolist() == [[2937.0, 3912.0, 4887.0]]
    assert spec.parameter_count == 6


def test_columns_and_rows_of_a_table(folder):
    spec = _spec(folder, INPUTS + 'weights W from "model.safetensors" key "W" layout out×in\n'
                                  "weights W2 = columns(W, 2, 2)\nweights R = rows(W, 2, 3)\n"
                                  'bias b from "model.safetensors" key "b"\nbias b2 = columns(b, 2, 2)\n'
                                  "layer second = dense(input, W2, b2)\nlayer x = dense(input, W)\n")
    assert spec.params["W2"].array.tolist() == [[4.0], [5.0], [6.0]]
    assert spec.params["R"].array.tolist() == [[2.0, 5.0], [3.0, 6.0]]
    assert spec.params["b2"].array.tolist() == [-0.5]
    # second = 1·4 + 10·5 + 100·6 − 0.5 = 653.5; then x = (321, 654)
    assert _run(spec, [[1.0, 10.0, 100.0]]).outputs.tolist() == [[321.0, 654.0]]
    steps = netspec.trace_plan(netspec.compile_plan(spec), [[1.0, 10.0, 100.0]]).steps
    assert [float(s.result[0, 0]) for s in steps] == [653.5, 321.0]


@pytest.mark.parametrize("line, words", [
    ("weights V = columns(E, 0, 2)", "has 3 columns"),
    ("weights V = columns(E, 2, 4)", "has 3 columns"),
    ("weights V = rows(E, 1, 1.5)", "has 2 rows"),
    ("weights V = flip(E)", "unknown table function"),
    ("weights V = transpose(E, 2)", "transpose takes a table"),
    ("weights V = transpose(x)", "not a table"),
    ("bias V = transpose(E)", "transpose turns a weights table around"),
])
def test_tables_made_wrongly(tmp_path, line, words):
    with pytest.raises(NetspecError) as caught:
        _spec(tmp_path, INLINE + line + "\n")
    assert _codes(caught.value) == ["NS227"]
    assert words in format_error(caught.value)


def test_an_unknown_table_is_named_with_its_likely_meaning(tmp_path):
    with pytest.raises(NetspecError) as caught:
        _spec(tmp_path, INLINE + "weights V = transpose(F)\n")
    assert _codes(caught.value) == ["NS201"] and "unknown table `F`" in format_error(caught.value)


def test_a_layout_and_a_table_made_from_a_table_in_a_repeat(folder):
    spec = _spec(folder, INPUTS + """repeat 2 times:
  weights W from "model.safetensors" key "W" layout out×in
  weights T = transpose(W)
  layer x = dense(input, W)
  layer input2 = dense(x, T)
end
""")
    assert spec.params["T[2]"].array.tolist() == W.tolist()
    # each copy: x = (321, 654), back = (2937, 3912, 4887)
    assert _run(spec, [[1.0, 10.0, 100.0]]).outputs.tolist() == [[2937.0, 3912.0, 4887.0]]
