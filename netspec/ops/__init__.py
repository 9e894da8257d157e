"""Operation name in, OpDef out: the registry of every operation a layer can use.

Each operation brings a shape rule (used by the checker), a batch kernel (used by
`netspec run`), and an explaining kernel that returns the result together with every
intermediate number (used by `netspec trace`). New operations are added here; the
grammar does not change.
"""

from __future__ import annotations

from netspec.ops.base import OpDef, ShapeResult
from netspec.ops import (activations, attention, concat, dense, dropout, embedding, gelu, normalization, positional,
                         residual)

REGISTRY: dict[str, OpDef] = {op.name: op for op in (*dense.OPS, *activations.OPS, *gelu.OPS,
                                                     *normalization.OPS, *residual.OPS, *dropout.OPS,
                                                     *embedding.OPS, *positional.OPS, *attention.OPS,
                                                     *concat.OPS)}
ALIASES = {"sigmoid": "logistic", "linear": "dense", "normalize": "divide_by_sum"}


def lookup(name: str) -> OpDef | None:
    """The operation called `name` (or one of its aliases), None if there is none."""
    return REGISTRY.get(ALIASES.get(name, name))


def known_names() -> list[str]:
    return sorted([*(name for name, op in REGISTRY.items() if not op.hidden), *ALIASES])


__all__ = ["OpDef", "ShapeResult", "lookup", "known_names", "REGISTRY"]
