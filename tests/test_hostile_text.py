"""A stranger's spec, printed: free text that tries to run, read or redraw something shows as text.

Each hostile string goes into every free-text field the grammar allows (the network's
description, input meanings and units, table row and column labels, output labels, the
decision's labels, vocabulary tokens inline and in a vocabulary file, the `say` sentence,
example labels and texts) and into the spec's file name; every format is rendered and checked as its reader would
use it: terminal text for raw controls, SVG with an XML parser, the HTML page and the
Markdown (rendered by markdown-it) in Chromium for script, the LaTeX with pdflatex in its
default mode for a file read or written. pdflatex and Chromium tests skip without them.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest

import netspec
from clirun import invoke

SECRET = "TOPSECRETqz7f3a91"  # in secret.txt beside each spec: no printout may show it
HOSTILE = {
    "latex_input": r"\input{secret.txt}\input secret.txt \relax",
    "latex_write": r"\immediate\write18{touch PWNED}\immediate\openout7=OPENED.tex\immediate\write7{x}",
    "latex_carets": "^^5cinput{secret.txt}^^5cimmediate^^5cwrite18{touch PWNED}^",
    "latex_braces": r"}{\input{secret.txt}}{\end{document}",
    "latex_specials": "% $ # ~ & _ ^ ' x^^ $x^2$",
    "html_script": "<script>window.__pwned=1</script>",
    "html_img": "<img src=x onerror=window.__pwned=1>&amp;",
    "markdown": "| * _x_ **b** `c` [x](javascript:window.__pwned=1) ![i](x) # h",
    "controls": "\x1b[2J\x1b]0;title\x07\r\x00\x9b31m\x7f\x0b",
    "bidi": "\u202eevil\u202c\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u202a\u202b\u202d",
    "css": "\\f}}body{color:red}\f}}body{color:red}",
}
HOSTILE["everything"] = " ".join(HOSTILE.values())
CASES = [*sorted(HOSTILE), "file_name"]  # file_name: harmless text in a spec whose file name is FILE_NAME
FILE_NAME = ("h\n\\input{secret.txt}\\immediate\\write18{touch PWNED}\f}}body{color:red}"
             "<img src=x onerror=window.__pwned=1>\x1b[2J\u202e.net")  # no `/`: a file name cannot hold one
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # \t, \n allowed
RAW_TERMINAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _specs(h: str) -> dict[str, str]:
    """Specs with `h` in every quoted string: a dense/add network, a sign decision, a text input of words,
    and one of sub-words whose vocabulary is a file."""
    said = h.replace("{", "(").replace("}", ")")  # a sentence may name no placeholder but {decision}
    token = h.replace(" ", "")  # a word of a `words` vocabulary holds no space
    dense = f'''network hostile "{h} description"
input x1 "{h} meaning" unit "{h} unit"
input x2 "{h} meaning two" range 0 to 10
weights W:
        "{h} a"   "{h} b"
  x1    0.5   -1
  x2    0.25   2
layer hidden = dense(input, W)
weights W2:
        "{h} yes"   "{h} no"
  "{h} a"   1   0
  "{h} b"   0   1
layer mixed = dense(hidden, W2)
layer act = relu(mixed)
layer out = add(mixed, act)
output out labels "{h} yes", "{h} no"
decide largest
say "{said} says {{decision}} {said}"
example e1: x1=1, x2=2 -> "{h} no"
  expect "{h} yes"=2, "{h} no"=6 within 1e-9
'''
    sign = f'''network hostile_sign "{h}"
input x "{h}" unit "{h}"
weights W:
      "{h} score"
  x   -2
layer out = dense(input, W)
output out
decide "{h} pos" if positive otherwise "{h} neg"
say "{said}: {{decision}}"
example e1: x=1 -> "{h} neg"
'''
    words = f'''network hostile_words "{h}"
vocabulary words words "{token}1", "{token}2", "plain"
input text "{h} text" tokens 2 from words
weights E:
               "{h} e1"   "{h} e2"
  "{token}1"   0.1   0.2
  "{token}2"   0.3   0.4
  plain        0.5   0.6
layer out = embed(input, E)
output out labels "{h} o1", "{h} o2", "{h} o3", "{h} o4"
decide largest
say "{said} {{decision}}"
example e1: text="{token}1 plain" -> "{h} o4"
'''
    pieces = f'''network hostile_pieces "{h}"
vocabulary pieces subwords from "vocab.txt"
input word "{h} word" tokens 2 from pieces
weights E from "e.npz" key "E" shape (3, 2)
layer out = embed(input, E)
output out
decide largest
say "{said} {{decision}}"
example e1: word="{"".join(h.split())}1 {"".join(h.split())}2" -> word2_e2
'''
    return {"dense": dense, "sign": sign, "words": words, "pieces": pieces}


def _vocabulary_files(folder: Path, h: str) -> None:
    """The pieces spec's vocabulary, a token a line (one holds a `"`, which no quoted string can), and E."""
    token = "".join(h.split())  # a vocabulary file's token holds no white space at all
    (folder / "vocab.txt").write_text(f'{token}1\n{token}2\nq"uote{token}\n', encoding="utf-8")
    np.savez(folder / "e.npz", E=np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]))


def _printed(h: str, folder: Path, file_name: str) -> tuple[dict, dict]:
    """({spec kind: path}, {spec kind: {format: text}}) for the specs holding `h`, written under `folder`."""
    (folder / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    paths, printed = {}, {}
    for kind, text in _specs(h).items():
        path = folder / kind / file_name
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        if kind == "pieces":
            _vocabulary_files(path.parent, h)
        paths[kind] = path
        printed[kind] = _every_format(path)
    return paths, printed


@pytest.fixture(scope="module", params=CASES)
def case(request, tmp_path_factory):
    """(hostile string, folder, {spec kind: path}, {spec kind: {format: text}}) for one hostile string."""
    h = HOSTILE.get(request.param, "harmless text")
    folder = tmp_path_factory.mktemp(request.param)
    file_name = FILE_NAME if request.param in ("file_name", "everything") else "spec.net"
    return (h, folder, *_printed(h, folder, file_name))


@pytest.fixture(scope="module")
def benign(tmp_path_factory):
    """{spec kind: {format: text}} for the same specs holding harmless text: the elements every page has."""
    return _printed("benign text", tmp_path_factory.mktemp("benign"), "benign.net")[1]


def _every_format(path: Path) -> dict[str, str]:
    sheet = netspec.printout(path)
    blank = netspec.printout(path, blank=True, label_terms=True)
    found = {fmt: sheet.as_format(fmt) for fmt in ("text", "md", "html", "tex", "json")}
    found |= {f"blank.{fmt}": blank.as_format(fmt) for fmt in ("text", "md", "html", "tex")}
    return found | {"svg": sheet.svg()}


def test_the_hostile_specs_load_and_hold_the_text(case):
    """The strings really are in the specs (a test of nothing else would pass on any output)."""
    h, _, paths, printed = case
    for kind, path in paths.items():
        spec = netspec.load_spec(path)
        assert spec.description.startswith(h) and spec.path == str(path)


def test_terminal_output_has_no_raw_control_or_bidi_character(case):
    h, _, paths, printed = case
    outputs = [p[fmt] for p in printed.values() for fmt in ("text", "blank.text", "json")]
    for path in paths.values():
        outputs += [invoke("check", path).output, repr(netspec.printout(path))]
        outputs += [invoke("run", path, "--examples", "--format", fmt).output for fmt in ("text", "json", "csv")]
    for output in outputs:
        assert RAW_TERMINAL.search(output) is None, repr(RAW_TERMINAL.search(output))
    if "\x1b" in h:
        assert "\\x1b[2J" in printed["dense"]["text"]  # shown, as the reader can see it
    if "\u202e" in h:
        assert "\\u202e" in printed["dense"]["text"]


def test_no_format_carries_a_raw_control_or_bidi_character(case):
    _, _, _, printed = case
    for found in printed.values():
        for fmt, text in found.items():
            assert RAW.search(text) is None, (fmt, repr(RAW.search(text)))


def test_json_holds_the_text_as_given(case):
    """JSON is for programs: the label comes back exactly, controls and bidi characters included."""
    h, _, paths, printed = case
    document = json.loads(printed["dense"]["json"])
    assert document["rows"][0]["decision"] == f"{h} no" and document["spec"] == str(paths["dense"])


def test_svg_is_well_formed_xml_with_the_labels_as_text(case):
    h, _, _, printed = case
    for found in printed.values():
        root = ElementTree.fromstring(found["svg"].encode("utf-8"))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert not root.findall(".//{http://www.w3.org/2000/svg}script")
    texts = "".join(ElementTree.fromstring(printed["dense"]["svg"].encode("utf-8")).itertext())
    if "<script>" in h:
        assert "<script>window.__pwned=1</script>" in texts  # the label, shown as text


class _Tags(html.parser.HTMLParser):
    """Every element a page really has, and that each one closes in order."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "circle", "line", "path"}

    def __init__(self, text: str):
        super().__init__()
        self.tags, self.open = [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()


def test_html_page_has_the_elements_of_a_harmless_spec_and_its_style_sheet_is_intact(case, benign):
    _, _, _, printed = case
    for kind, found in printed.items():
        for fmt in ("html", "blank.html"):
            tags = _Tags(found[fmt])
            assert tags.open == [] and tags.tags == _Tags(benign[kind][fmt]).tags
            style = re.search(r"<style>(.*?)</style>", found[fmt], re.S).group(1)
            content = re.search(r"@top-left \{ content: (\"(?:[^\"\\\n\f\r]|\\.)*\"); font:", style)
            assert content, "the provenance is not one CSS string"
            assert "color:red" not in style.replace(content.group(1), "")


def _markdown_html(text: str) -> str:
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py is not installed")
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def test_markdown_renders_to_the_elements_of_a_harmless_spec(case, benign):
    """Rendered as a Markdown viewer would (raw HTML allowed): no script, image, link or emphasis of the spec's."""
    h, _, _, printed = case
    for kind, found in printed.items():
        for fmt in ("md", "blank.md"):
            rendered = _markdown_html(found[fmt])
            assert _Tags(rendered).tags == _Tags(_markdown_html(benign[kind][fmt])).tags, (kind, fmt)
            assert "<script" not in rendered and "<img" not in rendered and 'href="javascript' not in rendered


PDFLATEX = shutil.which("pdflatex") and shutil.which("pdftotext")


@pytest.mark.skipif(not PDFLATEX, reason="pdflatex or pdftotext is not installed")
def test_tex_compiles_and_reads_or_writes_no_file(case):
    """pdflatex in its default mode (no shell escape), run where secret.txt lies: the PDF shows the
    labels as text, never the secret, and nothing is written by \\write18 or \\openout."""
    h, folder, _, printed = case
    every = folder.name.startswith(("everything", "file_name"))  # pdflatex takes a second a document:
    for kind, found in printed.items():                         # the other cases compile two specs
        if kind not in ("dense", "words") and not every:
            continue
        for fmt in ("tex", "blank.tex") if kind == "dense" else ("tex",):
            name = f"{kind}-{fmt.replace('.', '-')}"
            (folder / f"{name}.tex").write_text(found[fmt], encoding="utf-8")
            done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                                   f"{name}.tex"], cwd=folder, capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stdout[-2000:]
            shown = subprocess.run(["pdftotext", f"{name}.pdf", "-"], cwd=folder, capture_output=True,
                                   text=True, timeout=60).stdout
            log = (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            assert "(./secret.txt" not in log.replace("\n", "")  # TeX logs each file it reads as (./name
            assert SECRET not in re.sub(r"\s", "", shown) and SECRET not in log
            if "secret.txt" in h:
                assert "input" in shown and "secret.txt" in shown  # the command, printed as text
    assert not (folder / "PWNED").exists() and not (folder / "OPENED.tex").exists()
    assert sorted(p.name for p in folder.iterdir() if p.suffix not in (".tex", ".pdf", ".log", ".aux")) == [
        "dense", "pieces", "secret.txt", "sign", "words"]  # no file but the printouts' own




@pytest.fixture(scope="module")
def tab(browser):
    page = browser.new_page()
    yield page
    page.close()


def _opened(page, path: Path) -> dict:
    """The page opened from disk: whether a script ran, what was fetched, and the body's colour."""
    requests = []

    def fetched(request):
        requests.append(request.url)

    page.on("request", fetched)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)  # an onerror handler runs after the image fails
    found = page.evaluate("""() => ({pwned: window.__pwned === undefined ? null : window.__pwned,
        scripts: document.querySelectorAll('script').length, images: document.querySelectorAll('img').length,
        links: [...document.querySelectorAll('a')].map(a => a.href),
        colour: getComputedStyle(document.body).color})""")
    page.remove_listener("request", fetched)
    return found | {"requests": [url for url in requests if url != path.as_uri()]}


def test_html_and_rendered_markdown_run_no_script_in_chromium(case, tab):
    h, folder, _, printed = case
    for kind, found in printed.items():
        (folder / f"{kind}.html").write_text(found["html"], encoding="utf-8")
        (folder / f"{kind}.md.html").write_text(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{_markdown_html(found["md"])}</body></html>',
            encoding="utf-8")
        for page in (f"{kind}.html", f"{kind}.md.html"):
            seen = _opened(tab, folder / page)
            assert seen["pwned"] is None and seen["scripts"] == 0 and seen["images"] == 0, (page, seen)
            assert not any(link.startswith("javascript:") for link in seen["links"]), (page, seen)
            assert seen["requests"] == [] and seen["colour"] != "rgb(255, 0, 0)", (page, seen)


def test_the_test_catches_an_unescaped_printout(tab, tmp_path):
    """The same checks on text written raw: the script runs and the image loads, so the checks can fail."""
    page = tmp_path / "raw.html"
    raw = f"<p>{HOSTILE['html_script']}{HOSTILE['html_img']}</p>"
    page.write_text(f"<!DOCTYPE html><html><body>{_markdown_html(raw)}</body></html>", encoding="utf-8")
    seen = _opened(tab, page)
    assert seen["pwned"] == 1 and seen["scripts"] == 1


def test_each_escape_on_its_own():
    """The escaping functions on the smallest cases, the expected text written out by hand."""
    from netspec.render import escape

    assert escape.visible("a\x1bb\u202ec\x00\n") == "a\\x1bb\\u202ec\\x00\\x0a"
    assert escape.terminal_lines("ok\n\x9b2J") == "ok\n\\x9b2J"
    assert json.loads(escape.json_text(json.dumps("\u202e\x9b", ensure_ascii=False))) == "\u202e\x9b"
    assert escape.html_text('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert escape.css_string('a"\\\f}<') == '"a\\"\\\\\\\\x0c}\\3c "'
    assert escape.markdown("leaf_or_flower > 2") == "leaf_or_flower > 2"  # as the printouts of specs/ have it
    assert escape.markdown("_x_ *y* [z](j) <b>|`") == "\\_x\\_ \\*y\\* \\[z](j) &lt;b>\\|\\`"
    assert escape.markdown("# 1. - a", line_start=True) == "\\# 1. - a"
    assert escape.markdown("1. a", line_start=True) == "1\\. a"
    assert escape.markdown_code("a`b") == "`` a`b ``"
    assert escape.tex_text("\\x{y}%") == "\\textbackslash{}x\\{y\\}\\%"
    assert escape.tex_math("^^5c") == "\\text{\\textasciicircum}^5c"  # no `^^`: TeX reads no backslash
    assert escape.tex_math("a^1^2") == "a^1\\text{\\textasciicircum}2"  # never a double superscript
    assert escape.tex_math("\\input{f}") == "\\backslash{}input\\{f\\}"
    assert escape.tex_math("(2 − 5)^2 + e^(x − 1)") == "(2 - 5)^2 + e^{(x - 1)}"  # the program's own powers
