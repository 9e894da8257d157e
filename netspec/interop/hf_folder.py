"""The files of a Hugging Face model folder in, what they say out: config, tensor shapes, and the spec's lines.

Only model.safetensors' header is read (8 bytes of length, then JSON), never a number: the
spec written reads each table from the original file by its Hugging Face name when it runs.
Each file is opened once and checked on that descriptor (netspec/files.py), its size capped.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from netspec.errors import ModelImportError
from netspec.files import FileRefused, open_checked
from netspec.limits import MAX_SAFETENSORS_HEADER
from netspec.records import record

CONFIG_CAP = 4 * 1024**2  # config.json, modules.json and the like are a few kB


@record
class Folder:
    """What a model folder says about itself, before any weight is read."""

    path: Path
    config: dict
    tensors: dict  # name → shape, from model.safetensors' header
    relative: str  # the folder as the spec reaches it: "" beside it, "tiny_gpt2/" below it

    def file(self, name: str) -> str:
        return f"{self.relative}{name}"

    def json(self, name: str) -> dict | list | None:
        """A JSON file of the folder, or None when there is none."""
        path = self.path / name
        return _json(path, name) if path.is_file() else None

    def prefix(self, ending: str) -> str:
        """The name prefix the tensors carry (`transformer.`, `bert.` or none), found from one tensor's name."""
        for name in self.tensors:
            if name.endswith(ending):
                return name[: -len(ending)]
        raise ModelImportError(f"model.safetensors in {self.path} has no tensor named …{ending}", code="NS953",
                               hint="the weights do not fit config.json: save the model again with save_pretrained")

    def shape(self, name: str) -> tuple[int, ...]:
        if name not in self.tensors:
            raise ModelImportError(f"model.safetensors in {self.path} has no tensor {name}", code="NS953",
                                   hint="the weights do not fit config.json: save the model again with save_pretrained")
        return tuple(self.tensors[name])


def read_folder(path: Path, relative: str) -> Folder:
    """The folder's config and tensor shapes; `relative`: the folder as the spec names it."""
    for needed in ("config.json", "model.safetensors", "tokenizer.json"):
        if not (path / needed).is_file():
            raise ModelImportError(f"the model folder {path} has no {needed}", code="NS952",
                                   hint="a Hugging Face folder as save_pretrained writes it: config.json, "
                                        "model.safetensors and tokenizer.json")
    config = _json(path / "config.json", "config.json")
    if not isinstance(config, dict):
        raise ModelImportError(f"{path / 'config.json'} is not a JSON object", code="NS952",
                               hint="give the config.json saved with the model")
    return Folder(path, config, _tensors(path / "model.safetensors"), relative)


def _json(path: Path, name: str):
    try:
        with open_checked(path, None, CONFIG_CAP, "model file") as opened:
            return json.loads(opened.read_all(CONFIG_CAP).decode("utf-8"))
    except FileRefused as refused:
        raise ModelImportError(refused.message, code="NS952", hint=f"give the {name} saved with the model") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ModelImportError(f"{path} is not JSON: {error}", code="NS952",
                               hint=f"give the {name} saved with the model") from None


def _tensors(path: Path) -> dict:
    """Every tensor's name and shape from the safetensors header (8 bytes of length, then JSON)."""
    try:
        with open_checked(path, None, None, "weight file") as opened:
            head = opened.stream.read(8)
            length = struct.unpack("<Q", head)[0] if len(head) == 8 else -1
            if not 0 < length <= min(MAX_SAFETENSORS_HEADER, opened.size - 8):
                raise ValueError("no safetensors header")
            table = json.loads(opened.stream.read(length).decode("utf-8"))
    except FileRefused as refused:
        raise ModelImportError(refused.message, code="NS952", hint="give the model.safetensors saved with the model") \
            from None
    except (ValueError, UnicodeDecodeError, struct.error):
        raise ModelImportError(f"{path} is not a safetensors file", code="NS952",
                               hint="save the model with save_pretrained(safe_serialization=True)") from None
    return {name: entry["shape"] for name, entry in table.items() if name != "__metadata__"}


class Lines:
    """The spec's text, built a line at a time, with table lines that name the file and key."""

    def __init__(self, folder: Folder):
        self.folder, self.lines = folder, []

    def add(self, *lines: str):
        self.lines.extend(lines)

    def table(self, kind: str, name: str, key: str, shape: tuple[int, ...], layout: str | None = None,
              indent: str = "", shown_key: str | None = None):
        """`weights wte from "model.safetensors" key "transformer.wte.weight" shape (360, 16)`."""
        dims = ", ".join(str(n) for n in shape)
        line = (f'{indent}{kind} {name} from "{self.folder.file("model.safetensors")}" key "{shown_key or key}" '
                f"shape ({dims})")
        self.add(line + (f" layout {layout}" if layout else ""))

    @property
    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def number(value: float) -> str:
    """1e-05 → 1e-5, 1e-12 → 1e-12: eps as a person writes it."""
    text = repr(float(value))
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa.removesuffix('.0')}e{int(exponent)}" if exponent else text.removesuffix(".0")
