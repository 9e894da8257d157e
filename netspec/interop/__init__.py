"""A model from elsewhere in, a readable .net spec out: `netspec import PATH -o FILE.net`.

Each family of files has its own module: a Hugging Face folder (config.json,
model.safetensors, tokenizer.json) is read by huggingface.py. The spec written reads every
weight from the original file by its own name, so nothing is converted or copied.
"""

from __future__ import annotations

from pathlib import Path

from netspec.errors import ModelImportError


def import_model(source: str | Path, spec_path: str | Path, tokens: int | None = None) -> str:
    """The text of a .net spec, to be saved at `spec_path`, that runs the model at `source`."""
    source = Path(source)
    if source.is_dir():
        from netspec.interop.huggingface import import_folder
        return import_folder(source, Path(spec_path), tokens)
    raise ModelImportError(f"{source} is not a model folder", code="NS951",
                           hint="give a Hugging Face model's folder: the one with config.json, model.safetensors "
                                "and tokenizer.json")
