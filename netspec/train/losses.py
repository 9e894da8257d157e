"""Outputs and targets in, the loss and ∂loss/∂outputs out: how far the network is from what is wanted.

    l1             the article's loss: per row, the sum over outputs of |wanted − got|,
                   averaged over the rows (0.6, 0.4 against 0.8, 0.2: 0.2 + 0.2 = 0.4)
    mse            the mean over every number of (wanted − got)², as torch.nn.MSELoss
    cross-entropy  −Σ wanted·log(probability) per row, averaged over the rows; the
                   probabilities are the softmax of the outputs (torch.nn.CrossEntropyLoss
                   with probabilities as targets), or the outputs themselves when the spec
                   already ends in a layer whose outputs add up to 1 (softmax, divide_by_sum)
"""

from __future__ import annotations

import numpy as np
from netspec.records import record

LOSSES = ("l1", "mse", "cross-entropy")


@record
class Loss:
    """A loss by name; `on_probabilities`: cross-entropy of outputs that already add up to 1."""

    name: str
    on_probabilities: bool = False

    def value(self, outputs: np.ndarray, targets: np.ndarray) -> float:
        return float(self.per_row(outputs, targets).mean()) if self.name != "mse" else \
            float(((targets - outputs) ** 2).mean())

    def per_row(self, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Each row's loss (mse: the mean of the row's squares)."""
        if self.name == "l1":
            return np.abs(targets - outputs).sum(axis=1)
        if self.name == "mse":
            return ((targets - outputs) ** 2).mean(axis=1)
        return -(targets * self.log_probabilities(outputs)).sum(axis=1)

    def log_probabilities(self, outputs: np.ndarray) -> np.ndarray:
        if self.on_probabilities:
            return np.log(outputs)
        shifted = outputs - outputs.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def gradient(self, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """∂loss/∂outputs for the whole batch (the mean over rows included)."""
        rows = outputs.shape[0]
        if self.name == "l1":
            return np.sign(outputs - targets) / rows  # |w − g| moves by ±1 as g moves; 0 where they are equal
        if self.name == "mse":
            return 2.0 * (outputs - targets) / outputs.size
        if self.on_probabilities:
            return -targets / outputs / rows
        probabilities = np.exp(self.log_probabilities(outputs))
        return (probabilities * targets.sum(axis=1, keepdims=True) - targets) / rows
