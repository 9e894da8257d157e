"""The article's 4-3-2 leaf/flower network: every number worked out by hand in the test (issue 2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import netspec
from netspec.run.runner import run, trace

from conftest import SPECS

LEAF = [32, 107, 56, 11.2]
SUNFLOWER = [241, 200, 4, 59.5]

# Hand arithmetic, written out: input value × weight, added up (weights from the article's figure).
LEAF_HIDDEN = [
    32 * 0.10 + 107 * -0.29 + 56 * -0.07 + 11.2 * 0.46,   # 3.2 − 31.03 − 3.92 + 5.152 = −26.598
    32 * 0.12 + 107 * -0.05 + 56 * 0.04 + 11.2 * 0.16,    # 3.84 − 5.35 + 2.24 + 1.792 = 2.522
    32 * -0.36 + 107 * -0.21 + 56 * -0.27 + 11.2 * 0.18,  # −11.52 − 22.47 − 15.12 + 2.016 = −47.094
]
SUNFLOWER_HIDDEN = [
    241 * 0.10 + 200 * -0.29 + 4 * -0.07 + 59.5 * 0.46,   # 24.1 − 58 − 0.28 + 27.37 = −6.81
    241 * 0.12 + 200 * -0.05 + 4 * 0.04 + 59.5 * 0.16,    # 28.92 − 10 + 0.16 + 9.52 = 28.6
    241 * -0.36 + 200 * -0.21 + 4 * -0.27 + 59.5 * 0.18,  # −86.76 − 42 − 1.08 + 10.71 = −119.13
]


def _out(h):
    return [h[0] * -0.17 + h[1] * 0.39 + h[2] * 0.10, h[0] * 0.05 + h[1] * -0.12 + h[2] * -0.04]


def test_trace_adds_up_exactly_as_the_hand_arithmetic():
    """The worked calculation adds first to last, as the sums above are written (and as Python
    evaluates them), so every hidden and output number is the hand arithmetic to the bit, on
    any machine; and it gives the article's h = (−26.598, 2.522, −47.094), out = (0.79584, 0.25122)."""
    spec, plan = _load("leaf.net")
    traced = trace(plan, np.array([LEAF, SUNFLOWER], dtype=float), ["leaf", "sunflower"])
    hidden, out = traced.steps
    assert hidden.result.tolist() == [LEAF_HIDDEN, SUNFLOWER_HIDDEN]
    assert out.result.tolist() == [_out(LEAF_HIDDEN), _out(SUNFLOWER_HIDDEN)]
    assert hidden.result[0] == pytest.approx([-26.598, 2.522, -47.094], abs=1e-12)
    assert out.result[0] == pytest.approx([0.79584, 0.25122], abs=1e-12)
    assert out.result[1] == pytest.approx([0.3987, 0.9927], abs=1e-12)


def test_plan_computes_the_leaf_and_the_sunflower(leaf):
    spec, plan = leaf
    result = run(plan, np.array([LEAF, SUNFLOWER], dtype=float))
    np.testing.assert_allclose(result.outputs, [_out(LEAF_HIDDEN), _out(SUNFLOWER_HIDDEN)], rtol=0, atol=1e-12)
    assert result.decisions == ["Leaf", "Flower"]


def test_trace_records_every_product_and_sum(leaf):
    """The traced run keeps each product input×weight and the sums the next step used."""
    spec, plan = leaf
    traced = trace(plan, np.array([LEAF], dtype=float), ["leaf"])
    hidden, out = traced.steps
    np.testing.assert_allclose(hidden.record.products[0][:, 0], [32 * 0.10, 107 * -0.29, 56 * -0.07, 11.2 * 0.46],
                               atol=1e-15)
    np.testing.assert_allclose(hidden.result[0], LEAF_HIDDEN, atol=1e-12)
    np.testing.assert_allclose(out.record.x[0], hidden.result[0], atol=0)  # step 2 used step 1's numbers
    np.testing.assert_allclose(out.result[0], [0.79584, 0.25122], atol=1e-12)
    assert traced.decisions == ("Leaf",)


def test_traced_and_batch_paths_agree(leaf):
    """The printout comes from the explaining kernels; `run` uses x @ W. They differ by rounding only."""
    spec, plan = leaf
    rows = np.random.default_rng(0).uniform(0, 255, size=(50, 4))
    fast = run(plan, rows).outputs
    slow = trace(plan, rows, [str(i) for i in range(50)]).outputs
    np.testing.assert_allclose(slow, fast, rtol=1e-12, atol=1e-12)


def _load(name):
    spec = netspec.load_spec(SPECS / name)
    return spec, netspec.compile_plan(spec)


def test_bias_moves_h1_by_a_quarter():
    """leaf_bias.net: bias 0.25 on h1 gives −26.598 + 0.25 = −26.348."""
    spec, plan = _load("leaf_bias.net")
    traced = trace(plan, np.array([LEAF], dtype=float), ["leaf"])
    assert traced.steps[0].result[0] == pytest.approx([-26.598 + 0.25, 2.522, -47.094], abs=1e-12)


def test_relu_zeroes_the_negative_hidden_neurons():
    """leaf_relu.net: h1 and h3 are negative and become 0, so only h2 = 2.522 reaches the outputs."""
    spec, plan = _load("leaf_relu.net")
    out = run(plan, np.array([LEAF], dtype=float)).outputs[0]
    assert out == pytest.approx([2.522 * 0.39, 2.522 * -0.12], abs=1e-12)


def test_softmax_turns_outputs_into_probabilities():
    """leaf_softmax.net: e^0.79584 / (e^0.79584 + e^0.25122), and the rest to Flower."""
    spec, plan = _load("leaf_softmax.net")
    out = run(plan, np.array([LEAF], dtype=float)).outputs[0]
    leaf = math.exp(0.79584) / (math.exp(0.79584) + math.exp(0.25122))
    assert out == pytest.approx([leaf, 1 - leaf], abs=1e-12)
    assert leaf == pytest.approx(0.63289, abs=5e-6)


def test_sign_rule_is_plan_one():
    """leaf_sign.net: one output, Leaf − Flower of leaf.net; positive means Leaf."""
    spec, plan = _load("leaf_sign.net")
    result = run(plan, np.array([LEAF, SUNFLOWER], dtype=float))
    assert result.outputs[:, 0] == pytest.approx([0.79584 - 0.25122, 0.3987 - 0.9927], abs=1e-12)
    assert result.decisions == ["Leaf", "Flower"]


def test_weather_reuses_the_same_numbers_with_new_meanings(leaf):
    """weather.net uses leaf.net: same weights, same outputs, other labels and sentence."""
    spec, plan = leaf
    weather, weather_plan = _load("weather.net")
    rows = np.array([[90, 85, 20, 12], [5, 40, 10, 25]], dtype=float)
    np.testing.assert_array_equal(run(weather_plan, rows).outputs, run(plan, rows).outputs)
    assert weather.input_labels == ("CloudCover", "Humidity", "Wind", "Temperature")
    assert weather.output_labels == ("Sunny", "Rainy")
    np.testing.assert_array_equal(weather.params["W1"].array, spec.params["W1"].array)
    assert weather.params["W1"].row_labels == ("CloudCover", "Humidity", "Wind", "Temperature")
    # 5·0.1 + 40·(−0.29) + 10·(−0.07) + 25·0.46 = −0.3 for h1 of the clear noon
    traced = trace(weather_plan, rows[1:], ["clear_noon"])
    assert traced.steps[0].result[0, 0] == pytest.approx(5 * 0.1 + 40 * -0.29 + 10 * -0.07 + 25 * 0.46, abs=1e-12)
    assert traced.decisions == ("Sunny",)
