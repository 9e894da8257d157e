"""The learner's worksheet as a printer sees it: Chromium prints it to PDF (A4), boxes big enough for a pen.

Skips without Debian's chromium or Playwright (never `playwright install`). The PDF and a
screenshot are written to pytest's tmp folder, or to $NETSPEC_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from clirun import invoke
from conftest import SPECS

MM = 96 / 25.4  # CSS pixels in a millimetre


def _folder(tmp_path) -> Path:
    shots = os.environ.get("NETSPEC_SCREENSHOTS")
    return Path(shots) if shots else tmp_path


def _sheet(tmp_path, *args) -> Path:
    path = tmp_path / "sheet.html"
    result = invoke("trace", SPECS / "leaf.net", "--audience", "learner", "--format", "html", "-o", path, *args)
    assert result.exit_code == 0, result.output
    return path


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_leaf_worksheet_prints_on_one_a4_page_with_big_boxes(browser, tmp_path, lang):
    path = _sheet(tmp_path, "--example", "leaf", "--no-key", "--lang", lang)
    page = browser.new_page()
    page.goto(path.as_uri())
    boxes = page.locator(".box")
    assert boxes.count() == 24
    for i in range(boxes.count()):
        box = boxes.nth(i).bounding_box()
        assert box["height"] >= 10 * MM and box["width"] >= 20 * MM, (i, box)
    folder = _folder(tmp_path)
    page.screenshot(path=str(folder / f"learner-leaf-{lang}.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (folder / f"learner-leaf-{lang}.pdf").write_bytes(pdf)
    assert _pages(pdf) == 1  # the leaf sheet: one A4 page, the decision on it too
    assert page.locator("text=Name").count() + page.locator("text=姓名").count() >= 1
    page.close()


def test_every_box_of_a_neuron_stays_inside_the_page_width(browser, tmp_path):
    """No total box runs off the right edge of A4 (190 mm of body at most)."""
    path = _sheet(tmp_path, "--example", "leaf", "--no-key")
    page = browser.new_page(viewport={"width": round(210 * MM), "height": 1200})
    page.goto(path.as_uri())
    right = page.evaluate("Math.max(...[...document.querySelectorAll('.box')].map(b => b.getBoundingClientRect().right))")
    assert right <= 200 * MM
    page.close()


def test_variants_start_each_sheet_on_a_new_page(browser, tmp_path):
    path = _sheet(tmp_path, "--variants", "3", "--seed", "2", "--no-key")
    page = browser.new_page()
    page.goto(path.as_uri())
    assert page.locator("section.sheet").count() == 3
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert 3 <= _pages(pdf) <= 6  # each sheet one or two pages, none sharing a page
    page.close()


def test_the_interactive_sheet_checks_its_answers_offline(browser, tmp_path):
    """Box 1 is 32·0.1 = 3.2, box 5 is h1 = −26.598 (−26.6 is within 0.01), box 24 the decision Leaf."""
    path = _sheet(tmp_path, "--example", "leaf", "--interactive")
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.fill('.box[data-box="1"] input', "3.2")
    page.fill('.box[data-box="2"] input', "31.03")  # the sign left off
    page.fill('.box[data-box="5"] input', "−26.6")
    page.fill('.box[data-box="24"] input', "leaf")
    page.click("button.check")
    marks = {n: page.locator(f'.box[data-box="{n}"]').get_attribute("data-mark") for n in (1, 2, 3, 5, 24)}
    assert marks == {1: "right", 2: "wrong", 3: "missing", 5: "right", 24: "right"}
    assert page.locator(".score").text_content() == "score 3 of 24"
    assert all(url.startswith("file:") for url in requests)
    page.close()
