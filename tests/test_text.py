"""Text in, text out (issue 4): vocabularies, the character tokenizer, embed(), and the humpty specs.

Every expected number is hand arithmetic written here: the article's numbering a = 1 … z = 26
(space = 27 in these specs), rows of a small embedding table set side by side, and one neuron
of humpty_chars.net added up term by term.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import netspec
from netspec.run import inputs
from netspec.cli import cli
from netspec.errors import InputError, NetspecError, flatten

ROOT = Path(__file__).resolve().parent.parent
HUMPTY_CHARS = ROOT / "specs" / "humpty_chars.net"
HUMPTY_EMBED = ROOT / "specs" / "humpty_embed.net"
# "humpty dumpt" in the article's numbering (notes §2.5), the space as 27.
HUMPTY_DUMPT = [8, 21, 13, 16, 20, 25, 27, 4, 21, 13, 16, 20]

# A vocabulary of three characters and a 3×2 embedding table, rows given out of order.
SMALL = '''vocabulary abc characters "abc" numbered from 1
input text "two characters" tokens 2 from abc
weights E:
       e1    e2
  c   0.5  -1.0
  a   0.1   0.2
  b   3.0   4.0
layer v = embed(input, E)
weights W:
        p     q
  text1_e1  1   0
  text1_e2  0   1
  text2_e1  1   0
  text2_e2  0   1
layer out = dense(v, W)
'''


def load(tmp_path, text: str):
    path = tmp_path / "spec.net"
    path.write_text(text, encoding="utf-8")
    return netspec.load_spec(path)


def codes(tmp_path, text: str) -> list[str]:
    with pytest.raises(NetspecError) as caught:
        load(tmp_path, text)
    return [e.code for e in flatten(caught.value)]


@pytest.fixture(scope="module")
def chars():
    return netspec.load_spec(HUMPTY_CHARS)


# ---- the tokenizer ----

def test_the_article_numbering_of_humpty_dumpt(chars):
    """h = 8, u = 21, m = 13, p = 16, t = 20, y = 25, space = 27, d = 4 (a = 1, one-based)."""
    assert chars.texts["text"].tokenize("humpty dumpt", "test") == HUMPTY_DUMPT
    rows = inputs.from_assignments(chars, ["text=humpty dumpt"])
    np.testing.assert_array_equal(rows.values, [HUMPTY_DUMPT])


def test_the_numbering_is_stated_in_words(chars):
    assert chars.vocabularies["chars"].convention() == "a = 1, b = 2, …, z = 26, space = 27 (numbered from 1)"


def test_numbered_from_zero_shifts_every_number(tmp_path):
    """`numbered from 0`, as NumPy counts: a = 0, b = 1, c = 2; "ca" → 2, 0."""
    spec = load(tmp_path, SMALL.replace("numbered from 1", "numbered from 0"))
    assert spec.texts["text"].tokenize("ca", "test") == [2, 0]


def test_a_word_vocabulary_splits_at_spaces(tmp_path):
    spec = load(tmp_path, 'vocabulary w words "humpty", "dumpty", "sat"\ninput t tokens 2 from w\n'
                          "weights W:\n   x  y\n t1 1  0\n t2 0  1\nlayer out = dense(input, W)\n")
    assert spec.texts["t"].tokenize("dumpty sat", "test") == [2, 3]


@pytest.mark.parametrize("text, code, words", [
    ("Humpty dumpt", "NS316", "the character 'H' (character 1 of \"Humpty dumpt\") is not in the vocabulary chars"),
    ("humpty", "NS317", '"humpty" has 6 characters but text takes exactly 12'),
    ("humpty dumpty", "NS317", "has 13 characters"),
], ids=["unknown character", "too short", "too long"])
def test_a_bad_text_is_an_input_error(chars, text, code, words):
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(chars, [f"text={text}"])
    assert caught.value.code == code and words in caught.value.message


def test_a_bad_text_in_an_example_is_reported_by_check(tmp_path):
    text = HUMPTY_CHARS.read_text().replace('text="sat on a wal"', 'text="sat on a wall"')
    (tmp_path / "weights").symlink_to(ROOT / "specs" / "weights")
    assert "NS317" in codes(tmp_path, text)


def test_a_vocabulary_listing_a_character_twice(tmp_path):
    assert codes(tmp_path, SMALL.replace('"abc"', '"abca"')) == ["NS219"]


# ---- embed: rows of E, side by side ----

def test_embed_picks_rows_and_sets_them_side_by_side(tmp_path):
    """"ca" → c = 3, a = 1 → row c (0.5, −1.0) then row a (0.1, 0.2); p = 0.5 + 0.1, q = −1.0 + 0.2."""
    spec = load(tmp_path, SMALL)
    assert spec.values["v"].names == ("text1_e1", "text1_e2", "text2_e1", "text2_e2")
    plan = netspec.compile_plan(spec)
    np.testing.assert_array_equal(netspec.trace_plan(plan, [[3, 1]]).value("v"), [[0.5, -1.0, 0.1, 0.2]])
    np.testing.assert_allclose(netspec.run_plan(plan, [[3, 1]]).outputs, [[0.5 + 0.1, -1.0 + 0.2]], rtol=1e-15)


def test_embed_trace_names_each_row(tmp_path):
    spec = load(tmp_path, SMALL + 'example ca: text="ca" -> p\n')
    result = CliRunner().invoke(cli, ["trace", str(tmp_path / "spec.net"), "--example", "ca"])
    assert result.exit_code == 0, result.output
    assert "text1 = 3 → row c of E: 0.5, −1 → text1_e1 … text1_e2" in result.output
    assert "text2_e2 = E[a,e2] = 0.2" in result.output
    assert 'Input   text = "ca"' in result.output and "a = 1, b = 2, c = 3 (numbered from 1)" in result.output
    assert spec.texts["text"].positions == ("text1", "text2")


@pytest.mark.parametrize("change, code", [
    (("  b   3.0   4.0\n", ""), "NS204"),
    (("embed(input, E)", "embed(input, input)"), "NS207"),
], ids=["a row short", "not a table"])
def test_embed_shape_errors(tmp_path, change, code):
    assert code in codes(tmp_path, SMALL.replace(*change))


def test_embed_of_numbers_that_are_not_tokens(tmp_path):
    text = "input a\ninput b\nweights E:\n  e1\n a 1\n b 2\nlayer v = embed(input, E)\n"
    assert "NS207" in codes(tmp_path, text)


def test_output_labels_from_a_vocabulary_must_match(tmp_path):
    assert "NS217" in codes(tmp_path, SMALL + "output out labels from abc\n")


# ---- the two specs ----

def test_humpty_chars_one_neuron_by_hand(chars):
    """hidden1 = 8·0.12 + 21·0.27 + 13·0.12 + 16·0.01 + 20·0.11 + 25·(−0.24) + 27·(−0.41) + 4·(−0.02)
    + 21·0.39 + 13·0.38 + 16·0 + 20·(−0.04) + 0.04 = 5.77 (weights of specs/weights/humpty_chars.npz)."""
    trace = netspec.trace_plan(netspec.compile_plan(chars), [HUMPTY_DUMPT])
    by_hand = (0.96 + 5.67 + 1.56 + 0.16 + 2.2 - 6.0 - 11.07 - 0.08 + 8.19 + 4.94 + 0 - 0.8) + 0.04
    assert by_hand == pytest.approx(5.77, abs=1e-12)
    assert trace.value("hidden")[0, 0] == pytest.approx(by_hand, abs=1e-12)
    assert trace.decisions == ("y",)


def test_humpty_embed_vectors_are_rows_h_and_space():
    """The first 10 of the 120 inputs are row 8 (h) of E; numbers 61–70 are row 27 (the space)."""
    spec = netspec.load_spec(HUMPTY_EMBED)
    trace = netspec.trace_plan(netspec.compile_plan(spec), [HUMPTY_DUMPT])
    vectors = trace.value("vectors")[0]  # (120,)
    assert vectors.shape == (120,)
    np.testing.assert_array_equal(vectors[:10], [0.66, 0.12, -0.61, -0.62, -0.31, -0.14, -0.46, -0.07, 0.52, 0.23])
    np.testing.assert_array_equal(vectors[60:70], [0.46, -0.3, 0.87, -0.85, 0.23, -0.25, -1.15, 1.24, -0.98, 0.38])
    assert trace.decisions == ("y",)


@pytest.mark.parametrize("spec", [HUMPTY_CHARS, HUMPTY_EMBED], ids=["chars", "embed"])
def test_every_window_of_the_rhyme_continues_it(spec):
    """All 15 windows of "humpty dumpty sat on a wall" (notes §2.5) give their next character."""
    rhyme = "humpty dumpty sat on a wall"
    checked = netspec.load_spec(spec)
    text = checked.texts["text"]
    rows = [text.tokenize(rhyme[i:i + 12], "test") for i in range(len(rhyme) - 12)]
    decisions = netspec.run_plan(netspec.compile_plan(checked), rows).decisions
    assert decisions == [("space" if c == " " else c) for c in rhyme[12:]]


def test_run_reads_text_from_csv_and_shows_the_top_outputs(tmp_path):
    path = tmp_path / "texts.csv"
    path.write_text('text\n"humpty dumpt"\nsat on a wal\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(HUMPTY_CHARS), "--csv", str(path)])
    assert result.exit_code == 0, result.output
    assert '"humpty dumpt"  │  y 22.1649, a 11.1956, space 10.7446, … 24 more  │  y' in result.output


def test_the_decision_line_names_the_top_three(chars):
    result = CliRunner().invoke(cli, ["trace", str(HUMPTY_CHARS), "-i", "text=humpty dumpt"])
    assert result.exit_code == 0, result.output
    assert "Decision · the largest output wins: y 22.1649 > a 11.1956 > space 10.7446 > … 24 more  →  y" in result.output
    assert "text7 = space → 27" in result.output


@pytest.mark.parametrize("extra, code", [
    ('example e: text="ab" -> p\n  expect p="x"\n', "NS301"),
    ('input text\n', "NS203"),
], ids=["a text as an expected number", "a number input named like the text"])
def test_texts_where_numbers_belong(tmp_path, extra, code):
    assert code in codes(tmp_path, SMALL + extra)
