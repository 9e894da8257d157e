"""The learner's worksheet (`netspec trace --audience learner`): plain words, boxes, keys, variants.

Every answer below is hand arithmetic on the article's leaf network (its weights written
out here, its products and sums done by hand), never netspec's own output.
"""

from __future__ import annotations

import re

import pytest

from clirun import invoke
from conftest import SPECS

LEAF = str(SPECS / "leaf.net")
W1 = {"R": (0.10, 0.12, -0.36), "G": (-0.29, -0.05, -0.21), "B": (-0.07, 0.04, -0.27), "Vol": (0.46, 0.16, 0.18)}
W2 = ((-0.17, 0.05), (0.39, -0.12), (0.10, -0.04))  # rows h1, h2, h3; columns Leaf, Flower

# The leaf (R 32, G 107, B 56, Vol 11.2), by hand:
PRODUCTS_H = (3.2, -31.03, -3.92, 5.152,  # h1: 32·0.1, 107·(−0.29), 56·(−0.07), 11.2·0.46
              3.84, -5.35, 2.24, 1.792,  # h2
              -11.52, -22.47, -15.12, 2.016)  # h3
HIDDEN = (-26.598, 2.522, -47.094)  # 3.2 − 31.03 − 3.92 + 5.152, …
PRODUCTS_OUT = (4.52166, 0.98358, -4.7094,  # Leaf: (−26.598)·(−0.17), 2.522·0.39, (−47.094)·0.1
                -1.3299, -0.30264, 1.88376)  # Flower
OUTPUTS = (0.79584, 0.25122)
ANSWERS = PRODUCTS_H + HIDDEN + PRODUCTS_OUT + OUTPUTS
JARGON = ("sha256", "float64", "dense(", "leaf.net:", "W1[", "W2[", "spec line", "4×3", "parameters")


def learner(*args) -> str:
    result = invoke("trace", LEAF, "--audience", "learner", *args)
    assert result.exit_code == 0, result.output
    return result.output


def shown(number: float, text: str) -> bool:
    """True when `text` writes `number` (to 2 places, or in full), whatever its sign is written as."""
    forms = {f"{abs(number):.2f}", f"{abs(number):g}"}
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text) for form in forms)


def test_hand_arithmetic_of_the_answers_adds_up():
    """The answers above follow from the weights above (a check on the test's own arithmetic)."""
    x = {"R": 32, "G": 107, "B": 56, "Vol": 11.2}
    hidden = [sum(x[i] * W1[i][j] for i in x) for j in range(3)]
    assert hidden == pytest.approx(HIDDEN, abs=1e-12)
    assert [sum(hidden[j] * W2[j][k] for j in range(3)) for k in range(2)] == pytest.approx(OUTPUTS, abs=1e-12)


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_the_worksheet_speaks_plain_words(fmt):
    text = learner("--example", "leaf", "--format", fmt, "--no-key")
    for word in JARGON:
        assert word not in text, word
    for word in ("Name", "Class", "Date", "multiply and add", "Multiply each number by the weight"):
        assert word in text, word


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_no_key_leaves_every_answer_out(fmt):
    text = learner("--example", "leaf", "--format", fmt, "--no-key")
    body = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    left = [a for a in ANSWERS if shown(a, body)]
    assert left == []
    assert "Answer key" not in body
    for given in (32, 107, 56, 11.2, 0.46, -0.29, -0.17):  # what a learner is given is there
        assert shown(given, body)


def test_the_key_goes_to_its_own_file(tmp_path):
    key = tmp_path / "key.txt"
    sheet = learner("--example", "leaf", "--key", str(key))
    assert not any(shown(a, sheet) for a in ANSWERS)
    written = key.read_text(encoding="utf-8")
    assert "Answer key" in written
    assert all(shown(a, written) for a in ANSWERS)
    assert "[24: Leaf]" in written  # the decision, box 24: 12 + 3 + 6 + 2 boxes before it


def test_without_key_options_the_key_follows_the_sheet():
    text = learner("--example", "leaf")
    sheet, _, key = text.partition("Answer key")
    assert key and not any(shown(a, sheet) for a in ANSWERS) and all(shown(a, key) for a in ANSWERS)


@pytest.mark.parametrize("mode, boxes", [("products", 18), ("sums", 5 + 1), ("outputs", 2 + 1), ("all", 18 + 5 + 1)])
def test_blank_chooses_the_boxes(mode, boxes):
    text = learner("--example", "leaf", "--blank", mode, "--no-key")
    assert len(re.findall(r"\[\d+ ______\]", text)) == boxes
    if mode == "products":  # the sums are given, to check against
        assert "h1 = −26.598" in text and "Leaf = 0.79584" in text
    if mode == "outputs":  # everything before the outputs is given
        assert "3.2" in text and "h3 = −47.094" in text and "0.79584" not in text


def test_variants_draw_inputs_from_the_ranges_and_each_has_its_key(tmp_path):
    key = tmp_path / "key.txt"
    text = learner("--variants", "3", "--seed", "7", "--key", str(key))
    again = learner("--variants", "3", "--seed", "7", "--no-key")
    assert text == again  # the same seed, the same sheets
    assert text != learner("--variants", "3", "--seed", "8", "--no-key")
    sheets = text.split("\f")
    keys = key.read_text(encoding="utf-8").split("\f")
    assert len(sheets) == 3 and len(keys) == 3
    for n, (sheet, answers) in enumerate(zip(sheets, keys), 1):
        assert f"Sheet {n} of 3" in sheet and f"Sheet {n} of 3" in answers
        x = {name: float(value) for name, value in re.findall(r"^  (R|G|B|Vol) +([\d.]+)", sheet, re.M)}
        assert set(x) == {"R", "G", "B", "Vol"}
        assert all(0 <= x[c] <= 255 and x[c] == int(x[c]) for c in "RGB") and x["Vol"] >= 0
        hidden = [sum(x[i] * W1[i][j] for i in x) for j in range(3)]
        out = [sum(hidden[j] * W2[j][k] for j in range(3)) for k in range(2)]
        written = [float(v.replace("−", "-").replace("≈", "").strip())
                   for v in re.findall(r"= \[\d+: ([^\]]+)\]", answers)]
        assert written == pytest.approx(hidden + out, abs=1e-5)
        assert f": {'Leaf' if out[0] > out[1] else 'Flower'}]" in answers


@pytest.mark.parametrize("args, message", [
    (["--blank", "sums"], "--blank sums works with --audience learner"),
    (["--audience", "learner", "--format", "tex"], "written as html or text"),
    (["--audience", "learner", "--key", "k.txt", "--no-key"], "cannot be combined"),
    (["--audience", "learner", "--seed", "3"], "give --variants too"),
    (["--audience", "learner", "--variants", "2", "--example", "leaf"], "--variants draws the inputs"),
    (["--audience", "learner", "--focus", "hidden.h1"], "--focus is for the teacher's printout"),
    (["--variants", "2"], "give --audience learner too"),
])
def test_classroom_misuse_is_a_usage_error(args, message):
    result = invoke("trace", LEAF, *args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_teacher_worksheet_key_apart_and_left_out(tmp_path):
    key = tmp_path / "key.txt"
    result = invoke("trace", LEAF, "--example", "leaf", "--blank", "--key", str(key))
    assert result.exit_code == 0
    assert "Answer key" not in result.output and "−26.598" not in result.output
    assert "Answer key" in key.read_text(encoding="utf-8") and "−26.598" in key.read_text(encoding="utf-8")
    left_out = invoke("trace", LEAF, "--example", "leaf", "--blank", "--no-key").output
    assert "Answer key" not in left_out and "0.79584" not in left_out
