"""specs/leaf_collapsed.net, the article's example 4: the leaf network as one layer W1·W2.

Each coefficient is derived here by hand from the article's two tables, and the trace must
show the same sums: a row of W1 times a column of W2, added up.
"""

from __future__ import annotations

import pytest

import netspec
from clirun import invoke
from conftest import SPECS

COLLAPSED = SPECS / "leaf_collapsed.net"
LEAF = {"R": 32, "G": 107, "B": 56, "Vol": 11.2}

# By hand: (W1 row) · (W2 column), term by term.
LEAF_COEFFICIENTS = {
    "R": 0.10 * -0.17 + 0.12 * 0.39 + -0.36 * 0.10,  # −0.017 + 0.0468 − 0.036 = −0.0062
    "G": -0.29 * -0.17 + -0.05 * 0.39 + -0.21 * 0.10,  # 0.0493 − 0.0195 − 0.021 = 0.0088
    "B": -0.07 * -0.17 + 0.04 * 0.39 + -0.27 * 0.10,  # 0.0119 + 0.0156 − 0.027 = 0.0005
    "Vol": 0.46 * -0.17 + 0.16 * 0.39 + 0.18 * 0.10,  # −0.0782 + 0.0624 + 0.018 = 0.0022
}
FLOWER_COEFFICIENTS = {
    "R": 0.10 * 0.05 + 0.12 * -0.12 + -0.36 * -0.04,  # 0.005 − 0.0144 + 0.0144 = 0.005
    "G": -0.29 * 0.05 + -0.05 * -0.12 + -0.21 * -0.04,  # −0.0145 + 0.006 + 0.0084 = −0.0001
    "B": -0.07 * 0.05 + 0.04 * -0.12 + -0.27 * -0.04,  # −0.0035 − 0.0048 + 0.0108 = 0.0025
    "Vol": 0.46 * 0.05 + 0.16 * -0.12 + 0.18 * -0.04,  # 0.023 − 0.0192 − 0.0072 = −0.0034
}


def test_the_hand_coefficients_are_the_articles():
    assert [round(LEAF_COEFFICIENTS[c], 4) for c in ("R", "G", "B", "Vol")] == [-0.0062, 0.0088, 0.0005, 0.0022]
    leaf = 32 * -0.0062 + 107 * 0.0088 + 56 * 0.0005 + 11.2 * 0.0022  # −0.1984 + 0.9416 + 0.028 + 0.02464
    assert leaf == pytest.approx(0.79584, abs=1e-12)


def _run(path):
    result = netspec.run_plan(netspec.compile_plan(netspec.load_spec(path)), [list(LEAF.values())])
    return result.outputs[0], result.decisions[0]


def test_the_collapsed_network_gives_the_two_layer_numbers():
    (leaf, flower), decision = _run(COLLAPSED)
    assert leaf == pytest.approx(0.79584, abs=1e-12)
    assert flower == pytest.approx(32 * 0.005 - 107 * 0.0001 + 56 * 0.0025 - 11.2 * 0.0034, abs=1e-12)
    assert decision == "Leaf"
    (two_leaf, two_flower), _ = _run(SPECS / "leaf.net")
    assert (leaf, flower) == pytest.approx((two_leaf, two_flower), abs=1e-12)


def test_the_trace_shows_each_coefficient_from_the_two_tables():
    text = invoke("trace", COLLAPSED, "--example", "leaf").output
    assert "(W1·W2)[R,Leaf]     = W1[R,h1]·W2[h1,Leaf] + W1[R,h2]·W2[h2,Leaf] + W1[R,h3]·W2[h3,Leaf]" in text
    assert "= 0.1·(−0.17)          + 0.12·0.39            + (−0.36)·0.1" in text
    assert "= (−0.017)             + 0.0468               + (−0.036)" in text
    for entry, value in (("R,Leaf", "−0.0062"), ("G,Leaf", "0.0088"), ("B,Leaf", "0.0005"), ("Vol,Leaf", "0.0022"),
                         ("G,Flower", "−0.0001"), ("Vol,Flower", "−0.0034")):
        block = text.split(f"(W1·W2)[{entry}]", 1)[1].split("\n")[:4]
        assert block[3].strip() == f"= {value}", block
    assert "= 32·(−0.0062)      + 107·0.0088        + 56·0.0005         + 11.2·0.0022" in text
    assert "= (−0.1984)         + 0.9416            + 0.028             + 0.02464" in text
    assert "  The object is a Leaf." in text


def test_the_spec_checks_its_examples():
    result = invoke("run", COLLAPSED)
    assert result.exit_code == 0, result.output


def test_w2_rows_must_be_w1_columns(tmp_path):
    bad = tmp_path / "bad.net"
    bad.write_text(COLLAPSED.read_text(encoding="utf-8").replace("  h3    0.10", "  h4    0.10"), encoding="utf-8")
    result = invoke("check", bad)
    assert result.exit_code == 1
    assert "the rows of W2 (h1, h2, h4) must be the columns of W1 (h1, h2, h3)" in result.output
    assert "bad.net:32:" in result.output


def test_a_learner_works_out_the_coefficients_before_using_them():
    text = invoke("trace", COLLAPSED, "--example", "leaf", "--audience", "learner", "--no-key").output
    for value in ("0.0062", "0.0088", "0.0005", "0.0022", "0.79584", "0.1984"):
        assert value not in text
    assert "((W1·W2)[R,Leaf])" in text  # the weight of R is the learner's own coefficient, carried by name
