"""Writes specs/weights/leaf.npz: leaf.net's weights as a file, for specs/leaf_from_file.net.

    python scripts/make_leaf_weights.py
"""

from pathlib import Path

import numpy as np

W1 = [[0.10, 0.12, -0.36], [-0.29, -0.05, -0.21], [-0.07, 0.04, -0.27], [0.46, 0.16, 0.18]]  # rows R, G, B, Vol
W2 = [[-0.17, 0.05], [0.39, -0.12], [0.10, -0.04]]  # rows h1, h2, h3; columns Leaf, Flower

if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "specs" / "weights" / "leaf.npz"
    target.parent.mkdir(exist_ok=True)
    np.savez(target, W1=np.array(W1), W2=np.array(W2))
