"""Models from elsewhere in, and out: `netspec import PATH -o FILE.net`, `netspec export`.

A Hugging Face folder (config.json, model.safetensors, tokenizer.json) is read by
huggingface.py: the spec written reads every weight from the original file by its own name,
so nothing is converted or copied. ONNX export and import live in onnx_export.py and
onnx_import.py; importer.py decides who reads a path. onnx and onnxruntime are optional:
their modules import them inside their functions, so netspec runs without them and says
how to install them when they are needed.
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
