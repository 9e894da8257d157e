"""The graph builder each operation's `onnx` form writes into (OpDef.onnx, netspec/ops/base.py).

Every netspec value is a (batch, width) tensor, a sequence stored position by position, so
an operation's ONNX form reads and returns names of such tensors, as its NumPy kernel reads
and returns arrays. The builder names each node and constant, casts constants to the export's
float type, and collects nodes and initializers for netspec/interop/onnx_export.py.
"""

from __future__ import annotations

import numpy as np


class OnnxGraph:
    """Nodes and initializers under construction; `dtype` is float64 or float32."""

    def __init__(self, dtype):
        from onnx import helper, numpy_helper

        self._helper, self._numpy = helper, numpy_helper
        self.dtype = np.dtype(dtype)
        self.nodes: list = []
        self.initializers: list = []
        self._names: set[str] = set()
        self.step_name = "graph"  # the node-name prefix of the step being written
        self.step_doc = ""

    def fresh(self, hint: str) -> str:
        """A value name no other value has: `hidden/MatMul`, `hidden/MatMul_2`, …"""
        name, n = hint, 1
        while name in self._names:
            n += 1
            name = f"{hint}_{n}"
        self._names.add(name)
        return name

    def reserve(self, name: str) -> str:
        """Claim `name` as it is (a graph input or output); a clash gets a suffix."""
        return self.fresh(name)

    def node(self, op_type: str, *inputs: str, out: str | None = None, **attributes) -> str:
        """One node of `op_type` reading `inputs`; its single output's name."""
        output = out or self.fresh(f"{self.step_name}/{op_type}")
        node = self._helper.make_node(op_type, list(inputs), [output], name=self.fresh(f"{self.step_name}/{op_type}#"),
                                      doc_string=self.step_doc, **attributes)
        self.nodes.append(node)
        return output

    def constant(self, array, hint: str = "const", exact_type: bool = False) -> str:
        """An initializer holding `array`: floats in the export's type, integers as int64."""
        array = np.asarray(array)
        if array.dtype.kind == "f" and not exact_type:
            array = array.astype(self.dtype)
        elif array.dtype.kind in "iub":
            array = array.astype(np.int64) if array.dtype.kind != "b" else array
        name = self.fresh(f"{self.step_name}/{hint}")
        self.initializers.append(self._numpy.from_array(np.ascontiguousarray(array), name))
        return name

    def scalar(self, value: float, hint: str = "c") -> str:
        return self.constant(np.array(value, dtype=np.float64), hint)

    def ints(self, values, hint: str = "shape") -> str:
        return self.constant(np.array(values, dtype=np.int64), hint)

    def reshape(self, x: str, dims) -> str:
        """Reshape to `dims` (0 keeps the batch dimension, -1 takes the rest)."""
        return self.node("Reshape", x, self.ints(dims))

    def per_position(self, x: str, options: dict) -> str:
        """(batch, n·d) → (batch, n, d) for a sequence's per-position operations; a vector stays."""
        return self.reshape(x, [0, options["positions"], -1]) if "positions" in options else x

    def flat(self, x: str, options: dict) -> str:
        """The inverse of per_position: back to (batch, width)."""
        return self.reshape(x, [0, -1]) if "positions" in options else x

    def polynomial(self, coefficients, t: str) -> str:
        """c0 + t·(c1 + t·(c2 + …)) by Horner's rule, in the order ops/erf.py evaluates it."""
        result = self.scalar(coefficients[-1], "coef")
        for c in reversed(coefficients[:-1]):
            result = self.node("Add", self.node("Mul", result, t), self.scalar(c, "coef"))
        return result
