"""GELU, neuron by neuron: one value in, the same neurons out (not in the article; nanoGPT's activation).

gelu(x)      = x·Φ(x), Φ(x) = (1 + erf(x/√2)) / 2, the exact form (PyTorch approximate='none')
gelu_tanh(x) = x·(1 + tanh(c·(x + k·x·x·x))) / 2, c = √(2/π), k = 0.044715, the tanh
               approximation of GPT-2 and nanoGPT (PyTorch approximate='tanh')

Both compute in the order PyTorch does, so the recorded references match to the last
digits (tests/test_ops_reference.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from netspec.ops.activations import check_one_value
from netspec.ops.arithmetic import EXACT, FAST
from netspec.ops.base import EXACT_CALL, OpDef, elementwise_cost
from netspec.ops.worked import Arg, Chain, Num, Record, address
from netspec.ops.erf import erf

ROOT_HALF = math.sqrt(0.5)  # 1/√2, as PyTorch's M_SQRT1_2
C = math.sqrt(2.0 / math.pi)  # √(2/π) ≈ 0.79788
K = 0.044715


@dataclass(frozen=True)
class Gelu(Record):
    x: np.ndarray  # (batch, n)
    scaled: np.ndarray  # x/√2
    erf: np.ndarray  # erf(x/√2)
    phi: np.ndarray  # Φ(x)


@dataclass(frozen=True)
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


def _gelu_worked(step, r: int):
    rec = step.record
    preamble = [("the exact GELU: x·Φ(x), where Φ(x) = (1 + erf(x / √2)) / 2 is the share of x that passes",)]
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
    preamble = [("GELU's tanh approximation: x·(1 + tanh(inner)) / 2, where inner = √(2/π)·(x + 0.044715·x·x·x)",)]
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


def gelu_cost(args, options):
    """Up to seven arrays as wide as x for the trace (gelu_tanh's cube, inner, tanh, …); an exp or a tanh each."""
    return elementwise_cost(args, options, kernel=8, explain=8, operations=30 + EXACT_CALL) if args else None  # gelu_tanh's tanh


OPS = (
    # x·Φ(x) with Φ(x) = (1 + erf(x/√2)) / 2, the exact GELU
    OpDef("gelu", "activation", check_one_value, _fast(_gelu), _gelu, _gelu_worked, cost=gelu_cost,
          gradient=_gelu_gradient),
    # x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) / 2, GELU's tanh approximation
    OpDef("gelu_tanh", "activation", check_one_value, _fast(_gelu_tanh), _gelu_tanh, _gelu_tanh_worked, cost=gelu_cost,
          gradient=_gelu_tanh_gradient),
)
