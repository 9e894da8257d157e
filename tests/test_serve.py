"""`netspec serve`: the printout on 127.0.0.1, recomputed by the plan on the server when a number changes.

Driven in Chromium (Playwright, Debian's chromium). The expected numbers are hand
arithmetic on the leaf network: with W1[R,h1] = 0.2 instead of 0.1, h1 = −26.598 + 32·0.1
= −23.398; box 1 is 32·0.1 = 3.2 and box 2 is 107·(−0.29) = −31.03.
"""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest

import netspec
from conftest import SPECS
from netspec.serve import make_server

LEAF = SPECS / "leaf.net"


@pytest.fixture
def server():
    running = make_server(netspec.load_spec(LEAF), port=0)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{running.server_address[1]}"
    running.shutdown()
    running.server_close()


def _post(url: str, body) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


LEAF_INPUTS = {"R": "32", "G": "107", "B": "56", "Vol": "11.2"}


def test_it_listens_on_this_computer_only(server):
    assert server.startswith("http://127.0.0.1:")


def test_the_server_computes_with_the_typed_weight(server):
    got = _post(server + "/printout", {"inputs": LEAF_INPUTS, "weights": {"W1[R,h1]": "0.2"}})
    assert "−23.398" in got["html"] and "−26.598" not in got["html"]


@pytest.mark.parametrize("body, message", [
    ({"inputs": {**LEAF_INPUTS, "R": "abc"}}, "R: “abc” is not a number"),
    ({"inputs": LEAF_INPUTS, "weights": {"W1[R,h1]": "1e999"}}, "is not a number"),
    ({"inputs": LEAF_INPUTS, "weights": {"../etc/passwd": "1"}}, "no weight of this spec has this name"),
    ({"inputs": {"R": "1"}}, "missing: G, B, Vol"),
    ({"inputs": {**LEAF_INPUTS, "R": "300"}}, "outside its range"),
])
def test_bad_numbers_get_a_message(server, body, message):
    assert message in _post(server + "/printout", body)["error"]


def test_no_path_but_the_page_is_served(server):
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(server + "/specs/leaf.net", timeout=10)


def test_answers_are_marked_on_the_server(server):
    got = _post(server + "/check", {"inputs": LEAF_INPUTS, "answers": {"1": "3.2", "2": "-31", "5": "−26.6"}})
    assert got["marks"]["1"] == "right" and got["marks"]["2"] == "wrong" and got["marks"]["5"] == "right"
    assert got["marks"]["3"] == "missing" and "0.01" in got["said"]


@pytest.fixture
def page(server, browser):
    opened = browser.new_page(viewport={"width": 1400, "height": 900})
    opened.goto(server)
    opened.wait_for_selector('[id="hidden.h1"] .value')
    yield opened
    opened.close()


def test_typing_a_weight_changes_h1(page):
    h1 = page.locator('[id="hidden.h1"] .value')
    assert h1.text_content() == "−26.598"
    page.fill('[data-weight="W1[R,h1]"]', "0.2")
    page.press('[data-weight="W1[R,h1]"]', "Tab")
    page.wait_for_function("document.querySelector('[id=\"hidden.h1\"] .value').textContent === '−23.398'")
    assert page.locator('[id="out.Leaf"] .value').text_content() != "0.79584"  # every number after it changed too


def test_a_wrong_answer_is_marked(page):
    page.check('input[value="worksheet"]')
    page.wait_for_selector("input.answer")
    page.fill('input.answer[data-box="1"]', "5")
    page.fill('input.answer[data-box="2"]', "−31.03")
    page.click("#check")
    page.wait_for_selector('.box[data-mark="wrong"]')
    assert page.locator('.box[data-box="1"]').get_attribute("data-mark") == "wrong"
    assert page.locator('.box[data-box="2"]').get_attribute("data-mark") == "right"
    assert "within 0.01" in page.locator("#message").text_content()


def test_a_bad_number_shows_a_message(page):
    page.fill('[data-input="G"]', "seven")
    page.press('[data-input="G"]', "Tab")
    page.wait_for_function("document.getElementById('message').textContent.includes('not a number')")
