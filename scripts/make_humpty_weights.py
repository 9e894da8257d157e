"""Writes specs/weights/humpty_chars.npz and humpty_embed.npz: small networks that continue the rhyme.

    python scripts/make_humpty_weights.py

The article gives no weights for its character models (notes §2.5, §2.6), so these are
fitted here, seeded, to the 15 sliding windows of "humpty dumpty sat on a wall" (context
12, the next character as the target), then rounded to two decimals so the printouts stay
readable. The script checks that the rounded weights still continue every window
correctly, so "humpty dumpt" → "y" holds. Characters are numbered as in the specs:
a = 1 … z = 26, space = 27; row k of E is token k's vector.
"""

from pathlib import Path

import numpy as np

VOCABULARY = "abcdefghijklmnopqrstuvwxyz "
RHYME = "humpty dumpty sat on a wall"
CONTEXT, HIDDEN, EMBED = 12, 16, 10


def windows() -> tuple[np.ndarray, np.ndarray]:
    """Token numbers (15, 12), one-based, and the index (0-based) of each next character."""
    ids = [VOCABULARY.index(c) + 1 for c in RHYME]
    x = np.array([ids[i:i + CONTEXT] for i in range(len(ids) - CONTEXT)], dtype=np.float64)
    y = np.array([ids[i + CONTEXT] - 1 for i in range(len(ids) - CONTEXT)])
    return x, y


def forward(p, x, embed):
    if embed:
        x = p["E"][x.astype(int) - 1].reshape(len(x), -1)  # (rows, 120)
    z = x @ p["W1"] + p["b1"]
    h = np.maximum(z, 0)
    return x, z, h, h @ p["W2"] + p["b2"]


def fit(embed: bool, seed: int = 0, steps: int = 4000, rate: float = 0.01) -> dict:
    """Adam on the softmax cross-entropy of the 15 windows; returns the parameters."""
    rng = np.random.default_rng(seed)
    n_in = CONTEXT * EMBED if embed else CONTEXT
    p = {"W1": rng.normal(0, 0.3 if embed else 0.05, (n_in, HIDDEN)), "b1": np.zeros(HIDDEN),
         "W2": rng.normal(0, 0.3, (HIDDEN, len(VOCABULARY))), "b2": np.zeros(len(VOCABULARY))}
    if embed:
        p["E"] = rng.normal(0, 0.5, (len(VOCABULARY), EMBED))
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(a) for k, a in p.items()}
    x, y = windows()
    for t in range(1, steps + 1):
        grads = _grads(p, x, y, embed)
        for k in p:
            m[k] = 0.9 * m[k] + 0.1 * grads[k]
            v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
            p[k] -= rate * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
    return p


def _grads(p, x, y, embed):
    inputs, z, h, out = forward(p, x, embed)
    probs = np.exp(out - out.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    d_out = probs.copy()
    d_out[np.arange(len(y)), y] -= 1
    d_out /= len(y)
    d_h = (d_out @ p["W2"].T) * (z > 0)
    grads = {"W2": h.T @ d_out, "b2": d_out.sum(0), "W1": inputs.T @ d_h, "b1": d_h.sum(0)}
    if embed:
        d_in = (d_h @ p["W1"].T).reshape(len(x), CONTEXT, EMBED)
        grads["E"] = np.zeros_like(p["E"])
        np.add.at(grads["E"], x.astype(int) - 1, d_in)
    return grads


def rounded(p: dict, embed: bool) -> dict:
    """Two decimals, checked: every window still gets its next character, by a clear margin."""
    p = {k: np.round(a, 2) for k, a in p.items()}
    x, y = windows()
    out = forward(p, x, embed)[-1]
    top2 = np.sort(out, axis=1)[:, -2:]
    if not (out.argmax(axis=1) == y).all() or (top2[:, 1] - top2[:, 0]).min() < 0.1:
        raise SystemExit("the rounded weights no longer continue the rhyme; change the seed or the steps")
    return p


if __name__ == "__main__":
    folder = Path(__file__).resolve().parent.parent / "specs" / "weights"
    folder.mkdir(exist_ok=True)
    np.savez(folder / "humpty_chars.npz", **rounded(fit(embed=False), embed=False))
    np.savez(folder / "humpty_embed.npz", **rounded(fit(embed=True), embed=True))
