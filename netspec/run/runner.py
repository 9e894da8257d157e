"""Plan + input rows in, outputs (and, when tracing, a Trace) out; the only caller of kernels.

A batch is one array of shape (rows, inputs): each step is one NumPy operation over all
rows at once. After each step the result is checked for NaN and infinity, so a fault is
reported at the step where it first appears. A float32 plan of dense layers, relus and a
softmax runs as its program instead (netspec/run/fused.py), with one check for the whole
batch; when that check fails, the batch runs again step by step to name the step.

Two ways to run: the fast kernels (BLAS matrix products, NumPy's functions) for batches,
whose last bit may differ between machines, and `exact=True`, the explaining kernels'
arithmetic (sums in the printed order, correctly rounded functions: ops/arithmetic.py),
which gives the same bits on every machine. Whatever one row shows a person, its outputs,
its example check, a generated token, comes from the exact way.
"""

from __future__ import annotations

import contextvars
import math
from typing import Sequence

import numpy as np

from netspec.check.cost import rows_fit
from netspec.run.decision import Decisions, decide
from netspec.errors import NetspecError, NumericError
from netspec.progress import advance_by
from netspec.run.plan import Plan, PlanStep, compile_plan
from netspec.run.trace import Trace, TraceStep
from netspec.records import record


@record
class RunResult:
    outputs: np.ndarray
    decisions: Decisions  # reads like a list of labels; `.chosen` holds the label numbers


def run(plan: Plan, rows: np.ndarray, row_ids: Sequence[str] | None = None, exact: bool = False) -> RunResult:
    """Run every row through the fast kernels (or, `exact`, the trace's arithmetic); outputs and decisions.
    A float32 plan computes in float32 (its outputs too), always by the fast kernels.
    Rows that would take more than --max-memory at once are refused first (netspec/check/cost.py).

    Only the values the plan marks (Plan.checks) are searched for NaN and infinity: one that only
    operations carrying a NaN or infinity into their result read (OpDef.propagates) shows its fault in
    theirs. When a fault shows, the batch runs again with every step checked, so the error names the
    step where it first appears, in that operation's words. A float32 plan's program (Plan.program) runs
    first, with one check for the whole batch; the steps run only when that check fails."""
    _fit(plan, len(rows), traced=False, exact=exact)
    exact = exact and plan.dtype == np.float64  # the exact arithmetic is float64's; a float32 plan runs fast
    with np.errstate(over="ignore"):  # an input past float32's range is ∞: its first step reports it (NS501)
        given = np.asarray(rows, dtype=plan.dtype)
    if plan.program is not None and not exact:
        outputs = _QUIET.copy().run(_programmed, plan.program, given)
        if outputs is not None:
            return RunResult(outputs, decide(plan.spec.decision, outputs))
    block = 0 if exact or plan.dtype == np.float64 else _block_rows(plan)
    with np.errstate(all="ignore"):
        try:
            if 0 < block < len(given):
                outputs = _blocked(plan, given, block)
            else:
                outputs = _forward(plan, given, row_ids, exact, plan.checks)
        except _Rerun:
            outputs = _forward(plan, given, row_ids, exact, None)
    return RunResult(outputs, decide(plan.spec.decision, outputs))


def _quiet() -> contextvars.Context:
    """A context whose NumPy error state ignores every floating-point fault, as `np.errstate(all="ignore")`
    does: a program runs in a copy of it (0.1 µs, where entering np.errstate takes 1.7 µs, a tenth of
    leaf's 1,000 rows). Its kernels read no other context variable."""
    with np.errstate(all="ignore"):
        return contextvars.copy_context()


_QUIET = _quiet()


def _programmed(program, given: np.ndarray) -> np.ndarray | None:
    """The batch through the plan's program (netspec/run/fused.py), or None when a NaN or infinity may have
    appeared: then the batch runs step by step, each step checked, to say where."""
    if program.limit is not None:
        if not given.flags.c_contiguous:
            given = np.ascontiguousarray(given)
        if not program.fits(given):
            return None
    outputs = program.compute(given)
    return outputs if program.limit is not None or finite_total(outputs) else None


BLOCK_ROWS = 16_384  # rows of a narrow float32 batch run at a time
NARROW = 64  # numbers in a row's widest value, at most, for a batch to run in blocks


def _block_rows(plan: Plan) -> int:
    """Rows per block of a float32 batch, 0 for none. A narrow network (leaf's 4 → 3 → 2) on many rows
    is a few thin matrix products that BLAS runs at memory speed: in blocks of 16,384 rows every step's
    result stays in the core's cache for the next (bench/: 12% at 100,000 rows). Wider rows gain nothing
    from it and lose the calls (tiny_gpt, 784 → 512 → 512 → 10)."""
    widest = max((len(plan.spec.values[step.step.output].names) for step in plan.steps), default=1)
    return BLOCK_ROWS if widest <= NARROW else 0


def _blocked(plan: Plan, given: np.ndarray, block: int) -> np.ndarray:
    """The batch a block of rows at a time; any fault (or refused input) runs the whole batch again, step by
    step, so that the error names the first step and row as an unblocked run does."""
    outputs = None
    for start in range(0, len(given), block):
        try:
            part = _forward(plan, given[start:start + block], None, False, plan.checks, strict=True)
        except NetspecError:
            raise _Rerun from None
        if outputs is None:
            outputs = np.empty((len(given),) + part.shape[1:], dtype=part.dtype)
        outputs[start:start + block] = part
    return outputs


class _Rerun(Exception):
    """A NaN or infinity showed after steps that were not checked: run again, checking each step."""


def _forward(plan: Plan, given: np.ndarray, row_ids, exact: bool, checks, strict: bool = False) -> np.ndarray:
    """The batch through every step; `checks` None checks every step's result, else those it marks.
    `strict` (a block of rows): any NaN or infinity raises _Rerun."""
    values = {plan.spec.input_value: given}
    skipped = strict  # a step before this one went unchecked: a fault found here may have begun there
    for i, (step, done) in enumerate(zip(plan.steps, plan.last_uses)):
        inner = step.step
        xs = [values[name] for name in inner.inputs]
        result = _computed(step, step.op.exact_kernel if exact else step.op.kernel, xs, row_ids, plan)
        if checks is not None and not checks[i]:
            skipped = True
        elif not finite_total(result):
            if skipped and not np.isfinite(result).all():
                raise _Rerun
            _report_non_finite(step, result, row_ids, plan, xs)
        values[inner.output] = result
        for name in done:  # a large batch keeps only the values later steps still read
            del values[name]
    return values[plan.spec.output]


SMALL_CHECK = 1 << 16  # numbers: below this a check costs its call more than its pass
_ONES: dict = {}


def finite_total(result: np.ndarray) -> bool:
    """True when every number is finite. A small result: its sum, by BLAS's dot product with ones (half of
    np.add.reduce's call; the search follows only on a fault: a sum that overflowed, or a NaN or infinity).
    A large float32 one: its smallest and largest numbers, two passes each four to six times as fast as a
    sum's (for float64 they are slower than the sum, which stays)."""
    kind = result.dtype.char
    if result.size <= SMALL_CHECK and kind in "fd" and result.flags.c_contiguous:
        ones = _ONES.get(kind)
        if ones is None:
            ones = _ONES[kind] = np.ones(SMALL_CHECK, dtype=result.dtype)
        return math.isfinite(np.dot(result.reshape(-1), ones[:result.size]))
    if kind != "f" or result.size == 0:
        return math.isfinite(np.add.reduce(result, axis=None))
    return math.isfinite(np.minimum.reduce(result, axis=None)) and math.isfinite(np.maximum.reduce(result, axis=None))


def trace(plan: Plan, rows: np.ndarray, row_ids: Sequence[str], progress=None, worked=None) -> Trace:
    """Run through the explaining kernels, keeping every intermediate number for the printout
    (refused first when they would take more than --max-memory). A trace is float64's exact arithmetic
    whatever the plan's dtype: a float32 plan is traced by its float64 twin. `progress` counts the steps.

    `worked`: the names of the steps whose working the printout lays out (render/view.py
    worked_steps), or None for every step. The others get the same numbers, bit for bit, from the
    exact kernel alone and keep no record: a trace focused on one number of MiniLM holds 80 results
    instead of 2.7 GB of products, and computes them in a tenth of a second instead of ten."""
    _fit(plan, len(rows), traced=True, worked=worked)
    if plan.dtype != np.float64:
        plan = compile_plan(plan.spec, "float64")
    spec = plan.spec
    values = {spec.input_value: rows}
    steps = []
    with np.errstate(all="ignore"):
        for step in plan.steps:
            shown = worked is None or step.step.output in worked
            records = []  # the explaining kernel's typed record, kept as it passes the checks

            def explained(xs, ps, options, _op=step.op, _records=records):
                result, found = _op.explain(xs, ps, options)
                _records.append(found)
                return result

            result = _checked(step, explained if shown else step.op.exact_kernel, values, row_ids, plan)
            values[step.step.output] = result
            steps.append(_trace_step(spec, step, records[0] if shown else None, result))
            advance_by(progress)
    outputs = values[spec.output]
    return Trace(spec, tuple(row_ids), rows, tuple(steps), tuple(decide(spec.decision, outputs)))


def _fit(plan: Plan, rows: int, traced: bool, exact: bool = False, worked: set[str] | None = None):
    if plan.spec.cost is not None:  # a spec put together by hand, not checked, has no cost
        rows_fit(plan.spec.cost, rows, traced, exact=exact, worked=worked)


def _trace_step(spec, step: PlanStep, record, result) -> TraceStep:
    params = tuple(spec.params[name] for name in step.step.params)
    input_labels = spec.values[step.step.inputs[0]].labels
    value = spec.values[step.step.output]
    return TraceStep(step.step, params, input_labels, value.labels, record, result, value.positions)


def _checked(step: PlanStep, kernel, values, row_ids, plan) -> np.ndarray:
    """One step of a trace: its result, searched for NaN and infinity."""
    xs = [values[name] for name in step.step.inputs]
    result = _computed(step, kernel, xs, row_ids, plan)
    if not finite_total(result):
        _report_non_finite(step, result, row_ids, plan, xs)
    return result


def _computed(step: PlanStep, kernel, xs, row_ids, plan) -> np.ndarray:
    """The step's result by `kernel`, after the numbers it refuses are refused, in the plan's dtype."""
    if step.op.validate is not None:
        _validate(step, xs[0], row_ids, plan)
    result = kernel(xs, step.params, step.step.options)
    if result.dtype != plan.dtype and plan.dtype != np.float64:  # an operation that widened: back to float32
        result = result.astype(plan.dtype)
    return result


def _validate(step: PlanStep, x, row_ids, plan):
    """Numbers the operation refuses, in its own words (OpDef.validate); the runner adds where."""
    source = step.step.inputs[0]
    found = step.op.validate(x, source, plan.spec.values[source].labels, lambda row: _row_name(row_ids, row))
    if found is not None:
        found.span = step.step.span
        raise found


def _report_non_finite(step: PlanStep, result, row_ids, plan, xs):
    bad = np.argwhere(~np.isfinite(result))
    if bad.size == 0:
        return  # the sum overflowed but every number is finite
    row, col = bad[0]
    found = step.op.fault(xs, list(step.params), step.step.options, row) if step.op.fault else None
    if found is not None:  # the operation knows why, in its own words and with its own code
        found.message = f"{found.message}, at step `{step.step.output}` in {_row_name(row_ids, row)}"
        found.span = step.step.span
        raise found
    label = plan.spec.values[step.step.output].labels[col]
    what = "NaN (not a number)" if np.isnan(result[row, col]) else "infinity"
    raise NumericError(
        f"{what} first appears at step `{step.step.output}`, in {step.step.output}.{label} "
        f"of {_row_name(row_ids, row)}", step.step.span,
        hint=f"the numbers grew too large for {LARGEST[plan.dtype.name]}; check the inputs and weights", code="NS501")


LARGEST = {"float64": "float64 (about 1.8e308)",
           "float32": "float32 (about 3.4e38, where float64 holds up to 1.8e308: --dtype float64)"}


def _row_name(row_ids, row) -> str:
    return row_ids[row] if row_ids is not None else f"row {row + 1}"
