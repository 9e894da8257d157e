"""`netspec import` of Hugging Face folders: the spec it writes gives transformers' and
sentence-transformers' own float64 numbers (recorded by scripts/record_hf_references.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError
from netspec.interop import import_model

HF = Path(__file__).resolve().parent / "reference" / "hf"
pytest.importorskip("tokenizers", reason="the models extra: pip install 'netspec[models]'")


@pytest.fixture(scope="module")
def gpt2_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hf") / "tiny_gpt2"
    shutil.copytree(HF / "tiny_gpt2", folder)
    return folder


def _imported(folder: Path, tokens: int | None = None, name: str = "model.net"):
    path = folder / name
    path.write_text(import_model(folder, path, tokens), encoding="utf-8")
    return netspec.load_spec(path)


def _run(spec, ids) -> np.ndarray:
    plan = netspec.compile_plan(spec)
    return netspec.run_plan(plan, np.asarray(ids, dtype=np.float64)).outputs


def test_gpt2_gives_transformers_logits_at_every_position(gpt2_folder):
    recorded = np.load(HF / "tiny_gpt2.npz")
    for ids, mask, logits in zip(recorded["ids"], recorded["mask"], recorded["logits"]):
        n = int(mask.sum())
        spec = _imported(gpt2_folder, n, f"gpt2_{n}.net")
        vocabulary = logits.shape[1]
        found = _run(spec, [ids[:n]]).reshape(n, vocabulary)
        np.testing.assert_allclose(found, logits[:n], rtol=0, atol=1e-12)


def test_gpt2_reads_every_table_from_the_original_file_by_its_name(gpt2_folder):
    text = import_model(gpt2_folder, gpt2_folder / "model.net", 5)
    assert 'key "transformer.h.{i0}.attn.c_attn.weight" shape (16, 48) layout in×out' in text
    assert "weights head = transpose(wte)" in text and "repeat 2 times as block:" in text
    assert not list(gpt2_folder.glob("*.np[yz]"))  # nothing converted, nothing copied


def test_an_unsupported_architecture_names_what_is_supported(tmp_path):
    shutil.copytree(HF / "tiny_gpt2", tmp_path / "m")
    config = (tmp_path / "m" / "config.json")
    config.write_text(config.read_text().replace('"GPT2LMHeadModel"', '"LlamaForCausalLM"').replace(
        '"model_type": "gpt2"', '"model_type": "llama"'))
    with pytest.raises(NetspecError) as caught:
        import_model(tmp_path / "m", tmp_path / "m.net")
    assert caught.value.code == "NS954"
    assert "LlamaForCausalLM" in caught.value.message and "GPT2LMHeadModel" in caught.value.hint


def test_a_spec_outside_the_models_folder_is_refused(tmp_path):
    with pytest.raises(NetspecError) as caught:
        import_model(HF / "tiny_gpt2", tmp_path / "m.net")
    assert caught.value.code == "NS955" and "tiny_gpt2.net" in caught.value.hint
