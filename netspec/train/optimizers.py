"""Weights and their gradients in, the weights after one step out: plain gradient descent or Adam.

Both follow PyTorch's torch.optim to the operation, in float64, so a run here and the same
run in torch agree number for number (tests/test_train_torch.py):

    sgd   w ← w − lr·g                                   (torch.optim.SGD, no momentum)
    adam  m ← m + (1 − β1)·(g − m),  v ← β2·v + (1 − β2)·g·g,
          w ← w − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
          β1 = 0.9, β2 = 0.999, eps = 1e-8               (torch.optim.Adam's defaults)
"""

from __future__ import annotations

import math

import numpy as np

OPTIMIZERS = ("sgd", "adam")


class SGD:
    def __init__(self, lr: float):
        self.lr = lr

    def step(self, weights: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        for name, grad in grads.items():
            weights[name] = weights[name] - self.lr * grad


class Adam:
    def __init__(self, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.lr, self.betas, self.eps = lr, betas, eps
        self.t: dict[str, int] = {}
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, weights: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        beta1, beta2 = self.betas
        for name, grad in grads.items():
            t = self.t[name] = self.t.get(name, 0) + 1
            m = self.m.get(name, np.zeros_like(grad))
            v = self.v.get(name, np.zeros_like(grad))
            m = m + (1.0 - beta1) * (grad - m)  # torch's lerp
            v = v * beta2 + (1.0 - beta2) * (grad * grad)
            self.m[name], self.v[name] = m, v
            step_size = self.lr / (1.0 - beta1 ** t)
            denominator = np.sqrt(v) / math.sqrt(1.0 - beta2 ** t) + self.eps
            weights[name] = weights[name] - step_size * (m / denominator)


def optimizer(name: str, lr: float):
    return SGD(lr) if name == "sgd" else Adam(lr)
