"""grammars/netspec.lark in, the one Lark LALR parser out, loaded from tables made from that grammar.

Building the LALR tables from the grammar takes 0.1 s (half a second when `interegular`
is installed, because Lark then checks every pair of terminals), which is most of what
`netspec check` would otherwise wait for. So the tables are made once, at development
time, by scripts/make_parse_tables.py, and ship inside the package as
netspec/lang/parse_tables.json: Lark's own `memo_serialize` data, written as JSON.

Why JSON, and not Lark's `cache=` file or a standalone parser:

* Lark's cache file is a pickle, kept in the user's cache folder and unpickled before
  its hash is compared: anyone who can write that folder could make netspec run their
  code. JSON is data only: reading it can build lists and strings, never call anything.
  No file outside the package is read or written.
* `python -m lark.tools.standalone` writes the tables *and* a copy of Lark's runtime
  (under the MPL 2.0) into one generated module, which then raises its own copies of
  Lark's exceptions. Measured (parser ready in a fresh process, best of 7): JSON tables
  80 ms, standalone 111 ms, the old pickle cache 96 ms; `netspec check specs/leaf.net`
  (best of 5) 0.37 s against 0.38 s before. The JSON tables are as fast, and keep one Lark,
  one licence and the grammar as the only thing a person edits.

The grammar file stays the source of truth: the tables record the SHA-256 of the grammar
text and the Lark version they were made with, and are used only when both match the
grammar read and the Lark installed; otherwise the parser is built from the grammar (a
slower start, never a wrong parse). tests/test_grammar.py regenerates the tables and
proves them the same automaton as the committed file.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

GRAMMAR_FILE = "netspec.lark"
TABLES_FILE = "parse_tables.json"
OPTIONS = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": True}


def grammar_dir() -> Path:
    """grammars/ inside an installed wheel, else the checkout's top-level grammars/.
    (The package is a folder, as pip installs it: importlib.resources would cost start-up 5 ms.)"""
    packaged = Path(__file__).resolve().parents[1] / "grammars"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "grammars"
    if checkout.is_dir():
        return checkout
    raise RuntimeError(f"netspec is installed without its grammar: looked in {packaged} and {checkout}")


def grammar_text() -> str:
    return (grammar_dir() / GRAMMAR_FILE).read_text(encoding="utf-8")


def tables_path() -> Path:
    return Path(__file__).resolve().parent / TABLES_FILE


@functools.cache
def lark_parser():
    """The one Lark object of the process: from the packaged tables when they fit the grammar, else built."""
    text = grammar_text()
    return packaged_parser(text) or build_parser(text)


@functools.cache
def keywords() -> frozenset[str]:
    """The grammar's words (`layer`, `repeat`, `to` …): a line that starts with one is a statement, not a row."""
    return frozenset(t.pattern.value for t in lark_parser().terminals if t.pattern.type == "str")


def packaged_parser(text: str):
    """The parser loaded from netspec/lang/parse_tables.json, or None when those tables are not the grammar `text`'s."""
    tables = _matching_tables(text)
    if tables is None:
        return None
    from lark import Lark

    return Lark._load_from_dict(tables["data"], tables["memo"])  # what Lark's standalone parsers call


def build_parser(text: str):
    """The parser built from the grammar text itself (the slow way, and the reference)."""
    from lark import Lark

    return Lark(text, **OPTIONS)


def make_tables(text: str) -> dict:
    """The JSON-ready tables of the grammar `text`, with the hash and Lark version they belong to."""
    from lark import __version__ as lark_version
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = build_parser(text).memo_serialize([TerminalDef, Rule])
    return {"grammar_sha256": _digest(text), "lark": lark_version, "data": data, "memo": memo}


def _matching_tables(text: str) -> dict | None:
    """The packaged tables, or None when they are missing, unreadable, or made from another grammar or Lark."""
    from lark import __version__ as lark_version

    try:
        tables = json.loads(tables_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(tables, dict) or tables.get("grammar_sha256") != _digest(text) or tables.get("lark") != lark_version:
        return None
    try:
        return _with_int_keys(tables)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _with_int_keys(tables: dict) -> dict:
    """JSON writes the integer keys of Lark's tables (parser states, their tokens, token names, memo
    entries) as strings; these four places, and only these, get them back as integers."""
    parser = tables["data"]["parser"]["parser"]
    parser["states"] = {int(state): {int(token): action for token, action in actions.items()}
                        for state, actions in parser["states"].items()}
    parser["tokens"] = {int(token): name for token, name in parser["tokens"].items()}
    tables["memo"] = {int(key): value for key, value in tables["memo"].items()}
    return tables


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
