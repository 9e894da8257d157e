"""PyTorch in, specs/weights/tiny_gpt.npz and tests/reference/models/tiny_gpt.npz out: a small GPT trained on the rhyme.

    pip install torch==2.13.0        # a CPU build; torch is a recording tool, never a dependency
    python scripts/make_tiny_gpt.py

The model is nanoGPT's (notes §1.14): token embedding + learned position embedding, two
pre-norm blocks (x + attention(LN(x)), x + MLP(LN(x))), causal attention with two heads
scaled by 1/√(head size) and an output projection, an MLP of Linear(16, 64), exact GELU
and Linear(64, 16), a final LN and a linear head to the 27 characters. It is trained,
seeded, on "humpty dumpty sat on a wall" (next character at every position of every
12-character window) until it predicts all 15 windows of notes §2.5.

The weights are saved the x·W way netspec reads tables (PyTorch's Linear keeps W·x, so
each matrix is transposed) under keys such as "h0.attn.q.weight". The reference file
holds the 15 windows' token numbers and torch's logits at the last position, in float64,
for tests/test_tiny_gpt.py. Rerunning the script writes the same numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHARS = "abcdefghijklmnopqrstuvwxyz "  # a = 1 … z = 26, space = 27, as humpty_chars.net
RHYME = "humpty dumpty sat on a wall"
CONTEXT, WIDTH, HEADS, LAYERS = 12, 16, 2, 2


def build(torch):
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
            self.q, self.k, self.v, self.proj = (nn.Linear(WIDTH, WIDTH) for _ in range(4))
            self.up, self.down = nn.Linear(WIDTH, 4 * WIDTH), nn.Linear(4 * WIDTH, WIDTH)

        def forward(self, x):
            b, n, d = x.shape
            h = self.ln_1(x)
            q, k, v = (f(h).view(b, n, HEADS, d // HEADS).transpose(1, 2) for f in (self.q, self.k, self.v))
            mixed = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(mixed.transpose(1, 2).reshape(b, n, d))
            return x + self.down(nn.functional.gelu(self.up(self.ln_2(x))))

    class TinyGPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(len(CHARS), WIDTH), nn.Embedding(CONTEXT, WIDTH)
            self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
            self.ln_f, self.head = nn.LayerNorm(WIDTH), nn.Linear(WIDTH, len(CHARS), bias=False)

        def forward(self, ids):
            x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
            for block in self.blocks:
                x = block(x)
            return self.head(self.ln_f(x))

    return TinyGPT()


def windows() -> np.ndarray:
    """The 15 windows of 12 characters and the character after each, as token numbers counted from 0."""
    ids = np.array([CHARS.index(c) for c in RHYME])
    return np.stack([ids[i:i + CONTEXT + 1] for i in range(len(RHYME) - CONTEXT)])


def train(torch, model, data):
    x, y = torch.from_numpy(data[:, :-1]), torch.from_numpy(data[:, 1:])
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(400):
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, len(CHARS)), y.reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return loss.item()


def weights(model) -> dict[str, np.ndarray]:
    """Every parameter under a nanoGPT-like key; Linear matrices transposed to x·W."""
    found = {"wte": model.wte.weight, "wpe": model.wpe.weight, "ln_f.weight": model.ln_f.weight,
             "ln_f.bias": model.ln_f.bias, "head": model.head.weight.T}
    for i, block in enumerate(model.blocks):
        for name in ("ln_1", "ln_2"):
            found[f"h{i}.{name}.weight"], found[f"h{i}.{name}.bias"] = getattr(block, name).weight, getattr(block, name).bias
        for name in ("q", "k", "v", "proj", "up", "down"):
            layer = getattr(block, name)
            found[f"h{i}.{name}.weight"], found[f"h{i}.{name}.bias"] = layer.weight.T, layer.bias
    return {key: value.detach().numpy().copy() for key, value in found.items()}


def main() -> int:
    try:
        import torch
    except ImportError:
        print("make_tiny_gpt.py needs torch: pip install torch==2.13.0", file=sys.stderr)
        return 1
    torch.manual_seed(7)
    torch.set_default_dtype(torch.float64)
    model = build(torch)
    data = windows()
    loss = train(torch, model, data)
    with torch.no_grad():
        logits = model(torch.from_numpy(data[:, :-1]))[:, -1, :].numpy()
    right = int((logits.argmax(axis=1) == data[:, -1]).sum())
    print(f"loss {loss:.4f}; {right} of {len(data)} windows predicted")
    if right != len(data):
        return 1
    np.savez(ROOT / "specs" / "weights" / "tiny_gpt.npz", **weights(model))
    np.savez(ROOT / "tests" / "reference" / "models" / "tiny_gpt.npz", ids=(data[:, :-1] + 1).astype(np.float64),
             next=(data[:, -1] + 1).astype(np.float64), logits=logits)
    print("wrote specs/weights/tiny_gpt.npz and tests/reference/models/tiny_gpt.npz")
    return 0


if __name__ == "__main__":
    sys.exit(main())
