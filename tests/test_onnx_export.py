"""`netspec export`: every spec in specs/ runs in onnxruntime with netspec's numbers.

float64 models agree with `netspec run` to 1e-12 (relative, or absolute near 0); float32
models to float32's precision. The exact GELU, whose Erf onnxruntime computes in float32
only, is written out in float64 nodes: it is checked against PyTorch's gelu recorded by
scripts/record_reference.py. Inputs and outputs carry the spec's labels, and the
meanings and decision rule are in the model's metadata.
"""

from __future__ import annotations

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError
from netspec.interop.onnx_export import onnx_bytes
from netspec.run.inputs import from_examples

from clirun import invoke
from conftest import ROOT, SPECS

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

EXPORTABLE = sorted(p.name for p in SPECS.glob("*.net"))


def _session(plan, dtype):
    return ort.InferenceSession(onnx_bytes(plan, dtype), providers=["CPUExecutionProvider"])


def _feeds(session, spec, rows, dtype):
    """Each field's columns of the rows: token numbers as int64, numbers in the model's float type."""
    feeds = {}
    for given in session.get_inputs():
        columns = [k for k, info in enumerate(spec.inputs) if (info.text or info.label) == given.name]
        part = rows[:, columns]
        feeds[given.name] = part.astype(np.int64) if given.type == "tensor(int64)" else part.astype(dtype)
    return feeds


def _run(plan, rows, dtype):
    session = _session(plan, dtype)
    return np.concatenate(session.run(None, _feeds(session, plan.spec, rows, dtype)), axis=1)


@pytest.mark.parametrize("name", EXPORTABLE)
def test_every_spec_runs_in_onnxruntime_with_netspecs_numbers(name):
    spec = netspec.load_spec(SPECS / name)
    plan = netspec.compile_plan(spec)
    rows = from_examples(spec).values
    want = netspec.run_plan(plan, rows).outputs
    np.testing.assert_allclose(_run(plan, rows, "float64"), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_run(plan, rows, "float32"), want, rtol=2e-5, atol=2e-6 * max(1.0, np.abs(want).max()))


def test_the_leaf_network_gives_the_articles_numbers():
    """The article's leaf: Leaf 0.79584, Flower 0.25122 (the hand sums in specs/leaf.net), by name."""
    plan = netspec.compile_plan(netspec.load_spec(SPECS / "leaf.net"))
    session = _session(plan, "float64")
    got = session.run(["Leaf", "Flower"], {"R": [[32.0]], "G": [[107.0]], "B": [[56.0]], "Vol": [[11.2]]})
    assert [o[0, 0] for o in got] == pytest.approx([0.79584, 0.25122], abs=1e-12)


def test_float64_gelu_matches_pytorch_across_every_interval_of_erf(tmp_path):
    """The recorded grid (−12 … 12 and edge values) crosses all of fdlibm's intervals."""
    reference = np.load(ROOT / "tests" / "reference" / "gelu.npz")
    x, y = reference["none.x"], reference["none.y"]  # (1, n)
    spec_path = tmp_path / "gelu.net"
    spec_path.write_text("input a\nlayer out = gelu(input)\noutput out\ndecide up if positive otherwise down\n")
    plan = netspec.compile_plan(netspec.load_spec(spec_path))
    session = _session(plan, "float64")
    got = session.run(None, {"a": x.reshape(-1, 1)})[0].reshape(1, -1)
    np.testing.assert_allclose(got, y, rtol=1e-14, atol=1e-300)  # a few units in the last place


def test_inputs_and_outputs_are_named_and_described():
    model = onnx.load_from_string(onnx_bytes(netspec.compile_plan(netspec.load_spec(SPECS / "leaf.net"))))
    assert [i.name for i in model.graph.input] == ["R", "G", "B", "Vol"]
    assert [o.name for o in model.graph.output] == ["Leaf", "Flower"]
    assert model.graph.input[3].doc_string == "volume in ml, at least 0"
    props = {p.key: p.value for p in model.metadata_props}
    assert props["netspec.decision"] == "the largest output wins"
    assert props["netspec.say"] == "The object is a {decision}."
    assert props["netspec.input.R"] == "red part of the colour, 0 to 255"
    assert props["netspec.input.Vol.unit"] == "ml"
    assert {i.name for i in model.graph.initializer} >= {"W1", "W2"}
    assert any("hidden = dense(input, W1)" in n.doc_string and "leaf.net:27" in n.doc_string for n in model.graph.node)


def test_a_text_input_takes_int64_token_numbers():
    model = onnx.load_from_string(onnx_bytes(netspec.compile_plan(netspec.load_spec(SPECS / "humpty_embed.net"))))
    (text,) = model.graph.input
    assert text.type.tensor_type.elem_type == onnx.TensorProto.INT64
    assert [d.dim_param or d.dim_value for d in text.type.tensor_type.shape.dim] == ["batch", 12]


def test_export_command_writes_the_model(tmp_path):
    out = tmp_path / "leaf.onnx"
    result = invoke("export", SPECS / "leaf.net", "-o", out, "--dtype", "float32")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: leaf_or_flower, 2 steps, float32,")
    model = onnx.load(out)
    assert model.graph.initializer[0].data_type == onnx.TensorProto.FLOAT


def test_a_float32_export_refuses_a_number_float32_cannot_hold(tmp_path):
    """1e39 in a table: the float64 model takes it; the float32 one is refused (NS506) and not written."""
    spec = tmp_path / "big.net"
    spec.write_text("input a\ninput b\nweights W:\n   y     z\n a 1     0\n b 1e39  1\n"
                    "layer out = dense(input, W)\n", encoding="utf-8")
    refused = invoke("export", spec, "-o", tmp_path / "big32.onnx", "--dtype", "float32")
    assert refused.exit_code == 1 and "[NS506]" in refused.stderr and "Warning" not in refused.stderr
    assert not (tmp_path / "big32.onnx").exists()
    assert invoke("export", spec, "-o", tmp_path / "big64.onnx").exit_code == 0


def test_an_operation_without_an_onnx_form_is_refused_at_its_line(tmp_path):
    import dataclasses

    plan = netspec.compile_plan(netspec.load_spec(SPECS / "leaf.net"))
    second = dataclasses.replace(plan.steps[1], op=dataclasses.replace(plan.steps[1].op, onnx=None))
    with pytest.raises(NetspecError) as caught:
        onnx_bytes(dataclasses.replace(plan, steps=(plan.steps[0], second)))
    assert caught.value.code == "NS960"
    assert caught.value.span.line == 35  # layer out = dense(hidden, W2)
    assert "`dense` has no ONNX form" in caught.value.message and caught.value.hint


@pytest.mark.parametrize("model, text", [("tiny_bert", "humpty sat on a wall"), ("tiny_gpt2", "humpty dumpty sat on a")])
def test_an_imported_hugging_face_model_exports_with_its_numbers(tmp_path, model, text):
    """BERT's padding mask (attention and mean pooling leave the pad tokens out), its token-type row, GPT-2's
    causal mask and fused q, k, v: a spec `netspec import` wrote from tests/reference/hf/ exports and agrees."""
    import shutil

    pytest.importorskip("tokenizers")
    from netspec.run.inputs import from_assignments

    folder = tmp_path / model
    shutil.copytree(ROOT / "tests" / "reference" / "hf" / model, folder)
    extra = ["--tokens", "8"] if model == "tiny_gpt2" else []
    assert invoke("import", folder, "-o", folder / "model.net", *extra).exit_code == 0
    spec = netspec.load_spec(folder / "model.net")
    plan = netspec.compile_plan(spec)
    rows = from_assignments(spec, [f"text={text}"]).values
    want = netspec.run_plan(plan, rows).outputs
    np.testing.assert_allclose(_run(plan, rows, "float64"), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_run(plan, rows, "float32"), want, rtol=2e-5, atol=2e-6 * max(1.0, np.abs(want).max()))
