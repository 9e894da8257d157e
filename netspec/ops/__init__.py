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


# Each operation's module, so that a command imports only the operations its spec uses (start-up: a
# `netspec run` of leaf.net imports dense alone); tests/test_registry.py holds it to the modules' own OPS.
MODULES = {"identity": "activations", "relu": "activations", "logistic": "activations", "tanh": "activations",
           "softmax": "activations", "divide_by_sum": "activations", "attention": "attention",
           "collapse": "collapse", "pick": "concat", "last": "concat", "concat": "concat", "dense": "dense",
           "dense_each": "dense", "dropout": "dropout", "embed": "embedding", "gelu": "gelu", "gelu_tanh": "gelu",
           "l2_normalize": "l2_normalize", "mean_pool": "mean_pool", "layer_norm": "normalization",
           "positional_encoding": "positional", "positional_embedding": "positional", "add": "residual",
           "rms_norm": "rms_norm", "scale": "scale", "split": "split", "features": "split"}
ALIASES = {"sigmoid": "logistic", "linear": "dense", "normalize": "divide_by_sum"}
_LOADED: dict[str, dict[str, OpDef]] = {}


def _module_ops(module: str) -> dict[str, OpDef]:
    if module not in _LOADED:
        _LOADED[module] = {op.name: op for op in importlib.import_module(f"{__name__}.{module}").OPS}
    return _LOADED[module]


def _gather() -> dict[str, OpDef]:
    """Every OpDef of every operation module, in module-name order (the same on every machine)."""
    found: dict[str, OpDef] = {}
    for module in sorted(info.name for info in pkgutil.iter_modules(__path__)):
        if module in SHARED:
            continue
        for op in _module_ops(module).values():
            assert op.name not in found, f"two operations are called {op.name}"
            found[op.name] = op
    return found


def _registry() -> dict[str, OpDef]:
    """Every operation, gathered the first time it is asked for (a command that needs only one operation
    never imports the others) and kept as the module's REGISTRY."""
    if "REGISTRY" not in globals():
        globals()["REGISTRY"] = _gather()
    return globals()["REGISTRY"]


def __getattr__(name: str):
    if name == "REGISTRY":
        return _registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lookup(name: str) -> OpDef | None:
    """The operation called `name` (or one of its aliases), None if there is none."""
    name = ALIASES.get(name, name)
    module = MODULES.get(name)
    return _module_ops(module).get(name) if module is not None else None


def known_names() -> list[str]:
    return sorted([*(name for name, op in _registry().items() if not op.hidden), *ALIASES])


__all__ = ["OpDef", "ShapeResult", "lookup", "known_names", "REGISTRY"]
