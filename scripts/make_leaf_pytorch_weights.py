"""Writes specs/weights/leaf_pytorch.safetensors: leaf.net's weights as PyTorch saves two nn.Linear layers.

    python scripts/make_leaf_pytorch_weights.py

It also writes docs/mistakes/square_pytorch.safetensors, an nn.Linear(2, 2) weight, for the
documentation's example of a square table whose layout a spec must state.

nn.Linear(4, 3) keeps its weight out × in, 3 × 4: row 1 is what the first hidden neuron
does with R, G, B and Vol, the transpose of leaf.net's W1. safetensors' own writer is
not needed: the format is an 8-byte header length, a JSON header and the numbers; the
metadata says `"format": "pt"`, as `safetensors.torch.save_file` writes it.
"""

import json
import struct
from pathlib import Path

import numpy as np

W1 = [[0.10, 0.12, -0.36], [-0.29, -0.05, -0.21], [-0.07, 0.04, -0.27], [0.46, 0.16, 0.18]]  # rows R, G, B, Vol
W2 = [[-0.17, 0.05], [0.39, -0.12], [0.10, -0.04]]  # rows h1, h2, h3; columns Leaf, Flower
TENSORS = {"hidden.weight": np.array(W1).T, "out.weight": np.array(W2).T}  # out × in, as nn.Linear stores them


def safetensors_bytes(tensors: dict, metadata: dict) -> bytes:
    header, data = {"__metadata__": metadata}, b""
    for key, array in tensors.items():
        raw = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # safetensors pads its header to 8 bytes
    return struct.pack("<Q", len(text)) + text + data


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "specs" / "weights" / "leaf_pytorch.safetensors"
    target.write_bytes(safetensors_bytes(TENSORS, {"format": "pt"}))
    square = {"mix.weight": np.array([[1.0, 2.0], [3.0, 4.0]])}  # out × in: out1 = 1·a + 2·b, out2 = 3·a + 4·b
    (target.parents[2] / "docs" / "mistakes" / "square_pytorch.safetensors").write_bytes(
        safetensors_bytes(square, {"format": "pt"}))
