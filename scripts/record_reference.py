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


def _t(torch, array):
    return None if array is None else torch.from_numpy(array)


def main() -> int:
    try:
        import torch
    except ImportError:
        print("record_reference.py needs torch: pip install torch==2.13.0", file=sys.stderr)
        return 1
    torch.set_default_dtype(torch.float64)
    OUT.mkdir(parents=True, exist_ok=True)
    files = {**elementwise(torch), "softmax": softmax(torch), "layer_norm": layer_norm(torch)}
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
