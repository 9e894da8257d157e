"""Weight files: .npy, .npz and .safetensors load and bind by name; hostile files are refused (issues 4 and 5)."""

from __future__ import annotations

import json
import os
import pickle
import struct

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError, flatten
from netspec.limits import Limits
from netspec.run.runner import run

W1 = np.array([[0.10, 0.12, -0.36], [-0.29, -0.05, -0.21], [-0.07, 0.04, -0.27], [0.46, 0.16, 0.18]])
W2 = np.array([[-0.17, 0.05], [0.39, -0.12], [0.10, -0.04]])
LEAF = [32, 107, 56, 11.2]


def _spec(folder, w1_line, w2_line="weights W2 from \"w2.npy\""):
    text = f"""input R
input G
input B
input Vol
{w1_line}
layer hidden = dense(input, W1)
{w2_line}
layer out = dense(hidden, W2)
output out labels Leaf, Flower
"""
    path = folder / "spec.net"
    path.write_text(text)
    np.save(folder / "w2.npy", W2)
    return path


def _errors(path, limits=None) -> list[str]:
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path, limits)
    return [e.message for e in flatten(caught.value)]


def _leaf_outputs(path, limits=None):
    spec = netspec.load_spec(path, limits)
    return run(netspec.compile_plan(spec), np.array([LEAF], dtype=float)).outputs[0]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_npy_weights_give_the_leaf_numbers(tmp_path, dtype):
    np.save(tmp_path / "w1.npy", W1.astype(dtype))
    out = _leaf_outputs(_spec(tmp_path, 'weights W1 from "w1.npy" shape (4, 3)'))
    # the hand arithmetic of tests/test_leaf.py, with the weights as stored (float32 rounds them)
    w1 = W1.astype(dtype).astype(float)
    hidden = [sum(x * w1[i, j] for i, x in enumerate(LEAF)) for j in range(3)]
    expected = [sum(h * W2[j, k] for j, h in enumerate(hidden)) for k in range(2)]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    if dtype is np.float64:
        np.testing.assert_allclose(out, [0.79584, 0.25122], atol=1e-12)


def test_npz_weights_by_key(tmp_path):
    np.savez(tmp_path / "w.npz", first=W1, other=np.zeros(3))
    out = _leaf_outputs(_spec(tmp_path, 'weights W1 from "w.npz" key "first"'))
    np.testing.assert_allclose(out, [0.79584, 0.25122], atol=1e-12)


def test_safetensors_written_by_the_safetensors_package(tmp_path):
    numpy_io = pytest.importorskip("safetensors.numpy")
    numpy_io.save_file({"encoder.W1": W1.astype(np.float32), "bias": np.zeros(3, np.float32)},
                       str(tmp_path / "w.safetensors"))
    out = _leaf_outputs(_spec(tmp_path, 'weights W1 from "w.safetensors" key "encoder.W1"'))
    w1 = W1.astype(np.float32).astype(float)
    expected_h1 = sum(x * w1[i, 0] for i, x in enumerate(LEAF))
    spec = netspec.load_spec(tmp_path / "spec.net")
    assert spec.params["W1"].array[1, 0] == np.float32(-0.29)
    assert out[0] == pytest.approx(expected_h1 * -0.17 + sum(x * w1[i, 1] for i, x in enumerate(LEAF)) * 0.39
                                   + sum(x * w1[i, 2] for i, x in enumerate(LEAF)) * 0.10, rel=1e-12)


def _safetensors_bytes(name, array: np.ndarray, dtype="F64", shape=None) -> bytes:
    data = array.astype("<f8").tobytes()
    header = json.dumps({name: {"dtype": dtype, "shape": list(shape or array.shape),
                                "data_offsets": [0, len(data)]}}).encode()
    return struct.pack("<Q", len(header)) + header + data


def test_hand_written_safetensors_is_memory_mapped(tmp_path):
    (tmp_path / "w.safetensors").write_bytes(_safetensors_bytes("W1", W1))
    out = _leaf_outputs(_spec(tmp_path, 'weights W1 from "w.safetensors"'))
    np.testing.assert_allclose(out, [0.79584, 0.25122], atol=1e-12)


def test_file_weights_are_addressed_by_the_neurons_they_connect(tmp_path):
    np.save(tmp_path / "w1.npy", W1)
    spec = netspec.load_spec(_spec(tmp_path, 'weights W1 from "w1.npy"'))
    assert spec.params["W1"].row_labels == ("R", "G", "B", "Vol")
    assert spec.params["W1"].col_labels == ("hidden1", "hidden2", "hidden3")
    assert spec.params["W2"].col_labels == ("Leaf", "Flower")


@pytest.mark.parametrize("declared, stored, message", [
    ("shape (4, 2)", W1, "declared with shape (4, 2) but w1.npy holds (4, 3)"),
    ("", W1[:3], "`input` has 4 numbers"),
    ("", W1.ravel(), "need a table (2 dimensions)"),
    ("", W1.astype(np.int64), "holds int64 numbers"),
], ids=["declared-shape", "rows", "rank", "dtype"])
def test_wrong_shape_or_dtype_is_refused(tmp_path, declared, stored, message):
    np.save(tmp_path / "w1.npy", stored)
    errors = _errors(_spec(tmp_path, f'weights W1 from "w1.npy" {declared}'))
    assert any(message in e for e in errors), errors


def test_truncated_npy_is_refused(tmp_path):
    np.save(tmp_path / "w1.npy", W1)
    data = (tmp_path / "w1.npy").read_bytes()
    (tmp_path / "w1.npy").write_bytes(data[:-10])
    errors = _errors(_spec(tmp_path, 'weights W1 from "w1.npy"'))
    assert any("truncated" in e for e in errors), errors


def test_truncated_safetensors_is_refused(tmp_path):
    (tmp_path / "w.safetensors").write_bytes(_safetensors_bytes("W1", W1)[:-8])
    errors = _errors(_spec(tmp_path, 'weights W1 from "w.safetensors"'))
    assert any("truncated" in e for e in errors), errors


def test_pickles_are_never_loaded(tmp_path):
    """A pickle that would create a file when loaded: refused, and the file is never made."""
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (tmp_path / "w1.npy").write_bytes(pickle.dumps(Exploit()))
    errors = _errors(_spec(tmp_path, 'weights W1 from "w1.npy"'))
    assert any("pickle" in e for e in errors), errors
    assert not marker.exists()


def test_object_npy_needs_pickle_and_is_refused(tmp_path):
    np.save(tmp_path / "w1.npy", np.array([[1, "a"]], dtype=object), allow_pickle=True)
    errors = _errors(_spec(tmp_path, 'weights W1 from "w1.npy"'))
    assert any("object" in e and "pickle" in e for e in errors) or any("holds object" in e for e in errors), errors


def test_format_is_told_from_the_bytes_not_the_name(tmp_path):
    np.savez(tmp_path / "w1.npy", W1=W1)  # savez adds .npz to the name
    os.replace(tmp_path / "w1.npy.npz", tmp_path / "w1.npy")
    errors = _errors(_spec(tmp_path, 'weights W1 from "w1.npy"'))
    assert any("named .npy but is a .npz file" in e for e in errors), errors


def test_missing_key_lists_the_keys(tmp_path):
    np.savez(tmp_path / "w.npz", A=W1, B=W2)
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(_spec(tmp_path, 'weights W1 from "w.npz" key "C"'))
    error = flatten(caught.value)[0]
    assert "has no array 'C'" in error.message and "A, B" in error.hint
    assert error.span.line == 5  # the `weights W1 from` line


def test_files_outside_the_spec_folder_need_the_flag(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    np.save(tmp_path / "secret.npy", W1)
    path = _spec(inner, 'weights W1 from "../secret.npy"')
    errors = _errors(path)
    assert any("outside the spec's folder" in e for e in errors), errors
    np.testing.assert_allclose(_leaf_outputs(path, Limits(allow_outside=True)), [0.79584, 0.25122], atol=1e-12)


def test_a_symbolic_link_leaving_the_folder_is_refused(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    np.save(tmp_path / "secret.npy", W1)
    (inner / "w1.npy").symlink_to(tmp_path / "secret.npy")
    errors = _errors(_spec(inner, 'weights W1 from "w1.npy"'))
    assert any("outside the spec's folder" in e for e in errors), errors


def test_memory_limit_refuses_before_reading(tmp_path, monkeypatch):
    """A header promising 100000 × 100000 float64 numbers (80 GB) is refused from its header alone."""
    header = json.dumps({"W1": {"dtype": "F64", "shape": [100_000, 100_000], "data_offsets": [0, 8 * 10**10]}})
    path = tmp_path / "w.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header.encode())
    with path.open("r+b") as stream:  # a sparse file as long as its header says: 80 GB that take no disk
        stream.truncate(8 + len(header) + 8 * 10**10)
    import netspec.check.weights as weights

    real_load = weights.load

    def load(path, key, header):
        assert header.shape != (100_000, 100_000), "the 80 GB tensor was read"
        return real_load(path, key, header)

    monkeypatch.setattr(weights, "load", load)
    errors = _errors(_spec(tmp_path, 'weights W1 from "w.safetensors"'))
    assert any("would need 74.5 GiB of memory" in e for e in errors), errors


def test_memory_limit_counts_every_tensor(tmp_path):
    np.save(tmp_path / "w1.npy", W1)  # 12 float64 = 96 bytes, W2 6 more = 48 bytes
    errors = _errors(_spec(tmp_path, 'weights W1 from "w1.npy"'), Limits(max_bytes=120))
    assert any("W2 would need 48 bytes of memory, more than the 24 bytes left" in e for e in errors), errors


def test_an_empty_weight_file_name_is_named_as_empty(tmp_path):
    assert _errors(_spec(tmp_path, 'weights W1 from "" shape (4, 3)')) == ["the weight file's name is empty"]


def test_a_folder_named_as_a_weight_file_is_called_a_folder(tmp_path):
    (tmp_path / "weights").mkdir()
    [message] = _errors(_spec(tmp_path, 'weights W1 from "weights" shape (4, 3)'))
    assert message == f"{tmp_path / 'weights'} is a folder, not a weight file: name the file inside it"


@pytest.mark.parametrize("array", [np.zeros((16, 16)), np.zeros(3, dtype=">f4"), np.zeros(()), np.zeros((1,)),
                                   np.zeros((2, 3), order="F"), np.zeros((5, 0, 2), dtype=np.float16),
                                   np.zeros((12345678, 0))])
def test_the_plain_header_reading_agrees_with_numpys_reader(array, tmp_path):
    """The header numpy.save writes is read without ast.literal_eval; NumPy's own reader is the reference."""
    from netspec.check.weights import _npy_header_text, _plain_npy_header

    path = tmp_path / "a.npy"
    np.save(path, array)
    with open(path, "rb") as stream:
        text, _ = _npy_header_text(stream, "a.npy")
        stream.seek(0)
        np.lib.format.read_magic(stream)
        expected = np.lib.format.read_array_header_1_0(stream)
    assert _plain_npy_header(text) == expected
    spaced = text.replace(b"'shape'", b"'shape' ")  # any other layout: left to NumPy's reader
    assert _plain_npy_header(spaced) is None


def test_a_header_numpy_reads_but_the_plain_reading_does_not_still_loads(tmp_path):
    """A header in another layout (written by hand, keys reordered) goes to NumPy's reader and loads."""
    header = b"{'shape': (4, 3), 'fortran_order': False, 'descr': '<f8'}"
    header += b" " * (118 - len(header)) + b"\n"
    (tmp_path / "w1.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header
                                      + W1.astype("<f8").tobytes())
    spec = netspec.load_spec(str(_spec(tmp_path, 'weights W1 from "w1.npy"')))
    assert np.array_equal(spec.params["W1"].array, W1)


def test_bf16_safetensors_are_widened_exactly(tmp_path):
    """bfloat16 is a float32's top 16 bits: 0x3F80 = 1, 0xBFC0 = −1.5, 0x4049 = 3.140625 (1.5703125·2),
    0x0001 = 2^−133 (float32's smallest subnormal, 2^−149, shifted up 16 bits), 0x7F7F = (2 − 2^−7)·2^127."""
    bits = np.array([[0x3F80, 0xBFC0], [0x4049, 0x0001], [0x7F7F, 0x0000]], dtype="<u2")
    data = bits.tobytes()
    header = json.dumps({"W": {"dtype": "BF16", "shape": [3, 2], "data_offsets": [0, len(data)]}}).encode()
    (tmp_path / "w.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + data)
    spec = tmp_path / "bf16.net"
    spec.write_text('input a\ninput b\ninput c\nweights W from "w.safetensors" shape (3, 2)\n'
                    "layer out = dense(input, W)\n")
    table = netspec.load_spec(spec).params["W"].array
    assert table.dtype == np.float64
    assert table.tolist() == [[1.0, -1.5], [3.140625, 2.0 ** -133], [(2 - 2 ** -7) * 2.0 ** 127, 0.0]]


def test_a_torch_save_zip_is_named_with_the_way_to_convert_it(tmp_path):
    """torch.save writes a zip of archive/data.pkl and the tensors' bytes: not an .npz with no arrays."""
    from catalogue_cases import torch_zip

    torch_zip(tmp_path / "model.pt")
    spec = tmp_path / "t.net"
    spec.write_text('input a\ninput b\nweights W from "model.pt" shape (2, 2)\nlayer out = dense(input, W)\n')
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(spec)
    (error,) = flatten(caught.value)
    assert error.code == "NS420"
    assert error.message == "model.pt is a PyTorch checkpoint (torch.save): a zip holding a pickle, which netspec never loads"
    assert "safetensors.torch import save_file" in error.hint and "arrays: none" not in error.hint
