"""onnx.helper in, tests/reference/onnx/*.onnx and onnxruntime's outputs out: the models `netspec import` is tested on.

    pip install onnx onnxruntime
    python scripts/record_onnx_models.py

Two float32 multi-layer perceptrons, built node by node as torch.onnx.export writes
nn.Sequential(Linear, ReLU, …, Softmax): `small_mlp.onnx` (3 → 4 Gemm with transB, Tanh,
4 → 2 MatMul + Add, Softmax; every table small enough to be written in the spec) and
`wide_mlp.onnx` (4 → 70 Gemm, Relu, 70 → 3 Gemm, Sigmoid; its first table goes to a
weights file). `outputs.npz` holds, per model, the inputs `NAME.x` and onnxruntime's
outputs `NAME.y`; `unsupported.onnx` has a LogSoftmax netspec cannot import.
tests/test_onnx_import.py compares `netspec run` on the imported specs with these outputs.
Rerunning rewrites the files with the same numbers (the rng is seeded).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

OUT = Path(__file__).resolve().parent.parent / "tests" / "reference" / "onnx"
RNG = np.random.default_rng(20260)


def _floats(*shape) -> np.ndarray:
    return RNG.normal(0.0, 0.6, size=shape).astype(np.float32)


def _model(name: str, width: int, out: int, nodes, tables: dict[str, np.ndarray]):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", width])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", out])],
                              [numpy_helper.from_array(array, key) for key, array in tables.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="record_onnx_models")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def small_mlp():
    """Gemm(transB) → Tanh → MatMul → Add → Softmax, as torch writes Linear(3, 4), Tanh, Linear(4, 2), Softmax."""
    tables = {"fc1.weight": _floats(4, 3), "fc1.bias": _floats(4), "fc2.weight_t": _floats(4, 2), "fc2.bias": _floats(2)}
    nodes = [helper.make_node("Gemm", ["input", "fc1.weight", "fc1.bias"], ["h"], name="/fc1/Gemm", transB=1),
             helper.make_node("Tanh", ["h"], ["t"], name="/act/Tanh"),
             helper.make_node("MatMul", ["t", "fc2.weight_t"], ["m"], name="/fc2/MatMul"),
             helper.make_node("Add", ["m", "fc2.bias"], ["z"], name="/fc2/Add"),
             helper.make_node("Softmax", ["z"], ["output"], name="/softmax/Softmax", axis=-1)]
    return _model("small_mlp", 3, 2, nodes, tables), _floats(6, 3) * 2


def wide_mlp():
    """Gemm(transB) 4 → 70 → Relu → Gemm(transB) 70 → 3 → Sigmoid: the first table holds 280 numbers."""
    tables = {"0.weight": _floats(70, 4), "0.bias": _floats(70), "2.weight": _floats(3, 70) * 0.3, "2.bias": _floats(3)}
    nodes = [helper.make_node("Gemm", ["input", "0.weight", "0.bias"], ["h"], name="/0/Gemm", transB=1),
             helper.make_node("Relu", ["h"], ["r"], name="/1/Relu"),
             helper.make_node("Gemm", ["r", "2.weight", "2.bias"], ["z"], name="/2/Gemm", transB=1),
             helper.make_node("Sigmoid", ["z"], ["output"], name="/3/Sigmoid")]
    return _model("wide_mlp", 4, 3, nodes, tables), _floats(5, 4) * 2


def unsupported():
    tables = {"w": _floats(2, 2)}
    nodes = [helper.make_node("MatMul", ["input", "w"], ["m"], name="/fc/MatMul"),
             helper.make_node("LogSoftmax", ["m"], ["output"], name="/out/LogSoftmax", axis=-1)]
    return _model("unsupported", 2, 2, nodes, tables)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    recorded = {}
    for name, (model, x) in {"small_mlp": small_mlp(), "wide_mlp": wide_mlp()}.items():
        onnx.save(model, OUT / f"{name}.onnx")
        session = onnxruntime.InferenceSession(str(OUT / f"{name}.onnx"))
        recorded[f"{name}.x"] = x
        recorded[f"{name}.y"] = session.run(None, {"input": x})[0]
    onnx.save(unsupported(), OUT / "unsupported.onnx")
    recorded["onnxruntime"] = np.array(onnxruntime.__version__)
    np.savez(OUT / "outputs.npz", **recorded)
    print(f"wrote {OUT}: small_mlp.onnx, wide_mlp.onnx, unsupported.onnx, outputs.npz (onnxruntime "
          f"{onnxruntime.__version__})")


if __name__ == "__main__":
    main()
