"""Every command shown in README.md and docs/ prints exactly what the page says; the landing
page keeps its first screen; every link leads somewhere."""

from __future__ import annotations

import importlib.util
import math
import re
from urllib.parse import unquote

import pytest

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("update_readme", ROOT / "scripts" / "update_readme.py")
update_readme = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_readme)

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCUMENTS = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8") for path in update_readme.documents()}
BLOCKS = [(name, m.group(1)) for name, text in DOCUMENTS.items() for m in update_readme.BLOCK.finditer(text)]


# A batch (`run --csv`) keeps BLAS matrix products, whose last bits depend on the CPU's kernel
# (docs/same-numbers.md); its full-precision numbers are compared to this relative tolerance.
# Everything else a block shows is the same on every machine and compared as text.
BATCH_RTOL = 1e-12
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def _same_batch_output(shown: str, real: str) -> bool:
    if NUMBER.split(shown) != NUMBER.split(real):
        return False
    pairs = zip(map(float, NUMBER.findall(shown)), map(float, NUMBER.findall(real)))
    return all(math.isclose(a, b, rel_tol=BATCH_RTOL, abs_tol=BATCH_RTOL) for a, b in pairs)


@pytest.mark.parametrize("page, block", BLOCKS,
                         ids=[f"{page}:{update_readme.commands(b)[0][:60]}" for page, b in BLOCKS])
def test_block_is_real_output(page, block):
    real = update_readme.rendered(block)
    hint = f"run `python scripts/update_readme.py {page}` and review the diff"
    if any("--csv" in command for command in update_readme.commands(block)):
        assert _same_batch_output(block, real), f"{hint}:\n{real}"
    else:
        assert block == real, hint


def test_every_page_with_console_blocks_is_checked():
    """The blocks come from README.md and every page under docs/, not from the README alone."""
    pages = {page for page, _ in BLOCKS}
    assert "README.md" in pages and "docs/cli.md" in pages and "docs/blocks.md" in pages
    assert update_readme.documents()[0] == ROOT / "README.md"
    assert set(DOCUMENTS) >= {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}


@pytest.mark.parametrize("page", sorted(DOCUMENTS))
def test_every_fence_is_closed(page):
    """A ``` fence left open runs on into the prose: the page shows it as code, and a block rewritten
    from real output would take the prose with it (scripts/update_readme.py refuses such a page)."""
    assert not update_readme.unclosed(DOCUMENTS[page])


def test_a_console_block_shows_commands():
    """A ```console block without a `$ netspec` line would be checked against nothing."""
    empty = [page for page, block in BLOCKS if not update_readme.commands(block)]
    assert not empty


def test_batch_comparison_allows_the_last_bits_only():
    shown = '{"Leaf": 0.7958399999999993, "Flower": 0.25122}'
    assert _same_batch_output(shown, '{"Leaf": 0.7958399999999999, "Flower": 0.25122}')
    assert not _same_batch_output(shown, '{"Leaf": 0.7958399999, "Flower": 0.25122}')
    assert not _same_batch_output(shown, '{"Leaf": 0.7958399999999993, "Flower": 0.25122, "x": 1.5}')


def test_readme_opens_with_two_setup_commands_and_the_leaf_trace():
    """The first screen (50 lines): the two set-up commands, then the leaf trace begins."""
    first_screen = "\n".join(README.splitlines()[:50])
    assert first_screen.count("```sh\n") == 2
    assert "netspec trace specs/leaf.net" in first_screen and "= −26.598" in first_screen
    setup = README[README.index("## Set up"):]
    setup = setup[:setup.index("\n## ", 3)]
    shell_blocks = [b for b in setup.split("```sh\n")[1:]]
    assert len(shell_blocks) == 2


def test_readme_is_a_landing_page():
    """At most 400 lines: what netspec is, the leaf trace, a minute of the language, links into docs/."""
    assert len(README.splitlines()) <= 400
    assert "Understanding LLMs from Scratch Using Middle School Math" in README
    assert "https://towardsdatascience.com/understanding-llms-from-scratch-using-middle-school-math" in README
    linked = set(re.findall(r"\]\((docs/[\w-]+\.md)", README))
    assert linked >= {"docs/tutorial.md", "docs/language.md", "docs/cli.md", "docs/printouts.md", "docs/blocks.md",
                      "docs/python-api.md", "docs/errors.md", "docs/performance.md", "docs/development.md"}


def test_readme_says_to_activate_before_a_bare_netspec():
    """A reader who copies a command before activating the venv has no `netspec` on the PATH."""
    activate = README.index("source .venv/bin/activate")
    shown = "".join(re.findall(r"```\w*\n(.*?)```", README[:activate], re.S))
    assert ".venv/bin/netspec run specs/leaf.net" in shown
    assert not [line for line in shown.splitlines() if re.match(r"(\$ )?netspec ", line) or " && netspec " in line]


@pytest.mark.parametrize("spec, first_line", [("leaf.net", "network leaf_or_flower"), ("weather.net", 'use "leaf.net"')])
def test_docs_quote_specs_as_they_are(spec, first_line):
    """README.md shows leaf.net whole (below its opening comment); docs/language.md weather.net's statements."""
    text = (ROOT / "specs" / spec).read_text(encoding="utf-8")
    page = README if spec == "leaf.net" else DOCUMENTS["docs/language.md"]
    quoted = page[page.index(f"```\n{first_line}") + 4:]
    quoted = quoted[:quoted.index("```\n")]
    assert quoted in text
    if spec == "leaf.net":
        assert text.endswith(quoted)  # whole, from the network line to the end


def test_ci_runs_the_readme_test_command():
    setup = README[README.index("## Set up"):]
    second = setup.split("```sh\n")[2].split("```")[0].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci.splitlines()


PYCON = [(page, m.group(1)) for page, text in DOCUMENTS.items() for m in re.finditer(r"```pycon\n(.*?)```", text, re.S)]


def test_python_sessions_are_shown():
    assert "docs/python-api.md" in {page for page, _ in PYCON}


@pytest.mark.parametrize("page, session", PYCON, ids=[page for page, _ in PYCON])
def test_python_session_runs(monkeypatch, page, session):
    """Each Python example in the documentation is a doctest, run from the repository root."""
    import doctest

    monkeypatch.chdir(ROOT)
    test = doctest.DocTestParser().get_doctest(session, {}, page, page, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0


def test_error_catalogue_is_current():
    """docs/errors.md lists every code with the message netspec really prints."""
    block = update_readme.CATALOGUE_BLOCK.search(DOCUMENTS["docs/errors.md"])
    assert block is not None
    assert block.group(0) == f"<!-- catalogue -->\n{update_readme.catalogue_table()}<!-- /catalogue -->"


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _headings(text: str) -> set[str]:
    """The anchors of a page's headings, made as GitHub and mkdocs both make them."""
    found, fence = set(), False
    for line in text.splitlines():
        fence ^= line.startswith("```")
        heading = None if fence else re.match(r"#{1,6} (.*)", line)
        if heading:
            words = re.sub(r"[`*]", "", heading.group(1)).strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", words).replace(" ", "-"))
    return found


def _links(text: str) -> list[str]:
    outside_code = re.sub(r"```.*?```", "", text, flags=re.S)
    outside_code = re.sub(r"`[^`\n]*`", "", outside_code)
    return [m.group(1) for m in LINK.finditer(outside_code)]


@pytest.mark.parametrize("page", sorted(DOCUMENTS))
def test_every_link_leads_to_a_file_and_heading_that_exist(page):
    """A relative link names a file of the repository; an anchor names a heading of its page."""
    here = (ROOT / page).parent
    broken = []
    for target in _links(DOCUMENTS[page]):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = unquote(target).partition("#")
        file = (here / path).resolve() if path else ROOT / page
        if not file.exists():
            broken.append(target)
        elif anchor and file.suffix == ".md" and anchor not in _headings(file.read_text(encoding="utf-8")):
            broken.append(target)
    assert not broken
