"""Inputs the fuzzer (tests/test_fuzz.py) found, each pinned to the diagnostic it now gives (issue 5).

Each test states the smallest input that showed the bug and what went wrong before the fix.
They run without hypothesis.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

from netspec import cli


def netspec(*args) -> tuple[object, str, str]:
    """(exit code, stdout, stderr) of `netspec ARGS`, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            cli.main(list(args))
        except SystemExit as done:
            return done.code, out.getvalue(), err.getvalue()
    raise AssertionError("netspec.cli.main returned without exiting")


def test_a_file_that_is_not_utf8_is_named_first(tmp_path):
    """`input \\xff`: the header was `error: PATH:1: the file is not UTF-8...`, without line and column first.

    Now it is `PATH:LINE:COL: error:`, pointing at the bad byte, shown as � in the excerpt.
    """
    spec = tmp_path / "bad.net"
    spec.write_bytes(b'input R "red"\ninput \xff\n')
    code, out, err = netspec("check", str(spec))
    assert (code, out) == (1, "")
    assert err.splitlines()[:3] == [
        f"{spec}:2:7: error: the file is not UTF-8 text: invalid start byte (byte 0xFF) [NS112]",
        "    2 | input \ufffd",
        "      |       ^",
    ]


def test_not_utf8_after_a_byte_order_mark_points_at_the_right_byte(tmp_path):
    """The byte-order mark is not counted as a column; a sequence cut short by the end of file is named."""
    spec = tmp_path / "bom.net"
    spec.write_bytes(b"\xef\xbb\xbfinput R\ninput G \xe2\x88")
    code, _, err = netspec("check", str(spec))
    assert code == 1
    assert err.startswith(f"{spec}:2:9: error: the file is not UTF-8 text: unexpected end of data (byte 0xE2)")


def test_run_without_examples_names_the_spec_first(tmp_path):
    """A spec that checks but has no `example` line: `run` said `error: PATH has no examples`."""
    spec = tmp_path / "no_examples.net"
    spec.write_text("input x\nweights W:\n  a b\n  x 1 2\nlayer out = dense(input, W)\n", encoding="utf-8")
    code, out, err = netspec("run", str(spec))
    assert (code, out) == (1, "")
    assert err.startswith(f"{spec}:1:1: error: the spec has no examples, so there is nothing to run [NS312]\n")
    assert "hint: give inputs with --input NAME=VALUE" in err


# ---- noticed while fuzzing: what an error message shows of a hostile or unusual line ----

def test_control_characters_in_a_spec_are_shown_not_obeyed(tmp_path):
    """An escape sequence in a spec (`say "ESC[2J...`) reaches the terminal as ␛, never as a command."""
    spec = tmp_path / "escape.net"
    spec.write_bytes(b'input R\nsay "\x1b[2J\x1b[31mred\n')
    code, _, err = netspec("check", str(spec))
    assert code == 1
    assert "\x1b" not in err
    assert err.splitlines()[1:3] == ['    2 | say "\u241b[2J\u241b[31mred', "      |     ^"]


def test_carets_stay_under_the_mistake_after_wide_characters(tmp_path):
    """漢字 take two screen columns each: the caret moves with them (it sat two columns short before)."""
    spec = tmp_path / "wide.net"
    spec.write_text("input 漢字 @\n", encoding="utf-8")
    _, _, err = netspec("check", str(spec))
    header, line, underline = err.splitlines()[:3]
    assert header.startswith(f"{spec}:1:10: error: unexpected character '@'")
    assert (line, underline) == ("    1 | input 漢字 @", "      | " + " " * 11 + "^")


def test_a_lone_combining_accent_is_named_by_its_code(tmp_path):
    """`e` then U+0301 (é written as two characters): the accent alone cannot be part of a name; say which it is."""
    spec = tmp_path / "accent.net"
    spec.write_text("input e\u0301\n", encoding="utf-8")
    _, _, err = netspec("check", str(spec))
    assert err.startswith(f"{spec}:1:8: error: unexpected character U+0301 [NS101]\n")


def test_a_very_long_line_is_cut_around_the_mistake(tmp_path):
    """`dense(` 100,000 times: the excerpt printed the whole 600 kB line; now 100 characters and a …"""
    spec = tmp_path / "nested.net"
    spec.write_text("input R\nlayer h = " + "dense(" * 100_000 + "input" + ")" * 100_000 + "\n", encoding="utf-8")
    code, _, err = netspec("check", str(spec))
    header, line, underline, hint = err.splitlines()
    assert (code, header) == (1, f"{spec}:2:22: error: unexpected '(' [NS102]")
    assert line == "    2 | layer h = " + ("dense(" * 16)[:90] + "…"
    assert underline == "      | " + " " * 21 + "^"
    assert hint.startswith("hint: operations are not nested")


def test_a_mistake_far_along_a_long_line_is_shown_with_its_surroundings(tmp_path):
    """A weight row of 300 numbers and then a word: the excerpt starts with … and ends at the word."""
    spec = tmp_path / "row.net"
    spec.write_text("input x\nweights W:\n  a b\n  x " + "1 " * 300 + "c\n", encoding="utf-8")
    _, _, err = netspec("check", str(spec))
    header, line, underline = err.splitlines()[:3]
    assert header == f"{spec}:4:605: error: unexpected 'c' [NS102]"
    assert line == "    4 | …" + " 1" * 49 + " c"
    assert underline.endswith("^") and len(underline) == len(line)


def test_a_very_long_word_is_named_by_its_start(tmp_path):
    """A name of 100,000 letters where none fits: the header named all of it, 100 kB on one line."""
    spec = tmp_path / "word.net"
    spec.write_text("input R " + "h" * 100_000 + "\n", encoding="utf-8")
    _, _, err = netspec("check", str(spec))
    assert err.splitlines()[0] == f"{spec}:1:9: error: unexpected '{'h' * 30}… (100,000 characters)' [NS102]"
