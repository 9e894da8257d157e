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


# ---- generation on a real model: the context grows, a key/value cache ----

def test_greedy_generation_is_transformers_generate(gpt2_folder):
    spec = _imported(gpt2_folder, None, "gpt2_full.net")
    recorded = np.load(HF / "tiny_gpt2.npz")
    made = netspec.generate(spec, str(recorded["greedy_start"]), len(recorded["greedy"]))
    assert [step.number for step in made.steps] == recorded["greedy"].tolist()


def test_the_cached_scores_are_transformers_logits_token_by_token(gpt2_folder):
    """Fed a token at a time, the key/value cache gives every position's logits to 1e-12."""
    from netspec.run.cached import CachedRun
    spec = _imported(gpt2_folder, None, "gpt2_full.net")
    recorded = np.load(HF / "tiny_gpt2.npz")
    ids, mask, logits = recorded["ids"][1], recorded["mask"][1], recorded["logits"][1]
    run, outputs = CachedRun.of(netspec.compile_plan(spec), [int(ids[0])])
    width = logits.shape[1]
    np.testing.assert_allclose(outputs[-width:], logits[0], rtol=0, atol=1e-12)
    for p in range(1, int(mask.sum())):
        np.testing.assert_allclose(run.feed([int(ids[p])])[-width:], logits[p], rtol=0, atol=1e-12)


def test_generation_grows_to_the_context_limit_and_stops(gpt2_folder):
    spec = _imported(gpt2_folder, None, "gpt2_full.net")
    made = netspec.generate(spec, "The leaf", 100)
    start = len(made.start_numbers)
    assert start == 2 and len(made.steps) == 32 - start  # the position table has 32 rows


def test_sampling_with_top_k_draws_only_the_likeliest(gpt2_folder):
    spec = _imported(gpt2_folder, None, "gpt2_full.net")
    first = netspec.generate(spec, "The leaf", 10, sample=True, seed=4, top_k=3, temperature=0.7)
    again = netspec.generate(spec, "The leaf", 10, sample=True, seed=4, top_k=3, temperature=0.7)
    assert [s.number for s in first.steps] == [s.number for s in again.steps]
    greedy = netspec.generate(spec, "The leaf", 1)
    assert first.steps[0].window == greedy.steps[0].window == "The leaf"
    one = netspec.generate(spec, "The leaf", 5, sample=True, seed=9, top_k=1)  # top-1 is greedy
    assert [s.number for s in one.steps] == [s.number for s in netspec.generate(spec, "The leaf", 5).steps]
