"""A BERT sentence-transformers folder in, a .net spec out: the sentence's embedding (filled in below)."""

from __future__ import annotations

from netspec.errors import ModelImportError
from netspec.interop.hf_folder import Folder


def write_bert(folder: Folder, name: str, tokens: int | None) -> str:
    raise ModelImportError("BERT import is not written yet", code="NS954")
