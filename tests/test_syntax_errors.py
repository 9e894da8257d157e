"""Syntax error cases: each tests/cases/syntax/<name>.net states the diagnostic it must give.

The parser turns every Lark error into a SpecSyntaxError in plain words; these tests pin
where it points (line and column), what it says, and that no Lark name leaks through.
"""

from __future__ import annotations

import pytest

import netspec
from casefiles import actual_fields, all_cases, case_path, mismatches, read_expectations
from netspec.diagnostics import format_error
from netspec.errors import NetspecError, SpecSyntaxError, flatten
from netspec.lang.parser import MISTAKES, parse
from netspec.source import Source

SYNTAX_CASES = all_cases("syntax")
LARK_WORDS = ["$END", "__ANON", "LSQB", "RPAR", "_NL", "Token("]


def load_error(path) -> NetspecError:
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path)
    return caught.value


def test_there_are_syntax_cases():
    assert len(SYNTAX_CASES) >= 7


@pytest.mark.parametrize("name", SYNTAX_CASES, ids=SYNTAX_CASES)
def test_syntax_case(name):
    """The case's `# expect:` line gives the line, column and words of the one error."""
    path = case_path("syntax", name)
    error = load_error(path)
    assert isinstance(error, SpecSyntaxError)
    errors = flatten(error)
    expected = read_expectations(path)
    assert len(errors) == len(expected) == 1
    assert mismatches(expected[0], actual_fields(errors[0]), path) == []


@pytest.mark.parametrize("name", SYNTAX_CASES, ids=SYNTAX_CASES)
def test_no_lark_words_reach_the_user(name):
    """Lark's terminal names and token reprs are translated before anything is printed."""
    text = format_error(load_error(case_path("syntax", name)))
    assert [word for word in LARK_WORDS if word in text] == []
    assert ":-1" not in text and "line -1" not in text


@pytest.mark.parametrize("tail", ["", "\n", "\n\n   \n", "\r\n", "\n# more to come\n\n", "  \t\n# a\n  # b"],
                         ids=["no-newline", "newline", "blank-lines", "crlf", "trailing-comment", "comments"])
def test_end_of_file_points_past_the_last_character(tail):
    """Whatever follows the last statement (blanks, comments), the error is at 2:12, just after `:`."""
    source = Source("cut.net", "input R\nweights W1:" + tail)
    with pytest.raises(SpecSyntaxError) as caught:
        parse(source)
    error = caught.value
    assert (error.message, error.span.line, error.span.column) == ("unexpected end of file", 2, 12)


LABELLED = [(label, snippet) for label, snippets in MISTAKES.items() for snippet in snippets]


@pytest.mark.parametrize(("label", "snippet"), LABELLED, ids=[repr(s) for _, s in LABELLED])
def test_every_labelled_mistake_gets_its_label(label, snippet):
    """Each snippet in the MISTAKES table fails, and is explained by its own label, even mid-file."""
    for prefix in ("", "input R\n", "# a comment\ninput R\ninput G\n"):
        with pytest.raises(SpecSyntaxError) as caught:
            parse(Source("snippet.net", prefix + snippet))
        assert caught.value.hint.startswith(label + ";"), (prefix, caught.value.hint)


def test_full_text_of_a_syntax_error(monkeypatch):
    """Header, source line, an underline as wide as the token, and the hint (mid_file.net)."""
    monkeypatch.chdir(case_path("syntax", "mid_file").parent)
    assert format_error(load_error("mid_file.net")) == (
        "mid_file.net:18:28: error: unexpected 'W1' [NS102]\n"
        "   18 | layer hidden = dense(input W1)\n"
        "      |                            ^^\n"
        "hint: missing `,`: the arguments of an operation are separated by commas; expected ')', ',' or '='\n"
    )


def test_full_text_lines_the_caret_up_after_tabs(monkeypatch):
    """The column counts a tab as one character; the printed caret sits under the `@` after expansion."""
    monkeypatch.chdir(case_path("syntax", "tab_before_error").parent)
    text = format_error(load_error("tab_before_error.net"))
    header, source_line, underline, hint = text.splitlines()
    assert header == "tab_before_error.net:5:34: error: unexpected character '@' [NS101]"
    assert source_line == "    5 |         layer hidden = dense(input,     W1) @"
    assert underline == "      | " + " " * 44 + "^"
    assert source_line[len(underline) - 1] == "@"
    assert hint == "hint: expected the end of the line"
