"""Each operation's batch kernel and explaining kernel against hand arithmetic (issue 2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from netspec import ops


def check_op(name, xs, params, expected, atol=1e-12, rtol=1e-12):
    """Both kernels of `name` give `expected`, with the right shape, and agree with each other."""
    op = ops.lookup(name)
    xs = [np.atleast_2d(np.asarray(x, dtype=float)) for x in xs]
    params = [np.asarray(p, dtype=float) for p in params]
    expected = np.atleast_2d(np.asarray(expected, dtype=float))
    with np.errstate(all="ignore"):
        fast = op.kernel(xs, params, {})
        explained, record = op.explain(xs, params, {})
    assert fast.shape == expected.shape
    np.testing.assert_allclose(fast, expected, atol=atol, rtol=rtol)
    np.testing.assert_allclose(explained, expected, atol=atol, rtol=rtol)
    return record


def test_dense_with_bias():
    # [1, 2] · [[0.5, -1], [0.25, 3]] + [0.1, -0.2] = [1·0.5 + 2·0.25 + 0.1, 1·(−1) + 2·3 − 0.2]
    record = check_op("dense", [[1, 2]], [[[0.5, -1], [0.25, 3]], [0.1, -0.2]], [[1.1, 4.8]])
    np.testing.assert_allclose(record.products[0], [[0.5, -1], [0.5, 6]])


def test_dense_single_number_and_zero():
    check_op("dense", [[0.0]], [[[7.0]]], [[0.0]])
    check_op("dense", [[-3.0]], [[[2.0]]], [[-6.0]])


@pytest.mark.parametrize("x, expected", [(-26.598, 0.0), (0.0, 0.0), (2.522, 2.522), (-1e-300, 0.0)],
                         ids=["negative", "zero", "positive", "tiny-negative"])
def test_relu(x, expected):
    check_op("relu", [[x]], [], [[expected]])


@pytest.mark.parametrize("x", [0.0, 0.79584, -3.0, 40.0, -800.0], ids=["zero", "leaf", "negative", "large", "huge-negative"])
def test_logistic(x):
    expected = 1 / (1 + math.exp(-x)) if x > -700 else 0.0  # e^800 overflows; the limit is 0
    check_op("logistic", [[x]], [], [[expected]])


def test_logistic_records_its_steps():
    record = check_op("logistic", [[0.79584]], [], [[1 / (1 + math.exp(-0.79584))]])
    assert record.exp_neg[0, 0] == pytest.approx(math.exp(-0.79584), rel=1e-15)
    assert record.denominator[0, 0] == pytest.approx(1 + math.exp(-0.79584), rel=1e-15)


@pytest.mark.parametrize("x", [0.0, 2.522, -47.094, 0.5], ids=["zero", "h2", "h3", "half"])
def test_tanh(x):
    expected = (math.exp(x) - math.exp(-x)) / (math.exp(x) + math.exp(-x)) if abs(x) < 20 else math.copysign(1, x)
    check_op("tanh", [[x]], [], [[expected]])


def test_softmax_leaf_outputs():
    a, b = math.exp(0.79584), math.exp(0.25122)
    record = check_op("softmax", [[0.79584, 0.25122]], [], [[a / (a + b), b / (a + b)]])
    assert record.largest[0, 0] == 0.79584  # the step the trace shows: subtract the largest first


def test_softmax_article_five_one_versus_zero_one():
    """The article's (5, 1) versus (0, 1): both become probabilities, (5, 1) the more certain one."""
    e5, e1, e0 = math.exp(5), math.exp(1), math.exp(0)
    check_op("softmax", [[[5, 1], [0, 1]]], [], [[e5 / (e5 + e1), e1 / (e5 + e1)], [e0 / (e0 + e1), e1 / (e0 + e1)]])


def test_softmax_large_logits_do_not_overflow():
    # e^1000 overflows float64, but softmax(1000, 999) = softmax(1, 0)
    e1 = math.exp(1)
    check_op("softmax", [[1000.0, 999.0]], [], [[e1 / (e1 + 1), 1 / (e1 + 1)]])


def test_softmax_single_number_is_one():
    check_op("softmax", [[-3.5]], [], [[1.0]])


def test_divide_by_sum():
    check_op("divide_by_sum", [[3.0, 1.0]], [], [[0.75, 0.25]])
    check_op("divide_by_sum", [[0.0, 2.0, 2.0]], [], [[0.0, 0.5, 0.5]])


def test_identity_returns_a_copy():
    x = np.array([[1.5, -2.0]])
    y = ops.lookup("identity").kernel([x], [], {})
    np.testing.assert_array_equal(y, x)
    assert y is not x


def test_aliases_name_the_same_operation():
    assert ops.lookup("sigmoid") is ops.lookup("logistic")
    assert ops.lookup("rellu") is None


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_embed_reads_each_tokens_row_and_marks_a_number_that_is_no_token(dtype):
    """Tokens numbered from 1 read rows 0, 2, 1 of E; a number that is no token (0, 2.5, 4, ∞, NaN: E has
    three rows) gives NaN in its place, by the kernel as by the explaining kernel; padding reads zeros.
    One row (a window of a generation: read in Python) and 40 rows (a batch: read by NumPy's passes)."""
    table = np.array([[1, 2], [3, 4], [5, 6]], dtype=dtype)
    kernel, explain = ops.lookup("embed").kernel, ops.lookup("embed").explain
    options = {"start": 1}
    for copies in (1, 40):
        good = np.tile(np.array([[1, 3, 2]], dtype=dtype), (copies, 1))
        assert kernel([good], [table], options).tolist() == [[1, 2, 5, 6, 3, 4]] * copies
        assert kernel([good], [table], options).dtype == dtype
        for bad in (0, 2.5, 4, np.inf, np.nan):
            ids = good.copy()
            ids[-1, 1] = bad
            got = kernel([ids], [table], options)
            np.testing.assert_array_equal(got, explain([ids], [table], options)[0])
            assert got[:-1].tolist() == [[1, 2, 5, 6, 3, 4]] * (copies - 1)
            assert got[-1, :2].tolist() == [1, 2] and np.isnan(got[-1, 2:4]).all() and got[-1, 4:].tolist() == [3, 4]
    padded = kernel([np.array([[2, 0]], dtype=dtype)], [table], {"start": 1, "pad": 0})
    assert padded.tolist() == [[3, 4, 0, 0]]
