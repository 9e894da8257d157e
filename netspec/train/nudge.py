"""The article's way of finding a gradient, kept as a check on the chain rule: nudge a weight, watch the loss.

"Nudge each parameter a little and see whether the loss goes up or down" (notes §1.2): for
a weight w, (L(w + h) − L(w − h)) / 2h is the slope of the loss, which the backward pass
computes exactly by the chain rule. The two must agree to a few parts in a million
(h = 1e-6·max(1, |w|); a loss with a kink, such as l1 where an output equals its target,
can differ right at the kink). A gradient smaller than 1e-4·max(1, L) is compared against
that floor instead of itself: the nudge's own rounding (about 1e-16·L / h) is of that order.
"""

from __future__ import annotations

import numpy as np

from netspec.run.plan import Plan
from netspec.train.backward import forward
from netspec.train.losses import Loss
from netspec.records import record

AGREE = 1e-5  # relative difference below which the chain rule and the nudge agree


@record
class Nudged:
    table: str
    checked: int  # numbers nudged
    size: int  # numbers the table holds
    worst: float  # the largest relative difference found
    where: tuple[int, ...]  # the number where it was found
    chain: float  # the chain rule's gradient there
    nudge: float  # the nudge's

    @property
    def agrees(self) -> bool:
        return self.worst <= AGREE


def nudge_check(plan: Plan, weights: dict, grads: dict, loss: Loss, inputs, targets, most: int,
                rng: np.random.Generator) -> list[Nudged]:
    """For each table: up to `most` of its numbers (all, when it has no more; otherwise picked at random)."""
    found = []
    for name, grad in grads.items():
        table = weights[name]
        picks = range(table.size) if table.size <= most else sorted(rng.choice(table.size, most, replace=False))
        worst = (-1.0, (), 0.0, 0.0)
        floor = 1e-4 * max(1.0, abs(loss.value(forward(plan, weights, inputs)[plan.spec.output], targets)))
        for flat in picks:
            where = np.unravel_index(flat, table.shape)
            slope = _slope(plan, weights, name, where, loss, inputs, targets)
            chain = float(grad[where])
            difference = abs(chain - slope) / max(abs(chain), abs(slope), floor)
            if difference > worst[0]:
                worst = (difference, tuple(int(i) for i in where), chain, slope)
        found.append(Nudged(name, len(picks), table.size, *worst))
    return found


def _slope(plan, weights, name, where, loss: Loss, inputs, targets) -> float:
    table = weights[name]
    original = table[where]
    h = 1e-6 * max(1.0, abs(original))
    losses = []
    for moved in (original + h, original - h):
        table[where] = moved
        losses.append(loss.value(forward(plan, weights, inputs)[plan.spec.output], targets))
    table[where] = original
    return (losses[0] - losses[1]) / (2 * h)
