"""Two ways to do a kernel's arithmetic: EXACT for anything a person reads, FAST for batches.

A printout is a worked calculation that a learner adds up by hand and a teacher shares,
so every number it shows must be the same on every machine. Two things would make them
differ, and EXACT removes both:

* The order of a sum. BLAS and NumPy's pairwise `sum` add in an order that depends on
  the CPU's kernel and SIMD width, and floating-point addition is not associative.
  `EXACT.sum` adds the terms first to last, the order in which the trace prints them,
  so `32·0.1 + 107·(−0.2) + …` is computed exactly as it is written.
* Elementary functions. NumPy's `exp`, `tanh`, `sin` and `cos` run different code on
  CPUs with AVX-512 than on others, and libm's differ between libraries; they agree to
  within one unit in the last place, not to the bit. `EXACT.exp`, the one a trace calls
  most (softmax, attention's N² scores, GELU's erf), is fdlibm's algorithm written with
  NumPy: only additions, multiplications and divisions, each rounded by IEEE 754 the same
  way everywhere, so the same bits on every machine, within one ulp of e^x. tanh, log,
  sin, cos and powers, called far less, are *correctly rounded*: each result is the float
  nearest the true value, computed in Python's decimal arithmetic at 40 significant
  digits and rounded once, which no machine can change.

Addition, multiplication, division and square root are correctly rounded by IEEE 754 on
every machine already, and NumPy never fuses them, so nothing else is needed.

FAST is NumPy as it is (pairwise sums, SIMD functions): the last bit of a batch run may
differ between machines, and the documentation says so. EXACT's exp costs about 0.3 µs a
number and its decimal functions about 20 µs, which matters for a CSV of a million rows
and not for a trace.
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from functools import lru_cache

import numpy as np

_DIGITS = 40  # significant digits: far more than float64's 17, so rounding once to float64 is correct
_CONTEXT = decimal.Context(prec=_DIGITS, Emax=100_000, Emin=-100_000)
_EXP_OVERFLOW = 709.782712893384  # e^x is above the largest float64 beyond this
_EXP_UNDERFLOW = -745.1332191019412  # e^x rounds to 0 below this
_TANH_ONE = 20.0  # tanh(x) rounds to ±1 for |x| ≥ 19.06
_TANH_SAME = 1e-9  # tanh(x) rounds to x for |x| below this: x³/3 is under a millionth of an ulp


class _Fast:
    """NumPy's own sums and functions: fast, and the same to within an ulp or two."""

    name = "fast"

    @staticmethod
    def sum(terms: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
        """terms.sum(...), which is this reduction behind two Python wrappers (a few µs on a short row)."""
        return np.add.reduce(terms, axis=axis, keepdims=keepdims)

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    tanh = staticmethod(np.tanh)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    power = staticmethod(np.power)


class _Exact:
    """Sums in the printed order, fdlibm's exp and correctly rounded functions: the same bits everywhere."""

    name = "exact"

    @staticmethod
    def sum(terms: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
        return ordered_sum(terms, axis, keepdims)

    @staticmethod
    def exp(x) -> np.ndarray:
        return fdlibm_exp(x)

    @staticmethod
    def log(x) -> np.ndarray:
        return _each(_log_one, x)

    @staticmethod
    def tanh(x) -> np.ndarray:
        return _each(_tanh_one, x)

    @staticmethod
    def sin(x) -> np.ndarray:
        return _each(lambda v: _sin_cos_one(v, cosine=False), x)

    @staticmethod
    def cos(x) -> np.ndarray:
        return _each(lambda v: _sin_cos_one(v, cosine=True), x)

    @staticmethod
    def power(base, exponent) -> np.ndarray:
        base, exponent = np.broadcast_arrays(np.asarray(base, np.float64), np.asarray(exponent, np.float64))
        values = [_power_one(b, e) for b, e in zip(base.ravel().tolist(), exponent.ravel().tolist())]
        return np.array(values, dtype=np.float64).reshape(base.shape)


FAST = _Fast()
EXACT = _Exact()


SMALL_SUM = 1 << 16  # terms at most, for one call (a reduction by rows, or np.add.accumulate's running total) to add


def ordered_sum(terms: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """Σ along `axis`, added first to last: ((t0 + t1) + t2) + …, as a learner adds a printed sum.

    A trace's sizes (up to SMALL_SUM terms) take one NumPy call: a reduction along an axis
    that has columns after it (row after row, _rows_in_order), else a running total
    (np.add.accumulate); a larger sum, one vectorised addition per term, across every other
    axis at once.
    """
    terms = np.asarray(terms, dtype=np.float64)
    axis = axis % terms.ndim
    if 0 < terms.shape[axis] and terms.size <= SMALL_SUM and _rows_in_order(terms, axis):
        return np.add.reduce(terms, axis=axis, keepdims=keepdims, initial=-0.0)  # −0 + t = t, even t = −0
    if 0 < terms.shape[axis] and terms.size <= SMALL_SUM:  # one call: accumulate adds first to last too
        total = np.add.accumulate(terms, axis=axis)[(slice(None),) * axis + (slice(-1, None),)]
        return total if keepdims else total.reshape(total.shape[:axis] + total.shape[axis + 1:])
    moved = np.moveaxis(terms, axis, 0)
    if moved.shape[0] == 0:
        total = np.zeros(moved.shape[1:], dtype=np.float64)
    else:
        total = moved[0].copy()
        for term in moved[1:]:
            total += term
    return np.expand_dims(total, axis) if keepdims else total


def _rows_in_order(terms: np.ndarray, axis: int) -> bool:
    """True when np.add.reduce adds `terms` along `axis` first to last. NumPy adds pairwise only when its
    innermost loop runs along the axis summed; on a C-contiguous array whose axes after `axis` hold two or
    more numbers, the innermost loop runs along those (the smallest strides), and the sum is row after row,
    each row added to the running totals of every column at once (tests/test_arithmetic.py checks it on
    numbers whose sum changes with the order)."""
    return axis < terms.ndim - 1 and math.prod(terms.shape[axis + 1:]) >= 2 and terms.flags.c_contiguous


# fdlibm's e_exp.c (Sun, 1993), the exp of FreeBSD and musl: its constants and its steps.
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10  # ln 2 in two parts
_INV_LN2 = 1.44269504088896338700e+00
_P = (1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05,
      -1.65339022054652515390e-06, 4.13813679705723846039e-08)


def fdlibm_exp(x) -> np.ndarray:
    """e^x for every number of x, by fdlibm's algorithm, one IEEE operation at a time.

    exp is the function a trace calls most (softmax, attention's N² scores, erf for GELU),
    so it is vectorised rather than computed in decimal: x = k·ln2 + r with |r| ≤ ln2/2,
    e^r from a degree-5 rational approximation, then scaled by 2^k. Every step is an
    addition, multiplication or division that IEEE 754 rounds the same way on every
    machine (NumPy never fuses them), so the bits are the same everywhere; the result is
    within one unit in the last place of e^x (tests/test_arithmetic.py, against mpmath).

    fdlibm picks k = ±1 by |x|'s high word between 0.5·ln2 and 1.5·ln2, and the nearest whole
    number to x/ln2 beyond; on that first interval the nearest whole number is ±1 too, so one
    rounding serves both, and k = 0 (r = x − 0·ln2 = x) below it. Its thresholds on the high
    word are thresholds on |x| itself. Each NumPy call costs more than its arithmetic on a
    trace's few hundred numbers, so these are the fewest calls that give fdlibm's bits.
    """
    given = np.asarray(x, dtype=np.float64)
    x = given.reshape(-1)  # one flat run of numbers: NumPy's calls on a flat array cost half (attention's 4-d scores)
    with np.errstate(all="ignore"):
        a = np.abs(x)
        k = np.where(a >= _K_FROM, np.trunc(_INV_LN2 * x + np.copysign(0.5, x)), 0.0)  # x/ln2 to the nearest
        hi = x - k * _LN2_HI  # k·ln2_hi is exact
        lo = k * _LN2_LO
        r = hi - lo  # |r| ≤ ln2/2
        t = r * r
        c = r - t * (_P[0] + t * (_P[1] + t * (_P[2] + t * (_P[3] + t * _P[4]))))
        rc = r * c
        small = 1.0 - (rc / (c - 2.0) - r)  # k = 0
        scaled = np.ldexp(1.0 - ((lo - rc / (2.0 - c)) - hi), k.astype(np.int64))  # ×2^k, rounded once
        result = np.where(k == 0, small, scaled)
        if not (a.size and _TINY <= a.min() and a.max() <= _ORDINARY):  # a NaN, a tiny number, or one near the ends
            result = np.where(a < _TINY, 1.0 + x, result)  # |x| < 2^-28: e^x rounds to 1 + x
            result = np.where(x > _EXP_OVERFLOW, np.inf, result)
            result = np.where(x < _EXP_UNDERFLOW, 0.0, result)
            result = np.where(np.isnan(x), x, result)
        return result.reshape(given.shape)


def _from_high_word(high: int) -> float:
    """The smallest float64 whose high 32 bits are `high`: fdlibm's tests on the high word, as numbers."""
    return float(np.array(high << 32, dtype=np.uint64).view(np.float64))


_K_FROM = _from_high_word(0x3FD62E43)  # just above 0.5·ln2: from here k ≠ 0
_TINY = _from_high_word(0x3E300000)  # 2^-28
_ORDINARY = 708.0  # |x| at most this: e^x is a normal float64, neither infinite nor 0


def _each(function, x) -> np.ndarray:
    """`function` on every number of x, one Python call each (a trace has thousands, not millions)."""
    x = np.asarray(x, dtype=np.float64)
    values = [function(v) for v in x.ravel().tolist()]
    return np.array(values, dtype=np.float64).reshape(x.shape)


def _log_one(v: float) -> float:
    if math.isnan(v) or v < 0:
        return math.nan
    if v == 0:
        return -math.inf
    if math.isinf(v):
        return v
    return float(_CONTEXT.ln(Decimal(v)))


def _tanh_one(v: float) -> float:
    if math.isnan(v) or abs(v) < _TANH_SAME:
        return v
    if abs(v) >= _TANH_ONE:
        return math.copysign(1.0, v)
    with decimal.localcontext(_context(_DIGITS + 20)):  # e^{2x} − 1 loses up to 9 digits for small x
        e = Decimal(2 * v).exp()  # 2·v is exact in binary
        return float((e - 1) / (e + 1))


def _sin_cos_one(v: float, cosine: bool) -> float:
    """sin or cos of v: v − k·π/2 in enough digits to keep 40 after the cancellation, then Taylor."""
    if not math.isfinite(v):
        return math.nan
    if v == 0.0:
        return 1.0 if cosine else v
    digits = _DIGITS + 20 + max(0, math.frexp(v)[1]) // 3  # each 3.3 bits of v's size cancel one digit
    with decimal.localcontext(_context(digits)):
        half_pi = _pi(digits) / 2
        x = Decimal(v)
        k = int((x / half_pi).to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
        r = x - k * half_pi  # |r| ≤ π/4
        quarter = (k + (1 if cosine else 0)) % 4  # cos(x) = sin(x + π/2)
        value = _taylor(r, odd=quarter % 2 == 0)
        return float(-value if quarter >= 2 else value)


def _taylor(r: Decimal, odd: bool) -> Decimal:
    """sin r (odd) or cos r by its Taylor series, in the current decimal context, for |r| ≤ π/4."""
    term = r if odd else Decimal(1)
    total, n, square = term, 1 if odd else 0, r * r
    smallest = Decimal(10) ** -(decimal.getcontext().prec + 2)
    while True:
        term = -term * square / ((n + 1) * (n + 2))
        n += 2
        if abs(term) <= smallest * abs(total):
            return total
        total += term


def _context(digits: int) -> decimal.Context:
    return decimal.Context(prec=digits, Emax=100_000, Emin=-100_000)


@lru_cache(maxsize=8)
def _pi(digits: int) -> Decimal:
    """π to `digits` significant digits, by Machin's formula π = 16·atan(1/5) − 4·atan(1/239)."""
    with decimal.localcontext(_context(digits + 10)):
        smallest = Decimal(10) ** -(digits + 8)

        def arctan_inverse(n: int) -> Decimal:
            power = Decimal(1) / n
            total, k = power, 1
            while True:
                power /= n * n
                term = power / (2 * k + 1)
                if term < smallest:
                    return total
                total += -term if k % 2 else term
                k += 1

        pi = 16 * arctan_inverse(5) - 4 * arctan_inverse(239)
    with decimal.localcontext(_context(digits)):
        return +pi


def _power_one(base: float, exponent: float) -> float:
    if not (math.isfinite(base) and math.isfinite(exponent)) or base < 0:
        return float(np.power(base, exponent))  # outside the traces' use (positive bases, finite powers)
    if base == 0.0 or exponent == 0.0 or base == 1.0:
        return math.pow(base, exponent)  # exact cases: 0^y, x^0, 1^y
    try:
        return float(_CONTEXT.power(Decimal(base), Decimal(exponent)))
    except decimal.Overflow:
        return math.inf


def read_only(made: np.ndarray) -> np.ndarray:
    """`made`, no longer writable: an array made once and cached (lru_cache) is shared by every caller,
    so none may change it."""
    made.flags.writeable = False
    return made


@lru_cache(maxsize=64)
def ones(n: int, dtype=np.float32) -> np.ndarray:
    """n ones, made once and read-only: the sum of n numbers along a row is one BLAS product with them, where
    NumPy's reduction along a short last axis is several times slower."""
    return read_only(np.ones(n, dtype=dtype))


@lru_cache(maxsize=256)
def constant(value: float, dtype=np.float32) -> np.ndarray:
    """`value` as a read-only 0-d array of `dtype`: a ufunc takes it as it is, where a NumPy or Python scalar
    is first made into an array, which on a window of a few hundred numbers costs more than the pass."""
    return read_only(np.array(value, dtype=dtype))
