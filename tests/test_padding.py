"""`tokens up to N`: a shorter text is padded; attention and mean_pool leave the padding out, and so do traces.

The independent check: a padded text gives exactly the numbers the same network gives
with a text input of the text's own length (`tokens 2`), which has no padding at all.
"""

from __future__ import annotations

import numpy as np
import pytest

import netspec
from netspec.errors import InputError
from netspec.render.text import render_trace

from clirun import invoke
from conftest import SPECS

NETWORK = """vocabulary words words "humpty", "dumpty", "sat" numbered from 1
input text "words" tokens {tokens} from words
weights E:
           e1   e2
  humpty    3    0
  dumpty    0    4
  sat       1    1
layer x = embed(input, E)
weights Wq:
       q1  q2
  e1    1  0.5
  e2   -1  0.25
layer q = dense(x, Wq)
layer a = attention(q, q, x, scale=sqrt, mask={mask})
layer m = mean_pool(a)
layer n = l2_normalize(m)
decide nothing
"""


def _spec(tmp_path, tokens, mask="none"):
    path = tmp_path / f"spec_{tokens.replace(' ', '_')}_{mask}.net"
    path.write_text(NETWORK.format(tokens=tokens, mask=mask), encoding="utf-8")
    return netspec.load_spec(path)


@pytest.mark.parametrize("mask", ["none", "causal"])
def test_a_padded_text_gives_the_numbers_of_its_own_length(tmp_path, mask):
    padded, exact = _spec(tmp_path, "up to 5", mask), _spec(tmp_path, "2", mask)
    text = padded.texts["text"]
    row = text.tokenize("humpty dumpty", "test")
    assert row == [1, 2, 0, 0, 0]  # numbered from 1: padding is 0, one below, no token
    plan = netspec.compile_plan(padded)
    fast = netspec.run_plan(plan, [row]).outputs
    traced = netspec.trace_plan(plan, [row]).steps[-1].result
    want = netspec.run_plan(netspec.compile_plan(exact), [[1, 2]]).outputs
    np.testing.assert_allclose(fast, want, rtol=1e-15)
    np.testing.assert_allclose(traced, want, rtol=1e-15)


def test_the_trace_shows_only_the_real_tokens(tmp_path):
    spec = _spec(tmp_path, "up to 5")
    text = render_trace(netspec.trace_plan(netspec.compile_plan(spec), [[1, 2, 0, 0, 0]]))
    assert "text2_e2" in text and "score(text1, text2)" in text
    assert "text3" not in text and "text5" not in text
    assert "the 3 padding positions left out" in text


def test_a_text_too_long_is_refused(tmp_path):
    spec = _spec(tmp_path, "up to 2")
    with pytest.raises(InputError) as caught:
        spec.texts["text"].tokenize("humpty dumpty sat", "--input text")
    assert caught.value.code == "NS317" and "takes at most 2" in str(caught.value)


def test_run_takes_texts_of_any_length_up_to_the_most(tmp_path):
    path = SPECS / "sentence_embedding.net"
    done = invoke("run", path, "-i", "text=wall")
    assert done.exit_code == 0 and '"wall"' in done.stdout
    assert "0.94868" in done.stdout and "0.31623" in done.stdout  # (3, 1) / √10
    csv = tmp_path / "texts.csv"
    csv.write_text("text\nwall\nsat on a wall\n", encoding="utf-8")
    batch = invoke("run", path, "--csv", csv, "--format", "csv")
    assert batch.exit_code == 0 and batch.stdout.count("\n") == 3


def test_a_vocabulary_with_pad_pads_with_it(tmp_path):
    path = tmp_path / "bert.net"
    path.write_text('vocabulary pieces subwords "[PAD]", "[UNK]", "cat", "##s" numbered from 0\n'
                    'input text "a word" tokens up to 4 from pieces\n'
                    "weights E:\n          e1\n \"[PAD]\"  9\n \"[UNK]\"  1\n cat      2\n \"##s\"    3\n"
                    "layer x = embed(input, E)\nlayer m = mean_pool(x)\ndecide nothing\n", encoding="utf-8")
    spec = netspec.load_spec(path)
    row = spec.texts["text"].tokenize("cats", "test")
    assert row == [2, 3, 0, 0]  # cat ##s, then [PAD] = 0 twice
    assert spec.texts["text"].decode(row) == "cats"
    assert netspec.run_plan(netspec.compile_plan(spec), [row]).outputs.tolist() == [[2.5]]  # (2 + 3) / 2


def test_last_of_a_padded_text_is_its_last_real_token(tmp_path):
    path = tmp_path / "last.net"
    path.write_text(NETWORK.format(tokens="up to 5", mask="causal").replace("layer m = mean_pool(a)\nlayer n = "
                                                                           "l2_normalize(m)\n", "layer n = last(a)\n"),
                    encoding="utf-8")
    exact = _spec(tmp_path, "2", "causal")
    spec = netspec.load_spec(path)
    plan = netspec.compile_plan(spec)
    row = [1, 2, 0, 0, 0]
    want = netspec.trace_plan(netspec.compile_plan(exact), [[1, 2]]).steps[-3].result  # a, at 2 positions
    np.testing.assert_array_equal(netspec.run_plan(plan, [row]).outputs, want[:, 2:])  # the 2nd position's
    traced = netspec.trace_plan(plan, [row])
    np.testing.assert_array_equal(traced.steps[-1].result, want[:, 2:])
    assert "e1 = a.text2_e1" in render_trace(traced)


def test_a_decision_over_a_padded_sequence_is_refused_for_last(tmp_path):
    """`decide largest` on a sequence reads its last position: padding, for a text shorter than N.
    The checker says so and points to `last`, which reads the text's last real token (above)."""
    path = tmp_path / "decide.net"
    path.write_text('vocabulary chars characters "ab" numbered from 1\n'
                    'input text "up to two characters" tokens up to 2 from chars\n'
                    'weights E:\n      a   b\n  a   1   0\n  b   0   1\n'
                    'layer tokens = embed(input, E)\noutput tokens labels from chars\ndecide largest\n',
                    encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 1 and "[NS209]" in result.output
    assert f"{path}:9:1" in result.output and "`last` of a padded text reads its last real token" in result.output
    fixed = path.with_name("fixed.net")
    fixed.write_text(path.read_text(encoding="utf-8").replace("up to 2", "2"), encoding="utf-8")
    assert invoke("check", fixed).exit_code == 0
