"""A weight file reference in, a float64 array out: .npy, .npz and .safetensors, never pickle.

Each file is opened once per load and checked on that descriptor (netspec/files.py: a
regular file inside the spec's folder). Headers are read first, their lengths capped, so
the shape, the dtype and the memory a tensor needs are known before any of its numbers
are. `.npy` and `.safetensors` are memory-mapped; an `.npz` member is inflated straight
into its float64 array. A file's format is told from its first bytes, not its name.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct
from pathlib import Path

import numpy as np

from netspec.errors import WeightFileError
from netspec.files import FileRefused, Opened, open_checked
from netspec.limits import MAX_NPY_HEADER, MAX_NPZ_DIRECTORY, MAX_SAFETENSORS_HEADER, Limits, describe_bytes, outside_folder
from netspec.records import record

PLURAL = {"bias": "biases", "vector": "vectors"}  # for messages: "vectors need one row"

FLOAT_KINDS = {"f"}
SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2"}
BF16 = np.dtype("<u2")  # bfloat16's bits: the top half of a float32, widened exactly in load()
READ_PIECE = 1024**2  # an .npz member is inflated 1 MiB at a time into its float64 array


def _zip_failures() -> tuple:
    """What a damaged .npz raises. zipfile (with bz2 and lzma) is imported only when an .npz is read:
    an except clause's tuple is made only when something was raised."""
    import zipfile

    return (zipfile.BadZipFile, EOFError, OSError, ValueError)


@record
class TensorHeader:
    shape: tuple[int, ...]
    dtype: np.dtype
    offset: int  # where the numbers start: in the file (npy, safetensors), in the member (npz)
    member: str | None = None  # the .npz member that holds it


class WeightFile:
    """One weight file, opened and checked once (netspec/files.py), with its directory read once:
    the members of an .npz, the header of a .safetensors. Every table from it reads this."""

    def __init__(self, opened: Opened, path: Path):
        self.opened, self.path, self.name = opened, path, path.name
        self.kind = _checked_kind(self.name, _head(opened.stream))
        self._archive: zipfile.ZipFile | None = None
        self._members: dict[str, zipfile.ZipInfo] | None = None
        self._table: tuple[dict, int] | None = None
        self._tensors: tuple[dict, int] | None = None

    def archive(self) -> zipfile.ZipFile:
        if self._archive is None:
            _check_members(self.opened.stream, self.name, self.opened.size)
            import zipfile

            try:
                self._archive = zipfile.ZipFile(self.opened.stream)
            except _zip_failures() as error:
                raise _damaged(self.name, error) from None
        return self._archive

    def members(self) -> dict[str, zipfile.ZipInfo]:
        """The archive's .npy members by name, listed once: a lookup per tensor, not a scan of the
        directory (a scan per tensor made loading 1,600 tensors quadratic)."""
        if self._members is None:
            self._members = {info.filename: info for info in self.archive().infolist()
                             if info.filename.endswith(".npy")}
        return self._members

    def table(self) -> tuple[dict, int]:
        """The safetensors header as parsed JSON, and its length."""
        if self._table is None:
            self._table = _safetensors_table(self.opened.stream, self.name, self.opened.size)
        return self._table

    def tensors(self) -> tuple[dict, int]:
        """The safetensors header's tensors (without __metadata__), made once; and the header's length."""
        if self._tensors is None:
            table, length = self.table()
            self._tensors = ({k: v for k, v in table.items() if k != "__metadata__"}, length)
        return self._tensors

    def close(self):
        if self._archive is not None:
            self._archive.close()
        self.opened.close()


class WeightFiles:
    """The weight files of one load, each opened once however many tables it holds; close() at the end."""

    def __init__(self):
        self._files: dict[str, WeightFile] = {}
        self._named: dict[tuple, WeightFile] = {}  # (folder, written, allow_outside) → its file, resolved once

    def get(self, folder: Path, written: str, limits: Limits) -> WeightFile:
        named = (str(folder), written, limits.allow_outside)
        if named in self._named:  # every tensor of a 50-block model names the same file: resolved once
            return self._named[named]
        path = resolve(folder, written, limits)
        key = str(path)
        if key not in self._files:
            opened = _open(path, written, None if limits.allow_outside else folder)
            try:
                self._files[key] = WeightFile(opened, path)
            except BaseException:  # a pickle, or a name that lies about the format
                opened.close()
                raise
        self._named[named] = self._files[key]
        return self._files[key]

    @property
    def identities(self) -> list[tuple[int, int]]:
        return [file.opened.identity for file in self._files.values()]

    def close(self):
        for file in self._files.values():
            file.close()
        self._files.clear()
        self._named.clear()


def resolve(folder: Path, written: str, limits: Limits) -> Path:
    """The file a spec names, relative to the spec's folder; refuse one outside it unless allowed."""
    if not written.strip():
        raise WeightFileError("the weight file's name is empty", hint='write its path between the quotes, relative to '
                              'the spec, like `from "weights/leaf.npz"`', code="NS401")
    inside = outside_folder(folder, written, limits)
    if inside is not None:
        raise _outside(written, inside)
    return folder / written


def _outside(written: str, inside: Path) -> WeightFileError:
    return WeightFileError(f"{written} lies outside the spec's folder ({inside})",
                           hint="a spec may only read files in its own folder; pass --allow-outside if you "
                                "trust this spec", code="NS402")


def _open(path: Path, written: str, fence: Path | None) -> Opened:
    try:
        return open_checked(path, fence, None, "weight file", str(path))
    except FileRefused as refused:
        if refused.reason == "outside":
            raise _outside(written, refused.folder) from None
        message = {"missing": f"no weight file {path.name} in {path.parent}",
                   "folder": f"{path} is a folder, not a weight file: name the file inside it"}
        raise WeightFileError(message.get(refused.reason, refused.message), hint="the path is relative to the spec",
                              code="NS401") from None


def _head(stream) -> bytes:
    stream.seek(0)
    return stream.read(16)


def sniff(head: bytes) -> str:
    """`npy`, `npz`, `safetensors`, `pickle` or `unknown`, from a file's first 16 bytes."""
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "npz"
    if len(head) >= 9 and head[8:9] == b"{":  # before pickle: a header length can start with 0x80
        return "safetensors"
    if head[:1] == b"\x80" or head.startswith((b"(dp", b"(lp", b"cnumpy")):
        return "pickle"
    return "unknown"


def read_header(file: WeightFile, key: str | None) -> TensorHeader:
    """Shape and dtype of the tensor, without reading its numbers."""
    if file.kind == "npy":
        file.opened.stream.seek(0)
        return _npy_header(file.opened.stream, file.name, file.opened.size)
    if file.kind == "npz":
        return _npz_header(file, key)
    return _safetensors_header(file, key)


def load(file: WeightFile, key: str | None, header: TensorHeader) -> np.ndarray:
    """The tensor's numbers as float64: from a memory map (npy, safetensors), or inflated a piece
    at a time straight into the float64 array (npz), so nothing but that array is held."""
    if 0 in header.shape:
        return np.zeros(header.shape)
    if file.kind == "npz":
        return _read_member(file, header)
    array = np.memmap(file.opened.stream, dtype=header.dtype, mode="r", offset=header.offset, shape=header.shape,
                      order="C")
    if header.dtype == BF16:  # only a safetensors BF16 tensor has this dtype: its 16 bits, then 16 zero bits
        return (array.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return np.array(array, dtype=np.float64)


def _read_member(file: WeightFile, header: TensorHeader) -> np.ndarray:
    out = np.empty(header.shape, dtype=np.float64)
    flat, size = out.reshape(-1), header.dtype.itemsize
    step = max(1, READ_PIECE // size)
    name = f"{file.name}[{header.member[:-4]}]"
    try:
        with file.archive().open(header.member) as stream:
            stream.read(header.offset)
            for start in range(0, flat.size, step):
                count = min(step, flat.size - start)
                piece = stream.read(count * size)
                if len(piece) != count * size:
                    raise WeightFileError(f"{name} is truncated: it ends before its numbers do", code="NS408")
                flat[start:start + count] = np.frombuffer(piece, dtype=header.dtype)
    except _zip_failures() as error:  # a broken stream, or a bad checksum
        raise _damaged(file.name, error) from None
    return out


def _damaged(name: str, error) -> WeightFileError:
    return WeightFileError(f"{name} is a damaged .npz archive ({error})", code="NS405")


def _checked_kind(name: str, head: bytes) -> str:
    kind = sniff(head)
    suffix = Path(name).suffix.lower().lstrip(".")
    if kind == "pickle":
        raise WeightFileError(f"{name} is a Python pickle; netspec never loads pickles, because loading one "
                              "can run any code", hint="save the weights with numpy.save, numpy.savez or safetensors", code="NS403")
    if kind == "unknown":
        raise WeightFileError(f"{name} is not a .npy, .npz or .safetensors file (its first bytes say so)", code="NS404")
    if suffix in ("npy", "npz", "safetensors") and suffix != kind:
        raise WeightFileError(f"{name} is named .{suffix} but is a .{kind} file",
                              hint=f"rename it to .{kind}, or save it again in the format its name says", code="NS404")
    return kind


def _npy_header(stream, name: str, size: int) -> TensorHeader:
    """The header of an .npy file or .npz member; its length is checked before it is read."""
    text, offset = _npy_header_text(stream, name)
    plain = _plain_npy_header(text)
    if plain is not None:
        shape, fortran, dtype = plain
    else:
        try:
            read = np.lib.format.read_array_header_1_0 if text[:1] == b"\x01" else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(io.BytesIO(text[2:]), max_header_size=MAX_NPY_HEADER + 1)
        except Exception as error:  # a hostile header can fail in many ways inside NumPy's parser
            raise WeightFileError(f"{name} has a broken .npy header", hint=f"NumPy could not read it: {error}",
                                  code="NS405") from None
    if dtype.hasobject or dtype.kind not in FLOAT_KINDS:
        raise WeightFileError(f"{name} holds {dtype} numbers; weights must be floating point (float16, 32 or 64)",
                              hint="object arrays would need pickle, which netspec never loads", code="NS406")
    if fortran and len(shape) > 1:
        raise WeightFileError(f"{name} is stored in Fortran order", hint="save it with numpy.ascontiguousarray", code="NS406")
    header = TensorHeader(_dims(shape, name), dtype, offset)
    _check_size(name, header, size)
    return header


# The header numpy.save writes for a float array, exactly: read without ast.literal_eval (1 ms a
# tensor, a second and more for a large model's 1,600); any other header goes to NumPy's own reader.
PLAIN_NPY_HEADER = re.compile(rb"\{'descr': '([<>|]f[248])', 'fortran_order': (True|False), "
                              rb"'shape': \(((?:[0-9]{1,19}, )*[0-9]{1,19},?|)\), \} *\n")


def _plain_npy_header(text: bytes):
    """(shape, fortran, dtype) of a header as numpy.save writes it, or None for any other."""
    found = PLAIN_NPY_HEADER.fullmatch(text, 4 if text[:1] == b"\x01" else 6)
    if found is None:
        return None
    dims = found.group(3).rstrip(b",")
    shape = tuple(int(n) for n in dims.split(b", ")) if dims else ()
    return shape, found.group(2) == b"True", np.dtype(found.group(1).decode())


def _npy_header_text(stream, name: str) -> tuple[bytes, int]:
    """The version byte, a spare byte, the length field and the header text; and where the numbers start."""
    magic = stream.read(8)
    if len(magic) < 8 or not magic.startswith(b"\x93NUMPY") or magic[6] not in (1, 2, 3):
        raise WeightFileError(f"{name} has a broken .npy header", hint="its first bytes are not NumPy's", code="NS405")
    width = 2 if magic[6] == 1 else 4
    field = stream.read(width)
    length = int.from_bytes(field, "little") if len(field) == width else 0
    if length > MAX_NPY_HEADER:
        raise WeightFileError(f"{name} has an .npy header of {describe_bytes(length)}; netspec reads .npy headers of "
                              f"at most {describe_bytes(MAX_NPY_HEADER)}", code="NS416",
                              hint="NumPy writes headers of under 1 kB: save the array again with numpy.save")
    text = stream.read(length)
    if len(field) < width or len(text) < length:
        raise WeightFileError(f"{name} is truncated: it ends inside its header", code="NS408")
    return magic[6:8] + field + text, 8 + width + length


def _check_members(stream, name: str, size: int):
    """Refuse an archive whose directory is over MAX_NPZ_DIRECTORY, from its end record, before
    Python's zipfile reads all of it (300,000 empty members in 29 MB took 7 s and 300 MB)."""
    stream.seek(max(0, size - 65_557))  # the end record and a comment of at most 64 kB
    tail = stream.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 22:
        return  # not a zip's end: zipfile says it is damaged
    length = struct.unpack("<I", tail[end + 12:end + 16])[0]
    if length == 0xFFFFFFFF and end >= 20 and tail[end - 20:end - 16] == b"PK\x06\x07":  # zip64: it is elsewhere
        stream.seek(struct.unpack("<Q", tail[end - 12:end - 4])[0] + 40)
        field = stream.read(8)
        length = struct.unpack("<Q", field)[0] if len(field) == 8 else length
    if length > MAX_NPZ_DIRECTORY:
        raise WeightFileError(f"{name} has a zip directory of {describe_bytes(length)}; netspec reads .npz "
                              f"directories of at most {describe_bytes(MAX_NPZ_DIRECTORY)}",
                              code="NS416", hint="GPT-2 XL has under 600 tensors: is this a file of weights?")


def _npz_member(file: WeightFile, key: str | None) -> str:
    members = file.members()
    if not members and any(n.endswith("data.pkl") for n in file.archive().namelist()[:1000]):
        raise WeightFileError(f"{file.name} is a PyTorch checkpoint (torch.save): a zip holding a pickle, which "
                              "netspec never loads", code="NS420",
                              hint="convert it once with safetensors: python -c \"import torch; from safetensors.torch "
                                   "import save_file; save_file(torch.load('model.pt'), 'model.safetensors')\"")
    wanted = f"{key}.npy" if key else (next(iter(members)) if len(members) == 1 else None)
    if wanted is None or wanted not in members:
        names = list(members)
        keys = (", ".join(n[:-4] for n in names[:60]) + (", …" if len(names) > 60 else "")) or "none"
        raise WeightFileError(f"{file.name} has no array {key!r}" if key else
                              f"{file.name} holds several arrays; say which with key \"...\"",
                              hint=f"its arrays are: {keys}", code="NS410")
    return wanted


def _npz_header(file: WeightFile, key: str | None) -> TensorHeader:
    """The member's .npy header, checked against the member's size in the zip directory, before
    any of its numbers are inflated."""
    member = _npz_member(file, key)
    try:
        info = file.members()[member]
        with file.archive().open(info) as stream:
            header = _npy_header(stream, f"{file.name}[{member[:-4]}]", info.file_size)
    except _zip_failures() as error:
        raise _damaged(file.name, error) from None
    return TensorHeader(header.shape, header.dtype, header.offset, member)


def _safetensors_table(stream, name: str, size: int) -> tuple[dict, int]:
    stream.seek(0)
    field = stream.read(8)
    length = struct.unpack("<Q", field)[0] if len(field) == 8 else size
    if length > MAX_SAFETENSORS_HEADER:
        raise WeightFileError(f"{name} has a safetensors header of {describe_bytes(length)}; netspec reads headers "
                              f"of at most {describe_bytes(MAX_SAFETENSORS_HEADER)}", code="NS416",
                              hint="GPT-2 XL's header is 100 kB: is this a safetensors file?")
    if length > size - 8:
        raise WeightFileError(f"{name} is truncated or not a safetensors file (header of {length} bytes)", code="NS408")
    try:
        table = json.loads(stream.read(length))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # RecursionError: nested 300,000 deep
        raise WeightFileError(f"{name} has a broken safetensors header", code="NS405") from None
    if not isinstance(table, dict):
        raise WeightFileError(f"{name} has a broken safetensors header", code="NS405")
    return table, length


def _safetensors_header(file: WeightFile, key: str | None) -> TensorHeader:
    tensors, length = file.tensors()
    name = key if key is not None else (next(iter(tensors)) if len(tensors) == 1 else None)
    if name not in tensors:
        raise WeightFileError(f"{file.name} has no tensor {key!r}" if key else
                              f"{file.name} holds several tensors; say which with key \"...\"",
                              hint="its tensors are: " + ", ".join(sorted(tensors))[:300], code="NS410")
    entry = tensors[name] if isinstance(tensors[name], dict) else {}
    if entry.get("dtype") not in SAFETENSORS_DTYPES:
        raise WeightFileError(f"{file.name}[{name}] holds {entry.get('dtype')} numbers; weights must be F16, BF16, "
                              "F32 or F64", code="NS406")
    header = TensorHeader(_dims(entry.get("shape"), f"{file.name}[{name}]"),
                          np.dtype(SAFETENSORS_DTYPES[entry["dtype"]]),
                          8 + length + _offset(entry.get("data_offsets"), file.name, name))
    _check_size(f"{file.name}[{name}]", header, file.opened.size)
    return header


def _dims(shape, name: str) -> tuple[int, ...]:
    """A header's shape: whole numbers (not true or false), none negative, none past what an index can hold."""
    if not isinstance(shape, (list, tuple)) or not all(
            type(n) is int and 0 <= n < 2**63 for n in shape):  # type(): True is an int to isinstance
        raise WeightFileError(f"{name} has a broken shape in its header: {_short(shape)}", code="NS405")
    return tuple(shape)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _offset(offsets, file: str, name: str) -> int:
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(n, int) and n >= 0 for n in offsets)):
        raise WeightFileError(f"{file}[{name}] has broken data offsets in its header: {offsets!r}", code="NS405")
    return offsets[0]


def _check_size(name: str, header: TensorHeader, size: int):
    need = math.prod(header.shape) * header.dtype.itemsize  # Python integers: a product past int64 is no overflow
    if header.offset + need > size:
        raise WeightFileError(f"{name} is truncated: its header promises {describe_bytes(need)} of numbers but the "
                              f"file holds {describe_bytes(max(size - header.offset, 0))}", code="NS408")


@record
class Pending:
    """A file's tensor whose header passed every check: its numbers are read by read_numbers, once
    the rest of the spec has checked against its shape (a wrong file costs no reading at all)."""

    name: str
    written: str
    file: WeightFile
    key: str | None
    header: TensorHeader

    @property
    def shape(self) -> tuple[int, ...]:
        return self.header.shape


def load_declared(kind: str, name: str, written: str, key: str | None, declared: tuple[int, ...] | None,
                  folder: Path, limits: Limits, budget: int, files: WeightFiles | None = None) -> np.ndarray:
    """The array a `weights ... from` line names: check_declared, then read_numbers.

    files: the weight files this load has opened (each is opened once); none: opened and closed here.
    """
    if files is not None:
        return read_numbers(check_declared(kind, name, written, key, declared, folder, limits, budget, files))
    files = WeightFiles()
    try:
        return read_numbers(check_declared(kind, name, written, key, declared, folder, limits, budget, files))
    finally:
        files.close()


def check_declared(kind: str, name: str, written: str, key: str | None, declared: tuple[int, ...] | None,
                   folder: Path, limits: Limits, budget: int, files: WeightFiles) -> Pending:
    """Every check on the tensor a `weights ... from` line names that needs no numbers.

    budget: the bytes still free under limits.max_bytes; the tensor is refused before
    it is read when its float64 copy would not fit.
    """
    if declared is not None and min(declared) < 0:
        raise WeightFileError(f"the shape of {name} must be whole numbers, like shape (4, 3)", code="NS407")
    file = files.get(folder, written, limits)
    header = read_header(file, key)
    rank = 2 if kind == "weights" else 1
    if len(header.shape) != rank:
        raise WeightFileError(f"{name} in {written} has shape {header.shape}; {PLURAL.get(kind, kind)} need "
                              f"{'a table (2 dimensions)' if rank == 2 else 'one row (1 dimension)'}", code="NS407")
    if declared is not None and tuple(declared) != header.shape:
        raise WeightFileError(f"{name} is declared with shape {tuple(declared)} but {written} holds "
                              f"{header.shape}", hint="fix the shape in the spec, or the file", code="NS407")
    need = math.prod(header.shape) * 8
    if need > budget:
        raise WeightFileError(f"{name} would need {describe_bytes(need)} of memory, more than the "
                              f"{describe_bytes(max(budget, 0))} left under the limit of "
                              f"{describe_bytes(limits.max_bytes)}", hint="raise the limit with --max-memory", code="NS409")
    return Pending(name, written, file, key, header)


def pytorch_file(pending: Pending) -> bool:
    """True for a .safetensors file that PyTorch wrote (its metadata says `"format": "pt"`): its
    nn.Linear weights are stored out × in, the other way round from netspec's tables."""
    if pending.file.kind != "safetensors":
        return False
    metadata = pending.file.table()[0].get("__metadata__")
    return isinstance(metadata, dict) and metadata.get("format") == "pt"


def read_numbers(pending: Pending) -> np.ndarray:
    """The tensor's numbers as float64, all of them finite."""
    array = load(pending.file, pending.key, pending.header)
    if not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise WeightFileError(f"{pending.name} in {pending.written} holds {array[where]} at position {where}",
                              code="NS411",
                              hint="weights must be ordinary numbers; NaN and infinity cannot be computed with")
    return array
