"""Printouts (issue 3): HTML with the diagram, SVG, Markdown and LaTeX; detail levels, focus, worksheets.

Layout is pinned by golden files; every number a printout shows is checked against the
Trace (after render/numbers.py formatting) across all formats in one test.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

import netspec
from netspec.errors import InputError
from netspec.run.inputs import from_examples
from netspec.render import render_trace_as
from netspec.render.diagram import render_drawing
from netspec.render.escape import html_text, tex_comment, tex_text
from netspec.render.numbers import NumberStyle, factor, num, show
from netspec.render.view import PrintOptions, parse_focus
from netspec.render.worked import Sum, worked_rows
from netspec.run.runner import trace

from conftest import ROOT, SPECS

SPEC_NAMES = sorted(p.stem for p in SPECS.glob("*.net"))
BIG = {"tiny_gpt": ("y", "out.y")}  # (example, focus): a whole trace of these is tens of thousands of lines


def traced(spec_name: str, example: str | None = "leaf"):
    spec = netspec.load_spec(SPECS / f"{spec_name}.net")
    rows = from_examples(spec, example)
    return trace(netspec.compile_plan(spec), rows.values, rows.ids)


def render(fmt: str, t, style=NumberStyle(), **printout) -> str:
    if fmt == "svg":
        return _relative(render_drawing(t.spec, PrintOptions(style, **printout), t))
    return _relative(render_trace_as(fmt, t, style, **printout))


def _relative(text: str) -> str:
    """The specs folder as `specs`, wherever the repository is: written as the printout writes it (a
    checkout under /tmp/ci_clone appears as /tmp/ci\\_clone in LaTeX)."""
    for written in (str(SPECS), tex_text(str(SPECS)), tex_comment(str(SPECS)), html_text(str(SPECS))):
        text = text.replace(written, "specs")
    return text


# ---- golden layouts ----

GOLDEN = [("html", "html", {}), ("tex", "tex", {}), ("svg", "svg", {}), ("blank.md", "md", {"blank": True}),
          ("blank.html", "html", {"blank": True}), ("blank.tex", "tex", {"blank": True, "label_terms": True}),
          ("focus.md", "md", {"focus": "W1[G,h1]"}), ("summary.md", "md", {"detail": "summary"}),
          ("layer.md", "md", {"detail": "layer"})]


@pytest.mark.parametrize("name, fmt, printout", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_leaf_golden(name, fmt, printout, golden):
    golden(f"leaf.leaf.{name}", render(fmt, traced("leaf"), **printout))


def test_softmax_html_golden(golden):
    golden("leaf_softmax.leaf.html", render("html", traced("leaf_softmax")))


def test_weights_only_drawing_golden(golden):
    golden("leaf.weights.svg", render_drawing(netspec.load_spec(SPECS / "leaf.net")))


# ---- every number is the trace's ----

FORMATS = ["text", "md", "json", "html", "tex", "svg"]


def _recorded(t) -> np.ndarray:
    """Every number the run recorded: inputs, parameters, each step's intermediates and result."""
    arrays = [t.inputs] + [p.array for s in t.steps for p in s.params]
    for step in t.steps:
        arrays += step.record.arrays() + [step.result]
    return np.concatenate([a.reshape(-1) for a in arrays])


def _plain(fmt: str, text: str) -> str:
    """The text a reader sees: HTML/SVG text nodes and tooltips (no style, no attributes); TeX without commands."""
    if fmt in ("html", "svg"):
        parser = _TextOnly()
        parser.feed(text)
        return "\n".join(parser.chunks)
    if fmt == "tex":
        body = text[text.index(r"\begin{document}"):]
        for command, symbol in TEX_SYMBOLS:
            body = body.replace(command, symbol)
        body = re.sub(r"\\[a-zA-Z]+|[{}$&^]|\\\\", " ", body)
        return re.sub(r"[ \t]+", " ", body).replace("-", "−")
    return text


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks, self._skip = [], False

    def handle_starttag(self, tag, attrs):
        self._skip = tag == "style"

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


TEX_SYMBOLS = (("{-}", "−"), ("$-$", "−"), (r"\_", "_"), (r"{\approx}", "≈"), (r"\approx", "≈"),
               (r"\textgreater{}", ">"), (r"\le", "≤"), (r"\to", "→"), (r"\cdot", "·"), (r"\times", "×"),
               (r"\dots{}", "…"), (r"\ldots", "…"), (r"$\surd$", "√"), (r"\surd ", "√"), (r"$\pi$", "π"),
               (r"\pi ", "π"), (r"$^2$", "²"), ("^2", "²"), ("--", "–"))
STRUCTURE = [  # numbers that are not the network's: versions, hashes, spec lines, counts, ranges, formula constants
    r"\d+ ?× ?\d+ (?:→|->) \d+ ?× ?\d+", r"\d+ (?:→|->) \d+ ?× ?\d+", r"\d+ ?× ?\d+ (?:→|->) \d+",  # shapes
    r"each of the \d+ positions", r"form=\w+[^\n]*", r"The drawing is left out[^\n]*", r"\d+ heads, each", r"\b[a-z]+=[−-]?\d[\d.e−-]*",  # sequences: positions × features
    r"netspec \d+\.\d+\.\d+", r"sha256 \S+", r"float64", r"\d+ decimal places", r"[\w.]+\.net:\d+–\d+", r"[\w.]+\.net:\d+", r"Steps \d+–\d+", r"Step \d+",
    r"\d+ inputs?", r"\d+ in vectors", r"→ \d+ [a-z_]\w*", r"\d+ (?:→|->) \d+[\s|&]+0(?![\d.])", r"\d+ (?:→|->) \d+", r"\d+ \([^)]*\)",
    r"input[\s|]+input[\s|]+\d+[\s|]+\d+", r"\d+ weights", r"\d+ biases", r"… \d+ more …", r"all \d+ terms",
    r"[−-]?\d+ to \d+", r"at (?:least|most) \d+",
    r"max\(0,", r"(?<![\d.])1 / \(1 \+", r"(?<![\d.])1 /", r"(?:>|≤) 0(?![.\d])",
    r"they give \S+\)",  # the ‡ note: what the shown (rounded) terms add up to, by hand
    r"\(1 \+ ", r"\) / 2(?![\d.])", r"√2(?![\d.])", r"√\(2/π\)", r"0\.044715",  # GELU's formulas
    r"(?<![\d.])1 − (?:p|(?=\d))",  # dropout's 1 − p
    r"tokenized by \w+: [^\n]*", r"(?:character|word) \d+ of", r"… \d+ more",  # text in, text out (issue 4)
    r"is row \d+", r"\d+ rows of \d+ numbers", r"\d+ × \d+ = \d+ numbers",  # embed: token rows, side by side
    r"→ \d+ ?× ?\d+ [a-z_]\w*", r"\(\w+ \d+ ?× ?\d+\)", r"(?<![\d.])\d+ ?× ?\d+(?![\d.e])",  # a sequence's shape
    # (positions × features), not a product such as 56 × 5e−4
]


def _numbers(fmt: str, text: str) -> list[str]:
    plain = _plain(fmt, text)
    if fmt == "json":
        return []  # full precision: checked exactly in test_trace.py
    for pattern in STRUCTURE:
        plain = re.sub(pattern, " ", plain, flags=re.M)
    found = re.findall(r"(?<![\w.\[,])[−-]?\d+(?:\.\d+)?(?:e[−-]?\d+)?(?![\w.\]])", plain)
    return [n.replace("-", "−") for n in found]


@pytest.mark.parametrize("spec_name", SPEC_NAMES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_number_shown_is_a_recorded_number(fmt, spec_name):
    """Each number in each printout is some recorded number of the run, formatted by render/numbers.py."""
    big = BIG.get(spec_name)  # a large network: one example, focused on one output number
    t = traced(spec_name, big[0] if big else None)
    for style in (NumberStyle(), NumberStyle(digits=2)):
        allowed = {show(v, style).text for v in _recorded(t)}
        text = render(fmt, t, style, **({"focus": big[1]} if big and fmt != "svg" else {}))
        stray = sorted(set(_numbers(fmt, text)) - allowed)
        assert not stray, f"{fmt} shows numbers the trace does not hold: {stray[:10]}"


@pytest.mark.parametrize("fmt", ["text", "md", "html", "tex"])
def test_every_product_and_total_is_shown(fmt):
    """And the other way round: each product and each neuron's total appears, as numbers.py writes it."""
    t = traced("leaf_bias", "leaf")
    plain = _plain(fmt, render(fmt, t))
    for step in worked_rows(t)[0].steps:
        for item in (i for i in step.items if isinstance(i, Sum)):
            for term in item.terms:
                assert factor(term.product) in plain
            assert num(item.total) in plain


def test_the_leaf_numbers_in_the_drawing():
    svg = render("svg", traced("leaf"))
    assert re.search(r'id="hidden\.h1".*?<text[^>]*class="value">−26\.598</text>', svg, re.S)
    assert re.search(r'id="out\.Leaf".*?<text[^>]*class="value">0\.79584</text>', svg, re.S)
    edge = r'data-address="W1\[G,h1\]"><title>W1\[G,h1\] = −0\.29  \(G → h1\)\n107·\(−0\.29\) = −31\.03'
    assert re.search(edge, svg)
    assert svg.count('class="edge') == 18 and svg.count('class="node') == 5 and svg.count('class="input') == 4


# ---- detail levels, focus, elision ----

def test_detail_levels_add_up():
    t = traced("leaf")
    summary, layer, neuron = (render("md", t, detail=d) for d in ("summary", "layer", "neuron"))
    assert "**h1** = −26.598" in summary and "| input | value | → h1" not in summary
    assert "| G | 107 | −0.29 |" in layer and "3.2 + (−31.03)" not in layer
    assert "3.2 + (−31.03) + (−3.92) + 5.152 = **−26.598**" in neuron
    assert neuron == render("md", t)


def _wide_trace(tmp_path, n=16):
    names = [f"x{i}" for i in range(1, n + 1)]
    rows = "\n".join(f"  {name}  {i / 10}  {-i / 10}" for i, name in enumerate(names, 1))
    text = "\n".join(f"input {name}" for name in names) + f"\nweights W:\n  y  z\n{rows}\n"
    text += "layer out = dense(input, W)\ndecide largest\n"
    path = tmp_path / "wide.net"
    path.write_text(text, encoding="utf-8")
    spec = netspec.load_spec(path)
    return trace(netspec.compile_plan(spec), np.ones((1, n)), ["ones"])


def test_long_sums_use_the_text_traces_elision_rule(tmp_path):
    """First three terms, "… n more …", the last term, and the total the plan computed (13.6 = 0.1 + … + 1.6)."""
    t = _wide_trace(tmp_path)
    md = render("md", t)
    assert "**y** = 1 × 0.1 + 1 × 0.2 + 1 × 0.3 + … 12 more … + 1 × 1.6" in md and "**13.6**" in md
    assert "x7 × " not in md and "1 × 0.7" not in md
    assert "1 × 0.7" in render("md", t, detail="scalar")
    assert "1 × 0.7" in render("md", t, focus="out.y") and "**z** = −13.6" in render("md", t, focus="out.y")
    assert "… 12 more …" in render("html", t) and r"\text{\dots{} 12 more \dots{}}" in render("tex", t)


def test_wide_layers_are_drawn_as_a_matrix_grid(tmp_path):
    t = _wide_trace(tmp_path)
    svg = render("svg", t, focus="W[x3,z]")
    assert 'class="grid"' in svg and svg.count('class="edge') == 32
    assert 'id="W[x3,z]" class="edge negative focus"' in svg and 'id="input.x3" class="node cell focus"' in svg
    assert svg.count('class="highlight"') == 2  # the focused row and column
    assert 'class="weights grid"' in render("html", t)


def test_focus_expands_one_value_and_summarises_the_rest():
    md = render("md", traced("leaf"), focus="out.Leaf")
    assert "**h1** = −26.598 · **h2** = 2.522 · **h3** = −47.094" in md
    assert "4.52166 + 0.98358 + (−4.7094) = **0.79584**" in md and "**Flower** = 0.25122" in md
    html = render("html", traced("leaf"), focus="out.Leaf")
    assert '<table class="sum focus" data-address="out.Leaf">' in html
    assert 'id="out.Leaf" class="node winner focus"' in html


def test_an_unknown_focus_is_an_input_error_with_a_suggestion():
    with pytest.raises(InputError) as caught:
        render("md", traced("leaf"), focus="hiden.h1")
    assert "did you mean `hidden.h1`" in caught.value.hint


def test_every_address_a_trace_prints_is_one_focus_accepts():
    """view.parse_focus (looking addresses up) and render/worked.py (writing them) agree: each
    item, each weight and bias of a sum, each table number a step reads (`E[h,e1]`)."""
    for spec_name in SPEC_NAMES:
        t = traced(spec_name, None)
        row = worked_rows(t)[0]
        for step in row.steps:
            for item in step.items:
                focus = parse_focus(t.spec, item.address, row)  # a value's own item, or one it quotes (attention's k)
                assert item.address.startswith(f"{focus.value}.{focus.label}"), (spec_name, item.address)
                if isinstance(item, Sum):  # a weight, a bias, or in attention's q·k the number of k
                    for address in [term.weight for term in item.terms] + ([item.bias.address] if item.bias else []):
                        parse_focus(t.spec, address, row)
                    continue
                reads = [read for stage in item.stages for piece in stage if isinstance(piece, str)
                         for read in _table_reads(piece, t.spec.params)]
                for address in reads:
                    assert parse_focus(t.spec, address, row).value == step.trace_step.name, (spec_name, address)


def _table_reads(text: str, params) -> list[str]:
    """`E[h,e1]`, `E[[UNK],one]`, `P[3,e2]` in a line of working: a table's name and its bracketed entry."""
    reads = []
    for name in params:
        start = text.find(f"{name}[")
        while start >= 0:
            depth, end = 0, start + len(name)
            for end in range(start + len(name), len(text)):
                depth += {"[": 1, "]": -1}.get(text[end], 0)
                if depth == 0:
                    break
            if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
                reads.append(text[start:end + 1])
            start = text.find(f"{name}[", end)
    return reads


@pytest.mark.parametrize("spec_name, example, address, shown", [
    ("leaf_softmax", "leaf", "probability.sum", "= 1 + ≈0.58006 ≈ 1.58006"),
    ("layernorm", None, "normed.mean", "= (2 + 4 + 4 + 4 + 5 + 5 + 7 + 9) / 8 = 40 / 8 = 5"),
    ("attention_3tok", None, "E[humpty,e1]", "E[humpty,e1]"),
    ("attention_3tok", "sat", "a.score(text3, text1)", "= 0.7·1                 + 0·0"),
    ("leaf", "leaf", "W1[G,h1]", "107"),
])
def test_focus_on_working_or_a_table_number_shows_its_working(spec_name, example, address, shown):
    text = render("text", traced(spec_name, example), focus=address)
    assert shown in text


def test_focus_on_an_input_shows_the_first_layer_with_its_row_marked():
    md = render("md", traced("leaf"), focus="input.R")
    assert "| **R** | 32 | 0.1 | 0.12 | −0.36 |" in md  # R = 32 and W1's row R, the article's first weights
    svg = render("svg", traced("leaf"), focus="input.R")
    assert '<g id="input.R" class="input focus"' in svg


def test_a_misspelt_neuron_gets_each_suggestion_once():
    with pytest.raises(InputError) as caught:
        render("text", traced("leaf"), focus="hidden.h9")
    assert caught.value.hint == "did you mean `hidden.h3`, `hidden.h2`, `hidden.h1`?"


def test_a_misspelt_working_address_is_suggested():
    with pytest.raises(InputError) as caught:
        render("text", traced("leaf_softmax"), focus="probability.summ")
    assert "did you mean `probability.sum`" in caught.value.hint
    with pytest.raises(InputError) as caught:
        render("text", traced("attention_3tok", None), focus="E[humpti,e1]")
    assert "`E[humpty,e1]`" in caught.value.hint


# ---- worksheets ----

@pytest.mark.parametrize("fmt, key", [("md", "# Answer key"), ("html", "<h2>Answer key</h2>"),
                                      ("tex", r"\section*{Answer key}")])
def test_blank_worksheet_hides_every_worked_number_until_the_answer_key(fmt, key):
    t = traced("leaf_relu")
    text = render(fmt, t, blank=True)
    sheet, answers = text.split(key)
    sheet_plain = _plain(fmt, sheet)
    answers_plain = _plain(fmt, "\\begin{document}" * (fmt == "tex") + answers)
    for step in worked_rows(t)[0].steps[:1]:
        for item in (i for i in step.items if isinstance(i, Sum)):
            assert all(factor(term.product) not in sheet_plain for term in item.terms)
            assert all(factor(term.product) in answers_plain for term in item.terms)
    for hidden in ("−26.598", "0.98358", "The object is a Leaf"):
        assert hidden not in sheet_plain
        assert hidden in answers_plain
    for given in ("107", "−0.29", "0.39"):  # the inputs and weights are on the sheet
        assert given in sheet_plain


def test_a_worksheet_box_is_never_put_in_an_exponent():
    """A full-size box as a superscript beside tiny signs reads as `e times a box`: on the line, exp(□ − □)."""
    tex = render("tex", traced("leaf_softmax"), blank=True)
    sheet = tex[:tex.index("Answer key")]
    assert r"e^{\text{Leaf}} &= \exp({\blank} - {\blank}) = \exp({\blank}) = {\blank}" in sheet
    assert not re.search(r"e\^\{?\(?\{\\blank", sheet)
    assert r"e^{(0.79584 - 0.79584)} = e^{0} = 1" in tex  # the answer key keeps e^(x − largest)


def test_label_terms_names_each_weight_under_its_product():
    tex = render("tex", traced("leaf"), label_terms=True)
    assert r"\underbrace{107\cdot ({-}0.29)}_{\text{W1[G,h1]}}" in tex


# ---- LaTeX compiles ----

@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("spec_name", ["leaf", "leaf_softmax", "weather"])
def test_tex_compiles_with_pdflatex(spec_name, tmp_path):
    for name, printout in (("sheet", {}), ("blank", {"blank": True, "label_terms": True})):
        (tmp_path / f"{name}.tex").write_text(render("tex", traced(spec_name, None), **printout), encoding="utf-8")
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("spec_name", ["posenc", "tiny_gpt"])
def test_tex_of_long_formulas_stays_on_the_page(spec_name, tmp_path):
    """Long operation lists and step titles (`attention(encoded, encoded, …)`) wrap or shrink to the page."""
    example, focus = BIG.get(spec_name, (None, None))
    printout = {"focus": focus} if focus else {}  # as `netspec trace` shows a large network
    (tmp_path / "sheet.tex").write_text(render("tex", traced(spec_name, example), **printout), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    log = (tmp_path / "sheet.log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log, log[log.find("Overfull"):][:400]


def test_strip_cells_fit_their_label_and_value_side_by_side():
    """humpty_chars' 27 outputs as a strip: `space 10.7446` at 11px overran its 76px cell; the font shrinks."""
    from netspec.render.diagram.layout import CHAR_W, STRIP_W

    svg = render("svg", traced("humpty_chars", "y"))
    cells = re.findall(r'class="label" font-size="([\d.]+)">([^<]*)</text>\n<text [^>]*class="value" '
                       r'font-size="[\d.]+">([^<]*)</text>', svg)
    assert len(cells) >= 27
    for size, label, value in cells:
        assert (len(label) + len(value) + 1) * CHAR_W * float(size) / 11 <= STRIP_W - 6, (label, value, size)


# ---- the notebook object ----

def test_printout_object_shows_html_in_a_notebook_and_text_in_a_terminal(tmp_path):
    sheet = netspec.printout(SPECS / "leaf.net", {"R": 32, "G": 107, "B": 56, "Vol": 11.2})
    assert str(sheet) == render_trace_as("text", sheet.trace, NumberStyle())
    fragment = sheet._repr_html_()
    assert fragment.startswith('<div class="netspec-printout">') and "<html" not in fragment
    assert 'id="hidden.h1"' in fragment and "−26.598" in fragment
    assert repr(sheet) == "<Printout leaf_or_flower: the given input → Leaf>"
    sheet.save(tmp_path / "leaf.html")
    sheet.save(tmp_path / "leaf.svg")
    assert (tmp_path / "leaf.html").read_text(encoding="utf-8") == sheet.html()
    assert (tmp_path / "leaf.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_printout_checks_inputs_like_the_command_line():
    with pytest.raises(InputError):
        netspec.printout(SPECS / "leaf.net", {"R": 300, "G": 107, "B": 56, "Vol": 11.2})
    both = netspec.printout(SPECS / "leaf.net", [{"R": 32, "G": 107, "B": 56, "Vol": 11.2},
                                                 {"R": 241, "G": 200, "B": 4, "Vol": 59.5}])
    assert both.trace.decisions == ("Leaf", "Flower")


def test_netspec_import_stays_lazy():
    """`import netspec` and `netspec run` load no printout module."""
    code = "import sys, netspec; print(sorted(m for m in sys.modules if m.startswith('netspec.')))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert "notebook" not in done.stdout and "html" not in done.stdout


# ---- docs/printouts ----

def _make_printouts():
    spec = importlib.util.spec_from_file_location("make_printouts", ROOT / "scripts" / "make_printouts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_printouts_are_current(monkeypatch):
    """docs/printouts/leaf.* is what `python scripts/make_printouts.py` writes today."""
    monkeypatch.chdir(ROOT)
    from pathlib import Path

    files = _make_printouts().printouts(Path("specs") / "leaf.net")
    assert len(files) == 10
    for name, text in files.items():
        committed = ROOT / "docs" / "printouts" / name
        assert committed.exists() and committed.read_text(encoding="utf-8") == text, \
            f"docs/printouts/{name} is stale: run `python scripts/make_printouts.py`"


def test_gallery_shows_current_drawings_that_are_kept(monkeypatch):
    """docs/printouts.md's gallery and docs/printouts/.gitignore are what the script writes today,
    and every drawing the gallery shows is in the folder, as the script draws it."""
    monkeypatch.chdir(ROOT)
    from pathlib import Path

    script = _make_printouts()
    leaf = list(script.printouts(Path("specs") / "leaf.net"))
    drawings = script.gallery_drawings()
    assert "leaf" in drawings and "tiny_gpt" not in drawings  # the GPT's drawing is over the size kept
    for name, svg in drawings.values():
        committed = ROOT / "docs" / "printouts" / name
        assert committed.exists() and committed.read_text(encoding="utf-8") == svg, \
            f"docs/printouts/{name} is stale: run `python scripts/make_printouts.py`"
    page = (ROOT / "docs" / "printouts.md").read_text(encoding="utf-8")
    rerun = "a spec was added or changed: run `python scripts/make_printouts.py`"
    assert script.GALLERY_BLOCK.search(page).group(0) == f"<!-- gallery -->\n{script.gallery(leaf, drawings)}<!-- /gallery -->", rerun
    ignore = (ROOT / "docs" / "printouts" / ".gitignore").read_text(encoding="utf-8")
    assert ignore == script.gitignore(script.kept(leaf, drawings)), rerun
