"""The article's last architecture (notes §1.15, examples 22 and 23).

specs/transformer.net and specs/transformer_article.net against torch.nn.Transformer:
scripts/record_transformer.py trained each (post-norm, norm_first=False; the second with
the article's feed-forward block) and recorded, in float64 with dropout 0, for every
prefix of both English sentences, the encoder's output, the decoder's output at every
position and the next word's probabilities (tests/reference/models/transformer.npz).
netspec computes the same from the specs' own operations; tolerance 1e-12 (the two
libraries sum in different orders).

specs/sep_concat.net, the naive decoder-only way, against hand arithmetic written here.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

import netspec

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GERMAN = ["wo", "wer", "wohnst", "bist", "du", "?"]
ENGLISH = ["<s>", "where", "who", "do", "are", "you", "live", "?"]
FORMS = {"paper": "transformer.net", "article": "transformer_article.net"}


def _reference(form: str) -> dict[str, np.ndarray]:
    with np.load(ROOT / "tests" / "reference" / "models" / "transformer.npz") as found:
        return {key[len(form) + 1:]: found[key] for key in found.files if key.startswith(f"{form}_")}


def _rows(reference) -> list[dict[str, str]]:
    """The recorded token numbers (counted from 1, 0 for padding) as the texts a person types."""
    return [{"source": " ".join(GERMAN[int(n) - 1] for n in source),
             "target": " ".join(ENGLISH[int(n) - 1] for n in target if n > 0)}
            for source, target in zip(reference["source"], reference["target"])]


@pytest.fixture(scope="module", params=sorted(FORMS))
def traced(request):
    form = request.param
    reference = _reference(form)
    plan = netspec.compile_plan(netspec.load_spec(SPECS / FORMS[form]))
    rows = _rows(reference)
    return form, reference, plan, rows, netspec.trace_plan(plan, rows)


def test_the_cases_are_every_prefix_of_both_translations():
    rows = _rows(_reference("paper"))
    assert rows[0] == {"source": "wo wohnst du ?", "target": "<s>"}
    assert rows[4] == {"source": "wo wohnst du ?", "target": "<s> where do you live"}
    assert rows[-1] == {"source": "wer bist du ?", "target": "<s> who are you"}
    assert len(rows) == 9


def test_next_word_probabilities_are_torch_s(traced):
    form, reference, plan, rows, trace = traced
    for outputs, path in ((netspec.run_plan(plan, rows).outputs, "run"), (trace.outputs, "trace")):
        np.testing.assert_allclose(outputs, reference["probabilities"], rtol=1e-12, atol=1e-12, err_msg=f"{form} {path}")


def test_the_model_translates_both_sentences(traced):
    """Each prefix's largest probability is the next word of the English sentence."""
    form, reference, plan, rows, trace = traced
    wanted = ["where", "do", "you", "live", "?", "who", "are", "you", "?"]
    assert list(netspec.run_plan(plan, rows).decisions) == wanted
    assert [ENGLISH[i] for i in reference["probabilities"].argmax(axis=1)] == wanted


def test_the_encoder_s_output_is_torch_s_memory(traced):
    form, reference, plan, rows, trace = traced
    memory = next(step.result for step in trace.steps if step.name == "memory")
    np.testing.assert_allclose(memory, reference["memory"].reshape(len(rows), -1), rtol=1e-12, atol=1e-12)


def test_the_decoder_s_output_is_torch_s_at_every_real_position(traced):
    """The English is `tokens up to 5`: netspec pads a shorter one, torch was given it exactly; the
    causal mask keeps the padding out of every real position."""
    form, reference, plan, rows, trace = traced
    decoded = next(step.result for step in trace.steps if step.name == "decoded").reshape(len(rows), 5, 8)
    for row, length in enumerate(reference["length"].astype(int)):
        np.testing.assert_allclose(decoded[row, :length], reference["decoded"][row, :length], rtol=1e-12, atol=1e-12)


def test_the_encoder_runs_once_and_every_decoder_layer_reads_its_output(traced):
    form, reference, plan, rows, trace = traced
    names = [step.name for step in trace.steps]
    assert names.count("memory") == 1
    readers = [step.name for step in trace.steps if "memory" in step.step.inputs]
    assert readers == ["kv_cross[1]", "kv_cross[2]"]
    assert names.index("memory") < names.index("english")  # the encoder is done before the decoder starts


def test_decoder_self_attention_is_masked_and_cross_attention_is_not(traced):
    form, reference, plan, rows, trace = traced
    steps = {step.name: step for step in trace.steps}
    for layer in (1, 2):
        assert steps[f"heads_self[{layer}]"].step.options["mask"] == "causal"
        cross = steps[f"heads_cross[{layer}]"].step.options
        assert cross["mask"] == "none" and cross["queries"] == 5 and cross["keys"] == 4  # English asks, German answers
        weights = steps[f"heads_self[{layer}]"].record.weights  # (rows, heads, 5 queries, 5 keys)
        assert (np.triu(weights[..., :, :], k=1) == 0).all()  # no word sees a later one


def test_the_feed_forward_networks_differ_as_the_notes_say():
    """The paper: ReLU between the linear layers, so the block's output can be negative. The article:
    a ReLU after the second too, so it never is; its dropouts leave every number as it is."""
    rows = _rows(_reference("paper"))[:1]
    paper = {s.name: s.result for s in netspec.trace_plan(netspec.compile_plan(netspec.load_spec(SPECS / FORMS["paper"])), rows).steps}
    article = {s.name: s.result for s in
               netspec.trace_plan(netspec.compile_plan(netspec.load_spec(SPECS / FORMS["article"])), rows).steps}
    assert (paper["down[1]"] < 0).any() and (paper["down_dec[1]"] < 0).any()
    assert (article["down[1]"] >= 0).all() and (article["down_dec[1]"] >= 0).all()
    np.testing.assert_array_equal(article["kept[1]"], article["active[1]"])
    np.testing.assert_array_equal(article["down[1]"], np.maximum(article["linear2[1]"], 0))
    assert "linear2[1]" not in paper and "kept[1]" not in paper


def test_the_printed_probabilities_are_torch_s_rounded():
    """The decision line of a trace prints each probability to 5 places; torch's, rounded, are those numbers."""
    reference = _reference("paper")
    text = netspec.printout(str(SPECS / FORMS["paper"]), {"source": "wer bist du ?", "target": "<s>"}).text()
    decision = next(line for line in text.splitlines() if line.startswith("Decision"))
    who = reference["probabilities"][5]  # "wer bist du ?", "<s>"
    assert f"who ≈ {who[ENGLISH.index('who')]:.5f}" in decision
    assert f"where ≈ {who[ENGLISH.index('where')]:.5f}" in decision
    assert text.rstrip().endswith("The next English word is who.")


# ── sep_concat.net: German, <SEP> and the English so far in one sequence ──────────────

SEP_SPEC = SPECS / "sep_concat.net"


def _sep(text: str) -> np.ndarray:
    return netspec.run_plan(netspec.compile_plan(netspec.load_spec(SEP_SPEC)), {"text": text}).outputs[0]


def test_sep_concat_do_asks_for_the_german_person():
    """The last word "do": q = (place 0, person 2, act 0, de 1). Against the keys of wo, wohnst, du, <SEP>,
    where, do the scores are 1, 1, 3, 0, 0, 0 (all visible: do is last). Softmax, then the values
    (place, person, act) of each word: wo and where are places, du a person, wohnst an act."""
    e = math.e
    total = e + e + e ** 3 + 1 + 1 + 1
    place, person, act = (e + 1) / total, e ** 3 / total, e / total
    where, do, you, live = place, 0.0, person, act  # "do" itself is no place: nothing from the word
    np.testing.assert_allclose(_sep("wo wohnst du <SEP> where do"), [where, do, you, live], rtol=0, atol=1e-15)
    assert round(you, 5) == 0.70421


def test_sep_concat_sep_asks_for_the_german_place_and_where_for_nothing():
    e = math.e
    total = e ** 3 + e + e + 1  # <SEP>'s q = (2, 0, 0, 1): wo 2 + 1, wohnst 1, du 1, <SEP> 0
    np.testing.assert_allclose(_sep("wo wohnst du <SEP>"), [e ** 3 / total, 0, e / total, e / total], atol=1e-15)
    # "where" asks nothing: every score 0, each of the 5 words weighs 1/5; where itself adds 2 to do
    np.testing.assert_allclose(_sep("wo wohnst du <SEP> where"), [2 / 5, 2, 1 / 5, 1 / 5], atol=1e-15)


def test_sep_concat_you_asks_for_the_german_act():
    e = math.e
    total = e + e ** 3 + e + 1 + 1 + 1 + 1  # you's q = (0, 0, 2, 1): wo 1, wohnst 3, du 1, then 0 for the rest
    np.testing.assert_allclose(_sep("wo wohnst du <SEP> where do you"),
                               [(e + 1) / total, 0, (e + 1) / total, e ** 3 / total], atol=1e-15)


def test_sep_concat_translates_word_by_word_and_the_mask_hides_later_words():
    plan = netspec.compile_plan(netspec.load_spec(SEP_SPEC))
    texts = ["wo wohnst du <SEP>", "wo wohnst du <SEP> where", "wo wohnst du <SEP> where do",
             "wo wohnst du <SEP> where do you"]
    assert list(netspec.run_plan(plan, [{"text": t} for t in texts]).decisions) == ["where", "do", "you", "live"]
    trace = netspec.trace_plan(plan, [{"text": texts[-1]}])
    attention = next(step for step in trace.steps if step.name == "attended")
    weights = attention.record.weights[0, 0]  # (queries, keys): 8 positions, the last one padding
    assert (np.triu(weights[:7, :7], k=1) == 0).all()
    assert weights[0, 0] == 1  # the first word sees only itself


def test_the_full_trace_works_out_cross_attention_for_the_real_english_words_only():
    """The English "<s> where do you" fills 4 of its 5 positions: each of the 4 asks the 4 German words,
    the padding position asks nothing (its queries come from another text than the keys)."""
    from click.testing import CliRunner

    from netspec.cli import cli

    done = CliRunner().invoke(cli, ["trace", str(SPECS / FORMS["paper"]), "--example", "live", "--detail", "neuron"])
    assert done.exit_code == 0, done.output
    cross = set(re.findall(r"h1\.score\((target\d), (source\d)\) ", done.stdout))
    assert cross == {(f"target{q}", f"source{k}") for q in range(1, 5) for k in range(1, 5)}
    masked = set(re.findall(r"h1\.score\((target\d), (target\d)\) ", done.stdout))
    assert masked == {(f"target{q}", f"target{k}") for q in range(1, 5) for k in range(1, 5)}
    assert "target5" not in done.stdout.split("Step 2 ·")[1]
