"""`netspec tidy`: spaces and blank lines change, nothing else does."""

from __future__ import annotations

import re

import pytest

from netspec.errors import SpecSyntaxError
from netspec.lang.grammar import lark_parser
from netspec.source import Source
from netspec.lang.tidy import tidy

from clirun import invoke
from conftest import SPECS

SPEC_PATHS = sorted(SPECS.glob("*.net"))

MESSY = """\


# a small net, written in a hurry
network   tiny "two in, one out"
input a "first"   range 0 to 1
input bee    at least 0
weights W :
  h1 h2
 a 0.5 -1
  bee    12.25   0
# the second column is bee's
layer   h=dense( input,W )   # the hidden layer



repeat 2   times as block:
layer h = relu(h)
end
output h labels one,two
decide largest
example first : a=1,bee=2->one
expect one=0.5 , two = -1 within 0.01
"""

TIDY = """\
# a small net, written in a hurry
network tiny "two in, one out"
input a   "first" range 0 to 1
input bee         at least 0
weights W:
           h1   h2
  a      0.5    -1
  bee   12.25    0
# the second column is bee's
layer h = dense(input, W)  # the hidden layer

repeat 2 times as block:
  layer h = relu(h)
end
output h labels one, two
decide largest
example first: a=1, bee=2 -> one
  expect one=0.5, two=-1 within 0.01
"""


def tidied(text: str) -> str:
    return tidy(Source("case.net", text))


def test_a_messy_spec_is_laid_out_the_tidy_way():
    assert tidied(MESSY) == TIDY


def test_tidy_text_is_left_as_it_is():
    assert tidied(TIDY) == TIDY


def test_numbers_line_up_on_the_decimal_point_under_their_label():
    text = tidied("weights W:\n a b\n x 0.5 10\n y -12.25 1\n layer h = dense(input, W)\n")
    assert text.splitlines()[1:4] == [
        "           a    b",
        "  x     0.5    10",
        "  y   -12.25    1",
    ]


def test_inputs_line_up_in_columns():
    text = tidied('input R as Cloud "cloud" unit "%" range 0 to 100\ninput Vol as T "air" unit C range -50 to 60\n'
                  'input B at least 0\n')
    assert text.splitlines() == [
        'input R   as Cloud "cloud" unit "%" range 0 to 100',
        'input Vol as T     "air"   unit C   range -50 to 60',
        'input B                             at least 0',
    ]


def test_facts_written_in_another_order_keep_it():
    text = tidied('input R "red" range 0 to 255 unit "%"\ninput Vol "volume" unit ml at least 0\n')
    assert text.splitlines() == [
        'input R   "red"    range 0 to 255 unit "%"',
        'input Vol "volume" unit ml at least 0',
    ]


def test_a_header_may_use_any_word_as_a_label():
    """`layer` and `end` are labels here, not statements: the parse tree says which lines are the table."""
    text = tidied("repeat 2 times:\nweights W:\nlayer end\nx 1 2\nlayer h = dense(h, W)\nend\n")
    assert text == "repeat 2 times:\n  weights W:\n        layer   end\n    x       1     2\n" \
                   "  layer h = dense(h, W)\nend\n"


def test_words_written_together_are_split_as_the_parser_reads_them():
    """Found by the long fuzz run: Lark's lexer reads `numberedfrom0.` as three words; so must tidy."""
    assert tidied('vocabularyA characters""numberedfrom0.\n') == 'vocabulary A characters "" numbered from 0.\n'


def test_a_unit_called_like_a_fact_stays_with_unit():
    assert tidied('input x unit at\ninput y unit "%" at least 0\n').splitlines() == [
        'input x unit at',
        'input y unit "%" at least 0',
    ]


def test_comments_take_the_indentation_of_their_block_and_table():
    assert tidied("repeat 2 times:\nlayer h = relu(h)\n# last of the block\nend\n") == \
        "repeat 2 times:\n  layer h = relu(h)\n  # last of the block\nend\n"
    assert tidied("weights w:\n# the columns\na\nlong 1\n# the end\nlayer h = dense(x, w)\n") == \
        "weights w:\n  # the columns\n         a\n  long   1\n# the end\nlayer h = dense(x, w)\n"


def test_an_operation_called_shape_is_written_like_any_other_call():
    assert tidied('weights W from "w.npy" shape (2,3)\nlayer x = shape( a )\n') == \
        'weights W from "w.npy" shape (2, 3)\nlayer x = shape(a)\n'


def test_the_equals_sign_that_names_a_result_is_spaced_and_an_option_s_is_tight():
    """`layer q, k, v = split(…)` and `weights head = transpose(E)` name results, as `layer x = …` does."""
    assert tidied("layer q,k,v=split(qkv,3,part=1)\nweights head=transpose(E)\nbias b=columns(c,1,8)\n"
                  "vector s=rows(t,1,2)\n").splitlines() == [
        "layer q, k, v = split(qkv, 3, part=1)",
        "weights head = transpose(E)",
        "bias b = columns(c, 1, 8)",
        "vector s = rows(t, 1, 2)",
    ]


def test_a_hash_in_quotes_is_not_a_comment():
    assert tidied('network n "a # b"   # c\n') == 'network n "a # b"  # c\n'


def test_windows_line_endings_and_tabs_become_newlines_and_spaces():
    assert tidied("network n\r\ninput\ta\r\n") == "network n\ninput a\n"


@pytest.mark.parametrize("path", SPEC_PATHS, ids=lambda p: p.name)
def test_every_shipped_spec_is_tidy(path):
    text = path.read_text(encoding="utf-8")
    assert tidied(text) == text, f"netspec tidy --write specs/{path.name}"


@pytest.mark.parametrize("path", SPEC_PATHS, ids=lambda p: p.name)
def test_untidied_spec_parses_to_the_same_tree_and_keeps_every_comment(path):
    """Each spec, its spacing scrambled (indentation dropped, gaps widened), tidies back to the same spec."""
    text = path.read_text(encoding="utf-8")
    scrambled = "\n".join(_scrambled(line) for line in text.split("\n"))
    result = tidied(scrambled)
    assert _tree(result) == _tree(text)
    assert _comments(result) == _comments(text)
    assert tidied(result) == result


def test_a_spec_that_does_not_parse_is_reported_not_tidied():
    with pytest.raises(SpecSyntaxError) as caught:
        tidied("layer h = dense(input W)\n")
    assert caught.value.code == "NS102"


def _scrambled(line: str) -> str:
    """The line with no indentation and wide, uneven gaps between words (quoted text and comments kept)."""
    parts = re.split(r'("[^"\n]*"|#.*)', line.strip())
    return "".join(part if part[:1] in ('"', "#") else re.sub(r"([(),:=])", r"  \1 ", re.sub(" +", "    ", part))
                   for part in parts)


def _tree(text: str):
    return lark_parser().parse(text + "\n")


def _comments(text: str) -> list[str]:
    return [match.group().rstrip() for match in re.finditer(r'#[^\n]*', re.sub(r'"[^"\n]*"', '""', text))]


# ---- any text the grammar allows ----

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from grammar_texts import spaced_grammar_texts  # noqa: E402


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=st.deferred(spaced_grammar_texts))
def test_any_spec_the_grammar_allows_tidies_to_the_same_tree(text):
    try:
        before = _tree(text)
    except Exception:  # not a spec: tidy reports it, as the test above shows
        return
    result = tidied(text)
    assert _tree(result) == before
    assert tidied(result) == result


# ---- the command ----

def test_tidy_prints_one_spec(tmp_path):
    (tmp_path / "messy.net").write_text(MESSY, encoding="utf-8")
    result = invoke("tidy", tmp_path / "messy.net")
    assert result.exit_code == 0 and result.stdout == TIDY


def test_tidy_check_names_each_untidy_spec_and_changes_nothing(tmp_path):
    (tmp_path / "messy.net").write_text(MESSY, encoding="utf-8")
    (tmp_path / "tidy.net").write_text(TIDY, encoding="utf-8")
    result = invoke("tidy", "--check", tmp_path / "messy.net", tmp_path / "tidy.net")
    assert result.exit_code == 1
    assert f"{tmp_path / 'messy.net'}: not tidy" in result.stderr
    assert "1 of 2 specs not tidy" in result.stderr
    assert (tmp_path / "messy.net").read_text(encoding="utf-8") == MESSY
    assert invoke("tidy", "--check", tmp_path / "tidy.net").exit_code == 0


def test_tidy_write_rewrites_only_untidy_specs(tmp_path):
    (tmp_path / "messy.net").write_text(MESSY, encoding="utf-8")
    (tmp_path / "tidy.net").write_text(TIDY, encoding="utf-8")
    before = (tmp_path / "tidy.net").stat().st_mtime_ns
    result = invoke("tidy", "--write", tmp_path / "messy.net", tmp_path / "tidy.net")
    assert result.exit_code == 0 and "tidied 1 of 2 specs" in result.stdout
    assert (tmp_path / "messy.net").read_text(encoding="utf-8") == TIDY
    assert (tmp_path / "tidy.net").stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.net", "tidy.net"]  # no temporary file left


def test_tidy_write_leaves_a_spec_with_a_mistake_alone(tmp_path):
    bad = "layer h = dense(input W)\n"
    (tmp_path / "bad.net").write_text(bad, encoding="utf-8")
    result = invoke("tidy", "--write", tmp_path / "bad.net")
    assert result.exit_code == 1
    assert re.match(r".*bad\.net:1:23: error: unexpected 'W'", result.stderr)
    assert (tmp_path / "bad.net").read_text(encoding="utf-8") == bad


def test_tidy_refuses_write_and_check_together(tmp_path):
    result = invoke("tidy", "--write", "--check", SPECS / "leaf.net")
    assert result.exit_code == 2 and "give one of them" in result.stderr


def test_tidy_diff_shows_the_change_as_a_unified_diff_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    messy = "input  a\ninput b\nweights W:\n  y\n a 1\n b   2.5\nlayer out=dense(input,W)\n"
    (tmp_path / "messy.net").write_text(messy, encoding="utf-8")
    (tmp_path / "tidy.net").write_text(TIDY, encoding="utf-8")
    result = invoke("tidy", "--diff", "messy.net", "tidy.net")
    assert result.exit_code == 1
    assert result.stdout == ("--- a/messy.net\n+++ b/messy.net\n@@ -1,7 +1,7 @@\n"
                             "-input  a\n+input a\n input b\n weights W:\n"
                             "-  y\n- a 1\n- b   2.5\n-layer out=dense(input,W)\n"
                             "+        y\n+  a   1\n+  b   2.5\n+layer out = dense(input, W)\n")
    assert (tmp_path / "messy.net").read_text(encoding="utf-8") == messy
    tidy_only = invoke("tidy", "--diff", "tidy.net")
    assert tidy_only.exit_code == 0 and tidy_only.stdout == ""


def test_tidy_diff_of_a_file_without_a_final_newline_says_so(tmp_path):
    (tmp_path / "end.net").write_text("input a\nlayer out = relu(input)", encoding="utf-8")
    result = invoke("tidy", "--diff", tmp_path / "end.net")
    assert result.exit_code == 1
    assert "-layer out = relu(input)\n\\ No newline at end of file\n+layer out = relu(input)\n" in result.stdout
