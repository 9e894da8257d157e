"""gelu, gelu_tanh, layer_norm, add and dropout (issue 4): hand arithmetic, options, shape errors, worked forms.

The numbers written here are worked by hand (or from a table of the normal
distribution, for Φ); tests/test_ops_reference.py compares the same kernels with PyTorch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import netspec
from netspec import ops
from netspec.errors import NumericError, SpecErrors, flatten
from netspec.run.inputs import from_examples
from netspec.render import render_trace_as
from netspec.render.numbers import NumberStyle
from netspec.render.worked import worked_rows
from netspec.run.runner import trace

from conftest import SPECS


def check_op(op_name, xs, ps, options, expected, rtol=1e-15, atol=1e-15):
    """Batch kernel and explaining kernel, shape first, then every number."""
    op = ops.lookup(op_name)
    expected = np.asarray(expected, dtype=np.float64)
    for result in (op.kernel(xs, ps, options), op.explain(xs, ps, options)[0]):
        assert result.shape == expected.shape
        np.testing.assert_allclose(result, expected, rtol=rtol, atol=atol)


def rows(*values) -> np.ndarray:
    return np.array([values], dtype=np.float64)


# ---- hand arithmetic ----

@pytest.mark.parametrize("x, expected", [
    (0.0, 0.0),  # 0·Φ(0) = 0·0.5
    (1.0, 0.8413447460685429),  # 1·Φ(1), Φ(1) = 0.8413447460685429 (normal table)
    (-1.0, -0.15865525393145707),  # −1·Φ(−1) = −1·(1 − 0.8413447460685429)
    (-40.0, 0.0),  # Φ(−40) rounds to 0: −40·0
    (40.0, 40.0),  # Φ(40) rounds to 1
], ids=["zero", "one", "minus-one", "far-negative", "far-positive"])
def test_gelu_by_hand(x, expected):
    """gelu(x) = x·Φ(x) (issue 4)."""
    check_op("gelu", [rows(x)], [], {}, rows(expected))


def test_gelu_tanh_by_hand():
    """x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) / 2 at x = 1 and x = 2, worked with math.tanh."""
    c = math.sqrt(2 / math.pi)
    one = (1 + math.tanh(c * (1 + 0.044715))) / 2  # 1·(…)/2, 1³ = 1
    two = 2 * (1 + math.tanh(c * (2 + 0.044715 * 8))) / 2  # 2³ = 8
    check_op("gelu_tanh", [rows(0.0, 1.0, 2.0)], [], {}, rows(0.0, one, two), rtol=1e-14)


def test_gelu_trace_shows_phi_for_each_neuron():
    rec = ops.lookup("gelu").explain([rows(1.0, -1.0)], [], {})[1]
    np.testing.assert_allclose(rec.phi, rows(0.8413447460685429, 0.15865525393145707), rtol=1e-15)
    np.testing.assert_allclose(rec.scaled, rows(1 / math.sqrt(2), -1 / math.sqrt(2)), rtol=1e-15)


CLASSIC = rows(2, 4, 4, 4, 5, 5, 7, 9)  # mean 5, squared deviations add to 32, variance 32/8 = 4, std 2


def test_layer_norm_by_hand():
    """(x − 5)/2 for the classic eight, with the article's eps = 0 (issue 4)."""
    check_op("layer_norm", [CLASSIC], [], {"eps": 0.0}, rows(-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2))
    rec = ops.lookup("layer_norm").explain([CLASSIC], [], {"eps": 0.0})[1]
    assert (rec.mean[0, 0], rec.squared_total[0, 0], rec.variance[0, 0], rec.std[0, 0]) == (5, 32, 4, 2)
    assert rec.squared.tolist() == [[9, 1, 1, 1, 0, 0, 4, 16]]


def test_layer_norm_eps_and_scale_shift_by_hand():
    """eps=1e-5: std = √4.00001; then × scale + shift: −3/√4.00001·2 + 1."""
    std = math.sqrt(4.00001)
    scale, shift = np.array([2.0] * 8), np.array([1.0] * 8)
    expected = rows(*[(x - 5) / std * 2 + 1 for x in CLASSIC[0]])
    check_op("layer_norm", [CLASSIC], [scale, shift], {"eps": 1e-5}, expected)


def test_layer_norm_of_one_neuron_is_its_shift():
    """One number: mean = x, variance 0, (x − x)/√eps = 0, so the result is the shift."""
    check_op("layer_norm", [np.array([[3.0], [-7.5]])], [np.array([4.0]), np.array([0.25])], {"eps": 1e-5},
             [[0.25], [0.25]])


def test_add_by_hand():
    check_op("add", [rows(2, 4, 1), rows(2, 1, 0)], [], {}, rows(4, 5, 1))
    check_op("add", [rows(2, 4, 1), rows(0, 2, 1)], [], {"order": (2, 0, 1)}, rows(3, 4, 3))  # y read as (1, 0, 2)


def test_dropout_by_hand():
    """The article halves every number at p = 0.5; inverted dropout changes nothing at inference."""
    x = rows(-26.598, 2.522, -47.094)
    check_op("dropout", [x], [], {"p": 0.5, "mode": "article"}, rows(-13.299, 1.261, -23.547))
    check_op("dropout", [x], [], {"p": 0.25, "mode": "article"}, rows(-19.9485, 1.8915, -35.3205))
    check_op("dropout", [x], [], {"p": 0.5, "mode": "inverted"}, x)


# ---- specs, options and errors ----

def _check_errors(tmp_path, text: str) -> list:
    path = tmp_path / "spec.net"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecErrors) as caught:
        netspec.load_spec(path)
    return flatten(caught.value)


ABC = "input a\ninput b\ninput c\n"


@pytest.mark.parametrize("call, message, hint", [
    ("layer_norm(input, epss=0)", "layer_norm has no option `epss`", "did you mean `eps`?"),
    ("layer_norm(input, eps=0, eps=1)", "the option `eps` is given twice", "give each option once"),
    ("layer_norm(input, eps=-1)", "`eps` of layer_norm is a number of at least 0, not -1", "eps is added"),
    ("layer_norm(input, eps=small)", '`eps` of layer_norm is a number, not "small"', "eps is added"),
    ("dropout(input, p=0.5)", "dropout needs the option `mode`", "dropout(..., mode=article)"),
    ("dropout(input, p=1, mode=article)", "`p` of dropout is a number from 0 up to (not including) 1, not 1",
     "fraction dropped"),
    ("dropout(input, mode=modern)", '`mode` of dropout is one of article, inverted, not "modern"', "mode=article"),
    ("relu(input, eps=0)", "relu takes names, not options", "relu(a value)"),
], ids=["unknown", "twice", "negative", "word", "no-mode", "p-range", "bad-mode", "no-options"])
def test_keyword_option_errors(tmp_path, call, message, hint):
    """Options are declared per operation with types and defaults; mistakes get a message and a hint."""
    error = _check_errors(tmp_path, ABC + f"layer out = {call}\n")[0]
    assert error.message == message and hint in error.hint and error.code == "NS207"
    assert error.span.line == 4


def test_add_names_both_shapes_and_where_they_were_declared(tmp_path):
    text = ABC + "weights W:\n  y  z\n a 1  2\n b 3  4\n c 5  6\nlayer h = dense(input, W)\nlayer out = add(input, h)\n"
    error = _check_errors(tmp_path, text)[0]
    assert error.code == "NS218" and error.span.line == 10
    assert error.message == ("shape mismatch: add(`input`, `h`) adds neuron by neuron, but `input` has "
                             "3 numbers (a, b, c) and `h` has 2 numbers (y, z)")
    assert [(n.span.line, n.message) for n in error.notes] == [(1, "`input` is declared with 3 numbers (a, b, c)"),
                                                               (9, "`h` is declared with 2 numbers (y, z)")]


def test_vector_labels_must_be_the_neurons(tmp_path):
    text = ABC + "vector g:\n a b d\n 1 1 1\nvector s:\n a b c\n 0 0 0\nlayer out = layer_norm(input, g, s)\n"
    error = _check_errors(tmp_path, text)[0]
    assert error.code == "NS205" and error.message == "the vector g has columns a, b, d but `input` has neurons a, b, c"


@pytest.mark.parametrize("text, message", [
    (ABC + "vector g:\n a b c\n 1 1 1\n 2 2 2\n", "a vector has one row of numbers; g has 2"),
    (ABC + "vector g:\n a b c\n 1 1 1\nlayer out = layer_norm(input, g)\n",
     "layer_norm takes a scale vector and a shift vector, or neither; it was given one"),
    (ABC + "bias g:\n a b c\n 1 1 1\nlayer out = layer_norm(input, g, g)\n", "`g` is bias, but a vector is expected here"),
], ids=["two-rows", "one-vector", "bias-for-vector"])
def test_vector_statement_errors(tmp_path, text, message):
    assert _check_errors(tmp_path, text)[0].message == message


def test_equal_numbers_with_eps_zero_is_a_clear_error(tmp_path):
    """Variance 0 and eps 0: NS503 naming the step and the row, with a hint to set eps, never a NaN."""
    path = tmp_path / "flat.net"
    path.write_text(ABC + "layer n = layer_norm(input, eps=0)\n", encoding="utf-8")
    plan = netspec.compile_plan(netspec.load_spec(path))
    with pytest.raises(NumericError) as caught:
        netspec.run_plan(plan, [[1, 2, 3], [4, 4, 4]])
    error = caught.value
    assert error.code == "NS503" and error.span.line == 4 and "eps=1e-5" in error.hint
    assert error.message == ("layer_norm's variance is 0 because all 3 numbers are equal (4), and with eps=0 "
                             "(x − mean)/√(variance + eps) is 0/0, at step `n` in row 2")
    assert netspec.run_plan(plan, [[1, 2, 3]]).outputs.shape == (1, 3)


def test_eps_default_is_pytorchs_and_the_call_text_is_as_written():
    spec = netspec.load_spec(SPECS / "layernorm.net")
    assert spec.steps[0].options == {"eps": 0.0} and spec.steps[0].text == "layer_norm(input, scale, shift, eps=0)"


NEW_SPECS = ["layernorm", "residual", "dropout", "leaf_gelu", "leaf_gelu_tanh"]


@pytest.mark.parametrize("name", NEW_SPECS)
def test_new_specs_match_their_comments(name):
    """Every example of the new specs passes `netspec check` (their expected numbers are the comments' arithmetic)."""
    spec = netspec.load_spec(SPECS / f"{name}.net")
    assert spec.examples
    examples = from_examples(spec)
    result = netspec.run_plan(netspec.compile_plan(spec), examples.values)
    for example, outputs in zip(spec.examples, result.outputs):
        for label, value in example.expected.items():
            assert abs(outputs[spec.output_labels.index(label)] - value) <= example.tolerance


def test_worked_forms_show_every_intermediate():
    """layer_norm's mean, squared deviations, variance and std; dropout's rule; add's two terms."""
    spec = netspec.load_spec(SPECS / "layernorm.net")
    t = trace(netspec.compile_plan(spec), from_examples(spec, "classic").values, ["classic"])
    labels = [item.label for item in worked_rows(t)[0].steps[0].items]
    assert labels[:2] == ["mean", "(h1 − mean)²"] and labels[9:11] == ["variance", "std"]
    assert labels[11:13] == ["h1 normalised", "h1"]
    text = render_trace_as("text", t, NumberStyle())
    assert "variance      = (9 + 1 + 1 + 1 + 0 + 0 + 4 + 16) / 8 = 32 / 8 = 4" in text
    assert "std           = √(4 + 0) = √4 = 2" in text and "h8            = 2·0.5 + 1 = 1 + 1 = 2" in text
