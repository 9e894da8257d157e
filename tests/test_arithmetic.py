"""The trace's arithmetic (netspec/ops/arithmetic.py): sums in the printed order and correctly
rounded functions, checked against hand arithmetic and mpmath at 60 digits."""

from __future__ import annotations

import math
import struct

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


def _added_in_python(column) -> float:
    """Python's own floats, added first to last: the order a printed sum is read in."""
    total = column[0]
    for term in column[1:]:
        total += term
    return total


def _adversarial(shape, rng) -> np.ndarray:
    """Terms whose sum changes with the order of the additions: huge numbers that cancel, small ones
    that a huge running total swallows, signed zeros, and ordinary numbers of every size."""
    pool = np.array([1e16, -1e16, 1.0, -1.0, 0.1, 3e-17, -0.0, 0.0, 2.0 ** 53, -(2.0 ** 53), 1e-300, 7.0])
    mixed = np.where(rng.random(shape) < 0.6, rng.choice(pool, shape),
                     rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 17, shape))
    return mixed


@pytest.mark.parametrize("shape, axis", [((16, 64), 0), ((12, 16, 64), 1), ((1, 12, 64, 16), 2), ((2, 12, 12, 8), 2),
                                         ((130, 2), 0), ((9, 1, 3), 0), ((5, 40), 1), ((3, 12, 16), 2),
                                         ((40, 1), 0), ((7, 3, 1, 2), 1)])
def test_a_sum_along_any_axis_is_added_first_to_last_on_numbers_the_order_changes(shape, axis):
    """ordered_sum adds one running total per column, first term to last, whichever NumPy reduction does it
    (a reduction along an axis with columns after it, or a running total): the same bits as Python's own
    floats added in order, on terms where any other order (NumPy's pairwise sum, BLAS) gives other bits."""
    rng = np.random.default_rng(sum(shape) + axis)
    terms = _adversarial(shape, rng)
    moved = np.moveaxis(terms, axis, -1)  # (…, terms)
    wanted = np.array([_added_in_python(column) for column in moved.reshape(-1, shape[axis]).tolist()])
    got = ordered_sum(terms, axis=axis)
    assert got.shape == moved.shape[:-1]
    assert got.reshape(-1).view(np.int64).tolist() == wanted.view(np.int64).tolist()
    assert ordered_sum(terms, axis=axis, keepdims=True).shape == tuple(1 if i == axis else n for i, n in enumerate(shape))


def test_an_ordered_sum_of_negative_zeros_is_negative_zero():
    """−0 + −0 = −0, as Python adds them: a running total begins at the first term, not at +0."""
    assert np.signbit(ordered_sum(np.full((3, 2), -0.0), axis=0)).all()
    assert np.signbit(ordered_sum(np.full((2, 3), -0.0), axis=1)).all()


LN2_HI, LN2_LO, INV_LN2 = 6.93147180369123816490e-01, 1.90821492927058770002e-10, 1.44269504088896338700e+00
EXP_P = (1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05,
         -1.65339022054652515390e-06, 4.13813679705723846039e-08)  # e_exp.c's P1 … P5


def _fdlibm_exp_one(x: float) -> float:
    """fdlibm's e_exp.c line by line in Python's float64 arithmetic (no fused operations), |x|'s high word
    and all: the reference the vectorised exp must equal bit for bit."""
    hx = struct.unpack("<Q", struct.pack("<d", x))[0] >> 32
    negative, hx = hx >> 31, hx & 0x7FFFFFFF
    if hx >= 0x40862E42:  # |x| ≥ 709.78…
        if hx >= 0x7FF00000:
            return x if math.isnan(x) or not negative else 0.0
        if x > 7.09782712893383973096e+02:
            return math.inf
        if x < -7.45133219101941108420e+02:
            return 0.0
    k, hi, lo = 0, 0.0, 0.0
    if hx > 0x3FD62E42:  # |x| > 0.5·ln2
        if hx < 0x3FF0A2B2:  # and below 1.5·ln2
            hi, lo, k = (x + LN2_HI, -LN2_LO, -1) if negative else (x - LN2_HI, LN2_LO, 1)
        else:
            k = int(INV_LN2 * x + (-0.5 if negative else 0.5))
            hi, lo = x - k * LN2_HI, k * LN2_LO
        x = hi - lo
    elif hx < 0x3E300000:  # |x| < 2^-28
        return 1.0 + x
    t = x * x
    c = x - t * (EXP_P[0] + t * (EXP_P[1] + t * (EXP_P[2] + t * (EXP_P[3] + t * EXP_P[4]))))
    if k == 0:
        return 1.0 - ((x * c) / (c - 2.0) - x)
    return math.ldexp(1.0 - ((lo - (x * c) / (2.0 - c)) - hi), k)


def _near_every_edge() -> np.ndarray:
    """Numbers a few floats either side of each of fdlibm's thresholds and of every point where k changes
    ((k + ½)·ln2), random numbers over the whole range, random bit patterns, and ±∞, NaN, −0."""
    rng = np.random.default_rng(11)
    high = [float(np.array(h << 32, dtype=np.uint64).view(np.float64))
            for h in (0x3FD62E42, 0x3FD62E43, 0x3FF0A2B2, 0x3E300000, 0x40862E42)]
    edges = np.array(high + [709.782712893384, -745.1332191019411, 708.0, 0.0, 1.0])
    edges = np.concatenate([edges, -edges])
    near = edges[:, None] + np.maximum(np.spacing(np.abs(edges)), 5e-324)[:, None] * np.arange(-20, 21)
    halves = (np.arange(-1080, 1030) + 0.5) * math.log(2)
    around = halves[:, None] + np.spacing(np.abs(halves))[:, None] * np.arange(-2, 3)
    return np.concatenate([near.ravel(), around.ravel(), rng.uniform(-750, 750, 8000),
                           rng.standard_normal(2000) * 1e-5, rng.integers(0, 2 ** 64, 2000, dtype=np.uint64).view(np.float64),
                           [math.inf, -math.inf, math.nan, -0.0]])


def test_exp_is_fdlibms_bit_for_bit_at_every_edge():
    """The vectorised exp gives e_exp.c's bits, taken whole or a few numbers at a time (a call whose
    numbers are all ordinary skips the tests for the ends of the range)."""
    x = _near_every_edge()
    wanted = np.array([_fdlibm_exp_one(v) for v in x.tolist()])
    for chunk in (x.size, 64, 7):
        got = np.concatenate([EXACT.exp(x[i:i + chunk]) for i in range(0, x.size, chunk)])
        assert np.array_equal(got.view(np.int64), wanted.view(np.int64))  # NaN gives back its own bits
