"""Output numbers in, decisions out: the spec's rule turns each row's outputs into a label."""

from __future__ import annotations

import numpy as np

from netspec.model import Decision


def decide(decision: Decision, outputs: np.ndarray) -> list[str]:
    """One label per row of `outputs` (batch, n_out)."""
    if decision.kind == "sign":
        positive, otherwise = decision.labels
        return [positive if v > 0 else otherwise for v in outputs[:, 0]]
    labels = decision.labels
    return [labels[i] for i in np.argmax(outputs, axis=1)]


def sentence(decision: Decision, label: str) -> str:
    """The spec's own sentence with the decision filled in."""
    return decision.sentence.replace("{decision}", label)

