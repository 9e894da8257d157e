"""float32 plans: `dtype float32` in a spec, `--dtype` on the command line, compile_plan(spec, dtype=...).

Every spec of specs/ is run both ways; float32's outputs must lie within float32's own error of
float64's: a relative 2e-4 of the largest output (float32 keeps 24 bits, about 6e-8, and these
networks are a few dozen roundings deep), with the same decisions. Traces stay float64.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError
from netspec.run.runner import run, trace

from conftest import ROOT
from clirun import invoke

SPECS = sorted(p.name for p in (ROOT / "specs").glob("*.net"))
TOLERANCE = 2e-4


def _rows(spec):
    return np.stack([e.inputs for e in spec.examples])


@pytest.mark.parametrize("name", SPECS)
def test_float32_gives_float64s_outputs_within_float32s_error(name):
    spec = netspec.load_spec(str(ROOT / "specs" / name))
    if not spec.examples:
        pytest.skip("no examples to run")
    rows = _rows(spec)
    wide = run(netspec.compile_plan(spec), rows)
    narrow = run(netspec.compile_plan(spec, "float32"), rows)
    assert narrow.outputs.dtype == np.float32
    scale = np.abs(wide.outputs).max()
    assert np.abs(narrow.outputs - wide.outputs).max() <= TOLERANCE * scale
    assert list(narrow.decisions) == list(wide.decisions)


def test_leafs_float32_outputs_are_the_hand_arithmetic_in_float32():
    """The article's leaf row, worked in float32 by hand: each product and sum rounded to float32."""
    spec = netspec.load_spec(str(ROOT / "specs" / "leaf.net"))
    f = np.float32
    x = [f(32), f(107), f(56), f(11.2)]
    w1 = [[0.10, 0.12, -0.36], [-0.29, -0.05, -0.21], [-0.07, 0.04, -0.27], [0.46, 0.16, 0.18]]
    hidden = [sum((x[i] * f(w1[i][j]) for i in range(4)), f(0)) for j in range(3)]
    w2 = [[-0.17, 0.05], [0.39, -0.12], [0.10, -0.04]]
    out = [sum((hidden[j] * f(w2[j][k]) for j in range(3)), f(0)) for k in range(2)]
    got = run(netspec.compile_plan(spec, "float32"), [[32, 107, 56, 11.2]]).outputs[0]
    assert got.dtype == np.float32
    # BLAS may add in another order (or fuse a multiply-add): a few ulps of the hidden sums (near 30,
    # float32's spacing there is 1.9e-6) times W2's weights
    bound = 4 * float(np.spacing(np.float32(32))) * 0.39
    assert all(abs(float(g) - float(o)) <= bound for g, o in zip(got, out))
    assert abs(float(got[0]) - 0.79584) < 1e-6 and abs(float(got[1]) - 0.25122) < 1e-6


def test_a_float32_weight_file_comes_back_bit_for_bit(tmp_path):
    stored = (np.random.default_rng(1).standard_normal((4, 3)) / 3).astype(np.float32)
    np.save(tmp_path / "w1.npy", stored)
    (tmp_path / "s.net").write_text("input R\ninput G\ninput B\ninput Vol\nweights W1 from \"w1.npy\"\n"
                                    "layer out = dense(input, W1)\n", encoding="utf-8")
    spec = netspec.load_spec(str(tmp_path / "s.net"))
    plan = netspec.compile_plan(spec, "float32")
    assert plan.steps[0].params[0].dtype == np.float32
    assert plan.steps[0].params[0].tobytes() == stored.tobytes()


def test_the_spec_line_sets_the_dtype_and_the_command_line_overrides_it(tmp_path):
    path = tmp_path / "leaf32.net"
    path.write_text("dtype float32\n" + (ROOT / "specs" / "leaf.net").read_text(encoding="utf-8"), encoding="utf-8")
    spec = netspec.load_spec(str(path))
    assert spec.dtype == "float32" and netspec.compile_plan(spec).dtype == np.float32
    assert netspec.compile_plan(spec, "float64").dtype == np.float64
    assert netspec.load_spec(str(ROOT / "specs" / "leaf.net")).dtype is None
    shown = invoke("run", str(path))
    assert shown.exit_code == 0 and shown.output.startswith("computed in float32")
    assert "≈ 0.79584" in shown.output
    wide = invoke("run", str(path), "--dtype", "float64")
    assert not wide.output.startswith("computed") and "0.79584  0.25122" in wide.output


def test_the_command_lines_dtype_is_said_above_the_table():
    shown = invoke("run", str(ROOT / "specs" / "leaf.net"), "--dtype", "float32")
    assert shown.exit_code == 0
    first, header = shown.output.split("\n")[:2]
    assert first.startswith("computed in float32") and header.startswith("example")
    plain = invoke("run", str(ROOT / "specs" / "leaf.net"))
    assert plain.output.startswith("example")


def test_a_float32_plan_is_traced_in_float64():
    spec = netspec.load_spec(str(ROOT / "specs" / "leaf.net"))
    traced = trace(netspec.compile_plan(spec, "float32"), np.array([[32, 107, 56, 11.2]]), ["leaf"])
    assert traced.steps[-1].result.dtype == np.float64
    assert traced.steps[-1].result[0, 0] == 0.7958399999999992  # the exact way's bits, as without float32


def test_other_dtypes_are_refused(tmp_path):
    spec = netspec.load_spec(str(ROOT / "specs" / "leaf.net"))
    with pytest.raises(ValueError, match="float64 or float32"):
        netspec.compile_plan(spec, "float16")
    path = tmp_path / "s.net"
    path.write_text("dtype half\n" + (ROOT / "specs" / "leaf.net").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(NetspecError, match="unexpected 'half'"):
        netspec.load_spec(str(path))
    said = invoke("check", str(path))
    assert said.exit_code == 1 and "s.net:1:7" in said.stderr and "expected float64 or float32" in said.stderr
    refused = invoke("run", str(ROOT / "specs" / "leaf.net"), "--dtype", "float16")
    assert refused.exit_code == 2


PAST_FLOAT32 = "input a\ninput b\nweights W:\n   y     z\n a 1     0\n b {b}  1\nlayer out = dense(input, W)\n"


def test_a_weight_float32_cannot_hold_is_refused_at_its_table(tmp_path):
    """1e39 is finite in float64 and beyond float32's 3.4e38: a float32 plan refuses the table (NS506, at
    `weights W:`) rather than run every row into infinity; the float64 plan takes it."""
    path = tmp_path / "big.net"
    path.write_text(PAST_FLOAT32.format(b="1e39"), encoding="utf-8")
    spec = netspec.load_spec(str(path))
    assert netspec.compile_plan(spec).steps[0].params[0][1, 0] == 1e39
    with pytest.raises(NetspecError) as caught:
        netspec.compile_plan(spec, "float32")
    assert caught.value.code == "NS506" and "W holds 1e+39" in caught.value.message
    said = invoke("run", str(path), "--dtype", "float32", "--input", "a=1", "--input", "b=1")
    assert said.exit_code == 1 and "big.net:3:1" in said.stderr and "[NS506]" in said.stderr
    assert "Warning" not in said.stderr and "--dtype float64" in said.stderr


def test_an_input_float32_cannot_hold_is_reported_as_infinity_with_float32s_range(tmp_path):
    """An input of 1e39 is ∞ in a float32 plan: the first step reports it (NS501), and the hint names
    float32's range and the float64 way, with no warning of NumPy's on the way."""
    path = tmp_path / "plain.net"
    path.write_text(PAST_FLOAT32.format(b="1   "), encoding="utf-8")
    said = invoke("run", str(path), "--dtype", "float32", "--input", "a=1e39", "--input", "b=1")
    assert said.exit_code == 1 and "[NS501]" in said.stderr and "float32 (about 3.4e38" in said.stderr
    assert "Warning" not in said.stderr
    assert invoke("run", str(path), "--input", "a=1e39", "--input", "b=1").exit_code == 0


@pytest.mark.parametrize("outputs, chosen", [
    ([[0.2, 0.7], [0.7, 0.2], [0.5, 0.5]], [1, 0, 0]),  # a tie: the first label, as argmax
    ([[1, 3, 3, 2], [-1, -2, -3, -4], [0, 0, 0, 9], [5, 6, 6, 6]], [1, 0, 3, 1]),
    ([[-0.0, 0.0], [1e-30, -1e30]], [0, 0]),  # -0 and 0 are equal
])
def test_the_largest_of_a_few_outputs_is_picked_as_argmax_picks_it(outputs, chosen):
    from netspec.check.model import Decision
    from netspec.run.decision import decide

    labels = tuple("ABCD"[:len(outputs[0])])
    for dtype in (np.float64, np.float32):
        got = decide(Decision("largest", labels, "{decision}", None), np.array(outputs, dtype=dtype))
        assert got.chosen.tolist() == chosen


def test_float32s_erf_is_within_one_ulp_of_math_erf_rounded_to_float32():
    """A dense grid over [-6, 6], tiny numbers down to 1e-30, both sides of the split; math.erf
    (correctly rounded to float32 by the cast) is the reference, ulps counted on float32's bits."""
    import math

    from netspec.ops.erf import ERFF_SPLIT, erf_float32

    split = float(ERFF_SPLIT)
    grid = np.concatenate([np.linspace(-6, 6, 600_001), np.geomspace(1e-30, 6, 50_000),
                           -np.geomspace(1e-30, 6, 50_000), [split, -split],
                           np.nextafter(np.float32(split), np.float32([0, 1]))]).astype(np.float32)
    got = erf_float32(grid)
    wanted = np.array([math.erf(float(v)) for v in grid]).astype(np.float32)
    assert got.dtype == np.float32
    apart = np.abs(got.view(np.int32).astype(np.int64) - wanted.view(np.int32).astype(np.int64))
    assert apart.max() <= 1, f"erf({grid[apart.argmax()]}) is {apart.max()} ulps from math.erf's"
    with np.errstate(all="ignore"):
        ends = erf_float32(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 7.0, -50.0], dtype=np.float32))
    assert np.isnan(ends[0]) and ends[1:3].tolist() == [1.0, -1.0] and ends[5:].tolist() == [1.0, -1.0]
    assert math.copysign(1, ends[3]) == 1 and math.copysign(1, ends[4]) == -1  # erf(-0) is -0


def test_float32s_gelu_is_x_times_phi_to_within_two_of_xs_ulps():
    """GELU's float32 kernel (relu(x) − |x|·Φ(−|x|), Φ(−a) by one polynomial and exp) against x·Φ(x) with
    Φ(x) = (1 + math.erf(x/√2))/2 in float64, on a dense grid and tiny numbers: off by at most twice float32's
    spacing at x (about 1.7 measured, most of it NumPy's float32 exp), and below zero, where x·Φ(x) is small,
    by a relative 3e-6 down to −3 (1.6e-6 measured; 1 + erf(x/√2) there would lose digits to cancellation)."""
    import math

    from netspec.ops.gelu import gelu_float32

    grid = np.concatenate([np.linspace(-12, 12, 600_001), np.geomspace(1e-30, 12, 50_000),
                           -np.geomspace(1e-30, 12, 50_000)]).astype(np.float32)
    got = gelu_float32(grid)
    assert got.dtype == np.float32
    x = grid.astype(np.float64)
    wanted = np.array([v * (1 + math.erf(v / math.sqrt(2))) / 2 for v in x])
    off = np.abs(got.astype(np.float64) - wanted)
    assert (off <= 2 * np.spacing(np.abs(grid)).astype(np.float64)).all()
    below = (x < 0) & (x >= -3)
    assert (off[below] <= 3e-6 * np.abs(wanted[below])).all()
    with np.errstate(all="ignore"):
        ends = gelu_float32(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 3.0], dtype=np.float32))
    assert np.isnan(ends[0]) and ends[1] == np.inf and abs(ends[2]) < 1e-13 and ends[3:5].tolist() == [0.0, 0.0]
    assert ends[5] == np.float32(1e30) and abs(ends[6]) < 1e-13
    assert abs(float(ends[7]) - 3 * (1 + math.erf(3 / math.sqrt(2))) / 2) < 1e-6  # 2.99595...


@pytest.mark.parametrize("mask", ["none", "causal"])
@pytest.mark.parametrize("spread", [1, 12])
def test_float32_attention_of_strided_columns_is_softmax_weighted(mask, spread):
    """q, k and v cut from one fused table's columns arrive as strided views (a column-major product's
    columns); the float32 kernel must give each query weights adding up to 1 there too. By hand, in
    float64: softmax(q·kᵀ/√4) per head, times v (a test that failed with weights left unnormalised).
    Spread 12 puts scores beyond ±60, where the kernel subtracts each query's largest score first."""
    from netspec.ops import lookup

    rng = np.random.default_rng(3)
    fused = np.asfortranarray(rng.normal(size=(5, 3 * 4 * 8)) * spread)  # 5 rows; 4 positions × 8 features, thrice
    q, k, v = (fused[:, i * 32:(i + 1) * 32] for i in range(3))
    assert not q.flags.c_contiguous
    options = {"query": "all", "scale": "sqrt", "mask": mask, "heads": 2, "queries": 4, "keys": 4,
               "features": 8, "value_features": 8}
    narrow = lookup("attention").kernel([a.astype(np.float32) for a in (q, k, v)], [], options)
    want, largest = np.empty((5, 4, 2, 4)), 0.0
    for row in range(5):
        for h in range(2):
            qh, kh, vh = (a[row].reshape(4, 8)[:, h * 4:(h + 1) * 4] for a in (q, k, v))
            scores = qh @ kh.T / 2.0
            if mask == "causal":
                scores = np.where(np.tril(np.ones((4, 4), dtype=bool)), scores, -np.inf)
            weights = np.exp(scores - scores.max(axis=1, keepdims=True))
            want[row, :, h] = (weights / weights.sum(axis=1, keepdims=True)) @ vh
            largest = max(largest, np.abs(qh @ kh.T / 2.0).max())
    assert (largest > 60) == (spread > 1)
    np.testing.assert_allclose(narrow, want.reshape(5, -1), atol=2e-6 * spread ** 2)  # 3e-5 measured at 12


@pytest.mark.parametrize("rows", [1, 2, 16, 64, 400])
def test_float32_layer_norm_is_the_formula_per_position(rows):
    """layer_norm's float32 kernel against (x − mean)/√(variance + eps)·scale + shift worked in float64 per
    position: one window's few numbers (1, 2 and 16 rows, the small path) and batches (64 and 400 rows:
    the shift added over 16 positions at once); equal numbers with eps = 0 give NaN, as 0/0 does, and
    squares that overflow float32 give NaN, not the 0 that x / ∞ would."""
    from netspec.ops import lookup

    rng = np.random.default_rng(4)
    x = rng.normal(size=(rows, 5 * 16)) * 3 + 1
    scale, shift = rng.normal(size=16), rng.normal(size=16)
    kernel = lookup("layer_norm").kernel
    narrow = kernel([x.astype(np.float32)], [scale.astype(np.float32), shift.astype(np.float32)],
                    {"eps": 1e-5, "positions": 5})
    p = x.reshape(rows, 5, 16)
    mean = p.mean(axis=-1, keepdims=True)
    want = (p - mean) / np.sqrt(((p - mean) ** 2).mean(axis=-1, keepdims=True) + 1e-5) * scale + shift
    assert narrow.dtype == np.float32
    np.testing.assert_allclose(narrow, want.reshape(rows, -1), atol=4e-6)
    plain = kernel([x.astype(np.float32)], [], {"eps": 1e-5, "positions": 5})
    np.testing.assert_allclose(plain, ((p - mean) / np.sqrt(((p - mean) ** 2).mean(axis=-1, keepdims=True) + 1e-5))
                               .reshape(rows, -1), atol=2e-6)
    flat = x.astype(np.float32)
    flat[0, :16] = 2.5
    with np.errstate(all="ignore"):
        equal = kernel([flat], [scale.astype(np.float32), shift.astype(np.float32)], {"eps": 0.0, "positions": 5})
    assert np.isnan(equal[0, :16]).all() and np.isfinite(equal[0, 16:]).all()
    flat[0, :16] = np.float32(3e38) * np.sign(np.arange(16) - 7.5)  # ±3e38: each square is ∞ in float32
    with np.errstate(all="ignore"):
        overflowed = kernel([flat], [scale.astype(np.float32), shift.astype(np.float32)], {"eps": 1e-5, "positions": 5})
    assert np.isnan(overflowed[0, :16]).all() and np.isfinite(overflowed[0, 16:]).all()
