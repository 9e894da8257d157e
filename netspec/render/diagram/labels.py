"""Edges in, a place for each weight label out: on its own line, turned along it, clear of every other label.

Labels set in one column near the neuron they feed stand one above the other, and a reader
cannot tell which of the converging lines each belongs to. Here each label sits *on* its
line, rotated to it, at a point chosen along the line: the edges from the first input
prefer a point near the inputs, those from the last one near the neurons, so the labels
of one neuron's edges are staggered, and a point where the label would touch a label
already placed (its box turned with it, tested by separating axes) is skipped for the
next one along the line. Only geometry: svg.py draws what this decides.
"""

from __future__ import annotations

import math
from netspec.records import record

LABEL_H = 15.0  # the height of a label's white plate
GAP = 3.0  # the least room between two plates
END_ROOM = 6.0  # the least room between a plate and the ends of its line (the boxes and circles)
STEPS = 41  # candidate points along a line


@record
class Placed:
    """A label's centre, its angle (degrees, as SVG's rotate) and its plate's width."""

    x: float
    y: float
    angle: float
    width: float

    def corners(self, grow: float = 0.0) -> list[tuple[float, float]]:
        """The plate's four corners, turned with it; `grow` widens it on every side."""
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        hw, hh = self.width / 2 + grow, LABEL_H / 2 + grow
        return [(self.x + dx * c - dy * s, self.y + dx * s + dy * c)
                for dx, dy in ((-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh))]


def overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Whether two convex quadrilaterals overlap: no edge direction of either separates them."""
    for shape in (a, b):
        for k in range(4):
            (x1, y1), (x2, y2) = shape[k], shape[(k + 1) % 4]
            nx, ny = y1 - y2, x2 - x1
            pa = [nx * x + ny * y for x, y in a]
            pb = [nx * x + ny * y for x, y in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return False
    return True


def place(edges: list[tuple[tuple[float, float], tuple[float, float], float, float]]) -> list[Placed]:
    """One Placed per edge ((start, end, width, preferred share of the way, 0 … 1)), in the given order; each
    label takes the free point nearest its preferred one. With no free point (a crowded drawing) it takes the
    preferred point: the browser test would then say so."""
    placed: list[Placed] = []
    for (x1, y1), (x2, y2), width, preferred in edges:
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
        low = min(0.5, (width / 2 + END_ROOM) / length)
        shares = [low + (1 - 2 * low) * k / (STEPS - 1) for k in range(STEPS)]
        shares.sort(key=lambda t: abs(t - (low + (1 - 2 * low) * preferred)))
        at = lambda t: Placed(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t, angle, width)  # noqa: E731
        chosen = next((candidate for candidate in map(at, shares)
                       if not any(overlap(candidate.corners(GAP / 2), other.corners(GAP / 2)) for other in placed)),
                      at(shares[0]))
        placed.append(chosen)
    return placed
