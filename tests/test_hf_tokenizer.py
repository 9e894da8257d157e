"""A real model's own tokenizer.json: the token ids Hugging Face's tokenizers gave when the references
were recorded (scripts/record_hf_references.py), and the mistakes that would give wrong ids."""

from __future__ import annotations

import builtins
import shutil
from pathlib import Path

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError, flatten

HF = Path(__file__).resolve().parent / "reference" / "hf"
pytest.importorskip("tokenizers", reason="the models extra: pip install 'netspec[models]'")


def _spec(folder: Path, model: str, length: int) -> Path:
    shutil.copy(HF / model / "tokenizer.json", folder / "tokenizer.json")
    np.save(folder / "E.npy", np.zeros(({"tiny_bert": 172, "tiny_gpt2": 360}[model], 2)))
    (folder / "t.net").write_text(
        'vocabulary tokens subwords from "tokenizer.json"\n'
        f'input text "a sentence" tokens {length} from tokens\n'
        'weights E from "E.npy"\nlayer x = embed(input, E)\nlayer out = last(x)\n', encoding="utf-8")
    return folder / "t.net"


@pytest.mark.parametrize("model", ["tiny_bert", "tiny_gpt2"])
def test_each_sentence_gets_the_models_own_ids(tmp_path, model):
    recorded = np.load(HF / f"{model}.npz")
    for sentence, ids, mask in zip(recorded["sentences"], recorded["ids"], recorded["mask"]):
        want = ids[mask == 1].tolist()
        spec = netspec.load_spec(_spec(tmp_path, model, len(want)))
        (text,) = spec.texts.values()
        assert text.tokenize(str(sentence), "the test") == want


def test_bert_lower_cases_splits_punctuation_and_adds_cls_and_sep(tmp_path):
    spec = netspec.load_spec(_spec(tmp_path, "tiny_bert", 7))
    (text,) = spec.texts.values()
    numbers = text.tokenize("The leaf is green.", "the test")
    shown = text.numbering(numbers)
    assert shown.startswith('"[CLS] the leaf is green. [SEP]" → [CLS] = 2, the = 56, leaf = 94')
    assert shown.endswith(". = 8, [SEP] = 3 (the model's own WordPiece tokenizer, 172 tokens numbered from 0)")


def test_gpt2_bytes_and_decode_give_the_text_back(tmp_path):
    spec = netspec.load_spec(_spec(tmp_path, "tiny_gpt2", 5))
    (text,) = spec.texts.values()
    numbers = text.tokenize("The leaf is green.", "the test")
    assert text.decode(numbers) == "The leaf is green."
    assert "byte-level BPE tokenizer, 360 tokens" in text.numbering(numbers)


def test_a_text_of_the_wrong_length_names_its_tokens(tmp_path):
    spec = netspec.load_spec(_spec(tmp_path, "tiny_bert", 6))
    (text,) = spec.texts.values()
    with pytest.raises(NetspecError) as caught:
        text.tokenize("The leaf is green.", "--input text")
    assert caught.value.code == "NS317"
    assert "is 7 tokens ([CLS], the, leaf, is, green, ., [SEP]) but text takes exactly 6" in caught.value.message


def test_a_real_bert_vocab_txt_is_refused_for_the_articles_tokenizer(tmp_path):
    """Before: "[CLS] The leaf is green. [SEP]" ran with [UNK] for "The" and no warning."""
    (tmp_path / "vocab.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\nleaf\n", encoding="utf-8")
    (tmp_path / "t.net").write_text('vocabulary v subwords from "vocab.txt" numbered from 0\n'
                                    'input text "words" tokens 2 from v\nweights E from "E.npy"\n'
                                    'layer x = embed(input, E)\nlayer out = last(x)\n', encoding="utf-8")
    np.save(tmp_path / "E.npy", np.zeros((6, 2)))
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(tmp_path / "t.net")
    (error,) = flatten(caught.value)
    assert error.code == "NS418" and 'subwords from "tokenizer.json"' in error.hint


def test_a_tokenizer_json_is_numbered_from_zero(tmp_path):
    path = _spec(tmp_path, "tiny_bert", 7)
    path.write_text(path.read_text().replace('"tokenizer.json"', '"tokenizer.json" numbered from 1'))
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path)
    assert [e.code for e in flatten(caught.value)] == ["NS219"]


def test_without_the_tokenizers_library_the_error_names_the_extra(tmp_path, monkeypatch):
    path = _spec(tmp_path, "tiny_bert", 7)
    real_import = builtins.__import__

    def no_tokenizers(name, *args, **kwargs):
        if name == "tokenizers":
            raise ImportError("no tokenizers", name="tokenizers")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tokenizers)
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path)
    (error,) = flatten(caught.value)
    assert error.code == "NS419" and "pip install 'netspec[models]'" in error.hint
