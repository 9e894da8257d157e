"""CheckedSpec + Plan in, example results out: the spec's examples verified like doctests."""

from __future__ import annotations

import numpy as np

from netspec.check.model import CheckedSpec
from netspec.run.plan import Plan
from netspec.run.runner import run
from netspec.records import record


@record
class Mismatch:
    """One way an example does not hold: its decision (label None), or one output off by more than the tolerance.
    Kept as numbers: the report (render/report.py) writes them."""

    label: str | None
    got: float | str
    wanted: float | str
    tolerance: float = 0.0


@record
class ExampleResult:
    name: str
    expected_decision: str
    decision: str
    outputs: dict[str, float]
    mismatches: tuple[Mismatch, ...]
    span: object

    @property
    def ok(self) -> bool:
        return not self.mismatches


def verify_examples(spec: CheckedSpec, plan: Plan) -> list[ExampleResult]:
    """Run every example in one batch and compare decisions and expected numbers."""
    if not spec.examples:
        return []
    rows = np.stack([e.inputs for e in spec.examples])
    result = run(plan, rows, [f"example {e.name}" for e in spec.examples], exact=True)
    return [_compare(example, dict(zip(spec.output_labels, map(float, outputs))), decision)
            for example, outputs, decision in zip(spec.examples, result.outputs, result.decisions)]


def _compare(example, outputs: dict[str, float], decision: str) -> ExampleResult:
    mismatches = []
    if decision != example.decision:
        mismatches.append(Mismatch(None, decision, example.decision))
    for label, wanted in example.expected.items():
        got = outputs[label]
        if not abs(got - wanted) <= example.tolerance:
            mismatches.append(Mismatch(label, got, wanted, example.tolerance))
    return ExampleResult(example.name, example.decision, decision, outputs, tuple(mismatches), example.span)
