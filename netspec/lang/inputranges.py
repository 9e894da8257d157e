"""An input line in, its range read without the grammar: `input x7 range 0 to 1` is the common form.

A spec with a thousand inputs is mostly lines like that one, and Lark spends four tokens and
a tree node on each `range 0 to 1`. A line of exactly that form (a name that is not a word of
the grammar, then only the range, and perhaps a comment) gives its two numbers here; the
grammar then reads `input x7` and the rest of the line as spaces, so the statement keeps its
place, line and span. Anything else on the line leaves it whole for the grammar.
"""

from __future__ import annotations

import re

_NUMBER = r"[+\-\u2212]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+\-\u2212]?[0-9]+)?"  # the grammar's NUMBER
INPUT_RANGE = re.compile(rf"[ \t\f]*input[ \t\f]+(?P<name>[^\W\d]\w*)(?P<range>[ \t\f]+range[ \t\f]+(?P<low>{_NUMBER})"
                         rf"[ \t\f]+to[ \t\f]+(?P<high>{_NUMBER}))[ \t\f\r]*(?:#[^\n]*)?")


def plain_range(line: str, keywords: frozenset[str]) -> tuple[int, int, float, float] | None:
    """(start, end) of the line's `range LOW to HIGH` and its numbers; None for any other line."""
    found = INPUT_RANGE.fullmatch(line)
    if found is None or found.group("name") in keywords:
        return None
    return found.start("range"), found.end("range"), _number(found.group("low")), _number(found.group("high"))


def _number(written: str) -> float:
    """As transform.number reads a NUMBER token: the true minus sign − is a minus."""
    return float(written.replace("\u2212", "-"))
