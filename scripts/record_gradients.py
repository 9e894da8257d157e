"""PyTorch autograd in, tests/reference/gradients.json out: every operation's gradients, in float64.

    pip install torch==2.13.0        # a CPU build; torch is a recording tool, never a dependency
    python scripts/record_gradients.py

Each case is one operation on small seeded random numbers: its inputs `xs` (rows × numbers,
flat as netspec holds them), its tables `ps`, the options its shape rule would give, and an
upstream gradient `gy` (∂L/∂result). The operation is written here in torch's own terms
(torch.nn.functional where torch has it), L = Σ result·gy, and autograd gives ∂L/∂ each
input and each table. tests/test_gradients.py holds netspec's `OpDef.gradient` of every
operation to these to 1e-10 relative, without importing torch.
"""

from __future__ import annotations

import json
import math
import platform
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "reference" / "gradients.json"
B = 3  # rows in every case


def _sequence(t, n):
    return t.reshape(t.shape[0], n, -1)


def _attention(torch, options):
    """scores q·k (÷ √d), causal mask, softmax, Σ weight·v, heads side by side: as ops/attention.py describes it."""
    heads, nq, nk = options["heads"], options["queries"], options["keys"]

    def run(q, k, v):
        def split(x, n):
            return x.reshape(x.shape[0], n, heads, -1).transpose(1, 2)
        q, k, v = split(q, nq), split(k, nk), split(v, nk)
        first = 0
        if options["query"] == "last":
            q, first = q[:, :, -1:, :], nq - 1
        scores = q @ k.transpose(-1, -2)
        if options["scale"] == "sqrt":
            scores = scores / math.sqrt(q.shape[-1])
        if options["mask"] == "causal":
            visible = torch.arange(nk)[None, :] <= torch.arange(first, first + q.shape[2])[:, None]
            scores = scores.masked_fill(~visible, float("-inf"))
        out = torch.softmax(scores, dim=-1) @ v
        return out.transpose(1, 2).reshape(out.shape[0], -1)
    return run


def _cases(torch):
    F = torch.nn.functional
    rng = np.random.default_rng(20260)

    def normal(*shape):
        return rng.normal(size=shape)

    def away_from_zero(*shape):  # relu's kink stays out of the way
        x = normal(*shape)
        return np.where(np.abs(x) < 0.05, 0.3, x)

    seq = {"positions": 4}
    att = dict(heads=2, queries=4, keys=4, query="all", scale="sqrt", mask="causal")
    last = dict(heads=1, queries=3, keys=3, query="last", scale="none", mask="none")
    cross = dict(heads=1, queries=2, keys=5, query="all", scale="sqrt", mask="none")
    yield "dense", "dense", [normal(B, 4)], [normal(4, 3)], {}, lambda x, w: x @ w
    yield "dense_bias", "dense", [normal(B, 4)], [normal(4, 3), normal(3)], {}, lambda x, w, b: x @ w + b
    yield ("dense_each", "dense_each", [normal(B, 4 * 3)], [normal(3, 5), normal(5)], seq,
           lambda x, w, b: (_sequence(x, 4) @ w + b).reshape(x.shape[0], -1))
    yield "identity", "identity", [normal(B, 5)], [], {}, lambda x: x * 1.0
    yield "relu", "relu", [away_from_zero(B, 6)], [], {}, torch.relu
    yield "logistic", "logistic", [normal(B, 5)], [], {}, torch.sigmoid
    yield "tanh", "tanh", [normal(B, 5)], [], {}, torch.tanh
    yield "softmax", "softmax", [normal(B, 5)], [], {}, lambda x: torch.softmax(x, dim=-1)
    yield ("softmax_sequence", "softmax", [normal(B, 4 * 3)], [], seq,
           lambda x: torch.softmax(_sequence(x, 4), dim=-1).reshape(x.shape[0], -1))
    yield ("divide_by_sum", "divide_by_sum", [rng.uniform(0.1, 2.0, (B, 5))], [], {},
           lambda x: x / x.sum(dim=-1, keepdim=True))
    yield "gelu", "gelu", [normal(B, 7) * 2], [], {}, lambda x: F.gelu(x, approximate="none")
    yield "gelu_tanh", "gelu_tanh", [normal(B, 7) * 2], [], {}, lambda x: F.gelu(x, approximate="tanh")
    yield ("layer_norm", "layer_norm", [normal(B, 5)], [normal(5), normal(5)], {"eps": 1e-5},
           lambda x, g, b: F.layer_norm(x, (5,), g, b, eps=1e-5))
    yield "layer_norm_plain", "layer_norm", [normal(B, 5)], [], {"eps": 0.0}, lambda x: F.layer_norm(x, (5,), eps=0.0)
    yield ("layer_norm_sequence", "layer_norm", [normal(B, 4 * 3)], [normal(3), normal(3)], {"eps": 1e-5, **seq},
           lambda x, g, b: F.layer_norm(_sequence(x, 4), (3,), g, b, eps=1e-5).reshape(x.shape[0], -1))
    yield ("rms_norm", "rms_norm", [normal(B, 5)], [normal(5)], {"eps": 1e-6},
           lambda x, g: F.rms_norm(x, (5,), g, eps=1e-6))
    yield ("rms_norm_sequence", "rms_norm", [normal(B, 4 * 3)], [normal(3)], {"eps": 1e-6, **seq},
           lambda x, g: F.rms_norm(_sequence(x, 4), (3,), g, eps=1e-6).reshape(x.shape[0], -1))
    yield ("attention", "attention", [normal(B, 4 * 4), normal(B, 4 * 4), normal(B, 4 * 6)], [], att,
           _attention(torch, att))
    yield ("attention_last", "attention", [normal(B, 3 * 2), normal(B, 3 * 2), normal(B, 3 * 3)], [], last,
           _attention(torch, last))
    yield ("attention_cross", "attention", [normal(B, 2 * 3), normal(B, 5 * 3), normal(B, 5 * 2)], [], cross,
           _attention(torch, cross))
    yield ("concat", "concat", [normal(B, 3), normal(B, 2)], [], {"widths": (3, 2), "positions": 1},
           lambda a, b: torch.cat([a, b], dim=-1))
    yield ("concat_sequence", "concat", [normal(B, 4 * 2), normal(B, 4 * 3)], [], {"widths": (2, 3), "positions": 4},
           lambda a, b: torch.cat([_sequence(a, 4), _sequence(b, 4)], dim=-1).reshape(a.shape[0], -1))
    yield "last", "last", [normal(B, 4 * 3)], [], {"indices": (9, 10, 11)}, lambda x: x[:, 9:12]
    yield "pick", "pick", [normal(B, 6)], [], {"indices": (4, 1, 2)}, lambda x: x[:, [4, 1, 2]]
    yield "dropout_article", "dropout", [normal(B, 5)], [], {"p": 0.25, "mode": "article"}, lambda x: x * (1 - 0.25)
    yield "dropout_inverted", "dropout", [normal(B, 5)], [], {"p": 0.25, "mode": "inverted"}, lambda x: x * 1.0
    yield "add", "add", [normal(B, 4), normal(B, 4)], [], {}, lambda x, y: x + y
    yield "add_reordered", "add", [normal(B, 3), normal(B, 3)], [], {"order": (2, 0, 1)}, lambda x, y: x + y[:, [2, 0, 1]]
    yield ("positional_embedding", "positional_embedding", [normal(B, 4 * 3)], [normal(6, 3)], seq,
           lambda x, p: x + p[:4].reshape(1, -1))
    encoding = np.repeat(np.arange(1.0, 5.0), 3).reshape(1, 12)  # form=count: position p's numbers are p
    yield ("positional_encoding", "positional_encoding", [normal(B, 4 * 3)], [],
           {"form": "count", "start": 1, "shape": (4, 3)}, lambda x: x * 0.0 + torch.from_numpy(encoding))
    yield "collapse", "collapse", [normal(B, 4)], [normal(4, 3), normal(3, 2)], {}, lambda x, a, b: x @ (a @ b)
    split = (1, 4, 7, 10)  # the second feature of each of 4 positions of 3
    yield "split", "split", [normal(B, 12)], [], {"indices": split}, lambda x: x[:, list(split)]
    yield "features", "features", [normal(B, 5)], [], {"indices": (1, 2, 3)}, lambda x: x[:, 1:4]
    yield "scale", "scale", [normal(B, 5)], [], {"by": -0.5}, lambda x: x * -0.5
    yield ("l2_normalize", "l2_normalize", [normal(B, 4 * 3)], [], {"eps": 1e-12, "positions": 4},
           lambda x: F.normalize(_sequence(x, 4), dim=-1, eps=1e-12).reshape(x.shape[0], -1))
    yield "mean_pool", "mean_pool", [normal(B, 4 * 3)], [], {"positions": 4}, lambda x: _sequence(x, 4).mean(dim=1)
    pads = np.array([[5, 2, 0, 0], [1, 1, 1, 1], [3, 0, 0, 0]], dtype=np.float64)  # token 0 pads
    yield ("mean_pool_padded", "mean_pool", [normal(B, 4 * 3), pads], [], {"positions": 4, "pad": 0},
           lambda x, t: (_sequence(x, 4) * (t != 0)[:, :, None]).sum(dim=1) / (t != 0).sum(dim=1, keepdim=True))
    ids = rng.integers(1, 6, size=(B, 4)).astype(np.float64)  # token numbers 1 … 5
    yield ("embed", "embed", [ids], [normal(5, 3)], {"start": 1, "vocabulary": "v", "columns": ("e1", "e2", "e3")},
           lambda t, e: F.embedding(t.long() - 1, e).reshape(t.shape[0], -1))
    yield "collapse", "collapse", [normal(B, 4)], [normal(4, 3), normal(3, 2)], {}, lambda x, w1, w2: x @ (w1 @ w2)


def record(torch) -> list[dict]:
    cases = []
    for name, op, xs, ps, options, function in _cases(torch):
        numbers = [not (op == "embed" or (op == "mean_pool" and k == 1)) for k in range(len(xs))]  # not token numbers
        tx = [torch.tensor(x, dtype=torch.float64, requires_grad=wanted) for x, wanted in zip(xs, numbers)]
        tp = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in ps]
        y = function(*tx, *tp)
        gy = np.random.default_rng(len(cases)).normal(size=tuple(y.shape))
        (y * torch.from_numpy(gy)).sum().backward()
        cases.append({"name": name, "op": op, "options": options,
                      "xs": [x.tolist() for x in xs], "ps": [p.tolist() for p in ps], "gy": gy.tolist(),
                      "y": y.detach().numpy().tolist(),
                      "dxs": [None if t.grad is None else t.grad.numpy().tolist() for t in tx],
                      "dps": [t.grad.numpy().tolist() for t in tp]})
    return cases


def main():
    import torch

    torch.set_default_dtype(torch.float64)
    document = {"recorded_by": f"torch {torch.__version__}, Python {platform.python_version()}",
                "script": "scripts/record_gradients.py", "cases": record(torch)}
    OUT.write_text(json.dumps(document, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(document['cases'])} cases to {OUT}")


if __name__ == "__main__":
    main()
