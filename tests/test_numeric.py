"""NaN and infinity made inside the network are reported at the first step they appear (issue 2)."""

from __future__ import annotations

import numpy as np
import pytest

import netspec
from netspec.errors import NumericError
from netspec.run.runner import run, trace

SPEC = """\
input a
input b
weights W:
     big  small
  a  1e200  1
  b  1e200  1
layer grow = dense(input, W)
weights V:
     out
  big    1e200
  small  1
layer out = dense(grow, V)
decide yes if positive otherwise no
"""


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "overflow.net"
    path.write_text(SPEC)
    return netspec.compile_plan(netspec.load_spec(path))


def test_overflow_is_reported_at_its_step_and_neuron(plan):
    """1e200·1e200 = 1e400 overflows in step `out`, not before: grow.big is 2e200, still finite."""
    with pytest.raises(NumericError) as caught:
        run(plan, np.array([[1.0, 1.0], [0.0, 0.0]]), ["first", "second"])
    error = caught.value
    assert "infinity first appears at step `out`" in error.message
    assert "out.out of first" in error.message
    assert error.span.line == 12


def test_traced_run_reports_the_same_place(plan):
    with pytest.raises(NumericError) as caught:
        trace(plan, np.array([[1.0, 1.0]]), ["row 1"])
    assert "step `out`" in caught.value.message


def test_nan_from_infinity_minus_infinity(plan):
    """a = 1e200, b = −1e200: grow.big = 1e200·1e200 + (−1e200)·1e200 = ∞ + (−∞), which is NaN, in step `grow`.

    The exact way multiplies, rounds each product (∞ and −∞), then adds them: NaN on every
    machine. (A BLAS kernel that fuses a multiply into the addition, fma(−1e200, 1e200, ∞),
    never rounds the second product to −∞ and gets ∞ instead: see the next test.)
    """
    with pytest.raises(NumericError) as caught:
        run(plan, np.array([[1e200, -1e200]]), None, exact=True)
    assert caught.value.message.startswith("NaN (not a number) first appears at step `grow`, in grow.big of row 1")


def test_fast_path_reports_the_same_step_whatever_the_kernel_adds(plan):
    """The batch path's matrix product may fuse multiply and add, so ∞ − ∞ may come out as NaN
    or as ∞ depending on the CPU; either way the fault is reported at step `grow`, neuron big."""
    with pytest.raises(NumericError) as caught:
        run(plan, np.array([[1e200, -1e200]]), None)
    message = caught.value.message
    assert message.split(" first appears")[0] in ("NaN (not a number)", "infinity")
    assert "at step `grow`, in grow.big of row 1" in message


HIDDEN = """\
input a
input b
weights W:
     low  high
  a  -1e200  1
  b  1e200  1
layer grow = dense(input, W)
layer act = relu(grow)
weights V:
     out
  low   1
  high  1
layer out = dense(act, V)
decide yes if positive otherwise no
"""


def test_a_fault_that_relu_would_hide_is_reported_at_its_step(tmp_path):
    """grow.low = −1e200·1e200 + 1e200·0 = −∞, and relu(−∞) = 0 would leave `out` finite: a value read
    by an operation that can hide a fault is checked itself (Plan.checks); one read only by sums is not."""
    path = tmp_path / "hidden.net"
    path.write_text(HIDDEN)
    plan = netspec.compile_plan(netspec.load_spec(path))
    assert plan.checks == (True, False, True)  # grow (relu reads it), act (only dense reads it), out
    with pytest.raises(NumericError) as caught:
        run(plan, np.array([[1e200, 0.0]]), ["first"])
    assert caught.value.message == "infinity first appears at step `grow`, in grow.low of first"


def test_a_float32_overflow_in_an_unchecked_step_is_reported_at_that_step(tmp_path):
    """float32 ends near 3.4e38: grow.big = 2e20·1e20 overflows in `grow`, which dense reads and nothing
    checks on the way; the fault shows in `out`, and the batch runs again to name `grow`."""
    path = tmp_path / "overflow32.net"
    path.write_text(SPEC.replace("1e200", "1e20"))
    plan32 = netspec.compile_plan(netspec.load_spec(path), "float32")
    assert plan32.checks == (False, True)
    with pytest.raises(NumericError) as caught:
        run(plan32, np.array([[0.0, 0.0], [2e20, 0.0]]), ["zeros", "big"])
    assert caught.value.message == "infinity first appears at step `grow`, in grow.big of big"


def test_divide_by_sum_refuses_negative_numbers(tmp_path):
    path = tmp_path / "norm.net"
    path.write_text("input a\ninput b\nlayer p = divide_by_sum(input)\n")
    plan = netspec.compile_plan(netspec.load_spec(path))
    np.testing.assert_allclose(run(plan, np.array([[3.0, 1.0]])).outputs, [[0.75, 0.25]])
    with pytest.raises(NumericError) as caught:
        run(plan, np.array([[3.0, -1.0]]), ["row 1"])
    assert "input.b is -1" in caught.value.message
    assert "softmax" in caught.value.hint


def test_a_float32_batch_run_in_blocks_names_the_first_step_as_one_run_would(tmp_path):
    """20,000 rows of a narrow float32 network run 16,384 at a time (netspec/run/runner.py). Row 6
    overflows only in `out` (1e18·1e20 = 1e38 is finite, 1e38·1e20 is not), in the first block; row
    18,001 already in `grow`, in the second. The whole batch's first fault is the earlier step's."""
    from netspec.run import runner

    path = tmp_path / "overflow32.net"
    path.write_text(SPEC.replace("1e200", "1e20"))
    plan32 = netspec.compile_plan(netspec.load_spec(path), "float32")
    rows = np.zeros((20_000, 2))
    rows[5, 0], rows[18_000, 0] = 1e18, 2e20
    assert runner._block_rows(plan32) == 16_384
    with pytest.raises(NumericError) as caught:
        run(plan32, rows)
    assert caught.value.message == "infinity first appears at step `grow`, in grow.big of row 18001"
    fine = (np.random.default_rng(2).random((20_000, 2)) / 1000).astype(np.float32)  # out below 2e37
    with np.errstate(all="ignore"):  # the finite check's total of 20,000 outputs near 1e37 overflows
        whole = runner._forward(plan32, fine, None, False, None)
    assert np.array_equal(run(plan32, fine).outputs, whole)
