"""Writes specs/weights/stack.npz: one 3×3 table per copy of specs/stack.net's repeated block.

    python scripts/make_stack_weights.py

Key W{i} is copy i's table (rows: the neurons x1, x2, x3 it reads; columns: the 3
neurons it makes). W1 is specs/residual.net's table, so copy 1 repeats that spec's
arithmetic; W2 and W3 are small multiples of 0.25, chosen to be worked by hand.
"""

from pathlib import Path

import numpy as np

W1 = [[0.5, 0, -1], [0, 0.25, 0], [1, 0, 0.5]]
W2 = [[0, 0.5, 0], [-0.5, 0, 0.25], [0, 0, 1]]
W3 = [[0.25, -1, 0.5], [0, 0.5, -0.25], [-1, 0, 0]]

if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "specs" / "weights" / "stack.npz"
    target.parent.mkdir(exist_ok=True)
    np.savez(target, W1=np.array(W1), W2=np.array(W2), W3=np.array(W3))
