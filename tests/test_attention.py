"""Sequences and attention (issue 4): the specs attention_3tok, multihead, multihead_standard, cross_attention,
posenc and softmax, against arithmetic written out here.

Expected numbers come from math.exp and math.sin on the spec's own small tables (the
article's form of attention), or from NumPy written out step by step (the standard
form); the operations themselves are checked against PyTorch in test_ops_reference.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import netspec
from netspec.run import inputs
from netspec.cli import cli
from netspec.errors import NetspecError, flatten

SPECS = Path(__file__).resolve().parent.parent / "specs"


def _run(name: str, example: str | None = None):
    spec = netspec.load_spec(str(SPECS / f"{name}.net"))
    rows = inputs.from_examples(spec, example)
    plan = netspec.compile_plan(spec)
    return spec, plan, rows, netspec.run_plan(plan, rows.values)


def _trace(name: str, example: str):
    spec, plan, rows, _ = _run(name, example)
    return netspec.trace_plan(plan, rows.values, rows.ids)


def _softmax(scores):
    exps = [math.exp(s - max(scores)) for s in scores]
    return [e / sum(exps) for e in exps]


# ---- the article's form: attention_3tok.net ----

def test_three_words_by_hand():
    """Scores k_i · q_sat = 0.7, 0, 0 (no scaling); softmax; Σ weight · v; then Wout."""
    u = _softmax([0.7 * 1 + 0 * 0, 0.7 * 0 + 0 * 1, 0.7 * 0 + 0 * 1])
    assert u[0] == pytest.approx(math.exp(0.7) / (math.exp(0.7) + 2), rel=1e-15)
    v = [(1, 0), (0, 1), (0.5, 0.5)]  # the rows of Wv, since each word's embedding is one-hot
    a = [sum(u[i] * v[i][f] for i in range(3)) for f in range(2)]
    _, _, _, result = _run("attention_3tok", "sat")
    np.testing.assert_allclose(result.outputs[0], a, rtol=1e-15)
    assert result.decisions == ["on"]


def test_attention_alone_ignores_order():
    """The article: swapping "humpty" and "dumpty" gives identical numbers."""
    _, _, _, result = _run("attention_3tok")
    assert result.outputs[0].tolist() == result.outputs[1].tolist()


def test_the_trace_shows_scores_weights_and_the_weighted_sum():
    trace = _trace("attention_3tok", "sat")
    step = next(s for s in trace.steps if s.name == "a")
    np.testing.assert_allclose(step.record.scores[0, 0, 0], [0.7, 0, 0], rtol=0, atol=1e-16)
    np.testing.assert_allclose(step.record.weights[0, 0, 0], _softmax([0.7, 0, 0]), rtol=1e-15)
    text = netspec.printout(str(SPECS / "attention_3tok.net"), {"text": "humpty dumpty sat"}).text()
    for shown in ("one query, from the last position text3 (the article's form)", "no scaling (the article's form)",
                  "score(text3, text1)  = q.text3_q1·k.text1_k1 + q.text3_q2·k.text1_k2",
                  "weight(text3, text1) = 1 / ≈1.99317 ≈ 0.50171", "After humpty dumpty sat comes on."):
        assert shown in text


def test_run_and_trace_give_the_same_numbers():
    for name in ("attention_3tok", "multihead", "multihead_standard", "cross_attention", "posenc"):
        spec, plan, rows, result = _run(name)
        trace = netspec.trace_plan(plan, rows.values, rows.ids)
        np.testing.assert_allclose(trace.outputs, result.outputs, rtol=1e-14, atol=1e-15, err_msg=name)


# ---- multi-head: the article's scheme and the standard one ----

def test_multihead_article_scheme_by_hand():
    """Shared projections, one small layer per head on k, q and v, attention per head, heads side by side."""
    x = np.array([[1.0, 0], [0, 1], [1, 1]])  # humpty, dumpty, sat
    k, q, v = x @ [[1, 0], [0, 1]], x @ [[1, 0], [0, 0]], x @ [[1, 0], [0, 1]]
    heads = []
    for wk, wq, wv in (([[1, 0], [0, 0]], [[2, 0], [0, 0]], [[1, 0], [0, 1]]),
                       ([[0, 0], [0, 1]], [[0, 0], [0, 1]], [[0.5, 0], [0, 0.5]])):
        kh, qh, vh = k @ wk, (q @ wq)[-1], v @ wv  # the last word's query only
        u = _softmax(list(kh @ qh))
        heads += list(np.array(u) @ vh)
    out = np.array(heads) @ [[1, 0], [0, 1], [1, 0], [0, 1]]
    assert _softmax([2, 0, 2])[0] == pytest.approx(1 / (2 + math.exp(-2)), rel=1e-15)
    _, _, _, result = _run("multihead", "sat")
    np.testing.assert_allclose(result.outputs[0], out, rtol=1e-14)


def test_multihead_standard_scheme_by_hand():
    """Every position asks; two heads of two features; scores ÷ √2; a causal mask; W_O; the last position."""
    x = np.array([[1.0, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]])
    wk = np.array([[1, 0, 0.5, 0], [0, 1, 0, 0.5], [0, 0, 1, 0], [0, 0, 0, 1]])
    q, k, v = x, x @ wk, x  # Wq and Wv are the identity
    mixed = np.zeros((3, 4))
    for h in (0, 1):
        cols = slice(2 * h, 2 * h + 2)
        for i in range(3):
            scores = [float(q[i, cols] @ k[j, cols]) / math.sqrt(2) for j in range(i + 1)]  # only j ≤ i
            u = _softmax(scores)
            mixed[i, cols] = sum(u[j] * v[j, cols] for j in range(i + 1))
    wo = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0.5, 0, 1, 0], [0, 0.5, 0, 1]])
    last = (mixed @ wo)[-1]
    out = last @ np.array([[1, 0], [0, 1], [0.5, 0], [0, 0.25]])
    _, _, _, result = _run("multihead_standard", "sat")
    np.testing.assert_allclose(result.outputs[0], out, rtol=1e-14)


def test_focus_on_one_position_shows_only_its_working():
    """--focus on one output number of a causal layer: that position's scores and weights, no other's."""
    text = netspec.printout(str(SPECS / "multihead_standard.net"), {"text": "humpty dumpty sat"},
                            focus="mixed.text2_v1").text()
    assert "h1.score(text2, text1)" in text and "h1.weight(text2, text2)" in text
    assert "h1.score(text3, text1)" not in text and "h1.score(text1, text1)" not in text
    assert "text2 comes after text1: masked" not in text  # text1's row is not the focus
    assert "h1.score(text2, text3)        = text3 comes after text2: masked, weight 0" in text


# ---- cross-attention ----

def test_cross_attention_by_hand():
    """The query from the last English word ("do"), keys and values from the German words."""
    german = np.array([[1.0, 0], [0.5, 0.5], [0, 1]])  # wo, wohnst, du
    q = np.array([0.0, 1]) @ [[2, 0], [0, 2]]  # "do"
    u = _softmax(list(german @ q))  # Wk and Wv are the identity
    a = np.array(u) @ german
    _, _, _, result = _run("cross_attention")
    np.testing.assert_allclose(result.outputs[0], [a[1], a[0]], rtol=1e-15)
    assert result.decisions == ["you"]


# ---- positions ----

def test_positional_encodings_by_hand():
    """Every named form at 3 positions × 4 features, from math.sin and math.cos."""
    trace = _trace("posenc", "humpty_first")
    value = {s.name: s.result[0].reshape(3, 4) for s in trace.steps if s.result.shape[1] == 12}
    for p in range(3):
        for i in range(4):
            article_angle = (p + 1) / 10000 ** ((i + 1) / 3)  # p from 1, i from 1, n = 3
            paper_angle = p / 10000 ** ((i // 2 * 2) / 4)  # p from 0, feature 2k and 2k + 1 share 2k/d
            expected = {"count": p + 1, "fraction": (p + 1) / 3, "article_sin": math.sin(article_angle),
                        "article_sincos": math.cos(article_angle) if (i + 1) % 2 else math.sin(article_angle),
                        "paper": math.cos(paper_angle) if i % 2 else math.sin(paper_angle)}
            for form, number in expected.items():
                assert value[form][p, i] == pytest.approx(number, rel=1e-14, abs=1e-15), (form, p, i)
    learned = value["x"] + np.diag([0.1, 0.1, 0.1, 0.0])[:3]  # row p of P added to position p
    np.testing.assert_allclose(value["learned"], learned, rtol=0, atol=0)


def test_positions_make_order_matter():
    _, _, _, result = _run("posenc")
    assert not np.allclose(result.outputs[0], result.outputs[1])


def test_the_encoding_trace_names_its_formula():
    text = netspec.printout(str(SPECS / "posenc.net"), {"text": "humpty dumpty sat"}, focus="paper").text()
    assert "form=paper (Vaswani et al., the original transformer)" in text
    assert "text2_e2 = cos(1 / 10000^0 ) = cos(1 / 1) = cos(1) ≈ 0.54030".replace(" )", ")") in text


# ---- softmax.net ----

def test_softmax_spec_examples_are_the_article_discussion():
    spec, _, _, result = _run("softmax")
    np.testing.assert_allclose(result.outputs, [_softmax([5, 1]), _softmax([0, 1]), _softmax([1000, 999])],
                               rtol=1e-15)
    assert result.decisions == ["leaf", "flower", "leaf"]
    assert result.outputs[2].tolist() == result.outputs[1][::-1].tolist()  # only differences count


# ---- shape errors ----

BASE = '''vocabulary w words "a", "b", "c"
input text tokens 3 from w
weights E:
     e1  e2
a    1   0
b    0   1
c    1   1
layer x = embed(input, E)
weights W3:
     f1  f2  f3
e1   1   0   0
e2   0   1   0
layer three = dense(x, W3)
'''


@pytest.mark.parametrize("line, message", [
    ("layer a = attention(x, three, x)", "q and k need the same number of features"),
    ("layer a = attention(x, x, x, heads=3)", "heads=3 must split 2 query features and 2 value features"),
    ("layer a = concat(x, input)", "must all be vectors, or all sequences with the same positions"),
    ("layer a = positional_encoding(input, form=paper)", "`input` is 3 numbers, not a sequence"),
    ("layer a = positional_encoding(x)", "positional_encoding needs the option `form`"),
    ("layer a = last(input)", "last takes the last position of a sequence"),
    ("weights P:\n  e1 e2\np1 0 0\np2 0 0\nlayer a = positional_embedding(x, P)",
     "`x` has 3 positions × 2 features, but P has 2 rows (positions) × 2 columns"),
    ("weights W:\n  y\ne1 1\nlayer a = dense(x, W)", "or one row per feature (2) to run at each position"),
])
def test_sequence_shape_errors_say_what_fits(tmp_path, line, message):
    path = tmp_path / "bad.net"
    path.write_text(BASE + line + "\n", encoding="utf-8")
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(str(path))
    found = flatten(caught.value)
    assert any(message in e.message or message in (e.hint or "") for e in found), [e.message for e in found]
    assert all(e.span is not None and e.span.line >= 1 for e in found)


def test_causal_cross_attention_is_refused(tmp_path):
    path = tmp_path / "bad.net"
    path.write_text(BASE.replace("tokens 3 from w", "tokens 3 from w\ninput other tokens 2 from w")
                    .replace("embed(input, E)", "embed(text, E)") + "layer y = embed(other, E)\nlayer a = attention(y, x, x, mask=causal)\n", encoding="utf-8")
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(str(path))
    assert [e.code for e in flatten(caught.value)] == ["NS240"]
    assert "a causal mask compares positions" in flatten(caught.value)[0].message


def test_cli_trace_of_attention_exits_cleanly():
    result = CliRunner().invoke(cli, ["trace", str(SPECS / "multihead_standard.net"), "--focus", "out.on"])
    assert result.exit_code == 0, result.output
    assert "After these three words comes on." in result.output


# ---- edge cases: one token, the context limit, equal numbers ----

ONE = '''vocabulary w words "a", "b" numbered from 1
input text tokens {n} from w
weights E:
     e1  e2
a    1   1
b    2   0
layer x = embed(input, E)
weights P:
     e1  e2
p1   0   0
p2   0.5 0
layer placed = positional_embedding(x, P)
layer n = layer_norm(placed, eps=0)
layer a = attention(n, n, n, mask=causal)
layer out = last(a)
'''


def test_one_token_attends_to_itself(tmp_path):
    """A single token: its only weight is 1, so attention hands on its own value."""
    path = tmp_path / "one.net"
    path.write_text(ONE.format(n=1), encoding="utf-8")
    spec = netspec.load_spec(str(path))
    trace = netspec.trace_plan(netspec.compile_plan(spec), [[2]])
    step = next(s for s in trace.steps if s.name == "a")
    assert step.record.weights[0].ravel().tolist() == [1.0]
    np.testing.assert_array_equal(trace.outputs[0], [1.0, -1.0])  # (2, 0) normalised: mean 1, std 1


def test_equal_numbers_at_one_position_with_eps_zero_are_an_error(tmp_path):
    """Token a is (1, 1) at position 1: variance 0, and with eps=0 layer norm names the step, not a NaN."""
    path = tmp_path / "one.net"
    path.write_text(ONE.format(n=2), encoding="utf-8")
    plan = netspec.compile_plan(netspec.load_spec(str(path)))
    with pytest.raises(NetspecError) as caught:
        netspec.run_plan(plan, [[1, 2]])
    assert caught.value.code == "NS503" and "at step `n`" in caught.value.message
    assert caught.value.span.line == 13


def test_a_text_longer_than_the_positions_table_is_refused(tmp_path):
    """P's rows are the context limit: 3 tokens do not fit 2 positions."""
    path = tmp_path / "long.net"
    path.write_text(ONE.format(n=3), encoding="utf-8")
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(str(path))
    assert "`x` has 3 positions × 2 features, but P has 2 rows (positions)" in flatten(caught.value)[0].message


# ---- regressions found by trying to break the sequence operations ----

@pytest.mark.parametrize("lines, code, message", [
    ('input x2 "a" tokens 3 from w\nlayer x2 = embed(x2, E)', "NS203", "`x2` is declared twice"),
    ("layer a = relu(E)", "NS207", "`E` is a table of weights, not a value computed by a layer"),
    ("layer a = concat(x, x)", "NS240", "concat lists `x` twice"),
])
def test_clashing_names_and_misused_tables_are_named(tmp_path, lines, code, message):
    path = tmp_path / "bad.net"
    path.write_text(BASE + lines + "\n", encoding="utf-8")
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(str(path))
    assert any(e.code == code and message in e.message for e in flatten(caught.value)), \
        [(e.code, e.message) for e in flatten(caught.value)]


def test_a_value_cannot_grow_past_a_million_numbers(tmp_path):
    """concat inside a repeat doubles a value each copy: refused at the copy that passes the limit."""
    path = tmp_path / "wide.net"
    path.write_text(BASE + "layer y = relu(x)\nrepeat 40 times:\n  layer z = concat(x, y)\n  layer x = relu(z)\n"
                    "  layer y = relu(z)\nend\n", encoding="utf-8")
    with pytest.raises(NetspecError) as caught:
        netspec.load_spec(str(path))
    found = flatten(caught.value)[0]
    assert found.code == "NS240" and "more than 1,000,000" in found.message


def test_layer_norm_whose_squares_overflow_is_an_error_not_zero(tmp_path):
    path = tmp_path / "huge.net"
    path.write_text("input a\ninput b\nweights W:\n   y     z\na  1e300 0\nb  0     1\nlayer h = dense(input, W)\n"
                    "layer n = layer_norm(h)\n", encoding="utf-8")
    plan = netspec.compile_plan(netspec.load_spec(str(path)))
    with pytest.raises(NetspecError) as caught:
        netspec.run_plan(plan, [[1, 2]])
    assert caught.value.code == "NS501" and "variance overflows" in caught.value.message


def test_huge_numbers_are_written_in_scientific_notation():
    from netspec.render.numbers import show

    assert show(1e300).text == "1e300" and show(-2.5e20).text == "−2.5e20" and show(123456.5).text == "123456.5"


def test_printout_details_of_sequences():
    """Masked scores as words in LaTeX, plain minus signs with --ascii, a positions table's row labels,
    and --focus on a softmax step inside attention."""
    standard = str(SPECS / "multihead_standard.net")
    tex = netspec.printout(standard, {"text": "humpty dumpty sat"}).tex()
    assert r"\text{text2 comes after text1: masked, weight }" in tex
    ascii_text = netspec.printout(str(SPECS / "softmax.net"), example="large", ascii=True).text()
    assert "e^(999 - 1000) = e^(-1) ~ 0.36788" in ascii_text
    posenc = netspec.printout(str(SPECS / "posenc.net"), example="humpty_first", focus="learned").text()
    assert "text3_e3 = x.text3_e3 + P[p3,e3] = 1 + 0.1 = 1.1" in posenc
    focused = netspec.printout(str(SPECS / "attention_3tok.net"), example="sat", focus="a.largest(text3)").text()
    assert "largest(text3)       = max(0.7, 0, 0) = 0.7" in focused
