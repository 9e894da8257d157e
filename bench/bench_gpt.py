"""Benchmark: specs/tiny_gpt.net run by netspec against the same GPT written by hand in NumPy.

    python bench/bench_gpt.py            # 1, 1,000 and 10,000 windows of 12 characters
    python bench/bench_gpt.py --quick    # 1 and 1,000

netspec's side is `netspec.run.runner.run(plan, rows)`: 29 steps (embedding, positions, two
pre-norm blocks of layer norm, causal two-head attention, W_O, residual adds, a GELU
MLP; final layer norm, last position, head), each with its NaN/infinity check, and the
decision. The NumPy side is the same model as plain array code written out below, with
the very same weight arrays and netspec's erf (NumPy has none). The outputs are compared
with np.allclose before anything is timed. Each cell is the median of alternating timings;
nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import netspec  # noqa: E402
from netspec.ops.erf import erf  # noqa: E402
from netspec.run.runner import run as run_plan  # noqa: E402

SPEC = REPO / "specs" / "tiny_gpt.net"


def numpy_gpt(w: dict, ids: np.ndarray) -> np.ndarray:
    """The tiny GPT by hand: (rows, 12) token numbers from 1 in, (rows, 27) scores at the last position out."""
    x = w["E"][ids.astype(np.intp) - 1] + w["P"][: ids.shape[1]]  # (rows, n, d)
    n = x.shape[1]
    causal = np.tril(np.ones((n, n), dtype=bool))
    for i in (1, 2):
        h = _layer_norm(x, w[f"ln1_scale[{i}]"], w[f"ln1_shift[{i}]"])
        q, k, v = (_heads(h @ w[f"W{c}[{i}]"] + w[f"b{c}[{i}]"]) for c in "qkv")
        scores = np.where(causal, q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1]), -np.inf)
        e = np.exp(scores - scores.max(axis=-1, keepdims=True))
        mixed = ((e / e.sum(axis=-1, keepdims=True)) @ v).transpose(0, 2, 1, 3).reshape(x.shape)
        x = x + mixed @ w[f"WO[{i}]"] + w[f"bO[{i}]"]
        up = _layer_norm(x, w[f"ln2_scale[{i}]"], w[f"ln2_shift[{i}]"]) @ w[f"W1[{i}]"] + w[f"b1[{i}]"]
        x = x + (up * (1 + erf(up / np.sqrt(2.0))) / 2) @ w[f"W2[{i}]"] + w[f"b2[{i}]"]
    return _layer_norm(x, w["lnf_scale"], w["lnf_shift"])[:, -1] @ w["head"]


def _layer_norm(x, scale, shift):
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + 1e-5) * scale + shift


def _heads(x):
    rows, n, d = x.shape
    return x.reshape(rows, n, 2, d // 2).transpose(0, 2, 1, 3)


def _median_pair(plan, weights, rows, min_time: float) -> tuple[float, float]:
    ours, theirs = [], []
    started = time.perf_counter()
    while time.perf_counter() - started < 2 * min_time or len(ours) < 5:
        t = time.perf_counter()
        run_plan(plan, rows)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        numpy_gpt(weights, rows)
        theirs.append(time.perf_counter() - t)
    return statistics.median(ours), statistics.median(theirs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 1 and 1,000 windows")
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds of samples per side per cell")
    args = parser.parse_args()
    spec = netspec.load_spec(str(SPEC))
    plan = netspec.compile_plan(spec)
    weights = {name: param.array for name, param in spec.params.items()}
    rng = np.random.default_rng(5)
    print(f"specs/tiny_gpt.net: {spec.parameter_count:,} weights, {len(plan.steps)} steps; numpy {np.__version__}")
    print(f"{'windows':>8}  {'netspec':>10}  {'numpy':>10}  ratio")
    for count in (1, 1_000) if args.quick else (1, 1_000, 10_000):
        rows = rng.integers(1, 28, size=(count, 12)).astype(np.float64)
        assert np.allclose(run_plan(plan, rows).outputs, numpy_gpt(weights, rows), rtol=1e-10, atol=1e-10)
        ours, theirs = _median_pair(plan, weights, rows, args.min_time)
        print(f"{count:>8,}  {ours * 1e3:>8.2f}ms  {theirs * 1e3:>8.2f}ms  {ours / theirs:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
