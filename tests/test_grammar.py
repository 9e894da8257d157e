"""The grammar: strict under Lark, every example spec parses, and it ships inside the wheel (issue 2)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from netspec.lang.grammar import grammar_text
from netspec.lang.loader import read_source
from netspec.lang.parser import parse

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
    assert list(weights.table.rows[0].numbers) == [-0.5]


def test_grammar_ships_in_the_wheel(tmp_path):
    """A wheel built from the checkout carries grammars/netspec.lark and finds it when installed."""
    pytest.importorskip("hatchling")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(tmp_path)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("netspec_worked-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert "netspec/grammars/netspec.lark" in archive.namelist()
        assert "netspec/lang/parse_tables.json" in archive.namelist()
        archive.extractall(tmp_path / "site")
    code = ("import netspec.lang.grammar as g; print(g.grammar_dir()); assert g.packaged_parser(g.grammar_text()); "
            "import netspec; print(netspec.load_spec(r'%s').name)" % (SPECS / "leaf.net"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert found.returncode == 0, found.stderr
    grammar_dir, name = found.stdout.split()
    assert grammar_dir.startswith(str(tmp_path / "site"))
    assert name == "leaf_or_flower"


# ---- the parse tables: JSON in the package, never a pickle ----

def test_no_pickle_is_loaded_and_no_cache_file_is_read(tmp_path, monkeypatch):
    """The parser is made twice in a row with every pickle load recorded: none happens, and a
    planted pickle in the cache folder Lark's `cache=` once used is left unread and untouched."""
    import pickle

    from netspec.lang import grammar

    planted = tmp_path / "netspec" / "grammar-0000000000000000.lark-cache"
    planted.parent.mkdir()
    planted.write_bytes(b"cos\nsystem\n(S'echo owned'\ntR.")  # what a hostile pickle looks like
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    loads = []
    monkeypatch.setattr(pickle, "load", lambda *a, **k: loads.append(a))
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: loads.append(a))
    try:
        for _ in range(2):
            grammar.lark_parser.cache_clear()
            assert parse(read_source(SPECS / "leaf.net")).statements
    finally:
        grammar.lark_parser.cache_clear()
    assert loads == []
    assert sorted(p.name for p in (tmp_path / "netspec").iterdir()) == [planted.name]  # nothing written beside it
    assert planted.read_bytes().startswith(b"cos")


@pytest.mark.parametrize("content", ['{"grammar_sha256": "0", "lark": "1", "data": {}, "memo": {}}', "{not json",
                                     '["a list"]'], ids=["other grammar", "corrupt", "not an object"])
def test_tables_that_do_not_fit_the_grammar_are_not_used(tmp_path, monkeypatch, content):
    """Tables made from another grammar, or damaged, are ignored: the parser is built from the grammar."""
    from netspec.lang import grammar

    tables = tmp_path / "parse_tables.json"
    tables.write_text(content, encoding="utf-8")
    monkeypatch.setattr(grammar, "tables_path", lambda: tables)
    assert grammar.packaged_parser(grammar_text()) is None
    grammar.lark_parser.cache_clear()
    try:
        assert parse(read_source(SPECS / "leaf.net")).statements
    finally:
        grammar.lark_parser.cache_clear()


def test_packaged_tables_are_those_of_the_grammar():
    """scripts/make_parse_tables.py --check rebuilds the tables from grammars/netspec.lark and
    compares them, as automata, with netspec/lang/parse_tables.json (run the script after a grammar change)."""
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_parse_tables.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_check_sees_tables_of_another_grammar(tmp_path, monkeypatch):
    """The comparison can fail: tables regenerated from a grammar with one keyword changed differ."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_parse_tables
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    from lark import Lark

    from netspec.lang.grammar import build_parser, make_tables

    changed = make_tables(grammar_text().replace('"largest"', '"biggest"'))
    same = make_tables(grammar_text())
    built = build_parser(grammar_text())
    assert make_parse_tables.same_automaton(Lark._load_from_dict(same["data"], same["memo"]), built)
    assert not make_parse_tables.same_automaton(Lark._load_from_dict(changed["data"], changed["memo"]), built)
