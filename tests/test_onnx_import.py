"""`netspec import MODEL.onnx`: an ONNX multi-layer perceptron becomes a readable .net that runs with its numbers.

The models and onnxruntime's outputs for them are recorded by scripts/record_onnx_models.py
(tests/reference/onnx/), built node by node as torch.onnx.export writes nn.Sequential.
"""

from __future__ import annotations

import numpy as np
import pytest

import netspec
from netspec.lang.loader import read_source
from netspec.lang.tidy import tidy

from clirun import invoke
from conftest import ROOT

pytest.importorskip("onnx")
MODELS = ROOT / "tests" / "reference" / "onnx"
RECORDED = np.load(MODELS / "outputs.npz")


def _imported(tmp_path, name):
    out = tmp_path / f"{name}.net"
    result = invoke("import", MODELS / f"{name}.onnx", "-o", out)
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.mark.parametrize("name", ["small_mlp", "wide_mlp"])
def test_the_imported_spec_gives_onnxruntimes_numbers(tmp_path, name):
    out, _ = _imported(tmp_path, name)
    plan = netspec.compile_plan(netspec.load_spec(out))
    got = netspec.run_plan(plan, RECORDED[f"{name}.x"].astype(np.float64)).outputs
    np.testing.assert_allclose(got, RECORDED[f"{name}.y"], rtol=1e-6, atol=1e-7)  # onnxruntime ran in float32


def test_a_small_model_is_written_inline_and_tidy(tmp_path):
    out, said = _imported(tmp_path, "small_mlp")
    text = out.read_text()
    assert said == f"wrote {out}: 3 inputs, 2 dense layers, dense → tanh → dense → softmax\n"
    assert "weights W1:\n" in text and "layer a = dense(input, W1, b1)" in text
    assert "layer tanh_a = tanh(a)" in text and "output softmax_out\ndecide largest" in text
    assert not (tmp_path / "small_mlp.npz").exists()
    assert tidy(read_source(out)) == text
    first = text.split("weights W1:\n", 1)[1].splitlines()
    assert first[0].split() == ["a1", "a2", "a3", "a4"] and first[1].split()[0] == "x1"


def test_a_large_table_goes_to_a_weights_file_beside_the_spec(tmp_path):
    out, said = _imported(tmp_path, "wide_mlp")
    text = out.read_text()
    assert 'weights W1 from "wide_mlp.npz" key "W1" shape (4, 70)' in text
    assert 'bias b1 from "wide_mlp.npz" key "b1" shape (70)' in text
    with np.load(tmp_path / "wide_mlp.npz") as stored:
        assert stored["W1"].shape == (4, 70) and stored["W1"].dtype == np.float32
    assert said.startswith(f"wrote {tmp_path / 'wide_mlp.npz'}: W1, b1 (350 numbers)\n")


def test_an_unsupported_node_is_named(tmp_path):
    result = invoke("import", MODELS / "unsupported.onnx", "-o", tmp_path / "u.net")
    assert result.exit_code == 1
    assert "node /out/LogSoftmax is a LogSoftmax, which netspec cannot import [NS962]" in result.stderr
    assert "hint: netspec imports chains of Add" in result.stderr
    assert not (tmp_path / "u.net").exists()


def test_a_folder_goes_to_the_hugging_face_importer(tmp_path):
    """A folder is read as a Hugging Face model, whose importer names the file it lacks."""
    result = invoke("import", tmp_path, "-o", tmp_path / "model.net")
    assert result.exit_code == 1
    assert "config.json" in result.stderr and "[NS952]" in result.stderr


def test_a_file_that_is_no_model_is_refused(tmp_path):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"\x08\x07garbage")
    result = invoke("import", bad, "-o", tmp_path / "b.net")
    assert result.exit_code == 1 and "[NS963]" in result.stderr
