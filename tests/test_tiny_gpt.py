"""A whole GPT in one spec (issue 4): specs/tiny_gpt.net against the PyTorch model it was trained as.

scripts/make_tiny_gpt.py trained nanoGPT's architecture with PyTorch and recorded, for the
15 windows of the rhyme, the 27 scores at the last position (tests/reference/models/).
netspec computes the same model from the spec's own operations: embed, positional
embedding, two pre-norm blocks of layer norm, two-head causal attention with W_O,
residual adds, a GELU MLP, a final layer norm and the head. Tolerance: 1e-12 relative and
1e-12 absolute (float64; the two libraries sum in different orders, and layer norm's
formulas differ: see test_ops_reference.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import netspec

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "tiny_gpt.net"
RHYME = "humpty dumpty sat on a wall"  # notes §2.5


def _reference():
    with np.load(ROOT / "tests" / "reference" / "models" / "tiny_gpt.npz") as found:
        return {key: found[key] for key in found.files}


def test_every_window_scores_as_pytorch_does():
    reference = _reference()
    plan = netspec.compile_plan(netspec.load_spec(str(SPEC)))
    for path in (netspec.run_plan, netspec.trace_plan):
        outputs = path(plan, reference["ids"]).outputs
        np.testing.assert_allclose(outputs, reference["logits"], rtol=1e-12, atol=1e-12, err_msg=path.__name__)


def test_the_windows_are_the_article_s():
    """The reference's inputs are the 15 sliding windows of notes §2.5, numbered a = 1 … space = 27."""
    chars = "abcdefghijklmnopqrstuvwxyz "
    windows = ["".join(chars[int(n) - 1] for n in row) for row in _reference()["ids"]]
    assert windows == [RHYME[i:i + 12] for i in range(15)]


def test_greedy_generation_writes_the_rhyme():
    assert netspec.generate(str(SPEC), "humpty dumpt", 15).text == RHYME


def test_one_number_of_the_gpt_is_worked_out_in_full():
    """--focus on one output: that score's whole sum, every other step as a short summary."""
    printout = netspec.printout(str(SPEC), {"text": "humpty dumpt"}, focus="out.y")
    text = printout.text()
    assert "y     = e1·head[e1,y]" in text and "The next character is y." in text
    assert "… 189 more" in text  # a 12 × 16 value on one row: 192 numbers, the first two and the last shown
    assert len(text.splitlines()) < 100


def test_a_large_network_is_traced_in_short_unless_asked():
    """Over 2,000 numbers: `netspec trace` works out the output in full, says so on stderr, and
    --detail neuron still gives every sum."""
    from click.testing import CliRunner

    from netspec.cli import cli

    short = CliRunner().invoke(cli, ["trace", str(SPEC), "--example", "y"])
    assert short.exit_code == 0
    assert "computes 7,531 numbers" in short.stderr and "computes" not in short.stdout
    assert len(short.stdout.splitlines()) < 300 and "y     = e1·head[e1,y]" in short.stdout
    full = CliRunner().invoke(cli, ["trace", str(SPEC), "--example", "y", "--detail", "neuron"])
    assert full.exit_code == 0 and "computes" not in full.stderr
    assert len(full.stdout.splitlines()) > 5000
