"""Sub-word tokenizers (notes §1.6, §2.7): "cats" → "cat" + "s", BERT's ## pieces, vocab.txt files.

Every expected split is worked out by hand in the test: the longest piece that matches at
the current letter, from the left; a piece inside a word is a ## piece when the vocabulary
has any (BERT's form), a plain one when it has none (the article's form).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import netspec
from netspec.run import inputs
from netspec.diagnostics import format_error
from netspec.errors import InputError, NetspecError, flatten
from netspec.limits import Limits
from netspec.subwords import PieceTable

from clirun import invoke

ROOT = Path(__file__).resolve().parent.parent
SUBWORD = ROOT / "specs" / "subword.net"

# The network every small spec here shares: two tokens straight into a dense layer.
NET = "weights W:\n      y  n\n  t1  1  0\n  t2  0  1\nlayer out = dense(input, W)\n"


def spec_of(tmp_path, vocabulary: str, extra: str = "", length: int = 2, limits=None):
    path = tmp_path / "spec.net"
    rows = "".join(f"  t{k}  1  0\n" for k in range(1, length + 1))
    net = f"weights W:\n      y  n\n{rows}layer out = dense(input, W)\n"
    path.write_text(f"{vocabulary}\ninput t tokens {length} from v\n{net}{extra}", encoding="utf-8")
    return netspec.load_spec(path, limits)


def codes(tmp_path, vocabulary: str, extra: str = "", limits=None) -> list[str]:
    with pytest.raises(NetspecError) as caught:
        spec_of(tmp_path, vocabulary, extra, limits=limits)
    return [e.code for e in flatten(caught.value)]


def split(entries, word):
    return PieceTable.of(entries).split(word)


# ---- the tokenizer: greedy longest match from the left ----

@pytest.mark.parametrize("entries, word, pieces", [
    (("cat", "dog", "s"), "cats", ("cat", "s")),  # the article's example: cat, then s
    (("cat", "dog", "s", "##s"), "cats", ("cat", "##s")),  # BERT's form: the ending is the ## piece
    (("un", "##aff", "##able", "##a", "##af", "##ab", "aff", "able"), "unaffable", ("un", "##aff", "##able")),
    (("c", "ca", "cat", "s"), "cats", ("cat", "s")),  # cat, not c or ca: the longest piece first
    (("a", "ab", "bc", "c"), "abc", ("ab", "c")),  # greedy: ab then c, though a + bc would also spell it
    (("cat",), "cat", ("cat",)),  # a whole word that is an entry is one piece
], ids=["article cats", "bert cats", "unaffable", "longest first", "greedy not best", "whole word"])
def test_a_word_splits_into_its_longest_pieces(entries, word, pieces):
    found = split(entries, word)
    assert found.pieces == pieces and found.stuck is None


def test_with_hash_pieces_a_plain_entry_never_continues_a_word():
    """{cat, s, ##t}: "cats" → cat, then "s" would have to be ##s, which is missing: stuck at letter 4."""
    found = split(("cat", "s", "##t"), "cats")
    assert found.pieces == ("cat",) and found.stuck == 3


def test_without_hash_pieces_a_word_never_starts_with_the_marked_form():
    """{cat, s}: the article's form; "scat" → s + cat, both plain."""
    assert split(("cat", "s"), "scat").pieces == ("s", "cat")


def test_a_text_is_split_at_spaces_first(tmp_path):
    """"a cats" → a | cat + ##s → 1, 2, 4 (a = 1, cat = 2, dog = 3, ##s = 4); runs of spaces count as one."""
    spec = spec_of(tmp_path, 'vocabulary v subwords "a", "cat", "dog", "##s"', length=3)
    assert spec.texts["t"].tokenize("a cats", "test") == [1, 2, 4]
    assert spec.texts["t"].tokenize("  a   cats ", "test") == [1, 2, 4]


def test_numbered_from_zero_as_bert(tmp_path):
    spec = spec_of(tmp_path, 'vocabulary v subwords "cat", "s" numbered from 0')
    assert spec.texts["t"].tokenize("cats", "test") == [0, 1]


# ---- [UNK]: only when the vocabulary has it ----

def test_unk_stands_for_a_whole_word_no_pieces_spell(tmp_path):
    """"catz": cat matches, then z does not; BERT maps the whole word to [UNK], not cat + [UNK]."""
    spec = spec_of(tmp_path, 'vocabulary v subwords "[UNK]", "a", "cat", "##s" numbered from 0')
    assert spec.texts["t"].tokenize("a catz", "test") == [1, 0]
    assert spec.texts["t"].tokenize("zebras cat", "test") == [0, 2]


def test_unk_is_said_in_the_trace(tmp_path):
    spec = spec_of(tmp_path, 'vocabulary v subwords "[UNK]", "a", "cat", "##s" numbered from 0',
                   'example z: t="a zebra" -> y\n')
    result = invoke("trace", spec.path, "--example", "z")
    assert result.exit_code == 0, result.output
    assert ('tokenized by v: "a [UNK]" → a, [UNK] → 1, 0 (longest piece first; numbered from 0; '
            "a word no pieces spell becomes [UNK] = 0)") in result.output


# ---- a word no pieces spell, and a text of the wrong count ----

def test_a_word_that_cannot_be_split_names_the_word_and_the_letter(tmp_path):
    spec = spec_of(tmp_path, 'vocabulary v subwords "a", "cat", "dog", "##s"')
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(spec, ["t=a catz"])
    error = caught.value
    assert error.code == "NS319"
    assert error.message == ('--input t: the word "catz" (word 2 of "a catz") cannot be split into pieces of the '
                             'vocabulary v: cat matches letters 1 to 3, then no piece matches at letter 4 ("z")')
    assert error.hint == ('add a piece such as "##z" to the vocabulary v (inside a word, pieces start with ##), '
                          "or add [UNK] to stand for any word it cannot split")


def test_a_word_no_piece_begins(tmp_path):
    spec = spec_of(tmp_path, 'vocabulary v subwords "a", "cat", "s"')
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(spec, ["t=a zebra"])
    assert caught.value.code == "NS319"
    assert 'no piece matches at letter 1 ("zebra")' in caught.value.message
    assert caught.value.hint.startswith('add a piece such as "z" to the vocabulary v,')


def test_an_example_that_cannot_be_split_points_at_the_letter(tmp_path):
    """The caret stands under the z of "catz": file:line:col of the letter where no piece matches."""
    with pytest.raises(NetspecError) as caught:
        spec_of(tmp_path, 'vocabulary v subwords "a", "cat", "dog", "##s"', 'example e: t="a catz" -> y\n')
    error = next(e for e in flatten(caught.value) if e.code == "NS319")
    line = 'example e: t="a catz" -> y'
    assert (error.span.line, error.span.column) == (8, line.index("z") + 1)
    text = format_error(error)
    assert text.startswith(f"{tmp_path / 'spec.net'}:8:{line.index('z') + 1}: error: example t: the word \"catz\"")
    assert "hint: add a piece such as" in text


def test_a_text_of_another_count_lists_its_tokens(tmp_path):
    """"a cats dog" → a, cat + ##s, dog: four tokens, but t takes two."""
    spec = spec_of(tmp_path, 'vocabulary v subwords "a", "cat", "dog", "##s"')
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(spec, ["t=a cats dog"])
    assert caught.value.code == "NS317"
    assert caught.value.message == '--input t: "a cats dog" splits into 4 tokens (a, cat + ##s, dog) but t takes exactly 2'
    with pytest.raises(InputError) as caught:
        inputs.from_assignments(spec, ["t="])
    assert '"" splits into no tokens' in caught.value.message


@pytest.mark.parametrize("vocabulary, code", [
    ('vocabulary v subwords "cat", "ca t"', "NS230"),
    ('vocabulary v subwords "cat", ""', "NS230"),
    ('vocabulary v subwords "cat", "s", "cat"', "NS219"),
    ('vocabulary v subwords "cat", "s" numbered from 0.5', "NS219"),
], ids=["a space", "empty", "twice", "not whole"])
def test_inline_pieces_that_cannot_work(tmp_path, vocabulary, code):
    assert codes(tmp_path, vocabulary) == [code]


# ---- back from numbers: decode and the printout ----

@pytest.mark.parametrize("vocabulary, text, length", [
    ('vocabulary v subwords "a", "cat", "dog", "##s"', "a cats dog", 4),
    ('vocabulary v subwords "un", "##aff", "##able", "a"', "unaffable a", 4),
    ('vocabulary v subwords "a", "cat", "s"', "a cats", 3),
], ids=["bert", "unaffable", "article"])
def test_decode_gives_a_text_with_the_same_numbers(tmp_path, vocabulary, text, length):
    text_input = spec_of(tmp_path, vocabulary, length=length).texts["t"]
    numbers = text_input.tokenize(text, "test")
    assert len(numbers) == length
    assert text_input.tokenize(text_input.decode(numbers), "test") == numbers


def test_bert_form_decodes_to_the_text_and_shows_the_split(tmp_path):
    text = spec_of(tmp_path, 'vocabulary v subwords "a", "cat", "dog", "##s"', length=3).texts["t"]
    numbers = text.tokenize("a cats", "test")
    assert text.decode(numbers) == "a cats"
    assert text.shown(numbers) == '"a cats"'
    assert text.numbering(numbers) == '"a cats" → a, cat + ##s → 1, 2, 4 (longest piece first; numbered from 1)'


def test_article_form_shows_pieces_since_word_ends_are_not_recorded(tmp_path):
    """{cat, s}: "cats" and "cat s" are both cat, s; the printout shows the pieces, not a guess."""
    text = spec_of(tmp_path, 'vocabulary v subwords "cat", "dog", "s"').texts["t"]
    assert text.tokenize("cats", "test") == text.tokenize("cat s", "test") == [1, 3]
    assert text.shown([1, 3]) == "cat + s"
    assert text.numbering([1, 3]) == ("cat + s → 1, 3 (longest piece first; numbered from 1; "
                                      "no ## pieces, so where a word ends is not recorded)")


# ---- a vocabulary read from a file, one token a line (BERT's vocab.txt) ----

BERT_LIKE = "[PAD]\n[UNK]\nun\n##aff\n##able\ncat\n##s\n"


def file_spec(tmp_path, content, name="vocab.txt", line='vocabulary v subwords from "vocab.txt" numbered from 0',
              limits=None):
    (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return spec_of(tmp_path, line, limits=limits)


def file_error(tmp_path, content, **kwargs) -> NetspecError:
    with pytest.raises(NetspecError) as caught:
        file_spec(tmp_path, content, **kwargs)
    errors = flatten(caught.value)
    assert len(errors) == 1, [e.message for e in errors]
    return errors[0]


def test_a_vocabulary_file_numbered_from_zero(tmp_path):
    """Line 1 is token 0: [PAD] = 0, [UNK] = 1, un = 2, ##aff = 3, ##able = 4, cat = 5, ##s = 6."""
    text = file_spec(tmp_path, BERT_LIKE).texts["t"]
    assert text.vocabulary.entries[:3] == ("[PAD]", "[UNK]", "un")
    assert text.tokenize("cats", "test") == [5, 6]
    assert text.vocabulary.table.split("unaffable").pieces == ("un", "##aff", "##able")  # 2, 3, 4


def test_a_file_with_windows_line_ends_and_a_byte_order_mark(tmp_path):
    text = file_spec(tmp_path, "\ufeffcat\r\n##s\r\n").texts["t"]
    assert text.vocabulary.entries == ("cat", "##s")
    assert text.tokenize("cats", "test") == [0, 1]


@pytest.mark.parametrize("content, code, words", [
    ("", "NS415", "the vocabulary file vocab.txt is empty"),
    ("cat\n\n##s\n", "NS415", "in the vocabulary file vocab.txt, line 2 is blank"),
    ("cat\nice cream\n", "NS415", "the token 'ice cream' on line 2 has a space in it"),
    ("cat\n##s\ndog\ncat\n", "NS415", "the vocabulary file vocab.txt lists the token 'cat' twice, on lines 1 and 4"),
    (b"cat\n\xff\n", "NS414", "the vocabulary file vocab.txt is not UTF-8 text: line 2 has the byte 0xFF"),
], ids=["empty", "blank line", "a space", "twice", "not utf-8"])
def test_a_broken_vocabulary_file(tmp_path, content, code, words):
    error = file_error(tmp_path, content)
    assert error.code == code and words in error.message
    assert error.span is not None and error.span.line == 1  # the vocabulary line of the spec
    assert error.hint


def test_a_missing_vocabulary_file(tmp_path):
    with pytest.raises(NetspecError) as caught:
        spec_of(tmp_path, 'vocabulary v subwords from "vocab.txt"')
    error = flatten(caught.value)[0]
    assert error.code == "NS412" and error.message == f"no vocabulary file vocab.txt in {tmp_path}"
    assert format_error(error).startswith(f"{tmp_path / 'spec.net'}:1:1: error: no vocabulary file")
    assert "relative to the spec's folder" in error.hint


def test_a_folder_is_no_vocabulary_file(tmp_path):
    (tmp_path / "vocab.txt").mkdir()
    error = flatten(pytest.raises(NetspecError, spec_of, tmp_path, 'vocabulary v subwords from "vocab.txt"').value)[0]
    assert error.code == "NS412" and "is a folder" in error.message


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import netspec.check.vocabfile

    monkeypatch.setattr(netspec.check.vocabfile, "MAX_VOCABULARY_BYTES", 8)
    error = file_error(tmp_path, "cat\n##s\ndog\n")
    assert error.code == "NS414" and "is 12 bytes; a vocabulary file may be at most 8 bytes" in error.message


def test_a_vocabulary_file_outside_the_folder_is_refused(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "vocab.txt").write_text("cat\n##s\n", encoding="utf-8")
    with pytest.raises(NetspecError) as caught:
        spec_of(inner, 'vocabulary v subwords from "../vocab.txt"')
    error = flatten(caught.value)[0]
    assert error.code == "NS413" and "lies outside the spec's folder" in error.message
    assert "--allow-outside" in error.hint


def test_a_link_that_leads_outside_is_refused_too(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "vocab.txt").write_text("cat\n##s\n", encoding="utf-8")
    (inner / "vocab.txt").symlink_to(tmp_path / "vocab.txt")
    with pytest.raises(NetspecError) as caught:
        spec_of(inner, 'vocabulary v subwords from "vocab.txt"')
    assert [e.code for e in flatten(caught.value)] == ["NS413"]


def test_outside_the_folder_with_allow_outside(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "vocab.txt").write_text("cat\n##s\n", encoding="utf-8")
    spec = spec_of(inner, 'vocabulary v subwords from "../vocab.txt"', limits=Limits(allow_outside=True))
    assert spec.texts["t"].tokenize("cats", "test") == [1, 2]
    refused = invoke("run", inner / "spec.net", "-i", "t=cats")
    assert refused.exit_code == 1 and "[NS413]" in refused.stderr
    allowed = invoke("run", inner / "spec.net", "-i", "t=cats", "--allow-outside")
    assert allowed.exit_code == 0, allowed.stderr
    assert "cat + ##s" not in allowed.stdout and '"cats"' in allowed.stdout


# ---- specs/subword.net, end to end ----

@pytest.fixture(scope="module")
def subword():
    return netspec.load_spec(SUBWORD)


def test_the_spec_tokenizes_cats_as_cat_and_s(subword):
    """a = 1, cat = 2, dog = 3, ##s = 4: "cats" → 2, 4; "a dog" → 1, 3."""
    text = subword.texts["word"]
    assert text.tokenize("cats", "test") == [2, 4]
    assert text.tokenize("a dog", "test") == [1, 3]


def test_the_spec_by_hand(subword):
    """cats: cat (0.5, 0.5) + ##s (0, 1) → one thing 0.5 + 0 = 0.5, more than one 0.5 + 1 = 1.5."""
    plan = netspec.compile_plan(subword)
    result = netspec.run_plan(plan, [[2, 4], [1, 2]])
    np.testing.assert_array_equal(result.outputs, [[0.5 + 0, 0.5 + 1], [1 + 0.5, 0 + 0.5]])
    assert result.decisions == ["more than one", "one thing"]


def test_the_trace_shows_the_split():
    result = invoke("trace", SUBWORD, "--input", "word=cats")
    assert result.exit_code == 0, result.stderr
    assert 'Input   word = "cats"' in result.stdout
    assert 'tokenized by pieces: "cats" → cat + ##s → 2, 4 (longest piece first; numbered from 1)' in result.stdout
    assert "word1 = cat → 2   word2 = ##s → 4" in result.stdout
    assert result.stdout.rstrip().endswith("That is more than one.")


@pytest.mark.parametrize("fmt, shown", [
    ("md", '`word = "cats", tokenized by pieces: "cats" → cat + ##s → 2, 4 (longest piece first; numbered from 1)`'),
    ("html", "word = &quot;cats&quot;, tokenized by pieces: &quot;cats&quot; → cat + ##s → 2, 4"),
    ("tex", r'word = "cats", tokenized by pieces: "cats" $\to$ cat + \#\#s $\to$ 2, 4'),
    ("json", '"numbering": "\\"cats\\" → cat + ##s → 2, 4 (longest piece first; numbered from 1)"'),
], ids=["md", "html", "tex", "json"])
def test_every_printout_shows_the_split(fmt, shown):
    result = invoke("trace", SUBWORD, "--example", "cats", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert shown in result.stdout


def test_run_shows_the_text(subword):
    result = invoke("run", SUBWORD)
    assert result.exit_code == 0, result.stderr
    assert 'cats     "cats"   │  0.5        1.5            │  more than one' in result.stdout
    assert 'a_dog    "a dog"  │  1.5        0.5            │  one thing' in result.stdout


def test_a_csv_of_texts(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("word\ncats\na cat\n", encoding="utf-8")
    result = invoke("run", SUBWORD, "--csv", path)
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()[1:]
    assert '"cats"' in rows[0] and rows[0].endswith("more than one")
    assert '"a cat"' in rows[1] and rows[1].endswith("one thing")


@pytest.mark.parametrize("given, code, words", [
    ("word=zebras", "NS319", 'the word "zebras" (word 1 of "zebras") cannot be split'),
    ("word=cat", "NS317", '"cat" splits into 1 token (cat) but word takes exactly 2'),
    ("word=a cats", "NS317", '"a cats" splits into 3 tokens (a, cat + ##s) but word takes exactly 2'),
], ids=["unknown word", "too few", "too many"])
def test_the_cli_reports_a_bad_text(given, code, words):
    result = invoke("run", SUBWORD, "--input", given)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: --input word: ") and f"[{code}]" in result.stderr
    assert words in result.stderr and "hint: " in result.stderr


def test_a_bad_example_is_reported_by_check(tmp_path):
    path = tmp_path / "subword.net"
    added = 'example bird: word="birds" -> "more than one"'
    path.write_text(SUBWORD.read_text(encoding="utf-8") + added + "\n", encoding="utf-8")
    result = invoke("check", path)
    line, column = len(SUBWORD.read_text(encoding="utf-8").splitlines()) + 1, added.index("birds") + 1
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:{line}:{column}: error: example word: the word \"birds\"")
    assert "[NS319]" in result.stderr


def test_a_word_that_starts_with_the_continuation_mark_is_shown_as_given(tmp_path):
    """A plain piece `##` at the start of a word is that piece, not a continuation: decode keeps it."""
    path = tmp_path / "hash.net"
    path.write_text('vocabulary v subwords "##", "s", "a", "##s"\ninput word tokens 3 from v\n'
                    "weights W:\n   y  z\nword1 1  0\nword2 1  0\nword3 1  0\nlayer out = dense(input, W)\n", encoding="utf-8")
    text = netspec.load_spec(str(path)).texts["word"]
    numbers = text.tokenize("## s a", "test")
    assert text.decode(numbers) == "## s a"


# ---- the cost of splitting: linear in the word, whatever the vocabulary ----

def _oracle_split(entries, word):
    """The first tokenizer, kept as the reference: at each letter try every length an entry has, longest first."""
    marked = any(e.startswith("##") and len(e) > 2 for e in entries)
    known = set(entries)
    first = sorted({len(e) for e in entries if e}, reverse=True)
    later = sorted({len(e) - 2 for e in entries if e.startswith("##") and len(e) > 2}, reverse=True) if marked else first
    pieces, start = [], 0
    while start < len(word):
        mark = "##" if start and marked else ""
        piece = next((mark + word[start:start + n] for n in (later if start else first)
                      if start + n <= len(word) and mark + word[start:start + n] in known), None)
        if piece is None:
            return tuple(pieces), start
        pieces.append(piece)
        start += len(piece) - len(mark)
    return tuple(pieces), None


def test_splits_equal_the_first_tokenizer_on_random_words():
    """2,000 random vocabularies and words over a small alphabet, plain and ## forms, with and
    without odd entries (`##` alone, an entry that starts with ## in a plain vocabulary)."""
    import random

    chance = random.Random(20261201)
    for case in range(2_000):
        letters = "ab#" if case % 7 == 0 else "abc"
        entries = {"".join(chance.choice(letters) for _ in range(chance.randint(1, 5))) for _ in range(chance.randint(1, 12))}
        if case % 2:
            entries |= {"##" + e for e in list(entries)[: chance.randint(0, len(entries))]}
        if case % 11 == 0:
            entries.add("##")
        entries = tuple(sorted(entries))
        word = "".join(chance.choice(letters) for _ in range(chance.randint(1, 14)))
        found = split(entries, word)
        assert (found.pieces, found.stuck) == _oracle_split(entries, word), (entries, word)


def test_a_long_word_against_entries_of_every_length_splits_quickly():
    """A vocabulary with an entry of every length up to 2,000 and a 20,000-letter word: the
    first tokenizer tried 2,000 lengths, each a slice up to 2,000 letters long, at every piece
    (minutes); walking the entries letter by letter stops at the first letter no entry continues."""
    import time

    entries = tuple("b" * n for n in range(1, 2_001)) + ("a",)
    word = "a" * 20_000
    started = time.perf_counter()
    found = split(entries, word)
    assert found.pieces == ("a",) * 20_000 and found.stuck is None
    assert time.perf_counter() - started < 2
