"""CheckedSpec + Plan in, example results out: the spec's examples verified like doctests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netspec.model import CheckedSpec
from netspec.plan import Plan
from netspec.runner import run


@dataclass(frozen=True)
class ExampleResult:
    name: str
    expected_decision: str
    decision: str
    outputs: dict[str, float]
    mismatches: tuple[str, ...]
    span: object

    @property
    def ok(self) -> bool:
        return not self.mismatches


def verify_examples(spec: CheckedSpec, plan: Plan) -> list[ExampleResult]:
    """Run every example in one batch and compare decisions and expected numbers."""
    if not spec.examples:
        return []
    rows = np.stack([e.inputs for e in spec.examples])
    result = run(plan, rows, [f"example {e.name}" for e in spec.examples])
    return [_compare(example, dict(zip(spec.output_labels, map(float, outputs))), decision)
            for example, outputs, decision in zip(spec.examples, result.outputs, result.decisions)]


def _compare(example, outputs: dict[str, float], decision: str) -> ExampleResult:
    mismatches = []
    if decision != example.decision:
        mismatches.append(f"decision is {decision}, expected {example.decision}")
    for label, wanted in example.expected.items():
        got = outputs[label]
        if not abs(got - wanted) <= example.tolerance:
            mismatches.append(f"{label} is {got!r}, expected {wanted!r} within {example.tolerance:g}")
    return ExampleResult(example.name, example.decision, decision, outputs, tuple(mismatches), example.span)
