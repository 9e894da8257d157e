"""`netspec import PATH -o FILE.net`: what PATH is decides who reads it.

An .onnx file goes to netspec/interop/onnx_import.py; a folder is a Hugging Face model,
read by netspec/interop/huggingface.py. The spec is written
after its weights file, both whole or not at all, so a .net never names a file that is not there.
"""

from __future__ import annotations

from pathlib import Path

from netspec.errors import NetspecError


def import_model(source: str, output: str, tokens: int | None = None) -> list[str]:
    """Write the spec (and its weights file); the lines to tell the user."""
    path = Path(source)
    if path.is_dir():
        return _huggingface(source, output, tokens)
    if path.suffix.lower() == ".onnx":
        return _onnx(source, output)
    raise NetspecError(f"{source}: netspec imports an .onnx file or a Hugging Face model folder", code="NS964",
                       hint="export the model with torch.onnx.export and import the .onnx file")


def _huggingface(source: str, output: str, tokens: int | None) -> list[str]:
    """A Hugging Face folder: the spec reads the folder's own files, so only the spec is written."""
    from netspec.interop import import_model as spec_for_folder
    from netspec.outfile import write_atomic

    write_atomic(output, spec_for_folder(source, output, tokens))
    return [f"wrote {output}: check it with `netspec check {output}`"]


def _onnx(source: str, output: str) -> list[str]:
    from netspec.interop.onnx_import import float32_model, layers_of, npz_bytes, read_model
    from netspec.interop.spec_writer import spec_text
    from netspec.lang.tidy import tidy
    from netspec.outfile import write_atomic
    from netspec.source import Source

    model = read_model(source)
    layers, width, _ = layers_of(model, source)
    out = Path(output)
    npz_name = f"{out.stem}.npz"
    text, arrays = spec_text(out.stem, Path(source).name, layers, width, npz_name, float32_model(model))
    said = []
    if arrays:
        npz_path = out.with_name(npz_name)
        write_atomic(str(npz_path), npz_bytes(arrays))
        said.append(f"wrote {npz_path}: {', '.join(arrays)} ({sum(a.size for a in arrays.values()):,} numbers)")
    write_atomic(output, tidy(Source(output, text)))
    dense = sum(layer.weighted for layer in layers)
    return said + [f"wrote {output}: {width} inputs, {dense} dense layers, "
                   f"{' → '.join(layer.op for layer in layers)}"]
