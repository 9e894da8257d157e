"""`netspec train`: the article's loss by hand, the data it refuses, what it writes and what it never writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import netspec
from netspec.train.losses import Loss
from clirun import invoke

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
LEAF = SPECS / "leaf.net"


def test_the_articles_loss():
    """Outputs (0.6, 0.4) against the wanted (0.8, 0.2): |0.8 − 0.6| + |0.2 − 0.4| = 0.2 + 0.2 = 0.4."""
    got, wanted = np.array([[0.6, 0.4]]), np.array([[0.8, 0.2]])
    assert Loss("l1").value(got, wanted) == pytest.approx(0.4, abs=1e-15)
    assert Loss("l1").gradient(got, wanted).tolist() == [[-1.0, 1.0]]  # raise Leaf, lower Flower
    assert Loss("mse").value(got, wanted) == pytest.approx((0.2 ** 2 + 0.2 ** 2) / 2, abs=1e-15)


def test_cross_entropy_by_hand():
    """Outputs (0, ln 3): softmax (1/4, 3/4); wanted the second: −ln(3/4). On probabilities: −ln p."""
    got = np.array([[0.0, np.log(3.0)]])
    assert Loss("cross-entropy").value(got, np.array([[0.0, 1.0]])) == pytest.approx(-np.log(0.75), rel=1e-14)
    assert Loss("cross-entropy").gradient(got, np.array([[0.0, 1.0]])) == pytest.approx(np.array([[0.25, -0.25]]))
    assert Loss("cross-entropy", True).value(np.array([[0.25, 0.75]]), np.array([[0.0, 1.0]])) == \
        pytest.approx(-np.log(0.75), rel=1e-14)


def test_one_sgd_step_on_the_article_leaf_by_hand(tmp_path):
    """leaf_start gives (0.6, 0.4) for the leaf; l1 against (0.8, 0.2): ∂L/∂Leaf = −1, ∂L/∂Flower = +1.
    h1 = 32 × 0.03125 = 1, so ∂L/∂W2[h1,Leaf] = −1 · 1 and with lr 0.1 the weight becomes 0.6 + 0.1 = 0.7."""
    out = tmp_path / "one.net"
    result = invoke("train", SPECS / "leaf_start.net", "--data", SPECS / "leaf_article.csv", "-o", out,
                    "--epochs", "1", "--lr", "0.1", "--log", tmp_path / "log.jsonl")
    assert result.exit_code == 0, result.output
    trained = netspec.load_spec(out)
    w2 = trained.params["W2"].array
    assert w2[0].tolist() == [0.6 + 0.1 * 1.0, 0.4 - 0.1 * 1.0]
    line = json.loads((tmp_path / "log.jsonl").read_text().splitlines()[0])
    assert line["epoch"] == 1 and line["loss"] == pytest.approx(0.4, abs=1e-15)
    # W1[R,h1] moves by lr · 32 · (∂L/∂h1 = −1·0.6 + 1·0.4 = −0.2): 0.03125 + 0.1·32·0.2
    assert trained.params["W1"].array[0, 0] == pytest.approx(0.03125 + 0.1 * 32 * 0.2, rel=1e-14)


def test_the_trained_spec_keeps_comments_is_tidy_and_runs_the_trained_numbers(tmp_path):
    out = tmp_path / "leaf_trained.net"
    result = invoke("train", LEAF, "--data", SPECS / "leaf_train.csv", "-o", out, "--loss", "cross-entropy",
                    "--optimizer", "adam", "--epochs", "50")
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "# Each column is one hidden neuron; each row is the input it listens to." in text
    assert invoke("tidy", "--check", out).exit_code == 0
    assert invoke("check", out).exit_code == 0  # the examples' expected numbers are the trained ones
    assert netspec.load_spec(out).params["W1"].array[0, 0] != 0.10
    assert LEAF.read_text().count("0.10    0.12   -0.36") == 1  # the input spec is untouched


def test_weights_from_files_go_to_a_safetensors_file_beside_the_output(tmp_path):
    out = tmp_path / "humpty.net"
    result = invoke("train", SPECS / "humpty_chars.net", "--data", SPECS / "humpty_windows.csv", "-o", out,
                    "--loss", "cross-entropy", "--optimizer", "adam", "--epochs", "3")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "humpty.safetensors").is_file()
    assert 'from "humpty.safetensors" key "W1"' in out.read_text()
    from safetensors.numpy import load_file

    stored = load_file(tmp_path / "humpty.safetensors")
    assert np.array_equal(stored["W1"], netspec.load_spec(out).params["W1"].array)


def test_inline_tables_inside_a_repeat_go_to_the_weight_file(tmp_path):
    spec = tmp_path / "block.net"
    spec.write_text("input a\ninput b\nrepeat 2 times:\n  weights W:\n       a  b\n    a  1  0\n    b  0  1\n"
                    "  layer x = dense(input, W)\nend\noutput x\ndecide largest\n", encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("a,b,label\n1,2,a\n2,1,b\n", encoding="utf-8")
    result = invoke("train", spec, "--data", data, "-o", tmp_path / "out.net", "--epochs", "2", "--lr", "0.1")
    assert result.exit_code == 0, result.output
    trained = netspec.load_spec(tmp_path / "out.net")
    assert 'key "W.{i}"' in (tmp_path / "out.net").read_text()
    assert not np.array_equal(trained.params["W[1]"].array, trained.params["W[2]"].array)


def test_random_weights_learn_the_rhyme(tmp_path):
    """The article's character model, from random weights: every window's next character, then the rhyme."""
    out = tmp_path / "humpty.net"
    result = invoke("train", SPECS / "humpty_embed.net", "--data", SPECS / "humpty_windows.csv", "-o", out,
                    "--loss", "cross-entropy", "--optimizer", "adam", "--lr", "0.01", "--epochs", "300",
                    "--init", "random", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert netspec.generate(out, "humpty dumpt", 15).text == "humpty dumpty sat on a wall"


@pytest.mark.parametrize("rows, code, words", [
    ("R,G,B,label\n1,2,3,Leaf\n", "NS308", "no column for the input Vol"),
    ("R,G,B,Vol,label\n1,2,3,4,Tree\n", "NS902", "'Tree' is not one of the decisions"),
    ("R,G,B,Vol,Leaf\n1,2,3,4,1\n", "NS901", "no column for the output Flower"),
    ("R,G,B,Vol,Leaf,Flower\n1,2,3,4,nan,0\n", "NS302", "is not a finite number"),
    ("R,G,B,Vol,label\n1,2,3,-4,Leaf\n", "NS304", "outside its range"),
])
def test_bad_data_is_refused_before_any_epoch(tmp_path, rows, code, words):
    data = tmp_path / "bad.csv"
    data.write_text(rows, encoding="utf-8")
    result = invoke("train", LEAF, "--data", data, "-o", tmp_path / "out.net")
    assert result.exit_code == 1 and f"[{code}]" in result.output and words in result.output
    assert "bad.csv:2:" in result.output or "bad.csv:1:" in result.output  # file:line:col
    assert not (tmp_path / "out.net").exists()


def test_divergence_names_the_epoch_and_step_and_writes_nothing(tmp_path):
    result = invoke("train", LEAF, "--data", SPECS / "leaf_train.csv", "-o", tmp_path / "out.net", "--lr", "10",
                    "--log", tmp_path / "log.jsonl")
    assert result.exit_code == 1 and "[NS903]" in result.output
    assert "at epoch " in result.output and ", step 1" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_input_spec_is_never_overwritten_unless_in_place(tmp_path):
    spec = tmp_path / "leaf.net"
    spec.write_text(LEAF.read_text())
    refused = invoke("train", spec, "--data", SPECS / "leaf_train.csv", "-o", spec)
    assert refused.exit_code == 1 and "[NS702]" in refused.output and spec.read_text() == LEAF.read_text()
    done = invoke("train", spec, "--data", SPECS / "leaf_train.csv", "--in-place", "--epochs", "1", "--lr", "1e-6")
    assert done.exit_code == 0, done.output
    assert spec.read_text() != LEAF.read_text()


def test_freeze_leaves_a_table_as_it_is(tmp_path):
    out = tmp_path / "out.net"
    result = invoke("train", LEAF, "--data", SPECS / "leaf_train.csv", "-o", out, "--freeze", "W1", "--lr", "1e-5")
    assert result.exit_code == 0, result.output
    trained, original = netspec.load_spec(out), netspec.load_spec(LEAF)
    assert np.array_equal(trained.params["W1"].array, original.params["W1"].array)
    assert not np.array_equal(trained.params["W2"].array, original.params["W2"].array)
    unknown = invoke("train", LEAF, "--data", SPECS / "leaf_train.csv", "-o", out, "--freeze", "W3")
    assert unknown.exit_code == 1 and "[NS904]" in unknown.output


def test_check_gradients_agrees_with_the_nudge():
    result = invoke("train", SPECS / "tiny_gpt.net", "--data", SPECS / "humpty_windows.csv", "--check-gradients",
                    "--loss", "cross-entropy")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("every gradient is within 1e-05 of its nudge")
    assert "Wq[2]" in result.output


def test_the_train_step_printout_shows_the_articles_numbers():
    """trace --train-step on leaf_start: L = |0.8 − 0.6| + |0.2 − 0.4| = 0.4; ∂L/∂W2[h1,Leaf] = ∂L/∂Leaf · h1
    = (−1)·1; W2[h1,Leaf]′ = 0.6 − 0.1·(−1) = 0.7, the number `netspec train --epochs 1 --lr 0.1` writes."""
    args = ("trace", SPECS / "leaf_start.net", "--train-step", "--data", SPECS / "leaf_article.csv", "--lr", "0.1")
    text = invoke(*args).output
    assert "L = |0.8 − 0.6| + |0.2 − 0.4| = 0.2 + 0.2 = 0.4" in text
    assert "∂L/∂W2[h1,Leaf]   = ∂L/∂Leaf · h1 = (−1)·1 = −1" in text
    assert "W2[h1,Leaf]′   = 0.6 − 0.1·(−1) = 0.7" in text
    assert "∂L/∂W1[R,h1]   = ∂L/∂h1 · R = (−0.2)·32 = −6.4" in text  # ∂L/∂h1 = (−1)·0.6 + 1·0.4
    steps = {s["value"]: s for s in json.loads(invoke(*args, "--format", "json").output)["rows"][0]["steps"]}
    assert steps["loss"]["items"][0]["result"] == pytest.approx(0.4, abs=1e-15)
    updated = {i["address"]: i["result"] for i in steps["W2′"]["items"]}
    assert updated["W2′.W2[h1,Leaf]"] == 0.6 + 0.1 and updated["W2′.W2[h1,Flower]"] == 0.4 - 0.1
    for fmt in ("md", "html", "tex"):
        shown = invoke(*args, "--format", fmt).output
        assert "0.7" in shown and "h1,Leaf" in shown
    blank = invoke(*args, "--format", "md", "--blank").output
    assert blank.count("= 0.2 + 0.2 = 0.4") == 1  # only in the answer key


def test_a_train_step_through_attention_and_layer_norm():
    """tiny_gpt's step: every table gets its gradient and its update; the numbers are the trainer's."""
    result = invoke("trace", SPECS / "tiny_gpt.net", "--train-step", "--data", SPECS / "humpty_windows.csv",
                    "--row", "2", "--loss", "cross-entropy", "--format", "json")
    assert result.exit_code == 0, result.output
    values = [s["value"] for s in json.loads(result.output)["rows"][0]["steps"]]
    assert {"loss", "∂L/∂Wq[1]", "∂L/∂E", "Wq[1]′", "E′", "∂L/∂normed[1]"} <= set(values)


def test_cross_entropy_on_a_softmax_spec_is_cross_entropy_on_the_scores_before_it(tmp_path):
    """A spec ending in softmax is trained on its probabilities; the same network without the softmax on the
    softmax of its outputs: the two are one loss, so every epoch and every weight agree."""
    table = "weights W:\n      yes   no\n  a   0.5  -0.2\n  b  -0.3   0.1\n"
    head = "input a\ninput b\n" + table + "layer s = dense(input, W)\n"
    tail = "decide largest\n"
    (tmp_path / "p.net").write_text(head + "layer p = softmax(s)\noutput p\n" + tail, encoding="utf-8")
    (tmp_path / "s.net").write_text(head + "output s\n" + tail, encoding="utf-8")
    (tmp_path / "d.csv").write_text("a,b,label\n1,2,yes\n3,-1,no\n0.5,0.5,yes\n", encoding="utf-8")
    results = {}
    for name in ("p", "s"):
        args = ("train", tmp_path / f"{name}.net", "--data", tmp_path / "d.csv", "--loss", "cross-entropy")
        assert invoke(*args, "--check-gradients").exit_code == 0
        done = invoke(*args, "-o", tmp_path / f"{name}_out.net", "--epochs", "5", "--lr", "0.5",
                      "--log", tmp_path / f"{name}.jsonl")
        assert done.exit_code == 0, done.output
        results[name] = ([json.loads(line)["loss"] for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()],
                         netspec.load_spec(tmp_path / f"{name}_out.net").params["W"].array)
    assert results["p"][0] == pytest.approx(results["s"][0], rel=1e-12)
    assert np.allclose(results["p"][1], results["s"][1], rtol=1e-12, atol=0)


def test_training_settings_belong_to_a_training_step():
    assert invoke("trace", LEAF, "--data", SPECS / "leaf_train.csv").exit_code == 2
    assert invoke("trace", LEAF, "--example", "leaf", "--lr", "0.1").exit_code == 2
    assert invoke("train", LEAF, "--data", SPECS / "leaf_train.csv").exit_code == 2  # neither -o nor --in-place


def test_a_table_made_from_another_is_refused_unless_both_are_frozen(tmp_path):
    spec = tmp_path / "tied.net"
    spec.write_text("input a\ninput b\nweights W:\n     y  z\n  a  1  2\n  b  3  4\nweights V = transpose(W)\n"
                    "layer h = dense(input, W)\nlayer out = dense(h, V)\noutput out\ndecide largest\n", encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("a,b,label\n1,2,a\n", encoding="utf-8")
    refused = invoke("train", spec, "--data", data, "-o", tmp_path / "out.net")
    assert refused.exit_code == 1 and "[NS904]" in refused.output and "V is made from W" in refused.output
    assert not (tmp_path / "out.net").exists()
