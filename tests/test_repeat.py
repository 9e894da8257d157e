"""`repeat N times:` … `end`: a block written once, stacked N times with per-copy weights, within limits.

The article's "Nx: the block is stacked N times" (notes §1.15); netspec/lang/expand.py writes
the copies out before checking. Numbers are hand arithmetic written out below.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from click.testing import CliRunner

import netspec
from netspec.lang import nodes
from netspec.cli import cli
from netspec.diagnostics import format_error
from netspec.errors import NetspecError, flatten
from netspec.lang.expand import expand
from netspec.limits import DEFAULT_MAX_STEPS, Limits
from netspec.lang.loader import load_units
from netspec.lang.parser import parse
from netspec.render import render_trace_as
from netspec.render.numbers import NumberStyle
from netspec.run.runner import trace
from netspec.source import CopySpan, Source

from conftest import SPECS

STACK = SPECS / "stack.net"

# specs/weights/stack.npz, as scripts/make_stack_weights.py writes it: rows x1, x2, x3; columns h1, h2, h3
W1 = np.array([[0.5, 0, -1], [0, 0.25, 0], [1, 0, 0.5]])
W2 = np.array([[0, 0.5, 0], [-0.5, 0, 0.25], [0, 0, 1]])
W3 = np.array([[0.25, -1, 0.5], [0, 0.5, -0.25], [-1, 0, 0]])

# Three copies of the residual block, x + relu(x @ W), each with its own table.
SMALL = """input a
input b
weights W0:
    x1  x2
 a  1   0
 b  0   1
layer x = dense(input, W0)
repeat 3 times as block:
  weights W:
       x1  x2
   x1  1   2
   x2  3   4
  layer h = dense(x, W)
  layer x = add(x, h)
end
output x
decide largest
"""


def _spec(text: str, limits: Limits = Limits()) -> nodes.Spec:
    return expand(parse(Source("t.net", text)), limits)


def _write(tmp_path, text: str, name: str = "t.net"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _errors(path, limits=None) -> list[NetspecError]:
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(path, limits)
    return flatten(caught.value)


# ---- the numbers: specs/stack.net by hand ----
def test_stack_spec_matches_hand_arithmetic():
    """Example `first` (2, 4, 1), written out copy by copy as in the spec's header."""
    x = np.array([2.0, 4.0, 1.0])
    h1 = np.array([2 * 0.5 + 4 * 0 + 1 * 1, 2 * 0 + 4 * 0.25 + 1 * 0, 2 * -1 + 4 * 0 + 1 * 0.5])  # (2, 1, −1.5)
    x1 = x + np.maximum(0, h1)  # (4, 5, 1)
    h2 = np.array([4 * 0 + 5 * -0.5 + 1 * 0, 4 * 0.5 + 5 * 0 + 1 * 0, 4 * 0 + 5 * 0.25 + 1 * 1])  # (−2.5, 2, 2.25)
    x2 = x1 + np.maximum(0, h2)  # (4, 7, 3.25)
    h3 = np.array([4 * 0.25 + 7 * 0 + 3.25 * -1, 4 * -1 + 7 * 0.5 + 0, 4 * 0.5 + 7 * -0.25 + 0])  # (−2.25, −0.5, 0.25)
    x3 = x2 + np.maximum(0, h3)  # (4, 7, 3.5)
    np.testing.assert_allclose(x3, [4, 7, 3.5])
    spec = netspec.load_spec(STACK)
    result = netspec.run_plan(netspec.compile_plan(spec), [[2, 4, 1]])
    np.testing.assert_allclose(result.outputs[0], x3, rtol=0, atol=1e-12)
    assert result.decisions == ["x2"]


def test_stack_spec_matches_numpy_for_many_rows():
    """Any input: x ← x + relu(x @ W_i) for i = 1, 2, 3, the weights of copy i from key W{i}."""
    rows = np.random.default_rng(7).normal(size=(50, 3)) * 4
    expected = rows.copy()
    for weights in (W1, W2, W3):
        expected = expected + np.maximum(0, expected @ weights)
    spec = netspec.load_spec(STACK)
    result = netspec.run_plan(netspec.compile_plan(spec), rows)
    np.testing.assert_allclose(result.outputs, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(spec.params["W[2]"].array, W2)


def test_trace_shows_each_copy_in_order_with_its_names():
    spec = netspec.load_spec(STACK)
    traced = trace(netspec.compile_plan(spec), np.array([[-1.0, 2.0, 3.0]]), ["row 1"])
    text = render_trace_as("text", traced, NumberStyle(), 8)
    order = [text.index(f"Step {n} · {formula}") for n, formula in
             [(2, "h[1] = dense(x, W[1])"), (5, "h[2] = dense(x[1], W[2])"), (10, "x[3] = add(x[2], f[3])")]]
    assert order == sorted(order)
    # copy 1: h = (−1·0.5 + 3·1, 2·0.25, −1·(−1) + 3·0.5) = (2.5, 0.5, 2.5); x[1] = (1.5, 2.5, 5.5)
    assert "x1 = x.x1 + f[1].h1 = (−1) + 2.5 = 1.5" in text
    # copy 3 reads x[2] = (1.5, 3.25, 11.625): h2 = 1.5·(−1) + 3.25·0.5 = 0.125
    assert "W[3][x1,h1]" in text and "x[3]" in text
    np.testing.assert_allclose(traced.outputs[0], [1.5, 3.375, 11.625])


@pytest.mark.parametrize("fmt", ["text", "md", "html", "tex", "json"])
def test_every_printout_takes_the_copies_names(fmt):
    spec = netspec.load_spec(STACK)
    traced = trace(netspec.compile_plan(spec), np.array([[2.0, 4.0, 1.0]]), ["first"])
    printed = render_trace_as(fmt, traced, NumberStyle(), 8)
    assert "x[3]" in printed and "W[2]" in printed


def test_plan_lists_the_copies_steps_in_order():
    plan = netspec.compile_plan(netspec.load_spec(STACK))
    assert [s.step.output for s in plan.steps] == ["x", "h[1]", "f[1]", "x[1]", "h[2]", "f[2]", "x[2]",
                                                   "h[3]", "f[3]", "x[3]"]
    shown = repr(plan)
    assert " 2  h[1] = dense(x, W[1])" in shown and "10  x[3] = add(x[2], f[3])" in shown


def test_check_dump_plan_shows_the_copies():
    result = CliRunner().invoke(cli, ["check", str(STACK), "--dump", "plan"])
    assert result.exit_code == 0
    assert "x[2] = add(x[1], f[2])" in result.output


# ---- names: numbered copies, latest binding ----
def test_names_declared_in_the_body_get_the_copy_number():
    names = [s.name.text for s in _spec(SMALL).statements if isinstance(s, (nodes.Weights, nodes.Layer))]
    assert names == ["W0", "x", "W[1]", "h[1]", "x[1]", "W[2]", "h[2]", "x[2]", "W[3]", "h[3]", "x[3]"]


def test_a_name_reads_its_latest_binding():
    """Copy 1's `x` is the one declared before the block; copy k's is copy k−1's; `h` is this copy's."""
    layers = {s.name.text: s for s in _spec(SMALL).statements if isinstance(s, nodes.Layer)}

    def reads(name):
        return [a.name.text for a in layers[name].call.args]

    assert reads("h[1]") == ["x", "W[1]"]
    assert reads("x[1]") == ["x", "h[1]"]
    assert reads("h[2]") == ["x[1]", "W[2]"]
    assert reads("x[3]") == ["x[2]", "h[3]"]


def test_after_the_block_a_name_means_the_last_copy():
    text = SMALL.replace("output x\n", "layer p = relu(x)\nlayer q = relu(h)\noutput p\n")
    statements = _spec(text).statements
    layers = {s.name.text: s for s in statements if isinstance(s, nodes.Layer)}
    assert layers["p"].call.args[0].name.text == "x[3]"
    assert layers["q"].call.args[0].name.text == "h[3]"
    assert _spec(SMALL).of_type(nodes.Output)[0].value.text == "x[3]"


def test_a_second_repeat_of_the_same_names_numbers_on():
    """Two stacks of `x` (an encoder, then more blocks): x[1] … x[3], then x[4], x[5]; `{i}` stays 1, 2."""
    text = ('input a\nlayer x = identity(input)\nrepeat 3 times:\n  layer x = relu(x)\nend\n'
            'repeat 2 times:\n  weights W from "w.npz" key "W{i}" shape (1, 1)\n  layer x = dense(x, W)\nend\n')
    statements = _spec(text).statements
    assert [s.name.text for s in statements[1:]] == ["x", "x[1]", "x[2]", "x[3]", "W[4]", "x[4]", "W[5]", "x[5]"]
    assert [s.key for s in statements if isinstance(s, nodes.ParamFile)] == ["W1", "W2"]
    assert statements[6].call.args[0].name.text == "x[3]" and statements[6].span.copy == 1


def test_a_spec_that_uses_a_stack_numbers_its_own_copies_on(tmp_path):
    (tmp_path / "base.net").write_text(SMALL, encoding="utf-8")
    path = _write(tmp_path, 'use "base.net"\nrepeat 2 times:\n  layer x = relu(x)\nend\noutput x\n'
                            "decide largest\nexample e: a=1, b=0 -> x2\n", "user.net")
    spec = netspec.load_spec(path)
    assert [s.formula for s in spec.steps[-2:]] == ["x[4] = relu(x[3])", "x[5] = relu(x[4])"]


def test_copy_one_reading_a_name_the_body_declares_later(tmp_path):
    """In copy 2 `z` would be copy 1's; in copy 1 there is none, so the reading is refused."""
    text = SMALL.replace("  layer h = dense(x, W)\n", "  layer h = dense(z, W)\n  layer z = relu(x)\n")
    errors = _errors(_write(tmp_path, text))
    assert [(e.code, e.span.line, e.span.column, e.span.copy) for e in errors] == [("NS208", 13, 19, 1)]
    assert errors[0].message == ("`z` is used before it is declared: copy 1 reads it above its line in the body, "
                                 "and no `z` is declared above the repeat")


def test_inline_tables_are_shared_numbers_copied_into_each_copy(tmp_path):
    """Each copy gets its own table, W[1] … W[3], with the same numbers; the count is per copy."""
    spec = netspec.load_spec(_write(tmp_path, SMALL))
    assert [name for name in spec.params if name.startswith("W[")] == ["W[1]", "W[2]", "W[3]"]
    assert spec.params["W[1]"].array is not spec.params["W[3]"].array
    np.testing.assert_array_equal(spec.params["W[3]"].array, [[1, 2], [3, 4]])
    assert spec.parameter_count == 4 + 3 * 4
    # x = (a, b) = (1, 1); each copy x ← x + (x1·1 + x2·3, x1·2 + x2·4):
    #   (1 + 1 + 3, 1 + 2 + 4) = (5, 7); (5 + 5 + 21, 7 + 10 + 28) = (31, 45); (31 + 31 + 135, 45 + 62 + 180)
    result = netspec.run_plan(netspec.compile_plan(spec), [[1, 1]])
    np.testing.assert_allclose(result.outputs[0], [197, 287], rtol=0, atol=0)


def test_weights_declared_before_the_block_are_one_table_for_every_copy(tmp_path):
    text = SMALL.replace("  weights W:\n       x1  x2\n   x1  1   2\n   x2  3   4\n", "")
    text = text.replace("repeat 3 times as block:\n", "weights W:\n     x1 x2\n x1 1 2\n x2 3 4\nrepeat 3 times:\n")
    spec = netspec.load_spec(_write(tmp_path, text))
    assert "W[1]" not in spec.params and [s.params for s in spec.steps if s.op == "dense"][1:] == [("W",)] * 3
    assert spec.parameter_count == 4 + 4


def test_file_names_and_keys_are_numbered_per_copy():
    """`{i}` is the copy's number, `{i0}` that number less one (nanoGPT's transformer.h.0)."""
    text = ('input a\nlayer x = identity(input)\nrepeat 2 times:\n'
            '  weights W from "w{i}.npz" key "transformer.h.{i0}.mlp.c_fc.weight" shape (1, 1)\n'
            '  layer x = dense(x, W)\nend\n')
    files = _spec(text).of_type(nodes.ParamFile)
    assert [(f.path, f.key) for f in files] == [("w1.npz", "transformer.h.0.mlp.c_fc.weight"),
                                                ("w2.npz", "transformer.h.1.mlp.c_fc.weight")]


def test_a_spec_that_uses_a_stack_reads_its_last_copy(tmp_path):
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "stack.npz").write_bytes((SPECS / "weights" / "stack.npz").read_bytes())
    _write(tmp_path, STACK.read_text(encoding="utf-8"), "stack.net")
    path = _write(tmp_path, 'use "stack.net"\nlayer p = softmax(x)\noutput p labels A, B, C\ndecide largest\n'
                            "example e: x1=2, x2=4, x3=1 -> B\n", "user.net")
    spec = netspec.load_spec(path)
    assert spec.steps[-1].inputs == ("x[3]",)
    out = netspec.run_plan(netspec.compile_plan(spec), [[2, 4, 1]]).outputs[0]
    np.testing.assert_allclose(out, np.exp([4, 7, 3.5]) / np.exp([4, 7, 3.5]).sum())


def test_the_ast_dump_keeps_the_repeat_as_written():
    result = CliRunner().invoke(cli, ["check", str(STACK), "--dump", "ast"])
    assert result.exit_code == 0
    assert "Repeat(count=Num(value=3.0), name=Name(text='block')" in result.output


# ---- spans: every copy points at its line in the body ----
def test_written_out_statements_keep_the_span_of_their_body_line():
    layers = [s for s in _spec(SMALL).statements if isinstance(s, nodes.Layer)][1:]
    assert [(s.span.line, s.span.copy) for s in layers] == [(13, 1), (14, 1), (13, 2), (14, 2), (13, 3), (14, 3)]
    second = layers[2]
    assert isinstance(second.call.args[0].span, CopySpan) and second.call.args[0].span.column == 19
    assert second.name.span.copy == 2 and second.span.repeat.line == 8 and second.span.repeat_name == "block"


def test_an_error_in_a_copy_says_which_copy(tmp_path):
    """Copy 2's table (v2.npy) has 3 rows for x[2]'s 2 neurons: copy 2 is the one that does not fit."""
    text = SMALL.replace("weights W:\n       x1  x2\n   x1  1   2\n   x2  3   4\n",
                         "weights W:\n       x1  x2\n   x1  1   2\n   x2  3   4\n"
                         "  weights V from \"v{i}.npy\"\n")
    text = text.replace("  layer x = add(x, h)\n", "  layer x = add(x, h)\n  layer y = dense(x, V)\n")
    np.save(tmp_path / "v1.npy", np.ones((2, 2)))
    np.save(tmp_path / "v2.npy", np.ones((3, 2)))  # copy 2's table does not fit x[2]'s 2 neurons
    np.save(tmp_path / "v3.npy", np.ones((2, 2)))
    errors = _errors(_write(tmp_path, text))
    assert [(e.code, e.span.line, e.span.copy) for e in errors] == [("NS204", 16, 2)]
    shown = format_error(errors[0])
    assert "t.net:16:22: error: shape mismatch: `x[2]` has 2 numbers (x1, x2) but V[2] has 3 rows" in shown
    assert f"note: in copy 2 of 3 of the repeat `block` at {tmp_path / 't.net'}:8:1" in shown


def test_the_same_error_in_every_copy_is_reported_once(tmp_path):
    text = SMALL.replace("layer h = dense(x, W)", "layer h = dense(x, Wrong)")
    errors = _errors(_write(tmp_path, text))
    assert [(e.code, e.message) for e in errors] == [("NS201", "unknown weights `Wrong`")]
    assert "note: in copies 1, 2 and 3 of 3 of the repeat `block`" in format_error(errors[0])


# ---- mistakes in writing a repeat ----
@pytest.mark.parametrize("count", ["0", "2.5", "-1", "1e400"], ids=["zero", "fraction", "negative", "infinite"])
def test_a_count_that_is_not_a_whole_number_of_at_least_one(tmp_path, count):
    errors = _errors(_write(tmp_path, SMALL.replace("repeat 3 times", f"repeat {count} times")))
    assert [(e.code, e.span.line, e.span.column) for e in errors] == [("NS221", 8, 8)]
    assert errors[0].message.startswith("a repeat count is a whole number of at least 1, not ")
    assert errors[0].hint == "write it like `repeat 3 times:`"


@pytest.mark.parametrize("line, message", [
    ("input c", "`input` cannot stand inside a repeat: the network's inputs are declared once"),
    ("output x", "`output` cannot stand inside a repeat: the answer is named once"),
    ("decide largest", "`decide` cannot stand inside a repeat: the decision is stated once"),
    ("example e: a=1, b=2 -> x1", "an `example` cannot stand inside a repeat: it checks the whole network"),
    ("repeat 2 times:\n    layer z = relu(x)\n  end", "a repeat cannot stand inside another repeat"),
], ids=["input", "output", "decide", "example", "nested"])
def test_a_statement_that_cannot_stand_in_a_body(tmp_path, line, message):
    errors = _errors(_write(tmp_path, SMALL.replace("  layer h = dense(x, W)\n", f"  {line}\n  layer h = dense(x, W)\n")))
    assert [(e.code, e.span.line, e.message) for e in errors] == [("NS222", 13, message)]


def test_a_name_declared_twice_in_one_body(tmp_path):
    errors = _errors(_write(tmp_path, SMALL.replace("  layer x = add(x, h)\n", "  layer h = relu(h)\n  layer x = add(x, h)\n")))
    assert [(e.code, e.span.line, e.span.column) for e in errors] == [("NS203", 14, 9)]
    assert "so a body declares each name once" in errors[0].message
    assert errors[0].notes[0].span.line == 13


def test_a_missing_end_says_the_repeat_is_not_closed(tmp_path):
    """Without `end`, output and decide are read as part of the block: the message says so."""
    errors = _errors(_write(tmp_path, SMALL.replace("end\n", "")))
    assert [(e.code, e.span.line, e.span.column, e.span.end_column) for e in errors] == [("NS105", 8, 1, 7)]
    assert errors[0].message == "the repeat on line 8 is not closed: the file ends before its `end`"
    assert "every line below `repeat` (output, decide, examples) is part of the block" in errors[0].hint


def test_an_end_without_a_repeat(tmp_path):
    errors = _errors(_write(tmp_path, "input a\nlayer h = relu(input)\nend\n"))
    assert [(e.code, e.span.line, e.message) for e in errors] == [("NS102", 3, "unexpected 'end'")]
    assert errors[0].hint == "`end` closes a `repeat` block, and no repeat is open here"


def test_an_empty_body(tmp_path):
    errors = _errors(_write(tmp_path, "input a\nrepeat 2 times:\nend\n"))
    assert errors[0].code == "NS102"
    assert errors[0].hint.startswith("a repeat needs at least one statement")


# ---- limits: refused with the size it would need, before anything is written out ----
def test_a_count_in_the_millions_is_refused_with_the_steps_it_would_need(tmp_path, monkeypatch):
    import netspec.lang.expand

    monkeypatch.setattr(netspec.lang.expand, "_Writer", None)  # nothing may be written out
    path = _write(tmp_path, SMALL.replace("repeat 3 times", "repeat 2000000 times"))
    started = time.perf_counter()
    errors = _errors(path)
    assert time.perf_counter() - started < 1
    assert [(e.code, e.span.line, e.span.column) for e in errors] == [("NS223", 8, 8)]
    assert errors[0].message == ("`repeat 2,000,000 times` would write out 4,000,001 steps and 2,000,001 tables "
                                 "(2 steps and 1 table in each copy; 8,000,004 parameters in all), more than the "
                                 f"limit of {DEFAULT_MAX_STEPS:,} steps")
    assert "--max-steps" in errors[0].hint


def test_the_steps_limit_is_lifted_by_the_flag_and_from_python(tmp_path):
    assert _errors(_write(tmp_path, SMALL.replace("repeat 3 times", "repeat 6000 times")))[0].code == "NS223"
    path = _write(tmp_path, SMALL.replace("repeat 3 times", "repeat 6 times"))  # 13 steps, 7 tables
    assert _errors(path, Limits(max_steps=12))[0].code == "NS223"
    assert len(netspec.load_spec(path, Limits(max_steps=13)).steps) == 13
    assert len(netspec.load_spec(STACK).steps) == 10
    assert _errors(STACK, Limits(max_steps=9))[0].code == "NS223"
    runner = CliRunner()
    assert runner.invoke(cli, ["check", str(STACK), "--max-steps", "9"]).exit_code == 1
    assert runner.invoke(cli, ["check", str(STACK), "--max-steps", "10"]).exit_code == 0


def test_too_many_tables_are_refused_too(tmp_path):
    """A body of tables and one layer: the tables it writes out are held to the same limit."""
    tables = "".join(f"  vector v{k}:\n    x1 x2\n    1  2\n" for k in range(5))
    text = SMALL.replace("repeat 3 times as block:\n", f"repeat 500 times as block:\n{tables}")
    errors = _errors(_write(tmp_path, text))
    assert errors[0].code == "NS223" and errors[0].message.endswith(f"more than the limit of {DEFAULT_MAX_STEPS:,} tables")


def test_declared_shapes_of_every_copy_count_against_the_memory_limit(tmp_path):
    """shape (100000, 100000) in 1,000 copies: refused with the size before any file is opened."""
    text = ('input a\nrepeat 1000 times:\n  weights W from "absent{i}.npy" shape (100000, 100000)\n'
            '  layer a2 = dense(input, W)\nend\noutput a2\ndecide a if positive otherwise b\n')
    path = _write(tmp_path, text)
    errors = _errors(path)
    assert [(e.code, e.span.line) for e in errors] == [("NS409", 2)]
    assert errors[0].message == ("`repeat 1,000 times` would make the spec declare 10,000,000,000,000 numbers, "
                                 "72.8 TiB as float64 (W has shape (100000, 100000) in each of the 1,000 copies), "
                                 "more than the limit of 4.0 GiB")
    # with the limit lifted the files are looked for (and are missing): the refusal was the limit's
    lifted = _errors(path, Limits(max_bytes=100 * 1024**4))
    assert lifted[0].code == "NS401"


def test_one_copy_fits_but_three_do_not(tmp_path):
    """W (4×4, 128 bytes) in 3 copies with a 300-byte limit: the checker counts every copy it loads."""
    np.savez(tmp_path / "w.npz", W1=np.eye(4), W2=np.eye(4), W3=np.eye(4))
    text = ("input a\ninput b\ninput c\ninput d\nlayer x = identity(input)\nrepeat 3 times:\n"
            '  weights W from "w.npz" key "W{i}"\n  layer x = dense(x, W)\nend\noutput x\ndecide largest\n')
    path = _write(tmp_path, text)
    errors = _errors(path, Limits(max_bytes=300))
    assert [(e.code, e.span.line, e.span.copy) for e in errors] == [("NS409", 7, 3)]
    assert errors[0].message.startswith("W[3] would need 128 bytes of memory, more than the 44 bytes left")
    assert len(netspec.load_spec(path, Limits(max_bytes=384)).params) == 3


def test_the_limit_flags_are_on_every_command(tmp_path):
    runner = CliRunner()
    for command in (["run", "--example", "first"], ["trace", "--example", "first"], ["check"]):
        result = runner.invoke(cli, [command[0], str(STACK), *command[1:], "--max-steps", "9"])
        assert result.exit_code == 1 and isinstance(result.exception, NetspecError)
        assert result.exception.code == "NS223"


def test_load_units_expands_within_the_limits_given():
    unit = load_units(STACK, limits=Limits(max_steps=10))
    assert not unit.spec.of_type(nodes.Repeat)
    assert len(unit.spec.of_type(nodes.Layer)) == 10


def _plain_layers(count: int, last: str = "") -> str:
    lines = ["input a", "input b", "layer h0 = relu(input)"] + [f"layer h{k} = relu(h{k - 1})" for k in range(1, count)]
    return "\n".join(lines) + "\n" + last


def test_plain_layers_count_against_the_steps_limit_before_the_spec_is_parsed(tmp_path):
    """2,001 layers and no repeat: refused with the count, at the first layer past the limit,
    before parsing (the syntax error on the last line is never reached; 200,000 layers took 30 s)."""
    path = _write(tmp_path, _plain_layers(DEFAULT_MAX_STEPS + 1, "layer broken = (\n"))
    errors = _errors(path)
    assert [(e.code, e.span.line) for e in errors] == [("NS223", DEFAULT_MAX_STEPS + 3)]
    assert errors[0].message == (f"the spec has {DEFAULT_MAX_STEPS + 2:,} layers, more than the limit of "
                                 f"{DEFAULT_MAX_STEPS:,} steps")
    assert f"--max-steps {DEFAULT_MAX_STEPS + 2}" in errors[0].hint


def test_plain_layers_within_a_raised_limit_load(tmp_path):
    path = _write(tmp_path, _plain_layers(DEFAULT_MAX_STEPS + 1))
    assert len(netspec.load_spec(path, Limits(max_steps=DEFAULT_MAX_STEPS + 1)).steps) == DEFAULT_MAX_STEPS + 1
    assert _errors(path, Limits(max_steps=DEFAULT_MAX_STEPS))[0].code == "NS223"


def test_plain_layers_beside_a_repeat_count_too(tmp_path):
    """8 plain layers and a repeat of 2 steps, 3 times: 14 steps, refused under a limit of 13."""
    path = _write(tmp_path, _plain_layers(8, "repeat 3 times:\n  layer g = relu(h7)\n  layer h7 = relu(g)\nend\n"))
    errors = _errors(path, Limits(max_steps=13))
    assert errors[0].code == "NS223" and "14 steps" in errors[0].message and "--max-steps 14" in errors[0].hint
    assert len(netspec.load_spec(path, Limits(max_steps=14)).steps) == 14


def test_a_spec_text_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    """A bias row of 4.45 million numbers in 48 MB took 2 minutes and 6.3 GB to parse; a spec
    may be at most MAX_SPEC_BYTES (16 MiB), and the hint points at weight files."""
    from netspec.limits import MAX_SPEC_BYTES

    path = tmp_path / "big.net"
    with path.open("wb") as stream:
        stream.write(b"input a\nbias b:\n")
        stream.truncate(17_000_000)
    errors = _errors(path)
    assert [e.code for e in errors] == ["NS111"]
    assert errors[0].message == f"{path} is 17,000,000 bytes; a .net file may be at most {MAX_SPEC_BYTES:,}"
    assert "weight file" in errors[0].hint


def test_a_spec_of_more_words_than_the_limit_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    """Each word the grammar reads costs some hundreds of bytes while parsed, so a spec may hold
    at most MAX_SPEC_WORDS of them; past that it is refused from its text, pointing at the first word over.
    (Plain rows of numbers are read without the grammar and do not count: the next test.)"""
    import netspec.lang.parser

    monkeypatch.setattr(netspec.lang.parser, "MAX_SPEC_WORDS", 1_000)
    path = _write(tmp_path, "input a\nbias b:\n x\n" + " w" * 999 + "\nlayer o = relu(input)\n")
    errors = _errors(path)
    assert [(e.code, e.span.line, e.span.column) for e in errors] == [("NS111", 4, 2 * 996)]
    assert errors[0].message == "the spec holds more than 1,000 words and numbers"
    assert "weight file" in errors[0].hint


def test_plain_rows_of_numbers_do_not_count_as_words(tmp_path, monkeypatch):
    """A 3 × 500 table of plain rows is 1,500 numbers, over a limit of 1,000 words: it is read, not refused."""
    import netspec.lang.parser

    monkeypatch.setattr(netspec.lang.parser, "MAX_SPEC_WORDS", 1_000)
    header = " ".join(f"h{j}" for j in range(500))
    rows = "".join(f"  x{i} " + " ".join(["0.5"] * 500) + "\n" for i in range(1, 4))
    inputs = "".join(f"input x{i}\n" for i in range(1, 4))
    path = _write(tmp_path, f"{inputs}weights W:\n  {header}\n{rows}layer o = dense(input, W)\noutput o\n")
    spec = netspec.load_spec(path)
    assert spec.params["W"].array.shape == (3, 500) and spec.params["W"].array.sum() == 0.5 * 1_500


def test_the_layers_of_a_used_network_count_too(tmp_path):
    """1,500 layers in base.net and 600 more in a spec that uses it: 2,100 steps in all, refused
    though each file alone is under the limit."""
    (tmp_path / "base.net").write_text(_plain_layers(1_500))
    reuse = ['use "base.net"'] + [f"layer g{k} = relu(h1499)" for k in range(600)]
    path = _write(tmp_path, "\n".join(reuse) + "\n")
    errors = _errors(path)
    assert [e.code for e in errors] == ["NS223"]
    assert errors[0].message == ("the spec has 2,100 steps with those of the network it uses, more than the limit "
                                 f"of {DEFAULT_MAX_STEPS:,} steps")
    assert "--max-steps 2100" in errors[0].hint
    assert len(netspec.load_spec(path, Limits(max_steps=2_100)).steps) == 2_100
