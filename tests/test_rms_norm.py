"""rms_norm(x, g, eps): y = x / √(mean(x²) + eps) · g, worked by hand; tests/test_ops_reference.py checks PyTorch's."""

from __future__ import annotations

import math

import numpy as np
import pytest

import netspec
from netspec import ops
from netspec.errors import NumericError, SpecErrors, flatten
from netspec.run.inputs import from_examples
from netspec.render.worked import worked_rows

from conftest import SPECS

ABC = "input a\ninput b\ninput c\n"


def rows(*values):
    return np.array([values], dtype=np.float64)


def check_op(xs, ps, options, expected):
    op = ops.lookup("rms_norm")
    for result in (op.kernel(xs, ps, options), op.explain(xs, ps, options)[0]):
        assert result.shape == np.shape(expected)
        np.testing.assert_allclose(result, expected, rtol=1e-15, atol=1e-15)


def test_rms_norm_by_hand():
    """1, 2, 2, 4: squares 1, 4, 4, 16 add to 25, mean 6.25, rms 2.5; × gain 1, 2, 0.5, 0.5."""
    check_op([rows(1, 2, 2, 4)], [np.array([1, 2, 0.5, 0.5])], {"eps": 0.0}, rows(0.4, 1.6, 0.4, 0.8))
    rec = ops.lookup("rms_norm").explain([rows(1, 2, 2, 4)], [np.ones(4)], {"eps": 0.0})[1]
    assert rec.squared.tolist() == [[1, 4, 4, 16]]
    assert (rec.squared_total[0, 0], rec.mean_square[0, 0], rec.rms[0, 0]) == (25, 6.25, 2.5)


def test_rms_norm_adds_eps_before_the_root_and_subtracts_no_mean():
    """3, 4: mean square (9 + 16) / 2 = 12.5; eps 0.5 makes it 13, rms √13. A layer norm would give ±1."""
    root = math.sqrt(13)
    check_op([rows(3, 4)], [np.array([1.0, 1.0])], {"eps": 0.5}, rows(3 / root, 4 / root))


def test_rms_norm_on_a_sequence_is_per_position():
    """Positions (3, 4) and (0, 2): rms √12.5 and √2, each over its own two features; the gain per feature."""
    x = rows(3, 4, 0, 2)
    gain = np.array([2.0, 1.0])
    expected = rows(2 * 3 / math.sqrt(12.5), 4 / math.sqrt(12.5), 0, 2 / math.sqrt(2))
    check_op([x], [gain], {"eps": 0.0, "positions": 2}, expected)


def test_the_spec_matches_its_comments_and_traces_each_step():
    spec = netspec.load_spec(SPECS / "rmsnorm.net")
    examples = from_examples(spec)
    result = netspec.run_plan(netspec.compile_plan(spec), examples.values)
    np.testing.assert_allclose(result.outputs, [[0.4, 1.6, 0.4, 0.8]] * 2, rtol=1e-15)
    traced = netspec.trace_plan(netspec.compile_plan(spec), examples.values[:1])
    labels = [item.label for item in worked_rows(traced)[0].steps[0].items]
    assert labels[:6] == ["h1²", "h2²", "h3²", "h4²", "mean square", "rms"]
    assert labels[6:8] == ["h1 normalised", "h1"]


def test_zeros_with_eps_zero_is_a_clear_error(tmp_path):
    path = tmp_path / "zeros.net"
    path.write_text(ABC + "vector g:\n a b c\n 1 1 1\nlayer n = rms_norm(input, g, eps=0)\n", encoding="utf-8")
    plan = netspec.compile_plan(netspec.load_spec(path))
    with pytest.raises(NumericError) as caught:
        netspec.run_plan(plan, [[1, 2, 3], [0, 0, 0]])
    assert caught.value.code == "NS503" and caught.value.span.line == 7 and "eps=1e-6" in caught.value.hint
    assert caught.value.message.endswith("is 0/0, at step `n` in row 2")
    path.write_text(ABC + "vector g:\n a b c\n 1 1 1\nlayer n = rms_norm(input, g)\n", encoding="utf-8")
    default = netspec.compile_plan(netspec.load_spec(path))  # eps = 1e-6: 0 / √1e-6 = 0
    assert netspec.run_plan(default, [[0, 0, 0]]).outputs.tolist() == [[0, 0, 0]]


@pytest.mark.parametrize("layer, message", [
    ("layer n = rms_norm(input)\n", "rms_norm takes a value, a gain vector; it was given 1"),
    ("vector g:\n a c b\n 1 1 1\nlayer n = rms_norm(input, g)\n", "the vector g has columns a, c, b"),
    ("vector g:\n a b c\n 1 1 1\nlayer n = rms_norm(input, g, eps=-1)\n", "eps"),
], ids=["no-gain", "gain-out-of-order", "negative-eps"])
def test_rms_norm_shape_and_option_errors(tmp_path, layer, message):
    path = tmp_path / "bad.net"
    path.write_text(ABC + layer, encoding="utf-8")
    with pytest.raises(SpecErrors) as caught:
        netspec.load_spec(path)
    assert message in flatten(caught.value)[0].message
