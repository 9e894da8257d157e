"""A checked spec, training rows and settings in, trained weights and each epoch's loss out.

One epoch is one pass over the rows (the article: "one pass over that average is called an
epoch"), in batches of --batch-size rows (all of them by default: the article's average
over every example). A mini-batch epoch takes the rows in the order of
numpy.random.default_rng(seed).permutation, drawn afresh each epoch after any random
initial weights, so a run can be repeated, here or in PyTorch. Each batch: the forward
pass, the loss, the backward pass (backward.py), one optimizer step. An epoch's loss is the
mean of the losses its batches computed before their updates.
"""

from __future__ import annotations

import math
from dataclasses import field
from typing import Callable

import numpy as np

from netspec.check.model import CheckedSpec
from netspec.errors import TrainingError
from netspec.run.plan import Plan
from netspec.train.backward import backward, forward
from netspec.train.data import Data
from netspec.train.losses import Loss
from netspec.train.optimizers import optimizer
from netspec.records import record


@record
class Settings:
    loss: str = "l1"
    optimizer: str = "sgd"
    lr: float = 0.01
    epochs: int = 100
    batch_size: int | None = None  # None: every row in one batch
    seed: int = 0
    init: str = "keep"  # keep the spec's numbers, or start from random ones
    freeze: tuple[str, ...] = ()


@record(frozen=False)
class Result:
    weights: dict[str, np.ndarray]
    losses: list[float] = field(default_factory=list)
    trained: tuple[str, ...] = ()


def loss_for(plan: Plan, name: str) -> Loss:
    """Cross-entropy on the outputs' softmax, or on the outputs when the last layer already gives probabilities."""
    last = plan.steps[-1].op if plan.steps else None
    return Loss(name, on_probabilities=name == "cross-entropy" and bool(last and last.probabilities))


def trainable(spec: CheckedSpec, freeze: tuple[str, ...]) -> tuple[str, ...]:
    """Every table but the frozen ones; `--freeze Wq` freezes every copy (Wq[1], Wq[2], …) of a repeat."""
    unknown = [name for name in freeze if name not in spec.params and not _copies(spec, name)]
    if unknown:
        from netspec.run.fields import did_you_mean

        raise TrainingError(f"--freeze {unknown[0]}: {spec.name} has no table called {unknown[0]}", code="NS904",
                            hint=did_you_mean(unknown[0], _base_names(spec), "the tables are"))
    frozen = {name for wanted in freeze for name in (_copies(spec, wanted) or [wanted])}
    names = tuple(name for name in spec.params if name not in frozen)
    _untied(spec, names)
    if not names:
        raise TrainingError("every table is frozen: there is nothing left to train", code="NS904",
                            hint="leave out a --freeze")
    return names


def _untied(spec, names: tuple[str, ...]):
    """A table made from another (`weights head = transpose(E)`, `columns(W, 1, 48)`) shares its numbers:
    training both apart would untie them, and the trained spec could not say so. Refused before any epoch."""
    trained = set(names)
    for name, param in spec.params.items():
        source = getattr(param, "derived_from", None)
        if source is not None and (name in trained or source in trained):
            raise TrainingError(f"{name} is made from {source}, so they share their numbers; netspec does not train "
                                "tables made from others", code="NS904",
                                hint=f"--freeze {name.split('[', 1)[0]} --freeze {source.split('[', 1)[0]}, "
                                     "or give the spec its own tables")


def _copies(spec, name: str) -> list[str]:
    return [p for p in spec.params if p.split("[", 1)[0] == name and p != name]


def _base_names(spec) -> list[str]:
    return list(dict.fromkeys(p.split("[", 1)[0] for p in spec.params))


def initial_weights(plan: Plan, init: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The spec's numbers, or random ones: a table of n rows uniform in ±1/√n (PyTorch's nn.Linear rule),
    biases 0; a normalisation's first vector (its scale) 1 and its second (its shift) 0."""
    weights = {name: param.array.astype(np.float64).copy() for name, param in plan.spec.params.items()}
    if init == "keep":
        return weights
    roles = {}
    for step in plan.steps:
        for k, name in enumerate(step.step.params):
            roles.setdefault(name, k)
    for name, param in plan.spec.params.items():
        shape = weights[name].shape
        if param.kind == "weights":
            bound = 1.0 / math.sqrt(shape[0])
            weights[name] = rng.uniform(-bound, bound, size=shape)
        elif param.kind == "bias":
            weights[name] = np.zeros(shape)
        else:  # a vector: layer_norm's and rms_norm's scale first, shift second
            weights[name] = np.ones(shape) if roles.get(name, 0) == 0 else np.zeros(shape)
    return weights


def batches(rows: int, size: int | None, rng: np.random.Generator) -> list[np.ndarray]:
    """The batches of one epoch: every row in order, or mini-batches of a fresh permutation."""
    if size is None or size >= rows:
        return [np.arange(rows)]
    order = rng.permutation(rows)
    return [order[start:start + size] for start in range(0, rows, size)]


def batch_step(plan: Plan, weights: dict, names: tuple[str, ...], loss: Loss, inputs, targets, exact=False):
    """One batch forward and backward: (its loss, every value, each trained table's gradient, each value's gradient)."""
    values = forward(plan, weights, inputs, exact)
    outputs = values[plan.spec.output]
    with np.errstate(all="ignore"):
        value = loss.value(outputs, targets)
        grad_output = loss.gradient(outputs, targets)
    grads, value_grads = backward(plan, weights, values, grad_output, set(names))
    return value, values, {name: grads.get(name, np.zeros_like(weights[name])) for name in names}, value_grads


def train(plan: Plan, data: Data, settings: Settings, progress: Callable[[int, float], None] | None = None) -> Result:
    """Every epoch; a NaN or infinite loss or gradient stops the run, naming the epoch and the step."""
    rng = np.random.default_rng(settings.seed)
    names = trainable(plan.spec, settings.freeze)
    weights = initial_weights(plan, settings.init, rng)
    loss = loss_for(plan, settings.loss)
    step_of = optimizer(settings.optimizer, settings.lr)
    result = Result(weights, trained=names)
    for epoch in range(1, settings.epochs + 1):
        found = []
        for number, rows in enumerate(batches(len(data.inputs), settings.batch_size, rng), 1):
            value, _, grads, _ = batch_step(plan, weights, names, loss, data.inputs[rows], data.targets[rows])
            _finite(value, grads, epoch, number)
            found.append(value)
            step_of.step(weights, grads)
        result.losses.append(float(np.mean(found)))
        if progress is not None:
            progress(epoch, result.losses[-1])
    _finite_weights(weights, settings.epochs)
    return result


def _finite(value: float, grads: dict, epoch: int, step: int):
    if math.isfinite(value) and all(np.isfinite(g).all() for g in grads.values()):
        return
    what = "the loss" if not math.isfinite(value) else "a gradient"
    raise TrainingError(f"training diverged: {what} became {'NaN' if np.isnan(value) else 'infinite'} "
                        f"at epoch {epoch}, step {step}; nothing was written" if not math.isfinite(value) else
                        f"training diverged: {what} is not finite at epoch {epoch}, step {step}; nothing was written",
                        code="NS903", hint="lower --lr (the steps were too large), or start from other weights")


def _finite_weights(weights: dict, epochs: int):
    bad = next((name for name, w in weights.items() if not np.isfinite(w).all()), None)
    if bad is not None:
        raise TrainingError(f"training diverged: {bad} holds NaN or infinity after epoch {epochs}; nothing was written",
                            code="NS903", hint="lower --lr (the steps were too large)")
