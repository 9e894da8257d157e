"""Check error cases: each tests/cases/check/<name>.net states every diagnostic it must give.

The checker collects all errors before it raises, so a case lists one `# expect:` line
per error, in the order they are reported, and no error may appear that is not listed.
"""

from __future__ import annotations

import pytest

import netspec
from casefiles import actual_fields, all_cases, case_path, mismatches, read_expectations
from netspec.diagnostics import format_error
from netspec.errors import NetspecError, flatten

CHECK_CASES = all_cases("check")


def load_error(path) -> NetspecError:
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path)
    return caught.value


def test_there_are_check_cases():
    assert len(CHECK_CASES) >= 15


@pytest.mark.parametrize("name", CHECK_CASES, ids=CHECK_CASES)
def test_check_case(name):
    """Every listed error is reported, at its place, with its words, hint and notes; nothing more."""
    path = case_path("check", name)
    errors = flatten(load_error(path))
    expected = read_expectations(path)
    found = [actual_fields(e) for e in errors]
    assert len(errors) == len(expected), [f"{f['line']}:{f['col']}: {f['message']}" for f in found]
    for want, got in zip(expected, found):
        assert mismatches(want, got, path) == []


def test_every_error_is_printed(monkeypatch):
    """All three errors of several_errors.net are printed, each with its own header, then a count."""
    monkeypatch.chdir(case_path("check", "several_errors").parent)
    text = format_error(load_error("several_errors.net"))
    headers = [line for line in text.splitlines() if ": error: " in line]
    assert [h.split(": error: ")[0] for h in headers] == [
        "several_errors.net:21:19", "several_errors.net:22:13", "several_errors.net:25:21"]
    assert text.endswith("\n3 errors\n")


def test_full_text_of_a_check_error_with_notes(monkeypatch):
    """Both sizes in the message, the reference underlined, notes pointing at the declarations."""
    monkeypatch.chdir(case_path("check", "shape_mismatch").parent)
    assert format_error(load_error("shape_mismatch.net")) == (
        "shape_mismatch.net:20:29: error: shape mismatch: `input` has 4 numbers (R, G, B, Vol) "
        "but W1 has 5 rows [NS204]\n"
        "   20 | layer hidden = dense(input, W1)\n"
        "      |                             ^^\n"
        "note: W1 is declared 5×3 at shape_mismatch.net:11:1\n"
        "note: `input` is declared with 4 numbers at shape_mismatch.net:6:1\n"
        "hint: give W1 one row for each of R, G, B, Vol\n"
    )


def test_many_errors_are_capped(tmp_path):
    """25 unknown operations: 20 are shown, then "... and 5 more errors", then the total."""
    layers = "".join(f"layer l{i} = bogus{i}(input)\n" for i in range(25))
    spec = tmp_path / "many.net"
    spec.write_text('input R "red"\n' + layers, encoding="utf-8")
    error = load_error(spec)
    assert len(flatten(error)) == 25
    text = format_error(error)
    assert text.count(": error: ") == 20
    assert text.endswith("... and 5 more errors\n25 errors\n")


def test_a_layer_used_before_it_is_declared(tmp_path):
    """A table written below the layer that uses it: said so, with a note at the table."""
    spec = tmp_path / "order.net"
    spec.write_text("input R\nlayer out = dense(input, W1)\nweights W1:\n  a b\n  R 1 2\n", encoding="utf-8")
    [error] = flatten(load_error(spec))
    assert (error.span.line, error.span.column) == (2, 26)
    assert error.message == "`W1` is used before it is declared"
    assert [(n.span.line, n.span.column) for n in error.notes] == [(3, 9)]


def test_a_broken_layer_is_not_also_reported_unknown(tmp_path):
    """`hidden` fails its shape check; the layer that uses it must not add "unknown value `hidden`"."""
    spec = tmp_path / "cascade.net"
    spec.write_text("input R\ninput G\nweights W1:\n  h\n  R 1\nlayer hidden = dense(input, W1)\n"
                    "layer out = relu(hidden)\noutput out\ndecide R if positive otherwise G\n",
                    encoding="utf-8")
    [error] = flatten(load_error(spec))
    assert error.message.startswith("shape mismatch: `input` has 2 numbers (R, G) but W1 has 1 row")
