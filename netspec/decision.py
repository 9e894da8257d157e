"""Output numbers in, decisions out: the spec's rule turns each row's outputs into a label."""

from __future__ import annotations

import numpy as np

from netspec.model import Decision


def decide(decision: Decision, outputs: np.ndarray) -> list[str]:
    """One label per row of `outputs` (batch, n_out), picked by array indexing, not a row loop."""
    labels = np.asarray(decision.labels, dtype=object)
    if decision.kind == "sign":
        chosen = np.where(outputs[:, 0] > 0, 0, 1)  # positive → the first label; zero and below → the second
    else:
        chosen = np.argmax(outputs, axis=1)
    return labels[chosen].tolist()


def sentence(decision: Decision, label: str) -> str:
    """The spec's own sentence with the decision filled in."""
    return decision.sentence.replace("{decision}", label)

