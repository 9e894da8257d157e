"""An array in, erf of every number out: the error function, vectorised, to within one unit in the last place.

NumPy has no erf and SciPy is not a dependency, so this is Sun's fdlibm `s_erf.c` (1993;
the erf of glibc, musl and FreeBSD, so of CPython's math.erf and of PyTorch on Linux),
written with NumPy: the same four rational approximations on the same intervals,
chosen per element with masks. tests/test_ops_reference.py checks it against math.erf
on a dense grid. Short approximations such as Abramowitz–Stegun 7.1.26 (error 1.5e-7)
are not enough for a trace that is checked to the last digit.
"""

from __future__ import annotations

import numpy as np

ERX = 8.45062911510467529297e-01  # erf(1) rounded to single precision
EFX = 1.28379167095512586316e-01  # 2/√π − 1
# erf on [0, 0.84375): x + x·P(x²)/Q(x²)
PP = (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
      -5.77027029648944159157e-03, -2.37630166566501626084e-05)
QQ = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
      1.32494738004321644526e-04, -3.96022827877536812320e-06)
# erf on [0.84375, 1.25): erx + P(s)/Q(s), s = |x| − 1
PA = (-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
      3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
      -2.16637559486879084300e-03)
QA = (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
      1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02)
# erfc on [1.25, 1/0.35): exp(−x² − 0.5625 + R(1/x²)/S(1/x²)) / x
RA = (-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
      -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
      -8.12874355063065934246e+01, -9.81432934416914548592e+00)
SA = (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
      6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
      6.57024977031928170135e+00, -6.04244152148580987438e-02)
# erfc on [1/0.35, 6): the same form with other coefficients
RB = (-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
      -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
      -4.83519191608651397019e+02)
SB = (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
      3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
      -2.24409524465858183362e+01)
TINY_X = 2.0 ** -28  # below this erf(x) = x + x·EFX exactly in float64
SMALL, MIDDLE = 0.84375, 1.25
TAIL = float(np.array(0x4006DB6E00000000, dtype=np.uint64).view(np.float64))  # fdlibm's 1/0.35, by high word
LARGE = 6.0  # erf(x) rounds to ±1 from here on


def erf(x: np.ndarray, exp=np.exp) -> np.ndarray:
    """erf of every element of `x` (float64, any shape); NaN stays NaN, ±inf gives ±1.

    Each element is computed only by the approximation of its interval (boolean masks),
    so a large batch costs one approximation per number, not four. `exp` is NumPy's for a
    batch, or a correctly rounded one (ops/arithmetic.py) for the same bits on every machine.
    """
    given = np.asarray(x)
    if given.dtype == np.float32:  # a float32 plan's batch: float32's own erf
        return erf_float32(given)
    shape = np.shape(given)
    x = np.asarray(x, dtype=np.float64).reshape(-1)  # flat: NumPy's calls on a flat array cost less
    if x.size <= AT_ONCE:
        with np.errstate(all="ignore"):
            return _erf_at_once(x, exp).reshape(shape)
    a = np.abs(x)
    result = x.copy()  # NaN fails every test below and stays NaN
    with np.errstate(all="ignore"):
        tiny = a < TINY_X
        result[tiny] = x[tiny] + EFX * x[tiny]
        small = (a < SMALL) & ~tiny
        xs = x[small]
        result[small] = xs + xs * _poly(PP, xs * xs) / _poly(QQ, xs * xs)
        middle = (a >= SMALL) & (a < MIDDLE)
        s = a[middle] - 1.0
        result[middle] = np.copysign(ERX + _poly(PA, s) / _poly(QA, s), x[middle])
        tail = (a >= MIDDLE) & (a < LARGE)
        result[tail] = np.copysign(1.0 - _erfc_tail(a[tail], exp), x[tail])
        large = a >= LARGE  # erf rounds to ±1
        result[large] = np.copysign(1.0, x[large])
    return result.reshape(shape)


AT_ONCE = 4096  # numbers at most for erf's one pass of every interval's polynomials (a trace's, a token's)


def _padded(*polynomials) -> np.ndarray:
    """(highest power + 1, polynomials): row i holds each one's coefficient of t^i, 0 above its own degree.
    Horner's rule on a padded polynomial rounds as on the short one: 0·t + 0 = 0, then 0·t + c = c."""
    width = max(map(len, polynomials))
    return np.array([list(p) + [0.0] * (width - len(p)) for p in polynomials]).T


NUMERATORS, DENOMINATORS = _padded(PP, PA, RA, RB), _padded(QQ, QA, SA, SB)  # small, middle, tail, far tail


def _erf_at_once(x: np.ndarray, exp) -> np.ndarray:
    """erf of a few numbers, flat: each number's own interval's polynomials in one Horner pass, its
    coefficients gathered, where the masks cost calls for every polynomial of every interval; the same
    operations in the same order on each number as erf's, so the same bits."""
    a = np.abs(x)
    square = x * x  # |x|·|x|, the same bits
    interval = (a >= SMALL).astype(np.intp) + (a >= MIDDLE) + (a >= TAIL)  # (n,): a column of NUMERATORS
    t = np.where(a < SMALL, square, np.where(a < MIDDLE, a - 1.0, 1.0 / square))  # each interval's variable
    p, q = _poly_rows(NUMERATORS[:, interval], t), _poly_rows(DENOMINATORS[:, interval], t)
    ratio = p / q
    result = np.where(a < SMALL, x + x * p / q, np.copysign(ERX + ratio, x))
    tail = (a >= MIDDLE) & (a < LARGE)
    if tail.any():
        result[tail] = np.copysign(1.0 - _erfc_from(a[tail], ratio[tail], exp), x[tail])
    if not (a.size and a.min() >= TINY_X and a.max() < LARGE):  # a tiny number, a large one or NaN
        result = np.where(a < TINY_X, x + EFX * x, result)
        result = np.where(a >= LARGE, np.copysign(1.0, x), result)
        result = np.where(np.isnan(x), x, result)
    return result


def _poly_rows(rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    """_poly with each number's own coefficients: rows (powers, n), the constant first."""
    result = rows[-1].copy()
    for c in rows[-2::-1]:
        result *= t
        result += c
    return result


def _erfc_tail(a: np.ndarray, exp) -> np.ndarray:
    """erfc(a) for 1.25 ≤ a < 6, as fdlibm: exp(−z² − 0.5625)·exp((z − a)(z + a) + R/S) / a."""
    s = 1.0 / (a * a)
    near = a < TAIL
    ratio = np.empty_like(a)
    ratio[near] = _poly(RA, s[near]) / _poly(SA, s[near])  # each number by its own interval's ratio only
    far = ~near
    ratio[far] = _poly(RB, s[far]) / _poly(SB, s[far])
    return _erfc_from(a, ratio, exp)


def _erfc_from(a: np.ndarray, ratio: np.ndarray, exp) -> np.ndarray:
    """fdlibm's erfc(a) from its interval's R/S."""
    z = (a.view(np.uint64) & np.uint64(0xFFFFFFFF00000000)).view(np.float64)  # a with its low 32 bits cleared
    both = exp(np.concatenate([-z * z - 0.5625, (z - a) * (z + a) + ratio]))  # one call: exp costs its calls
    return both[:a.size] * both[a.size:] / a


def _poly(coefficients: tuple[float, ...], t: np.ndarray) -> np.ndarray:
    """c0 + t·(c1 + t·(c2 + …)), evaluated by Horner's rule in fdlibm's order."""
    result = np.full_like(t, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        result *= t  # in place: the same two roundings as c + t·result, without a new array for each
        result += c
    return result


# float32's erf (kept and tested, though no plan calls it now: float32 GELU computes its own Φ,
# netspec/ops/gelu.py): two polynomials, both computed everywhere (no masks,
# no gathering: a float32 batch is for speed), the head's picked below |x| = 0.927734375. These are
# Norbert Juffa's minimax coefficients for erff (each within 0.996 ulp with fused multiply-adds);
# NumPy rounds each product, and tests/test_float32.py holds the result to within 1 ulp of math.erf
# rounded to float32 on a dense grid.
ERFF_SPLIT = np.float32(0.927734375)
ERFF_TAIL = tuple(np.float32(c) for c in (-1.72853470e-5, 3.83197126e-4, -3.88396438e-3, 2.42546219e-2,
                                          -1.06777877e-1, -6.34846687e-1, -1.28717512e-1))
ERFF_HEAD = tuple(np.float32(c) for c in (-5.96761703e-4, 4.99119423e-3, -2.67681349e-2, 1.12819925e-1,
                                          -3.76125336e-1, 1.28379166e-1))


CHUNK = 32_768  # numbers per pass of the float32 kernels: their six arrays of it stay in the core's cache


def erf_float32(a: np.ndarray) -> np.ndarray:
    """erf of a float32 array, in float32: 1 − exp(poly(|a|)) with a's sign above the split, a + a·poly(a²)
    below. CHUNK numbers at a time, each pass written into a buffer of its own (`out=`): thirty-odd
    passes over a million numbers read and write memory thirty-odd times; over a chunk, the cache."""
    buffers = Buffers(min(CHUNK, np.size(a)))
    return by_chunks(a, np.float32, lambda part, out: erf_float32_into(part, out, buffers))


def by_chunks(x, dtype, fill) -> np.ndarray:
    """fill(part, out) over CHUNK numbers of x at a time (flattened, in `dtype`), into one result shaped as
    x: each number's arithmetic is its own, so the chunks change no bit, and the passes read the cache."""
    flat = np.ascontiguousarray(x, dtype=dtype).reshape(-1)
    result = np.empty_like(flat)
    for start in range(0, flat.size, CHUNK):
        fill(flat[start:start + CHUNK], result[start:start + CHUNK])
    return result.reshape(np.shape(x))


class Buffers:
    """The scratch arrays of one chunk, made once per call and reused for every chunk."""

    def __init__(self, size: int):
        self.t, self.s, self.h = (np.empty(size, dtype=np.float32) for _ in range(3))
        self.head = np.empty(size, dtype=bool)

    def cut(self, size: int):
        return self.t[:size], self.s[:size], self.h[:size], self.head[:size]


def erf_float32_into(a: np.ndarray, r: np.ndarray, buffers: Buffers) -> None:
    """erf(a) written into r (both float32, one chunk, r not a): every pass in place or into a buffer."""
    t, s, h, head = buffers.cut(a.size)
    np.abs(a, out=t)
    np.multiply(a, a, out=s)
    np.multiply(t, ERFF_TAIL[0], out=r)
    r += ERFF_TAIL[1]
    np.multiply(t, ERFF_TAIL[2], out=h)
    h += ERFF_TAIL[3]
    r *= s
    r += h
    for c in ERFF_TAIL[4:]:
        r *= t
        r += c
    r *= t
    r -= t
    np.exp(r, out=r)
    np.subtract(np.float32(1), r, out=r)
    np.copysign(r, a, out=r)
    np.multiply(s, ERFF_HEAD[0], out=h)
    h += ERFF_HEAD[1]
    for c in ERFF_HEAD[2:]:
        h *= s
        h += c
    h *= a
    h += a
    np.less_equal(t, ERFF_SPLIT, out=head)
    np.copyto(r, h, where=head)
