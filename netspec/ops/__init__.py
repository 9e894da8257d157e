"""Operation name in, OpDef out: the registry of every operation a layer can use.

Each operation is one module here that declares `OPS`: its shape rule (used by the
checker), batch kernel (`netspec run`), explaining kernel with its typed record and worked
form (`netspec trace`), diagram form and options (netspec/ops/base.py, OpDef). The
registry gathers every module's OPS, so a new operation is one new module; the grammar
does not change.
"""

from __future__ import annotations

import importlib
import pkgutil

from netspec.ops.base import OpDef, ShapeResult

SHARED = ("arithmetic", "base", "context", "erf", "options", "worked")  # the modules every operation is written with


def _gather() -> dict[str, OpDef]:
    """Every OpDef of every operation module, in module-name order (the same on every machine)."""
    found: dict[str, OpDef] = {}
    for module in sorted(info.name for info in pkgutil.iter_modules(__path__)):
        if module in SHARED:
            continue
        for op in importlib.import_module(f"{__name__}.{module}").OPS:
            assert op.name not in found, f"two operations are called {op.name}"
            found[op.name] = op
    return found


REGISTRY: dict[str, OpDef] = _gather()
ALIASES = {"sigmoid": "logistic", "linear": "dense", "normalize": "divide_by_sum"}


def lookup(name: str) -> OpDef | None:
    """The operation called `name` (or one of its aliases), None if there is none."""
    return REGISTRY.get(ALIASES.get(name, name))


def known_names() -> list[str]:
    return sorted([*(name for name, op in REGISTRY.items() if not op.hidden), *ALIASES])


__all__ = ["OpDef", "ShapeResult", "lookup", "known_names", "REGISTRY"]
