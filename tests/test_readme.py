"""Every command shown in README.md prints exactly what the README says (issue 2)."""

from __future__ import annotations

import importlib.util
import math
import re

import pytest

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("update_readme", ROOT / "scripts" / "update_readme.py")
update_readme = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_readme)

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = [m.group(1) for m in update_readme.BLOCK.finditer(README)]


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


@pytest.mark.parametrize("block", BLOCKS, ids=[update_readme.commands(b)[0][:60] for b in BLOCKS])
def test_readme_block_is_real_output(block):
    real = update_readme.rendered(block)
    if any("--csv" in command for command in update_readme.commands(block)):
        assert _same_batch_output(block, real), f"run `python scripts/update_readme.py` and review the diff:\n{real}"
    else:
        assert block == real, "run `python scripts/update_readme.py` and review the diff"


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


@pytest.mark.parametrize("spec, first_line", [("leaf.net", "network leaf_or_flower"), ("weather.net", 'use "leaf.net"')])
def test_readme_quotes_specs_as_they_are(spec, first_line):
    """The README shows leaf.net whole (below its opening comment) and weather.net's statements."""
    text = (ROOT / "specs" / spec).read_text(encoding="utf-8")
    quoted = README[README.index(f"```\n{first_line}") + 4:]
    quoted = quoted[:quoted.index("```\n")]
    assert quoted in text
    if spec == "leaf.net":
        assert text.endswith(quoted)  # whole, from the network line to the end


def test_ci_runs_the_readme_test_command():
    setup = README[README.index("## Set up"):]
    second = setup.split("```sh\n")[2].split("```")[0].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci.splitlines()


def test_readme_python_session_runs(monkeypatch):
    """The README's Python example is a doctest, run from the repository root."""
    import doctest

    monkeypatch.chdir(ROOT)
    session = README[README.index("```pycon\n") + len("```pycon\n"):]
    session = session[:session.index("```")]
    test = doctest.DocTestParser().get_doctest(session, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0


def test_readme_error_catalogue_is_current():
    """The catalogue in the README lists every code with the message netspec really prints."""
    block = update_readme.CATALOGUE_BLOCK.search(README)
    assert block is not None
    assert block.group(0) == f"<!-- catalogue -->\n{update_readme.catalogue_table()}<!-- /catalogue -->"
