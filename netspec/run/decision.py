"""Output numbers in, decisions out: the spec's rule turns each row's outputs into a label."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from netspec.check.model import Decision


class Decisions(Sequence):
    """One label per row, kept as label numbers in an array: a label string is made only when read.

    A 100,000-row batch would spend most of its time building 100,000 Python strings that a
    CSV writer or a caller reading `chosen` never needs. Reads like a list of labels
    (indexing, iteration, `len`, `==` with a list or tuple of labels).
    """

    def __init__(self, labels: Sequence[str], chosen: np.ndarray):
        self.labels = tuple(labels)
        self.chosen = chosen  # (rows,) index into `labels`

    def __len__(self) -> int:
        return len(self.chosen)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Decisions(self.labels, self.chosen[i])
        return self.labels[self.chosen[i]]

    def __iter__(self):
        labels = self.labels
        return (labels[i] for i in self.chosen.tolist())

    def __eq__(self, other) -> bool:
        if isinstance(other, Decisions):
            return list(self) == list(other)
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(list(self))

    def tolist(self) -> list[str]:
        return list(self)

    def present(self) -> tuple[str, ...]:
        """The labels that occur at least once, without reading every row in Python."""
        counts = np.bincount(self.chosen, minlength=len(self.labels))
        return tuple(label for label, n in zip(self.labels, counts) if n)


def decide(decision: Decision, outputs: np.ndarray) -> Decisions:
    """One label per row of `outputs` (batch, n_out), picked by array indexing, not a row loop."""
    if decision.kind == "none":  # `decide nothing`: the numbers are the answer, no label
        return Decisions(("",), np.zeros(len(outputs), dtype=np.intp))
    if decision.kind == "sign":
        chosen = np.where(outputs[:, 0] > 0, 0, 1)  # positive → the first label; zero and below → the second
    elif decision.reads:  # a sequence of scores: the last position's decide (the next token)
        chosen = np.argmax(outputs[:, -decision.reads:], axis=1)
    elif outputs.shape[1] <= FEW_OUTPUTS:
        chosen = _largest_of_few(outputs)
    else:
        chosen = np.argmax(outputs, axis=1)
    return Decisions(decision.labels, chosen)


FEW_OUTPUTS = 4  # up to this many outputs, a comparison per column beats argmax along short rows (5× at 2)


def _largest_of_few(outputs: np.ndarray) -> np.ndarray:
    """argmax along each row, a column at a time, by arithmetic (a masked write per column costs as much
    as argmax itself: its branches are unpredictable); the first of equal largest wins, as argmax's does
    (the runner has refused NaN before any decision is made)."""
    if outputs.shape[1] == 2:  # two labels, as most of the article's networks: one comparison
        return np.greater(outputs[:, 1], outputs[:, 0]).view(np.uint8)  # 0 or 1, as label numbers
    best = outputs[:, 0].copy()
    chosen = np.zeros(len(outputs), dtype=np.intp)
    for j in range(1, outputs.shape[1]):
        column = outputs[:, j]
        larger = column > best
        step = j - chosen  # where larger: chosen becomes j
        step *= larger
        chosen += step
        np.maximum(best, column, out=best)
    return chosen


def sentence(decision: Decision, label: str) -> str:
    """The spec's own sentence with the decision filled in."""
    return decision.sentence.replace("{decision}", label)
