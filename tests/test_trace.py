"""Trace printouts: layout pinned by golden files; every printed number is the plan's (issue 2)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import netspec
from netspec.run.inputs import from_examples
from netspec.render import render_trace_as
from netspec.render.numbers import NumberStyle, num
from netspec.run.runner import trace

from conftest import SPECS

GOLDEN_CASES = [
    ("leaf", "leaf", "txt"), ("leaf", "leaf", "md"), ("leaf", "sunflower", "txt"),
    ("leaf_bias", "leaf", "txt"), ("leaf_relu", "leaf", "txt"), ("leaf_softmax", "leaf", "txt"),
    ("leaf_sign", "leaf", "txt"), ("weather", "grey_morning", "txt"),
]
FORMAT = {"txt": "text", "md": "md"}


def _traced(spec_name, example):
    spec = netspec.load_spec(SPECS / f"{spec_name}.net")
    rows = from_examples(spec, example)
    return trace(netspec.compile_plan(spec), rows.values, rows.ids)


def _render(traced, fmt, style=NumberStyle()):
    text = render_trace_as(fmt, traced, style)
    # The provenance line names the file as given; make it independent of where pytest runs.
    return text.replace(str(SPECS), "specs")


@pytest.mark.parametrize("spec_name, example, ext", GOLDEN_CASES, ids=[f"{s}.{e}.{x}" for s, e, x in GOLDEN_CASES])
def test_golden_layout(spec_name, example, ext, golden):
    golden(f"{spec_name}.{example}.{ext}", _render(_traced(spec_name, example), FORMAT[ext]))


def test_leaf_text_shows_the_article_calculation():
    """The numbers of issue 2, as the reader sees them, each from the hand arithmetic in test_leaf."""
    text = _render(_traced("leaf", "leaf"), "text")
    assert "= 3.2        + (−31.03)    + (−3.92)    + 5.152" in text
    assert "= −26.598" in text and "= 2.522" in text and "= −47.094" in text
    assert "= 4.52166           + 0.98358        + (−4.7094)" in text
    assert "Leaf 0.79584 > Flower 0.25122  →  Leaf" in text
    assert text.rstrip().endswith("The object is a Leaf.")
    assert "≈" not in text.split("\n", 2)[2]  # every number of the leaf calculation is exact in 5 decimals


# leaf_bias.net's first layer for the leaf (R, G, B, Vol = 32, 107, 56, 11.2), by hand: each
# input × its weight from the spec's table W1, and the neuron's bias from b1.
HAND_FIRST_LAYER = {
    "h1": ([32 * 0.10, 107 * -0.29, 56 * -0.07, 11.2 * 0.46], 0.25),
    "h2": ([32 * 0.12, 107 * -0.05, 56 * 0.04, 11.2 * 0.16], 0.0),
    "h3": ([32 * -0.36, 107 * -0.21, 56 * -0.27, 11.2 * 0.18], 0.0),
}


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_every_shown_sum_adds_up_in_the_printed_order(fmt):
    """Each neuron's products are printed in order, and its total is exactly (to the bit) those
    products added first to last, then the bias: the sum a learner does on paper."""
    traced = _traced("leaf_bias", "leaf")
    text = _render(traced, fmt)
    for column, (label, (products, bias)) in enumerate(HAND_FIRST_LAYER.items()):
        total = products[0]
        for product in products[1:]:
            total += product
        total += bias
        assert traced.steps[0].result[0, column] == total
        working = text[re.search(rf"{label}\W*=", text).start():]
        working = working[:re.search(r"\n\W*h\d\W*=|Step 2", working[1:]).end()]
        places = [working.index(num(product)) for product in products]
        assert places == sorted(places), f"{label}: products not printed in order"
        assert num(total) in working


def test_json_trace_holds_the_recorded_numbers_exactly():
    traced = _traced("leaf", "leaf")
    document = json.loads(render_trace_as("json", traced, NumberStyle()))
    row = document["rows"][0]
    h1 = row["steps"][0]["items"][0]
    assert h1["address"] == "hidden.h1"
    assert [t["product"] for t in h1["terms"]] == list(traced.steps[0].record.products[0][:, 0])
    assert h1["result"] == traced.steps[0].result[0, 0]
    assert row["outputs"] == {"Leaf": traced.outputs[0, 0], "Flower": traced.outputs[0, 1]}
    assert row["decision"] == "Leaf"


def test_rounded_numbers_are_marked_and_disagreeing_totals_flagged():
    """With 1 decimal, 3.84 + (−5.35) + 2.24 + 1.792 shows as 3.8 + (−5.3) + 2.2 + 1.8 = 2.5: ‡ marks it."""
    traced = _traced("leaf", "leaf")
    text = _render(traced, "text", NumberStyle(digits=1))
    assert "numbers shown to 1 decimal places" in text
    h2 = text[text.index("  h2 ="):text.index("  h3 =")]
    assert "(≈−5.3)" in h2 or "(≈−5.4)" in h2
    assert "≈ 2.5" in h2


def test_sum_that_visibly_disagrees_is_marked():
    """−1.3299 + (−0.30264) + 1.88376 with 2 decimals: −1.33 − 0.30 + 1.88 = 0.25 and 0.25122 → 0.25 agree;
    4.52166 + 0.98358 − 4.7094 → 4.52 + 0.98 − 4.71 = 0.79 but the total shows 0.80: marked with ‡."""
    traced = _traced("leaf", "leaf")
    text = _render(traced, "text", NumberStyle(digits=2))
    leaf_block = text[text.index("  Leaf   ="):text.index("  Flower =")]
    assert "‡" in leaf_block and "give 0.79" in leaf_block
    flower_block = text[text.index("  Flower ="):text.index("Decision")]
    assert "‡" not in flower_block


def test_ascii_style_has_no_unicode_minus():
    text = _render(_traced("leaf", "leaf"), "text", NumberStyle(ascii=True))
    assert "−" not in text and "(-31.03)" in text


def test_long_sums_are_elided_with_the_exact_total(tmp_path):
    """A 12-input neuron shows 3 terms, the last, a count, and the total the plan computed."""
    names = [f"x{i}" for i in range(1, 13)]
    rows = "\n".join(f"  {n}  {i / 10}" for i, n in enumerate(names, 1))
    spec_text = "\n".join(f"input {n}" for n in names) + f"\nweights W:\n  y\n{rows}\nlayer out = dense(input, W)\n"
    spec_text += "decide y if positive otherwise n\n"
    path = tmp_path / "wide.net"
    path.write_text(spec_text)
    spec = netspec.load_spec(path)
    traced = trace(netspec.compile_plan(spec), np.ones((1, 12)), ["ones"])
    text = render_trace_as("text", traced, NumberStyle())
    assert "… 8 more …" in text
    assert "= 7.8 (all 12 terms added)" in text  # 0.1 + 0.2 + … + 1.2 = 7.8
    full = render_trace_as("text", traced, NumberStyle(), max_terms=0)
    assert "x7·W[x7,y]" in full
    biased = spec_text.replace("layer out = dense(input, W)", "bias b:\n  y\n  0.2\nlayer out = dense(input, W, b)")
    path.write_text(biased)
    spec = netspec.load_spec(path)
    text = render_trace_as("text", trace(netspec.compile_plan(spec), np.ones((1, 12)), ["ones"]), NumberStyle())
    assert "= 8 (all 12 terms and the bias added)" in text  # 7.8 + 0.2


@pytest.mark.parametrize("fmt, shown", [("text", "  ✗ example leaf expects Leaf, but the network decides Flower"),
                                        ("md", "✗ example leaf expects Leaf, but the network decides Flower"),
                                        ("html", '<p class="mismatch">✗ example leaf expects Leaf, but the network')])
def test_a_traced_example_that_no_longer_holds_says_so(tmp_path, fmt, shown):
    """leaf.net with W1[R,h1] = 5.1 instead of 0.1: h1 = −26.598 + 32·5 = 133.402, and Flower wins the leaf."""
    text = (SPECS / "leaf.net").read_text(encoding="utf-8").replace("  R      0.10", "  R      5.10")
    (tmp_path / "leaf.net").write_text(text, encoding="utf-8")
    spec = netspec.load_spec(tmp_path / "leaf.net")
    rows = from_examples(spec, "leaf")
    traced = trace(netspec.compile_plan(spec), rows.values, rows.ids)
    assert shown in render_trace_as(fmt, traced, NumberStyle())
    assert "✗" not in render_trace_as(fmt, _traced("leaf", "leaf"), NumberStyle())


def test_a_tie_says_the_output_listed_first_wins():
    """All inputs 0: every sum of leaf.net is 0, so Leaf 0 = Flower 0 and Leaf, listed first, wins."""
    spec = netspec.load_spec(SPECS / "leaf.net")
    text = render_trace_as("text", trace(netspec.compile_plan(spec), np.zeros((1, 4)), ["zeros"]), NumberStyle())
    assert "Leaf 0 = Flower 0  →  Leaf  (a tie: the output listed first wins)" in text
    leaf = render_trace_as("text", _traced("leaf", "leaf"), NumberStyle())
    assert "a tie" not in leaf


def test_text_detail_focus_and_blank():
    """The terminal trace takes the printouts' --detail, --focus and --blank (issue 3)."""
    traced = _traced("leaf", "leaf")
    summary = render_trace_as("text", traced, NumberStyle(), detail="summary")
    assert "  h1 = −26.598   h2 = 2.522   h3 = −47.094" in summary and "R·W1[R,h1]" not in summary
    layer = render_trace_as("text", traced, NumberStyle(), detail="layer")
    assert "  input  value  → h1   → h2   → h3" in layer and "  G      107    −0.29  −0.05  −0.21" in layer
    focus = render_trace_as("text", traced, NumberStyle(), focus="out.Flower")
    assert "  Leaf = 0.79584" in focus and "= (−1.3299)" in focus and "= 3.2" not in focus
    blank = render_trace_as("text", traced, NumberStyle(), blank=True)
    worksheet, key = blank.split("Answer key")
    assert "= 32·0.1     + 107·(−0.29) + 56·(−0.07) + 11.2·0.46" in worksheet
    assert "−26.598" not in worksheet and "= ______" in worksheet and "The object is a ______." in worksheet
    assert "= −26.598" in key and key.rstrip().endswith("The object is a Leaf.")
