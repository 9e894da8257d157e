"""mean_pool, l2_normalize and scale: by hand, and against PyTorch (tests/reference/pooling.npz,
recorded by scripts/record_reference.py: sentence-transformers' masked mean pooling, F.normalize,
a scalar multiple, and F.scaled_dot_product_attention with padded keys masked out)."""

from __future__ import annotations

import numpy as np
import pytest

import netspec
from netspec import ops
from netspec.diagnostics import format_error
from netspec.errors import NetspecError, flatten

from test_ops_reference import RTOL, _load, check_op

SEQUENCE = """vocabulary words words "humpty", "dumpty", "sat" numbered from 1
input text "three words" tokens 3 from words
weights E:
           e1   e2
  humpty    3    0
  dumpty    0    4
  sat       1    1
layer x = embed(input, E)
{lines}
decide nothing
"""


def _values(tmp_path, lines, row=(1.0, 2.0, 3.0)):
    path = tmp_path / "spec.net"
    path.write_text(SEQUENCE.format(lines=lines), encoding="utf-8")
    spec = netspec.load_spec(path)
    plan = netspec.compile_plan(spec)
    traced = {s.step.output: s.result[0].tolist() for s in netspec.trace_plan(plan, [list(row)]).steps}
    np.testing.assert_allclose(netspec.run_plan(plan, [list(row)]).outputs[0], traced[spec.output], rtol=1e-15)
    return traced


def test_mean_pool_by_hand(tmp_path):
    # humpty dumpty sat: (3, 0), (0, 4), (1, 1); e1 = (3 + 0 + 1) / 3, e2 = (0 + 4 + 1) / 3
    assert _values(tmp_path, "layer m = mean_pool(x)")["m"] == [4 / 3, 5 / 3]


def test_l2_normalize_by_hand(tmp_path):
    values = _values(tmp_path, "layer m = mean_pool(x)\nlayer n = l2_normalize(m)\nlayer each = l2_normalize(x)")
    # m = (4/3, 5/3): length √(16/9 + 25/9) = √41 / 3, so n = (4, 5) / √41
    np.testing.assert_allclose(values["n"], [4 / 41 ** 0.5, 5 / 41 ** 0.5], rtol=1e-15)
    # each position by its own length: (3, 0)/3, (0, 4)/4, (1, 1)/√2
    np.testing.assert_allclose(values["each"], [1, 0, 0, 1, 2 ** -0.5, 2 ** -0.5], rtol=1e-15)


def test_l2_normalize_keeps_zeros_and_scale_negates(tmp_path):
    values = _values(tmp_path, "layer z = scale(x, 0)\nlayer n = l2_normalize(z)\nlayer neg = scale(x, -1)\n"
                               "layer half = scale(x, 0.5)")
    assert values["n"] == [0.0] * 6  # 0 / max(0, eps) = 0, as F.normalize
    assert values["neg"] == [-3.0, -0.0, -0.0, -4.0, -1.0, -1.0]
    assert values["half"] == [1.5, 0.0, 0.0, 2.0, 0.5, 0.5]


@pytest.mark.parametrize("lines, words, code", [
    ("layer m = mean_pool(input)", "averages the positions of a sequence", "NS240"),
    ("layer s = scale(x)", "scale takes a value and one number", "NS207"),
    ("layer s = scale(x, E)", "scale takes a value and one number", "NS207"),
    ("layer n = l2_normalize(x, eps=-1)", "`eps` of l2_normalize is a number of at least 0", "NS207"),
])
def test_asked_wrongly(tmp_path, lines, words, code):
    path = tmp_path / "spec.net"
    path.write_text(SEQUENCE.format(lines=lines), encoding="utf-8")
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path)
    assert [e.code for e in flatten(caught.value)] == [code] and words in format_error(caught.value)


REFERENCE = _load("pooling")


def test_masked_mean_pool_matches_sentence_transformers():
    x, mask = REFERENCE["x"], REFERENCE["mask"]
    pad = -7.0  # any number that marks padding: the mask's 0s
    tokens = np.where(mask == 1, 1.0, pad)
    check_op("mean_pool", [x, tokens], [], {"positions": 4, "pad": pad}, REFERENCE["mean_pool.y"])


def test_l2_normalize_matches_f_normalize():
    check_op("l2_normalize", [REFERENCE["vectors"]], [], {"eps": 1e-12, "positions": 1}, REFERENCE["l2_normalize.y"])
    check_op("l2_normalize", [REFERENCE["x"]], [], {"eps": 1e-12, "positions": 4}, REFERENCE["sequence_l2.y"])


def test_scale_matches_torch():
    check_op("scale", [REFERENCE["x"]], [], {"by": 0.5}, REFERENCE["scale_half.y"], rtol=0)
    check_op("scale", [REFERENCE["x"]], [], {"by": -1.0}, REFERENCE["negate.y"], rtol=0)


def test_attention_over_padded_keys_matches_torch():
    mask = REFERENCE["mask"]
    tokens = np.where(mask == 1, 1.0, 0.0)
    options = {"heads": 1, "queries": 4, "keys": 4, "query": "every", "scale": "sqrt", "mask": "none", "pad": 0.0,
               "features": 4, "value_features": 4}
    xs = [REFERENCE["q"], REFERENCE["k"], REFERENCE["v"], tokens]
    check_op("attention", xs, [], options, REFERENCE["padded_attention.y"], rtol=RTOL, atol=1e-15)
    assert ops.lookup("attention").explain(xs, [], options)[1].weights[2, 0, :, 1:].max() == 0.0  # one real token
