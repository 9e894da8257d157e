"""The grammar: strict under Lark, every example spec parses, and it ships inside the wheel (issue 2)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from netspec.grammar import grammar_text
from netspec.loader import read_source
from netspec.parser import parse

from conftest import ROOT, SPECS

SPEC_FILES = sorted(SPECS.glob("*.net"))


def test_grammar_is_strict():
    """strict=True makes Lark refuse terminal collisions and shift/reduce conflicts."""
    pytest.importorskip("interegular")
    from lark import Lark

    Lark(grammar_text(), parser="lalr", strict=True)


@pytest.mark.parametrize("path", SPEC_FILES, ids=[p.name for p in SPEC_FILES])
def test_every_spec_parses(path):
    spec = parse(read_source(path))
    assert spec.statements


def test_true_minus_sign_and_crlf_are_read():
    """Numbers pasted from the article may use − (U+2212); files from Windows end lines with CRLF."""
    from netspec.source import Source

    text = "input x\r\nweights W:\r\n   y\r\n x −0.5\r\nlayer y = dense(input, W)\r\n"
    spec = parse(Source("t.net", text))
    weights = spec.statements[1]
    assert weights.table.rows[0].numbers == (-0.5,)


def test_grammar_ships_in_the_wheel(tmp_path):
    """A wheel built from the checkout carries grammars/netspec.lark and finds it when installed."""
    pytest.importorskip("hatchling")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(tmp_path)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("netspec-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert "netspec/grammars/netspec.lark" in archive.namelist()
        archive.extractall(tmp_path / "site")
    code = ("import netspec.grammar as g; print(g.grammar_dir()); "
            "import netspec; print(netspec.load_spec(r'%s').name)" % (SPECS / "leaf.net"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert found.returncode == 0, found.stderr
    grammar_dir, name = found.stdout.split()
    assert grammar_dir.startswith(str(tmp_path / "site"))
    assert name == "leaf_or_flower"
