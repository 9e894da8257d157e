"""Plan + weights + rows in, every value and every weight's gradient out: reverse-mode differentiation.

The forward pass keeps every value (the runner lets them go; a gradient needs them). The
backward pass walks the steps last to first: each step's operation turns ∂L/∂(its result)
into ∂L/∂(each input) and ∂L/∂(each of its tables) by its own rule (`OpDef.gradient`, in
its module under netspec/ops/), and a value read by several steps adds up what each sends
back (the chain rule's sum over paths, as in a residual connection).
"""

from __future__ import annotations

import numpy as np

from netspec.run.plan import Plan


def forward(plan: Plan, weights: dict[str, np.ndarray], rows: np.ndarray, exact: bool = False) -> dict[str, np.ndarray]:
    """Every value of the plan for `rows`, with `weights` (name → array) in place of the spec's own.
    `exact`: the explaining kernels' arithmetic, as a trace prints it."""
    values = {plan.spec.input_value: rows}
    with np.errstate(all="ignore"):
        for step in plan.steps:
            xs = [values[name] for name in step.step.inputs]
            ps = [weights[name] for name in step.step.params]
            kernel = step.op.kernel if not exact else (lambda a, b, o, f=step.op.explain: f(a, b, o)[0])
            values[step.step.output] = kernel(xs, ps, step.step.options)
    return values


def backward(plan: Plan, weights: dict[str, np.ndarray], values: dict[str, np.ndarray],
             grad_output: np.ndarray, wanted: set[str] | None = None) -> tuple[dict, dict]:
    """(∂L/∂ each weight table, ∂L/∂ each value) from ∂L/∂output, by the chain rule step by step.

    `wanted`: the tables whose gradients are needed (None: all); a step none of whose
    inputs or tables leads to a wanted table is still walked, since a table may lie before it.
    """
    grads = {plan.spec.output: grad_output}
    found: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for step in reversed(plan.steps):
            gy = grads.get(step.step.output)
            if gy is None:
                continue  # nothing after this step reads its result
            xs = [values[name] for name in step.step.inputs]
            ps = [weights[name] for name in step.step.params]
            dxs, dps = step.op.gradient(xs, ps, step.step.options, values[step.step.output], gy)
            for name, dp in zip(step.step.params, dps):
                if wanted is None or name in wanted:
                    found[name] = found[name] + dp if name in found else dp
            for name, dx in zip(step.step.inputs, dxs):
                if dx is not None:
                    grads[name] = grads[name] + dx if name in grads else dx
    return found, grads
