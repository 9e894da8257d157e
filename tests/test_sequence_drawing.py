"""Sequence networks drawn as sequences: token rows, per-token vectors, attention as a weight matrix.

The attention numbers are worked out by hand here (softmax of q·k for attention_3tok's last
token), and the geometry is read back from the SVG: every token joins its own row, and no
line crosses a block of cells.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
import os

import pytest

from clirun import invoke
from conftest import SPECS

SPECS_DRAWN = ("attention_3tok", "cross_attention", "multihead", "tiny_gpt")


def _draw(name: str, example: str | None = None) -> str:
    text = (SPECS / f"{name}.net").read_text(encoding="utf-8")
    example = example or re.search(r"^example (\w+):", text, re.M).group(1)
    result = invoke("draw", SPECS / f"{name}.net", "--example", example)
    assert result.exit_code == 0, result.output
    return result.output


def _blocks(svg: str) -> dict[str, tuple[float, float, float, float]]:
    """Block id → the box around its cells (x0, y0, x1, y1)."""
    found = {}
    for match in re.finditer(r'<g class="block[^"]*" id="([^"]+)">(.*?)</g>', svg, re.S):
        rects = [tuple(float(v) for v in r) for r in
                 re.findall(r'<rect class="\w+" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', match.group(2))]
        found[match.group(1)] = (min(r[0] for r in rects), min(r[1] for r in rects),
                                 max(r[0] + r[2] for r in rects), max(r[1] + r[3] for r in rects))
    return found


def _lines(svg: str) -> list[tuple[float, float, float, float]]:
    return [tuple(float(v) for v in m) for m in
            re.findall(r'<line class="[^"]+" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"', svg)]


def _crosses(line, box) -> bool:
    """True when the segment passes through the box (sampled finely: the boxes are tens of pixels)."""
    x1, y1, x2, y2 = line
    for k in range(201):
        t = k / 200
        x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        if box[0] < x < box[2] and box[1] < y < box[3]:
            return True
    return False


def test_attention_3tok_is_drawn_as_token_rows():
    svg = _draw("attention_3tok")
    blocks = _blocks(svg)
    assert {"input", "x", "k", "q", "v", "a", "a.weights", "out"} <= set(blocks)
    for word in ("humpty → 1", "dumpty → 2", "sat → 3"):
        assert f">{word}<" in svg
    x_cells = re.search(r'id="x">(.*?)</g>', svg, re.S).group(1)
    assert x_cells.count("<rect") == 3 * 3  # three tokens, each its own vector of three numbers


def test_each_token_joins_its_own_embedding_row():
    svg = _draw("attention_3tok")
    blocks = _blocks(svg)
    tokens, x = blocks["input"], blocks["x"]
    joins = [line for line in _lines(svg) if tokens[2] <= line[0] <= tokens[2] + 10 and line[2] <= x[0]]
    assert len(joins) == 3
    row_h = (tokens[3] - tokens[1]) / 3
    for i, (x1, y1, x2, y2) in enumerate(sorted(joins, key=lambda line: line[1])):
        assert tokens[1] + i * row_h < y1 < tokens[1] + (i + 1) * row_h
        row_x = (x[3] - x[1]) / 3
        assert x[1] + i * row_x < y2 < x[1] + (i + 1) * row_x  # token i ends in row i of x, not at number i


@pytest.mark.parametrize("name", sorted(SPECS_DRAWN))
def test_no_line_passes_through_a_block(name):
    svg = _draw(name)
    blocks = _blocks(svg)
    crossing = [(line, block) for line in _lines(svg) for block, box in blocks.items() if _crosses(line, box)]
    assert crossing == []


def test_the_attention_weights_and_the_weighted_sum_are_the_hand_softmax():
    """Last token `sat`: x = (0, 0, 1), q = x·Wq = (0.7, 0); k rows (1, 0), (0, 1), (0, 1): scores 0.7, 0, 0."""
    e = math.exp(0.7)
    weights = [e / (e + 2), 1 / (e + 2), 1 / (e + 2)]  # 0.50171, 0.24914, 0.24914
    values = [(1, 0), (0, 1), (0.5, 0.5)]  # v = x·Wv for humpty, dumpty, sat
    a = [sum(w * v[f] for w, v in zip(weights, values)) for f in range(2)]
    svg = _draw("attention_3tok")
    matrix = re.search(r'id="a.weights">(.*?)</g>', svg, re.S).group(1)
    shown = [float(t.replace("≈ ", "")) for t in re.findall(r">(≈ [\d.]+)<", matrix)]
    assert shown == pytest.approx(weights, abs=0.0005)
    arrows = [float(t) for t in re.findall(r'class="w"[^>]*>× ≈ ([\d.]+)<', svg)]
    assert arrows == pytest.approx(weights, abs=0.0005)  # one arrow from each value row, with its weight
    out = re.search(r'id="a">(.*?)</g>', svg, re.S).group(1)
    assert [float(t.replace("≈ ", "")) for t in re.findall(r">(≈ [\d.]+)<", out)] == pytest.approx(a, abs=0.0005)


def test_a_network_without_sequences_keeps_its_neuron_drawing():
    svg = invoke("draw", SPECS / "leaf.net", "--example", "leaf").output
    assert 'class="netspec-diagram"' in svg and "seq" not in svg.split(">", 2)[1]


def test_the_drawings_in_the_browser(browser, tmp_path):
    folder = Path(os.environ.get("NETSPEC_SCREENSHOTS") or tmp_path)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    for name in sorted(SPECS_DRAWN):
        path = tmp_path / f"{name}.html"
        path.write_text("<!DOCTYPE html><html><body>" + _draw(name).split("\n", 1)[1] + "</body></html>",
                        encoding="utf-8")
        page.goto(path.as_uri())
        assert page.locator("svg.seq g.block").count() >= 5
        box = page.locator("svg.seq").bounding_box()
        assert box["width"] > 500 and box["height"] > 200
        page.screenshot(path=str(folder / f"sequence-{name}.png"),
                        clip={"x": 0, "y": 0, "width": min(box["width"], 2400), "height": box["height"]},
                        timeout=120_000)
    assert problems == []


def _rows_of(svg: str, block: str) -> list[str]:
    cells = re.search(rf'id="{re.escape(block)}">(.*?)</g>', svg, re.S).group(1)
    return re.findall(r'text-anchor="end" class="pos">([^<]+)<', cells)


def _numbers_of(svg: str, block: str) -> list[str]:
    cells = re.search(rf'id="{re.escape(block)}">(.*?)</g>', svg, re.S).group(1)
    return re.findall(r'text-anchor="middle">([^<]+)<', cells)


def test_a_padded_text_is_drawn_with_its_own_tokens_only():
    """`humpty sat` in a text of up to four words: positions 3 and 4 are padding, left out as the
    printout leaves them out, and said under the title. E's rows humpty (1, 0) and sat (2, 2) are x;
    the mean of the two real rows is (1.5, 1); its length √(1.5² + 1) = 1.80278, the direction
    (0.83205, 0.55470)."""
    svg = _draw("sentence_embedding", "short")
    assert _rows_of(svg, "input") == ["text1", "text2"] and _rows_of(svg, "x") == ["text1", "text2"]
    assert _numbers_of(svg, "input") == ["humpty → 1", "sat → 3"]
    assert _numbers_of(svg, "x") == ["1", "0", "2", "2"]
    assert _numbers_of(svg, "pooled") == ["1.5", "1"]
    length = math.sqrt(1.5**2 + 1)
    assert _numbers_of(svg, "direction") == [f"≈ {1.5 / length:.5f}", f"≈ {1 / length:.5f}"]
    assert ">padding, not drawn: text3, text4<" in svg
    full = invoke("draw", SPECS / "sentence_embedding.net").output  # no row: the shape, every position
    assert _rows_of(full, "x") == ["text1", "text2", "text3", "text4"] and "padding" not in full


def test_attention_over_a_padded_text_draws_the_real_keys_only():
    """sep_concat's example is four tokens of eight: its attention weights have a row and a column for
    each of the four real tokens, and each row (a softmax over the real keys) adds up to 1."""
    svg = _draw("sep_concat")
    (name,) = [n for n in _blocks(svg) if n.endswith(".weights")]
    real = _rows_of(svg, "input")
    assert len(real) == 4 and _rows_of(svg, name) == real
    numbers = [float(t.replace("≈ ", "")) for t in _numbers_of(svg, name)]
    assert len(numbers) == 16
    for k in range(4):
        assert sum(numbers[4 * k:4 * k + 4]) == pytest.approx(1, abs=4 * 0.5e-5)
