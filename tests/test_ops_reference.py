"""Each operation's kernels (batch and explaining) against PyTorch 2.13, recorded in tests/reference/ (issue 4).

The .npz files were written by scripts/record_reference.py; this file never imports
torch (only the last test, which re-records, does, and it skips without torch).

Tolerances, float64:
* rtol 1e-12 everywhere: the formulas are the ones PyTorch uses, so results agree to a
  few units in the last place (observed: at most 1.3e-15 relative away from the tails).
* atol 1e-15 for gelu and gelu_tanh as well: far out on the negative side both compute
  x·(1 + t)/2 with t within 1e-7 of −1, a difference of nearly equal numbers. erf and
  tanh implementations that differ by one unit in the last place of t (1.1e-16) then
  differ by up to |x|·1.1e-16 ≈ 1e-15 absolute (|x| ≤ 12 here), which is a large
  *relative* difference of a result that is itself almost 0 (observed 8.9e-16).
* layer_norm, atol 1e-14·max(1, max|x|/std) as well: not the same formula (PyTorch takes
  Welford's mean and variance and computes x·rstd − mean·rstd; netspec a two-pass mean
  and (x − mean)/√(variance + eps), the worked form). Both round x − mean, an error of
  about 1e-16·|x| that division by std magnifies by |x|/std: 1e6 for the `large` case
  (numbers near 10⁶ spread by about 1), where the two differ by 2.3e-11 (bound 1e-8).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from netspec import ops
from netspec.ops.arithmetic import EXACT
from netspec.ops.erf import erf

REFERENCE = Path(__file__).resolve().parent / "reference"
RTOL = 1e-12
TAIL_ATOL = 1e-15


def _load(name: str) -> dict[str, np.ndarray]:
    with np.load(REFERENCE / f"{name}.npz") as found:
        return {key: found[key] for key in found.files}


def _cases(arrays: dict) -> list[str]:
    return sorted({key.split(".")[0] for key in arrays})


def check_op(op_name, xs, ps, options, expected, rtol=RTOL, atol=0.0):
    """The batch kernel and the explaining kernel both give `expected`, shape first."""
    op = ops.lookup(op_name)
    for path, result in (("kernel", op.kernel(xs, ps, options)), ("explain", op.explain(xs, ps, options)[0])):
        assert result.shape == expected.shape, path
        np.testing.assert_allclose(result, expected, rtol=rtol, atol=atol, err_msg=f"{op_name} {path}")


ELEMENTWISE = [  # file, case, operation, atol
    ("gelu", "none", "gelu", TAIL_ATOL),
    ("gelu", "tanh", "gelu_tanh", TAIL_ATOL),
    ("sigmoid", "grid", "logistic", 0.0),
    ("tanh", "grid", "tanh", 0.0),
    ("relu", "grid", "relu", 0.0),
]


@pytest.mark.parametrize("name, case, op_name, atol", ELEMENTWISE, ids=[e[2] for e in ELEMENTWISE])
def test_elementwise_matches_torch(name, case, op_name, atol):
    """gelu (exact and tanh), logistic, tanh and relu over −12…12 and the edge values 0, −0, ±1e-300, ±1e-8."""
    arrays = _load(name)
    check_op(op_name, [arrays[f"{case}.x"]], [], {}, arrays[f"{case}.y"], atol=atol)


SOFTMAX = _cases(_load("softmax"))


@pytest.mark.parametrize("case", SOFTMAX)
def test_softmax_matches_torch(case):
    """Including logits (1000, 999): subtracting the largest first keeps e^x finite."""
    arrays = _load("softmax")
    check_op("softmax", [arrays[f"{case}.x"]], [], {}, arrays[f"{case}.y"])


LAYER_NORM = _cases(_load("layer_norm"))


@pytest.mark.parametrize("case", LAYER_NORM)
def test_layer_norm_matches_torch(case):
    """With and without scale and shift; eps 0, 1e-12, 1e-5 and 0.1; one neuron; equal, large and huge numbers."""
    arrays = _load("layer_norm")
    x, eps = arrays[f"{case}.x"], float(arrays[f"{case}.eps"])
    params = [arrays[f"{case}.scale"], arrays[f"{case}.shift"]] if f"{case}.scale" in arrays else []
    std = np.sqrt(x.var(axis=-1) + eps)
    atol = 1e-14 * max(1.0, float(np.max(np.abs(x).max(axis=-1) / std)))
    check_op("layer_norm", [x], params, {"eps": eps}, arrays[f"{case}.y"], atol=atol)


RMS_NORM = _cases(_load("rms_norm"))


@pytest.mark.parametrize("case", RMS_NORM)
def test_rms_norm_matches_torch(case):
    """x / √(mean(x²) + eps) · gain: eps 0, 1e-6 and 0.1; one neuron; zeros, large and huge numbers; a sequence."""
    arrays = _load("rms_norm")
    x, eps, n = arrays[f"{case}.x"], float(arrays[f"{case}.eps"]), int(arrays[f"{case}.positions"])
    options = {"eps": eps, **({"positions": n} if n > 1 else {})}
    check_op("rms_norm", [x], [arrays[f"{case}.gain"]], options, arrays[f"{case}.y"])


ATTENTION = _cases(_load("attention"))


def _attention_options(arrays, case) -> dict:
    nq, nk, d, dv, heads = (int(n) for n in arrays[f"{case}.shape"])
    last, sqrt, causal = (bool(f) for f in arrays[f"{case}.form"])
    return {"query": "last" if last else "all", "scale": "sqrt" if sqrt else "none",
            "mask": "causal" if causal else "none", "heads": heads, "queries": nq, "keys": nk}


@pytest.mark.parametrize("case", ATTENTION)
def test_attention_matches_torch(case):
    """scaled_dot_product_attention: the article's form (last query, no scale, no mask), the standard form
    (scaled, causal), two heads, cross-attention, one token, scores near 10^6, 64 positions."""
    arrays = _load("attention")
    xs = [arrays[f"{case}.{name}"] for name in "qkv"]
    check_op("attention", xs, [], _attention_options(arrays, case), arrays[f"{case}.y"], atol=1e-15)


def test_multihead_attention_matches_torch():
    """nn.MultiheadAttention (no bias, causal mask) = dense at each position for q, k, v, attention with
    heads=3 scaled and masked, then dense with W_O at each position: the standard scheme as a spec writes it."""
    arrays = _load("multihead")
    x, n = arrays["x"], 5
    each = ops.lookup("dense_each")
    q, k, v = (each.kernel([x], [arrays[w]], {"positions": n}) for w in ("Wq", "Wk", "Wv"))
    options = {"query": "all", "scale": "sqrt", "mask": "causal", "heads": int(arrays["heads"]), "queries": n,
               "keys": n}
    for path in ("kernel", "explain"):
        run = getattr(ops.lookup("attention"), path)
        mixed = run([q, k, v], [], options)
        mixed = mixed[0] if path == "explain" else mixed
        y = each.kernel([mixed], [arrays["WO"]], {"positions": n})
        np.testing.assert_allclose(y, arrays["y"], rtol=RTOL, atol=1e-14, err_msg=path)


def test_sequence_operations_match_torch():
    """softmax and layer_norm over each position's features, embedding rows, and concatenation per position."""
    arrays = _load("sequences")
    x, positions = arrays["x"], {"positions": 4}
    check_op("softmax", [x], [], positions, arrays["softmax.y"])
    check_op("layer_norm", [x], [arrays["scale"], arrays["shift"]], {"eps": 1e-5, **positions},
             arrays["layer_norm.y"], atol=1e-14)
    check_op("embed", [arrays["ids"]], [arrays["table"]], {"start": 0}, arrays["embed.y"])
    check_op("concat", [x, arrays["other"]], [], {"positions": 4, "widths": (5, 2)}, arrays["concat.y"])


@pytest.mark.parametrize("case", _cases(_load("positional")))
def test_paper_positional_encoding_matches_torch(case):
    """The paper's sin/cos, netspec as 10000^(2k/d), PyTorch's tutorial as exp(2k·(−ln 10000)/d): the two
    ways of writing the frequency differ in the last bits, and sin of an angle up to 49 turns that into
    up to about 1e-14 absolute."""
    arrays = _load("positional")
    n, d = (int(part) for part in case.split("_")[1].split("x"))
    expected = arrays[f"{case}.y"].reshape(1, -1)
    check_op("positional_encoding", [np.zeros((1, n * d))], [], {"form": "paper", "start": 0, "shape": (n, d)},
             expected, rtol=0, atol=1e-13)


def test_dense_and_dropout_match_torch():
    """linear (x·W, and + b) and dropout at inference, which PyTorch's inverted dropout leaves unchanged."""
    arrays = _load("layers")
    x = arrays["x"]
    check_op("dense", [x], [arrays["W"]], {}, arrays["linear.y"])
    check_op("dense", [x], [arrays["W"], arrays["b"]], {}, arrays["linear_bias.y"])
    check_op("dense_each", [x], [arrays["W"]], {"positions": 1}, arrays["linear.y"])
    check_op("dropout", [x], [], {"p": 0.3, "mode": "inverted"}, arrays["dropout.y"], rtol=0)


def test_the_recording_says_which_torch():
    note = json.loads((REFERENCE / "recorded.json").read_text(encoding="utf-8"))
    assert note["torch"].startswith("2.13.0") and note["dtype"] == "float64"
    assert sorted(p.name for p in REFERENCE.glob("*.npz")) == note["files"]


def test_erf_is_math_erf_to_the_last_digit():
    """netspec's vectorised erf (fdlibm's) against math.erf on a dense grid: within 1e-15 relative."""
    x = np.concatenate([np.linspace(-7, 7, 200_001), np.geomspace(1e-300, 1e-2, 3001),
                        -np.geomspace(1e-300, 1e-2, 3001), [0.84375, 1.25, 2.857142857, 6.0, 28.0, 1e300]])
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(erf(x), expected, rtol=1e-15, atol=0)
    assert erf(np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0] and np.isnan(erf(np.array([np.nan])))[0]


def test_erf_is_within_one_unit_in_the_last_place_of_math_erf():
    """On 800,001 points from −7 to 7, every interval's edges and the tiny numbers: at most 1 ulp from math.erf.

    math.erf is the C library's (glibc's fdlibm, built with fused multiply-adds on a CPU
    that has them), so the last bit of a few per cent of numbers differs from NumPy's
    unfused arithmetic; one ulp is the bound both versions of fdlibm's erf keep."""
    edges = np.array([2.0 ** -28, 0.84375, 1.25, 1 / 0.35, 6.0])
    near = (edges[:, None] * (1 + np.arange(-50, 51) * 2.0 ** -52)).ravel()
    x = np.concatenate([np.linspace(-7, 7, 800_001), near, -near, np.geomspace(1e-300, 1e-8, 2001)])
    expected = np.array([math.erf(v) for v in x.tolist()])
    ulps = np.abs(erf(x).view(np.int64) - expected.view(np.int64))  # same signs: the distance in representable floats
    assert ulps.max() <= 1


def test_erf_of_a_few_numbers_is_erf_of_many_bit_for_bit():
    """A few numbers at a time (a token's GELU: each interval's polynomials in one pass, the coefficients
    gathered per number) give the bits of a large batch (each interval's numbers apart, by masks), with
    the exact exp and NumPy's: on every interval's edges, a dense grid, tiny and huge numbers, ±∞ and NaN."""
    rng = np.random.default_rng(4)
    edges = np.array([2.0 ** -28, 0.84375, 1.25, 1 / 0.35, 6.0, 0.0, 1.0])
    near = (edges[:, None] + np.maximum(np.spacing(edges), 5e-324)[:, None] * np.arange(-30, 31)).ravel()
    x = np.concatenate([near, -near, np.linspace(-7, 7, 20_001), rng.standard_normal(5000) * 3,
                        rng.standard_normal(500) * 1e-9, rng.integers(0, 2 ** 64, 500, dtype=np.uint64).view(np.float64),
                        [np.inf, -np.inf, np.nan, -0.0]])
    assert x.size > 4096  # the whole takes the masks
    for exp in (EXACT.exp, np.exp):
        whole = erf(x, exp)
        for chunk in (4096, 300, 5):
            parts = np.concatenate([erf(x[i:i + chunk], exp) for i in range(0, x.size, chunk)])
            assert np.array_equal(parts.view(np.int64), whole.view(np.int64))


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch's own import-time notices are not ours
def test_rerecording_gives_the_stored_numbers():
    """Rerun scripts/record_reference.py's recording in memory: torch still gives the stored arrays."""
    torch = pytest.importorskip("torch")
    import importlib.util

    path = REFERENCE.parent.parent / "scripts" / "record_reference.py"
    spec = importlib.util.spec_from_file_location("record_reference", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    fresh = {**script.elementwise(torch), "softmax": script.softmax(torch), "layer_norm": script.layer_norm(torch),
             "rms_norm": script.rms_norm(torch), "attention": script.attention(torch), "multihead": script.multihead(torch),
             "sequences": script.sequences(torch), "positional": script.positional(torch),
             "layers": script.layers(torch), "pooling": script.pooling(torch)}
    for name, arrays in fresh.items():
        stored = _load(name)
        assert sorted(arrays) == sorted(stored), name
        for key, array in arrays.items():
            np.testing.assert_allclose(array, stored[key], rtol=RTOL, atol=TAIL_ATOL, err_msg=f"{name} {key}")
