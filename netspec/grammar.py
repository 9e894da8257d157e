"""Nothing in, one cached Lark LALR parser out, built from grammars/netspec.lark."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

GRAMMAR_FILE = "netspec.lark"


def grammar_dir() -> Path:
    """grammars/ inside an installed wheel, else the checkout's top-level grammars/."""
    packaged = resources.files("netspec") / "grammars"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "grammars"
    if checkout.is_dir():
        return checkout
    raise RuntimeError(f"netspec is installed without its grammar: looked in {packaged} and {checkout}")


def grammar_text() -> str:
    return (grammar_dir() / GRAMMAR_FILE).read_text(encoding="utf-8")


@functools.cache
def lark_parser():
    """The one Lark object; building it takes tens of milliseconds, so it is built once."""
    from lark import Lark

    return Lark(grammar_text(), parser="lalr", propagate_positions=True, maybe_placeholders=True)
