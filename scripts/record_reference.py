"""PyTorch in, tests/reference/*.npz out: inputs and outputs of torch's own operations, in float64.

    pip install torch==2.13.0        # a CPU build; torch is a recording tool, never a dependency
    python scripts/record_reference.py

tests/test_ops_reference.py compares netspec's kernels with these files without
importing torch. Each .npz holds, per case, the input `CASE.x` (rows × neurons), the
parameters when there are any, and torch's result `CASE.y`. recorded.json says which
torch recorded them. Rerunning this script rewrites the files; the arrays come out the
same (the inputs are fixed and the rng is seeded).
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "reference"


def _grid(low: float, high: float, count: int) -> np.ndarray:
    """A row of evenly spaced inputs plus the edge values every elementwise op gets."""
    edges = [0.0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.5, -0.5, 1.0, -1.0]
    return np.concatenate([np.linspace(low, high, count), edges])[None, :]  # (1, count + 10)


def elementwise(torch) -> dict[str, dict[str, np.ndarray]]:
    """gelu (both forms), sigmoid, tanh and relu over one wide row of inputs."""
    x = _grid(-12.0, 12.0, 481)
    t = torch.from_numpy(x)
    return {
        "gelu": {"none.x": x, "none.y": torch.nn.functional.gelu(t, approximate="none").numpy(),
                 "tanh.x": x, "tanh.y": torch.nn.functional.gelu(t, approximate="tanh").numpy()},
        "sigmoid": {"grid.x": x, "grid.y": torch.sigmoid(t).numpy()},
        "tanh": {"grid.x": x, "grid.y": torch.tanh(t).numpy()},
        "relu": {"grid.x": x, "grid.y": torch.relu(t).numpy()},
    }


def softmax(torch) -> dict[str, np.ndarray]:
    """Rows of logits, including large ones (1000, 999) that overflow e^x unless the maximum is subtracted."""
    rng = np.random.default_rng(4)
    cases = {
        "small": rng.normal(size=(5, 4)),
        "large": np.array([[1000.0, 999.0], [-1000.0, -999.0], [1000.0, 1000.0]]),
        "leaf": np.array([[0.79584, 0.25122], [5.0, 1.0], [0.0, 1.0]]),  # the article's (5, 1) and (0, 1)
        "single": np.array([[3.0], [-700.0]]),
    }
    found = {}
    for name, x in cases.items():
        found[f"{name}.x"] = x
        found[f"{name}.y"] = torch.softmax(torch.from_numpy(x), dim=-1).numpy()
    return found


def layer_norm(torch) -> dict[str, np.ndarray]:
    """Rows normalised over their neurons, with and without scale and shift, for several eps."""
    rng = np.random.default_rng(10)
    cases = {  # name: (x, with scale and shift, eps)
        "plain": (rng.normal(size=(4, 6)), False, 1e-5),
        "affine": (rng.normal(size=(4, 6)), True, 1e-5),
        "eps_zero": (np.array([[2.0, 4, 4, 4, 5, 5, 7, 9], [1.0, -1, 3, 0.5, 2, 8, -4, 0]]), True, 0.0),
        "eps_big": (rng.normal(size=(3, 5)), True, 0.1),
        "eps_small": (rng.normal(size=(3, 5)), False, 1e-12),
        "single": (np.array([[3.0], [-2.5]]), True, 1e-5),
        "equal": (np.full((2, 4), 7.25), True, 1e-5),
        "large": (1e6 + rng.normal(size=(3, 4)), True, 1e-5),
        "huge": (1e150 * rng.normal(size=(3, 4)), False, 1e-5),
    }
    found = {}
    for name, (x, affine, eps) in cases.items():
        n = x.shape[-1]
        scale = rng.normal(size=n) if affine else None
        shift = rng.normal(size=n) if affine else None
        t = torch.nn.functional.layer_norm(torch.from_numpy(x), (n,), _t(torch, scale), _t(torch, shift), eps)
        found.update({f"{name}.x": x, f"{name}.eps": np.float64(eps), f"{name}.y": t.numpy()})
        if affine:
            found.update({f"{name}.scale": scale, f"{name}.shift": shift})
    return found


def rms_norm(torch) -> dict[str, np.ndarray]:
    """Rows divided by their root mean square, times a gain, for several eps; a sequence per position."""
    rng = np.random.default_rng(13)
    cases = {  # name: (x, eps, positions); a sequence is stored (rows, positions·features)
        "plain": (rng.normal(size=(4, 6)), 1e-6, 1),
        "eps_zero": (np.array([[1.0, 2, 2, 4], [3.0, -1, 0.5, -2]]), 0.0, 1),
        "eps_big": (rng.normal(size=(3, 5)), 0.1, 1),
        "single": (np.array([[3.0], [-2.5]]), 1e-6, 1),
        "zeros": (np.zeros((2, 4)), 1e-6, 1),
        "large": (1e6 + rng.normal(size=(3, 4)), 1e-6, 1),
        "huge": (1e150 * rng.normal(size=(3, 4)), 1e-6, 1),
        "sequence": (rng.normal(size=(2, 3 * 4)), 1e-5, 3),
    }
    found = {}
    for name, (x, eps, n) in cases.items():
        d = x.shape[-1] // n
        gain = rng.normal(size=d)
        t = torch.nn.functional.rms_norm(torch.from_numpy(x.reshape(x.shape[0], n, d)), (d,), torch.from_numpy(gain),
                                         eps)
        found.update({f"{name}.x": x, f"{name}.eps": np.float64(eps), f"{name}.positions": np.float64(n),
                      f"{name}.gain": gain, f"{name}.y": t.numpy().reshape(x.shape)})
    return found


def attention(torch) -> dict[str, np.ndarray]:
    """scaled_dot_product_attention on (batch, heads, positions, features): the standard and the article's forms.

    Each case stores q, k, v as (rows, positions·features), as netspec holds a sequence,
    with its options; torch's result is stored the same way (heads side by side).
    """
    rng = np.random.default_rng(21)
    cases = {  # name: (rows, query positions, key positions, features, value features, heads, query, scale, mask)
        "article": (3, 3, 3, 4, 2, 1, "last", "none", "none"),
        "standard": (3, 5, 5, 4, 3, 1, "all", "sqrt", "causal"),
        "heads": (2, 4, 4, 6, 4, 2, "all", "sqrt", "causal"),
        "heads_article": (2, 4, 4, 6, 4, 2, "last", "none", "none"),
        "cross": (2, 2, 5, 4, 3, 1, "all", "sqrt", "none"),
        "cross_last": (2, 2, 5, 4, 3, 1, "last", "none", "none"),
        "single": (2, 1, 1, 4, 4, 1, "all", "sqrt", "causal"),
        "large": (2, 3, 3, 2, 2, 1, "all", "none", "causal"),  # scores near 10^6: softmax must subtract the max
        "long": (1, 64, 64, 8, 8, 2, "all", "sqrt", "causal"),  # a sequence at a context limit of 64
    }
    found = {}
    for name, (rows, nq, nk, d, dv, heads, query, scale, mask) in cases.items():
        q, k, v = rng.normal(size=(rows, nq, d)), rng.normal(size=(rows, nk, d)), rng.normal(size=(rows, nk, dv))
        if name == "large":
            q, k = q * 1000.0, k * 1000.0
        split = [torch.from_numpy(a).reshape(rows, a.shape[1], heads, -1).transpose(1, 2) for a in (q, k, v)]
        tq = split[0][:, :, -1:, :] if query == "last" else split[0]
        causal = mask == "causal"
        if causal and query == "last":
            causal = False  # the last position sees every key
        y = torch.nn.functional.scaled_dot_product_attention(tq, split[1], split[2], is_causal=causal,
                                                             scale=None if scale == "sqrt" else 1.0)
        y = y.transpose(1, 2).reshape(rows, -1).numpy()
        found.update({f"{name}.q": q.reshape(rows, -1), f"{name}.k": k.reshape(rows, -1),
                      f"{name}.v": v.reshape(rows, -1), f"{name}.y": y,
                      f"{name}.shape": np.array([nq, nk, d, dv, heads], dtype=np.float64),
                      f"{name}.form": np.array([query == "last", scale == "sqrt", mask == "causal"], dtype=np.float64)})
    return found


def multihead(torch) -> dict[str, np.ndarray]:
    """nn.MultiheadAttention (in-projection, split heads, causal mask, out-projection W_O), no biases."""
    rng = np.random.default_rng(22)
    rows, n, d, heads = 2, 5, 6, 3
    x = rng.normal(size=(rows, n, d))
    layer = torch.nn.MultiheadAttention(d, heads, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        layer.in_proj_weight.copy_(torch.from_numpy(rng.normal(size=(3 * d, d))))
        layer.out_proj.weight.copy_(torch.from_numpy(rng.normal(size=(d, d))))
    mask = torch.nn.Transformer.generate_square_subsequent_mask(n, dtype=torch.float64)
    t = torch.from_numpy(x)
    y, _ = layer(t, t, t, attn_mask=mask, need_weights=False)
    wq, wk, wv = layer.in_proj_weight.detach().numpy().reshape(3, d, d)
    return {"x": x.reshape(rows, -1), "Wq": wq.T.copy(), "Wk": wk.T.copy(), "Wv": wv.T.copy(),  # x·W, as netspec
            "WO": layer.out_proj.weight.detach().numpy().T.copy(), "heads": np.float64(heads),
            "y": y.detach().numpy().reshape(rows, -1)}


def sequences(torch) -> dict[str, np.ndarray]:
    """softmax and layer_norm over each position's features; embedding lookup; concatenation."""
    rng = np.random.default_rng(23)
    x = rng.normal(size=(3, 4, 5))  # rows, positions, features
    t = torch.from_numpy(x)
    scale, shift = rng.normal(size=5), rng.normal(size=5)
    table = rng.normal(size=(7, 3))
    ids = np.array([[1, 4, 6, 0], [2, 2, 5, 3]])
    other = rng.normal(size=(3, 4, 2))
    return {"x": x.reshape(3, -1), "softmax.y": torch.softmax(t, dim=-1).numpy().reshape(3, -1),
            "scale": scale, "shift": shift,
            "layer_norm.y": torch.nn.functional.layer_norm(t, (5,), _t(torch, scale), _t(torch, shift), 1e-5)
            .numpy().reshape(3, -1),
            "ids": ids.astype(np.float64), "table": table,
            "embed.y": torch.nn.functional.embedding(torch.from_numpy(ids), torch.from_numpy(table)).numpy()
            .reshape(2, -1),
            "other": other.reshape(3, -1),
            "concat.y": torch.cat([t, torch.from_numpy(other)], dim=-1).numpy().reshape(3, -1)}


def layers(torch) -> dict[str, np.ndarray]:
    """nn.functional.linear (dense, with and without bias; the matrix transposed to x·W) and dropout at
    inference (training=False: PyTorch's inverted dropout passes the numbers on unchanged)."""
    rng = np.random.default_rng(24)
    x, w, b = rng.normal(size=(4, 5)), rng.normal(size=(3, 5)), rng.normal(size=3)
    t = torch.from_numpy(x)
    return {"x": x, "W": w.T.copy(), "b": b,
            "linear.y": torch.nn.functional.linear(t, torch.from_numpy(w)).numpy(),
            "linear_bias.y": torch.nn.functional.linear(t, torch.from_numpy(w), torch.from_numpy(b)).numpy(),
            "dropout.y": torch.nn.functional.dropout(t, p=0.3, training=False).numpy()}


def positional(torch) -> dict[str, np.ndarray]:
    """The paper's sinusoidal encoding as PyTorch's transformer tutorial writes it (exp and log, torch ops)."""
    import math

    found = {}
    for n, d in ((4, 6), (50, 16), (1, 4)):
        position = torch.arange(n, dtype=torch.float64).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * (-math.log(10000.0) / d))
        pe = torch.zeros(n, d, dtype=torch.float64)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        found[f"paper_{n}x{d}.y"] = pe.numpy()
    return found


def _t(torch, array):
    return None if array is None else torch.from_numpy(array)


def pooling(torch) -> dict[str, np.ndarray]:
    """A sentence embedding's last steps, as sentence-transformers computes them: mean pooling over the
    attention mask (its Pooling module's formula), F.normalize, a scalar multiple; and attention whose
    padded keys are masked out (F.scaled_dot_product_attention with a boolean mask over the keys)."""
    rng = np.random.default_rng(31)
    rows, n, d = 3, 4, 5
    x = rng.normal(size=(rows, n, d))
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=np.float64)  # 4, 2 and 1 real tokens
    t, m = torch.from_numpy(x), torch.from_numpy(mask)
    expanded = m.unsqueeze(-1).expand(t.size())
    pooled = torch.sum(t * expanded, 1) / torch.clamp(expanded.sum(1), min=1e-9)
    vectors = np.concatenate([rng.normal(size=(3, d)), np.zeros((1, d)), [[3.0, 4.0, 0.0, 0.0, 0.0]]])
    q, k, v = (rng.normal(size=(rows, n, 4)) for _ in range(3))
    keep = torch.from_numpy(mask.astype(bool))[:, None, :].expand(rows, n, n)  # every query sees the real keys
    attended = torch.nn.functional.scaled_dot_product_attention(_t(torch, q), _t(torch, k), _t(torch, v),
                                                                attn_mask=keep)
    return {"x": x.reshape(rows, -1), "mask": mask, "mean_pool.y": pooled.numpy(),
            "vectors": vectors, "l2_normalize.y": torch.nn.functional.normalize(_t(torch, vectors), p=2, dim=-1).numpy(),
            "sequence_l2.y": torch.nn.functional.normalize(t, p=2, dim=-1).numpy().reshape(rows, -1),
            "scale_half.y": (t * 0.5).numpy().reshape(rows, -1), "negate.y": (-t).numpy().reshape(rows, -1),
            "q": q.reshape(rows, -1), "k": k.reshape(rows, -1), "v": v.reshape(rows, -1),
            "padded_attention.y": attended.numpy().reshape(rows, -1)}


def main() -> int:
    try:
        import torch
    except ImportError:
        print("record_reference.py needs torch: pip install torch==2.13.0", file=sys.stderr)
        return 1
    torch.set_default_dtype(torch.float64)
    OUT.mkdir(parents=True, exist_ok=True)
    files = {**elementwise(torch), "softmax": softmax(torch), "layer_norm": layer_norm(torch),
             "rms_norm": rms_norm(torch), "attention": attention(torch), "multihead": multihead(torch), "sequences": sequences(torch),
             "positional": positional(torch), "layers": layers(torch), "pooling": pooling(torch)}
    for name, arrays in files.items():
        assert all(a.dtype == np.float64 for a in arrays.values()), name
        np.savez(OUT / f"{name}.npz", **arrays)
    note = {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
            "machine": platform.machine(), "dtype": "float64", "script": "scripts/record_reference.py",
            "files": sorted(f"{name}.npz" for name in files)}
    (OUT / "recorded.json").write_text(json.dumps(note, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(files)} files to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
