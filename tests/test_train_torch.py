"""netspec's training against PyTorch's, step for step: the same epochs' losses and final weights to 1e-9.

tests/reference/training.json is recorded by scripts/record_training.py (torch.optim.SGD and
torch.optim.Adam in float64, from the specs' own weights, full-batch and mini-batch).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import netspec
from netspec.train.data import read_data
from netspec.train.trainer import Settings, train

ROOT = Path(__file__).resolve().parent.parent
RUNS = json.loads((ROOT / "tests" / "reference" / "training.json").read_text(encoding="utf-8"))["runs"]


def _relative(found, wanted) -> float:
    found, wanted = np.asarray(found, dtype=np.float64), np.asarray(wanted, dtype=np.float64)
    return float(np.abs(found - wanted).max() / max(np.abs(wanted).max(), 1e-300))


@pytest.mark.parametrize("run", RUNS, ids=[f"{Path(r['spec']).stem}-{r['loss']}-{r['optimizer']}-{r['batch_size'] or 'all'}"
                                           for r in RUNS])
def test_training_matches_torch(run):
    spec = netspec.load_spec(ROOT / run["spec"])
    plan = netspec.compile_plan(spec)
    data = read_data(spec, str(ROOT / run["data"]))
    settings = Settings(loss=run["loss"], optimizer=run["optimizer"], lr=run["lr"], epochs=run["epochs"],
                        batch_size=run["batch_size"], seed=run["seed"])
    result = train(plan, data, settings)
    for epoch, (found, wanted) in enumerate(zip(result.losses, run["losses"], strict=True), 1):
        assert abs(found - wanted) <= 1e-9 * abs(wanted), f"epoch {epoch}: {found} vs torch {wanted}"
    assert set(result.weights) == set(run["weights"])
    for name, wanted in run["weights"].items():
        assert _relative(result.weights[name], wanted) <= 1e-9, name
        if not np.array_equal(wanted, spec.params[name].array):  # bk's gradient is 0: softmax ignores a shift of every score
            assert not np.array_equal(result.weights[name], spec.params[name].array), f"{name} did not move"
