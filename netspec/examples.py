"""CheckedSpec + Plan in, example results out: the spec's examples verified like doctests."""

from __future__ import annotations

import math

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


def _shown(x: float, tolerance: float) -> str:
    """x to one decimal place more than the tolerance needs (at least 5), as every printout writes numbers."""
    from netspec.render.numbers import NumberStyle, num

    places = 5 if tolerance <= 0 or not math.isfinite(tolerance) else math.ceil(-math.log10(tolerance)) + 1
    return num(x, NumberStyle(min(max(places, 5), 15)))


def _compare(example, outputs: dict[str, float], decision: str) -> ExampleResult:
    mismatches = []
    if decision != example.decision:
        mismatches.append(f"decision is {decision}, expected {example.decision}")
    for label, wanted in example.expected.items():
        got = outputs[label]
        if not abs(got - wanted) <= example.tolerance:
            mismatches.append(f"{label} is {_shown(got, example.tolerance)}, expected {_shown(wanted, example.tolerance)}"
                              f" within {_shown(example.tolerance, example.tolerance)}")
    return ExampleResult(example.name, example.decision, decision, outputs, tuple(mismatches), example.span)
