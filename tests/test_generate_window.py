"""Generation's exact loop (netspec/run/generation.py ExactWindow): every number it makes is the number
a step-by-step trace of the same window shows, bit for bit, and a fault is reported as run reports it."""

from __future__ import annotations

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError
from netspec.run.generation import ExactWindow, generate, generating_input, probabilities
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
    window, numbers = ExactWindow(plan), list(made.start_numbers)
    for step in made.steps:
        traced = trace(plan, np.array([numbers], dtype=np.float64), ["window"]).value(spec.output)[0]
        assert _bits(window.outputs(numbers)) == _bits(traced)
        assert _bits(step.output) == _bits(traced[step.number - first])
        assert _bits(step.probability) == _bits(probabilities(traced)[step.number - first])
        assert step.number - first == int(np.argmax(traced))
        numbers = [*numbers[1:], step.number]


OVERFLOWING = """vocabulary v characters "ab" numbered from 1
input text "two letters" tokens 2 from v
weights W:
        a      b
 text1  1e308  0
 text2  0      1
layer out = dense(input, W)
output out labels from v
"""


def test_a_fault_in_a_later_window_is_reported_as_run_reports_it(tmp_path):
    """"ab" gives a = 1e308 and picks a; the next window "ba" gives 2·1e308, infinity: the loop's error is
    run's own for that window, naming the step and the neuron."""
    path = tmp_path / "overflowing.net"
    path.write_text(OVERFLOWING)
    spec = netspec.load_spec(path)
    with pytest.raises(NetspecError) as by_run:
        run(compile_plan(spec), np.array([[2.0, 1.0]]), exact=True)
    with pytest.raises(NetspecError) as by_generate:
        generate(spec, "ab", 3)
    assert by_generate.value.code == by_run.value.code == "NS501"
    assert str(by_generate.value) == str(by_run.value)
    assert "out" in str(by_run.value) and "infinity" in str(by_run.value)
