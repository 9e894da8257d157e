"""Prints the coefficients of float32 GELU's one polynomial (netspec/ops/gelu.py GELU32), fitted here.

    python scripts/fit_gelu_float32.py

GELU in float32 is computed as relu(x) − |x|·exp(p(|x|)), where exp(p(a)) stands for
erfc(a/√2)/2 = Φ(−a), the share of |x| that the other side lets through (x·Φ(x) =
relu(x) − |x|·Φ(−|x|) for either sign of x). One polynomial on a = |x| in [0, 8] (|x| is
clamped there: Φ(−8) = 6e-16) replaces erf's two branches and the choice between them.
What GELU needs is Φ(−a) to within float32's spacing near 1 (an error δ of it moves the
result by |x|·δ), so the fit minimises the largest |Φ(−a)·(p(a) − log Φ(−a))|, the first-order
error of exp(p), by Lawson's reweighted least squares (which tends to the minimax fit), with
the weight floored at 1e-9 so that p stays near log Φ(−a) where Φ(−a) is tiny. math.erfc is
the reference. Degree 9 leaves about 2e-9 of Φ(−a), well under float32's own roundings
(6e-8); tests/test_float32.py checks the float32 result on a dense grid.
"""

import math

import numpy as np

DEGREE, LIMIT, FLOOR = 9, 8.0, 1e-9
POINTS, ROUNDS = 4_000, 300


def fit() -> tuple[np.ndarray, float]:
    """The coefficients c0 … c9 (p(a) = c0 + c1·a + …) and the largest first-order error of exp(p) found."""
    a = LIMIT * (1 - np.cos(np.linspace(0, math.pi, POINTS))) / 2  # denser at both ends
    share = np.array([math.erfc(v / math.sqrt(2)) / 2 for v in a])
    weight = np.maximum(share, FLOOR)
    powers = np.vander(a / LIMIT, DEGREE + 1, increasing=True)  # on [0, 1], for a well-conditioned solve
    lawson = np.full(POINTS, 1.0 / POINTS)
    for _ in range(ROUNDS):
        root = np.sqrt(lawson)[:, None] * weight[:, None]
        scaled, *_ = np.linalg.lstsq(root * powers, root[:, 0] * np.log(share), rcond=None)
        error = np.abs(weight * (powers @ scaled - np.log(share)))
        lawson *= error
        lawson /= lawson.sum()
    return scaled / LIMIT ** np.arange(DEGREE + 1), float(error.max())


def main() -> None:
    coefficients, error = fit()
    print(f"# largest first-order error of exp(p) on [0, {LIMIT:g}]: {error:.2e}")
    print("GELU32 = tuple(np.array(c, dtype=np.float32) for c in (" + ", ".join(str(np.float32(c)) for c in coefficients)
          + "))")


if __name__ == "__main__":
    main()
