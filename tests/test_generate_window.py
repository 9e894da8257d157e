"""Generation's loop (netspec/run/generation.py Window): in float64 every number it makes is the number
a step-by-step trace of the same window shows, bit for bit; in float32 it is run's own float32 number; and
a fault is reported as run reports it."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError
from netspec.run.generation import Window, generate, generating_input, probabilities
from netspec.run.plan import compile_plan
from netspec.run.runner import run, trace

from conftest import ROOT

STARTS = [("tiny_gpt", "umpty dumpty"), ("humpty_chars", "humpty dumpt"), ("humpty_embed", "humpty dumpt"),
          ("fused_qkv", "humpty dumpty sat")]


def _bits(values) -> list[int]:
    return np.asarray(values, dtype=np.float64).view(np.int64).ravel().tolist()


@pytest.mark.parametrize("name, start", STARTS, ids=[name for name, _ in STARTS])
def test_every_generated_number_is_the_traced_windows(name, start):
    """Each step's score and probability, and every output of its window, are the trace's numbers of that
    window (the explaining kernels, step by step) to the last bit; the windows slide as the tokens say."""
    spec = netspec.load_spec(ROOT / "specs" / f"{name}.net")
    made = generate(spec, start, 6)
    plan, first = compile_plan(spec), generating_input(spec).vocabulary.start
    window, numbers = Window(plan), list(made.start_numbers)
    for step in made.steps:
        traced = trace(plan, np.array([numbers], dtype=np.float64), ["window"]).value(spec.output)[0]
        assert _bits(window.outputs(numbers)) == _bits(traced)
        assert _bits(step.output) == _bits(traced[step.number - first])
        assert _bits(step.probability) == _bits(probabilities(traced)[step.number - first])
        assert step.number - first == int(np.argmax(traced))
        numbers = [*numbers[1:], step.number]


@pytest.mark.parametrize("name, start", STARTS, ids=[name for name, _ in STARTS])
def test_float32_generation_is_run_of_the_float32_plan(name, start):
    """dtype="float32": each window's outputs are run's on the float32 plan (the fast kernels, in
    float32), bit for bit; the tokens are the exact float64 run's; each probability is NumPy's softmax of
    those outputs, within float32's precision of the float64 run's."""
    spec = netspec.load_spec(ROOT / "specs" / f"{name}.net")
    exact, fast = generate(spec, start, 6), generate(spec, start, 6, dtype="float32")
    assert (exact.dtype, fast.dtype) == ("float64", "float32")
    assert [s.number for s in fast.steps] == [s.number for s in exact.steps]
    plan, first = compile_plan(spec, "float32"), generating_input(spec).vocabulary.start
    numbers = list(fast.start_numbers)
    for step, wanted in zip(fast.steps, exact.steps):
        outputs = run(plan, np.array([numbers], dtype=np.float32)).outputs[0]
        assert outputs.dtype == np.float32 and step.output == float(outputs[step.number - first])
        shifted = outputs.astype(np.float64) - outputs.max()
        softmax = np.exp(shifted) / np.exp(shifted).sum()
        assert step.probability == pytest.approx(softmax[step.number - first], rel=1e-6)
        assert step.probability == pytest.approx(wanted.probability, rel=1e-4)
        numbers = [*numbers[1:], step.number]


def test_a_spec_whose_dtype_is_float32_generates_in_float32(tmp_path):
    """The spec's own `dtype float32` line is the default, as for run; dtype="float64" overrides it."""
    (tmp_path / "weights").mkdir()
    shutil.copy(ROOT / "specs" / "weights" / "tiny_gpt.npz", tmp_path / "weights")
    path = tmp_path / "gpt32.net"
    path.write_text("dtype float32\n" + (ROOT / "specs" / "tiny_gpt.net").read_text(encoding="utf-8"),
                    encoding="utf-8")
    spec = netspec.load_spec(path)
    assert generate(spec, "humpty dumpt", 2).dtype == "float32"
    assert generate(spec, "humpty dumpt", 2, dtype="float64").dtype == "float64"


OVERFLOWING = """vocabulary v characters "ab" numbered from 1
input text "two letters" tokens 2 from v
weights W:
        a      b
 text1  1e308  0
 text2  0      1
layer out = dense(input, W)
output out labels from v
"""

REFUSED = """vocabulary v characters "ab" numbered from 1
input text "two letters" tokens 2 from v
weights W:
        a     b
 text1  -2    0
 text2  1.5   2
layer h = dense(input, W)
layer out = divide_by_sum(h)
output out labels from v
"""

# (spec, the start, the later window that faults, the code of run's error)
FAULTS = [(OVERFLOWING, "ab", [2.0, 1.0], "NS501"),  # a = 1e308 picks a; "ba" gives 2·1e308, infinity
          (REFUSED, "ab", [2.0, 2.0], "NS502")]  # h = (1, 4) picks b; "bb" gives h.a = −1, which divide_by_sum refuses


@pytest.mark.parametrize("text, start, window, code", FAULTS, ids=["infinity", "refused"])
def test_a_fault_in_a_later_window_is_reported_as_run_reports_it(tmp_path, text, start, window, code):
    """The first window is fine; the next one faults (a result that is not finite, or a number the operation
    refuses, though its result is finite): the loop's error is run's own for that window."""
    path = tmp_path / "faulting.net"
    path.write_text(text)
    spec = netspec.load_spec(path)
    with pytest.raises(NetspecError) as by_run:
        run(compile_plan(spec), np.array([window]), exact=True)
    with pytest.raises(NetspecError) as by_generate:
        generate(spec, start, 3)
    assert by_generate.value.code == by_run.value.code == code
    assert str(by_generate.value) == str(by_run.value)
