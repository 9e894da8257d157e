"""An .onnx MLP in, a readable .net spec out (and a weights file beside it when the tables are large).

What it reads is a chain: one input of (batch, n) numbers, then Gemm, or MatMul followed by
Add of a bias, for each dense layer, with Relu, Sigmoid, Tanh, Softmax, Gelu, Identity,
Dropout or Flatten between them (what torch.onnx.export writes for nn.Sequential of Linear and
activations). Anything else is refused, naming the node and its type. The weights come from the
file's initializers; a float32 model's numbers are written with float32's shortest digits, so
the .net reads as PyTorch prints them.
"""

from __future__ import annotations

import io
from dataclasses import field
from pathlib import Path

import numpy as np

from netspec.errors import NetspecError
from netspec.records import record

INLINE_MOST = 256  # a table of at most this many numbers is written in the spec; a larger one goes to the .npz
ACTIVATIONS = {"Relu": "relu", "Sigmoid": "logistic", "Tanh": "tanh", "Softmax": "softmax"}
PASS_THROUGH = {"Identity", "Dropout", "Flatten"}
READ = sorted({"Gemm", "MatMul", "Add", "Gelu", *ACTIVATIONS, *PASS_THROUGH})


class ModelImportError(NetspecError):
    """An ONNX file netspec cannot turn into a spec."""

    code = "NS962"


@record(frozen=False)
class Layer:
    """One step of the spec to be: a dense layer's table and bias, or an activation."""

    op: str
    weights: np.ndarray | None = None  # (n_in, n_out)
    bias: np.ndarray | None = None
    options: dict = field(default_factory=dict)

    @property
    def weighted(self) -> bool:
        """A dense layer: it has a table."""
        return self.weights is not None


def read_model(path: str):
    """The ONNX model at `path`, or a coded error saying why it cannot be read."""
    try:
        import onnx
    except ImportError:
        raise NetspecError("importing an .onnx file needs the onnx package, which is not installed",
                           hint="pip install onnx (the netspec-worked[onnx] extra)", code="NS961") from None
    try:
        return onnx.load(path)
    except FileNotFoundError:
        raise ModelImportError(f"{path}: no such file", hint="give the path of an .onnx file", code="NS963") from None
    except Exception as error:  # protobuf's DecodeError and friends: the bytes are not a model
        raise ModelImportError(f"{path} is not a readable ONNX model ({type(error).__name__})",
                           hint="export it again, e.g. with torch.onnx.export", code="NS963") from None


def layers_of(model, path: str) -> tuple[list[Layer], int, str]:
    """The chain of layers, the input's width and the input's name."""
    from onnx import numpy_helper

    graph = model.graph
    tables = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer}
    _constants(graph, tables)
    inputs = [i for i in graph.input if i.name not in tables]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise ModelImportError(f"{path} has {len(inputs)} inputs and {len(graph.output)} outputs; netspec imports a chain "
                           "with one input and one output", hint="export the model with one input tensor", code="NS962")
    width = _width(inputs[0], path)
    current, layers = inputs[0].name, []
    for node in (n for n in graph.node if n.op_type != "Constant"):
        if node.input[0] != current and not (node.op_type == "Add" and current in node.input):
            raise ModelImportError(f"{path}: node {node.name or node.op_type} ({node.op_type}) does not read the previous "
                               "node's result; netspec imports a chain of layers", code="NS962",
                               hint="a model with branches (residuals, several inputs) needs its spec written by hand")
        _read_node(node, tables, layers, path)
        current = node.output[0]
    if not any(layer.weighted for layer in layers):
        raise ModelImportError(f"{path} has no dense layer (Gemm or MatMul)", code="NS962",
                           hint="netspec imports multi-layer perceptrons")
    return layers, width, inputs[0].name


def _constants(graph, tables: dict):
    from onnx import numpy_helper

    for node in graph.node:
        if node.op_type == "Constant":
            for attribute in node.attribute:
                if attribute.name == "value":
                    tables[node.output[0]] = numpy_helper.to_array(attribute.t).astype(np.float64)


def _width(value_info, path: str) -> int:
    dims = [d.dim_value if d.HasField("dim_value") else None for d in value_info.type.tensor_type.shape.dim]
    if not dims or dims[-1] is None or len(dims) > 2:
        raise ModelImportError(f"{path}: the input {value_info.name} has shape {dims}; netspec imports (batch, n) inputs",
                           hint="export with an input of shape (batch, features)", code="NS962")
    return dims[-1]


def _attributes(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _read_node(node, tables: dict, layers: list[Layer], path: str):
    """Append what `node` computes to `layers` (an Add after a MatMul becomes its bias)."""
    kind, attributes = node.op_type, _attributes(node)
    if kind == "Gemm":
        return layers.append(_gemm(node, tables, attributes, path))
    if kind == "MatMul":
        return layers.append(Layer("dense", _table(node.input[1], tables, node, path)))
    if kind == "Add" and layers and layers[-1].weighted and layers[-1].bias is None:
        other = node.input[1] if node.input[1] in tables else node.input[0]
        layers[-1].bias = _table(other, tables, node, path).reshape(-1)
        return None
    if kind in ACTIVATIONS:
        if kind == "Softmax" and attributes.get("axis", -1) not in (-1, 1):
            raise ModelImportError(f"{path}: Softmax {node.name} over axis {attributes['axis']}; netspec's softmax is over "
                               "the layer's neurons", code="NS962")
        return layers.append(Layer(ACTIVATIONS[kind]))
    if kind == "Gelu":
        return layers.append(Layer("gelu_tanh" if attributes.get("approximate", b"none") in (b"tanh", "tanh") else "gelu"))
    if kind in PASS_THROUGH:
        return None
    raise ModelImportError(f"{path}: node {node.name or '(unnamed)'} is a {kind}, which netspec cannot import", code="NS962",
                       hint=f"netspec imports chains of {', '.join(READ)}")


def _gemm(node, tables, attributes, path) -> Layer:
    """Gemm: alpha·x·B (B transposed when transB) + beta·C, as a dense layer (alpha and beta folded in)."""
    if attributes.get("transA", 0):
        raise ModelImportError(f"{path}: Gemm {node.name} transposes its input (transA=1)", code="NS962",
                           hint="export the model without transposing the activations")
    weights = _table(node.input[1], tables, node, path)
    weights = weights.T if attributes.get("transB", 0) else weights
    alpha, beta = attributes.get("alpha", 1.0), attributes.get("beta", 1.0)
    bias = _table(node.input[2], tables, node, path).reshape(-1) if len(node.input) > 2 and node.input[2] else None
    return Layer("dense", weights * alpha if alpha != 1.0 else weights,
                 None if bias is None else (bias * beta if beta != 1.0 else bias))


def _table(name: str, tables: dict, node, path: str) -> np.ndarray:
    if name not in tables:
        raise ModelImportError(f"{path}: {node.op_type} {node.name} reads {name}, which is no weight stored in the file",
                           code="NS962", hint="netspec imports layers whose weights are initializers")
    return tables[name]


def float32_model(model) -> bool:
    from onnx import TensorProto

    return all(t.data_type == TensorProto.FLOAT for t in model.graph.initializer)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """The large tables as one .npz (numpy.savez), to write beside the spec."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def stem_of(path: str) -> str:
    return Path(path).stem
