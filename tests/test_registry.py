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
INLINE["features"] = ONE_VALUE.format(op="logistic").replace("layer out = logistic(input)",
                                                             "layer out = features(input, 2, 3)")
INLINE["scale"] = ONE_VALUE.format(op="logistic").replace("layer out = logistic(input)", "layer out = scale(input, -1)") \
    .replace("-> b", "-> c")


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
    assert callable(op.gradient), f"{name} has no gradient: training needs one (tests/test_gradients.py)"


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
    from netspec.run.inputs import from_examples

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


def _context_members() -> set[str]:
    from netspec.ops.context import CheckContext

    return {name for name in dir(CheckContext) if not name.startswith("_")} | set(CheckContext.__annotations__)


def test_shape_rules_use_only_the_check_context():
    """Every `ctx.name` a module under netspec/ops/ reads is a member of ops/context.py's CheckContext."""
    import ast
    from pathlib import Path

    members = _context_members()
    used = set()
    for path in Path(ops.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ctx":
                used.add((node.attr, path.name))
    assert used and {name for name, _ in used} <= members, sorted(u for u in used if u[0] not in members)


def test_the_checker_provides_the_check_context():
    from netspec.check.checker import Checker

    missing = [name for name in _context_members() - {"current", "values", "params"} if not hasattr(Checker, name)]
    assert not missing


def test_a_shape_rule_returns_row_orders_and_leaves_the_tables_alone(tmp_path):
    """dense reading a table labelled G, R: the rule says 'rows 1, 0'; the checker reorders, once."""
    path = tmp_path / "order.net"
    path.write_text("input R\ninput G\nweights W:\n     out\n  G    2\n  R    3\nlayer o = dense(input, W)\n"
                    "output o\ndecide up if positive otherwise down\n", encoding="utf-8")
    spec = netspec.load_spec(path)
    assert spec.params["W"].row_labels == ("R", "G") and spec.params["W"].array[:, 0].tolist() == [3, 2]
    result = netspec.run_plan(netspec.compile_plan(spec), [[1, 10]])
    assert result.outputs[0, 0] == 1 * 3 + 10 * 2


def test_the_module_table_names_each_operations_own_module():
    """ops.MODULES lets a command import only the operations it uses; it must list every OpDef's module."""
    found = {name: op.kernel.__module__ for name, op in ops.REGISTRY.items()}
    assert {name: f"netspec.ops.{module}" for name, module in ops.MODULES.items()} == found
    assert all(ops.lookup(name) is ops.REGISTRY[name] for name in ops.MODULES)
