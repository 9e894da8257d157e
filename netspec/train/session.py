"""What `netspec train` does, apart from the command line: check, train, and lay out what to write.

Everything that can be refused is refused before the first epoch: the data (every cell),
the settings (--freeze, a loss the outputs cannot take) and whether the trained numbers can
be written back. Nothing is written when training diverges.
"""

from __future__ import annotations

import json

import numpy as np

from netspec.check.model import CheckedSpec
from netspec.errors import TrainingError
from netspec.run.plan import compile_plan
from netspec.train.data import Data, read_data
from netspec.train.nudge import Nudged, nudge_check
from netspec.train.trainer import Result, Settings, batch_step, initial_weights, loss_for, train, trainable
from netspec.train.writeback import check_writable, trained_files
from netspec.records import record


@record
class Trained:
    result: Result
    data: Data
    spec_text: str
    weight_file: bytes | None
    log: str  # one JSON line per epoch

    def accuracy(self, plan, weights) -> float | None:
        return accuracy(plan, weights, self.data)


def prepare(spec: CheckedSpec, data_path: str, settings: Settings):
    plan = compile_plan(spec)
    data = read_data(spec, data_path)
    names = trainable(spec, settings.freeze)
    check_writable(spec, names)
    loss = loss_for(plan, settings.loss)
    if loss.on_probabilities and data.targets.min() < 0:
        raise TrainingError("cross-entropy needs targets between 0 and 1, like probabilities", code="NS904",
                            hint="a sign decision's targets are +1 and −1: use --loss l1 or mse")
    return plan, data, names


def run_training(spec: CheckedSpec, data_path: str, out: str, settings: Settings, progress=None) -> Trained:
    plan, data, _ = prepare(spec, data_path, settings)
    result = train(plan, data, settings, progress)
    text, blob = trained_files(spec, result.weights, out)
    log = "".join(json.dumps({"epoch": n, "loss": loss}) + "\n" for n, loss in enumerate(result.losses, 1))
    return Trained(result, data, text, blob, log)


def accuracy(plan, weights, data: Data) -> float | None:
    """The share of rows whose decision is their label, when the data gives labels."""
    if not data.labels:
        return None
    from netspec.run.decision import decide
    from netspec.train.backward import forward

    outputs = forward(plan, weights, data.inputs)[plan.spec.output]
    chosen = list(decide(plan.spec.decision, outputs))
    wanted = ["space" if label == " " else label for label in data.labels]
    return float(np.mean([a == b for a, b in zip(chosen, wanted)]))


def check_gradients(spec: CheckedSpec, data_path: str, settings: Settings, most: int = 40) -> tuple[float, list[Nudged]]:
    """The first batch's loss and, for each table, the chain rule's gradient against the nudge's."""
    plan, data, names = prepare(spec, data_path, settings)
    rng = np.random.default_rng(settings.seed)
    weights = initial_weights(plan, settings.init, rng)
    loss = loss_for(plan, settings.loss)
    rows = np.arange(min(len(data.inputs), settings.batch_size or len(data.inputs)))
    value, _, grads, _ = batch_step(plan, weights, names, loss, data.inputs[rows], data.targets[rows])
    return value, nudge_check(plan, weights, grads, loss, data.inputs[rows], data.targets[rows], most, rng)
