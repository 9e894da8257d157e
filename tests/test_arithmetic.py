"""The trace's arithmetic (netspec/ops/arithmetic.py): sums in the printed order and correctly
rounded functions, checked against hand arithmetic and mpmath at 60 digits."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from netspec.ops.arithmetic import EXACT, FAST, ordered_sum

mpmath.mp.dps = 60


def nearest(value: mpmath.mpf) -> float:
    """The float nearest an mpmath number: what a correctly rounded function must return."""
    return float(value)


def test_a_sum_is_added_first_to_last():
    """0.1 ten times, added one at a time, is 0.9999999999999999 (each step rounds); and
    1e16 + 1 − 1e16 is 0 first to last (1e16 + 1 rounds back to 1e16), not 1."""
    assert ordered_sum(np.full(10, 0.1), axis=0) == 0.9999999999999999
    assert ordered_sum(np.array([1e16, 1.0, -1e16]), axis=0) == 0.0
    assert ordered_sum(np.array([1e16, -1e16, 1.0]), axis=0) == 1.0


def test_a_sum_runs_along_any_axis_and_keeps_it_when_asked():
    terms = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    assert ordered_sum(terms, axis=1).tolist() == [[12, 15, 18, 21], [48, 51, 54, 57]]
    assert ordered_sum(terms, axis=-1, keepdims=True).shape == (2, 3, 1)
    assert ordered_sum(terms, axis=-1)[1, 2].item() == 20 + 21 + 22 + 23


GRID = np.concatenate([np.linspace(-30, 30, 601), np.geomspace(1e-12, 1e-3, 40), -np.geomspace(1e-12, 1e-3, 40),
                       np.random.default_rng(7).uniform(-700, 700, 200)])


def ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many floats apart a and b are (same sign)."""
    return np.abs(a.view(np.int64) - b.view(np.int64))


def test_exp_is_within_one_ulp_of_the_true_value():
    """fdlibm's exp: never more than one float from the nearest float to e^x, over the whole
    range it does not overflow or underflow in, and exact where e^x is: e^0 = 1."""
    x = np.concatenate([GRID, np.random.default_rng(3).uniform(-745, 709.7, 3000),
                        [0.34657359027997264, 1.0397207708399179, -1.0397207708399179, 2.0 ** -29]])
    wanted = np.array([nearest(mpmath.exp(mpmath.mpf(v))) for v in x.tolist()])
    assert ulps(EXACT.exp(x), wanted).max() <= 1
    assert EXACT.exp(np.array([0.0]))[0] == 1.0


@pytest.mark.parametrize("name, reference", [("tanh", mpmath.tanh), ("sin", mpmath.sin), ("cos", mpmath.cos)])
def test_functions_are_correctly_rounded(name, reference):
    """Every value is the float nearest the 60-digit value: no ulp of error, so no machine can differ."""
    x = GRID if name != "tanh" else GRID[np.abs(GRID) < 40]
    got = getattr(EXACT, name)(x)
    wanted = np.array([nearest(reference(mpmath.mpf(v))) for v in x.tolist()])
    assert got.tolist() == wanted.tolist()


def test_log_and_power_are_correctly_rounded():
    x = np.geomspace(1e-300, 1e300, 301)
    assert EXACT.log(x).tolist() == [nearest(mpmath.log(mpmath.mpf(v))) for v in x.tolist()]
    exponents = np.arange(64) / 64
    assert EXACT.power(10000.0, exponents).tolist() == [
        nearest(mpmath.power(10000, mpmath.mpf(e))) for e in exponents.tolist()]


def test_sin_of_a_large_argument_is_reduced_in_enough_digits():
    """sin(1e22) needs π to 22 more digits than usual; fdlibm's −0.8522008497671888 is its rounding."""
    assert EXACT.sin(np.array([1e22]))[0] == nearest(mpmath.sin(mpmath.mpf(1e22))) == -0.8522008497671888


def test_edges_behave_as_the_fast_functions():
    edges = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1000.0, -1000.0])
    for name in ("exp", "tanh"):
        with np.errstate(over="ignore"):
            got, fast = getattr(EXACT, name)(edges), getattr(FAST, name)(edges)
        np.testing.assert_array_equal(got, fast)
    assert EXACT.exp(np.array([709.78, 709.79]))[0] == math.exp(709.78)
    assert EXACT.log(np.array([0.0, -1.0]))[0] == -math.inf and math.isnan(EXACT.log(np.array([-1.0]))[0])
