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
from netspec.ops.base import EXACT_CALL, OpDef, elementwise_cost
from netspec.ops.erf import erf

ROOT_HALF = math.sqrt(0.5)  # 1/√2, as PyTorch's M_SQRT1_2
C = math.sqrt(2.0 / math.pi)  # √(2/π) ≈ 0.79788
K = 0.044715


def _gelu(xs, ps, options, arith=EXACT):
    x = xs[0]  # (batch, n)
    scaled = x * ROOT_HALF  # x/√2
    erf_scaled = erf(scaled, arith.exp)
    phi = (1.0 + erf_scaled) * 0.5  # Φ(x), the share of x that passes
    return x * phi, {"x": x, "scaled": scaled, "erf": erf_scaled, "phi": phi}


def _gelu_tanh(xs, ps, options, arith=EXACT):
    x = xs[0]  # (batch, n)
    cube = x * x * x
    inner = C * (x + K * cube)
    tanh_inner = arith.tanh(inner)
    result = 0.5 * x * (1.0 + tanh_inner)
    record = {"x": x, "cube": cube, "k_cube": K * cube, "sum": x + K * cube, "inner": inner,
              "tanh": tanh_inner, "c": np.float64(C), "k": np.float64(K)}
    return result, record


def _fast(explain):
    return lambda xs, ps, options: explain(xs, ps, options, FAST)[0]


def gelu_cost(args, options):
    """Up to seven arrays as wide as x for the trace (gelu_tanh's cube, inner, tanh, …); an exp or a tanh each."""
    return elementwise_cost(args, options, kernel=8, explain=8, operations=30 + EXACT_CALL) if args else None  # gelu_tanh's tanh


OPS = (
    OpDef("gelu", "x·Φ(x) with Φ(x) = (1 + erf(x/√2)) / 2, the exact GELU", "activation",
          check_one_value, _fast(_gelu), _gelu, cost=gelu_cost),
    OpDef("gelu_tanh", "x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) / 2, GELU's tanh approximation", "activation",
          check_one_value, _fast(_gelu_tanh), _gelu_tanh, cost=gelu_cost),
)
