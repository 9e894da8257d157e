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


def verify_examples(spec: CheckedSpec, plan: Plan, style=None) -> list[ExampleResult]:
    """Run every example in one batch and compare decisions and expected numbers; a mismatch's
    numbers are written in `style` (a render.numbers.NumberStyle: --ascii), to the places the tolerance needs."""
    if not spec.examples:
        return []
    rows = np.stack([e.inputs for e in spec.examples])
    result = run(plan, rows, [f"example {e.name}" for e in spec.examples], exact=True)
    return [_compare(example, dict(zip(spec.output_labels, map(float, outputs))), decision, style)
            for example, outputs, decision in zip(spec.examples, result.outputs, result.decisions)]


def _shown(x: float, tolerance: float, style) -> str:
    """x to one decimal place more than the tolerance needs (at least 5), as every printout writes numbers."""
    from netspec.render.numbers import NumberStyle, num

    places = 5 if tolerance <= 0 or not math.isfinite(tolerance) else math.ceil(-math.log10(tolerance)) + 1
    return num(x, NumberStyle(min(max(places, 5), 15), bool(style and style.ascii)))


def _compare(example, outputs: dict[str, float], decision: str, style=None) -> ExampleResult:
    mismatches = []
    if decision != example.decision:
        mismatches.append(f"decision is {decision}, expected {example.decision}")
    for label, wanted in example.expected.items():
        got = outputs[label]
        if not abs(got - wanted) <= example.tolerance:
            tolerance = example.tolerance
            mismatches.append(f"{label} is {_shown(got, tolerance, style)}, expected {_shown(wanted, tolerance, style)}"
                              f" within {_shown(tolerance, tolerance, style)}")
    return ExampleResult(example.name, example.decision, decision, outputs, tuple(mismatches), example.span)
