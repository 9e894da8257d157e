"""Nothing in, one cached Lark LALR parser out, built from grammars/netspec.lark."""

from __future__ import annotations

import functools
import hashlib
import os
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
    """The one Lark object, built once per process and cached on disk between processes.

    Building the LALR tables takes 0.1 s (close to a second when `interegular` is
    installed, because Lark then checks every pair of terminals); loading them from the
    cache takes about 20 ms, which is most of what `netspec run` would otherwise wait for.
    """
    from lark import Lark

    text = grammar_text()
    return Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=True, cache=_cache_file(text))


def _cache_file(text: str) -> str | bool:
    """A file in the user's own cache folder (never the package, never a shared /tmp), or no cache."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "netspec"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    from lark import __version__ as lark_version

    digest = hashlib.sha256(f"{lark_version}\n{text}".encode()).hexdigest()[:16]
    current = folder / f"grammar-{digest}.lark-cache"
    for old in folder.glob("grammar-*.lark-cache"):  # caches of other grammar or Lark versions
        if old != current:
            old.unlink(missing_ok=True)
    return str(current)
