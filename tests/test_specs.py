"""Every spec in specs/ checks, runs its examples, and traces without error (issue 2)."""

from __future__ import annotations

import numpy as np
import pytest

import netspec
from netspec.run.examples import verify_examples
from netspec.run.inputs import from_examples
from netspec.run.runner import trace

from conftest import SPECS

SPEC_FILES = sorted(SPECS.glob("*.net"))


@pytest.mark.parametrize("path", SPEC_FILES, ids=[p.name for p in SPEC_FILES])
def test_spec_checks_and_its_examples_pass(path):
    spec = netspec.load_spec(path)
    assert spec.examples, "every example spec carries examples"
    results = verify_examples(spec, netspec.compile_plan(spec))
    assert [r.mismatches for r in results] == [() for _ in results]


@pytest.mark.parametrize("path", SPEC_FILES, ids=[p.name for p in SPEC_FILES])
def test_spec_is_documented_at_its_top(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(f"# {path.name}:")


@pytest.mark.parametrize("path", SPEC_FILES, ids=[p.name for p in SPEC_FILES])
def test_trace_ends_with_the_decision_sentence(path):
    from netspec.render.text import render_trace

    spec = netspec.load_spec(path)
    rows = from_examples(spec)
    traced = trace(netspec.compile_plan(spec), rows.values, rows.ids)
    text = render_trace(traced)
    last = text.rstrip().splitlines()[-1].strip()
    assert last == spec.decision.sentence.replace("{decision}", traced.decisions[-1])
    assert np.isfinite(traced.outputs).all()
