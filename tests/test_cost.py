"""The cost model refuses resource bombs up front, by their shapes, and lets every real spec through.

Each bomb runs as a child process held to 1 GiB of address space (RLIMIT_AS): had netspec
allocated what the bomb asks for, the child would fail with a MemoryError, not the NS code
the test expects. The figures in the tests are worked out by hand from the shapes.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import numpy as np
import pytest

import netspec
import netspec.run.batch as batch
from netspec.check import cost
from netspec.errors import NetspecError
from netspec.limits import Limits
from netspec.render import drawing_fits, trace_fits, trace_size
from netspec.render.view import is_large

from conftest import ROOT, SPECS

CHILD_MEMORY = 1024**3


def _held():
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def netspec_cli(*args, seconds: float = 30) -> subprocess.CompletedProcess:
    """`netspec ARGS` in a child with 1 GiB of address space; it must end within `seconds`."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "netspec", *map(str, args)], capture_output=True, text=True,
                          preexec_fn=_held, timeout=seconds, cwd=ROOT)
    assert time.monotonic() - started < seconds
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr[-2000:]
    return done


def _refused(done, code: str, *words: str):
    assert done.returncode == 1, done.stderr[-2000:]
    assert f"[{code}]" in done.stderr, done.stderr[-2000:]
    for word in words:
        assert word in done.stderr, (word, done.stderr[-2000:])
    assert done.stdout == ""


def _attention(tokens: int, features: int = 2, example: bool = False, extra: str = "") -> str:
    """A text of `tokens` letters a/b, embedded in `features` numbers, one attention layer, then a dense out."""
    columns = " ".join(f"e{i}" for i in range(1, features + 1))
    rows = "".join(f"  {t} " + " ".join("1" if i == k else "0" for i in range(features)) + "\n"
                   for k, t in enumerate("ab"))
    text = (f'vocabulary v characters "ab" numbered from 1\ninput text "a long text" tokens {tokens} from v\n'
            f"weights E:\n     {columns}\n{rows}layer x = embed(input, E)\nlayer s = attention(x, x, x{extra})\n"
            "layer l = last(s)\n"
            f"weights W:\n     a  b\n" + "".join(f"  e{i} 1 0\n" for i in range(1, features + 1))
            + "layer out = dense(l, W)\noutput out labels from v\n")
    if example:
        text += f'example first: text="{"ab" * (tokens // 2)}" -> a\n'
    return text


# ---- attention's queries × keys ----
@pytest.mark.parametrize("tokens", [20_000, 30_000])
def test_attention_over_a_long_text_is_refused_at_check(tmp_path, tokens):
    """Its kernel holds 4 arrays of tokens² scores for one row: 4 · 20,000² · 8 bytes = 11.9 GiB
    (30,000: 26.8 GiB), over 4 GiB; refused before any example runs and before its neurons are named."""
    path = tmp_path / "long.net"
    path.write_text(_attention(tokens, example=True))
    need = 4 * tokens**2 * 8 / 1024**3
    done = netspec_cli("check", path)
    _refused(done, "NS226", "layer `s`", f"{need:.1f} GiB for a single row", "--max-memory")


def test_the_refusal_names_the_limit_that_would_let_it_through(tmp_path):
    path = tmp_path / "long.net"
    path.write_text(_attention(20_000))
    with pytest.raises(NetspecError) as refused:
        netspec.load_spec(path)
    hint = refused.value.hint
    assert hint.endswith("--max-memory 12GB")  # 11.9 GiB and a little
    lifted = netspec.load_spec(path, Limits(max_bytes=12 * 1024**3)).cost
    assert [step.name for step in lifted.steps] == ["x", "s", "l", "out"]


def test_names_of_a_huge_embedding_are_refused_before_they_are_made(tmp_path):
    """100,000 tokens × 20,000 columns would be 2e9 neurons, each named; 2e9 · 150 bytes is far over 4 GiB."""
    np.save(tmp_path / "E.npy", np.ones((2, 20_000)))
    path = tmp_path / "wide.net"
    path.write_text('vocabulary v characters "ab" numbered from 1\ninput text "t" tokens 100000 from v\n'
                    'weights E from "E.npy"\nlayer x = embed(input, E)\n')
    done = netspec_cli("check", path)
    _refused(done, "NS226", "layer `x`", "--max-memory")


def test_names_of_a_table_from_a_small_file_are_refused_before_they_are_made(tmp_path):
    """A 62 KB compressed file of 8,000,000 zeros: 64 MB of numbers fit in --max-memory 1GB, but the
    8,000,000 column names, some 150 bytes each, would take 1.1 GiB."""
    np.savez_compressed(tmp_path / "zeros.npz", W=np.zeros((1, 8_000_000)))
    path = tmp_path / "wide.net"
    path.write_text('input a\nweights W from "zeros.npz" key "W"\nlayer out = dense(input, W)\n')
    _refused(netspec_cli("check", path, "--max-memory", "1GB"), "NS226", "W has 8,000,000 columns", "1.1 GiB",
             "--max-memory 2GB")


# ---- run --csv: chunks sized by the cost per row ----
def test_chunk_size_shrinks_for_attention(tmp_path):
    """tokens 500: attention's kernel holds 4 · 500² = 1,000,000 numbers (8 MB) a row, so a 256 MiB chunk
    has at most 256 MiB / 8 MB = 33 rows, not the 4,096 or more it had; with --max-memory 64MB, at most 8."""
    path = tmp_path / "window.net"
    path.write_text(_attention(500))
    spec = netspec.load_spec(path)
    assert 25 <= batch.chunk_rows(spec) <= 256 * 1024**2 // (4 * 500**2 * 8) == 33
    small = netspec.load_spec(path, Limits(max_bytes=64 * 1024**2))
    assert 1 <= batch.chunk_rows(small) <= 64 * 1024**2 // (4 * 500**2 * 8) == 8


def test_a_csv_of_attention_rows_runs_within_the_memory_it_is_given(tmp_path):
    """200 rows of a 500-token window, with --max-memory 300MB, in a child held to 1 GiB: every row comes out."""
    path = tmp_path / "window.net"
    path.write_text(_attention(500))
    rows = tmp_path / "rows.csv"
    rows.write_text("text\n" + "".join(("ab" * 250)[k:] + ("ab" * 250)[:k] + "\n" for k in range(200)))
    done = netspec_cli("run", path, "--csv", rows, "--format", "csv", "--max-memory", "300MB", seconds=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout.splitlines()) == 201


def test_a_single_row_over_the_limit_is_refused_up_front(tmp_path):
    """One row of the 500-token window takes 8 MB; with --max-memory 4MB no row can run."""
    path = tmp_path / "window.net"
    path.write_text(_attention(500))
    rows = tmp_path / "rows.csv"
    rows.write_text("text\n" + "ab" * 250 + "\n")
    _refused(netspec_cli("run", path, "--csv", rows, "--max-memory", "4MB"), "NS226", "--max-memory 8MB")


# ---- say ----
def _say(tmp_path, placeholders: int, label: str = "Leaf") -> str:
    path = tmp_path / "say.net"
    path.write_text(f"input a\ninput b\nweights W:\n    {label}  other\n a  1  0\n b  0  1\nlayer out = dense(input, W)\n"
                    'say "' + "{decision} " * placeholders + '"\n')
    return path


def test_a_sentence_longer_than_a_printout_is_refused_at_check(tmp_path):
    """40,000 placeholders for a 2,000-letter label: 40,000 · 2,000 = 80 million characters a row, over 50 MB."""
    _refused(netspec_cli("check", _say(tmp_path, 40_000, "x" * 2_000)), "NS225", "--max-printout")


def test_a_long_sentence_on_every_csv_row_is_refused_and_shrinks_the_chunks(tmp_path):
    """40,000 placeholders of `other` (5 letters, shorter than `{decision}`): 440,000 characters a row.
    A JSON run of 2,000 rows would write 880 MB of sentences: refused. Each row counts the sentence twice
    (the decision and the printed line), so a chunk holds at most 256 MiB / 880,000 bytes = 305 rows."""
    path = _say(tmp_path, 40_000)
    spec = netspec.load_spec(path)
    assert spec.cost.decision_chars == 440_000
    assert batch.chunk_rows(spec) <= 256 * 1024**2 // (2 * 440_000) == 305
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" + "1,2\n" * 2_000)
    _refused(netspec_cli("run", path, "--csv", rows, "--format", "json"), "NS703", "--max-printout")


# ---- printouts of a wide layer ----
def _wide(tmp_path) -> str:
    """20,000 tokens × 16 numbers, then a 16 × 16 dense at every position: 5,120,000 products a row."""
    np.save(tmp_path / "E.npy", np.ones((2, 16)))
    np.save(tmp_path / "W.npy", np.eye(16))
    path = tmp_path / "wide.net"
    path.write_text('vocabulary v characters "ab" numbered from 1\ninput text "t" tokens 20000 from v\n'
                    'weights E from "E.npy"\nlayer x = embed(input, E)\nweights W from "W.npy"\n'
                    "layer y = dense(x, W)\nlayer out = last(y)\n"
                    f'example one: text="{"ab" * 10_000}" -> y1\n')
    return path


def test_a_json_trace_of_a_wide_layer_is_refused(tmp_path):
    """JSON writes every product (5,120,000, about 180 bytes each): some 900 MB, over 50 MB."""
    _refused(netspec_cli("trace", _wide(tmp_path), "--format", "json"), "NS703", "json trace", "--max-printout")


def test_a_drawing_of_a_wide_layer_is_refused(tmp_path):
    """A circle per neuron: 20,000 + 320,000 + 320,000 + 16 neurons, about 250 bytes each: 165 MB, over 50 MB."""
    _refused(netspec_cli("draw", _wide(tmp_path)), "NS703", "drawing", "--max-printout")


def _deep(tmp_path, copies: int):
    np.save(tmp_path / "W.npy", np.eye(16) * 0.5)
    path = tmp_path / f"deep{copies}.net"
    path.write_text("".join(f"input x{i}\n" for i in range(16)) + 'weights W0 from "W.npy"\n'
                    'layer h = dense(input, W0)\nweights W from "W.npy"\n'
                    f"repeat {copies} times:\n  layer h = dense(h, W)\nend\n"
                    "example e: " + ", ".join(f"x{i}=1" for i in range(16)) + " -> h1\n")
    return path


def test_a_long_repeat_traced_as_json_is_refused(tmp_path):
    """1,999 copies of a 16 × 16 dense: 2,000 · (256 products + 32) numbers, about 100 MB as JSON."""
    path = _deep(tmp_path, 1999)
    _refused(netspec_cli("trace", path, "--format", "json"), "NS703", "--max-printout 99MB")
    trace_fits(netspec.load_spec(path, Limits(max_printout=99 * 1024**2)), 1, "json")  # the limit it names will do


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_printout_estimate_is_an_upper_bound_not_far_above(tmp_path, fmt):
    """The estimate (made before tracing) against the real printout of 200 copies: at least as large, at most 4×."""
    path = _deep(tmp_path, 200)
    spec = netspec.load_spec(path)
    layout = {} if fmt == "json" else {"detail": "neuron"}
    printed = netspec_cli("trace", path, "--format", fmt, *(f"--{k}={v}" for k, v in layout.items())).stdout
    assert len(printed) <= trace_size(spec, 1, fmt, **layout) <= 4 * len(printed)


def test_a_printout_lifted_past_the_memory_limit_is_refused_by_memory(tmp_path):
    """--max-printout 1GB lets the JSON of 2,000 dense steps through: (2,000 · (16·16 products + 2·16) + 16 inputs)
    numbers at 180 bytes, and 8 KiB, are 103,691,072 bytes (98.9 MiB); but making it takes about ten bytes of
    memory a byte written, 989 MiB, more than --max-memory 500MB."""
    done = netspec_cli("trace", _deep(tmp_path, 1999), "--format", "json", "--max-printout", "1GB",
                       "--max-memory", "500MB")
    assert (2_000 * (16 * 16 + 2 * 16) + 16) * 180 + 8 * 1024 == 103_691_072
    _refused(done, "NS505", "of memory", "--max-memory 989MB")


def test_a_trace_over_the_printout_limit_is_shortened_as_if_focused(tmp_path):
    """61 dense steps of 16 neurons (976 numbers, not a large network): the whole text trace is estimated at
    about 924 KiB (it is some 300 KB), over --max-printout 500KB; the trace works out the output in full and
    the other steps in short instead, as --focus would, and says so. With --detail asked for, it is refused."""
    path = _deep(tmp_path, 60)
    spec = netspec.load_spec(path)
    assert trace_size(spec, 1, "text") > 500 * 1024 > trace_size(spec, 1, "text", focus=spec.output)
    done = netspec_cli("trace", path, "--max-printout", "500KB")
    assert done.returncode == 0 and "larger than --max-printout" in done.stderr
    assert done.stdout == netspec_cli("trace", path, "--focus", spec.output).stdout
    _refused(netspec_cli("trace", path, "--detail", "neuron", "--max-printout", "500KB"), "NS703", "--max-printout")


def test_tracing_many_rows_is_refused_by_memory_before_it_starts():
    """tiny_gpt keeps about 0.95 MB of intermediates a traced row: 5,000 rows would be 4.4 GiB, over 4 GiB."""
    spec = netspec.load_spec(SPECS / "tiny_gpt.net")
    rows = np.ones((5_000, 12))
    with pytest.raises(NetspecError) as refused:
        netspec.trace_plan(netspec.compile_plan(spec), rows)
    assert refused.value.code == "NS505" and "5,000 rows" in refused.value.message


# ---- generate ----
def test_generate_over_the_operation_budget_is_refused_at_once(tmp_path):
    """A 2,000-token causal attention: 2,000² scores a step, each with 2 + 2 multiply-adds and an exact exp
    (fdlibm's steps, counted as 60): over 2.5e8 a step; 10,000 steps are far over the 1e11 allowed."""
    path = tmp_path / "window.net"
    path.write_text(_attention(2_000, extra=", mask=causal"))
    per_step = netspec.load_spec(path).cost.operations
    assert per_step >= 2_000**2 * (2 + 2 + 60)
    done = netspec_cli("generate", path, "--text", "ab" * 1_000, "--steps", "10000", seconds=20)
    _refused(done, "NS804", f"{10_000 * per_step:,} operations", f"--max-operations {10_000 * per_step}")


# ---- every real spec goes through ----
@pytest.mark.parametrize("path", sorted(SPECS.glob("*.net")), ids=lambda p: p.stem)
def test_the_specs_are_not_refused(path):
    """Checking, running and tracing the examples, the text and JSON trace of one, drawing, and
    generating 10,000 steps where it can: all within the default limits."""
    spec = netspec.load_spec(path)
    rows = max(len(spec.examples), 1)
    cost.rows_fit(spec.cost, rows, traced=True)
    printout = {"focus": spec.output} if is_large(spec) else {}  # what `netspec trace` does by default
    for fmt in ("text", "md", "html", "tex"):
        trace_fits(spec, rows, fmt, **printout)
    trace_fits(spec, 1, "json")
    drawing_fits(spec)
    if spec.texts:
        cost.work_fits(spec.cost, 10_000)
    assert batch.chunk_rows(spec) >= 4096


def test_tiny_gpt_runs_its_examples_under_the_memory_guard():
    done = netspec_cli("check", SPECS / "tiny_gpt.net", seconds=60)
    assert done.returncode == 0 and "4 of 4 examples pass" in done.stdout


def _stacked_attention(tokens: int, layers: int) -> str:
    """`layers` attention layers in a chain over a text of `tokens` letters, then its last position, then a dense out."""
    text = (f'vocabulary v characters "ab" numbered from 1\ninput text "a long text" tokens {tokens} from v\n'
            "weights E:\n     e1 e2\n  a 1 0\n  b 0 1\nlayer s0 = embed(input, E)\n")
    text += "".join(f"layer s{k} = attention(s{k - 1}, s{k - 1}, s{k - 1})\n" for k in range(1, layers + 1))
    return text + f"layer l = last(s{layers})\nweights W:\n     a  b\n  e1 1 0\n  e2 0 1\nlayer out = dense(l, W)\n" \
        "output out labels from v\n"


def test_a_focused_trace_is_sized_by_the_working_it_keeps(tmp_path):
    """Four attention layers over 1,000 tokens: each one's working is some 11 numbers for each of the
    10⁶ pairs of positions (88 MB a row), so the whole trace keeps over 350 MB. Focused on `out`, the
    trace keeps every result (a few thousand numbers) and one step's working at a time, 88 MB: it runs
    under --max-memory 150MB, where the trace of every step's working (--detail neuron) is refused
    before it starts."""
    path = tmp_path / "stacked.net"
    path.write_text(_stacked_attention(1_000, 4), encoding="utf-8")
    spec = netspec.load_spec(path)
    layer = next(s.cost.explain for s in spec.cost.steps if s.name == "s1") * 8
    assert 11 * 10**6 * 8 <= layer < 12 * 10**6 * 8
    assert spec.cost.trace_bytes > 4 * layer > 150 * 2**20
    assert layer < spec.cost.traced_bytes({"out"}) < layer + 100_000 < 150 * 2**20
    given = ("trace", path, "--input", "text=" + "ab" * 500, "--max-memory", "150MB")
    done = netspec_cli(*given, "--focus", "out", seconds=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Decision" in done.stdout
    assert done.stdout == netspec_cli(*given[:-1], "1GB", "--focus", "out", seconds=120).stdout  # the limit changes nothing
    _refused(netspec_cli(*given, "--detail", "neuron"), "NS505", "tracing 1 row", "--max-memory")
