"""Editor support: the VS Code extension's TextMate grammar and the pre-commit hooks.

The grammar is JSON whose regexes are Oniguruma's; each is compiled with Python's re after
the one spelling that differs (\\x{2212} for a code point), and checked on specs/leaf.net's
lines. The hooks are run as pre-commit runs them: the entry split like a shell, every
matching file appended.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SPECS

VSCODE = ROOT / "editors" / "vscode"


def _grammar() -> dict:
    return json.loads((VSCODE / "syntaxes" / "netspec.tmLanguage.json").read_text(encoding="utf-8"))


def _python_regex(oniguruma: str) -> re.Pattern:
    return re.compile(re.sub(r"\\x\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), oniguruma))


def test_the_extension_names_files_that_exist():
    package = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = package["contributes"]["languages"]
    (grammar,) = package["contributes"]["grammars"]
    assert language["extensions"] == [".net"] and grammar["language"] == language["id"] == "netspec"
    assert (VSCODE / grammar["path"]).is_file() and (VSCODE / language["configuration"]).is_file()
    json.loads((VSCODE / language["configuration"]).read_text(encoding="utf-8"))
    assert grammar["scopeName"] == _grammar()["scopeName"] == "source.netspec"


def test_every_pattern_is_included_and_compiles():
    grammar = _grammar()
    included = {p["include"].lstrip("#") for p in grammar["patterns"]}
    assert included == set(grammar["repository"])
    for name, rule in grammar["repository"].items():
        _python_regex(rule["match"])


def test_the_grammar_scopes_leaf_net_as_the_lexer_does():
    rules = {name: _python_regex(rule["match"]) for name, rule in _grammar()["repository"].items()}
    text = (SPECS / "leaf.net").read_text(encoding="utf-8")
    assert rules["comment"].match("# Each column is one hidden neuron")
    layer = rules["layer"].match("layer hidden = dense(input, W1)")
    assert layer.group(1, 2) == ("layer", "hidden")
    assert rules["call"].search("layer hidden = dense(input, W1)").group(1) == "dense"
    numbers = [m.group(0) for m in rules["number"].finditer("  Vol    0.46    0.16    0.18  h1 -0.36 1e-5 −2")]
    assert numbers == ["0.46", "0.16", "0.18", "-0.36", "1e-5", "−2"]
    words = [m.group(0) for m in rules["word"].finditer('input Vol "volume" unit ml at least 0')]
    assert words == ["unit", "at", "least"]
    statements = {m.group(0) for line in text.splitlines() for m in [rules["statement"].match(line)] if m}
    assert statements == {"network", "input", "weights", "layer", "output", "decide", "say", "example"}


def _hooks() -> dict:
    yaml = pytest.importorskip("yaml")
    return {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def _run_hook(hook: dict, files: list[Path]) -> subprocess.CompletedProcess:
    """As pre-commit does: the entry split like a shell, the files that match `files` appended."""
    matching = [str(f) for f in files if re.search(hook["files"], str(f))]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([*shlex.split(hook["entry"]), *matching], capture_output=True, text=True, env=env, timeout=120)


def test_the_check_hook_passes_good_specs_and_fails_on_a_broken_one(tmp_path):
    hook = _hooks()["netspec-check"]
    assert hook["language"] == "python"
    assert _run_hook(hook, [SPECS / "leaf.net", SPECS / "leaf_relu.net", SPECS / "objects.csv"]).returncode == 0
    broken = tmp_path / "broken.net"
    broken.write_text("input a\nlayer out = dense(input, W)\n", encoding="utf-8")
    result = _run_hook(hook, [broken, SPECS / "leaf.net"])
    assert result.returncode == 1 and "broken.net:2:" in result.stderr and "[NS201]" in result.stderr


def test_the_tidy_hook_fails_on_an_untidy_spec(tmp_path):
    hook = _hooks()["netspec-tidy"]
    assert _run_hook(hook, [SPECS / "leaf.net"]).returncode == 0
    messy = tmp_path / "messy.net"
    messy.write_text("input  a\nlayer out=relu(input)\n", encoding="utf-8")
    result = _run_hook(hook, [messy])
    assert result.returncode == 1 and f"{messy}: not tidy" in result.stderr


def test_the_grammar_knows_the_words_the_lexer_knows():
    """The VS Code grammar and the Pygments lexer (whose words tests/test_highlight.py checks against the grammar) agree."""
    from netspec.lang import highlight

    repository = _grammar()["repository"]
    listed = lambda rule: set(re.search(r"\(([a-z|]+)\)", repository[rule]["match"]).group(1).split("|"))  # noqa: E731
    assert listed("statement") == set(highlight.STATEMENTS)
    assert listed("word") == set(highlight.WORDS)
