"""Runner results in, nothing out: the Trace data model, pure data for the renderers.

Every array here is one the runner computed and then used as the step's output; the
renderers only format these numbers, never recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netspec.check.model import CheckedSpec, Param, Step
from netspec.ops.worked import Record
from netspec.records import record


@record
class TraceStep:
    """One step of the plan for a batch: its intermediates and its result (batch first)."""

    step: Step
    params: tuple[Param, ...]
    input_labels: tuple[str, ...]
    labels: tuple[str, ...]
    record: Record | None  # the explaining kernel's typed record (each op's own dataclass); None for a step
    #                        the printout shows in short (runner.trace's `worked`), which lays out no working
    result: np.ndarray
    positions: tuple[str, ...] = ()  # the result's sequence positions, when it is a sequence

    @property
    def name(self) -> str:
        return self.step.output

    def __repr__(self) -> str:
        return f"TraceStep({self.step.formula} → {self.result.shape[-1]} numbers × {self.result.shape[0]} rows)"


@record
class Trace:
    """A traced run of a few rows: inputs, every step, outputs and decisions."""

    spec: CheckedSpec
    row_ids: tuple[str, ...]
    inputs: np.ndarray
    steps: tuple[TraceStep, ...]
    decisions: tuple[str, ...]

    @property
    def outputs(self) -> np.ndarray:
        return self.value(self.spec.output)

    def value(self, name: str) -> np.ndarray:
        if name == self.spec.input_value:
            return self.inputs
        for step in self.steps:
            if step.name == name:
                return step.result
        raise KeyError(name)
