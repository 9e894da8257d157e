"""An input line in, its name and range read without the grammar: `input x7 range 0 to 1` is the common form.

A spec with a thousand inputs is mostly lines like that one, and Lark spends seven tokens and
three tree nodes on each. A line of exactly that form (a name that is not a word of the
grammar, then only the range, and perhaps a comment) is read here; plaintables.py builds its
node. Anything else on the line leaves it whole for the grammar.
"""

from __future__ import annotations

import re

_NUMBER = r"[+\-\u2212]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+\-\u2212]?[0-9]+)?"  # the grammar's NUMBER
INPUT_RANGE = re.compile(rf"[ \t\f]*input[ \t\f]+(?P<name>[^\W\d]\w*)(?P<range>[ \t\f]+range[ \t\f]+(?P<low>{_NUMBER})"
                         rf"[ \t\f]+to[ \t\f]+(?P<high>{_NUMBER}))[ \t\f\r]*(?:#[^\n]*)?")


def plain_range(line: str, keywords: frozenset[str]) -> tuple[int, int, str, float, float] | None:
    """Where the line's `input` and its name start, the name, and the range's numbers; None for any other line."""
    found = INPUT_RANGE.fullmatch(line)
    if found is None or found.group("name") in keywords:
        return None
    return (len(line) - len(line.lstrip(" \t\f")), found.start("name"), found.group("name"), _number(found.group("low")),
            _number(found.group("high")))


def _number(written: str) -> float:
    """As transform.number reads a NUMBER token: the true minus sign − is a minus."""
    return float(written.replace("\u2212", "-"))
