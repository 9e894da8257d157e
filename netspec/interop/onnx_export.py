"""A checked spec in, an .onnx file out: the same network for onnxruntime, Netron and the rest.

Each step is written by its operation's `onnx` form (OpDef.onnx, one per module in
netspec/ops/); this module lays out the graph around them: one input per field of the spec
(a number input as (batch, 1), a text as (batch, tokens) int64 token numbers), one output per
output neuron, named after the labels, and the meanings, units, ranges and decision rule
as doc strings and metadata_props, where Netron shows them. A repeat is already written out
step by step by the checker, so it exports as its copies.
"""

from __future__ import annotations

import numpy as np

from netspec.errors import NetspecError
from netspec.run.plan import Plan, PlanStep
from netspec.version import __version__
from netspec.progress import tick

OPSET = 17
DTYPES = {"float64": np.float64, "float32": np.float32}


class ExportError(NetspecError):
    """A spec that cannot be written as ONNX: an operation with no ONNX form, or onnx not installed."""

    code = "NS960"


def onnx_bytes(plan: Plan, dtype: str = "float64") -> bytes:
    """The serialized ONNX model of `plan`, in float64 or float32 throughout."""
    _require_onnx()
    from onnx import TensorProto, checker, helper

    from netspec.interop.onnx_graph import OnnxGraph

    _refuse_missing_forms(plan)
    g = OnnxGraph(DTYPES[dtype])
    elem = TensorProto.DOUBLE if dtype == "float64" else TensorProto.FLOAT
    inputs, values = _graph_inputs(g, plan, elem)
    for step in plan.steps:
        values[step.step.output] = _write_step(g, step, values)
        tick()  # a step more on the command's progress bar, when it shows one
    outputs = _graph_outputs(g, plan, values[plan.spec.output], elem)
    g.initializers[:0] = _params(g, plan)
    graph = helper.make_graph(g.nodes, plan.spec.name, inputs, outputs, g.initializers,
                              doc_string=plan.spec.description or "")
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="netspec", producer_version=__version__,
                              doc_string=_model_doc(plan))
    model.ir_version = 8  # what onnxruntime 1.17 and later read
    helper.set_model_props(model, _metadata(plan, dtype))
    checker.check_model(model, full_check=True)
    return model.SerializeToString()


def _require_onnx():
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise ExportError("exporting to ONNX needs the onnx package, which is not installed",
                          hint="pip install onnx (and onnxruntime to run the result)", code="NS961") from None


def _refuse_missing_forms(plan: Plan):
    """Every step's operation must have an ONNX form; the first that has none is named where it is written."""
    for step in plan.steps:
        if step.op.onnx is None:
            raise ExportError(f"`{step.step.op}` has no ONNX form, so {plan.spec.name} cannot be exported",
                              step.step.span, code="NS960",
                              hint=f"the step `{step.step.formula}` would need an ONNX operator of its own; "
                                   "run this spec with netspec instead")


def _graph_inputs(g, plan: Plan, elem):
    """One graph input per field; inside the graph they are cast and set side by side as the value `input`."""
    from onnx import TensorProto, helper

    spec = plan.spec
    infos, columns, order = [], [], []
    for field in spec.fields:
        members = [i for i, info in enumerate(spec.inputs) if (info.text or info.label) == field]
        text = spec.inputs[members[0]].text is not None
        name = g.reserve(field)
        infos.append(helper.make_tensor_value_info(name, TensorProto.INT64 if text else elem, ["batch", len(members)],
                                                   doc_string=_input_doc(spec, members, text)))
        columns.append(g.node("Cast", name, to=elem) if text else name)
        order += members
    g.step_name = "input"
    joined = g.node("Concat", *columns, axis=1) if len(columns) > 1 else columns[0]
    if order != list(range(len(order))):
        joined = g.node("Gather", joined, g.ints([order.index(i) for i in range(len(order))], "order"), axis=1)
    return infos, {spec.input_value: joined}


def _write_step(g, step: PlanStep, values: dict) -> str:
    """The step's nodes, named after its layer and documented with its line of the spec."""
    g.step_name = step.step.output
    g.step_doc = f"{step.step.formula}" + (f"    ({step.step.span.short})" if step.step.span else "")
    xs = [values[name] for name in step.step.inputs]
    return step.op.onnx(g, xs, list(step.step.params), step.step.options)


def _params(g, plan: Plan) -> list:
    """Each weights table, bias and vector as an initializer under its own name in the spec."""
    from onnx import numpy_helper

    found = []
    for name in dict.fromkeys(p for step in plan.steps for p in step.step.params):
        array = plan.spec.params[name].array.astype(g.dtype)
        g.reserve(name)
        tensor = numpy_helper.from_array(np.ascontiguousarray(array), name)
        found.append(tensor)
    return found


def _graph_outputs(g, plan: Plan, result: str, elem) -> list:
    """One (batch, 1) output per output neuron, named after its label."""
    from onnx import helper

    spec = plan.spec
    labels = spec.output_labels
    g.step_name, g.step_doc = "output", f"output {spec.output}: {spec.decision.describe()}"
    outputs = []
    for j, label in enumerate(labels):
        name = g.reserve(label)
        g.node("Slice", result, g.ints([j], "start"), g.ints([j + 1], "end"), g.ints([1], "axis"), out=name)
        outputs.append(helper.make_tensor_value_info(name, elem, ["batch", 1],
                                                     doc_string=f"output neuron {label} of {spec.output}"))
    return outputs


def _input_doc(spec, members: list[int], text: bool) -> str:
    info = spec.inputs[members[0]]
    if text:
        vocabulary = spec.texts[info.text].vocabulary if info.text in spec.texts else None
        start = f", numbered from {vocabulary.start}" if vocabulary is not None else ""
        return f"{info.description or info.text}: {len(members)} token numbers{start}"
    return info.meaning or info.label


def _model_doc(plan: Plan) -> str:
    spec = plan.spec
    lines = [spec.description or spec.name, "", f"decision: {spec.decision.describe()}",
             f"say: {spec.decision.sentence}", "", "steps:"]
    lines += [f"  {step.step.formula}" for step in plan.steps]
    return "\n".join(lines)


def _metadata(plan: Plan, dtype: str) -> dict[str, str]:
    """What Netron lists under the model's properties: the spec's meanings and its decision rule."""
    spec = plan.spec
    props = {"netspec.network": spec.name, "netspec.description": spec.description or "",
             "netspec.decision": spec.decision.describe(), "netspec.decision.kind": spec.decision.kind,
             "netspec.decision.labels": ", ".join(spec.decision.labels), "netspec.say": spec.decision.sentence,
             "netspec.outputs": ", ".join(spec.output_labels), "netspec.dtype": dtype,
             "netspec.sha256": spec.sha256}
    for info in spec.inputs:
        if info.text is None:
            props[f"netspec.input.{info.label}"] = info.meaning or info.label
            if info.unit:
                props[f"netspec.input.{info.label}.unit"] = info.unit
    for name, text in spec.texts.items():
        props[f"netspec.text.{name}"] = f"{getattr(text, 'description', None) or name}"
    return props


def export(plan: Plan, path: str, dtype: str = "float64", inputs: frozenset = frozenset()) -> int:
    """Write the model to `path` whole or not at all; the number of bytes written."""
    from netspec.outfile import write_atomic

    data = onnx_bytes(plan, dtype)
    write_atomic(path, data, inputs)
    return len(data)
