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
  within one unit in the last place, not to the bit. `EXACT.exp` and the rest are
  *correctly rounded*: each result is the float nearest the true value, computed in
  Python's decimal arithmetic at 40 significant digits and rounded once. That answer does
  not depend on any machine; it is what every IEEE-754 machine gets.

Addition, multiplication, division and square root are correctly rounded by IEEE 754 on
every machine already, and NumPy never fuses them, so nothing else is needed.

FAST is NumPy as it is (pairwise sums, SIMD functions): the last bit of a batch run may
differ between machines, and the documentation says so. It costs about 20 µs less per
function value than EXACT, which matters for a CSV of a million rows and not for a trace.
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
        return terms.sum(axis=axis, keepdims=keepdims)

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    tanh = staticmethod(np.tanh)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    power = staticmethod(np.power)


class _Exact:
    """Sums in the printed order and correctly rounded functions: the same bits everywhere."""

    name = "exact"

    @staticmethod
    def sum(terms: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
        return ordered_sum(terms, axis, keepdims)

    @staticmethod
    def exp(x) -> np.ndarray:
        return _each(_exp_one, x)

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


def ordered_sum(terms: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """Σ along `axis`, added first to last: ((t0 + t1) + t2) + …, as a learner adds a printed sum.

    One vectorised addition per term, across every other axis at once: for a trace's
    sizes (a few hundred terms) this costs microseconds.
    """
    terms = np.asarray(terms, dtype=np.float64)
    axis = axis % terms.ndim
    moved = np.moveaxis(terms, axis, 0)
    if moved.shape[0] == 0:
        total = np.zeros(moved.shape[1:], dtype=np.float64)
    else:
        total = moved[0].copy()
        for term in moved[1:]:
            total += term
    return np.expand_dims(total, axis) if keepdims else total


def _each(function, x) -> np.ndarray:
    """`function` on every number of x, one Python call each (a trace has thousands, not millions)."""
    x = np.asarray(x, dtype=np.float64)
    values = [function(v) for v in x.ravel().tolist()]
    return np.array(values, dtype=np.float64).reshape(x.shape)


def _exp_one(v: float) -> float:
    if math.isnan(v):
        return v
    if v > _EXP_OVERFLOW:
        return math.inf
    if v < _EXP_UNDERFLOW:
        return 0.0
    return float(_CONTEXT.exp(Decimal(v)))


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
