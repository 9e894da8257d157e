"""Outputs with no decision (`decide nothing`: an embedding), and sequences of scores labelled from a vocabulary.

Numbers by hand: E = [[1, 0], [0, 1], [1, 1]] embeds "humpty dumpty sat" as (1, 0), (0, 1),
(1, 1); the tied head E^T scores position p's token t as E[t] · x_p.
"""

from __future__ import annotations

import json

import pytest

import netspec
from netspec.diagnostics import format_error
from netspec.errors import NetspecError, flatten

from clirun import invoke

BASE = """vocabulary words words "humpty", "dumpty", "sat" numbered from 1
input text "three words" tokens 3 from words
weights E:
           e1   e2
  humpty    1    0
  dumpty    0    1
  sat       1    1
layer x = embed(input, E)
"""
SEQUENCE = BASE + """weights head = transpose(E)
layer out = dense(x, head)
output out labels from words
example e: text="humpty dumpty sat" -> sat
  expect text1_humpty=1, text1_dumpty=0, text3_sat=2
"""
NOTHING = BASE + """layer v = last(x)
output v
decide nothing
example e: text="humpty dumpty sat"
  expect e1=1, e2=1
"""


def _spec(tmp_path, text):
    path = tmp_path / "spec.net"
    path.write_text(text, encoding="utf-8")
    return path, netspec.load_spec(path)


def test_a_sequence_of_scores_is_labelled_by_position_and_token(tmp_path):
    _, spec = _spec(tmp_path, SEQUENCE)
    assert spec.output_labels[:3] == ("text1_humpty", "text1_dumpty", "text1_sat")
    assert spec.output_labels[-1] == "text3_sat" and len(spec.output_labels) == 9
    result = netspec.run_plan(netspec.compile_plan(spec), [[1.0, 2.0, 3.0]])
    # humpty (1, 0): 1, 0, 1; dumpty (0, 1): 0, 1, 1; sat (1, 1): 1, 1, 2
    assert result.outputs.tolist() == [[1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0]]
    assert list(result.decisions) == ["sat"]  # the largest at the last position: the next token


def test_the_decision_at_the_last_position_ignores_larger_scores_before_it(tmp_path):
    _, spec = _spec(tmp_path, SEQUENCE.replace(
        'example e: text="humpty dumpty sat" -> sat\n  expect text1_humpty=1, text1_dumpty=0, text3_sat=2\n',
        'example e: text="sat sat humpty" -> humpty\n'))
    result = netspec.run_plan(netspec.compile_plan(spec), [[3.0, 3.0, 1.0]])
    # sat sat score 2 at positions 1 and 2; humpty (1, 0) at the last: humpty 1, dumpty 0, sat 1 → humpty
    assert list(result.decisions) == ["humpty"]


def test_the_trace_decides_at_the_last_position(tmp_path):
    path, _ = _spec(tmp_path, SEQUENCE)
    done = invoke("trace", str(path))
    assert "Decision · the largest output at the last position wins: sat 2 > humpty 1 = dumpty 1  →  sat" in done.stdout


def test_a_sequence_whose_features_are_not_the_vocabulary(tmp_path):
    with pytest.raises(NetspecError) as caught:
        _spec(tmp_path, BASE + "output x labels from words\n")
    assert [e.code for e in flatten(caught.value)] == ["NS217"]
    assert "3 positions × 2 features, but the vocabulary words has 3 tokens" in format_error(caught.value)


def test_decide_nothing_gives_the_numbers(tmp_path):
    path, spec = _spec(tmp_path, NOTHING)
    assert spec.decision.kind == "none"
    result = netspec.run_plan(netspec.compile_plan(spec), [[1.0, 2.0, 3.0]])
    assert result.outputs.tolist() == [[1.0, 1.0]]  # sat's row of E
    done = invoke("run", str(path))
    assert done.exit_code == 0 and "decision" not in done.stdout.splitlines()[0]
    assert done.stdout.splitlines()[-1] == "The answer is the 2 numbers of v."
    check = invoke("check", str(path))
    assert check.exit_code == 0 and "decision: none: the output numbers are the answer" in check.stdout
    line = json.loads(invoke("run", str(path), "--format", "json").stdout.splitlines()[0])
    assert line["outputs"] == {"e1": 1.0, "e2": 1.0}


def test_an_example_of_a_spec_that_decides_nothing_checks_its_numbers(tmp_path):
    path, _ = _spec(tmp_path, NOTHING.replace("expect e1=1, e2=1", "expect e1=1, e2=0.5"))
    done = invoke("check", str(path))
    assert done.exit_code == 1 and "e2 is 1, expected 0.5" in done.stdout


@pytest.mark.parametrize("text, words", [
    (NOTHING.replace('text="humpty dumpty sat"', 'text="humpty dumpty sat" -> e1'), "the spec decides nothing"),
    (SEQUENCE.replace(" -> sat", ""), "says no decision"),
])
def test_an_example_and_its_decision_must_agree(tmp_path, text, words):
    with pytest.raises(NetspecError) as caught:
        _spec(tmp_path, text)
    assert [e.code for e in flatten(caught.value)] == ["NS228"] and words in format_error(caught.value)
