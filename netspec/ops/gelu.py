"""GELU, neuron by neuron: one value in, the same neurons out (not in the article; nanoGPT's activation).

gelu(x)      = x·Φ(x), Φ(x) = (1 + erf(x/√2)) / 2, the exact form (PyTorch approximate='none')
gelu_tanh(x) = x·(1 + tanh(c·(x + k·x·x·x))) / 2, c = √(2/π), k = 0.044715, the tanh
               approximation of GPT-2 and nanoGPT (PyTorch approximate='tanh')

Both compute in the order PyTorch does, so the recorded references match to the last
digits (tests/test_ops_reference.py).
"""

from __future__ import annotations

import math

import numpy as np

from netspec.ops.activations import check_one_value
from netspec.ops.arithmetic import EXACT, FAST
from netspec.ops.base import same_at_each_position, EXACT_CALL, OpDef, elementwise_cost
from netspec.ops.worked import Arg, Chain, Num, Record, address
from netspec.ops import erf as fdlibm
from netspec.ops.erf import erf
from netspec.phrases import Phrase
from netspec.records import record

ROOT_HALF = math.sqrt(0.5)  # 1/√2, as PyTorch's M_SQRT1_2
ROOT_HALF_32 = np.float32(ROOT_HALF)
C = math.sqrt(2.0 / math.pi)  # √(2/π) ≈ 0.79788
K = 0.044715


@record
class Gelu(Record):
    x: np.ndarray  # (batch, n)
    scaled: np.ndarray  # x/√2
    erf: np.ndarray  # erf(x/√2)
    phi: np.ndarray  # Φ(x)


@record
class GeluTanh(Record):
    x: np.ndarray  # (batch, n)
    cube: np.ndarray  # x·x·x
    k_cube: np.ndarray  # k·x·x·x
    sum: np.ndarray  # x + k·x·x·x
    inner: np.ndarray  # c·(x + k·x·x·x)
    tanh: np.ndarray  # tanh(inner)
    c: np.float64
    k: np.float64


def _gelu(xs, ps, options, arith=EXACT):
    x = xs[0]  # (batch, n)
    scaled = x * ROOT_HALF  # x/√2
    erf_scaled = erf(scaled, arith.exp)
    phi = (1.0 + erf_scaled) * 0.5  # Φ(x), the share of x that passes
    return x * phi, Gelu(x, scaled, erf_scaled, phi)


def _gelu_tanh(xs, ps, options, arith=EXACT):
    x = xs[0]  # (batch, n)
    cube = x * x * x
    inner = C * (x + K * cube)
    tanh_inner = arith.tanh(inner)
    result = 0.5 * x * (1.0 + tanh_inner)
    return result, GeluTanh(x, cube, K * cube, x + K * cube, inner, tanh_inner, np.float64(C), np.float64(K))


EXACT_GELU = Phrase("the exact GELU: x·Φ(x), where Φ(x) = (1 + erf(x / √2)) / 2 is the share of x that passes",
                    "精确的 GELU：x·Φ(x)，其中 Φ(x) = (1 + erf(x / √2)) / 2 是 x 能通过的比例")
TANH_GELU = Phrase("GELU's tanh approximation: x·(1 + tanh(inner)) / 2, where inner = √(2/π)·(x + 0.044715·x·x·x)",
                   "GELU 的 tanh 近似：x·(1 + tanh(inner)) / 2，其中 inner = √(2/π)·(x + 0.044715·x·x·x)")


def _gelu_worked(step, r: int):
    rec = step.record
    preamble = [(EXACT_GELU(),)]
    items = []
    for j, label in enumerate(step.labels):
        x, phi = rec.x[r, j], rec.phi[r, j]
        items.append(Chain(f"{step.name}.Φ({label})", f"Φ({label})", (
            ("(1 + erf(", Arg(x), " / √2)) / 2"), ("(1 + erf(", Arg(rec.scaled[r, j]), ")) / 2"),
            ("(1 + ", Num(rec.erf[r, j]), ") / 2"), (Num(phi),))))
        items.append(Chain(address(step, label), label, ((Num(x), "·", Num(phi)), (Num(step.result[r, j]),))))
    return preamble, items


def _gelu_tanh_worked(step, r: int):
    rec = step.record
    preamble = [(TANH_GELU(),)]
    items = []
    for j, label in enumerate(step.labels):
        x, inner, tanh = rec.x[r, j], rec.inner[r, j], rec.tanh[r, j]
        items.append(Chain(f"{step.name}.inner({label})", f"inner({label})", (
            ("√(2/π)·(", Num(x), " + 0.044715·", Num(x), "·", Num(x), "·", Num(x), ")"),
            (Num(rec.c), "·(", Num(x), " + ", Num(rec.k_cube[r, j]), ")"),
            (Num(rec.c), "·", Num(rec.sum[r, j])), (Num(inner),))))
        items.append(Chain(f"{step.name}.tanh({label})", f"tanh({label})", (("tanh(", Arg(inner), ")"), (Num(tanh),))))
        items.append(Chain(address(step, label), label, ((Num(x), "·(1 + ", Num(tanh), ") / 2"),
                                                         (Num(step.result[r, j]),))))
    return preamble, items


def _gelu_gradient(xs, ps, options, y, gy):
    """d/dx x·Φ(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π) the normal density."""
    x = xs[0]
    phi = (1.0 + erf(x * ROOT_HALF, np.exp)) * 0.5
    return [gy * (phi + x * np.exp(-0.5 * x * x) * (ROOT_HALF / math.sqrt(math.pi)))], []


def _gelu_tanh_gradient(xs, ps, options, y, gy):
    """d/dx x·(1 + t)/2 with t = tanh(c·(x + k·x³)): (1 + t)/2 + x·(1 − t²)·c·(1 + 3k·x²)/2."""
    x = xs[0]
    t = np.tanh(C * (x + K * x * x * x))
    return [gy * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * C * (1.0 + 3.0 * K * x * x))], []


def _fast(explain):
    return lambda xs, ps, options: explain(xs, ps, options, FAST)[0]


def _gelu_kernel(xs, ps, options):
    """A float32 batch by gelu_float32; float64 by _gelu's own steps (its bits are the documented ones),
    a cache-sized chunk at a time: each number's arithmetic is its own, so chunks change no bit, and the
    erf's masks and dozens of passes then read the cache, not memory (MiniLM's GELU: 3 million numbers)."""
    x = xs[0]
    if x.dtype == np.float32:
        return gelu_float32(x)
    if x.size <= fdlibm.CHUNK:
        return _gelu([x], ps, options, FAST)[0]

    def fill(part, out):
        out[:] = _gelu([part], ps, options, FAST)[0]
    return fdlibm.by_chunks(x, np.float64, fill)


# float32's GELU: relu(x) − |x|·Φ(−|x|), which is x·Φ(x) for either sign of x, with Φ(−a) = erfc(a/√2)/2 as
# exp(p(a)), one polynomial of degree 9 on a = |x| clamped to [0, 8] (Φ(−8) = 6e-16): no erf with its two
# branches, no sign to copy and no choice between branches, each of which costs a pass of masks or gathers.
# scripts/fit_gelu_float32.py fits and prints the coefficients; tests/test_float32.py holds the result
# against math.erf's x·Φ(x) on a dense grid.
# Each constant is a 0-d float32 array, not a NumPy scalar: a ufunc takes it as it is, where a scalar is
# first made into an array (a tenth of the kernel's time on the 768 numbers of one window of a generation).
GELU32 = tuple(np.array(c, dtype=np.float32) for c in (-0.6931472, -0.7978848, -0.3183064, -0.036351938, 0.004818449,
                                                       -5.5215255e-06, -0.00018686292, 4.8236696e-05, -5.9126655e-06,
                                                       3.0006495e-07))
GELU32_LIMIT, GELU32_ZERO = np.array(8, dtype=np.float32), np.array(0, dtype=np.float32)


def gelu_float32(x: np.ndarray) -> np.ndarray:
    """x·Φ(x) in float32 as relu(x) − a·exp(p(a)), a = |x| clamped to 8 (so ∞ stays ∞ and NaN NaN), a
    cache-sized chunk at a time (ops/erf.py's CHUNK), every pass in place: 24 passes, one of them exp.
    A single chunk (one window of a generation: 768 numbers) is computed as it is, with no loop."""
    if x.size <= fdlibm.CHUNK:
        a = np.abs(x.reshape(-1), dtype=np.float32)
        out = np.empty_like(a)
        _gelu32_into(x.reshape(-1), out, a, np.empty_like(a))
        return out.reshape(x.shape)
    clamped, share = np.empty(fdlibm.CHUNK, dtype=np.float32), np.empty(fdlibm.CHUNK, dtype=np.float32)

    def fill(part, out):
        a = clamped[:part.size]
        np.abs(part, out=a)
        _gelu32_into(part, out, a, share[:part.size])
    return fdlibm.by_chunks(x, np.float32, fill)


def _gelu32_into(part: np.ndarray, out: np.ndarray, a: np.ndarray, p: np.ndarray) -> None:
    """GELU of `part` into `out`, given a = |part| (clamped here) and a scratch array p of its size."""
    np.minimum(a, GELU32_LIMIT, out=a)
    np.multiply(a, GELU32[-1], out=p)
    for c in GELU32[-2:0:-1]:
        p += c
        p *= a
    p += GELU32[0]
    np.exp(p, out=p)  # Φ(−a)
    p *= a
    np.maximum(part, GELU32_ZERO, out=out)
    out -= p


def _gelu_onnx(g, xs, ps, options) -> str:
    """x·(1 + erf(x·(1/√2)))·0.5, in _gelu's order. onnxruntime has Erf in float32 only, so a float64
    export spells out ops/erf.py's fdlibm approximation in float64 nodes instead."""
    x = xs[0]
    scaled = g.node("Mul", x, g.scalar(ROOT_HALF, "root_half"))
    erf_scaled = g.node("Erf", scaled) if g.dtype == np.float32 else _erf_onnx(g, scaled)
    phi = g.node("Mul", g.node("Add", g.scalar(1.0, "one"), erf_scaled), g.scalar(0.5, "half"))
    return g.node("Mul", x, phi)


def _erf_onnx(g, x: str) -> str:
    """fdlibm's erf (ops/erf.py) as ONNX nodes: each interval's formula on every number, the right one
    chosen with Where. Clearing a's low 32 bits (the tail's z) is a floor at a power of two, exact."""
    a = g.node("Abs", x)
    sign = lambda v: g.node("Where", g.node("Less", x, g.scalar(0.0, "zero")), g.node("Neg", v), v)  # noqa: E731
    x2 = g.node("Mul", x, x)
    small = g.node("Add", x, g.node("Div", g.node("Mul", x, g.polynomial(fdlibm.PP, x2)), g.polynomial(fdlibm.QQ, x2)))
    tiny = g.node("Add", x, g.node("Mul", g.scalar(fdlibm.EFX, "efx"), x))
    s = g.node("Sub", a, g.scalar(1.0, "one"))
    middle = sign(g.node("Add", g.scalar(fdlibm.ERX, "erx"), g.node("Div", g.polynomial(fdlibm.PA, s),
                                                                      g.polynomial(fdlibm.QA, s))))
    t = g.node("Div", g.scalar(1.0, "one"), x2)
    ratio = g.node("Where", g.node("Less", a, g.scalar(fdlibm.TAIL, "tail")),
                   g.node("Div", g.polynomial(fdlibm.RA, t), g.polynomial(fdlibm.SA, t)),
                   g.node("Div", g.polynomial(fdlibm.RB, t), g.polynomial(fdlibm.SB, t)))
    step = g.node("Where", g.node("Less", a, g.scalar(2.0, "two")), g.scalar(2.0 ** 20, "ulp"),
                  g.node("Where", g.node("Less", a, g.scalar(4.0, "four")), g.scalar(2.0 ** 19, "ulp"),
                         g.scalar(2.0 ** 18, "ulp")))  # a's 20 high mantissa bits kept: a·2^(20−e), floored
    z = g.node("Div", g.node("Floor", g.node("Mul", a, step)), step)
    first = g.node("Exp", g.node("Sub", g.node("Neg", g.node("Mul", z, z)), g.scalar(0.5625, "c")))
    second = g.node("Exp", g.node("Add", g.node("Mul", g.node("Sub", z, a), g.node("Add", z, a)), ratio))
    tail = sign(g.node("Sub", g.scalar(1.0, "one"), g.node("Div", g.node("Mul", first, second), a)))
    large = sign(g.scalar(1.0, "one"))
    result = g.node("Where", g.node("Less", a, g.scalar(fdlibm.LARGE, "large")), tail, large)
    result = g.node("Where", g.node("Less", a, g.scalar(fdlibm.MIDDLE, "middle")), middle, result)
    result = g.node("Where", g.node("Less", a, g.scalar(fdlibm.SMALL, "small")), small, result)
    result = g.node("Where", g.node("Less", a, g.scalar(fdlibm.TINY_X, "tiny")), tiny, result)
    return g.node("Where", g.node("IsNaN", x), x, result)


def _gelu_tanh_onnx(g, xs, ps, options) -> str:
    """0.5·x·(1 + tanh(c·(x + k·x·x·x))), in _gelu_tanh's order."""
    x = xs[0]
    cube = g.node("Mul", g.node("Mul", x, x), x)
    inner = g.node("Mul", g.scalar(C, "c"), g.node("Add", x, g.node("Mul", g.scalar(K, "k"), cube)))
    half_x = g.node("Mul", g.scalar(0.5, "half"), x)
    return g.node("Mul", half_x, g.node("Add", g.scalar(1.0, "one"), g.node("Tanh", inner)))


def gelu_cost(args, options):
    """Up to seven arrays as wide as x for the trace (gelu_tanh's cube, inner, tanh, …); an exp or a tanh each."""
    return elementwise_cost(args, options, kernel=8, explain=8, operations=30 + EXACT_CALL) if args else None  # gelu_tanh's tanh


OPS = (
    # x·Φ(x) with Φ(x) = (1 + erf(x/√2)) / 2, the exact GELU
    OpDef("gelu", "activation", check_one_value, _gelu_kernel, _gelu, _gelu_worked, cost=gelu_cost,
          gradient=_gelu_gradient, cached=same_at_each_position, onnx=_gelu_onnx, propagates=True),
    # x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) / 2, GELU's tanh approximation
    OpDef("gelu_tanh", "activation", check_one_value, _fast(_gelu_tanh), _gelu_tanh, _gelu_tanh_worked, cost=gelu_cost,
          gradient=_gelu_tanh_gradient, cached=same_at_each_position, onnx=_gelu_tanh_onnx, propagates=True),
)
