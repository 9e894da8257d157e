"""A Hugging Face model folder in, the text of a .net spec out: GPT-2 and BERT sentence embedders.

The folder holds config.json (the architecture and its sizes), model.safetensors (every
tensor by its name: `transformer.h.0.attn.c_attn.weight`), tokenizer.json and, for a
sentence-transformers model, modules.json with 1_Pooling/config.json and 2_Normalize.
hf_folder.py reads those; this module names the family and hands the writing to its
module (hf_gpt2.py, hf_bert.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from netspec.errors import ModelImportError
from netspec.interop.hf_bert import write_bert
from netspec.interop.hf_folder import Folder, read_folder
from netspec.interop.hf_gpt2 import write_gpt2

SUPPORTED = "GPT-2 (GPT2LMHeadModel) and BERT sentence embedders (BertModel, with sentence-transformers' pooling)"


def import_folder(path: Path, spec_path: Path, tokens: int | None) -> str:
    """The .net text for the model in `path`, to be written at `spec_path` (its files are named from there)."""
    folder = read_folder(path, _relative(path, spec_path))
    write = write_gpt2 if _family(folder) == "gpt2" else write_bert
    return write(folder, _network_name(path), tokens)


def _family(folder: Folder) -> str:
    config = folder.config
    architectures = config.get("architectures") or []
    kind = config.get("model_type")
    if kind == "gpt2" and (not architectures or "GPT2LMHeadModel" in architectures):
        return "gpt2"
    if kind == "bert" and (not architectures or set(architectures) & {"BertModel", "BertForMaskedLM"}):
        if folder.json("modules.json") is None:
            raise ModelImportError(f"{folder.path} is a BERT model without sentence-transformers' modules.json, so "
                                   "what its output means (which pooling) is not said", code="NS954",
                                   hint="netspec imports BERT as a sentence embedder: a folder saved by "
                                        "sentence-transformers, with modules.json and 1_Pooling/config.json")
        return "bert"
    found = ", ".join(architectures) or kind or "no architecture"
    raise ModelImportError(f"netspec cannot import {found} (config.json of {folder.path})", code="NS954",
                           hint=f"the architectures netspec imports are {SUPPORTED}")


def _relative(path: Path, spec_path: Path) -> str:
    """The model folder as written in the spec: a spec reads only files in its own folder and below."""
    spec_folder = Path(os.path.abspath(spec_path)).parent
    folder = Path(os.path.abspath(path))
    relative = os.path.relpath(folder, spec_folder)
    if relative == ".":
        return ""
    if relative.startswith(".."):
        raise ModelImportError(f"the spec {spec_path} would lie outside the folder of the model it reads ({path})",
                               code="NS955", hint=f"write it inside the model's folder or above it, such as "
                                                  f"-o {path / (folder.name + '.net')}: a spec reads only files in "
                                                  "its own folder")
    return relative.replace(os.sep, "/") + "/"


def _network_name(path: Path) -> str:
    name = re.sub(r"\W", "_", Path(os.path.abspath(path)).name)
    return name if name and not name[0].isdigit() else f"model_{name}"


