"""CheckedSpec in, Plan out: the ordered NumPy steps that compute the network.

The plan of specs/leaf.net prints as:

    Plan leaf_or_flower: 2 steps, 18 parameters
      1  hidden = dense(input, W1)    input 4 → 3    leaf.net:27
      2  out = dense(hidden, W2)      hidden 3 → 2   leaf.net:35
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netspec import ops
from netspec.check.model import CheckedSpec, Step
from netspec.ops.base import OpDef


@dataclass(frozen=True)
class PlanStep:
    """One step: the operation's kernels with their parameters bound."""

    step: Step
    op: OpDef
    params: tuple[np.ndarray, ...]
    widths: tuple[str, str]  # `4` for a vector, `3×4` for a sequence

    def __repr__(self) -> str:
        return f"{self.step.formula}    {self.step.inputs[0]} {self.widths[0]} → {self.widths[1]}"

    def __reduce__(self):
        """Pickled by the operation's name: an OpDef's kernels may be closures, which pickle cannot
        send to another process (multiprocessing, concurrent.futures, Dask); the name finds them again."""
        return _plan_step, (self.step, self.params, self.widths)


def _plan_step(step: Step, params: tuple, widths: tuple) -> PlanStep:
    return PlanStep(step, ops.lookup(step.op), params, widths)


@dataclass(frozen=True)
class Plan:
    """The steps in order; last_uses[i] names the values no step after step i reads."""

    spec: CheckedSpec
    steps: tuple[PlanStep, ...]
    last_uses: tuple[tuple[str, ...], ...] = ()

    def __repr__(self) -> str:
        lines = [f"Plan {self.spec.name}: {len(self.steps)} steps, {self.spec.parameter_count} parameters"]
        rows = [(f"{s.step.formula}", f"{s.step.inputs[0]} {s.widths[0]} → {s.widths[1]}",
                 s.step.span.short if s.step.span else "") for s in self.steps]
        w1 = max((len(r[0]) for r in rows), default=0)
        w2 = max((len(r[1]) for r in rows), default=0)
        digits = len(str(len(rows)))  # a repeat written out makes 10 steps and more: keep the columns aligned
        for i, (formula, shapes, line) in enumerate(rows, 1):
            lines.append(f"  {i:>{digits}}  {formula.ljust(w1)}    {shapes.ljust(w2)}   {line}")
        return "\n".join(lines)


def compile_plan(spec: CheckedSpec) -> Plan:
    """Bind each step's operation and parameter arrays; nothing is computed yet."""
    steps = []
    for step in spec.steps:
        op = ops.lookup(step.op)
        params = tuple(spec.params[name].array for name in step.params)
        widths = (spec.values[step.inputs[0]].shape_text, spec.values[step.output].shape_text)
        steps.append(PlanStep(step, op, params, widths))
    return Plan(spec, tuple(steps), _last_uses(spec))


def _last_uses(spec: CheckedSpec) -> tuple[tuple[str, ...], ...]:
    """For each step, the values it is the last to need, so a batch run can let them go."""
    last = {spec.input_value: 0}
    for i, step in enumerate(spec.steps):
        last[step.output] = i
        last.update({name: i for name in step.inputs})
    done: list[list[str]] = [[] for _ in spec.steps]
    for name, i in last.items():
        if name != spec.output and spec.steps:
            done[i].append(name)
    return tuple(tuple(names) for names in done)
