"""A weight file reference in, a float64 array out: .npy, .npz and .safetensors, never pickle.

Headers are read first, so the shape, the dtype and the memory a tensor needs are known
before any of its numbers are. `.npy` and `.safetensors` are memory-mapped. A file's
format is told from its first bytes, not trusted from its name.
"""

from __future__ import annotations

import json
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netspec.errors import WeightFileError
from netspec.limits import Limits, describe_bytes, outside_folder

PLURAL = {"bias": "biases", "vector": "vectors"}  # for messages: "vectors need one row"

FLOAT_KINDS = {"f"}
SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2"}
MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024


@dataclass(frozen=True)
class TensorHeader:
    shape: tuple[int, ...]
    dtype: np.dtype
    offset: int  # where the numbers start (npy, safetensors); -1 inside an npz


def resolve(folder: Path, written: str, limits: Limits) -> Path:
    """The file a spec names, relative to the spec's folder; refuse one outside it unless allowed."""
    if not written.strip():
        raise WeightFileError("the weight file's name is empty", hint='write its path between the quotes, relative to '
                              'the spec, like `from "weights/leaf.npz"`', code="NS401")
    inside = outside_folder(folder, written, limits)
    if inside is not None:
        raise WeightFileError(f"{written} lies outside the spec's folder ({inside})",
                              hint="a spec may only read files in its own folder; pass --allow-outside if you "
                                   "trust this spec", code="NS402")
    return folder / written


def sniff(path: Path) -> str:
    """`npy`, `npz`, `safetensors`, `pickle` or `unknown`, from the file's first bytes."""
    with path.open("rb") as stream:
        head = stream.read(16)
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "npz"
    if len(head) >= 9 and head[8:9] == b"{":  # before pickle: a header length can start with 0x80
        return "safetensors"
    if head[:1] == b"\x80" or head.startswith((b"(dp", b"(lp", b"cnumpy")):
        return "pickle"
    return "unknown"


def read_header(path: Path, key: str | None) -> TensorHeader:
    """Shape and dtype of the tensor, without reading its numbers."""
    kind = _checked_kind(path)
    if kind == "npy":
        with path.open("rb") as stream:
            return _npy_header(stream, path.name, path.stat().st_size)
    if kind == "npz":
        return _npz_header(path, key)
    return _safetensors_header(path, key)


def load(path: Path, key: str | None, header: TensorHeader) -> np.ndarray:
    """The tensor's numbers as float64, read from a memory map where the format allows."""
    kind = sniff(path)
    if 0 in header.shape:
        return np.zeros(header.shape)
    if kind == "npz":
        with np.load(path, allow_pickle=False) as archive:
            array = archive[_npz_member(path, key)[:-4]]
    else:
        array = np.memmap(path, dtype=header.dtype, mode="r", offset=header.offset, shape=header.shape,
                          order="C")
    return np.array(array, dtype=np.float64)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name longer than the system allows is no file either
        return False


def _missing(path: Path) -> str:
    """Why `path` is no weight file: it is a folder, or nothing is there."""
    try:
        if path.is_dir():
            return f"{path} is a folder, not a weight file: name the file inside it"
    except OSError:
        pass
    return f"no weight file {path.name} in {path.parent}"


def _checked_kind(path: Path) -> str:
    if not _is_file(path):
        raise WeightFileError(_missing(path), hint="the path is relative to the spec", code="NS401")
    kind = sniff(path)
    suffix = path.suffix.lower().lstrip(".")
    if kind == "pickle":
        raise WeightFileError(f"{path.name} is a Python pickle; netspec never loads pickles, because loading one "
                              "can run any code", hint="save the weights with numpy.save, numpy.savez or safetensors", code="NS403")
    if kind == "unknown":
        raise WeightFileError(f"{path.name} is not a .npy, .npz or .safetensors file (its first bytes say so)", code="NS404")
    if suffix in ("npy", "npz", "safetensors") and suffix != kind:
        raise WeightFileError(f"{path.name} is named .{suffix} but is a .{kind} file",
                              hint=f"rename it to .{kind}, or save it again in the format its name says", code="NS404")
    return kind


def _npy_header(stream, name: str, size: int | None) -> TensorHeader:
    try:
        version = np.lib.format.read_magic(stream)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read(stream, max_header_size=100_000)
    except Exception as error:  # a hostile header can fail in many ways inside NumPy's parser
        raise WeightFileError(f"{name} has a broken .npy header", hint=f"NumPy could not read it: {error}",
                              code="NS405") from None
    if dtype.hasobject or dtype.kind not in FLOAT_KINDS:
        raise WeightFileError(f"{name} holds {dtype} numbers; weights must be floating point (float16, 32 or 64)",
                              hint="object arrays would need pickle, which netspec never loads", code="NS406")
    if fortran and len(shape) > 1:
        raise WeightFileError(f"{name} is stored in Fortran order", hint="save it with numpy.ascontiguousarray", code="NS406")
    header = TensorHeader(tuple(int(n) for n in shape), dtype, stream.tell())
    _check_size(name, header, size)
    return header


def _npz_member(path: Path, key: str | None) -> str:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".npy")]
    wanted = f"{key}.npy" if key else (names[0] if len(names) == 1 else None)
    if wanted is None or wanted not in names:
        keys = ", ".join(n[:-4] for n in names) or "none"
        raise WeightFileError(f"{path.name} has no array {key!r}" if key else
                              f"{path.name} holds several arrays; say which with key \"...\"",
                              hint=f"its arrays are: {keys}", code="NS410")
    return wanted


def _npz_header(path: Path, key: str | None) -> TensorHeader:
    try:
        member = _npz_member(path, key)
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            header = _npy_header(stream, f"{path.name}[{member[:-4]}]", None)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise WeightFileError(f"{path.name} is a damaged .npz archive ({error})", code="NS405") from None
    return TensorHeader(header.shape, header.dtype, -1)


def _safetensors_header(path: Path, key: str | None) -> TensorHeader:
    size = path.stat().st_size
    with path.open("rb") as stream:
        (length,) = struct.unpack("<Q", stream.read(8))
        if length > min(size - 8, MAX_SAFETENSORS_HEADER):
            raise WeightFileError(f"{path.name} is truncated or not a safetensors file (header of {length} bytes)", code="NS408")
        try:
            table = json.loads(stream.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise WeightFileError(f"{path.name} has a broken safetensors header", code="NS405") from None
    if not isinstance(table, dict):
        raise WeightFileError(f"{path.name} has a broken safetensors header", code="NS405")
    tensors = {k: v for k, v in table.items() if k != "__metadata__"}
    name = key if key is not None else (next(iter(tensors)) if len(tensors) == 1 else None)
    if name not in tensors:
        raise WeightFileError(f"{path.name} has no tensor {key!r}" if key else
                              f"{path.name} holds several tensors; say which with key \"...\"",
                              hint="its tensors are: " + ", ".join(sorted(tensors))[:300], code="NS410")
    entry = tensors[name] if isinstance(tensors[name], dict) else {}
    if entry.get("dtype") not in SAFETENSORS_DTYPES:
        raise WeightFileError(f"{path.name}[{name}] holds {entry.get('dtype')} numbers; weights must be F16, F32 "
                              "or F64", code="NS406")
    header = TensorHeader(_dims(entry.get("shape"), path.name, name), np.dtype(SAFETENSORS_DTYPES[entry["dtype"]]),
                          8 + length + _offset(entry.get("data_offsets"), path.name, name))
    _check_size(f"{path.name}[{name}]", header, size)
    return header


def _dims(shape, file: str, name: str) -> tuple[int, ...]:
    """A header's shape: a list of whole numbers, none negative."""
    if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise WeightFileError(f"{file}[{name}] has a broken shape in its header: {shape!r}", code="NS405")
    return tuple(shape)


def _offset(offsets, file: str, name: str) -> int:
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(n, int) and n >= 0 for n in offsets)):
        raise WeightFileError(f"{file}[{name}] has broken data offsets in its header: {offsets!r}", code="NS405")
    return offsets[0]


def _check_size(name: str, header: TensorHeader, size: int | None):
    need = int(np.prod(header.shape, dtype=np.int64)) * header.dtype.itemsize
    if size is not None and header.offset + need > size:
        raise WeightFileError(f"{name} is truncated: its header promises {describe_bytes(need)} of numbers but the "
                              f"file holds {describe_bytes(max(size - header.offset, 0))}", code="NS408")


def load_declared(kind: str, name: str, written: str, key: str | None, declared: tuple[int, ...] | None,
                  folder: Path, limits: Limits, budget: int) -> np.ndarray:
    """The array a `weights ... from` line names, after every check that needs no numbers.

    budget: the bytes still free under limits.max_bytes; the tensor is refused before
    it is read when its float64 copy would not fit.
    """
    if declared is not None and min(declared) < 0:
        raise WeightFileError(f"the shape of {name} must be whole numbers, like shape (4, 3)", code="NS407")
    path = resolve(folder, written, limits)
    header = read_header(path, key)
    rank = 2 if kind == "weights" else 1
    if len(header.shape) != rank:
        raise WeightFileError(f"{name} in {written} has shape {header.shape}; {PLURAL.get(kind, kind)} need "
                              f"{'a table (2 dimensions)' if rank == 2 else 'one row (1 dimension)'}", code="NS407")
    if declared is not None and tuple(declared) != header.shape:
        raise WeightFileError(f"{name} is declared with shape {tuple(declared)} but {written} holds "
                              f"{header.shape}", hint="fix the shape in the spec, or the file", code="NS407")
    need = int(np.prod(header.shape, dtype=np.int64)) * 8
    if need > budget:
        raise WeightFileError(f"{name} would need {describe_bytes(need)} of memory, more than the "
                              f"{describe_bytes(max(budget, 0))} left under the limit of "
                              f"{describe_bytes(limits.max_bytes)}", hint="raise the limit with --max-memory", code="NS409")
    array = load(path, key, header)
    if not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise WeightFileError(f"{name} in {written} holds {array[where]} at position {where}", code="NS411",
                              hint="weights must be ordinary numbers; NaN and infinity cannot be computed with")
    return array
