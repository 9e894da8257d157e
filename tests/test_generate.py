"""Text generation by the sliding window (notes §1.3, §2.5) and sampling by probability (§1.8, §2.9).

The numbers are checked against a forward pass written here in NumPy from the weight file,
not against netspec's own printout, and the probabilities against softmax written out by hand.
"""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest

import netspec
from netspec.errors import NetspecError
from netspec.run.generation import pick, probabilities
from netspec.limits import MAX_GENERATE_STEPS

from clirun import invoke
from conftest import ROOT

EMBED = str(ROOT / "specs" / "humpty_embed.net")
CHARS = str(ROOT / "specs" / "humpty_chars.net")
LEAF = str(ROOT / "specs" / "leaf.net")
TINY_GPT = str(ROOT / "specs" / "tiny_gpt.net")
VOCABULARY = "abcdefghijklmnopqrstuvwxyz "

# The article's list (notes §2.5): the 15 windows of "humpty dumpty sat on a wall" and the next character.
ARTICLE = [
    ("humpty dumpt", "y"), ("umpty dumpty", "space"), ("mpty dumpty ", "s"), ("pty dumpty s", "a"),
    ("ty dumpty sa", "t"), ("y dumpty sat", "space"), (" dumpty sat ", "o"), ("dumpty sat o", "n"),
    ("umpty sat on", "space"), ("mpty sat on ", "a"), ("pty sat on a", "space"), ("ty sat on a ", "w"),
    ("y sat on a w", "a"), (" sat on a wa", "l"), ("sat on a wal", "l"),
]

YES_NO = ('vocabulary v characters "ab" numbered from 1\ninput text "two letters" tokens 2 from v\n'
          "weights W:\n        yes  no\n text1  1    0\n text2  0    1\nlayer out = dense(input, W)\n")

# Three words that follow each other in a circle: the next word depends on the last one only.
WORDS = ('vocabulary w words "humpty", "dumpty", "sat" numbered from 1\ninput text "two words" tokens 2 from w\n'
         "weights W:\n        humpty  dumpty  sat\n text1  0       0       0\n text2  10      -10     0\n"
         "bias b:\n        humpty  dumpty  sat\n        -25     15      0\n"
         "layer out = dense(input, W, b)\noutput out labels from w\ndecide largest\n")


@pytest.fixture(scope="module")
def embed():
    return netspec.load_spec(EMBED)


def hand_outputs(window: str) -> np.ndarray:
    """humpty_embed's 27 outputs for a 12-character window, computed here from the weight file."""
    weights = np.load(ROOT / "specs" / "weights" / "humpty_embed.npz")
    numbers = [VOCABULARY.index(c) + 1 for c in window]  # a = 1 … z = 26, space = 27
    vectors = weights["E"][np.array(numbers) - 1].reshape(-1)  # (120,): row k of E is token k's vector
    active = np.maximum(vectors @ weights["W1"] + weights["b1"], 0)  # (16,)
    return active @ weights["W2"] + weights["b2"]  # (27,)


def hand_softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    e = np.array([math.exp((s - max(scores)) / temperature) for s in scores])
    return e / e.sum()


# ---- greedy: the article's list ----

@pytest.mark.parametrize("path", [EMBED, CHARS], ids=["humpty_embed", "humpty_chars"])
def test_greedy_generation_is_the_articles_list(path):
    """From "humpty dumpt", 15 greedy steps give the article's 15 windows and "humpty dumpty sat on a wall"."""
    generation = netspec.generate(path, "humpty dumpt", 15)
    assert [(step.window, step.label) for step in generation.steps] == ARTICLE
    assert generation.generated == "y sat on a wall"
    assert generation.text == "humpty dumpty sat on a wall"


def test_greedy_numbers_match_a_hand_forward_pass(embed):
    """Each step's output is the hand forward pass's largest; its probability is the hand softmax's."""
    generation = netspec.generate(embed, "humpty dumpt", 15)
    for step, (window, _) in zip(generation.steps, ARTICLE):
        scores = hand_outputs(window)
        k = int(np.argmax(scores))
        assert step.token == VOCABULARY[k]
        assert step.output == pytest.approx(scores[k], abs=1e-9)
        assert step.probability == pytest.approx(hand_softmax(scores)[k], abs=1e-12)
        assert step.draw is None


def test_words_are_joined_by_spaces(tmp_path):
    """A word vocabulary slides word by word; the text is the words with single spaces."""
    generation = netspec.generate(_spec_file(tmp_path, WORDS), "humpty dumpty", 4)
    assert [step.window for step in generation.steps] == ["humpty dumpty", "dumpty sat", "sat humpty",
                                                          "humpty dumpty"]
    assert generation.text == "humpty dumpty sat humpty dumpty sat"


# ---- sampling ----

def test_the_same_seed_gives_the_same_text(embed):
    first = netspec.generate(embed, "humpty dumpt", 15, sample=True, temperature=5, seed=1)
    again = netspec.generate(embed, "humpty dumpt", 15, sample=True, temperature=5, seed=1)
    assert first.steps == again.steps and first.seed == 1


def test_different_seeds_can_differ(embed):
    texts = {netspec.generate(embed, "humpty dumpt", 15, sample=True, temperature=5, seed=s).text for s in range(4)}
    assert len(texts) > 1


def test_no_seed_picks_one_and_records_it(embed):
    """Without a seed the run still can be repeated: the seed it used is in the result."""
    first = netspec.generate(embed, "humpty dumpt", 10, sample=True, temperature=5)
    assert first.seed_chosen and isinstance(first.seed, int)
    again = netspec.generate(embed, "humpty dumpt", 10, sample=True, temperature=5, seed=first.seed)
    assert again.text == first.text


@pytest.mark.parametrize("temperature", [1e-3, 1e-300, 5e-324], ids=["1e-3", "1e-300", "smallest float"])
def test_temperature_near_zero_is_greedy(embed, temperature):
    greedy = netspec.generate(embed, "humpty dumpt", 15).text
    for seed in range(5):
        sampled = netspec.generate(embed, "humpty dumpt", 15, sample=True, temperature=temperature, seed=seed)
        assert sampled.text == greedy
        assert all(step.probability == 1.0 for step in sampled.steps)


def test_sampling_frequencies_match_the_softmax(embed):
    """4,000 first draws (seeds 0 … 3999) at temperature 5: each character's share is within 5 standard
    errors of its hand-computed softmax probability (plus 0.002). The seeds are fixed, so it cannot flake."""
    draws = 4000
    expected = hand_softmax(hand_outputs("humpty dumpt"), temperature=5)
    counts = np.zeros(27)
    for seed in range(draws):
        step = netspec.generate(embed, "humpty dumpt", 1, sample=True, temperature=5, seed=seed).steps[0]
        counts[VOCABULARY.index(step.token)] += 1
        assert step.probability == pytest.approx(expected[VOCABULARY.index(step.token)], abs=1e-12)
    bound = 5 * np.sqrt(expected * (1 - expected) / draws) + 0.002
    assert np.all(np.abs(counts / draws - expected) <= bound)
    assert expected.max() < 0.8 and (counts > 0).sum() >= 5  # a spread distribution, really tested


def test_a_draw_picks_by_the_running_total():
    """u = 0.5 with chances 0.2, 0.3, 0.5: the running totals are 0.2, 0.5, 1.0, and 0.5 passes at the third."""
    chances = np.array([0.2, 0.3, 0.5])
    assert [pick(chances, u) for u in (0.0, 0.19, 0.2, 0.49, 0.5, 0.99, 1 - 2**-53)] == [0, 0, 1, 1, 2, 2, 2]
    assert pick(np.array([0.5, 0.5, 0.0]), 1 - 2**-53) == 1  # never a token of probability 0


def test_probabilities_are_softmax_of_scaled_outputs():
    scores = np.array([2.0, 1.0, -1.0])
    assert probabilities(scores, 1.0) == pytest.approx(hand_softmax(scores))
    assert probabilities(scores, 0.5) == pytest.approx(hand_softmax(scores, 0.5))
    assert probabilities(np.array([1e308, -1e308]), 1e-300).tolist() == [1.0, 0.0]  # no overflow, no NaN


def test_outputs_that_are_probabilities_are_sampled_as_they_are(tmp_path, embed):
    """A spec ending in softmax(out): p^(1/T) renormalised is softmax(out / T), so the run is the same."""
    spec = _softmax_copy(tmp_path)
    for temperature in (1.0, 4.0):
        plain = netspec.generate(embed, "humpty dumpt", 15, sample=True, temperature=temperature, seed=7)
        ending = netspec.generate(spec, "humpty dumpt", 15, sample=True, temperature=temperature, seed=7)
        assert ending.from_probabilities and not plain.from_probabilities
        assert ending.text == plain.text
        assert [s.probability for s in ending.steps] == pytest.approx([s.probability for s in plain.steps])
    p = np.array([0.5, 0.25, 0.25, 0.0])
    assert probabilities(p, 1.0, are_probabilities=True) == pytest.approx(p)
    assert probabilities(p, 0.5, are_probabilities=True) == pytest.approx(p**2 / (p**2).sum())


# ---- errors ----

@pytest.mark.parametrize("kwargs, code", [
    ({"steps": 0}, "NS803"), ({"steps": MAX_GENERATE_STEPS + 1}, "NS803"), ({"steps": 2.5}, "NS803"),
    ({"steps": True}, "NS803"),
    ({"steps": 3, "sample": True, "temperature": 0}, "NS803"),
    ({"steps": 3, "sample": True, "temperature": -1}, "NS803"),
    ({"steps": 3, "sample": True, "temperature": float("nan")}, "NS803"),
    ({"steps": 3, "sample": True, "temperature": float("inf")}, "NS803"),
    ({"steps": 3, "sample": True, "seed": -1}, "NS803"),
    ({"steps": 3, "temperature": 0.5}, "NS803"),
    ({"steps": 3, "seed": 1}, "NS803"),
], ids=["steps-0", "steps-too-many", "steps-fraction", "steps-bool", "temperature-0", "temperature-negative",
        "temperature-nan", "temperature-inf", "seed-negative", "temperature-without-sample",
        "seed-without-sample"])
def test_bad_settings(embed, kwargs, code):
    with pytest.raises(NetspecError) as raised:
        netspec.generate(embed, "humpty dumpt", **kwargs)
    assert raised.value.code == code


@pytest.mark.parametrize("text, code", [("humpty", "NS317"), ("Humpty dumpt", "NS316"), ("humpty dumpt.", "NS317")])
def test_bad_starting_text(embed, text, code):
    with pytest.raises(NetspecError) as raised:
        netspec.generate(embed, text, 3)
    assert raised.value.code == code


def test_a_spec_without_a_text_input():
    with pytest.raises(NetspecError) as raised:
        netspec.generate(LEAF, "humpty dumpt", 3)
    assert raised.value.code == "NS801"
    assert "no text input and the number inputs R, G, B, Vol" in raised.value.message


def test_outputs_not_labelled_by_the_vocabulary(tmp_path):
    with pytest.raises(NetspecError) as raised:
        netspec.generate(_spec_file(tmp_path, YES_NO), "ab", 3)
    assert raised.value.code == "NS802"
    assert raised.value.hint == "label the outputs with `output out labels from v`"


def test_generate_stays_a_function_after_use(embed):
    """The module is netspec/run/generation.py: a netspec/generate.py would replace netspec.generate once imported."""
    netspec.generate(embed, "humpty dumpt", 1)
    assert callable(netspec.generate)


# ---- command line ----

def test_cli_prints_the_articles_list():
    result = invoke("generate", EMBED, "--text", "humpty dumpt", "--steps", "15")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    for window, label in ARTICLE:
        assert any(line.split()[1:2] and f'"{window}"  →  {label} ' in line for line in lines), window
    assert lines[-1] == 'Text: "humpty dumpty sat on a wall"'


def test_cli_sampling_states_its_seed_and_repeats():
    first = invoke("generate", EMBED, "--text", "humpty dumpt", "--sample", "--temperature", "5")
    assert first.exit_code == 0, first.stderr
    seed = first.stdout.split("seed ", 1)[1].split(" ", 1)[0]
    again = invoke("generate", EMBED, "--text", "humpty dumpt", "--sample", "--temperature", "5", "--seed", seed)
    assert again.stdout.splitlines()[-1] == first.stdout.splitlines()[-1]
    assert "picked at random" in first.stdout and "picked at random" not in again.stdout


def test_cli_json():
    result = invoke("generate", EMBED, "--text", "humpty dumpt", "--steps", "2", "--format", "json")
    document = json.loads(result.stdout)
    assert document["text"] == "humpty dumpty " and document["mode"] == "greedy" and document["seed"] is None
    assert [(s["window"], s["next"], s["label"]) for s in document["steps"]] == [
        ("humpty dumpt", "y", "y"), ("umpty dumpty", " ", "space")]
    assert document["steps"][0]["output"] == pytest.approx(hand_outputs("humpty dumpt").max(), abs=1e-9)


def test_cli_float32_says_so_and_picks_the_same_tokens():
    """--dtype float32: the header and a line above the table say float32, JSON has "dtype"; the
    tokens are float64's (the article's list)."""
    args = ("generate", TINY_GPT, "--text", "humpty dumpt", "--steps", "6")
    exact, fast = invoke(*args), invoke(*args, "--dtype", "float32")
    assert exact.exit_code == fast.exit_code == 0
    assert exact.stdout.splitlines()[0].endswith("· float64") and fast.stdout.splitlines()[0].endswith("· float32")
    assert "Computed in float32: the fast kernels" in fast.stdout and "float32" not in exact.stdout
    assert exact.stdout.splitlines()[-1] == fast.stdout.splitlines()[-1] == 'Text: "humpty dumpty sat "'
    assert json.loads(invoke(*args, "--dtype", "float32", "--format", "json").stdout)["dtype"] == "float32"
    assert json.loads(invoke(*args, "--format", "json").stdout)["dtype"] == "float64"


def test_cli_output_file_holds_what_the_screen_shows(tmp_path):
    args = ("generate", EMBED, "--text", "humpty dumpt", "--sample", "--temperature", "5", "--seed", "3")
    target = tmp_path / "out.txt"
    assert invoke(*args, "-o", str(target)).stdout == ""
    assert target.read_text(encoding="utf-8") == invoke(*args).stdout


@pytest.mark.parametrize("args", [
    ["--steps", "0"], ["--steps", str(MAX_GENERATE_STEPS + 1)], ["--steps", "many"],
    ["--sample", "--temperature", "0"], ["--sample", "--temperature", "-0.5"],
    ["--temperature", "0.8"], ["--seed", "1"], ["--sample", "--seed", "-1"], ["--format", "csv"], [],
], ids=["steps-0", "steps-too-many", "steps-word", "temperature-0", "temperature-negative",
        "temperature-without-sample", "seed-without-sample", "seed-negative", "format-csv", "no-text"])
def test_cli_misuse_exits_2(args):
    text = [] if args == [] else ["--text", "humpty dumpt"]
    result = invoke("generate", EMBED, *text, *args)
    assert result.exit_code == 2
    assert "Usage: netspec generate" in result.stderr


@pytest.mark.parametrize("spec, args, code", [
    (EMBED, ["--text", "humpty"], "NS317"),
    (EMBED, ["--text", "humpty dumpT"], "NS316"),
    (EMBED, ["--text", "humpty dumpt", "--sample", "--temperature", "nan"], "NS803"),
    (EMBED, ["--text", "humpty dumpt", "--sample", "--temperature", "inf"], "NS803"),
    (LEAF, ["--text", "humpty dumpt"], "NS801"),
], ids=["too-short", "unknown-character", "temperature-nan", "temperature-inf", "leaf"])
def test_cli_errors_exit_1(spec, args, code):
    result = invoke("generate", spec, *args)
    assert result.exit_code == 1
    assert f"[{code}]" in result.stderr and result.stdout == ""


def _spec_file(folder, text: str) -> str:
    (folder / "spec.net").write_text(text, encoding="utf-8")
    return str(folder / "spec.net")


def _softmax_copy(folder) -> str:
    """humpty_embed.net with `layer p = softmax(out)` as its output, beside a copy of its weights."""
    (folder / "weights").mkdir()
    shutil.copy(ROOT / "specs" / "weights" / "humpty_embed.npz", folder / "weights")
    text = (ROOT / "specs" / "humpty_embed.net").read_text(encoding="utf-8")
    changed = text.replace("output out labels from chars", "layer p = softmax(out)\noutput p labels from chars")
    assert changed != text
    (folder / "h.net").write_text(changed, encoding="utf-8")
    return str(folder / "h.net")


def test_top_k_draws_only_among_the_k_largest_and_says_so():
    """top-k 3 at temperature 5: each draw is one of the 3 largest hand-computed outputs, with the chance
    softmax(outputs / 5) gives it among those 3 alone; the printout and the JSON say k."""
    outputs = hand_outputs("humpty dumpt")
    likeliest = np.argsort(-outputs)[:3]
    kept = hand_softmax(outputs[likeliest], temperature=5)
    for seed in range(200):
        step = netspec.generate(EMBED, "humpty dumpt", 1, sample=True, temperature=5, seed=seed, top_k=3).steps[0]
        where = list(likeliest).index(VOCABULARY.index(step.token))
        assert step.probability == pytest.approx(kept[where], abs=1e-12)
    args = ("generate", EMBED, "--text", "humpty dumpt", "--sample", "--temperature", "5", "--seed", "1",
            "--top-k", "3")
    assert "kept for only the 3 likeliest tokens" in invoke(*args).stdout
    assert json.loads(invoke(*args, "--format", "json").stdout)["top_k"] == 3
    assert json.loads(invoke(*args[:-2], "--format", "json").stdout)["top_k"] is None
