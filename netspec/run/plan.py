"""CheckedSpec in, Plan out: the ordered NumPy steps that compute the network.

The plan of specs/leaf.net prints as:

    Plan leaf_or_flower: 2 steps, 18 parameters
      1  hidden = dense(input, W1)    input 4 → 3    leaf.net:27
      2  out = dense(hidden, W2)      hidden 3 → 2   leaf.net:35

A plan computes in float64 unless its dtype is float32 (`dtype float32` in the spec,
`--dtype float32`, compile_plan(spec, dtype="float32")): then its parameters are float32
copies (a weight file stored in float32 gives its own numbers back, bit for bit) and a batch
runs in float32 throughout, twice as fast on wide layers. Traces stay float64: the exact
arithmetic a person reads is float64's.
"""

from __future__ import annotations

import numpy as np

from netspec import ops
from netspec.errors import NumericError
from netspec.check.model import CheckedSpec, Step
from netspec.ops.base import OpDef
from netspec.run.fused import Program, compile_program
from netspec.records import record


@record
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


@record
class Plan:
    """The steps in order; last_uses[i] names the values no step after step i reads."""

    spec: CheckedSpec
    steps: tuple[PlanStep, ...]
    last_uses: tuple[tuple[str, ...], ...] = ()
    dtype: np.dtype = np.dtype(np.float64)
    checks: tuple[bool, ...] | None = None  # which results a batch searches for NaN and infinity; None: all
    program: Program | None = None  # a float32 batch's straight list of kernel calls (netspec/run/fused.py)

    def __repr__(self) -> str:
        kind = "" if self.dtype == np.float64 else f", {self.dtype.name}"
        lines = [f"Plan {self.spec.name}: {len(self.steps)} steps, {self.spec.parameter_count} parameters{kind}"]
        rows = [(f"{s.step.formula}", f"{s.step.inputs[0]} {s.widths[0]} → {s.widths[1]}",
                 s.step.span.short if s.step.span else "") for s in self.steps]
        w1 = max((len(r[0]) for r in rows), default=0)
        w2 = max((len(r[1]) for r in rows), default=0)
        digits = len(str(len(rows)))  # a repeat written out makes 10 steps and more: keep the columns aligned
        for i, (formula, shapes, line) in enumerate(rows, 1):
            lines.append(f"  {i:>{digits}}  {formula.ljust(w1)}    {shapes.ljust(w2)}   {line}")
        return "\n".join(lines)


DTYPES = ("float64", "float32")


def plan_dtype(spec: CheckedSpec, dtype=None) -> np.dtype:
    """The dtype asked for (a name or a NumPy dtype), else the spec's own `dtype` line, else float64."""
    chosen = dtype if dtype is not None else getattr(spec, "dtype", None) or "float64"
    name = np.dtype(chosen).name if not isinstance(chosen, str) else chosen
    if name not in DTYPES:
        raise ValueError(f"a plan computes in float64 or float32, not {chosen!r}")
    return np.dtype(name)


def compile_plan(spec: CheckedSpec, dtype=None) -> Plan:
    """Bind each step's operation and parameter arrays (in the plan's dtype, each cast once); nothing
    is computed yet."""
    kind = plan_dtype(spec, dtype)
    cast = {name: _cast(param, kind) for name, param in spec.params.items()}
    steps = []
    for step in spec.steps:
        op = ops.lookup(step.op)
        params = tuple(cast[name] for name in step.params)
        widths = (spec.values[step.inputs[0]].shape_text, spec.values[step.output].shape_text)
        steps.append(PlanStep(step, op, params, widths))
    program = compile_program(steps, spec.input_value, spec.output) if kind == np.float32 else None
    return Plan(spec, tuple(steps), _last_uses(spec), kind, _checks(spec, steps), program)


def _cast(param, kind: np.dtype) -> np.ndarray:
    """The parameter's numbers in the plan's dtype; a number float32 cannot hold (over about 3.4e38) is
    refused at the table, not left to become infinity in every row's result."""
    if kind == np.float64:
        return param.array.astype(kind, copy=False)
    with np.errstate(over="ignore"):
        cast = param.array.astype(kind)
    if not np.isfinite(cast).all():
        grew = np.isinf(cast) & np.isfinite(param.array)
        if grew.any():
            value = param.array[grew].flat[0]
            raise NumericError(f"{param.name} holds {value:g}, more than float32 can hold (about 3.4e38)",
                               param.span, code="NS506",
                               hint="compute in float64: --dtype float64 (or dtype=\"float64\"), or leave out "
                                    "the spec's `dtype float32` line")
    return cast


def _checks(spec: CheckedSpec, steps: list[PlanStep]) -> tuple[bool, ...]:
    """Which steps' results a batch checks for NaN and infinity (netspec/run/runner.py). A value that
    only operations that carry a NaN or infinity into their result read (dense, add, GELU,
    layer_norm: OpDef.propagates) needs no search of its own: the first checked value after it shows
    the fault, and the runner then runs the batch again checking every step. The output, a value no
    step reads, and one read by an operation that can hide a fault (relu turns −∞ into 0, attention's
    softmax a key's −∞ score into a weight of 0, `last` drops positions) are checked."""
    readers: dict[str, list[bool]] = {}
    for step in steps:
        for name in step.step.inputs:
            readers.setdefault(name, []).append(step.op.propagates)
    return tuple(step.step.output == spec.output or not all(readers.get(step.step.output, [False]))
                 for step in steps)


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
