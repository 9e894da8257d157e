"""Benchmark: loading is linear in the number of tensors, for .npz and .safetensors weight files.

    python bench/bench_load.py           # 10 and 100 copies of tiny_gpt's block (165 and 1,605 tensors)

Each size writes tiny_gpt.net with `repeat N times` and its weights (the first block's tensors
copied N times) to one .npz and one .safetensors file, then times `netspec.load_spec` (parse,
expand, check, read every tensor) in this process. Linear loading shows as the same time per
tensor at both sizes: the last column is the time per tensor at N=100 over that at N=10.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import netspec  # noqa: E402

SOURCE = REPO / "specs" / "tiny_gpt.net"


def write(folder: Path, blocks: int, kind: str) -> tuple[Path, int]:
    """A spec of `blocks` blocks reading its tensors from one `kind` file; and the count of tensors."""
    stored = dict(np.load(REPO / "specs" / "weights" / "tiny_gpt.npz"))
    tensors = {k: v for k, v in stored.items() if not k.startswith("h0.") and not k.startswith("h1.")}
    for i in range(blocks):
        tensors.update({f"h{i}.{k[3:]}": v for k, v in stored.items() if k.startswith("h0.")})
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "npz":
        np.savez(folder / "w.npz", **tensors)
    else:
        from safetensors.numpy import save_file

        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(folder / "w.safetensors"))
    text = SOURCE.read_text(encoding="utf-8").split("\nexample")[0]
    text = text.replace("repeat 2 times", f"repeat {blocks} times").replace("weights/tiny_gpt.npz", f"w.{kind}")
    (folder / "g.net").write_text(text, encoding="utf-8")
    return folder / "g.net", len(tensors)


def timed(path: Path, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        netspec.load_spec(str(path))
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    kinds = ["npz"]
    try:
        import safetensors  # noqa: F401

        kinds.append("safetensors")
    except ImportError:
        print("safetensors is not installed: its row is skipped")
    netspec.load_spec(str(SOURCE))  # imports, grammar tables
    print("| file | 10 blocks | 100 blocks | per tensor, 100 over 10 |\n|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            (small, n_small), (large, n_large) = (write(Path(tmp) / f"{kind}{b}", b, kind) for b in (10, 100))
            a, b = timed(small), timed(large)
            print(f"| {kind} | {a:.3f} s ({n_small:,} tensors) | {b:.3f} s ({n_large:,} tensors) | "
                  f"{(b / n_large) / (a / n_small):.2f}× |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
