"""add across two text inputs, and error messages that stay a few lines long on a model-sized spec.

A BERT-sized spec: two texts of 7 tokens from a vocabulary of 3,000 entries, embedded in 384
numbers each (numbers from .npy files). Adding the two sequences worked position by position;
before, add compared their neuron names (`ids1_e1` against `types1_e1`) and refused, listing
all 2 × 2,688 names in a 197 KB message.
"""

from __future__ import annotations

import numpy as np
import pytest

import netspec
from netspec.diagnostics import format_error
from netspec.errors import NetspecError, brief, flatten

VOCABULARY = 3000
WIDTH = 384


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("big")
    rng = np.random.default_rng(5)
    np.save(path / "words.npy", rng.normal(size=(VOCABULARY, WIDTH)))
    np.save(path / "types.npy", rng.normal(size=(2, WIDTH)))
    np.save(path / "narrow.npy", rng.normal(size=(2, WIDTH - 1)))
    words = ", ".join(f'"w{k}"' for k in range(VOCABULARY))
    (path / "head.net").write_text(f"vocabulary words words {words} numbered from 0\n"
                                   'vocabulary kinds words "first", "second" numbered from 0\n'
                                   'input ids "the words" tokens 7 from words\n'
                                   'input types "which sentence each word is in" tokens 7 from kinds\n'
                                   'weights E from "words.npy"\nlayer x = embed(ids, E)\n', encoding="utf-8")
    return path


def _spec(folder, rest):
    path = folder / "spec.net"
    path.write_text((folder / "head.net").read_text(encoding="utf-8") + rest, encoding="utf-8")
    return netspec.load_spec(path)


def test_add_two_texts_sequences_position_by_position(folder):
    spec = _spec(folder, 'weights T from "types.npy"\nlayer t = embed(types, T)\nlayer s = add(x, t)\n'
                         "layer out = last(s)\ndecide nothing\n")
    ids, types = [5, 6, 7, 8, 9, 10, 11], [0, 0, 0, 1, 1, 1, 1]
    row = ids + types
    result = netspec.run_plan(netspec.compile_plan(spec), [row]).outputs[0]
    words, kinds = np.load(folder / "words.npy"), np.load(folder / "types.npy")
    np.testing.assert_array_equal(result, words[11] + kinds[1])  # the last word's vector + its type's
    assert spec.values["s"].shape == (7, WIDTH)


def test_a_big_add_mismatch_names_shapes_in_a_few_lines(folder):
    with pytest.raises(NetspecError) as caught:
        _spec(folder, 'weights T from "narrow.npy"\nlayer t = embed(types, T)\nlayer s = add(x, t)\n')
    shown = format_error(caught.value)
    assert [e.code for e in flatten(caught.value)] == ["NS218"]
    assert len(shown) < 2_000 and len(shown.splitlines()) <= 12, shown
    assert "7×384" in shown and "7×383" in shown and "7 positions of 384 features" in shown


def test_a_big_unknown_decision_stays_short(folder):
    with pytest.raises(NetspecError) as caught:
        _spec(folder, "layer out = last(x)\nexample e: ids=\"w1 w2 w3 w4 w5 w6 w7\", types=\"first first first "
                      "first first first first\" -> nowhere\n")
    shown = format_error(caught.value)
    assert len(shown) < 2_000 and len(shown.splitlines()) <= 12, shown


def test_brief_keeps_the_ends_of_a_long_list():
    text = "lacks " + ", ".join(f"n{k}" for k in range(5000))
    assert brief(text) == "lacks n0, n1, n2, n3, … 4,995 more …, n4999"
    assert brief("short, list") == "short, list"
    assert len(brief("x" * 10_000)) <= 600
