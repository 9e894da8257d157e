"""A float32 plan's program (netspec/run/fused.py): the same numbers as its steps, and every fault at its step."""

from __future__ import annotations

import math

import numpy as np
import pytest

import netspec
from netspec.errors import NumericError
from netspec.run import runner
from netspec.run.fused import LARGEST
from netspec.run.runner import run

from conftest import ROOT

TWO_LAYERS = """\
input a
input b
weights W:
     p    q
  a  2   -1
  b  1    3
bias c:
     p    q
     -4   0.5
layer hidden = dense(input, W, c)
layer active = relu(hidden)
weights V:
     out
  p   0.25
  q   -2
bias d:
     out
     1
layer out = dense(active, V, d)
decide yes if positive otherwise no
"""


@pytest.fixture
def two_layers(tmp_path):
    path = tmp_path / "two.net"
    path.write_text(TWO_LAYERS)
    return netspec.load_spec(path)


def test_a_bias_moved_past_relu_gives_the_hand_arithmetic(two_layers):
    """hidden = (2a + b − 4, −a + 3b + 0.5), out = 0.25·relu(p) − 2·relu(q) + 1, worked by hand: the program
    runs max(x·W, −c)·V + (c·V + d) instead, one product and one pass a layer, and gives the same."""
    plan = netspec.compile_plan(two_layers, "float32")
    assert len(plan.program.calls) == 4  # product, floor, product, shift: the first bias went into the second
    rows = [[3.0, 1.0], [1.0, 1.0], [0.0, 2.0]]  # hidden (3, 0.5), (−1, 2.5), (−2, 6.5)
    got = run(plan, rows)
    assert got.outputs.dtype == np.float32
    np.testing.assert_allclose(got.outputs[:, 0], [0.75 - 1 + 1, 0 - 5 + 1, 0 - 13 + 1], rtol=1e-6)
    assert list(got.decisions) == ["yes", "no", "no"]


def test_the_limit_is_the_products_growth(two_layers):
    """No number may pass LARGEST / 2: a row of norm r gives at most (r·‖W‖ + ‖c‖)·‖V‖ + ‖c·V + d‖ after the
    second product, with ‖W‖ = √15, ‖V‖ = √4.0625, ‖c‖ = √16.25, and c·V + d = −4·0.25 + 0.5·(−2) + 1 = −1."""
    program = netspec.compile_plan(two_layers, "float32").program
    first = (LARGEST / 2) / math.sqrt(15)
    second = (LARGEST / 2 - math.sqrt(16.25) * math.sqrt(4.0625) - 1) / (math.sqrt(15) * math.sqrt(4.0625))
    assert program.limit == pytest.approx(min(first, second), rel=1e-12)


HIDES = TWO_LAYERS.replace("  a  2   -1", "  a  1e20   -1").replace("  b  1    3", "  b  1e20    3")


def test_a_fault_relu_hides_is_found_at_its_step(tmp_path):
    """hidden.p = −1e20·1e20 = −∞ in float32, and relu would make it 0: the program never runs such a row,
    whose size its bound cannot vouch for; the steps run one by one and name `hidden`."""
    path = tmp_path / "hides.net"
    path.write_text(HIDES)
    plan = netspec.compile_plan(netspec.load_spec(path), "float32")
    with np.errstate(over="ignore"):  # (−1e20)² overflows float32: the run's own check ignores it as well
        assert not plan.program.fits(np.array([[-1e20, 0.0]], dtype=np.float32))
    with pytest.raises(NumericError) as caught:
        run(plan, [[0.0, 0.0], [-1e20, 0.0]], ["zeros", "negative"])
    assert caught.value.message == "infinity first appears at step `hidden`, in hidden.p of negative"


def test_leafs_two_products_are_one_and_give_the_steps_numbers():
    """leaf.net's program is x · (W1·W2), 8 multiplications a row instead of 18: its outputs are the
    step-by-step run's, to float32's rounding, the decisions the same, and the caller's rows are left as
    they were. Joined products could lose an overflow of `hidden`: the input's size is checked instead."""
    spec = netspec.load_spec(str(ROOT / "specs" / "leaf.net"))
    plan = netspec.compile_plan(spec, "float32")
    assert len(plan.program.calls) == 1 and plan.program.limit is not None
    np.testing.assert_allclose(plan.program.calls[0][1][0], spec.params["W1"].array @ spec.params["W2"].array,
                               rtol=1e-6, atol=1e-8)  # the float32 weights' product, near float64's
    rows = (np.random.default_rng(3).random((1000, 4)) * [255, 255, 255, 100]).astype(np.float32)
    kept = rows.copy()
    got = run(plan, rows)
    with np.errstate(all="ignore"):
        steps = runner._forward(plan, rows, None, False, None)
    np.testing.assert_allclose(got.outputs, steps, rtol=1e-5, atol=1e-4)
    assert np.array_equal(got.decisions.chosen, np.argmax(steps, axis=1))
    assert np.array_equal(rows, kept)


def test_an_overflow_joined_products_would_lose_is_found_at_its_step(tmp_path):
    """hidden.h = 3e20·1e20 overflows float32 in the first product; W1·W2 = 0 would give a finite 0. The
    input's size fails the program's bound, and the steps name `hidden`."""
    path = tmp_path / "joined.net"
    path.write_text("input a\nweights W:\n     h  g\n  a  1e20  1\nlayer hidden = dense(input, W)\n"
                    "weights V:\n     out\n  h  0\n  g  1\nlayer out = dense(hidden, V)\ndecide yes if positive otherwise no\n")
    plan = netspec.compile_plan(netspec.load_spec(path), "float32")
    assert len(plan.program.calls) == 1  # 1·1 < 1·2 + 2·1 multiplications: joined
    with pytest.raises(NumericError) as caught:
        run(plan, [[1.0], [3e20]])
    assert caught.value.message == "infinity first appears at step `hidden`, in hidden.h of row 2"


def test_a_float64_plan_and_a_branching_one_have_no_program():
    """float64 runs its steps as before (the same bits); a program is one chain of in-place steps."""
    leaf = netspec.load_spec(str(ROOT / "specs" / "leaf.net"))
    assert netspec.compile_plan(leaf).program is None
    residual = netspec.load_spec(str(ROOT / "specs" / "residual.net"))
    assert netspec.compile_plan(residual, "float32").program is None
