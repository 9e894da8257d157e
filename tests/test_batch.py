"""Large CSV files stream through in chunks; nothing is half-written when a late row is bad (issue 5)."""

from __future__ import annotations

import io

import numpy as np
import pytest

import netspec
import netspec.run.batch as batch
from netspec.run.csvinput import read_chunks
from netspec.errors import InputError, NumericError
from netspec.render.numbers import NumberStyle
from netspec.render.results import chunk_writer

from conftest import SPECS


@pytest.fixture
def leaf():
    spec = netspec.load_spec(SPECS / "leaf.net")
    return spec, netspec.compile_plan(spec)


def _csv(tmp_path, rows, name="rows.csv"):
    path = tmp_path / name
    path.write_text("R,G,B,Vol\n" + "".join(f"{r},{g},{b},{v}\n" for r, g, b, v in rows))
    return path


def _random_rows(n, seed=0):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.integers(0, 256, (n, 3)), rng.uniform(0, 100, n).round(3)])


def test_chunks_give_the_same_rows_as_one_batch(tmp_path, leaf):
    spec, plan = leaf
    rows = _random_rows(1000)
    path = _csv(tmp_path, rows.tolist())
    chunks = list(read_chunks(spec, str(path), chunk_rows=64))
    assert [len(c.values) for c in chunks] == [64] * 15 + [40]
    np.testing.assert_array_equal(np.concatenate([c.values for c in chunks]), rows)
    assert chunks[1].ids[0] == "CSV row 65 (line 66)"


def test_streamed_output_equals_one_batch(tmp_path, leaf, monkeypatch):
    """JSON Lines and CSV are the same whether the file is run in one chunk or in many."""
    spec, plan = leaf
    path = _csv(tmp_path, _random_rows(300).tolist())
    outputs = {}
    for chunk_rows in (10_000, 7):
        monkeypatch.setattr(batch, "chunk_rows", lambda spec, limits=None, n=chunk_rows: n)
        for fmt in ("json", "csv"):
            pieces = []
            show = chunk_writer(spec, fmt, NumberStyle())
            count = batch.run_csv(spec, plan, str(path), show, pieces.append, atomic_target=True)
            assert count == 300
            outputs.setdefault(fmt, set()).add("".join(pieces))
    assert len(outputs["json"]) == 1 and len(outputs["csv"]) == 1
    lines = next(iter(outputs["csv"])).splitlines()
    assert lines[0] == "row,R,G,B,Vol,Leaf,Flower,decision" and lines[300].startswith("300,")


@pytest.mark.parametrize("bad_cell, error", [("abc", InputError), ("1e300", NumericError)],
                         ids=["bad-input", "overflow-inside"])
def test_a_bad_late_row_prints_nothing(tmp_path, leaf, monkeypatch, bad_cell, error):
    """A large file is checked through once before anything is printed (HOLD_IN_MEMORY set to 0 here)."""
    spec, plan = leaf
    rows = _random_rows(200).tolist()
    rows[150][3] = bad_cell  # Vol: `at least 0`; 1e300 · 0.46 · … overflows only if big enough
    if bad_cell == "1e300":
        path = tmp_path / "huge.net"
        path.write_text((SPECS / "leaf.net").read_text().replace("0.46    0.16    0.18", "1e300 1e300 1e300"))
        spec = netspec.load_spec(path)
        plan = netspec.compile_plan(spec)
    csv_path = _csv(tmp_path, rows)
    monkeypatch.setattr(batch, "HOLD_IN_MEMORY", 0)
    monkeypatch.setattr(batch, "chunk_rows", lambda spec, limits=None: 16)
    printed = io.StringIO()
    with pytest.raises(error) as caught:
        batch.run_csv(spec, plan, str(csv_path), chunk_writer(spec, "csv", NumberStyle()), printed.write, atomic_target=False)
    assert printed.getvalue() == ""
    assert "151" in caught.value.message


def test_json_lines_and_csv_read_back_exactly(tmp_path):
    """Labels with quotes, commas and % survive; every number reads back as the same float64."""
    spec_text = (SPECS / "leaf.net").read_text().split("example leaf")[0]
    path = tmp_path / "odd.net"
    path.write_text(spec_text.replace("output out", 'output out labels "50% leafy", "a, b"'))
    spec = netspec.load_spec(path)
    plan = netspec.compile_plan(spec)
    rows = _random_rows(20)
    csv_path = _csv(tmp_path, rows.tolist())
    pieces = []
    batch.run_csv(spec, plan, str(csv_path), chunk_writer(spec, "json", NumberStyle()), pieces.append, atomic_target=True)
    import json

    records = [json.loads(line) for line in "".join(pieces).splitlines()]
    expected = netspec.run_plan(plan, rows)
    assert [r["outputs"]["50% leafy"] for r in records] == expected.outputs[:, 0].tolist()
    assert [r["decision"] for r in records] == expected.decisions
    assert records[3]["row"] == 4 and records[3]["inputs"]["Vol"] == rows[3, 3]
    pieces = []
    batch.run_csv(spec, plan, str(csv_path), chunk_writer(spec, "csv", NumberStyle()), pieces.append, atomic_target=True)
    import csv as csv_module

    table = list(csv_module.reader(io.StringIO("".join(pieces))))
    assert table[0] == ["row", "R", "G", "B", "Vol", "50% leafy", "a, b", "decision"]
    assert [float(r[6]) for r in table[1:]] == expected.outputs[:, 1].tolist()
    assert [r[7] for r in table[1:]] == expected.decisions


def test_chunk_size_follows_the_widest_layer(leaf):
    """The leaf network (widest value 4 numbers) runs 100,000 rows as one chunk: one product per layer."""
    spec, plan = leaf
    assert batch.chunk_rows(spec) == 131_072 >= 100_000


def test_chunk_size_shrinks_for_a_wide_layer(tmp_path):
    """A 2,000-neuron input into softmax. One row at its peak holds the input (2,000 numbers) and softmax's
    4 × 2,000 temporaries: 10,000 × 8 bytes = 80,000, and its sentence `→ {decision}` (12 characters, 4 bytes
    each) 48; its text is 32 bytes a cell for 2,000 inputs and 2,000 outputs, twice the 12 characters and 200:
    128,224. 256 MiB / 208,272 bytes = 1,288 rows per chunk."""
    path = tmp_path / "wide.net"
    path.write_text("".join(f"input x{i}\n" for i in range(2000)) + "layer y = softmax(input)\n")
    assert batch.chunk_rows(netspec.load_spec(path)) == 256 * 1024 * 1024 // (80_000 + 48 + 128_224) == 1288


def test_a_batch_run_lets_go_of_values_no_later_step_reads():
    """leaf_relu.net: input is last read by step 1, weighted by step 2, hidden by step 3; out is kept."""
    spec = netspec.load_spec(SPECS / "leaf_relu.net")
    assert netspec.compile_plan(spec).last_uses == (("input",), ("weighted",), ("hidden",))


def test_decisions_are_picked_for_every_row(leaf):
    """Plan 2 and plan 1 over 100,000 rows: the same labels as a row-by-row comparison."""
    spec, plan = leaf
    rows = _random_rows(100_000, seed=3)
    result = netspec.run_plan(plan, rows)
    by_hand = ["Leaf" if a > b else "Flower" for a, b in result.outputs.tolist()]
    assert result.decisions == by_hand
    sign = netspec.load_spec(SPECS / "leaf_sign.net")
    signed = netspec.run_plan(netspec.compile_plan(sign), rows)
    assert signed.decisions == ["Leaf" if v > 0 else "Flower" for v in signed.outputs[:, 0].tolist()]


def test_decisions_stay_label_numbers_until_read(leaf):
    """A batch's decisions are one array of label numbers; strings are made only for the rows read."""
    spec, plan = leaf
    rows = np.array([[32, 107, 56, 11.2], [241, 200, 4, 59.5], [32, 107, 56, 11.2]])
    result = netspec.run_plan(plan, rows)
    assert result.decisions.chosen.tolist() == [0, 1, 0]  # Leaf 0.79584 > Flower 0.25122; the sunflower the other way
    assert result.decisions.labels == ("Leaf", "Flower")
    assert (len(result.decisions), result.decisions[1], result.decisions[-1]) == (3, "Flower", "Leaf")
    assert result.decisions[1:] == ["Flower", "Leaf"]
    assert result.decisions.present() == ("Leaf", "Flower")
    assert result.decisions[:1].present() == ("Leaf",)
    assert result.decisions != ["Leaf", "Leaf", "Leaf"]
