"""Every registered operation is a whole unit: shape rule, kernels, typed record, worked form, drawing.

The registry is walked, not listed, so an operation added without a worked form or a
diagram form fails here, not at trace time. Each operation is traced in every format and
drawn on a spec that uses it: the first spec in specs/ whose plan has the operation, or,
for the few no shipped spec uses, the small spec below.
"""

from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import pytest

import netspec
from netspec import ops
from netspec.ops.base import Diagram
from netspec.ops.worked import Chain, Record, Sum
from netspec.render import FORMATS, render_trace_as
from netspec.render.diagram import render_drawing
from netspec.render.numbers import NumberStyle
from netspec.render.view import PrintOptions
from netspec.render.worked import worked_rows

from conftest import SPECS

ONE_VALUE = """network one_{op} "One {op} layer."

input a
input b
input c

layer out = {op}(input)

output out
decide largest
say "{{decision}}"

example first: a=1, b=2, c=0.5 -> b
"""

INLINE = {op: ONE_VALUE.format(op=op) for op in ("logistic", "tanh", "divide_by_sum")}


def _specs_by_op() -> dict[str, object]:
    """Each operation → a path or inline text of a spec whose plan uses it."""
    found: dict[str, object] = {}
    for path in sorted(SPECS.glob("*.net")):
        for step in netspec.load_spec(path).steps:
            found.setdefault(step.op, path)
    return {**INLINE, **found}


SPEC_OF = _specs_by_op()


@pytest.mark.parametrize("name", sorted(ops.REGISTRY))
def test_every_operation_declares_each_part(name):
    op = ops.REGISTRY[name]
    for part in (op.check, op.kernel, op.explain, op.worked):
        assert callable(part), f"{name} lacks a part"
    assert len(inspect.signature(op.worked).parameters) == 2, f"{name}.worked(step, row)"
    assert isinstance(op.diagram, Diagram), name
    assert op.kind and isinstance(op.kind, str), name
    assert hasattr(op, "gradient"), name


@pytest.mark.parametrize("name", sorted(ops.REGISTRY))
def test_every_operation_is_used_by_a_spec(name):
    assert name in SPEC_OF, f"no spec in specs/ uses {name}: add one, or a small spec to INLINE"


def _load(source, tmp_path):
    if isinstance(source, str):
        path = tmp_path / "spec.net"
        path.write_text(source, encoding="utf-8")
        source = path
    return netspec.load_spec(source)


def _first_row(spec) -> np.ndarray:
    from netspec.inputs import from_examples

    return from_examples(spec, None).values[:1]


@pytest.mark.parametrize("name", sorted(SPEC_OF))
def test_every_operation_traces_in_every_format_and_draws(name, tmp_path):
    """Its record is a typed Record, its worked form gives Sums and Chains, and every printout and drawing is made."""
    spec = _load(SPEC_OF[name], tmp_path)
    trace = netspec.trace_plan(netspec.compile_plan(spec), _first_row(spec))
    steps = [s for s in trace.steps if s.step.op == name]
    assert steps, f"{name} is not in the plan of its spec"
    assert all(dataclasses.is_dataclass(s.record) and isinstance(s.record, Record) for s in steps), name
    row = worked_rows(trace)[0]
    for worked in (w for w in row.steps if w.trace_step.step.op == name):
        assert worked.items and all(isinstance(item, (Sum, Chain)) for item in worked.items), name
    style = NumberStyle()
    for fmt in FORMATS:
        assert render_trace_as(fmt, trace, style).strip(), f"{name}: empty {fmt} printout"
    assert "<svg" in render_drawing(spec, PrintOptions(style), trace)
