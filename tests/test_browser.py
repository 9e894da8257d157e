"""The HTML printout of leaf.net as a person sees it: opened from disk in headless Chromium (issue 3).

Driven by Playwright for Python with Debian's `chromium` as its browser (never
`playwright install`); .ci/run installs chromium when it is missing. Skips cleanly when
Chromium or Playwright is absent. The screenshot is written to pytest's tmp folder (or to
$NETSPEC_SCREENSHOTS when set) for a person to look at.
"""

from __future__ import annotations

import os
import re
import math
from pathlib import Path

import pytest

import netspec
from netspec.render.numbers import num

from conftest import SPECS

LEAF = {"R": 32, "G": 107, "B": 56, "Vol": 11.2}


@pytest.fixture(scope="module")
def sheet():
    return netspec.printout(SPECS / "leaf.net", LEAF)


@pytest.fixture(scope="module")
def opened(browser, sheet, tmp_path_factory):
    """The page of `netspec trace specs/leaf.net --input … --format html`, opened from disk."""
    path = tmp_path_factory.mktemp("html") / "leaf.html"
    sheet.save(path)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems, requests = [], []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    yield page, problems, requests
    page.close()


def test_the_page_loads_with_no_errors_and_fetches_nothing(opened):
    page, problems, requests = opened
    assert problems == []
    assert all(url.startswith("file:") for url in requests), requests


def test_the_diagram_shows_every_neuron_and_weighted_edge(opened, sheet):
    page, _, _ = opened
    svg = page.locator("figure.diagram svg")
    assert svg.is_visible()
    assert svg.locator("g.input").count() == 4 and svg.locator("g.node").count() == 3 + 2
    assert svg.locator("g.edge").count() == 18
    assert page.locator('[id="hidden.h1"] .value').text_content() == "−26.598"
    assert page.locator('[id="out.Leaf"] .value').text_content() == "0.79584"
    assert page.locator('[id="out.Leaf"]').get_attribute("class") == "node winner"
    assert page.locator('[id="input.R"]').is_visible()


def test_every_weight_on_its_edge_is_the_spec_weight(opened, sheet):
    """Each edge's id is its trace address, and its printed weight is numbers.py's text of the weight."""
    page, _, _ = opened
    shown = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('g.weight')]
        .map(g => [g.dataset.address, g.querySelector('text').textContent]))""")
    ids = page.evaluate("() => [...document.querySelectorAll('g.edge')].map(g => g.id)")
    expected = {}
    for step in sheet.trace.steps:
        if step.step.op == "dense":
            weights = step.params[0]
            for i, source in enumerate(weights.row_labels):
                for j, target in enumerate(weights.col_labels):
                    expected[f"{weights.name}[{source},{target}]"] = num(weights.array[i, j])
    assert sorted(ids) == sorted(expected)
    assert {address: text.lstrip("+") for address, text in shown.items()} == expected
    assert all(text.startswith("+") == (not text.startswith("−")) for text in shown.values())  # the sign glyph


def test_tooltips_explain_with_no_script(opened):
    page, _, _ = opened
    title = page.locator('[id="hidden.h1"] > title').text_content()
    assert title.startswith("h1 = R·W1[R,h1] + G·W1[G,h1]") and title.rstrip().endswith("= −26.598")
    assert "107·(−0.29) = −31.03" in page.locator('[id="W1[G,h1]"] > title').text_content()
    assert page.locator("script").count() == 0


def _plates(page) -> dict:
    """Each weight label's white plate as the browser lays it out: its four corners on the screen, turned as drawn."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('g.weight')].map(g => {
        const r = g.querySelector('rect.plate'), b = r.getBBox(), m = r.getScreenCTM();
        const corner = (x, y) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; };
        return [g.dataset.address, [corner(b.x, b.y), corner(b.x + b.width, b.y),
                                    corner(b.x + b.width, b.y + b.height), corner(b.x, b.y + b.height)]]; }))""")


def _apart(a, b) -> bool:
    """Two convex quadrilaterals do not overlap: some edge direction of one separates them (touching is apart)."""
    for shape in (a, b):
        for k in range(4):
            (x1, y1), (x2, y2) = shape[k], shape[(k + 1) % 4]
            nx, ny = y1 - y2, x2 - x1
            pa, pb = [nx * x + ny * y for x, y in a], [nx * x + ny * y for x, y in b]
            if max(pa) <= min(pb) + 1e-6 or max(pb) <= min(pa) + 1e-6:
                return True
    return False


def test_no_two_weight_labels_overlap_and_all_fit_in_the_drawing(opened):
    page, _, _ = opened
    plates = _plates(page)
    frame = page.evaluate("""() => { const b = document.querySelector('figure.diagram svg').getBoundingClientRect();
        return [b.left, b.top, b.right, b.bottom]; }""")
    assert len(plates) == 18
    corners = list(plates.items())
    for k, (name, a) in enumerate(corners):
        assert all(frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3] for x, y in a), name
        for other, b in corners[k + 1:]:
            assert _apart(a, b), (name, other)


def test_each_weight_label_sits_on_its_own_line_turned_along_it(opened):
    """The labels of the edges into one neuron are not a column: each plate's centre is on its edge's line, the
    plate turned to the line, and no two labels into one neuron share a place across the drawing."""
    page, _, _ = opened
    plates = _plates(page)
    lines = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('g.edge')].map(g => {
        const l = g.querySelector('line'), m = l.getScreenCTM();
        const at = (x, y) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; };
        return [g.id, [at(l.x1.baseVal.value, l.y1.baseVal.value), at(l.x2.baseVal.value, l.y2.baseVal.value)]]; }))""")
    for address, corners in plates.items():
        (x1, y1), (x2, y2) = lines[address]
        cx, cy = sum(x for x, _ in corners) / 4, sum(y for _, y in corners) / 4
        length = math.hypot(x2 - x1, y2 - y1)
        assert abs((x2 - x1) * (cy - y1) - (y2 - y1) * (cx - x1)) / length < 0.5, address  # on the line
        assert min(x1, x2) < cx < max(x1, x2), address
        top = corners[1][0] - corners[0][0], corners[1][1] - corners[0][1]  # the plate's long side
        assert abs(top[0] * (y2 - y1) - top[1] * (x2 - x1)) / (math.hypot(*top) * length) < 0.01, address
    for target in ("h1", "h2", "h3"):
        centres = sorted(sum(x for x, _ in c) / 4 for a, c in plates.items() if a.endswith(f",{target}]"))
        assert len(centres) == 4 and all(b - a > 8 for a, b in zip(centres, centres[1:])), (target, centres)


def test_the_worked_calculation_is_under_the_diagram(opened):
    page, _, _ = opened
    table = page.locator("table.weights").first
    cells = table.locator("tbody tr").nth(1).locator("th, td")
    assert cells.all_text_contents() == ["G", "107", "−0.29", "−0.05", "−0.21"]
    results = table.locator("tfoot").locator("th, td")
    assert results.all_text_contents() == ["hidden", "=", "−26.598", "2.522", "−47.094"]
    total = page.locator('table.sum[data-address="out.Leaf"] tr.total td')
    assert total.all_text_contents() == ["=", "0.79584"]
    assert page.locator("section.decision .sentence").text_content() == "The object is a Leaf."


def test_printing_gives_a4_pages_with_a_break_before_each_step(opened, tmp_path):
    page, _, _ = opened
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 3  # the diagram, then one page per step
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert abs(float(box[1]) - 595.3) < 1 and abs(float(box[2]) - 841.9) < 1  # A4, 210 × 297 mm, in points
    page.emulate_media(media="print")
    breaks = page.evaluate("""() => [...document.querySelectorAll('section.step')]
        .map(s => getComputedStyle(s).breakBefore)""")
    page.emulate_media(media="screen")
    assert breaks == ["page", "page"]


def test_screenshot(opened, tmp_path):
    """Saved for a person to look at; the test only checks that something was drawn."""
    page, _, _ = opened
    folder = Path(os.environ.get("NETSPEC_SCREENSHOTS", tmp_path))
    shot = folder / "leaf.png"
    page.screenshot(path=str(shot), full_page=True)
    page.locator("figure.diagram").screenshot(path=str(folder / "leaf-diagram.png"))
    assert shot.stat().st_size > 20_000


def test_the_worksheet_has_boxes_and_its_answer_key_last(browser, tmp_path):
    path = tmp_path / "leaf.blank.html"
    netspec.printout(SPECS / "leaf.net", LEAF, blank=True).save(path)
    page = browser.new_page()
    page.goto(path.as_uri())
    h1 = page.locator('[id="hidden.h1"]')
    assert h1.locator(".value").count() == 0 and h1.locator("rect.box").count() == 1
    sheet = page.locator("section.row")
    assert sheet.locator("span.box").count() >= 3 * 4 + 3 + 2 * 3 + 2
    assert "−26.598" not in sheet.text_content() and "−26.598" in page.locator("section.answer-key").text_content()
    last = page.evaluate("() => document.querySelector('body').lastElementChild.previousElementSibling.className")
    assert last == "answer-key"
    page.close()
