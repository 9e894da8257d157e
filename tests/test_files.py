"""Hostile files: read once through one descriptor, only regular files, headers before numbers.

A spec, its `use`d specs, its weight and vocabulary files may all come from a stranger.
Each is opened once, checked on the opened descriptor (regular file, inside the folder,
not above its size cap) and read from that same descriptor.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import threading
import zipfile

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError, flatten
from netspec.limits import Limits

from conftest import ROOT, SPECS

NET = "input a\ninput b\n{line}\nlayer out = dense(input, W)\n"


def _spec(folder, line: str):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spec.net"
    path.write_text(NET.format(line=line))
    return path


def _error(path, limits=None) -> NetspecError:
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path, limits)
    return flatten(caught.value)[0]


def _npy(shape: str, descr: str = "<f8", data: bytes = b"", version: int = 1) -> bytes:
    """An .npy file written by hand, so its header can say what NumPy would never write."""
    header = ("{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header + data


def _safetensors(header: bytes, data: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header)) + header + data


# ---- one descriptor: a symbolic link swapped while netspec reads ----

class _Swapper:
    """Points `link` at `first` and `second` in turn, as fast as it can, until stopped."""

    def __init__(self, link, first, second):
        self.link, self.targets, self.stop = link, (first, second), threading.Event()
        self.thread = threading.Thread(target=self._swap, daemon=True)

    def _swap(self):
        spare = self.link.with_name(self.link.name + ".next")
        turn = 0
        while not self.stop.is_set():
            spare.unlink(missing_ok=True)
            spare.symlink_to(self.targets[turn % 2])
            os.replace(spare, self.link)  # the link is always there, pointing one way or the other
            turn += 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def _read_while_swapping(link, inside: str, outside: str, load, runs: int = 300) -> list:
    """What `load()` gave in each of `runs` runs (an error counts as nothing read)."""
    link.symlink_to(inside)
    got = []
    with _Swapper(link, inside, outside):
        for _ in range(runs):
            try:
                got.append(load())
            except NetspecError:
                got.append(None)
    return got


def test_a_weight_file_swapped_for_a_link_outside_is_never_read(tmp_path):
    """Checked and read through one descriptor: 300 loads, none sees the outside file's 7s."""
    inner = tmp_path / "inner"
    inner.mkdir()
    np.save(inner / "good.npy", np.ones((2, 2)))
    np.save(tmp_path / "secret.npy", np.full((2, 2), 7.0))
    path = _spec(inner, 'weights W from "w.npy"')
    got = _read_while_swapping(inner / "w.npy", "good.npy", "../secret.npy",
                               lambda: float(netspec.load_spec(path).params["W"].array.max()))
    assert 7.0 not in got
    assert 1.0 in got  # the loads did run


def test_a_used_spec_swapped_for_a_link_outside_is_never_read(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    base = NET.format(line="weights W:\n   y  z\n a 1  2\n b 3  4")
    (inner / "good.net").write_text(base)
    (tmp_path / "secret.net").write_text(base.replace("1  2", "7  7"))
    path = inner / "top.net"
    path.write_text('use "base.net"\ninput a\ninput b\nlayer p = softmax(out)\n')
    got = _read_while_swapping(inner / "base.net", "good.net", "../secret.net",
                               lambda: float(netspec.load_spec(path).params["W"].array.max()))
    assert 7.0 not in got and 4.0 in got


def test_a_vocabulary_swapped_for_a_link_outside_is_never_read(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "good.txt").write_text("cat\n##s\n")
    (tmp_path / "secret.txt").write_text("secret\n##s\n")
    path = _spec(inner, 'vocabulary v subwords from "v.txt"\nweights W:\n   y  z\n a 1  2\n b 3  4')
    got = _read_while_swapping(inner / "v.txt", "good.txt", "../secret.txt",
                               lambda: netspec.load_spec(path).vocabularies["v"].entries[0])
    assert "secret" not in got and "cat" in got


# ---- only regular files ----

def test_a_device_given_as_the_spec_is_refused(tmp_path):
    error = _error("/dev/zero")
    assert error.code == "NS110" and "not a regular file" in error.message


def test_a_pipe_given_as_the_spec_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "pipe.net")
    error = _error(tmp_path / "pipe.net")
    assert error.code == "NS110" and "not a regular file" in error.message


def test_a_pipe_named_as_a_weight_file_is_refused(tmp_path):
    os.mkfifo(tmp_path / "w.npy")
    error = _error(_spec(tmp_path, 'weights W from "w.npy"'))
    assert error.code == "NS401" and "not a regular file" in error.message


def test_a_pipe_named_as_a_vocabulary_is_refused(tmp_path):
    os.mkfifo(tmp_path / "v.txt")
    error = _error(_spec(tmp_path, 'vocabulary v subwords from "v.txt"\nweights W:\n   y\n a 1\n b 3'))
    assert error.code == "NS412" and "not a regular file" in error.message


def test_a_used_device_is_refused(tmp_path):
    (tmp_path / "zero.net").symlink_to("/dev/zero")
    (tmp_path / "top.net").write_text('use "zero.net"\ninput a\nlayer p = softmax(out)\n')
    error = _error(tmp_path / "top.net", Limits(allow_outside=True))
    assert error.code == "NS110" and "not a regular file" in error.message


# ---- size caps ----

def test_a_huge_safetensors_header_is_refused_before_it_is_read(tmp_path):
    """A header of 20 MiB (here `{` and a sparse file of NUL bytes) is over the 16 MiB netspec reads."""
    path = tmp_path / "w.safetensors"
    path.write_bytes(struct.pack("<Q", 20 * 1024**2) + b"{")
    with path.open("r+b") as stream:
        stream.truncate(8 + 20 * 1024**2)
    error = _error(_spec(tmp_path, 'weights W from "w.safetensors"'))
    assert error.code == "NS416" and "20.0 MiB" in error.message and "16.0 MiB" in error.message


def test_a_huge_npy_header_inside_an_npz_is_refused_before_it_is_inflated(tmp_path):
    """A 50 MB header of spaces compresses to 50 kB; its length field alone says it is too long."""
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }" + b" " * 50_000_000 + b"\n"
    member = b"\x93NUMPY\x02\x00" + struct.pack("<I", len(header)) + header + b"\0" * 32
    with zipfile.ZipFile(tmp_path / "w.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("W.npy", member)
    error = _error(_spec(tmp_path, 'weights W from "w.npz" key "W"'))
    assert error.code == "NS416" and "w.npz[W]" in error.message


def test_an_npz_with_a_huge_directory_is_refused_before_the_directory_is_read(tmp_path):
    """100 empty members named with 48,000 letters each make a zip directory of 4.6 MiB (as 80,000 members
    with short names would), over the 4 MiB netspec reads."""
    with zipfile.ZipFile(tmp_path / "w.npz", "w") as archive:
        for k in range(100):
            archive.writestr(f"{k:03}" + "a" * 48_000 + ".npy", b"")
    error = _error(_spec(tmp_path, 'weights W from "w.npz" key "a1"'))
    assert error.code == "NS416" and "zip directory of 4.6 MiB" in error.message and "4.0 MiB" in error.message


# ---- headers checked before numbers ----

def test_an_npz_member_shorter_than_its_header_says_is_refused_before_reading(tmp_path):
    """The header claims 20000 × 20000 float64 (3.0 GiB, inside the 4 GiB limit), the member holds 32 bytes:
    the zip directory's size says so before a byte of numbers is inflated."""
    with zipfile.ZipFile(tmp_path / "w.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("W.npy", _npy("(20000, 20000)", data=b"\0" * 32))
    error = _error(_spec(tmp_path, 'weights W from "w.npz"'))
    assert error.code == "NS408" and "truncated" in error.message


def test_a_header_that_does_not_fit_the_layer_is_refused_before_any_number_is_read(tmp_path, monkeypatch):
    """No `shape` written: the header's 2000 × 2000 (30 MiB of zeros in a 31 kB file; 20000 × 20000 would be
    3 GiB in 3 MB, inside the 4 GiB limit) is checked against the layer that reads it, which takes 2 inputs,
    before a number is inflated."""
    import netspec.check.weights as weights

    with zipfile.ZipFile(tmp_path / "w.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("W.npy", _npy("(2000, 2000)", data=bytes(8 * 2000 * 2000)))
    assert (tmp_path / "w.npz").stat().st_size < 100_000

    def load(*args):
        raise AssertionError("the numbers were read")

    monkeypatch.setattr(weights, "load", load)
    error = _error(_spec(tmp_path, 'weights W from "w.npz"'))
    assert error.code == "NS204" and "W has 2000 rows" in error.message


_MEMORY = """
import resource, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from netspec.limits import Limits
from netspec.check.weights import load_declared
load_declared("weights", "W", "leaf.npz", "W1", (4, 3), Path({weights!r}), Limits(), 10**6)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
array = load_declared("weights", "W", "w.npz", None, None, Path({folder!r}), Limits(max_bytes={limit}), {limit})
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert array.shape == ({rows}, 1024) and array.dtype == "float64" and not array.any()
print((after - before) * 1024)
"""


@pytest.mark.parametrize("dtype", ["<f2", "<f8"], ids=["float16", "float64"])
def test_an_npz_member_takes_no_more_memory_than_its_float64_copy(tmp_path, dtype):
    """200 MiB of float64 under a 210 MiB limit: loading holds that copy and little else (the raw numbers
    and a second copy stayed in memory before), measured as the peak resident size of a fresh process."""
    rows = 25_600  # × 1024 × 8 bytes = 200 MiB as float64
    with zipfile.ZipFile(tmp_path / "w.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("W.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, np.zeros((rows, 1024), dtype=dtype))
    script = _MEMORY.format(root=str(ROOT), weights=str(ROOT / "specs" / "weights"), folder=str(tmp_path),
                            limit=210 * 1024**2, rows=rows)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    grew = int(done.stdout)
    assert grew < 210 * 1024**2, f"loading took {grew / 1024**2:.0f} MiB more"


def test_each_weight_file_is_opened_once_per_load(monkeypatch):
    """tiny_gpt reads 37 tables from one .npz: its zip directory is read once, not once per table."""
    opened = []
    real = zipfile.ZipFile.__init__

    def counting(self, file, *args, **kwargs):
        opened.append(getattr(file, "name", file))
        real(self, file, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", counting)
    spec = netspec.load_spec(ROOT / "specs" / "tiny_gpt.net")
    assert len(spec.params) > 30
    assert len(opened) == 1, opened


# ---- hostile headers are errors with codes, never internal errors ----

@pytest.mark.parametrize("shape, code", [(f"({2**64}, 2)", "NS405"), ("(-1, 2)", "NS405"),
                                          (f"({2**40}, {2**40})", "NS408")],
                         ids=["above-2^63", "negative", "product-overflows-int64"])
def test_an_impossible_npy_shape_is_a_coded_error(tmp_path, shape, code):
    (tmp_path / "w.npy").write_bytes(_npy(shape))
    error = _error(_spec(tmp_path, 'weights W from "w.npy"'))
    assert error.code == code, error.message


def test_an_impossible_npy_shape_in_an_npz_is_a_coded_error(tmp_path):
    with zipfile.ZipFile(tmp_path / "w.npz", "w") as archive:
        archive.writestr("W.npy", _npy(f"({2**64 + 1}, 2)"))
    assert _error(_spec(tmp_path, 'weights W from "w.npz"')).code == "NS405"


@pytest.mark.parametrize("entry", [{"dtype": "F64", "shape": [True, True], "data_offsets": [0, 8]},
                                   {"dtype": "F64", "shape": [2**64, 1], "data_offsets": [0, 8]}],
                         ids=["booleans", "above-2^63"])
def test_a_safetensors_shape_that_is_no_shape_is_a_coded_error(tmp_path, entry):
    (tmp_path / "w.safetensors").write_bytes(_safetensors(json.dumps({"W": entry}).encode(), b"\0" * 8))
    error = _error(_spec(tmp_path, 'weights W from "w.safetensors"'))
    assert error.code == "NS405" and "broken shape" in error.message


def test_a_deeply_nested_safetensors_header_is_a_coded_error(tmp_path):
    header = b'{"W": ' + b"[" * 300_000 + b"]" * 300_000 + b"}"
    (tmp_path / "w.safetensors").write_bytes(_safetensors(header))
    assert _error(_spec(tmp_path, 'weights W from "w.safetensors"')).code == "NS405"


def test_a_long_chain_of_uses_stops_at_the_stated_depth(tmp_path):
    from netspec.limits import MAX_USE_DEPTH

    (tmp_path / "s0.net").write_text(NET.format(line="weights W:\n   y  z\n a 1  2\n b 3  4"))
    for k in range(1, 500):
        (tmp_path / f"s{k}.net").write_text(f'use "s{k - 1}.net"\ninput a\ninput b\n')
    error = _error(tmp_path / "s499.net")
    assert error.code == "NS213"
    assert f"more than {MAX_USE_DEPTH} specs deep" in error.message and "s499.net → s498.net" in error.message


def test_a_chain_of_uses_at_the_depth_limit_loads(tmp_path):
    from netspec.limits import MAX_USE_DEPTH

    (tmp_path / "s0.net").write_text(NET.format(line="weights W:\n   y  z\n a 1  2\n b 3  4"))
    for k in range(1, MAX_USE_DEPTH):
        (tmp_path / f"s{k}.net").write_text(f'use "s{k - 1}.net"\ninput a\ninput b\n')
    spec = netspec.load_spec(tmp_path / f"s{MAX_USE_DEPTH - 1}.net")
    assert len(spec.sources) == MAX_USE_DEPTH


def test_a_full_standard_output_is_a_message_not_a_traceback():
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "netspec", "run", str(ROOT / "specs" / "leaf.net"),
                               "-i", "R=32", "-i", "G=107", "-i", "B=56", "-i", "Vol=11.2"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 1
    assert "could not write" in done.stderr and "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_a_csv_that_is_a_pipe_or_a_device_is_refused(tmp_path):
    """`--csv` reads a regular file only: a FIFO would wait for a writer forever, /dev/zero never ends."""
    from clirun import invoke

    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        result = invoke("run", SPECS / "leaf.net", "--csv", path)
        assert result.exit_code == 1
        assert "is not a regular file" in result.stderr and "[NS311]" in result.stderr
