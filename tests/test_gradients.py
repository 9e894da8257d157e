"""Every operation's gradient (OpDef.gradient) against PyTorch autograd, and the plan's backward pass.

tests/reference/gradients.json is recorded by scripts/record_gradients.py: each operation
written in torch's own terms, L = Σ result·gy, autograd's ∂L/∂ inputs and tables in float64.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from netspec import ops

REFERENCE = json.loads((Path(__file__).parent / "reference" / "gradients.json").read_text(encoding="utf-8"))
CASES = {case["name"]: case for case in REFERENCE["cases"]}


def _options(options: dict) -> dict:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in options.items()}


def close(found, wanted, rtol=1e-10):
    """Within rtol of the reference, relative to the reference's largest number (1 at least)."""
    found, wanted = np.asarray(found, dtype=np.float64), np.asarray(wanted, dtype=np.float64)
    assert found.shape == wanted.shape
    scale = max(float(np.abs(wanted).max(initial=0.0)), 1.0)
    assert np.abs(found - wanted).max(initial=0.0) <= rtol * scale, np.abs(found - wanted).max()


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_torch(name):
    case = CASES[name]
    op = ops.REGISTRY[case["op"]]
    xs = [np.array(x, dtype=np.float64) for x in case["xs"]]
    ps = [np.array(p, dtype=np.float64) for p in case["ps"]]
    options = _options(case["options"])
    y = op.kernel(xs, ps, options)
    close(y, case["y"])  # the case is the operation netspec runs
    dxs, dps = op.gradient(xs, ps, options, y, np.array(case["gy"], dtype=np.float64))
    assert len(dxs) == len(xs) and len(dps) == len(ps)
    for found, wanted in zip(dxs, case["dxs"]):
        if wanted is None:
            assert found is None  # token numbers: nothing to move
        else:
            close(found, wanted)
    for found, wanted in zip(dps, case["dps"]):
        close(found, wanted)


@pytest.mark.parametrize("name", sorted(ops.REGISTRY))
def test_every_operation_has_a_recorded_gradient(name):
    assert callable(ops.REGISTRY[name].gradient), f"{name} has no gradient"
    assert name in {case["op"] for case in CASES.values()}, f"scripts/record_gradients.py records no case of {name}"


def test_the_relu_rule_by_hand():
    """relu(−1, 2): ∂L/∂x = gy where x > 0, else 0."""
    dx, = ops.REGISTRY["relu"].gradient([np.array([[-1.0, 2.0]])], [], {}, None, np.array([[5.0, 7.0]]))[0]
    assert dx.tolist() == [[0.0, 7.0]]
